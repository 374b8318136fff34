import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../../src/config.js';
import { tidMs } from '../../src/ids.js';
import { compute, targetTimeMs } from '../../src/metrics/response-latency.js';
import { median, nearestRank } from '../../src/metrics/stats.js';
import type { Post } from '../../src/model/post.js';
import {
  DAY,
  HOUR,
  MINUTE,
  PETE,
  SECOND,
  T0,
  WINDOW,
  makeCtx,
  makeSet,
  ours,
  reply,
  theirs,
} from '../helpers/posts.js';

/** One reply per target: target `t<i>` written at T0, answered `latenciesMs[i]` later. */
function pairs(latenciesMs: readonly number[]): Post[] {
  return latenciesMs.map((ms, i) => reply(ms, theirs(0, `t${i}`)));
}

const measure = (posts: Post[], window = WINDOW) => compute(makeSet(posts, { window }), makeCtx({ window: { ...window, timeZone: 'UTC' } }));

describe('target time (metrics.md §3.2)', () => {
  it('comes from the payload when present', () => {
    expect(targetTimeMs(theirs(5 * MINUTE, '2090081768915566592'), 'x')).toBe(T0 + 5 * MINUTE);
  });
  it('else from an X snowflake: (id >> 22) + 1288834974657 = 2026-08-19T14:21:40.207Z (M1)', () => {
    expect(targetTimeMs(theirs(null, '2090081768915566592'), 'x')).toBe(Date.parse('2026-08-19T14:21:40.207Z'));
  });
  it('else from a Mastodon id: id >> 16 = 2026-08-19T14:21:40.207Z (M1 on mstdn.bc.example)', () => {
    expect(targetTimeMs(theirs(null, '117122616538420235'), 'mastodon')).toBe(Date.parse('2026-08-19T14:21:40.207Z'));
  });
  it('else from a Bluesky TID record key inside the at:// URI', () => {
    const ms = targetTimeMs(theirs(null, 'at://did:plc:kat/app.bsky.feed.post/3mtgwjnbobc2v'), 'bluesky');
    expect(ms).toBe(tidMs('3mtgwjnbobc2v'));
    expect(ms).not.toBeNull();
  });
  it('is unknown for a pre-snowflake or non-numeric id without a time', () => {
    expect(targetTimeMs(theirs(null, '12345'), 'x')).toBeNull();
    expect(targetTimeMs(theirs(null, 'not-an-id'), 'mastodon')).toBeNull();
  });
});

describe('order statistics', () => {
  const rows: { why: string; values: number[]; median: number; p90: number }[] = [
    { why: 'n=1: both are the value', values: [7], median: 7, p90: 7 },
    { why: 'n=3 odd: middle value; p90 rank ceil(2.7)=3', values: [1, 2, 3], median: 2, p90: 3 },
    { why: 'n=4 even: mean of 2 and 3; p90 rank ceil(3.6)=4', values: [1, 2, 3, 4], median: 2.5, p90: 4 },
    { why: 'n=10: p90 rank ceil(9)=9 → 9th smallest', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], median: 5.5, p90: 9 },
    { why: 'n=11: p90 rank ceil(9.9)=10 → 10th smallest', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], median: 6, p90: 10 },
    {
      why: 'n=20: p90 rank ceil(18)=18 exactly, not 19',
      values: Array.from({ length: 20 }, (_, i) => i + 1),
      median: 10.5,
      p90: 18,
    },
  ];
  it.each(rows)('$why', ({ values, median: med, p90 }) => {
    expect(median(values)).toBe(med);
    expect(nearestRank(values, 90)).toBe(p90);
  });
  it('n=70: rank is 63 (0.9·70 computed in whole numbers)', () => {
    expect(nearestRank(Array.from({ length: 70 }, (_, i) => i + 1), 90)).toBe(63);
  });
});

