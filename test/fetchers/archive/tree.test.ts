import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { MAX_DIR_ENTRIES, openInput, ZIP_LIMITS } from '../../../src/fetchers/archive/tree.js';
import { writeZip } from '../../../src/util/zip-writer.js';
import { buildZip, tempDir } from '../../helpers/zip.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('openInput: folders', () => {
  let root: string;
  beforeAll(() => {
    root = join(tmp.dir, 'folder');
    mkdirSync(join(root, 'data', 'tweets_media'), { recursive: true });
    writeFileSync(join(root, 'Your archive.html'), '<html></html>');
    writeFileSync(join(root, 'data', 'tweets.js'), '\uFEFFwindow.YTD.tweets.part0 = []');
    writeFileSync(join(root, 'data', 'account.js'), 'window.YTD.account.part0 = []');
    writeFileSync(join(root, 'data', 'tweets_media', 'a.jpg'), 'jpg');
  });

  it('lists files breadth first with /-separated names, sorted within a folder', async () => {
    const tree = await openInput(root);
    expect(tree.kind).toBe('dir');
    expect(tree.path).toBe(root);
    expect(tree.entries()).toEqual(['Your archive.html', 'data/account.js', 'data/tweets.js', 'data/tweets_media/a.jpg']);
  });

  it('reads an entry as text without its BOM', async () => {
    const tree = await openInput(root);
    expect(await tree.readText('data/tweets.js')).toBe('window.YTD.tweets.part0 = []');
  });

  it('refuses a name it did not list', async () => {
    const tree = await openInput(root);
    const error = await inputError(tree.readText('../outside.js'));
    expect(error.message).toContain('has no file "../outside.js"');
  });

  it(`stops listing at ${MAX_DIR_ENTRIES} files, shallow files first`, async () => {
    const big = join(tmp.dir, 'big');
    mkdirSync(join(big, 'deep'), { recursive: true });
    writeFileSync(join(big, 'tweets.js'), 'x');
    for (let i = 0; i < MAX_DIR_ENTRIES + 5; i++) writeFileSync(join(big, 'deep', `${i}.jpg`), '');
    const tree = await openInput(big);
    expect(tree.entries()).toHaveLength(MAX_DIR_ENTRIES);
    expect(tree.entries()[0]).toBe('tweets.js');
  });

  it('refuses an empty folder', async () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    expect((await inputError(openInput(empty))).message).toContain('is an empty folder');
  });
});

