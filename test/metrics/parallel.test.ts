import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { measureAll } from '../../src/metrics/index.js';
import { measureAllParallel } from '../../src/metrics/parallel.js';
import type { Post } from '../../src/model/post.js';
import { HOUR, MINUTE, PETE, WINDOW, makeCtx, makeSet, original, person, reply, theirs } from '../helpers/posts.js';

/** The worker `npm test` builds before it runs (test/metrics runs from src/, where no worker module is). */
const BUILT_WORKER = new URL('../../dist/metrics/canned-worker.js', import.meta.url);

const dir = mkdtempSync(join(tmpdir(), 'social-audit-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A worker module of the test's own, written to a temporary file. */
function workerModule(name: string, source: string): URL {
  const file = join(dir, name);
  writeFileSync(file, source);
  return pathToFileURL(file);
}

/**
 * Four replies to four people: three send one template with the person's name changed, one is
 * its own answer. Hand count (metrics.md §10): the three are near-duplicates of each other
 * (after mentions are removed their 3-gram sets are equal: Jaccard 1), the fourth shares no
 * 3-gram with them; so canned = 3, replies = 4, share = 0.75, one template of 3.
 */
function posts(): Post[] {
  const template = (name: string) => `@${name} Thanks for letting us know, we have passed this on to the maintenance contractor.`;
  return [
    original(0, { id: 'o1', text: 'Hwy 97 is open again.' }),
    reply(HOUR, theirs(HOUR - MINUTE, 't1', PETE), { id: 'r1', text: template('peachland_pete') }),
    reply(2 * HOUR, theirs(2 * HOUR - MINUTE, 't2', person('kat')), { id: 'r2', text: template('kat') }),
    reply(3 * HOUR, theirs(3 * HOUR - MINUTE, 't3', person('sam')), { id: 'r3', text: template('sam') }),
    reply(4 * HOUR, theirs(4 * HOUR - MINUTE, 't4', person('lee')), { id: 'r4', text: '@lee The ferry leaves from berth two this evening.' }),
  ];
}

describe('measureAllParallel: the canned replies clustered on a worker thread', () => {
  const set = makeSet(posts(), { window: WINDOW });
  const ctx = makeCtx();

  it('the built worker gives exactly measureAll’s figures', async () => {
    const parallel = await measureAllParallel(set, ctx, { minReplies: 1, workerUrl: BUILT_WORKER });
    expect(parallel.cannedReplies).toMatchObject({ canned: 3, replies: 4, share: 0.75 });
    expect(parallel.cannedReplies.templates.map((t) => t.count)).toEqual([3]);
    expect(parallel).toEqual(measureAll(set, ctx));
    // The same keys in the same order as measureAll: the report is built from them.
    expect(Object.keys(parallel)).toEqual(Object.keys(measureAll(set, ctx)));
  });

  it('uses what the worker answers (a worker that puts every reply in one cluster makes all four canned)', async () => {
    const oneCluster = workerModule(
      'one-cluster.mjs',
      "import { parentPort, workerData } from 'node:worker_threads';\n" +
        'const labels = new Int32Array(workerData.length);\n' +
        'parentPort.postMessage(labels, [labels.buffer]);\n',
    );
    const m = await measureAllParallel(set, ctx, { minReplies: 1, workerUrl: oneCluster });
    expect(m.cannedReplies).toMatchObject({ canned: 4, replies: 4, share: 1 });
  });

  it('falls back to the main thread when the worker is missing, throws, exits silently or answers nonsense', async () => {
    const expected = measureAll(set, ctx);
    const workers = [
      new URL('file:///nonexistent/canned-worker.js'),
      workerModule('throws.mjs', "throw new Error('boom');\n"),
      workerModule('silent.mjs', 'process.exit(0);\n'),
      workerModule('wrong-length.mjs', "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage(new Int32Array(1));\n"),
    ];
    for (const workerUrl of workers) {
      expect(await measureAllParallel(set, ctx, { minReplies: 1, workerUrl })).toEqual(expected);
    }
  });

  it('a failure while measuring the rest ends the worker too, and the failure is the one thrown', async () => {
    // The worker counts in a file every 10 ms and never answers: while it lives, the count grows.
    const beats = join(dir, 'beats.txt');
    const endless = workerModule(
      'endless.mjs',
      `import { writeFileSync } from 'node:fs';\nlet n = 0;\nsetInterval(() => writeFileSync(${JSON.stringify(beats)}, String(++n)), 10);\n`,
    );
    // Phrases that are no list make self-promotion throw on the main thread.
    const broken = { ...ctx, phrases: null as unknown as string[] };
    await expect(measureAllParallel(set, broken, { minReplies: 1, workerUrl: endless })).rejects.toThrow(TypeError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = existsSync(beats) ? readFileSync(beats, 'utf8') : '0';
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(beats) ? readFileSync(beats, 'utf8') : '0').toBe(after);
  });

  it('below minReplies no worker is started (a worker that would make all canned is not asked)', async () => {
    const oneCluster = workerModule(
      'one-cluster-2.mjs',
      "import { parentPort, workerData } from 'node:worker_threads';\nparentPort.postMessage(new Int32Array(workerData.length));\n",
    );
    const m = await measureAllParallel(set, ctx, { minReplies: 5, workerUrl: oneCluster });
    expect(m.cannedReplies.canned).toBe(3);
  });
});
