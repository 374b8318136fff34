import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../../src/config.js';
import { computeCoverage, countByHourOfWeek, meta } from '../../src/metrics/coverage.js';
import type { InboundSet } from '../../src/metrics/types.js';
import type { Post } from '../../src/model/post.js';
import { FIRE, PETE, T0, makeCtx, makeSet, original, ours, post, reply, repost, theirs } from '../helpers/posts.js';

/** Offset from the factories' T0 of an ISO instant, so posts can be written at readable UTC times. */
const utc = (iso: string): number => Date.parse(iso) - T0;

/** A 7 × 24 grid (Monday first) holding `count` at each `[day, hour]`, zero elsewhere. */
function grid(cells: readonly (readonly [day: number, hour: number, count: number])[]): number[][] {
  const g = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const [day, hour, count] of cells) (g[day] as number[])[hour] = count;
  return g;
}

/** An inbound set of messages by Pete at the given UTC instants. */
function inboundAt(isos: readonly string[]): InboundSet {
  const messages = isos.map((iso) => {
    const p: Post = post(utc(iso), { author: PETE, text: 'Is the highway open?' });
    return { post: p, ms: Date.parse(iso) };
  });
  return { messages, others: messages.map((m) => m.post), dataEndMs: Date.UTC(2027, 0, 1) };
}

const AUGUST = { sinceMs: Date.UTC(2026, 7, 1), untilMs: Date.UTC(2026, 8, 1) };
const MARCH = { sinceMs: Date.UTC(2026, 2, 1), untilMs: Date.UTC(2026, 3, 1) };
const NOVEMBER = { sinceMs: Date.UTC(2026, 10, 1), untilMs: Date.UTC(2026, 11, 1) };

/** Weekdays 08:00-17:00 in Vancouver; BC Day (Monday 3 August 2026) is a holiday. */
const OFFICE: BusinessHours = {
  timeZone: 'America/Vancouver',
  days: {
    mon: ['08:00', '17:00'],
    tue: ['08:00', '17:00'],
    wed: ['08:00', '17:00'],
    thu: ['08:00', '17:00'],
    fri: ['08:00', '17:00'],
  },
  holidays: ['2026-08-03'],
};

const measure = (
  posts: Post[],
  window: { sinceMs: number; untilMs: number },
  over: { timeZone?: string; businessHours?: BusinessHours | null; inbound?: InboundSet | null } = {},
) =>
  computeCoverage(
    makeSet(posts, { window }),
    makeCtx({
      window: { ...window, timeZone: over.timeZone ?? 'UTC' },
      businessHours: over.businessHours ?? null,
      inbound: over.inbound ?? null,
    }),
  );

