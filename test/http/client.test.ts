import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { InterruptedError, PlatformError } from '../../src/errors.js';
import {
  AuthError,
  HttpClient,
  RateLimitError,
  ShapeError,
  platformMessage,
  rateLimitResetMs,
  type HttpClientOptions,
  type HttpEvent,
} from '../../src/http/client.js';
import { sequence, startServer, type Reply, type Route, type TestServer } from '../helpers/server.js';

/**
 * The HTTP module against a real server on 127.0.0.1. Sleeping and jitter are injected so every
 * wait is asserted exactly and nothing really waits, except one test ("real waits", about 2 s).
 */

/** A recognisable fake token: it must never show up in a message or an event. */
const TOKEN = 'FAKE-TOKEN-7e3f9c2a-do-not-print';
const AUTH = { authorization: `Bearer ${TOKEN}` };

// Error bodies as the platforms send them: copies of the fixtures-reference files named on each.
/** x-v2-error-401.json */
const X_401 = { type: 'about:blank', title: 'Unauthorized', detail: 'Unauthorized', status: 401 };
/** x-v2-error-429.json */
const X_429 = { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };
/** x-v2-error-usage-capped-429.json (the account id is a plain JSON number there too) */
const X_USAGE_CAPPED =
  '{"account_id":1580000000000000000,"product_name":"standard-basic","title":"UsageCapExceeded","period":"Monthly","scope":"Product","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped"}';
