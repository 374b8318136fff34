import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstantMs } from '../../src/util/instant.js';

describe('parseInstantMs', () => {
  it('reads the two shapes readers write to the millisecond', () => {
    // 2026-05-31T18:00:00Z is 20,604 days after 1970-01-01 plus 18 hours: 1,780,250,400 s.
    expect(parseInstantMs('2026-05-31T18:00:00Z')).toBe(1_780_250_400_000);
    expect(parseInstantMs('2026-05-31T18:00:00.123Z')).toBe(1_780_250_400_123);
  });

  it('gives exactly what Date.parse gives, valid or not', () => {
    const cases = [
      '2026-02-31T00:00:00.000Z', // carried into March, as Date.parse does
      '2026-13-01T00:00:00.000Z', // no month 13: NaN
      '2026-01-01T24:00:00Z', // Date.parse reads 24:00 as the next midnight
      '2026-01-01T23:60:00Z',
      '0099-01-01T00:00:00.000Z', // Date.UTC would read year 99 as 1999
      '2026-01-01T00:00:00+02:00',
      '2026-01-01t00:00:00z',
      '2026-01-01T00:00:0x.000Z',
      '2026-01-01T-1:00:00.000Z',
      '2026-01-01 00:00:00.000Z',
      '',
    ];
    for (const text of cases) expect(parseInstantMs(text)).toStrictEqual(Date.parse(text));
  });

  it('agrees with Date.parse on any instant and on mangled ones (property)', () => {
    const instant = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, fc.boolean(), (date, withMs) => {
        const text = withMs ? date.toISOString() : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
        expect(parseInstantMs(text)).toBe(Date.parse(text));
      }),
    );
    // Any digits in the instant's places: months past 12, hours past 23, days past the month's end.
    const digit = fc.integer({ min: 0, max: 9 });
    fc.assert(
      fc.property(fc.array(digit, { minLength: 17, maxLength: 17 }), fc.boolean(), (d, withMs) => {
        const [y1, y2, y3, y4, m1, m2, d1, d2, h1, h2, i1, i2, s1, s2, f1, f2, f3] = d;
        const base = `${y1}${y2}${y3}${y4}-${m1}${m2}-${d1}${d2}T${h1}${h2}:${i1}${i2}:${s1}${s2}`;
        const text = withMs ? `${base}.${f1}${f2}${f3}Z` : `${base}Z`;
        expect(parseInstantMs(text)).toStrictEqual(Date.parse(text));
      }),
      { numRuns: 2000 },
    );
    const digitOrNot = fc.constantFrom(...'0123456789-:TZ.x '.split(''));
    fc.assert(
      fc.property(fc.array(digitOrNot, { minLength: 24, maxLength: 24 }), (chars) => {
        const text = chars.join('');
        expect(parseInstantMs(text)).toStrictEqual(Date.parse(text));
      }),
    );
  });
});
