import { z } from 'zod';
import { InterruptedError, UsageError } from '../../errors.js';
import { RateLimitError, ShapeError, platformMessage, type JsonResponse } from '../../http/client.js';
import type { AccountInfo, Post } from '../../model/post.js';
import { toInstant } from '../instant.js';
import type { FetchContext, InboundFetcher, InboundResult } from '../live-types.js';
import { paginate, type Page } from '../paginate.js';
import { describeBody, parseLinkHeader } from './api.js';
import { MastodonAccountSchema, MastodonStatusSchema, normalizeMastodonStatus } from './status.js';

/**
 * The Mastodon inbound fetcher (metrics.md §9): what people wrote to the audited account, read
 * one of two ways.
 *
 * - **`mastodon-notifications`**, when `MASTODON_TOKEN` belongs to the audited account: one
 *   `GET /api/v1/accounts/verify_credentials` to check whose the token is, then the account's
 *   mention notifications, `GET /api/v1/notifications?types[]=mention&limit=80`, newest first,
 *   following the `Link` header until a page reaches back before the window's start. Each
 *   notification carries the status that mentions the account (replies mention the author they
 *   answer, so replies to the account's posts come with them).
 * - **`mastodon-context`** otherwise: `GET /api/v1/statuses/:id/context` for each of the
 *   account's own posts that someone else may have answered, keeping the `descendants` by other
 *   accounts. Free-standing mentions (not in a thread under the account's posts) are not seen
 *   this way: only the account's own token can list them.
 *
 * Every request goes through `ctx.http`, so it counts in the report's request total. The token
 * is only sent to the base URL's origin and never appears in a warning or an error.
 * @see https://docs.joinmastodon.org/methods/accounts/#verify_credentials
 * @see https://docs.joinmastodon.org/methods/notifications/#get
 * @see https://docs.joinmastodon.org/methods/statuses/#context
 */

/** The largest page of `GET /api/v1/notifications` (default 40, max 80 since Mastodon 4.1; platforms.md §3.2). */
export const MASTODON_NOTIFICATIONS_LIMIT = 80;

/**
 * What `GET /api/v1/statuses/:id/context` returns to a caller without a token: at most 60
 * descendants, at most 20 levels below the post (Mastodon's `DESCENDANTS_LIMIT` and
 * `DESCENDANTS_DEPTH_LIMIT`, platforms.md §3.2). A signed-in caller gets up to 4,096.
 */
export const ANONYMOUS_CONTEXT_LIMITS = { descendants: 60, depth: 20 } as const;

const VERIFY = 'GET /api/v1/accounts/verify_credentials';
const NOTIFICATIONS = 'GET /api/v1/notifications';
const CONTEXT = 'GET /api/v1/statuses/:id/context';

/** How many ids a warning lists before it says "and N more". */
const LISTED_IDS = 5;

/**
 * One notification, as far as the fetcher reads it; the status is checked on its own, so a
 * malformed status skips that notification only.
 * @see https://docs.joinmastodon.org/entities/Notification/
 */
const NotificationSchema = z.object({
  id: z.string().min(1),
  type: z.string(),
  created_at: z.string().refine((s) => toInstant(s) !== null, 'not an ISO 8601 instant'),
  status: z.unknown().optional(),
});

/** @see https://docs.joinmastodon.org/entities/Context/ */
const ContextEnvelopeSchema = z.object({ ancestors: z.array(z.unknown()).optional(), descendants: z.array(z.unknown()) });

/**
 * Where the account's inbound posts are asked for: the same server its timeline was read from,
 * since status ids are local to a server. That is `--api-url` when given, else the server part of
 * the handle the live fetcher resolved (`user@server`).
 */
export function mastodonInboundBaseUrl(account: AccountInfo, apiUrl: string | null): string {
  if (apiUrl !== null) return apiUrl.replace(/\/+$/, '');
  const server = account.handle?.split('@')[1];
  if (server) return `https://${server}`;
  throw new UsageError(
    `cannot tell which Mastodon server holds ${account.handle ? `@${account.handle}` : 'the account'}; give --api-url https://<server>`,
  );
}

/** `n` and the noun, singular or plural: `1 post`, `3 posts`. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The first few ids of a list, for a warning. */
function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, LISTED_IDS).join(', ');
  return ids.length > LISTED_IDS ? `${shown} and ${ids.length - LISTED_IDS} more` : shown;
}

