import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuditError, InterruptedError, PlatformError, UsageError } from '../../../src/errors.js';
import type { FetchContext } from '../../../src/fetchers/live-types.js';
import type { InputSource } from '../../../src/fetchers/types.js';
import { fetchX, timelineBounds, X_EARLIEST_TIME_MS, xTime } from '../../../src/fetchers/x/api.js';
import { readXv2 } from '../../../src/fetchers/x/v2.js';
import { parseAccountArg } from '../../../src/account.js';
import { AuthError, RateLimitError, ShapeError, type HttpClientOptions } from '../../../src/http/client.js';
import { PostSchema, type Post } from '../../../src/model/post.js';
import { expectNoSecret, failure, liveRigs, type LiveRig } from '../../helpers/live.js';
import { sequence, type Reply, type Route, type TestServer } from '../../helpers/server.js';

/**
 * The live X fetcher against a real HTTP server on 127.0.0.1 that serves the reference pages
 * (fixtures/x/v2, fixtures/x/api). Every test counts the requests it expects.
 */

const TOKEN = 'TEST-TOKEN-do-not-print-7f3a';
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const PAGE1 = json('fixtures/x/v2/user-tweets.page1.json');
const PAGE2 = json('fixtures/x/v2/user-tweets.page2.json');
const NOT_FOUND = json('fixtures/x/v2/user-lookup.not-found.json');
const LOOKUP = json('fixtures/x/api/user-lookup.json');
const ERROR_401 = json('fixtures/x/api/error-401.json');
const ERROR_429 = json('fixtures/x/api/error-429.json');
const USAGE_CAPPED = json('fixtures/x/api/error-usage-capped-429.json');
const CREDITS_402 = json('fixtures/x/api/error-credits-402.json');
const NEXT1 = (PAGE1.meta as { next_token: string }).next_token;

/** Response headers from a `.headers.txt` fixture (the lines after the status line). */
function headersOf(path: string): Record<string, string> {
  const lines = readFileSync(path, 'utf8').split('\n').slice(1);
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([\w-]+):\s*(.*)$/.exec(line.trim());
    if (m) out[m[1]!.toLowerCase()] = m[2]!;
  }
  return out;
}

const LOOKUP_PATH = '/2/users/by/username/RoadInfoBC';
const TIMELINE_PATH = '/2/users/289134506/tweets';
const ACCOUNT = parseAccountArg('@RoadInfoBC');
/** August 2026, all in the past: both time bounds are sent. */
const AUGUST = { sinceMs: Date.parse('2026-08-01T00:00:00Z'), untilMs: Date.parse('2026-09-01T00:00:00Z') };

/** The lookup with another `tweet_count`. */
function lookupWith(tweetCount: number): Record<string, unknown> {
  const data = LOOKUP.data as Record<string, unknown>;
  return { data: { ...data, public_metrics: { ...(data.public_metrics as object), tweet_count: tweetCount } } };
}

/** The answer to the 3,200-cap check when X does serve an older post. */
const OLDER_POST: Reply = {
  json: { data: [{ id: '2083000000000000000', text: 'older', created_at: '2026-07-30T10:00:00.000Z' }], meta: { result_count: 1, next_token: 'older-2' } },
};
const NO_OLDER_POST: Reply = { json: { meta: { result_count: 0 } } };

const isCheck = (query: URLSearchParams) => query.get('max_results') === '5';

/**
 * The timeline route: the cap check (`max_results=5`) gets `check`; the walk gets `walk`, or by
 * default the page whose `pagination_token` it names (`''` for the first page).
 */
function timeline(walk: Route | Record<string, Record<string, unknown>>, check: Reply = OLDER_POST): Route {
  return (req, base) => {
    if (isCheck(req.query)) return check;
    if (typeof walk === 'function') return walk(req, base);
    const page = walk[req.query.get('pagination_token') ?? ''];
    return page ? { json: page } : { status: 400, json: { title: 'Invalid Request', detail: 'unknown pagination_token' } };
  };
}

const TWO_PAGES = { '': PAGE1, [NEXT1]: PAGE2 };

