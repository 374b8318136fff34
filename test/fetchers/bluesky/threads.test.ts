import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InterruptedError, PlatformError } from '../../../src/errors.js';
import { readBlueskyFeed } from '../../../src/fetchers/bluesky/feed.js';
import { fetchBlueskyReplies } from '../../../src/fetchers/bluesky/threads.js';
import type { FetchContext } from '../../../src/fetchers/live-types.js';
import { AuthError, HttpClient, RateLimitError, ShapeError, type HttpClientOptions } from '../../../src/http/client.js';
import { PostSchema, type AccountInfo, type Post } from '../../../src/model/post.js';
import { failure, liveRigs } from '../../helpers/live.js';
import { sequence, type Reply, type Route, type TestServer } from '../../helpers/server.js';
import { drain } from '../reader-helpers.js';

/**
 * The Bluesky replies fetcher against a real HTTP server on 127.0.0.1 serving getPostThread
 * answers built from the reference scenario (fixtures/bluesky/api/getPostThread.*.json: T1 with
 * M1 and the account's own T2; T4 with M3). The own posts come from the reference feed pages,
 * normalized by the feed reader, as the live fetch gives them. Every test counts its requests.
 */

const fixtures = fileURLToPath(new URL('../../../fixtures/bluesky/', import.meta.url));
const load = async (name: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(`${fixtures}${name}`, 'utf8'));

const THREAD_PATH = '/xrpc/app.bsky.feed.getPostThread';
const OWN_DID = 'did:plc:xriq4owvjcejoym7pfjarfm5';
const uri = (rkey: string, did = OWN_DID) => `at://${did}/app.bsky.feed.post/${rkey}`;
const T1 = uri('3mtgvm7ntjc2j');
const T2 = uri('3mth7jnhu4226');
const T3 = uri('3mti273225k2p');
const T4 = uri('3mtjjstoufk2t');
const Q1 = uri('3mthefp4o5k2p');
const P0 = uri('3mtfbdwnxvk2n');
const M1 = uri('3mtgwjnbobc2v', 'did:plc:rs37w4juinezier65oacuny3');
const M3 = uri('3mtjkcjk4v22v', 'did:plc:47fgwi7c4zhhowe6cdbchlbp');

const ACCOUNT: AccountInfo = {
  platform: 'bluesky',
  id: OWN_DID,
  handle: 'roadinfobc.example',
  displayName: 'RoadInfo BC',
  website: null,
  url: 'https://bsky.app/profile/roadinfobc.example',
};
/** 19–20 August 2026: P0 (2026-08-18T22:30Z) is before it, every other own post in it. */
const WINDOW = { sinceMs: Date.parse('2026-08-19T00:00:00Z'), untilMs: Date.parse('2026-08-21T00:00:00Z') };
/** A whole second, so rate-limit waits compute to whole numbers. */
const NOW_MS = Date.UTC(2026, 7, 21, 12, 0, 0);
/** Recognisable fake tokens of the other platforms: they must never reach Bluesky or a message. */
const FAKE_TOKENS = { x: 'FAKE-X-BEARER-7f3a9c', mastodon: 'FAKE-MASTODON-TOKEN-b41d' };

let threadT1: Record<string, unknown>;
let threadT4: Record<string, unknown>;
let notFound: Record<string, unknown>;
/** The account's items of the two reference feed pages (10: P0, T1, R1, T2, RT1, Q1, R2, T3, T4, R3). */
let feedPosts: Post[];

async function loadFixtures(): Promise<void> {
  threadT1 = await load('api/getPostThread.T1.json');
  threadT4 = await load('api/getPostThread.T4.json');
  notFound = await load('api/getPostThread.not-found-400.json');
  feedPosts = await drain(readBlueskyFeed([await load('getAuthorFeed.page1.json'), await load('getAuthorFeed.page2.json')], 'feed.jsonl').posts);
}

/** The feed's post `id` with `replyCount` set to `n`. */
function ownPost(id: string, replyCount: number | null): Post {
  const post = feedPosts.find((p) => p.id === id);
  if (!post) throw new Error(`no feed post ${id}`);
  return { ...post, replyCount };
}

const emptyThread = (postUri: string): Reply => ({
  json: { thread: { $type: 'app.bsky.feed.defs#threadViewPost', post: { uri: postUri }, replies: [] } },
});

