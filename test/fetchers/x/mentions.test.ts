import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InterruptedError, PlatformError, UsageError } from '../../../src/errors.js';
import type { FetchContext, InboundResult } from '../../../src/fetchers/live-types.js';
import { fetchXMentions, X_MENTIONS_CAP_WARNING } from '../../../src/fetchers/x/mentions.js';
import { readXv2 } from '../../../src/fetchers/x/v2.js';
import { AuthError, RateLimitError, type HttpClientOptions } from '../../../src/http/client.js';
import { PostSchema, type AccountInfo } from '../../../src/model/post.js';
import { expectNoSecret, failure, liveRigs, type LiveRig } from '../../helpers/live.js';
import { sequence, type Reply, type Route } from '../../helpers/server.js';
import { drain } from '../reader-helpers.js';

/**
 * The X mentions fetcher against a real HTTP server on 127.0.0.1 serving the reference mentions
 * page (fixtures/x/v2/user-mentions.json: M4, M3, M2, M1, newest first) and synthetic pages.
 * Every test counts the requests it expects.
 */

const TOKEN = 'TEST-TOKEN-do-not-print-7f3a';
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const MENTIONS = json('fixtures/x/v2/user-mentions.json');
const ERROR_401 = json('fixtures/x/api/error-401.json');
const ERROR_429 = json('fixtures/x/api/error-429.json');

const OWN_ID = '289134506';
const MENTIONS_PATH = `/2/users/${OWN_ID}/mentions`;
/** The account as the live fetch resolved it (fixtures/x/api/user-lookup.json). */
const ACCOUNT: AccountInfo = {
  platform: 'x',
  id: OWN_ID,
  handle: 'RoadInfoBC',
  displayName: 'RoadInfo BC',
  website: 'https://roadinfobc.example',
  url: 'https://x.com/RoadInfoBC',
};
/** A window that reaches to now (its end is after the request): no end_time is sent. */
const TO_NOW = { sinceMs: Date.parse('2026-08-19T00:00:00Z'), untilMs: Date.parse('2100-01-01T00:00:00Z') };
/** August 2026, in the past: both time bounds are sent. */
const AUGUST = { sinceMs: Date.parse('2026-08-01T00:00:00Z'), untilMs: Date.parse('2026-09-01T00:00:00Z') };
/** A whole second, so rate-limit waits compute to whole numbers. */
const NOW_MS = Date.UTC(2026, 7, 21, 12, 0, 0);

const isProbe = (q: URLSearchParams) => q.get('max_results') === '5';

const openRig = liveRigs();

type Harness = LiveRig;

async function harness(
  route: Route,
  opts: { window?: FetchContext['window']; client?: HttpClientOptions; token?: string | undefined; signal?: AbortSignal } = {},
): Promise<Harness> {
  return openRig(
    { [MENTIONS_PATH]: route },
    {
      window: opts.window ?? TO_NOW,
      tokens: { x: 'token' in opts ? opts.token : TOKEN },
      client: { backoffMs: 5, ...opts.client },
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  );
}

/** The walk's pages by `pagination_token` (`''` for the first); the probe gets `probe`. */
function pages(byToken: Record<string, unknown>, probe: Reply = { json: { meta: { result_count: 0 } } }): Route {
  return (req) => {
    if (isProbe(req.query)) return probe;
    const page = byToken[req.query.get('pagination_token') ?? ''];
    return page ? { json: page } : { status: 400, json: { title: 'Invalid Request', detail: 'unknown pagination_token' } };
  };
}

const expectNoToken = (h: Harness, result: InboundResult | null, err?: Error): void => expectNoSecret(TOKEN, h, result, err);

const SNOWFLAKE_EPOCH = 1288834974657n;

/**
 * A synthetic mention `n` at `ms` by user `u<n % 7>` (seven people), with a snowflake id that
 * carries `ms` (sequence bits = n, so ids stay distinct within a millisecond).
 */
function mention(n: number, ms: number): Record<string, unknown> {
  const id = (((BigInt(ms) - SNOWFLAKE_EPOCH) << 22n) + BigInt(n % 4096)).toString();
  return {
    id,
    text: `@RoadInfoBC question ${n}?`,
    author_id: `70000000${n % 7}`,
    created_at: new Date(Math.floor(ms / 1000) * 1000).toISOString(),
    entities: { mentions: [{ start: 0, end: 11, username: 'RoadInfoBC', id: OWN_ID }] },
  };
}

/** `count` mentions one minute apart, newest first, from `startMs` back; numbered from `first`. */
function mentions(first: number, count: number, startMs: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => mention(first + i, startMs - (first + i) * 60_000));
}

