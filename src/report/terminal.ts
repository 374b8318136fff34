import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Evidence, Report } from '../schema/report.js';
import { METRIC_IDS, type MetricId } from '../scoring/model.js';
import { formatDuration, formatPercent } from '../format.js';
import {
  WEEKDAYS,
  cannedRepliesPhrase,
  gridMax,
  outOfHoursPhrase,
  peopleEngagedPhrase,
  responseRateGap,
  responseRatePhrases,
  type HourOfWeek,
} from './listening.js';
import { sanitizeForTerminal } from './sanitize.js';
import { truncateToWidth, visibleWidth, wrapText } from './width.js';

/** Options of {@link renderTerminal}. */
export interface TerminalOptions {
  /**
   * The colour instance to paint with (`new Chalk({ level })`); level 0 gives output with no
   * escape codes at all. Never the global chalk: the caller decides from the stream it writes to.
   */
  color: ChalkInstance;
  /** Maximum visible columns of every line (default 80; widths below 60 are laid out at 60). */
  width?: number;
}

/** Default line width: the classic terminal. */
export const DEFAULT_TERMINAL_WIDTH = 80;
/** Narrowest layout the scorecard supports. */
export const MIN_TERMINAL_WIDTH = 60;

/** Recommendations shown, and evidence items per recommendation (metrics.md §5 allows 5). */
const MAX_RECOMMENDATIONS = 3;
const MAX_EVIDENCE = 3;
/** Display names are free text: cut to this many columns. */
const MAX_NAME_WIDTH = 40;
/** Label column of the header fields ("Account  "). */
const LABEL_WIDTH = 9;

const METRIC_LABELS: Record<MetricId, string> = {
  replyRatio: 'Reply ratio',
  responseLatency: 'Response latency',
  mix: 'Conversation mix',
  selfPromotion: 'Self-promotion',
  responseRate: 'Response rate',
};

const PLATFORM_NAMES: Record<Report['account']['platform'], string> = {
  x: 'X',
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
};

type Tone = 'green' | 'yellow' | 'red';

/**
 * Traffic-light colour of a metric score in [0, 1], with Lighthouse's bands (90-100 pass,
 * 50-89 average, 0-49 fail):
 * https://developer.chrome.com/docs/lighthouse/performance/performance-scoring#color-coding
 */
function tone(score: number): Tone {
  if (score >= 0.9) return 'green';
  if (score >= 0.5) return 'yellow';
  return 'red';
}

/** Untrusted report text made safe for the terminal. */
const safe = (text: string): string => sanitizeForTerminal(text);

const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatPoints(points: number): string {
  return Number.isInteger(points) ? String(points) : points.toFixed(1);
}

/** `timeZone` when the runtime knows it, else `UTC`. */
function knownZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

/** An ISO instant as `YYYY-MM-DD HH:mm` in `timeZone`, which must be a known zone. */
function formatInstant(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return safe(iso);
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    format.formatToParts(date).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** `label` in a fixed column, `parts` joined with ` · ` beside it, wrapped with a hanging indent. */
function field(c: ChalkInstance, label: string, parts: readonly string[], width: number): string[] {
  return joinParts(parts, width - LABEL_WIDTH).map(
    (line, i) => (i === 0 ? c.bold(label.padEnd(LABEL_WIDTH)) : ' '.repeat(LABEL_WIDTH)) + line,
  );
}

/** Word-wrap plain `text` to `width` with `indent` spaces before every line, painting each line. */
function paragraph(text: string, width: number, indent: number, paint: (s: string) => string = (s) => s): string[] {
  return wrapText(text, width - indent).map((line) => ' '.repeat(indent) + paint(line));
}

/**
 * Lay `chunks` out on lines of at most `width` columns, separated by `sep`, breaking lines only
 * between chunks; a chunk wider than a line is word-wrapped on its own.
 */
function joinChunks(chunks: readonly string[], width: number, sep: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const chunk of chunks) {
    if (line === '') line = chunk;
    else if (visibleWidth(line + sep + chunk) <= width) line += sep + chunk;
    else {
      lines.push(line);
      line = chunk;
    }
  }
  if (line !== '') lines.push(line);
  return lines.flatMap((l) => wrapText(l, width));
}

/** Join `parts` with ` · `, breaking lines only between parts when a part fits on a line. */
function joinParts(parts: readonly string[], width: number): string[] {
  return joinChunks(parts, width, ' · ');
}