/** Answers by the `uri` parameter: T1 and T4 from the fixtures, `extra` for others, else an empty thread. */
function threads(extra: Record<string, Reply | Route> = {}): Route {
  return (req, base) => {
    const asked = req.query.get('uri') ?? '';
    const special = extra[asked];
    if (special) return typeof special === 'function' ? special(req, base) : special;
    if (asked === T1) return { json: threadT1 };
    if (asked === T4) return { json: threadT4 };
    return emptyThread(asked);
  };
}

const openRig = liveRigs();

async function setup(
  route: Route,
  opts: { http?: HttpClientOptions; controller?: AbortController } = {},
): Promise<{ ctx: FetchContext; progress: string[]; server: TestServer; http: HttpClient }> {
  const signal = opts.controller?.signal;
  return openRig(
    { [THREAD_PATH]: route },
    { window: WINDOW, tokens: FAKE_TOKENS, client: { backoffMs: 1, ...opts.http }, ...(signal ? { signal } : {}) },
  );
}

const asked = (s: TestServer) => s.requests.map((r) => r.query.get('uri'));

describe('fetchBlueskyReplies: which threads are asked', () => {
  it('3 own posts with replyCount 2, 0, 1: exactly 2 getPostThread requests; the replies by others, replying to the own posts', async () => {
    await loadFixtures();
    const { ctx, server: s, http } = await setup(threads());
    const own = [ownPost(T1, 2), ownPost(T3, 0), ownPost(T4, 1)];
    const result = await fetchBlueskyReplies(ACCOUNT, own, ctx);

    // T3 has no reply: not asked.
    expect(asked(s)).toEqual([T1, T4]);
    expect(http.requests).toBe(2);
    for (const r of s.requests) {
      expect(Object.fromEntries(r.query)).toEqual({ uri: r.query.get('uri'), depth: '1', parentHeight: '0' });
      expect(r.headers.authorization).toBeUndefined();
    }

    // T1's thread holds M1 and the account's own T2 (a self-thread, not inbound); T4's holds M3.
    expect(result.format).toBe('bluesky-threads');
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(result.posts.map((p) => p.id)).toEqual([M1, M3]);
    for (const p of result.posts) expect(PostSchema.safeParse(p).success).toBe(true);

    const [m1, m3] = result.posts;
    expect(m1?.author).toEqual({ id: 'did:plc:rs37w4juinezier65oacuny3', handle: 'kat.okanagan.example' });
    expect(m1?.createdAt).toBe('2026-08-19T14:21:40.207Z');
    expect(m1?.text).toContain('?');
    // replyTo is the own post, with its author and time from the thread's own post view.
    expect(m1?.replyTo).toEqual({
      id: T1,
      url: 'https://bsky.app/profile/roadinfobc.example/post/3mtgvm7ntjc2j',
      author: { id: OWN_DID, handle: 'roadinfobc.example' },
      createdAt: '2026-08-19T14:05:12.861Z',
    });
    expect(m1?.conversationId).toBe(T1);
    expect(m3?.author).toEqual({ id: 'did:plc:47fgwi7c4zhhowe6cdbchlbp', handle: 'pete.peachland.example' });
    expect(m3?.replyTo).toMatchObject({ id: T4, author: { id: OWN_DID, handle: 'roadinfobc.example' }, createdAt: '2026-08-20T15:12:09.487Z' });
  });

  it('the whole reference feed: 4 requests (T4, Q1, T2, T1); not reposts, not posts without replies, not P0 from before the window', async () => {
    await loadFixtures();
    const { ctx, server: s, http } = await setup(threads());
    // Feed replyCounts: T4 5, Q1 1, T2 2, T1 9, P0 1 (before the window); R1, R2, R3, T3 0; RT1 is a repost (the reposted post has 4).
    const result = await fetchBlueskyReplies(ACCOUNT, feedPosts, ctx);
    expect(asked(s)).toEqual([T4, Q1, T2, T1]);
    expect(http.requests).toBe(4);
    expect(result.posts.map((p) => p.id)).toEqual([M3, M1]);
  });

  it('asks a post twice listed (pinned, then in place) once, and asks a post whose replyCount is unknown', async () => {
    await loadFixtures();
    const { ctx, server: s } = await setup(threads());
    const pinned = { ...ownPost(T4, 1), pinned: true };
    const unknown: Post = { ...ownPost(T1, null) };
    delete unknown.replyCount;
    const result = await fetchBlueskyReplies(ACCOUNT, [pinned, unknown, ownPost(T4, 1)], ctx);
    expect(asked(s)).toEqual([T4, T1]);
    expect(result.posts.map((p) => p.id)).toEqual([M3, M1]);
  });

  it('no own post with replies: no request, an empty complete result', async () => {
    await loadFixtures();
    const { ctx, server: s } = await setup(threads());
    const result = await fetchBlueskyReplies(ACCOUNT, [ownPost(T3, 0), ownPost(P0, 1)], ctx);
    expect(s.requests).toHaveLength(0);
    expect(result).toEqual({ posts: [], format: 'bluesky-threads', complete: true, warnings: [] });
  });
});

