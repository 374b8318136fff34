import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportSchema, type Report } from '../../src/schema/report.js';
import { CASES, type HostileCase } from './cases.js';
import { CASE_BOUND_MS, runBounded, STACK_FRAME } from './run.js';

/**
 * Runs the hostile-input corpus (cases.ts) through the built CLI, `npm test` builds it first.
 * For every case, whatever it expects:
 * - it ends within 5 s (the run is killed past that, and the case fails);
 * - never exit 4 (a bug) and never a stack trace (`    at …`), on stdout or stderr;
 * - a failure prints exactly one line on stderr; a success prints nothing there;
 * - a JSON report on stdout is valid against the report schema.
 * Then the case's own expectation: the exit code, and the stderr line or the report's figures.
 */

const root = mkdtempSync(join(tmpdir(), 'social-audit-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let serial = 0;

async function runCase(c: HostileCase): Promise<void> {
  const dir = join(root, `case-${++serial}`);
  mkdirSync(dir, { recursive: true });
  const args = await c.build(dir);
  const r = await runBounded(args);
  const where = `${c.name}\nexit ${r.code}${r.signal ? ` (${r.signal})` : ''} after ${Math.round(r.ms)} ms\nstderr: ${r.stderr.slice(0, 2000)}`;

  expect(r.timedOut, `${where}\nkilled after ${CASE_BOUND_MS} ms`).toBe(false);
  expect(r.ms, where).toBeLessThan(CASE_BOUND_MS);
  expect(r.code, where).not.toBe(4);
  expect(r.stderr, where).not.toMatch(STACK_FRAME);
  expect(r.stdout.slice(0, 100_000), where).not.toMatch(STACK_FRAME);
  expect(r.stderr, where).not.toMatch(/internal error|this is a bug/);
  expect(r.code, where).toBe(c.expected.code);

  let report: Report | null = null;
  if (r.code === 0 || r.code === 1) {
    expect(r.stderr, where).toBe('');
    if (args.includes('--json')) {
      const parsed = ReportSchema.safeParse(JSON.parse(r.stdout));
      expect(parsed.success, `${where}\n${parsed.error?.message ?? ''}`).toBe(true);
      report = parsed.data ?? null;
      if (c.expected.report) expect(report, where).toMatchObject(c.expected.report);
    }
  } else {
    expect(r.stdout, where).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines.length, `${where}\nexactly one line on stderr`).toBe(2);
    expect(lines[1], where).toBe('');
    expect(lines[0], where).toMatch(/^social-audit: /);
    if (c.expected.stderr) expect(lines[0], where).toMatch(c.expected.stderr);
  }
  c.expected.check?.({ report, stdout: r.stdout, stderr: r.stderr, dir });
}

describe('hostile input', () => {
  it('the corpus has at least 60 cases, each named once, covering every reader', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    const readers = new Set(CASES.map((c) => c.reader));
    for (const reader of ['any', 'zip', 'x-archive', 'x-v1', 'x-v2', 'mastodon-outbox', 'mastodon-statuses', 'bluesky-feed', 'normalized']) {
      expect(readers, reader).toContain(reader);
    }
  });

  // Concurrent: runBounded lets a few CLIs run at once; each case's clock starts at its spawn.
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => runCase(c), 60_000);
});
