import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { renderAssertionsMarkdown, type AssertionOutcome } from '../assertions.js';
import { MultiReportSchema, SCHEMA_VERSION, type FailedAccount, type MultiReport, type Report } from '../schema/report.js';
import { escapeMarkdown, sanitizeForTerminal } from './sanitize.js';
import {
  SCORE_METRIC,
  TRACKED_METRICS,
  accountMarkdown,
  accountText,
  changeText,
  formatValue,
  glyphsFor,
  layoutWidth,
  paintOf,
  windowDates,
  type TrackedMetric,
} from './tracked-metrics.js';
import { truncateToWidth, visibleWidth, wrapText } from './width.js';

/*
 * A run over several accounts (`social-audit @A @B @C`, or the config's `accounts`): one row per
 * account (account, score, verdict, each followed value), in the order the accounts were named,
 * as a terminal table, Markdown or the JSON `{ schemaVersion, tool, generatedAt, reports: [...] }`
 * (MultiReportSchema). An account that could not be audited keeps its row, with its error.
 */

/** One account of a many-account run: its report and assertions, or its failure. */
export type MultiEntry =
  | { named: string; report: Report; assertions: AssertionOutcome; error?: undefined }
  | { named: string; report?: undefined; assertions?: undefined; error: FailedAccount['error'] };

/** The JSON document of a many-account run. */
export function multiReport(entries: readonly MultiEntry[], opts: { generatedAt: string; toolVersion: string }): MultiReport {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'social-audit', version: opts.toolVersion },
    generatedAt: opts.generatedAt,
    reports: entries.map((e) => (e.report !== undefined ? e.report : { account: e.named, error: e.error })),
  };
}

/** The many-account JSON, validated against MultiReportSchema, two-space indented, ending with a newline. */
export function renderMultiJson(doc: MultiReport): string {
  return `${JSON.stringify(MultiReportSchema.parse(doc), null, 2)}\n`;
}

const VERDICT_CELL: Record<Report['score']['verdict'], string> = { BEING: 'BEING', DOING: 'DOING', NO_ACTIVITY: 'none' };

const reportsOf = (entries: readonly MultiEntry[]): Report[] =>
  entries.flatMap((e) => (e.report !== undefined ? [e.report] : []));

/** The followed values shown: the response rate only when some account has one. */
function shownMetrics(entries: readonly MultiEntry[]): TrackedMetric[] {
  const withRate = reportsOf(entries).some((r) => r.metrics.responseRate?.value != null);
  return TRACKED_METRICS.filter((m) => withRate || m.path !== 'metrics.responseRate.value');
}

const hasComparison = (entries: readonly MultiEntry[]): boolean => reportsOf(entries).some((r) => r.comparison != null);
const hasAssertions = (entries: readonly MultiEntry[]): boolean =>
  entries.some((e) => e.assertions !== undefined && e.assertions.results.length > 0);

/** `2 failed`, `1 warning`, `ok` for an account's assertions. */
function checksText(outcome: AssertionOutcome | undefined): string {
  if (outcome === undefined || outcome.results.length === 0) return '';
  const parts = [
    ...(outcome.errorsFailed > 0 ? [`${outcome.errorsFailed} failed`] : []),
    ...(outcome.warningsFailed > 0 ? [`${outcome.warningsFailed} warn`] : []),
  ];
  return parts.length === 0 ? 'ok' : parts.join(', ');
}

/** The window(s) of the reports: one line when they agree, else each distinct one. */
function windowsText(entries: readonly MultiEntry[], to: string): string | null {
  const spans = [...new Set(reportsOf(entries).map((r) => windowDates(r.window, to)))];
  if (spans.length === 0) return null;
  return spans.length === 1 ? `Window: ${spans[0]}` : `Windows: ${spans.join('; ')}`;
}

interface Column {
  head: string;
  align: 'left' | 'right';
  /** Cell text per entry (coloured), and its plain text for measuring; null for a failed row's spanned cells. */
  cells: Array<string | null>;
  plain: Array<string | null>;
}

/** What each abbreviated column heading stands for. */
const LEGEND: Record<string, string> = {
  Reply: 'reply ratio',
  Median: 'response latency median',
  p90: 'response latency p90',
  'Conv.': 'conversation share',
  Promo: 'self-promotion share',
  'Resp.': 'response rate',
  Change: 'score since --compare',
  Checks: 'config assertions',
};

/**
 * Columns left out, in this order, while the table is wider than the line (after long account
 * names are shortened): the secondary figures first; Account, Score and Verdict always stay.
 * Checks goes early: the failed assertions are listed under the table anyway.
 */