const openRig = liveRigs();

type Harness = LiveRig;

async function harness(
  routes: Record<string, Route>,
  opts: { window?: FetchContext['window']; client?: HttpClientOptions; token?: string | undefined; signal?: AbortSignal } = {},
): Promise<Harness> {
  return openRig(routes, {
    window: opts.window ?? AUGUST,
    tokens: { x: 'token' in opts ? opts.token : TOKEN },
    client: { backoffMs: 5, ...opts.client },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

async function drain(source: InputSource): Promise<Post[]> {
  const posts: Post[] = [];
  for await (const post of source.posts) posts.push(post);
  return posts;
}

/** Asserts that nothing the user can see carries the token. */
const expectNoToken = (h: Harness, source: InputSource | null, err?: Error): void => expectNoSecret(TOKEN, h, source, err);

const walkRequests = (s: TestServer) => s.requests.filter((r) => r.path === TIMELINE_PATH && !isCheck(r.query));
const checkRequests = (s: TestServer) => s.requests.filter((r) => r.path === TIMELINE_PATH && isCheck(r.query));

describe('fetchX: the account and its timeline', () => {
  it('resolves the account and walks page 1 + page 2: 1 lookup, 2 pages, 1 cap check', async () => {
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: LOOKUP }), [TIMELINE_PATH]: timeline(TWO_PAGES) });
    const source = await fetchX(ACCOUNT, h.ctx);
    expect(source.format).toBe('x-api-v2');
    expect(source.sourceKind).toBe('api');
    expect(source.account).toEqual({
      platform: 'x',
      id: '289134506',
      handle: 'RoadInfoBC',
      displayName: 'RoadInfo BC',
      website: 'https://roadinfobc.example',
      url: 'https://x.com/RoadInfoBC',
    });
    expect(h.server.requests).toHaveLength(1); // the timeline is fetched lazily

    const posts = await drain(source);
    expect(posts).toHaveLength(10);
    expect(posts.map((p) => p.id)).toEqual([
      ...(PAGE1.data as { id: string }[]).map((t) => t.id),
      ...(PAGE2.data as { id: string }[]).map((t) => t.id),
    ]);
    for (const p of posts) {
      expect(PostSchema.safeParse(p).success).toBe(true);
      expect(p.author).toEqual({ id: '289134506', handle: 'RoadInfoBC' });
      expect(p.url).toBe(`https://x.com/RoadInfoBC/status/${p.id}`);
    }
    expect(source.complete).toBe(true);
    expect(source.warnings).toEqual([]);
    expect(source.stats.skipped).toBe(0);

    // 58,214 posts in all is over the 3,200 cap: one small request checks that older posts are in reach.
    expect(h.server.count(LOOKUP_PATH)).toBe(1);
    expect(walkRequests(h.server)).toHaveLength(2);
    expect(checkRequests(h.server)).toHaveLength(1);
    expect(h.server.requests).toHaveLength(4);
    expect(source.requests?.()).toBe(4);

    const [lookup, first, second] = h.server.requests;
    expect(lookup!.query.get('user.fields')).toBe('created_at,description,entities,url,public_metrics,verified,protected');
    expect(Object.fromEntries(first!.query)).toEqual({
      max_results: '100',
      start_time: '2026-08-01T00:00:00Z',
      end_time: '2026-09-01T00:00:00Z',
      'tweet.fields': 'created_at,conversation_id,in_reply_to_user_id,referenced_tweets,entities,public_metrics,author_id,note_tweet',
      expansions: 'referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id',
      'user.fields': 'username',
    });
    expect(second!.query.get('pagination_token')).toBe(NEXT1);
    expect(Object.fromEntries(checkRequests(h.server)[0]!.query)).toEqual({
      max_results: '5',
      end_time: '2026-08-01T00:00:00Z',
      'tweet.fields': 'created_at',
    });
    for (const r of h.server.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);

    expect(h.progress).toContain('X: @RoadInfoBC resolved (id 289134506, 58214 posts in all)');
    expect(h.progress).toContain('X: page 1, 8 posts, back to 2026-08-19');
    expect(h.progress).toContain('X: page 2, 10 posts, back to 2026-08-18');
    expectNoToken(h, source);
  });

  it('makes exactly 1 lookup + 2 page requests for an account with at most 3,200 posts', async () => {
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: lookupWith(3200) }), [TIMELINE_PATH]: timeline(TWO_PAGES) });
    const source = await fetchX(ACCOUNT, h.ctx);
    expect(await drain(source)).toHaveLength(10);
    expect(h.server.requests.map((r) => r.path)).toEqual([LOOKUP_PATH, TIMELINE_PATH, TIMELINE_PATH]);
    expect(h.http.requests).toBe(3);
    expect(source.complete).toBe(true);
  });

  it('gives the same posts as the offline reader of the same pages', async () => {
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: LOOKUP }), [TIMELINE_PATH]: timeline(TWO_PAGES) });
    const live = await drain(await fetchX(ACCOUNT, h.ctx));
    const offline = await drain(readXv2([PAGE1, PAGE2], 'saved.jsonl'));
    expect(live).toEqual(offline);
  });

  it('takes reply targets\' times from includes and ids: no request for them', async () => {
    // R3 replies to M3 (in includes.tweets); a second reply's parent is missing from includes and
    // the page reports it as a partial error (deleted): its time is left to the id.
    const R3 = (PAGE1.data as Record<string, unknown>[])[0]!;
    const orphan = {
      id: '2090470000000000000',
      text: '@someone we have passed this on',
      author_id: '289134506',
      created_at: '2026-08-20T16:04:21.000Z',
      in_reply_to_user_id: '1111111111',
      referenced_tweets: [{ type: 'replied_to', id: '2090469544653410304' }],
    };
    const page = {
      data: [orphan, R3],
      includes: PAGE1.includes,
      errors: [{ resource_id: '2090469544653410304', resource_type: 'tweet', title: 'Not Found Error', detail: 'Could not find tweet with referenced_tweets.id: [2090469544653410304].', type: 'https://api.x.com/2/problems/resource-not-found' }],
      meta: { result_count: 2 },
    };
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: lookupWith(100) }), [TIMELINE_PATH]: timeline({ '': page }) });
    const source = await fetchX(ACCOUNT, h.ctx);
    const posts = await drain(source);
    expect(posts.map((p) => p.replyTo)).toEqual([
      {
        id: '2090469544653410304',
        url: 'https://x.com/i/web/status/2090469544653410304',
        author: { id: '1111111111', handle: null },
        createdAt: null,
      },
      {
        id: '2090459069734666240',
        url: 'https://x.com/peachland_pete/status/2090459069734666240',
        author: { id: '1404259985126469632', handle: 'peachland_pete' },
        createdAt: '2026-08-20T15:20:55.733Z',
      },
    ]);
    expect(h.server.count(/^\/2\/tweets/)).toBe(0);
    expect(h.server.requests).toHaveLength(2);
    expect(source.warnings).toHaveLength(1);
    expect(source.warnings[0]).toMatch(/^X withheld 1 referenced post\(s\).*Could not find tweet/);
    expect(source.complete).toBe(true);
  });

  it('takes the website from url when entities has no expanded link, and warns when it is a t.co link', async () => {
    const data = { ...(LOOKUP.data as Record<string, unknown>), entities: {}, public_metrics: { tweet_count: 10 } };
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: { data } }), [TIMELINE_PATH]: timeline({ '': PAGE2 }) });
    const source = await fetchX(ACCOUNT, h.ctx);
    expect(source.account?.website).toBe('https://t.co/GXJMB8umBM');
    expect(source.warnings[0]).toMatch(/^The profile website is a t\.co short link/);
  });

  it('keeps going past a page with result_count 0 that still has a next_token', async () => {
    const empty = { meta: { result_count: 0, next_token: 'after-empty' } };
    const pages = { '': { ...PAGE1, meta: { ...(PAGE1.meta as object), next_token: 'to-empty' } }, 'to-empty': empty, 'after-empty': PAGE2 };
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: lookupWith(500) }), [TIMELINE_PATH]: timeline(pages) });
    const posts = await drain(await fetchX(ACCOUNT, h.ctx));
    expect(posts).toHaveLength(10);
    expect(walkRequests(h.server).map((r) => r.query.get('pagination_token'))).toEqual([null, 'to-empty', 'after-empty']);
  });

  it('skips and counts a post that fails the schema, keeping the rest of the page', async () => {
    const page = { data: [...(PAGE2.data as unknown[]), { id: 'not-an-id', text: 5 }], meta: { result_count: 3 } };
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: lookupWith(100) }), [TIMELINE_PATH]: timeline({ '': page }) });
    const source = await fetchX(ACCOUNT, h.ctx);
    expect(await drain(source)).toHaveLength(2);
    expect(source.stats.skipped).toBe(1);
    expect(source.stats.skippedExamples[0]).toMatch(/^page 1 data\[2\]: /);
  });
});

