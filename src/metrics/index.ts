import type { Report } from '../schema/report.js';
import type { MetricId } from '../scoring/model.js';
import { computeCounts } from './kinds.js';
import type { Metric } from './metric.js';
import { mix, type MixMeasurement } from './mix.js';
import { replyRatio, type ReplyRatioMeasurement } from './reply-ratio.js';
import { responseLatency, type ResponseLatencyMeasurement } from './response-latency.js';
import { selfPromotion, type SelfPromotionMeasurement } from './self-promotion.js';
import type { MetricContext, PostSet } from './types.js';

export { buildSelfIdentity, classify, computeCounts, toAuditItem } from './kinds.js';
export type { MetricMeta } from './metric.js';

/** The four mission metrics of metrics.md §3, keyed and ordered as the scoring model and the report. */
export const METRICS = {
  replyRatio,
  responseLatency,
  mix,
  selfPromotion,
} as const satisfies { [K in MetricId]: Metric<K, Omit<Report['metrics'][K], 'score'>> };

/** Everything measured in one run: the report's `counts` and each metric's slice without its score. */
export interface Measurements {
  counts: Report['counts'];
  replyRatio: ReplyRatioMeasurement;
  responseLatency: ResponseLatencyMeasurement;
  mix: MixMeasurement;
  selfPromotion: SelfPromotionMeasurement;
}

/** Runs every metric over the posts under audit. Pure: same set and context, same figures. */
export function measureAll(set: PostSet, ctx: MetricContext): Measurements {
  return {
    counts: computeCounts(set),
    replyRatio: METRICS.replyRatio.compute(set),
    responseLatency: METRICS.responseLatency.compute(set, ctx),
    mix: METRICS.mix.compute(set),
    selfPromotion: METRICS.selfPromotion.compute(set, ctx),
  };
}
