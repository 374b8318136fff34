import type { ChalkInstance } from 'chalk';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { Report } from '../schema/report.js';
import {
  SCORE_METRIC,
  TRACKED_METRICS,
  accountText,
  changeText,
  delta,
  directionOf,
  formatValue,
  glyphsFor,
  layoutWidth,
  paintOf,
  sameAccount,
  windowSpan,
  type Direction,
  type Glyphs,
  type TrackedMetric,
} from './tracked-metrics.js';
import { visibleWidth, wrapText } from './width.js';

/*
 * `--compare <previous.json>` (issue #2): each followed value's change since an earlier report
 * of the same account. The JSON report carries it as `comparison`, whose paths mirror the
 * report's own (`comparison.metrics.responseLatency.medianSeconds.delta`), so a CI assertion can
 * read `comparison.score.delta` like any other path.
 *
 * This file imports only types from ../schema/report.ts, which imports ComparisonSchema from here.
 */

const Instant = z.iso.datetime({ offset: true }).describe('ISO 8601 instant');
const Verdict = z.enum(['BEING', 'DOING', 'NO_ACTIVITY']);

/** One value then and now. */
export const ChangeSchema = z.object({
  previous: z.number().nullable().describe('the value in the previous report (null: it had none)'),
  current: z.number().nullable().describe('the value in this report (null: it has none)'),
  /** current - previous, in the value's own unit (ratio, seconds, score points). */
  delta: z.number().nullable().describe('current - previous in the value’s unit; null when either is null'),
  /**
   * better / worse as judged for this value (latency and self-promotion: lower is better);
   * `same` when the change is below what a reader is shown (0.5 points, 0.05 percentage point,
   * 0.5 s); `n/a` when either side is null.
   */
  direction: z.enum(['better', 'worse', 'same', 'n/a']),
});
export type Change = z.infer<typeof ChangeSchema>;

/** `comparison` in the JSON report (issue #2): the report it was compared with and every change. */
export const ComparisonSchema = z
  .object({
    previous: z.object({
      generatedAt: Instant,
      window: z.object({ since: Instant, until: Instant, timeZone: z.string() }),
      /** The previous report's schemaVersion as written in its file. */
      schemaVersion: z.string(),
    }),
    /** `score.value`, 0-100. */
    score: ChangeSchema,
    verdict: z.object({ previous: Verdict, current: Verdict }),
    /** True when the two reports were scored with different curves, weights or threshold. */
    scoringChanged: z.boolean(),
    metrics: z.object({
      replyRatio: z.object({ value: ChangeSchema }),
      responseLatency: z.object({ medianSeconds: ChangeSchema, p90Seconds: ChangeSchema }),
      mix: z.object({ conversationShare: ChangeSchema }),
      selfPromotion: z.object({ share: ChangeSchema }),
      /** Null when neither report measured a response rate (both `outbound-only`). */
      responseRate: z.object({ value: ChangeSchema }).nullable(),
    }),
  })
  .describe('Changes since an earlier report of the same account (--compare)');
export type Comparison = z.infer<typeof ComparisonSchema>;

function change(metric: Pick<TrackedMetric, 'unit' | 'better' | 'read'>, current: Report, previous: Report): Change {
  const before = metric.read(previous);
  const now = metric.read(current);
  return { previous: before, current: now, delta: delta(before, now), direction: directionOf(metric, before, now) };
}

/** Key order does not matter to the scoring model; compare canonical JSON. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const [replyRatio, latencyMedian, latencyP90, conversation, selfPromotion, responseRate] = TRACKED_METRICS;

/**
 * Each followed value's change from `previous` to `current`.
 *
 * @param previousSchemaVersion the schemaVersion written in the previous report's file (default:
 *   the one the report object carries; `readReportFile` gives the original).
 * @throws UsageError when the reports are of different accounts (see `sameAccount`).
 */
