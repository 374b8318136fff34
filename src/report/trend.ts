import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { Report } from '../schema/report.js';
import {
  SCORE_METRIC,
  TRACKED_METRICS,
  accountMarkdown,
  accountText,
  changeText,
  delta,
  directionOf,
  formatValue,
  glyphsFor,
  layoutWidth,
  paintOf,
  sameAccount,
  windowLabel,
  type TrackedMetric,
} from './tracked-metrics.js';
import { truncateToWidth, visibleWidth, wrapText } from './width.js';

/*
 * `social-audit trend <report.json...>` (issue #2): one row per report, oldest window first, and
 * a sparkline per value.
 *
 * Rules:
 * - All reports must be of one account (`sameAccount`, every pair: same platform, and the same
 *   id, else the same handle); otherwise trendSeries throws a UsageError naming the accounts.
 *   Run trend once per account.
 * - Rows are sorted by `window.since` (then `generatedAt`). Reports of the same window (same
 *   since and until) are one row: the one generated last; the others are counted in `dropped`.
 * - A row's label is `YYYY-MM` for a calendar-month window, else its first local day.
 */

/** Version of the trend JSON (`social-audit trend --json`); bumped when a key is renamed or removed. */
export const TREND_VERSION = 1;

const Instant = z.iso.datetime({ offset: true });

/**
 * The trend: what `trendJson` prints. `metrics` lists the followed values (their report paths,
 * units and which way is better); each row's `values` has one entry per path, null when that
 * report had no value (e.g. no replies, or no inbound data for `metrics.responseRate.value`).
 * Ratios are in [0, 1], durations in seconds, score 0-100.
 */
export const TrendSchema = z.object({
  trendVersion: z.literal(TREND_VERSION),
  /** The account, as the newest report names it. */
  account: z.object({
    platform: z.enum(['x', 'mastodon', 'bluesky']),
    handle: z.string().nullable(),
    id: z.string().nullable(),
  }),
  metrics: z.array(
    z.object({
      path: z.string(),
      label: z.string(),
      unit: z.enum(['ratio', 'seconds']),
      better: z.enum(['higher', 'lower']),
    }),
  ),
  rows: z.array(
    z.object({
      /** `YYYY-MM` for a calendar-month window, else the window's first local day `YYYY-MM-DD`. */
      label: z.string(),
      since: Instant,
      until: Instant,
      timeZone: z.string(),
      generatedAt: Instant,
      score: z.number().nullable(),
      verdict: z.enum(['BEING', 'DOING', 'NO_ACTIVITY']),
      values: z.record(z.string(), z.number().nullable()),
    }),
  ),
  /** Reports left out because a report generated later covers the same window. */
  dropped: z.number().int().min(0),
});
export type TrendSeries = z.infer<typeof TrendSchema>;
export type TrendRow = TrendSeries['rows'][number];

const VALUE_METRICS: readonly TrackedMetric[] = TRACKED_METRICS;

/**
 * The trend of `reports`: one row per window, oldest first (see the rules above).
 * @throws UsageError when `reports` is empty or holds more than one account.
 */
export function trendSeries(reports: readonly Report[]): TrendSeries {
  const [first] = reports;
  if (first === undefined) throw new UsageError('trend: give at least one saved report (social-audit trend a.json b.json ...)');
  const mixed = reports.some((a, i) => reports.slice(i + 1).some((b) => !sameAccount(a, b)));
  if (mixed) {
    const names = [...new Set(reports.map((r) => accountText(r.account)))];
    throw new UsageError(
      `trend: the reports are of more than one account (${names.join(', ')}); give the reports of one account`,
    );
  }
  const byTime = reports.toSorted(
    (a, b) =>
      Date.parse(a.window.since) - Date.parse(b.window.since) ||
      Date.parse(a.window.until) - Date.parse(b.window.until) ||
      Date.parse(a.generatedAt) - Date.parse(b.generatedAt),
  );
  const kept: Report[] = [];
  for (const report of byTime) {
    const last = kept.at(-1);
    const sameWindow =
      last !== undefined &&
      Date.parse(last.window.since) === Date.parse(report.window.since) &&
      Date.parse(last.window.until) === Date.parse(report.window.until);
    if (sameWindow) kept[kept.length - 1] = report;
    else kept.push(report);
  }
  const newest = byTime.at(-1) ?? first;
  return {
    trendVersion: TREND_VERSION,
    account: { platform: newest.account.platform, handle: newest.account.handle, id: newest.account.id },
    metrics: TRACKED_METRICS.map(({ path, label, unit, better }) => ({ path, label, unit, better })),
    rows: kept.map((r) => ({
      label: windowLabel(r.window),
      since: r.window.since,
      until: r.window.until,
      timeZone: r.window.timeZone,
      generatedAt: r.generatedAt,
      score: r.score.value,
      verdict: r.score.verdict,
      values: Object.fromEntries(VALUE_METRICS.map((m) => [m.path, m.read(r)])),
    })),
    dropped: reports.length - kept.length,
  };
}

