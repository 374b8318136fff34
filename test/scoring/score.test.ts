import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { Measurements } from '../../src/metrics/index.js';
import { DEFAULT_SCORING_MODEL, type ScoringModel } from '../../src/scoring/model.js';
import { clean, scoreAudit, scoreMetrics } from '../../src/scoring/score.js';

/** The figures scoring reads, everything else neutral. */
export interface Figures {
  items?: number;
  replyToOther?: number;
  replyRatio?: number | null;
  median?: number | null;
  n?: number;
  conversationShare?: number | null;
  selfPromotionShare?: number | null;
  /** `responseRate.value`; `'outbound'` (the default) for `outbound-only` mode, where the slice is null. */
  responseRate?: number | null | 'outbound';
}

/** An empty 7 × 24 grid. */
const grid = (): number[][] => Array.from({ length: 7 }, () => new Array<number>(24).fill(0));

/** Measurements with only the scored figures set (scoring reads nothing else). */
export function measurements(f: Figures): Measurements {
  const items = f.items ?? 20;
  const none = items === 0;
  return {
    counts: {
      items,
      original: 0,
      replyToOther: f.replyToOther ?? 5,
      replyToSelf: 0,
      quoteToOther: 0,
      quoteToSelf: 0,
      repostToOther: 0,
      repostToSelf: 0,
      replyTargetUnknown: 0,
      excludedNonPublic: 0,
    },
    replyRatio: { value: none ? null : (f.replyRatio === undefined ? 0.5 : f.replyRatio), numerator: 0, denominator: 0 },
    responseLatency: {
      n: f.n ?? 10,
      medianSeconds: none ? null : (f.median === undefined ? 900 : f.median),
      p90Seconds: null,
      withinOneHourShare: null,
      withinOneDayShare: null,
      unknownTargetTime: 0,
      noTargetPost: 0,
      dropped: 0,
      medianBusinessSeconds: null,
      p90BusinessSeconds: null,
      slowest: [],
    },
    mix: {
      conversation: 0,
      amplification: 0,
      broadcast: 0,
      conversationShare: none ? null : (f.conversationShare === undefined ? 0.5 : f.conversationShare),
      amplificationShare: null,
      broadcastShare: null,
      longestBroadcastRun: { length: 0, from: null, to: null },
    },
    selfPromotion: { share: none ? null : (f.selfPromotionShare === undefined ? 0 : f.selfPromotionShare), count: 0, items: [] },
    responseRate:
      f.responseRate === undefined || f.responseRate === 'outbound'
        ? null
        : {
            value: f.responseRate,
            inbound: f.responseRate === null ? 0 : 10,
            answered: f.responseRate === null ? 0 : Math.round(f.responseRate * 10),
            pending: 0,
            questions: 0,
            questionsAnswered: 0,
            medianFirstResponseSeconds: null,
            p90FirstResponseSeconds: null,
            medianFirstResponseBusinessSeconds: null,
            p90FirstResponseBusinessSeconds: null,
            giveUpAfterSeconds: 604_800,
            unanswered: [],
          },
    responsePeople: f.responseRate === undefined || f.responseRate === 'outbound' ? null : { wrote: 0, noAnswer: 0, asked: 0, askedNoAnswer: 0 },
    coverage: { timeZone: 'UTC', repliesByHour: grid(), inboundByHour: null, outOfHoursInboundShare: null },
    cannedReplies: { share: null, canned: 0, replies: 0, templates: [] },
    peopleEngaged: { distinct: 0, followThroughShare: null },
  };
}

const model = DEFAULT_SCORING_MODEL;

