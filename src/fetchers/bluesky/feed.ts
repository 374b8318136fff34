import { z } from 'zod';
import { InputError } from '../../errors.js';
import { atUriAuthority, atUriRkey } from '../../ids.js';
import type { AccountInfo, AuthorRef, Post, PostRef } from '../../model/post.js';
import { plausibleInstant, toInstant } from '../instant.js';
import { newReadStats, recordSkip, type InputSource } from '../types.js';

/**
 * Bluesky `app.bsky.feed.getAuthorFeed` responses: `{feed: feedViewPost[], cursor?}` pages, saved
 * to a file or received live, and the same pages as dumped by the Python `atproto` SDK.
 * Shapes: platforms.md §5.3.
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/getAuthorFeed.json
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/defs.json
 */

const REASON_REPOST = 'app.bsky.feed.defs#reasonRepost';
const REASON_PIN = 'app.bsky.feed.defs#reasonPin';
const POST_VIEW = 'app.bsky.feed.defs#postView';
const POST_COLLECTION = 'app.bsky.feed.post';

/** `profileViewBasic`, as far as the audit reads it. */
const ProfileBasicSchema = z.object({
  did: z.string().min(1),
  handle: z.string().min(1),
  displayName: z.string().nullish(),
});
type ProfileBasic = z.infer<typeof ProfileBasicSchema>;

/** `com.atproto.repo.strongRef`. */
const StrongRefSchema = z.object({ uri: z.string().min(1), cid: z.string().nullish() });

/**
 * The `app.bsky.feed.post` record. The lexicon types a postView's `record` as `unknown`, so it is
 * validated here rather than in the view.
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json
 */
export const PostRecordSchema = z.object({
  text: z.string().default(''),
  createdAt: z.string(),
  reply: z.object({ parent: StrongRefSchema, root: StrongRefSchema.nullish() }).nullish(),
  embed: z.unknown().optional(),
  facets: z.array(z.unknown()).nullish(),
  tags: z.array(z.string()).nullish(),
});

/** `app.bsky.feed.defs#postView`. */
export const PostViewSchema = z.object({
  uri: z.string().startsWith('at://'),
  author: ProfileBasicSchema,
  record: z.unknown(),
  embed: z.unknown().optional(),
  indexedAt: z.string().nullish(),
  replyCount: z.number().int().min(0).nullish(),
});

/** `reasonRepost`: the feed's owner (`by`) reposted `post`; `uri` (the repost record) since 2025-05. */
const ReasonRepostSchema = z.object({
  $type: z.literal(REASON_REPOST),
  by: ProfileBasicSchema,
  uri: z.string().nullish(),
  indexedAt: z.string(),
});

/** `app.bsky.feed.defs#feedViewPost`. `reply` and `reason` are unions, read member by member. */
export const FeedViewPostSchema = z.object({
  post: PostViewSchema,
  reply: z.object({ parent: z.unknown(), root: z.unknown() }).partial().nullish(),
  reason: z.object({ $type: z.string() }).loose().nullish(),
});
export type FeedViewPost = z.infer<typeof FeedViewPostSchema>;

/** One `getAuthorFeed` response. */
export const FeedPageSchema = z.object({
  feed: z.array(z.unknown()),
  cursor: z.string().nullish(),
});

