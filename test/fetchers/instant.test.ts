import { describe, expect, it } from 'vitest';
import { toInstant } from '../../src/fetchers/instant.js';
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
