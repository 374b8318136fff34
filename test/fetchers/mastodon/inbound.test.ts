import { describe, expect, it } from 'vitest';
import { InterruptedError, UsageError } from '../../../src/errors.js';
import type { FetchContext, InboundResult } from '../../../src/fetchers/live-types.js';
import {
  ANONYMOUS_CONTEXT_LIMITS,
  fetchMastodonInbound,
  MASTODON_NOTIFICATIONS_LIMIT,
  mastodonInboundBaseUrl,
} from '../../../src/fetchers/mastodon/inbound.js';
import { MastodonStatusSchema, normalizeMastodonStatus } from '../../../src/fetchers/mastodon/status.js';
import { RateLimitError, ShapeError, type HttpClientOptions } from '../../../src/http/client.js';
import { PostSchema, type AccountInfo, type Post } from '../../../src/model/post.js';
import { failure, liveRigs, mastodonHeaders, mastodonJson, mastodonRig, pageReply, rateLimited, type MastodonRig } from '../../helpers/live.js';
import type { Reply, Route, TestServer } from '../../helpers/server.js';

/**
 * The Mastodon inbound fetcher against a local server serving the RoadInfo BC scenario
 * (fixtures/mastodon/api/README.inbound.md): mentions M1 (okanagan_kat → T1), M2 (truckerdave, a
 * free-standing mention), M3 (peachland_pete → T4) and X1 (okanagan_kat thanking for R1); in
 * T1's thread also X2 (hwy_watcher answering M1, not mentioning the account).
 */

const TOKEN = 'TEST-TOKEN-do-not-print-7f3a';
const ACCOUNT_ID = '109309888516521974';
const VERIFY = '/api/v1/accounts/verify_credentials';
const NOTIFICATIONS = '/api/v1/notifications';
const CONTEXT = /^\/api\/v1\/statuses\/(\d+)\/context$/;
/** `max_id` of the reference notifications page 1's `rel="next"` link (X1's notification, the page's last). */
const PAGE2_MAX_ID = '48187512';
/** The 30 days up to 2026-08-21: every scenario status falls inside. */
const WINDOW = { sinceMs: Date.parse('2026-07-22T00:00:00Z'), untilMs: Date.parse('2026-08-21T00:00:00Z') };

/** Scenario status ids (shared/fixtures-reference/README.md; X1, X2 are this fixture's own). */
const ID = {
  P0: '117118874446251577',
  T1: '117122551831667953',
  M1: '117122616538420235',
  X2: '117122645592899615',
  R1: '117122681112519440',
  X1: '117122689421672455',
  T2: '117123249870980973',
  RT1: '117123278685776562',
  M2: '117123731403692873',
  R2: '117124133684302080',
  T3: '117125126570058621',
  T4: '117128477375703117',
  M3: '117128511863770798',
  R3: '117128603805998333',
} as const;

const ROAD_INFO: AccountInfo = {
  platform: 'mastodon',
  id: ACCOUNT_ID,
  handle: 'RoadInfoBC@mstdn.bc.example',
  displayName: 'RoadInfo BC',
  website: 'https://roadinfobc.example',
  url: 'https://mstdn.bc.example/@RoadInfoBC',
};

interface Fixtures {
  verify: unknown;
  verifyOther: unknown;
  page1: unknown[];
  page2: unknown[];
  page1Headers: Record<string, string>;
  page2Headers: Record<string, string>;
  contextT1: { ancestors: unknown[]; descendants: Record<string, unknown>[] };
  contextT4: { ancestors: unknown[]; descendants: Record<string, unknown>[] };
  error404: unknown;
  error429: unknown;
  error429Headers: Record<string, string>;
  /** The account's own statuses (the two timeline pages), normalized, by id. */
  own: Map<string, Post>;
}

