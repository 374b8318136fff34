import { fileURLToPath } from 'node:url';
import { toolVersion } from './cli.js';
import { renderJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { runAudit } from './run-audit.js';

/** The sample the golden reports are made from, and the fixed clock they are made at. */
export const GOLDEN_INPUT = 'fixtures/sample/cascadia-roads-archive.zip';
export const GOLDEN_NOW = new Date('2026-11-02T00:00:00.000Z');

/**
 * The golden reports (file → content): the bundled sample audited for October 2026 in
 * Vancouver time, as JSON and Markdown. Paths are relative to the repository root.
 */
export async function goldenReports(): Promise<Record<string, string>> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const report = await runAudit(
    {
      input: GOLDEN_INPUT,
      account: null,
      platform: null,
      month: '2026-10',
      timeZone: 'America/Vancouver',
      includePrivate: false,
      config: { config: {}, path: null },
    },
    {
      now: () => GOLDEN_NOW,
      toolVersion: toolVersion(),
      openSource: async (path) => (await import('./fetchers/detect.js')).openSource(`${root}${path}`),
    },
  );
  return {
    'examples/sample-report.json': renderJson(report),
    'examples/sample-report.md': renderMarkdown(report),
  };
}
