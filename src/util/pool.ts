/** What one item of {@link mapBounded} came to: its value, or what it threw. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` on every item, at most `limit` at a time, and returns each item's outcome in the
 * order of `items` (one failing item does not stop the others). `stop(error)` returning true for
 * an item's error ends the run: no further item starts, and that error is thrown once the items
 * in flight have settled (Ctrl-C: the whole run is interrupted, not one account).
 */
export async function mapBounded<I, T>(
  items: readonly I[],
  limit: number,
  work: (item: I, index: number) => Promise<T>,
  stop: (error: unknown) => boolean = () => false,
): Promise<Settled<T>[]> {
  const results = new Array<Settled<T>>(items.length);
  let next = 0;
  let fatal: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (fatal === null && next < items.length) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await work(items[index] as I, index) };
      } catch (error) {
        results[index] = { ok: false, error };
        if (fatal === null && stop(error)) fatal = { error };
      }
    }
  };
  const width = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (fatal !== null) throw (fatal as { error: unknown }).error;
  return results;
}
