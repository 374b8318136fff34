import { z } from 'zod';
import { InterruptedError, PlatformError } from '../../errors.js';
import { platformMessage, RateLimitError, ShapeError } from '../../http/client.js';
import type { AccountInfo, AuthorRef, Post } from '../../model/post.js';
import type { FetchContext, InboundFetcher } from '../live-types.js';
import { BLUESKY_PUBLIC_API, getXrpc } from './api.js';
import { readFeedItem } from './feed.js';

/**
 * The Bluesky inbound fetcher (metrics.md §9): the replies people wrote to the account's own posts,
 * from `app.bsky.feed.getPostThread` on the public AppView, anonymously (platforms.md §5.2, §6: the
 * one anonymous way to collect replies to an account; mentions outside replies need a login and are
 * not fetched). Replies are normalized by the feed reader's `readFeedItem` (feed.ts), so they are
 * the same `Post`s a saved feed would give.
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/getPostThread.json
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/defs.json
 */

const THREAD_ENDPOINT = 'GET /xrpc/app.bsky.feed.getPostThread';
const THREAD_VIEW = 'app.bsky.feed.defs#threadViewPost';
const NOT_FOUND_POST = 'app.bsky.feed.defs#notFoundPost';
const BLOCKED_POST = 'app.bsky.feed.defs#blockedPost';

/**
 * Threads asked at once. The AppView's limits are "generous" and unpublished (platforms.md §5.5);
 * four requests in flight keep a month of a busy account to seconds without bursting. Results keep
 * the order of the own posts whatever order the answers come in.
 */
export const THREAD_CONCURRENCY = 4;

/** `getPostThread` output: `{thread: threadViewPost | notFoundPost | blockedPost}`, members read one by one. */
const ThreadOutputSchema = z.object({ thread: z.looseObject({ $type: z.string().optional() }) });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a union member of the thread is: `$type` decides; without one, the member's own flags. */
function kindOf(node: unknown): 'view' | 'notFound' | 'blocked' | 'unknown' {
  if (!isRecord(node)) return 'unknown';
  if (node.$type === THREAD_VIEW || (node.$type === undefined && isRecord(node.post))) return 'view';
  if (node.$type === NOT_FOUND_POST || (node.$type === undefined && node.notFound === true)) return 'notFound';
  if (node.$type === BLOCKED_POST || (node.$type === undefined && node.blocked === true)) return 'blocked';
  return 'unknown';
}

/** True for `at://<authority>/app.bsky.feed.post/<rkey>`: only posts have threads. */
function isPostUri(id: string): boolean {
  return /^at:\/\/[^/]+\/app\.bsky\.feed\.post\/[^/]+$/.test(id);
}

/** What one thread gave. */
interface ThreadResult {
  replies: Post[];
  /** The own post is gone (400 `NotFound`, or a `notFoundPost` / `blockedPost` thread). */
  gone: boolean;
  blocked: number;
  notFound: number;
  unreadable: string[];
}

/**
 * One own post's direct replies: `getPostThread?uri=…&depth=1&parentHeight=0` (depth 1: direct
 * replies only; height 0: no ancestors, which the audit does not need). Each reply is wrapped as a
 * feed item whose `reply.parent` is the own post's view, so its `replyTo` carries the own post's
 * author and time. Replies by the account itself (its self-threads) are left out.
 */
async function readThread(
  post: Post,
  base: string,
  ctx: FetchContext,
  isOwn: (author: AuthorRef) => boolean,
): Promise<ThreadResult> {
  const result: ThreadResult = { replies: [], gone: false, blocked: 0, notFound: 0, unreadable: [] };
  const params = new URLSearchParams({ uri: post.id, depth: '1', parentHeight: '0' });
  const res = await getXrpc(ctx, `${base}/xrpc/app.bsky.feed.getPostThread?${params.toString()}`, THREAD_ENDPOINT, [400]);
  if (res.status === 400) {
    // A deleted post: 400 {"error":"NotFound","message":"Post not found: at://…"} (the lexicon's one error).
    if (isRecord(res.body) && res.body.error === 'NotFound') return { ...result, gone: true };
    throw new PlatformError(`Bluesky ${THREAD_ENDPOINT} refused the request (HTTP 400: ${platformMessage(res.body) ?? 'no message'})`);
  }
  const parsed = ThreadOutputSchema.safeParse(res.body);
  if (!parsed.success) {
    throw new ShapeError(
      `Bluesky ${THREAD_ENDPOINT} answered without a thread object; the API may have changed or --api-url may point elsewhere`,
    );
  }
  const thread = parsed.data.thread;
  const kind = kindOf(thread);
  if (kind === 'notFound' || kind === 'blocked') return { ...result, gone: true };
  const replies = thread.replies;
  if (kind !== 'view' || (replies !== undefined && !Array.isArray(replies))) {
    throw new ShapeError(
      `Bluesky ${THREAD_ENDPOINT} answered a thread that is not a threadViewPost with a replies array; the API may have changed or --api-url may point elsewhere`,
    );
  }
  for (const node of (replies ?? []) as unknown[]) {
    const nodeKind = kindOf(node);
    if (nodeKind === 'blocked') result.blocked += 1;
    else if (nodeKind === 'notFound') result.notFound += 1;
    else if (nodeKind === 'unknown' || !isRecord(node)) result.unreadable.push(`reply to ${post.id}: not a thread view`);
    else {
      const read = readFeedItem({ post: node.post, reply: { parent: thread.post } });
      if ('skip' in read) result.unreadable.push(read.skip);
      else if (!isOwn(read.post.author)) result.replies.push(read.post);
    }
  }
  return result;
}

