import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAccountArg, type AccountArg } from '../../src/account.js';
import { cachedFetch, type CachedSource } from '../../src/cache/cached-fetch.js';
import { SETTLE_MS } from '../../src/cache/coverage.js';
import { cacheFilePath, cacheKey, loadCache } from '../../src/cache/store.js';
import { InterruptedError } from '../../src/errors.js';
import { fetchBluesky } from '../../src/fetchers/bluesky/api.js';
import type { FetchContext, LiveFetcher } from '../../src/fetchers/live-types.js';
import { fetchMastodon } from '../../src/fetchers/mastodon/api.js';
import { readNormalized } from '../../src/fetchers/normalized.js';
import { HttpClient, type HttpClientOptions } from '../../src/http/client.js';
import type { Post } from '../../src/model/post.js';
import { startServer, type Reply, type Route, type TestServer } from '../helpers/server.js';
import {
  BSKY_FEED_PATH,
  BSKY_PROFILE_PATH,
  bskyFeedRoute,
  bskyItems,
  bskyProfile,
  HOUR,
  MASTODON_LOOKUP_PATH,
  MASTODON_TIMELINE_PATH,
  mastodonAccount,
  mastodonStatuses,
  mastodonTimelineRoute,
  MINUTE,
} from './servers.js';

/** The first run's clock: 2026-08-21T12:00Z; the timelines' newest post is a day older. */
const NOW1 = Date.UTC(2026, 7, 21, 12, 0, 0);
const NEWEST = Date.UTC(2026, 7, 20, 12, 0, 0);
const SINCE = Date.UTC(2026, 6, 22, 0, 0, 0);
/** The 30 days up to the first run, as a live audit's default window. */
const WINDOW1 = { sinceMs: SINCE, untilMs: NOW1 };
/** Recognisable fake tokens: they must never reach a cache file. */
const TOKENS = { x: 'FAKE-X-BEARER-cache-3c1e', mastodon: 'FAKE-MASTODON-TOKEN-cache-9b2f' };

/**
 * 450 Bluesky posts, one every 2 hours back from NEWEST: 355 fall in WINDOW1, and a walk of it
 * takes 4 pages of 100 (the 4th reaches back before the window).
 */
const BSKY_COUNT = 450;
const BSKY_FULL_PAGES = 4;

let dir: string;
let servers: TestServer[] = [];
let clients: HttpClient[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'social-audit-cache-'));
});

afterEach(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) await s.close();
  clients = [];
  servers = [];
  await rm(dir, { recursive: true, force: true });
});

async function serve(routes: Record<string, Route>): Promise<TestServer> {
  const server = await startServer(routes);
  servers.push(server);
  return server;
}

/** A Bluesky server over `items()`; `onPage` can answer a feed request itself (by its number, from 1). */
async function blueskyServer(items: () => Record<string, unknown>[], onPage?: (pageNo: number) => Reply | undefined): Promise<TestServer> {
  return serve({ [BSKY_PROFILE_PATH]: () => ({ json: bskyProfile() }), [BSKY_FEED_PATH]: bskyFeedRoute(items, onPage) });
}

interface RunOptions {
  server: TestServer;
  fetcher?: LiveFetcher;
  account?: string;
  window?: { sinceMs: number; untilMs: number };
  nowMs?: number;
  cacheDir?: string;
  controller?: AbortController;
  http?: HttpClientOptions;
}

function context(opts: RunOptions): FetchContext {
  const signal = opts.controller?.signal;
  const client = new HttpClient({ backoffMs: 1, tries: 2, ...(signal ? { signal } : {}), ...opts.http });
  clients.push(client);
  return {
    http: client,
    apiUrl: opts.server.url,
    window: opts.window ?? WINDOW1,
    tokens: TOKENS,
    progress: () => undefined,
    ...(signal ? { signal } : {}),
  };
}

function accountOf(opts: RunOptions): AccountArg {
  return parseAccountArg(opts.account ?? (opts.fetcher === fetchMastodon ? '@RoadInfoBC@mstdn.bc.example' : 'roadinfobc.example'));
}

/** One cached run: the source and the posts it served. */
async function runCached(opts: RunOptions): Promise<{ source: CachedSource; posts: Post[] }> {
  const source = await cachedFetch(opts.fetcher ?? fetchBluesky, accountOf(opts), context(opts), {
    dir: opts.cacheDir ?? dir,
    now: () => opts.nowMs ?? NOW1,
  });
  const posts: Post[] = [];
  for await (const post of source.posts) posts.push(post);
  return { source, posts };
}