async function loadFixtures(): Promise<Fixtures> {
  const timeline = [...((await mastodonJson('statuses.page1.json')) as unknown[]), ...((await mastodonJson('statuses.page2.json')) as unknown[])];
  return {
    verify: await mastodonJson('api/verify-credentials.json'),
    verifyOther: await mastodonJson('api/verify-credentials.other-account.json'),
    page1: (await mastodonJson('api/notifications.page1.json')) as unknown[],
    page2: (await mastodonJson('api/notifications.page2.json')) as unknown[],
    page1Headers: await mastodonHeaders('api/notifications.page1.headers.txt'),
    page2Headers: await mastodonHeaders('api/notifications.page2.headers.txt'),
    contextT1: (await mastodonJson('api/context.T1.json')) as Fixtures['contextT1'],
    contextT4: (await mastodonJson('api/context.T4.json')) as Fixtures['contextT4'],
    error404: await mastodonJson('api/error-404.json'),
    error429: await mastodonJson('api/error-429.json'),
    error429Headers: await mastodonHeaders('api/error-429.headers.txt'),
    own: new Map(timeline.map((raw) => normalizeMastodonStatus(MastodonStatusSchema.parse(raw))).map((p) => [p.id, p])),
  };
}

/** An own post of the reference timeline with its `replyCount` set explicitly (undefined: unknown). */
function own(f: Fixtures, key: keyof typeof ID, replyCount: number | undefined): Post {
  const post = f.own.get(ID[key]);
  if (!post) throw new Error(`no own post ${key}`);
  const copy: Post = { ...post };
  delete copy.replyCount;
  return replyCount === undefined ? copy : { ...copy, replyCount };
}

/** A fixture status as the fetcher should return it. */
function expected(raw: unknown): Post {
  return normalizeMastodonStatus(MastodonStatusSchema.parse(raw));
}

interface Routes {
  verify?: Route;
  page1?: Route;
  page2?: Route;
  /** Context of a status id; default: T1 and T4 from the fixtures, 404 otherwise. */
  context?: (id: string, f: Fixtures) => Reply;
}

type Harness = MastodonRig & { f: Fixtures };

const openRig = liveRigs();

function defaultContext(id: string, f: Fixtures): Reply {
  if (id === ID.T1) return { json: f.contextT1 };
  if (id === ID.T4) return { json: f.contextT4 };
  return { status: 404, json: f.error404 };
}

async function harness(
  opts: { routes?: (f: Fixtures) => Routes; token?: string; window?: FetchContext['window']; client?: HttpClientOptions } = {},
): Promise<Harness> {
  const f = await loadFixtures();
  const routes = opts.routes?.(f) ?? {};
  const verify: Route = routes.verify ?? (() => ({ json: f.verify }));
  const page1: Route = routes.page1 ?? ((_req, base) => pageReply(f.page1, f.page1Headers, base));
  const page2: Route = routes.page2 ?? ((_req, base) => pageReply(f.page2, f.page2Headers, base));
  const context = routes.context ?? defaultContext;
  const rig = await mastodonRig(
    openRig,
    (req, base) => {
      if (req.path === VERIFY) return verify(req, base);
      if (req.path === NOTIFICATIONS) {
        const maxId = req.query.get('max_id');
        if (maxId === null) return page1(req, base);
        if (maxId === PAGE2_MAX_ID) return page2(req, base);
        return { json: [] };
      }
      const m = CONTEXT.exec(req.path);
      if (m) return context(m[1] ?? '', f);
      return undefined;
    },
    { window: opts.window ?? WINDOW, token: opts.token, client: opts.client },
  );
  return { ...rig, f };
}

/** The requests the server saw, as `path?query` lines. */
const seen = (server: TestServer): string[] => server.requests.map((r) => r.url);
const contextUrl = (id: string): string => `/api/v1/statuses/${id}/context`;
const FIRST_PAGE = `${NOTIFICATIONS}?types[]=mention&limit=${MASTODON_NOTIFICATIONS_LIMIT}`;
/** Exactly the reference `next` link (its own limit and max_id), moved to the test server. */
const SECOND_PAGE = `${NOTIFICATIONS}?limit=3&types%5B%5D=mention&max_id=${PAGE2_MAX_ID}`;