/** The trend as JSON (TrendSchema), two-space indented, ending with a newline. */
export function trendJson(series: TrendSeries): string {
  return `${JSON.stringify(TrendSchema.parse(series), null, 2)}\n`;
}

/** Eight bar heights, lowest first. */
export const SPARK_BARS = '▁▂▃▄▅▆▇█';
/** The same eight levels for terminals without UTF-8. */
export const SPARK_BARS_ASCII = '_.-~=+*#';

/**
 * A sparkline of `values`: one bar per value, scaled to the min-max of the non-null values
 * (min → lowest bar, max → highest, linear and rounded between); all equal → the fourth bar;
 * null → `none` (`·`, or a space in ASCII). Bars show the value's size, not whether it is good.
 */
export function sparkline(values: ReadonlyArray<number | null>, ascii = false): string {
  const bars = [...(ascii ? SPARK_BARS_ASCII : SPARK_BARS)];
  const none = ascii ? ' ' : '·';
  const present = values.filter((v): v is number => v !== null);
  const min = Math.min(...present);
  const max = Math.max(...present);
  return values
    .map((v) => {
      if (v === null) return none;
      const level = max === min ? 3 : Math.round(((v - min) / (max - min)) * (bars.length - 1));
      return bars[level] ?? none;
    })
    .join('');
}

/** Options of {@link renderTrendTerminal}. */
export interface TrendTerminalOptions {
  /** The colour instance (`new Chalk({ level })`); level 0 gives no escape codes at all. */
  color: ChalkInstance;
  /** Maximum visible columns of every line (default 80; below 60 laid out at 60). */
  width?: number;
  /** ASCII table borders, sparklines and arrows (terminals without UTF-8). */
  ascii?: boolean;
}

const MIN_WIDTH = 60;

const ASCII_TABLE_CHARS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};

/** What each abbreviated column heading stands for. */
const LEGEND: Record<string, string> = {
  Reply: 'reply ratio',
  Median: 'response latency median',
  p90: 'response latency p90',
  'Conv.': 'conversation share',
  Promo: 'self-promotion share',
  'Resp.': 'response rate',
};

interface Column {
  head: string;
  align: 'left' | 'right';
  cells: string[];
  /** Plain text of the cells, for measuring. */
  plain: string[];
}

const VERDICT_CELL: Record<TrendRow['verdict'], string> = { BEING: 'BEING', DOING: 'DOING', NO_ACTIVITY: 'none' };

/** Whether any row has a response rate (inbound data); otherwise its column is left out. */
const hasResponseRate = (series: TrendSeries): boolean =>
  series.rows.some((r) => (r.values['metrics.responseRate.value'] ?? null) !== null);

/** The value metrics shown: all but the response rate when no report has one. */
function shownMetrics(series: TrendSeries): TrackedMetric[] {
  const withRate = hasResponseRate(series);
  return VALUE_METRICS.filter((m) => withRate || m.path !== 'metrics.responseRate.value');
}

const valueOf = (row: TrendRow, metric: TrackedMetric): number | null =>
  metric.path === SCORE_METRIC.path ? row.score : (row.values[metric.path] ?? null);

/** Columns visible: left out in this order when the table is wider than the line. */
const DROP_ORDER = ['Verdict', 'p90', 'Conv.', 'Promo'];

