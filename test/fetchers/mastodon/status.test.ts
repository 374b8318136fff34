import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import {
  looksLikeMastodonStatuses,
  MastodonStatusSchema,
  normalizeMastodonStatus,
  readMastodonStatuses,
} from '../../../src/fetchers/mastodon/status.js';
import { PostSchema } from '../../../src/model/post.js';
import { drain, kindOf } from '../reader-helpers.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/mastodon/', import.meta.url));
const load = async (name: string): Promise<unknown> => JSON.parse(await readFile(`${fixtures}${name}`, 'utf8'));

const OWNER = { id: '109309888516521974', handle: 'RoadInfoBC' };

async function pages() {
  return [await load('statuses.page1.json'), await load('statuses.page2.json')] as unknown[][];
}

describe('looksLikeMastodonStatuses', () => {
  it('accepts a status, an array of statuses and an array of pages', async () => {
    const [page1, page2] = await pages();
    expect(looksLikeMastodonStatuses(page1)).toBe(true);
    expect(looksLikeMastodonStatuses(page1![0])).toBe(true);
    expect(looksLikeMastodonStatuses([page1, page2])).toBe(true);
  });

  it('rejects other shapes', async () => {
    expect(looksLikeMastodonStatuses([])).toBe(false);
    expect(looksLikeMastodonStatuses(await load('archive/outbox.json'))).toBe(false);
    // An X v1.1 tweet has id/created_at but no reblog/visibility/account.acct.
    expect(looksLikeMastodonStatuses([{ id: 1, id_str: '1', created_at: 'Wed Feb 24 13:33:14 +0000 2016', text: 'hi' }])).toBe(false);
  });
});

describe('readMastodonStatuses: reference pages (fixtures-reference scenario)', () => {
  it('reads both pages as one file (array of pages) with the scenario kinds', async () => {
    const source = readMastodonStatuses([await pages()], 'statuses.json');
    expect(source.format).toBe('mastodon-api');
    expect(source.sourceKind).toBe('file');
    const posts = await drain(source.posts);
    expect(source.stats.skipped).toBe(0);
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
    // Newest first, as the API returns them; kinds per fixtures-reference/README.md.
    expect(posts.map((p) => [p.id, kindOf(p, OWNER)])).toEqual([
      ['117128603805998333', 'reply.toOther'], // R3
      ['117128477375703117', 'original'], // T4
      ['117125126570058621', 'original'], // T3
      ['117124133684302080', 'reply.toOther'], // R2
      ['117123593032824199', 'quote.toOther'], // Q1
      ['117123278685776562', 'repost.toOther'], // RT1
      ['117123249870980973', 'reply.toSelf'], // T2
      ['117122681112519440', 'reply.toOther'], // R1
      ['117122551831667953', 'original'], // T1
      ['117118874446251577', 'original'], // P0
    ]);
  });

  it('derives the account from the first status', async () => {
    const source = readMastodonStatuses([await pages()], 'statuses.json');
    expect(source.account).toEqual({
      platform: 'mastodon',
      id: '109309888516521974',
      handle: 'RoadInfoBC',
      displayName: 'RoadInfo BC',
      website: 'https://roadinfobc.example',
      url: 'https://mstdn.bc.example/@RoadInfoBC',
    });
  });

  it('accepts one page per line (JSON Lines) and one status per line', async () => {
    const [page1, page2] = await pages();
    expect((await drain(readMastodonStatuses([page1, page2], 'p.jsonl').posts)).length).toBe(10);
    expect((await drain(readMastodonStatuses([...page1!, ...page2!], 's.jsonl').posts)).length).toBe(10);
  });

  it('R3: reply target id and author from in_reply_to_* and mentions', async () => {
    const [r3] = await drain(readMastodonStatuses([await pages()], 's').posts);
    expect(r3).toMatchObject({
      url: 'https://mstdn.bc.example/@RoadInfoBC/117128603805998333',
      author: OWNER,
      createdAt: '2026-08-20T15:44:18.660Z',
      visibility: 'public',
      replyTo: {
        id: '117128511863770798',
        url: null,
        author: { id: '110646752676731949', handle: 'peachland_pete' },
        createdAt: null,
      },
      mentions: [{ id: '110646752676731949', handle: 'peachland_pete' }],
      links: [],
    });
    expect(r3!.text).toBe(
      '@peachland_pete Yes, a pilot car is leading traffic through the fire zone. Please follow flagger instructions and do not stop on the highway.',
    );
  });

  it('T3: content link and card URL counted once; hashtags from tags[]', async () => {
    const t3 = (await drain(readMastodonStatuses([await pages()], 's').posts))[2]!;
    expect(t3.links).toEqual(['https://roadinfobc.example/app?utm_source=mastodon&utm_campaign=app']);
    expect(t3.hashtags).toEqual(['drivesafe']);
  });

  it('RT1: a repost at the boost time of the boosted status', async () => {
    const rt1 = (await drain(readMastodonStatuses([await pages()], 's').posts))[5]!;
    expect(rt1).toMatchObject({
      createdAt: '2026-08-19T17:10:03.774Z',
      text: '',
      links: [],
      hashtags: [],
      replyTo: null,
      quoteOf: null,
      repostOf: {
        id: '117123193728145159',
        url: 'https://fire.bc.example/@BCFireUpdates/117123193708125944',
        author: { id: '109320794027518736', handle: 'BCFireUpdates@fire.bc.example' },
        createdAt: '2026-08-19T16:48:27.118Z',
      },
    });
  });

  it('Q1: quote.quoted_status is the quoted post, with its time', async () => {
    const q1 = (await drain(readMastodonStatuses([await pages()], 's').posts))[4]!;
    expect(q1.quoteOf).toEqual({
      id: '117123483605376865',
      url: 'https://fire.bc.example/@BCFireUpdates/117123483608060671',
      author: { id: '109320794027518736', handle: 'BCFireUpdates@fire.bc.example' },
      createdAt: '2026-08-19T18:02:10.640Z',
    });
  });
});

