import { z } from 'zod';
import { InputError } from '../../errors.js';
import { implausibleTimeReason } from '../instant.js';
import { snowflakeMs } from '../../ids.js';
import type { AuthorRef, Post, PostRef } from '../../model/post.js';
import { newReadStats, recordSkip, type InputSource, type ReadStats } from '../types.js';
import {
  decodeXText,
  describeIssues,
  nonEmpty,
  parseIsoDate,
  parseStatusLink,
  postRef,
  xPostIso,
  retweetedHandle,
  XIdSchema,
  xStatusUrl,
} from './common.js';

/**
 * Reader for X API v2 response pages (`GET /2/users/:id/tweets`, `/mentions`, `/2/tweets`,
 * search): one page, an array of pages, or one page per line as twarc2 saves them. Also the pure
 * `normalizeXv2Page` that the live X fetcher reuses.
 *
 * Spec 2.167 (August 2026) renamed the post vocabulary (`referenced_posts`, `includes.posts`,
 * `edit_history_post_ids`, `note_post`); the request decides which spelling the response uses, so
 * both are read (platforms.md §1.3).
 * @see https://docs.x.com/x-api/fundamentals/data-dictionary
 */

const V2RefSchema = z.looseObject({ type: z.string(), id: XIdSchema });

const V2EntitiesSchema = z.looseObject({
  urls: z
    .array(
      z.looseObject({
        url: z.string().nullish(),
        expanded_url: z.string().nullish(),
        unwound_url: z.string().nullish(),
        media_key: z.string().nullish(),
      }),
    )
    .nullish(),
  mentions: z.array(z.looseObject({ username: z.string(), id: z.string().nullish() })).nullish(),
  hashtags: z.array(z.looseObject({ tag: z.string() })).nullish(),
});
type V2Entities = z.infer<typeof V2EntitiesSchema>;

const V2NoteSchema = z.looseObject({ text: z.string(), entities: V2EntitiesSchema.nullish() });

/**
 * A v2 post (`Tweet` schema). Fields with no value are omitted, never null.
 * @see https://docs.x.com/x-api/fundamentals/data-dictionary#tweet
 */
export const XV2PostSchema = z.looseObject({
  id: XIdSchema,
  text: z.string(),
  author_id: XIdSchema.optional(),
  created_at: z.string().optional(),
  in_reply_to_user_id: XIdSchema.optional(),
  conversation_id: XIdSchema.optional(),
  public_metrics: z.looseObject({ reply_count: z.number().int().min(0).optional() }).optional(),
  referenced_tweets: z.array(V2RefSchema).optional(),
  referenced_posts: z.array(V2RefSchema).optional(),
  note_tweet: V2NoteSchema.optional(),
  note_post: V2NoteSchema.optional(),
  entities: V2EntitiesSchema.optional(),
});
export type XV2Post = z.infer<typeof XV2PostSchema>;

const V2UserSchema = z.looseObject({ id: XIdSchema, username: z.string().min(1) });

/**
 * The envelope of a v2 page: `data` (absent when there are no results; an object for single-post
 * lookups), `includes`, `meta`, and `errors` for partial failures even on HTTP 200.
 * @see https://docs.x.com/x-api/fundamentals/response-codes-and-errors#partial-errors
 */
export const XV2PageSchema = z.looseObject({
  data: z.union([z.array(z.unknown()), z.looseObject({})]).optional(),
  includes: z
    .looseObject({
      users: z.array(z.unknown()).optional(),
      tweets: z.array(z.unknown()).optional(),
      posts: z.array(z.unknown()).optional(),
    })
    .optional(),
  meta: z.looseObject({}).optional(),
  errors: z.array(z.unknown()).optional(),
});
export type XV2Page = z.infer<typeof XV2PageSchema>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPostLike(value: unknown): boolean {
  return isRecord(value) && (typeof value.id === 'string' || typeof value.id === 'number') && typeof value.text === 'string';
}

/**
 * The API sends ids as strings (X ids are 64-bit; beyond 2^53 a JSON number loses its last
 * digits). A post saved with a numeric `id` is read when the number is exact (a safe integer)
 * and skipped with a reason that says so otherwise.
 */