/** Everything the tool could print, joined: to check that the token never shows. */
function printable(h: Harness, extra: unknown[] = []): string {
  return JSON.stringify([h.progress, h.events, ...extra], (_k, v: unknown) => (v instanceof Error ? `${v.message}\n${v.stack}` : v));
}

const ids = (r: InboundResult): string[] => r.posts.map((p) => p.id);

describe('mastodonInboundBaseUrl', () => {
  it('asks --api-url when given, else the server of the resolved handle', () => {
    expect(mastodonInboundBaseUrl(ROAD_INFO, 'http://127.0.0.1:9999/')).toBe('http://127.0.0.1:9999');
    expect(mastodonInboundBaseUrl(ROAD_INFO, null)).toBe('https://mstdn.bc.example');
    expect(() => mastodonInboundBaseUrl({ ...ROAD_INFO, handle: 'RoadInfoBC' }, null)).toThrow(UsageError);
  });
});

describe('with the audited account’s MASTODON_TOKEN: mention notifications', () => {
  it('checks the token once, then follows the Link header: 1 verify + 2 pages, mentions normalized', async () => {
    const h = await harness({ token: TOKEN });
    // Own posts are not needed (and not asked about) when the notifications are read.
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T1', 2), own(h.f, 'T4', 1)], h.ctx);

    expect(seen(h.server)).toEqual([VERIFY, FIRST_PAGE, SECOND_PAGE]);
    expect(h.client.requests).toBe(3);
    expect(h.server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(h.server.requests[1]?.query.getAll('types[]')).toEqual(['mention']);
    expect(result).toMatchObject({ format: 'mastodon-notifications', complete: true, warnings: [] });
    // Newest notification first: M3, M2, X1 on page 1, M1 on page 2.
    expect(ids(result)).toEqual([ID.M3, ID.M2, ID.X1, ID.M1]);
    const statuses = [...h.f.page1, ...h.f.page2].map((n) => (n as { status: unknown }).status);
    expect(result.posts).toEqual(statuses.map(expected));
    for (const post of result.posts) expect(PostSchema.safeParse(post).success).toBe(true);
    // M1 answers T1, the account's post; M2 (a local copy of a remote post) only mentions it.
    const byId = new Map(result.posts.map((p) => [p.id, p]));
    expect(byId.get(ID.M1)).toMatchObject({
      author: { id: '109373957662474121', handle: 'okanagan_kat' },
      createdAt: '2026-08-19T14:21:40.207Z',
      replyTo: { id: ID.T1, author: { id: ACCOUNT_ID, handle: 'RoadInfoBC' } },
      text: '@RoadInfoBC Is the 97C connector OK for trailers? Heading to Kelowna with a camper this morning',
    });
    expect(byId.get(ID.M2)).toMatchObject({
      author: { handle: 'truckerdave@mastodon.example' },
      replyTo: null,
      mentions: [{ id: ACCOUNT_ID, handle: 'RoadInfoBC' }],
    });
    expect(h.server.count(CONTEXT)).toBe(0);
    expect(h.progress).toEqual([
      `Mastodon: checking whose MASTODON_TOKEN is on ${h.server.url}`,
      'Mastodon: mentions page 1, 3 mentions, back to 2026-08-19T14:40:12.318Z',
      'Mastodon: mentions page 2, 1 mention, back to 2026-08-19T14:21:40.207Z',
    ]);
    expect(printable(h, [result])).not.toContain(TOKEN);
  });

  it("stops after page 1 when its oldest notification is before the window's start: 1 verify + 1 page", async () => {
    // Page 1's oldest notification is X1's, 2026-08-19T14:40:12.401Z.
    const h = await harness({ token: TOKEN, window: { sinceMs: Date.parse('2026-08-19T15:00:00Z'), untilMs: WINDOW.untilMs } });
    const result = await fetchMastodonInbound(ROAD_INFO, [], h.ctx);
    expect(seen(h.server)).toEqual([VERIFY, FIRST_PAGE]);
    // The whole page comes back; the caller keeps what is in the window.
    expect(ids(result)).toEqual([ID.M3, ID.M2, ID.X1]);
    expect(result.complete).toBe(true);
  });

  it("cuts off on the notification's time, not the status's: a late-delivered old status does not end the walk", async () => {
    // M2 claims 2026-06-01 (before the window) but reached the server on 2026-08-19: its
    // notification is recent, so page 2 is still read.
    const h = await harness({
      token: TOKEN,
      routes: (f) => ({
        page1: (_req, base) => {
          const page = structuredClone(f.page1) as { status: Record<string, unknown> }[];
          if (page[1]) page[1].status.created_at = '2026-06-01T08:00:00.000Z';
          return pageReply(page, f.page1Headers, base);
        },
      }),
    });
    const result = await fetchMastodonInbound(ROAD_INFO, [], h.ctx);
    expect(seen(h.server)).toEqual([VERIFY, FIRST_PAGE, SECOND_PAGE]);
    expect(ids(result)).toEqual([ID.M3, ID.M2, ID.X1, ID.M1]);
  });

  it('keeps only mentions (an old server ignoring types[] sends follows too), skips a bad status with a warning', async () => {
    const h = await harness({
      token: TOKEN,
      routes: (f) => ({
        page1: (_req, base) => {
          const page = structuredClone(f.page1) as Record<string, unknown>[];
          const follow = { id: '48200001', type: 'follow', created_at: '2026-08-20T09:00:00.000Z', account: (page[0] as { account: unknown }).account };
          const broken = { ...(page[2] as object), status: { ...((page[2] as { status: object }).status), created_at: 'yesterday' } };
          return pageReply([page[0], follow, page[1], broken], f.page1Headers, base);
        },
      }),
    });
    const result = await fetchMastodonInbound(ROAD_INFO, [], h.ctx);
    expect(ids(result)).toEqual([ID.M3, ID.M2, ID.M1]);
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^1 inbound item did not match the Mastodon shape and was skipped \(notifications page 1 item 3 \(notification 48187512\) status 117122689421672455: created_at/),
    ]);
  });

  it('a rejected page after the first (401) keeps what was read and marks the result incomplete', async () => {
    const h = await harness({
      token: TOKEN,
      routes: () => ({ page2: () => ({ status: 401, json: { error: `The access token ${TOKEN} was revoked` } }) }),
    });
    const result = await fetchMastodonInbound(ROAD_INFO, [], h.ctx);
    expect(ids(result)).toEqual([ID.M3, ID.M2, ID.X1]);
    expect(result.complete).toBe(false);
    expect(result.warnings).toEqual([expect.stringMatching(/stopped early: GET \/api\/v1\/notifications refused page 2 \(HTTP 401: The access token \[MASTODON_TOKEN\] was revoked\)/)]);
    expect(printable(h, [result])).not.toContain(TOKEN);
  });

  it('does not follow a next link to another origin (the token stays home) and says the result is partial', async () => {
    const h = await harness({ token: TOKEN, routes: (f) => ({ page1: (_req, base) => pageReply(f.page1, f.page1Headers, base, false) }) });
    const result = await fetchMastodonInbound(ROAD_INFO, [], h.ctx);
    expect(seen(h.server)).toEqual([VERIFY, FIRST_PAGE]);
    expect(result.complete).toBe(false);
    expect(result.warnings).toEqual([expect.stringMatching(/next-page link \(notifications page 1\) points to https:\/\/mstdn\.bc\.example/)]);
  });

  it('a full page without a Link header is read as the end, but said to be possibly partial', async () => {
    const h = await harness({
      token: TOKEN,
      routes: (f) => ({
        page1: () => ({
          json: Array.from({ length: MASTODON_NOTIFICATIONS_LIMIT }, (_, i) => ({ ...(f.page1[0] as object), id: String(48213907 - i) })),
        }),
      }),
    });
    const result = await fetchMastodonInbound(ROAD_INFO, [], h.ctx);
    expect(h.client.requests).toBe(2);
    // 80 notifications of the same status: one post.
    expect(ids(result)).toEqual([ID.M3]);
    expect(result.complete).toBe(false);
    expect(result.warnings).toEqual([expect.stringMatching(/notifications page 1 was full but came without a Link header/)]);
  });

  it('a notifications page that is not an array is a ShapeError', async () => {
    const h = await harness({ token: TOKEN, routes: () => ({ page1: () => ({ json: { notifications: [] } }) }) });
    const err = await failure(fetchMastodonInbound(ROAD_INFO, [], h.ctx));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toMatch(/a JSON object instead of an array of notifications \(page 1\)/);
  });

  it('Ctrl-C while page 2 is on its way ends in InterruptedError', async () => {
    let h!: Harness;
    h = await harness({
      token: TOKEN,
      routes: () => ({
        page2: () => {
          setTimeout(() => h.controller.abort(), 10);
          return { action: 'hang' };
        },
      }),
    });
    const err = await failure(fetchMastodonInbound(ROAD_INFO, [], h.ctx));
    expect(err).toBeInstanceOf(InterruptedError);
    expect(h.server.count(NOTIFICATIONS)).toBe(2);
  });
});