/** x-v2-error-credits-402.json */
const X_402 = { title: 'Payment Required', detail: 'credits depleted', type: 'https://api.x.com/2/problems/credits-depleted' };
/** x-v2-error-invalid-request-400.json */
const X_400 = {
  errors: [
    {
      parameters: { max_results: ['500'] },
      message: 'The `max_results` query parameter value [500] is not between 5 and 100',
    },
  ],
  title: 'Invalid Request',
  detail: 'One or more parameters to your request was invalid.',
  type: 'https://api.x.com/2/problems/invalid-request',
};
/** The shape of platforms.md §1.6 (403 for an app outside a Project; values illustrative). */
const X_403_NOT_ENROLLED = {
  client_id: '27812345',
  detail: 'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.',
  registration_url: 'https://developer.x.com/en/docs/projects/overview',
  title: 'Client Forbidden',
  required_enrollment: 'Appropriate Level of API Access',
  reason: 'client-not-enrolled',
  type: 'https://api.x.com/2/problems/client-forbidden',
};
/** mastodon-error-404.json */
const MASTODON_404 = { error: 'Record not found' };
/** mastodon-error-429.json */
const MASTODON_429 = { error: 'Too many requests' };
/** bluesky-error-400.json */
const BLUESKY_400 = { error: 'InvalidRequest', message: 'Profile not found' };
/** bluesky-error-429.json */
const BLUESKY_429 = { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' };
/** What a CDN in front of an API answers when the origin is down. */
const HTML_503 = '<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>\n';

const PATH = '/2/users/289134506/tweets';
const ENDPOINT = 'GET /2/users/:id/tweets';
const OK = { json: { data: [{ id: '1' }], meta: { result_count: 1 } } } satisfies Reply;

const servers: TestServer[] = [];
const clients: HttpClient[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(routes: Record<string, Route>): Promise<TestServer> {
  const server = await startServer(routes);
  servers.push(server);
  return server;
}

/** A client whose sleeps are recorded, not slept, with jitter fixed at 0.25. */
function makeClient(opts: HttpClientOptions = {}): { client: HttpClient; sleeps: number[]; events: HttpEvent[] } {
  const sleeps: number[] = [];
  const events: HttpEvent[] = [];
  const client = new HttpClient({
    backoffMs: 100,
    random: () => 0.25,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onEvent: (e) => events.push(e),
    timeoutMs: 5000,
    ...opts,
  });
  clients.push(client);
  return { client, sleeps, events };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the request to fail');
}

const xGet = (server: TestServer, headers: Record<string, string> = AUTH) => ({
  url: `${server.url}${PATH}?max_results=100`,
  platform: 'x' as const,
  endpoint: ENDPOINT,
  headers,
});

const fixed = (status: number, more: Omit<Extract<Reply, { status?: number }>, 'status'> = {}): Route => () => ({ status, ...more });

describe('rateLimitResetMs', () => {
  const NOW = 1_787_241_000_000; // 2026-08-20T15:50:00Z
  // Each row: the headers one platform sends, and the reset instant computed by hand.
  it.each([
    // X: epoch seconds. 1787241600 s = 2026-08-20T16:00:00Z.
    ['X x-rate-limit-reset (epoch seconds)', { 'x-rate-limit-reset': '1787241600' }, 1_787_241_600_000],
    // Mastodon: ISO 8601 with microseconds; 2026-08-20T16:15:00Z = 1787241600 + 900 s.
    ['Mastodon X-RateLimit-Reset (ISO, microseconds)', { 'x-ratelimit-reset': '2026-08-20T16:15:00.000000Z' }, 1_787_242_500_000],
    // Microseconds beyond the millisecond are dropped, not rounded: .123456 → 123 ms.
    ['Mastodon reset with non-zero microseconds', { 'x-ratelimit-reset': '2026-08-20T16:15:00.123456Z' }, 1_787_242_500_123],
    // Bluesky (atproto xrpc-server): epoch seconds. 1787241900 s = 2026-08-20T16:05:00Z.
    ['Bluesky RateLimit-Reset (epoch seconds)', { 'ratelimit-reset': '1787241900' }, 1_787_241_900_000],
    // IETF RateLimit draft: a small number is seconds from now: NOW + 30 s.
    ['RateLimit-Reset as delta seconds', { 'ratelimit-reset': '30' }, NOW + 30_000],
    ['Retry-After seconds', { 'retry-after': '120' }, NOW + 120_000],
    ['Retry-After 0', { 'retry-after': '0' }, NOW],
    // HTTP-date: Thu, 20 Aug 2026 16:15:00 GMT = 1787242500 s.
    ['Retry-After HTTP-date', { 'retry-after': 'Thu, 20 Aug 2026 16:15:00 GMT' }, 1_787_242_500_000],
    ['a platform reset header wins over Retry-After', { 'x-rate-limit-reset': '1787241600', 'retry-after': '5' }, 1_787_241_600_000],
    ['an unreadable reset header falls back to Retry-After', { 'x-rate-limit-reset': 'soon', 'retry-after': '5' }, NOW + 5_000],
    ['surrounding blanks are ignored', { 'x-rate-limit-reset': ' 1787241600 ' }, 1_787_241_600_000],
    ['no header', { 'x-rate-limit-remaining': '0' }, null],
    ['nothing readable', { 'x-rate-limit-reset': '', 'retry-after': 'later' }, null],
  ] as const)('%s', (_name, headers, expected) => {
    expect(rateLimitResetMs({ ...headers }, NOW)).toBe(expected);
  });
});

describe('platformMessage', () => {
  it.each([
    ['X problem (401)', X_401, 'Unauthorized'],
    ['X problem (403 client-forbidden)', X_403_NOT_ENROLLED, X_403_NOT_ENROLLED.detail],
    // The generic `detail` says nothing; the errors[] entry names the parameter and its bounds.
    ['X 400 invalid-request with errors[]', X_400, 'The `max_results` query parameter value [500] is not between 5 and 100'],
    ['X v1.1-style errors[]', { errors: [{ code: 88, message: 'Rate limit exceeded' }] }, 'Rate limit exceeded'],
    ['Mastodon {"error"}', MASTODON_404, 'Record not found'],
    ['Mastodon OAuth error with a description', { error: 'invalid_token', error_description: 'The access token is invalid' }, 'The access token is invalid'],
    ['Bluesky {"error","message"}', BLUESKY_400, 'Profile not found'],
    ['Bluesky error with no message', { error: 'InternalServerError' }, 'InternalServerError'],
    ['an empty object', {}, null],
    ['blank strings only', { error: '  ', message: '' }, null],
    ['errors[] holding null', { errors: [null] }, null],
    ['not an object', 'Bad Gateway', null],
    ['null', null, null],
  ] as const)('%s', (_name, body, expected) => {
    expect(platformMessage(body)).toBe(expected);
  });

  it('cuts a long message to 300 characters', () => {
    expect(platformMessage({ error: 'x'.repeat(1000) })).toHaveLength(300);
  });
});

describe('HttpClient: success', () => {
  it('GETs JSON with the caller headers and returns status, lower-cased headers and body', async () => {
    const server = await serve({ [PATH]: () => ({ json: { data: [] }, headers: { 'X-Rate-Limit-Remaining': '899' } }) });
    const { client, events } = makeClient();
    const res = await client.getJson(xGet(server));
    expect(res).toEqual({ status: 200, headers: expect.objectContaining({ 'x-rate-limit-remaining': '899' }), body: { data: [] } });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests[0]?.headers.accept).toBe('application/json');
    expect(server.requests[0]?.query.get('max_results')).toBe('100');
    expect(client.requests).toBe(1);
    expect(events).toEqual([{ type: 'request', endpoint: ENDPOINT, url: `${server.url}${PATH}?max_results=100` }]);
  });

  it('returns null for an empty 2xx body', async () => {
    const server = await serve({ [PATH]: fixed(204) });
    const { client } = makeClient();
    expect(await client.getJson(xGet(server))).toMatchObject({ status: 204, body: null });
  });

  it('returns an accepted non-2xx status to the caller instead of failing', async () => {
    const server = await serve({ '/api/v1/accounts/lookup': fixed(404, { json: MASTODON_404 }) });
    const { client } = makeClient();
    const res = await client.getJson({ url: `${server.url}/api/v1/accounts/lookup?acct=nobody`, platform: 'mastodon', endpoint: 'GET /api/v1/accounts/lookup', accept: [404] });
    expect(res).toMatchObject({ status: 404, body: MASTODON_404 });
    expect(server.count('/api/v1/accounts/lookup')).toBe(1);
  });

  it('gives an accepted status with an HTML body as body null', async () => {
    const server = await serve({ '/xrpc/app.bsky.feed.searchPosts': fixed(403, { body: '<html>Forbidden</html>', headers: { 'content-type': 'text/html' } }) });
    const { client } = makeClient();
    const res = await client.getJson({ url: `${server.url}/xrpc/app.bsky.feed.searchPosts?q=x`, platform: 'bluesky', endpoint: 'app.bsky.feed.searchPosts', accept: [403] });
    expect(res).toMatchObject({ status: 403, body: null });
  });

  it('turns a 2xx body that is not JSON into a ShapeError, without retrying', async () => {
    const server = await serve({ [PATH]: () => ({ body: '<html><body>Welcome to nginx!</body></html>', headers: { 'content-type': 'text/html' } }) });
    const { client, sleeps } = makeClient();
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toBe(`X ${ENDPOINT} answered with a body that is not JSON; the API may have changed or --api-url may point elsewhere`);
    expect(server.count(PATH)).toBe(1);
    expect(sleeps).toEqual([]);
  });
});

describe('HttpClient: retries with backoff and jitter', () => {
  // Delay n (n = 1, 2, 3) = backoffMs · 2^(n−1) · (1 + r): with backoffMs 100 and r 0.25,
  // 100·1·1.25 = 125, 100·2·1.25 = 250, 100·4·1.25 = 500.
  it.each([408, 425, 500, 502, 503, 504])('retries HTTP %i and succeeds on the 4th try', async (status) => {
    const server = await serve({ [PATH]: sequence({ status, json: {} }, { status, json: {} }, { status, json: {} }, OK) });
    const { client, sleeps, events } = makeClient();
    const res = await client.getJson(xGet(server));
    expect(res.body).toEqual(OK.json);
    expect(sleeps).toEqual([125, 250, 500]);
    expect(server.count(PATH)).toBe(4);
    expect(client.requests).toBe(4);
    expect(events.filter((e) => e.type === 'retry')).toEqual([
      { type: 'retry', endpoint: ENDPOINT, attempt: 1, delayMs: 125, reason: `HTTP ${status}` },
      { type: 'retry', endpoint: ENDPOINT, attempt: 2, delayMs: 250, reason: `HTTP ${status}` },
      { type: 'retry', endpoint: ENDPOINT, attempt: 3, delayMs: 500, reason: `HTTP ${status}` },
    ]);
    expect(events.filter((e) => e.type === 'request')).toHaveLength(4);
  });

  it('gives up after 4 tries in all with one PlatformError', async () => {
    const server = await serve({ [PATH]: fixed(503, { json: {} }) });
    const { client, sleeps } = makeClient();
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).not.toBeInstanceOf(RateLimitError);
    expect(err.message).toBe(`X ${ENDPOINT} kept failing (HTTP 503 after 4 tries); the platform may be down, try again later`);
    expect(server.count(PATH)).toBe(4);
    expect(client.requests).toBe(4);
    expect(sleeps).toEqual([125, 250, 500]);
  });

  it('handles an HTML 503 page: retried, then a message without the HTML', async () => {
    const server = await serve({ [PATH]: fixed(503, { body: HTML_503, headers: { 'content-type': 'text/html' } }) });
    const { client } = makeClient({ tries: 2 });
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).not.toBeInstanceOf(ShapeError);
    expect(err.message).toBe(`X ${ENDPOINT} kept failing (HTTP 503 after 2 tries); the platform may be down, try again later`);
    expect(server.count(PATH)).toBe(2);
  });

  it('recovers from an HTML 503 page', async () => {
    const server = await serve({ [PATH]: sequence({ status: 503, body: HTML_503, headers: { 'content-type': 'text/html' } }, OK) });
    const { client } = makeClient();
    expect((await client.getJson(xGet(server))).body).toEqual(OK.json);
    expect(server.count(PATH)).toBe(2);
  });

  it('applies the jitter: r = 0 gives the bare exponential delays, r near 1 nearly doubles them', async () => {
    const server = await serve({ [PATH]: fixed(500, { json: {} }) });
    const low = makeClient({ random: () => 0, backoffMs: 1000 });
    await failure(low.client.getJson(xGet(server)));
    expect(low.sleeps).toEqual([1000, 2000, 4000]);
    const high = makeClient({ random: () => 0.999, backoffMs: 1000 });
    await failure(high.client.getJson(xGet(server)));
    expect(high.sleeps).toEqual([1999, 3998, 7996]);
  });

  it('honours `tries`: tries 1 never retries', async () => {
    const server = await serve({ [PATH]: fixed(502, { json: {} }) });
    const { client, sleeps } = makeClient({ tries: 1 });
    const err = await failure(client.getJson(xGet(server)));
    expect(err.message).toContain('HTTP 502 after 1 tries');
    expect(server.count(PATH)).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a connection reset in the middle of the body and succeeds', async () => {
    const server = await serve({ [PATH]: sequence({ action: 'reset-mid-body' }, OK) });
    const { client, sleeps, events } = makeClient();
    const res = await client.getJson(xGet(server));
    expect(res.body).toEqual(OK.json);
    expect(server.count(PATH)).toBe(2);
    expect(client.requests).toBe(2);
    expect(sleeps).toEqual([125]);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ attempt: 1, reason: expect.stringMatching(/^network error/) });
  });

  it('reports connections reset on every try as one PlatformError', async () => {
    const server = await serve({ [PATH]: () => ({ action: 'reset-mid-body' }) });
    const { client } = makeClient();
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toMatch(new RegExp(`^cannot get an answer from X ${ENDPOINT} after 4 tries \\(the connection broke off`));
    expect(err.message).toContain('check the network or --api-url, or raise --timeout');
    expect(err.cause).toBeInstanceOf(Error);
    expect(server.count(PATH)).toBe(4);
  });

  it('retries a refused connection, then says so', async () => {
    const tmp = await startServer({});
    const url = tmp.url;
    await tmp.close();
    const { client, sleeps } = makeClient();
    const err = await failure(client.getJson({ url: `${url}/api/v1/accounts/1/statuses`, platform: 'mastodon', endpoint: 'GET /api/v1/accounts/:id/statuses' }));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toBe(
      'cannot get an answer from Mastodon GET /api/v1/accounts/:id/statuses after 4 tries (connection refused, ECONNREFUSED); check the network or --api-url, or raise --timeout',
    );
    expect(sleeps).toEqual([125, 250, 500]);
    expect(client.requests).toBe(4);
  });
});

