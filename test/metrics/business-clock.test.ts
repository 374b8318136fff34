import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../../src/config.js';
import { businessSeconds, hourOfWeek, isBusinessTime, wallToInstant } from '../../src/metrics/business-clock.js';

/**
 * The business clock (metrics.md §10) on a Vancouver office: weekdays 08:00-17:00, BC Day
 * (Monday 2026-08-03) a holiday. August is PDT (UTC-7): 08:00 PDT = 15:00Z, 17:00 PDT = 00:00Z
 * the next day. 2026-03-08 (Sunday) springs forward 02:00 PST → 03:00 PDT at 10:00Z;
 * 2026-11-01 (Sunday) falls back 02:00 PDT → 01:00 PST at 09:00Z.
 */
const WEEKDAYS: BusinessHours['days'] = {
  mon: ['08:00', '17:00'],
  tue: ['08:00', '17:00'],
  wed: ['08:00', '17:00'],
  thu: ['08:00', '17:00'],
  fri: ['08:00', '17:00'],
};
const OFFICE: BusinessHours = { timeZone: 'America/Vancouver', days: WEEKDAYS, holidays: ['2026-08-03'] };
const ALL_DAY: BusinessHours = {
  timeZone: 'America/Vancouver',
  days: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00', '24:00']])),
};
/** Sundays only, 01:00-04:00, for the daylight-saving nights. */
const SUNDAY_NIGHT = (open = '01:00', close = '04:00'): BusinessHours => ({
  timeZone: 'America/Vancouver',
  days: { sun: [open, close] },
});

const H = 3600;
const z = (iso: string): number => Date.parse(iso);

describe('wall clock → instant (Temporal "compatible")', () => {
  const rows: { why: string; wall: string; instant: string }[] = [
    { why: 'summer: 08:00 PDT = 15:00Z', wall: '2026-08-04T08:00:00Z', instant: '2026-08-04T15:00:00.000Z' },
    { why: 'winter: 08:00 PST = 16:00Z', wall: '2026-01-05T08:00:00Z', instant: '2026-01-05T16:00:00.000Z' },
    { why: 'spring gap: 02:30 does not exist, read with PST → 10:30Z (03:30 PDT)', wall: '2026-03-08T02:30:00Z', instant: '2026-03-08T10:30:00.000Z' },
    { why: 'fall overlap: 01:30 happens twice, the earlier (PDT) → 08:30Z', wall: '2026-11-01T01:30:00Z', instant: '2026-11-01T08:30:00.000Z' },
    { why: '24:00 is the next midnight: 2026-08-08 24:00 PDT = 2026-08-09T07:00Z', wall: '2026-08-09T00:00:00Z', instant: '2026-08-09T07:00:00.000Z' },
  ];
  it.each(rows)('$why', ({ wall, instant }) => {
    expect(new Date(wallToInstant('America/Vancouver', z(wall))).toISOString()).toBe(instant);
  });
});

