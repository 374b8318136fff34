import type { ChalkInstance } from 'chalk';
import { formatDuration, formatPercent } from '../format.js';
import type { Report } from '../schema/report.js';
import { escapeMarkdown, sanitizeForTerminal } from './sanitize.js';

/**
 * The figures followed from one report to the next (`--compare`, `social-audit trend`): the score
 * and one headline value per metric, each named by its report path (metrics.md §6), with which
 * way is better and how to print it. Shared by compare.ts and trend.ts so that both read, round
 * and judge a value the same way.
 *
 * Imports only types from the report schema: report.ts imports compare.ts (for
 * `ComparisonSchema`), so a runtime import back would be a cycle.
 */

/** Which way a value improves. */
export type Better = 'higher' | 'lower';
/** How a value is measured: score points (0-100), a ratio in [0, 1], or seconds. */
export type ValueUnit = 'points' | 'ratio' | 'seconds';
/** A change judged by {@link Better}; `n/a` when either side has no value. */
export type Direction = 'better' | 'worse' | 'same' | 'n/a';

/** One followed value. */
export interface TrackedMetric {
  /** The report path (metrics.md §6), also the key in trend JSON and assertions. */
  readonly path: string;
  /** Label in prose and Markdown tables. */
  readonly label: string;
  /** Column heading in the terminal trend table (at most 6 columns). */
  readonly short: string;
  readonly unit: ValueUnit;
  readonly better: Better;
  readonly read: (report: Report) => number | null;
}

/** The score: `score.value`, 0-100 or null (no activity). */
export const SCORE_METRIC = {
  path: 'score.value',
  label: 'Score',
  short: 'Score',
  unit: 'points',
  better: 'higher',
  read: (r) => r.score.value,
} as const satisfies TrackedMetric;

/**
 * The headline value of each metric, in the report's order. Latency and self-promotion: lower is
 * better. `metrics.responseRate` is null in `outbound-only` reports, so its value reads null.
 */
export const TRACKED_METRICS = [
  {
    path: 'metrics.replyRatio.value',
    label: 'Reply ratio',
    short: 'Reply',
    unit: 'ratio',
    better: 'higher',
    read: (r) => r.metrics.replyRatio.value,
  },
  {
    path: 'metrics.responseLatency.medianSeconds',
    label: 'Latency median',
    short: 'Median',
    unit: 'seconds',
    better: 'lower',
    read: (r) => r.metrics.responseLatency.medianSeconds,
  },
  {
    path: 'metrics.responseLatency.p90Seconds',
    label: 'Latency p90',
    short: 'p90',
    unit: 'seconds',
    better: 'lower',
    read: (r) => r.metrics.responseLatency.p90Seconds,
  },
  {
    path: 'metrics.mix.conversationShare',
    label: 'Conversation share',
    short: 'Conv.',
    unit: 'ratio',
    better: 'higher',
    read: (r) => r.metrics.mix.conversationShare,
  },
  {
    path: 'metrics.selfPromotion.share',
    label: 'Self-promotion',
    short: 'Promo',
    unit: 'ratio',
    better: 'lower',
    read: (r) => r.metrics.selfPromotion.share,
  },
  {
    path: 'metrics.responseRate.value',
    label: 'Response rate',
    short: 'Resp.',
    unit: 'ratio',
    better: 'higher',
    read: (r) => r.metrics.responseRate?.value ?? null,
  },
] as const satisfies readonly TrackedMetric[];

/**
 * Changes smaller than this count as `same`: below the last digit a reader is shown (score
 * points are whole; ratios print to 0.1 percentage point; durations to the second).
 */
const SAME_WITHIN: Record<ValueUnit, number> = { points: 0.5, ratio: 0.0005, seconds: 0.5 };

/**
 * `current - previous`, or null when either is null; rounded to 9 decimals so that floating-point
 * noise (0.25 - 0.2 = 0.04999999999999999) does not reach the JSON.
 */
export function delta(previous: number | null, current: number | null): number | null {
  if (previous === null || current === null) return null;
  return Math.round((current - previous) * 1e9) / 1e9 + 0;
}

/** Whether going from `previous` to `current` is better, worse or the same, given which way is better. */
export function directionOf(
  metric: Pick<TrackedMetric, 'unit' | 'better'>,
  previous: number | null,
  current: number | null,
): Direction {
  const d = delta(previous, current);
  if (d === null) return 'n/a';
  if (Math.abs(d) < SAME_WITHIN[metric.unit]) return 'same';
  return d > 0 === (metric.better === 'higher') ? 'better' : 'worse';
}

