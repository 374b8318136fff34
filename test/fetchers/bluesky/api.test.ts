import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAccountArg } from '../../../src/account.js';
import { InterruptedError, PlatformError, UsageError } from '../../../src/errors.js';
import { fetchBluesky } from '../../../src/fetchers/bluesky/api.js';
import { readBlueskyFeed } from '../../../src/fetchers/bluesky/feed.js';
import type { FetchContext } from '../../../src/fetchers/live-types.js';
import type { InputSource } from '../../../src/fetchers/types.js';
import { AuthError, HttpClient, RateLimitError, ShapeError, type HttpClientOptions } from '../../../src/http/client.js';
import { timeFromId } from '../../../src/ids.js';
import { PostSchema, type Post } from '../../../src/model/post.js';
import { failure, liveRigs } from '../../helpers/live.js';
import { sequence, type Reply, type Route, type TestServer } from '../../helpers/server.js';
import { drain } from '../reader-helpers.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/bluesky/', import.meta.url));
const load = async (name: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(`${fixtures}${name}`, 'utf8'));

const PROFILE_PATH = '/xrpc/app.bsky.actor.getProfile';
const FEED_PATH = '/xrpc/app.bsky.feed.getAuthorFeed';
const OWN_DID = 'did:plc:xriq4owvjcejoym7pfjarfm5';
const PAGE1_CURSOR = '2026-08-19T14:38:05.530Z';
/** Recognisable fake tokens of the other platforms: they must never reach Bluesky or a message. */
const FAKE_TOKENS = { x: 'FAKE-X-BEARER-7f3a9c', mastodon: 'FAKE-MASTODON-TOKEN-b41d' };
/** Fixed clock for rate-limit tests: a whole second, so waits compute to whole numbers. */
const NOW_MS = Date.UTC(2026, 7, 21, 12, 0, 0);

/** Page 1 reaches back to R1 (2026-08-19T14:38:05.530Z); page 2 to P0 (2026-08-18T22:30:00.412Z). */
const WINDOW_BOTH_PAGES = { sinceMs: Date.parse('2026-08-19T00:00:00Z'), untilMs: Date.parse('2026-08-21T00:00:00Z') };
const WINDOW_PAGE1_ONLY = { sinceMs: Date.parse('2026-08-19T15:00:00Z'), untilMs: Date.parse('2026-08-21T00:00:00Z') };
const WINDOW_BEFORE_ALL = { sinceMs: Date.parse('2026-08-01T00:00:00Z'), untilMs: Date.parse('2026-08-21T00:00:00Z') };

let profile: Record<string, unknown>;
let page1: Record<string, unknown>;
let page2: Record<string, unknown>;

async function loadFixtures(): Promise<void> {
  profile = await load('api/getProfile.json');
  page1 = await load('getAuthorFeed.page1.json');
  page2 = await load('getAuthorFeed.page2.json');
}

const openRig = liveRigs();

/** The feed route: page 1 without a cursor, page 2 for page 1's cursor, else a 400 like the AppView's. */
function feedPages(first: Reply | Route = { json: page1 }, second: Reply | Route = { json: page2 }): Route {
  const answer = (r: Reply | Route): Route => (typeof r === 'function' ? r : () => r);
  const one = answer(first);
  const two = answer(second);
  return (req, base) => {
    const cursor = req.query.get('cursor');
    if (cursor === null) return one(req, base);
    if (cursor === PAGE1_CURSOR) return two(req, base);
    return { status: 400, json: { error: 'InvalidRequest', message: `unexpected cursor ${cursor}` } };
  };
}

interface Setup {
  routes?: Record<string, Route>;
  window?: { sinceMs: number; untilMs: number };
  account?: string;
  http?: HttpClientOptions;
  controller?: AbortController;
}

async function setup(opts: Setup = {}): Promise<{ ctx: FetchContext; progress: string[]; server: TestServer }> {
  const signal = opts.controller?.signal;
  const { ctx, progress, server } = await openRig(
    { [PROFILE_PATH]: () => ({ json: profile }), [FEED_PATH]: feedPages(), ...opts.routes },
    {
      window: opts.window ?? WINDOW_BOTH_PAGES,
      tokens: FAKE_TOKENS,
      client: { backoffMs: 1, ...opts.http },
      ...(signal ? { signal } : {}),
    },
  );
  return { ctx, progress, server };
}