describe('falling back to the threads when the token cannot list the account’s mentions', () => {
  it("another account's token: a warning naming that account, then the context method (token still sent)", async () => {
    const h = await harness({ token: TOKEN, routes: (f) => ({ verify: () => ({ json: f.verifyOther }) }) });
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1), own(h.f, 'T1', 2)], h.ctx);
    expect(seen(h.server)).toEqual([VERIFY, contextUrl(ID.T4), contextUrl(ID.T1)]);
    expect(h.server.count(NOTIFICATIONS)).toBe(0);
    // A token that works lifts the anonymous limits: it is sent on the context requests too.
    expect(h.server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(result.format).toBe('mastodon-context');
    expect(result.complete).toBe(true);
    expect(ids(result)).toEqual([ID.M3, ID.M1, ID.X2, ID.X1]);
    expect(result.warnings).toEqual([
      `MASTODON_TOKEN belongs to @social_desk on ${h.server.url}, not to the audited account, so it cannot list the account's mentions; the replies to its posts were read instead (GET /api/v1/statuses/:id/context), which miss mentions outside those threads`,
    ]);
    expect(printable(h, [result])).not.toContain(TOKEN);
  });

  it('a token the server rejects on verify (401, echoing it): warning without the token, then anonymous threads', async () => {
    const h = await harness({
      token: TOKEN,
      routes: () => ({ verify: () => ({ status: 401, json: { error: `The access token ${TOKEN} is invalid` } }) }),
    });
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1)], h.ctx);
    expect(seen(h.server)).toEqual([VERIFY, contextUrl(ID.T4)]);
    // A rejected token is not sent again.
    expect(h.server.requests[1]?.headers.authorization).toBeUndefined();
    expect(result).toMatchObject({ format: 'mastodon-context', complete: true });
    expect(ids(result)).toEqual([ID.M3]);
    expect(result.warnings).toEqual([
      expect.stringMatching(/would not say whose MASTODON_TOKEN is \(GET \/api\/v1\/accounts\/verify_credentials: HTTP 401: The access token \[MASTODON_TOKEN\] is invalid\); the replies to its posts were read instead/),
    ]);
    expect(printable(h, [result])).not.toContain(TOKEN);
  });

  it('a token without read:accounts (403 on verify) or an app token (422): threads, token still sent', async () => {
    for (const status of [403, 422]) {
      const h = await harness({ token: TOKEN, routes: () => ({ verify: () => ({ status, json: { error: 'This action is outside the authorized scopes' } }) }) });
      const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1)], h.ctx);
      expect(seen(h.server)).toEqual([VERIFY, contextUrl(ID.T4)]);
      expect(h.server.requests[1]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(result.format).toBe('mastodon-context');
      expect(result.warnings).toEqual([expect.stringContaining(`HTTP ${status}: This action is outside the authorized scopes`)]);
    }
  });

  it("the account's token without read:notifications (403 on page 1): threads, with a warning saying which scope", async () => {
    const h = await harness({
      token: TOKEN,
      routes: () => ({ page1: () => ({ status: 403, json: { error: 'This action is outside the authorized scopes' } }) }),
    });
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1)], h.ctx);
    expect(seen(h.server)).toEqual([VERIFY, FIRST_PAGE, contextUrl(ID.T4)]);
    expect(h.client.requests).toBe(3);
    expect(result).toMatchObject({ format: 'mastodon-context', complete: true });
    expect(ids(result)).toEqual([ID.M3]);
    expect(result.warnings).toEqual([expect.stringMatching(/may not read the account's notifications \(GET \/api\/v1\/notifications: HTTP 403: .*read:notifications scope\)/)]);
  });

  it('a verify answer that is not an account is a ShapeError', async () => {
    const h = await harness({ token: TOKEN, routes: () => ({ verify: () => ({ json: [] }) }) });
    const err = await failure(fetchMastodonInbound(ROAD_INFO, [], h.ctx));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toMatch(/verify_credentials answered with an array that is not an account/);
  });
});

