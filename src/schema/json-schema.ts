import { z } from 'zod';
import { ConfigSchema } from '../config.js';
import { MultiReportSchema, ReportSchema, SCHEMA_VERSION } from './report.js';

/** A JSON Schema document (draft 2020-12) as produced by `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

/**
 * Put the descriptive keys first, then the generated schema: `$schema` stays at the top and
 * the committed files read naturally.
 */
function withHeader(schema: JsonSchema, header: JsonSchema): JsonSchema {
  const { $schema, ...rest } = schema;
  return { $schema, ...header, ...rest };
}

/**
 * JSON Schema (draft 2020-12) of the report written by `--format json`, generated from
 * `ReportSchema`. Generated on the input side so that objects allow keys a later minor version may
 * add (a consumer validating with this schema keeps working when fields are added; renames and
 * removals bump the major version).
 * Published as `schema/report.schema.json`; `$comment` carries the report's `schemaVersion`.
 * No `$id`: the schema has no canonical URL yet.
 */
export function reportJsonSchema(): JsonSchema {
  return withHeader(z.toJSONSchema(ReportSchema, { target: 'draft-2020-12', io: 'input' }), {
    title: 'social-audit report',
    description: 'The JSON report of social-audit (metrics.md §6). Ratios are in [0, 1], durations in seconds, instants ISO 8601.',
    $comment: `schemaVersion ${SCHEMA_VERSION}. Generated from ReportSchema (src/schema/report.ts) by npm run schema; do not edit.`,
  });
}

/**
 * JSON Schema (draft 2020-12) of the JSON of a run over several accounts (`{ schemaVersion,
 * reports: [...] }`), generated from `MultiReportSchema` on the input side as the report's is.
 * Each entry of `reports` is a full report or a failed account. Published as
 * `schema/multi-report.schema.json`.
 */
export function multiReportJsonSchema(): JsonSchema {
  return withHeader(z.toJSONSchema(MultiReportSchema, { target: 'draft-2020-12', io: 'input' }), {
    title: 'social-audit report of several accounts',
    description:
      'The JSON of social-audit run over several accounts: one entry per account, a full report (see report.schema.json) or { account, error: { message, exitCode } }.',
    $comment: `schemaVersion ${SCHEMA_VERSION}. Generated from MultiReportSchema (src/schema/report.ts) by npm run schema; do not edit.`,
  });
}

/**
 * JSON Schema (draft 2020-12) of `social-audit.config.json`, generated from `ConfigSchema`
 * (the input side: what a user writes, for editor completion and validation). Published as
 * `schema/config.schema.json`; a config file may point at it with `$schema`.
 */
export function configJsonSchema(): JsonSchema {
  return withHeader(z.toJSONSchema(ConfigSchema, { target: 'draft-2020-12', io: 'input' }), {
    title: 'social-audit config',
    description: 'social-audit.config.json (metrics.md §8). Unknown keys are an error.',
    $comment: `Generated from ConfigSchema (src/config.ts) by npm run schema, alongside report schemaVersion ${SCHEMA_VERSION}; do not edit.`,
  });
}

/** Serialise a schema the way the committed files are written: two spaces, trailing newline. */
export function formatJsonSchema(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