/** What a run without the cache gives for the window: its posts in the window, each once, newest first. */
async function runFresh(opts: RunOptions): Promise<Post[]> {
  const window = opts.window ?? WINDOW1;
  const source = await (opts.fetcher ?? fetchBluesky)(accountOf(opts), context(opts));
  const byId = new Map<string, Post>();
  for await (const post of source.posts) {
    const ms = Date.parse(post.createdAt);
    if (ms >= window.sinceMs && ms < window.untilMs && !byId.has(post.id)) byId.set(post.id, post);
  }
  return comparable([...byId.values()]);
}

/** Posts in a stable order, as plain JSON (no undefined keys), for comparison. */
function comparable(posts: Post[]): Post[] {
  return JSON.parse(JSON.stringify(posts.toSorted((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))) as Post[];
}

function fileFor(server: TestServer, account = 'roadinfobc.example', cacheDir = dir): string {
  return cacheFilePath(cacheDir, cacheKey(parseAccountArg(account), server.url));
}

describe('a second run', () => {
  it('fills the cache on the first run, then fetches only the overlapping page of an unchanged server', async () => {
    const items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const server = await blueskyServer(() => items);

    const first = await runCached({ server });
    expect(server.count(BSKY_FEED_PATH)).toBe(BSKY_FULL_PAGES);
    expect(first.source.cache).toMatchObject({ status: 'miss', walks: 1, postsFromCache: 0, requestsSaved: 0, saved: true });
    expect(first.posts).toHaveLength(355);
    expect(first.source.complete).toBe(true);

    // An hour later, the window moved with the clock, nothing new was posted.
    const later = NOW1 + HOUR;
    const second = await runCached({ server, nowMs: later, window: { sinceMs: SINCE, untilMs: later } });
    expect(server.count(BSKY_FEED_PATH) - BSKY_FULL_PAGES).toBe(1);
    expect(server.count(BSKY_PROFILE_PATH)).toBe(2);
    expect(comparable(second.posts)).toEqual(comparable(first.posts));
    // 355 posts are 4 pages of 100 without the cache; this run made 1 request, which fetched
    // the newest 100 again.
    expect(second.source.cache).toMatchObject({ status: 'hit', walks: 1, requests: 1, postsFromCache: 255, postsInWindow: 355, requestsSaved: 3 });
    expect(second.source.complete).toBe(true);
    // The newest 100 were fetched again; the rest, replyCount included, are as the first run saw them.
    expect(second.source.fetchedIds.size).toBe(100);
  });

  it('makes no timeline request for a past window the cache holds whole', async () => {
    const items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const server = await blueskyServer(() => items);
    const july = { sinceMs: Date.UTC(2026, 6, 25), untilMs: Date.UTC(2026, 7, 1) };
    await runCached({ server, window: july });
    const pages = server.count(BSKY_FEED_PATH);

    const again = await runCached({ server, window: july, nowMs: NOW1 + 24 * HOUR });
    expect(server.count(BSKY_FEED_PATH)).toBe(pages);
    expect(again.source.cache).toMatchObject({ status: 'hit', walks: 0, requests: 0 });
    expect(again.posts.length).toBe(84);
    expect(comparable(again.posts)).toEqual(await runFresh({ server, window: july }));
  });

  it('fetches only the new pages when posts were added, and serves what a fresh fetch serves', async () => {
    let items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const server = await blueskyServer(() => items);
    await runCached({ server });
    const before = server.count(BSKY_FEED_PATH);

    // 150 new posts, every 8 minutes from 13:00 the next day; one old post (on the overlapping
    // page) was deleted.
    const added = bskyItems(150, NOW1 + HOUR + 149 * 8 * MINUTE, 8 * MINUTE, 1000);
    const deleted = items[3];
    items = [...added, ...items.filter((i) => i !== deleted)];
    const now2 = NOW1 + 24 * HOUR;
    const window2 = { sinceMs: SINCE, untilMs: now2 };
    const second = await runCached({ server, nowMs: now2, window: window2 });
    // Page 1: 100 new posts; page 2: 50 new and 50 cached, reaching back into the cache.
    expect(server.count(BSKY_FEED_PATH) - before).toBe(2);
    expect(second.posts).toHaveLength(355 + 150 - 1);
    expect(comparable(second.posts)).toEqual(await runFresh({ server, window: window2 }));
    expect(second.posts.some((p) => p.id === ((deleted as { post: { uri: string } }).post.uri))).toBe(false);
  });
});

describe('an interrupted fetch', () => {
  it('continues after a kill, from the pages saved before it, and serves what one uninterrupted run serves', async () => {
    const items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const file = (s: TestServer): string => fileFor(s);
    let snapshot: string | null = null;
    // The process "dies" when it asks for page 3: the file then holds what a kill -9 would leave.
    const server: TestServer = await blueskyServer(
      () => items,
      (pageNo) => {
        if (pageNo !== 3) return undefined;
        snapshot = readFileSyncSafe(file(server));
        return { action: 'hang' };
      },
    );
    const controller = new AbortController();
    const killed = runCached({ server, controller });
    await waitFor(() => snapshot !== null);
    controller.abort();
    await expect(killed).rejects.toBeInstanceOf(InterruptedError);
    await writeFile(file(server), snapshot ?? '');
    const saved = await loadCache(file(server), cacheKey(parseAccountArg('roadinfobc.example'), server.url));
    expect(saved.kind).toBe('ok');
    if (saved.kind !== 'ok') return;
    expect(saved.state.posts.size).toBe(200);
    expect(saved.state.resume).not.toBeNull();
    expect(JSON.parse(snapshot ?? '{}')).toMatchObject({ complete: false });
    const firstRun = server.count(BSKY_FEED_PATH);
    expect(firstRun).toBe(3);

    const resumed = await runCached({ server });
    expect(resumed.source.cache).toMatchObject({ status: 'hit', resumed: true });
    expect(resumed.source.complete).toBe(true);
    const fresh = await runFresh({ server });
    expect(comparable(resumed.posts)).toEqual(fresh);
    // Bluesky's feed can only be read from the top, so the rest is one walk from there (4 pages):
    // 3 + 4 requests, fewer than two whole runs (8).
    const resumedRun = server.count(BSKY_FEED_PATH) - firstRun - BSKY_FULL_PAGES;
    expect(resumedRun).toBe(BSKY_FULL_PAGES);
    expect(firstRun + resumedRun).toBeLessThan(2 * BSKY_FULL_PAGES);
    const after = await loadCache(file(server), cacheKey(parseAccountArg('roadinfobc.example'), server.url));
    expect(after.kind === 'ok' && after.state.resume).toBe(null);
  });

  it('continues a Mastodon walk where it stopped (Ctrl-C), fetching each page about once', async () => {
    // 300 statuses, one every 3 hours: 237 in the window, a whole walk is 6 pages of 40.
    const statuses = mastodonStatuses(300, NEWEST, 3 * HOUR);
    const controller = new AbortController();
    let abortAt: number | null = 4;
    const routes = (): Record<string, Route> => ({
      [MASTODON_LOOKUP_PATH]: () => ({ json: mastodonAccount() }),
      [MASTODON_TIMELINE_PATH]: mastodonTimelineRoute(
        () => statuses,
        (pageNo) => {
          if (pageNo === abortAt) {
            abortAt = null;
            controller.abort();
            return { action: 'hang' };
          }
          return undefined;
        },
      ),
    });
    const server = await serve(routes());
    const reference = await serve({ ...routes() });
    abortAt = null;
    const wholeWalk = async (): Promise<number> => {
      const before = reference.count(MASTODON_TIMELINE_PATH);
      await runFresh({ server: reference, fetcher: fetchMastodon });
      return reference.count(MASTODON_TIMELINE_PATH) - before;
    };
    const full = await wholeWalk();
    expect(full).toBe(6);

    abortAt = 4;
    await expect(runCached({ server, fetcher: fetchMastodon, controller })).rejects.toBeInstanceOf(InterruptedError);
    const firstRun = server.count(MASTODON_TIMELINE_PATH);
    expect(firstRun).toBe(4);

    const resumed = await runCached({ server, fetcher: fetchMastodon, nowMs: NOW1 + MINUTE });
    const resumedRun = server.count(MASTODON_TIMELINE_PATH) - firstRun;
    expect(resumed.source.cache).toMatchObject({ status: 'hit', resumed: true, walks: 2 });
    // One page above the cache (the overlap), then from the oldest post reached (status 119,
    // read again) down past the window's start: 3 pages of 40, where a whole walk has 3 left.
    expect(resumedRun).toBe(1 + 3);
    expect(firstRun + resumedRun).toBeLessThan(2 * full);
    expect(comparable(resumed.posts)).toEqual(await runFresh({ server: reference, fetcher: fetchMastodon }));
    expect(resumed.posts).toHaveLength(237);
  });

  it('ends a resumed run early, not in error, when the later walk is rate-limited at once', async () => {
    const statuses = mastodonStatuses(300, NEWEST, 3 * HOUR);
    const controller = new AbortController();
    const server = await serve({
      [MASTODON_LOOKUP_PATH]: () => ({ json: mastodonAccount() }),
      [MASTODON_TIMELINE_PATH]: mastodonTimelineRoute(
        () => statuses,
        (pageNo) => {
          if (pageNo === 4) {
            controller.abort();
            return { action: 'hang' };
          }
          // The second run: page 5 is its walk above the cache, page 6 the first of the rest.
          if (pageNo === 6) return { status: 429, headers: { 'x-ratelimit-reset': new Date(NOW1 + HOUR).toISOString() } };
          return undefined;
        },
      ),
    });
    await expect(runCached({ server, fetcher: fetchMastodon, controller })).rejects.toBeInstanceOf(InterruptedError);

    const limited = await runCached({ server, fetcher: fetchMastodon, http: { maxWaitMs: 1000, now: () => NOW1 } });
    expect(limited.source.complete).toBe(false);
    expect(limited.source.warnings).toEqual([expect.stringContaining('rate-limited')]);
    expect(limited.posts).toHaveLength(120);
    const file = cacheFilePath(dir, cacheKey(parseAccountArg('@RoadInfoBC@mstdn.bc.example'), server.url));
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ complete: false });

    const done = await runCached({ server, fetcher: fetchMastodon });
    expect(done.source.complete).toBe(true);
    expect(done.source.cache.resumed).toBe(true);
    expect(done.posts).toHaveLength(237);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ complete: true, cache: { resume: null } });
  });

  it('keeps what a rate-limited walk read and fetches the rest on the next run', async () => {
    const items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const server = await blueskyServer(
      () => items,
      (pageNo) => (pageNo === 3 ? { status: 429, headers: { 'ratelimit-reset': String(Math.floor(NOW1 / 1000) + 3600) } } : undefined),
    );
    const partial = await runCached({ server, http: { maxWaitMs: 1000, now: () => NOW1 } });
    expect(partial.source.complete).toBe(false);
    expect(partial.posts).toHaveLength(200);

    const next = await runCached({ server });
    expect(next.source.complete).toBe(true);
    expect(next.source.cache.resumed).toBe(true);
    expect(comparable(next.posts)).toEqual(await runFresh({ server }));
  });
});

