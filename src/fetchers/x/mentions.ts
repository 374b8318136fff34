import { InterruptedError, PlatformError } from '../../errors.js';
import { platformMessage, type JsonResponse } from '../../http/client.js';
import type { Post } from '../../model/post.js';
import type { InboundFetcher } from '../live-types.js';
import { paginate, type Page } from '../paginate.js';
import { bearerToken, oldestPostMs, olderPostsServed, parseXPage, timelineBounds, X_API_URL, xPageParams } from './api.js';
import { normalizeXv2Page, type XV2Page } from './v2.js';

/**
 * The X inbound fetcher (metrics.md §9): the posts that mention the audited account over the
 * window, from `GET /2/users/:id/mentions` with the bearer token of the live fetch. Replies to the
 * account count as mentions (platforms.md §1.2), so one endpoint gives both. Pages are normalized
 * by the offline reader's `normalizeXv2Page` (v2.ts), so a saved mentions page given to
 * `--inbound` and a live fetch of the same page give the same posts.
 * @see https://docs.x.com/x-api/posts/timelines/introduction
 */

/**
 * The endpoint serves only the account's newest 800 mentions, counted from now, whatever the time
 * parameters say (platforms.md §1.2, §6).
 * @see https://docs.x.com/x-api/posts/timelines/introduction
 */
export const X_MENTIONS_CAP = 800;

const MENTIONS = 'GET /2/users/:id/mentions';

const TWEET_FIELDS = 'created_at,conversation_id,in_reply_to_user_id,referenced_tweets,entities,author_id';
// `author_id` brings the mentioning accounts into `includes.users`: their handles name the people.
const EXPANSIONS = 'author_id,referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id';

/** The warning's fixed opening, for the report and for tests. */
export const X_MENTIONS_CAP_WARNING = `X serves only the newest ${X_MENTIONS_CAP} mentions: the window reaches past them`;

/** Validates a mentions page; a body that is not one is a `ShapeError` naming the endpoint (`parseXPage`). */
function mentionsPage(body: unknown, what: string): XV2Page {
  return parseXPage(body, MENTIONS, 'mentions', what);
}

/** Handles of the users a page's `includes.users` describe, added to `users`. */
function learnUsers(page: XV2Page, users: Map<string, string>): void {
  for (const raw of page.includes?.users ?? []) {
    if (typeof raw !== 'object' || raw === null) continue;
    const { id, username } = raw as { id?: unknown; username?: unknown };
    if (typeof id === 'string' && typeof username === 'string' && username !== '') users.set(id, username);
  }
}

/** X's words from the first problem of `errors[]`, quoted for a message. */
function said(errors: readonly unknown[] | undefined): string {
  const words = platformMessage({ errors });
  return words ? `X says: "${words.slice(0, 200)}"` : 'X gave no reason';
}

/**
 * Fetches the mentions of `account` (its `id` is the resolved X user id) over `ctx.window`:
 * `GET /2/users/:id/mentions`, 100 a page, `start_time` / `end_time` as the timeline's
 * (`timelineBounds`), `pagination_token` until a page has no `next_token`, through `paginate`.
 * Authors' handles come from `includes.users`. The account's own posts are left out (they are
 * not inbound, and the timeline has them). `own` is not used: mentions need no own post.
 *
 * Errors: a missing token is a `UsageError`, a refused one an `AuthError` (the token never appears
 * in a message); a rate limit longer than `--max-wait` on the first page is a `RateLimitError`,
 * after it the result is partial (`complete: false`).
 *
 * The 800-mention ceiling (platforms.md §1.2). X serves the newest 800 mentions counted from now,
 * cuts silently, and never serves a mention older than `start_time`, so the pages alone cannot
 * show that the window's start was reached. When the walk ends (a page without `next_token`):
 * - a mention older than the window was served (only without `start_time`, or within the second
 *   `start_time` is rounded down to): the window's start was reached, complete;
 * - the window reaches to now (no `end_time` sent) and X served fewer than 800 mentions in all:
 *   the ceiling was not reached, complete, at no cost;
 * - otherwise (800 or more served; or a window that ends in the past, where the mentions since its
 *   end count towards the 800 too) one request settles it: the newest mentions before
 *   `start_time` (`end_time=start_time`, `max_results=5`). If X serves any, or a `next_token`,
 *   mentions older than the window are within reach, so all of the window was: complete. If none,
 *   the ceiling lies inside the window: `complete: false` and a warning opening with
 *   `X_MENTIONS_CAP_WARNING`. (Without `start_time`, a window before November 2010, it is
 *   incomplete without asking.) Limit: an account nobody mentioned before the window's start looks
 *   the same as a cut one in the last case, so a past window of a new account is flagged too; the
 *   warning says "may" there.
 * Cost: one request of at most 5 posts, only for past windows and for windows with 800 mentions.
 */
