import type { ChalkInstance } from 'chalk';
import type { Assertion } from './config.js';
import { formatDuration } from './format.js';
import { escapeMarkdown, sanitizeForTerminal } from './report/sanitize.js';
import { wrapText } from './report/width.js';
import type { Report } from './schema/report.js';

/*
 * Assertions on a report (issue #4), in the manner of Lighthouse CI's `assert`: the config maps
 * report paths to bounds, `"score": { "min": 60 }`, `"metrics.responseLatency.medianSeconds":
 * { "max": 14400, "level": "warn" }`. Failed `error` assertions make the run exit 1; failed `warn`
 * ones are only listed.
 *
 * Rules:
 * - A path is dotted keys from the report's root (metrics.md §6); a number picks an array item
 *   (`score.breakdown.0.points`). A path that names an object with a `value` reads that value,
 *   so `score` is `score.value` and `metrics.replyRatio` is `metrics.replyRatio.value`.
 * - The value must be a number: a path that does not exist, or holds text, a boolean or an
 *   object, fails with a message saying so (suggesting the nearest path), never a crash.
 * - A null value ("no value": no replies to time, no inbound data so `metrics.responseRate` is
 *   null, no activity so `score.value` is null) fails any min or max: a bound cannot be shown to
 *   hold. This matches `--fail-under`, which fails when there is no score (metrics.md §7).
 * - Bounds are inclusive: `min` passes at the value itself, as does `max`.
 * - An assertion with neither min nor max passes when the path holds a number.
 * - min above max fails with a message that no value can pass.
 * - `--fail-under N` is `"score": { "min": N }` at error level, listed first; an `assert` entry
 *   for `score` is checked as well.
 * - `level` defaults to `error`.
 */

/** The outcome of one assertion. */
export interface AssertionResult {
  /** The path as written in the config (`score` for --fail-under). */
  path: string;
  level: 'error' | 'warn';
  /** The number found, or null when there is none (missing path, not a number, or null). */
  actual: number | null;
  min?: number;
  max?: number;
  passed: boolean;
  /** One sentence saying what was found and why it passed or failed. */
  message: string;
  /** Where the assertion came from. */
  source: 'assert' | 'fail-under';
}

/** All assertions' outcomes, in order: --fail-under first, then the config's in its key order. */
export interface AssertionOutcome {
  results: AssertionResult[];
  /** Failed `error` assertions: any makes the run exit 1. */
  errorsFailed: number;
  /** Failed `warn` assertions: listed only. */
  warningsFailed: number;
}

type Lookup =
  | { kind: 'number'; value: number; resolved: string }
  | { kind: 'null'; resolved: string; nullAt: string }
  | { kind: 'missing'; at: string }
  | { kind: 'not-number'; resolved: string; what: string; hint: string | null };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return 'not a finite number';
  return `${typeof value === 'string' ? 'text' : `a ${typeof value}`}`;
}

/** The paths under `value` that hold numbers (or null), not entering lists. */
function numberPaths(value: unknown, prefix: string, out: string[] = []): string[] {
  if (!isPlainObject(value)) return out;
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof child === 'number' || child === null) out.push(path);
    else if (isPlainObject(child)) numberPaths(child, path, out);
  }
  return out;
}

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let row = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost));
    }
    row = next;
  }
  return row[t.length] ?? 0;
}

