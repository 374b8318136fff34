import { describe, expect, it } from 'vitest';
import { measureAll } from '../../src/metrics/index.js';
import type { Post } from '../../src/model/post.js';
import { DEFAULT_SCORING_MODEL, type ScoringModel } from '../../src/scoring/model.js';
import { buildRecommendations } from '../../src/scoring/recommendations.js';
import { scoreAudit } from '../../src/scoring/score.js';
import { FIRE, HOUR, MINUTE, makeCtx, makeSet, original, ours, repost, reply, theirs } from '../helpers/posts.js';

const ctx = makeCtx({ website: 'https://roadinfobc.example', ownHashtags: ['DriveSafe'] });
const OWN = 'https://roadinfobc.example/app';

function recommend(posts: Post[], model: ScoringModel = DEFAULT_SCORING_MODEL) {
  const set = makeSet(posts);
  const m = measureAll(set, ctx);
  const scored = scoreAudit(m, model);
  return { m, scored, recs: buildRecommendations(m, scored, model, set) };
}

/** `k` replies to distinct targets, each answered `latencyMs` after the target, an hour apart. */
function answers(k: number, latencyMs: number, startMs = 0): Post[] {
  return Array.from({ length: k }, (_, i) => reply(startMs + i * HOUR + latencyMs, theirs(startMs + i * HOUR, `t${startMs}-${i}`)));
}

describe('recommendations (metrics.md §5)', () => {
  it('no activity: none', () => {
    expect(recommend([]).recs).toEqual([]);
  });

  it('every metric at 0.9 or above: none', () => {
    // 12 replies within 10 min (latency 1 × min(1, 12/10)), 12/12 replies → ratio 1, mix 1, no promotion.
    const { scored, recs } = recommend(answers(12, 10 * MINUTE));
    expect(scored.score.value).toBe(100);
    expect(recs).toEqual([]);
  });

  it('only broadcasts: reply ratio, latency and mix; no replies at all is the finding', () => {
    // 7 originals, nothing else: reply ratio 0 → 0, latency 0 (replied to no one), mix 0 → 0,
    // self-promotion 0 → 1 (no recommendation).
    // gains: 100·25/100 = 25, 100·30/100 = 30, 25 → latency 30, then reply ratio and mix tied at 25 in model order.
    const posts = Array.from({ length: 7 }, (_, i) => original(i * HOUR, { text: `Update ${i}` }));
    const { recs } = recommend(posts);
    expect(recs.map((r) => [r.metric, r.gain])).toEqual([
      ['responseLatency', 30],
      ['replyRatio', 25],
      ['mix', 25],
    ]);
    expect(recs[0]?.title).toBe('Answer the people who write to you');
    expect(recs[0]?.detail).toContain('The account replied to no one in this period');
    expect(recs[0]?.evidence).toEqual([]);
    expect(recs[1]?.title).toBe('Start answering people');
    expect(recs[1]?.detail).toContain('None of the 7 posts the account wrote in this period answered another person.');
    // The run is all 7 broadcasts; at most 5 are cited, the first 5 in time order.
    expect(recs[1]?.evidence.map((e) => e.note)).toEqual([1, 2, 3, 4, 5].map((i) => `broadcast ${i} of 7 in a row`));
    expect(recs[2]?.evidence).toHaveLength(5);
  });

  it('only reposts: the reply-ratio advice says nothing was written', () => {
    const { recs } = recommend([repost(0, theirs(0, 'f1', FIRE)), repost(HOUR, theirs(0, 'f2', FIRE))]);
    const ratio = recs.find((r) => r.metric === 'replyRatio');
    expect(ratio?.title).toBe('Write to people, not only repost');
    expect(ratio?.detail).toContain('All 2 items in this period were reposts');
  });

  it('slow answers: the 5 slowest replies are the evidence, slowest first', () => {
    // 14 conversations: 7 answered after 6 h 12 min, 7 after 30 min... median = mean of the 7th and
    // 8th smallest = (30 min + 6 h 12 min) / 2 = 3 h 21 min.
    const posts = [...answers(7, 30 * MINUTE), ...answers(7, 6 * HOUR + 12 * MINUTE, 100 * HOUR)];
    const { m, recs } = recommend(posts);
    expect(m.responseLatency.medianSeconds).toBe((30 * 60 + 6 * 3600 + 12 * 60) / 2);
    const latency = recs.find((r) => r.metric === 'responseLatency');
    expect(latency?.title).toBe('Answer faster');
    expect(latency?.detail).toMatch(/^Median first reply took 3 h 21 min across 14 conversations, 9 in 10 within 6 h 12 min; 50% were answered within an hour\. People expect an answer within about 1 h\./);
    expect(latency?.evidence).toHaveLength(5);
    expect(latency?.evidence.every((e) => e.note === 'answered after 6 h 12 min')).toBe(true);
  });

  it('self-promotion evidence: at most 5, most points first, then newest', () => {
    // 7 promotional posts: one with 3 points (oldest), six with 2; plus 3 replies so the
    // promotional share stays a share of N = 10.
    const promo3 = original(0, { text: 'Download our app', links: [OWN] });
    const promo2 = Array.from({ length: 6 }, (_, i) => original((i + 1) * HOUR, { links: [OWN], hashtags: ['DriveSafe'] }));
    const { m, recs } = recommend([promo3, ...promo2, ...answers(3, 5 * MINUTE, 50 * HOUR)]);
    expect(m.selfPromotion.count).toBe(7);
    const promo = recs.find((r) => r.metric === 'selfPromotion');
    expect(promo?.evidence.map((e) => e.id)).toEqual([promo3.id, promo2[5]?.id, promo2[4]?.id, promo2[3]?.id, promo2[2]?.id]);
    expect(promo?.detail).toContain('7 of 10 items (70%) promoted the account itself');
  });

  it('a metric with weight 0 gets no recommendation; gains use the remaining Σ w', () => {
    const model: ScoringModel = { ...DEFAULT_SCORING_MODEL, weights: { replyRatio: 0, responseLatency: 30, mix: 25, selfPromotion: 20 } };
    const posts = [original(0), original(HOUR), reply(2 * HOUR, theirs(2 * HOUR - 10 * MINUTE, 'a'))];
    // latency 10 min → 1 × 1/10 = 0.1; mix 1/3: 0.5 + (0.1333/0.3)·0.4 = 0.677778; Σ w = 75.
    // gains: latency 100·30·0.9/75 = 36; mix 100·25·0.322222/75 = 10.7407.
    const { recs } = recommend(posts, model);
    expect(recs.map((r) => r.metric)).toEqual(['responseLatency', 'mix']);
    expect(recs[0]?.gain).toBeCloseTo(36, 9);
    expect(recs[1]?.gain).toBeCloseTo((100 * 25 * (1 - 61 / 90)) / 75, 9);
    expect(recs[0]?.title).toBe('Answer more people');
  });

  it('a self-thread does not break the run of broadcasts cited as evidence', () => {
    const posts = [original(0), reply(HOUR, ours(0, 'o')), original(2 * HOUR), reply(3 * HOUR, theirs(2 * HOUR, 'a'))];
    const { recs } = recommend(posts);
    const mix = recs.find((r) => r.metric === 'mix');
    expect(mix?.evidence.map((e) => e.note)).toEqual([
      'broadcast 1 of 3 in a row',
      'broadcast 2 of 3 in a row',
      'broadcast 3 of 3 in a row',
    ]);
  });
});
