import type { Report } from '../schema/report.js';
import type { Metric, MetricMeta } from './metric.js';
import type { AuditItem, PostSet } from './types.js';

/** `metrics.mix` without its score. */
export type MixMeasurement = Omit<Report['metrics']['mix'], 'score'>;

export const meta = {
  id: 'mix',
  title: 'Conversation mix',
  description:
    "The share of everything the account published that was conversation (replies to and quotes of other people), against broadcasts and reposts.",
  unit: 'share',
} as const satisfies MetricMeta<'mix'>;

/** The three buckets of metrics.md §3.3. */
export type Bucket = 'conversation' | 'amplification' | 'broadcast';

/**
 * metrics.md §3.3: conversation = `reply.toOther`, `quote.toOther`; amplification =
 * `repost.toOther`; broadcast = `original` and everything `toSelf`.
 */
export function bucketOf(item: AuditItem): Bucket {
  if (item.kind === 'original' || item.toSelf) return 'broadcast';
  return item.kind === 'repost' ? 'amplification' : 'conversation';
}

/**
 * The longest run of broadcast items (in time order) with no conversation between them.
 * Only a conversation item ends a run: a repost of someone else's post is neither talking to
 * anyone nor broadcasting, so it neither ends a run nor counts in its length. Of equally long
 * runs the most recent is kept (it shows the current habit). Empty when there is no broadcast.
 */
export function longestBroadcastRun(items: readonly AuditItem[]): AuditItem[] {
  let best: AuditItem[] = [];
  let current: AuditItem[] = [];
  for (const item of items) {
    const bucket = bucketOf(item);
    if (bucket === 'conversation') current = [];
    else if (bucket === 'broadcast') {
      current.push(item);
      if (current.length >= best.length) best = current;
    }
  }
  return best.slice();
}

/** metrics.md §3.3: counts per bucket and their shares of `N` (null when `N = 0`), plus the longest broadcast run. */
export function compute(set: PostSet): MixMeasurement {
  const counts = { conversation: 0, amplification: 0, broadcast: 0 };
  for (const item of set.items) counts[bucketOf(item)] += 1;
  const n = set.items.length;
  const share = (count: number): number | null => (n === 0 ? null : count / n);
  const run = longestBroadcastRun(set.items);
  return {
    ...counts,
    conversationShare: share(counts.conversation),
    amplificationShare: share(counts.amplification),
    broadcastShare: share(counts.broadcast),
    longestBroadcastRun: {
      length: run.length,
      from: run[0]?.post.createdAt ?? null,
      to: run.at(-1)?.post.createdAt ?? null,
    },
  };
}

export const mix = { meta, compute } satisfies Metric<'mix', MixMeasurement>;