describe('fetchBlueskyReplies: posts and replies Bluesky will not show', () => {
  it('an own post deleted since the feed was read (400 NotFound) is skipped with a warning; the other thread is read', async () => {
    await loadFixtures();
    const { ctx, server: s } = await setup(threads({ [T1]: { status: 400, json: notFound } }));
    const result = await fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 2), ownPost(T4, 1)], ctx);
    expect(s.requests).toHaveLength(2);
    expect(result.posts.map((p) => p.id)).toEqual([M3]);
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual([
      `1 of the account's posts could not be found when their replies were asked for (deleted since the feed was read; first: ${T1}): their replies are not counted`,
    ]);
  });

  it('a thread answered as #notFoundPost is skipped the same way', async () => {
    await loadFixtures();
    const gone = { json: { thread: { $type: 'app.bsky.feed.defs#notFoundPost', uri: T1, notFound: true } } };
    const { ctx } = await setup(threads({ [T1]: gone }));
    const result = await fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 2), ownPost(T4, 1)], ctx);
    expect(result.posts.map((p) => p.id)).toEqual([M3]);
    expect(result.warnings[0]).toMatch(/^1 of the account's posts could not be found/);
  });

  it('another 400 is a PlatformError carrying the platform message', async () => {
    await loadFixtures();
    const { ctx } = await setup(threads({ [T1]: { status: 400, json: { error: 'InvalidRequest', message: 'Error: uri must be a valid at-uri' } } }));
    const err = await failure(fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 2)], ctx));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toContain('uri must be a valid at-uri');
  });

  it('a #blockedPost and a #notFoundPost reply are skipped, counted in one warning; the readable reply is kept', async () => {
    await loadFixtures();
    const thread = structuredClone(threadT1) as { thread: { replies: unknown[] } };
    thread.thread.replies.push(
      {
        $type: 'app.bsky.feed.defs#blockedPost',
        uri: uri('3mtgzzzzzzz2a', 'did:plc:blockedblockedblocked00'),
        blocked: true,
        author: { did: 'did:plc:blockedblockedblocked00', viewer: { blockedBy: true } },
      },
      { $type: 'app.bsky.feed.defs#notFoundPost', uri: uri('3mtgyyyyyyy2a', 'did:plc:goneegoneegoneegonee000'), notFound: true },
    );
    const { ctx } = await setup(threads({ [T1]: { json: thread } }));
    const result = await fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 4)], ctx);
    expect(result.posts.map((p) => p.id)).toEqual([M1]);
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual(['2 replies are hidden by Bluesky (1 blocked, 1 deleted) and are not counted']);
  });

  it('a reply whose record is not a post is skipped with a warning', async () => {
    await loadFixtures();
    const thread = structuredClone(threadT4) as { thread: { replies: { post: Record<string, unknown> }[] } };
    const broken = structuredClone(thread.thread.replies[0]!);
    broken.post = { ...broken.post, uri: uri('3mtjxxxxxxx2a', 'did:plc:47fgwi7c4zhhowe6cdbchlbp'), record: { text: 'no createdAt' } };
    thread.thread.replies.push(broken);
    const { ctx } = await setup(threads({ [T4]: { json: thread } }));
    const result = await fetchBlueskyReplies(ACCOUNT, [ownPost(T4, 2)], ctx);
    expect(result.posts.map((p) => p.id)).toEqual([M3]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^1 replies could not be read and are left out \(first: at:\/\/.*3mtjxxxxxxx2a: record is not an app\.bsky\.feed\.post/);
  });

  it('a body without a thread is a ShapeError naming the endpoint', async () => {
    await loadFixtures();
    const { ctx } = await setup(threads({ [T1]: { json: { posts: [] } } }));
    const err = await failure(fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 2)], ctx));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toContain('GET /xrpc/app.bsky.feed.getPostThread');
  });

  it('a 401 is an AuthError about anonymous reads that never blames a token', async () => {
    await loadFixtures();
    const { ctx, progress } = await setup(threads({ [T1]: { status: 401, json: { error: 'AuthMissing', message: 'Authentication Required' } } }));
    const err = await failure(fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 2)], ctx));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain('refused an anonymous read');
    for (const text of [err.message, ...progress]) {
      expect(text).not.toContain(FAKE_TOKENS.x);
      expect(text).not.toContain(FAKE_TOKENS.mastodon);
    }
  });
});

