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
  });

export const ScoringConfigSchema = z.strictObject({
  curves: MetricMap(CurveSchema).optional(),
  weights: MetricMap(z.number().min(0)).optional(),
  threshold: z.number().min(0).max(100).optional(),
  latencyFullAt: z.number().int().min(1).optional(),
});

/** Keys that may appear at the top level and, per account, inside `accounts`. */
const accountKeys = {
  ownDomains: z.array(z.string().min(1)).optional(),
  ownHashtags: z.array(z.string().min(1)).optional(),
  affiliates: z.array(z.string().min(1)).optional(),
  selfPromotion: z.strictObject({ phrases: z.array(z.string().min(1)).optional() }).optional(),
  scoring: ScoringConfigSchema.optional(),
  timeZone: z.string().min(1).optional(),
};

export const AccountConfigSchema = z.strictObject(accountKeys);
export type AccountConfig = z.infer<typeof AccountConfigSchema>;

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  ...accountKeys,
  /** Per-account settings keyed by handle (`@DriveBC`, `drivebc.bsky.social`, ...). */
  accounts: z.record(z.string(), AccountConfigSchema).optional(),
});
export type Config = z.infer<typeof ConfigSchema>;
