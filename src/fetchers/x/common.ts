import { z } from 'zod';
import { snowflakeMs } from '../../ids.js';
import { isPlausibleMs } from '../instant.js';
import type { AuthorRef, PostRef } from '../../model/post.js';

/**
 * Helpers shared by the X readers (archive, API v1.1, API v2): dates, ids, status links, text.
 */

/** An X numeric id as a decimal string (ids exceed 2^53, so never a JS number). */
export const XIdSchema = z.string().regex(/^\d{1,20}$/);

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

const TWITTER_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;

/**
 * Parses the v1.1 / archive `created_at` form `Wed Aug 19 14:05:12 +0000 2026` to epoch ms
 * (whole seconds). Null when the string has another form.
 * @see https://developer.x.com/en/docs/twitter-api/v1/data-dictionary/object-model/tweet
 */
export function parseTwitterDate(value: string): number | null {
  const m = TWITTER_DATE.exec(value);
  if (!m) return null;
  const [, mon, day, hh, mm, ss, sign, offH, offM, year] = m;
  const utc = Date.UTC(Number(year), MONTHS[mon!]!, Number(day), Number(hh), Number(mm), Number(ss));
  const offsetMs = (Number(offH) * 60 + Number(offM)) * 60_000 * (sign === '-' ? -1 : 1);
  const ms = utc - offsetMs;
  return Number.isFinite(ms) ? ms : null;
}

/** Parses an ISO 8601 instant (v2 `created_at`) to epoch ms; null when it is not one. */
export function parseIsoDate(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The most precise time for a post: the payload's `created_at` carries whole seconds, the
 * snowflake id carries milliseconds (platforms.md §0). The id's time is used when it falls in the
 * same second; otherwise (pre-snowflake ids, edited data) the `created_at` second stands. A
 * payload time that already has milliseconds is kept as it is.
 */
export function preciseMs(id: string, secondsMs: number): number {
  if (secondsMs % 1000 !== 0) return secondsMs;
  const fromId = snowflakeMs(id);
  if (fromId !== null && Math.floor(fromId / 1000) === Math.floor(secondsMs / 1000)) return fromId;
  return secondsMs;
}

/**
 * The time of an X post whose payload says `secondsMs`: `preciseMs` when that is a plausible time
 * (2006 to 2099, `isPlausibleMs`), else the time its snowflake id carries (X makes both from the
 * same clock, so the id is the better witness of a `created_at` of 1970 or 9999); null when the
 * id carries no time either (a pre-2010 id).
 */
export function xPostMs(id: string, secondsMs: number): number | null {
  return isPlausibleMs('x', secondsMs) ? preciseMs(id, secondsMs) : snowflakeMs(id);
}

/** `xPostMs` as an ISO string. */
export function xPostIso(id: string, secondsMs: number): string | null {
  const ms = xPostMs(id, secondsMs);
  return ms === null ? null : new Date(ms).toISOString();
}

/** `preciseMs` as an ISO string. */
export function preciseIso(id: string, secondsMs: number): string {
  return new Date(preciseMs(id, secondsMs)).toISOString();
}

/** The public link to a post; `i/web` stands in for an unknown handle (X redirects it). */
export function xStatusUrl(handle: string | null, id: string): string {
  return `https://x.com/${handle ?? 'i/web'}/status/${id}`;
}

/** A link to an X post, as found in `expanded_url`. `handle` is null for `/i/web/status/…` links. */
export interface StatusLink {
  id: string;
  handle: string | null;
}

const STATUS_HOSTS = new Set([
  'twitter.com',
  'www.twitter.com',
  'mobile.twitter.com',
  'm.twitter.com',
  'x.com',
  'www.x.com',
  'mobile.x.com',
]);

/**
 * Recognises a link to a post on twitter.com or x.com: `/<user>/status/<id>` (also `statuses`,
 * `/i/web/status/<id>`, `/i/status/<id>`, trailing `/photo/1` and query strings). This is how an
 * archive marks a quote (metrics.md §2.2).
 */
export function parseStatusLink(link: string): StatusLink | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!STATUS_HOSTS.has(url.hostname.toLowerCase())) return null;
  // Links from 2010-2012 put the path in a hash-bang: `twitter.com/#!/user/status/1`.
  const path = url.pathname === '/' && url.hash.startsWith('#!/') ? url.hash.slice(2) : url.pathname;
  const m = /^\/(?:i\/web|i|([A-Za-z0-9_]{1,50}))\/status(?:es)?\/(\d{1,20})(?:\/|$)/.exec(path);
  if (!m) return null;
  return { id: m[2]!, handle: m[1] ?? null };
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/**
 * Decodes the three HTML entities X escapes in tweet text. One pass, so `&amp;lt;` becomes
 * `&lt;` (what the author typed), not `<`.
 * @see https://developer.x.com/en/docs/twitter-api/v1/data-dictionary/object-model/tweet (text)
 */
