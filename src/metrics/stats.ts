/**
 * Order statistics used by the latency figures (metrics.md §3.2). Inputs are sorted ascending;
 * callers check for the empty case (the contract reports null figures when `n = 0`).
 */

/** Median of ascending values; an even count takes the mean of the two middle values. */
export function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('median of no values');
  const mid = Math.floor(n / 2);
  const upper = sorted[mid] as number;
  return n % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/**
 * Nearest-rank percentile: the `ceil(p/100 · n)`-th smallest value, computed as
 * `ceil(p·n / 100)` from whole numbers so that the rank is exact for every `n` (a product such as
 * `0.9 * n` carries the binary rounding error of 0.9).
 * @param percent whole percent in [1, 100], e.g. 90 for p90
 */
export function nearestRank(sorted: ArrayLike<number>, percent: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('percentile of no values');
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new RangeError(`bad percent ${percent}`);
  const rank = Math.ceil((percent * n) / 100);
  return sorted[rank - 1] as number;
}
