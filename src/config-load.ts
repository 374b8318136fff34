import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { handleKey } from './account.js';
import { ConfigSchema, type AccountConfig, type Config } from './config.js';
import { InputError } from './errors.js';
import { DEFAULT_SCORING_MODEL, METRIC_IDS, ScoringModelSchema, type ScoringModel } from './scoring/model.js';

export const DEFAULT_CONFIG_FILE = 'social-audit.config.json';

/** The config in force and where it came from (null when none was found). */
export interface LoadedConfig {
  config: Config;
  path: string | null;
}

/**
 * Loads `--config <file>`, or `social-audit.config.json` in `cwd` when present (metrics.md §8).
 * Unknown keys and wrong types are errors naming the key.
 */
export async function loadConfig(explicit: string | undefined, cwd: string): Promise<LoadedConfig> {
  const path = explicit ?? join(cwd, DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (explicit === undefined && code === 'ENOENT') return { config: {}, path: null };
    throw new InputError(
      explicit ?? path,
      code === 'ENOENT' ? 'config file not found; check the --config path' : `cannot be read (${code ?? 'error'})`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new InputError(path, `is not valid JSON (${(err as Error).message}); fix the config file`, { cause: err });
  }
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) throw new InputError(path, describeConfigIssue(parsed.error));
  return { config: parsed.data, path };
}

/** One line naming the first problem in a config: the key and what is expected. */
export function describeConfigIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'is not a valid config';
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (at ? `${at}.${k}` : k)).join(', ');
    return `unknown config key ${keys}; remove it or check its spelling (the keys are listed in schema/config.schema.json)`;
  }
  return `config key ${at || '(top level)'}: ${issue.message}; fix it (see schema/config.schema.json)`;
}

/**
 * The top-level settings merged with the `accounts` entry of the audited handle (entry wins, key by
 * key; `assert` path by path). `pricing` is not an account setting and is left out.
 */
export function accountConfig(config: Config, handle: string | null): AccountConfig {
  const { accounts, $schema: _schema, pricing: _pricing, ...base } = config;
  if (!accounts || handle === null) return base;
  const key = handleKey(handle);
  const entry =
    Object.entries(accounts).find(([k]) => handleKey(k) === key)?.[1] ??
    // A Mastodon handle may be written with or without its server: `@RoadInfoBC` names
    // `RoadInfoBC@mstdn.bc.example` when no entry spells the server out.
    Object.entries(accounts).find(([k]) => localPart(handleKey(k)) === localPart(key) && (!handleKey(k).includes('@') || !key.includes('@')))?.[1];
  if (!entry) return base;
  return {
    ...base,
    ...entry,
    selfPromotion: entry.selfPromotion ?? base.selfPromotion,
    ...(base.assert !== undefined || entry.assert !== undefined ? { assert: { ...base.assert, ...entry.assert } } : {}),
    scoring: {
      ...base.scoring,
      ...entry.scoring,
      curves: { ...base.scoring?.curves, ...entry.scoring?.curves },
      weights: { ...base.scoring?.weights, ...entry.scoring?.weights },
    },
  };
}

/** The metrics every audit can score (response rate needs inbound data). */
const OUTBOUND_METRICS = ['replyRatio', 'responseLatency', 'mix', 'selfPromotion'] as const;

function localPart(handle: string): string {
  return handle.split('@')[0] ?? handle;
}

/** The default scoring model with the config's curves, weights, threshold and latencyFullAt applied. */
export function scoringModel(cfg: AccountConfig, path: string | null): ScoringModel {
  const s = cfg.scoring;
  const model: ScoringModel = structuredClone(DEFAULT_SCORING_MODEL);
  if (s) {
    for (const id of METRIC_IDS) {
      const curve = s.curves?.[id];
      if (curve) model.curves[id] = curve;
      const weight = s.weights?.[id];
      if (weight !== undefined) model.weights[id] = weight;
    }
    if (s.threshold !== undefined) model.threshold = s.threshold;
    if (s.latencyFullAt !== undefined) model.latencyFullAt = s.latencyFullAt;
  }
  // Response rate scores only with inbound data; the four outbound metrics always have a value,
  // so at least one of them must weigh something for every audit to have a score.
  if (OUTBOUND_METRICS.every((id) => model.weights[id] === 0)) {
    throw new InputError(
      path ?? 'config',
      `scoring.weights of ${OUTBOUND_METRICS.join(', ')} are all 0; give at least one of them a weight`,
    );
  }
  return ScoringModelSchema.parse(model);
}