export function decodeXText(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (e) => ENTITIES[e]!);
}

/** `RT @name: …` — the retweet marker of archives and old clients; returns the name. */
export function retweetedHandle(text: string): string | null {
  const m = /^RT @([A-Za-z0-9_]{1,50})/.exec(text);
  return m ? m[1]! : null;
}

/** True when the text is a retweet by the `RT @` rule of metrics.md §2.2. */
export function startsWithRetweetMarker(text: string): boolean {
  return text.startsWith('RT @');
}

/** A numeric id string, or null for anything else (archives write `-1` for unknown users). */
export function idOrNull(value: string | null | undefined): string | null {
  return value !== null && value !== undefined && /^\d{1,20}$/.test(value) ? value : null;
}

/** Non-empty string or null. */
export function nonEmpty(value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : value;
}

/** A reference to another post. */
export function postRef(id: string | null, author: AuthorRef, createdAt: string | null): PostRef {
  return { id, url: id === null ? null : xStatusUrl(author.handle, id), author, createdAt };
}

/**
 * Entities of a v1.1-style tweet (archive and API v1.1). Only the fields used are checked;
 * `indices` are strings in archives and numbers in the API, so they are not read.
 * @see https://developer.x.com/en/docs/twitter-api/v1/data-dictionary/object-model/entities
 */
export const V1EntitiesSchema = z.looseObject({
  hashtags: z.array(z.looseObject({ text: z.string() })).nullish(),
  user_mentions: z
    .array(
      z.looseObject({
        screen_name: z.string(),
        id_str: z.string().nullish(),
      }),
    )
    .nullish(),
  urls: z
    .array(
      z.looseObject({
        url: z.string().nullish(),
        expanded_url: z.string().nullish(),
      }),
    )
    .nullish(),
});
export type V1Entities = z.infer<typeof V1EntitiesSchema>;

/** Mentions of v1.1-style entities as author refs. */
export function v1Mentions(entities: V1Entities | null | undefined): AuthorRef[] {
  return (entities?.user_mentions ?? []).map((m) => ({
    id: idOrNull(m.id_str),
    handle: nonEmpty(m.screen_name),
  }));
}

/** Hashtags of v1.1-style entities, without `#`. */
export function v1Hashtags(entities: V1Entities | null | undefined): string[] {
  return (entities?.hashtags ?? []).map((h) => h.text).filter((t) => t !== '');
}

/**
 * Expanded links of v1.1-style entities, in order, minus the status link of the quoted post
 * (`quotedId`), which is the quote itself rather than a link the account shares.
 * Entries with no `expanded_url` are left out: a `t.co` shortener is never a link target.
 */
export function v1Links(entities: V1Entities | null | undefined, quotedId: string | null): string[] {
  const links: string[] = [];
  for (const u of entities?.urls ?? []) {
    const expanded = nonEmpty(u.expanded_url);
    if (expanded === null) continue;
    if (quotedId !== null && parseStatusLink(expanded)?.id === quotedId) continue;
    links.push(expanded);
  }
  return links;
}

/** The last status link among v1.1-style entity URLs (X appends the quoted post's link at the end). */
export function lastStatusLink(entities: V1Entities | null | undefined): StatusLink | null {
  let found: StatusLink | null = null;
  for (const u of entities?.urls ?? []) {
    const link = u.expanded_url ? parseStatusLink(u.expanded_url) : null;
    if (link) found = link;
  }
  return found;
}

/** The author of a retweet marked only by `RT @name`: the id comes from the matching mention. */
export function retweetAuthor(handle: string, entities: V1Entities | null | undefined): AuthorRef {
  const lower = handle.toLowerCase();
  const mention = (entities?.user_mentions ?? []).find((m) => m.screen_name.toLowerCase() === lower);
  return { id: idOrNull(mention?.id_str), handle };
}

/** Short description of zod issues for skip reasons. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
