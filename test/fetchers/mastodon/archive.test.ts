import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import {
  isMastodonArchive,
  looksLikeOutbox,
  readMastodonArchive,
  readMastodonOutbox,
  visibilityOfAudience,
} from '../../../src/fetchers/mastodon/archive.js';
import { PostSchema, type Post } from '../../../src/model/post.js';
import { dirTree, drain, kindOf, memoryTree } from '../reader-helpers.js';
import { REAL_DATA } from '../../helpers/real-data.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/mastodon/', import.meta.url));
const read = (name: string) => readFile(`${fixtures}${name}`, 'utf8');

const OWNER_URL = 'https://mstdn.bc.example/users/RoadInfoBC';
const OWNER = { id: OWNER_URL, handle: 'RoadInfoBC@mstdn.bc.example' };

async function referenceArchive() {
  return memoryTree({
    'outbox.json': await read('archive/outbox.json'),
    'actor.json': await read('archive/actor.json'),
    'media_attachments/files/a.jpeg': '',
  });
}

describe('isMastodonArchive / looksLikeOutbox', () => {
  it('finds outbox.json at the root or one folder down, not deeper', () => {
    expect(isMastodonArchive(memoryTree({ 'outbox.json': '' }))).toBe(true);
    expect(isMastodonArchive(memoryTree({ 'archive-2026/outbox.json': '' }))).toBe(true);
    expect(isMastodonArchive(memoryTree({ 'a/b/outbox.json': '' }))).toBe(false);
    expect(isMastodonArchive(memoryTree({ 'data/tweets.js': '' }))).toBe(false);
  });

  it('recognises an outbox by content', async () => {
    expect(looksLikeOutbox(JSON.parse(await read('archive/outbox.json')))).toBe(true);
    expect(looksLikeOutbox({ type: 'OrderedCollection', orderedItems: [] })).toBe(true);
    expect(looksLikeOutbox({ type: 'OrderedCollection', orderedItems: [{ type: 'Like' }] })).toBe(false);
    expect(looksLikeOutbox({ type: 'Collection', orderedItems: [{ type: 'Create' }] })).toBe(false);
    expect(looksLikeOutbox([{ type: 'Create' }])).toBe(false);
    expect(looksLikeOutbox(null)).toBe(false);
  });
});