describe('fetchX: the window', () => {
  it('sends the window as whole seconds, start rounded down and end up, and asks for nothing more', async () => {
    const window = { sinceMs: Date.parse('2026-08-19T14:00:00.250Z'), untilMs: Date.parse('2026-08-20T15:30:00.100Z') };
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: lookupWith(3000) }), [TIMELINE_PATH]: timeline(TWO_PAGES) }, { window });
    const posts = await drain(await fetchX(ACCOUNT, h.ctx));
    // The server (like X) applies the bounds; the fetcher keeps what it is given for collect() to cut.
    expect(posts).toHaveLength(10);
    const walked = walkRequests(h.server);
    expect(walked).toHaveLength(2);
    for (const r of walked) {
      expect(r.query.get('start_time')).toBe('2026-08-19T14:00:00Z');
      expect(r.query.get('end_time')).toBe('2026-08-20T15:30:01Z');
    }
  });

  it('leaves out an end in the future and a start before November 2010, and stops once a page reaches before the window', async () => {
    // No start_time: X would serve the whole reachable timeline, so the walk stops itself at the
    // first page that reaches back before the window, although the page still has a next_token.
    const window = { sinceMs: Date.parse('2009-06-01T00:00:00Z'), untilMs: Date.parse('2100-01-01T00:00:00Z') };
    const old = { id: '2400000000', text: 'the first post', author_id: '289134506', created_at: '2009-05-20T12:00:00.000Z' };
    const second = { data: [...(PAGE2.data as unknown[]), old], meta: { result_count: 3, next_token: 'never-asked' } };
    const h = await harness(
      { [LOOKUP_PATH]: () => ({ json: LOOKUP }), [TIMELINE_PATH]: timeline({ '': PAGE1, [NEXT1]: second }) },
      { window },
    );
    const source = await fetchX(ACCOUNT, h.ctx);
    const posts = await drain(source);
    expect(posts.at(-1)!.createdAt).toBe('2009-05-20T12:00:00.000Z');
    const walked = walkRequests(h.server);
    expect(walked.map((r) => r.query.get('pagination_token'))).toEqual([null, NEXT1]);
    for (const r of walked) {
      expect(r.query.has('start_time')).toBe(false);
      expect(r.query.has('end_time')).toBe(false);
    }
    // The walk reached before the window: nothing to check about the cap.
    expect(checkRequests(h.server)).toHaveLength(0);
    expect(source.complete).toBe(true);
  });

  it('formats and bounds the time parameters', () => {
    expect(xTime(Date.parse('2026-08-19T14:05:12.861Z'), 'down')).toBe('2026-08-19T14:05:12Z');
    expect(xTime(Date.parse('2026-08-19T14:05:12.861Z'), 'up')).toBe('2026-08-19T14:05:13Z');
    expect(xTime(Date.parse('2026-08-19T14:05:12.000Z'), 'up')).toBe('2026-08-19T14:05:12Z');
    const now = Date.parse('2026-11-01T12:00:00Z');
    expect(timelineBounds({ sinceMs: X_EARLIEST_TIME_MS, untilMs: now - 10_000 }, now)).toEqual({
      startTime: '2010-11-06T00:00:01Z',
      endTime: '2026-11-01T11:59:50Z',
    });
    expect(timelineBounds({ sinceMs: X_EARLIEST_TIME_MS - 1000, untilMs: now - 9_000 }, now)).toEqual({ startTime: null, endTime: null });
  });
});