async function run(opts: Setup = {}): Promise<{ source: InputSource; posts: Post[]; progress: string[]; server: TestServer }> {
  const { ctx, progress, server: s } = await setup(opts);
  const source = await fetchBluesky(parseAccountArg(opts.account ?? 'roadinfobc.example'), ctx);
  const posts = await drain(source.posts);
  return { source, posts, progress, server: s };
}

function feedItems(page: Record<string, unknown>): Record<string, unknown>[] {
  return structuredClone(page.feed) as Record<string, unknown>[];
}

function expectNoTokens(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(FAKE_TOKENS.x);
    expect(text).not.toContain(FAKE_TOKENS.mastodon);
  }
}

describe('fetchBluesky: traversal and request counts', () => {
  it('resolves the handle, then walks page 1 and page 2 by the body cursor: 1 profile + 2 feed requests', async () => {
    await loadFixtures();
    const { source, posts, progress, server: s } = await run();

    expect(s.requests.map((r) => r.path)).toEqual([PROFILE_PATH, FEED_PATH, FEED_PATH]);
    expect(source.requests?.()).toBe(3);
    const [profileReq, feed1, feed2] = s.requests;
    expect(profileReq?.query.get('actor')).toBe('roadinfobc.example');
    // The feed is asked by DID (a handle can change mid-walk), with replies, 100 per page.
    expect(Object.fromEntries(feed1?.query ?? [])).toEqual({ actor: OWN_DID, filter: 'posts_with_replies', limit: '100' });
    expect(Object.fromEntries(feed2?.query ?? [])).toEqual({
      actor: OWN_DID,
      filter: 'posts_with_replies',
      limit: '100',
      cursor: PAGE1_CURSOR,
    });

    expect(posts).toHaveLength(10);
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
    expect(source.format).toBe('bluesky-api');
    expect(source.sourceKind).toBe('api');
    expect(source.complete).toBe(true);
    expect(source.stats.skipped).toBe(0);
    expect(source.warnings).toEqual([]);
    expect(source.account).toEqual({
      platform: 'bluesky',
      id: OWN_DID,
      handle: 'roadinfobc.example',
      displayName: 'RoadInfo BC',
      website: null,
      url: 'https://bsky.app/profile/roadinfobc.example',
    });
    expect(progress[0]).toContain(OWN_DID);
    expect(progress.filter((l) => /feed page \d/.test(l))).toHaveLength(2);
  });

  it('stops after page 1 when it already reaches before the window: 1 profile + 1 feed request', async () => {
    await loadFixtures();
    const { source, posts, server: s } = await run({ window: WINDOW_PAGE1_ONLY });
    expect(s.count(PROFILE_PATH)).toBe(1);
    expect(s.count(FEED_PATH)).toBe(1);
    expect(source.requests?.()).toBe(2);
    // The whole page is yielded; the window itself is applied downstream.
    expect(posts).toHaveLength(8);
    expect(source.complete).toBe(true);
    expect(source.warnings).toEqual([]);
  });

  it('gives the same posts as the offline reader on the same pages', async () => {
    await loadFixtures();
    const { posts } = await run({ window: WINDOW_BEFORE_ALL });
    const offline = await drain(readBlueskyFeed([page1, page2], 'feed.jsonl').posts);
    expect(posts).toEqual(offline);
  });

  it('accepts a DID and takes the profile website when the profile has one', async () => {
    await loadFixtures();
    const { source, server: s } = await run({
      account: OWN_DID,
      routes: { [PROFILE_PATH]: () => ({ json: { ...profile, website: 'https://roadinfobc.example' } }) },
    });
    expect(s.requests[0]?.query.get('actor')).toBe(OWN_DID);
    expect(source.account?.website).toBe('https://roadinfobc.example');
  });

  it('asks the public AppView by default and sends no token of any platform', async () => {
    await loadFixtures();
    const urls: string[] = [];
    const recording = new HttpClient();
    recording.getJson = async (spec) => {
      urls.push(spec.url);
      expect(spec.headers?.authorization).toBeUndefined();
      throw new PlatformError('stop here');
    };
    const ctx: FetchContext = { http: recording, apiUrl: null, window: WINDOW_BOTH_PAGES, tokens: FAKE_TOKENS, progress: () => undefined };
    await failure(fetchBluesky(parseAccountArg('roadinfobc.example'), ctx));
    await recording.close();
    expect(urls).toEqual(['https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=roadinfobc.example']);

    const { server: s } = await run();
    for (const req of s.requests) {
      expect(req.headers.authorization).toBeUndefined();
      expectNoTokens(req.url, JSON.stringify(req.headers));
    }
  });
});

