import { z } from 'zod';
import type { AccountArg } from '../../account.js';
import { InterruptedError, PlatformError, UsageError } from '../../errors.js';
import { RateLimitError, ShapeError, type JsonResponse } from '../../http/client.js';
import type { AccountInfo, Post } from '../../model/post.js';
import type { LiveFetcher } from '../live-types.js';
import { paginate, type Page } from '../paginate.js';
import { newReadStats, recordSkip, type InputSource } from '../types.js';
import { describeIssues, nonEmpty, XIdSchema } from './common.js';
import { normalizeXv2Page, XV2PageSchema, type XV2Page } from './v2.js';

/**
 * The live X fetcher: `@name` → the account's posts over the audit window, from the X API v2 with
 * a bearer token (`X_BEARER_TOKEN`). Two endpoints only: one user lookup, then the user's post
 * timeline, newest first, 100 posts a page, limited to the window by `start_time` / `end_time`,
 * until a page comes without `meta.next_token`. Pages are normalized by the offline reader's
 * `normalizeXv2Page` (v2.ts), so a saved fetch and a live fetch of the same pages give the same
 * posts. Reply targets are never fetched: their time is in `includes.tweets` or in their snowflake
 * id (src/ids.ts). Wire formats, limits and quirks: platforms.md §1.
 * @see https://docs.x.com/x-api/users/get-user-by-username
 * @see https://docs.x.com/x-api/posts/timelines/introduction
 * @see https://docs.x.com/x-api/fundamentals/pagination
 */

/** The X API's base URL (platforms.md §1.1); `--api-url` replaces it. */
export const X_API_URL = 'https://api.x.com';

/** The most `GET /2/users/:id/tweets` serves per page (`max_results` 5-100). */
export const X_PAGE_SIZE = 100;

/**
 * The timeline serves only the account's newest 3,200 posts, whatever the time parameters say.
 * @see https://docs.x.com/x-api/posts/timelines/introduction
 */
export const X_TIMELINE_CAP = 3200;

/**
 * The earliest `start_time` / `end_time` X accepts (`2010-11-06T00:00:01Z`): times are mapped to
 * snowflake ids, which began in November 2010 (platforms.md §0, §1.2).
 */
export const X_EARLIEST_TIME_MS = Date.parse('2010-11-06T00:00:01Z');

/**
 * A time parameter closer than this to the request's own time is refused with a 400 (reported for
 * search and the user timeline: https://github.com/Significant-Gravitas/AutoGPT/pull/11461), so
 * such a bound is left out: no post is newer than the request anyway.
 */
const RECENT_MARGIN_MS = 10_000;

const LOOKUP = 'GET /2/users/by/username/:username';
const TIMELINE = 'GET /2/users/:id/tweets';

const USER_FIELDS = 'created_at,description,entities,url,public_metrics,verified,protected';
const TWEET_FIELDS =
  'created_at,conversation_id,in_reply_to_user_id,referenced_tweets,entities,public_metrics,author_id,note_tweet';
// The `tweet.*` vocabulary is the documented one and decides the response's spelling (platforms.md §1.3).
const EXPANSIONS = 'referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id';

const NO_TOKEN =
  'X needs a bearer token: set X_BEARER_TOKEN to the token of an app from the developer console at ' +
  'developer.x.com (reads are paid with pay-per-use credits), or audit the account archive offline ' +
  'with --input <archive.zip>, which needs no token';

/**
 * The user object of `GET /2/users/by/username/:username`, as far as the audit reads it. Fields
 * with no value are omitted, never null.
 * @see https://docs.x.com/x-api/fundamentals/data-dictionary#user
 */
export const XUserSchema = z.looseObject({
  id: XIdSchema,
  username: z.string().min(1),
  name: z.string().optional(),
  url: z.string().optional(),
  created_at: z.string().optional(),
  protected: z.boolean().optional(),
  entities: z
    .looseObject({
      url: z
        .looseObject({
          urls: z.array(z.looseObject({ url: z.string().optional(), expanded_url: z.string().optional() })).optional(),
        })
        .optional(),
    })
    .optional(),
  public_metrics: z.looseObject({ tweet_count: z.number().int().nonnegative().optional() }).optional(),
});
export type XUser = z.infer<typeof XUserSchema>;

/** A problem in `errors[]` (partial errors, not-found answers on HTTP 200). */
const ProblemSchema = z.looseObject({
  title: z.string().optional(),
  detail: z.string().optional(),
  type: z.string().optional(),
});