export const fetchXMentions: InboundFetcher = async (account, _own, ctx) => {
  if (ctx.signal?.aborted) throw new InterruptedError();
  const userId = account.id;
  if (userId === null) {
    throw new Error('fetchXMentions needs the resolved X account (its id); the live fetch resolves it first');
  }
  const token = bearerToken(ctx.tokens.x);
  const base = (ctx.apiUrl ?? X_API_URL).replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${token}` };
  const get = (params: Record<string, string>): Promise<JsonResponse> =>
    ctx.http.getJson({
      url: `${base}/2/users/${encodeURIComponent(userId)}/mentions?${new URLSearchParams(params).toString()}`,
      platform: 'x',
      endpoint: MENTIONS,
      headers,
    });

  const { sinceMs } = ctx.window;
  const { startTime, endTime } = timelineBounds(ctx.window, Date.now());
  const users = new Map<string, string>();
  if (account.handle !== null) users.set(userId, account.handle);

  const warnings: string[] = [];
  let complete = true;
  const markIncomplete = (reason: string): void => {
    complete = false;
    warnings.push(reason);
  };

  let pageNo = 0;
  /** Items X served in `data`, all pages: what counts towards the 800. */
  let served = 0;
  let oldestMs: number | null = null;
  let reachedEnd = false;
  let withheld = 0;
  let firstWithheld = '';
  let skipped = 0;
  let firstSkip = '';

  const fetchPage = async (cursor: string | null): Promise<Page<string>> => {
    pageNo += 1;
    const params = xPageParams({ startTime, endTime }, { tweetFields: TWEET_FIELDS, expansions: EXPANSIONS }, cursor);
    const page = mentionsPage((await get(params)).body, `page ${pageNo}`);
    if (page.data === undefined && page.meta === undefined && page.errors?.length) {
      // An account X will not show (suspended, protected) answers HTTP 200 with only errors.
      throw new PlatformError(`X ${MENTIONS} gave no mentions of @${account.handle ?? userId} (${said(page.errors)})`);
    }
    if (page.data !== undefined && page.errors?.length) {
      // Partial errors: referenced posts X will not show (deleted, protected, suspended authors).
      if (withheld === 0) firstWithheld = said(page.errors);
      withheld += page.errors.length;
    }
    learnUsers(page, users);
    const { posts, skipped: reasons } = normalizeXv2Page(page, { users });
    if (reasons.length > 0 && skipped === 0) firstSkip = `page ${pageNo} ${reasons[0]}`;
    skipped += reasons.length;
    served += Array.isArray(page.data) ? page.data.length : 0;
    oldestMs = oldestPostMs(oldestMs, posts);
    // Only a missing next_token ends the walk (platforms.md §1.5).
    const next = typeof page.meta?.next_token === 'string' ? page.meta.next_token : null;
    reachedEnd = next === null;
    return { posts, next };
  };

  /** The 800-mention ceiling, decided as the fetcher's doc comment says. */
  const checkCeiling = async (): Promise<void> => {
    if (endTime === null && served < X_MENTIONS_CAP) return;
    const older = await olderPostsServed({
      oldestMs,
      sinceMs,
      startTime,
      request: async (params) => mentionsPage((await get(params)).body, 'the check for older mentions'),
      onCheck: () => ctx.progress(`X: checking that the window is within the newest ${X_MENTIONS_CAP} mentions`),
      onRateLimit: (err) =>
        markIncomplete(
          `X serves only the newest ${X_MENTIONS_CAP} mentions and a rate limit kept the check of whether the window reaches past them from running (${err.message}); the mentions may be incomplete`,
        ),
    });
    if (older !== false) return;
    const from = oldestMs === null ? 'every mention in the window' : `the mentions before ${new Date(oldestMs).toISOString()}`;
    const surely = served >= X_MENTIONS_CAP || startTime === null;
    markIncomplete(
      surely
        ? `${X_MENTIONS_CAP_WARNING}, so ${from} are missing (X served ${served}); the response rate covers only the newer ones`
        : `${X_MENTIONS_CAP_WARNING} (the mentions since the window's end count towards the ${X_MENTIONS_CAP}, and X served none from before the window), so ${from} may be missing; the response rate covers only the ${served} served`,
    );
  };

  const posts: Post[] = [];
  const walk = paginate<string>({
    fetchPage,
    sinceMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onPage: ({ page }) => {
      const back = oldestMs === null ? '' : `, back to ${new Date(oldestMs).toISOString().slice(0, 10)}`;
      ctx.progress(`X: mentions page ${page}, ${served} mentions${back}`);
    },
    onIncomplete: (reason) => markIncomplete(`fetching the mentions stopped early: ${reason}; only the mentions read before that are counted`),
  });
  for await (const post of walk) {
    // The account's own posts are not inbound (metrics.md §9); its timeline has them anyway.
    if (post.author.id !== userId) posts.push(post);
  }
  if (complete && reachedEnd) await checkCeiling();

  if (withheld > 0) {
    warnings.push(
      `X withheld ${withheld} post(s) the mentions refer to (deleted, or by protected or suspended accounts; first: ${firstWithheld}): their time comes from their id and their author may be unknown`,
    );
  }
  if (skipped > 0) warnings.push(`${skipped} mention(s) could not be read and are left out (first: ${firstSkip})`);
  return { posts, format: 'x-api-v2-mentions', complete, warnings };
};