const PEOPLE = Array.from({ length: 7 }, (_, k) => ({ id: `70000000${k}`, name: `Person ${k}`, username: `person_${k}` }));

function page(data: Record<string, unknown>[], next?: string): Record<string, unknown> {
  return { data, includes: { users: PEOPLE }, meta: { result_count: data.length, ...(next ? { next_token: next } : {}) } };
}

/** Newest synthetic mention: 2026-08-20T18:00:00Z, inside both test windows. */
const NEWEST_MS = Date.parse('2026-08-20T18:00:00Z');

describe('fetchXMentions: the reference mentions page', () => {
  it('gives the 4 mentions with their authors\' handles from includes.users: 1 request, no ceiling check', async () => {
    const h = await harness(pages({ '': MENTIONS }));
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);

    expect(result.format).toBe('x-api-v2-mentions');
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual([]);
    // M4, M3, M2, M1 as X serves them, newest first.
    expect(result.posts.map((p) => [p.id, p.author.handle])).toEqual([
      ['2090469544653410304', 'smoky_sky_sam'],
      ['2090459069734666240', 'peachland_pete'],
      ['2090153121132392448', 'truckerdave_bc'],
      ['2090081768915566592', 'okanagan_kat'],
    ]);
    for (const p of result.posts) expect(PostSchema.safeParse(p).success).toBe(true);
    // M3 replies to T4: the parent's author and time come from includes (no request for them).
    expect(result.posts[1]?.replyTo).toEqual({
      id: '2090456862499086336',
      url: 'https://x.com/RoadInfoBC/status/2090456862499086336',
      author: { id: OWN_ID, handle: 'RoadInfoBC' },
      createdAt: '2026-08-20T15:12:09.487Z',
    });
    // M2 mentions the account without replying to a post.
    expect(result.posts[2]?.replyTo).toBeNull();

    // The window reaches to now and 4 < 800 mentions were served: the ceiling was not reached.
    expect(h.server.requests).toHaveLength(1);
    expect(h.http.requests).toBe(1);
    expect(Object.fromEntries(h.server.requests[0]!.query)).toEqual({
      max_results: '100',
      start_time: '2026-08-19T00:00:00Z',
      'tweet.fields': 'created_at,conversation_id,in_reply_to_user_id,referenced_tweets,entities,author_id',
      expansions: 'author_id,referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id',
      'user.fields': 'username',
    });
    expect(h.server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(h.progress).toContain('X: mentions page 1, 4 mentions, back to 2026-08-19');
    expectNoToken(h, result);
  });

  it('gives the same posts as the offline reader of the same page (--inbound)', async () => {
    const h = await harness(pages({ '': MENTIONS }));
    const live = await fetchXMentions(ACCOUNT, [], h.ctx);
    const offline = await drain(readXv2([MENTIONS], 'mentions.json').posts);
    expect(live.posts).toEqual(offline);
  });

  it('leaves out a post by the account itself', async () => {
    const own = { id: '2090470000000000000', text: '@RoadInfoBC note to self', author_id: OWN_ID, created_at: '2026-08-20T16:04:21.000Z' };
    const withOwn = { ...MENTIONS, data: [own, ...(MENTIONS.data as unknown[])] };
    const h = await harness(pages({ '': withOwn }));
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);
    expect(result.posts).toHaveLength(4);
    expect(result.posts.some((p) => p.author.id === OWN_ID)).toBe(false);
  });
});

describe('fetchXMentions: pagination', () => {
  it('follows next_token over 3 pages (100 + 100 + 50): exactly 3 requests, 250 mentions', async () => {
    const all = mentions(0, 250, NEWEST_MS);
    const h = await harness(pages({ '': page(all.slice(0, 100), 'tok-2'), 'tok-2': page(all.slice(100, 200), 'tok-3'), 'tok-3': page(all.slice(200)) }));
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);

    expect(h.server.requests.map((r) => r.query.get('pagination_token'))).toEqual([null, 'tok-2', 'tok-3']);
    expect(h.http.requests).toBe(3);
    expect(result.posts).toHaveLength(250);
    expect(result.posts.map((p) => p.id)).toEqual(all.map((m) => m.id));
    // Authors named on every page: person_0 … person_6.
    expect(new Set(result.posts.map((p) => p.author.handle))).toEqual(new Set(PEOPLE.map((u) => u.username)));
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('keeps handles from an earlier page when a later page has no includes', async () => {
    const all = mentions(0, 3, NEWEST_MS);
    const bare = { data: all.slice(2), meta: { result_count: 1 } };
    const h = await harness(pages({ '': page(all.slice(0, 2), 'tok-2'), 'tok-2': bare }));
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);
    // Mention 2 is by person_2 (2 % 7), named on page 1 only.
    expect(result.posts[2]?.author).toEqual({ id: '700000002', handle: 'person_2' });
  });
});