const DROP_ORDER = ['p90', 'Checks', 'Resp.', 'Promo', 'Conv.', 'Change', 'Median', 'Reply'];

/** Account names longer than this are shortened (with `…`) when the table is too wide. */
const ACCOUNT_MIN = 24;

function columnWidth(col: Column): number {
  return Math.max(visibleWidth(col.head), ...col.plain.map((p) => (p === null ? 0 : visibleWidth(p))));
}

function tableWidth(columns: readonly Column[]): number {
  return columns.reduce((sum, col) => sum + columnWidth(col) + 3, 1);
}

function columns(entries: readonly MultiEntry[], c: ChalkInstance, none: string): Column[] {
  const g = glyphsFor(false);
  const col = (head: string, align: Column['align'], cell: (r: Report, e: MultiEntry) => [string, string]): Column => {
    const pairs = entries.map((e) => (e.report === undefined ? null : cell(e.report, e)));
    return { head, align, cells: pairs.map((p) => p?.[0] ?? null), plain: pairs.map((p) => p?.[1] ?? null) };
  };
  const plainCell = (text: string): [string, string] => [text, text];
  const list: Column[] = [
    {
      head: 'Account',
      align: 'left',
      cells: entries.map((e) => (e.report !== undefined ? accountText(e.report.account) : sanitizeForTerminal(e.named))),
      plain: entries.map((e) => (e.report !== undefined ? accountText(e.report.account) : sanitizeForTerminal(e.named))),
    },
    col('Score', 'right', (r) => plainCell(formatValue('points', r.score.value, 'short', none))),
    col('Verdict', 'left', (r) => {
      const text = VERDICT_CELL[r.score.verdict];
      const paint = r.score.verdict === 'BEING' ? c.green : r.score.verdict === 'DOING' ? c.red : c.dim;
      return [paint(text), text];
    }),
    ...shownMetrics(entries).map((m) => col(m.short, 'right', (r) => plainCell(formatValue(m.unit, m.read(r), 'short', none)))),
  ];
  if (hasComparison(entries)) {
    list.push(
      col('Change', 'right', (r) => {
        const ch = r.comparison?.score;
        if (ch == null) return plainCell(none);
        const text = changeText(g, SCORE_METRIC.unit, ch.delta, ch.direction, 'short') || none;
        return [paintOf(c, ch.direction)(text), text];
      }),
    );
  }
  if (hasAssertions(entries)) {
    list.push(
      col('Checks', 'left', (_r, e) => {
        const text = checksText(e.assertions);
        const paint = (e.assertions?.errorsFailed ?? 0) > 0 ? c.red : (e.assertions?.warningsFailed ?? 0) > 0 ? c.yellow : c.green;
        return [text === '' ? '' : paint(text), text];
      }),
    );
  }
  return list;
}

/**
 * The accounts as one terminal table: a heading, the window, a row per account (at narrow widths
 * Checks, Change, p90, Resp., Verdict, Conv. and Promo are left out in that order), a legend of the
 * abbreviated headings, and the failed assertions. A failed account's row spans its error message.
 * Ends with a newline.
 */
