import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';

/** What one bounded run of the built CLI gave. */
export interface BoundedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in ms. */
  ms: number;
  /** True when the run was killed for taking longer than its bound. */
  timedOut: boolean;
}

/** Each hostile case must finish within this (the bound). */
export const CASE_BOUND_MS = 5_000;

/**
 * At most this many CLIs run at once: enough to keep the suite short, few enough that a case is
 * not slowed past its bound by its neighbours on a small CI machine.
 */
const MAX_RUNNING = Math.max(1, Math.min(3, cpus().length));
let running = 0;
const waiting: Array<() => void> = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  return () => {
    running -= 1;
    waiting.shift()?.();
  };
}

/**
 * Spawns the built CLI (`bin/social-audit.js`) with `args` and kills it (SIGKILL) past `boundMs`.
 * The environment holds only PATH, HOME and a fresh XDG_CACHE_HOME (removed afterwards) plus
 * `env`; no colour unless `env` asks. The clock starts when the process is spawned, after any
 * wait for a free slot, so a case's own time is what is measured.
 */
export async function runBounded(
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; boundMs?: number } = {},
): Promise<BoundedResult> {
  const release = await slot();
  const cache = mkdtempSync(join(tmpdir(), 'social-audit-hostile-cache-'));
  try {
    return await new Promise<BoundedResult>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: opts.cwd ?? ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), XDG_CACHE_HOME: cache, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.boundMs ?? CASE_BOUND_MS);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          ms: performance.now() - started,
          timedOut,
        });
      });
    });
  } finally {
    rmSync(cache, { recursive: true, force: true });
    release();
  }
}

/** A stack trace's frame line, as Node prints them. */
export const STACK_FRAME = /^ {4}at /m;