describe('fetchXMentions: the newest 800 mentions', () => {
  /** 8 pages of 100 (800 mentions, 2026-08-20T18:00Z back one a minute), the last without next_token. */
  function eightPages(): Record<string, unknown> {
    const all = mentions(0, 800, NEWEST_MS);
    const byToken: Record<string, unknown> = {};
    for (let k = 0; k < 8; k++) byToken[k === 0 ? '' : `tok-${k + 1}`] = page(all.slice(k * 100, k * 100 + 100), k < 7 ? `tok-${k + 2}` : undefined);
    return byToken;
  }

  it('800 served and nothing older: incomplete, with the warning; 8 pages + 1 check = 9 requests', async () => {
    // Window from 2026-08-19: the 800th mention is at 18:00 − 799 min = 2026-08-20T04:41:00Z,
    // so a day and more of the window lies beyond what X serves.
    const h = await harness(pages(eightPages()));
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);

    expect(result.posts).toHaveLength(800);
    expect(result.complete).toBe(false);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]!.startsWith(X_MENTIONS_CAP_WARNING)).toBe(true);
    expect(X_MENTIONS_CAP_WARNING).toBe('X serves only the newest 800 mentions: the window reaches past them');
    expect(result.warnings[0]).toContain('the mentions before 2026-08-20T04:41:00');
    expect(result.warnings[0]).toContain('X served 800');

    expect(h.http.requests).toBe(9);
    const probes = h.server.requests.filter((r) => isProbe(r.query));
    expect(probes).toHaveLength(1);
    expect(Object.fromEntries(probes[0]!.query)).toEqual({ max_results: '5', end_time: '2026-08-19T00:00:00Z', 'tweet.fields': 'created_at' });
    expect(h.progress).toContain('X: checking that the window is within the newest 800 mentions');
  });

  it('800 served and X still serves an older one: the window was within reach, complete (9 requests)', async () => {
    const older = { json: page([mention(900, Date.parse('2026-08-18T12:00:00Z'))], 'older-2') };
    const h = await harness(pages(eightPages(), older));
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);
    expect(result.posts).toHaveLength(800);
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(h.http.requests).toBe(9);
  });

  it('a past window: the mentions since its end count too, so one check; an older mention served means complete (2 requests)', async () => {
    const older = { json: page([mention(900, Date.parse('2026-07-30T12:00:00Z'))]) };
    const h = await harness(pages({ '': MENTIONS }, older), { window: AUGUST });
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);
    expect(result.posts).toHaveLength(4);
    expect(result.complete).toBe(true);
    expect(h.http.requests).toBe(2);
    const [walk, probe] = h.server.requests;
    expect(walk!.query.get('start_time')).toBe('2026-08-01T00:00:00Z');
    expect(walk!.query.get('end_time')).toBe('2026-09-01T00:00:00Z');
    expect(Object.fromEntries(probe!.query)).toEqual({ max_results: '5', end_time: '2026-08-01T00:00:00Z', 'tweet.fields': 'created_at' });
  });

  it('a past window with nothing older served: incomplete, and the warning says "may"', async () => {
    const h = await harness(pages({ '': MENTIONS }), { window: AUGUST });
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);
    expect(result.complete).toBe(false);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]!.startsWith(X_MENTIONS_CAP_WARNING)).toBe(true);
    // M1, the oldest served, is 2026-08-19T14:21:40.207Z (its id's milliseconds).
    expect(result.warnings[0]).toContain('the mentions before 2026-08-19T14:21:40.207Z may be missing');
    expect(h.http.requests).toBe(2);
  });

  it('a rate limit longer than --max-wait on the check: incomplete, with a warning that says why', async () => {
    const limited: Reply = { status: 429, headers: { 'x-rate-limit-reset': String(NOW_MS / 1000 + 3600) }, json: ERROR_429 };
    const h = await harness(pages({ '': MENTIONS }, limited), { window: AUGUST, client: { now: () => NOW_MS, maxWaitMs: 60_000 } });
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);
    expect(result.posts).toHaveLength(4);
    expect(result.complete).toBe(false);
    expect(result.warnings[0]).toMatch(/^X serves only the newest 800 mentions and a rate limit kept the check .* from running/);
  });
});

