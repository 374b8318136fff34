import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import type { InputSource } from '../../../src/fetchers/types.js';
import { looksLikeXv2Page, normalizeXv2Page, readXv2, XV2PageSchema } from '../../../src/fetchers/x/v2.js';
import { PostSchema, type Post } from '../../../src/model/post.js';

const load = (name: string) => JSON.parse(readFileSync(`fixtures/x/v2/${name}.json`, 'utf8')) as unknown;
const PAGE1 = load('user-tweets.page1');
const PAGE2 = load('user-tweets.page2');
const POST_NAMING = load('user-tweets.spec-2.167-naming');
const MENTIONS = load('user-mentions');
const NOT_FOUND = load('user-lookup.not-found');

async function drain(source: InputSource): Promise<Post[]> {
  const posts: Post[] = [];
  for await (const post of source.posts) posts.push(post);
  return posts;
}

function page(doc: unknown) {
  return normalizeXv2Page(XV2PageSchema.parse(doc));
}

function onePost(post: Record<string, unknown>, includes?: Record<string, unknown>): Post {
  const { posts, skipped } = page({ data: [post], ...(includes ? { includes } : {}) });
  expect(skipped).toEqual([]);
  return posts[0]!;
}

const BASE = {
  id: '2090077627686039552',
  text: 'hello',
  author_id: '289134506',
  created_at: '2026-08-19T14:05:12.000Z',
  edit_history_tweet_ids: ['2090077627686039552'],
};

// Ids and times of the RoadInfo BC scenario (fixtures-reference/README.md).
const P0 = '2089842275017224192';
const T1 = '2090077627686039552';
const M1 = '2090081768915566592';
const R1 = '2090085901656498176';
const F1 = '2090118707775373312';
const T2 = '2090122302198636544';
const RT1 = '2090124146346573824';
const F2 = '2090137261372575744';
const Q1 = '2090144264556617728';
const M2 = '2090153121132392448';
const R2 = '2090178866251771904';
const T3 = '2090242410941788160';
const T4 = '2090456862499086336';
const M3 = '2090459069734666240';
const R3 = '2090464954038857728';