describe('response latency (metrics.md §3.2)', () => {
  it('no replies to other people: n = 0 and null figures', () => {
    expect(measure([reply(HOUR, ours(0, 'o'))])).toEqual({
      n: 0,
      medianSeconds: null,
      p90Seconds: null,
      withinOneHourShare: null,
      withinOneDayShare: null,
      unknownTargetTime: 0,
      noTargetPost: 0,
      dropped: 0,
      medianBusinessSeconds: null,
      p90BusinessSeconds: null,
      slowest: [],
    });
  });

  it('R1: 14:38:05.530 - 14:21:40.207 (time from the id) = 985.323 s, ms kept as a fraction', () => {
    const r1 = reply(Date.parse('2026-08-19T14:38:05.530Z') - T0, theirs(null, '2090081768915566592'));
    const m = measure([r1]);
    expect(m.n).toBe(1);
    expect(m.medianSeconds).toBe(985.323);
    expect(m.p90Seconds).toBe(985.323);
    expect(m.slowest[0]).toMatchObject({ id: r1.id, latencySeconds: 985.323, note: 'answered after 16 min 25 s' });
  });

  const rows: {
    why: string;
    posts: () => Post[];
    n: number;
    medianSeconds: number | null;
    unknownTargetTime?: number;
    noTargetPost?: number;
    dropped?: number;
  }[] = [
    {
      why: 'two replies to the same target: only the first (10 min) counts, not the follow-up (3 h)',
      posts: () => [reply(10 * MINUTE, theirs(0, 'a')), reply(3 * HOUR, theirs(0, 'a'))],
      n: 1,
      medianSeconds: 600,
    },
    {
      why: 'the first reply came out of order in the input: still the earliest one (5 min)',
      posts: () => [reply(2 * HOUR, theirs(0, 'a')), reply(5 * MINUTE, theirs(0, 'a'))],
      n: 1,
      medianSeconds: 300,
    },
    {
      why: 'reply 30 s before the target: clock skew, counts as 0',
      posts: () => [reply(-30 * SECOND, theirs(0, 'a'))],
      n: 1,
      medianSeconds: 0,
    },
    {
      why: 'exactly 60 s before: still clock skew (between -60 s and 0), 0',
      posts: () => [reply(-60 * SECOND, theirs(0, 'a'))],
      n: 1,
      medianSeconds: 0,
    },
    {
      why: '61 s before: dropped',
      posts: () => [reply(-61 * SECOND, theirs(0, 'a'))],
      n: 0,
      medianSeconds: null,
      dropped: 1,
    },
    {
      why: '60.001 s before: below -60 s, dropped',
      posts: () => [reply(-60 * SECOND - 1, theirs(0, 'a'))],
      n: 0,
      medianSeconds: null,
      dropped: 1,
    },
    {
      why: 'target time unknown: counted once per distinct target (two replies to it, one more target known)',
      posts: () => [
        reply(HOUR, theirs(null, 'no-time')),
        reply(2 * HOUR, theirs(null, 'no-time')),
        reply(20 * MINUTE, theirs(0, 'b')),
      ],
      n: 1,
      medianSeconds: 1200,
      unknownTargetTime: 1,
    },
    {
      why: 'addressed to a user without a target post: noTargetPost counts items, no latency',
      posts: () => [
        reply(HOUR, { id: null, url: null, author: PETE, createdAt: null }),
        reply(2 * HOUR, { id: null, url: null, author: PETE, createdAt: null }),
      ],
      n: 0,
      medianSeconds: null,
      noTargetPost: 2,
    },
    {
      why: 'self-thread replies are not measured',
      posts: () => [reply(HOUR, ours(0, 'o')), reply(10 * MINUTE, theirs(0, 'a'))],
      n: 1,
      medianSeconds: 600,
    },
    {
      why: 'odd n=3: 10, 20, 30 min → median 20 min = 1200 s',
      posts: () => pairs([10 * MINUTE, 30 * MINUTE, 20 * MINUTE]),
      n: 3,
      medianSeconds: 1200,
    },
    {
      why: 'even n=4: 10, 20, 30, 40 min → (20 + 30) / 2 = 25 min = 1500 s',
      posts: () => pairs([10 * MINUTE, 20 * MINUTE, 30 * MINUTE, 40 * MINUTE]),
      n: 4,
      medianSeconds: 1500,
    },
    {
      why: 'even n with an odd ms sum: (1 ms + 2 ms) / 2 = 1.5 ms = 0.0015 s',
      posts: () => pairs([1, 2]),
      n: 2,
      medianSeconds: 0.0015,
    },
  ];
  it.each(rows)('$why', ({ posts, n, medianSeconds, unknownTargetTime = 0, noTargetPost = 0, dropped = 0 }) => {
    const m = measure(posts());
    expect({ n: m.n, medianSeconds: m.medianSeconds, unknownTargetTime: m.unknownTargetTime, noTargetPost: m.noTargetPost, dropped: m.dropped }).toEqual({
      n,
      medianSeconds,
      unknownTargetTime,
      noTargetPost,
      dropped,
    });
  });

  it('a target first answered before the window is left out: the in-window reply is a follow-up', () => {
    const window = { sinceMs: T0, untilMs: T0 + DAY };
    // First reply to "a" 1 h before the window opens; the second is inside. Target "b" is new.
    const m = measure(
      [reply(-HOUR, theirs(-2 * HOUR, 'a')), reply(HOUR, theirs(-2 * HOUR, 'a')), reply(15 * MINUTE, theirs(0, 'b'))],
      { ...window, timeZone: 'UTC' },
    );
    expect(m.n).toBe(1);
    expect(m.medianSeconds).toBe(900);
    expect(m.unknownTargetTime).toBe(0);
  });

  it('p90 n=10 → 9th smallest; n=11 → 10th smallest (minutes 1..n)', () => {
    const minutes = (k: number) => Array.from({ length: k }, (_, i) => (i + 1) * MINUTE);
    expect(measure(pairs(minutes(10))).p90Seconds).toBe(9 * 60);
    expect(measure(pairs(minutes(11))).p90Seconds).toBe(10 * 60);
  });

  it('within one hour / one day: exactly 3600 s and exactly 86400 s count, 1 ms more does not', () => {
    const m = measure(pairs([HOUR, HOUR + 1, DAY, DAY + 1]));
    // <= 1 h: only the first of 4 → 1/4; <= 1 d: the first three → 3/4.
    expect(m.withinOneHourShare).toBe(1 / 4);
    expect(m.withinOneDayShare).toBe(3 / 4);
  });

  it('slowest: up to 5, slowest first, each with its note and seconds', () => {
    const lat = [5, 93_900, 60, 7_200, 30, 600, 86_401].map((s) => s * SECOND);
    const m = measure(pairs(lat));
    expect(m.n).toBe(7);
    expect(m.slowest.map((e) => e.latencySeconds)).toEqual([93_900, 86_401, 7_200, 600, 60]);
    expect(m.slowest.map((e) => e.note)).toEqual([
      'answered after 26 h 5 min',
      'answered after 24 h',
      'answered after 2 h',
      'answered after 10 min',
      'answered after 1 min',
    ]);
  });
});

