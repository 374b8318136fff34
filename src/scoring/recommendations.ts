import { formatDuration, formatInstant, formatPercent } from '../format.js';
import type { Measurements } from '../metrics/index.js';
import { longestBroadcastRun } from '../metrics/mix.js';
import type { AuditItem, PostSet } from '../metrics/types.js';
import type { Evidence, Report, SelfPromotionSignal } from '../schema/report.js';
import { valueForScore } from './curve.js';
import { METRIC_IDS, type MetricId, type ScoringModel } from './model.js';
import { clean, totalWeight, type ScoredAudit } from './score.js';

/** One recommendation of the report (metrics.md §5). */
export type Recommendation = Report['recommendations'][number];

/** metrics.md §5: a metric below this score gets a recommendation. */
export const RECOMMEND_BELOW = 0.9;
/** metrics.md §5: evidence cites up to 5 posts. */
export const EVIDENCE_LIMIT = 5;
/** "9 in 10 within …" is only said of 10 conversations or more: with fewer, p90 is simply the slowest. */
const P90_MIN_N = 10;
/** Score a metric's target value is read at: the score below which a recommendation is made. */
const TARGET_SCORE = RECOMMEND_BELOW;

/** Stable ids, one per metric, for CI jobs that track a recommendation month to month. */
export const RECOMMENDATION_IDS: Readonly<Record<MetricId, string>> = {
  replyRatio: 'reply-more',
  responseLatency: 'answer-faster',
  mix: 'converse-more',
  selfPromotion: 'promote-less',
};

