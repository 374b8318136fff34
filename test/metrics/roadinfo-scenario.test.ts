import { describe, expect, it } from 'vitest';
import { measureAll } from '../../src/metrics/index.js';
import type { MetricContext } from '../../src/metrics/types.js';
import type { AuthorRef, Post, PostRef } from '../../src/model/post.js';
import { ReportSchema } from '../../src/schema/report.js';
import { DEFAULT_SCORING_MODEL } from '../../src/scoring/model.js';
import { buildRecommendations } from '../../src/scoring/recommendations.js';
import { scoreAudit } from '../../src/scoring/score.js';
import { FIRE, SELF, makeCtx, makeSet, post } from '../helpers/posts.js';

/**
 * The RoadInfo BC reference scenario (../shared/fixtures-reference/README.md) on X: the 10
 * items P0, T1, R1, T2, RT1, Q1, R2, T3, T4, R3 with the millisecond times their ids carry.
 * Two reply targets have no time in the payload (M1, M3: decoded from the snowflake), one has
 * it (M2), as in the v2 `includes.tweets` / archive mix.
 */
const KAT: AuthorRef = { id: '1124378617443254272', handle: 'okanagan_kat' };
const TRUCKER: AuthorRef = { id: '2318844270', handle: 'truckerdave_bc' };
const PETE: AuthorRef = { id: '1404259985126469632', handle: 'peachland_pete' };
const SITE = 'https://roadinfobc.example';

const target = (id: string, author: AuthorRef, createdAt: string | null = null): PostRef => ({ id, url: null, author, createdAt });
const item = (id: string, createdAt: string, over: Partial<Post>): Post => ({
  ...post(0, over),
  id,
  url: `https://x.com/RoadInfoBC/status/${id}`,
  createdAt,
});

const P0 = item('2089842275017224192', '2026-08-18T22:30:00.412Z', {
  text: 'Reminder: #BCHwy1 paving east of Chase tonight 8 PM to 6 AM.',
  links: [`${SITE}/events/DBC-58102`],
  hashtags: ['BCHwy1'],
});
const T1 = item('2090077627686039552', '2026-08-19T14:05:12.861Z', {
  text: '⚠️ #BCHwy97 CLOSED in both directions between Summerland and Peachland due to wildfire activity.',
  links: [`${SITE}/events/DBC-58213`],
  hashtags: ['BCHwy97', 'OkanaganFire'],
});
const R1 = item('2090085901656498176', '2026-08-19T14:38:05.530Z', {
  text: '@okanagan_kat Yes, Hwy 97C is open to all vehicles including RVs and trailers.',
  replyTo: target('2090081768915566592', KAT),
  links: [SITE],
  mentions: [KAT],
});
const T2 = item('2090122302198636544', '2026-08-19T17:02:44.095Z', {
  text: 'UPDATE: #BCHwy97 remains closed between Summerland and Peachland.',
  replyTo: target(T1.id, SELF, T1.createdAt),
  hashtags: ['BCHwy97'],
});
const RT1 = item('2090124146346573824', '2026-08-19T17:10:03.774Z', {
  text: '',
  repostOf: target('2090118707775373312', FIRE, '2026-08-19T16:48:27.118Z'),
});
const Q1 = item('2090144264556617728', '2026-08-19T18:30:00.329Z', {
  text: 'Drivers on #BCHwy5 and #BCHwy97C: slow down, turn on your headlights and leave extra following distance in smoke.',
  quoteOf: target('2090137261372575744', FIRE),
  links: ['https://x.com/BCFireUpdates/status/2090137261372575744'],
  hashtags: ['BCHwy5', 'BCHwy97C'],
});
const R2 = item('2090178866251771904', '2026-08-19T20:47:30.016Z', {
  text: '@truckerdave_bc Hwy 3 is open with single-lane alternating traffic at Hedley for rock scaling.',
  replyTo: target('2090153121132392448', TRUCKER, '2026-08-19T19:05:11.902Z'),
  mentions: [TRUCKER],
});
const T3 = item('2090242410941788160', '2026-08-20T01:00:00.251Z', {
  text: 'Get closure alerts on your phone 📱 Download the free RoadInfo BC app: https://t.co/dMjIOeU6ld #DriveSafe',
  links: [`${SITE}/app?utm_source=x&utm_campaign=app`],
  hashtags: ['DriveSafe'],
  pinned: true,
});
const T4 = item('2090456862499086336', '2026-08-20T15:12:09.487Z', {
  text: '#BCHwy97 has REOPENED to single-lane alternating traffic between Summerland and Peachland.',
  links: [`${SITE}/events/DBC-58213`],
  hashtags: ['BCHwy97'],
});
const R3 = item('2090464954038857728', '2026-08-20T15:44:18.660Z', {
  text: '@peachland_pete Yes, a pilot car is leading traffic through the fire zone.',
  replyTo: target('2090459069734666240', PETE),
  mentions: [PETE],
});