describe('fetchBlueskyReplies: rate limits and interruptions', () => {
  it('429 with RateLimit-Reset two seconds ahead: waits 3 s (reset + 1 s margin), then reads the thread; 3 requests for 2 threads', async () => {
    await loadFixtures();
    const body429 = await load('api/error-429.json');
    const waits: number[] = [];
    const limited: Reply = {
      status: 429,
      json: body429,
      headers: { 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW_MS / 1000 + 2), 'ratelimit-policy': '3000;w=300' },
    };
    const { ctx, http } = await setup(threads({ [T1]: sequence(limited, { json: threadT1 }) }), {
      http: { now: () => NOW_MS, sleep: async (ms) => void waits.push(ms) },
    });
    const result = await fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 2), ownPost(T4, 1)], ctx);
    expect(waits).toEqual([3000]);
    expect(http.requests).toBe(3);
    expect(result.posts.map((p) => p.id)).toEqual([M1, M3]);
    expect(result.complete).toBe(true);
  });

  it('a rate limit longer than --max-wait after a thread was read: the replies read are kept, incomplete', async () => {
    await loadFixtures();
    // T4's refusal comes 50 ms late, so T1 (asked at the same time) is read before it.
    const limited: Reply = { status: 429, json: {}, headers: { 'ratelimit-reset': String(NOW_MS / 1000 + 3600) }, delayMs: 50 };
    const { ctx } = await setup(threads({ [T4]: limited }), { http: { now: () => NOW_MS, maxWaitMs: 60_000 } });
    const result = await fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 2), ownPost(T4, 1)], ctx);
    expect(result.posts.map((p) => p.id)).toEqual([M1]);
    expect(result.complete).toBe(false);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^fetching the replies stopped early: .*rate-limited until .*; only the replies to 1 of 2 posts are counted$/);
  });

  it('a rate limit longer than --max-wait before any thread was read: RateLimitError', async () => {
    await loadFixtures();
    const limited: Reply = { status: 429, json: {}, headers: { 'ratelimit-reset': String(NOW_MS / 1000 + 3600) } };
    const { ctx } = await setup(() => limited, { http: { now: () => NOW_MS, maxWaitMs: 60_000 } });
    const err = await failure(fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 2)], ctx));
    expect(err).toBeInstanceOf(RateLimitError);
  });

  it('an abort while a thread is in flight: InterruptedError, and no thread is asked after it', async () => {
    await loadFixtures();
    const controller = new AbortController();
    // Six own posts with replies in the window, four asked at once. T1 is answered, so its worker
    // asks the fifth (R2); every other thread hangs, and the abort comes 50 ms after T4 is asked.
    // The sixth (R3) is never asked: 5 requests.
    const R2 = uri('3mthm3knsls26');
    const R3 = uri('3mtjlmdhsxs24');
    const own = [T1, T4, T2, Q1, R2, R3].map((id) => ownPost(id, 1));
    const hang: Reply = { action: 'hang' };
    const { ctx, server: s } = await setup(
      threads({ [T4]: { action: 'custom', handle: () => void setTimeout(() => controller.abort(), 50) }, [T2]: hang, [Q1]: hang, [R2]: hang }),
      { controller },
    );
    const err = await failure(fetchBlueskyReplies(ACCOUNT, own, ctx));
    expect(err).toBeInstanceOf(InterruptedError);
    expect([...asked(s)].sort()).toEqual([T1, T4, T2, Q1, R2].sort());
  });

  it('an abort before the call: InterruptedError and no request', async () => {
    await loadFixtures();
    const controller = new AbortController();
    controller.abort();
    const { ctx, server: s } = await setup(threads(), { controller });
    expect(await failure(fetchBlueskyReplies(ACCOUNT, [ownPost(T1, 2)], ctx))).toBeInstanceOf(InterruptedError);
    expect(s.requests).toHaveLength(0);
  });
});