/** The notifications walk was refused on its first page (401/403): fall back to the threads. */
class NotificationsRefused extends Error {}

/** What both ways share: where to ask, with what, and what was said along the way. */
interface Session {
  ctx: FetchContext;
  account: AccountInfo;
  baseUrl: string;
  origin: string;
  warnings: string[];
  complete: boolean;
  /** Statuses (or notifications) that failed the schema: count and first reasons. */
  skipped: { count: number; examples: string[] };
  /** Replaces the token in text that quotes the server (which may echo it). */
  scrub: (text: string) => string;
}

function newSession(account: AccountInfo, ctx: FetchContext): Session {
  const baseUrl = mastodonInboundBaseUrl(account, ctx.apiUrl);
  const token = ctx.tokens.mastodon;
  return {
    ctx,
    account,
    baseUrl,
    origin: new URL(baseUrl).origin,
    warnings: [],
    complete: true,
    skipped: { count: 0, examples: [] },
    scrub: (text) => (token ? text.split(token).join('[MASTODON_TOKEN]') : text),
  };
}

/** GET through the client; `token` (or none) as a Bearer header. Error messages never hold the token. */
async function get(
  s: Session,
  url: string,
  endpoint: string,
  token: string | undefined,
  accept: readonly number[] = [],
): Promise<JsonResponse> {
  try {
    return await s.ctx.http.getJson({
      url,
      platform: 'mastodon',
      endpoint,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      accept,
    });
  } catch (err) {
    if (err instanceof Error) err.message = s.scrub(err.message);
    throw err;
  }
}

function markIncomplete(s: Session, reason: string): void {
  s.complete = false;
  s.warnings.push(`reading what people wrote to the account stopped early: ${reason}; the response rate covers only the messages read before that`);
}

function recordSkipped(s: Session, reason: string): void {
  s.skipped.count += 1;
  if (s.skipped.examples.length < 3) s.skipped.examples.push(reason);
}

/** A status from the wire, normalized, or null (counted as skipped) when it fails the schema. */
function readStatus(s: Session, raw: unknown, where: string): Post | null {
  const parsed = MastodonStatusSchema.safeParse(raw);
  if (parsed.success) return normalizeMastodonStatus(parsed.data);
  const issue = parsed.error.issues[0];
  const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  const id = typeof rawId === 'string' ? ` ${rawId}` : '';
  recordSkipped(s, `${where}${id}: ${issue ? `${issue.path.join('.') || 'status'}: ${issue.message}` : 'invalid'}`);
  return null;
}

type TokenOwner =
  | { kind: 'audited' }
  | { kind: 'other'; acct: string }
  | { kind: 'refused'; status: number; said: string | null }
  | { kind: 'unknown-account' };

/**
 * Whose token it is: one `verify_credentials`. 401 (rejected), 403 (no `read:accounts` scope)
 * and 422 (an app token with no user behind it) do not end the audit: they say only that the
 * token cannot list the audited account's notifications.
 */
async function tokenOwner(s: Session, token: string): Promise<TokenOwner> {
  if (s.account.id === null) return { kind: 'unknown-account' };
  const res = await get(s, `${s.baseUrl}/api/v1/accounts/verify_credentials`, VERIFY, token, [401, 403, 422]);
  if (res.status === 401 || res.status === 403 || res.status === 422) {
    const said = platformMessage(res.body);
    return { kind: 'refused', status: res.status, said: said === null ? null : s.scrub(said) };
  }
  const parsed = MastodonAccountSchema.safeParse(res.body);
  if (!parsed.success) {
    throw new ShapeError(
      `Mastodon ${VERIFY} answered with ${describeBody(res.body)} that is not an account; the API may have changed or --api-url may point elsewhere`,
    );
  }
  return parsed.data.id === s.account.id ? { kind: 'audited' } : { kind: 'other', acct: parsed.data.acct };
}

/**
 * The audited account's mention notifications back to the window's start. Why the cut-off is
 * the notification's time and not the status's: notifications come in the order the server
 * received the mentions, and a remote status delivered late (its `created_at` far back) must not
 * end the walk before the older notifications are read. A 401/403 on the first page (a token
 * without `read:notifications`) throws `NotificationsRefused`; on a later page it ends the walk
 * as partial.
 */
