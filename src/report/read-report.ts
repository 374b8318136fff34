import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { ReportSchema, SCHEMA_VERSION, type Report } from '../schema/report.js';
import { DEFAULT_SCORING_MODEL } from '../scoring/model.js';
import { sanitizeForTerminal, truncate } from './sanitize.js';

/*
 * Reading a saved JSON report back (`--compare <previous.json>`, `social-audit trend`).
 *
 * Which reports are read:
 * - schemaVersion with the current major (1.x, older or newer minor): keys this version does not
 *   know are dropped; fields added to 1.x after 1.0.0 first shipped are filled in when missing
 *   (FIELDS_ADDED_SINCE_1_0, below), then the report is validated with ReportSchema.
 * - another major (0.x, 2.x, ...): read the same way if, after the same filling, it still
 *   validates, with a warning in the report; else refused.
 * - anything that is not JSON, not an object or has no `schemaVersion` string: refused.
 * Refusals are InputErrors (exit 2) with one line naming the file, its schemaVersion and the
 * versions this tool reads.
 *
 * The report returned is in the current format: its `schemaVersion` reads SCHEMA_VERSION, and
 * `readReportFile` also gives the version written in the file and the fields that were filled.
 */

/** The schemaVersion major this tool reads without a warning (the major of SCHEMA_VERSION). */
export const READABLE_MAJOR = Number(SCHEMA_VERSION.split('.')[0]);

/** One field added to the 1.x format after 1.0.0 first shipped, and the value an older report gets. */
interface AddedField {
  /** Dotted path of the field; its parent object must exist. */
  readonly path: string;
  /** The value for a report written before the field existed: "not measured" (null) where the schema allows it. */
  readonly fill: (raw: Record<string, unknown>) => unknown;
}

const ZERO_WEEK = (): number[][] => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));

const windowZone = (raw: Record<string, unknown>): string => {
  const window = raw.window;
  if (window !== null && typeof window === 'object' && 'timeZone' in window && typeof window.timeZone === 'string') {
    return window.timeZone;
  }
  return 'UTC';
};

/**
 * Fields added to the 1.x report since 1.0.0 first shipped, filled in when a report lacks them.
 * An older report did not measure these, so they read "not measured": null where the schema
 * allows it; counts the schema requires are 0 and the coverage grid of replies is all zeros
 * (the older tool did not count them: do not read them as "no replies"); the scoring model gets
 * the response-rate curve and weight of the default model, which count only with inbound data
 * that an older report never had, so its score is unchanged.
 */
export const FIELDS_ADDED_SINCE_1_0: readonly AddedField[] = [
  { path: 'source.requests', fill: () => 0 },
  { path: 'source.fetchedAt', fill: () => null },
  { path: 'source.cache', fill: () => null },
  { path: 'metrics.responseLatency.medianBusinessSeconds', fill: () => null },
  { path: 'metrics.responseLatency.p90BusinessSeconds', fill: () => null },
  { path: 'metrics.responseRate', fill: () => null },
  {
    path: 'metrics.coverage',
    fill: (raw) => ({ timeZone: windowZone(raw), repliesByHour: ZERO_WEEK(), inboundByHour: null, outOfHoursInboundShare: null }),
  },
  { path: 'metrics.cannedReplies', fill: () => ({ share: null, canned: 0, replies: 0, templates: [] }) },
  { path: 'metrics.peopleEngaged', fill: () => ({ distinct: 0, followThroughShare: null }) },
  { path: 'inbound', fill: () => null },
  { path: 'scoring.curves.responseRate', fill: () => structuredClone(DEFAULT_SCORING_MODEL.curves.responseRate) },
  { path: 'scoring.weights.responseRate', fill: () => DEFAULT_SCORING_MODEL.weights.responseRate },
];

/** What {@link readReportFile} read. */
export interface LoadedReport {
  /** The report in the current format. */
  report: Report;
  /** The file as given. */
  path: string;
  /** The schemaVersion written in the file. */
  schemaVersion: string;
  /** Paths of the fields that were missing and filled in (FIELDS_ADDED_SINCE_1_0). */
  filled: string[];
}

/** ReportSchema, accepting any schemaVersion string (checked before) and dropping unknown keys. */
const LooseReportSchema = ReportSchema.extend({ schemaVersion: z.string() });

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Fill every missing field of FIELDS_ADDED_SINCE_1_0 whose parent exists, in place; returns the filled paths. */
function fillAddedFields(raw: Record<string, unknown>): string[] {
  const filled: string[] = [];
  for (const field of FIELDS_ADDED_SINCE_1_0) {
    const keys = field.path.split('.');
    const last = keys.pop();
    let parent: unknown = raw;
    for (const key of keys) parent = isObject(parent) && Object.hasOwn(parent, key) ? parent[key] : undefined;
    if (last === undefined || !isObject(parent) || Object.hasOwn(parent, last)) continue;
    parent[last] = field.fill(raw);
    filled.push(field.path);
  }
  return filled;
}