describe('metric scores (metrics.md §4)', () => {
  const rows: { why: string; f: Figures; scores: Record<string, number | null> }[] = [
    {
      why: 'all at their best: 1 each',
      f: { replyRatio: 0.7, median: 900, n: 10, conversationShare: 0.7, selfPromotionShare: 0 },
      scores: { replyRatio: 1, responseLatency: 1, mix: 1, selfPromotion: 1 },
    },
    {
      why: 'latency n=4 of latencyFullAt 10: the curve score 0.9 (1 h) × 0.4 = 0.36',
      f: { median: 3600, n: 4 },
      scores: { replyRatio: 0.9, responseLatency: 0.36, mix: 0.9, selfPromotion: 1 },
    },
    {
      why: 'latency n above latencyFullAt is not boosted: 2 h 30 min → 0.7 × min(1, 25/10) = 0.7',
      f: { median: 9000, n: 25 },
      scores: { replyRatio: 0.9, responseLatency: 0.7, mix: 0.9, selfPromotion: 1 },
    },
    {
      why: 'only reposts: reply ratio null and no replies → both score 0 (replied to no one)',
      f: { replyRatio: null, replyToOther: 0, median: null, n: 0, conversationShare: 0, selfPromotionShare: 0 },
      scores: { replyRatio: 0, responseLatency: 0, mix: 0, selfPromotion: 1 },
    },
    {
      why: 'replied to people but no reply could be timed: latency not applicable (null)',
      f: { replyToOther: 3, median: null, n: 0 },
      scores: { replyRatio: 0.9, responseLatency: null, mix: 0.9, selfPromotion: 1 },
    },
    {
      why: 'no items: every score null',
      f: { items: 0 },
      scores: { replyRatio: null, responseLatency: null, mix: null, selfPromotion: null, responseRate: null },
    },
    {
      why: 'outbound-only: response rate not applicable (null)',
      f: {},
      scores: { replyRatio: 0.9, responseLatency: 1, mix: 0.9, selfPromotion: 1, responseRate: null },
    },
    {
      why: 'inbound read but nobody wrote (or all pending): rate null → not applicable, unlike replying to no one',
      f: { responseRate: null },
      scores: { responseRate: null },
    },
    {
      why: 'response rate 0.65 (Socially Devoted) → 0.8 on its curve',
      f: { responseRate: 0.65 },
      scores: { responseRate: 0.8 },
    },
    {
      why: 'response rate 0.4: 0.3 + (0.15/0.25)·0.3 = 0.48',
      f: { responseRate: 0.4 },
      scores: { responseRate: 0.48 },
    },
    {
      why: 'response rate 0 → 0; 1 → 1 (flat beyond 0.9)',
      f: { responseRate: 0 },
      scores: { responseRate: 0 },
    },
    {
      why: 'response rate 1 → 1',
      f: { responseRate: 1 },
      scores: { responseRate: 1 },
    },
    {
      why: 'no items: response rate null too, whatever the inbox holds (no activity)',
      f: { items: 0, responseRate: 0 },
      scores: { responseRate: null },
    },
  ];
  it.each(rows)('$why', ({ f, scores }) => {
    const got = scoreMetrics(measurements(f), model);
    for (const [k, v] of Object.entries(scores)) {
      if (v === null) expect(got[k as keyof typeof got]).toBeNull();
      else expect(got[k as keyof typeof got]).toBeCloseTo(v, 12);
    }
  });
});