describe('fetchBluesky: reply targets cost no request', () => {
  it('takes reply-target times from the hydrated parent, else leaves them to the TID in the parent URI', async () => {
    await loadFixtures();
    const items = feedItems(page1);
    // R3 (the first item) replies to M3; make its parent deleted: only the URI is left.
    const r3 = items[0] as { reply: { parent: { uri: string } } };
    const m3Uri = r3.reply.parent.uri;
    r3.reply.parent = { $type: 'app.bsky.feed.defs#notFoundPost', uri: m3Uri, notFound: true } as never;
    const { posts, server: s } = await run({ routes: { [FEED_PATH]: feedPages({ json: { ...page1, feed: items } }) } });

    expect(s.requests.every((r) => r.path === PROFILE_PATH || r.path === FEED_PATH)).toBe(true);
    expect(s.count(/getPosts|getPostThread/)).toBe(0);
    expect(s.requests).toHaveLength(3);

    const byRkey = (rkey: string): Post | undefined => posts.find((p) => p.id.endsWith(`/${rkey}`));
    // R1 answers M1 (2026-08-19T14:21:40.207Z): the time is in the hydrated parent.
    expect(byRkey('3mtgxgyx5vk2v')?.replyTo?.createdAt).toBe('2026-08-19T14:21:40.207Z');
    // R3's parent is gone: the time comes from the TID (5-60 ms after M3's createdAt 15:20:55.733Z).
    const r3Post = byRkey('3mtjlmdhsxs24');
    expect(r3Post?.replyTo).toMatchObject({ id: m3Uri, createdAt: null });
    const tid = timeFromId('bluesky', m3Uri);
    expect(tid).not.toBeNull();
    expect((tid ?? 0) - Date.parse('2026-08-20T15:20:55.733Z')).toBeGreaterThanOrEqual(0);
    expect((tid ?? 0) - Date.parse('2026-08-20T15:20:55.733Z')).toBeLessThan(100);
  });
});

describe('fetchBluesky: pinned posts', () => {
  it('a pinned item at the top of page 1, older than the window, does not stop the walk and counts once', async () => {
    await loadFixtures();
    // P0 (2026-08-18, before the window) pinned: with includePins the AppView puts it first.
    const p0 = feedItems(page2)[1] as Record<string, unknown>;
    const pinned = { ...p0, reason: { $type: 'app.bsky.feed.defs#reasonPin' } };
    const { posts, source, server: s } = await run({
      routes: { [FEED_PATH]: feedPages({ json: { ...page1, feed: [pinned, ...feedItems(page1)] } }) },
    });
    expect(s.count(FEED_PATH)).toBe(2);
    expect(posts).toHaveLength(11);
    expect(posts[0]?.pinned).toBe(true);
    // Same id twice (pinned, then in place): collect() keys by id, so it counts once.
    expect(new Set(posts.map((p) => p.id)).size).toBe(10);
    expect(source.complete).toBe(true);
  });
});

