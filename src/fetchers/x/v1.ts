import { z } from 'zod';
import type { AuthorRef, Post, PostRef } from '../../model/post.js';
import { implausibleTimeReason } from '../instant.js';
import { newReadStats, recordSkip, type InputSource, type ReadStats } from '../types.js';
import {
  describeIssues,
  decodeXText,
  idOrNull,
  lastStatusLink,
  nonEmpty,
  parseStatusLink,
  parseTwitterDate,
  postRef,
  xPostIso,
  retweetAuthor,
  retweetedHandle,
  startsWithRetweetMarker,
  V1EntitiesSchema,
  v1Hashtags,
  v1Links,
  v1Mentions,
  XIdSchema,
  xStatusUrl,
} from './common.js';

/**
 * Reader for X API v1.1 tweet JSON as collectors save it (tweepy, twarc 1, `statuses/user_timeline`
 * dumps): a JSON array of tweets, JSON Lines with one tweet per line, or a search response
 * `{ statuses: […] }`. Compatibility-mode (`text`) and extended-mode (`full_text`,
 * `extended_tweet`) tweets are both read.
 * @see https://developer.x.com/en/docs/twitter-api/v1/data-dictionary/object-model/tweet
 */

/** `user` of a v1.1 tweet. Some collectors trim it to `{ id, id_str }` (no `screen_name`). */
const V1UserSchema = z.looseObject({
  id_str: z.string().nullish(),
  screen_name: z.string().nullish(),
});

const V1CoreSchema = z.looseObject({
  id_str: XIdSchema,
  created_at: z.string(),
  text: z.string().nullish(),
  full_text: z.string().nullish(),
  user: V1UserSchema.nullish(),
  entities: V1EntitiesSchema.nullish(),
});

/** A nested tweet (`retweeted_status`, `quoted_status`): only what a `PostRef` needs. */
const V1NestedSchema = V1CoreSchema.partial({ created_at: true });
type V1Nested = z.infer<typeof V1NestedSchema>;

/**
 * A v1.1 tweet. `quoted_status_permalink` and `extended_tweet` are later additions (2017-2018),
 * optional here.
 */
export const V1TweetSchema = V1CoreSchema.extend({
  in_reply_to_status_id_str: z.string().nullish(),
  in_reply_to_user_id_str: z.string().nullish(),
  in_reply_to_screen_name: z.string().nullish(),
  is_quote_status: z.boolean().nullish(),
  quoted_status_id_str: z.string().nullish(),
  quoted_status: V1NestedSchema.nullish(),
  quoted_status_permalink: z.looseObject({ expanded: z.string().nullish() }).nullish(),
  retweeted_status: V1NestedSchema.nullish(),
  extended_tweet: z
    .looseObject({ full_text: z.string(), entities: V1EntitiesSchema.nullish() })
    .nullish(),
});
export type V1Tweet = z.infer<typeof V1TweetSchema>;