/** Text from the file, safe and short enough for a one-line message. */
const shown = (text: string, max: number): string => truncate(sanitizeForTerminal(text), max);

/** The first problems zod found, as one line: `metrics.replyRatio.value: expected number (and 2 more)`. */
function describeIssues(error: z.ZodError): string {
  const [first] = error.issues;
  if (first === undefined) return 'it does not match the report format';
  const where = first.path.length > 0 ? first.path.map(String).join('.') : 'the report';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${shown(where, 80)}: ${shown(first.message, 120)}${more}`;
}

const HOW_TO_SAVE = 'save one with `social-audit <account> --json --output report.json`';

/**
 * Turn the parsed JSON of a saved report into a report of the current format (see the rules at the
 * top of this file). `path` only names the file in errors.
 * @throws InputError when it is not a social-audit report or cannot be read as one.
 */
export function parseSavedReport(data: unknown, path: string): LoadedReport {
  if (!isObject(data)) {
    const what = Array.isArray(data) ? 'an array' : data === null ? 'null' : `a ${typeof data}`;
    throw new InputError(path, `not a social-audit report (the JSON is ${what}, not an object); ${HOW_TO_SAVE}`);
  }
  const version = data.schemaVersion;
  const tool = isObject(data.tool) ? data.tool.name : undefined;
  if (typeof version !== 'string' || tool !== 'social-audit') {
    const what = typeof version !== 'string' ? 'it has no schemaVersion' : 'tool.name is not social-audit';
    throw new InputError(path, `not a social-audit report (${what}); ${HOW_TO_SAVE}`);
  }
  const major = /^(\d+)\.\d+\.\d+/.exec(version)?.[1];
  const versionText = shown(version, 24);
  const sameMajor = major !== undefined && Number(major) === READABLE_MAJOR;
  const raw = structuredClone(data);
  const filled = fillAddedFields(raw);
  const parsed = LooseReportSchema.safeParse(raw);
  if (!parsed.success) {
    const reads = `this social-audit reads schemaVersion ${READABLE_MAJOR}.x (it writes ${SCHEMA_VERSION})`;
    const problem = sameMajor
      ? `schemaVersion ${versionText} report is damaged: ${describeIssues(parsed.error)}; ${reads}`
      : `schemaVersion ${versionText} cannot be read (${describeIssues(parsed.error)}); ${reads}: use the social-audit version that wrote it`;
    throw new InputError(path, problem);
  }
  const report: Report = { ...parsed.data, schemaVersion: SCHEMA_VERSION };
  const notes: Report['warnings'] = [];
  if (!sameMajor) {
    notes.push({
      code: 'schema-version-other',
      message:
        `Read from schemaVersion ${versionText}, which this social-audit (schemaVersion ${SCHEMA_VERSION}) ` +
        "does not know; its fields matched this version's format.",
    });
  }
  if (filled.length > 0) {
    notes.push({
      code: 'schema-upgraded',
      message: `Read from schemaVersion ${versionText}, written before these fields existed; they read as not measured: ${filled.join(', ')}.`,
    });
  }
  report.warnings = [...report.warnings, ...notes];
  return { report, path, schemaVersion: version, filled };
}

/**
 * Read a saved JSON report from `path`, with the schemaVersion written in it and the fields filled in.
 * @throws InputError (exit 2, one line naming the file) when the file cannot be read, is not JSON,
 *   is not a social-audit report, or its schemaVersion cannot be read.
 */
export async function readReportFile(path: string): Promise<LoadedReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = isObject(err) && typeof err.code === 'string' ? err.code : undefined;
    const why: Record<string, string> = {
      ENOENT: 'no such file',
      EISDIR: 'is a folder, not a report file',
      EACCES: 'permission denied',
    };
    const problem = (code !== undefined ? why[code] : undefined) ?? 'cannot be read';
    throw new InputError(path, `${problem}; give the path of a report saved with --json --output`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (err) {
    const detail = err instanceof Error ? shown(err.message, 100) : 'invalid JSON';
    throw new InputError(path, `not JSON (${detail}); ${HOW_TO_SAVE}`, { cause: err });
  }
  return parseSavedReport(data, path);
}

/**
 * Read a saved JSON report from `path` in the current format (see {@link readReportFile}).
 * @throws InputError as readReportFile.
 */
export async function readReport(path: string): Promise<Report> {
  return (await readReportFile(path)).report;
}