function accountName(report: Report): string {
  const { platform, handle, id, displayName } = report.account;
  const who = handle !== null ? `@${safe(handle).replace(/^@/, '')}` : id !== null ? `id ${safe(id)}` : 'unknown account';
  const shown = displayName !== null ? truncateToWidth(safe(displayName), MAX_NAME_WIDTH) : '';
  const name = shown !== '' ? ` (${shown})` : '';
  return `${PLATFORM_NAMES[platform]} ${who}${name}`;
}

function header(report: Report, c: ChalkInstance, width: number): string[] {
  const { source, window } = report;
  const title = `${safe(report.tool.name)} ${safe(report.tool.version)} · generated ${formatInstant(report.generatedAt, 'UTC')} UTC`;
  const read = [
    `${plural(source.itemsRead, 'item', 'items')} read`,
    ...(source.itemsSkipped > 0 ? [`${formatCount(source.itemsSkipped)} skipped`] : []),
    ...(source.duplicates > 0 ? [plural(source.duplicates, 'duplicate', 'duplicates')] : []),
  ].join(', ');
  const sourceParts = [
    `${source.kind} (${safe(source.format)})`,
    ...(source.path !== null ? [safe(source.path)] : []),
    source.complete ? 'complete' : c.bold.yellow('PARTIAL'),
    read,
  ];
  const zone = knownZone(window.timeZone);
  const span = `${formatInstant(window.since, zone)} → ${formatInstant(window.until, zone)}`;
  return [
    ...paragraph(title, width, 0, c.dim),
    ...field(c, 'Account', [accountName(report)], width),
    ...field(c, 'Source', sourceParts, width),
    ...(report.inbound !== null ? field(c, 'Inbound', inboundParts(report.inbound, c), width) : []),
    ...field(c, 'Window', [`${span} ${zone}`, plural(report.counts.items, 'item', 'items')], width),
  ];
}

/** The inbound sources (metrics.md §9): each source, items read, completeness, requests. */
function inboundParts(inbound: NonNullable<Report['inbound']>, c: ChalkInstance): string[] {
  return [
    ...inbound.sources.map((s) => `${s.kind} (${safe(s.format)})${s.path !== null ? ` ${safe(s.path)}` : ''}`),
    inbound.complete ? 'complete' : c.bold.yellow('PARTIAL'),
    `${plural(inbound.itemsRead, 'post', 'posts')} by others read` +
      (inbound.requests > 0 ? `, ${plural(inbound.requests, 'request', 'requests')}` : ''),
  ];
}

/**
 * Breakdown rows in METRIC_IDS order: weight, metric score and points as the score used them.
 * The points a metric can earn are `100 · weight / Σ weights of the scored metrics` (metrics.md
 * §4: a metric without a score counts for nothing), so an unscored row has no points. The
 * response-rate row is left out when it has no score ({@link responseRateGap} says why instead).
 */
function breakdownRows(report: Report) {
  const rows = METRIC_IDS.map((metric) => {
    const row = report.score.breakdown.find((b) => b.metric === metric);
    return {
      metric,
      weight: row?.weight ?? report.scoring.weights[metric],
      score: row !== undefined ? row.score : (report.metrics[metric]?.score ?? null),
      points: row !== undefined && row.score !== null ? row.points : null,
    };
  });
  const totalWeight = rows.reduce((sum, r) => (r.score === null ? sum : sum + r.weight), 0);
  return rows
    .filter((r) => r.metric !== 'responseRate' || r.score !== null)
    .map((r) => ({ ...r, maxPoints: totalWeight > 0 && r.score !== null ? (100 * r.weight) / totalWeight : 0 }));
}