/** The report path holding a number nearest to `path` in spelling, when it is near enough. */
function nearestPath(report: unknown, path: string): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of numberPaths(report, '')) {
    const d = distance(path, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(3, Math.floor(path.length / 4)) ? best : null;
}

/** Follow a dotted path through the report (own keys only, array items by index). */
function lookup(report: unknown, path: string): Lookup {
  const keys = path.split('.');
  let current: unknown = report;
  const walked: string[] = [];
  for (const key of keys) {
    if (current === null) return { kind: 'null', resolved: path, nullAt: walked.join('.') };
    walked.push(key);
    if (Array.isArray(current) && /^\d+$/.test(key) && Number(key) < current.length) current = current[Number(key)];
    else if (isPlainObject(current) && Object.hasOwn(current, key)) current = current[key];
    else return { kind: 'missing', at: walked.join('.') };
  }
  let resolved = path;
  if (isPlainObject(current) && Object.hasOwn(current, 'value')) {
    current = current.value;
    resolved = `${path}.value`;
  }
  if (current === null) return { kind: 'null', resolved, nullAt: resolved };
  if (typeof current === 'number' && Number.isFinite(current)) return { kind: 'number', value: current, resolved };
  const inside = isPlainObject(current) ? numberPaths(current, resolved)[0] : undefined;
  return { kind: 'not-number', resolved, what: kindOf(current), hint: inside ?? null };
}

/** A number as a reader wants it: at most 4 decimals, durations also in words. */
function formatNumber(value: number, path: string): string {
  const text = String(Number(value.toFixed(4)));
  return /Seconds$/.test(path) ? `${text} (${formatDuration(value)})` : text;
}

function bounds(min: number | undefined, max: number | undefined, path: string): string {
  if (min !== undefined && max !== undefined) return `between ${formatNumber(min, path)} and ${formatNumber(max, path)}`;
  if (min !== undefined) return `at least ${formatNumber(min, path)}`;
  if (max !== undefined) return `at most ${formatNumber(max, path)}`;
  return 'a number';
}

function evaluateOne(report: Report, path: string, assertion: Assertion, source: AssertionResult['source']): AssertionResult {
  const { min, max } = assertion;
  const level = assertion.level ?? 'error';
  const base = { path, level, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), source };
  const suffix = source === 'fail-under' ? ' (--fail-under)' : '';
  const fail = (message: string, actual: number | null = null): AssertionResult => ({
    ...base,
    actual,
    passed: false,
    message: `${message}${suffix}`,
  });
  const found = lookup(report, path);
  switch (found.kind) {
    case 'missing': {
      const near = nearestPath(report, path);
      const where = found.at === path ? '' : ` (no ${found.at})`;
      return fail(`${path} is not a path in the report${where}${near !== null ? `; did you mean ${near}?` : ''}`);
    }
    case 'not-number':
      return fail(
        `${found.resolved} is ${found.what}, not a number${found.hint !== null ? `; name one of its numbers, such as ${found.hint}` : ''}`,
      );
    case 'null': {
      const why = found.nullAt === found.resolved ? 'null' : `${found.nullAt} is null`;
      if (min === undefined && max === undefined) return fail(`${found.resolved} has no value in this report (${why})`);
      return fail(`${found.resolved} has no value in this report (${why}), so it cannot be shown to be ${bounds(min, max, found.resolved)}`);
    }
    case 'number': {
      const actual = found.value;
      const shown = `${found.resolved} ${formatNumber(actual, found.resolved)}`;
      if (min !== undefined && max !== undefined && min > max) {
        return fail(`${path}: min ${min} is above max ${max}, so no value can pass; fix the assertion`, actual);
      }
      if (min !== undefined && actual < min) return fail(`${shown} is below the minimum ${formatNumber(min, found.resolved)}`, actual);
      if (max !== undefined && actual > max) return fail(`${shown} is above the maximum ${formatNumber(max, found.resolved)}`, actual);
      const message =
        min === undefined && max === undefined ? `${shown} (no min or max given)` : `${shown} is ${bounds(min, max, found.resolved)}`;
      return { ...base, actual, passed: true, message: `${message}${suffix}` };
    }
  }
}

/**
 * Check `report` against the config's `assert` block and `--fail-under` (see the rules above).
 * Pure: never throws for a bad path or value; each becomes a failed result.
 */
export function evaluateAssertions(
  report: Report,
  assert: Readonly<Record<string, Assertion>> = {},
  failUnder?: number,
): AssertionOutcome {
  const results: AssertionResult[] = [];
  if (failUnder !== undefined) results.push(evaluateOne(report, 'score', { min: failUnder, level: 'error' }, 'fail-under'));
  for (const [path, assertion] of Object.entries(assert)) results.push(evaluateOne(report, path, assertion, 'assert'));
  return {
    results,
    errorsFailed: results.filter((r) => !r.passed && r.level === 'error').length,
    warningsFailed: results.filter((r) => !r.passed && r.level === 'warn').length,
  };
}