const FacetSchema = z.object({
  features: z.array(
    z.object({
      $type: z.string().optional(),
      did: z.string().optional(),
      uri: z.string().optional(),
      tag: z.string().optional(),
    }),
  ),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A handle that failed bidirectional verification is shown as `handle.invalid`
 * (https://atproto.com/specs/handle#invalid-handles): it names nobody, so it is dropped.
 */
function usableHandle(handle: string | null | undefined): string | null {
  return handle && handle !== 'handle.invalid' ? handle : null;
}

function authorOfProfile(profile: ProfileBasic): AuthorRef {
  return { id: profile.did, handle: usableHandle(profile.handle) };
}

/** The author an `at://` URI names: a DID authority is an id, anything else a handle. */
function authorOfUri(uri: string): AuthorRef {
  const authority = atUriAuthority(uri);
  if (authority === null) return { id: null, handle: null };
  return authority.startsWith('did:') ? { id: authority, handle: null } : { id: null, handle: authority };
}

/** A Bluesky time as a canonical instant when it is readable and plausible (`isPlausibleMs`), else null. */
function bskyTime(value: unknown): string | null {
  return plausibleInstant('bluesky', toInstant(value));
}

function isPostUri(uri: string): boolean {
  return uri.startsWith('at://') && uri.split('/')[3] === POST_COLLECTION;
}

/** `https://bsky.app/profile/<handle or DID>/post/<rkey>` for a post URI; null for other records. */
export function bskyPostUrl(uri: string, handle?: string | null): string | null {
  if (!isPostUri(uri)) return null;
  const rkey = atUriRkey(uri);
  const actor = usableHandle(handle) ?? atUriAuthority(uri);
  return rkey && actor ? `https://bsky.app/profile/${actor}/post/${rkey}` : null;
}

/**
 * A post referenced from an embed or a reply: a full view (`postView`, `embed.record#viewRecord`)
 * gives its author and time; `notFoundPost`/`blockedPost`/`viewNotFound`/`viewBlocked`/
 * `viewDetached` give only the URI (and for blocked posts the author's DID, which the URI holds too).
 */
function refFromView(view: unknown, uri: string, recordKey: 'record' | 'value'): PostRef {
  const profile = isRecord(view) ? ProfileBasicSchema.safeParse(view.author) : null;
  const record = isRecord(view) ? view[recordKey] : undefined;
  const author = profile?.success ? authorOfProfile(profile.data) : authorOfUri(uri);
  return {
    id: uri,
    url: bskyPostUrl(uri, author.handle),
    author,
    createdAt: isRecord(record) ? bskyTime(record.createdAt) : null,
  };
}

/**
 * The reply target. `record.reply.parent.uri` is always there; the hydrated `reply.parent` is a
 * `postView` when the parent can be shown, else `notFoundPost`/`blockedPost`: then the author is
 * the DID in the parent's URI (metrics.md §2) and the time is unknown.
 */
function replyTarget(parentUri: string, item: FeedViewPost): PostRef {
  const parent = item.reply?.parent;
  const isView =
    isRecord(parent) &&
    parent.uri === parentUri &&
    (parent.$type === POST_VIEW || (parent.$type === undefined && 'author' in parent && 'record' in parent));
  if (isView) return refFromView(parent, parentUri, 'record');
  const author = authorOfUri(parentUri);
  return { id: parentUri, url: bskyPostUrl(parentUri, author.handle), author, createdAt: null };
}

/**
 * The quoted post: from the hydrated embed (`app.bsky.embed.record#view`, the quote in
 * `embed.record`; `recordWithMedia#view`, in `embed.record.record`), else from the raw record's
 * `app.bsky.embed.record` / `recordWithMedia`. Embeds of feeds, lists or starter packs are not
 * quotes of a post and are ignored.
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/record.json
 */
function quoteTarget(viewEmbed: unknown, recordEmbed: unknown): PostRef | null {
  if (isRecord(viewEmbed)) {
    const inner =
      viewEmbed.$type === 'app.bsky.embed.record#view'
        ? viewEmbed.record
        : viewEmbed.$type === 'app.bsky.embed.recordWithMedia#view' && isRecord(viewEmbed.record)
          ? viewEmbed.record.record
          : undefined;
    if (isRecord(inner) && typeof inner.uri === 'string' && isPostUri(inner.uri)) {
      return refFromView(inner, inner.uri, 'value');
    }
  }
  if (isRecord(recordEmbed)) {
    const ref =
      recordEmbed.$type === 'app.bsky.embed.record'
        ? recordEmbed.record
        : recordEmbed.$type === 'app.bsky.embed.recordWithMedia' && isRecord(recordEmbed.record)
          ? recordEmbed.record.record
          : undefined;
    if (isRecord(ref) && typeof ref.uri === 'string' && isPostUri(ref.uri)) {
      const author = authorOfUri(ref.uri);
      return { id: ref.uri, url: bskyPostUrl(ref.uri, author.handle), author, createdAt: null };
    }
  }
  return null;
}

/** `embed.external.uri` of a link card, directly or as the media half of a record-with-media embed. */
function externalUri(embed: unknown): string | null {
  // A loop, not recursion: a hostile file can nest `media` as deep as it likes.
  for (let cur = embed; isRecord(cur); cur = cur.media) {
    if (isRecord(cur.external) && typeof cur.external.uri === 'string') return cur.external.uri;
  }
  return null;
}

function pushUnique(list: string[], value: string | null | undefined): void {
  if (value && !list.includes(value)) list.push(value);
}

/**
 * Links, mentions and hashtags from the record's facets (offsets are UTF-8 bytes, but only the
 * feature values are needed here), the link card and the record's extra `tags`.
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/richtext/facet.json
 */
function features(record: z.infer<typeof PostRecordSchema>, viewEmbed: unknown) {
  const links: string[] = [];
  const mentionDids: string[] = [];
  const hashtags: string[] = [];
  for (const raw of record.facets ?? []) {
    const facet = FacetSchema.safeParse(raw);
    if (!facet.success) continue;
    for (const f of facet.data.features) {
      if (f.$type === 'app.bsky.richtext.facet#link') pushUnique(links, f.uri);
      else if (f.$type === 'app.bsky.richtext.facet#mention') pushUnique(mentionDids, f.did);
      else if (f.$type === 'app.bsky.richtext.facet#tag') pushUnique(hashtags, f.tag);
    }
  }
  pushUnique(links, externalUri(viewEmbed) ?? externalUri(record.embed));
  for (const tag of record.tags ?? []) pushUnique(hashtags, tag);
  return { links, mentions: mentionDids.map((did) => ({ id: did, handle: null })), hashtags };
}

/**
 * A repost by the feed's owner. It is the owner's item, dated when the repost happened
 * (`reason.indexedAt`, metrics.md §1), and re-publishes `post` (someone else's, or the owner's own).
 * Its id is the repost record's URI (`reason.uri`, sent since 2025-05). Older responses lack it;
 * then the id is the synthetic `at://<reposter DID>/app.bsky.feed.repost/<reposted post's rkey>`:
 * not a real record key, but stable across pages and overlapping saves and distinct per reposted
 * post, which is all an id is used for downstream. A reposted post's own `reply` context (someone
 * else's reply) says nothing about the repost, which is never a reply.
 */
function normalizeRepost(item: FeedViewPost): Post | string {
  const reason = ReasonRepostSchema.safeParse(item.reason);
  if (!reason.success) return `${item.post.uri}: reasonRepost without "by" or "indexedAt"`;
  const { by, uri, indexedAt } = reason.data;
  const createdAt = bskyTime(indexedAt);
  if (createdAt === null) return `${item.post.uri}: repost time "${indexedAt}" is not an instant from 2022 to 2099`;
  const rkey = atUriRkey(item.post.uri);
  if (!uri && rkey === null) return `${item.post.uri}: repost without a record URI and an unreadable post URI`;
  const original = PostRecordSchema.safeParse(item.post.record);
  const postAuthor = authorOfProfile(item.post.author);
  const postUrl = bskyPostUrl(item.post.uri, postAuthor.handle);
  return {
    id: uri ? uri : `at://${by.did}/app.bsky.feed.repost/${rkey}`,
    platform: 'bluesky',
    // A repost has no page of its own; the reposted post's page is the useful link.
    url: postUrl,
    author: authorOfProfile(by),
    createdAt,
    text: '',
    visibility: 'public',
    replyTo: null,
    quoteOf: null,
    repostOf: {
      id: item.post.uri,
      url: postUrl,
      author: postAuthor,
      createdAt: (original.success ? bskyTime(original.data.createdAt) : null) ?? bskyTime(item.post.indexedAt),
    },
    links: [],
    mentions: [],
    hashtags: [],
  };
}

function normalizeOwnPost(item: FeedViewPost): Post | string {
  const { post } = item;
  const record = PostRecordSchema.safeParse(post.record);
  if (!record.success) return `${post.uri}: record is not an app.bsky.feed.post (${record.error.issues[0]?.message ?? 'invalid'})`;
  // `createdAt` is client-set; an unreadable or unbelievable one (before the network existed,
  // after 2099) falls back to the server's first-seen time.
  const createdAt = bskyTime(record.data.createdAt) ?? bskyTime(post.indexedAt);
  if (createdAt === null) return `${post.uri}: no valid createdAt`;
  const author = authorOfProfile(post.author);
  const found = features(record.data, post.embed);
  const normalized: Post = {
    id: post.uri,
    platform: 'bluesky',
    url: bskyPostUrl(post.uri, author.handle),
    author,
    createdAt,
    text: record.data.text,
    // Every Bluesky post is public (https://docs.bsky.app/docs/advanced-guides/privacy).
    visibility: 'public',
    replyTo: record.data.reply ? replyTarget(record.data.reply.parent.uri, item) : null,
    quoteOf: quoteTarget(post.embed, record.data.embed),
    repostOf: null,
    links: found.links,
    mentions: found.mentions,
    hashtags: found.hashtags,
    // The thread's root: the reply's `root` strong ref, or the post itself when it starts a thread.
    conversationId: record.data.reply?.root?.uri ?? (record.data.reply ? null : post.uri),
    ...(typeof post.replyCount === 'number' ? { replyCount: post.replyCount } : {}),
  };
  if (item.reason?.$type === REASON_PIN) normalized.pinned = true;
  return normalized;
}

function normalize(item: FeedViewPost): Post | string {
  return item.reason?.$type === REASON_REPOST ? normalizeRepost(item) : normalizeOwnPost(item);
}

/**
 * One validated feed item → Post (pure; the live fetcher reuses it), or null when the item cannot
 * be used (a repost without its time, a record that is not a post). Rules: metrics.md §2.2,
 * platforms.md §5.3. A `reasonPin` item is the author's post marked `pinned` (it appears again in
 * its place in the feed; ids make it count once).
 */
export function normalizeFeedItem(item: FeedViewPost): Post | null {
  const result = normalize(item);
  return typeof result === 'string' ? null : result;
}

/** Validates and normalizes one raw feed item; on failure, says why (for `recordSkip`). */
export function readFeedItem(raw: unknown): { post: Post } | { skip: string } {
  const parsed = FeedViewPostSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { skip: `feed item: ${issue ? `${issue.path.join('.') || 'item'}: ${issue.message}` : 'invalid'}` };
  }
  const result = normalize(parsed.data);
  return typeof result === 'string' ? { skip: result } : { post: result };
}

/**
 * The Python `atproto` SDK's model dump → the wire JSON: `py_type` becomes `$type`, snake_case keys
 * become camelCase, and `null` (the SDK's absent field) is dropped.
 * @see https://github.com/MarshalX/atproto (models are pydantic; `model_dump()` writes field names)
 */
export function fromAtprotoPythonDump(value: unknown): unknown {
  // Converted with an explicit stack rather than recursion, so that a hostile file nesting
  // 100,000 levels deep cannot overflow the call stack.
  const convert = (v: unknown): unknown => (Array.isArray(v) ? new Array<unknown>(v.length) : isRecord(v) ? {} : v);
  const root = convert(value);
  const stack: Array<{ from: unknown; to: unknown }> = [{ from: value, to: root }];
  while (stack.length > 0) {
    const { from, to } = stack.pop()!;
    if (Array.isArray(from)) {
      const out = to as unknown[];
      from.forEach((v, i) => {
        out[i] = convert(v);
        if (out[i] !== v) stack.push({ from: v, to: out[i] });
      });
    } else if (isRecord(from)) {
      const out = to as Record<string, unknown>;
      for (const [key, v] of Object.entries(from)) {
        // `__proto__` would set the object's prototype, not a field; atproto has no such field.
        if (v === null || key === '__proto__') continue;
        const name = key === 'py_type' ? '$type' : key.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
        out[name] = convert(v);
        if (out[name] !== v) stack.push({ from: v, to: out[name] });
      }
    }
  }
  return root;
}

function isPage(value: unknown): value is { feed: unknown[] } {
  return isRecord(value) && Array.isArray(value.feed);
}

function isPythonDump(page: { feed: unknown[] }): boolean {
  const first = page.feed[0];
  return isRecord(first) && ('py_type' in first || (isRecord(first.post) && 'py_type' in first.post));
}

/** The pages a document holds: one page or an array of pages. */
function pagesIn(doc: unknown): { feed: unknown[] }[] | null {
  if (isPage(doc)) return [doc];
  if (Array.isArray(doc) && doc.length > 0 && doc.every(isPage)) return doc;
  return null;
}

/**
 * True for a parsed document holding `getAuthorFeed` output: a page `{feed: [...]}` (an empty feed
 * counts) or a non-empty array of pages, raw or as a Python SDK dump.
 */
export function looksLikeBlueskyFeed(doc: unknown): boolean {
  const pages = pagesIn(doc);
  if (pages === null) return false;
  const first = pages.find((p) => p.feed.length > 0)?.feed[0];
  if (first === undefined) return true;
  return isRecord(first) && isRecord(first.post) && typeof first.post.uri === 'string' && first.post.uri.startsWith('at://');
}

/**
 * The feed's owner: the account behind most items (the author of non-repost items, `reason.by` of
 * reposts). A feed holds only its owner's posts and reposts, so a plain majority is enough; ties go
 * to the first seen. Null for an empty feed.
 */
function feedOwner(items: readonly unknown[]): AccountInfo | null {
  const counts = new Map<string, { n: number; profile: ProfileBasic }>();
  for (const raw of items) {
    if (!isRecord(raw) || !isRecord(raw.post)) continue;
    const isRepost = isRecord(raw.reason) && raw.reason.$type === REASON_REPOST;
    const profile = ProfileBasicSchema.safeParse(isRepost && isRecord(raw.reason) ? raw.reason.by : raw.post.author);
    if (!profile.success) continue;
    const entry = counts.get(profile.data.did);
    if (entry) entry.n += 1;
    else counts.set(profile.data.did, { n: 1, profile: profile.data });
  }
  let best: { n: number; profile: ProfileBasic } | null = null;
  for (const entry of counts.values()) if (best === null || entry.n > best.n) best = entry;
  if (best === null) return null;
  const { did, handle, displayName } = best.profile;
  const usable = usableHandle(handle);
  return {
    platform: 'bluesky',
    id: did,
    handle: usable,
    displayName: displayName ? displayName : null,
    website: null,
    url: `https://bsky.app/profile/${usable ?? did}`,
  };
}

/**
 * Reads saved `getAuthorFeed` output. `docs` are the parsed documents of one file: one value, or
 * one per line (JSON Lines); each is a page or an array of pages. Python SDK dumps are converted
 * first. Throws `InputError` naming `path` for a document that is not a feed page; an item that
 * cannot be read is skipped and counted.
 */
export function readBlueskyFeed(docs: readonly unknown[], path: string): InputSource {
  const items: unknown[] = [];
  for (const [index, doc] of docs.entries()) {
    const pages = pagesIn(doc);
    if (pages === null) {
      const where = docs.length > 1 ? `line ${index + 1}` : 'the file';
      throw new InputError(path, `${where} is not a Bluesky getAuthorFeed page ({"feed": [...]})`);
    }
    for (const page of pages) {
      const wire = isPythonDump(page) ? (fromAtprotoPythonDump(page) as { feed?: unknown[] }) : page;
      items.push(...(wire.feed ?? []));
    }
  }
  const stats = newReadStats();
  async function* posts(): AsyncGenerator<Post> {
    for (const raw of items) {
      const result = readFeedItem(raw);
      if ('skip' in result) recordSkip(stats, result.skip);
      else yield result.post;
    }
  }
  return { format: 'bluesky-feed', sourceKind: 'file', account: feedOwner(items), posts: posts(), stats, warnings: [] };
}