describe('coverage: replies by hour of the week (metrics.md §10)', () => {
  it('has metadata', () => {
    expect(meta.id).toBe('coverage');
  });

  it('counts replies to other people only, on the window clock (UTC), Monday first', () => {
    // Wed 19 Aug 12:00Z → [2][12] (two replies); Sun 23 Aug 23:59Z → [6][23]; Mon 24 Aug 00:00Z → [0][0].
    // Left out: a self-thread reply, an original, a repost, and a reply before the window.
    const posts = [
      reply(utc('2026-08-19T12:00:00Z'), theirs(0, 'a')),
      reply(utc('2026-08-19T12:59:59Z'), theirs(0, 'b', FIRE)),
      reply(utc('2026-08-23T23:59:00Z'), theirs(0, 'c')),
      reply(utc('2026-08-24T00:00:00Z'), theirs(0, 'd')),
      reply(utc('2026-08-19T13:00:00Z'), ours(0, 'own')),
      original(utc('2026-08-19T14:00:00Z')),
      repost(utc('2026-08-19T15:00:00Z'), theirs(0, 'r')),
      reply(utc('2026-07-31T12:00:00Z'), theirs(0, 'old')),
    ];
    const m = measure(posts, AUGUST);
    expect(m.timeZone).toBe('UTC');
    expect(m.repliesByHour).toEqual(grid([[2, 12, 2], [6, 23, 1], [0, 0, 1]]));
    expect(m.inboundByHour).toBeNull();
    expect(m.outOfHoursInboundShare).toBeNull();
  });

  it('uses the window zone without business hours: Asia/Kolkata (+05:30)', () => {
    // Wed 19 Aug 18:45Z = Thu 20 Aug 00:15 IST → [3][0]; Wed 19 Aug 18:29Z = Wed 23:59 IST → [2][23].
    const posts = [reply(utc('2026-08-19T18:45:00Z'), theirs(0, 'a')), reply(utc('2026-08-19T18:29:00Z'), theirs(0, 'b'))];
    const m = measure(posts, AUGUST, { timeZone: 'Asia/Kolkata' });
    expect(m.timeZone).toBe('Asia/Kolkata');
    expect(m.repliesByHour).toEqual(grid([[3, 0, 1], [2, 23, 1]]));
  });

  it("uses the business clock's zone when business hours are configured", () => {
    // Wed 19 Aug 12:00Z = 05:00 PDT (UTC-7) → [2][5], although the window is in UTC.
    const m = measure([reply(utc('2026-08-19T12:00:00Z'), theirs(0, 'a'))], AUGUST, { businessHours: OFFICE });
    expect(m.timeZone).toBe('America/Vancouver');
    expect(m.repliesByHour).toEqual(grid([[2, 5, 1]]));
  });

  it('spring forward in Vancouver (Sun 8 Mar 2026, 02:00 PST → 03:00 PDT): hour 2 of that Sunday stays empty', () => {
    // Sat 7 Mar 10:30Z = 02:30 PST (UTC-8) → [5][2]
    // Sun 8 Mar 09:30Z = 01:30 PST → [6][1]
    // Sun 8 Mar 10:30Z = 03:30 PDT (UTC-7; 10:00Z is the jump) → [6][3]
    // Mon 9 Mar 10:30Z = 03:30 PDT → [0][3]
    const posts = [
      reply(utc('2026-03-07T10:30:00Z'), theirs(0, 'a')),
      reply(utc('2026-03-08T09:30:00Z'), theirs(0, 'b')),
      reply(utc('2026-03-08T10:30:00Z'), theirs(0, 'c')),
      reply(utc('2026-03-09T10:30:00Z'), theirs(0, 'd')),
    ];
    const m = measure(posts, MARCH, { timeZone: 'America/Vancouver' });
    expect(m.repliesByHour).toEqual(grid([[5, 2, 1], [6, 1, 1], [6, 3, 1], [0, 3, 1]]));
  });

  it('fall back in Vancouver (Sun 1 Nov 2026, 02:00 PDT → 01:00 PST): both 01:30s land in hour 1', () => {
    // Sun 1 Nov 08:30Z = 01:30 PDT (UTC-7) → [6][1]
    // Sun 1 Nov 09:30Z = 01:30 PST (UTC-8) → [6][1] again: 2 in that cell
    // Sun 1 Nov 10:30Z = 02:30 PST → [6][2]
    // Mon 2 Nov 16:00Z = 08:00 PST → [0][8] (PDT would have read 09:00)
    const posts = [
      reply(utc('2026-11-01T08:30:00Z'), theirs(0, 'a')),
      reply(utc('2026-11-01T09:30:00Z'), theirs(0, 'b')),
      reply(utc('2026-11-01T10:30:00Z'), theirs(0, 'c')),
      reply(utc('2026-11-02T16:00:00Z'), theirs(0, 'd')),
    ];
    const m = measure(posts, NOVEMBER, { timeZone: 'America/Vancouver' });
    expect(m.repliesByHour).toEqual(grid([[6, 1, 2], [6, 2, 1], [0, 8, 1]]));
  });

  it('counts every instant once (countByHourOfWeek)', () => {
    // 168 instants one hour apart from Mon 17 Aug 00:00Z fill every UTC cell once.
    const hours = Array.from({ length: 168 }, (_, i) => Date.UTC(2026, 7, 17) + i * 3_600_000);
    expect(countByHourOfWeek(hours, 'UTC')).toEqual(Array.from({ length: 7 }, () => new Array(24).fill(1)));
    expect(countByHourOfWeek([], 'UTC')).toEqual(grid([]));
  });
});