describe('readMastodonStatuses: edge cases', () => {
  async function edge() {
    const source = readMastodonStatuses([await load('statuses-edge-cases.json')], 'statuses-edge-cases.json');
    return { source, posts: await drain(source.posts) };
  }

  it('skips a status without account and counts it', async () => {
    const { source, posts } = await edge();
    expect(posts.length).toBe(6);
    expect(source.stats.skipped).toBe(1);
    expect(source.stats.skippedExamples[0]).toMatch(/^status 6 117132676300801234: account/);
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
  });

  it('a boost of the account’s own status is a repost to self', async () => {
    const [boost] = (await edge()).posts;
    expect(boost!.repostOf).toMatchObject({ id: '117122551831667953', author: OWNER, createdAt: '2026-08-19T14:05:12.861Z' });
    expect(kindOf(boost!, OWNER)).toBe('repost.toSelf');
  });

  it('a quote whose quoted post is gone is still a quote, of an unknown post', async () => {
    const quote = (await edge()).posts[1]!;
    expect(quote.quoteOf).toEqual({ id: null, url: null, author: { id: null, handle: null }, createdAt: null });
  });

  it('reply target author: id only when not mentioned; handle from mentions; own account for a self-reply', async () => {
    const posts = (await edge()).posts;
    expect(posts[2]!.replyTo?.author).toEqual({ id: '110000000000000001', handle: null });
    expect(posts[3]!.replyTo?.author).toEqual({ id: '111759029834734717', handle: 'truckerdave@mastodon.example' });
    expect(posts[4]!.replyTo?.author).toEqual(OWNER);
  });

  it('visibility as sent; a fork’s extra value reads as private', async () => {
    expect((await edge()).posts.map((p) => p.visibility)).toEqual(['public', 'public', 'private', 'direct', 'unlisted', 'private']);
  });

  it('links: content anchors minus mentions/hashtags, plus the card, deduplicated; entities decoded in text', async () => {
    const selfReply = (await edge()).posts[4]!;
    expect(selfReply.links).toEqual(['https://roadinfobc.example/map', 'https://weather.example/okanagan']);
    expect(selfReply.text).toBe('Map: https://roadinfobc.example/map and #BCHwy97 & weather');
  });
});

describe('normalizeMastodonStatus', () => {
  it('is pure and accepts a schema-parsed status', async () => {
    const [page1] = await pages();
    const status = MastodonStatusSchema.parse(page1![0]);
    expect(normalizeMastodonStatus(status)).toEqual(normalizeMastodonStatus(status));
  });

  it('a ShallowQuote (quoted_status_id only) gives the target id', async () => {
    const [page1] = await pages();
    const status = MastodonStatusSchema.parse({ ...(page1![1] as object), quote: { state: 'accepted', quoted_status_id: '42' } });
    expect(normalizeMastodonStatus(status).quoteOf?.id).toBe('42');
  });
});

describe('invalid input', () => {
  it('a line that holds no statuses is an InputError naming the file and line', async () => {
    const [page1] = await pages();
    expect(() => readMastodonStatuses([page1, 'oops'], 'statuses.jsonl')).toThrow(InputError);
    expect(() => readMastodonStatuses([page1, 'oops'], 'statuses.jsonl')).toThrow(
      /^statuses\.jsonl: line 2 is not a Mastodon status or an array of statuses$/,
    );
  });
});