function withStringId(raw: unknown): unknown | string {
  if (!isRecord(raw)) return raw;
  // The API omits a field that has no value; a saved post with `null` there (a pipeline that
  // writes every column) means the same.
  let post = raw;
  if (Object.values(raw).includes(null)) post = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null));
  if (typeof post.id !== 'number') return post;
  if (Number.isSafeInteger(post.id) && post.id >= 0) return { ...post, id: String(post.id) };
  return `its id is a JSON number beyond 2^53 (${String(post.id)}), whose last digits are lost; save the API's responses as they came (ids are strings)`;
}

/**
 * True when a document looks like one X API v2 page of posts: `data` holding posts (`id` and
 * `text`), or no `data` but `meta` / problem-style `errors` (an empty or not-found page). User
 * lookups (`data` without `text`) and other formats' envelopes do not match.
 */
export function looksLikeXv2Page(doc: unknown): boolean {
  if (!isRecord(doc) || 'feed' in doc || 'orderedItems' in doc || 'id_str' in doc) return false;
  const { data, meta, errors } = doc;
  if (Array.isArray(data)) return data.length === 0 ? isRecord(meta) : data.every(isPostLike);
  if (data !== undefined) return isPostLike(data);
  if (isRecord(meta)) return true;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => isRecord(e) && (typeof e.title === 'string' || typeof e.detail === 'string'))
  );
}

/** What a page knows about posts and users beyond its `data`. */
interface Lookup {
  users: Map<string, string>;
  posts: Map<string, XV2Post>;
}

/** Handles of the users a page's `includes` describe, by id. */
function includedUsers(page: XV2Page): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of page.includes?.users ?? []) {
    const user = V2UserSchema.safeParse(raw);
    if (user.success) users.set(user.data.id, user.data.username);
  }
  return users;
}

function buildLookup(page: XV2Page, known: ReadonlyMap<string, string> | undefined): Lookup {
  const users = new Map([...(known ?? []), ...includedUsers(page)]);
  const posts = new Map<string, XV2Post>();
  for (const raw of [...(page.includes?.tweets ?? []), ...(page.includes?.posts ?? [])]) {
    const post = XV2PostSchema.safeParse(raw);
    if (post.success) posts.set(post.data.id, post.data);
  }
  return { users, posts };
}

/** ISO time of a post from its `created_at` (seconds) and id (milliseconds); null when unknown. */
function timeOf(post: Pick<XV2Post, 'id' | 'created_at'>): string | null {
  const ms = post.created_at === undefined ? null : parseIsoDate(post.created_at);
  return ms === null ? null : xPostIso(post.id, ms);
}

function handleOf(userId: string | null, lookup: Lookup, mentions: V2Entities['mentions']): string | null {
  if (userId === null) return null;
  return lookup.users.get(userId) ?? mentions?.find((m) => m.id === userId)?.username ?? null;
}

const UNKNOWN: AuthorRef = { id: null, handle: null };

/**
 * A referenced post as a `PostRef`, with what `includes` tell about it. The author is `authorId`,
 * else the included post's `author_id`, else `fallback` (what the text or a link says).
 */
function referenced(
  id: string,
  authorId: string | null,
  fallback: AuthorRef,
  lookup: Lookup,
  mentions: V2Entities['mentions'],
): PostRef {
  const included = lookup.posts.get(id);
  const userId = authorId ?? included?.author_id ?? fallback.id;
  const author: AuthorRef = { id: userId, handle: handleOf(userId, lookup, mentions) ?? fallback.handle };
  return postRef(id, author, included ? timeOf(included) : null);
}

/** Expanded links, leaving out media (their link is the post's own photo page) and the quoted post's link. */
function linksOf(entities: V2Entities | null | undefined, ownId: string, quotedId: string | null): string[] {
  const links: string[] = [];
  for (const u of entities?.urls ?? []) {
    if (u.media_key) continue;
    const target = u.unwound_url || u.expanded_url;
    if (!target) continue;
    const status = parseStatusLink(target);
    if (status !== null && (status.id === ownId || status.id === quotedId)) continue;
    links.push(target);
  }
  return links;
}

