import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { FIELDS_ADDED_SINCE_1_0, parseSavedReport, readReport, readReportFile } from '../../src/report/read-report.js';
import { ReportSchema, SCHEMA_VERSION } from '../../src/schema/report.js';
import { DEFAULT_SCORING_MODEL } from '../../src/scoring/model.js';
import { GOLDEN_PATH, goldenJson, goldenReport } from '../helpers/saved-reports.js';

const dir = mkdtempSync(join(tmpdir(), 'social-audit-read-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(content: unknown): string {
  n += 1;
  const path = join(dir, `report-${n}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** The error readReport rejects with, checked to be a one-line InputError naming the file (exit 2). */
async function refusal(path: string): Promise<InputError> {
  const err: unknown = await readReport(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const error = err as InputError;
  expect(error.exitCode).toBe(2);
  expect(error.path).toBe(path);
  expect(error.message.startsWith(`${path}: `)).toBe(true);
  expect(error.message).not.toContain('\n');
  return error;
}

/** The golden report as a current 1.x report would be written (every field present). */
const currentJson = (): Record<string, unknown> => JSON.parse(JSON.stringify(goldenReport())) as Record<string, unknown>;

/** A report as written before the listening fields and source.requests/fetchedAt existed. */
function firstOneZeroJson(): Record<string, unknown> {
  const raw = currentJson();
  const metrics = raw.metrics as Record<string, Record<string, unknown>>;
  const source = raw.source as Record<string, unknown>;
  delete source.requests;
  delete source.fetchedAt;
  delete source.cache;
  delete metrics.responseLatency?.medianBusinessSeconds;
  delete metrics.responseLatency?.p90BusinessSeconds;
  for (const key of ['responseRate', 'coverage', 'cannedReplies', 'peopleEngaged']) delete metrics[key];
  delete raw.inbound;
  const scoring = raw.scoring as { curves: Record<string, unknown>; weights: Record<string, unknown> };
  delete scoring.curves.responseRate;
  delete scoring.weights.responseRate;
  return raw;
}

describe('readReport: reports it reads', () => {
  it('reads a current report unchanged', async () => {
    const expected = goldenReport();
    const loaded = await readReportFile(write(expected));
    expect(loaded.report).toEqual(expected);
    expect(loaded.schemaVersion).toBe(SCHEMA_VERSION);
    expect(loaded.filled).toEqual([]);
  });

  it('reads the committed golden report', async () => {
    const report = await readReport(fileURLToPath(GOLDEN_PATH));
    expect(ReportSchema.safeParse(report).success).toBe(true);
    expect(report.account.handle).toBe('CascadiaRoads');
    expect(report.score.value).toBe((goldenJson().score as { value: number }).value);
  });

  it('drops keys it does not know, at the root and inside (a later 1.x minor)', async () => {
    const raw = currentJson();
    raw.schemaVersion = '1.4.0';
    raw.futureField = { anything: true };
    (raw.metrics as Record<string, unknown>).sentiment = { value: 0.4 };
    (raw.score as Record<string, unknown>).confidence = 0.9;
    const loaded = await readReportFile(write(raw));
    expect(loaded.schemaVersion).toBe('1.4.0');
    expect(loaded.report.schemaVersion).toBe(SCHEMA_VERSION);
    expect(loaded.report).not.toHaveProperty('futureField');
    expect(loaded.report.metrics).not.toHaveProperty('sentiment');
    expect(loaded.report.score).not.toHaveProperty('confidence');
    expect(loaded.report).toEqual(goldenReport());
  });

  it('fills the fields added since 1.0.0 as "not measured" and says so in a warning', async () => {
    const loaded = await readReportFile(write(firstOneZeroJson()));
    expect(loaded.filled).toEqual(FIELDS_ADDED_SINCE_1_0.map((f) => f.path));
    const r = loaded.report;
    expect(r.source.requests).toBe(0);
    expect(r.source.fetchedAt).toBeNull();
    expect(r.metrics.responseLatency.medianBusinessSeconds).toBeNull();
    expect(r.metrics.responseRate).toBeNull();
    expect(r.metrics.coverage).toEqual({
      timeZone: 'America/Vancouver',
      repliesByHour: Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0)),
      inboundByHour: null,
      outOfHoursInboundShare: null,
    });
    expect(r.metrics.cannedReplies).toEqual({ share: null, canned: 0, replies: 0, templates: [] });
    expect(r.metrics.peopleEngaged).toEqual({ distinct: 0, followThroughShare: null });
    expect(r.inbound).toBeNull();
    expect(r.scoring.weights.responseRate).toBe(DEFAULT_SCORING_MODEL.weights.responseRate);
    expect(r.warnings.at(-1)).toEqual({
      code: 'schema-upgraded',
      message: `Read from schemaVersion 1.0.0, written before these fields existed; they read as not measured: ${loaded.filled.join(', ')}.`,
    });
    // everything that was already in 1.0.0 is read unchanged
    const golden = goldenReport();
    expect(r.counts).toEqual(golden.counts);
    expect(r.score).toEqual(golden.score);
    expect(r.metrics.replyRatio).toEqual(golden.metrics.replyRatio);
    expect(r.metrics.mix).toEqual(golden.metrics.mix);
  });

  it('reads another major when its fields still match, with a warning', async () => {
    const raw = currentJson();
    raw.schemaVersion = '2.1.0';
    const loaded = await readReportFile(write(raw));
    expect(loaded.schemaVersion).toBe('2.1.0');
    expect(loaded.report.warnings.map((w) => w.code)).toEqual(['input', 'schema-version-other']);
  });

  it('skips a byte-order mark', async () => {
    const report = await readReport(write(`\ufeff${JSON.stringify(goldenReport())}`));
    expect(report.account.handle).toBe('CascadiaRoads');
  });

  it('parseSavedReport does not change the object it is given', () => {
    const raw = firstOneZeroJson();
    const before = JSON.stringify(raw);
    parseSavedReport(raw, 'mem.json');
    expect(JSON.stringify(raw)).toBe(before);
  });
});

describe('readReport: refusals, one line naming the file', () => {
  it('refuses another major whose fields do not match, naming its version and the versions read', async () => {
    const raw = currentJson();
    raw.schemaVersion = '2.0.0';
    const metrics = raw.metrics as Record<string, unknown>;
    metrics.replies = metrics.replyRatio;
    delete metrics.replyRatio;
    const path = write(raw);
    const error = await refusal(path);
    expect(error.message).toBe(
      `${path}: schemaVersion 2.0.0 cannot be read (metrics.replyRatio: Invalid input: expected object, received undefined); ` +
        `this social-audit reads schemaVersion 1.x (it writes ${SCHEMA_VERSION}): use the social-audit version that wrote it`,
    );
  });

  it('refuses a damaged 1.x report, naming the first bad path and how many more', async () => {
    const raw = currentJson();
    (raw.metrics as { replyRatio: { value: unknown } }).replyRatio.value = 'high';
    (raw.counts as { items: unknown }).items = -1;
    const path = write(raw);
    const error = await refusal(path);
    expect(error.message).toMatch(new RegExp(`^.*: schemaVersion 1\\.0\\.0 report is damaged: counts\\.items: .+ \\(and 1 more\\); this social-audit reads schemaVersion 1\\.x`));
  });

  it.each([
    ['text', 'not a report at all', /: not JSON \(.+\); save one with `social-audit <account> --json --output report.json`$/],
    ['an empty file', '', /: not JSON \(.+\)/],
    ['an array', '[1, 2]', /: not a social-audit report \(the JSON is an array, not an object\)/],
    ['null', 'null', /: not a social-audit report \(the JSON is null, not an object\)/],
    ['a number', '42', /: not a social-audit report \(the JSON is a number, not an object\)/],
    ['no schemaVersion', '{"tool":{"name":"social-audit"}}', /: not a social-audit report \(it has no schemaVersion\)/],
    ['another tool', '{"schemaVersion":"1.0.0","tool":{"name":"lighthouse"}}', /: not a social-audit report \(tool\.name is not social-audit\)/],
  ])('refuses %s', async (_name, content, message) => {
    const error = await refusal(write(content));
    expect(error.message).toMatch(message);
  });

  it('refuses a missing file and a folder', async () => {
    const missing = join(dir, 'nope.json');
    expect((await refusal(missing)).message).toBe(`${missing}: no such file; give the path of a report saved with --json --output`);
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect((await refusal(folder)).message).toContain('is a folder, not a report file');
  });

  it('keeps escape codes in the file out of the message', async () => {
    const raw = currentJson();
    raw.schemaVersion = '9.0.0\x1b]0;pwned\x07\x1b[2J';
    delete raw.metrics;
    const error = await refusal(write(raw));
    expect(error.message).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(error.message).toContain('schemaVersion 9.0.0 cannot be read (metrics: ');
  });
});
