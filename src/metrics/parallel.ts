import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cannedCandidates, computeCannedReplies } from './canned-replies.js';
import { measureAllButCanned, withCannedReplies, type Measurements } from './index.js';
import type { MetricContext, PostSet } from './types.js';

/**
 * Below this many replies to compare, the canned replies are measured on the main thread: a
 * worker costs tens of milliseconds to start, about what clustering ten thousand replies takes.
 */
export const PARALLEL_MIN_REPLIES = 10_000;

const WORKER = new URL('./canned-worker.js', import.meta.url);

export interface ParallelOptions {
  /** Replies from which a worker is used (default `PARALLEL_MIN_REPLIES`). */
  minReplies?: number;
  /** The worker's module (default the built `canned-worker.js` beside this file). */
  workerUrl?: URL;
}

/**
 * `measureAll`, with the canned replies (the near-duplicate join, the largest single figure of a
 * big audit: about a fifth of the time of a million posts) clustered on a worker thread while the
 * main thread measures everything else. The figures are exactly `measureAll`'s: the worker runs
 * the same `clusterReplyTexts` over the same texts. Without a worker (few replies, no built
 * worker module as under the test runner, or a worker that fails to start or dies), the clustering
 * runs here.
 */
export async function measureAllParallel(set: PostSet, ctx: MetricContext, opts: ParallelOptions = {}): Promise<Measurements> {
  const texts = cannedCandidates(set).map((item) => item.post.text);
  const job = texts.length >= (opts.minReplies ?? PARALLEL_MIN_REPLIES) ? clusterOnWorker(texts, opts.workerUrl ?? WORKER) : null;
  let rest: Omit<Measurements, 'cannedReplies'>;
  try {
    rest = measureAllButCanned(set, ctx);
  } catch (err) {
    // A failure here ends the audit: the worker's answer is not wanted any more.
    job?.stop();
    throw err;
  }
  const clustered = job === null ? null : await job.labels;
  return withCannedReplies(rest, computeCannedReplies(set, clustered ?? undefined));
}

/** A clustering running on a worker thread. */
interface WorkerJob {
  /** The labels, or null when the worker failed (then the caller clusters). */
  labels: Promise<Int32Array | null>;
  /** Ends the worker early. */
  stop(): void;
}

/** Clusters `texts` on a worker running `url`, or null when there is no such worker module. */
function clusterOnWorker(texts: readonly string[], url: URL): WorkerJob | null {
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return null;
  let worker: Worker;
  try {
    worker = new Worker(url, { workerData: texts });
  } catch {
    return null;
  }
  let settle: (labels: Int32Array | null) => void = () => undefined;
  const labels = new Promise<Int32Array | null>((resolve) => {
    let settled = false;
    settle = (found) => {
      if (settled) return;
      settled = true;
      resolve(found);
      void worker.terminate();
    };
    worker.once('message', (labels: unknown) => {
      settle(labels instanceof Int32Array && labels.length === texts.length ? labels : null);
    });
    worker.once('error', () => settle(null));
    worker.once('exit', () => settle(null));
  });
  return { labels, stop: () => settle(null) };
}