async function viaNotifications(s: Session, token: string): Promise<InboundResult> {
  const { ctx, account, origin } = s;
  const firstUrl = `${s.baseUrl}/api/v1/notifications?types[]=mention&limit=${MASTODON_NOTIFICATIONS_LIMIT}`;
  let pageNo = 0;
  const fetchPage = async (cursor: string | null): Promise<Page<string>> => {
    pageNo += 1;
    const url = cursor ?? firstUrl;
    const res = await get(s, url, NOTIFICATIONS, token, [401, 403]);
    if (res.status === 401 || res.status === 403) {
      const said = platformMessage(res.body);
      const detail = `HTTP ${res.status}${said ? `: ${s.scrub(said)}` : ''}`;
      if (pageNo === 1) throw new NotificationsRefused(detail);
      markIncomplete(s, `${NOTIFICATIONS} refused page ${pageNo} (${detail})`);
      return { posts: [], next: null };
    }
    if (!Array.isArray(res.body)) {
      throw new ShapeError(
        `Mastodon ${NOTIFICATIONS} answered with ${describeBody(res.body)} instead of an array of notifications (page ${pageNo}); the API may have changed or --api-url may point elsewhere`,
      );
    }
    const posts: Post[] = [];
    let oldestMs: number | null = null;
    for (const [index, raw] of res.body.entries()) {
      const where = `notifications page ${pageNo} item ${index}`;
      const n = NotificationSchema.safeParse(raw);
      if (!n.success) {
        const issue = n.error.issues[0];
        recordSkipped(s, `${where}: ${issue ? `${issue.path.join('.') || 'notification'}: ${issue.message}` : 'invalid'}`);
        continue;
      }
      const ms = Date.parse(toInstant(n.data.created_at) ?? '');
      if (oldestMs === null || ms < oldestMs) oldestMs = ms;
      // `types[]` is a filter since Mastodon 3.5; an older server sends every type.
      if (n.data.type !== 'mention') continue;
      const post = readStatus(s, n.data.status, `${where} (notification ${n.data.id}) status`);
      if (post !== null && post.author.id !== account.id) posts.push(post);
    }
    const linkHeader = res.headers.link;
    let next = linkHeader === undefined ? null : (parseLinkHeader(linkHeader, url).get('next') ?? null);
    if (next !== null && new URL(next).origin !== origin) {
      markIncomplete(s, `the server's next-page link (notifications page ${pageNo}) points to ${new URL(next).origin}, not ${origin}; it was not followed, so the token is never sent elsewhere`);
      next = null;
    } else if (oldestMs !== null && oldestMs < ctx.window.sinceMs) {
      next = null;
    } else if (linkHeader === undefined && res.body.length >= MASTODON_NOTIFICATIONS_LIMIT) {
      // Mastodon sends a Link header with every full page; a full page without one means a proxy
      // dropped it, and older notifications may exist.
      markIncomplete(s, `notifications page ${pageNo} was full but came without a Link header (a proxy may drop it), so older pages cannot be found`);
    }
    return { posts, next };
  };

  const byId = new Map<string, Post>();
  const walk = paginate<string>({
    fetchPage,
    // The cut-off is decided in fetchPage, on the notifications' own times (see above).
    sinceMs: Number.NEGATIVE_INFINITY,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onPage: ({ page, posts, oldestMs }) =>
      ctx.progress(`Mastodon: mentions page ${page}, ${count(posts, 'mention', 'mentions')}${oldestMs === null ? '' : `, back to ${new Date(oldestMs).toISOString()}`}`),
    onIncomplete: (reason) => markIncomplete(s, reason),
  });
  for await (const post of walk) if (!byId.has(post.id)) byId.set(post.id, post);
  return finish(s, [...byId.values()], 'mastodon-notifications');
}

