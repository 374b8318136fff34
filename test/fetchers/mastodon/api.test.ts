import { describe, expect, it } from 'vitest';
import { parseAccountArg, type AccountArg } from '../../../src/account.js';
import { InterruptedError, PlatformError, UsageError } from '../../../src/errors.js';
import type { FetchContext } from '../../../src/fetchers/live-types.js';
import { fetchMastodon, MASTODON_PAGE_LIMIT, mastodonTarget, parseLinkHeader, startBefore } from '../../../src/fetchers/mastodon/api.js';
import { readMastodonStatuses } from '../../../src/fetchers/mastodon/status.js';
import { AuthError, RateLimitError, ShapeError, type HttpClientOptions } from '../../../src/http/client.js';
import { targetTimeMs } from '../../../src/metrics/response-latency.js';
import { PostSchema } from '../../../src/model/post.js';
import { failure, liveRigs, mastodonHeaders, mastodonJson, mastodonRig, pageReply, rateLimited, type MastodonRig } from '../../helpers/live.js';
import type { Reply, Route, TestServer } from '../../helpers/server.js';
import { drain } from '../reader-helpers.js';

const TOKEN = 'TEST-TOKEN-do-not-print-7f3a';
const ACCOUNT_ID = '109309888516521974';
const LOOKUP = '/api/v1/accounts/lookup';
const TIMELINE = `/api/v1/accounts/${ACCOUNT_ID}/statuses`;
/** `max_id` of the reference page 1's `rel="next"` link (R1, the page's last status). */
const PAGE2_MAX_ID = '117122681112519440';
/** The 30 days up to 2026-08-21: both reference pages fall inside. */
const WINDOW = { sinceMs: Date.parse('2026-07-22T00:00:00Z'), untilMs: Date.parse('2026-08-21T00:00:00Z') };

const ALL_IDS = [
  '117128603805998333', // R3
  '117128477375703117', // T4
  '117125126570058621', // T3
  '117124133684302080', // R2
  '117123593032824199', // Q1
  '117123278685776562', // RT1
  '117123249870980973', // T2
  '117122681112519440', // R1
  '117122551831667953', // T1
  '117118874446251577', // P0
];

interface Fixtures {
  lookup: unknown;
  page1: unknown[];
  page2: unknown[];
  page1Headers: Record<string, string>;
  page2Headers: Record<string, string>;
  error404: unknown;
  error429: unknown;
  error429Headers: Record<string, string>;
}

async function loadFixtures(): Promise<Fixtures> {
  return {
    lookup: await mastodonJson('api/account-lookup.json'),
    page1: (await mastodonJson('statuses.page1.json')) as unknown[],
    page2: (await mastodonJson('statuses.page2.json')) as unknown[],
    page1Headers: await mastodonHeaders('api/statuses.page1.headers.txt'),
    page2Headers: await mastodonHeaders('api/statuses.page2.headers.txt'),
    error404: await mastodonJson('api/error-404.json'),
    error429: await mastodonJson('api/error-429.json'),
    error429Headers: await mastodonHeaders('api/error-429.headers.txt'),
  };
}

interface Routes {
  lookup?: Route;
  page1?: Route;
  page2?: Route;
}

type Harness = MastodonRig & { f: Fixtures };

const openRig = liveRigs();

/** A local server answering the lookup and the two reference pages (overridable), and a context pointed at it. */
async function harness(
  opts: { routes?: (f: Fixtures) => Routes; token?: string; window?: FetchContext['window']; client?: HttpClientOptions } = {},
): Promise<Harness> {
  const f = await loadFixtures();
  const routes = opts.routes?.(f) ?? {};
  const lookup: Route = routes.lookup ?? (() => ({ json: f.lookup }));
  const page1: Route = routes.page1 ?? ((_req, base) => pageReply(f.page1, f.page1Headers, base));
  const page2: Route = routes.page2 ?? ((_req, base) => pageReply(f.page2, f.page2Headers, base));
  const rig = await mastodonRig(
    openRig,
    {
      [LOOKUP]: lookup,
      [TIMELINE]: (req, base) => {
        // The first request starts at the window's end (a max_id above every reference status);
        // the reference next link asks for page 2.
        const maxId = req.query.get('max_id');
        if (maxId === PAGE2_MAX_ID) return page2(req, base);
        if (maxId === null || BigInt(maxId) > BigInt(ALL_IDS[0] ?? '0')) return page1(req, base);
        return { status: 404, json: f.error404 };
      },
    },
    { window: opts.window ?? WINDOW, token: opts.token, client: opts.client },
  );
  return { ...rig, f };
}

