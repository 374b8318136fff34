import { isOwnPost, normalizeHandle } from './metrics/kinds.js';
import type { InboundSet, SelfIdentity } from './metrics/types.js';
import type { AuthorRef, Platform, Post, PostRef } from './model/post.js';

/**
 * Inbound messages (metrics.md §9): what people wrote to the audited account, chosen from the
 * posts by others that the inbound sources returned (mentions, replies to the account's posts,
 * `--inbound` files).
 */

/** What `selectInbound` needs besides the posts by others. */
export interface InboundOptions {
  /** The audit window (epoch ms): a message belongs to it when `sinceMs <= createdAt < untilMs`. */
  window: { sinceMs: number; untilMs: number };
  /** When the data was fetched (epoch ms), if known; an offline input without one holds everything up to `untilMs`. */
  fetchedAtMs: number | null;
  /** The account's own other accounts (config `affiliates`): their posts are not inbound. */
  affiliates: readonly string[];
  /**
   * Take followers-only and direct messages in as well (`--include-private`). Off by default, as
   * for the account's own items (metrics.md §2.1): an answer to a private message is itself
   * private and left out of the audit, so counting the message would count it unanswered.
   */
  includePrivate?: boolean;
}

/** The audited account as inbound selection sees it: who it is and what it published (any time, any visibility). */
export interface OwnPosts {
  self: SelfIdentity;
  posts: readonly Post[];
}

/** A post's own reference, for asking `isOwnPost` whether the account wrote it. */
function refOf(post: Post): PostRef {
  return { id: post.id, url: post.url, author: post.author, createdAt: post.createdAt };
}

/** The audited account wrote this post (its author id or handle, or its URL, is the account's). */
export function isBySelf(post: Post, self: SelfIdentity): boolean {
  return isOwnPost(refOf(post), self);
}

/**
 * A mention names the audited account: its id is one of the account's ids, or its handle
 * (case-insensitive, without `@`) one of the account's handles. On Mastodon the account's
 * handles hold both `user` and `user@host` (`buildSelfIdentity`), so a mention written as a bare
 * local `user` and one written as `user@host` both match; `user@otherhost` does not.
 */
export function mentionsSelf(post: Post, self: SelfIdentity): boolean {
  return post.mentions.some(
    (m) => (m.id !== null && self.ids.has(m.id)) || (m.handle !== null && self.handles.has(normalizeHandle(m.handle))),
  );
}

/**
 * Matches authors against the `affiliates` handles (case-insensitive, without `@`). On Mastodon
 * `user` and `user@host` name the same account when one side gives no host (a bare handle is
 * local to the server that served it), as the account argument does (`handleMatches`).
 */
export function affiliateMatcher(affiliates: readonly string[], platform: Platform): (author: AuthorRef) => boolean {
  const names = affiliates.map(normalizeHandle);
  const exact = new Set(names);
  return (author) => {
    if (author.handle === null) return false;
    const handle = normalizeHandle(author.handle);
    if (exact.has(handle)) return true;
    if (platform !== 'mastodon') return false;
    const [user, host] = handle.split('@');
    return names.some((name) => {
      const [aUser, aHost] = name.split('@');
      return aUser === user && (aHost === undefined || host === undefined || aHost === host);
    });
  };
}

/**
 * Builds the `InboundSet` of metrics.md §9 from the posts by others read from the inbound
 * sources:
 * - `others`: every post not written by the account, each once (by id; a second post with the
 *   same non-null URL is the same post seen twice), in the order read. The account's own posts
 *   that an inbound source returns (its replies inside a fetched thread) are left out here: own
 *   posts belong in the audited posts.
 * - `messages`: those of `others` created in the window that mention the account
 *   ({@link mentionsSelf}) or reply to one of its posts (the target's id is one of the account's
 *   post ids, or `isOwnPost` says the target is the account's by its author or URL; a post
 *   addressed to the account without a target post, X `in_reply_to_user_id` alone, counts as
 *   written to it). Reposts and posts by `affiliates` are not inbound; quotes count only when
 *   they mention the account or reply to it. Public and unlisted posts only unless
 *   `includePrivate`. Oldest first (equal times by id).
 * - `dataEndMs = min(window.untilMs, fetchedAtMs ?? untilMs)`.
 */
export function selectInbound(others: readonly Post[], own: OwnPosts, opts: InboundOptions): InboundSet {
  const { self } = own;
  const ownIds = new Set(own.posts.map((p) => p.id));
  const isAffiliate = affiliateMatcher(opts.affiliates, self.platform);
  const seenIds = new Set<string>();
  const seenUrls = new Set<string>();
  const kept: Post[] = [];
  for (const post of others) {
    if (ownIds.has(post.id) || isBySelf(post, self)) continue;
    if (seenIds.has(post.id) || (post.url !== null && seenUrls.has(post.url))) continue;
    seenIds.add(post.id);
    if (post.url !== null) seenUrls.add(post.url);
    kept.push(post);
  }

  const { sinceMs, untilMs } = opts.window;
  const messages: { post: Post; ms: number }[] = [];
  for (const post of kept) {
    const ms = Date.parse(post.createdAt);
    if (Number.isNaN(ms) || ms < sinceMs || ms >= untilMs) continue;
    if (post.repostOf !== null) continue;
    if (!opts.includePrivate && post.visibility !== 'public' && post.visibility !== 'unlisted') continue;
    if (isAffiliate(post.author)) continue;
    const target = post.replyTo;
    const repliesToSelf = target !== null && ((target.id !== null && ownIds.has(target.id)) || isOwnPost(target, self));
    if (repliesToSelf || mentionsSelf(post, self)) messages.push({ post, ms });
  }
  messages.sort((a, b) => a.ms - b.ms || (a.post.id < b.post.id ? -1 : a.post.id > b.post.id ? 1 : 0));

  const dataEndMs = Math.min(untilMs, opts.fetchedAtMs ?? untilMs);
  return { messages, others: kept, dataEndMs };
}

/**
 * Conversations among known posts (metrics.md §9 "the same conversation"), for the response
 * rate's "a later message of the same author in the same conversation".
 *
 * Two posts are in the same conversation when the platform says so (the same `conversationId`:
 * X `conversation_id`, Bluesky root URI, Mastodon archive `conversation`), or when a chain of
 * reply links joins them (`replyTo.id`, including through a parent that was never read, such as
 * a deleted post). Built with union-find over post ids and conversation ids: a conversation id is
 * a node of its own, which on X and Bluesky is also the root post's id, so a root post without a
 * `conversationId` joins its thread through its replies. Near-linear in the number of posts.
 */
export interface ConversationIndex {
  /** A key shared by every post of the conversation of `postId`; an id never seen is its own conversation. */
  conversationOf(postId: string): string;
}

/** Links the conversations of `posts` (the account's own and everyone else's). */
export function linkConversations(posts: Iterable<Post>): ConversationIndex {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    for (let next = parent.get(root); next !== undefined && next !== root; next = parent.get(root)) root = next;
    // Path compression: point every node on the way at the root.
    for (let node = id; node !== root; ) {
      const next = parent.get(node) as string;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    // Deterministic representative (the smaller key), so the same posts give the same keys.
    if (ra !== rb) {
      if (ra < rb) parent.set(rb, ra);
      else parent.set(ra, rb);
    }
  };
  for (const post of posts) {
    if (post.conversationId != null) union(post.id, post.conversationId);
    if (post.replyTo?.id != null) union(post.id, post.replyTo.id);
  }
  return { conversationOf: find };
}