/**
 * The lookup's envelope: `data` for a known user; an unknown user comes back as HTTP 200 with only
 * `errors` (platforms.md §1.2).
 * @see https://docs.x.com/x-api/fundamentals/response-codes-and-errors#partial-errors
 */
const LookupSchema = z.looseObject({
  data: XUserSchema.optional(),
  errors: z.array(ProblemSchema).optional(),
});

/**
 * An instant as X wants it in `start_time` / `end_time`: RFC 3339 with whole seconds
 * (`YYYY-MM-DDTHH:mm:ssZ`), rounded `down` or `up` to the second.
 */
export function xTime(ms: number, round: 'down' | 'up'): string {
  const seconds = round === 'down' ? Math.floor(ms / 1000) : Math.ceil(ms / 1000);
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The `start_time` / `end_time` of the timeline requests for a window, or null to leave a bound
 * out. The window's start is rounded down and its end up to the second, so the fetched span covers
 * it (`collect()` then keeps the exact window). A start before `X_EARLIEST_TIME_MS` is left out
 * rather than clamped: the walk then stops once a page reaches back before the window, and posts
 * older than November 2010 (reachable when the account has few posts) are not lost. An end within
 * `RECENT_MARGIN_MS` of `nowMs`, or later, is left out too (X refuses it; nothing is newer anyway).
 */
export function timelineBounds(
  window: { sinceMs: number; untilMs: number },
  nowMs: number,
): { startTime: string | null; endTime: string | null } {
  const start = Math.floor(window.sinceMs / 1000) * 1000;
  const end = Math.ceil(window.untilMs / 1000) * 1000;
  const usable = (ms: number) => ms >= X_EARLIEST_TIME_MS && ms <= nowMs - RECENT_MARGIN_MS;
  return {
    startTime: usable(start) ? xTime(start, 'down') : null,
    endTime: usable(end) ? xTime(end, 'up') : null,
  };
}

/** The token from `X_BEARER_TOKEN`, trimmed, without a pasted `Bearer ` prefix; a `UsageError` without one. */
export function bearerToken(raw: string | undefined): string {
  const token = (raw ?? '').trim().replace(/^Bearer\s+/i, '');
  if (token === '') throw new UsageError(NO_TOKEN);
  // Anything else would break the Authorization header (and an HTTP library's message might quote it).
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError('X_BEARER_TOKEN holds spaces, line breaks or non-ASCII characters: set it to the bearer token alone');
  }
  return token;
}

/** Replaces the token wherever an error's text might carry it (X could echo it back in a message). */
function scrub(err: unknown, token: string): unknown {
  if (err instanceof Error) {
    const hide = (s: string) => s.split(token).join('[X_BEARER_TOKEN]');
    if (err.message.includes(token)) err.message = hide(err.message);
    if (err.stack?.includes(token)) err.stack = hide(err.stack);
  }
  return err;
}

/** The profile website: the expanded link of `entities.url`, else `url` (a t.co link). */
function websiteOf(user: XUser): string | null {
  return nonEmpty(user.entities?.url?.urls?.[0]?.expanded_url) ?? nonEmpty(user.url);
}

/** What the account record of the report says, from the looked-up user. */
export function accountOfXUser(user: XUser): AccountInfo {
  return {
    platform: 'x',
    id: user.id,
    handle: user.username,
    displayName: nonEmpty(user.name),
    website: websiteOf(user),
    url: `https://x.com/${user.username}`,
  };
}

function firstProblem(problems: readonly unknown[] | undefined): z.infer<typeof ProblemSchema> | null {
  const parsed = ProblemSchema.safeParse(problems?.[0]);
  return parsed.success ? parsed.data : null;
}

/** X's words from a problem, quoted for a message. */
function said(problem: z.infer<typeof ProblemSchema> | null): string {
  const words = problem?.detail ?? problem?.title;
  return words ? `X says: "${words.slice(0, 200)}"` : 'X gave no reason';
}

/**
 * Validates a page of an X v2 post list (the timeline, the mentions) with the wire schema. A page
 * whose envelope is not such a page (`data` not an array, a `next_token` that is not a string) is a
 * `ShapeError` naming the endpoint: "X `endpoint` answered `what` with a body that is not a `kind`
 * page".
 */