/**
 * The replies to the account's posts, from each post's thread. Asked for: every own post that
 * is not a repost, was created before the window's end (a reply comes after its post) and that
 * someone else may have answered: its `replyCount` minus the account's own public or unlisted
 * replies to it among `own` (Mastodon counts those in `replies_count` too, and only those
 * visibilities: `Status#increment_counter_caches`) is above zero, or its `replyCount` is unknown.
 * Own posts older than the window's start are asked too when given: a reply in the window may
 * answer them.
 *
 * Returned: every descendant by another account, not only the direct replies and mentions, so
 * the caller sees whole conversations (the "later message of the same author" rule) and decides
 * what is inbound. The account's own descendants are left out (they are its items, read from its
 * timeline). A post gone since the timeline was read (404) is skipped with a warning. When a
 * thread holds fewer direct replies than `replies_count`, or reaches the anonymous limits, a
 * warning says replies may be missing; the result is not marked incomplete, as the count also
 * includes replies this caller may not see.
 */
async function viaContext(s: Session, own: readonly Post[], token: string | undefined): Promise<InboundResult> {
  const { ctx, account } = s;
  const ownReplies = new Map<string, number>();
  for (const p of own) {
    const parent = p.replyTo?.id;
    if (parent && p.repostOf === null && (p.visibility === 'public' || p.visibility === 'unlisted')) {
      ownReplies.set(parent, (ownReplies.get(parent) ?? 0) + 1);
    }
  }
  const seenIds = new Set<string>();
  const asked = own.filter((p) => {
    if (p.repostOf !== null || seenIds.has(p.id)) return false;
    seenIds.add(p.id);
    if (!(Date.parse(p.createdAt) < ctx.window.untilMs)) return false;
    if (p.replyCount === null || p.replyCount === undefined) return true;
    return p.replyCount - (ownReplies.get(p.id) ?? 0) > 0;
  });

  const byId = new Map<string, Post>();
  const gone: string[] = [];
  const fewer: string[] = [];
  const capped: string[] = [];
  const refreshing: string[] = [];
  for (const [index, post] of asked.entries()) {
    if (ctx.signal?.aborted) throw new InterruptedError();
    ctx.progress(`Mastodon: replies to post ${index + 1} of ${asked.length}`);
    let res: JsonResponse;
    try {
      res = await get(s, `${s.baseUrl}/api/v1/statuses/${encodeURIComponent(post.id)}/context`, CONTEXT, token, [404]);
    } catch (err) {
      // As in paginate: a long rate limit after some threads keeps them; on the first, it is an error.
      if (err instanceof RateLimitError && index > 0) {
        markIncomplete(s, `${err.message} (after ${index} of ${asked.length} threads)`);
        break;
      }
      throw err;
    }
    if (res.status === 404) {
      gone.push(post.id);
      continue;
    }
    const envelope = ContextEnvelopeSchema.safeParse(res.body);
    if (!envelope.success) {
      throw new ShapeError(
        `Mastodon ${CONTEXT} answered with ${describeBody(res.body)} that is not a context ({ancestors, descendants}) for status ${post.id}; the API may have changed or --api-url may point elsewhere`,
      );
    }
    let direct = 0;
    let deepest = 0;
    const depth = new Map<string, number>();
    for (const [i, raw] of envelope.data.descendants.entries()) {
      const reply = readStatus(s, raw, `context of ${post.id} descendant ${i}`);
      if (reply === null) continue;
      const parent = reply.replyTo?.id ?? null;
      if (parent === post.id) direct += 1;
      // Descendants come parent before child (a depth-first walk), so a parent's depth is known.
      const d = parent !== null && parent !== post.id ? (depth.get(parent) ?? 0) + 1 : 1;
      depth.set(reply.id, d);
      deepest = Math.max(deepest, d);
      if (reply.author.id !== account.id && reply.repostOf === null && !byId.has(reply.id)) byId.set(reply.id, reply);
    }
    if (typeof post.replyCount === 'number' && direct < post.replyCount) fewer.push(`${post.id} (${direct} of ${post.replyCount})`);
    if (
      token === undefined &&
      (envelope.data.descendants.length >= ANONYMOUS_CONTEXT_LIMITS.descendants || deepest >= ANONYMOUS_CONTEXT_LIMITS.depth)
    ) {
      capped.push(post.id);
    }
    // Mastodon 4.5: the server is still fetching replies from other servers for this thread.
    if (res.headers['mastodon-async-refresh'] !== undefined) refreshing.push(post.id);
  }

  if (gone.length > 0) {
    s.warnings.push(
      `${count(gone.length, "of the account's posts was", "of the account's posts were")} gone when their replies were asked for (HTTP 404, deleted since the timeline was read): ${listIds(gone)}; their replies were skipped`,
    );
  }
  if (fewer.length > 0) {
    s.warnings.push(
      `${fewer.length} of the account's posts came back with fewer direct replies than their replies_count (${listIds(fewer)}); the others may be hidden from this caller or beyond the server's limits, and are not counted`,
    );
  }
  if (capped.length > 0) {
    s.warnings.push(
      `${count(capped.length, 'thread', 'threads')} reached what Mastodon shows a caller without a token (${ANONYMOUS_CONTEXT_LIMITS.descendants} replies, ${ANONYMOUS_CONTEXT_LIMITS.depth} levels deep): ${listIds(capped)}; some replies may be missing (a MASTODON_TOKEN of any account on ${s.origin} lifts the limit)`,
    );
  }
  if (refreshing.length > 0) {
    s.warnings.push(
      `${s.origin} was still fetching replies from other servers for ${count(refreshing.length, 'post', 'posts')} (${listIds(refreshing)}); a later run may find more`,
    );
  }
  return finish(s, [...byId.values()], 'mastodon-context');
}