describe('readXv2 on the user-tweets pages', () => {
  it('reads the 10 posts of page 1 + page 2 (JSON Lines: one page per document)', async () => {
    const source = readXv2([PAGE1, PAGE2], 'tweets.jsonl');
    expect(source.format).toBe('x-v2');
    expect(source.sourceKind).toBe('file');
    expect(source.account).toBeNull();
    expect(source.warnings).toEqual([]);
    const posts = await drain(source);
    expect(posts.map((p) => p.id)).toEqual([R3, T4, T3, R2, Q1, RT1, T2, R1, T1, P0]);
    expect(source.stats.skipped).toBe(0);
    for (const post of posts) {
      expect(PostSchema.parse(post)).toEqual(post);
      // Page 2 has no includes: the handle comes from page 1's includes.users.
      expect(post.author).toEqual({ id: '289134506', handle: 'RoadInfoBC' });
      expect(post.url).toBe(`https://x.com/RoadInfoBC/status/${post.id}`);
    }
  });

  it('is complete only when the last page (no meta.next_token) was saved', () => {
    expect(readXv2([PAGE1, PAGE2], 'p').complete).toBe(true);
    expect(readXv2([PAGE1], 'p').complete).toBe(false);
    expect(readXv2([MENTIONS], 'p').complete).toBe(true);
    expect(readXv2([NOT_FOUND], 'p').complete).toBe(true);
  });

  it('reads an array of pages in one document the same way', async () => {
    expect(await drain(readXv2([[PAGE1, PAGE2]], 'pages.json'))).toEqual(await drain(readXv2([PAGE1, PAGE2], 'p.jsonl')));
  });

  it('marks the kinds: RT1 repost; R1, R2, R3, T2 replies; Q1 quote; P0, T1, T3, T4 neither', async () => {
    const posts = new Map((await drain(readXv2([PAGE1, PAGE2], 'p'))).map((p) => [p.id, p]));
    const refs = (id: string) => {
      const p = posts.get(id)!;
      return [p.repostOf !== null, p.replyTo !== null, p.quoteOf !== null];
    };
    expect(refs(RT1)).toEqual([true, false, false]);
    for (const id of [R1, R2, R3, T2]) expect(refs(id)).toEqual([false, true, false]);
    expect(refs(Q1)).toEqual([false, false, true]);
    for (const id of [P0, T1, T3, T4]) expect(refs(id)).toEqual([false, false, false]);
  });

  it('takes reply parents from includes, with the milliseconds of their ids', async () => {
    const posts = new Map((await drain(readXv2([PAGE1, PAGE2], 'p'))).map((p) => [p.id, p]));
    // includes.tweets M1 created_at 2026-08-19T14:21:40.000Z; (M1 >> 22) + 1288834974657 ends in .207
    expect(posts.get(R1)!.replyTo).toEqual({
      id: M1,
      url: `https://x.com/okanagan_kat/status/${M1}`,
      author: { id: '1124378617443254272', handle: 'okanagan_kat' },
      createdAt: '2026-08-19T14:21:40.207Z',
    });
    expect(posts.get(R2)!.replyTo).toMatchObject({ id: M2, author: { handle: 'truckerdave_bc' }, createdAt: '2026-08-19T19:05:11.902Z' });
    expect(posts.get(R3)!.replyTo).toMatchObject({ id: M3, author: { handle: 'peachland_pete' }, createdAt: '2026-08-20T15:20:55.733Z' });
    expect(posts.get(T2)!.replyTo).toEqual({
      id: T1,
      url: `https://x.com/RoadInfoBC/status/${T1}`,
      author: { id: '289134506', handle: 'RoadInfoBC' },
      createdAt: '2026-08-19T14:05:12.861Z',
    });
    expect(posts.get(R1)!.createdAt).toBe('2026-08-19T14:38:05.530Z');
    expect(posts.get(P0)!.createdAt).toBe('2026-08-18T22:30:00.412Z');
  });

  it('reads the retweet with the original’s author and time, and no own words', async () => {
    const rt1 = (await drain(readXv2([PAGE1], 'p'))).find((p) => p.id === RT1)!;
    expect(rt1).toMatchObject({
      text: '',
      links: [],
      mentions: [],
      hashtags: [],
      repostOf: {
        id: F1,
        url: `https://x.com/BCFireUpdates/status/${F1}`,
        author: { id: '580221473', handle: 'BCFireUpdates' },
        createdAt: '2026-08-19T16:48:27.118Z',
      },
    });
  });

  it('reads the quote and leaves its status link out of the links', async () => {
    const q1 = (await drain(readXv2([PAGE1], 'p'))).find((p) => p.id === Q1)!;
    expect(q1.quoteOf).toEqual({
      id: F2,
      url: `https://x.com/BCFireUpdates/status/${F2}`,
      author: { id: '580221473', handle: 'BCFireUpdates' },
      createdAt: '2026-08-19T18:02:10.640Z',
    });
    expect(q1.links).toEqual([]);
    expect(q1.hashtags).toEqual(['BCHwy5', 'BCHwy97C']);
    expect(q1.text).toContain('slow down, turn on your headlights');
  });

  it('reads links, mentions and hashtags of own posts', async () => {
    const posts = new Map((await drain(readXv2([PAGE1, PAGE2], 'p'))).map((p) => [p.id, p]));
    expect(posts.get(T3)!.links).toEqual(['https://roadinfobc.example/app?utm_source=x&utm_campaign=app']);
    expect(posts.get(T3)!.hashtags).toEqual(['DriveSafe']);
    expect(posts.get(R1)!.mentions).toEqual([{ id: '1124378617443254272', handle: 'okanagan_kat' }]);
    expect(posts.get(P0)!.links).toEqual(['https://roadinfobc.example/events/DBC-58102']);
  });
});

