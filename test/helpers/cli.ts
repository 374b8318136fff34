import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built launcher, as `npx social-audit` runs it. `npm test` builds before running vitest. */
export const BIN = fileURLToPath(new URL('../../bin/social-audit.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a spawned CLI: PATH and HOME, and a fresh, empty fetch cache folder
 * (`XDG_CACHE_HOME`) so that live runs never read or write the user's cache nor one another's;
 * a test that wants the cache to persist passes `--cache-dir` (or its own XDG_CACHE_HOME).
 * `done()` removes the folder.
 */
function childEnv(extra: Record<string, string> | undefined): { env: Record<string, string>; done: () => void } {
  const cache = mkdtempSync(join(tmpdir(), 'social-audit-xdg-cache-'));
  return {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', XDG_CACHE_HOME: cache, ...extra },
    done: () => rmSync(cache, { recursive: true, force: true }),
  };
}

/** Spawns the built CLI with `args`, no colour unless `env` asks for it, in `cwd` (default: the repo root). */
export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): CliResult {
  const { env, done } = childEnv(opts.env);
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    done();
  }
}

/**
 * Spawns the built CLI without blocking the event loop, so a test server in the same process can
 * answer it. `onStart` gets the child (to send it a signal, say).
 */
export function runCliAsync(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; onStart?: (child: import('node:child_process').ChildProcess) => void } = {},
): Promise<CliResult> {
  const { env, done } = childEnv(opts.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done();
      resolve({ code, stdout, stderr });
    });
    opts.onStart?.(child);
  });
}