describe('readMastodonArchive: reference archive (fixtures-reference scenario)', () => {
  it('reads the account from actor.json', async () => {
    const source = await readMastodonArchive(await referenceArchive());
    expect(source.format).toBe('mastodon-archive');
    expect(source.sourceKind).toBe('archive');
    expect(source.account).toEqual({
      platform: 'mastodon',
      id: OWNER_URL,
      handle: 'RoadInfoBC@mstdn.bc.example',
      displayName: 'RoadInfo BC',
      // The first PropertyValue ("Hours") has no link; the second does.
      website: 'https://roadinfobc.example',
      url: 'https://mstdn.bc.example/@RoadInfoBC',
    });
    // totalItems (9) equals the items here: no warning about it.
    expect(source.warnings).toEqual([]);
  });

  it('yields the 9 items with the scenario kinds, all valid Posts', async () => {
    const source = await readMastodonArchive(await referenceArchive());
    const posts = await drain(source.posts);
    expect(source.stats.skipped).toBe(0);
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
    // Scenario table of fixtures-reference/README.md; the archive has no P0.
    expect(posts.map((p) => [p.id, kindOf(p, OWNER)])).toEqual([
      ['117122551831667953', 'original'], // T1
      ['117122681112519440', 'reply.toOther'], // R1
      ['117123249870980973', 'reply.toSelf'], // T2
      ['117123278685776562', 'repost.toOther'], // RT1
      ['117123593032824199', 'quote.toOther'], // Q1
      ['117124133684302080', 'reply.toOther'], // R2
      ['117125126570058621', 'original'], // T3
      ['117128477375703117', 'original'], // T4
      ['117128603805998333', 'reply.toOther'], // R3
    ]);
    expect(posts.every((p) => p.visibility === 'public' && p.platform === 'mastodon')).toBe(true);
    expect(posts.every((p) => p.author.id === OWNER_URL && p.author.handle === OWNER.handle)).toBe(true);
  });

  it('normalizes T1: text from HTML, own link, hashtags without #', async () => {
    const posts = await drain((await readMastodonArchive(await referenceArchive())).posts);
    const t1 = posts[0]!;
    expect(t1.url).toBe('https://mstdn.bc.example/@RoadInfoBC/117122551831667953');
    expect(t1.createdAt).toBe('2026-08-19T14:05:12.000Z');
    expect(t1.text).toBe(
      '⚠️ #BCHwy97 CLOSED in both directions between Summerland and Peachland due to wildfire activity. ' +
        'Detour via Hwy 97C. Next update 10 AM.\n\nhttps://roadinfobc.example/events/DBC-58213 #OkanaganFire',
    );
    // The hashtag anchors are not links.
    expect(t1.links).toEqual(['https://roadinfobc.example/events/DBC-58213']);
    expect(t1.hashtags).toEqual(['bchwy97', 'okanaganfire']);
    expect(t1.mentions).toEqual([]);
    expect(t1.replyTo).toBeNull();
  });

  it('normalizes R1: reply target from inReplyTo, author derived from the URI, mention not a link', async () => {
    const r1 = (await drain((await readMastodonArchive(await referenceArchive())).posts))[1]!;
    expect(r1.replyTo).toEqual({
      id: 'https://mstdn.bc.example/users/okanagan_kat/statuses/117122616538420235',
      url: 'https://mstdn.bc.example/users/okanagan_kat/statuses/117122616538420235',
      author: { id: null, handle: 'okanagan_kat@mstdn.bc.example' },
      createdAt: null,
    });
    expect(r1.mentions).toEqual([{ id: 'https://mstdn.bc.example/users/okanagan_kat', handle: 'okanagan_kat@mstdn.bc.example' }]);
    expect(r1.links).toEqual(['https://roadinfobc.example']);
    expect(r1.text.startsWith('@okanagan_kat Yes, Hwy 97C is open')).toBe(true);
  });

  it('normalizes T2 (self-reply), RT1 (boost) and Q1 (quote)', async () => {
    const posts = await drain((await readMastodonArchive(await referenceArchive())).posts);
    const [t2, rt1, q1] = [posts[2]!, posts[3]!, posts[4]!];
    expect(t2.replyTo?.author).toEqual(OWNER);
    expect(rt1).toMatchObject({
      url: 'https://mstdn.bc.example/users/RoadInfoBC/statuses/117123278685776562/activity',
      createdAt: '2026-08-19T17:10:03.000Z',
      text: '',
      links: [],
      repostOf: {
        id: 'https://fire.bc.example/users/BCFireUpdates/statuses/117123193708125944',
        url: 'https://fire.bc.example/users/BCFireUpdates/statuses/117123193708125944',
        author: { id: null, handle: 'BCFireUpdates@fire.bc.example' },
        createdAt: null,
      },
    });
    expect(q1.quoteOf).toEqual({
      id: 'https://fire.bc.example/users/BCFireUpdates/statuses/117123483608060671',
      url: 'https://fire.bc.example/users/BCFireUpdates/statuses/117123483608060671',
      author: { id: null, handle: 'BCFireUpdates@fire.bc.example' },
      createdAt: null,
    });
    expect(q1.hashtags).toEqual(['bchwy5', 'bchwy97c']);
  });

  it('finds the outbox one folder down and names entries in errors', async () => {
    const tree = memoryTree({ 'export/outbox.json': await read('archive/outbox.json') }, 'zip', '/in/export.zip');
    const source = await readMastodonArchive(tree);
    expect((await drain(source.posts)).length).toBe(9);
    // No actor.json: the account comes from the activities' actor.
    expect(source.account).toEqual({
      platform: 'mastodon',
      id: OWNER_URL,
      handle: 'RoadInfoBC@mstdn.bc.example',
      displayName: null,
      website: null,
      url: OWNER_URL,
    });
    expect(source.warnings.join(' ')).toMatch(/actor\.json/);
  });
});

