import { describe, expect, it } from 'vitest';
import { isPlausibleMs, plausibleInstant, toInstant } from '../../src/fetchers/instant.js';
import { InstantSchema } from '../../src/model/post.js';

describe('toInstant', () => {
  it.each([
    ['2024-12-05T10:39:15Z', '2024-12-05T10:39:15.000Z'], // Mastodon archive: whole seconds
    ['2026-08-19T14:05:12.861Z', '2026-08-19T14:05:12.861Z'],
    ['2026-08-19T16:05:12.861+02:00', '2026-08-19T14:05:12.861Z'],
    ['2026-08-19T14:05:12+0000', '2026-08-19T14:05:12.000Z'],
    ['2026-08-19T14:05:12.123456Z', '2026-08-19T14:05:12.123Z'], // microseconds
    ['2026-08-19T14:05:12', '2026-08-19T14:05:12.000Z'], // no offset: read as UTC
  ])('%s → %s', (input, expected) => {
    expect(toInstant(input)).toBe(expected);
    expect(InstantSchema.safeParse(expected).success).toBe(true);
  });

  it.each([['yesterday'], ['Wed Aug 19 14:05:12 +0000 2026'], ['2026-08-19'], ['2026-08-19T25:00:00Z'], [''], [null], [42]])(
    'rejects %j',
    (input) => {
      expect(toInstant(input)).toBeNull();
    },
  );
});

describe('isPlausibleMs: a post time its platform can have', () => {
  it.each([
    ['x', '2006-03-21T20:50:14.000Z', true], // the first tweet
    ['x', '2005-12-31T23:59:59.999Z', false],
    ['x', '1970-01-01T00:00:00.000Z', false], // an epoch default
    ['x', '2099-12-31T23:59:59.999Z', true],
    ['x', '2100-01-01T00:00:00.000Z', false],
    ['x', '9999-12-31T23:59:59.999Z', false], // a "never" placeholder
    ['mastodon', '2015-12-31T23:59:59.999Z', false],
    ['mastodon', '2016-01-01T00:00:00.000Z', true],
    ['bluesky', '2021-12-31T23:59:59.999Z', false],
    ['bluesky', '2022-01-01T00:00:00.000Z', true],
  ] as const)('%s %s → %s', (platform, iso, plausible) => {
    expect(isPlausibleMs(platform, Date.parse(iso))).toBe(plausible);
    expect(plausibleInstant(platform, iso)).toBe(plausible ? iso : null);
  });

  it('NaN and null are not plausible', () => {
    expect(isPlausibleMs('x', Number.NaN)).toBe(false);
    expect(plausibleInstant('bluesky', null)).toBeNull();
  });
});