/** Failed errors, then failed warnings, then passes; config order within each. */
function ordered(results: readonly AssertionResult[]): AssertionResult[] {
  const rank = (r: AssertionResult): number => (r.passed ? 2 : r.level === 'error' ? 0 : 1);
  return results.toSorted((a, b) => rank(a) - rank(b));
}

function summary(results: readonly AssertionResult[]): string {
  const errors = results.filter((r) => !r.passed && r.level === 'error').length;
  const warnings = results.filter((r) => !r.passed && r.level === 'warn').length;
  const passed = results.filter((r) => r.passed).length;
  const parts = [
    ...(errors > 0 ? [`${errors} failed`] : []),
    ...(warnings > 0 ? [`${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`] : []),
    `${passed} passed`,
  ];
  return parts.join(', ');
}

/** Options of {@link renderAssertionsTerminal}. */
export interface AssertionsTerminalOptions {
  /** The colour instance (`new Chalk({ level })`); level 0 gives no escape codes at all. */
  color: ChalkInstance;
  /** Maximum visible columns of every line (default 80). */
  width?: number;
  /** Words only, no ✗ ! ✓ (terminals without UTF-8). */
  ascii?: boolean;
}

/** Status column: symbol and word. */
const STATUS_WIDTH = 7;

/**
 * The results for a terminal: a summary line, then one entry per assertion (failed errors
 * first, then warnings, then passes), each `✗ fail` / `! warn` / `✓ pass` and its message,
 * wrapped with a hanging indent. An empty string when there are no results. Ends with a newline.
 */
export function renderAssertionsTerminal(results: readonly AssertionResult[], opts: AssertionsTerminalOptions): string {
  if (results.length === 0) return '';
  const c = opts.color;
  const width = opts.width === undefined || !Number.isFinite(opts.width) ? 80 : Math.max(40, Math.floor(opts.width));
  const ascii = opts.ascii === true;
  const lines = wrapText(`Assertions: ${summary(results)}`, width).map((l) => c.bold(l));
  for (const r of ordered(results)) {
    const [symbol, word, paint] = r.passed
      ? ['✓', 'pass', c.green]
      : r.level === 'error'
        ? ['✗', 'FAIL', c.red]
        : ['!', 'warn', c.yellow];
    const status = ascii ? word : `${symbol} ${word}`;
    const indent = 2 + STATUS_WIDTH;
    const text = sanitizeForTerminal(r.message);
    wrapText(text, width - indent).forEach((line, i) => {
      lines.push(i === 0 ? `  ${paint(status)}${' '.repeat(STATUS_WIDTH - status.length)}${line}` : `${' '.repeat(indent)}${line}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

const cell = (text: string): string => escapeMarkdown(text).replace(/@/g, '&#64;');

/**
 * The results as a GitHub-flavoured Markdown section: a summary and a table (failed errors first).
 * An empty string when there are no results. Ends with a newline.
 */
export function renderAssertionsMarkdown(results: readonly AssertionResult[]): string {
  if (results.length === 0) return '';
  const lines = [
    '### Assertions',
    '',
    `${summary(results)}.`,
    '',
    '| Result | Level | Path | Actual | Expected | |',
    '| --- | --- | --- | ---: | --- | --- |',
  ];
  for (const r of ordered(results)) {
    const result = r.passed ? '✅ pass' : r.level === 'error' ? '❌ **fail**' : '⚠️ warn';
    const actual = r.actual === null ? '–' : String(Number(r.actual.toFixed(4)));
    const expected = [...(r.min !== undefined ? [`≥ ${r.min}`] : []), ...(r.max !== undefined ? [`≤ ${r.max}`] : [])].join(', ') || 'a number';
    lines.push(`| ${result} | ${r.level} | ${cell(r.path)} | ${actual} | ${expected} | ${cell(r.message)} |`);
  }
  return `${lines.join('\n')}\n`;
}
