import type { AccountArg } from '../account.js';
import type { FetchContext, LiveFetcher } from '../fetchers/live-types.js';
import { MASTODON_PAGE_LIMIT } from '../fetchers/mastodon/api.js';
import { newReadStats, recordSkip, type InputSource, type ReadStats } from '../fetchers/types.js';
import { RateLimitError, type GetSpec, type HttpClient, type JsonResponse } from '../http/client.js';
import type { AccountInfo, Platform, Post } from '../model/post.js';
import { addSpan, planWalks, timeRange, walkCoverage, type Span } from './coverage.js';
import {
  cacheFilePath,
  cacheKey,
  emptyState,
  loadCache,
  removeCache,
  saveCache,
  sortPosts,
  validPost,
  type CacheKey,
  type CacheState,
} from './store.js';

/**
 * The cache around a live fetcher (docs/cache.md): a run fetches only what the account's cache
 * file lacks of the window (what is newer than the cache, plus the page that overlaps it), merges
 * it in, saves the file after every page, and serves the window's posts from the merged whole.
 */

/**
 * Whether each platform's fetcher starts its walk at the window's end: X sends `end_time`,
 * Mastodon a `max_id` made from the window's end (mastodon/api.ts `startBefore`; servers whose ids
 * are not snowflakes start at the newest post, which costs pages but is still correct). Bluesky's
 * `getAuthorFeed` has no time parameter: its walks always start at the newest post.
 */
export const WALK_STARTS_AT_UNTIL = {
  x: true,
  mastodon: true,
  bluesky: false,
} satisfies Record<Platform, boolean>;

/**
 * The most items one timeline page holds, per platform, for the estimate of requests saved:
 * X `max_results` 100 (x/api.ts), Mastodon 40 (`MASTODON_PAGE_LIMIT`), Bluesky `limit` 100
 * (bluesky/api.ts `PAGE_LIMIT`).
 */
export const PAGE_ITEMS = {
  x: 100,
  mastodon: MASTODON_PAGE_LIMIT,
  bluesky: 100,
} satisfies Record<Platform, number>;

/** How `cachedFetch` finds and uses the cache. */
export interface CacheOptions {
  /** The cache folder (`resolveCacheDir`). */
  dir: string;
  /** The clock, epoch ms (default `Date.now`): when walks start, for the settle margin and file times. */
  now?: () => number;
}

/** What the cache did for one account, for the report. Final once `posts` has been read to the end. */
export interface CacheOutcome {
  /** The account's cache file. */
  file: string;
  /**
   * What the file held at the start: `miss` none; `hit` usable posts; `corrupt` a file that could not
   * be used (warned, removed, fetched again); `other-account` the handle now names another account
   * (warned, fetched again).
   */
  status: 'miss' | 'hit' | 'corrupt' | 'other-account';
  /** True when the file held an unfinished walk, which this run continued. */
  resumed: boolean;
  /** Timeline walks made: 0 when the cache held the whole window. */
  walks: number;
  /** Requests made after the first account lookup: timeline pages, further lookups, retries. */
  requests: number;
  /**
   * Requests the cache saved, an estimate that errs low: the pages one walk without the cache
   * would take for the window's posts, `max(1, ceil(posts in window / PAGE_ITEMS))`, minus
   * `requests`; at least 0, and 0 when no post came from the cache. A real walk also pages through
   * posts newer than the window (Bluesky) and the page that reaches past its start, not counted.
   */
  requestsSaved: number;
  /** Posts in the window served from the cache rather than fetched this run. */
  postsFromCache: number;
  /** Posts in the window, served. */
  postsInWindow: number;
  /** False when the file could not be written (warned); the next run then fetches again. */
  saved: boolean;
}

/** A live source served through the cache. */
export interface CachedSource extends InputSource {
  cache: CacheOutcome;
  /**
   * Ids of the posts fetched this run (filled as `posts` is read). The others came from the cache
   * as they were when fetched: their `replyCount` may be out of date, so an inbound fetcher that
   * skips posts nobody answered should not trust it for them, unless `seenAt` shows it was seen
   * late enough.
   */
  fetchedIds: ReadonlySet<string>;
  /** When each served post was last fetched (epoch ms), where the cache knows it. */
  seenAt: ReadonlyMap<string, number>;
}

/** A view of `http` that calls `before()` ahead of every request. */
interface RequestHook {
  http: HttpClient;
  before: (() => Promise<void>) | null;
}

/**
 * Why a Proxy: fetchers take the shared `HttpClient` instance from the context (its request count
 * must keep counting the whole run), and the cache must act between pages, which only the next
 * page's request reveals: `paginate` asks for page k+1 only after page k's posts were all read.
 */
