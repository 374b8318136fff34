import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { FetchContext } from '../../src/fetchers/live-types.js';
import { HttpClient, type HttpClientOptions, type HttpEvent } from '../../src/http/client.js';
import {
  BSKY_FEED_PATH,
  BSKY_HANDLE,
  BSKY_PROFILE_PATH,
  MASTODON_LOOKUP_PATH,
  MASTODON_TIMELINE_PATH,
  bskyFeedRoute,
  mastodonTimelineRoute,
} from '../cache/servers.js';
import { closeAfterEach, startServer, type Reply, type SeenRequest, type TestServer } from './server.js';

/**
 * Live fetches against a local server, for the fetcher tests (a server, a client and a context
 * pointed at it, closed after each test) and the end-to-end tests (a server that speaks Bluesky
 * and Mastodon for one account).
 */

/** A live fetcher's test rig: its server, its client, and the context given to the fetcher. */
export interface LiveRig {
  server: TestServer;
  http: HttpClient;
  ctx: FetchContext;
  /** The progress lines the fetcher said. */
  progress: string[];
}

export interface LiveRigOptions {
  window: FetchContext['window'];
  tokens: FetchContext['tokens'];
  /** In the context and in the client's options (where `client` may replace it). */
  signal?: AbortSignal;
  /** The client's options. */
  client?: HttpClientOptions;
}

/**
 * For a live fetcher's test file: registers an `afterEach` that closes the clients and servers its
 * tests open (call it at the top level), and returns `open`, which starts a server on 127.0.0.1
 * answering `routes` (see `startServer`), a client, and a context pointed at the server
 * (`apiUrl`) that collects the progress lines.
 */
