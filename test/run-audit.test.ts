import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { READ_PROGRESS_EVERY, runAudit, type AuditRequest } from '../src/run-audit.js';
import { original } from './helpers/posts.js';
import { tempDir } from './helpers/zip.js';

const SAMPLE = fileURLToPath(new URL('../fixtures/sample/cascadia-roads-archive.zip', import.meta.url));
const tmp = tempDir('social-audit-run-audit-');
afterAll(() => tmp.cleanup());

function request(input: string): AuditRequest {
  return { input, account: null, platform: null, includePrivate: false, inbound: false, config: { config: {}, path: null } };
}

async function progressOf(input: string, every?: number): Promise<string[]> {
  const lines: string[] = [];
  await runAudit(request(input), {
    now: () => new Date('2026-11-29T12:00:00Z'),
    toolVersion: 'test',
    progress: (line) => lines.push(line),
    ...(every === undefined ? {} : { progressEvery: every }),
  });
  return lines;
}

describe('progress of a long offline read', () => {
  it('an archive read post by post: a line every `progressEvery` posts, then one before measuring', async () => {
    // The sample archive holds 144 posts: lines at 50 and 100, none at 144 (not a multiple).
    expect(await progressOf(SAMPLE, 50)).toEqual([
      `reading ${SAMPLE}: 50 posts…`,
      `reading ${SAMPLE}: 100 posts…`,
      `read ${SAMPLE}; measuring…`,
    ]);
  });

  it('a posts file read a batch at a time: a line when a batch crosses a step, never two for one step', async () => {
    // 7 posts in the tool's JSON Lines spelling, a line every 3 posts. Batches are the reader's
    // (chunks of the file): a batch that crosses 3 and 6 at once makes one line, so there are one
    // or two lines, each saying how many posts were read by then, each past a further step.
    const file = join(tmp.dir, 'posts.jsonl');
    const header = { format: 'social-audit/posts', version: 1, account: null, fetchedAt: null, complete: true };
    const posts = Array.from({ length: 7 }, (_, i) => original(i * 60_000, { id: String(100 + i) }));
    writeFileSync(file, [header, ...posts].map((doc) => JSON.stringify(doc)).join('\n'));
    const lines = await progressOf(file, 3);
    expect(lines.at(-1)).toBe(`read ${file}; measuring…`);
    const counts = lines.slice(0, -1).map((line) => Number(/^reading .*: (\d+) posts…$/.exec(line)?.[1]));
    expect(counts.length).toBeGreaterThanOrEqual(1);
    expect(counts.every((n) => n >= 3 && n <= 7)).toBe(true);
    const steps = counts.map((n) => Math.floor(n / 3));
    expect(new Set(steps).size).toBe(steps.length);
  });

  it('nothing for an input smaller than the default step', async () => {
    expect(READ_PROGRESS_EVERY).toBe(100_000);
    expect(await progressOf(SAMPLE)).toEqual([]);
  });
});
