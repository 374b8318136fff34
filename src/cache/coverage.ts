import type { Post } from '../model/post.js';

/**
 * The cache's bookkeeping of time: which stretches of an account's timeline it holds completely,
 * what a run still has to fetch, and what one walk of the timeline proves it has seen. Pure.
 */

/** A half-open stretch of time `[fromMs, untilMs)`, epoch ms. Empty when `untilMs <= fromMs`. */
export interface Span {
  fromMs: number;
  untilMs: number;
}

/**
 * The newest stretch of a walk that is never counted as covered: the ten minutes before the walk
 * started. Posts reach a timeline a little after their `createdAt`: Bluesky's is set by the
 * posting client's clock and the AppView indexes asynchronously, and Mastodon ids come from the
 * database clock, up to a minute off (mastodon/api.ts `MAX_ID_SLACK_MS`). The next run reads
 * this stretch again; it lies on the page that overlaps the cache, so this costs no request.
 * Ten minutes is a generous margin over those lags, not a measured figure.
 */
export const SETTLE_MS = 10 * 60_000;

function isEmpty(span: Span): boolean {
  return !(span.untilMs > span.fromMs);
}

/** Spans sorted oldest first, empty ones dropped, overlapping or touching ones joined. */
export function normalizeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => !isEmpty(s)).toSorted((a, b) => a.fromMs - b.fromMs);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last !== undefined && span.fromMs <= last.untilMs) last.untilMs = Math.max(last.untilMs, span.untilMs);
    else out.push({ ...span });
  }
  return out;
}

/** `covered` with `span` added. */
export function addSpan(covered: readonly Span[], span: Span): Span[] {
  return normalizeSpans([...covered, span]);
}

/** The parts of `want` that `covered` does not hold, newest first. */
export function missingSpans(covered: readonly Span[], want: Span): Span[] {
  const missing: Span[] = [];
  let cursor = want.fromMs;
  for (const span of normalizeSpans(covered)) {
    if (span.untilMs <= cursor) continue;
    if (span.fromMs >= want.untilMs) break;
    if (span.fromMs > cursor) missing.push({ fromMs: cursor, untilMs: span.fromMs });
    cursor = Math.max(cursor, span.untilMs);
  }
  if (cursor < want.untilMs) missing.push({ fromMs: cursor, untilMs: want.untilMs });
  return missing.filter((s) => !isEmpty(s)).reverse();
}

/**
 * The timeline walks that fill what `covered` lacks of `want`, newest first; none when it lacks
 * nothing. A walk is handed to the platform's fetcher as its window: the fetcher pages newest
 * first and stops at the first page that reaches back before the walk's start, so a walk that
 * starts where the cache ends costs the pages newer than the cache plus the one that overlaps it.
 *
 * `startsAtUntil` says whether the platform's fetcher starts its walk at the window's end (X
 * `end_time`, Mastodon `max_id`): then each missing part is its own walk, and an interrupted
 * fetch continues where it stopped. Otherwise (Bluesky: the feed is always read from its newest
 * post) every walk starts at the top anyway, so one walk reaching back to the oldest missing part
 * costs no more than several and fetches each page once.
 */
export function planWalks(covered: readonly Span[], want: Span, startsAtUntil: boolean): Span[] {
  const missing = missingSpans(covered, want);
  const newest = missing[0];
  const oldest = missing.at(-1);
  if (newest === undefined || oldest === undefined) return [];
  if (startsAtUntil) return missing;
  return [{ fromMs: oldest.fromMs, untilMs: newest.untilMs }];
}

/** Newest and oldest `createdAt` of the posts (epoch ms), pinned posts left out: a pinned post heads the first page whatever its age. */
export function timeRange(posts: Iterable<Post>): { newestMs: number; oldestMs: number } | null {
  let newestMs = -Infinity;
  let oldestMs = Infinity;
  for (const post of posts) {
    if (post.pinned) continue;
    const ms = Date.parse(post.createdAt);
    if (!Number.isFinite(ms)) continue;
    if (ms > newestMs) newestMs = ms;
    if (ms < oldestMs) oldestMs = ms;
  }
  return Number.isFinite(newestMs) ? { newestMs, oldestMs } : null;
}

/**
 * The stretch one walk proves it has seen completely, or null for none. `posts` are the walk's
 * whole pages so far (newest first, as served), `walk` the window the fetcher was given,
 * `startedAtMs` when the walk began.
 *
 * A walk serves every post from its top down to the oldest post it reached; posts at that very
 * instant may go on on the next page, so the stretch starts one millisecond after it. A walk that
 * finished (`complete`) also holds everything back to its window's start, even where no post was
 * served: it stopped there because it reached the start, the history ended, or the platform bounds
 * the walk by time (X `start_time`). The top is the walk's window end (X and Mastodon start there,
 * Bluesky above it), or the newest post served when that is later, but never the last
 * `SETTLE_MS` before the walk began.
 */
export function walkCoverage(walk: Span, posts: readonly Post[], complete: boolean, startedAtMs: number): Span | null {
  const range = timeRange(posts);
  const top = Math.min(Math.max(walk.untilMs, range === null ? -Infinity : range.newestMs + 1), startedAtMs - SETTLE_MS);
  let from: number;
  if (complete) from = range === null ? walk.fromMs : Math.min(walk.fromMs, range.oldestMs + 1);
  else if (range === null) return null;
  else from = range.oldestMs + 1;
  return top > from ? { fromMs: from, untilMs: top } : null;
}