/**
 * Normalizes one post of a page (metrics.md §2.2, row "X API v2"). `lookup` holds the page's
 * `includes`. Returns a reason string when the post cannot be used.
 */
function normalizePost(post: XV2Post, lookup: Lookup): Post | string {
  const secondsMs = post.created_at === undefined ? null : parseIsoDate(post.created_at);
  if (post.created_at !== undefined && secondsMs === null) {
    return `post ${post.id}: unreadable created_at "${post.created_at}"`;
  }
  let createdAt: string;
  if (secondsMs !== null) {
    const iso = xPostIso(post.id, secondsMs);
    if (iso === null) return `post ${post.id}: created_at ${implausibleTimeReason('x', post.created_at ?? '')}, and its id carries no time`;
    createdAt = iso;
  } else {
    // Without `tweet.fields=created_at` the id's snowflake is the only time there is.
    const idMs = snowflakeMs(post.id);
    if (idMs === null) return `post ${post.id}: no created_at and an id that carries no time`;
    createdAt = new Date(idMs).toISOString();
  }

  const author: AuthorRef = {
    id: post.author_id ?? null,
    handle: post.author_id === undefined ? null : (lookup.users.get(post.author_id) ?? null),
  };
  const note = post.note_tweet ?? post.note_post;
  const entities = note ? (note.entities ?? post.entities) : post.entities;
  const mentions = entities?.mentions;
  const refs = post.referenced_tweets ?? post.referenced_posts ?? [];
  const base = {
    id: post.id,
    platform: 'x' as const,
    url: xStatusUrl(author.handle, post.id),
    author,
    createdAt,
    visibility: 'public' as const,
    ...(post.conversation_id !== undefined ? { conversationId: post.conversation_id } : {}),
    ...(post.public_metrics?.reply_count !== undefined ? { replyCount: post.public_metrics.reply_count } : {}),
  };

  const retweeted = refs.find((r) => r.type === 'retweeted');
  if (retweeted) {
    // The retweet's own text is `RT @name: ` plus the original cut at 140 characters; the words
    // are the original's, so the repost has none (metrics.md §3.4).
    const markerHandle = retweetedHandle(post.text);
    const marker = (mentions ?? []).find((m) => m.username.toLowerCase() === markerHandle?.toLowerCase());
    const fallback = { id: nonEmpty(marker?.id), handle: markerHandle };
    const repostOf = referenced(retweeted.id, null, fallback, lookup, mentions);
    return { ...base, text: '', replyTo: null, quoteOf: null, repostOf, links: [], mentions: [], hashtags: [] };
  }

  const repliedTo = refs.find((r) => r.type === 'replied_to');
  const replyUser = post.in_reply_to_user_id ?? null;
  let replyTo: PostRef | null = null;
  if (repliedTo) {
    replyTo = referenced(repliedTo.id, replyUser, UNKNOWN, lookup, mentions);
  } else if (replyUser !== null) {
    // Addressed to a user without replying to a post (metrics.md §2.2).
    replyTo = postRef(null, { id: replyUser, handle: handleOf(replyUser, lookup, mentions) }, null);
  }

  const quoted = refs.find((r) => r.type === 'quoted');
  let quoteOf: PostRef | null = null;
  if (quoted) {
    const link = (entities?.urls ?? [])
      .map((u) => parseStatusLink(u.expanded_url ?? ''))
      .find((l) => l?.id === quoted.id);
    quoteOf = referenced(quoted.id, null, { id: null, handle: link?.handle ?? null }, lookup, mentions);
  }

  return {
    ...base,
    text: decodeXText(note?.text ?? post.text),
    replyTo,
    quoteOf,
    repostOf: null,
    links: linksOf(entities, post.id, quoted?.id ?? null),
    mentions: (mentions ?? []).map((m) => ({ id: nonEmpty(m.id), handle: nonEmpty(m.username) })),
    hashtags: (entities?.hashtags ?? []).map((h) => h.tag).filter((t) => t !== ''),
  };
}

/** What is known about users beyond one page: handles by user id (earlier pages, a user lookup). */
export interface XV2PageContext {
  users?: ReadonlyMap<string, string>;
}