export function parseXPage(body: unknown, endpoint: string, kind: string, what: string): XV2Page {
  const parsed = XV2PageSchema.safeParse(body);
  let problem: string | null = null;
  if (!parsed.success) problem = describeIssues(parsed.error);
  else if (parsed.data.data !== undefined && !Array.isArray(parsed.data.data)) problem = 'data: expected an array of posts';
  else if (parsed.data.meta?.next_token !== undefined && typeof parsed.data.meta.next_token !== 'string') {
    problem = 'meta.next_token: expected a string';
  }
  if (!parsed.success || problem !== null) {
    throw new ShapeError(
      `X ${endpoint} answered ${what} with a body that is not a ${kind} page (${problem ?? 'invalid'}); the API may have changed or --api-url may point elsewhere`,
    );
  }
  return parsed.data;
}

/** Validates a timeline page (`parseXPage`). */
function timelinePage(body: unknown, what: string): XV2Page {
  return parseXPage(body, TIMELINE, 'timeline', what);
}

/**
 * The query of one page of an X v2 post list (the timeline, the mentions): 100 posts, the window's
 * `start_time` / `end_time` where sent (`timelineBounds`), the endpoint's `tweet.fields` and
 * `expansions`, the users' handles, and the cursor of the page after the first.
 */
export function xPageParams(
  bounds: { startTime: string | null; endTime: string | null },
  fields: { tweetFields: string; expansions: string },
  cursor: string | null,
): Record<string, string> {
  const params: Record<string, string> = { max_results: String(X_PAGE_SIZE) };
  if (bounds.startTime !== null) params.start_time = bounds.startTime;
  if (bounds.endTime !== null) params.end_time = bounds.endTime;
  params['tweet.fields'] = fields.tweetFields;
  params.expansions = fields.expansions;
  params['user.fields'] = 'username';
  if (cursor !== null) params.pagination_token = cursor;
  return params;
}

/** The oldest time (ms) among `oldestMs` (null: none yet) and the posts' `createdAt`. */
export function oldestPostMs(oldestMs: number | null, posts: readonly Post[]): number | null {
  let oldest = oldestMs;
  for (const post of posts) {
    const ms = Date.parse(post.createdAt);
    if (oldest === null || ms < oldest) oldest = ms;
  }
  return oldest;
}

/** What `olderPostsServed` needs to know of a walk, and how it asks its endpoint. */
export interface OlderPostsCheck {
  /** The oldest post the walk read (ms); null when it read none. */
  oldestMs: number | null;
  /** The window's start. */
  sinceMs: number;
  /** The walk's `start_time`; null when it sent none (a window before November 2010). */
  startTime: string | null;
  /** Sends the check's query to the walk's endpoint and validates the page it answers. */
  request: (params: Record<string, string>) => Promise<XV2Page>;
  /** Said just before the request (a progress line). */
  onCheck: () => void;
  /** A rate limit longer than `--max-wait` kept the request from running. */
  onRateLimit: (err: RateLimitError) => void;
}

/**
 * Did X serve anything older than the window's start? The question behind its silent caps (the
 * timeline's 3,200 posts, the mentions' 800; platforms.md §1.2): if it did, all of the window was
 * within reach. Yes when the walk read a post before `sinceMs`. Otherwise, with a `start_time`,
 * one request settles it: the newest posts before it (`end_time=start_time`, `max_results=5`); a
 * post, or a `next_token`, in the answer is a yes. Without a `start_time`, no (the walk went on
 * until a page reached back before the window). A rate limit on that request: null, after
 * `onRateLimit`; any other error rejects.
 */
export async function olderPostsServed(check: OlderPostsCheck): Promise<boolean | null> {
  if (check.oldestMs !== null && check.oldestMs < check.sinceMs) return true;
  if (check.startTime === null) return false;
  check.onCheck();
  let probe: XV2Page;
  try {
    probe = await check.request({ max_results: '5', end_time: check.startTime, 'tweet.fields': 'created_at' });
  } catch (err) {
    if (!(err instanceof RateLimitError)) throw err;
    check.onRateLimit(err);
    return null;
  }
  return (Array.isArray(probe.data) && probe.data.length > 0) || typeof probe.meta?.next_token === 'string';
}

/**
 * Resolves the account: `GET /2/users/by/username/:username`. An unknown name (HTTP 200 with only
 * `errors`, or a 404) is a `UsageError`, as is a suspended account.
 */
