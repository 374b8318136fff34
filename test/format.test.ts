import { describe, expect, it } from 'vitest';
import { formatDuration, formatInstant, formatPercent } from '../src/format.js';

describe('formatDuration', () => {
  const rows: [number, string][] = [
    [0, '0 s'],
    [0.4, '0 s'],
    [42.9, '43 s'],
    [59.6, '1 min'],
    [60, '1 min'],
    [985.323, '16 min 25 s'],
    [3599.4, '59 min 59 s'],
    [3599.6, '1 h'],
    [1402.927, '23 min 23 s'],
    [3600, '1 h'],
    [6138.114, '1 h 42 min'],
    [93_900, '26 h 5 min'],
    [172_769, '47 h 59 min'],
    [172_799, '2 d'],
    [172_800, '2 d'],
    [183_600, '2 d 3 h'],
    [-5, '0 s'],
  ];
  it.each(rows)('%s s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
  it('refuses non-finite input', () => {
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('formatPercent', () => {
  const rows: [number, string][] = [
    [0, '0%'],
    [0.001, '<1%'],
    [1 / 3, '33%'],
    [0.995, '>99%'],
    [1, '100%'],
  ];
  it.each(rows)('%s → %s', (share, text) => {
    expect(formatPercent(share)).toBe(text);
  });
});

describe('formatInstant', () => {
  it('reads an instant in UTC to the minute', () => {
    expect(formatInstant('2026-08-20T01:00:00.251Z')).toBe('2026-08-20 01:00 UTC');
    expect(formatInstant('2026-08-20T03:00:00+02:00')).toBe('2026-08-20 01:00 UTC');
  });
});