function scoreBlock(report: Report, c: ChalkInstance, width: number): string[] {
  const { value, verdict } = report.score;
  if (verdict === 'NO_ACTIVITY') {
    const excluded = report.counts.excludedNonPublic;
    const why =
      'The window holds no public items by this account, so there is nothing to score' +
      (excluded > 0 ? ` (${plural(excluded, 'non-public item was', 'non-public items were')} left out).` : '.');
    return [`  ${c.bold.yellow('No activity in this window')}`, ...paragraph(why, width, 2)];
  }
  const threshold = report.scoring.threshold;
  const paint = verdict === 'BEING' ? c.bold.green : c.bold.red;
  const big = `${value ?? '–'}/100`;
  const verdictText = verdict === 'BEING' ? 'BEING social' : 'DOING social';
  const versus =
    verdict === 'BEING' ? `At or above the threshold of ${threshold}` : `Below the threshold of ${threshold}`;
  const weakest = breakdownRows(report)
    .filter((r): r is typeof r & { score: number } => r.score !== null && r.score < 1)
    .map((r) => ({ ...r, lost: r.maxPoints * (1 - r.score) }))
    .sort((a, b) => b.lost - a.lost)
    .slice(0, 2)
    .map((r) => `${METRIC_LABELS[r.metric].toLowerCase()} ${Math.round(r.score * 100)}/100`);
  const why =
    weakest.length > 0 ? `${versus}; weakest: ${weakest.join(', ')}.` : `${versus}; every metric scored full marks.`;
  return [`  ${paint(big)}  ${paint(verdictText)}`, ...paragraph(why, width, 2)];
}

/** What a metric measured, in words: phrases a line break may fall between, and their separator. */
interface Measured {
  chunks: string[];
  sep: string;
}

const words = (...chunks: string[]): Measured => ({ chunks, sep: ' ' });

/** What each metric measured, in words (no score). */
function measured(report: Report, metric: MetricId): Measured {
  const m = report.metrics;
  switch (metric) {
    case 'replyRatio': {
      const { value, numerator, denominator } = m.replyRatio;
      if (value === null || denominator === 0) return words('no own posts to measure');
      return words(
        `${formatPercent(value)} of ${plural(denominator, 'own post', 'own posts')}`,
        `(${plural(numerator, 'reply', 'replies')} to others)`,
      );
    }
    case 'responseLatency': {
      const { n, medianSeconds, p90Seconds, unknownTargetTime } = m.responseLatency;
      if (n === 0 || medianSeconds === null) {
        return unknownTargetTime > 0
          ? words('no reply with a known target time', `(${formatCount(unknownTargetTime)} unknown)`)
          : words('no replies to others');
      }
      const median = `median ${formatDuration(medianSeconds)}`;
      const full = report.scoring.latencyFullAt;
      const sample = n < full ? `(n = ${n}; counts ${n}/${full})` : `(n = ${n})`;
      const { medianBusinessSeconds, p90BusinessSeconds } = m.responseLatency;
      const business =
        medianBusinessSeconds === null
          ? []
          : p90BusinessSeconds !== null
            ? ['business clock:', `median ${formatDuration(medianBusinessSeconds)},`, `p90 ${formatDuration(p90BusinessSeconds)}`]
            : ['business clock:', `median ${formatDuration(medianBusinessSeconds)}`];
      const end = business.length > 0 ? `${sample};` : sample;
      return p90Seconds !== null
        ? words(`${median},`, `p90 ${formatDuration(p90Seconds)}`, end, ...business)
        : words(median, end, ...business);
    }
    case 'mix': {
      const { conversationShare, amplificationShare, broadcastShare } = m.mix;
      if (conversationShare === null || amplificationShare === null || broadcastShare === null) return words('no items');
      return {
        chunks: [
          `conversation ${formatPercent(conversationShare)}`,
          `amplification ${formatPercent(amplificationShare)}`,
          `broadcast ${formatPercent(broadcastShare)}`,
        ],
        sep: ' · ',
      };
    }
    case 'selfPromotion': {
      const { share, count } = m.selfPromotion;
      if (share === null) return words('no items');
      return words(`${formatPercent(share)} (${plural(count, 'post', 'posts')})`);
    }
    case 'responseRate': {
      const rate = m.responseRate;
      if (rate === null) return words('no inbound data');
      return { chunks: responseRatePhrases(rate), sep: ' · ' };
    }
  }
}

const BAR_CELLS = 10;

function scoreCell(c: ChalkInstance, score: number | null, withBar: boolean): string {
  if (score === null) return c.dim('n/a');
  const number = String(Math.round(score * 100)).padStart(3);
  if (!withBar) return c[tone(score)](number);
  const filled = Math.round(score * BAR_CELLS);
  return `${c[tone(score)]('█'.repeat(filled))}${c.dim('░'.repeat(BAR_CELLS - filled))} ${c[tone(score)](number)}`;
}