describe('fetchBluesky: rate limits, retries and interruptions', () => {
  it('waits out a 429 until RateLimit-Reset (two seconds ahead), then goes on', async () => {
    await loadFixtures();
    const body429 = await load('api/error-429.json');
    const waits: number[] = [];
    const resetSeconds = String(NOW_MS / 1000 + 2);
    const { source, posts, server: s } = await run({
      http: { now: () => NOW_MS, sleep: async (ms) => void waits.push(ms) },
      routes: {
        [FEED_PATH]: feedPages(
          sequence(
            {
              status: 429,
              json: body429,
              headers: { 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-reset': resetSeconds, 'ratelimit-policy': '3000;w=300' },
            },
            { json: page1 },
          ),
        ),
      },
    });
    // Two seconds to the reset, plus the client's one-second margin.
    expect(waits).toEqual([3000]);
    expect(s.count(FEED_PATH)).toBe(3);
    expect(source.requests?.()).toBe(4);
    expect(posts).toHaveLength(10);
    expect(source.complete).toBe(true);
  });

  it('retries a 503 twice, then reads the page', async () => {
    await loadFixtures();
    const { posts, source, server: s } = await run({
      routes: { [FEED_PATH]: feedPages(sequence({ status: 503, body: '' }, { status: 503, body: '' }, { json: page1 })) },
    });
    expect(s.count(FEED_PATH)).toBe(4);
    expect(source.requests?.()).toBe(5);
    expect(posts).toHaveLength(10);
  });

  it('retries a connection reset in the middle of a body', async () => {
    await loadFixtures();
    const { posts, server: s } = await run({
      routes: { [FEED_PATH]: feedPages(sequence({ action: 'reset-mid-body', partial: '{"feed":[{"post":' }, { json: page1 })) },
    });
    expect(s.count(FEED_PATH)).toBe(3);
    expect(posts).toHaveLength(10);
  });

  it('a rate limit longer than --max-wait after page 1 keeps page 1 and marks the source partial', async () => {
    await loadFixtures();
    const { source, posts, server: s } = await run({
      window: WINDOW_BEFORE_ALL,
      http: { now: () => NOW_MS, maxWaitMs: 60_000 },
      routes: {
        [PROFILE_PATH]: () => ({ json: { ...profile, postsCount: 9 } }),
        [FEED_PATH]: feedPages(undefined, {
          status: 429,
          json: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
          headers: { 'ratelimit-reset': String(NOW_MS / 1000 + 3600) },
        }),
      },
    });
    expect(posts).toHaveLength(8);
    expect(s.count(FEED_PATH)).toBe(2);
    expect(source.complete).toBe(false);
    expect(source.warnings).toHaveLength(1);
    expect(source.warnings[0]).toMatch(/rate-limited until 2026-08-21T13:00:00.000Z.*--max-wait/);
  });

  it('a rate limit longer than --max-wait on the first page is an error: there is nothing to report', async () => {
    await loadFixtures();
    const { ctx } = await setup({
      http: { now: () => NOW_MS, maxWaitMs: 60_000 },
      routes: { [FEED_PATH]: () => ({ status: 429, json: {}, headers: { 'ratelimit-reset': String(NOW_MS / 1000 + 3600) } }) },
    });
    const source = await fetchBluesky(parseAccountArg('roadinfobc.example'), ctx);
    expect(await failure(drain(source.posts))).toBeInstanceOf(RateLimitError);
  });

  it('an abort while a page is in flight ends with InterruptedError', async () => {
    await loadFixtures();
    const controller = new AbortController();
    const { ctx, server: s } = await setup({
      controller,
      routes: {
        [FEED_PATH]: feedPages(undefined, {
          action: 'custom',
          handle: () => void setTimeout(() => controller.abort(), 20),
        }),
      },
    });
    const source = await fetchBluesky(parseAccountArg('roadinfobc.example'), ctx);
    const seen: Post[] = [];
    const err = await failure(
      (async () => {
        for await (const post of source.posts) seen.push(post);
      })(),
    );
    expect(err).toBeInstanceOf(InterruptedError);
    expect(seen).toHaveLength(8);
    expect(s.count(FEED_PATH)).toBe(2);
  });
});

describe('fetchBluesky: failures', () => {
  it('an unknown actor (400 "Profile not found") is a UsageError, and no feed is asked', async () => {
    await loadFixtures();
    const body400 = await load('api/error-400.json');
    const { ctx, server: s } = await setup({ routes: { [PROFILE_PATH]: () => ({ status: 400, json: body400 }) } });
    const err = await failure(fetchBluesky(parseAccountArg('nobody.bsky.social'), ctx));
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect(err.message).toMatch(/^no such Bluesky account: "nobody\.bsky\.social"/);
    expect(s.requests.map((r) => r.path)).toEqual([PROFILE_PATH]);
  });

  it('another 400 is a PlatformError carrying the platform message', async () => {
    await loadFixtures();
    const { ctx } = await setup({
      routes: { [PROFILE_PATH]: () => ({ status: 400, json: { error: 'InvalidRequest', message: 'Error: actor must be a valid did or a handle' } }) },
    });
    const err = await failure(fetchBluesky(parseAccountArg('roadinfobc.example'), ctx));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).not.toBeInstanceOf(UsageError);
    expect(err.message).toContain('actor must be a valid did or a handle');
  });

  it.each([
    [
      'the CDN HTML 403',
      403,
      {
        body: '<html><head><title>403 Forbidden</title></head><body>Request forbidden by administrative rules.</body></html>',
        headers: { 'content-type': 'text/html' },
      },
    ],
    ['an XRPC 401', 401, { json: { error: 'AuthMissing', message: 'Authentication Required' } }],
  ] as const)('%s is an AuthError that names the endpoint and never a token', async (_name, status, reply) => {
    await loadFixtures();
    const { ctx, progress } = await setup({ routes: { [FEED_PATH]: () => ({ status, ...reply }) } });
    const source = await fetchBluesky(parseAccountArg('roadinfobc.example'), ctx);
    const err = await failure(drain(source.posts));
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).exitCode).toBe(3);
    expect(err.message).toContain('app.bsky.feed.getAuthorFeed');
    expect(err.message).toContain(`HTTP ${status}`);
    // No token is sent to Bluesky, so the message must not blame one.
    expect(err.message).toContain('refused an anonymous read');
    expect(err.message).not.toContain('token');
    expect(err.message).not.toMatch(/\n|<html/);
    expectNoTokens(err.message, ...progress, ...source.warnings);
  });

  it.each([
    ['no feed key', { cursor: 'x' }],
    ['feed is not an array', { feed: { post: {} } }],
    ['not an object', ['feed']],
  ])('a page with %s is a fatal error naming the endpoint', async (_name, body) => {
    await loadFixtures();
    const { ctx } = await setup({ routes: { [FEED_PATH]: () => ({ json: body }) } });
    const source = await fetchBluesky(parseAccountArg('roadinfobc.example'), ctx);
    const err = await failure(drain(source.posts));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toContain('Bluesky GET /xrpc/app.bsky.feed.getAuthorFeed');
    expect(err.message).toContain('page 1');
  });

  it('a profile without a DID is a fatal error naming the endpoint', async () => {
    await loadFixtures();
    const { ctx } = await setup({ routes: { [PROFILE_PATH]: () => ({ json: { handle: 'roadinfobc.example' } }) } });
    const err = await failure(fetchBluesky(parseAccountArg('roadinfobc.example'), ctx));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toContain('app.bsky.actor.getProfile');
  });

  it('one bad item is skipped and counted; the rest of the page is read', async () => {
    await loadFixtures();
    const items = feedItems(page1);
    items.splice(2, 0, { post: { uri: 'not-an-at-uri' } });
    const { source, posts } = await run({ routes: { [FEED_PATH]: feedPages({ json: { ...page1, feed: items } }) } });
    expect(posts).toHaveLength(10);
    expect(source.stats.skipped).toBe(1);
    expect(source.stats.skippedExamples[0]).toMatch(/^feed item: post/);
  });
});

