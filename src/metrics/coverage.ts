import type { Report } from '../schema/report.js';
import { hourOfWeek, isBusinessTime } from './business-clock.js';
import type { MetricMeta } from './metric.js';
import type { MetricContext, PostSet } from './types.js';

/** `metrics.coverage` (metrics.md §10); it has no score. */
export type CoverageMeasurement = Report['metrics']['coverage'];
/** 7 × 24 counts: Monday first, hours 0-23 on the coverage clock. */
export type HourOfWeekCounts = CoverageMeasurement['repliesByHour'];

export const meta = {
  id: 'coverage',
  title: 'Coverage',
  description:
    'When people write and when the account answers, hour by hour through the week, and the share of messages that arrived outside business hours.',
  unit: 'share',
} as const satisfies MetricMeta<'coverage'>;

/** An empty 7 × 24 grid. */
function emptyGrid(): number[][] {
  return Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
}

/**
 * Counts instants into a 7 × 24 grid, Monday first, by the hour the wall clock of `zone` reads
 * (`hourOfWeek`): on a fall-back night both 01:xx hours land in hour 1, on a spring-forward night
 * hour 2 stays empty, so every instant is counted exactly once.
 */
export function countByHourOfWeek(instantsMs: Iterable<number>, zone: string): HourOfWeekCounts {
  const grid = emptyGrid();
  for (const ms of instantsMs) {
    const [day, hour] = hourOfWeek(ms, zone);
    const row = grid[day] as number[];
    row[hour] = (row[hour] as number) + 1;
  }
  return grid;
}

/**
 * metrics.md §10 "coverage":
 * - `timeZone`: the clock the grids use, `businessHours.timeZone` when business hours are
 *   configured (the business's own clock), else the window's zone (`--tz`, default UTC).
 * - `repliesByHour`: the account's replies to other people (`reply.toOther`, the answers
 *   counted by the reply ratio) in the window, by hour of the week they were sent. Self-thread
 *   replies are left out: they continue the account's own posts and answer nobody.
 * - `inboundByHour`: the inbound messages (metrics.md §9) by hour of the week they arrived;
 *   null in `outbound-only` mode.
 * - `outOfHoursInboundShare`: inbound messages that arrived outside business hours (on the
 *   business clock: closed days, holidays and the hours around opening) / inbound messages;
 *   null without `businessHours`, without inbound data, or when no message came.
 */
export function computeCoverage(set: PostSet, ctx: MetricContext): CoverageMeasurement {
  const bh = ctx.businessHours;
  const timeZone = bh?.timeZone ?? ctx.window.timeZone;
  const replyTimes: number[] = [];
  for (const item of set.items) {
    if (item.kind === 'reply' && !item.toSelf) replyTimes.push(item.ms);
  }
  const messages = ctx.inbound?.messages ?? null;
  let outOfHoursInboundShare: number | null = null;
  if (bh !== null && messages !== null && messages.length > 0) {
    const outside = messages.filter((m) => !isBusinessTime(m.ms, bh)).length;
    outOfHoursInboundShare = outside / messages.length;
  }
  return {
    timeZone,
    repliesByHour: countByHourOfWeek(replyTimes, timeZone),
    inboundByHour: messages === null ? null : countByHourOfWeek(messages.map((m) => m.ms), timeZone),
    outOfHoursInboundShare,
  };
}