/** Keys of other formats' envelopes: a document with one of these is not a bare v1.1 tweet. */
const FOREIGN_KEYS = ['post', 'feed', 'orderedItems', 'data', 'includes', 'account', 'reblog', 'record'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTweetLike(doc: unknown): boolean {
  return (
    isRecord(doc) &&
    (typeof doc.id_str === 'string' || typeof doc.id === 'number') &&
    typeof doc.created_at === 'string' &&
    (typeof doc.text === 'string' || typeof doc.full_text === 'string') &&
    !FOREIGN_KEYS.some((k) => k in doc)
  );
}

/**
 * True when a document (one tweet, or a search response `{ statuses: […] }`) looks like
 * X API v1.1 tweet JSON: an object with `id_str`, `created_at` and `text` or `full_text`,
 * and none of the keys of the other formats' envelopes.
 */
export function looksLikeXv1(doc: unknown): boolean {
  if (isTweetLike(doc)) return true;
  return isRecord(doc) && Array.isArray(doc.statuses) && doc.statuses.length > 0 && isTweetLike(doc.statuses[0]);
}

function authorOf(user: z.infer<typeof V1UserSchema> | null | undefined): AuthorRef {
  return { id: idOrNull(user?.id_str), handle: nonEmpty(user?.screen_name) };
}

/** Time of a nested tweet, when it carries one. */
function nestedTime(tweet: V1Nested): string | null {
  const ms = tweet.created_at ? parseTwitterDate(tweet.created_at) : null;
  return ms === null ? null : xPostIso(tweet.id_str, ms);
}

/** The quoted post (metrics.md §2.2: `is_quote_status`; target from `quoted_status`, else the status link). */
function quoteTarget(tweet: V1Tweet, entities: V1Tweet['entities']): PostRef | null {
  if (!tweet.is_quote_status) return null;
  if (tweet.quoted_status) {
    const author = authorOf(tweet.quoted_status.user);
    return postRef(tweet.quoted_status.id_str, author, nestedTime(tweet.quoted_status));
  }
  const permalink = tweet.quoted_status_permalink?.expanded;
  const link = (permalink ? parseStatusLink(permalink) : null) ?? lastStatusLink(entities);
  const id = idOrNull(tweet.quoted_status_id_str) ?? link?.id ?? null;
  const handle = link !== null && link.id === id ? link.handle : null;
  // A quote whose quoted post is gone (deleted, protected) is still a quote: only its target is unknown.
  return postRef(id, { id: null, handle }, null);
}

/**
 * Normalizes one v1.1 tweet (metrics.md §2.2, row "X API v1.1"). Returns a reason string when
 * the tweet cannot be used.
 */
export function normalizeXv1(tweet: V1Tweet): Post | string {
  const secondsMs = parseTwitterDate(tweet.created_at);
  if (secondsMs === null) return `tweet ${tweet.id_str}: unreadable created_at "${tweet.created_at}"`;
  const createdAt = xPostIso(tweet.id_str, secondsMs);
  if (createdAt === null) {
    return `tweet ${tweet.id_str}: created_at ${implausibleTimeReason('x', tweet.created_at)}, and its id carries no time`;
  }
  const author = authorOf(tweet.user);
  const extended = tweet.extended_tweet;
  const rawText = extended?.full_text ?? tweet.full_text ?? tweet.text ?? '';
  const entities = extended ? (extended.entities ?? tweet.entities) : tweet.entities;
  const base = {
    id: tweet.id_str,
    platform: 'x' as const,
    url: xStatusUrl(author.handle, tweet.id_str),
    author,
    createdAt,
    visibility: 'public' as const,
  };

  const rs = tweet.retweeted_status;
  if (rs || startsWithRetweetMarker(rawText)) {
    const markerHandle = retweetedHandle(rawText);
    let repostOf: PostRef;
    if (rs) {
      // Collectors that trim `user` leave only the id: the handle is still in `RT @name:`.
      const original = authorOf(rs.user);
      repostOf = postRef(rs.id_str, { id: original.id, handle: original.handle ?? markerHandle }, nestedTime(rs));
    } else {
      const original = markerHandle === null ? { id: null, handle: null } : retweetAuthor(markerHandle, entities);
      repostOf = postRef(null, original, null);
    }
    return { ...base, text: '', replyTo: null, quoteOf: null, repostOf, links: [], mentions: [], hashtags: [] };
  }

  // The `_str` twins, else the numeric fields when exact (see `exactNumericId`). A reply whose
  // target id was a number beyond 2^53 is still a reply, to a post whose id is lost.
  const replyAuthor = {
    id: idOrNull(tweet.in_reply_to_user_id_str) ?? exactNumericId(tweet.in_reply_to_user_id),
    handle: nonEmpty(tweet.in_reply_to_screen_name),
  };
  const replyStatus = idOrNull(tweet.in_reply_to_status_id_str) ?? exactNumericId(tweet.in_reply_to_status_id);
  const lostTarget = replyStatus === null && isLostNumericId(tweet.in_reply_to_status_id);
  const replyTo =
    replyStatus !== null
      ? postRef(replyStatus, replyAuthor, null)
      : replyAuthor.id !== null || replyAuthor.handle !== null || lostTarget || isLostNumericId(tweet.in_reply_to_user_id)
        ? postRef(null, replyAuthor, null)
        : null;
  const quoteOf = quoteTarget(tweet, entities);
  return {
    ...base,
    text: decodeXText(rawText),
    replyTo,
    quoteOf,
    repostOf: null,
    links: v1Links(entities, quoteOf?.id ?? null),
    mentions: v1Mentions(entities),
    hashtags: v1Hashtags(entities),
  };
}

/**
 * Flattens the documents: a tweet, an array of tweets (any depth), or `{ statuses: […] }`.
 * Iterative, with an explicit stack: a hostile file nesting 100,000 arrays must not overflow the
 * call stack.
 */
function* tweetsOf(docs: readonly unknown[]): Generator<unknown> {
  const stack: { items: readonly unknown[]; next: number }[] = [{ items: docs, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.items.length) {
      stack.pop();
      continue;
    }
    const doc = top.items[top.next++];
    if (Array.isArray(doc)) stack.push({ items: doc, next: 0 });
    else if (isRecord(doc) && Array.isArray(doc.statuses) && !('id_str' in doc)) stack.push({ items: doc.statuses, next: 0 });
    else yield doc;
  }
}

/**
 * X ids are 64-bit: beyond 2^53 a JSON number loses its last digits in any JSON reader, which is
 * why v1.1 sends every id twice, as `id` (a number) and `id_str`. `id_str` is always used. A
 * tweet saved without it (some pipelines drop the `_str` twins) is read from `id` only when that
 * number is exact (a safe integer: tweets before 2012); otherwise its id is lost and the tweet is
 * skipped with a reason that says so.
 */
function exactNumericId(value: unknown): string | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
}

