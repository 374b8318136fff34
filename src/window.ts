import { UsageError } from './errors.js';

/** The audit window of metrics.md §1: `sinceMs <= createdAt < untilMs`, UTC epoch ms. */
export interface AuditWindow {
  sinceMs: number;
  untilMs: number;
  /** The IANA zone used for `--month` and date-only bounds, echoed in the report. */
  timeZone: string;
}

export interface WindowOptions {
  since?: string | undefined;
  until?: string | undefined;
  /** `YYYY-MM`: that calendar month in `timeZone`. */
  month?: string | undefined;
  timeZone: string;
}

/** Default window length: the 30 days ending at `until` (metrics.md §1). */
export const DEFAULT_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/** Throws a UsageError unless `zone` is an IANA time zone this Node.js knows. */
export function assertTimeZone(zone: string, flag = '--tz'): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new UsageError(
      `${flag} "${zone}" is not a known IANA time zone; use a name such as America/Vancouver, Europe/Paris or UTC`,
    );
  }
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(zone: string, ms: number): number {
  let fmt = partsFormatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(zone, fmt);
  }
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - (ms - (ms % 1000 + 1000) % 1000);
}

/**
 * The instant at which the wall clock in `zone` reads `y-m-d 00:00`. When a daylight-saving jump
 * skips midnight, the first instant after the gap is taken.
 */
export function zonedMidnight(zone: string, y: number, m: number, d: number): number {
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall - zoneOffsetMs(zone, wall);
  const second = wall - zoneOffsetMs(zone, guess);
  if (second !== guess) guess = Math.max(guess, second);
  return guess;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function parseDate(flag: string, value: string): { y: number; m: number; d: number } | null {
  const m = DATE_ONLY.exec(value);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new UsageError(`${flag} "${value}" is not a real calendar date; use YYYY-MM-DD`);
  }
  return { y, m: mo, d };
}

/**
 * Parses a `--since`/`--until` bound: an instant with an offset (`2016-04-01T08:00:00Z`) or a date
 * (`2016-04-01`, midnight in `zone`). A date given to `--until` includes that whole day, as people
 * read "until 30 April": the bound becomes the following midnight.
 */
export function parseBound(flag: '--since' | '--until', value: string, zone: string): number {
  const date = parseDate(flag, value);
  if (date) {
    const start = zonedMidnight(zone, date.y, date.m, date.d);
    if (flag === '--since') return start;
    const next = new Date(Date.UTC(date.y, date.m - 1, date.d + 1));
    return zonedMidnight(zone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
  }
  if (INSTANT.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw new UsageError(
    `${flag} "${value}" is not a date or instant; use YYYY-MM-DD or an ISO instant such as 2016-04-01T08:00:00Z`,
  );
}

/** Parses `--month YYYY-MM` into [first midnight, next month's first midnight) in `zone`. */
export function monthWindow(value: string, zone: string): { sinceMs: number; untilMs: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  if (!m || mo < 1 || mo > 12) {
    throw new UsageError(`--month "${value}" is not a month; use YYYY-MM, for example 2016-04`);
  }
  const nextY = mo === 12 ? y + 1 : y;
  const nextM = mo === 12 ? 1 : mo + 1;
  return { sinceMs: zonedMidnight(zone, y, mo, 1), untilMs: zonedMidnight(zone, nextY, nextM, 1) };
}

/** The instants a report can hold: ISO 8601 with a four-digit year (`toISOString` writes `+010000-…` past 9999). */
const FIRST_MS = Date.parse('0000-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** A window that ends after 9999 (`--until 9999-12-31` ends at 10000-01-01) or starts before year 0 is refused. */
function assertRepresentable(sinceMs: number, untilMs: number): void {
  if (sinceMs >= FIRST_MS && untilMs <= LAST_MS) return;
  throw new UsageError(
    `the window ${new Date(sinceMs).toISOString()} → ${new Date(untilMs).toISOString()} reaches outside the years 0000-9999 a report can hold; give dates up to 9999-12-30`,
  );
}

/**
 * Resolves the window of metrics.md §1. `defaultUntilMs` is "now" for a live source and the newest
 * item's time plus 1 ms for a file (null when the file holds no items).
 */
export function resolveWindow(opts: WindowOptions, defaultUntilMs: number | null): AuditWindow {
  const zone = opts.timeZone;
  assertTimeZone(zone);
  if (opts.month !== undefined) {
    if (opts.since !== undefined || opts.until !== undefined) {
      throw new UsageError('--month cannot be combined with --since or --until; use one or the other');
    }
    const month = monthWindow(opts.month, zone);
    assertRepresentable(month.sinceMs, month.untilMs);
    return { ...month, timeZone: zone };
  }
  const untilMs =
    opts.until !== undefined ? parseBound('--until', opts.until, zone) : (defaultUntilMs ?? null);
  const sinceMs = opts.since !== undefined ? parseBound('--since', opts.since, zone) : null;
  const resolvedUntil = untilMs ?? (sinceMs !== null ? sinceMs + DEFAULT_WINDOW_DAYS * DAY_MS : 0);
  const resolvedSince = sinceMs ?? resolvedUntil - DEFAULT_WINDOW_DAYS * DAY_MS;
  if (resolvedSince >= resolvedUntil) {
    throw new UsageError(
      `the window is empty: --since ${new Date(resolvedSince).toISOString()} is not before --until ${new Date(resolvedUntil).toISOString()}`,
    );
  }
  assertRepresentable(resolvedSince, resolvedUntil);
  return { sinceMs: resolvedSince, untilMs: resolvedUntil, timeZone: zone };
}
