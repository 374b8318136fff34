import type { Platform } from '../model/post.js';

/**
 * Timestamps in wire payloads come in several spellings (`2024-12-05T10:39:15Z`,
 * `2026-08-19T14:05:12.861Z`, `+00:00` offsets, microseconds from Python dumps). Posts carry one
 * canonical form, `Date#toISOString()` (UTC, milliseconds), so that instants compare as strings
 * and always satisfy `InstantSchema`.
 */

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The canonical ISO instant for an ISO 8601 date-time string, or null when the value is not one.
 * A date-time without an offset is read as UTC (atproto requires an offset but some clients omit
 * it: https://atproto.com/specs/lexicon#datetime); anything that is not ISO 8601 is rejected rather
 * than handed to `Date.parse`'s lenient guesswork.
 */
export function toInstant(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = ISO_INSTANT.exec(value.trim());
  if (!m) return null;
  const ms = Date.parse(m[1] === undefined ? `${value.trim()}Z` : value.trim());
  if (Number.isNaN(ms)) return null;
  const year = new Date(ms).getUTCFullYear();
  return year >= 1000 && year <= 9999 ? new Date(ms).toISOString() : null;
}

/**
 * The first year each platform could have a post in: X (Twitter) opened in March 2006, the first
 * Mastodon release is from 2016, the Bluesky network from 2022. A post dated before its platform
 * existed (a `1970-01-01` epoch default) or after 2099 (a `9999-12-31` "never" sentinel, an edited
 * file) is not believable; readers then take the time the post's id carries (X and Mastodon ids,
 * Bluesky's server-side `indexedAt`), or skip the post when there is none. A post from the far
 * future would otherwise move the default window (which ends at the newest post) into that year.
 */
export const FIRST_YEAR: Readonly<Record<Platform, number>> = Object.freeze({ x: 2006, mastodon: 2016, bluesky: 2022 });
/** The last year a post time is believed in. */
export const LAST_YEAR = 2099;

/** True when `ms` falls in a year a post of `platform` can have been made in (see {@link FIRST_YEAR}). */
export function isPlausibleMs(platform: Platform, ms: number): boolean {
  if (!Number.isFinite(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= FIRST_YEAR[platform] && year <= LAST_YEAR;
}

/** An ISO instant when it is a plausible post time of `platform` (see {@link isPlausibleMs}), else null. */
export function plausibleInstant(platform: Platform, iso: string | null): string | null {
  return iso !== null && isPlausibleMs(platform, Date.parse(iso)) ? iso : null;
}

/** A sentence for skip reasons: why a post time was not believed. */
export function implausibleTimeReason(platform: Platform, value: string): string {
  return `time "${value}" is before ${PLATFORM_NAMES[platform]} existed (${FIRST_YEAR[platform]}) or after ${LAST_YEAR}`;
}

const PLATFORM_NAMES: Readonly<Record<Platform, string>> = { x: 'X', mastodon: 'Mastodon', bluesky: 'Bluesky' };
