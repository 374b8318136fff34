import { InterruptedError } from '../errors.js';
import { RateLimitError } from '../http/client.js';
import type { Post } from '../model/post.js';

/** One fetched page: its posts (newest first, as the platforms serve them) and the next cursor. */
export interface Page<C> {
  posts: Post[];
  /** The cursor of the next (older) page; null when the platform says there is none. */
  next: C | null;
}

export interface PaginateOptions<C> {
  /** Fetches the page at `cursor` (null: the first page). */
  fetchPage: (cursor: C | null) => Promise<Page<C>>;
  /** Stop once a page reaches back before this instant (epoch ms): older pages hold nothing for the window. */
  sinceMs: number;
  /** A cursor's identity, to stop when the platform repeats one (default: JSON). */
  cursorKey?: (cursor: C) => string;
  signal?: AbortSignal;
  /** Told about each page, for progress. */
  onPage?: (info: { page: number; posts: number; oldestMs: number | null }) => void;
  /** Told when the walk stops early; the source is then marked incomplete. */
  onIncomplete: (reason: string) => void;
}

/**
 * The one pagination loop every live fetcher uses (style.md "Fetchers"): checks the abort signal
 * before each page, yields lazily, and stops when the cursor is missing or repeats, or once a
 * page reaches back past the window's start. A rate limit longer than `--max-wait` once some
 * posts were read ends the walk as partial (`onIncomplete`); before any (on the first page, or
 * after pages that came empty) it is an error, as there is nothing to report.
 */
export async function* paginate<C>(opts: PaginateOptions<C>): AsyncGenerator<Post> {
  const key = opts.cursorKey ?? ((c: C) => JSON.stringify(c));
  const seen = new Set<string>();
  let cursor: C | null = null;
  let yielded = 0;
  for (let page = 1; ; page++) {
    if (opts.signal?.aborted) throw new InterruptedError();
    let result: Page<C>;
    try {
      result = await opts.fetchPage(cursor);
    } catch (err) {
      // Why posts and not pages: pages may come empty with a cursor (X), and a report of nothing,
      // marked partial, would read as "no activity" instead of "could not fetch" (README: exit 3).
      if (err instanceof RateLimitError && yielded > 0) {
        opts.onIncomplete(err.message);
        return;
      }
      throw err;
    }
    let oldest: number | null = null;
    for (const post of result.posts) {
      // Why skip pinned posts: a pinned post heads the first page whatever its age (Bluesky
      // reasonPin), and an old one must not end the walk. An unreadable time must not either:
      // NaN would poison the minimum and turn the cut-off off for the whole page.
      if (post.pinned) continue;
      const ms = Date.parse(post.createdAt);
      if (!Number.isFinite(ms)) continue;
      if (oldest === null || ms < oldest) oldest = ms;
    }
    opts.onPage?.({ page, posts: result.posts.length, oldestMs: oldest });
    yielded += result.posts.length;
    yield* result.posts;
    if (result.next === null) return;
    if (oldest !== null && oldest < opts.sinceMs) return;
    const k = key(result.next);
    if (seen.has(k)) {
      opts.onIncomplete(`the platform sent the same page cursor twice (page ${page}); stopped there`);
      return;
    }
    seen.add(k);
    cursor = result.next;
  }
}