function tableWidth(columns: readonly Column[]): number {
  return columns.reduce((sum, col) => sum + Math.max(visibleWidth(col.head), ...col.plain.map(visibleWidth)) + 3, 1);
}

function trendTable(series: TrendSeries, c: ChalkInstance, width: number, ascii: boolean): { table: string; shown: string[] } {
  const none = ascii ? '-' : '–';
  const rows = series.rows;
  const columns: Column[] = [
    { head: 'Month', align: 'left', cells: rows.map((r) => r.label), plain: rows.map((r) => r.label) },
    {
      head: 'Score',
      align: 'right',
      cells: rows.map((r) => formatValue('points', r.score, 'short', none)),
      plain: rows.map((r) => formatValue('points', r.score, 'short', none)),
    },
    {
      head: 'Verdict',
      align: 'left',
      cells: rows.map((r) => (r.verdict === 'BEING' ? c.green : r.verdict === 'DOING' ? c.red : c.dim)(VERDICT_CELL[r.verdict])),
      plain: rows.map((r) => VERDICT_CELL[r.verdict]),
    },
    ...shownMetrics(series).map((m): Column => {
      const texts = rows.map((r) => formatValue(m.unit, valueOf(r, m), 'short', none));
      return { head: m.short, align: 'right', cells: texts, plain: texts };
    }),
  ];
  let visible = columns;
  for (const head of DROP_ORDER) {
    if (tableWidth(visible) <= width) break;
    visible = visible.filter((col) => col.head !== head);
  }
  const table = new Table({
    head: visible.map((col) => c.bold(col.head)),
    colAligns: visible.map((col) => col.align),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    ...(ascii ? { chars: ASCII_TABLE_CHARS } : {}),
  });
  rows.forEach((_row, i) => table.push(visible.map((col) => col.cells[i] ?? '')));
  return { table: table.toString(), shown: visible.map((col) => col.head) };
}

/** Join `parts` with `sep` on lines of at most `width` columns, breaking only between parts. */
function joinParts(parts: readonly string[], width: number, sep: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line === '') line = part;
    else if (visibleWidth(`${line}${sep}${part}`) <= width) line += `${sep}${part}`;
    else {
      lines.push(line);
      line = part;
    }
  }
  if (line !== '') lines.push(line);
  return lines.flatMap((l) => wrapText(l, width));
}

/** Label column of the sparkline block. */
const SPARK_LABEL_WIDTH = 18;
/** Room kept beside a sparkline for `first → last` and the change. */
const SPARK_TEXT_ROOM = 34;

/**
 * One line per value: label, sparkline (oldest to newest), `first → last` and the change between
 * them, coloured better/worse. When there are more rows than fit, the sparklines show the newest.
 */
function sparkBlock(series: TrendSeries, c: ChalkInstance, width: number, ascii: boolean): string[] {
  const g = glyphsFor(ascii);
  const metrics: TrackedMetric[] = [SCORE_METRIC, ...shownMetrics(series)];
  const room = Math.max(8, width - 2 - SPARK_LABEL_WIDTH - 2 - SPARK_TEXT_ROOM);
  const rows = series.rows.length > room ? series.rows.slice(-room) : series.rows;
  const lines: string[] = [];
  if (rows.length < series.rows.length) lines.push(c.dim(`Sparklines: the newest ${rows.length} of ${series.rows.length} rows.`));
  const firstRow = series.rows[0];
  const lastRow = series.rows.at(-1);
  const entries = metrics.map((m) => {
    const first = firstRow === undefined ? null : valueOf(firstRow, m);
    const last = lastRow === undefined ? null : valueOf(lastRow, m);
    const direction = directionOf(m, first, last);
    const d = delta(first, last);
    return {
      label: m.label,
      spark: sparkline(rows.map((r) => valueOf(r, m)), ascii),
      span: `${formatValue(m.unit, first, 'short', g.none)} ${g.to} ${formatValue(m.unit, last, 'short', g.none)}`,
      change: changeText(g, m.unit, d, direction, 'short'),
      direction,
    };
  });
  const spanWidth = Math.max(...entries.map((e) => visibleWidth(e.span)));
  const pad = (text: string, w: number): string => text + ' '.repeat(Math.max(0, w - visibleWidth(text)));
  for (const e of entries) {
    const paint = paintOf(c, e.direction);
    const head = `  ${pad(e.label, SPARK_LABEL_WIDTH)}  `;
    const plain = `${head}${e.spark}  ${pad(e.span, spanWidth)}  ${e.change}`.trimEnd();
    if (visibleWidth(plain) > width) lines.push(truncateToWidth(plain, width));
    else lines.push(`${head}${c.cyan(e.spark)}  ${e.change === '' ? e.span : `${pad(e.span, spanWidth)}  ${paint(e.change)}`}`);
  }
  return lines;
}

