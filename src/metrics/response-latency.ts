import { formatDuration } from '../format.js';
import { timeFromId } from '../ids.js';
import type { Platform, PostRef } from '../model/post.js';
import type { Report } from '../schema/report.js';
import { businessSeconds } from './business-clock.js';
import type { Metric, MetricMeta } from './metric.js';
import { median, nearestRank } from './stats.js';
import type { AuditItem, MetricContext, PostSet } from './types.js';

/** `metrics.responseLatency` without its score. */
export type ResponseLatencyMeasurement = Omit<Report['metrics']['responseLatency'], 'score'>;

export const meta = {
  id: 'responseLatency',
  title: 'Response time',
  description:
    "How long the account took to answer: for each post of someone else it replied to, the time from that post to the account's first reply.",
  unit: 'seconds',
} as const satisfies MetricMeta<'responseLatency'>;

/** metrics.md §3.2: a reply up to 60 s "before" its target is clock skew and counts as 0; earlier, the pair is dropped. */
export const CLOCK_SKEW_MS = 60_000;
/** metrics.md §3.2 `withinOneHourShare`: latency <= 1 hour (3600 s counts). */
const ONE_HOUR_MS = 3_600_000;
/** metrics.md §3.2 `withinOneDayShare`: latency <= 24 hours (86 400 s counts). */
const ONE_DAY_MS = 86_400_000;
/** metrics.md §5: evidence cites up to 5 posts. */
export const SLOWEST_LIMIT = 5;

/** One measured conversation: the account's first reply to a target post and how long it took. */
export interface LatencyPair {
  /** The target post's id (`replyTo.id`). */
  targetId: string;
  /** The account's first reply to it. */
  reply: AuditItem;
  /** `reply - target` in ms, clock skew already folded to 0 (never negative). */
  latencyMs: number;
}

/**
 * The target's time in epoch ms: from the payload (`replyTo.createdAt`) when present, otherwise
 * decoded from its id (X snowflake, Mastodon id, Bluesky TID; `src/ids.ts`), else null.
 * `platform` is the replying item's platform, which is the target's.
 */
export function targetTimeMs(ref: PostRef, platform: Platform): number | null {
  if (ref.createdAt !== null) {
    const ms = Date.parse(ref.createdAt);
    if (!Number.isNaN(ms)) return ms;
  }
  return ref.id === null ? null : timeFromId(platform, ref.id);
}

/** The pairs behind the latency figures, and what could not be measured. */
export interface LatencyPairs {
  /** Measured pairs, in order of the first reply's time. */
  pairs: LatencyPair[];
  /** Distinct targets whose time is unknown. */
  unknownTargetTime: number;
  /** Replies to other people in the window addressed to a user without a target post. */
  noTargetPost: number;
  /** Pairs whose reply came more than 60 s before the target. */
  dropped: number;
}

/**
 * The account's first reply to each distinct target (metrics.md §3.2).
 *
 * Targets are the `replyTo.id` of the window's `reply.toOther` items. The first reply `R` to a
 * target is the earliest of the account's replies to it in the window. When the account had
 * already replied to that target before the window (any reply in `set.allItems` earlier than
 * `window.since`), the target is left out altogether: that conversation's first answer belongs
 * to an earlier window, and an in-window follow-up is not a response time. Equal times keep the
 * item that comes first in the set (oldest first).
 */
export function firstReplyPairs(set: PostSet, ctx: MetricContext): LatencyPairs {
  const { sinceMs } = ctx.window;
  const answeredBefore = new Set<string>();
  for (const item of set.allItems) {
    if (item.ms >= sinceMs || item.kind !== 'reply') continue;
    const targetId = item.post.replyTo?.id;
    if (targetId != null) answeredBefore.add(targetId);
  }

  let noTargetPost = 0;
  const first = new Map<string, AuditItem>();
  for (const item of set.items) {
    if (item.kind !== 'reply' || item.toSelf || item.post.replyTo === null) continue;
    const targetId = item.post.replyTo.id;
    if (targetId === null) {
      noTargetPost += 1;
      continue;
    }
    const seen = first.get(targetId);
    if (seen === undefined || item.ms < seen.ms) first.set(targetId, item);
  }

  const pairs: LatencyPair[] = [];
  let unknownTargetTime = 0;
  let dropped = 0;
  for (const [targetId, reply] of first) {
    if (answeredBefore.has(targetId)) continue;
    const ref = reply.post.replyTo as PostRef;
    const targetMs = targetTimeMs(ref, reply.post.platform);
    if (targetMs === null) {
      unknownTargetTime += 1;
      continue;
    }
    const latencyMs = reply.ms - targetMs;
    if (latencyMs < -CLOCK_SKEW_MS) {
      dropped += 1;
      continue;
    }
    pairs.push({ targetId, reply, latencyMs: Math.max(0, latencyMs) });
  }
  pairs.sort((a, b) => a.reply.ms - b.reply.ms);
  return { pairs, unknownTargetTime, noTargetPost, dropped };
}

