import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { openInput } from '../../../src/fetchers/archive/tree.js';
import type { InputSource } from '../../../src/fetchers/types.js';
import { detectXArchive, isXArchive, readXArchive } from '../../../src/fetchers/x/archive.js';
import { PostSchema, type Post } from '../../../src/model/post.js';
import { buildZip, tempDir } from '../../helpers/zip.js';

const FIXTURE = 'fixtures/x/archive';
const SAMPLE = 'fixtures/sample/cascadia-roads-archive.zip';
const TWEETS = readFileSync(`${FIXTURE}/data/tweets.js`, 'utf8');
const ACCOUNT = readFileSync(`${FIXTURE}/data/account.js`, 'utf8');

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function drain(source: InputSource): Promise<Post[]> {
  const posts: Post[] = [];
  for await (const post of source.posts) posts.push(post);
  return posts;
}

function byId(posts: Post[]): Map<string, Post> {
  return new Map(posts.map((p) => [p.id, p]));
}

/** A minimal archive tweet (all numbers as strings, reply keys absent), with overrides. */
function tweet(id: string, createdAt: string, fullText: string, extra: Record<string, unknown> = {}) {
  return {
    tweet: {
      id_str: id,
      id,
      created_at: createdAt,
      full_text: fullText,
      entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
      ...extra,
    },
  };
}

function ytd(name: string, items: unknown[], part = 0): string {
  return `window.YTD.${name}.part${part} = ${JSON.stringify(items, null, 2)}`;
}

// Ids of the RoadInfo BC scenario (fixtures-reference/README.md).
const T1 = '2090077627686039552';
const M1 = '2090081768915566592';
const R1 = '2090085901656498176';
const T2 = '2090122302198636544';
const RT1 = '2090124146346573824';
const F2 = '2090137261372575744';
const Q1 = '2090144264556617728';
const R2 = '2090178866251771904';
const T3 = '2090242410941788160';
const T4 = '2090456862499086336';
const R3 = '2090464954038857728';

describe('readXArchive on the reference archive folder', () => {
  it('reads the owner from account.js and all 9 tweets', async () => {
    const source = await readXArchive(await openInput(FIXTURE));
    expect(source.format).toBe('x-archive');
    expect(source.sourceKind).toBe('archive');
    expect(source.account).toEqual({
      platform: 'x',
      id: '289134506',
      handle: 'RoadInfoBC',
      displayName: 'RoadInfo BC',
      website: null,
      url: 'https://x.com/RoadInfoBC',
    });
    const posts = await drain(source);
    expect(posts.map((p) => p.id)).toEqual([R3, T4, T3, R2, Q1, RT1, T2, R1, T1]);
    expect(source.stats.skipped).toBe(0);
    for (const post of posts) {
      expect(PostSchema.parse(post)).toEqual(post);
      expect(post.author).toEqual({ id: '289134506', handle: 'RoadInfoBC' });
      expect(post.url).toBe(`https://x.com/RoadInfoBC/status/${post.id}`);
      expect(post.visibility).toBe('public');
    }
  });

  it('warns that archive quotes are a lower bound', async () => {
    const source = await readXArchive(await openInput(FIXTURE));
    expect(source.warnings.join(' ')).toMatch(/quotes in an x archive are a lower bound/i);
  });

  it('marks each kind through its references (RT1 repost; R1, R2, R3 replies; T2 self-reply; Q1 quote)', async () => {
    const posts = byId(await drain(await readXArchive(await openInput(FIXTURE))));
    const refs = (id: string) => {
      const p = posts.get(id)!;
      return [p.repostOf !== null, p.replyTo !== null, p.quoteOf !== null];
    };
    expect(refs(RT1)).toEqual([true, false, false]);
    for (const id of [R1, R2, R3, T2]) expect(refs(id)).toEqual([false, true, false]);
    expect(refs(Q1)).toEqual([false, false, true]);
    for (const id of [T1, T3, T4]) expect(refs(id)).toEqual([false, false, false]);
  });

  it('fills the reply target from in_reply_to_* (R1 answers M1 by okanagan_kat)', async () => {
    const r1 = byId(await drain(await readXArchive(await openInput(FIXTURE)))).get(R1)!;
    expect(r1.replyTo).toEqual({
      id: M1,
      url: `https://x.com/okanagan_kat/status/${M1}`,
      author: { id: '1124378617443254272', handle: 'okanagan_kat' },
      createdAt: null,
    });
    // created_at "Wed Aug 19 14:38:05 +0000 2026"; the snowflake gives the milliseconds:
    // (2090085901656498176 >> 22) + 1288834974657 = 1787150285530 = 2026-08-19T14:38:05.530Z.
    expect(r1.createdAt).toBe('2026-08-19T14:38:05.530Z');
    expect(r1.text.startsWith('@okanagan_kat Yes, Hwy 97C is open')).toBe(true);
    expect(r1.links).toEqual(['https://roadinfobc.example']);
    expect(r1.mentions).toEqual([{ id: '1124378617443254272', handle: 'okanagan_kat' }]);
  });

  it('keeps the account as the target author of the self-thread reply T2', async () => {
    const t2 = byId(await drain(await readXArchive(await openInput(FIXTURE)))).get(T2)!;
    expect(t2.replyTo?.id).toBe(T1);
    expect(t2.replyTo?.author).toEqual({ id: '289134506', handle: 'RoadInfoBC' });
  });

  it('reads the retweet RT1 from "RT @BCFireUpdates:" with the mention id and no own words', async () => {
    const rt1 = byId(await drain(await readXArchive(await openInput(FIXTURE)))).get(RT1)!;
    expect(rt1.repostOf).toEqual({
      id: null,
      url: null,
      author: { id: '580221473', handle: 'BCFireUpdates' },
      createdAt: null,
    });
    expect(rt1.text).toBe('');
    expect(rt1.links).toEqual([]);
    expect(rt1.mentions).toEqual([]);
    expect(rt1.hashtags).toEqual([]);
    expect(rt1.createdAt).toBe('2026-08-19T17:10:03.774Z');
  });

  it('reads the quote Q1 from its status link and leaves that link out of links', async () => {
    const q1 = byId(await drain(await readXArchive(await openInput(FIXTURE)))).get(Q1)!;
    expect(q1.quoteOf).toEqual({
      id: F2,
      url: `https://x.com/BCFireUpdates/status/${F2}`,
      author: { id: null, handle: 'BCFireUpdates' },
      createdAt: null,
    });
    expect(q1.links).toEqual([]);
    expect(q1.hashtags).toEqual(['BCHwy5', 'BCHwy97C']);
  });

  it('reads links and hashtags of the broadcasts', async () => {
    const posts = byId(await drain(await readXArchive(await openInput(FIXTURE))));
    expect(posts.get(T1)!.links).toEqual(['https://roadinfobc.example/events/DBC-58213']);
    expect(posts.get(T1)!.hashtags).toEqual(['BCHwy97', 'OkanaganFire']);
    expect(posts.get(T3)!.links).toEqual(['https://roadinfobc.example/app?utm_source=x&utm_campaign=app']);
    expect(posts.get(T1)!.createdAt).toBe('2026-08-19T14:05:12.861Z');
  });
});