describe('fetchBluesky: a feed that ends before the window (platforms.md §5.4)', () => {
  it('warns when the feed ends early and the profile counts more posts than were served', async () => {
    await loadFixtures();
    const { source, server: s } = await run({
      window: WINDOW_BEFORE_ALL,
      routes: { [FEED_PATH]: feedPages({ json: { feed: page1.feed } }) },
    });
    expect(s.count(FEED_PATH)).toBe(1);
    // A warning, not a partial source: postsCount also counts posts the AppView never serves.
    expect(source.complete).toBe(true);
    expect(source.warnings).toHaveLength(1);
    expect(source.warnings[0]).toContain('ended with a post of 2026-08-19T14:38:05.530Z');
    expect(source.warnings[0]).toContain('counts 3177 posts and only 7 were served');
  });

  it('says nothing when the served posts match postsCount, or when the feed reached the window', async () => {
    await loadFixtures();
    const whole = await run({ window: WINDOW_BEFORE_ALL, routes: { [PROFILE_PATH]: () => ({ json: { ...profile, postsCount: 9 } }) } });
    expect(whole.source.warnings).toEqual([]);
    const reached = await run({ window: WINDOW_BOTH_PAGES });
    expect(reached.source.warnings).toEqual([]);
  });

  it('warns about an empty feed of an account that counts posts', async () => {
    await loadFixtures();
    const { source, posts } = await run({ routes: { [FEED_PATH]: () => ({ json: { feed: [] } }) } });
    expect(posts).toEqual([]);
    expect(source.warnings[0]).toMatch(/^The Bluesky feed served no posts/);
  });
});
