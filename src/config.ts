import { z } from 'zod';
import { CurveSchema } from './scoring/model.js';

/**
 * `social-audit.config.json` (metrics.md §8). Every object is strict: an unknown key is an error
 * that names the key. Its JSON Schema is published beside the report's.
 */
const MetricMap = <T extends z.ZodType>(value: T) =>
  z.strictObject({
    replyRatio: value.optional(),
    responseLatency: value.optional(),
    mix: value.optional(),
    selfPromotion: value.optional(),
    responseRate: value.optional(),
  });

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day as HH:MM, 00:00 to 24:00');

/**
 * Business hours (metrics.md §10): opening hours per weekday on the business's own clock; a day
 * left out is closed; holidays are closed all day.
 */
export const BusinessHoursSchema = z.strictObject({
  timeZone: z.string().min(1),
  days: z.strictObject({
    mon: z.tuple([Clock, Clock]).optional(),
    tue: z.tuple([Clock, Clock]).optional(),
    wed: z.tuple([Clock, Clock]).optional(),
    thu: z.tuple([Clock, Clock]).optional(),
    fri: z.tuple([Clock, Clock]).optional(),
    sat: z.tuple([Clock, Clock]).optional(),
    sun: z.tuple([Clock, Clock]).optional(),
  }),
  holidays: z.array(z.iso.date()).optional(),
});
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

/** A duration: seconds as a number, or a string such as `7d`, `48h`, `90m`, `3600s`. */
export const DurationSchema = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(s|m|h|d)$/, 'a duration such as 7d, 48h, 90m or 3600s'),
]);

/** Seconds in a config duration. */
export function durationSeconds(value: z.infer<typeof DurationSchema>): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(value);
  const n = Number(m?.[1] ?? 0);
  const unit = m?.[2] ?? 's';
  return n * (unit === 'd' ? 86_400 : unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
}

export const ScoringConfigSchema = z.strictObject({
  curves: MetricMap(CurveSchema).optional(),
  weights: MetricMap(z.number().min(0)).optional(),
  threshold: z.number().min(0).max(100).optional(),
  latencyFullAt: z.number().int().min(1).optional(),
});

/**
 * One assertion on a report (in the manner of Lighthouse CI): a report path (`score`,
 * `metrics.responseLatency.medianSeconds`, …) and bounds; `level` `error` (default) fails the run
 * with exit 1, `warn` is listed only.
 */
export const AssertionSchema = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
  level: z.enum(['error', 'warn']).optional(),
});
export type Assertion = z.infer<typeof AssertionSchema>;

/** Keys that may appear at the top level and, per account, inside `accounts`. */
const accountKeys = {
  ownDomains: z.array(z.string().min(1)).optional(),
  ownHashtags: z.array(z.string().min(1)).optional(),
  affiliates: z.array(z.string().min(1)).optional(),
  selfPromotion: z.strictObject({ phrases: z.array(z.string().min(1)).optional() }).optional(),
  scoring: ScoringConfigSchema.optional(),
  timeZone: z.string().min(1).optional(),
  businessHours: BusinessHoursSchema.optional(),
  /** metrics.md §9: how long a message may wait for an answer before it counts as unanswered (default 7 days). */
  responseRate: z.strictObject({ giveUpAfter: DurationSchema.optional() }).optional(),
  /**
   * Assertions keyed by report path; `score` is short for `score.value`. In an `accounts` entry
   * they are merged path by path over the top-level ones (the entry's bounds for a path win).
   */
  assert: z.record(z.string(), AssertionSchema).optional(),
};

export const AccountConfigSchema = z.strictObject(accountKeys);
export type AccountConfig = z.infer<typeof AccountConfigSchema>;

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  ...accountKeys,
  /** Prices used by `--dry-run` to estimate what a live run costs. */
  pricing: z
    .strictObject({
      /** US dollars per X post read (pay-per-use credits; default 0.005). */
      xPerPost: z.number().min(0).optional(),
    })
    .optional(),
  /** Per-account settings keyed by handle (`@DriveBC`, `drivebc.bsky.social`, ...). */
  accounts: z.record(z.string(), AccountConfigSchema).optional(),
});
export type Config = z.infer<typeof ConfigSchema>;
