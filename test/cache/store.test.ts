import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAccountArg } from '../../src/account.js';
import {
  cacheBaseUrl,
  cacheFilePath,
  cacheKey,
  emptyState,
  loadCache,
  saveCache,
  serializeCache,
  writeFileAtomic,
  type CacheState,
} from '../../src/cache/store.js';
import { HOUR, post } from '../helpers/posts.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'social-audit-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 7, 21, 12);

describe('cache keys', () => {
  it('drop credentials, query and trailing slashes from --api-url', () => {
    expect(cacheBaseUrl('https://user:s3cret-token@api.example/base/?token=abc#x')).toBe('https://api.example/base');
    expect(cacheBaseUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(cacheBaseUrl(null)).toBeNull();
  });

  it('give one file per platform, API and account, the account case-folded', () => {
    const key = (raw: string, api: string | null) => cacheFilePath('/c', cacheKey(parseAccountArg(raw), api));
    expect(key('@DriveBC', null)).toBe(key('@drivebc', null));
    expect(key('@DriveBC', null)).not.toBe(key('@DriveBC', 'http://127.0.0.1:9'));
    expect(key('@DriveBC', 'http://127.0.0.1:9')).not.toBe(key('@DriveBC', 'http://127.0.0.1:10'));
    expect(key('@DriveBC', null)).not.toBe(key('@RoadInfoBC', null));
    expect(key('@DriveBC', null)).toMatch(/^\/c\/x\/[0-9a-f]{64}\.json$/);
    expect(key('@RoadInfoBC@mstdn.bc.example', null)).toMatch(/^\/c\/mastodon\//);
    expect(key('@RoadInfoBC@mstdn.bc.example', null)).not.toBe(key('@RoadInfoBC@other.example', null));
    // A credential in the URL changes nothing: no secret goes into the name or the file.
    expect(key('@DriveBC', 'https://a:secret@api.example')).toBe(key('@DriveBC', 'https://api.example'));
  });
});

describe('the cache file', () => {
  const key = cacheKey(parseAccountArg('@RoadInfoBC'), null);
  const state = (): CacheState => ({
    ...emptyState(),
    account: { platform: 'x', id: '289134506', handle: 'RoadInfoBC', displayName: 'RoadInfo BC', website: null, url: null },
    fetchedAt: new Date(NOW).toISOString(),
    covered: [{ fromMs: NOW - 48 * HOUR, untilMs: NOW - HOUR }],
    posts: new Map([post(0), post(HOUR), post(2 * HOUR, { pinned: true })].map((p) => [p.id, p])),
  });

  it('reads back what it wrote', async () => {
    const file = cacheFilePath(dir, key);
    const written = state();
    written.resume = { walk: { fromMs: NOW - 48 * HOUR, untilMs: NOW }, startedAtMs: NOW, reachedBackMs: NOW - 5 * HOUR };
    await saveCache(file, key, written, NOW);
    const loaded = await loadCache(file, key);
    expect(loaded).toEqual({ kind: 'ok', state: written });
    const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(doc).toMatchObject({
      format: 'social-audit/posts',
      version: 1,
      complete: false,
      cache: { format: 'social-audit/cache', version: 1, platform: 'x', baseUrl: null, account: 'roadinfobc', posts: 3 },
    });
  });

  it('is one JSON document, newest post first, one post a line', () => {
    const text = serializeCache(key, state(), NOW);
    const lines = text.split('\n');
    const postLines = lines.filter((l) => l.startsWith('    {'));
    expect(postLines).toHaveLength(3);
    const times = postLines.map((l) => (JSON.parse(l.replace(/,$/, '')) as { createdAt: string }).createdAt);
    expect(times).toEqual(times.toSorted().reverse());
    expect(serializeCache(key, emptyState(), NOW)).toContain('"posts": []');
  });

  it('a missing file is missing, not corrupt', async () => {
    expect(await loadCache(join(dir, 'nope.json'), key)).toEqual({ kind: 'missing' });
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const file = join(dir, 'sub', 'f.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(join(dir, 'sub'))).toEqual(['f.json']);
  });

  it('keeps the old file and removes its temporary file when the rename fails', async () => {
    // A folder where the file should be: the rename over it fails.
    const file = join(dir, 'f.json');
    await mkdir(file);
    await writeFile(join(file, 'inside'), 'x');
    await expect(writeFileAtomic(file, 'new')).rejects.toThrow();
    expect((await readdir(dir)).toSorted()).toEqual(['f.json']);
  });
});