function hookRequests(http: HttpClient): RequestHook {
  const hook: RequestHook = { http, before: null };
  hook.http = new Proxy(http, {
    get(target, prop) {
      if (prop === 'getJson') {
        return async (spec: GetSpec): Promise<JsonResponse> => {
          await hook.before?.();
          return target.getJson(spec);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return hook;
}

function windowOf(span: Span): FetchContext['window'] {
  return { sinceMs: span.fromMs, untilMs: span.untilMs };
}

function otherAccount(cached: AccountInfo | null, fetched: AccountInfo | null): boolean {
  return cached?.id != null && fetched?.id != null && cached.id !== fetched.id;
}

function inSpan(ms: number, span: Span): boolean {
  return ms >= span.fromMs && ms < span.untilMs;
}

function addStats(into: ReadStats, from: ReadStats): void {
  into.skipped += from.skipped;
  for (const example of from.skippedExamples) if (into.skippedExamples.length < 5) into.skippedExamples.push(example);
}

/**
 * Takes one walk's pages into the cache: in the stretch the walk proves it has seen, its posts
 * replace the cache's (a cached post it no longer serves was deleted); its posts are added
 * whatever their time; the stretch joins the covered ones. Idempotent for a walk that grows, so
 * it runs after every page.
 */
function takeWalk(state: CacheState, walk: Span, posts: readonly Post[], complete: boolean, startedAtMs: number): void {
  const fresh = new Map<string, Post>();
  for (const post of posts) if (!fresh.has(post.id)) fresh.set(post.id, post);
  const span = walkCoverage(walk, posts, complete, startedAtMs);
  if (span !== null) {
    for (const [id, post] of state.posts) {
      if (!fresh.has(id) && inSpan(Date.parse(post.createdAt), span)) {
        state.posts.delete(id);
        state.seenAt.delete(id);
      }
    }
    state.covered = addSpan(state.covered, span);
  }
  for (const [id, post] of fresh) {
    state.posts.set(id, post);
    state.seenAt.set(id, startedAtMs);
  }
}

/**
 * `fetcher` through the account's cache file in `opts.dir`. Resolves the account as the fetcher
 * does (its errors pass through, the cache untouched), then returns a source whose `posts`:
 * 1. plans the walks that fill what the cache lacks of `ctx.window` (`planWalks`): none when it
 *    holds all of it, one from the window's end down to where the cache ends when only newer posts
 *    are missing, more when an earlier fetch was interrupted;
 * 2. runs each walk through the fetcher with the walk as its window, saving the file before each
 *    further request, so a run killed at any point leaves every page it read (the file says
 *    `complete: false` and where the walk stopped, and the next run fetches the rest); on an error
 *    (Ctrl-C, network) it saves what it read, then rethrows;
 * 3. yields the window's posts, `[sinceMs, untilMs)`, newest first, each id once (a post fetched
 *    this run replaces the cached one).
 * A corrupt cache file is warned about (`warnings`), removed and fetched again; a file that cannot
 * be written is warned about and the run goes on. `complete` is false when a walk stopped early.
 * Tokens never reach the file: it holds posts, the account and time spans only.
 */
export async function cachedFetch(fetcher: LiveFetcher, account: AccountArg, ctx: FetchContext, opts: CacheOptions): Promise<CachedSource> {
  const now = opts.now ?? Date.now;
  const key: CacheKey = cacheKey(account, ctx.apiUrl);
  const file = cacheFilePath(opts.dir, key);
  const want: Span = { fromMs: ctx.window.sinceMs, untilMs: ctx.window.untilMs };
  const warnings: string[] = [];
  const startsAtUntil = WALK_STARTS_AT_UNTIL[account.platform];

  const loaded = await loadCache(file, key);
  let state: CacheState = loaded.kind === 'ok' ? loaded.state : emptyState();
  const outcome: CacheOutcome = {
    file,
    status: loaded.kind === 'ok' ? 'hit' : loaded.kind === 'missing' ? 'miss' : 'corrupt',
    resumed: false,
    walks: 0,
    requests: 0,
    requestsSaved: 0,
    postsFromCache: 0,
    postsInWindow: 0,
    saved: true,
  };
  if (loaded.kind === 'corrupt') {
    warnings.push(`cache file ${file} was corrupt (${loaded.reason}); fetched again`);
    await removeCache(file).catch(() => undefined);
  }

  const hook = hookRequests(ctx.http);
  const walkCtx = (span: Span): FetchContext => ({ ...ctx, http: hook.http, window: windowOf(span) });
  let walks = planWalks(state.covered, want, startsAtUntil);
  let first = await fetcher(account, walkCtx(walks[0] ?? want));
  if (outcome.status === 'hit' && otherAccount(state.account, first.account)) {
    warnings.push(
      `cache file ${file} held the posts of ${key.account} when it was account ${state.account?.id ?? '?'}; it is now ${first.account?.id ?? '?'}, so everything was fetched again`,
    );
    outcome.status = 'other-account';
    state = emptyState();
    const again = planWalks([], want, startsAtUntil);
    if (again[0]?.fromMs !== walks[0]?.fromMs || again[0]?.untilMs !== walks[0]?.untilMs) {
      first = await fetcher(account, walkCtx(again[0] ?? want));
    }
    walks = again;
  }
  const baseline = ctx.http.requests;
  if (outcome.status === 'hit' && state.resume !== null && walks.length > 0) outcome.resumed = true;

  const stats = newReadStats();
  let writable = true;
  const persist = async (): Promise<void> => {
    if (!writable) return;
    try {
      await saveCache(file, key, state, now());
    } catch (err) {
      writable = false;
      outcome.saved = false;
      warnings.push(`could not write cache file ${file} (${(err as Error).message}); the next run fetches everything again`);
    }
  };

  const describe = (ms: number): string => new Date(ms).toISOString();
  const fetchedIds = new Set<string>();
  let allComplete = true;

  /** Runs one walk into the cache; `next` is the walk this run makes after it, if any. */
  async function runWalk(source: InputSource, walk: Span, next: Span | null): Promise<void> {
    const startedAtMs = now();
    const got: Post[] = [];
    let savedCount = 0;
    const checkpoint = async (complete: boolean): Promise<void> => {
      takeWalk(state, walk, got, complete, startedAtMs);
      const range = timeRange(got);
      // Until the run's last walk is done, the file says which one is unfinished.
      if (!complete) state.resume = { walk, startedAtMs, reachedBackMs: range?.oldestMs ?? null };
      else state.resume = next === null ? null : { walk: next, startedAtMs, reachedBackMs: null };
      state.account = source.account ?? state.account;
      state.fetchedAt = new Date(startedAtMs).toISOString();
      savedCount = got.length;
      await persist();
    };
    state.resume = { walk, startedAtMs, reachedBackMs: null };
    hook.before = async () => {
      if (got.length > savedCount) await checkpoint(false);
    };
    try {
      for await (const post of source.posts) {
        let valid: Post;
        try {
          valid = validPost(post);
        } catch {
          // A fetcher bug, not the platform's: keep the post out of the cache, as a reader would.
          recordSkip(stats, `post ${post.id} failed the schema`);
          continue;
        }
        got.push(valid);
        fetchedIds.add(valid.id);
      }
    } catch (err) {
      if (got.length > savedCount) await checkpoint(false);
      throw err;
    } finally {
      hook.before = null;
    }
    const complete = source.complete !== false;
    if (!complete) allComplete = false;
    await checkpoint(complete);
    addStats(stats, source.stats);
    warnings.push(...source.warnings);
  }

  async function* posts(): AsyncGenerator<Post> {
    if (walks.length === 0) {
      ctx.progress(`cache: ${file} holds the whole window; nothing to fetch`);
    } else if (outcome.resumed && state.resume !== null) {
      const back = state.resume.reachedBackMs;
      ctx.progress(`cache: continuing an interrupted fetch${back === null ? '' : ` that reached back to ${describe(back)}`}`);
    } else if (outcome.status === 'hit') {
      ctx.progress(`cache: ${state.posts.size} posts cached; fetching from ${describe(walks[0]?.fromMs ?? want.fromMs)}`);
    }
    for (const [index, walk] of walks.entries()) {
      try {
        const source = index === 0 ? first : await fetcher(account, walkCtx(walk));
        outcome.walks += 1;
        await runWalk(source, walk, walks[index + 1] ?? null);
      } catch (err) {
        // A later walk's first page is not the run's first: a rate limit there ends the fetch
        // early, as it would in the middle of one walk without the cache (paginate.ts).
        if (!(err instanceof RateLimitError) || index === 0) throw err;
        allComplete = false;
        warnings.push(err.message);
      }
      // A walk that stopped early (a rate limit): the next run goes on from there.
      if (!allComplete) break;
    }
    // Without a walk, the first source still has what it said on resolving the account.
    if (walks.length === 0) warnings.push(...first.warnings);
    if (!allComplete) source.complete = false;
    const served = sortPosts([...state.posts.values()].filter((p) => inSpan(Date.parse(p.createdAt), want)));
    outcome.requests = ctx.http.requests - baseline;
    outcome.postsInWindow = served.length;
    outcome.postsFromCache = served.filter((p) => !fetchedIds.has(p.id)).length;
    if (outcome.postsFromCache > 0) {
      const fullWalk = Math.max(1, Math.ceil(served.length / PAGE_ITEMS[account.platform]));
      outcome.requestsSaved = Math.max(0, fullWalk - outcome.requests);
    }
    yield* served;
  }

  const source: CachedSource = {
    format: first.format,
    sourceKind: 'api',
    account: first.account,
    posts: posts(),
    stats,
    complete: true,
    requests: () => ctx.http.requests,
    warnings,
    cache: outcome,
    fetchedIds,
    seenAt: state.seenAt,
    // Nothing fetched: the posts are as old as the cache's last fetch.
    ...(walks.length === 0 ? { fetchedAt: state.fetchedAt } : {}),
  };
  return source;
}
