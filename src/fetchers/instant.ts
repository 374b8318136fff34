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