/**
 * Normalizes the posts of one v2 page (its `data`), resolving authors, reply parents, reposted
 * and quoted posts through its `includes` (and `context.users` for authors the page does not
 * include: a last page often has no `includes`). Pure: the same arguments always give the same
 * result. Posts that fail the wire schema are returned as `skipped` reasons. A page with only
 * `errors` (not found, suspended) gives no posts.
 */
export function normalizeXv2Page(
  page: XV2Page,
  context: XV2PageContext = {},
): { posts: Post[]; skipped: string[] } {
  const lookup = buildLookup(page, context.users);
  const items = page.data === undefined ? [] : Array.isArray(page.data) ? page.data : [page.data];
  const posts: Post[] = [];
  const skipped: string[] = [];
  for (const [index, item] of items.entries()) {
    const raw = withStringId(item);
    if (typeof raw === 'string') {
      skipped.push(`data[${index}]: ${raw}`);
      continue;
    }
    const parsed = XV2PostSchema.safeParse(raw);
    if (!parsed.success) {
      skipped.push(`data[${index}]: ${describeIssues(parsed.error)}`);
      continue;
    }
    const post = normalizePost(parsed.data, lookup);
    if (typeof post === 'string') skipped.push(post);
    else posts.push(post);
  }
  return { posts, skipped };
}

/** The pages in the documents: each document is a page or an array of pages. */
function pagesOf(docs: readonly unknown[], path: string): XV2Page[] {
  const pages: XV2Page[] = [];
  const flat = docs.flatMap((doc) => (Array.isArray(doc) ? doc : [doc]));
  for (const [index, doc] of flat.entries()) {
    const parsed = XV2PageSchema.safeParse(doc);
    if (!parsed.success || !looksLikeXv2Page(doc)) {
      throw new InputError(
        path,
        `document ${index + 1} is not an X API v2 response page (expected {"data": [...], "includes", "meta"}); ` +
          'save whole API responses, one per line or as a JSON array',
      );
    }
    pages.push(parsed.data);
  }
  return pages;
}

/** A short account of the partial errors the pages carry, or null when there are none. */
function errorsWarning(pages: readonly XV2Page[], path: string): string | null {
  const errors = pages.flatMap((p) => p.errors ?? []);
  if (errors.length === 0) return null;
  const first = errors[0];
  const detail = isRecord(first) && typeof first.detail === 'string' ? `: ${first.detail}` : '';
  return (
    `${path}: the saved X API responses report ${errors.length} error(s)${detail}. ` +
    'Referenced posts that were deleted or protected have no time or author beyond their id.'
  );
}

async function* v2Posts(pages: readonly XV2Page[], stats: ReadStats): AsyncGenerator<Post> {
  // Pages of one file come from one collection run: a user named on any page is known on all.
  const users = new Map(pages.flatMap((page) => [...includedUsers(page)]));
  for (const page of pages) {
    const { posts, skipped } = normalizeXv2Page(page, { users });
    for (const reason of skipped) recordSkip(stats, reason);
    yield* posts;
  }
}

/**
 * A saved paginated fetch is complete when one of its pages is the last: its `meta` has no
 * `next_token` (platforms.md §1.5: only a missing `next_token` ends the timeline).
 */
function reachedLastPage(pages: readonly XV2Page[]): boolean {
  const paged = pages.filter((p) => p.meta !== undefined);
  return paged.length === 0 || paged.some((p) => p.meta?.next_token === undefined);
}

/**
 * Reads saved X API v2 pages. `docs` are the file's parsed JSON documents (one for a JSON file,
 * one per line for JSON Lines). Every document must be a page (or an array of pages): anything
 * else is an `InputError`, raised before any post is read. The pages name no owner, so
 * `account` is null. `complete` is false when every saved page still had a `next_token`.
 */
export function readXv2(docs: unknown[], path: string): InputSource {
  const pages = pagesOf(docs, path);
  const warning = errorsWarning(pages, path);
  const stats = newReadStats();
  return {
    format: 'x-v2',
    sourceKind: 'file',
    account: null,
    posts: v2Posts(pages, stats),
    stats,
    complete: reachedLastPage(pages),
    warnings: warning === null ? [] : [warning],
  };
}
