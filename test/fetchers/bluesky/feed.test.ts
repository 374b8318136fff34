import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import {
  FeedViewPostSchema,
  fromAtprotoPythonDump,
  looksLikeBlueskyFeed,
  normalizeFeedItem,
  readBlueskyFeed,
} from '../../../src/fetchers/bluesky/feed.js';
import { PostSchema, type Post } from '../../../src/model/post.js';
import { drain, kindOf } from '../reader-helpers.js';
import { REAL_DATA } from '../../helpers/real-data.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/bluesky/', import.meta.url));
const load = async (name: string): Promise<unknown> => JSON.parse(await readFile(`${fixtures}${name}`, 'utf8'));

const OWN_DID = 'did:plc:xriq4owvjcejoym7pfjarfm5';
const OWNER = { id: OWN_DID, handle: 'roadinfobc.example' };
const FIRE = { id: 'did:plc:gre4tu7xbw7o3untysehg6a7', handle: 'fireupdates.bc.example' };
const F2_URI = 'at://did:plc:gre4tu7xbw7o3untysehg6a7/app.bsky.feed.post/3mthctwrugs2g';

async function referencePosts(): Promise<Post[]> {
  const source = readBlueskyFeed([await load('getAuthorFeed.page1.json'), await load('getAuthorFeed.page2.json')], 'feed.jsonl');
  const posts = await drain(source.posts);
  expect(source.stats.skipped).toBe(0);
  return posts;
}

describe('looksLikeBlueskyFeed', () => {
  it('accepts a page, an empty page, an array of pages and a Python SDK dump', async () => {
    const page1 = await load('getAuthorFeed.page1.json');
    expect(looksLikeBlueskyFeed(page1)).toBe(true);
    expect(looksLikeBlueskyFeed({ feed: [] })).toBe(true);
    expect(looksLikeBlueskyFeed([page1, await load('getAuthorFeed.page2.json')])).toBe(true);
    expect(looksLikeBlueskyFeed(await load('author-feed-python-dump.json'))).toBe(true);
  });

  it('rejects other shapes', () => {
    expect(looksLikeBlueskyFeed([])).toBe(false);
    expect(looksLikeBlueskyFeed({ data: [], meta: {} })).toBe(false);
    expect(looksLikeBlueskyFeed({ feed: [{ post: { uri: 'https://example' } }] })).toBe(false);
    expect(looksLikeBlueskyFeed({ posts: [] })).toBe(false);
  });
});

