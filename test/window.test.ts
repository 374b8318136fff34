import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { monthWindow, parseBound, resolveWindow, zonedMidnight } from '../src/window.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('resolveWindow (metrics.md §1)', () => {
  it('defaults to the 30 days ending at the newest item + 1 ms', () => {
    const newest = Date.parse('2016-05-04T12:00:00.000Z');
    const w = resolveWindow({ timeZone: 'UTC' }, newest + 1);
    expect(iso(w.untilMs)).toBe('2016-05-04T12:00:00.001Z');
    // 30 × 86 400 000 ms earlier
    expect(iso(w.sinceMs)).toBe('2016-04-04T12:00:00.001Z');
  });

  it('--month is that calendar month in UTC by default', () => {
    const w = resolveWindow({ month: '2016-04', timeZone: 'UTC' }, null);
    expect([iso(w.sinceMs), iso(w.untilMs)]).toEqual(['2016-04-01T00:00:00.000Z', '2016-05-01T00:00:00.000Z']);
  });

  it('--month in America/Vancouver starts at local midnight (PDT, UTC-7) and December rolls the year', () => {
    const apr = monthWindow('2016-04', 'America/Vancouver');
    expect([iso(apr.sinceMs), iso(apr.untilMs)]).toEqual(['2016-04-01T07:00:00.000Z', '2016-05-01T07:00:00.000Z']);
    // November starts in PDT (UTC-7) and December in PST (UTC-8): the DST change is inside the month.
    const nov = monthWindow('2026-11', 'America/Vancouver');
    expect([iso(nov.sinceMs), iso(nov.untilMs)]).toEqual(['2026-11-01T07:00:00.000Z', '2026-12-01T08:00:00.000Z']);
    const dec = monthWindow('2026-12', 'Asia/Tokyo');
    expect([iso(dec.sinceMs), iso(dec.untilMs)]).toEqual(['2026-11-30T15:00:00.000Z', '2026-12-31T15:00:00.000Z']);
  });

  it('a midnight skipped by a DST jump resolves to the first instant after the gap', () => {
    // America/Santiago moved clocks from 00:00 (-04) to 01:00 (-03) on 2024-09-08.
    expect(iso(zonedMidnight('America/Santiago', 2024, 9, 8))).toBe('2024-09-08T04:00:00.000Z');
  });

  it('a date given to --until includes that whole day', () => {
    expect(iso(parseBound('--until', '2016-04-30', 'UTC'))).toBe('2016-05-01T00:00:00.000Z');
    expect(iso(parseBound('--since', '2016-04-01', 'Europe/Paris'))).toBe('2016-03-31T22:00:00.000Z');
    expect(iso(parseBound('--until', '2016-04-01T08:00:00+02:00', 'UTC'))).toBe('2016-04-01T06:00:00.000Z');
  });

  it.each([
    [{ month: '2016-13' }, /--month "2016-13" is not a month/],
    [{ month: 'April' }, /--month "April" is not a month/],
    [{ since: '2016-02-30' }, /not a real calendar date/],
    [{ since: 'yesterday' }, /--since "yesterday" is not a date or instant/],
    [{ month: '2016-04', since: '2016-04-02' }, /cannot be combined/],
    [{ since: '2016-05-01', until: '2016-04-01' }, /the window is empty/],
  ])('rejects %o with a usage error', (opts, message) => {
    expect(() => resolveWindow({ timeZone: 'UTC', ...opts }, null)).toThrow(message);
    expect(() => resolveWindow({ timeZone: 'UTC', ...opts }, null)).toThrow(UsageError);
  });

  it('rejects an unknown time zone', () => {
    expect(() => resolveWindow({ timeZone: 'Mars/Olympus' }, 0)).toThrow(/--tz "Mars\/Olympus" is not a known IANA time zone/);
  });
});

describe('resolveWindow: instants a report can hold', () => {
  it('refuses a window that ends past 9999 (the report writes ISO 8601 with four-digit years)', () => {
    expect(() => resolveWindow({ until: '9999-12-31', timeZone: 'UTC' }, null)).toThrow(UsageError);
    expect(() => resolveWindow({ until: '9999-12-31', timeZone: 'UTC' }, null)).toThrow(/reaches outside the years 0000-9999/);
    expect(() => resolveWindow({ month: '9999-12', timeZone: 'UTC' }, null)).toThrow(/reaches outside the years 0000-9999/);
    expect(() => resolveWindow({ since: '9999-12-20', timeZone: 'UTC' }, null)).toThrow(/reaches outside the years 0000-9999/);
  });

  it('accepts the last whole day there is', () => {
    const w = resolveWindow({ since: '1970-01-01', until: '9999-12-30', timeZone: 'UTC' }, null);
    expect([iso(w.sinceMs), iso(w.untilMs)]).toEqual(['1970-01-01T00:00:00.000Z', '9999-12-31T00:00:00.000Z']);
  });
});