describe('readXv2 on other pages', () => {
  it('reads the post vocabulary of spec 2.167 (referenced_posts, includes.posts) to the same refs', async () => {
    const renamed = await drain(readXv2([POST_NAMING], 'p'));
    const classic = new Map((await drain(readXv2([PAGE1], 'p'))).map((p) => [p.id, p]));
    expect(renamed.map((p) => p.id)).toEqual([R3, RT1]);
    for (const post of renamed) {
      const twin = classic.get(post.id)!;
      expect(post.replyTo).toEqual(twin.replyTo);
      expect(post.repostOf).toEqual(twin.repostOf);
      expect(post.quoteOf).toEqual(twin.quoteOf);
    }
    expect(renamed[0]!.replyTo?.createdAt).toBe('2026-08-20T15:20:55.733Z');
  });

  it('reads a mentions page: posts by other authors, handles from includes.users', async () => {
    const posts = await drain(readXv2([MENTIONS], 'mentions.json'));
    expect(posts.map((p) => p.author.handle)).toEqual(['smoky_sky_sam', 'peachland_pete', 'truckerdave_bc', 'okanagan_kat']);
    expect(posts[1]!.replyTo).toMatchObject({
      id: T4,
      author: { id: '289134506', handle: 'RoadInfoBC' },
      createdAt: '2026-08-20T15:12:09.487Z',
    });
    expect(posts[0]!.mentions.map((m) => m.handle)).toEqual(['RoadInfoBC', 'BCFireUpdates']);
  });

  it('gives no posts for a page with only errors, and says so in a warning', async () => {
    expect(looksLikeXv2Page(NOT_FOUND)).toBe(true);
    const source = readXv2([NOT_FOUND], 'nf.json');
    expect(await drain(source)).toEqual([]);
    expect(source.warnings).toHaveLength(1);
    expect(source.warnings[0]).toContain('1 error(s): Could not find user with username: [RoadInfoBCX].');
  });

  it('refuses a document that is not a page, naming it', () => {
    let error: unknown;
    try {
      readXv2([PAGE1, { data: { id: '1', name: 'x', username: 'y' } }], 'lookup.jsonl');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('lookup.jsonl: document 2 is not an X API v2 response page');
  });
});

describe('normalizeXv2Page rules', () => {
  it('reads a reply to a user without a replied_to post as a reply with no target post', () => {
    const post = onePost(
      { ...BASE, in_reply_to_user_id: '2318844270', entities: { mentions: [{ start: 0, end: 15, username: 'truckerdave_bc', id: '2318844270' }] } },
    );
    expect(post.replyTo).toEqual({ id: null, url: null, author: { id: '2318844270', handle: 'truckerdave_bc' }, createdAt: null });
  });

  it('leaves the parent time null when includes lack the parent, and the author from in_reply_to_user_id', () => {
    const post = onePost({ ...BASE, in_reply_to_user_id: '42', referenced_tweets: [{ type: 'replied_to', id: M1 }] });
    expect(post.replyTo).toEqual({ id: M1, url: `https://x.com/i/web/status/${M1}`, author: { id: '42', handle: null }, createdAt: null });
  });

  it('takes a replied-to author from the included parent when in_reply_to_user_id is missing', () => {
    const post = onePost(
      { ...BASE, referenced_tweets: [{ type: 'replied_to', id: M1 }] },
      { tweets: [{ id: M1, text: 'q', author_id: '7', created_at: '2026-08-19T14:21:40.000Z' }], users: [{ id: '7', name: 'S', username: 'seven' }] },
    );
    expect(post.replyTo?.author).toEqual({ id: '7', handle: 'seven' });
  });

  it('names a retweet’s author from "RT @name" and its mention when includes are missing', () => {
    const post = onePost({
      ...BASE,
      text: 'RT @BCFireUpdates: Evacuation alert',
      referenced_tweets: [{ type: 'retweeted', id: F1 }],
      entities: { mentions: [{ start: 3, end: 17, username: 'BCFireUpdates', id: '580221473' }] },
    });
    expect(post.repostOf).toEqual({
      id: F1,
      url: `https://x.com/BCFireUpdates/status/${F1}`,
      author: { id: '580221473', handle: 'BCFireUpdates' },
      createdAt: null,
    });
    expect(post.text).toBe('');
  });

  it('keeps both refs of a reply that also quotes', () => {
    const post = onePost({
      ...BASE,
      in_reply_to_user_id: '42',
      referenced_tweets: [
        { type: 'quoted', id: F2 },
        { type: 'replied_to', id: M1 },
      ],
    });
    expect(post.replyTo?.id).toBe(M1);
    expect(post.quoteOf?.id).toBe(F2);
  });

  it('prefers note_tweet / note_post text and entities for long posts', () => {
    const longText = `${'word '.repeat(80)}#Long`;
    for (const key of ['note_tweet', 'note_post']) {
      const post = onePost({ ...BASE, text: 'word word…', [key]: { text: longText, entities: { hashtags: [{ start: 400, end: 405, tag: 'Long' }] } } });
      expect(post.text).toBe(longText);
      expect(post.hashtags).toEqual(['Long']);
    }
  });

  it('prefers unwound_url, leaves out media links and never keeps a t.co link', () => {
    const post = onePost({
      ...BASE,
      entities: {
        urls: [
          { start: 0, end: 1, url: 'https://t.co/a', expanded_url: 'https://bit.ly/x', unwound_url: 'https://roadinfobc.example/x' },
          { start: 2, end: 3, url: 'https://t.co/b', expanded_url: `https://x.com/RoadInfoBC/status/${BASE.id}/photo/1`, media_key: '3_1' },
          { start: 4, end: 5, url: 'https://t.co/c' },
          { start: 6, end: 7, url: 'https://t.co/d', expanded_url: 'https://example.org/' },
        ],
      },
    });
    expect(post.links).toEqual(['https://roadinfobc.example/x', 'https://example.org/']);
  });

  it('decodes HTML entities in the text', () => {
    expect(onePost({ ...BASE, text: 'A &amp; B &lt;3' }).text).toBe('A & B <3');
  });

  it('falls back to the snowflake time when created_at was not requested', () => {
    const { created_at: _omit, ...noTime } = BASE;
    expect(onePost(noTime).createdAt).toBe('2026-08-19T14:05:12.861Z');
  });

  it('keeps the created_at second when the id disagrees, and has a null handle without includes', () => {
    const post = onePost({ ...BASE, created_at: '2026-08-19T14:05:20.000Z' });
    expect(post.createdAt).toBe('2026-08-19T14:05:20.000Z');
    expect(post.author).toEqual({ id: '289134506', handle: null });
  });

  it('skips posts that fail the wire schema with a reason', () => {
    // A numeric id beyond 2^53 has lost its last digits (X ids are strings for that reason).
    const { posts, skipped } = page({ data: [BASE, { id: 2 ** 60, text: 'x' }, { ...BASE, id: '5', created_at: undefined }, { ...BASE, id: [1] }] });
    expect(posts).toHaveLength(1);
    expect(skipped).toHaveLength(3);
    expect(skipped[0]).toMatch(/^data\[1\]: its id is a JSON number beyond 2\^53/);
    expect(skipped[1]).toContain('no created_at');
    expect(skipped[2]).toMatch(/^data\[3\]: id/);
  });

  it('reads an exact numeric id (a safe integer) as its digits, and null fields as absent', () => {
    const { posts, skipped } = page({ data: [{ ...BASE, id: 20, created_at: '2006-03-21T20:50:14.000Z', entities: null, referenced_tweets: null }] });
    expect(skipped).toEqual([]);
    expect(posts.map((p) => [p.id, p.createdAt, p.replyTo])).toEqual([['20', '2006-03-21T20:50:14.000Z', null]]);
  });

  it('accepts a single-post lookup (data is an object)', () => {
    expect(page({ data: BASE }).posts.map((p) => p.id)).toEqual([BASE.id]);
  });
});

describe('looksLikeXv2Page', () => {
  it.each([
    ['a timeline page', PAGE1, true],
    ['a last page without includes', PAGE2, true],
    ['an empty page', { meta: { result_count: 0 } }, true],
    ['an errors-only page', NOT_FOUND, true],
    ['a user lookup', { data: { id: '1', name: 'n', username: 'u' } }, false],
    ['a v1.1 tweet', { id_str: '1', created_at: 'x', text: 'y' }, false],
    ['a v1.1 error', { errors: [{ code: 88, message: 'Rate limit exceeded' }] }, false],
    ['a Bluesky feed', { feed: [], cursor: 'x' }, false],
    ['an array', [PAGE1], false],
  ])('%s → %s', (_label, doc, expected) => {
    expect(looksLikeXv2Page(doc)).toBe(expected);
  });
});
