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
  responseRate: 'answer-everyone',
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
  const business =
    l.medianBusinessSeconds === null ? '' : ` (${formatDuration(l.medianBusinessSeconds)} counting business hours only)`;
  const measured = `Median first reply took ${formatDuration(l.medianSeconds)}${business} across ${count(l.n, 'conversation')}${p90}${hour}.`;
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

/**
 * Out-of-hours share of inbound messages from which the response-rate advice speaks of when
 * people write: a quarter of the inbox arriving while nobody is at work is enough that the
 * schedule, not only the effort, explains unanswered messages (a judgement, not a study).
 */
export const OUT_OF_HOURS_NOTABLE = 0.25;

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** A give-up time in words: whole days as `7 days`, otherwise as `formatDuration` says it. */
function giveUpWords(seconds: number): string {
  const days = seconds / 86_400;
  return Number.isInteger(days) ? count(days, 'day') : formatDuration(seconds);
}

/** The hour of the week with the most inbound messages ("Mondays 17:00-18:00"; ties: the earliest in the week), or null when none came. */
function busiestHour(grid: readonly (readonly number[])[]): string | null {
  let best = { day: -1, hour: -1, n: 0 };
  for (const [day, row] of grid.entries()) {
    for (const [hour, n] of row.entries()) if (n > best.n) best = { day, hour, n };
  }
  if (best.n === 0) return null;
  const hh = (h: number): string => `${String(h).padStart(2, '0')}:00`;
  return `${WEEKDAYS[best.day] ?? ''}s ${hh(best.hour)}-${hh(best.hour + 1)}`;
}

function responseRateAdvice({ m, model }: AdviceInput): Advice {
  const r = m.responseRate;
  const p = m.responsePeople;
  if (r === null || r.value === null || p === null) {
    throw new Error('responseRate advice needs a measured response rate (its score is null otherwise)');
  }
  const giveUp = giveUpWords(r.giveUpAfterSeconds);
  const decided = r.inbound - r.pending;
  const target = valueForScore(model.curves.responseRate, TARGET_SCORE);
  const aim = target === null ? '' : ` Aim to answer at least ${formatPercent(target)} (scores ${TARGET_SCORE} of 1).`;

  const people =
    p.noAnswer === p.wrote
      ? `None of the ${count(p.wrote, 'person', 'people')} who wrote to the account in this period got an answer within ${giveUp}`
      : `${p.noAnswer} of the ${count(p.wrote, 'person', 'people')} who wrote to the account in this period got no answer within ${giveUp}`;
  const messages = ` (${r.answered} of ${count(decided, 'message')} answered, ${formatPercent(r.value)}).`;

  const askers = [
    ...new Set(r.unanswered.filter((u) => u.question && u.author !== null).map((u) => `@${u.author as string}`)),
  ].slice(0, EVIDENCE_LIMIT);
  const questions =
    p.askedNoAnswer === 0
      ? ''
      : ` ${count(p.askedNoAnswer, 'person', 'people')} asked a question and got no answer` +
        (askers.length === 0 ? '.' : `; the most recent: ${askers.join(', ')}.`);

  const pending =
    r.pending === 0
      ? ''
      : ` ${count(r.pending, 'more message')} came less than ${giveUp} before the end of the data and ${r.pending === 1 ? 'is' : 'are'} not judged yet.`;

  const speed =
    r.medianFirstResponseSeconds === null
      ? ''
      : ` Those who got an answer waited ${formatDuration(r.medianFirstResponseSeconds)} (median)` +
        (r.medianFirstResponseBusinessSeconds === null
          ? '.'
          : `, ${formatDuration(r.medianFirstResponseBusinessSeconds)} counting business hours only.`);

  const share = m.coverage.outOfHoursInboundShare;
  const busiest = m.coverage.inboundByHour === null ? null : busiestHour(m.coverage.inboundByHour);
  const hours =
    share === null || share < OUT_OF_HOURS_NOTABLE
      ? ''
      : ` ${formatPercent(share)} of the messages arrived outside business hours` +
        (busiest === null ? '' : ` (people write most on ${busiest}, ${m.coverage.timeZone} time)`) +
        ': have someone look at the mentions then, or say in the profile when the account is staffed and where to go outside those hours.';

  const evidence = r.unanswered.slice(0, EVIDENCE_LIMIT).map(({ author, question, ...e }) => ({
    ...e,
    note: `${author === null ? 'someone' : `@${author}`} ${question ? 'asked a question' : 'wrote'}; no answer within ${giveUp}`,
  }));
  return {
    title: r.answered === 0 ? 'Start answering the people who write in' : 'Answer more of the people who write in',
    detail:
      `${people}${messages}${questions}${pending}${speed}${aim}${hours}` +
      ' Go through the mentions and the replies under your posts every day and answer each person, even briefly ("Thanks, we are checking and will reply by 3 PM").',
    evidence,
  };
}

const ADVICE: Readonly<Record<MetricId, (input: AdviceInput) => Advice>> = {
  replyRatio: replyRatioAdvice,
  responseLatency: latencyAdvice,
  mix: mixAdvice,
  selfPromotion: selfPromotionAdvice,
  responseRate: responseRateAdvice,
};

/**
 * metrics.md §5: one recommendation per metric that scored below 0.9 (none with no activity, none
 * for a metric without a score or with weight 0), each saying what was measured and what to do,
 * with up to 5 posts as evidence: the slowest first replies (latency), the most self-promotional
 * posts (most points, then newest), the first posts of the longest run of broadcasts without a
 * reply (reply ratio and mix), the newest unanswered messages (response rate, which speaks of
 * people: how many wrote, how many got no answer, who asked a question and waited in vain). `gain = 100 · w · (1 - s) / Σ w`, the points the score would
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
