import { UsageError } from '../errors.js';
import type { Measurements } from '../metrics/index.js';
import type { Report } from '../schema/report.js';
import { scoreOnCurve } from './curve.js';
import { METRIC_IDS, type MetricId, type ScoringModel } from './model.js';

/** Each metric's score in [0, 1]; null when there is nothing to score (no activity, or not measurable). */
export type MetricScores = Record<MetricId, number | null>;

/** What scoring hands to the report: the per-metric scores and the report's `score` block. */
export interface ScoredAudit {
  metricScores: MetricScores;
  score: Report['score'];
}

/**
 * Removes binary floating-point noise (0.7000000000000001 → 0.7, 59.49999999999999 → 59.5) by
 * keeping 12 significant digits, far more than any figure means, so that a score computed by hand
 * and by the tool round the same way.
 */
export function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * metrics.md §4, one metric at a time. With no items at all every score is null (no activity).
 * - Reply ratio is null only when the account wrote nothing of its own (`W = 0`): it replied to
 *   no one, which scores 0.
 * - Latency: with no measured reply, 0 when the account replied to no one (nothing to measure is
 *   the finding); null (not applicable, its weight left out) when it did reply to people but no
 *   reply could be timed (targets of unknown time, replies addressed to a user without a post,
 *   conversations first answered before the window). Otherwise the curve's score for the median,
 *   times `min(1, n / latencyFullAt)`.
 * - Mix and self-promotion always have a value when there are items.
 * - Response rate (metrics.md §9): the curve's score for `responseRate.value`; null (not
 *   applicable, its weight left out) in `outbound-only` mode, and when the rate itself is null
 *   because nobody wrote in the window or every message is still pending: unlike replying to no
 *   one, an empty inbox says nothing about the account. With no items at all it is null like
 *   every other metric (no activity), whatever the inbox holds.
 */
export function scoreMetrics(m: Measurements, model: ScoringModel): MetricScores {
  if (m.counts.items === 0) {
    return { replyRatio: null, responseLatency: null, mix: null, selfPromotion: null, responseRate: null };
  }
  const { curves } = model;
  const onCurve = (id: MetricId, value: number | null): number =>
    value === null ? 0 : clean(scoreOnCurve(curves[id], value));

  const rate = m.responseRate?.value ?? null;
  const latency = m.responseLatency;
  let responseLatency: number | null;
  if (latency.medianSeconds === null) responseLatency = m.counts.replyToOther === 0 ? 0 : null;
  else {
    const confidence = Math.min(1, latency.n / model.latencyFullAt);
    responseLatency = clean(scoreOnCurve(curves.responseLatency, latency.medianSeconds) * confidence);
  }
  return {
    replyRatio: onCurve('replyRatio', m.replyRatio.value),
    responseLatency,
    mix: onCurve('mix', m.mix.conversationShare),
    selfPromotion: onCurve('selfPromotion', m.selfPromotion.share),
    responseRate: rate === null ? null : clean(scoreOnCurve(curves.responseRate, rate)),
  };
}

/** Σ weight over the metrics that have a score (a not-applicable metric counts for nothing, as in Lighthouse). */
export function totalWeight(scores: MetricScores, model: ScoringModel): number {
  return METRIC_IDS.reduce((sum, id) => (scores[id] === null ? sum : sum + model.weights[id]), 0);
}

/**
 * metrics.md §4: `score = round(100 · Σ w·s / Σ w)` (half up, after `clean`), verdict BEING at
 * or above `model.threshold`, else DOING; NO_ACTIVITY with a null score when the window holds no
 * items. The breakdown lists every metric in model order with the points it earned,
 * `100 · w · s / Σ w` (0 for a metric without a score).
 * @throws UsageError when the weights of the scored metrics add up to 0.
 */
export function scoreAudit(m: Measurements, model: ScoringModel): ScoredAudit {
  const metricScores = scoreMetrics(m, model);
  if (m.counts.items === 0) {
    return {
      metricScores,
      score: {
        value: null,
        verdict: 'NO_ACTIVITY',
        breakdown: METRIC_IDS.map((metric) => ({ metric, weight: model.weights[metric], score: null, points: 0 })),
      },
    };
  }
  const sumW = totalWeight(metricScores, model);
  if (sumW === 0) {
    throw new UsageError(
      'scoring.weights: the weights of the metrics that could be measured add up to 0; give at least one of replyRatio, responseLatency, mix, selfPromotion, responseRate a weight above 0',
    );
  }
  const breakdown = METRIC_IDS.map((metric) => {
    const score = metricScores[metric];
    const weight = model.weights[metric];
    return { metric, weight, score, points: score === null ? 0 : clean((100 * weight * score) / sumW) };
  });
  const raw = METRIC_IDS.reduce((sum, id) => sum + model.weights[id] * (metricScores[id] ?? 0), 0);
  const value = Math.round(clean((100 * raw) / sumW));
  return { metricScores, score: { value, verdict: value >= model.threshold ? 'BEING' : 'DOING', breakdown } };
}