const ROAD_INFO: AccountArg = parseAccountArg('@RoadInfoBC@mstdn.bc.example');

/** Runs the fetch to the end and returns the source and its posts. */
async function fetchAll(h: Harness, account: AccountArg = ROAD_INFO) {
  const source = await fetchMastodon(account, h.ctx);
  const posts = await drain(source.posts);
  return { source, posts };
}

/** The requests the server saw, as `path?query` lines, for exact request-count assertions. */
const seen = (server: TestServer): string[] => server.requests.map((r) => r.url);

/** Everything the tool could print, joined: to check that the token never shows. */
function printable(h: Harness, extra: unknown[] = []): string {
  return JSON.stringify([h.progress, h.events, ...extra]);
}

describe('parseLinkHeader', () => {
  const base = 'https://mstdn.bc.example/api/v1/accounts/1/statuses?limit=40';

  it('reads the reference header: next and prev', () => {
    const links = parseLinkHeader(
      '<https://mstdn.bc.example/api/v1/accounts/109309888516521974/statuses?limit=8&max_id=117122681112519440>; rel="next", <https://mstdn.bc.example/api/v1/accounts/109309888516521974/statuses?limit=8&min_id=117128603805998333>; rel="prev"',
      base,
    );
    expect(links.get('next')).toBe('https://mstdn.bc.example/api/v1/accounts/109309888516521974/statuses?limit=8&max_id=117122681112519440');
    expect(links.get('prev')).toBe('https://mstdn.bc.example/api/v1/accounts/109309888516521974/statuses?limit=8&min_id=117128603805998333');
  });

  it('tolerates unquoted and upper-case rel, spacing, rel lists and other parameters holding commas and semicolons', () => {
    const links = parseLinkHeader(
      ' < https://h.example/a?max_id=1 >;REL=Next ,<https://h.example/b>  ;  title="older, or; not"; rel="prev last",<https://h.example/c>; rel=next',
      base,
    );
    expect(links.get('next')).toBe('https://h.example/a?max_id=1');
    expect(links.get('prev')).toBe('https://h.example/b');
    expect(links.get('last')).toBe('https://h.example/b');
  });

  it('resolves a relative link against the request URL and skips entries it cannot read', () => {
    const links = parseLinkHeader('<http://[::1>; rel="next", <nope>; title="no rel", </api/v1/accounts/1/statuses?max_id=9>; rel="next"', base);
    expect(links.get('next')).toBe('https://mstdn.bc.example/api/v1/accounts/1/statuses?max_id=9');
    expect(links.size).toBe(1);
  });

  it('reads two Link header lines joined with a comma, and nothing from an empty or junk header', () => {
    expect(parseLinkHeader('<https://h.example/p>; rel="prev", <https://h.example/n>; rel="next"', base).get('next')).toBe('https://h.example/n');
    expect(parseLinkHeader('', base).size).toBe(0);
    expect(parseLinkHeader('rel="next"', base).size).toBe(0);
  });
});