describe('businessSeconds (metrics.md §10)', () => {
  const rows: { why: string; bh: BusinessHours; from: string; to: string; seconds: number }[] = [
    {
      why: 'inside one day: 09:00-10:30 PDT Tue = 1.5 h',
      bh: OFFICE,
      from: '2026-08-04T16:00:00Z',
      to: '2026-08-04T17:30:00Z',
      seconds: 1.5 * H,
    },
    {
      why: 'starts and ends outside hours: Tue 06:00-20:00 PDT holds the whole 08:00-17:00 = 9 h',
      bh: OFFICE,
      from: '2026-08-04T13:00:00Z',
      to: '2026-08-05T03:00:00Z',
      seconds: 9 * H,
    },
    {
      why: 'starts inside, ends after closing: Tue 10:00-19:00 PDT → 10:00-17:00 = 7 h',
      bh: OFFICE,
      from: '2026-08-04T17:00:00Z',
      to: '2026-08-05T02:00:00Z',
      seconds: 7 * H,
    },
    {
      why: 'evening to next morning: Tue 18:00 → Wed 08:30 PDT = 0.5 h (Wed 08:00-08:30)',
      bh: OFFICE,
      from: '2026-08-05T01:00:00Z',
      to: '2026-08-05T15:30:00Z',
      seconds: 0.5 * H,
    },
    {
      why: 'across a weekend: Fri 16:00 → Mon 09:00 PDT = Fri 1 h + Mon 1 h',
      bh: OFFICE,
      from: '2026-08-07T23:00:00Z',
      to: '2026-08-10T16:00:00Z',
      seconds: 2 * H,
    },
    {
      why: 'a weekend and a holiday: Fri 2026-07-31 16:00 → Tue 08-04 09:00 PDT = Fri 1 h + (BC Day closed) + Tue 1 h',
      bh: OFFICE,
      from: '2026-07-31T23:00:00Z',
      to: '2026-08-04T16:00:00Z',
      seconds: 2 * H,
    },
    {
      why: 'wholly inside a holiday: BC Day 09:00-12:00 = 0',
      bh: OFFICE,
      from: '2026-08-03T16:00:00Z',
      to: '2026-08-03T19:00:00Z',
      seconds: 0,
    },
    {
      why: 'zero-length span = 0',
      bh: OFFICE,
      from: '2026-08-04T16:00:00Z',
      to: '2026-08-04T16:00:00Z',
      seconds: 0,
    },
    {
      why: 'negative span (end before start) = 0',
      bh: OFFICE,
      from: '2026-08-04T17:00:00Z',
      to: '2026-08-04T16:00:00Z',
      seconds: 0,
    },
    {
      why: 'milliseconds kept: 09:00:00.000 → 09:00:01.250 = 1.25 s',
      bh: OFFICE,
      from: '2026-08-04T16:00:00.000Z',
      to: '2026-08-04T16:00:01.250Z',
      seconds: 1.25,
    },
    {
      why: 'four weeks: Mon 08-03 00:00 → Mon 08-31 00:00 PDT = 20 weekdays - BC Day = 19 × 9 h = 171 h',
      bh: OFFICE,
      from: '2026-08-03T07:00:00Z',
      to: '2026-08-31T07:00:00Z',
      seconds: 171 * H,
    },
    {
      why: 'two weeks over the fall-back change: Mon 10-26 00:00 PDT → Mon 11-09 00:00 PST = 10 weekdays × 9 h (no holiday that year in the list)',
      bh: OFFICE,
      from: '2026-10-26T07:00:00Z',
      to: '2026-11-09T08:00:00Z',
      seconds: 90 * H,
    },
    {
      why: 'spring-forward Monday after: Fri 03-06 16:00 PST → Mon 03-09 09:00 PDT = 1 h + 1 h (Mon 08:00 PDT is 15:00Z, not 16:00Z)',
      bh: OFFICE,
      from: '2026-03-07T00:00:00Z',
      to: '2026-03-09T16:00:00Z',
      seconds: 2 * H,
    },
    {
      why: 'open all day on the spring-forward Sunday: local midnight to midnight is 23 h',
      bh: ALL_DAY,
      from: '2026-03-08T08:00:00Z',
      to: '2026-03-09T07:00:00Z',
      seconds: 23 * H,
    },
    {
      why: 'open all day on the fall-back Sunday: 25 h',
      bh: ALL_DAY,
      from: '2026-11-01T07:00:00Z',
      to: '2026-11-02T08:00:00Z',
      seconds: 25 * H,
    },
    {
      why: 'Sunday 01:00-04:00 on the spring-forward night: 01:00 PST (09:00Z) to 04:00 PDT (11:00Z) = 2 h',
      bh: SUNDAY_NIGHT(),
      from: '2026-03-08T00:00:00Z',
      to: '2026-03-09T00:00:00Z',
      seconds: 2 * H,
    },
    {
      why: 'Sunday 01:00-04:00 on the fall-back night: 01:00 PDT (08:00Z, the earlier 01:00) to 04:00 PST (12:00Z) = 4 h',
      bh: SUNDAY_NIGHT(),
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
      seconds: 4 * H,
    },
    {
      why: 'an opening inside the spring gap: 02:30 is read as 03:30 PDT (10:30Z), to 04:00 PDT (11:00Z) = 0.5 h',
      bh: SUNDAY_NIGHT('02:30', '04:00'),
      from: '2026-03-08T00:00:00Z',
      to: '2026-03-09T00:00:00Z',
      seconds: 0.5 * H,
    },
    {
      why: '"24:00" closes at the next midnight: Sat 20:00 → Sun 02:00 PDT with Sat 20:00-24:00 = 4 h',
      bh: { timeZone: 'America/Vancouver', days: { sat: ['20:00', '24:00'] } },
      from: '2026-08-09T03:00:00Z',
      to: '2026-08-09T09:00:00Z',
      seconds: 4 * H,
    },
    {
      why: 'a close before the open opens nothing: Tue 17:00-08:00 = 0 over the whole day',
      bh: { timeZone: 'America/Vancouver', days: { tue: ['17:00', '08:00'] } },
      from: '2026-08-04T07:00:00Z',
      to: '2026-08-05T07:00:00Z',
      seconds: 0,
    },
    {
      why: 'UTC clock: Mon-Fri 09:00-17:00 UTC, Fri 16:00Z → Mon 10:00Z = 1 h + 1 h',
      bh: { timeZone: 'UTC', days: { mon: ['09:00', '17:00'], fri: ['09:00', '17:00'] } },
      from: '2026-08-07T16:00:00Z',
      to: '2026-08-10T10:00:00Z',
      seconds: 2 * H,
    },
  ];
  it.each(rows)('$why', ({ bh, from, to, seconds }) => {
    expect(businessSeconds(z(from), z(to), bh)).toBe(seconds);
  });

  it('a span of a year costs one step per day (fast): 2026 on the office clock', () => {
    // 2026 has 261 weekdays; minus BC Day = 260 days × 9 h.
    expect(businessSeconds(z('2026-01-01T08:00:00Z'), z('2027-01-01T08:00:00Z'), OFFICE)).toBe(260 * 9 * H);
  });
});

