import { z } from 'zod';

/**
 * The scoring model of metrics.md §4: one piecewise-linear curve per metric, weights and the
 * verdict threshold. The report echoes the model it used so a consumer can re-score it.
 */
export const METRIC_IDS = ['replyRatio', 'responseLatency', 'mix', 'selfPromotion', 'responseRate'] as const;
export type MetricId = (typeof METRIC_IDS)[number];

/** `[value, score]` control points; straight lines between them, flat beyond the ends. */
export const CurveSchema = z
  .array(z.tuple([z.number(), z.number().min(0).max(1)]))
  .min(1)
  .refine((pts) => pts.every((p, i) => i === 0 || p[0] > (pts[i - 1]?.[0] ?? -Infinity)), {
    message: 'curve points must be in strictly increasing order of value',
  });
export type Curve = z.infer<typeof CurveSchema>;

export const SCORING_MODEL_VERSION = 1;

export const ScoringModelSchema = z.object({
  version: z.number().int(),
  curves: z.object({
    replyRatio: CurveSchema,
    responseLatency: CurveSchema,
    mix: CurveSchema,
    selfPromotion: CurveSchema,
    responseRate: CurveSchema,
  }),
  /** Weights; `responseRate` counts only when inbound messages were read (metrics.md §9). */
  weights: z.object({
    replyRatio: z.number().min(0),
    responseLatency: z.number().min(0),
    mix: z.number().min(0),
    selfPromotion: z.number().min(0),
    responseRate: z.number().min(0),
  }),
  /** Score at or above which the verdict is BEING social. */
  threshold: z.number().min(0).max(100),
  /** Latency's score is multiplied by min(1, n / latencyFullAt). */
  latencyFullAt: z.number().int().min(1),
});
export type ScoringModel = z.infer<typeof ScoringModelSchema>;

/**
 * Defaults of metrics.md §4, with where the numbers come from:
 * - Reply ratio and conversation mix: studies of organisations on Twitter find under 20% of their
 *   posts conversational (Lovejoy & Saxton 2012), so 0.20 is the middle (0.5) and 0.50 very good (0.9).
 * - Latency: people expect an answer within about an hour (Lithium 2013: 53%, 72% when complaining;
 *   Convince & Convert: 42% within 60 minutes); brands answer in about 10 hours on average and
 *   government is among the slowest sectors (Sprout Social Index). So 1 h scores 0.9, 4 h 0.5.
 * - Self-promotion: a little is expected (5% → 0.9); half of everything → 0.1.
 * - Weights 25/30/25/20: latency weighs most because speed is what people notice first.
 * - Response rate (metrics.md §9), only with inbound data: Socially Devoted asked brands to answer
 *   65% of questions, so 0.65 scores 0.8; weight 30, as much as latency: whether people get an
 *   answer matters as much as how fast.
 * - Threshold 60 and latencyFullAt 10: metrics.md §4.
 */
export const DEFAULT_SCORING_MODEL: ScoringModel = {
  version: SCORING_MODEL_VERSION,
  curves: {
    replyRatio: [[0, 0], [0.05, 0.25], [0.2, 0.5], [0.5, 0.9], [0.7, 1]],
    responseLatency: [[900, 1], [3600, 0.9], [14400, 0.5], [43200, 0.2], [86400, 0.1], [259200, 0]],
    mix: [[0, 0], [0.05, 0.25], [0.2, 0.5], [0.5, 0.9], [0.7, 1]],
    selfPromotion: [[0, 1], [0.05, 0.9], [0.2, 0.5], [0.5, 0.1], [1, 0]],
    responseRate: [[0, 0], [0.25, 0.3], [0.5, 0.6], [0.65, 0.8], [0.9, 1]],
  },
  weights: { replyRatio: 25, responseLatency: 30, mix: 25, selfPromotion: 20, responseRate: 30 },
  threshold: 60,
  latencyFullAt: 10,
};