function isLostNumericId(value: unknown): boolean {
  return typeof value === 'number' && !Number.isSafeInteger(value);
}

/** The tweet with `id_str` filled from an exact numeric `id` when it lacks one. */
function withIdStr(doc: unknown): unknown {
  if (!isRecord(doc) || doc.id_str !== undefined && doc.id_str !== null) return doc;
  const id = exactNumericId(doc.id);
  return id === null ? doc : { ...doc, id_str: id };
}

async function* v1Posts(docs: readonly unknown[], stats: ReadStats): AsyncGenerator<Post> {
  let index = 0;
  for (const doc of tweetsOf(docs)) {
    index += 1;
    if (isRecord(doc) && (doc.id_str === undefined || doc.id_str === null) && isLostNumericId(doc.id)) {
      recordSkip(
        stats,
        `tweet #${index}: its id is a JSON number beyond 2^53 (${String(doc.id)}), whose last digits are lost, and it has no id_str; save tweets with their id_str`,
      );
      continue;
    }
    const parsed = V1TweetSchema.safeParse(withIdStr(doc));
    if (!parsed.success) {
      recordSkip(stats, `tweet #${index}: ${describeIssues(parsed.error)}`);
      continue;
    }
    const post = normalizeXv1(parsed.data);
    if (typeof post === 'string') recordSkip(stats, post);
    else yield post;
  }
}

/**
 * Reads X API v1.1 tweets. `docs` are the file's parsed JSON documents (one for a JSON file, one
 * per line for JSON Lines), each a tweet or an array of tweets. A tweet that fails the wire schema
 * is skipped and counted. The file names no owner, so `account` is null.
 */
export function readXv1(docs: unknown[], path: string): InputSource {
  const stats = newReadStats();
  const warnings: string[] = [];
  const sample = tweetsOf(docs).next().value;
  if (isRecord(sample) && isRecord(sample.user) && sample.user.screen_name === undefined) {
    warnings.push(
      `${path}: the tweets' user objects carry no screen_name (the collector trimmed them), so the ` +
        "author's handle is unknown; self-replies are recognised by user id.",
    );
  }
  return { format: 'x-v1', sourceKind: 'file', account: null, posts: v1Posts(docs, stats), stats, warnings };
}