/** `n` and the noun, plural when `n` is not 1 (`1 conversation`, `3 conversations`). */
function count(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

function evidenceOf(item: AuditItem, note: string): Evidence {
  const { post } = item;
  return { id: post.id, url: post.url, createdAt: post.createdAt, text: post.text, note };
}

/** The first items of the longest run of broadcasts without a reply, as evidence. */
function runEvidence(run: readonly AuditItem[]): Evidence[] {
  return run
    .slice(0, EVIDENCE_LIMIT)
    .map((item, i) => evidenceOf(item, `broadcast ${i + 1} of ${run.length} in a row`));
}

function runSentence(run: readonly AuditItem[]): string {
  const first = run[0];
  const last = run.at(-1);
  if (run.length < 2 || first === undefined || last === undefined) return '';
  return ` The longest stretch without a reply was ${run.length} broadcasts in a row, from ${formatInstant(first.post.createdAt)} to ${formatInstant(last.post.createdAt)}.`;
}

interface Advice {
  title: string;
  detail: string;
  evidence: Evidence[];
}

interface AdviceInput {
  m: Measurements;
  model: ScoringModel;
  score: number;
  run: readonly AuditItem[];
}

function replyRatioAdvice({ m, model, run }: AdviceInput): Advice {
  const { numerator, denominator, value } = m.replyRatio;
  const target = valueForScore(model.curves.replyRatio, TARGET_SCORE);
  const aim = target === null ? '' : ` Aim for at least ${formatPercent(target)} (scores ${TARGET_SCORE} of 1).`;
  const evidence = runEvidence(run);
  if (value === null) {
    return {
      title: 'Write to people, not only repost',
      detail: `All ${count(m.counts.items, 'item')} in this period were reposts: the account wrote nothing of its own and answered no one.${aim} Reply to the people who mention the account or comment on its posts.`,
      evidence,
    };
  }
  const measured =
    numerator === 0
      ? `None of the ${count(denominator, 'post')} the account wrote in this period answered another person.`
      : `${numerator} of the ${count(denominator, 'post')} the account wrote in this period (${formatPercent(value)}) were replies to other people.`;
  return {
    title: numerator === 0 ? 'Start answering people' : 'Answer more of the people who write to you',
    detail: `${measured}${aim}${runSentence(run)} Read the mentions and the comments under your posts every day and answer questions there before posting the next announcement.`,
    evidence,
  };
}

function latencyAdvice({ m, model, score }: AdviceInput): Advice {
  const l = m.responseLatency;
  const target = valueForScore(model.curves.responseLatency, TARGET_SCORE);
  const expect = target === null ? '' : ` People expect an answer within about ${formatDuration(target)}.`;
  const evidence = l.slowest.map(({ latencySeconds: _, ...e }) => e);
  if (l.medianSeconds === null) {
    return {
      title: 'Answer the people who write to you',
      detail: `The account replied to no one in this period, so there is no response time to measure.${expect} Check mentions and replies several times a day during staffed hours and answer, even briefly, saying when more information will come.`,
      evidence,
    };
  }
  const slow = target !== null && l.medianSeconds > target;
  const few = l.n < model.latencyFullAt;
  const p90 = l.n >= P90_MIN_N && l.p90Seconds !== null ? `, 9 in 10 within ${formatDuration(l.p90Seconds)}` : '';
  const hour = l.withinOneHourShare === null ? '' : `; ${formatPercent(l.withinOneHourShare)} were answered within an hour`;
  const measured = `Median first reply took ${formatDuration(l.medianSeconds)} across ${count(l.n, 'conversation')}${p90}${hour}.`;
  const scaled = few
    ? ` With only ${count(l.n, 'conversation')} measured, the response-time score is scaled by ${l.n}/${model.latencyFullAt} (to ${score.toFixed(2)}): answering a few people quickly cannot make up for leaving the others unanswered.`
    : '';
  const action = slow
    ? ' Watch mentions during staffed hours and answer first, even briefly ("We are checking and will update by 3 PM"), then follow up.'
    : ' Keep answering this fast, and answer more of the people who write.';
  return {
    title: slow && few ? 'Answer faster, and answer more people' : slow ? 'Answer faster' : 'Answer more people',
    detail: `${measured}${expect}${scaled}${action}`,
    evidence,
  };
}

function mixAdvice({ m, model, run }: AdviceInput): Advice {
  const x = m.mix;
  const n = m.counts.items;
  const target = valueForScore(model.curves.mix, TARGET_SCORE);
  const pct = (share: number | null): string => (share === null ? '-' : formatPercent(share));
  const aim = target === null ? '' : ` Aim for at least ${formatPercent(target)} conversation (scores ${TARGET_SCORE} of 1).`;
  return {
    title: 'Talk with people more, broadcast less',
    detail:
      `${x.conversation} of ${count(n, 'item')} (${pct(x.conversationShare)}) were conversation (replies to and quotes of other people); ` +
      `${x.broadcast} (${pct(x.broadcastShare)}) were broadcasts and ${x.amplification} (${pct(x.amplificationShare)}) reposts of other accounts.` +
      `${aim}${runSentence(run)} Turn some announcements into answers: reply where people ask questions, and quote other accounts' posts with useful context.`,
    evidence: runEvidence(run),
  };
}

/** How each signal reads in a tally ("promotional wording ×2"). */
const SIGNAL_WORDS: Readonly<Record<SelfPromotionSignal, string>> = {
  repostOfOwnOrAffiliate: 'reposts or quotes of its own or affiliated posts',
  promotionalWording: 'promotional wording',
  ownDomainLink: 'links to its own site',
  ownHashtag: 'own hashtags',
  affiliateMention: 'mentions of affiliated accounts',
};

function selfPromotionAdvice({ m, model }: AdviceInput): Advice {
  const s = m.selfPromotion;
  const target = valueForScore(model.curves.selfPromotion, TARGET_SCORE);
  const tally = new Map<SelfPromotionSignal, number>();
  for (const item of s.items) for (const signal of item.signals) tally.set(signal, (tally.get(signal) ?? 0) + 1);
  const signals = [...tally].map(([signal, k]) => `${SIGNAL_WORDS[signal]} ×${k}`).join(', ');
  const aim = target === null ? '' : ` Keep it to ${formatPercent(target)} or less (scores ${TARGET_SCORE} of 1).`;
  const evidence = s.items
    .toSorted((a, b) => b.points - a.points)
    .slice(0, EVIDENCE_LIMIT)
    .map(({ points: _p, signals: _s, ...e }) => e);
  return {
    title: 'Promote the account less, inform more',
    detail:
      `${s.count} of ${count(m.counts.items, 'item')} (${formatPercent(s.share ?? 0)}) promoted the account itself` +
      `${signals === '' ? '' : ` (signals: ${signals})`}.${aim} Lead with what people need to know and do; keep app, campaign and award posts occasional.`,
    evidence,
  };
}

const ADVICE: Readonly<Record<MetricId, (input: AdviceInput) => Advice>> = {
  replyRatio: replyRatioAdvice,
  responseLatency: latencyAdvice,
  mix: mixAdvice,
  selfPromotion: selfPromotionAdvice,
};

/**
 * metrics.md §5: one recommendation per metric that scored below 0.9 (none with no activity, none
 * for a metric without a score or with weight 0), each saying what was measured and what to do,
 * with up to 5 posts as evidence: the slowest first replies (latency), the most self-promotional
 * posts (most points, then newest), the first posts of the longest run of broadcasts without a
 * reply (reply ratio and mix). `gain = 100 · w · (1 - s) / Σ w`, the points the score would
 * recover at a perfect metric score; sorted by gain, largest first, ties in model order.
 */
export function buildRecommendations(
  m: Measurements,
  scored: ScoredAudit,
  model: ScoringModel,
  set: PostSet,
): Recommendation[] {
  if (scored.score.verdict === 'NO_ACTIVITY') return [];
  const sumW = totalWeight(scored.metricScores, model);
  if (sumW === 0) return [];
  const run = longestBroadcastRun(set.items);
  const out: Recommendation[] = [];
  for (const metric of METRIC_IDS) {
    const score = scored.metricScores[metric];
    const weight = model.weights[metric];
    if (score === null || score >= RECOMMEND_BELOW || weight === 0) continue;
    const advice = ADVICE[metric]({ m, model, score, run });
    out.push({
      id: RECOMMENDATION_IDS[metric],
      metric,
      title: advice.title,
      detail: advice.detail,
      gain: clean((100 * weight * (1 - score)) / sumW),
      evidence: advice.evidence.slice(0, EVIDENCE_LIMIT),
    });
  }
  const order = (metric: MetricId): number => METRIC_IDS.indexOf(metric);
  return out.sort((a, b) => b.gain - a.gain || order(a.metric) - order(b.metric));
}
