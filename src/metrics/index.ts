import type { Report } from '../schema/report.js';
import { computeCannedReplies, meta as cannedRepliesMeta, type CannedRepliesMeasurement } from './canned-replies.js';
import { computeCoverage, meta as coverageMeta, type CoverageMeasurement } from './coverage.js';
import { computeCounts } from './kinds.js';
import type { Metric } from './metric.js';
import { mix, type MixMeasurement } from './mix.js';
import { computePeopleEngaged, meta as peopleEngagedMeta, type PeopleEngagedMeasurement } from './people-engaged.js';
import { replyRatio, type ReplyRatioMeasurement } from './reply-ratio.js';
import { responseLatency, type ResponseLatencyMeasurement } from './response-latency.js';
import { measureResponses, responseRate, type ResponsePeople, type ResponseRateMeasurement } from './response-rate.js';
import { selfPromotion, type SelfPromotionMeasurement } from './self-promotion.js';
import type { MetricContext, PostSet } from './types.js';

export { buildSelfIdentity, classify, computeCounts, toAuditItem } from './kinds.js';
export type { MetricMeta } from './metric.js';
export type { ResponsePeople, ResponseRateMeasurement } from './response-rate.js';

/** The keys of `metrics` in the report: the scored metrics and the figures without a score (metrics.md §10). */
export type MetricKey = keyof Report['metrics'];

/**
 * What a metric's `compute` returns for report key `K`: the report's slice without its score;
 * null where the slice is nullable (`responseRate` in `outbound-only` mode).
 */
export type MeasurementOf<K extends MetricKey> = Report['metrics'][K] extends infer S
  ? S extends null
    ? null
    : Omit<S, 'score'>
  : never;

/**
 * Every metric, keyed and ordered as the report: the scored metrics of metrics.md §3 and §9 (the
 * `METRIC_IDS` of the scoring model), then the unscored figures of §10.
 */
export const METRICS = {
  replyRatio,
  responseLatency,
  mix,
  selfPromotion,
  responseRate,
  coverage: { meta: coverageMeta, compute: computeCoverage },
  cannedReplies: { meta: cannedRepliesMeta, compute: (set: PostSet) => computeCannedReplies(set) },
  peopleEngaged: { meta: peopleEngagedMeta, compute: computePeopleEngaged },
} as const satisfies { [K in MetricKey]: Metric<K, MeasurementOf<K>> };

/** Everything measured in one run: the report's `counts` and each metric's slice without its score. */
export interface Measurements {
  counts: Report['counts'];
  replyRatio: ReplyRatioMeasurement;
  responseLatency: ResponseLatencyMeasurement;
  mix: MixMeasurement;
  selfPromotion: SelfPromotionMeasurement;
  /** Null in `outbound-only` mode (metrics.md §9). */
  responseRate: ResponseRateMeasurement | null;
  /** The people behind the response rate (not a report slice: the recommendations read it); null with it. */
  responsePeople: ResponsePeople | null;
  coverage: CoverageMeasurement;
  cannedReplies: CannedRepliesMeasurement;
  peopleEngaged: PeopleEngagedMeasurement;
}

/** Runs every metric over the posts under audit. Pure: same set and context, same figures. */
export function measureAll(set: PostSet, ctx: MetricContext): Measurements {
  return withCannedReplies(measureAllButCanned(set, ctx), METRICS.cannedReplies.compute(set));
}

/** Every figure but the canned replies (`parallel.ts` measures those on a worker thread meanwhile). */
export function measureAllButCanned(set: PostSet, ctx: MetricContext): Omit<Measurements, 'cannedReplies'> {
  const responses = measureResponses(set, ctx);
  return {
    counts: computeCounts(set),
    replyRatio: METRICS.replyRatio.compute(set),
    responseLatency: METRICS.responseLatency.compute(set, ctx),
    mix: METRICS.mix.compute(set),
    selfPromotion: METRICS.selfPromotion.compute(set, ctx),
    responseRate: responses?.rate ?? null,
    responsePeople: responses?.people ?? null,
    coverage: METRICS.coverage.compute(set, ctx),
    peopleEngaged: METRICS.peopleEngaged.compute(set),
  };
}

/** The measurements with the canned replies in their place (the order of the report). */
export function withCannedReplies(rest: Omit<Measurements, 'cannedReplies'>, cannedReplies: CannedRepliesMeasurement): Measurements {
  const { peopleEngaged, ...before } = rest;
  return { ...before, cannedReplies, peopleEngaged };
}