describe('fetchX: the 3,200-post cap', () => {
  const HOUR = 3_600_000;
  const NEWEST = Date.parse('2026-08-31T23:00:00Z');
  /** 32 full pages of hourly posts (the newest 3,200), then the empty last page X serves at the cap. */
  function capPages(): Record<string, Record<string, unknown>> {
    const pages: Record<string, Record<string, unknown>> = {};
    for (let p = 0; p < 32; p++) {
      const data = [];
      for (let i = 0; i < 100; i++) {
        const ms = NEWEST - (p * 100 + i) * HOUR;
        const id = ((BigInt(ms) - 1288834974657n) << 22n).toString();
        data.push({ id, text: `update ${p * 100 + i}`, author_id: '289134506', created_at: new Date(ms).toISOString().replace(/\.\d+Z$/, '.000Z') });
      }
      pages[p === 0 ? '' : `t${p}`] = { data, meta: { result_count: 100, next_token: `t${p + 1}` } };
    }
    pages.t32 = { meta: { result_count: 0 } };
    return pages;
  }
  const YEAR = { sinceMs: Date.parse('2025-09-01T00:00:00Z'), untilMs: Date.parse('2026-09-01T00:00:00Z') };

  it('marks the data incomplete when the window reaches past the newest 3,200 posts (33 pages, 50,000 posts in all)', async () => {
    const h = await harness(
      { [LOOKUP_PATH]: () => ({ json: lookupWith(50_000) }), [TIMELINE_PATH]: timeline(capPages(), NO_OLDER_POST) },
      { window: YEAR },
    );
    const source = await fetchX(ACCOUNT, h.ctx);
    const posts = await drain(source);
    expect(posts).toHaveLength(3200);
    expect(walkRequests(h.server)).toHaveLength(33);
    expect(checkRequests(h.server)).toHaveLength(1);
    expect(h.http.requests).toBe(35);
    expect(source.complete).toBe(false);
    expect(source.warnings).toEqual([
      "X serves only the newest 3,200 posts: the window reaches past them, so the data is incomplete (the window's posts before 2026-04-20T16:00:00.000Z are missing); audit the account archive with --input for the full window",
    ]);
    expect(h.progress).toContain('X: page 32, 3200 posts, back to 2026-04-20');
  });

  it('keeps the data complete when X still serves a post older than the window', async () => {
    const h = await harness(
      { [LOOKUP_PATH]: () => ({ json: lookupWith(50_000) }), [TIMELINE_PATH]: timeline(capPages(), OLDER_POST) },
      { window: YEAR },
    );
    const source = await fetchX(ACCOUNT, h.ctx);
    expect(await drain(source)).toHaveLength(3200);
    expect(h.http.requests).toBe(35);
    expect(source.complete).toBe(true);
    expect(source.warnings).toEqual([]);
  });

  it('needs no check when the account has at most 3,200 posts', async () => {
    const h = await harness(
      { [LOOKUP_PATH]: () => ({ json: lookupWith(3200) }), [TIMELINE_PATH]: timeline(capPages(), NO_OLDER_POST) },
      { window: YEAR },
    );
    const source = await fetchX(ACCOUNT, h.ctx);
    expect(await drain(source)).toHaveLength(3200);
    expect(h.http.requests).toBe(34);
    expect(source.complete).toBe(true);
  });

  it('needs no check without start_time: ending before the window\'s start means the cap cut it', async () => {
    const window = { sinceMs: Date.parse('2009-01-01T00:00:00Z'), untilMs: YEAR.untilMs };
    const h = await harness(
      { [LOOKUP_PATH]: () => ({ json: lookupWith(50_000) }), [TIMELINE_PATH]: timeline(capPages(), OLDER_POST) },
      { window },
    );
    const source = await fetchX(ACCOUNT, h.ctx);
    expect(await drain(source)).toHaveLength(3200);
    expect(h.http.requests).toBe(34);
    expect(source.complete).toBe(false);
    expect(source.warnings[0]).toMatch(/^X serves only the newest 3,200 posts/);
  });
});

