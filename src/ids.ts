import type { Platform } from './model/post.js';

/**
 * Times hidden in platform ids (metrics.md §3.2, platforms.md §0). Used only when a payload does
 * not carry a reply target's time: no request is ever made for a time an id already gives.
 */

/** Twitter's snowflake epoch, 2010-11-04T01:42:54.657Z. @see https://github.com/twitter-archive/snowflake (IdWorker.scala `twepoch`) */
export const TWITTER_EPOCH_MS = 1288834974657n;
/** Tweet ids below ~3·10^10 are pre-snowflake counters (platforms.md §0): they carry no time. */
const FIRST_SNOWFLAKE_ID = 30_000_000_000n;

/** Mastodon snowflakes before this are implausible (the switch to snowflakes was in 2017). */
const MASTODON_MIN_MS = Date.UTC(2016, 0, 1);
/** Far-future bound for any decoded time: beyond it the id is not a time-bearing id. */
const MAX_MS = Date.UTC(2100, 0, 1);

const DIGITS = /^\d{1,20}$/;

/** `ms = (id >> 22) + 1288834974657` for an X/Twitter snowflake; null for a pre-snowflake counter or non-id. */
export function snowflakeMs(id: string): number | null {
  if (!DIGITS.test(id)) return null;
  const n = BigInt(id);
  if (n < FIRST_SNOWFLAKE_ID) return null;
  const ms = Number((n >> 22n) + TWITTER_EPOCH_MS);
  return ms < MAX_MS ? ms : null;
}

/** `ms = id >> 16` for a Mastodon snowflake id; null when the id is a small counter or not numeric. */
export function mastodonIdMs(id: string): number | null {
  if (!DIGITS.test(id)) return null;
  const ms = Number(BigInt(id) >> 16n);
  return ms >= MASTODON_MIN_MS && ms < MAX_MS ? ms : null;
}

const TID_ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;

/**
 * Bluesky TID record key → ms: the first 11 base32-sortable chars are microseconds since the epoch.
 * @see https://atproto.com/specs/tid
 */
export function tidMs(rkey: string): number | null {
  if (!TID.test(rkey)) return null;
  let micros = 0n;
  for (const ch of rkey.slice(0, 11)) micros = micros * 32n + BigInt(TID_ALPHABET.indexOf(ch));
  const ms = Number(micros / 1000n);
  return ms > 0 && ms < MAX_MS ? ms : null;
}

/**
 * The last path segment of a Mastodon status URL (`https://host/users/NAME/statuses/ID`,
 * `https://host/@NAME/ID`) when it is numeric; the id itself when already numeric.
 */
export function mastodonStatusId(idOrUrl: string): string | null {
  if (DIGITS.test(idOrUrl)) return idOrUrl;
  const m = /\/(?:statuses|@[^/]+)\/(\d{1,20})(?:\/activity)?\/?$/.exec(idOrUrl);
  return m?.[1] ?? null;
}

/** The record key of an `at://did/collection/rkey` URI, or the argument when it already is one. */
export function atUriRkey(uri: string): string | null {
  const m = /^at:\/\/[^/]+\/[^/]+\/([^/?#]+)$/.exec(uri);
  if (m) return m[1] ?? null;
  return TID.test(uri) ? uri : null;
}

/** The DID (or handle) authority of an `at://` URI. */
export function atUriAuthority(uri: string): string | null {
  const m = /^at:\/\/([^/]+)/.exec(uri);
  return m?.[1] ?? null;
}

/** Time encoded in a post id of the given platform, in epoch ms, or null when the id carries none. */
export function timeFromId(platform: Platform, id: string): number | null {
  switch (platform) {
    case 'x':
      return snowflakeMs(id);
    case 'mastodon': {
      const statusId = mastodonStatusId(id);
      return statusId === null ? null : mastodonIdMs(statusId);
    }
    case 'bluesky': {
      const rkey = atUriRkey(id);
      return rkey === null ? null : tidMs(rkey);
    }
  }
}