/**
 * metrics.md §3.2. Durations are worked out in ms and reported in seconds with the ms kept as a
 * fraction (985 323 ms → 985.323 s): X v2 `created_at` has whole seconds but ids carry the ms,
 * and rounding would make a hand check disagree. `slowest` cites the up to 5 slowest first
 * replies, slowest first (equal latencies: older reply first).
 *
 * Business twins (metrics.md §10): each pair's span, from the target's time (a skewed reply's
 * target taken at the reply's time, so 0) to the reply, is measured again on the business clock
 * of `ctx.businessHours`; `medianBusinessSeconds` / `p90BusinessSeconds` are the median and p90
 * of those, null without business hours or without pairs. Ranked on their own: the pair at the
 * wall-clock median need not be the one at the business median.
 */
export function compute(set: PostSet, ctx: MetricContext): ResponseLatencyMeasurement {
  const { pairs, unknownTargetTime, noTargetPost, dropped } = firstReplyPairs(set, ctx);
  const n = pairs.length;
  // Typed arrays sort numerically, natively: hundreds of thousands of pairs in a large history.
  const sortedMs = Float64Array.from(pairs, (p) => p.latencyMs).sort();
  const bh = ctx.businessHours;
  const sortedBusiness =
    bh === null ? [] : Float64Array.from(pairs, (p) => businessSeconds(p.reply.ms - p.latencyMs, p.reply.ms, bh)).sort();
  let withinHour = 0;
  let withinDay = 0;
  for (const ms of sortedMs) {
    if (ms <= ONE_HOUR_MS) withinHour += 1;
    if (ms <= ONE_DAY_MS) withinDay += 1;
  }
  const slowest = slowestPairs(pairs, SLOWEST_LIMIT).map(({ reply, latencyMs }) => {
      const latencySeconds = latencyMs / 1000;
      return {
        id: reply.post.id,
        url: reply.post.url,
        createdAt: reply.post.createdAt,
        text: reply.post.text,
        note: `answered after ${formatDuration(latencySeconds)}`,
        latencySeconds,
      };
    });
  return {
    n,
    medianSeconds: n === 0 ? null : median(sortedMs) / 1000,
    p90Seconds: n === 0 ? null : nearestRank(sortedMs, 90) / 1000,
    withinOneHourShare: n === 0 ? null : withinHour / n,
    withinOneDayShare: n === 0 ? null : withinDay / n,
    unknownTargetTime,
    noTargetPost,
    dropped,
    medianBusinessSeconds: sortedBusiness.length === 0 ? null : median(sortedBusiness),
    p90BusinessSeconds: sortedBusiness.length === 0 ? null : nearestRank(sortedBusiness, 90),
    slowest,
  };
}

/**
 * The `limit` slowest pairs, slowest first; equal latencies: the older reply first, then the
 * order of `pairs` (what a stable sort of all pairs would give, without sorting them all).
 */
function slowestPairs(pairs: readonly LatencyPair[], limit: number): LatencyPair[] {
  const before = (a: LatencyPair, b: LatencyPair): boolean =>
    a.latencyMs > b.latencyMs || (a.latencyMs === b.latencyMs && a.reply.ms < b.reply.ms);
  const top: LatencyPair[] = [];
  for (const pair of pairs) {
    if (top.length === limit && !before(pair, top[limit - 1] as LatencyPair)) continue;
    let i = top.length < limit ? top.length : limit - 1;
    while (i > 0 && before(pair, top[i - 1] as LatencyPair)) i -= 1;
    top.splice(i, 0, pair);
    if (top.length > limit) top.pop();
  }
  return top;
}

export const responseLatency = { meta, compute } satisfies Metric<'responseLatency', ResponseLatencyMeasurement>;