export function compareReports(current: Report, previous: Report, previousSchemaVersion?: string): Comparison {
  if (!sameAccount(current, previous)) {
    throw new UsageError(
      `--compare: the previous report is of ${accountText(previous.account)}, ` +
        `this one of ${accountText(current.account)}; compare reports of the same account`,
    );
  }
  const rate =
    current.metrics.responseRate === null && previous.metrics.responseRate === null
      ? null
      : { value: change(responseRate, current, previous) };
  return {
    previous: {
      generatedAt: previous.generatedAt,
      window: { ...previous.window },
      schemaVersion: previousSchemaVersion ?? previous.schemaVersion,
    },
    score: change(SCORE_METRIC, current, previous),
    verdict: { previous: previous.score.verdict, current: current.score.verdict },
    scoringChanged: canonical(current.scoring) !== canonical(previous.scoring),
    metrics: {
      replyRatio: { value: change(replyRatio, current, previous) },
      responseLatency: {
        medianSeconds: change(latencyMedian, current, previous),
        p90Seconds: change(latencyP90, current, previous),
      },
      mix: { conversationShare: change(conversation, current, previous) },
      selfPromotion: { share: change(selfPromotion, current, previous) },
      responseRate: rate,
    },
  };
}

/** The comparison's changes in display order, each with its metric; response rate only when compared. */
export function comparisonRows(comparison: Comparison): Array<{ metric: TrackedMetric; change: Change }> {
  const m = comparison.metrics;
  return [
    { metric: SCORE_METRIC, change: comparison.score },
    { metric: replyRatio, change: m.replyRatio.value },
    { metric: latencyMedian, change: m.responseLatency.medianSeconds },
    { metric: latencyP90, change: m.responseLatency.p90Seconds },
    { metric: conversation, change: m.mix.conversationShare },
    { metric: selfPromotion, change: m.selfPromotion.share },
    ...(m.responseRate !== null ? [{ metric: responseRate, change: m.responseRate.value }] : []),
  ];
}

/** Options of {@link renderComparisonTerminal}. */
export interface ComparisonTerminalOptions {
  /** The colour instance (`new Chalk({ level })`); level 0 gives no escape codes at all. */
  color: ChalkInstance;
  /** Maximum visible columns of every line (default 80; below 40 laid out at 40). */
  width?: number;
  /** Draw `+`, `-`, `=` and `->` instead of `↑`, `↓`, `→` (terminals without UTF-8). */
  ascii?: boolean;
}

const MIN_WIDTH = 40;
const INDENT = '  ';

const VERDICT_TEXT: Record<Comparison['verdict']['current'], string> = {
  BEING: 'BEING',
  DOING: 'DOING',
  NO_ACTIVITY: 'no activity',
};

/** Word-wrap a plain line to `width`, later lines indented by `indent`. */
function wrapHanging(text: string, width: number, indent: string): string[] {
  const [first = '', ...rest] = wrapText(text, width);
  if (rest.length === 0) return [first];
  return [first, ...wrapText(rest.join(' '), width - indent.length).map((l) => indent + l)];
}

/** The heading: which report the values are compared with. */
function heading(comparison: Comparison, to: string): string {
  const prev = comparison.previous;
  const generated = new Date(prev.generatedAt).toISOString().slice(0, 10);
  return `Compared with the report for ${windowSpan(prev.window, to)} (generated ${generated} UTC)`;
}

/** Display rows: the score, the verdict, then each value. */
interface Line {
  label: string;
  previous: string;
  current: string;
  change: string;
  word: string;
  direction: Direction;
}

function displayRows(comparison: Comparison, g: Glyphs, none: string): Line[] {
  const rows = comparisonRows(comparison).map(({ metric, change: ch }) => ({
    label: metric.label,
    previous: formatValue(metric.unit, ch.previous, 'long', none),
    current: formatValue(metric.unit, ch.current, 'long', none),
    change: changeText(g, metric.unit, ch.delta, ch.direction, 'long'),
    word: ch.direction,
    direction: ch.direction,
  }));
  const { verdict } = comparison;
  const verdictRow: Line = {
    label: 'Verdict',
    previous: VERDICT_TEXT[verdict.previous],
    current: VERDICT_TEXT[verdict.current],
    change: '',
    word: '',
    direction: 'n/a',
  };
  return [...rows.slice(0, 1), verdictRow, ...rows.slice(1)];
}