describe('openInput: single files', () => {
  it('opens any non-zip file as one entry named after it', async () => {
    const path = tmp.file('tweets.json', '\uFEFF[1]');
    const tree = await openInput(path);
    expect(tree.kind).toBe('file');
    expect(tree.entries()).toEqual(['tweets.json']);
    expect(await tree.readText('tweets.json')).toBe('[1]');
  });

  it('does not trust a .zip extension', async () => {
    const tree = await openInput(tmp.file('not-really.zip', '{"data": []}'));
    expect(tree.kind).toBe('file');
  });

  it('says what to do when the path does not exist', async () => {
    const path = join(tmp.dir, 'missing.zip');
    const error = await inputError(openInput(path));
    expect(error.message).toBe(`${path}: no such file or folder; check the path`);
    expect(error.exitCode).toBe(2);
  });

  it('refuses an empty file', async () => {
    const path = tmp.file('empty.json', '');
    expect((await inputError(openInput(path))).message).toMatch(/: is empty/);
  });

  it('refuses a gzip / tar.gz archive with how to unpack it', async () => {
    const path = tmp.file('archive.tar.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0]));
    expect((await inputError(openInput(path))).message).toContain('tar -xzf');
  });

  it('refuses a single file over the size limit', async () => {
    const path = tmp.file('big.json', 'x'.repeat(100));
    const tree = await openInput(path, { limits: { maxEntryBytes: 50 } });
    expect((await inputError(tree.readText('big.json'))).message).toContain('over the 1 MiB');
  });
});

describe('openInput: zip archives', () => {
  const tweets = 'window.YTD.tweets.part0 = [ ]';

  it('recognises a zip by its magic bytes, whatever its name, and reads stored and deflated entries', async () => {
    const path = tmp.file(
      'download.bin',
      buildZip([
        { name: 'data/tweets.js', data: `\uFEFF${tweets}`, method: 8 },
        { name: 'data/account.js', data: 'window.YTD.account.part0 = [ ]', method: 0 },
        { name: 'data/', data: '', method: 0 },
        { name: 'data/notes-é.txt', data: 'crème brûlée', method: 8 },
      ]),
    );
    const tree = await openInput(path);
    expect(tree.kind).toBe('zip');
    expect(tree.entries()).toEqual(['data/tweets.js', 'data/account.js', 'data/notes-é.txt']);
    expect(await tree.readText('data/tweets.js')).toBe(tweets);
    expect(await tree.readText('data/account.js')).toBe('window.YTD.account.part0 = [ ]');
    expect(await tree.readText('data/notes-é.txt')).toBe('crème brûlée');
  });

  it('reads archives made by the tool’s own zip writer', async () => {
    const path = tmp.file('own.zip', writeZip([{ name: 'outbox.json', data: '{"a":1}' }, { name: 'b.txt', data: 'b', store: true }]));
    const tree = await openInput(path);
    expect(await tree.readText('outbox.json')).toBe('{"a":1}');
    expect(await tree.readText('b.txt')).toBe('b');
  });

  it('finds the end record behind an archive comment', async () => {
    const path = tmp.file('comment.zip', buildZip([{ name: 'a.txt', data: 'a' }], { comment: 'made by a test' }));
    expect(await (await openInput(path)).readText('a.txt')).toBe('a');
  });

  it('ignores zip-slip names: .. segments, absolute paths, drive letters', async () => {
    const path = tmp.file(
      'slip.zip',
      buildZip([
        { name: '../evil.js', data: 'x' },
        { name: 'data/../../evil.js', data: 'x' },
        { name: '/etc/passwd', data: 'x' },
        { name: 'C:/Windows/evil.js', data: 'x' },
        { name: '..\\evil.js', data: 'x' },
        { name: './data\\tweets.js', data: tweets },
      ]),
    );
    const tree = await openInput(path);
    expect(tree.entries()).toEqual(['data/tweets.js']);
    expect(await tree.readText('data/tweets.js')).toBe(tweets);
  });

  it('refuses a truncated zip (no end record)', async () => {
    const whole = buildZip([{ name: 'data/tweets.js', data: tweets.repeat(50) }]);
    const path = tmp.file('cut.zip', whole.subarray(0, Math.floor(whole.length / 2)));
    const error = await inputError(openInput(path));
    expect(error.message).toBe(`${path}: is not a complete zip archive (truncated download?); download it again`);
  });

  it('refuses an entry whose declared size exceeds the per-entry limit (zip bomb)', async () => {
    expect(ZIP_LIMITS.maxEntryBytes).toBe(512 * 1024 * 1024);
    expect(ZIP_LIMITS.maxTotalBytes).toBe(1024 * 1024 * 1024);
    const path = tmp.file('bomb.zip', buildZip([{ name: 'data/tweets.js', data: 'x', declaredSize: 600 * 1024 * 1024 }]));
    const tree = await openInput(path);
    const error = await inputError(tree.readText('data/tweets.js'));
    expect(error.message).toContain('entry "data/tweets.js" is 600 MiB uncompressed, over the 512 MiB limit');
  });

  it('refuses an entry that inflates past its declared size', async () => {
    const path = tmp.file('liar.zip', buildZip([{ name: 'a.txt', data: 'a'.repeat(100_000), declaredSize: 10 }]));
    const tree = await openInput(path);
    expect((await inputError(tree.readText('a.txt'))).message).toContain('cannot be decompressed');
  });

  it('stops once the total read from one zip passes the limit', async () => {
    const path = tmp.file('total.zip', buildZip([{ name: 'a.txt', data: 'a'.repeat(60) }, { name: 'b.txt', data: 'b'.repeat(60) }]));
    const tree = await openInput(path, { limits: { maxTotalBytes: 100 } });
    expect(await tree.readText('a.txt')).toHaveLength(60);
    expect((await inputError(tree.readText('b.txt'))).message).toContain('limit');
  });

  it('refuses a checksum mismatch', async () => {
    const path = tmp.file('crc.zip', buildZip([{ name: 'a.txt', data: 'abc', crc: 1234 }]));
    expect((await inputError((await openInput(path)).readText('a.txt'))).message).toContain('checksum');
  });

  it('refuses encrypted entries and unknown compression methods when they are read', async () => {
    const path = tmp.file(
      'methods.zip',
      buildZip([
        { name: 'secret.txt', data: 'abc', flags: 1, method: 0 },
        { name: 'bz.txt', data: 'abc', method: 12 },
        { name: 'plain.txt', data: 'abc', method: 0 },
      ]),
    );
    const tree = await openInput(path);
    expect(await tree.readText('plain.txt')).toBe('abc');
    expect((await inputError(tree.readText('secret.txt'))).message).toContain('"secret.txt" is encrypted');
    expect((await inputError(tree.readText('bz.txt'))).message).toContain('bzip2 compression');
  });

  it('refuses ZIP64 archives with a hint to unzip them', async () => {
    const path = tmp.file('z64.zip', buildZip([{ name: 'a.txt', data: 'a' }], { zip64Locator: true }));
    expect((await inputError(openInput(path))).message).toContain('ZIP64');
  });

  it('refuses an entry whose compressed size runs past the central directory', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'abc', method: 0 }]);
    // Central directory entry starts after local header (30) + name (5) + data (3); its
    // compressed size field is at offset 20.
    zip.writeUInt32LE(0x7fffffff, 30 + 5 + 3 + 20);
    const path = tmp.file('huge-claim.zip', zip);
    expect((await inputError(openInput(path))).message).toContain('damaged zip directory');
  });

  it('refuses a zip with no files', async () => {
    const path = tmp.file('nothing.zip', buildZip([]));
    expect((await inputError(openInput(path))).message).toContain('no files');
  });
});
