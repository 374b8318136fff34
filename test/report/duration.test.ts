import { describe, expect, it } from 'vitest';
import { formatDurationShort } from '../../src/report/duration.js';

describe('formatDurationShort', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [59.4, '59 s'],
    [59.6, '1 min'],
    [1380, '23 min'],
    [3600, '1 h'],
    [15000, '4 h 10 min'],
    [86_369, '23 h 59 min'],
    [86_400, '1 d'],
    [93_600, '1 d 2 h'],
    [259_200, '3 d'],
    [-1, '–'],
    [Number.NaN, '–'],
  ])('%s s → %s', (seconds, expected) => {
    expect(formatDurationShort(seconds)).toBe(expected);
  });
});
