import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readBlueskyFeed } from '../../src/fetchers/bluesky/feed.js';
import { readMastodonStatuses } from '../../src/fetchers/mastodon/status.js';
import {
  looksLikeNormalized,
  NormalizedFileSchema,
  readNormalized,
  serializeNormalized,
} from '../../src/fetchers/normalized.js';
import type { AccountInfo, Post } from '../../src/model/post.js';
import { drain } from './reader-helpers.js';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const load = async (name: string): Promise<unknown> => JSON.parse(await readFile(`${fixtures}${name}`, 'utf8'));

const FETCHED_AT = '2026-08-21T00:00:00.000Z';

/** Parses text the way `--input` does: one JSON document, else one document per non-empty line. */
function parseDocs(text: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
  }
}

async function mastodonSample(): Promise<{ account: AccountInfo | null; posts: Post[] }> {
  const source = readMastodonStatuses([await load('mastodon/statuses.page1.json')], 'statuses.json');
  return { account: source.account, posts: await drain(source.posts) };
}

describe('serializeNormalized / readNormalized round trip', () => {
  it.each([false, true])('jsonLines=%s: reads back the same account and posts', async (jsonLines) => {
    const { account, posts } = await mastodonSample();
    const text = serializeNormalized(account, posts, { fetchedAt: FETCHED_AT, complete: true, jsonLines });
    expect(text.endsWith('\n')).toBe(true);
    const docs = parseDocs(text);
    // JSON Lines: a header line then one line per post.
    expect(docs.length).toBe(jsonLines ? 1 + posts.length : 1);
    expect(looksLikeNormalized(docs[0])).toBe(true);
    const source = readNormalized(docs, 'posts.json');
    expect(source.format).toBe('normalized');
    expect(source.sourceKind).toBe('file');
    expect(source.account).toEqual(account);
    expect(source.warnings).toEqual([]);
    expect(await drain(source.posts)).toEqual(posts);
    expect(source.stats.skipped).toBe(0);
  });

  it('keeps optional fields (pinned) and Bluesky ids', async () => {
    const source = readBlueskyFeed([await load('bluesky/feed-edge-cases.json')], 'feed.json');
    const posts = await drain(source.posts);
    const back = await drain(readNormalized(parseDocs(serializeNormalized(source.account, posts, { fetchedAt: null, complete: true })), 'p').posts);
    expect(back).toEqual(posts);
    expect(back[0]!.pinned).toBe(true);
  });

  it('the JSON spelling matches NormalizedFileSchema, with the header keys first', async () => {
    const { account, posts } = await mastodonSample();
    const doc = JSON.parse(serializeNormalized(account, posts, { fetchedAt: FETCHED_AT, complete: false })) as Record<string, unknown>;
    expect(NormalizedFileSchema.safeParse(doc).success).toBe(true);
    expect(Object.keys(doc)).toEqual(['format', 'version', 'account', 'fetchedAt', 'complete', 'posts']);
    expect(doc).toMatchObject({ format: 'social-audit/posts', version: 1, fetchedAt: FETCHED_AT, complete: false });
  });

  it('refuses to write a post that breaks the schema', async () => {
    const { account, posts } = await mastodonSample();
    const bad = { ...posts[0]!, createdAt: 'yesterday' };
    expect(() => serializeNormalized(account, [bad], { fetchedAt: null, complete: true })).toThrow();
  });
});

describe('readNormalized', () => {
  const header = { format: 'social-audit/posts', version: 1, account: null, fetchedAt: null, complete: true };

  it('marks the source partial when the fetch stopped early (run-audit turns it into a warning)', () => {
    const source = readNormalized([{ ...header, complete: false, posts: [] }], 'p.json');
    expect(source.complete).toBe(false);
    expect(source.warnings).toEqual([]);
  });

  it('an unknown version is an InputError that says which versions it reads and to upgrade', () => {
    expect(() => readNormalized([{ ...header, version: 2, posts: [] }], 'p.json')).toThrow(InputError);
    expect(() => readNormalized([{ ...header, version: 2, posts: [] }], 'p.json')).toThrow(
      'p.json: is a social-audit/posts file of version 2; this social-audit reads version 1. Upgrade social-audit to read it.',
    );
  });

  it('an invalid header is an InputError naming the field', () => {
    expect(() => readNormalized([{ ...header, complete: 'yes' }], 'p.json')).toThrow(/^p\.json: has an invalid header \(complete: /);
    expect(() => readNormalized([{ hello: 1 }], 'p.json')).toThrow(/does not start with a "social-audit\/posts" header/);
    expect(() => readNormalized([], 'p.json')).toThrow(InputError);
  });

  it('posts in both the header and the following lines is an InputError', () => {
    expect(() => readNormalized([{ ...header, posts: [] }, {}], 'p.jsonl')).toThrow(/both inside the header and on the following lines/);
  });

  it('skips and counts a post that breaks the schema', async () => {
    const { posts } = await mastodonSample();
    const source = readNormalized([header, posts[0], { ...posts[1], visibility: 'secret' }, posts[2]], 'p.jsonl');
    expect((await drain(source.posts)).map((p) => p.id)).toEqual([posts[0]!.id, posts[2]!.id]);
    expect(source.stats.skipped).toBe(1);
    expect(source.stats.skippedExamples[0]).toMatch(/^post 1: visibility/);
  });
});