describe('readXArchive on other containers', () => {
  it('reads the same archive from a zip, by magic bytes, with data/ or at the root', async () => {
    const folder = await drain(await readXArchive(await openInput(FIXTURE)));
    for (const prefix of ['data/', '', 'twitter-2026-08-21-abc/data/']) {
      const path = tmp.file(
        `archive-${prefix.length}.bin`,
        buildZip([
          { name: `${prefix}account.js`, data: ACCOUNT },
          { name: `${prefix}tweets.js`, data: TWEETS },
          { name: `${prefix}tweets_media/${RT1}-a.jpg`, data: 'jpg', method: 0 },
        ]),
      );
      const tree = await openInput(path);
      expect(isXArchive(tree)).toBe(true);
      const source = await readXArchive(tree);
      expect(source.account?.id).toBe('289134506');
      expect(await drain(source)).toEqual(folder);
    }
  });

  it('reads a lone tweets.js with no owner: account null, author unknown, a warning', async () => {
    const tree = await openInput(`${FIXTURE}/data/tweets.js`);
    expect(tree.kind).toBe('file');
    expect(isXArchive(tree)).toBe(true);
    const source = await readXArchive(tree);
    expect(source.account).toBeNull();
    expect(source.warnings.join(' ')).toContain('No account.js');
    const posts = await drain(source);
    expect(posts).toHaveLength(9);
    expect(posts[0]!.author).toEqual({ id: null, handle: null });
    expect(posts[0]!.url).toBe(`https://x.com/i/web/status/${R3}`);
  });

  it('detects a renamed tweets.js by its content', async () => {
    const tree = await openInput(tmp.file('my-tweets-backup.txt', TWEETS));
    expect(isXArchive(tree)).toBe(false);
    expect(await detectXArchive(tree)).toBe(true);
    expect(await drain(await readXArchive(tree))).toHaveLength(9);
    expect(await detectXArchive(await openInput(tmp.file('other.json', '{"data": []}')))).toBe(false);
  });

  it('does not trust the name of a single file: JSON saved as tweets.js is not an archive', async () => {
    const tree = await openInput(tmp.file('tweets.js', '[{"id_str": "1"}]'));
    expect(isXArchive(tree)).toBe(true);
    expect(await detectXArchive(tree)).toBe(false);
  });

  it('does not take a tweets.js outside data/ or the root for an archive', async () => {
    const path = tmp.file('nested.zip', buildZip([{ name: 'backup/old/tweets.js', data: TWEETS }]));
    expect(isXArchive(await openInput(path))).toBe(false);
  });

  it('infers the owner handle from a photo link when account.js is missing', async () => {
    const id = '2090456862499086336';
    const items = [
      tweet(id, 'Thu Aug 20 15:12:09 +0000 2026', 'Reopened https://t.co/abc', {
        extended_entities: {
          media: [{ expanded_url: `https://x.com/RoadInfoBC/status/${id}/photo/1` }],
        },
      }),
    ];
    const source = await readXArchive(await openInput(tmp.file('tweets.js', ytd('tweets', items))));
    expect(source.account).toBeNull();
    expect((await drain(source))[0]!.author).toEqual({ id: null, handle: 'RoadInfoBC' });
    expect(source.warnings.join(' ')).toContain('inferred as @RoadInfoBC');
  });
});