async function lookUp(
  account: AccountArg,
  base: string,
  get: (url: string, endpoint: string, accept?: readonly number[]) => Promise<JsonResponse>,
): Promise<XUser> {
  const url = `${base}/2/users/by/username/${encodeURIComponent(account.handle)}?user.fields=${USER_FIELDS}`;
  const res = await get(url, LOOKUP, [404]);
  const parsed = LookupSchema.safeParse(res.body);
  if (res.status === 404 && !(parsed.success && parsed.data.errors?.length)) {
    // X says "not found" with a problem body; a bare 404 is not its API.
    throw new PlatformError(`${base} does not answer the X API (${LOOKUP}: HTTP 404); check --api-url`);
  }
  if (!parsed.success) {
    throw new ShapeError(
      `X ${LOOKUP} answered with a body that is not a user lookup (${describeIssues(parsed.error)}); the API may have changed or --api-url may point elsewhere`,
    );
  }
  if (parsed.data.data) return parsed.data.data;
  const problem = firstProblem(parsed.data.errors);
  if (problem === null) {
    throw new ShapeError(
      `X ${LOOKUP} answered with neither a user nor an error; the API may have changed or --api-url may point elsewhere`,
    );
  }
  const notFound = problem.title === 'Not Found Error' && !/suspend/i.test(problem.detail ?? '');
  if (notFound || res.status === 404) {
    throw new UsageError(`no such X account @${account.handle}; check the spelling`);
  }
  // Suspended and similar accounts come back the same way, with another title (platforms.md §1.6).
  throw new UsageError(`X will not show the account @${account.handle} (${said(problem)})`);
}

/**
 * Fetches `@name` from the X API v2 (see the module comment). Needs `ctx.tokens.x`; without it,
 * a `UsageError` says how to get one or to use an archive instead. The token is sent only as
 * `Authorization: Bearer` to the base URL and never appears in a message, warning or progress line.
 *
 * Completeness: the walk stops at the page without `next_token`. It is marked incomplete when a
 * rate limit longer than `--max-wait` stops it after the first page, when X repeats a cursor, and
 * when X's 3,200-post cap cuts the window (see `checkCap` inside: decided by the account's
 * `tweet_count` and, when that is over the cap, one request for a post older than the window).
 */