/** The score table, then (muted) why the response rate is not in it when it is not. */
function metricsTable(report: Report, c: ChalkInstance, width: number): string[] {
  const rows = breakdownRows(report);
  const withBar = width >= 72;
  const points = rows.map((r) =>
    r.points === null ? '–' : `${r.points.toFixed(1)}/${formatPoints(Math.round(r.maxPoints * 10) / 10)}`,
  );
  const total = `${report.score.value ?? '–'}/100`;
  const texts = rows.map((r) => measured(report, r.metric));
  const pad = 2;
  const metricCol = Math.max(...rows.map((r) => METRIC_LABELS[r.metric].length), 'Metric'.length) + pad;
  const scoreCol = (withBar ? BAR_CELLS + 4 : 'Score'.length) + pad;
  const pointsCol = Math.max(...points.map((p) => p.length), total.length, 'Points'.length) + pad;
  const borders = 5;
  const room = width - borders - metricCol - scoreCol - pointsCol;
  const longest = Math.max(...texts.map((t) => visibleWidth(t.chunks.join(t.sep))), 'Measured'.length);
  const measuredCol = Math.min(room, longest + pad);
  const table = new Table({
    head: ['Metric', 'Measured', 'Score', 'Points'].map((h) => c.bold(h)),
    colWidths: [metricCol, measuredCol, scoreCol, pointsCol],
    colAligns: ['left', 'left', 'left', 'right'],
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
  });
  rows.forEach((r, i) => {
    const t = texts[i] ?? words('');
    const text = joinChunks(t.chunks, measuredCol - pad, t.sep).join('\n');
    table.push([METRIC_LABELS[r.metric], text, scoreCell(c, r.score, withBar), points[i] ?? '–']);
  });
  table.push([c.bold('Total'), c.dim(`BEING social at ${report.scoring.threshold} or more`), '', c.bold(total)]);
  const gap = responseRateGap(report);
  return [...table.toString().split('\n'), ...(gap !== null ? paragraph(gap, width, 0, c.dim) : [])];
}

function countsBlock(report: Report, width: number): string[] {
  const k = report.counts;
  const ofOwn = (own: number): string => (own > 0 ? ` (${formatCount(own)} of own posts)` : '');
  const parts = [
    `${plural(k.items, 'item', 'items')}: ${plural(k.original, 'original', 'originals')}`,
    plural(k.replyToOther, 'reply to others', 'replies to others') +
      (k.replyTargetUnknown > 0 ? ` (${formatCount(k.replyTargetUnknown)} with unknown target)` : ''),
    plural(k.replyToSelf, 'self-thread reply', 'self-thread replies'),
    plural(k.quoteToOther + k.quoteToSelf, 'quote', 'quotes') + ofOwn(k.quoteToSelf),
    plural(k.repostToOther + k.repostToSelf, 'repost', 'reposts') + ofOwn(k.repostToSelf),
    `${formatCount(k.excludedNonPublic)} non-public excluded`,
  ];
  return joinParts(parts, width);
}

/**
 * The people the account answered and its canned replies (metrics.md §10), under the counts:
 * "Answered 30 people, 30% more than once · 12% of replies are canned (5 of 41, 2 templates)",
 * then the most repeated template, quoted and cut to the line.
 */
function listeningBlock(report: Report, c: ChalkInstance, width: number): string[] {
  const people = peopleEngagedPhrase(report);
  const canned = cannedRepliesPhrase(report);
  const parts = [people, canned].filter((p): p is string => p !== null);
  if (parts.length === 0) return [];
  const first = parts[0] ?? '';
  parts[0] = first.charAt(0).toUpperCase() + first.slice(1);
  const lines = joinParts(parts, width);
  const top = report.metrics.cannedReplies.templates[0];
  if (top !== undefined && report.metrics.cannedReplies.canned > 0) {
    const label = `most repeated (×${formatCount(top.count)}): `;
    const room = width - 2 - label.length - 2;
    lines.push(`  ${c.dim(label)}“${truncateToWidth(safe(top.text), room)}”`);
  }
  return lines;
}

/** Shade characters of the heat strip: none, then up to ¼, ½, ¾ and all of the busiest hour. */
export const HEAT_SHADES = ['·', '░', '▒', '▓', '█'] as const;

/**
 * The shade of one hour-of-week cell: `·` for none, else `░ ▒ ▓ █` for a count up to ¼, ½, ¾
 * and all of `max` (the busiest cell of the same grid): level ⌈4 · count / max⌉. Any message at
 * all shows, so an hour with one message never looks like an empty one.
 */