describe('a corrupt cache file', () => {
  const damage: [string, (text: string) => string][] = [
    ['cut short (a crash while writing without the temp file)', (t) => t.slice(0, Math.floor(t.length / 2))],
    ['garbage', () => '\u0000\u0001garbage\u00ff'],
    ['empty', () => ''],
    ['another cache version', (t) => t.replace('"version": 1,\n    "platform"', '"version": 99,\n    "platform"')],
    ['another posts format version', (t) => t.replace('"version": 1,\n  "account"', '"version": 7,\n  "account"')],
    ['a post line removed', (t) => t.replace(/\n {4}\{[^\n]*\},(?=\n)/, '')],
    ['a post that fails the schema', (t) => t.replace('"platform":"bluesky"', '"platform":"myspace"')],
    ['a covered stretch that ends before it starts', (t) => t.replace(/"until": "[^"]+"/, '"until": "1999-01-01T00:00:00.000Z"')],
    ['another account in the header', (t) => t.replace('"account": "roadinfobc.example"', '"account": "someone.else"')],
  ];

  it.each(damage)('%s: is reported, removed and fetched again', async (_name, spoil) => {
    const items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const server = await blueskyServer(() => items);
    const file = fileFor(server);
    await runCached({ server });
    const good = await readFile(file, 'utf8');
    const spoiled = spoil(good);
    expect(spoiled).not.toBe(good);
    await writeFile(file, spoiled);

    const before = server.count(BSKY_FEED_PATH);
    const again = await runCached({ server });
    expect(again.source.cache.status).toBe('corrupt');
    expect(again.source.warnings).toEqual([expect.stringMatching(new RegExp(`^cache file ${escape(file)} was corrupt \\(.+\\); fetched again$`))]);
    expect(server.count(BSKY_FEED_PATH) - before).toBe(BSKY_FULL_PAGES);
    expect(comparable(again.posts)).toEqual(await runFresh({ server }));
    // The file was written anew, whole.
    expect((await loadCache(file, cacheKey(parseAccountArg('roadinfobc.example'), server.url))).kind).toBe('ok');
  });
});

describe('atomic writes', () => {
  it('ignores a temporary file a crashed writer left, and removes it once it is old', async () => {
    const items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const server = await blueskyServer(() => items);
    const file = fileFor(server);
    await runCached({ server });
    const leftover = `${file}.99999.0123456789ab.tmp`;
    await writeFile(leftover, '{"format":"social-audit/posts","vers');

    const before = server.count(BSKY_FEED_PATH);
    const later = NOW1 + HOUR;
    const again = await runCached({ server, nowMs: later, window: { sinceMs: SINCE, untilMs: later } });
    expect(again.source.cache.status).toBe('hit');
    expect(again.source.warnings).toEqual([]);
    expect(server.count(BSKY_FEED_PATH) - before).toBe(1);
    // Fresh: kept (another process may be about to rename it).
    expect(await readdir(join(dir, 'bluesky'))).toContain(leftover.split('/').at(-1));

    const old = new Date(Date.now() - 2 * HOUR);
    await utimes(leftover, old, old);
    await runCached({ server, nowMs: later, window: { sinceMs: SINCE, untilMs: later } });
    expect(await readdir(join(dir, 'bluesky'))).toEqual([file.split('/').at(-1)]);
  });

  it('leaves no temporary file behind, keeps the folder private, and the file reads as a posts file', async () => {
    const items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const server = await blueskyServer(() => items);
    const first = await runCached({ server });
    const file = fileFor(server);
    expect(await readdir(join(dir, 'bluesky'))).toEqual([file.split('/').at(-1)]);
    if (process.platform !== 'win32') {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'bluesky'))).mode & 0o777).toBe(0o700);
    }
    // `--input <cache file>` reads the same posts (and more: those just outside the window).
    const source = readNormalized([JSON.parse(await readFile(file, 'utf8'))], file);
    const all: Post[] = [];
    for await (const post of source.posts) all.push(post);
    expect(source.complete).toBe(true);
    expect(source.account?.id).toBe('did:plc:xriq4owvjcejoym7pfjarfm5');
    const inWindow = all.filter((p) => Date.parse(p.createdAt) >= SINCE && Date.parse(p.createdAt) < NOW1);
    expect(comparable(inWindow)).toEqual(comparable(first.posts));
  });

  it('goes on without the cache when the file cannot be written, and says so', async () => {
    const items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const server = await blueskyServer(() => items);
    // A file where the platform's folder should be.
    await writeFile(join(dir, 'bluesky'), 'not a folder');
    const run = await runCached({ server });
    expect(run.posts).toHaveLength(355);
    expect(run.source.cache.saved).toBe(false);
    expect(run.source.warnings).toEqual([expect.stringMatching(/^could not write cache file .+; the next run fetches everything again$/)]);
  });
});