export function renderMultiTerminal(entries: readonly MultiEntry[], opts: { color: ChalkInstance; width?: number }): string {
  const c = opts.color;
  const width = layoutWidth(opts.width, 60);
  const none = '–';
  const failed = entries.filter((e) => e.error !== undefined).length;
  const heading = `social-audit: ${entries.length} accounts${failed > 0 ? `, ${failed} failed` : ''}`;
  const lines = [c.bold(heading)];
  const windows = windowsText(entries, '→');
  if (windows !== null) lines.push(...wrapText(windows, width));

  const all = columns(entries, c, none);
  let visible = all;
  if (tableWidth(visible) > width) {
    const [account, ...rest] = visible;
    if (account !== undefined) {
      const shorten = (t: string | null): string | null => (t === null ? null : truncateToWidth(t, ACCOUNT_MIN));
      visible = [{ ...account, cells: account.plain.map(shorten), plain: account.plain.map(shorten) }, ...rest];
    }
  }
  for (const head of DROP_ORDER) {
    if (tableWidth(visible) <= width) break;
    visible = visible.filter((col) => col.head !== head);
  }
  const spanned = visible.slice(1).reduce((sum, col) => sum + columnWidth(col) + 3, -3);
  const table = new Table({
    head: visible.map((col) => c.bold(col.head)),
    colAligns: visible.map((col) => col.align),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
  });
  entries.forEach((e, i) => {
    if (e.error !== undefined) {
      const text = `failed (exit ${e.error.exitCode}): ${sanitizeForTerminal(e.error.message)}`;
      const room = Math.max(20, Math.min(spanned, width - 7 - columnWidth(visible[0] as Column)));
      const wrapped = wrapText(text, room).map((l) => c.red(l)).join('\n');
      table.push([visible[0]?.cells[i] ?? '', { colSpan: Math.max(1, visible.length - 1), content: wrapped, hAlign: 'left' }]);
    } else {
      table.push(visible.map((col) => col.cells[i] ?? ''));
    }
  });
  lines.push(...table.toString().split('\n'));
  const legend = visible.map((col) => col.head).filter((h) => LEGEND[h] !== undefined).map((h) => `${h}: ${LEGEND[h]}`);
  if (legend.length > 0) lines.push(...wrapText(legend.join(' · '), width).map((l) => c.dim(l)));
  const left = all
    .map((col) => col.head)
    .filter((h) => !visible.some((col) => col.head === h));
  if (left.length > 0) lines.push(...wrapText(`Left out at this width: ${left.join(', ')} (--json has every figure).`, width).map((l) => c.dim(l)));

  const failures = entries.flatMap((e) =>
    (e.assertions?.results ?? [])
      .filter((r) => !r.passed)
      .map((r) => ({ account: e.report === undefined ? e.named : accountText(e.report.account), r })),
  );
  if (failures.length > 0) {
    lines.push('', c.bold('Assertions not met:'));
    for (const { account, r } of failures) {
      const [word, paint] = r.level === 'error' ? ['FAIL', c.red] : ['warn', c.yellow];
      wrapText(`${account}: ${sanitizeForTerminal(r.message)}`, width - 7).forEach((l, i) =>
        lines.push(i === 0 ? `  ${paint(word)} ${l}` : `       ${l}`),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const mdCell = (text: string): string => escapeMarkdown(text).replace(/@/g, '&#64;');

/**
 * The accounts as GitHub-flavoured Markdown: a heading, the window, a table with a row per account
 * (a failed account's Verdict cell holds its error), and each account's assertions. Ends with a
 * newline.
 */
export function renderMultiMarkdown(entries: readonly MultiEntry[], opts: { toolVersion?: string } = {}): string {
  const metrics = shownMetrics(entries);
  const withChange = hasComparison(entries);
  const withChecks = hasAssertions(entries);
  const none = '–';
  const g = glyphsFor(false);
  const lines = [`## social-audit: ${entries.length} accounts`, ''];
  // Dates and a time-zone name the runtime knows (knownZone): nothing to escape.
  const windows = windowsText(entries, 'to');
  if (windows !== null) lines.push(`${windows}.`, '');
  const heads = ['Account', 'Score', 'Verdict', ...metrics.map((m) => m.label), ...(withChange ? ['Change'] : []), ...(withChecks ? ['Assertions'] : [])];
  const aligns = ['---', '---:', '---', ...metrics.map(() => '---:'), ...(withChange ? ['---:'] : []), ...(withChecks ? ['---'] : [])];
  lines.push(`| ${heads.join(' | ')} |`, `| ${aligns.join(' | ')} |`);
  for (const e of entries) {
    if (e.error !== undefined) {
      const blanks = heads.length - 3;
      const message = `**failed** (exit ${e.error.exitCode}): ${mdCell(e.error.message)}`;
      lines.push(`| ${mdCell(e.named)} | ${none} | ${message} |${' – |'.repeat(blanks)}`);
      continue;
    }
    const r = e.report;
    const cells = [
      accountMarkdown(r.account),
      formatValue('points', r.score.value, 'long', none),
      VERDICT_CELL[r.score.verdict],
      ...metrics.map((m) => formatValue(m.unit, m.read(r), 'long', none)),
    ];
    if (withChange) {
      const ch = r.comparison?.score;
      cells.push(ch == null ? none : changeText(g, SCORE_METRIC.unit, ch.delta, ch.direction, 'long') || none);
    }
    if (withChecks) cells.push(checksText(e.assertions) || none);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (withChecks) {
    for (const e of entries) {
      if (e.report === undefined || e.assertions.results.length === 0) continue;
      const section = renderAssertionsMarkdown(e.assertions.results).replace(/^### Assertions\n\n/, '');
      lines.push('', `### Assertions: ${accountMarkdown(e.report.account)}`, '', section.trimEnd());
    }
  }
  const version = opts.toolVersion === undefined ? '' : ` ${mdCell(opts.toolVersion)}`;
  lines.push('', `<sub>social-audit${version}, report schema ${SCHEMA_VERSION}</sub>`, '');
  return lines.join('\n');
}