export const fetchX: LiveFetcher = async (account, ctx) => {
  if (ctx.signal?.aborted) throw new InterruptedError();
  const token = bearerToken(ctx.tokens.x);
  const base = (ctx.apiUrl ?? X_API_URL).replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${token}` };
  const get = async (url: string, endpoint: string, accept: readonly number[] = []): Promise<JsonResponse> => {
    try {
      return await ctx.http.getJson({ url, platform: 'x', endpoint, headers, accept });
    } catch (err) {
      throw scrub(err, token);
    }
  };

  ctx.progress(`X: looking up @${account.handle}`);
  const user = await lookUp(account, base, get);
  const info = accountOfXUser(user);
  const tweetCount = user.public_metrics?.tweet_count ?? null;
  ctx.progress(`X: @${user.username} resolved (id ${user.id}${tweetCount === null ? '' : `, ${tweetCount} posts in all`})`);

  const stats = newReadStats();
  const warnings: string[] = [];
  if (info.website !== null && /^https?:\/\/t\.co\//i.test(info.website)) {
    warnings.push(
      `The profile website is a t.co short link (${info.website}); add your domain to ownDomains ` +
        'in the config so links to your own site are recognised.',
    );
  }
  const markIncomplete = (reason: string): void => {
    source.complete = false;
    warnings.push(reason);
  };

  const { sinceMs } = ctx.window;
  const { startTime, endTime } = timelineBounds(ctx.window, Date.now());
  const users = new Map([[user.id, user.username]]);
  const timelineUrl = (params: Record<string, string>) =>
    `${base}/2/users/${user.id}/tweets?${new URLSearchParams(params).toString()}`;

  let pageNo = 0;
  let fetched = 0;
  let oldestMs: number | null = null;
  /** The last page came without `next_token`: the timeline (or the cap) ended there. */
  let reachedEnd = false;
  let partialErrors = 0;
  let partialWarning = -1;

  const fetchPage = async (cursor: string | null): Promise<Page<string>> => {
    pageNo += 1;
    const params = xPageParams({ startTime, endTime }, { tweetFields: TWEET_FIELDS, expansions: EXPANSIONS }, cursor);
    const res = await get(timelineUrl(params), TIMELINE);
    const page = timelinePage(res.body, `page ${pageNo}`);
    if (page.data === undefined && page.meta === undefined && page.errors?.length) {
      // A protected or suspended account's timeline answers HTTP 200 with only errors.
      const why = user.protected ? ` @${user.username}'s posts are protected: only approved followers see them.` : '';
      throw new PlatformError(`X ${TIMELINE} gave no posts of @${user.username} (${said(firstProblem(page.errors))}).${why}`);
    }
    if (page.data !== undefined && page.errors?.length) {
      // Partial errors: referenced posts X will not show (deleted, protected, suspended authors).
      partialErrors += page.errors.length;
      const text =
        `X withheld ${partialErrors} referenced post(s) (deleted, or by protected or suspended accounts; first: ${said(firstProblem(page.errors))}): ` +
        'their time comes from their id and their author may be unknown';
      if (partialWarning < 0) partialWarning = warnings.push(text) - 1;
      else warnings[partialWarning] = text;
    }
    const { posts, skipped } = normalizeXv2Page(page, { users });
    for (const reason of skipped) recordSkip(stats, `page ${pageNo} ${reason}`);
    fetched += posts.length;
    oldestMs = oldestPostMs(oldestMs, posts);
    // Only a missing next_token ends the timeline: a short page, or `result_count: 0` with a
    // next_token, does not (platforms.md §1.5).
    const next = typeof page.meta?.next_token === 'string' ? page.meta.next_token : null;
    reachedEnd = next === null;
    return { posts, next };
  };

  /**
   * X's 3,200-post cap (platforms.md §1.2): the timeline ends after the account's newest 3,200
   * posts, counted from now, not from the window's end, and X says nothing when it cuts there.
   * The walk ended without `next_token`; did it end at the window's start or at the cap?
   * - a post older than the window was served, or `tweet_count` is at most 3,200: every post of
   *   the window was within reach, so it is complete.
   * - no `start_time` was sent (a window starting before November 2010): the walk went on until
   *   a page reached back before the window; ending without doing so means the cap cut it.
   * - otherwise the pages alone cannot tell: the posts newer than the window's end also count
   *   towards the 3,200, and a window can start in a gap between posts. One request settles it
   *   (`olderPostsServed`): if X serves any post before `start_time`, posts older than the window
   *   are within reach, so all of the window was; if none, the cap lies inside the window and its
   *   oldest part is missing.
   * Cost: one request of at most 5 posts, only for accounts with more than 3,200 posts.
   */
  const checkCap = async (): Promise<void> => {
    if (tweetCount !== null && tweetCount <= X_TIMELINE_CAP) return;
    const older = await olderPostsServed({
      oldestMs,
      sinceMs,
      startTime,
      request: async (params) => timelinePage((await get(timelineUrl(params), TIMELINE)).body, 'the check for older posts'),
      onCheck: () => ctx.progress(`X: checking that the window is within the newest ${X_TIMELINE_CAP} posts`),
      onRateLimit: (err) =>
        markIncomplete(
          `X's timeline serves only the newest 3,200 posts and a rate limit kept the check of whether the window reaches past them from running (${err.message}); the data may be incomplete`,
        ),
    });
    if (older === false) {
      const since = oldestMs === null ? '' : ` (the window's posts before ${new Date(oldestMs).toISOString()} are missing)`;
      markIncomplete(
        `X serves only the newest 3,200 posts: the window reaches past them, so the data is incomplete${since}; audit the account archive with --input for the full window`,
      );
    }
  };

  async function* walk(): AsyncGenerator<Post> {
    yield* paginate<string>({
      fetchPage,
      sinceMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onPage: ({ page }) => {
        const back = oldestMs === null ? '' : `, back to ${new Date(oldestMs).toISOString().slice(0, 10)}`;
        ctx.progress(`X: page ${page}, ${fetched} posts${back}`);
      },
      onIncomplete: (reason) => markIncomplete(`fetching stopped early: ${reason}; the audit covers only the posts read before that`),
    });
    if (source.complete !== false && reachedEnd) await checkCap();
  }

  const source: InputSource = {
    format: 'x-api-v2',
    sourceKind: 'api',
    account: info,
    posts: walk(),
    stats,
    complete: true,
    requests: () => ctx.http.requests,
    warnings,
  };
  return source;
};
