import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built launcher, as `npx social-audit` runs it. `npm test` builds before running vitest. */
export const BIN = fileURLToPath(new URL('../../bin/social-audit.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns the built CLI with `args`, no colour unless `env` asks for it, in `cwd` (default: the repo root). */
export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): CliResult {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...env, ...opts.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