describe.skipIf(!existsSync(SAMPLE))('readXArchive on the bundled sample archive', () => {
  it('reads every tweet of fixtures/sample without skipping any', async () => {
    const source = await readXArchive(await openInput(SAMPLE));
    expect(source.account?.handle).not.toBeNull();
    const posts = await drain(source);
    expect(posts.length).toBeGreaterThan(0);
    expect(source.stats.skipped).toBe(0);
  });
});

describe('readXArchive: file variants', () => {
  it('reads all parts in order, old tweet.js naming, a BOM and a trailing semicolon', async () => {
    const a = tweet('2090077627686039552', 'Wed Aug 19 14:05:12 +0000 2026', 'part zero');
    const b = tweet('2090085901656498176', 'Wed Aug 19 14:38:05 +0000 2026', 'part one');
    const path = tmp.file(
      'parts.zip',
      buildZip([
        { name: 'data/tweet-part1.js', data: `${ytd('tweet', [b], 1)};\n` },
        { name: 'data/tweet.js', data: `\uFEFF${ytd('tweet', [a])}` },
        { name: 'data/account.js', data: ACCOUNT },
      ]),
    );
    const posts = await drain(await readXArchive(await openInput(path)));
    expect(posts.map((p) => p.text)).toEqual(['part zero', 'part one']);
  });

  it('tolerates bare tweet objects without the {"tweet": …} wrapper', async () => {
    const bare = tweet(T1, 'Wed Aug 19 14:05:12 +0000 2026', 'bare').tweet;
    const posts = await drain(await readXArchive(await openInput(tmp.file('tweets.js', ytd('tweets', [bare])))));
    expect(posts.map((p) => p.text)).toEqual(['bare']);
  });

  it('skips a tweet that fails the wire schema and counts it', async () => {
    const items = [
      tweet(T1, 'Wed Aug 19 14:05:12 +0000 2026', 'good'),
      { tweet: { id_str: 'not-a-number', created_at: 'Wed Aug 19 14:05:12 +0000 2026', full_text: 'x' } },
      tweet(R1, 'yesterday', 'bad date'),
    ];
    const source = await readXArchive(await openInput(tmp.file('tweets.js', ytd('tweets', items))));
    expect((await drain(source)).map((p) => p.text)).toEqual(['good']);
    expect(source.stats.skipped).toBe(2);
    expect(source.stats.skippedExamples[0]).toContain('id_str');
    expect(source.stats.skippedExamples[1]).toContain('unreadable created_at');
  });

  it('reads a retweet of a deleted account (mention id "-1") with the handle only', async () => {
    const items = [
      tweet(T1, 'Wed Aug 19 14:05:12 +0000 2026', 'RT @gone_user: hi', {
        entities: { user_mentions: [{ name: '', screen_name: 'gone_user', indices: ['3', '13'], id_str: '-1', id: '-1' }] },
      }),
    ];
    const [post] = await drain(await readXArchive(await openInput(tmp.file('tweets.js', ytd('tweets', items)))));
    expect(post!.repostOf?.author).toEqual({ id: null, handle: 'gone_user' });
  });

  it('decodes &amp; &lt; &gt; once', async () => {
    const items = [tweet(T1, 'Wed Aug 19 14:05:12 +0000 2026', 'Fish &amp; chips &lt;3 &gt; &amp;lt;')];
    const [post] = await drain(await readXArchive(await openInput(tmp.file('tweets.js', ytd('tweets', items)))));
    expect(post!.text).toBe('Fish & chips <3 > &lt;');
  });

  it('reads an @-reply without a status id as a reply with no target post', async () => {
    const items = [
      tweet(T1, 'Wed Aug 19 14:05:12 +0000 2026', '@truckerdave_bc hello', {
        in_reply_to_user_id: '2318844270',
        in_reply_to_user_id_str: '2318844270',
        in_reply_to_screen_name: 'truckerdave_bc',
      }),
    ];
    const [post] = await drain(await readXArchive(await openInput(tmp.file('tweets.js', ytd('tweets', items)))));
    expect(post!.replyTo).toEqual({
      id: null,
      url: null,
      author: { id: '2318844270', handle: 'truckerdave_bc' },
      createdAt: null,
    });
  });

  it('keeps the created_at second for a pre-snowflake id', async () => {
    const items = [tweet('28753716530', 'Mon Oct 25 09:44:38 +0000 2010', 'old')];
    const [post] = await drain(await readXArchive(await openInput(tmp.file('tweets.js', ytd('tweets', items)))));
    expect(post!.createdAt).toBe('2010-10-25T09:44:38.000Z');
  });

  it('recognises quote links on twitter.com, mobile. and www. hosts and keeps other links', async () => {
    const urls = [
      { url: 'https://t.co/a', expanded_url: 'https://example.org/page' },
      { url: 'https://t.co/b', expanded_url: 'https://mobile.twitter.com/SomeOne/status/1234567890123456789?s=20' },
    ];
    const items = [tweet(T1, 'Wed Aug 19 14:05:12 +0000 2026', 'look', { entities: { urls } })];
    const [post] = await drain(await readXArchive(await openInput(tmp.file('tweets.js', ytd('tweets', items)))));
    expect(post!.quoteOf).toMatchObject({ id: '1234567890123456789', author: { id: null, handle: 'SomeOne' } });
    expect(post!.links).toEqual(['https://example.org/page']);
  });

  it('takes the website from profile.js, expanding a t.co link when a tweet carries it', async () => {
    const profile = (website: string) =>
      ytd('profile', [{ profile: { description: { bio: 'Roads', website, location: 'BC' }, avatarMediaUrl: 'x' } }]);
    const items = [
      tweet(T1, 'Wed Aug 19 14:05:12 +0000 2026', 'site https://t.co/Rb7kQmZx1c', {
        entities: { urls: [{ url: 'https://t.co/Rb7kQmZx1c', expanded_url: 'https://roadinfobc.example' }] },
      }),
    ];
    const zip = (website: string) =>
      tmp.file(
        `profile-${website.length}.zip`,
        buildZip([
          { name: 'data/tweets.js', data: ytd('tweets', items) },
          { name: 'data/account.js', data: ACCOUNT },
          { name: 'data/profile.js', data: profile(website) },
        ]),
      );
    const expanded = await readXArchive(await openInput(zip('https://t.co/Rb7kQmZx1c')));
    expect(expanded.account?.website).toBe('https://roadinfobc.example');
    const kept = await readXArchive(await openInput(zip('https://t.co/ZZZZZZZZZ')));
    expect(kept.account?.website).toBe('https://t.co/ZZZZZZZZZ');
    expect(kept.warnings.join(' ')).toContain('ownDomains');
  });
});