describe('HttpClient: real waits', () => {
  // undici checks its connect, headers and body timeouts on a coarse timer (about 1 s whatever
  // the setting), and the rate-limit margin is 1 s, so these checks really wait. They run side by
  // side in one test, to cost about 2 s in all.

  /** A server that never answers: the headers timeout; 2 tries, then one PlatformError. */
  async function headersTimeout(): Promise<void> {
    const server = await serve({ [PATH]: () => ({ action: 'hang' }) });
    const { client, sleeps } = makeClient({ timeoutMs: 200, tries: 2 });
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toBe(
      `cannot get an answer from X ${ENDPOINT} after 2 tries (no answer within 0.2 s, UND_ERR_HEADERS_TIMEOUT); check the network or --api-url, or raise --timeout`,
    );
    expect((err.cause as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(server.count(PATH)).toBe(2);
    expect(client.requests).toBe(2);
    expect(sleeps).toEqual([125]);
  }

  /**
   * A body that stalls: the body must be complete within the timeout of its headers (a stall
   * or a drip alike), also when the dispatcher is passed in with long timeouts of its own.
   */
  async function bodyTimeout(): Promise<void> {
    const stall: Route = () => ({
      action: 'custom',
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"data":[');
      },
    });
    const server = await serve({ [PATH]: stall });
    const agent = new Agent({ headersTimeout: 60_000, bodyTimeout: 60_000 });
    closers.push(() => agent.close());
    const { client, sleeps } = makeClient({ timeoutMs: 200, tries: 2, dispatcher: agent });
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toBe(
      `cannot get an answer from X ${ENDPOINT} after 2 tries (the answer was not complete within 0.2 s, BODY_DEADLINE); check the network or --api-url, or raise --timeout`,
    );
    expect(server.count(PATH)).toBe(2);
    expect(sleeps).toEqual([125]);
  }

  /**
   * A connection that never completes: the connect timeout. A TCP server that accepts and never
   * speaks leaves the TLS handshake (part of undici's connect phase) hanging, on 127.0.0.1.
   */
  async function connectTimeout(): Promise<void> {
    const sockets = new Set<Socket>();
    const silent: TcpServer = createTcpServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const port = (silent.address() as AddressInfo).port;
    const { client, sleeps } = makeClient({ timeoutMs: 300, tries: 2 });
    const err = await failure(
      client.getJson({ url: `https://127.0.0.1:${port}/xrpc/app.bsky.actor.getProfile?actor=a.example`, platform: 'bluesky', endpoint: 'app.bsky.actor.getProfile' }),
    );
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toBe(
      'cannot get an answer from Bluesky app.bsky.actor.getProfile after 2 tries (could not connect within 0.3 s, UND_ERR_CONNECT_TIMEOUT); check the network or --api-url, or raise --timeout',
    );
    expect(client.requests).toBe(2);
    expect(sleeps).toEqual([125]);
  }

  /** The default sleep really sleeps: a 429 whose reset has passed waits the 1 s margin. */
  async function defaultSleep(): Promise<void> {
    const server = await serve({ [PATH]: sequence({ status: 429, headers: { 'retry-after': '0' }, json: X_429 }, OK) });
    const client = new HttpClient({ backoffMs: 1 });
    clients.push(client);
    const started = Date.now();
    expect((await client.getJson(xGet(server))).body).toEqual(OK.json);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(server.count(PATH)).toBe(2);
  }

  it('connect, headers and body timeouts trigger, are retried, and end as one clear PlatformError; the default sleep sleeps', async () => {
    const started = Date.now();
    await Promise.all([headersTimeout(), bodyTimeout(), connectTimeout(), defaultSleep()]);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe('HttpClient: rate limits', () => {
  /** A 429 with `headers`, then success; the clock sits at `now`. */
  async function limitedOnce(headers: Record<string, string>, body: unknown, now: number, opts: HttpClientOptions = {}) {
    const server = await serve({ [PATH]: sequence({ status: 429, headers, json: body }, OK) });
    const made = makeClient({ now: () => now, ...opts });
    const res = await made.client.getJson(xGet(server));
    return { server, res, ...made };
  }

  // Each wait = (reset − now) + a 1 s margin, computed by hand.
  it('waits for X x-rate-limit-reset (epoch seconds), reports the wait, then retries', async () => {
    const reset = 1_787_241_600; // 2026-08-20T16:00:00Z
    const { server, res, sleeps, events, client } = await limitedOnce({ 'x-rate-limit-limit': '900', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) }, X_429, reset * 1000 - 90_000);
    expect(res.body).toEqual(OK.json);
    expect(sleeps).toEqual([91_000]);
    expect(events.filter((e) => e.type === 'rate-limit')).toEqual([{ type: 'rate-limit', endpoint: ENDPOINT, waitMs: 91_000, resetAt: reset * 1000 }]);
    expect(server.count(PATH)).toBe(2);
    expect(client.requests).toBe(2);
  });

  it('waits for Mastodon X-RateLimit-Reset (ISO 8601 with microseconds)', async () => {
    // Reset 2026-08-20T16:15:00Z, clock 16:14:00Z: 60 s + 1 s.
    const { sleeps, events } = await limitedOnce({ 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '2026-08-20T16:15:00.000000Z' }, MASTODON_429, Date.UTC(2026, 7, 20, 16, 14, 0));
    expect(sleeps).toEqual([61_000]);
    expect(events.find((e) => e.type === 'rate-limit')).toMatchObject({ waitMs: 61_000, resetAt: 1_787_242_500_000 });
  });

  it('waits for Bluesky RateLimit-Reset (epoch seconds)', async () => {
    // Reset 1787241900 s = 2026-08-20T16:05:00Z, clock 30 s before: 31 s.
    const { sleeps } = await limitedOnce({ 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-reset': '1787241900', 'ratelimit-policy': '3000;w=300' }, BLUESKY_429, 1_787_241_870_000);
    expect(sleeps).toEqual([31_000]);
  });

  it('waits for Retry-After seconds and Retry-After HTTP-date', async () => {
    const seconds = await limitedOnce({ 'retry-after': '7' }, {}, 1_787_241_000_000);
    expect(seconds.sleeps).toEqual([8_000]);
    // Thu, 20 Aug 2026 16:15:00 GMT = 1787242500 s; clock 2 min before.
    const date = await limitedOnce({ 'retry-after': 'Thu, 20 Aug 2026 16:15:00 GMT' }, {}, 1_787_242_380_000);
    expect(date.sleeps).toEqual([121_000]);
  });

  it('waits 60 s (+1 s) when no header says when the limit resets', async () => {
    const { sleeps } = await limitedOnce({}, MASTODON_429, 1_787_241_000_000);
    expect(sleeps).toEqual([61_000]);
  });

  it('waits only the margin when the reset is already past', async () => {
    const { sleeps } = await limitedOnce({ 'x-rate-limit-reset': '1787241600' }, X_429, 1_787_241_600_000 + 5_000);
    expect(sleeps).toEqual([1_000]);
  });

  it('a wait longer than maxWaitMs is a RateLimitError at once, without sleeping', async () => {
    const reset = 1_787_241_600;
    const server = await serve({ [PATH]: fixed(429, { json: X_429, headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) } }) });
    const { client, sleeps, events } = makeClient({ now: () => reset * 1000 - 10 * 60_000, maxWaitMs: 5 * 60_000 });
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toBeInstanceOf(PlatformError);
    expect((err as RateLimitError).resetAt).toBe(reset * 1000);
    expect(err.message).toBe(
      `X ${ENDPOINT} is rate-limited until 2026-08-20T16:00:00.000Z (10 min away), longer than --max-wait 5 min; run again later or raise --max-wait`,
    );
    expect(sleeps).toEqual([]);
    expect(events.filter((e) => e.type === 'rate-limit')).toEqual([]);
    expect(server.count(PATH)).toBe(1);
  });

  it('maxWaitMs 0 never waits', async () => {
    const server = await serve({ [PATH]: fixed(429, { json: BLUESKY_429, headers: { 'ratelimit-reset': '1' } }) });
    const { client, sleeps } = makeClient({ maxWaitMs: 0 });
    expect(await failure(client.getJson(xGet(server)))).toBeInstanceOf(RateLimitError);
    expect(sleeps).toEqual([]);
  });

  it('does not wait forever on a server that keeps answering 429', async () => {
    const server = await serve({ [PATH]: fixed(429, { json: X_429, headers: { 'retry-after': '1' } }) });
    const { client, sleeps } = makeClient({ now: () => 1_787_241_000_000 });
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toBe(`X ${ENDPOINT} is still rate-limited after 4 waits; run again later`);
    // tries (4) waits of 1 s + 1 s, then the 5th answer gives up.
    expect(sleeps).toEqual([2_000, 2_000, 2_000, 2_000]);
    expect(server.count(PATH)).toBe(5);
    expect(client.requests).toBe(5);
  });

  it('counts every rate-limited and retried attempt in `requests`', async () => {
    const server = await serve({ [PATH]: sequence({ status: 503, json: {} }, { status: 429, headers: { 'retry-after': '1' }, json: X_429 }, { status: 500, json: {} }, OK) });
    const { client, sleeps } = makeClient({ now: () => 0 });
    await client.getJson(xGet(server));
    expect(client.requests).toBe(4);
    expect(server.count(PATH)).toBe(4);
    // 503: backoff 125; 429: 1 s + 1 s; 500: the retry count starts again after a wait, so 125.
    expect(sleeps).toEqual([125, 2_000, 125]);
  });

  it('the X usage-cap 429 is not waited on', async () => {
    const server = await serve({ [PATH]: fixed(429, { body: X_USAGE_CAPPED, headers: { 'x-rate-limit-remaining': '290', 'x-rate-limit-reset': '1787241600' } }) });
    const { client, sleeps, events } = makeClient({ now: () => 1_787_241_000_000 });
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).not.toBeInstanceOf(RateLimitError);
    expect(err.message).toBe(
      `X ${ENDPOINT}: the X API usage cap for this month is used up (UsageCapExceeded); wait for the next billing period or raise the cap in the X developer console`,
    );
    expect(sleeps).toEqual([]);
    expect(events.filter((e) => e.type !== 'request')).toEqual([]);
    expect(server.count(PATH)).toBe(1);
  });

  it('402 (X credits depleted) is neither waited on nor retried', async () => {
    const server = await serve({ [PATH]: fixed(402, { json: X_402 }) });
    const { client, sleeps } = makeClient();
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).not.toBeInstanceOf(RateLimitError);
    expect(err.message).toBe(`X ${ENDPOINT}: HTTP 402, the X API credits of this app are used up (credits depleted); add credits in the X developer console`);
    expect(sleeps).toEqual([]);
    expect(server.count(PATH)).toBe(1);
  });
});

describe('HttpClient: auth and other 4xx', () => {
  it.each([
    [401, 'x', X_401, `X ${ENDPOINT}: token rejected (HTTP 401: Unauthorized); check X_BEARER_TOKEN: it may be expired, revoked or lack read access`],
    [403, 'x', X_403_NOT_ENROLLED, `X ${ENDPOINT}: token rejected (HTTP 403: ${X_403_NOT_ENROLLED.detail}); check X_BEARER_TOKEN: it may be expired, revoked or lack read access`],
    [401, 'mastodon', { error: 'The access token is invalid' }, `Mastodon ${ENDPOINT}: token rejected (HTTP 401: The access token is invalid); check MASTODON_TOKEN: it may be expired, revoked or lack read access`],
    [403, 'mastodon', { error: 'This action is outside the authorized scopes' }, `Mastodon ${ENDPOINT}: token rejected (HTTP 403: This action is outside the authorized scopes); check MASTODON_TOKEN: it may be expired, revoked or lack read access`],
  ] as const)('HTTP %i from %s with a token is an AuthError naming the variable', async (status, platform, body, message) => {
    const server = await serve({ [PATH]: fixed(status, { json: body }) });
    const { client, sleeps } = makeClient();
    const err = await failure(client.getJson({ ...xGet(server), platform }));
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toBe(message);
    expect(err.message).not.toContain(TOKEN);
    expect(server.count(PATH)).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('401 without a token says a token is needed, not that it was rejected', async () => {
    const body = { error: 'This API requires an authenticated user' };
    const server = await serve({ '/api/v1/accounts/lookup': fixed(401, { json: body }) });
    const { client } = makeClient();
    const err = await failure(client.getJson({ url: `${server.url}/api/v1/accounts/lookup?acct=a`, platform: 'mastodon', endpoint: 'GET /api/v1/accounts/lookup' }));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toBe(
      'Mastodon GET /api/v1/accounts/lookup: refused without a token (HTTP 401: This API requires an authenticated user); set MASTODON_TOKEN to a token with read access',
    );
  });

  it('403 from Bluesky (no token in this tool) does not blame a token', async () => {
    const server = await serve({ '/xrpc/app.bsky.feed.getAuthorFeed': fixed(403, { body: '<html><body>Request forbidden by administrative rules.</body></html>', headers: { 'content-type': 'text/html' } }) });
    const { client } = makeClient();
    const err = await failure(client.getJson({ url: `${server.url}/xrpc/app.bsky.feed.getAuthorFeed?actor=a.example`, platform: 'bluesky', endpoint: 'app.bsky.feed.getAuthorFeed' }));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toBe(
      'Bluesky app.bsky.feed.getAuthorFeed: refused without a token (HTTP 403); the public API may have closed this endpoint to anonymous use, try again later',
    );
  });

  it.each([
    ['x', 400, X_400, 'The `max_results` query parameter value [500] is not between 5 and 100'],
    ['x', 404, { title: 'Not Found Error', detail: 'Could not find tweet with id: [1].', type: 'https://api.x.com/2/problems/resource-not-found' }, 'Could not find tweet with id: [1].'],
    ['mastodon', 404, MASTODON_404, 'Record not found'],
    ['mastodon', 422, { error: 'Validation failed: Limit is too large' }, 'Validation failed: Limit is too large'],
    ['bluesky', 400, BLUESKY_400, 'Profile not found'],
    ['bluesky', 410, '<html>Gone</html>', 'no message'],
  ] as const)('%s HTTP %i gives the platform message, once, without retrying', async (platform, status, body, said) => {
    const server = await serve({ [PATH]: fixed(status, typeof body === 'string' ? { body } : { json: body }) });
    const { client, sleeps } = makeClient();
    const err = await failure(client.getJson({ ...xGet(server), platform }));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).not.toBeInstanceOf(AuthError);
    const name = { x: 'X', mastodon: 'Mastodon', bluesky: 'Bluesky' }[platform];
    expect(err.message).toBe(`${name} ${ENDPOINT} refused the request (HTTP ${status}: ${said})`);
    expect(server.count(PATH)).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it.each([
    [401, `X ${ENDPOINT}: token rejected (HTTP 401: The access token [X_BEARER_TOKEN] is invalid); check X_BEARER_TOKEN: it may be expired, revoked or lack read access`],
    [403, `X ${ENDPOINT}: token rejected (HTTP 403: The access token [X_BEARER_TOKEN] is invalid); check X_BEARER_TOKEN: it may be expired, revoked or lack read access`],
    [400, `X ${ENDPOINT} refused the request (HTTP 400: The access token [X_BEARER_TOKEN] is invalid)`],
    [402, `X ${ENDPOINT}: HTTP 402, the X API credits of this app are used up (The access token [X_BEARER_TOKEN] is invalid); add credits in the X developer console`],
  ])('a server that echoes the token in a %i body does not get it printed', async (status, message) => {
    const server = await serve({ [PATH]: fixed(status, { json: { detail: `The access token ${TOKEN} is invalid` } }) });
    const { client } = makeClient();
    const err = await failure(client.getJson(xGet(server)));
    expect(err.message).toBe(message);
    expect(err.stack).not.toContain(TOKEN);
  });

  it('never puts the token in an error message or an event, whatever fails', async () => {
    const scenarios: Record<string, Reply> = {
      '/401': { status: 401, json: X_401 },
      '/403': { status: 403, json: X_403_NOT_ENROLLED },
      '/400': { status: 400, json: X_400 },
      '/402': { status: 402, json: X_402 },
      '/capped': { status: 429, body: X_USAGE_CAPPED },
      '/limited': { status: 429, json: X_429, headers: { 'x-rate-limit-reset': '1787241600' } },
      '/down': { status: 503, body: HTML_503 },
      '/html': { status: 200, body: '<html></html>' },
      '/reset': { action: 'reset-mid-body' },
    };
    const server = await serve(Object.fromEntries(Object.entries(scenarios).map(([path, reply]) => [path, () => reply])));
    const { client, events } = makeClient({ now: () => 0, maxWaitMs: 1000 });
    const errors: Error[] = [];
    for (const path of Object.keys(scenarios)) {
      errors.push(await failure(client.getJson({ url: `${server.url}${path}`, platform: 'x', endpoint: `GET ${path}`, headers: AUTH })));
    }
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(errors.map((e) => e.constructor.name)).toEqual([
      'AuthError',
      'AuthError',
      'PlatformError',
      'PlatformError',
      'PlatformError',
      'RateLimitError',
      'PlatformError',
      'ShapeError',
      'PlatformError',
    ]);
    for (const err of errors) {
      expect(`${err.message} ${String(err)} ${err.stack ?? ''}`).not.toContain(TOKEN);
      expect(JSON.stringify(err)).not.toContain(TOKEN);
    }
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });
});

describe('HttpClient: abort', () => {
  it('an already aborted signal sends nothing', async () => {
    const server = await serve({ [PATH]: () => OK });
    const { client } = makeClient({ signal: AbortSignal.abort() });
    expect(await failure(client.getJson(xGet(server)))).toBeInstanceOf(InterruptedError);
    expect(server.count(PATH)).toBe(0);
    expect(client.requests).toBe(0);
  });

  it('aborting during a request gives InterruptedError promptly, without a retry', async () => {
    const server = await serve({ [PATH]: () => ({ action: 'hang' }) });
    const controller = new AbortController();
    const { client, sleeps } = makeClient({ signal: controller.signal, timeoutMs: 30_000 });
    const pending = failure(client.getJson(xGet(server)));
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await pending;
    expect(err).toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.count(PATH)).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('aborting while the body streams gives InterruptedError', async () => {
    const server = await serve({
      [PATH]: () => ({
        action: 'custom',
        handle: (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"data":[');
        },
      }),
    });
    const controller = new AbortController();
    const { client } = makeClient({ signal: controller.signal, timeoutMs: 30_000 });
    const pending = failure(client.getJson(xGet(server)));
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toBeInstanceOf(InterruptedError);
    expect(server.count(PATH)).toBe(1);
  });

  it('aborting during a rate-limit wait (the real sleep) gives InterruptedError promptly', async () => {
    const server = await serve({ [PATH]: sequence({ status: 429, headers: { 'retry-after': '600' }, json: MASTODON_429 }, OK) });
    const controller = new AbortController();
    const client = new HttpClient({
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'rate-limit') setTimeout(() => controller.abort(), 20);
      },
    });
    clients.push(client);
    const started = Date.now();
    const err = await failure(client.getJson({ ...xGet(server), platform: 'mastodon' }));
    expect(err).toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.count(PATH)).toBe(1);
  });

  it('aborting during a backoff (the real sleep) gives InterruptedError promptly', async () => {
    const server = await serve({ [PATH]: fixed(503, { json: {} }) });
    const controller = new AbortController();
    const client = new HttpClient({
      signal: controller.signal,
      backoffMs: 60_000,
      onEvent: (e) => {
        if (e.type === 'retry') setTimeout(() => controller.abort(), 20);
      },
    });
    clients.push(client);
    const started = Date.now();
    expect(await failure(client.getJson(xGet(server)))).toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.count(PATH)).toBe(1);
  });

  it('an injected sleep that ignores the signal still stops before the next request', async () => {
    const server = await serve({ [PATH]: fixed(503, { json: {} }) });
    const controller = new AbortController();
    const { client } = makeClient({
      signal: controller.signal,
      sleep: async () => {
        controller.abort();
      },
    });
    expect(await failure(client.getJson(xGet(server)))).toBeInstanceOf(InterruptedError);
    expect(server.count(PATH)).toBe(1);
  });
});

describe('HttpClient: connections', () => {
  /** A route that answers OK and notes which client port (so which connection) asked. */
  function portRecorder(ports: number[]): Route {
    return () => ({
      action: 'custom',
      handle: (req, res) => {
        ports.push(req.socket.remotePort ?? -1);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data":[]}');
      },
    });
  }

  it('reuses one keep-alive connection for sequential requests', async () => {
    const ports: number[] = [];
    const server = await serve({ [PATH]: portRecorder(ports), '/other': portRecorder(ports) });
    const { client } = makeClient();
    for (let i = 0; i < 3; i++) await client.getJson(xGet(server));
    await client.getJson({ url: `${server.url}/other`, platform: 'x', endpoint: 'GET /other' });
    expect(ports).toHaveLength(4);
    expect(new Set(ports).size).toBe(1);
    expect(client.requests).toBe(4);
  });

  it('keeps the connection after a retried error status (the error body is read)', async () => {
    const ports: number[] = [];
    let calls = 0;
    const server = await serve({
      [PATH]: () => ({
        action: 'custom',
        handle: (req, res) => {
          ports.push(req.socket.remotePort ?? -1);
          calls += 1;
          res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'application/json' });
          res.end(calls === 1 ? '{"error":"busy"}' : '{"data":[]}');
        },
      }),
    });
    const { client } = makeClient();
    await client.getJson(xGet(server));
    expect(ports).toHaveLength(2);
    expect(new Set(ports).size).toBe(1);
  });

  it('uses the dispatcher passed in and leaves it open on close()', async () => {
    let dispatched = 0;
    class CountingAgent extends Agent {
      override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        dispatched += 1;
        return super.dispatch(options, handler);
      }
    }
    const agent = new CountingAgent();
    closers.push(() => agent.close());
    const server = await serve({ [PATH]: () => OK });
    const client = new HttpClient({ dispatcher: agent });
    await client.getJson(xGet(server));
    await client.getJson(xGet(server));
    expect(dispatched).toBe(2);
    await client.close();
    // Still usable: the caller owns it.
    const res = await request(`${server.url}${PATH}`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    expect(dispatched).toBe(3);
  });

  it('closes the dispatcher it created', async () => {
    const server = await serve({ [PATH]: () => OK });
    const client = new HttpClient({ tries: 1 });
    await client.getJson(xGet(server));
    await client.close();
    const err = await failure(client.getJson(xGet(server)));
    expect(err).toBeInstanceOf(PlatformError);
    expect(server.count(PATH)).toBe(1);
  });
});