describe('response latency on the business clock (metrics.md §10)', () => {
  /** Vancouver weekdays 08:00-17:00 PDT = 15:00Z-00:00Z; T0 (Wed 2026-08-19 12:00Z) is Wed 05:00 PDT. */
  const businessHours: BusinessHours = {
    timeZone: 'America/Vancouver',
    days: { mon: ['08:00', '17:00'], tue: ['08:00', '17:00'], wed: ['08:00', '17:00'], thu: ['08:00', '17:00'], fri: ['08:00', '17:00'] },
  };
  const withHours = (posts: Post[]) => compute(makeSet(posts), makeCtx({ businessHours }));

  it('each pair is measured again on the business clock, and ranked on its own', () => {
    // Targets at Wed 05:00 PDT, answered at:
    //   07:00 Wed  → wall 2 h,     business 0 (before opening)
    //   09:00 Wed  → wall 4 h,     business 1 h (08:00-09:00)
    //   17:00 Wed  → wall 12 h,    business 9 h (the whole day)
    //   09:00 Sat  → wall 76 h,    business 27 h (Wed, Thu, Fri; Saturday closed)
    // Wall median (4 h + 12 h) / 2 = 8 h = 28 800 s; business median (1 h + 9 h) / 2 = 5 h = 18 000 s;
    // p90 rank ceil(3.6) = 4 → 76 h = 273 600 s and 27 h = 97 200 s.
    const m = withHours(pairs([2 * HOUR, 4 * HOUR, 12 * HOUR, 3 * DAY + 4 * HOUR]));
    expect(m.medianSeconds).toBe(28_800);
    expect(m.p90Seconds).toBe(273_600);
    expect(m.medianBusinessSeconds).toBe(18_000);
    expect(m.p90BusinessSeconds).toBe(97_200);
  });

  it('a skewed reply (30 s before its target) is 0 on both clocks', () => {
    const m = withHours([reply(4 * HOUR - 30 * SECOND, theirs(4 * HOUR, 'a'))]);
    expect(m.medianSeconds).toBe(0);
    expect(m.medianBusinessSeconds).toBe(0);
  });

  it('null without business hours, and null with them when nothing was measured', () => {
    expect(measure(pairs([HOUR])).medianBusinessSeconds).toBeNull();
    expect(measure(pairs([HOUR])).p90BusinessSeconds).toBeNull();
    expect(withHours([]).medianBusinessSeconds).toBeNull();
  });
});