function finish(s: Session, posts: Post[], format: string): InboundResult {
  if (s.skipped.count > 0) {
    s.warnings.push(
      `${count(s.skipped.count, 'inbound item', 'inbound items')} did not match the Mastodon shape and ${s.skipped.count === 1 ? 'was' : 'were'} skipped (${s.skipped.examples.join('; ')})`,
    );
  }
  return { posts, format, complete: s.complete, warnings: s.warnings.map(s.scrub) };
}

const CONTEXT_INSTEAD =
  'the replies to its posts were read instead (GET /api/v1/statuses/:id/context), which miss mentions outside those threads';

/**
 * Fetches what people wrote to the audited Mastodon account (see the module comment).
 *
 * With `MASTODON_TOKEN` set: when it is the audited account's, its mention notifications; when it
 * is another account's, or the server will not say whose it is (verify 401/403/422), or it may
 * not read notifications (401/403 on the first page), the threads instead, with a warning naming
 * the reason (never the token). In the threads the token is still sent, unless the server
 * rejected it (401): it lifts the anonymous limits and opens servers that require sign-in.
 * Without a token: the threads, anonymously.
 *
 * Posts come back normalized with their visibility: a token may show followers-only or direct
 * posts, and the caller decides whether they count. Errors: `ShapeError` for an answer that is not
 * the documented shape; `RateLimitError` when the first request is rate-limited past `--max-wait`
 * (later, the result is partial); `InterruptedError` on abort.
 */
export const fetchMastodonInbound: InboundFetcher = async (account, own, ctx) => {
  const s = newSession(account, ctx);
  const token = ctx.tokens.mastodon ? ctx.tokens.mastodon : undefined;
  if (token === undefined) return viaContext(s, own, undefined);

  ctx.progress(`Mastodon: checking whose MASTODON_TOKEN is on ${s.origin}`);
  const owner = await tokenOwner(s, token);
  switch (owner.kind) {
    case 'audited':
      try {
        return await viaNotifications(s, token);
      } catch (err) {
        if (!(err instanceof NotificationsRefused)) throw err;
        s.warnings.push(
          `MASTODON_TOKEN may not read the account's notifications (${NOTIFICATIONS}: ${err.message}; it needs the read:notifications scope); ${CONTEXT_INSTEAD}`,
        );
        return viaContext(s, own, token);
      }
    case 'other':
      s.warnings.push(`MASTODON_TOKEN belongs to @${owner.acct} on ${s.origin}, not to the audited account, so it cannot list the account's mentions; ${CONTEXT_INSTEAD}`);
      return viaContext(s, own, token);
    case 'refused':
      s.warnings.push(
        `${s.origin} would not say whose MASTODON_TOKEN is (${VERIFY}: HTTP ${owner.status}${owner.said ? `: ${owner.said}` : ''}); ${CONTEXT_INSTEAD}`,
      );
      return viaContext(s, own, owner.status === 401 ? undefined : token);
    case 'unknown-account':
      s.warnings.push(`the audited account's id is unknown, so MASTODON_TOKEN cannot be matched to it; ${CONTEXT_INSTEAD}`);
      return viaContext(s, own, token);
  }
};