describe('fetchXMentions: failures, rate limits and the token', () => {
  it('401: AuthError naming X_BEARER_TOKEN, 1 request, and the token nowhere', async () => {
    const h = await harness(() => ({ status: 401, json: ERROR_401 }));
    const err = await failure(fetchXMentions(ACCOUNT, [], h.ctx));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain('GET /2/users/:id/mentions');
    expect(err.message).toContain('token rejected');
    expect(err.message).toContain('X_BEARER_TOKEN');
    expect(h.server.requests).toHaveLength(1);
    expectNoToken(h, null, err);
  });

  it('a platform message that echoes the token is scrubbed', async () => {
    const h = await harness(() => ({ status: 400, json: { title: 'Invalid Request', detail: `Invalid token ${TOKEN}` } }));
    const err = await failure(fetchXMentions(ACCOUNT, [], h.ctx));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toContain('Invalid token [X_BEARER_TOKEN]');
    expectNoToken(h, null, err);
  });

  it('without a token: UsageError and no request', async () => {
    const h = await harness(pages({ '': MENTIONS }), { token: undefined });
    const err = await failure(fetchXMentions(ACCOUNT, [], h.ctx));
    expect(err).toBeInstanceOf(UsageError);
    expect(h.server.requests).toHaveLength(0);
  });

  it('429 with x-rate-limit-reset two seconds ahead: waits 3 s (reset + 1 s margin), then reads the page: 2 requests', async () => {
    const waits: number[] = [];
    const limited: Reply = {
      status: 429,
      headers: { 'x-rate-limit-limit': '300', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(NOW_MS / 1000 + 2) },
      json: ERROR_429,
    };
    const h = await harness(sequence(limited, { json: MENTIONS }), { client: { now: () => NOW_MS, sleep: async (ms) => void waits.push(ms) } });
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);
    expect(waits).toEqual([3000]);
    expect(h.http.requests).toBe(2);
    expect(result.posts).toHaveLength(4);
    expect(result.complete).toBe(true);
    expectNoToken(h, result);
  });

  it('a rate limit longer than --max-wait after page 1: page 1 is kept, the result is incomplete', async () => {
    const all = mentions(0, 150, NEWEST_MS);
    const limited: Reply = { status: 429, headers: { 'x-rate-limit-reset': String(NOW_MS / 1000 + 3600) }, json: ERROR_429 };
    const h = await harness(sequence({ json: page(all.slice(0, 100), 'tok-2') }, limited), { client: { now: () => NOW_MS, maxWaitMs: 60_000 } });
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);
    expect(result.posts).toHaveLength(100);
    expect(result.complete).toBe(false);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^fetching the mentions stopped early: X GET \/2\/users\/:id\/mentions is rate-limited until /);
    expect(h.http.requests).toBe(2);
  });

  it('a rate limit longer than --max-wait on page 1: RateLimitError', async () => {
    const limited: Reply = { status: 429, headers: { 'x-rate-limit-reset': String(NOW_MS / 1000 + 3600) }, json: ERROR_429 };
    const h = await harness(() => limited, { client: { now: () => NOW_MS, maxWaitMs: 60_000 } });
    expect(await failure(fetchXMentions(ACCOUNT, [], h.ctx))).toBeInstanceOf(RateLimitError);
  });

  it('a page with only errors (an account X will not show): PlatformError quoting X', async () => {
    const errorsOnly = { errors: [{ title: 'Authorization Error', detail: 'Sorry, you are not authorized to see the user with id: [289134506].', type: 'https://api.x.com/2/problems/not-authorized-for-resource' }] };
    const h = await harness(() => ({ json: errorsOnly }));
    const err = await failure(fetchXMentions(ACCOUNT, [], h.ctx));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toContain('X says: "Sorry, you are not authorized');
  });

  it('partial errors (a withheld referenced post) are one warning; the mentions are kept', async () => {
    const withErrors = {
      ...MENTIONS,
      errors: [{ resource_id: '2090456862499086336', resource_type: 'tweet', title: 'Not Found Error', detail: 'Could not find tweet with referenced_tweets.id: [2090456862499086336].' }],
    };
    const h = await harness(pages({ '': withErrors }));
    const result = await fetchXMentions(ACCOUNT, [], h.ctx);
    expect(result.posts).toHaveLength(4);
    expect(result.complete).toBe(true);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^X withheld 1 post\(s\) .*Could not find tweet/);
  });

  it('an abort while page 2 hangs: InterruptedError', async () => {
    const controller = new AbortController();
    const all = mentions(0, 150, NEWEST_MS);
    const h = await harness(
      sequence({ json: page(all.slice(0, 100), 'tok-2') }, { action: 'custom', handle: () => void setTimeout(() => controller.abort(), 20) }),
      { signal: controller.signal },
    );
    const err = await failure(fetchXMentions(ACCOUNT, [], h.ctx));
    expect(err).toBeInstanceOf(InterruptedError);
    expect(h.server.requests).toHaveLength(2);
  });
});