/**
 * The comparison as terminal lines: a heading naming the earlier report, then one line per
 * value: label, `previous → current`, the arrow and size of the change, and `better`, `worse`,
 * `same` or `n/a`. The arrow says which way the value moved; colour and the word say whether that
 * is good (latency and self-promotion: lower is better), so the meaning survives without colour.
 * When a line would pass `width`, the label goes on a line of its own. Ends with a newline.
 */
export function renderComparisonTerminal(comparison: Comparison, opts: ComparisonTerminalOptions): string {
  const c = opts.color;
  const width = layoutWidth(opts.width, MIN_WIDTH);
  const g = glyphsFor(opts.ascii);
  const lines = wrapHanging(heading(comparison, g.to), width, INDENT).map((l) => c.bold(l));
  const rows = displayRows(comparison, g, g.none).map((r) => ({ ...r, values: `${r.previous} ${g.to} ${r.current}` }));
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const valuesWidth = Math.max(...rows.map((r) => visibleWidth(r.values)));
  const changeWidth = Math.max(...rows.map((r) => visibleWidth(r.change)));
  const pad = (text: string, w: number): string => text + ' '.repeat(Math.max(0, w - visibleWidth(text)));
  const wide = 2 + labelWidth + 2 + valuesWidth + 2 + changeWidth + 2 + 'better'.length <= width;

  for (const r of rows) {
    const paint = paintOf(c, r.direction);
    if (wide) {
      const judged = r.word === '' ? '' : `  ${paint(pad(r.change, changeWidth))}  ${paint(r.word)}`;
      lines.push(`${INDENT}${pad(r.label, labelWidth)}  ${r.word === '' ? r.values : pad(r.values, valuesWidth)}${judged}`);
      continue;
    }
    lines.push(`${INDENT}${r.label}`);
    const plain = [r.values, r.change, r.word].filter((p) => p !== '').join('  ');
    if (visibleWidth(INDENT + INDENT + plain) <= width) {
      const painted = [r.values, r.change === '' ? '' : paint(r.change), r.word === '' ? '' : paint(r.word)];
      lines.push(INDENT + INDENT + painted.filter((p) => p !== '').join('  '));
    } else {
      lines.push(...wrapHanging(r.values, width - 4, INDENT).map((l) => INDENT + INDENT + l));
      const judgement = [r.change, r.word].filter((p) => p !== '').join('  ');
      if (judgement !== '') lines.push(INDENT + INDENT + paint(judgement));
    }
  }
  if (comparison.scoringChanged) {
    const note = 'The two reports were scored with different models: part of the score’s change may come from that.';
    lines.push(...wrapText(note, width - 2).map((l) => INDENT + c.yellow(l)));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The comparison as GitHub-flavoured Markdown: a heading, the earlier report's window and date,
 * and a table of each value then and now, the change and whether it is better. Ends with a newline.
 */
export function renderComparisonMarkdown(comparison: Comparison): string {
  const g = glyphsFor(false);
  const lines = [
    '### Change since the previous report',
    '',
    `${heading(comparison, g.to)}.`,
    '',
    '| | Previous | Current | Change | |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of displayRows(comparison, g, '–')) {
    const word = r.direction === 'better' || r.direction === 'worse' ? `**${r.word}**` : r.word;
    lines.push(`| ${r.label} | ${r.previous} | ${r.current} | ${r.change} | ${word} |`);
  }
  if (comparison.scoringChanged) {
    lines.push('', '_The two reports were scored with different models: part of the score’s change may come from that._');
  }
  return `${lines.join('\n')}\n`;
}