describe('fetchX: failures', () => {
  it('without a token: a UsageError that says how to get one, and no request', async () => {
    const h = await harness({}, { token: undefined });
    const err = await failure(fetchX(ACCOUNT, h.ctx));
    expect(err).toBeInstanceOf(UsageError);
    expect((err as AuditError).exitCode).toBe(2);
    expect(err.message).toContain('X_BEARER_TOKEN');
    expect(err.message).toContain('developer.x.com');
    expect(err.message).toContain('pay-per-use');
    expect(err.message).toContain('--input');
    expect(err.message).not.toContain('\n');
    expect(h.server.requests).toHaveLength(0);
  });

  it('a token with a line break inside is refused without being printed', async () => {
    const h = await harness({}, { token: `${TOKEN}\nX-Other: 1` });
    const err = await failure(fetchX(ACCOUNT, h.ctx));
    expect(err).toBeInstanceOf(UsageError);
    expectNoToken(h, null, err);
    expect(h.server.requests).toHaveLength(0);
  });

  it('an unknown account (HTTP 200 with only errors): UsageError, 1 request', async () => {
    const h = await harness({ '/2/users/by/username/RoadInfoBCX': () => ({ json: NOT_FOUND }) });
    const err = await failure(fetchX(parseAccountArg('@RoadInfoBCX'), h.ctx));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe('no such X account @RoadInfoBCX; check the spelling');
    expect(h.server.requests).toHaveLength(1);
  });

  it('a bare 404 on the lookup is not the X API: PlatformError pointing at --api-url', async () => {
    const h = await harness({});
    const err = await failure(fetchX(ACCOUNT, h.ctx));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toBe(`${h.server.url} does not answer the X API (GET /2/users/by/username/:username: HTTP 404); check --api-url`);
  });

  it('a suspended account: UsageError quoting X', async () => {
    const suspended = {
      errors: [{ value: 'RoadInfoBC', detail: 'User has been suspended: [RoadInfoBC].', title: 'Forbidden', resource_type: 'user', parameter: 'username', resource_id: 'RoadInfoBC', type: 'https://api.x.com/2/problems/resource-not-found' }],
    };
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: suspended }) });
    const err = await failure(fetchX(ACCOUNT, h.ctx));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe('X will not show the account @RoadInfoBC (X says: "User has been suspended: [RoadInfoBC].")');
  });

  it('401: AuthError, and the token is not in the message', async () => {
    const h = await harness({ [LOOKUP_PATH]: () => ({ status: 401, headers: headersOf('fixtures/x/api/error-401.headers.txt'), json: ERROR_401 }) });
    const err = await failure(fetchX(ACCOUNT, h.ctx));
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuditError).exitCode).toBe(3);
    expect(err.message).toContain('token rejected');
    expect(err.message).toContain('X_BEARER_TOKEN');
    expectNoToken(h, null, err);
    expect(h.server.requests).toHaveLength(1);
  });

  it('a platform message that echoes the token is scrubbed', async () => {
    const h = await harness({ [LOOKUP_PATH]: () => ({ status: 400, json: { title: 'Invalid Request', detail: `Invalid token ${TOKEN}` } }) });
    const err = await failure(fetchX(ACCOUNT, h.ctx));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toContain('Invalid token [X_BEARER_TOKEN]');
    expectNoToken(h, null, err);
  });

  it('429 with x-rate-limit-reset two seconds ahead: waits it out (plus 1 s), then goes on', async () => {
    const reset = Math.floor(Date.now() / 1000) + 2;
    const limited: Reply = { status: 429, headers: { ...headersOf('fixtures/x/api/error-429.headers.txt'), 'x-rate-limit-reset': String(reset) }, json: ERROR_429 };
    let first = true;
    const events: string[] = [];
    const h = await harness(
      {
        [LOOKUP_PATH]: () => ({ json: lookupWith(100) }),
        [TIMELINE_PATH]: timeline((req) => {
          if (first) {
            first = false;
            return limited;
          }
          return { json: req.query.get('pagination_token') === NEXT1 ? PAGE2 : PAGE1 };
        }),
      },
      { client: { onEvent: (e) => events.push(e.type) } },
    );
    const started = Date.now();
    const source = await fetchX(ACCOUNT, h.ctx);
    const posts = await drain(source);
    const waited = Date.now() - started;
    expect(posts).toHaveLength(10);
    expect(waited).toBeGreaterThanOrEqual(reset * 1000 - started + 1000 - 50);
    expect(waited).toBeLessThan(8000);
    expect(events.filter((e) => e === 'rate-limit')).toHaveLength(1);
    expect(h.server.requests).toHaveLength(4); // lookup, 429, page 1, page 2
    expect(source.complete).toBe(true);
  });

  it('503 twice, then success: retried with backoff', async () => {
    const h = await harness({
      [LOOKUP_PATH]: () => ({ json: lookupWith(100) }),
      [TIMELINE_PATH]: timeline(sequence({ status: 503, json: { title: 'Service Unavailable' } }, { status: 503, body: 'upstream down' }, { json: PAGE1 }, { json: PAGE2 })),
    });
    const source = await fetchX(ACCOUNT, h.ctx);
    expect(await drain(source)).toHaveLength(10);
    expect(h.server.count(TIMELINE_PATH)).toBe(4);
    expect(h.http.requests).toBe(5);
  });

  it('UsageCapExceeded 429: PlatformError at once, no wait', async () => {
    const sleeps: number[] = [];
    const h = await harness(
      { [LOOKUP_PATH]: () => ({ json: lookupWith(100) }), [TIMELINE_PATH]: timeline(() => ({ status: 429, headers: { 'x-rate-limit-remaining': '899' }, json: USAGE_CAPPED })) },
      { client: { sleep: async (ms) => void sleeps.push(ms) } },
    );
    const source = await fetchX(ACCOUNT, h.ctx);
    const err = await failure(drain(source));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).not.toBeInstanceOf(RateLimitError);
    expect(err.message).toContain('UsageCapExceeded');
    expect(sleeps).toEqual([]);
    expect(h.server.count(TIMELINE_PATH)).toBe(1);
  });

  it('402 (credits used up): PlatformError', async () => {
    const h = await harness({ [LOOKUP_PATH]: () => ({ status: 402, json: CREDITS_402 }) });
    const err = await failure(fetchX(ACCOUNT, h.ctx));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toContain('HTTP 402');
    expect(err.message).toContain('credits depleted');
    expect(h.server.requests).toHaveLength(1);
  });

  it('a page of valid JSON in the wrong shape: ShapeError naming the endpoint and the page', async () => {
    const h = await harness({
      [LOOKUP_PATH]: () => ({ json: lookupWith(100) }),
      [TIMELINE_PATH]: timeline({ '': PAGE1, [NEXT1]: { data: 'posts', meta: {} } }),
    });
    const source = await fetchX(ACCOUNT, h.ctx);
    const err = await failure(drain(source));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toMatch(/^X GET \/2\/users\/:id\/tweets answered page 2 with a body that is not a timeline page \(data: /);
  });

  it('a lookup in the wrong shape: ShapeError naming the endpoint', async () => {
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: { data: { id: 289134506, username: 'RoadInfoBC' } } }) });
    const err = await failure(fetchX(ACCOUNT, h.ctx));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toMatch(/^X GET \/2\/users\/by\/username\/:username answered with a body that is not a user lookup/);
  });

  it('a protected timeline (HTTP 200 with only errors): PlatformError that says so', async () => {
    const lookup = { data: { ...(LOOKUP.data as object), protected: true } };
    const refused = {
      errors: [{ title: 'Authorization Error', detail: 'Sorry, you are not authorized to see the user with id: [289134506].', type: 'https://api.x.com/2/problems/not-authorized-for-resource' }],
    };
    const h = await harness({ [LOOKUP_PATH]: () => ({ json: lookup }), [TIMELINE_PATH]: timeline(() => ({ json: refused })) });
    const err = await failure(drain(await fetchX(ACCOUNT, h.ctx)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toContain('not authorized');
    expect(err.message).toContain("@RoadInfoBC's posts are protected");
  });

  it('a connection reset mid-body is retried and succeeds', async () => {
    const h = await harness({
      [LOOKUP_PATH]: () => ({ json: lookupWith(100) }),
      [TIMELINE_PATH]: timeline(sequence({ json: PAGE1 }, { action: 'reset-mid-body' }, { json: PAGE2 })),
    });
    const source = await fetchX(ACCOUNT, h.ctx);
    expect(await drain(source)).toHaveLength(10);
    expect(h.server.count(TIMELINE_PATH)).toBe(3);
    expect(source.complete).toBe(true);
  });

  it('a connection reset every time: PlatformError after 4 tries', async () => {
    const h = await harness({
      [LOOKUP_PATH]: () => ({ json: lookupWith(100) }),
      [TIMELINE_PATH]: timeline(() => ({ action: 'reset-mid-body' })),
    });
    const err = await failure(drain(await fetchX(ACCOUNT, h.ctx)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toContain('after 4 tries');
    expect(h.server.count(TIMELINE_PATH)).toBe(4);
    expectNoToken(h, null, err);
  });

  it('an abort while page 2 hangs: InterruptedError, quickly', async () => {
    const controller = new AbortController();
    const h = await harness(
      { [LOOKUP_PATH]: () => ({ json: lookupWith(100) }), [TIMELINE_PATH]: timeline(sequence({ json: PAGE1 }, { action: 'hang' })) },
      { client: { signal: controller.signal }, signal: controller.signal },
    );
    const source = await fetchX(ACCOUNT, h.ctx);
    const seen: Post[] = [];
    let abortedAt = 0;
    const err = await failure(
      (async () => {
        for await (const post of source.posts) {
          seen.push(post);
          if (seen.length === 8) {
            setTimeout(() => {
              abortedAt = Date.now();
              controller.abort();
            }, 100);
          }
        }
      })(),
    );
    expect(err).toBeInstanceOf(InterruptedError);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(seen).toHaveLength(8);
    expect(h.server.count(TIMELINE_PATH)).toBe(2);
  });

  it('a rate limit longer than --max-wait after page 1: page 1 is kept, the source is incomplete', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const h = await harness(
      {
        [LOOKUP_PATH]: () => ({ json: LOOKUP }),
        [TIMELINE_PATH]: timeline(sequence({ json: PAGE1 }, { status: 429, headers: { 'x-rate-limit-reset': reset, 'x-rate-limit-remaining': '0' }, json: ERROR_429 })),
      },
      { client: { maxWaitMs: 60_000 } },
    );
    const source = await fetchX(ACCOUNT, h.ctx);
    const posts = await drain(source);
    expect(posts).toHaveLength(8);
    expect(source.complete).toBe(false);
    expect(source.warnings).toHaveLength(1);
    expect(source.warnings[0]).toMatch(/^fetching stopped early: X GET \/2\/users\/:id\/tweets is rate-limited until .*raise --max-wait; the audit covers only the posts read before that$/);
    expect(checkRequests(h.server)).toHaveLength(0);
    expect(h.server.requests).toHaveLength(3);
  });

  it('a rate limit longer than --max-wait on the lookup: RateLimitError', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const h = await harness(
      { [LOOKUP_PATH]: () => ({ status: 429, headers: { 'x-rate-limit-reset': reset }, json: ERROR_429 }) },
      { client: { maxWaitMs: 60_000 } },
    );
    const err = await failure(fetchX(ACCOUNT, h.ctx));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toContain('GET /2/users/by/username/:username is rate-limited');
    expect(h.server.requests).toHaveLength(1);
  });
});
