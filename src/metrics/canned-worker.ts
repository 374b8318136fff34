/**
 * Worker-thread entry of `parallel.ts`: clusters the reply texts it is given (`workerData`, an
 * array of strings) with `clusterReplyTexts` and posts the labels back (an `Int32Array`, its
 * buffer transferred, not copied). Nothing else: no post, no config, no file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { clusterReplyTexts } from './canned-replies.js';

const texts = workerData as unknown;
if (parentPort !== null && Array.isArray(texts) && texts.every((t) => typeof t === 'string')) {
  const labels = clusterReplyTexts(texts as string[]);
  parentPort.postMessage(labels, [labels.buffer as ArrayBuffer]);
}