const POSTS = [R3, T4, T3, R2, Q1, RT1, T2, R1, T1, P0];
/** Default window of an offline input: the 30 days ending at the newest item + 1 ms (metrics.md §1). */
const untilMs = Date.parse(R3.createdAt) + 1;
const window = { sinceMs: untilMs - 30 * 86_400_000, untilMs, timeZone: 'UTC' };
const ctx: MetricContext = makeCtx({ window, website: SITE, ownHashtags: ['DriveBC', 'DriveSafe'] });
const set = makeSet(POSTS, { window });

describe('RoadInfo BC reference scenario', () => {
  const m = measureAll(set, ctx);

  it('counts: 4 originals (P0 T1 T3 T4), 3 replies to others, 1 self-thread (T2), 1 quote, 1 repost', () => {
    expect(m.counts).toEqual({
      items: 10,
      original: 4,
      replyToOther: 3,
      replyToSelf: 1,
      quoteToOther: 1,
      quoteToSelf: 0,
      repostToOther: 1,
      repostToSelf: 0,
      replyTargetUnknown: 0,
      excludedNonPublic: 0,
    });
  });

  it('reply ratio: 3 / (10 - 1 repost) = 3/9', () => {
    expect(m.replyRatio).toEqual({ value: 3 / 9, numerator: 3, denominator: 9 });
  });

  it('latency: R1 985.323 s, R3 1402.927 s, R2 6138.114 s → median 1402.927, p90 the 3rd smallest', () => {
    // R1: 14:38:05.530 - 14:21:40.207 (M1 from its id) = 16 min 25.323 s = 985.323 s
    // R2: 20:47:30.016 - 19:05:11.902 (M2 from the payload) = 1 h 42 min 18.114 s = 6138.114 s
    // R3: 15:44:18.660 - 15:20:55.733 (M3 from its id) = 23 min 22.927 s = 1402.927 s
    // n = 3: median = 2nd = 1402.927; p90 rank ceil(2.7) = 3 → 6138.114;
    // within 1 h: R1, R3 = 2/3; within 1 day: 3/3.
    expect(m.responseLatency).toMatchObject({
      n: 3,
      medianSeconds: 1402.927,
      p90Seconds: 6138.114,
      withinOneHourShare: 2 / 3,
      withinOneDayShare: 1,
      unknownTargetTime: 0,
      noTargetPost: 0,
      dropped: 0,
    });
    expect(m.responseLatency.slowest.map((e) => [e.id, e.latencySeconds, e.note])).toEqual([
      [R2.id, 6138.114, 'answered after 1 h 42 min'],
      [R3.id, 1402.927, 'answered after 23 min 23 s'],
      [R1.id, 985.323, 'answered after 16 min 25 s'],
    ]);
  });

  it('mix: conversation R1 R2 R3 Q1 = 4/10, amplification RT1 = 1/10, broadcast P0 T1 T2 T3 T4 = 5/10', () => {
    // Runs of broadcasts: P0 T1 | R1 | T2 (RT1 neither ends nor lengthens) | Q1 R2 | T3 T4 | R3:
    // two runs of 2; the most recent (T3, T4) is kept.
    expect(m.mix).toEqual({
      conversation: 4,
      amplification: 1,
      broadcast: 5,
      conversationShare: 0.4,
      amplificationShare: 0.1,
      broadcastShare: 0.5,
      longestBroadcastRun: { length: 2, from: T3.createdAt, to: T4.createdAt },
    });
  });

  it('self-promotion: only T3 (own link 1 + own hashtag #DriveSafe 1 = 2) → 1/10', () => {
    // P0, T1, T4: own link only (1 point). R1 links home but answers someone (never counts).
    // Q1 links to the quoted post on x.com, not an own domain. RT1 reposts a non-affiliate.
    expect(m.selfPromotion.count).toBe(1);
    expect(m.selfPromotion.share).toBe(0.1);
    expect(m.selfPromotion.items).toEqual([
      {
        id: T3.id,
        url: T3.url,
        createdAt: T3.createdAt,
        text: T3.text,
        note: `2 points: link to its own site (${SITE}/app?utm_source=x&utm_campaign=app); own hashtag #DriveSafe`,
        points: 2,
        signals: ['ownDomainLink', 'ownHashtag'],
      },
    ]);
  });

  it('score 60, BEING social, by the arithmetic of metrics.md §4', () => {
    // replyRatio 3/9 on [0.2,0.5]-[0.5,0.9]: 0.5 + (1/3 - 0.2)/0.3 · 0.4 = 61/90 = 0.677778
    // latency 1402.927 on [900,1]-[3600,0.9]: 1 - 502.927/2700 · 0.1 = 0.981373; × min(1, 3/10) = 0.294412
    // mix 0.4 on [0.2,0.5]-[0.5,0.9]: 0.5 + 0.2/0.3 · 0.4 = 23/30 = 0.766667
    // self-promotion 0.1 on [0.05,0.9]-[0.2,0.5]: 0.9 - 0.05/0.15 · 0.4 = 23/30 = 0.766667
    // Σ w·s = 16.944444 + 8.832358 + 19.166667 + 15.333333 = 60.276802 (Σ w = 100) → 60 → BEING (>= 60)
    // Response rate: outbound-only (no inbound data), so not applicable: no weight, 0 points.
    const { metricScores, score } = scoreAudit(m, DEFAULT_SCORING_MODEL);
    expect(metricScores.replyRatio).toBeCloseTo(61 / 90, 10);
    expect(metricScores.responseLatency).toBeCloseTo((1 - (502.927 / 2700) * 0.1) * 0.3, 10);
    expect(metricScores.mix).toBeCloseTo(23 / 30, 10);
    expect(metricScores.selfPromotion).toBeCloseTo(23 / 30, 10);
    expect(score.value).toBe(60);
    expect(score.verdict).toBe('BEING');
    expect(metricScores.responseRate).toBeNull();
    expect(score.breakdown.map((b) => b.points.toFixed(4))).toEqual(['16.9444', '8.8324', '19.1667', '15.3333', '0.0000']);
  });

  it('recommendations by gain: latency 21.17, reply ratio 8.06, mix 5.83, self-promotion 4.67', () => {
    // gain = 100 · w · (1 - s) / 100: 30 · 0.705588 = 21.1676; 25 · 0.322222 = 8.0556;
    // 25 · 0.233333 = 5.8333; 20 · 0.233333 = 4.6667.
    const scored = scoreAudit(m, DEFAULT_SCORING_MODEL);
    const recs = buildRecommendations(m, scored, DEFAULT_SCORING_MODEL, set);
    expect(recs.map((r) => [r.id, r.gain.toFixed(4)])).toEqual([
      ['answer-faster', '21.1676'],
      ['reply-more', '8.0556'],
      ['converse-more', '5.8333'],
      ['promote-less', '4.6667'],
    ]);
    const [latency, ratio, mix, promo] = recs;
    expect(latency?.title).toBe('Answer more people');
    expect(latency?.detail).toContain('Median first reply took 23 min 23 s across 3 conversations; 67% were answered within an hour.');
    expect(latency?.detail).toContain('scaled by 3/10 (to 0.29)');
    expect(latency?.evidence.map((e) => e.id)).toEqual([R2.id, R3.id, R1.id]);
    expect(ratio?.detail).toContain('3 of the 9 posts the account wrote in this period (33%) were replies to other people. Aim for at least 50% (scores 0.9 of 1).');
    expect(ratio?.detail).toContain('2 broadcasts in a row, from 2026-08-20 01:00 UTC to 2026-08-20 15:12 UTC');
    expect(ratio?.evidence.map((e) => [e.id, e.note])).toEqual([
      [T3.id, 'broadcast 1 of 2 in a row'],
      [T4.id, 'broadcast 2 of 2 in a row'],
    ]);
    expect(mix?.detail).toContain('4 of 10 items (40%) were conversation');
    expect(mix?.evidence.map((e) => e.id)).toEqual([T3.id, T4.id]);
    expect(promo?.detail).toContain('1 of 10 items (10%) promoted the account itself (signals: links to its own site ×1, own hashtags ×1). Keep it to 5% or less (scores 0.9 of 1).');
    expect(promo?.evidence.map((e) => e.id)).toEqual([T3.id]);
  });

  it('with the fire agency as an affiliate, RT1 and Q1 promote too: 3/10 → score 52, DOING social', () => {
    // RT1 repost of an affiliate = 2, Q1 quote of an affiliate = 2, T3 = 2 → 3/10 = 0.3.
    // Self-promotion 0.3 on [0.2,0.5]-[0.5,0.1]: 0.5 - 0.1/0.3 · 0.4 = 0.366667 → 20 · 0.366667 = 7.333333.
    // Σ = 16.944444 + 8.832358 + 19.166667 + 7.333333 = 52.276802 → 52 → DOING.
    const withAffiliate = measureAll(set, { ...ctx, affiliates: ['BCFireUpdates'] });
    expect(withAffiliate.selfPromotion.items.map((i) => i.id)).toEqual([T3.id, Q1.id, RT1.id]);
    const { score } = scoreAudit(withAffiliate, DEFAULT_SCORING_MODEL);
    expect(score.value).toBe(52);
    expect(score.verdict).toBe('DOING');
  });

  it('the slices fit the report schema exactly (nothing stripped, nothing missing)', () => {
    const scored = scoreAudit(m, DEFAULT_SCORING_MODEL);
    const s = scored.metricScores;
    const metrics = {
      replyRatio: { ...m.replyRatio, score: s.replyRatio },
      responseLatency: { ...m.responseLatency, score: s.responseLatency },
      mix: { ...m.mix, score: s.mix },
      selfPromotion: { ...m.selfPromotion, score: s.selfPromotion },
      responseRate: m.responseRate === null ? null : { ...m.responseRate, score: s.responseRate },
      coverage: m.coverage,
      cannedReplies: m.cannedReplies,
      peopleEngaged: m.peopleEngaged,
    };
    const recommendations = buildRecommendations(m, scored, DEFAULT_SCORING_MODEL, set);
    expect(ReportSchema.shape.metrics.parse(metrics)).toEqual(metrics);
    expect(ReportSchema.shape.counts.parse(m.counts)).toEqual(m.counts);
    expect(ReportSchema.shape.score.parse(scored.score)).toEqual(scored.score);
    expect(ReportSchema.shape.recommendations.parse(recommendations)).toEqual(recommendations);
  });
});