describe('without a token: the threads under the account’s posts', () => {
  it('asks only for posts with replies (2, 0, 1 → exactly 2 context requests) and returns the descendants by others', async () => {
    const h = await harness();
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1), own(h.f, 'T3', 0), own(h.f, 'T1', 2)], h.ctx);
    expect(seen(h.server)).toEqual([contextUrl(ID.T4), contextUrl(ID.T1)]);
    expect(h.client.requests).toBe(2);
    expect(h.server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(result).toMatchObject({ format: 'mastodon-context', complete: true, warnings: [] });
    // T4: M3 (R3 is the account's own). T1: M1, X2 (a reply to M1 that does not mention the
    // account: returned as conversation context, the caller decides), X1; R1 and T2 are own.
    expect(ids(result)).toEqual([ID.M3, ID.M1, ID.X2, ID.X1]);
    const descendants = [...h.f.contextT4.descendants, ...h.f.contextT1.descendants];
    const byOthers = descendants.filter((d) => (d.account as { id: string }).id !== ACCOUNT_ID);
    expect(result.posts).toEqual(byOthers.map(expected));
    expect(result.posts.some((p) => p.author.id === ACCOUNT_ID)).toBe(false);
    expect(h.progress).toEqual(['Mastodon: replies to post 1 of 2', 'Mastodon: replies to post 2 of 2']);
  });

  it("skips posts whose replies are all the account's own, reposts, and posts after the window's end; asks when the count is unknown", async () => {
    const h = await harness();
    const late: Post = { ...own(h.f, 'T3', 5), id: '117135000000000000', createdAt: '2026-08-21T00:00:00.000Z' };
    const result = await fetchMastodonInbound(
      ROAD_INFO,
      [
        late, // created at the window's end: nothing answering it can be in the window
        own(h.f, 'T4', undefined), // count unknown: asked
        own(h.f, 'RT1', 3), // a boost: never asked
        own(h.f, 'T2', 0),
        own(h.f, 'T1', 1), // its one reply is T2, the account's own self-thread reply: not asked
      ],
      h.ctx,
    );
    expect(seen(h.server)).toEqual([contextUrl(ID.T4)]);
    expect(ids(result)).toEqual([ID.M3]);
    expect(result.warnings).toEqual([]);
  });

  it('an own post deleted since the timeline was read (404) is skipped with a warning', async () => {
    const h = await harness();
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1), own(h.f, 'P0', 1)], h.ctx);
    expect(seen(h.server)).toEqual([contextUrl(ID.T4), contextUrl(ID.P0)]);
    expect(ids(result)).toEqual([ID.M3]);
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual([
      `1 of the account's posts was gone when their replies were asked for (HTTP 404, deleted since the timeline was read): ${ID.P0}; their replies were skipped`,
    ]);
  });

  it('returns replies whose parent is gone from the thread (deleted in the middle)', async () => {
    // M1 deleted: X2 and R1 still name it as their parent, the thread shows them under T1.
    const h = await harness({
      routes: () => ({
        context: (id, f) =>
          id === ID.T1 ? { json: { ancestors: [], descendants: f.contextT1.descendants.filter((d) => d.id !== ID.M1) } } : defaultContext(id, f),
      }),
    });
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T1', 1)], h.ctx);
    expect(ids(result)).toEqual([ID.X2, ID.X1]);
    expect(result.posts.find((p) => p.id === ID.X2)?.replyTo?.id).toBe(ID.M1);
    // T1's one counted direct reply (T2, with M1 gone) is there: no warning.
    expect(result.warnings).toEqual([]);
  });

  it('warns when a thread holds fewer direct replies than replies_count, without marking the result incomplete', async () => {
    const h = await harness();
    // T4 said 3 replies; its thread holds one direct reply (M3).
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 3)], h.ctx);
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual([
      `1 of the account's posts came back with fewer direct replies than their replies_count (${ID.T4} (1 of 3)); the others may be hidden from this caller or beyond the server's limits, and are not counted`,
    ]);
  });

  it("warns when a thread reaches the anonymous limits (60 replies, or 20 levels deep), not when a token was sent", async () => {
    const sixty = (f: Fixtures): Record<string, unknown>[] =>
      Array.from({ length: ANONYMOUS_CONTEXT_LIMITS.descendants }, (_, i) => ({ ...f.contextT4.descendants[0], id: String(117128511863770798n + BigInt(i)) }));
    const chain = (f: Fixtures): Record<string, unknown>[] =>
      Array.from({ length: ANONYMOUS_CONTEXT_LIMITS.depth }, (_, i) => ({
        ...f.contextT4.descendants[0],
        id: String(117128511863770798n + BigInt(i)),
        in_reply_to_id: i === 0 ? ID.T4 : String(117128511863770798n + BigInt(i - 1)),
      }));
    for (const [name, descendants] of [
      ['sixty', sixty],
      ['chain', chain],
    ] as const) {
      const routes = (): Routes => ({ context: (_id, f) => ({ json: { ancestors: [], descendants: descendants(f) } }) });
      const h = await harness({ routes });
      const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1)], h.ctx);
      expect(result.posts, name).toHaveLength(descendants(h.f).length);
      expect(result.complete).toBe(true);
      expect(result.warnings, name).toEqual([expect.stringMatching(/^1 thread reached what Mastodon shows a caller without a token \(60 replies, 20 levels deep\): 117128477375703117; some replies may be missing/)]);

      const withToken = await harness({ routes: (f) => ({ ...routes(), verify: () => ({ json: f.verifyOther }) }), token: TOKEN });
      const second = await fetchMastodonInbound(ROAD_INFO, [own(withToken.f, 'T4', 1)], withToken.ctx);
      expect(second.warnings.filter((w) => w.includes('without a token'))).toEqual([]);
    }
  });

  it('says so when the server is still fetching remote replies (Mastodon-Async-Refresh)', async () => {
    const h = await harness({
      routes: () => ({ context: (_id, f) => ({ json: f.contextT4, headers: { 'mastodon-async-refresh': 'id="ImNvbnRleHQ", retry=5, result_count=0' } }) }),
    });
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1)], h.ctx);
    expect(result.warnings).toEqual([`${h.server.url} was still fetching replies from other servers for 1 post (${ID.T4}); a later run may find more`]);
  });

  it('waits out a 429 on a context request, then goes on: 3 requests for 2 threads', async () => {
    const now = Date.parse('2026-08-20T16:10:00Z');
    const sleeps: number[] = [];
    const h = await harness({
      client: { now: () => now, sleep: async (ms) => void sleeps.push(ms) },
      routes: () => {
        let limited = false;
        return {
          context: (id, f) => {
            if (id === ID.T1 && !limited) {
              limited = true;
              return rateLimited(f, now + 2000);
            }
            return defaultContext(id, f);
          },
        };
      },
    });
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1), own(h.f, 'T1', 2)], h.ctx);
    // Reset 2 s ahead + the client's 1 s margin.
    expect(sleeps).toEqual([3000]);
    expect(seen(h.server)).toEqual([contextUrl(ID.T4), contextUrl(ID.T1), contextUrl(ID.T1)]);
    expect(h.client.requests).toBe(3);
    expect(ids(result)).toEqual([ID.M3, ID.M1, ID.X2, ID.X1]);
    expect(result.complete).toBe(true);
  });

  it('a rate limit past --max-wait keeps the threads read before it (incomplete); on the first thread it is an error', async () => {
    const now = Date.parse('2026-08-20T16:10:00Z');
    const limitT1 = (): Routes => ({ context: (id, f) => (id === ID.T1 ? rateLimited(f, now + 3_600_000) : defaultContext(id, f)) });
    const h = await harness({ client: { now: () => now, maxWaitMs: 60_000 }, routes: limitT1 });
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1), own(h.f, 'T1', 2)], h.ctx);
    expect(ids(result)).toEqual([ID.M3]);
    expect(result.complete).toBe(false);
    expect(result.warnings).toEqual([expect.stringMatching(/^reading what people wrote to the account stopped early: .*rate-limited until 2026-08-20T17:10:00\.000Z.*\(after 1 of 2 threads\)/)]);

    const first = await harness({ client: { now: () => now, maxWaitMs: 60_000 }, routes: limitT1 });
    const err = await failure(fetchMastodonInbound(ROAD_INFO, [own(first.f, 'T1', 2), own(first.f, 'T4', 1)], first.ctx));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(first.server.requests).toHaveLength(1);
  });

  it('a context answer that is not {ancestors, descendants} is a ShapeError', async () => {
    const h = await harness({ routes: () => ({ context: () => ({ json: [] }) }) });
    const err = await failure(fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1)], h.ctx));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toMatch(/an array that is not a context .* for status 117128477375703117/);
  });

  it('Ctrl-C while the second thread is on its way ends in InterruptedError', async () => {
    let h!: Harness;
    h = await harness({
      routes: () => ({
        context: (id, f) => {
          if (id !== ID.T1) return defaultContext(id, f);
          setTimeout(() => h.controller.abort(), 10);
          return { action: 'hang' };
        },
      }),
    });
    const err = await failure(fetchMastodonInbound(ROAD_INFO, [own(h.f, 'T4', 1), own(h.f, 'T1', 2), own(h.f, 'T3', 1)], h.ctx));
    expect(err).toBeInstanceOf(InterruptedError);
    // T3's thread is never asked for.
    expect(seen(h.server)).toEqual([contextUrl(ID.T4), contextUrl(ID.T1)]);
  });

  it('no own post with replies: no request at all', async () => {
    const h = await harness();
    const result = await fetchMastodonInbound(ROAD_INFO, [own(h.f, 'R3', 0), own(h.f, 'T3', 0)], h.ctx);
    expect(h.server.requests).toHaveLength(0);
    expect(result).toEqual({ posts: [], format: 'mastodon-context', complete: true, warnings: [] });
  });
});