export function liveRigs(): (routes: Parameters<typeof startServer>[0], opts: LiveRigOptions) => Promise<LiveRig> {
  const opened = closeAfterEach();
  return async (routes, opts) => {
    const server = opened(await startServer(routes));
    const http = opened(new HttpClient({ ...(opts.signal ? { signal: opts.signal } : {}), ...opts.client }));
    const progress: string[] = [];
    const ctx: FetchContext = {
      http,
      apiUrl: server.url,
      window: opts.window,
      tokens: opts.tokens,
      progress: (line) => progress.push(line),
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    return { server, http, ctx, progress };
  };
}

/** A Mastodon fetcher's rig: also the client (as `client`), its events, and the controller whose signal stops the fetch. */
export interface MastodonRig extends LiveRig {
  client: HttpClient;
  events: HttpEvent[];
  controller: AbortController;
}

/**
 * Opens a rig with `open` (from `liveRigs`) as the Mastodon fetcher tests want it: `token` as
 * MASTODON_TOKEN, the client's events recorded, a 5 s timeout, and an AbortController's signal
 * in the context and the client.
 */
export async function mastodonRig(
  open: ReturnType<typeof liveRigs>,
  routes: Parameters<typeof startServer>[0],
  opts: { window: FetchContext['window']; token: string | undefined; client: HttpClientOptions | undefined },
): Promise<MastodonRig> {
  const controller = new AbortController();
  const events: HttpEvent[] = [];
  const rig = await open(routes, {
    window: opts.window,
    tokens: { mastodon: opts.token },
    signal: controller.signal,
    client: { backoffMs: 5, timeoutMs: 5000, onEvent: (e) => events.push(e), ...opts.client },
  });
  return { ...rig, client: rig.http, events, controller };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

/** Asserts that nothing the user can see carries `secret`: the progress lines, the warnings, the error. */
export function expectNoSecret(secret: string, rig: { progress: readonly string[] }, result: { warnings: readonly string[] } | null, err?: Error): void {
  for (const line of rig.progress) expect(line).not.toContain(secret);
  for (const w of result?.warnings ?? []) expect(w).not.toContain(secret);
  if (err) {
    expect(err.message).not.toContain(secret);
    expect(err.stack ?? '').not.toContain(secret);
  }
}

// The Mastodon API's reference answers (fixtures/mastodon/api), as the test server serves them.

const MASTODON_FIXTURES = fileURLToPath(new URL('../../fixtures/mastodon/', import.meta.url));
/** The origin of the reference captures' links. */
const MASTODON_ORIGIN = 'https://mstdn.bc.example';

/** A file under fixtures/mastodon/, as text. */
export const mastodonText = (name: string): Promise<string> => readFile(`${MASTODON_FIXTURES}${name}`, 'utf8');
/** A JSON file under fixtures/mastodon/. */
export const mastodonJson = async (name: string): Promise<unknown> => JSON.parse(await mastodonText(name));

/** The response headers of a `.headers.txt` fixture (the lines after its `HTTP/1.1` status line), names lower-cased. */
export async function mastodonHeaders(name: string): Promise<Record<string, string>> {
  const lines = (await mastodonText(name)).split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('HTTP/'));
  const out: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const colon = line.indexOf(':');
    if (line.trim() === '' || colon < 0) break;
    out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** A reference page as the test server serves it: its headers, with the `Link` URLs moved to the server. */
export function pageReply(body: unknown, headers: Record<string, string>, baseUrl: string, rewrite = true): Reply {
  const out = { ...headers };
  delete out['content-type'];
  if (out.link !== undefined && rewrite) out.link = out.link.replaceAll(MASTODON_ORIGIN, baseUrl);
  return { json: body, headers: out };
}

/** The reference 429, its reset moved to `resetMs` (ISO 8601 with microseconds, as Mastodon writes it). */
export function rateLimited(f: { error429: unknown; error429Headers: Record<string, string> }, resetMs: number): Reply {
  const headers = { ...f.error429Headers };
  delete headers['content-type'];
  headers['x-ratelimit-reset'] = new Date(resetMs).toISOString().replace(/Z$/, '000Z');
  return { status: 429, json: f.error429, headers };
}

// The end-to-end servers.

export interface BlueskyAndMastodon {
  /** What `getProfile` answers for `BSKY_HANDLE`. */
  profile: Record<string, unknown>;
  /** What the Mastodon lookup answers for `RoadInfoBC@…`. */
  account: Record<string, unknown>;
  /** The Bluesky feed items, newest first (read at each request). */
  feed: () => Record<string, unknown>[];
  /** The Mastodon statuses, newest first (read at each request). */
  statuses: () => Record<string, unknown>[];
  /** Wraps the two lookups' replies; default: as they are. */
  lookup?: (reply: Reply) => Reply;
}

/**
 * The Bluesky and Mastodon sides of an end-to-end server: the account's profile and feed, its
 * Mastodon account and timeline, paged as the platforms page them (test/cache/servers.ts);
 * another handle gets the platform's not-found answer. Other paths: undefined, for the caller's
 * own routes (the paths of X, Mastodon and Bluesky do not overlap).
 */
export function blueskyAndMastodon(o: BlueskyAndMastodon): (req: SeenRequest, base: string) => Reply | undefined {
  const feed = bskyFeedRoute(o.feed);
  const timeline = mastodonTimelineRoute(o.statuses);
  const lookup = o.lookup ?? ((reply: Reply) => reply);
  return (req, base) => {
    switch (req.path) {
      case BSKY_PROFILE_PATH:
        return lookup(
          req.query.get('actor') === BSKY_HANDLE
            ? { json: o.profile }
            : { status: 400, json: { error: 'InvalidRequest', message: 'Profile not found' } },
        );
      case BSKY_FEED_PATH:
        return feed(req, base);
      case MASTODON_LOOKUP_PATH:
        return lookup(/^RoadInfoBC@/i.test(req.query.get('acct') ?? '') ? { json: o.account } : { status: 404, json: { error: 'Record not found' } });
      case MASTODON_TIMELINE_PATH:
        return timeline(req, base);
      default:
        return undefined;
    }
  };
}