/** Characters the terminal renderers draw with; ASCII for terminals without UTF-8. */
export interface Glyphs {
  /** Value went up / down / stayed. */
  readonly up: string;
  readonly down: string;
  readonly same: string;
  /** Between a previous and a current value. */
  readonly to: string;
  /** A missing value. */
  readonly none: string;
  /** Between the parts of a heading or legend. */
  readonly sep: string;
  /** The up and down glyphs are the sign itself (`+`, `-`): a signed change needs no arrow. */
  readonly signIsArrow: boolean;
}

export const UNICODE_GLYPHS: Glyphs = { up: '↑', down: '↓', same: '→', to: '→', none: '–', sep: ' · ', signIsArrow: false };
export const ASCII_GLYPHS: Glyphs = { up: '+', down: '-', same: '=', to: '->', none: '-', sep: ', ', signIsArrow: true };

export const glyphsFor = (ascii: boolean | undefined): Glyphs => (ascii === true ? ASCII_GLYPHS : UNICODE_GLYPHS);

/**
 * A change for a reader: the arrow of the way the value moved and its signed size (`↑ +5`,
 * `↓ -1 h 6 min`; in ASCII just `+5`, `-1 h 6 min`); the `same` glyph when it did not move; empty
 * when either side has no value.
 */
export function changeText(glyphs: Glyphs, unit: ValueUnit, d: number | null, direction: Direction, style: 'long' | 'short'): string {
  if (d === null || direction === 'n/a') return '';
  if (direction === 'same') return glyphs.same;
  const size = formatDelta(unit, d, style, glyphs.none);
  return glyphs.signIsArrow ? size : `${d > 0 ? glyphs.up : glyphs.down} ${size}`;
}

/** Paint for a judged change: green better, red worse, dim otherwise. */
export function paintOf(c: ChalkInstance, direction: Direction): (text: string) => string {
  if (direction === 'better') return c.green;
  if (direction === 'worse') return c.red;
  return c.dim;
}

/**
 * A duration in at most 5 columns, for table cells: `42s`, `16m`, `4.1h`, `26h`, `2.5d`, `12d`.
 * Tenths below 10 of a unit, whole units above; hours up to 48 h, then days (as formatDuration).
 */
export function formatDurationShort(seconds: number): string {
  const s = Math.max(0, seconds);
  if (Math.round(s) < 60) return `${Math.round(s)}s`;
  if (Math.round(s / 60) < 60) return `${Math.round(s / 60)}m`;
  const hours = s / 3600;
  if (hours < 9.95) return `${hours.toFixed(1)}h`;
  if (Math.round(hours) < 48) return `${Math.round(hours)}h`;
  const days = s / 86_400;
  return days < 9.95 ? `${days.toFixed(1)}d` : `${Math.round(days)}d`;
}

/**
 * A value as a reader sees it: points whole, ratios as percentages, durations in words (`long`)
 * or in at most 5 columns (`short`); `none` for null.
 */
export function formatValue(unit: ValueUnit, value: number | null, style: 'long' | 'short', none: string): string {
  if (value === null) return none;
  switch (unit) {
    case 'points':
      return String(Math.round(value));
    case 'ratio':
      return formatPercent(value);
    case 'seconds':
      return style === 'long' ? formatDuration(value) : formatDurationShort(value);
  }
}

/** A signed change: `+5`, `-4.2 pp` (percentage points), `-1 h 6 min`; `none` for null. */
export function formatDelta(unit: ValueUnit, d: number | null, style: 'long' | 'short', none: string): string {
  if (d === null) return none;
  const sign = d > 0 ? '+' : d < 0 ? '-' : '';
  const size = Math.abs(d);
  switch (unit) {
    case 'points':
      return `${sign}${Math.round(size)}`;
    case 'ratio':
      return `${sign}${(size * 100).toFixed(1)}${style === 'long' ? ' pp' : 'pp'}`;
    case 'seconds':
      return `${sign}${style === 'long' ? formatDuration(size) : formatDurationShort(size)}`;
  }
}

const PLATFORM_NAMES: Record<Report['account']['platform'], string> = { x: 'X', mastodon: 'Mastodon', bluesky: 'Bluesky' };

const bareHandle = (handle: string): string => handle.replace(/^@/, '').toLowerCase();

/**
 * Whether two reports audit the same account: same platform, and the same id when both have
 * one, else the same handle (case-insensitive, `@` ignored) when both have one. Two reports that
 * name their account neither way cannot be told apart and count as the same.
 */