export function heatShade(count: number, max: number): string {
  if (count <= 0 || max <= 0) return HEAT_SHADES[0];
  return HEAT_SHADES[Math.min(4, Math.max(1, Math.ceil((4 * count) / max)))] ?? HEAT_SHADES[4];
}

/** One day of a grid as shades, runs of busy hours painted with `paint`, runs of empty ones with `quiet`. */
function shadeRow(counts: readonly number[], max: number, paint: (s: string) => string, quiet: (s: string) => string): string {
  let out = '';
  let run = '';
  let busy = false;
  for (const n of counts) {
    if (run !== '' && n > 0 !== busy) {
      out += busy ? paint(run) : quiet(run);
      run = '';
    }
    busy = n > 0;
    run += heatShade(n, max);
  }
  return run === '' ? out : out + (busy ? paint(run) : quiet(run));
}

/** Hour axis under 24 cells: labels at 0, 6, 12 and 18. */
const HOUR_AXIS = '0     6     12    18    ';
/** Row label column of the heat strip ("  Mon  "). */
const STRIP_LABEL = 7;
/** Columns between the inbound and the replies grid. */
const STRIP_GAP = 2;

/**
 * When people write and when the account answers (metrics.md §10 coverage): the hour-of-week
 * grids side by side, one row per weekday (Monday first) and one cell per hour, shaded by
 * {@link heatShade} relative to the busiest hour of that grid (named in the heading: "█ = 5").
 * Ten lines at 80 columns, 57 columns wide: a heading, the hour axis, seven days and a footer
 * with the time zone and the out-of-hours share. Only the replies grid in `outbound-only` mode.
 * Nothing when there is nothing to show.
 */
function coverageBlock(report: Report, c: ChalkInstance, width: number): string[] {
  const { repliesByHour, inboundByHour, timeZone } = report.metrics.coverage;
  const grids: Array<{ head: string; grid: HourOfWeek; paint: (s: string) => string }> = [];
  if (inboundByHour !== null) grids.push({ head: 'People write', grid: inboundByHour, paint: c.yellow });
  grids.push({ head: 'You answer', grid: repliesByHour, paint: c.green });
  if (grids.every((g) => gridMax(g.grid) === 0)) return [];
  const cell = 24 + STRIP_GAP;
  const heads = grids.map((g, i) => {
    const max = gridMax(g.grid);
    const head = max > 0 ? `${g.head} (█ = ${formatCount(max)})` : `${g.head} (none)`;
    return i < grids.length - 1 ? head.padEnd(cell) : head;
  });
  const lines = [' '.repeat(STRIP_LABEL) + c.bold(heads.join('').trimEnd())];
  lines.push(' '.repeat(STRIP_LABEL) + c.dim(grids.map(() => HOUR_AXIS).join(' '.repeat(STRIP_GAP)).trimEnd()));
  WEEKDAYS.forEach((day, d) => {
    const rows = grids.map(({ grid, paint }) => shadeRow(grid[d] ?? [], gridMax(grid), paint, c.dim));
    lines.push(`  ${day}  ${rows.join(' '.repeat(STRIP_GAP))}`);
  });
  const footer = [`Hours in ${safe(timeZone)}`, ...(inboundByHour !== null ? [outOfHoursPhrase(report)] : [])];
  lines.push(...joinParts(footer.filter((p): p is string => p !== null), width - 2).map((l) => `  ${l}`));
  return lines;
}

/** One evidence item: its link (wrapped, never cut) and a line with the note and the post text. */
function evidenceLines(c: ChalkInstance, evidence: Evidence, width: number): string[] {
  const indent = 6;
  const room = width - indent;
  const link = safe(evidence.url ?? evidence.id) || '(no link)';
  const linkLines = wrapText(link, room).map((line, i) => `${' '.repeat(indent - 2)}${i === 0 ? '•' : ' '} ${c.cyan(line)}`);
  const note = safe(evidence.note);
  const text = evidence.text !== null ? safe(evidence.text) : '';
  const lines = [...linkLines];
  if (text === '') {
    if (note !== '') lines.push(' '.repeat(indent) + c.dim(truncateToWidth(note, room)));
    return lines;
  }
  const notePart = note !== '' ? `${truncateToWidth(note, Math.floor(room / 2))} · ` : '';
  const textRoom = room - visibleWidth(notePart) - 2;
  const quoted = `“${truncateToWidth(text, textRoom)}”`;
  lines.push(' '.repeat(indent) + c.dim(notePart) + quoted);
  return lines;
}

