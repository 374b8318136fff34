import { describe, expect, it } from 'vitest';
import {
  delta,
  directionOf,
  formatDelta,
  formatDurationShort,
  sameAccount,
  windowDates,
  windowLabel,
} from '../../src/report/tracked-metrics.js';
import { goldenReport } from '../helpers/saved-reports.js';

describe('formatDurationShort', () => {
  it.each([
    [0, '0s', ''],
    [42, '42s', ''],
    [59.6, '1m', 'rounds up into minutes'],
    [985, '16m', ''],
    [3599, '1.0h', '59.98 min rounds to 60, so hours'],
    [14_785, '4.1h', ''],
    [35_900, '10h', '9.97 h is not below 9.95'],
    [169_000, '47h', ''],
    [172_000, '2.0d', '47.8 h rounds to 48, so days'],
    [1_000_000, '12d', ''],
  ])('%d s → %s', (seconds, expected) => {
    expect(formatDurationShort(seconds)).toBe(expected);
  });
});

describe('delta, directionOf, formatDelta', () => {
  it('drops floating-point noise and never gives -0', () => {
    expect(delta(0.2, 0.25)).toBe(0.05);
    expect(Object.is(delta(0.3, 0.3), 0)).toBe(true);
    expect(delta(null, 1)).toBeNull();
  });

  it.each([
    [{ unit: 'seconds', better: 'lower' }, 100, 50, 'better'],
    [{ unit: 'seconds', better: 'lower' }, 50, 100, 'worse'],
    [{ unit: 'points', better: 'higher' }, 60, 60, 'same'],
    [{ unit: 'points', better: 'higher' }, 60, 61, 'better'],
    [{ unit: 'ratio', better: 'higher' }, 0.5, null, 'n/a'],
  ] as const)('%j %s → %s is %s', (metric, before, after, direction) => {
    expect(directionOf(metric, before, after)).toBe(direction);
  });

  it.each([
    ['points', 5, 'long', '+5'],
    ['points', -3, 'long', '-3'],
    ['ratio', 0.042, 'long', '+4.2 pp'],
    ['ratio', -0.1, 'short', '-10.0pp'],
    ['seconds', -11_184.919, 'long', '-3 h 6 min'],
    ['seconds', 3600, 'short', '+1.0h'],
  ] as const)('%s %d (%s) → %s', (unit, d, style, expected) => {
    expect(formatDelta(unit, d, style, '–')).toBe(expected);
  });
});

describe('windowLabel and windowDates', () => {
  const zone = 'America/Vancouver';
  it.each([
    ['a calendar month', '2026-10-01T07:00:00.000Z', '2026-11-01T07:00:00.000Z', zone, '2026-10'],
    ['a month across the end of daylight saving time', '2026-11-01T07:00:00.000Z', '2026-12-01T08:00:00.000Z', zone, '2026-11'],
    ['December into January', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'UTC', '2026-12'],
    ['30 days', '2026-10-05T07:00:00.000Z', '2026-11-04T08:00:00.000Z', zone, '2026-10-05'],
    ['a month and a millisecond', '2026-10-01T07:00:00.000Z', '2026-11-01T07:00:00.001Z', zone, '2026-10-01'],
    ['two months', '2026-09-01T07:00:00.000Z', '2026-11-01T07:00:00.000Z', zone, '2026-09-01'],
    ['an unknown zone, read as UTC', '2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', 'Mars/Olympus', '2026-10'],
  ])('%s', (_name, since, until, timeZone, label) => {
    expect(windowLabel({ since, until, timeZone })).toBe(label);
  });

  it('shows the last day before an exclusive midnight end', () => {
    expect(windowDates({ since: '2026-10-01T07:00:00.000Z', until: '2026-11-01T07:00:00.000Z', timeZone: zone }, '→')).toBe(
      '2026-10-01 → 2026-10-31 America/Vancouver',
    );
  });
});

describe('sameAccount', () => {
  it('compares ids when both have one, else handles', () => {
    const a = goldenReport();
    const b = goldenReport();
    b.account.handle = 'Renamed';
    expect(sameAccount(a, b)).toBe(true);
    b.account.id = null;
    expect(sameAccount(a, b)).toBe(false);
    b.account.handle = '@cascadiaroads';
    expect(sameAccount(a, b)).toBe(true);
    b.account.platform = 'bluesky';
    expect(sameAccount(a, b)).toBe(false);
  });
});