describe('readXArchive: unreadable input', () => {
  async function failure(files: Record<string, string>): Promise<InputError> {
    const path = tmp.file(`bad-${Object.keys(files).join('-').replace(/\W/g, '')}.zip`, buildZip(
      Object.entries(files).map(([name, data]) => ({ name, data })),
    ));
    const error = await readXArchive(await openInput(path)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }

  it('names the entry that is not window.YTD data and says what to pass', async () => {
    const error = await failure({ 'data/tweets.js': '{"not": "ytd"}' });
    expect(error.message).toContain('data/tweets.js is not an X archive data file');
    expect(error.message).toContain('pass the archive');
  });

  it('says a cut-short file should be downloaded again', async () => {
    const error = await failure({ 'data/tweets.js': TWEETS.slice(0, 500) });
    expect(error.message).toContain('data/tweets.js is not valid archive data');
    expect(error.message).toContain('download the archive again');
  });

  it('refuses a data file that holds something other than tweets', async () => {
    const error = await failure({ 'data/tweets.js': ytd('like', [{ like: { tweetId: '1', fullText: 'x' } }]) });
    expect(error.message).toContain('holds window.YTD.like, not tweets');
  });

  it('refuses an account.js without an account record', async () => {
    const error = await failure({ 'data/tweets.js': TWEETS, 'data/account.js': ytd('account', [{ nope: 1 }]) });
    expect(error.message).toContain('data/account.js does not hold the expected account record');
  });

  it('refuses a tree without tweet files', async () => {
    const error = await failure({ 'outbox.json': '{}' });
    expect(error.message).toContain('holds no tweets.js');
  });
});