describe('mastodonTarget', () => {
  it("asks the account's home server for plain `user` when there is no --api-url", () => {
    expect(mastodonTarget(ROAD_INFO, null)).toEqual({
      baseUrl: 'https://mstdn.bc.example',
      acct: 'RoadInfoBC',
      user: 'RoadInfoBC',
      server: 'mstdn.bc.example',
    });
  });

  it('sends `user@server` to an --api-url on another host, and plain `user` when the URL is that server', () => {
    expect(mastodonTarget(ROAD_INFO, 'http://127.0.0.1:9999').acct).toBe('RoadInfoBC@mstdn.bc.example');
    const same = mastodonTarget(ROAD_INFO, 'https://MSTDN.bc.example/');
    expect(same).toMatchObject({ baseUrl: 'https://MSTDN.bc.example', acct: 'RoadInfoBC' });
  });

  it('takes a bare @user with --api-url, and refuses it without one', () => {
    const bare = parseAccountArg('@RoadInfoBC', 'mastodon');
    expect(mastodonTarget(bare, 'http://127.0.0.1:9999')).toMatchObject({ acct: 'RoadInfoBC', server: null });
    const err = (() => {
      try {
        mastodonTarget(bare, null);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a UsageError');
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/@RoadInfoBC@server/);
    expect(err.message).toMatch(/--api-url/);
  });

  it('refuses an --api-url that is not a URL', () => {
    expect(() => mastodonTarget(ROAD_INFO, 'not a url')).toThrow(UsageError);
  });
});

describe('fetchMastodon against a local server', () => {
  it('resolves the account, then follows the Link header: 1 lookup + 2 pages', async () => {
    const h = await harness();
    const { source, posts } = await fetchAll(h);

    expect(seen(h.server)).toEqual([
      `${LOOKUP}?acct=RoadInfoBC%40mstdn.bc.example`,
      `${TIMELINE}?limit=${MASTODON_PAGE_LIMIT}${startBefore(ACCOUNT_ID, WINDOW.untilMs)}`,
      // Exactly the reference `next` link (its own limit and max_id), moved to the test server.
      `${TIMELINE}?limit=8&max_id=${PAGE2_MAX_ID}`,
    ]);
    expect(source.requests?.()).toBe(3);
    expect(source).toMatchObject({ format: 'mastodon-api', sourceKind: 'api', complete: true, warnings: [] });
    expect(source.account).toEqual({
      platform: 'mastodon',
      id: ACCOUNT_ID,
      handle: 'RoadInfoBC@mstdn.bc.example',
      displayName: 'RoadInfo BC',
      website: 'https://roadinfobc.example',
      url: 'https://mstdn.bc.example/@RoadInfoBC',
    });
    expect(posts.map((p) => p.id)).toEqual(ALL_IDS);
    for (const post of posts) expect(PostSchema.safeParse(post).success).toBe(true);
    expect(source.stats.skipped).toBe(0);
    // No token set: no Authorization header at all.
    expect(h.server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(h.progress).toEqual([
      `Mastodon: looking up @RoadInfoBC@mstdn.bc.example on ${h.server.url}`,
      'Mastodon: page 1, 8 posts, back to 2026-08-19T14:38:05.530Z',
      'Mastodon: page 2, 2 posts, back to 2026-08-18T22:30:00.412Z',
    ]);
  });

  it('gives the same posts as the offline reader on the same pages', async () => {
    const h = await harness();
    const { posts } = await fetchAll(h);
    const offline = await drain(readMastodonStatuses([[h.f.page1, h.f.page2]], 'statuses.json').posts);
    expect(posts).toEqual(offline);
  });

  it("stops after page 1 when that page already reaches back past the window's start: 1 lookup + 1 page", async () => {
    // Page 1's oldest status is R1, 2026-08-19T14:38:05.530Z.
    const h = await harness({ window: { sinceMs: Date.parse('2026-08-19T15:00:00Z'), untilMs: WINDOW.untilMs } });
    const { source, posts } = await fetchAll(h);
    expect(h.server.count(LOOKUP)).toBe(1);
    expect(h.server.count(TIMELINE)).toBe(1);
    expect(source.requests?.()).toBe(2);
    expect(posts.map((p) => p.id)).toEqual(ALL_IDS.slice(0, 8));
    expect(source.complete).toBe(true);
  });

  it('sends MASTODON_TOKEN as a Bearer token on every request when set, and never prints it', async () => {
    const h = await harness({ token: TOKEN });
    const { source } = await fetchAll(h);
    expect(h.server.requests).toHaveLength(3);
    for (const r of h.server.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(printable(h, [source.warnings, source.account, source.stats])).not.toContain(TOKEN);
  });

  it("leaves reply targets to their ids: their times decode (id >> 16) and no status is ever requested", async () => {
    const h = await harness();
    const { posts } = await fetchAll(h);
    const byId = new Map(posts.map((p) => [p.id, p]));
    const targetMs = (id: string): number | null => {
      const ref = byId.get(id)?.replyTo;
      return ref ? targetTimeMs(ref, 'mastodon') : null;
    };
    // Local parents: the id time is created_at to the millisecond.
    expect(targetMs('117128603805998333')).toBe(Date.parse('2026-08-20T15:20:55.733Z')); // R3 → M3
    expect(targetMs('117122681112519440')).toBe(Date.parse('2026-08-19T14:21:40.207Z')); // R1 → M1
    expect(targetMs('117123249870980973')).toBe(Date.parse('2026-08-19T14:05:12.861Z')); // T2 → T1
    // M2 is a local copy of a remote post: right second, random milliseconds.
    expect(Math.abs((targetMs('117124133684302080') ?? 0) - Date.parse('2026-08-19T19:05:11.902Z'))).toBeLessThan(1000);
    expect(h.server.count(/^\/api\/v1\/statuses/)).toBe(0);
    expect(h.server.requests).toHaveLength(3);
    // A boost is dated at the boost; the boosted post keeps its own time.
    expect(byId.get('117123278685776562')).toMatchObject({
      createdAt: '2026-08-19T17:10:03.774Z',
      repostOf: { createdAt: '2026-08-19T16:48:27.118Z' },
    });
  });

  it('asks for plain `user` when --api-url is the handle\'s own server', async () => {
    const h = await harness();
    const host = new URL(h.server.url).host;
    const { source } = await fetchAll(h, parseAccountArg(`@RoadInfoBC@${host}`));
    expect(h.server.requests[0]?.url).toBe(`${LOOKUP}?acct=RoadInfoBC`);
    expect(source.account?.handle).toBe(`RoadInfoBC@${host}`);
  });

  it('takes a bare @user with --api-url, naming it by the server in its profile URL', async () => {
    const h = await harness();
    const { source, posts } = await fetchAll(h, parseAccountArg('@RoadInfoBC', 'mastodon'));
    expect(h.server.requests[0]?.url).toBe(`${LOOKUP}?acct=RoadInfoBC`);
    expect(source.account?.handle).toBe('RoadInfoBC@mstdn.bc.example');
    expect(posts).toHaveLength(10);
  });

  it('warns when the server asked holds only a remote copy of the account', async () => {
    const h = await harness({
      routes: (f) => ({ lookup: () => ({ json: { ...(f.lookup as object), acct: 'RoadInfoBC@mstdn.bc.example' } }) }),
    });
    const { source } = await fetchAll(h);
    expect(source.account?.handle).toBe('RoadInfoBC@mstdn.bc.example');
    expect(source.warnings).toEqual([expect.stringMatching(/remote account .*home server/)]);
    expect(source.complete).toBe(true);
  });

  it('an unknown account (404 Record not found) is a UsageError after one request', async () => {
    const h = await harness({ routes: (f) => ({ lookup: () => ({ status: 404, json: f.error404 }) }) });
    const err = await failure(fetchAll(h, parseAccountArg('@Nobody@mstdn.bc.example')));
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect(err.message).toMatch(/^no such Mastodon account @Nobody@mstdn\.bc\.example/);
    expect(seen(h.server)).toEqual([`${LOOKUP}?acct=Nobody%40mstdn.bc.example`]);
  });

  it('a 404 that is not a Mastodon error body says the URL does not answer the API', async () => {
    const h = await harness({ routes: () => ({ lookup: () => ({ status: 404, body: '<!doctype html><p>Not here</p>' }) }) });
    const err = await failure(fetchAll(h));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toMatch(/does not answer the Mastodon API/);
  });

  it('a bare @user without --api-url is a UsageError before any request', async () => {
    const h = await harness();
    const err = await failure(fetchMastodon(parseAccountArg('@RoadInfoBC', 'mastodon'), { ...h.ctx, apiUrl: null }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/--api-url/);
    expect(h.server.requests).toHaveLength(0);
  });

  it('a rejected token (401) is an AuthError whose message never holds the token, even when the server echoes it', async () => {
    const h = await harness({
      token: TOKEN,
      routes: () => ({ lookup: () => ({ status: 401, json: { error: `The access token ${TOKEN} is invalid` } }) }),
    });
    const err = await failure(fetchAll(h));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/token rejected \(HTTP 401/);
    expect(err.message).toMatch(/MASTODON_TOKEN/);
    expect(err.message).not.toContain(TOKEN);
    expect(printable(h)).not.toContain(TOKEN);
    expect(h.server.requests).toHaveLength(1);
  });

  it('without a token, a server that wants one (401) is a UsageError saying to set MASTODON_TOKEN', async () => {
    const h = await harness({
      routes: () => ({ lookup: () => ({ status: 401, json: { error: 'This API requires an authenticated user' } }) }),
    });
    const err = await failure(fetchAll(h));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/only for signed-in callers \(HTTP 401: This API requires an authenticated user\); set MASTODON_TOKEN/);
  });

  it('with a token, a 401 on a timeline page is an AuthError too', async () => {
    const h = await harness({
      token: TOKEN,
      routes: () => ({ page1: () => ({ status: 401, json: { error: 'This API requires an authenticated user' } }) }),
    });
    const err = await failure(fetchAll(h));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).not.toContain(TOKEN);
  });

  it('waits out a 429 until its ISO X-RateLimit-Reset (2 s ahead), then goes on', async () => {
    const now = Date.parse('2026-08-20T16:10:00Z');
    const sleeps: number[] = [];
    const h = await harness({
      token: TOKEN,
      client: { now: () => now, sleep: async (ms) => void sleeps.push(ms) },
      routes: (f) => {
        const replies = [rateLimited(f, now + 2000)];
        return { page1: (req, base) => replies.shift() ?? pageReply(f.page1, f.page1Headers, base) };
      },
    });
    const { source, posts } = await fetchAll(h);
    // Reset + 1 s margin (the client's), computed from the ISO header with microseconds.
    expect(sleeps).toEqual([3000]);
    expect(h.events.filter((e) => e.type === 'rate-limit')).toHaveLength(1);
    expect(seen(h.server)).toEqual([
      `${LOOKUP}?acct=RoadInfoBC%40mstdn.bc.example`,
      `${TIMELINE}?limit=40${startBefore(ACCOUNT_ID, WINDOW.untilMs)}`,
      `${TIMELINE}?limit=40${startBefore(ACCOUNT_ID, WINDOW.untilMs)}`,
      `${TIMELINE}?limit=8&max_id=${PAGE2_MAX_ID}`,
    ]);
    expect(source.requests?.()).toBe(4);
    expect(posts).toHaveLength(10);
    expect(source.complete).toBe(true);
  });

  it('retries a 503 twice (backoff) and goes on: 1 lookup + 3 tries + 1 page', async () => {
    const h = await harness({
      routes: (f) => {
        const busy: Reply = { status: 503, json: { error: 'Service Unavailable' } };
        const replies = [busy, busy];
        return { page1: (req, base) => replies.shift() ?? pageReply(f.page1, f.page1Headers, base) };
      },
    });
    const { source, posts } = await fetchAll(h);
    expect(h.server.count(TIMELINE)).toBe(4);
    expect(source.requests?.()).toBe(5);
    expect(h.events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect(posts.map((p) => p.id)).toEqual(ALL_IDS);
  });

  it('retries a connection reset in the middle of a page body', async () => {
    const h = await harness({
      routes: (f) => {
        let first = true;
        return {
          page1: (req, base) => {
            if (!first) return pageReply(f.page1, f.page1Headers, base);
            first = false;
            return { action: 'reset-mid-body', partial: '[{"id":"117128603805998333","created_at":"2026-08-' };
          },
        };
      },
    });
    const { source, posts } = await fetchAll(h);
    expect(source.requests?.()).toBe(4);
    expect(posts).toHaveLength(10);
  });

  it('a page that is not an array of statuses is a fatal ShapeError', async () => {
    const h = await harness({ routes: () => ({ page1: () => ({ json: { statuses: [] } }) }) });
    const source = await fetchMastodon(ROAD_INFO, h.ctx);
    const err = await failure(drain(source.posts));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toMatch(/a JSON object instead of an array of statuses \(page 1\)/);
  });

  it('a status that fails the schema is skipped and counted; the rest of the page is kept', async () => {
    const h = await harness({
      routes: (f) => ({
        page1: (req, base) => {
          const page = structuredClone(f.page1) as Record<string, unknown>[];
          page[1] = { ...page[1], created_at: 'yesterday' };
          page[2] = 'not a status' as unknown as Record<string, unknown>;
          return pageReply(page, f.page1Headers, base);
        },
      }),
    });
    const { source, posts } = await fetchAll(h);
    expect(posts.map((p) => p.id)).toEqual(ALL_IDS.filter((_, i) => i !== 1 && i !== 2));
    expect(source.stats.skipped).toBe(2);
    expect(source.stats.skippedExamples[0]).toMatch(/^page 1 status 1 117128477375703117: created_at/);
    expect(source.complete).toBe(true);
    expect(h.server.count(TIMELINE)).toBe(2);
  });

  it('Ctrl-C while a page is on its way ends in InterruptedError', async () => {
    let h!: Harness;
    h = await harness({
      routes: () => ({
        page2: () => {
          setTimeout(() => h.controller.abort(), 10);
          return { action: 'hang' };
        },
      }),
    });
    const source = await fetchMastodon(ROAD_INFO, h.ctx);
    const read: string[] = [];
    const err = await failure(
      (async () => {
        for await (const post of source.posts) read.push(post.id);
      })(),
    );
    expect(err).toBeInstanceOf(InterruptedError);
    expect(read).toEqual(ALL_IDS.slice(0, 8));
  });

  it('a rate limit longer than --max-wait after page 1 keeps page 1 and marks the fetch incomplete', async () => {
    const now = Date.parse('2026-08-20T16:10:00Z');
    const h = await harness({
      token: TOKEN,
      client: { now: () => now, maxWaitMs: 60_000 },
      routes: (f) => ({ page2: () => rateLimited(f, now + 3_600_000) }),
    });
    const { source, posts } = await fetchAll(h);
    expect(posts.map((p) => p.id)).toEqual(ALL_IDS.slice(0, 8));
    expect(source.complete).toBe(false);
    expect(source.warnings).toEqual([expect.stringMatching(/^fetching stopped early: .*rate-limited until 2026-08-20T17:10:00\.000Z.*--max-wait/)]);
    expect(source.requests?.()).toBe(3);
    expect(printable(h, [source.warnings])).not.toContain(TOKEN);
  });

  it('a rate limit longer than --max-wait on the lookup is an error: there is nothing to report', async () => {
    const now = Date.parse('2026-08-20T16:10:00Z');
    const h = await harness({
      client: { now: () => now, maxWaitMs: 60_000 },
      routes: (f) => ({ lookup: () => rateLimited(f, now + 3_600_000) }),
    });
    const err = await failure(fetchAll(h));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(h.server.requests).toHaveLength(1);
  });

  it('does not follow a next link to another origin (the token stays with --api-url) and says the fetch is partial', async () => {
    // The reference Link header as is: it points at https://mstdn.bc.example, not the test server.
    const h = await harness({ token: TOKEN, routes: (f) => ({ page1: (req, base) => pageReply(f.page1, f.page1Headers, base, false) }) });
    const { source, posts } = await fetchAll(h);
    expect(posts).toHaveLength(8);
    expect(source.requests?.()).toBe(2);
    expect(source.complete).toBe(false);
    expect(source.warnings).toEqual([expect.stringMatching(/next-page link \(page 1\) points to https:\/\/mstdn\.bc\.example, not http:\/\/127\.0\.0\.1/)]);
  });

  it('a full page without any Link header is read as the end, but said to be possibly partial', async () => {
    const fullPage = (f: Fixtures): unknown[] =>
      Array.from({ length: MASTODON_PAGE_LIMIT }, (_, i) => ({
        ...(f.page1[1] as object),
        id: String(117128477375703117n - BigInt(i)),
      }));
    const h = await harness({ routes: (f) => ({ page1: () => ({ json: fullPage(f) }) }) });
    const { source, posts } = await fetchAll(h);
    expect(posts).toHaveLength(MASTODON_PAGE_LIMIT);
    expect(source.requests?.()).toBe(2);
    expect(source.complete).toBe(false);
    expect(source.warnings).toEqual([expect.stringMatching(/page 1 was full but came without a Link header/)]);

    // When that page already reaches back past the window's start, nothing is missing.
    const h2 = await harness({
      window: { sinceMs: Date.parse('2026-08-20T16:00:00Z'), untilMs: WINDOW.untilMs },
      routes: (f) => ({ page1: () => ({ json: fullPage(f) }) }),
    });
    const second = await fetchAll(h2);
    expect(second.source.complete).toBe(true);
    expect(second.source.warnings).toEqual([]);
  });

  it('an account with no posts: one empty page, complete', async () => {
    const h = await harness({ routes: () => ({ page1: () => ({ json: [] }) }) });
    const { source, posts } = await fetchAll(h);
    expect(posts).toEqual([]);
    expect(source.complete).toBe(true);
    expect(source.requests?.()).toBe(2);
  });
});

describe('starting a past window at its end (max_id from the snowflake of untilMs)', () => {
  it('is (untilMs + 60 s) << 16 for a Mastodon snowflake account id, and nothing for other ids', () => {
    const until = Date.parse('2026-08-19T15:00:00.000Z');
    // (1787151600000 + 60000) << 16 = 1787151660000 × 65536
    expect(startBefore(ACCOUNT_ID, until)).toBe(`&max_id=${(1787151660000n * 65536n).toString()}`);
    expect(startBefore('01HQZ3K8W5X2M4N6P8R0S2T4V6', until)).toBe(''); // GoToSocial ULID
    expect(startBefore('AbCdEf123', until)).toBe(''); // Pleroma flake id
    expect(startBefore('42', until)).toBe(''); // pre-snowflake counter
  });

  it('an old window is read with one timeline page, not every page since', async () => {
    const f = await loadFixtures();
    // A server that filters by max_id as Mastodon does: statuses with a smaller id, newest first.
    const all = [...(f.page1 as { id: string }[]), ...(f.page2 as { id: string }[])];
    const { server, ctx } = await openRig(
      {
        [LOOKUP]: () => ({ json: f.lookup }),
        [TIMELINE]: (req) => {
          const maxId = BigInt(req.query.get('max_id') ?? '99999999999999999999');
          return { json: all.filter((s) => BigInt(s.id) < maxId).slice(0, 40) };
        },
      },
      // 19 August 14:00-15:00: only R1 (14:38:05.530) and T1 (14:05:12.861) are in it
      { window: { sinceMs: Date.parse('2026-08-19T14:00:00Z'), untilMs: Date.parse('2026-08-19T15:00:00Z') }, tokens: {}, client: { backoffMs: 5 } },
    );
    const source = await fetchMastodon(parseAccountArg('@RoadInfoBC@mstdn.bc.example'), ctx);
    const ids: string[] = [];
    for await (const post of source.posts) ids.push(post.id);
    // the page starts just after the window's end: R1, T1, then P0 (before the window) ends the walk
    expect(ids).toEqual(['117122681112519440', '117122551831667953', '117118874446251577']);
    expect(server.count(TIMELINE)).toBe(1);
  });
});