describe('readMastodonOutbox: edge cases', () => {
  async function edge() {
    const source = readMastodonOutbox(JSON.parse(await read('outbox-edge-cases.json')), 'outbox-edge-cases.json', JSON.parse(await read('archive/actor.json')));
    return { source, posts: await drain(source.posts) };
  }

  it('skips what it cannot read and counts it; warns when totalItems disagrees', async () => {
    const { source, posts } = await edge();
    // 7 items: a Create whose object is only a URI and an Update are skipped.
    expect(posts.length).toBe(5);
    expect(source.stats.skipped).toBe(2);
    expect(source.stats.skippedExamples[0]).toMatch(/^orderedItems\[5\] \(Create\)/);
    expect(source.stats.skippedExamples[1]).toMatch(/^orderedItems\[6\] \(Update\)/);
    expect(source.warnings).toEqual(['outbox.json says totalItems 5 but holds 7 items; the items are counted.']);
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
  });

  it('reads visibility from the audience', async () => {
    const { posts } = await edge();
    expect(posts.map((p) => p.visibility)).toEqual(['private', 'direct', 'public', 'unlisted', 'public']);
  });

  it('converts HTML to text: entities, <br>, paragraphs', async () => {
    const [followersOnly] = (await edge()).posts as [Post];
    expect(followersOnly.text).toBe("Crews' update for followers & friends, @truckerdave\nLine two <3\n\nPara two\u00a0🚗");
    expect(followersOnly.links).toEqual([]);
    expect(followersOnly.mentions).toEqual([{ id: 'https://mastodon.example/users/truckerdave', handle: 'truckerdave@mastodon.example' }]);
  });

  it('a direct reply: target author from a remote Mastodon URI', async () => {
    const dm = (await edge()).posts[1]!;
    expect(dm.replyTo).toEqual({
      id: 'https://mastodon.example/users/truckerdave/statuses/117132653300801234',
      url: 'https://mastodon.example/users/truckerdave/statuses/117132653300801234',
      author: { id: null, handle: 'truckerdave@mastodon.example' },
      createdAt: null,
    });
  });

  it('a boost of the account’s own post is a repost to self', async () => {
    const boost = (await edge()).posts[2]!;
    expect(boost.id).toBe('117132794265601234');
    expect(boost.repostOf?.author).toEqual(OWNER);
    expect(kindOf(boost, OWNER)).toBe('repost.toSelf');
  });

  it('a poll replying to a non-Mastodon object: unknown target author, links exclude mention and tag anchors', async () => {
    const poll = (await edge()).posts[3]!;
    expect(poll.replyTo?.author).toEqual({ id: null, handle: null });
    // The hashtag anchor has no class but its href is the Hashtag tag's href; &amp; in href is decoded.
    expect(poll.links).toEqual(['https://roadinfobc.example/poll?a=1&b=2']);
    expect(poll.hashtags).toEqual(['DriveBC']);
    // A local mention's name has no domain: the domain comes from its href.
    expect(poll.mentions).toEqual([{ id: 'https://mstdn.bc.example/users/okanagan_kat', handle: 'okanagan_kat@mstdn.bc.example' }]);
  });

  it('a Misskey-style quote with a web-form URL', async () => {
    const quote = (await edge()).posts[4]!;
    expect(quote.quoteOf).toEqual({
      id: 'https://fire.bc.example/@BCFireUpdates/117123483608060671',
      url: 'https://fire.bc.example/@BCFireUpdates/117123483608060671',
      author: { id: null, handle: 'BCFireUpdates@fire.bc.example' },
      createdAt: null,
    });
  });
});

describe('visibilityOfAudience', () => {
  const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
  const FOLLOWERS = `${OWNER_URL}/followers`;
  it.each([
    [[PUBLIC], [FOLLOWERS], 'public'],
    [['as:Public'], [], 'public'],
    [[FOLLOWERS], ['Public'], 'unlisted'],
    [[FOLLOWERS], ['https://mastodon.example/users/truckerdave'], 'private'],
    [['https://mastodon.example/users/truckerdave'], [], 'direct'],
    [[], [], 'direct'],
  ] as const)('to %j cc %j → %s', (to, cc, expected) => {
    expect(visibilityOfAudience(to, cc)).toBe(expected);
  });
});