describe('score and verdict', () => {
  it('NO_ACTIVITY: no score, null metric scores, 0 points each', () => {
    expect(scoreAudit(measurements({ items: 0 }), model)).toEqual({
      metricScores: { replyRatio: null, responseLatency: null, mix: null, selfPromotion: null, responseRate: null },
      score: {
        value: null,
        verdict: 'NO_ACTIVITY',
        breakdown: [
          { metric: 'replyRatio', weight: 25, score: null, points: 0 },
          { metric: 'responseLatency', weight: 30, score: null, points: 0 },
          { metric: 'mix', weight: 25, score: null, points: 0 },
          { metric: 'selfPromotion', weight: 20, score: null, points: 0 },
          { metric: 'responseRate', weight: 30, score: null, points: 0 },
        ],
      },
    });
  });

  it('every metric at 0.6 → exactly 60, and 60 >= threshold 60 is BEING', () => {
    // reply ratio / mix 0.275: 0.5 + (0.075/0.3)·0.4 = 0.6; latency 11 700 s: 0.9 - (8100/10800)·0.4 = 0.6;
    // self-promotion 0.1625: 0.9 - (0.1125/0.15)·0.4 = 0.6. 100·(25+30+25+20)·0.6/100 = 60.
    const m = measurements({ replyRatio: 0.275, median: 11_700, n: 10, conversationShare: 0.275, selfPromotionShare: 0.1625 });
    const { score } = scoreAudit(m, model);
    expect(score.value).toBe(60);
    expect(score.verdict).toBe('BEING');
    expect(score.breakdown.map((b) => b.points)).toEqual([15, 18, 15, 12, 0]);
    const stricter: ScoringModel = { ...model, threshold: 61 };
    expect(scoreAudit(m, stricter).score.verdict).toBe('DOING');
  });

  it('a weighted mean of exactly 59.5 rounds half up to 60', () => {
    // replyRatio 1 (0.7), latency 0 (3 days), mix 1 (0.7), self-promotion 0.475:
    // 0.5 + (0.21875-0.2)/0.3·(0.1-0.5) = 0.5 - 0.025. 25·1 + 30·0 + 25·1 + 20·0.475 = 59.5.
    const m = measurements({ replyRatio: 0.7, median: 259_200, n: 10, conversationShare: 0.7, selfPromotionShare: 0.21875 });
    const { score } = scoreAudit(m, model);
    expect(score.value).toBe(60);
    expect(score.breakdown.reduce((s, b) => s + b.points, 0)).toBeCloseTo(59.5, 9);
  });

  it('float noise does not decide a rounding: 59.49999999999999 is read as 59.5 → 60', () => {
    expect(Math.round(clean(59.49999999999999))).toBe(60);
    expect(clean(0.1 + 0.2)).toBe(0.3);
  });

  it('weights: 100·Σ w·s / Σ w, rounded', () => {
    // replyRatio 0.35 → 0.7; latency 9000 s n=10 → 0.7; mix 0.1 → 0.3333…; self-promotion 0.1 → 0.7667.
    // 25·0.7 + 30·0.7 + 25·0.33333 + 20·0.76667 = 17.5 + 21 + 8.3333 + 15.3333 = 62.1667 → 62.
    const { score } = scoreAudit(
      measurements({ replyRatio: 0.35, median: 9000, n: 10, conversationShare: 0.1, selfPromotionShare: 0.1 }),
      model,
    );
    expect(score.value).toBe(62);
    expect(score.verdict).toBe('BEING');
    expect(score.breakdown[2]?.points).toBeCloseTo(8.3333333333, 9);
  });

  it('a not-applicable latency counts for nothing: Σ w = 70', () => {
    // replyRatio 0.2 → 0.5, mix 0.2 → 0.5, self-promotion 0 → 1: 100·(12.5 + 12.5 + 20)/70 = 64.29 → 64.
    const { score, metricScores } = scoreAudit(
      measurements({ replyRatio: 0.2, replyToOther: 2, median: null, n: 0, conversationShare: 0.2, selfPromotionShare: 0 }),
      model,
    );
    expect(metricScores.responseLatency).toBeNull();
    expect(score.value).toBe(64);
    expect(score.breakdown[1]).toEqual({ metric: 'responseLatency', weight: 30, score: null, points: 0 });
    expect(score.breakdown[3]?.points).toBeCloseTo(2000 / 70, 9);
  });

  it('inbound+outbound: the response rate joins with weight 30, Σ w = 130', () => {
    // Every outbound metric at 0.6 (as above: 60 of 100 weight points) and a response rate of 0.4
    // → 0.48: 100·(60 + 30·0.48)/130 = 100·74.4/130 = 57.23 → 57, DOING.
    const m = measurements({
      replyRatio: 0.275,
      median: 11_700,
      n: 10,
      conversationShare: 0.275,
      selfPromotionShare: 0.1625,
      responseRate: 0.4,
    });
    const { score, metricScores } = scoreAudit(m, model);
    expect(metricScores.responseRate).toBe(0.48);
    expect(score.value).toBe(57);
    expect(score.verdict).toBe('DOING');
    expect(score.breakdown[4]?.points).toBeCloseTo((100 * 30 * 0.48) / 130, 9);
  });

  it('inbound read but the rate is null (nobody wrote): the weight is left out, Σ w = 100', () => {
    const m = measurements({ replyRatio: 0.275, median: 11_700, n: 10, conversationShare: 0.275, selfPromotionShare: 0.1625, responseRate: null });
    expect(scoreAudit(m, model).score.value).toBe(60);
  });

  it('weights adding up to 0 are a usage error', () => {
    const zero: ScoringModel = { ...model, weights: { replyRatio: 0, responseLatency: 0, mix: 0, selfPromotion: 0, responseRate: 0 } };
    expect(() => scoreAudit(measurements({}), zero)).toThrow(UsageError);
  });
});