function recommendationsBlock(report: Report, c: ChalkInstance, width: number): string[] {
  const recs = report.recommendations.slice(0, MAX_RECOMMENDATIONS);
  if (recs.length === 0) return [];
  const lines = [c.bold('What to do first')];
  recs.forEach((rec, i) => {
    const number = `${i + 1}.`.padStart(3);
    const gain = `(+${rec.gain.toFixed(1)} points)`;
    const titleLines = wrapText(`${safe(rec.title)} ${gain}`, width - 4).map((line, j) => {
      const painted = line.endsWith(gain) ? `${c.bold(line.slice(0, -gain.length))}${c.green(gain)}` : c.bold(line);
      return `${j === 0 ? number : '   '} ${painted}`;
    });
    lines.push(...titleLines, ...paragraph(safe(rec.detail), width, 4));
    for (const evidence of rec.evidence.slice(0, MAX_EVIDENCE)) lines.push(...evidenceLines(c, evidence, width));
    if (rec.evidence.length > MAX_EVIDENCE) {
      lines.push(...paragraph(`and ${formatCount(rec.evidence.length - MAX_EVIDENCE)} more in the JSON report`, width, 6, c.dim));
    }
  });
  return lines;
}

/** A warning code about the inbound data (mentions, replies to the account) rather than the account's posts. */
const INBOUND_CODE = /inbound|mention/i;

/**
 * Report warnings, plus one for partial data when the report does not carry one already: for the
 * account's posts (a warning code with "partial" or "incomplete" that is not about inbound data
 * counts), and for the inbound data (a code with "inbound" or "mention" counts).
 */
function warningsBlock(report: Report, c: ChalkInstance, width: number): string[] {
  const messages = report.warnings.map((w) => safe(w.message));
  const saysPartial = report.warnings.some((w) => /partial|incomplete/i.test(w.code) && !INBOUND_CODE.test(w.code));
  if (!report.source.complete && !saysPartial) {
    messages.push(
      'Partial data: fetching stopped early or part of the input could not be read, so the figures cover only what was read.',
    );
  }
  if (report.inbound !== null && !report.inbound.complete && !report.warnings.some((w) => INBOUND_CODE.test(w.code))) {
    messages.push(
      'Partial inbound data: not every message to the account could be read, so the response rate covers only the messages read.',
    );
  }
  if (messages.length === 0) return [];
  return [
    c.bold.yellow('Warnings'),
    ...messages.flatMap((message) =>
      wrapText(message, width - 4).map((line, i) => `${i === 0 ? `  ${c.yellow('!')} ` : '    '}${line}`),
    ),
  ];
}

/**
 * The report as a terminal scorecard: header (account, source, inbound sources, window), the
 * score and verdict with the reason, a table of the metrics (measured value in words, score 0-100
 * with a traffic-light bar, points; the response rate only when it was scored, else a muted line
 * saying why), the item counts with the people engaged and the canned replies, the coverage heat
 * strip, the top three recommendations with evidence, and the warnings. Pure: the colour
 * instance and the width come from the caller.
 *
 * Every string taken from the report passes through {@link sanitizeForTerminal}, so the only
 * escape sequences in the output are the SGR colour codes of `opts.color` (none at level 0).
 * No line is wider than `opts.width` visible columns. The result ends with a newline.
 */
export function renderTerminal(report: Report, opts: TerminalOptions): string {
  const requested = opts.width !== undefined && Number.isFinite(opts.width) ? opts.width : DEFAULT_TERMINAL_WIDTH;
  const width = Math.max(MIN_TERMINAL_WIDTH, Math.floor(requested));
  const c = opts.color;
  const activity = report.score.verdict !== 'NO_ACTIVITY';
  const sections: string[][] = [
    header(report, c, width),
    scoreBlock(report, c, width),
    activity ? metricsTable(report, c, width) : [],
    [...countsBlock(report, width), ...listeningBlock(report, c, width)],
    activity ? coverageBlock(report, c, width) : [],
    activity ? recommendationsBlock(report, c, width) : [],
    warningsBlock(report, c, width),
  ];
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}