describe('invalid input', () => {
  it('a truncated outbox is an InputError naming the file', async () => {
    const text = await read('archive/outbox.json');
    const tree = memoryTree({ 'outbox.json': text.slice(0, 5000) }, 'zip', '/in/archive.zip');
    await expect(readMastodonArchive(tree)).rejects.toThrow(InputError);
    await expect(readMastodonArchive(tree)).rejects.toThrow(/^\/in\/archive\.zip\/outbox\.json: is not valid JSON/);
  });

  it('an outbox of the wrong shape is an InputError', () => {
    expect(() => readMastodonOutbox({ type: 'OrderedCollection', orderedItems: 'x' }, 'outbox.json')).toThrow(
      /^outbox\.json: is not a Mastodon outbox/,
    );
  });

  it('a malformed actor.json is an InputError naming it', async () => {
    const tree = memoryTree({ 'outbox.json': await read('archive/outbox.json'), 'actor.json': '{"type":"Person"}' });
    await expect(readMastodonArchive(tree)).rejects.toThrow(/actor\.json: is not an ActivityPub actor/);
  });

  it('a tree without outbox.json is an InputError', async () => {
    await expect(readMastodonArchive(memoryTree({ 'likes.json': '{}' }))).rejects.toThrow(InputError);
  });
});

// Real archives (platforms.md §4, real-data/README.md §3), read in place, never copied into the repo.
// Every count below was verified independently with Python over the same files (json.load, counting
// orderedItems by type; visibility from object.to/cc with the same rule; replies by object.inReplyTo
// and self-replies by the prefix `<actor>/statuses/`).
const realData = REAL_DATA;

describe.skipIf(!existsSync(`${realData}/mastodon-dealingwith/outbox.json`))('real archive: mastodon-dealingwith', () => {
  it('reads 1,586 items: 1,260 Creates (1,169 public, 16 unlisted, 40 private, 35 direct) and 326 boosts', async () => {
    const source = await readMastodonArchive(await dirTree(`${realData}/mastodon-dealingwith`));
    const posts = await drain(source.posts);
    expect(source.stats.skipped).toBe(0);
    expect(posts.length).toBe(1586);
    const boosts = posts.filter((p) => p.repostOf !== null);
    const creates = posts.filter((p) => p.repostOf === null);
    expect(boosts.length).toBe(326);
    expect(creates.length).toBe(1260);
    const count = (v: string) => creates.filter((p) => p.visibility === v).length;
    expect([count('public'), count('unlisted'), count('private'), count('direct')]).toEqual([1169, 16, 40, 35]);
    expect(boosts.every((p) => p.visibility === 'public')).toBe(true);
    const replies = creates.filter((p) => p.replyTo !== null);
    expect(replies.length).toBe(422);
    expect(replies.filter((p) => p.replyTo?.author.id === 'https://indieweb.social/users/dealingwith').length).toBe(229);
    // totalItems says 1,557.
    expect(source.warnings).toEqual(['outbox.json says totalItems 1557 but holds 1586 items; the items are counted.']);
    expect(source.account).toMatchObject({
      id: 'https://indieweb.social/users/dealingwith',
      handle: 'dealingwith@indieweb.social',
      website: 'https://daniel.industries',
      url: 'https://indieweb.social/@dealingwith',
    });
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
  });
});

describe.skipIf(!existsSync(`${realData}/mastodon-philhawksworth/outbox.json`))('real archive: mastodon-philhawksworth', () => {
  it('reads 216 items (190 Creates: 153 public, 10 unlisted, 1 private, 26 direct) without actor.json', async () => {
    const source = await readMastodonArchive(await dirTree(`${realData}/mastodon-philhawksworth`));
    const posts = await drain(source.posts);
    expect(source.stats.skipped).toBe(0);
    expect(posts.length).toBe(216);
    const creates = posts.filter((p) => p.repostOf === null);
    expect(creates.length).toBe(190);
    const count = (v: string) => creates.filter((p) => p.visibility === v).length;
    expect([count('public'), count('unlisted'), count('private'), count('direct')]).toEqual([153, 10, 1, 26]);
    expect(source.account).toMatchObject({ id: 'https://indieweb.social/users/philhawksworth', handle: 'philhawksworth@indieweb.social' });
  });
});
