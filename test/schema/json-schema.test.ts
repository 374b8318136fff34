import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/schema/report.js';
import { configJsonSchema, formatJsonSchema, multiReportJsonSchema, reportJsonSchema } from '../../src/schema/json-schema.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function committed(file: string): Promise<string> {
  try {
    return await readFile(`${root}${file}`, 'utf8');
  } catch {
    return `(${file} is missing)`;
  }
}

describe('published JSON Schemas', () => {
  it.each([
    ['schema/report.schema.json', reportJsonSchema],
    ['schema/config.schema.json', configJsonSchema],
    ['schema/multi-report.schema.json', multiReportJsonSchema],
  ])('%s matches the zod schema', async (file, generate) => {
    expect(await committed(file), `${file} is out of date: run npm run schema`).toBe(formatJsonSchema(generate()));
  });

  it('describes the report contract', () => {
    const schema = reportJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$comment).toContain(`schemaVersion ${SCHEMA_VERSION}`);
    expect(schema).not.toHaveProperty('$id');
    const properties = schema.properties as Record<string, { const?: unknown }>;
    expect(properties.schemaVersion?.const).toBe(SCHEMA_VERSION);
    expect(schema.required).toEqual(
      expect.arrayContaining(['schemaVersion', 'tool', 'account', 'source', 'window', 'counts', 'metrics', 'score', 'scoring', 'recommendations', 'warnings']),
    );
  });

  it('describes the JSON of several accounts: each entry a report or a failed account', () => {
    const schema = multiReportJsonSchema();
    expect(schema.$comment).toContain(`schemaVersion ${SCHEMA_VERSION}`);
    expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'reports']));
    const reports = (schema.properties as Record<string, { items?: { anyOf?: unknown[] } }>).reports;
    expect(reports?.items?.anyOf).toHaveLength(2);
  });

  it('describes the config file, strict about unknown keys', () => {
    const schema = configJsonSchema();
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties as object)).toEqual(
      expect.arrayContaining(['$schema', 'ownDomains', 'ownHashtags', 'affiliates', 'selfPromotion', 'scoring', 'timeZone', 'accounts']),
    );
  });
});
