import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { parseSavedReport, type LoadedReport } from './read-report.js';
import { sanitizeForTerminal, truncate } from './sanitize.js';

/*
 * Saved reports for `--compare` and `social-audit trend`: a file written by `--json` for one
 * account (a report), or for several (`{ schemaVersion, reports: [...] }`, MultiReportSchema),
 * whose reports are read one by one and whose failed accounts (`{ account, error }`) are skipped.
 * Every report is read as read-report.ts reads one (schema versions, fields added since 1.0.0).
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const HOW_TO_SAVE = 'save one with `social-audit <account> --json --output report.json`';

/**
 * The reports in the saved file at `path`: one for a single-account report, each audited account's
 * for a many-account file (in the file's order).
 * @throws InputError (exit 2, one line naming the file) when the file cannot be read, is not JSON,
 *   is not a social-audit report, or holds no report at all.
 */
export async function readSavedReports(path: string): Promise<LoadedReport[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = isObject(err) && typeof err.code === 'string' ? err.code : undefined;
    const why: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'is a folder, not a report file', EACCES: 'permission denied' };
    const problem = (code !== undefined ? why[code] : undefined) ?? 'cannot be read';
    throw new InputError(path, `${problem}; give the path of a report saved with --json --output`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (err) {
    const detail = err instanceof Error ? truncate(sanitizeForTerminal(err.message), 100) : 'invalid JSON';
    throw new InputError(path, `not JSON (${detail}); ${HOW_TO_SAVE}`, { cause: err });
  }
  if (isObject(data) && Array.isArray(data.reports) && !('account' in data)) {
    const tool = isObject(data.tool) ? data.tool.name : undefined;
    if (tool !== undefined && tool !== 'social-audit') {
      throw new InputError(path, `not a social-audit report (tool.name is not social-audit); ${HOW_TO_SAVE}`);
    }
    const loaded = data.reports
      .map((entry, i) => ({ entry, i }))
      .filter(({ entry }) => !(isObject(entry) && 'error' in entry && typeof entry.account === 'string'))
      .map(({ entry, i }) => ({ ...parseSavedReport(entry, `${path} reports[${i}]`), path }));
    if (loaded.length === 0) throw new InputError(path, 'holds no report: every account in it failed; give an earlier file');
    return loaded;
  }
  return [parseSavedReport(data, path)];
}
