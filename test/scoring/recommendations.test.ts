import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../../src/config.js';
import { selectInbound } from '../../src/inbound.js';
import { measureAll } from '../../src/metrics/index.js';
import type { Post } from '../../src/model/post.js';
import { DEFAULT_SCORING_MODEL, type ScoringModel } from '../../src/scoring/model.js';
import { buildRecommendations } from '../../src/scoring/recommendations.js';
import { scoreAudit } from '../../src/scoring/score.js';
import {
  FIRE,
  HOUR,
  MINUTE,
  SELF,
  T0,
  WINDOW,
  makeCtx,
  makeSet,
  original,
  ours,
  person,
  post,
  repost,
  reply,
  self,
  theirs,
} from '../helpers/posts.js';

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
    const model: ScoringModel = { ...DEFAULT_SCORING_MODEL, weights: { replyRatio: 0, responseLatency: 30, mix: 25, selfPromotion: 20, responseRate: 30 } };
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

describe('response-rate recommendation (metrics.md §9: speaks of people)', () => {
  /** A message to the account by `user_<id>` at `T0 + time`. */
  const msg = (id: string, time: number, text = 'Thanks for the update.'): Post =>
    post(time, { id, author: person(`user_${id}`), text, mentions: [SELF] });

  function listen(own: Post[], others: Post[], businessHours: BusinessHours | null = null) {
    const set = makeSet(own);
    const inbound = selectInbound(others, { self, posts: own }, { window: WINDOW, fetchedAtMs: null, affiliates: [] });
    const m = measureAll(set, makeCtx({ inbound, businessHours }));
    const scored = scoreAudit(m, DEFAULT_SCORING_MODEL);
    return { m, scored, recs: buildRecommendations(m, scored, DEFAULT_SCORING_MODEL, set) };
  }

  // 12 quick replies (10 min) to t0-0 … t0-11, so every outbound metric scores 1; four of their
  // targets wrote to the account. Six more people wrote and got nothing (three asked a question),
  // and one message (08-31 23:00) is still pending.
  const own = answers(12, 10 * MINUTE);
  const answeredMsgs = [0, 1, 2, 3].map((i) => msg(`t0-${i}`, i * HOUR));
  const unansweredMsgs = [1, 2, 3, 4, 5, 6].map((i) => msg(`u${i}`, (19 + i) * HOUR, i <= 3 ? 'Is Hwy 97 open?' : 'Smoke is bad here.'));
  const pendingMsg = msg('late', WINDOW.untilMs - T0 - HOUR);

  it('4 of 10 decided messages answered: 0.4 → 0.3 + (0.15/0.25)·0.3 = 0.48; the only recommendation', () => {
    const { m, scored, recs } = listen(own, [...answeredMsgs, ...unansweredMsgs, pendingMsg]);
    expect(m.responseRate?.value).toBe(0.4);
    expect(scored.metricScores.responseRate).toBe(0.48);
    // Σ w = 130; every other metric 1: gain = 100 · 30 · 0.52 / 130 = 12.
    expect(recs.map((r) => [r.metric, r.id])).toEqual([['responseRate', 'answer-everyone']]);
    expect(recs[0]?.gain).toBeCloseTo(12, 9);
    expect(recs[0]?.title).toBe('Answer more of the people who write in');
    expect(recs[0]?.detail).toBe(
      '6 of the 10 people who wrote to the account in this period got no answer within 7 days (4 of 10 messages answered, 40%). ' +
        '3 people asked a question and got no answer; the most recent: @user_u3, @user_u2, @user_u1. ' +
        '1 more message came less than 7 days before the end of the data and is not judged yet. ' +
        'Those who got an answer waited 10 min (median). ' +
        'Aim to answer at least 78% (scores 0.9 of 1). ' +
        'Go through the mentions and the replies under your posts every day and answer each person, even briefly ("Thanks, we are checking and will reply by 3 PM").',
    );
    // Evidence: the newest five unanswered messages, newest first, naming who wrote.
    expect(recs[0]?.evidence.map((e) => [e.id, e.note])).toEqual([
      ['u6', '@user_u6 wrote; no answer within 7 days'],
      ['u5', '@user_u5 wrote; no answer within 7 days'],
      ['u4', '@user_u4 wrote; no answer within 7 days'],
      ['u3', '@user_u3 asked a question; no answer within 7 days'],
      ['u2', '@user_u2 asked a question; no answer within 7 days'],
    ]);
  });

  it('nobody answered: "None of the … people"', () => {
    const { recs } = listen(own, unansweredMsgs.slice(3));
    expect(recs[0]?.title).toBe('Start answering the people who write in');
    expect(recs[0]?.detail).toMatch(/^None of the 3 people who wrote to the account in this period got an answer within 7 days \(0 of 3 messages answered, 0%\)\. Aim/);
  });

  it('business hours: when most messages arrive outside them, say when people write', () => {
    // Office Mon-Fri 08:00-17:00 UTC; T0 = Wed 12:00Z. The four answered messages come Wed
    // 12:00-15:00Z (inside); of six unanswered ones, n1 at T0 + 20 h = Thu 08:00Z is inside and
    // n2-n6 at Thu 19:00-23:00Z are outside. Out of hours: 5 of 10 = 50%, above 25%. Every hour
    // holds one message: the tie goes to the earliest in the week, Wednesday 12:00.
    const businessHours: BusinessHours = {
      timeZone: 'UTC',
      days: { mon: ['08:00', '17:00'], tue: ['08:00', '17:00'], wed: ['08:00', '17:00'], thu: ['08:00', '17:00'], fri: ['08:00', '17:00'] },
    };
    const late = [1, 2, 3, 4, 5, 6].map((i) => msg(`n${i}`, (19 + i) * HOUR + (i === 1 ? 0 : 10 * HOUR)));
    const { m, recs } = listen(own, [...answeredMsgs, ...late], businessHours);
    expect(m.coverage.outOfHoursInboundShare).toBe(0.5);
    expect(recs[0]?.detail).toContain(
      '50% of the messages arrived outside business hours (people write most on Wednesdays 12:00-13:00, UTC time): have someone look at the mentions then',
    );
  });

  it('outbound-only: no response-rate recommendation and no weight for it', () => {
    const { scored, recs } = recommend(answers(3, 10 * MINUTE));
    expect(scored.metricScores.responseRate).toBeNull();
    expect(recs.some((r) => r.metric === 'responseRate')).toBe(false);
  });

  it('latency advice gives the business-clock median when business hours are set', () => {
    // Two replies, 4 h after targets at Wed 12:00Z and Wed 13:00Z (UTC office 08:00-17:00): business
    // spans 12:00-16:00 = 4 h and 13:00-17:00 = 4 h; median 4 h on both clocks.
    const businessHours: BusinessHours = { timeZone: 'UTC', days: { wed: ['08:00', '17:00'] } };
    const { recs } = listen(answers(2, 4 * HOUR), [], businessHours);
    const latency = recs.find((r) => r.metric === 'responseLatency');
    expect(latency?.detail).toMatch(/^Median first reply took 4 h \(4 h counting business hours only\) across 2 conversations/);
  });
});
