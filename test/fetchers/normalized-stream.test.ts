import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { openSource } from '../../src/fetchers/detect.js';
import { fileLineBatches, fileLines } from '../../src/fetchers/lines.js';
import { parsePost, readNormalized, serializeNormalized } from '../../src/fetchers/normalized.js';
import { PostSchema, type AccountInfo, type Post } from '../../src/model/post.js';

/**
 * The JSON Lines spelling of the posts file is streamed (src/fetchers/lines.ts, openSource): the
 * same posts as reading the whole text, the same errors, and posts validated by a fast path that
 * must accept exactly what `PostSchema` accepts.
 */

const dir = mkdtempSync(join(tmpdir(), 'social-audit-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer): string {
  n += 1;
  const path = join(dir, `f${n}.jsonl`);
  writeFileSync(path, content);
  return path;
}

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const ACCOUNT: AccountInfo = { platform: 'x', id: '42', handle: 'RoadInfoBC', displayName: 'RoadInfo', website: null, url: null };

function post(i: number, over: Partial<Post> = {}): Post {
  return {
    id: String(1_800_000_000_000_000_000n + BigInt(i)),
    platform: 'x',
    url: `https://x.com/RoadInfoBC/status/${i}`,
    author: { id: '42', handle: 'RoadInfoBC' },
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    text: `Update ${i}: lanes reopened ✓ — déjà vu`,
    visibility: 'public',
    replyTo: i % 2 === 0 ? { id: `${i}00`, url: null, author: { id: '7', handle: 'pete' }, createdAt: null } : null,
    quoteOf: null,
    repostOf: null,
    links: i % 3 === 0 ? ['https://example.org/a'] : [],
    mentions: i % 2 === 0 ? [{ id: '7', handle: 'pete' }] : [],
    hashtags: [],
    conversationId: i % 2 === 0 ? `${i}00` : String(1_800_000_000_000_000_000n + BigInt(i)),
    ...over,
  };
}

const POSTS = Array.from({ length: 50 }, (_, i) => post(i));
const JSONL = serializeNormalized(ACCOUNT, POSTS, { fetchedAt: '2026-02-01T00:00:00.000Z', complete: true, jsonLines: true });

describe('a JSON Lines posts file is streamed', () => {
  it('gives the same account and posts as reading the whole text', async () => {
    const source = await openSource(file(JSONL));
    expect(source.format).toBe('normalized');
    expect(source.account).toEqual(ACCOUNT);
    expect(await drain(source.posts)).toEqual(POSTS);
    expect(source.stats.skipped).toBe(0);
  });

  it('reads a BOM, CRLF line ends, blank lines and no final newline alike', async () => {
    const text = `\uFEFF${JSONL.trim().split('\n').join('\r\n\r\n')}`;
    const source = await openSource(file(text));
    expect(await drain(source.posts)).toEqual(POSTS);
  });

  it('names the line of a post that is not JSON when it is reached (exit 2 through the audit)', async () => {
    const lines = JSONL.trim().split('\n');
    lines.splice(5, 0, '', '{"id": "cut short');
    const source = await openSource(file(lines.join('\n')));
    const error = await drain(source.posts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/: line 7 is not valid JSON \(.*\); a JSON Lines file needs one complete document per line$/);
  });

  it('skips and counts a post that breaks the schema, by its index among the posts', async () => {
    const lines = JSONL.trim().split('\n');
    lines[3] = JSON.stringify({ ...POSTS[2], visibility: 'secret' });
    const source = await openSource(file(lines.join('\n')));
    expect((await drain(source.posts)).length).toBe(POSTS.length - 1);
    expect(source.stats.skipped).toBe(1);
    expect(source.stats.skippedExamples[0]).toMatch(/^post 2: visibility/);
  });

  it('refuses a one-line document with posts followed by more lines, as the whole-text reader does', async () => {
    const one = JSON.stringify({ format: 'social-audit/posts', version: 1, account: null, fetchedAt: null, complete: true, posts: [POSTS[0]] });
    await expect(openSource(file(`${one}\n${JSON.stringify(POSTS[1])}\n`))).rejects.toThrow(/both inside the header and on the following lines/);
    const alone = await openSource(file(`${one}\n\n`));
    expect(await drain(alone.posts)).toEqual([POSTS[0]]);
  });

  it('a header of a version it does not read is refused at once', async () => {
    const header = JSON.stringify({ format: 'social-audit/posts', version: 2, account: null, fetchedAt: null, complete: true });
    await expect(openSource(file(`${header}\n${JSON.stringify(POSTS[0])}\n`))).rejects.toThrow(/of version 2; this social-audit reads version 1/);
  });

  it('a pretty-printed posts document is still read whole', async () => {
    const json = serializeNormalized(ACCOUNT, POSTS, { fetchedAt: null, complete: false });
    const source = await openSource(file(json));
    expect(source.complete).toBe(false);
    expect(await drain(source.posts)).toEqual(POSTS);
  });

  it('shares repeated authors and empty lists between posts without changing a value', async () => {
    const source = await openSource(file(JSONL));
    const posts = await drain(source.posts);
    expect(posts).toEqual(POSTS);
    expect(posts[0]?.author).toBe(posts[1]?.author);
    expect(Object.isFrozen(posts[0]?.author)).toBe(true);
    expect(posts[0]?.replyTo?.author).toBe(posts[2]?.replyTo?.author);
    expect(posts[1]?.links).toBe(posts[2]?.links);
    expect(() => (posts[1]?.links as string[]).push('x')).toThrow(TypeError);
  });
});

describe('fileLines', () => {
  it('splits like text.split(/\\r?\\n/) across 1 MiB chunks, multi-byte characters and invalid bytes included', async () => {
    const long = 'é€😀'.repeat(300_000); // about 2.7 MB of UTF-8 on one line, crossing chunk edges mid-character
    const bytes = Buffer.concat([
      Buffer.from(`a\r\n${long}\n\nb\r`),
      Buffer.from([0xff, 0xc3, 0x0a, 0xe2, 0x82]), // invalid and cut-short sequences
      Buffer.from('\nlast'),
    ]);
    const path = file(bytes);
    const expected = new TextDecoder().decode(bytes).split(/\r?\n/);
    const got = await drain(fileLines(path));
    expect(got.map((l) => l.text)).toEqual(expected);
    expect(got.map((l) => l.number)).toEqual(expected.map((_, i) => i + 1));
    expect(got.at(-1)?.end).toBe(bytes.length);
  });

  it('starts at a byte offset with the given line number', async () => {
    const path = file('one\ntwo\nthree\n');
    expect((await drain(fileLines(path, { start: 4, firstNumber: 2 }))).map((l) => [l.number, l.text])).toEqual([
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('refuses a line longer than the limit, naming it', async () => {
    const path = file(`ok\n${'x'.repeat(5000)}\n`);
    await expect(drain(fileLineBatches(path, { maxLineBytes: 1000 }))).rejects.toThrow(/line 2 is longer than 1 MiB/);
  });
});

describe('parsePost: the fast path accepts exactly what PostSchema accepts, with equal values', () => {
  const author = fc.record({ id: fc.option(fc.string(), { nil: null }), handle: fc.option(fc.string(), { nil: null }) });
  const instant = fc.oneof(
    fc.date({ min: new Date('1000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2026-02-29T00:00:00Z', '2024-02-29T10:00:00+05:30', '2026-13-01T00:00:00Z', '2026-01-01 00:00:00Z', '2026-01-01T00:00:00', ''),
  );
  const ref = fc.option(
    fc.record({ id: fc.option(fc.string(), { nil: null }), url: fc.option(fc.string(), { nil: null }), author, createdAt: fc.option(instant, { nil: null }) }),
    { nil: null },
  );
  const base = fc.record(
    {
      id: fc.string(),
      platform: fc.constantFrom('x', 'mastodon', 'bluesky', 'threads'),
      url: fc.option(fc.string(), { nil: null }),
      author,
      createdAt: instant,
      text: fc.string(),
      visibility: fc.constantFrom('public', 'unlisted', 'private', 'direct', 'local'),
      replyTo: ref,
      quoteOf: ref,
      repostOf: ref,
      links: fc.array(fc.string(), { maxLength: 3 }),
      mentions: fc.array(author, { maxLength: 3 }),
      hashtags: fc.array(fc.string(), { maxLength: 3 }),
      pinned: fc.boolean(),
      conversationId: fc.option(fc.string(), { nil: null }),
      replyCount: fc.option(fc.oneof(fc.integer({ min: -2, max: 100 }), fc.constant(2 ** 53), fc.constant(0.5)), { nil: null }),
    },
    { requiredKeys: ['id', 'platform', 'url', 'author', 'createdAt', 'text', 'visibility', 'replyTo', 'quoteOf', 'repostOf', 'links', 'mentions', 'hashtags'] },
  );
  /** A post, sometimes broken: a key removed, a value of the wrong type, an unknown key added. */
  const candidate = fc.tuple(base, fc.nat(20), fc.constantFrom<unknown>(null, 1, 'x', [], {}, true)).map(([p, k, v]) => {
    const o: Record<string, unknown> = { ...p };
    const keys = Object.keys(o);
    if (k < keys.length && k % 3 === 0) delete o[keys[k] as string];
    else if (k < keys.length && k % 3 === 1) o[keys[k] as string] = v;
    else if (k === 19) o.extra = v;
    return JSON.parse(JSON.stringify(o)) as unknown;
  });

  it('agrees with zod on generated posts', () => {
    fc.assert(
      fc.property(candidate, (raw) => {
        const copy = structuredClone(raw);
        const fast = parsePost(raw);
        const zod = PostSchema.safeParse(copy);
        expect(fast.success).toBe(zod.success);
        if (fast.success && zod.success) expect(fast.data).toEqual(zod.data);
      }),
      { numRuns: 3000 },
    );
  });

  it('returns a valid post itself, uncopied, and copies (strips) one with an unknown key', () => {
    const raw = JSON.parse(JSON.stringify(POSTS[0])) as unknown;
    const parsed = parsePost(raw);
    expect(parsed.success && parsed.data).toBe(raw);
    const extra = { ...(JSON.parse(JSON.stringify(POSTS[0])) as object), later: 1 };
    const stripped = parsePost(extra);
    expect(stripped.success && stripped.data).toEqual(POSTS[0]);
  });

  it('readNormalized (whole documents) gives the same posts as before', async () => {
    const docs = JSONL.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(await drain(readNormalized(docs, 'p.jsonl').posts)).toEqual(POSTS);
  });
});