describe('coverage: inbound messages and business hours (metrics.md §10)', () => {
  /**
   * Seven messages, Vancouver in August is PDT (UTC-7), office Mon-Fri 08:00-17:00, BC Day closed:
   * | UTC                  | Vancouver          | cell    | business hours?               |
   * | Wed 19 Aug 12:00Z    | Wed 05:00          | [2][5]  | no (before opening)           |
   * | Wed 19 Aug 16:00Z    | Wed 09:00          | [2][9]  | yes                           |
   * | Wed 19 Aug 23:59Z    | Wed 16:59          | [2][16] | yes                           |
   * | Thu 20 Aug 00:00Z    | Wed 17:00          | [2][17] | no (the close is not inside)  |
   * | Sat 22 Aug 18:00Z    | Sat 11:00          | [5][11] | no (weekend)                  |
   * | Mon  3 Aug 18:00Z    | Mon 11:00          | [0][11] | no (BC Day holiday)           |
   * | Mon 10 Aug 15:00Z    | Mon 08:00          | [0][8]  | yes (the opening is inside)   |
   * Outside business hours: 4 of 7.
   */
  const SEVEN = [
    '2026-08-19T12:00:00Z',
    '2026-08-19T16:00:00Z',
    '2026-08-19T23:59:00Z',
    '2026-08-20T00:00:00Z',
    '2026-08-22T18:00:00Z',
    '2026-08-03T18:00:00Z',
    '2026-08-10T15:00:00Z',
  ];
  const SEVEN_CELLS = [
    [2, 5, 1],
    [2, 9, 1],
    [2, 16, 1],
    [2, 17, 1],
    [5, 11, 1],
    [0, 11, 1],
    [0, 8, 1],
  ] as const;

  it('grids the inbound messages on the business clock and gives the out-of-hours share 4/7', () => {
    const m = measure([], AUGUST, { businessHours: OFFICE, inbound: inboundAt(SEVEN) });
    expect(m.inboundByHour).toEqual(grid(SEVEN_CELLS));
    expect(m.outOfHoursInboundShare).toBe(4 / 7);
    expect(m.repliesByHour).toEqual(grid([]));
  });

  it('without business hours: the grid on the window clock, no out-of-hours share', () => {
    // UTC cells: Wed 12, Wed 16, Wed 23, Thu 0, Sat 18, Mon 18, Mon 15.
    const m = measure([], AUGUST, { inbound: inboundAt(SEVEN) });
    expect(m.timeZone).toBe('UTC');
    expect(m.inboundByHour).toEqual(
      grid([[2, 12, 1], [2, 16, 1], [2, 23, 1], [3, 0, 1], [5, 18, 1], [0, 18, 1], [0, 15, 1]]),
    );
    expect(m.outOfHoursInboundShare).toBeNull();
  });

  it('business hours but no inbound data (outbound-only): no inbound grid, no share', () => {
    const m = measure([], AUGUST, { businessHours: OFFICE, inbound: null });
    expect(m.inboundByHour).toBeNull();
    expect(m.outOfHoursInboundShare).toBeNull();
  });

  it('inbound data with no message: an empty grid, and a share of nothing is null', () => {
    const m = measure([], AUGUST, { businessHours: OFFICE, inbound: inboundAt([]) });
    expect(m.inboundByHour).toEqual(grid([]));
    expect(m.outOfHoursInboundShare).toBeNull();
  });

  it('across the fall-back night the business clock follows the zone: 08:30 PST Monday is open', () => {
    // Mon 2 Nov 16:30Z = 08:30 PST (UTC-8): open → inside. Mon 2 Nov 15:30Z = 07:30 PST: outside.
    // (Read with the summer offset both would be an hour later, and both inside.) 1 of 2 outside.
    const m = measure([], NOVEMBER, {
      businessHours: OFFICE,
      inbound: inboundAt(['2026-11-02T16:30:00Z', '2026-11-02T15:30:00Z']),
    });
    expect(m.inboundByHour).toEqual(grid([[0, 8, 1], [0, 7, 1]]));
    expect(m.outOfHoursInboundShare).toBe(1 / 2);
  });
});