describe('readBlueskyFeed: reference pages (fixtures-reference scenario)', () => {
  it('reads page 1 + page 2 (one page per line): 10 items with the scenario kinds', async () => {
    const posts = await referencePosts();
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
    expect(posts.map((p) => [p.id.replace(`at://${OWN_DID}/`, ''), kindOf(p, OWNER)])).toEqual([
      ['app.bsky.feed.post/3mtjlmdhsxs24', 'reply.toOther'], // R3
      ['app.bsky.feed.post/3mtjjstoufk2t', 'original'], // T4
      ['app.bsky.feed.post/3mti273225k2p', 'original'], // T3
      ['app.bsky.feed.post/3mthm3knsls26', 'reply.toOther'], // R2
      ['app.bsky.feed.post/3mthefp4o5k2p', 'quote.toOther'], // Q1
      ['app.bsky.feed.repost/3mth7wqr6ls2v', 'repost.toOther'], // RT1: id of the repost record
      ['app.bsky.feed.post/3mth7jnhu4226', 'reply.toSelf'], // T2
      ['app.bsky.feed.post/3mtgxgyx5vk2v', 'reply.toOther'], // R1
      ['app.bsky.feed.post/3mtgvm7ntjc2j', 'original'], // T1
      ['app.bsky.feed.post/3mtfbdwnxvk2n', 'original'], // P0
    ]);
    expect(posts.every((p) => p.author.id === OWN_DID && p.author.handle === 'roadinfobc.example')).toBe(true);
    expect(posts.every((p) => p.visibility === 'public' && p.platform === 'bluesky')).toBe(true);
  });

  it('the feed owner is the account', async () => {
    const source = readBlueskyFeed([await load('getAuthorFeed.page1.json')], 'feed.json');
    expect(source.format).toBe('bluesky-feed');
    expect(source.sourceKind).toBe('file');
    expect(source.account).toEqual({
      platform: 'bluesky',
      id: OWN_DID,
      handle: 'roadinfobc.example',
      displayName: 'RoadInfo BC',
      website: null,
      url: 'https://bsky.app/profile/roadinfobc.example',
    });
  });

  it('RT1: a repost by reason.by, dated reason.indexedAt, of the fire agency post', async () => {
    const rt1 = (await referencePosts())[5]!;
    expect(rt1).toEqual({
      id: `at://${OWN_DID}/app.bsky.feed.repost/3mth7wqr6ls2v`,
      platform: 'bluesky',
      url: 'https://bsky.app/profile/fireupdates.bc.example/post/3mth6q46ro22s',
      author: OWNER,
      createdAt: '2026-08-19T17:10:04.164Z',
      text: '',
      visibility: 'public',
      replyTo: null,
      quoteOf: null,
      repostOf: {
        id: 'at://did:plc:gre4tu7xbw7o3untysehg6a7/app.bsky.feed.post/3mth6q46ro22s',
        url: 'https://bsky.app/profile/fireupdates.bc.example/post/3mth6q46ro22s',
        author: FIRE,
        createdAt: '2026-08-19T16:48:27.118Z',
      },
      links: [],
      mentions: [],
      hashtags: [],
    });
  });

  it('R3: reply target from the hydrated parent postView, with its time', async () => {
    const r3 = (await referencePosts())[0]!;
    expect(r3.url).toBe('https://bsky.app/profile/roadinfobc.example/post/3mtjlmdhsxs24');
    expect(r3.createdAt).toBe('2026-08-20T15:44:18.660Z');
    expect(r3.replyTo).toEqual({
      id: 'at://did:plc:47fgwi7c4zhhowe6cdbchlbp/app.bsky.feed.post/3mtjkcjk4v22v',
      url: 'https://bsky.app/profile/pete.peachland.example/post/3mtjkcjk4v22v',
      author: { id: 'did:plc:47fgwi7c4zhhowe6cdbchlbp', handle: 'pete.peachland.example' },
      createdAt: '2026-08-20T15:20:55.733Z',
    });
  });

  it('T4: facet link and link card counted once; tags from facets', async () => {
    const t4 = (await referencePosts())[1]!;
    expect(t4.links).toEqual(['https://roadinfobc.example/events/DBC-58213']);
    expect(t4.hashtags).toEqual(['BCHwy97']);
    expect(t4.text).toMatch(/^#BCHwy97 has REOPENED/);
  });

  it('Q1: quoted post from embed.record#view with its author and time', async () => {
    const q1 = (await referencePosts())[4]!;
    expect(q1.quoteOf).toEqual({
      id: F2_URI,
      url: 'https://bsky.app/profile/fireupdates.bc.example/post/3mthctwrugs2g',
      author: FIRE,
      createdAt: '2026-08-19T18:02:10.640Z',
    });
  });

  it('T1: facets after a multi-byte emoji still give their values', async () => {
    const t1 = (await referencePosts())[8]!;
    expect(t1.links).toEqual(['https://roadinfobc.example/events/DBC-58213']);
    expect(t1.hashtags).toEqual(['BCHwy97', 'OkanaganFire']);
  });
});

describe('readBlueskyFeed: edge cases', () => {
  async function edge() {
    const source = readBlueskyFeed([await load('feed-edge-cases.json')], 'feed-edge-cases.json');
    return { source, posts: await drain(source.posts) };
  }

  it('skips an item without author and a repost without time, and counts them', async () => {
    const { source, posts } = await edge();
    expect(posts.length).toBe(7);
    expect(source.stats.skipped).toBe(2);
    expect(source.stats.skippedExamples[0]).toMatch(/^feed item: post\.author/);
    expect(source.stats.skippedExamples[1]).toMatch(/reasonRepost without "by" or "indexedAt"$/);
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
    expect(source.account?.id).toBe(OWN_DID);
  });

  it('a pinned item is the author’s post, marked pinned, with its own id', async () => {
    const [pinned] = (await edge()).posts;
    expect(pinned!.id).toBe(`at://${OWN_DID}/app.bsky.feed.post/3mti273225k2p`);
    expect(pinned!.pinned).toBe(true);
    expect(kindOf(pinned!, OWNER)).toBe('original');
  });

  it('a reply to a deleted parent (#notFoundPost): author from the parent URI, time unknown', async () => {
    const reply = (await edge()).posts[1]!;
    expect(reply.replyTo).toEqual({
      id: 'at://did:plc:q3lkz2m7yvxw4tdh6ubr5c2e/app.bsky.feed.post/3mtlazagcl22b',
      url: 'https://bsky.app/profile/did:plc:q3lkz2m7yvxw4tdh6ubr5c2e/post/3mtlazagcl22b',
      author: { id: 'did:plc:q3lkz2m7yvxw4tdh6ubr5c2e', handle: null },
      createdAt: null,
    });
    expect(reply.pinned).toBeUndefined();
  });

  it('a reply to a blocked parent (#blockedPost): author from the parent URI', async () => {
    const reply = (await edge()).posts[2]!;
    expect(reply.replyTo?.author).toEqual({ id: 'did:plc:b7nq2xv4w5mz6kd3lpyfrzta', handle: null });
    expect(kindOf(reply, OWNER)).toBe('reply.toOther');
  });

  it('a reposted reply is a repost, not a reply; without reason.uri its id is synthetic', async () => {
    const repost = (await edge()).posts[3]!;
    expect(repost.id).toBe(`at://${OWN_DID}/app.bsky.feed.repost/3mtlfic2ol22b`);
    expect(repost.author).toEqual(OWNER);
    expect(repost.createdAt).toBe('2026-08-21T09:05:00.120Z');
    expect(repost.replyTo).toBeNull();
    expect(repost.repostOf?.author).toEqual({ id: 'did:plc:47fgwi7c4zhhowe6cdbchlbp', handle: 'pete.peachland.example' });
    expect(repost.repostOf?.createdAt).toBe('2026-08-21T09:00:00.000Z');
    expect(kindOf(repost, OWNER)).toBe('repost.toOther');
  });

  it('a quote with media (recordWithMedia#view)', async () => {
    const quote = (await edge()).posts[4]!;
    expect(quote.quoteOf).toEqual({
      id: F2_URI,
      url: 'https://bsky.app/profile/fireupdates.bc.example/post/3mthctwrugs2g',
      author: FIRE,
      createdAt: '2026-08-19T18:02:10.640Z',
    });
  });

  it('an embedded feed generator is not a quote; link, mention and tag facets plus record.tags', async () => {
    const post = (await edge()).posts[5]!;
    expect(post.quoteOf).toBeNull();
    expect(kindOf(post, OWNER)).toBe('original');
    expect(post.links).toEqual(['https://roadinfobc.example/feeds?src=bsky']);
    expect(post.mentions).toEqual([{ id: FIRE.id, handle: null }]);
    expect(post.hashtags).toEqual(['BCRoads', 'RoadSafety']);
  });

  it('a quote known only from the raw record embed', async () => {
    const quote = (await edge()).posts[6]!;
    expect(quote.quoteOf).toEqual({
      id: F2_URI,
      url: 'https://bsky.app/profile/did:plc:gre4tu7xbw7o3untysehg6a7/post/3mthctwrugs2g',
      author: { id: FIRE.id, handle: null },
      createdAt: null,
    });
  });
});

describe('Python atproto SDK dumps', () => {
  it('converts py_type, snake_case and nulls to the wire shape', () => {
    expect(
      fromAtprotoPythonDump({ py_type: 'x#y', created_at: 't', reply: null, facets: [{ index: { byte_start: 1 } }], $type: 'k' }),
    ).toEqual({ $type: 'k', createdAt: 't', facets: [{ index: { byteStart: 1 } }] });
  });

  it('reads a dump: reply, self-repost without reason.uri, post with facets', async () => {
    const source = readBlueskyFeed([await load('author-feed-python-dump.json')], 'author_feed.json');
    const posts = await drain(source.posts);
    expect(source.stats.skipped).toBe(0);
    expect(posts.map((p) => kindOf(p, OWNER))).toEqual(['reply.toOther', 'repost.toSelf', 'original']);
    const [reply, repost, t1] = posts as [Post, Post, Post];
    expect(reply.replyTo).toMatchObject({
      author: { id: 'did:plc:47fgwi7c4zhhowe6cdbchlbp', handle: 'pete.peachland.example' },
      createdAt: '2026-08-20T15:20:55.733Z',
    });
    expect(repost).toMatchObject({
      id: `at://${OWN_DID}/app.bsky.feed.repost/3mtgvm7ntjc2j`,
      createdAt: '2026-08-20T16:00:00.250Z',
      repostOf: { id: t1.id, author: OWNER, createdAt: '2026-08-19T14:05:12.861Z' },
    });
    expect(t1.links).toEqual(['https://roadinfobc.example/events/DBC-58213']);
    expect(t1.hashtags).toEqual(['BCHwy97', 'OkanaganFire']);
    expect(source.account).toMatchObject({ id: OWN_DID, handle: 'roadinfobc.example', displayName: 'RoadInfo BC' });
  });
});

describe('normalizeFeedItem', () => {
  it('drops the placeholder handle of an unverified handle', async () => {
    const page = (await load('getAuthorFeed.page2.json')) as { feed: unknown[] };
    const item = FeedViewPostSchema.parse(page.feed[1]);
    item.post.author.handle = 'handle.invalid';
    const post = normalizeFeedItem(item);
    expect(post?.author).toEqual({ id: OWN_DID, handle: null });
    expect(post?.url).toBe(`https://bsky.app/profile/${OWN_DID}/post/3mtfbdwnxvk2n`);
  });

  it('returns null for a record that is not a post', async () => {
    const page = (await load('getAuthorFeed.page2.json')) as { feed: unknown[] };
    const item = FeedViewPostSchema.parse(page.feed[1]);
    item.post.record = { $type: 'app.bsky.feed.post', text: 'no createdAt' };
    expect(normalizeFeedItem(item)).toBeNull();
  });
});

describe('invalid input', () => {
  it('a line that is not a feed page is an InputError naming the file and line', async () => {
    const page1 = await load('getAuthorFeed.page1.json');
    expect(() => readBlueskyFeed([page1, { posts: [] }], 'feed.jsonl')).toThrow(InputError);
    expect(() => readBlueskyFeed([page1, { posts: [] }], 'feed.jsonl')).toThrow(/^feed\.jsonl: line 2 is not a Bluesky getAuthorFeed page/);
  });

  it('an empty feed has no account and no posts', async () => {
    const source = readBlueskyFeed([{ feed: [] }], 'empty.json');
    expect(source.account).toBeNull();
    expect(await drain(source.posts)).toEqual([]);
  });
});

// Real saved feeds (real-data/README.md §4), read in place, never copied into the repo. The counts
// were verified independently with Python (json.load; items with/without `reason`, `reply` context
// on reposted items, owner DID of `reason.by`).
const realData = REAL_DATA;

describe.skipIf(!existsSync(`${realData}/bluesky-benoist/getAuthorFeed.json`))('real feed: bluesky-benoist', () => {
  it('30 items: 2 own posts and 28 reposts; reposted replies are not replies', async () => {
    const doc: unknown = JSON.parse(await readFile(`${realData}/bluesky-benoist/getAuthorFeed.json`, 'utf8'));
    const source = readBlueskyFeed([doc], 'getAuthorFeed.json');
    const posts = await drain(source.posts);
    expect(source.stats.skipped).toBe(0);
    expect(posts.length).toBe(30);
    expect(new Set(posts.map((p) => p.id)).size).toBe(30);
    expect(posts.filter((p) => p.repostOf !== null).length).toBe(28);
    // Two reposted items carry `reply` context (other people's replies).
    expect(posts.filter((p) => p.replyTo !== null).length).toBe(0);
    const own = posts.filter((p) => p.repostOf === null).map((p) => [p.id, p.createdAt]);
    expect(own).toEqual([
      ['at://did:plc:ubudpurydqvit3dhdnx4v6sv/app.bsky.feed.post/3l7vxiuivk52v', '2024-11-01T19:58:59.413Z'],
      ['at://did:plc:ubudpurydqvit3dhdnx4v6sv/app.bsky.feed.post/3l7vndehgbe2q', '2024-11-01T16:56:57.408Z'],
    ]);
    expect(posts.every((p) => p.author.id === 'did:plc:ubudpurydqvit3dhdnx4v6sv')).toBe(true);
    expect(source.account).toMatchObject({ id: 'did:plc:ubudpurydqvit3dhdnx4v6sv', handle: 'benoist.dev' });
  });
});

describe.skipIf(!existsSync(`${realData}/bluesky-profgalloway/author_feed.json`))('real feed: bluesky-profgalloway (Python SDK dump)', () => {
  it('10 items: 9 posts and 1 repost of his own post', async () => {
    const doc: unknown = JSON.parse(await readFile(`${realData}/bluesky-profgalloway/author_feed.json`, 'utf8'));
    expect(looksLikeBlueskyFeed(doc)).toBe(true);
    const source = readBlueskyFeed([doc], 'author_feed.json');
    const posts = await drain(source.posts);
    expect(source.stats.skipped).toBe(0);
    expect(posts.length).toBe(10);
    const owner = { id: 'did:plc:e5bl34y4m4zap3g6zg2wxpze', handle: 'profgalloway.com' };
    expect(posts.map((p) => kindOf(p, owner)).filter((k) => k === 'original').length).toBe(9);
    const repost = posts.find((p) => p.repostOf !== null)!;
    expect(repost).toMatchObject({
      id: 'at://did:plc:e5bl34y4m4zap3g6zg2wxpze/app.bsky.feed.repost/3lipl2ryzms26',
      createdAt: '2025-02-22T06:18:36.752Z',
      repostOf: { id: 'at://did:plc:e5bl34y4m4zap3g6zg2wxpze/app.bsky.feed.post/3lipl2ryzms26', author: owner },
    });
    expect(kindOf(repost, owner)).toBe('repost.toSelf');
    const podcast = posts[2]!;
    expect(podcast.mentions).toEqual([{ id: 'did:plc:brtkwi2kicxql63qsuwjjfwt', handle: null }]);
    expect(podcast.links).toEqual(['https://open.spotify.com/episode/5DlxuqkWGUorLl3LRQYdga?si=D0uid7TZQla1IXgfbhq4lg']);
    expect(source.account).toEqual({
      platform: 'bluesky',
      id: owner.id,
      handle: owner.handle,
      displayName: 'Scott Galloway',
      website: null,
      url: 'https://bsky.app/profile/profgalloway.com',
    });
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
  });
});
