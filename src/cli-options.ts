/**
 * The schemas that check the command line's options once commander has parsed them. Kept apart
 * from `cli.ts`, which imports this module only when a command runs: zod is not loaded for
 * `--help` or `--version` (docs/performance.md, start-up).
 */
import { z } from 'zod';
import { UsageError } from './errors.js';
import { PlatformSchema } from './model/post.js';

export const FORMATS = ['terminal', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Raw commander options, validated before use. */
export const OptionsSchema = z.object({
  input: z.string().min(1).optional(),
  platform: PlatformSchema.optional(),
  apiUrl: z.string().optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  month: z.string().optional(),
  tz: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
  format: z.enum(FORMATS).optional(),
  json: z.boolean().optional(),
  output: z.string().min(1).optional(),
  failUnder: z.number().min(0).max(100).optional(),
  includePrivate: z.boolean().optional(),
  /** `--inbound <path>` (repeatable) gives paths; `--no-inbound` gives false. */
  inbound: z.union([z.array(z.string().min(1)), z.literal(false)]).optional(),
  timeout: z.number().positive().optional(),
  maxWait: z.number().min(0).optional(),
  /** `--no-cache` gives false; commander defaults it to true. */
  cache: z.boolean().optional(),
  cacheDir: z.string().min(1).optional(),
  compare: z.string().min(1).optional(),
  concurrency: z.number().int().min(1).optional(),
  dryRun: z.boolean().optional(),
  xPrice: z.number().min(0).optional(),
  debug: z.boolean().optional(),
});
export type Options = z.infer<typeof OptionsSchema>;

/** `social-audit trend` options. */
export const TrendOptionsSchema = z.object({
  format: z.enum(FORMATS).optional(),
  json: z.boolean().optional(),
  output: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  platform: PlatformSchema.optional(),
  debug: z.boolean().optional(),
});
export type TrendOptions = z.infer<typeof TrendOptionsSchema>;

function validateWith<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? '?').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new UsageError(`option --${flag}: ${issue?.message ?? 'invalid'}; see social-audit --help`);
  }
  return parsed.data;
}

/** The audit's and `fetch`'s options, checked; a bad one is a usage error naming its flag. */
export const validateOptions = (raw: unknown): Options => validateWith(OptionsSchema, raw);

/** `trend`'s options, checked. */
export const validateTrendOptions = (raw: unknown): TrendOptions => validateWith(TrendOptionsSchema, raw);
