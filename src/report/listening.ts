/**
 * Wording and arithmetic shared by the terminal and Markdown reporters for the listening figures
 * of metrics.md §9-10 (response rate, coverage, canned replies, people engaged). Pure; every
 * string returned here is built from numbers and fixed words only, never from post text.
 */
import { formatDuration, formatPercent } from '../format.js';
import type { Report } from '../schema/report.js';

/** A 7 × 24 hour-of-week grid of the report: Monday first, hours 0-23. */
export type HourOfWeek = Report['metrics']['coverage']['repliesByHour'];

/** Row labels of an hour-of-week grid, in the report's order (metrics.md §10: Monday first). */
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** The most repeated templates the report lists (`metrics.cannedReplies.templates`, up to 5). */
export const TEMPLATES_LISTED = 5;

/** `n` and the noun, plural when `n` is not 1, with thousands separators (`1 message`, `1,204 messages`). */
export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Counts per hour of day (24), summed over the seven days. */
export function hourTotals(grid: HourOfWeek): number[] {
  return Array.from({ length: 24 }, (_, hour) => grid.reduce((sum, day) => sum + (day[hour] ?? 0), 0));
}

/** Counts per weekday (7, Monday first), summed over the 24 hours. */
export function dayTotals(grid: HourOfWeek): number[] {
  return grid.map((day) => day.reduce((sum, n) => sum + n, 0));
}

/** The largest cell of a grid (0 for an empty one). */
export function gridMax(grid: HourOfWeek): number {
  return Math.max(0, ...grid.flat());
}

/** The sum of all cells. */
export function gridTotal(grid: HourOfWeek): number {
  return grid.flat().reduce((sum, n) => sum + n, 0);
}

/**
 * Why the response-rate row is left out of the score table, or null when it is shown (it has a
 * score). The table shows the row only when the metric was scored; otherwise one line says why:
 * - no inbound data at all (`outbound-only` mode, `metrics.responseRate` null);
 * - inbound data was read but nobody wrote in the window;
 * - every message is still pending (its give-up time falls after the end of the data);
 * - anything else (a configuration that gives it no score): "not scored".
 */
export function responseRateGap(report: Report): string | null {
  const rate = report.metrics.responseRate;
  const scored = report.score.breakdown.find((b) => b.metric === 'responseRate')?.score ?? rate?.score ?? null;
  if (scored !== null && rate !== null) return null;
  if (rate === null) return 'Response rate: not measured (no inbound data; see --inbound or live fetching)';
  if (rate.inbound === 0) return 'Response rate: not measured (nobody wrote to the account in this window)';
  if (rate.value === null) {
    const all = rate.pending === 1 ? 'the one message is' : `all ${plural(rate.pending, 'message', 'messages')} are`;
    return `Response rate: not measured yet (${all} still pending, within the ${formatDuration(rate.giveUpAfterSeconds)} give-up window)`;
  }
  return `Response rate: ${formatPercent(rate.value)} of ${plural(rate.inbound - rate.pending, 'message', 'messages')} answered (not scored)`;
}

/**
 * The phrases of the response-rate figure (metrics.md §9): "63% of 48 messages answered" (the
 * rate's denominator, inbound minus pending), "4 pending", "median first answer 25 min (business
 * clock 20 min)", "13 of 20 questions answered". The p90s stay in the JSON report.
 */
export function responseRatePhrases(rate: NonNullable<Report['metrics']['responseRate']>): string[] {
  const { value, inbound, pending, questions, questionsAnswered } = rate;
  const decided = inbound - pending;
  const phrases =
    value === null
      ? [`${plural(inbound, 'message', 'messages')}, none decided yet`]
      : [`${formatPercent(value)} of ${plural(decided, 'message', 'messages')} answered`];
  if (pending > 0) phrases.push(`${pending.toLocaleString('en-US')} pending`);
  if (rate.medianFirstResponseSeconds !== null) {
    const business =
      rate.medianFirstResponseBusinessSeconds !== null
        ? ` (business clock ${formatDuration(rate.medianFirstResponseBusinessSeconds)})`
        : '';
    phrases.push(`median first answer ${formatDuration(rate.medianFirstResponseSeconds)}${business}`);
  }
  if (questions > 0) phrases.push(`${questionsAnswered.toLocaleString('en-US')} of ${plural(questions, 'question', 'questions')} answered`);
  return phrases;
}

/** "answered 30 people, 30% more than once", or null when the account answered no one. */
export function peopleEngagedPhrase(report: Report): string | null {
  const { distinct, followThroughShare } = report.metrics.peopleEngaged;
  if (distinct === 0) return null;
  const again = followThroughShare === null ? '' : `, ${formatPercent(followThroughShare)} more than once`;
  return `answered ${plural(distinct, 'person', 'people')}${again}`;
}

/**
 * "12% of replies are canned (5 of 41, 2 templates)", or null when there were no replies to
 * others. The report lists at most {@link TEMPLATES_LISTED} templates, so a full list reads
 * "5 or more templates".
 */
export function cannedRepliesPhrase(report: Report): string | null {
  const { share, canned, replies, templates } = report.metrics.cannedReplies;
  if (replies === 0 || share === null) return null;
  if (canned === 0) return `no canned replies among ${plural(replies, 'reply', 'replies')}`;
  const n = templates.length;
  const kinds =
    n === 0 ? '' : n >= TEMPLATES_LISTED ? `, ${n} or more templates` : `, ${plural(n, 'template', 'templates')}`;
  return `${formatPercent(share)} of replies are canned (${canned.toLocaleString('en-US')} of ${replies.toLocaleString('en-US')}${kinds})`;
}

/** "31% of messages came outside business hours", or null when not measured. */
export function outOfHoursPhrase(report: Report): string | null {
  const share = report.metrics.coverage.outOfHoursInboundShare;
  return share === null ? null : `${formatPercent(share)} of messages came outside business hours`;
}
