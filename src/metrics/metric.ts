import type { MetricContext, PostSet } from './types.js';

/** What a metric says about itself (shown in reports and docs). Lighthouse calls this `meta`. */
export interface MetricMeta<Id extends string = string> {
  id: Id;
  title: string;
  /** One or two sentences a social-media manager can read. */
  description: string;
  /** Unit of the scored value: `ratio` / `share` in [0, 1], `seconds` for durations. */
  unit: 'ratio' | 'share' | 'seconds';
}

/**
 * One audit unit: metadata and a pure `compute` over the posts under audit. It never scores
 * and never formats text for a reporter (notes on evidence excepted); time comes from the
 * context, never from the clock.
 */
export interface Metric<Id extends string, Measurement> {
  meta: MetricMeta<Id>;
  compute(set: PostSet, ctx: MetricContext): Measurement;
}