/**
 * The trend for a terminal: a heading (account, number of reports, first and last label), a
 * month-by-month table (one row per report; at narrow widths Verdict, then p90, Conv. and Promo
 * are left out), a legend of the abbreviated headings, and a sparkline per value with its first
 * and last value and the change between them. Ends with a newline.
 */
export function renderTrendTerminal(series: TrendSeries, opts: TrendTerminalOptions): string {
  const c = opts.color;
  const width = layoutWidth(opts.width, MIN_WIDTH);
  const ascii = opts.ascii === true;
  const g = glyphsFor(ascii);
  const first = series.rows[0];
  const last = series.rows.at(-1);
  const account = accountText(series.account);
  const span = first !== undefined && last !== undefined ? (first === last ? first.label : `${first.label} ${g.to} ${last.label}`) : '';
  const count = `${series.rows.length} ${series.rows.length === 1 ? 'report' : 'reports'}`;
  const lines = joinParts([`Trend: ${account}`, count, span].filter((p) => p !== ''), width, g.sep).map((l) => c.bold(l));
  if (series.dropped > 0) {
    lines.push(
      ...wrapText(
        `${series.dropped} older ${series.dropped === 1 ? 'report' : 'reports'} of a window already shown left out.`,
        width,
      ).map((l) => c.dim(l)),
    );
  }
  const { table, shown } = trendTable(series, c, width, ascii);
  lines.push(...table.split('\n'));
  const legend = shown.filter((h) => LEGEND[h] !== undefined).map((h) => `${h}: ${LEGEND[h]}`);
  if (legend.length > 0) lines.push(...joinParts(legend, width, g.sep).map((l) => c.dim(l)));
  lines.push('', ...sparkBlock(series, c, width, ascii));
  return `${lines.join('\n')}\n`;
}

/**
 * The trend as GitHub-flavoured Markdown: a heading, a table with one row per report (full
 * durations) and a last row of sparklines. Ends with a newline.
 */
export function renderTrendMarkdown(series: TrendSeries): string {
  const metrics = shownMetrics(series);
  const account = accountMarkdown(series.account);
  const first = series.rows[0];
  const last = series.rows.at(-1);
  const lines = [`## social-audit trend: ${account}`, ''];
  if (first !== undefined && last !== undefined) {
    const count = `${series.rows.length} ${series.rows.length === 1 ? 'report' : 'reports'}`;
    lines.push(`${count}, ${first === last ? first.label : `${first.label} to ${last.label}`}.`, '');
  }
  if (series.dropped > 0) lines.push(`${series.dropped} older report(s) of a window already shown left out.`, '');
  lines.push(
    `| Month | Score | Verdict | ${metrics.map((m) => m.label).join(' | ')} |`,
    `| --- | ---: | --- | ${metrics.map(() => '---:').join(' | ')} |`,
  );
  for (const row of series.rows) {
    const cells = metrics.map((m) => formatValue(m.unit, valueOf(row, m), 'long', '–'));
    lines.push(`| ${row.label} | ${formatValue('points', row.score, 'long', '–')} | ${VERDICT_CELL[row.verdict]} | ${cells.join(' | ')} |`);
  }
  const sparks = metrics.map((m) => sparkline(series.rows.map((r) => valueOf(r, m))));
  lines.push(`| **Trend** | ${sparkline(series.rows.map((r) => r.score))} | | ${sparks.join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
