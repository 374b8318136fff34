import type { BusinessHours } from '../config.js';
import { zoneOffsetMs } from '../window.js';

/**
 * The business clock of metrics.md §10: only time inside the business's opening hours counts,
 * read on the business's own wall clock (`businessHours.timeZone`).
 *
 * Rules (where the spec is silent, what a social-media manager would expect):
 * - Each weekday's `[open, close]` is one interval on that local date; a day left out of `days`
 *   is closed, and so is every date listed in `holidays` (all day).
 * - `"24:00"` as the close is the end of the day (the next local midnight).
 * - A close at or before the open (`["17:00", "08:00"]`, `["09:00", "09:00"]`) opens nothing:
 *   the day is closed. Overnight shifts are written as two days (`"22:00"-"24:00"` and
 *   `"00:00"-"06:00"`), which also keeps holidays unambiguous.
 * - Wall times become instants the way Temporal's `compatible` disambiguation does: a time that a
 *   daylight-saving jump skips (02:30 on a spring-forward night) is read with the offset in
 *   force before the jump, i.e. moved later by the jump; a time that happens twice (01:30 on a
 *   fall-back night) is the earlier one. So a day of 08:00-17:00 lasts 9 hours on both change
 *   days, and a day of 00:00-24:00 lasts 23 or 25 hours.
 */

const DAY_MS = 86_400_000;

/** Weekday keys of `businessHours.days`, in `Date.getUTCDay()` order (Sunday first). */
const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A local calendar date as epoch ms of its UTC midnight (the "wall" reading of the date). */
type WallDate = number;

/**
 * The instant at which the wall clock in `zone` reads `wallMs` (a local date and time written as
 * if it were UTC), disambiguated as Temporal's `compatible`: in a gap, the offset before the gap;
 * in an overlap, the earlier instant.
 */
export function wallToInstant(zone: string, wallMs: number): number {
  // Offsets a day either side cover any single transition near this wall time.
  const before = zoneOffsetMs(zone, wallMs - DAY_MS);
  const after = zoneOffsetMs(zone, wallMs + DAY_MS);
  const valid = [...new Set([before, after])]
    .map((offset) => wallMs - offset)
    .filter((instant) => zoneOffsetMs(zone, instant) === wallMs - instant);
  if (valid.length === 0) return wallMs - before;
  return Math.min(...valid);
}

/** The local date (as a `WallDate`) of instant `ms` in `zone`. */
function wallDateOf(zone: string, ms: number): WallDate {
  const local = ms + zoneOffsetMs(zone, ms);
  return Math.floor(local / DAY_MS) * DAY_MS;
}

/** Minutes after midnight of `"HH:MM"` (`"24:00"` is 1440). */
function clockMinutes(clock: string): number {
  const [h, m] = clock.split(':');
  return Number(h) * 60 + Number(m);
}

/** Opening intervals by local date, memoised per `BusinessHours` object (the config is read-only). */
const intervalCache = new WeakMap<BusinessHours, Map<WallDate, readonly [number, number] | null>>();

/**
 * The opening interval `[openMs, closeMs)` of one local date, or null when the business is
 * closed that day (not in `days`, a holiday, or a close not after the open).
 */
function openInterval(bh: BusinessHours, date: WallDate): readonly [number, number] | null {
  let cache = intervalCache.get(bh);
  if (cache === undefined) {
    cache = new Map();
    intervalCache.set(bh, cache);
  }
  const cached = cache.get(date);
  if (cached !== undefined) return cached;
  let interval: readonly [number, number] | null = null;
  const iso = new Date(date).toISOString().slice(0, 10);
  const hours = bh.days[DAY_KEYS[new Date(date).getUTCDay()] as (typeof DAY_KEYS)[number]];
  if (hours !== undefined && !(bh.holidays ?? []).includes(iso)) {
    const open = clockMinutes(hours[0]);
    const close = clockMinutes(hours[1]);
    if (close > open) {
      interval = [wallToInstant(bh.timeZone, date + open * 60_000), wallToInstant(bh.timeZone, date + close * 60_000)];
    }
  }
  cache.set(date, interval);
  return interval;
}

/**
 * Seconds of `[startMs, endMs)` that fall inside business hours (metrics.md §10), ms kept as a
 * fraction. 0 when `endMs <= startMs`. Walks the span one local day at a time (each day's
 * interval is worked out once per `BusinessHours` object), so a span of weeks costs a few dozen
 * steps.
 */
export function businessSeconds(startMs: number, endMs: number, bh: BusinessHours): number {
  if (!(endMs > startMs)) return 0;
  const zone = bh.timeZone;
  const last = wallDateOf(zone, endMs);
  let total = 0;
  // A day's interval lies within its own local date, so the dates of the two ends bound the walk.
  for (let date = wallDateOf(zone, startMs); date <= last; date += DAY_MS) {
    const interval = openInterval(bh, date);
    if (interval === null) continue;
    const from = Math.max(startMs, interval[0]);
    const to = Math.min(endMs, interval[1]);
    if (to > from) total += to - from;
  }
  return total / 1000;
}

/** Whether instant `ms` falls inside business hours (an interval includes its open, not its close). */
export function isBusinessTime(ms: number, bh: BusinessHours): boolean {
  const interval = openInterval(bh, wallDateOf(bh.timeZone, ms));
  return interval !== null && ms >= interval[0] && ms < interval[1];
}

/**
 * Where instant `ms` falls in the week on the clock of `zone`: `[day, hour]` with day 0 = Monday
 * … 6 = Sunday and hour 0-23 as the wall clock reads it (metrics.md §10 coverage: Monday first).
 * On a fall-back night both 01:xx hours read 1; on a spring-forward night hour 2 never occurs.
 */
export function hourOfWeek(ms: number, zone: string): [day: number, hour: number] {
  const local = new Date(ms + zoneOffsetMs(zone, ms));
  return [(local.getUTCDay() + 6) % 7, local.getUTCHours()];
}
