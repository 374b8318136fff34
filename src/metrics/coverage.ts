import type { Report } from '../schema/report.js';
import { hourOfWeek, isBusinessTime } from './business-clock.js';
import type { MetricMeta } from './metric.js';
import { zoneOffsetMs } from '../window.js';
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
  const offsetOf = dayOffsets(zone);
  for (const ms of instantsMs) {
    const offset = offsetOf(ms);
    const [day, hour] = offset === null ? hourOfWeek(ms, zone) : wallHourOfWeek(ms + offset);
    const row = grid[day] as number[];
    row[hour] = (row[hour] as number) + 1;
  }
  return grid;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The zone's offset at an instant, looked up once per UTC day instead of once per instant (the
 * time-zone lookup is by far the slowest step for a history of hundreds of thousands of
 * replies): when the offset is the same at a day's first and last millisecond, it is the offset
 * of the whole day, as no zone changes its offset twice within one day. A day whose ends differ
 * holds a transition: null, and the caller asks the zone for that instant (`hourOfWeek`).
 */
function dayOffsets(zone: string): (ms: number) => number | null {
  const days = new Map<number, number | null>();
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let offset = days.get(day);
    if (offset === undefined) {
      const start = day * DAY_MS;
      const first = zoneOffsetMs(zone, start);
      offset = first === zoneOffsetMs(zone, start + DAY_MS - 1) ? first : null;
      days.set(day, offset);
    }
    return offset;
  };
}

/** `hourOfWeek` of a wall-clock time written as UTC epoch ms: Monday = 0, hours 0-23. */
function wallHourOfWeek(wallMs: number): [day: number, hour: number] {
  const days = Math.floor(wallMs / DAY_MS);
  // 1970-01-01 was a Thursday: day 3 of a Monday-first week.
  const day = (((days + 3) % 7) + 7) % 7;
  return [day, Math.floor((wallMs - days * DAY_MS) / HOUR_MS)];
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
