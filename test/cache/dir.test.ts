import { describe, expect, it } from 'vitest';
import { resolveCacheDir, type CacheDirInput } from '../../src/cache/dir.js';

const base = (over: Partial<CacheDirInput>): CacheDirInput => ({ env: {}, platform: 'linux', homeDir: '/home/ana', cwd: '/work', ...over });

describe('resolveCacheDir', () => {
  it.each<[string, Partial<CacheDirInput>, string]>([
    ['--cache-dir wins over everything', { cacheDir: '/tmp/c', env: { XDG_CACHE_HOME: '/xdg' } }, '/tmp/c'],
    ['a relative --cache-dir is read from the working folder', { cacheDir: '.cache/audit' }, '/work/.cache/audit'],
    ['an empty --cache-dir counts as none', { cacheDir: '' }, '/home/ana/.cache/social-audit'],
    ['XDG_CACHE_HOME', { env: { XDG_CACHE_HOME: '/var/cache/ci' } }, '/var/cache/ci/social-audit'],
    ['XDG_CACHE_HOME on macOS too, when set', { platform: 'darwin', env: { XDG_CACHE_HOME: '/var/cache/ci' } }, '/var/cache/ci/social-audit'],
    ['a relative XDG_CACHE_HOME is ignored (XDG spec)', { env: { XDG_CACHE_HOME: 'rel/cache' } }, '/home/ana/.cache/social-audit'],
    ['an empty XDG_CACHE_HOME is ignored', { env: { XDG_CACHE_HOME: '' } }, '/home/ana/.cache/social-audit'],
    ['Linux default', {}, '/home/ana/.cache/social-audit'],
    ['other Unix default', { platform: 'freebsd' }, '/home/ana/.cache/social-audit'],
    ['macOS default', { platform: 'darwin', homeDir: '/Users/ana' }, '/Users/ana/Library/Caches/social-audit'],
    ['Windows: %LOCALAPPDATA%', { platform: 'win32', homeDir: 'C:\\Users\\ana', env: { LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' } }, 'C:\\Users\\ana\\AppData\\Local\\social-audit\\Cache'],
    ['Windows without LOCALAPPDATA', { platform: 'win32', homeDir: 'C:\\Users\\ana' }, 'C:\\Users\\ana\\AppData\\Local\\social-audit\\Cache'],
    ['Windows honours an absolute XDG_CACHE_HOME', { platform: 'win32', homeDir: 'C:\\Users\\ana', env: { XDG_CACHE_HOME: 'D:\\cache' } }, 'D:\\cache\\social-audit'],
  ])('%s', (_why, over, expected) => {
    expect(resolveCacheDir(base(over))).toBe(expected);
  });
});
