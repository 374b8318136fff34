import { posix, resolve, win32 } from 'node:path';

/** The cache's folder name inside the user's cache folder. */
export const CACHE_APP_NAME = 'social-audit';

/** What decides the cache folder; passed in, so tests need not touch the real environment. */
export interface CacheDirInput {
  /** `--cache-dir`, if given: used as it is (relative to `cwd`). */
  cacheDir?: string | null | undefined;
  /** The environment (`XDG_CACHE_HOME`, `LOCALAPPDATA`). */
  env: Readonly<Record<string, string | undefined>>;
  /** `process.platform`. */
  platform: NodeJS.Platform;
  /** `os.homedir()`. */
  homeDir: string;
  /** The folder a relative `--cache-dir` is read from (default `process.cwd()`). */
  cwd?: string;
}

/**
 * The folder the cache lives in, first match wins:
 * 1. `--cache-dir` (relative to the working folder);
 * 2. `$XDG_CACHE_HOME/social-audit`, on any system, when the variable holds an absolute path
 *    (the XDG Base Directory spec says a relative one is invalid and is to be ignored;
 *    https://specifications.freedesktop.org/basedir-spec/latest/#variables);
 * 3. the system's own place: macOS `~/Library/Caches/social-audit` (Apple's File System
 *    Programming Guide, "Library/Caches"), Windows `%LOCALAPPDATA%\social-audit\Cache` (the
 *    local, non-roaming profile; `~\AppData\Local` when the variable is unset), anything else
 *    `~/.cache/social-audit` (the XDG default).
 * Pure: reads only its input.
 */
export function resolveCacheDir(input: CacheDirInput): string {
  if (input.cacheDir != null && input.cacheDir.trim() !== '') return resolve(input.cwd ?? process.cwd(), input.cacheDir);
  // The named system's path rules, so the answer is the same whichever system runs the tests.
  const { isAbsolute, join } = input.platform === 'win32' ? win32 : posix;
  const xdg = input.env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, CACHE_APP_NAME);
  switch (input.platform) {
    case 'darwin':
      return join(input.homeDir, 'Library', 'Caches', CACHE_APP_NAME);
    case 'win32': {
      const local = input.env.LOCALAPPDATA;
      const base = local !== undefined && local !== '' ? local : join(input.homeDir, 'AppData', 'Local');
      return join(base, CACHE_APP_NAME, 'Cache');
    }
    default:
      return join(input.homeDir, '.cache', CACHE_APP_NAME);
  }
}