describe('isBusinessTime', () => {
  const rows: { why: string; at: string; open: boolean }[] = [
    { why: 'Tue 08:00 PDT exactly: the open counts', at: '2026-08-04T15:00:00Z', open: true },
    { why: 'Tue 16:59:59.999 PDT', at: '2026-08-04T23:59:59.999Z', open: true },
    { why: 'Tue 17:00 PDT exactly: the close does not', at: '2026-08-05T00:00:00Z', open: false },
    { why: 'Tue 07:59 PDT', at: '2026-08-04T14:59:00Z', open: false },
    { why: 'Saturday noon', at: '2026-08-08T19:00:00Z', open: false },
    { why: 'BC Day (holiday) noon', at: '2026-08-03T19:00:00Z', open: false },
    { why: 'Tue 17:30 UTC is 10:30 PDT', at: '2026-08-04T17:30:00Z', open: true },
  ];
  it.each(rows)('$why', ({ at, open }) => {
    expect(isBusinessTime(z(at), OFFICE)).toBe(open);
  });
});

describe('hourOfWeek (Monday = 0)', () => {
  const rows: { why: string; at: string; zone: string; expected: [number, number] }[] = [
    { why: 'Wed 2026-08-19 12:00Z in UTC', at: '2026-08-19T12:00:00Z', zone: 'UTC', expected: [2, 12] },
    { why: 'same instant in Vancouver: Wed 05:00 PDT', at: '2026-08-19T12:00:00Z', zone: 'America/Vancouver', expected: [2, 5] },
    { why: 'Mon 06:30Z is still Sunday 23:30 PDT', at: '2026-08-24T06:30:00Z', zone: 'America/Vancouver', expected: [6, 23] },
    { why: 'Monday 00:00 UTC', at: '2026-08-24T00:00:00Z', zone: 'UTC', expected: [0, 0] },
    { why: 'fall back, first 01:30 (PDT)', at: '2026-11-01T08:30:00Z', zone: 'America/Vancouver', expected: [6, 1] },
    { why: 'fall back, second 01:30 (PST)', at: '2026-11-01T09:30:00Z', zone: 'America/Vancouver', expected: [6, 1] },
    { why: 'spring forward: 10:00Z is 03:00 PDT (hour 2 never happens)', at: '2026-03-08T10:00:00Z', zone: 'America/Vancouver', expected: [6, 3] },
  ];
  it.each(rows)('$why', ({ at, zone, expected }) => {
    expect(hourOfWeek(z(at), zone)).toEqual(expected);
  });
});
