import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InputSource } from '../../../src/fetchers/types.js';
import { looksLikeXv1, normalizeXv1, readXv1, V1TweetSchema } from '../../../src/fetchers/x/v1.js';
import { PostSchema, type Post } from '../../../src/model/post.js';

const TIMELINE = JSON.parse(readFileSync('fixtures/x/v1/user-timeline.json', 'utf8')) as unknown[];
const TRIMMED = readFileSync('fixtures/x/v1/user-timeline.trimmed-users.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as unknown);

async function drain(source: InputSource): Promise<Post[]> {
  const posts: Post[] = [];
  for await (const post of source.posts) posts.push(post);
  return posts;
}

const N1 = '2090476452566675498';
const Q1 = '2090144264556617728';
const F2 = '2090137261372575744';
const RT1 = '2090124146346573824';
const F1 = '2090118707775373312';
const T2 = '2090122302198636544';
const R1 = '2090085901656498176';
const T1 = '2090077627686039552';

function tweet(extra: Record<string, unknown> = {}) {
  return {
    id_str: T1,
    id: 2090077627686039552,
    created_at: 'Wed Aug 19 14:05:12 +0000 2026',
    text: 'hello',
    user: { id_str: '289134506', screen_name: 'RoadInfoBC' },
    entities: { hashtags: [], user_mentions: [], urls: [] },
    in_reply_to_status_id_str: null,
    in_reply_to_user_id_str: null,
    in_reply_to_screen_name: null,
    is_quote_status: false,
    ...extra,
  };
}

function one(raw: unknown): Post {
  const post = normalizeXv1(V1TweetSchema.parse(raw));
  if (typeof post === 'string') throw new Error(post);
  return post;
}

describe('readXv1 on a saved user timeline (extended mode, full users)', () => {
  it('reads 6 tweets as valid posts by RoadInfoBC', async () => {
    const source = readXv1([TIMELINE], 'timeline.json');
    expect(source.format).toBe('x-v1');
    expect(source.sourceKind).toBe('file');
    expect(source.account).toBeNull();
    expect(source.warnings).toEqual([]);
    const posts = await drain(source);
    expect(posts.map((p) => p.id)).toEqual([N1, Q1, RT1, T2, R1, T1]);
    expect(source.stats.skipped).toBe(0);
    for (const post of posts) {
      expect(PostSchema.parse(post)).toEqual(post);
      expect(post.author).toEqual({ id: '289134506', handle: 'RoadInfoBC' });
    }
  });

  it('reads the reposted, quoted and replied-to posts with their authors and times', async () => {
    const posts = new Map((await drain(readXv1([TIMELINE], 't.json'))).map((p) => [p.id, p]));
    expect(posts.get(RT1)).toMatchObject({
      text: '',
      links: [],
      mentions: [],
      hashtags: [],
      replyTo: null,
      quoteOf: null,
      repostOf: {
        id: F1,
        url: `https://x.com/BCFireUpdates/status/${F1}`,
        author: { id: '580221473', handle: 'BCFireUpdates' },
        // retweeted_status.created_at "Wed Aug 19 16:48:27 +0000 2026" + the snowflake's .118
        createdAt: '2026-08-19T16:48:27.118Z',
      },
    });
    expect(posts.get(Q1)).toMatchObject({
      repostOf: null,
      quoteOf: {
        id: F2,
        author: { id: '580221473', handle: 'BCFireUpdates' },
        createdAt: '2026-08-19T18:02:10.640Z',
      },
      links: [],
      hashtags: ['BCHwy5', 'BCHwy97C'],
    });
    expect(posts.get(R1)!.replyTo).toEqual({
      id: '2090081768915566592',
      url: 'https://x.com/okanagan_kat/status/2090081768915566592',
      author: { id: '1124378617443254272', handle: 'okanagan_kat' },
      createdAt: null,
    });
    expect(posts.get(T2)!.replyTo?.author).toEqual({ id: '289134506', handle: 'RoadInfoBC' });
    expect(posts.get(T1)).toMatchObject({
      replyTo: null,
      quoteOf: null,
      repostOf: null,
      createdAt: '2026-08-19T14:05:12.861Z',
      links: ['https://roadinfobc.example/events/DBC-58213'],
    });
  });

  it('reads an @-mention tweet with no status id as a reply with no target post, entities decoded', async () => {
    const n1 = (await drain(readXv1([TIMELINE], 't.json')))[0]!;
    expect(n1.replyTo).toEqual({ id: null, url: null, author: { id: '2318844270', handle: 'truckerdave_bc' }, createdAt: null });
    expect(n1.text).toContain('two lanes & rock scaling');
    expect(n1.createdAt).toBe('2026-08-20T16:30:00.123Z');
  });
});

describe('readXv1 on JSON Lines with trimmed users (as the 2016 Congress collector saved them)', () => {
  it('has no handles for the author but finds the reposted and quoted handles elsewhere', async () => {
    const source = readXv1(TRIMMED, 'timeline.jsonl');
    expect(source.warnings.join(' ')).toContain('no screen_name');
    const posts = new Map((await drain(source)).map((p) => [p.id, p]));
    expect(posts.size).toBe(6);
    expect(posts.get(T1)!.author).toEqual({ id: '289134506', handle: null });
    expect(posts.get(T1)!.url).toBe(`https://x.com/i/web/status/${T1}`);
    expect(posts.get(RT1)!.repostOf?.author).toEqual({ id: '580221473', handle: 'BCFireUpdates' });
    expect(posts.get(Q1)!.quoteOf?.author).toEqual({ id: '580221473', handle: null });
  });
});

describe('normalizeXv1 rules', () => {
  it('takes a manual "RT @name" with no retweeted_status for a repost, id from the mention', () => {
    const post = one(
      tweet({
        text: 'RT @BCFireUpdates: Evacuation alert',
        entities: { user_mentions: [{ screen_name: 'bcfireupdates', id_str: '580221473' }] },
      }),
    );
    expect(post.repostOf).toEqual({ id: null, url: null, author: { id: '580221473', handle: 'BCFireUpdates' }, createdAt: null });
    expect(post.text).toBe('');
  });

  it('finds a quote target from the status link when quoted_status is missing', () => {
    const post = one(
      tweet({
        is_quote_status: true,
        quoted_status_id_str: F2,
        entities: {
          urls: [
            { url: 'https://t.co/x', expanded_url: 'https://example.org/a' },
            { url: 'https://t.co/y', expanded_url: `https://twitter.com/BCFireUpdates/status/${F2}` },
          ],
        },
      }),
    );
    expect(post.quoteOf).toEqual({
      id: F2,
      url: `https://x.com/BCFireUpdates/status/${F2}`,
      author: { id: null, handle: 'BCFireUpdates' },
      createdAt: null,
    });
    expect(post.links).toEqual(['https://example.org/a']);
  });

  it('keeps a quote whose quoted post is gone as a quote with an unknown target', () => {
    expect(one(tweet({ is_quote_status: true })).quoteOf).toEqual({
      id: null,
      url: null,
      author: { id: null, handle: null },
      createdAt: null,
    });
  });

  it('does not take a status link for a quote unless is_quote_status says so', () => {
    const post = one(tweet({ entities: { urls: [{ expanded_url: `https://twitter.com/a/status/${F2}` }] } }));
    expect(post.quoteOf).toBeNull();
    expect(post.links).toEqual([`https://twitter.com/a/status/${F2}`]);
  });

  it('prefers extended_tweet.full_text and its entities (streaming compatibility mode)', () => {
    const post = one(
      tweet({
        text: 'cut short… https://t.co/z',
        truncated: true,
        extended_tweet: {
          full_text: 'the whole text #Long',
          entities: { hashtags: [{ text: 'Long' }], user_mentions: [], urls: [] },
        },
      }),
    );
    expect(post.text).toBe('the whole text #Long');
    expect(post.hashtags).toEqual(['Long']);
  });

  it('returns a reason for an unreadable created_at', () => {
    expect(normalizeXv1(V1TweetSchema.parse(tweet({ created_at: '2026-08-19' })))).toContain('unreadable created_at');
  });
});

describe('readXv1 documents', () => {
  it('flattens arrays and search responses, and skips tweets that fail the schema', async () => {
    const source = readXv1(
      [[tweet()], { statuses: [tweet({ id_str: R1, created_at: 'Wed Aug 19 14:38:05 +0000 2026' })] }, { id_str: 5 }],
      'mixed.json',
    );
    const posts = await drain(source);
    expect(posts.map((p) => p.id)).toEqual([T1, R1]);
    expect(source.stats.skipped).toBe(1);
    expect(source.stats.skippedExamples[0]).toMatch(/^tweet #3: /);
  });
});

describe('looksLikeXv1', () => {
  it.each([
    ['a v1.1 tweet', tweet(), true],
    ['an extended-mode tweet', { id_str: '1', created_at: 'x', full_text: 'y' }, true],
    ['a search response', { statuses: [tweet()], search_metadata: {} }, true],
    ['a v2 page', { data: [{ id: '1', text: 'x' }], meta: {} }, false],
    ['an archive element', { tweet: tweet() }, false],
    ['a Bluesky feed item', { post: { uri: 'at://x' }, id_str: '1', created_at: 'x', text: 'y' }, false],
    ['a Mastodon status', { id: '1', created_at: '2026-01-01T00:00:00Z', content: '<p>x</p>' }, false],
    ['null', null, false],
  ])('%s → %s', (_label, doc, expected) => {
    expect(looksLikeXv1(doc)).toBe(expected);
  });
});