describe('cache files are per account and per API', () => {
  it('never shares a file between two accounts or two base URLs', async () => {
    const otherDid = 'did:plc:othr4owvjcejoym7pfjarfm5';
    const a = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    const b = a.map((_, i) => bskyItems(1, NEWEST - i * 2 * HOUR - 30 * MINUTE, HOUR, 5000 + i)[0] as Record<string, unknown>).map((item) => {
      const post = structuredClone(item.post) as Record<string, unknown> & { uri: string; author: Record<string, unknown> };
      post.uri = post.uri.replace('did:plc:xriq4owvjcejoym7pfjarfm5', otherDid);
      post.author = { did: otherDid, handle: 'other.example' };
      return { post };
    });
    const server = await serve({
      [BSKY_PROFILE_PATH]: (req) =>
        ({ json: req.query.get('actor') === 'other.example' ? bskyProfile(otherDid, 'other.example') : bskyProfile() }),
      [BSKY_FEED_PATH]: (req, base) => bskyFeedRoute(() => (req.query.get('actor') === otherDid ? b : a))(req, base),
    });
    const mirror = await blueskyServer(() => a);

    const one = await runCached({ server });
    const two = await runCached({ server, account: 'other.example' });
    const three = await runCached({ server: mirror });
    const files = new Set([fileFor(server), fileFor(server, 'other.example'), fileFor(mirror)]);
    expect(files.size).toBe(3);
    expect((await readdir(join(dir, 'bluesky'))).length).toBe(3);
    expect(one.posts.every((p) => p.author.id === 'did:plc:xriq4owvjcejoym7pfjarfm5')).toBe(true);
    expect(two.posts.every((p) => p.author.id === otherDid)).toBe(true);
    expect(three.source.cache.status).toBe('miss');

    // The account as named is case-folded: the same file.
    const upper = await runCached({ server, account: 'RoadInfoBC.example', nowMs: NOW1 + HOUR, window: { sinceMs: SINCE, untilMs: NOW1 + HOUR } });
    expect(upper.source.cache.status).toBe('hit');
  });

  it('refetches when the handle now names another account', async () => {
    const items = bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR);
    let did = 'did:plc:xriq4owvjcejoym7pfjarfm5';
    const server = await serve({
      [BSKY_PROFILE_PATH]: () => ({ json: bskyProfile(did) }),
      [BSKY_FEED_PATH]: bskyFeedRoute(() => items),
    });
    await runCached({ server });
    did = 'did:plc:newowner00000000000000000';
    const before = server.count(BSKY_FEED_PATH);
    const again = await runCached({ server });
    expect(again.source.cache.status).toBe('other-account');
    expect(again.source.warnings).toEqual([expect.stringContaining('did:plc:newowner00000000000000000')]);
    expect(server.count(BSKY_FEED_PATH) - before).toBe(BSKY_FULL_PAGES);
  });
});