/**
 * Fetches the replies to the account's own posts (`own`, the posts its live feed fetch gave, with
 * `replyCount`). Which posts are asked about:
 * - the account's own posts: not reposts, authored by `account` (its DID);
 * - created in `ctx.window` (`sinceMs <= createdAt < untilMs`): replies to posts from before the
 *   window can fall in it but are not fetched (a known limit): the feed is read back only to the
 *   window's start, so the older posts are not all known, and asking for the few that are would
 *   count some of their replies and miss others'; replies to posts after the window fall after it;
 * - whose `replyCount` is above zero; a post whose count is unknown (absent or null) is asked too,
 *   as skipping it could hide replies;
 * - each once (a pinned post appears twice in a feed).
 * One request per such post (`THREAD_CONCURRENCY` at a time), each counted in `ctx.http.requests`.
 *
 * Skipped, with a warning, not fatal: an own post deleted since the feed was read (400 `NotFound`),
 * replies Bluesky shows as `#blockedPost` or `#notFoundPost`, and replies that cannot be read. A
 * rate limit longer than `--max-wait` after some thread was read ends the fetch with
 * `complete: false`; before any was, it is a `RateLimitError`. Any other failure is thrown once the
 * requests in flight have settled. No token is ever sent.
 *
 * The replies are returned in the order of the own posts, all of them (the caller keeps the
 * window's); each reply's `replyTo` names the own post, with its author's handle and time.
 */
export const fetchBlueskyReplies: InboundFetcher = async (account, own, ctx) => {
  if (ctx.signal?.aborted) throw new InterruptedError();
  const base = (ctx.apiUrl ?? BLUESKY_PUBLIC_API).replace(/\/+$/, '');
  const handle = account.handle?.toLowerCase() ?? null;
  const isOwn = (author: AuthorRef): boolean =>
    account.id !== null ? author.id === account.id : handle !== null && author.handle?.toLowerCase() === handle;

  const targets = selectThreads(account, own, ctx.window, isOwn);
  ctx.progress(`Bluesky: reading the replies to ${targets.length} post(s)`);

  const results: (ThreadResult | undefined)[] = new Array<ThreadResult | undefined>(targets.length);
  const failures: unknown[] = [];
  let next = 0;
  let done = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < targets.length) {
      const index = next++;
      const post = targets[index] as Post;
      try {
        if (ctx.signal?.aborted) throw new InterruptedError();
        const result = await readThread(post, base, ctx, isOwn);
        results[index] = result;
        done += 1;
        ctx.progress(`Bluesky: thread ${done}/${targets.length}, ${result.replies.length} replies`);
      } catch (err) {
        stop = true;
        failures.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(THREAD_CONCURRENCY, targets.length) }, worker));

  const warnings: string[] = [];
  let complete = true;
  if (failures.length > 0) {
    if (ctx.signal?.aborted) throw new InterruptedError();
    const fatal = failures.find((err) => !(err instanceof RateLimitError));
    if (fatal !== undefined) throw fatal;
    if (done === 0) throw failures[0];
    complete = false;
    warnings.push(
      `fetching the replies stopped early: ${(failures[0] as Error).message}; only the replies to ${done} of ${targets.length} posts are counted`,
    );
  }

  const read = results.filter((r): r is ThreadResult => r !== undefined);
  const gone = targets.filter((_, i) => results[i]?.gone === true).map((p) => p.id);
  if (gone.length > 0) {
    warnings.push(
      `${gone.length} of the account's posts could not be found when their replies were asked for (deleted since the feed was read; first: ${gone[0]}): their replies are not counted`,
    );
  }
  const blocked = read.reduce((n, r) => n + r.blocked, 0);
  const notFound = read.reduce((n, r) => n + r.notFound, 0);
  if (blocked + notFound > 0) {
    warnings.push(`${blocked + notFound} replies are hidden by Bluesky (${blocked} blocked, ${notFound} deleted) and are not counted`);
  }
  const unreadable = read.flatMap((r) => r.unreadable);
  if (unreadable.length > 0) {
    warnings.push(`${unreadable.length} replies could not be read and are left out (first: ${unreadable[0]})`);
  }
  return { posts: read.flatMap((r) => r.replies), format: 'bluesky-threads', complete, warnings };
};

/** The own posts whose replies are asked for, as `fetchBlueskyReplies` says, in the order given. */
function selectThreads(
  account: AccountInfo,
  own: readonly Post[],
  window: { sinceMs: number; untilMs: number },
  isOwn: (author: AuthorRef) => boolean,
): Post[] {
  const seen = new Set<string>();
  const targets: Post[] = [];
  for (const post of own) {
    if (post.platform !== account.platform || post.repostOf !== null || !isOwn(post.author)) continue;
    if (post.replyCount === 0 || !isPostUri(post.id) || seen.has(post.id)) continue;
    const ms = Date.parse(post.createdAt);
    if (!(ms >= window.sinceMs && ms < window.untilMs)) continue;
    seen.add(post.id);
    targets.push(post);
  }
  return targets;
}
