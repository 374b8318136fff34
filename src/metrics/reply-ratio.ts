import type { Report } from '../schema/report.js';
import type { Metric, MetricMeta } from './metric.js';
import type { PostSet } from './types.js';

/** `metrics.replyRatio` without its score. */
export type ReplyRatioMeasurement = Omit<Report['metrics']['replyRatio'], 'score'>;

export const meta = {
  id: 'replyRatio',
  title: 'Reply ratio',
  description:
    'Of the posts the account wrote itself (reposts left out), the share that answered someone else.',
  unit: 'ratio',
} as const satisfies MetricMeta<'replyRatio'>;

/**
 * metrics.md §3.1: `reply.toOther / W`, `W = N - reposts` (reposts hold no words of the
 * account's own). Null when `W = 0`. Replies to unknown targets count as `toOther` (§2).
 */
export function compute(set: PostSet): ReplyRatioMeasurement {
  let numerator = 0;
  let denominator = 0;
  for (const item of set.items) {
    if (item.kind === 'repost') continue;
    denominator += 1;
    if (item.kind === 'reply' && !item.toSelf) numerator += 1;
  }
  return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
}

export const replyRatio = { meta, compute } satisfies Metric<'replyRatio', ReplyRatioMeasurement>;