export function sameAccount(a: Report, b: Report): boolean {
  if (a.account.platform !== b.account.platform) return false;
  if (a.account.id !== null && b.account.id !== null) return a.account.id === b.account.id;
  if (a.account.handle !== null && b.account.handle !== null) return bareHandle(a.account.handle) === bareHandle(b.account.handle);
  return true;
}

/** What names an account. */
export type AccountRef = Pick<Report['account'], 'platform' | 'handle' | 'id'>;

/** `X @handle` (or `X id 123`) made safe for a terminal. */
export function accountText(account: AccountRef): string {
  const { platform, handle, id } = account;
  const who =
    handle !== null ? `@${sanitizeForTerminal(handle).replace(/^@/, '')}` : id !== null ? `id ${sanitizeForTerminal(id)}` : 'unknown account';
  return `${PLATFORM_NAMES[platform]} ${who}`;
}

/**
 * Untrusted text escaped for Markdown, with `@` as an entity so GitHub pings no one (as
 * markdown.ts does for the report).
 */
export function markdownText(text: string): string {
  return escapeMarkdown(text).replace(/@/g, '&#64;');
}

/** `&#64;handle on X` for a Markdown heading. */
export function accountMarkdown(account: AccountRef): string {
  const { platform, handle, id } = account;
  const who = handle !== null ? `&#64;${markdownText(handle.replace(/^@/, ''))}` : id !== null ? `id ${markdownText(id)}` : 'unknown account';
  return `${who} on ${PLATFORM_NAMES[platform]}`;
}

/** Default line width of the terminal renderers: the classic terminal. */
export const DEFAULT_WIDTH = 80;

/** `width` when it is a number of at least `min`; 80 when it is not a number; `min` when smaller. */
export function layoutWidth(width: number | undefined, min: number): number {
  if (width === undefined || !Number.isFinite(width)) return DEFAULT_WIDTH;
  return Math.max(min, Math.floor(width));
}

/** A time-zone name the runtime knows: `timeZone`, else `UTC`. */
export function knownZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

/** Calendar fields of an instant on the clock of `timeZone` (a known zone). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const localFormats = new Map<string, Intl.DateTimeFormat>();

export function localTime(iso: string, timeZone: string): LocalTime {
  let format = localFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute') };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a local time. */
export const localDate = (t: LocalTime): string => `${t.year}-${two(t.month)}-${two(t.day)}`;

/**
 * The window's label: `YYYY-MM` when it is exactly one calendar month on its own clock (the
 * first at 00:00 to the first of the next month at 00:00, as `--month` gives), else its first
 * local day `YYYY-MM-DD`.
 */
export function windowLabel(window: Report['window']): string {
  const zone = knownZone(window.timeZone);
  const since = localTime(window.since, zone);
  const until = localTime(window.until, zone);
  const onTheMinute = (iso: string): boolean => Date.parse(iso) % 60_000 === 0;
  const midnightFirst = (t: LocalTime): boolean => t.day === 1 && t.hour === 0 && t.minute === 0;
  const nextMonth = since.month === 12 ? { year: since.year + 1, month: 1 } : { year: since.year, month: since.month + 1 };
  const oneMonth =
    onTheMinute(window.since) &&
    onTheMinute(window.until) &&
    midnightFirst(since) &&
    midnightFirst(until) &&
    until.year === nextMonth.year &&
    until.month === nextMonth.month;
  return oneMonth ? `${since.year}-${two(since.month)}` : localDate(since);
}

/**
 * The window in a heading: its label when it is a calendar month (`2026-09`), else its local
 * dates `2026-09-05 → 2026-10-04`.
 */
export function windowSpan(window: Report['window'], to: string): string {
  const label = windowLabel(window);
  return label.length === 7 ? label : windowDates(window, to).replace(/ [^ ]+$/, '');
}

/**
 * The window as local dates, `2026-10-01 → 2026-10-31` (the last day shown is the one before an
 * exclusive midnight end), and its zone.
 */
export function windowDates(window: Report['window'], to: string): string {
  const zone = knownZone(window.timeZone);
  const since = localDate(localTime(window.since, zone));
  const untilLocal = localTime(window.until, zone);
  const lastMs =
    untilLocal.hour === 0 && untilLocal.minute === 0 ? Date.parse(window.until) - 1 : Date.parse(window.until);
  const until = localDate(localTime(new Date(lastMs).toISOString(), zone));
  return `${since} ${to} ${until} ${zone}`;
}