describe('tokens', () => {
  it('never reach a cache file', async () => {
    const statuses = mastodonStatuses(300, NEWEST, 3 * HOUR);
    const server = await serve({
      [MASTODON_LOOKUP_PATH]: () => ({ json: mastodonAccount() }),
      [MASTODON_TIMELINE_PATH]: mastodonTimelineRoute(() => statuses),
    });
    await runCached({ server, fetcher: fetchMastodon });
    const bsky = await blueskyServer(() => bskyItems(BSKY_COUNT, NEWEST, 2 * HOUR));
    await runCached({ server: bsky });
    // The token was sent: it is in the context, and the server saw it.
    expect(server.requests.some((r) => r.headers.authorization === `Bearer ${TOKENS.mastodon}`)).toBe(true);
    for (const platform of await readdir(dir)) {
      for (const name of await readdir(join(dir, platform))) {
        const text = await readFile(join(dir, platform, name), 'utf8');
        expect(text).not.toContain(TOKENS.mastodon);
        expect(text).not.toContain(TOKENS.x);
        expect(text).not.toMatch(/bearer|authorization/i);
      }
    }
  });
});

describe('the settle margin', () => {
  it('reads the newest minutes again, so a post that reached the feed late is not lost', async () => {
    // The first run's newest post is a minute old.
    let items = bskyItems(BSKY_COUNT, NOW1 - MINUTE, 2 * HOUR);
    const server = await blueskyServer(() => items);
    await runCached({ server });
    // Then a post made 2 minutes before that run reaches the feed late, and 99 new posts follow:
    // the first page ends with the cached newest post; the late one is on the second page.
    const late = bskyItems(1, NOW1 - 2 * MINUTE, MINUTE, 9000);
    const fresh = bskyItems(99, NOW1 + 99 * MINUTE, MINUTE, 8000);
    items = [...fresh, items[0] as Record<string, unknown>, ...late, ...items.slice(1)];
    const before = server.count(BSKY_FEED_PATH);
    const later = NOW1 + 2 * HOUR;
    const again = await runCached({ server, nowMs: later, window: { sinceMs: SINCE, untilMs: later } });
    expect(server.count(BSKY_FEED_PATH) - before).toBe(2);
    expect(again.posts.map((p) => p.text)).toContain('Road update 9000');
    expect(comparable(again.posts)).toEqual(await runFresh({ server, window: { sinceMs: SINCE, untilMs: later } }));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The file's text now, or null; synchronous, so a route can read it while the request waits, as a process dies. */
function readFileSyncSafe(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
