import { setImmediate as nextLoopTurn, setTimeout as delay } from 'node:timers/promises';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import { InterruptedError, PlatformError } from '../errors.js';
import type { Platform } from '../model/post.js';

/**
 * The one HTTP module (style.md "Fetchers"): GET JSON with keep-alive, timeouts, retries with
 * backoff and jitter, rate-limit waits, and errors typed by what the user should do. It knows
 * status codes; the fetchers know their platform's shapes. The undici dispatcher is passed in
 * (tests and the benchmark share one), never set globally.
 */

/** What happened, for progress on stderr. Never carries a token. */
export type HttpEvent =
  | { type: 'request'; endpoint: string; url: string }
  | { type: 'retry'; endpoint: string; attempt: number; delayMs: number; reason: string }
  | { type: 'rate-limit'; endpoint: string; waitMs: number; resetAt: number };

export interface HttpClientOptions {
  /** The undici dispatcher; default: a keep-alive Agent owned (and closed) by the client. */
  dispatcher?: Dispatcher;
  /** Connect, headers and body timeout, each (default 30 s). */
  timeoutMs?: number;
  /** The longest rate-limit wait; past it, `RateLimitError` (default 15 min). */
  maxWaitMs?: number;
  /**
   * Tries for 408/425/5xx and network errors, the first included (default 4); also the most
   * rate-limit waits for one request before it gives up with `RateLimitError`.
   */
  tries?: number;
  /** First backoff delay; doubles each retry, plus up to 100% jitter (default 1 s). */
  backoffMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: HttpEvent) => void;
  /** Injected for tests: the clock (epoch ms), sleeping and jitter. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface GetSpec {
  url: string;
  platform: Platform;
  /** The endpoint as people read it (`GET /2/users/:id/tweets`), for messages. Never the full URL with a token. */
  endpoint: string;
  headers?: Record<string, string>;
  /** Non-2xx statuses the caller handles itself (e.g. 404 or 400 for an unknown account). */
  accept?: readonly number[];
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string>;
  /** The parsed body (`null` when the body was empty). */
  body: unknown;
}

/** A rate limit whose reset is further away than `--max-wait`: fetching stops, partial data may be kept. */
export class RateLimitError extends PlatformError {
  readonly resetAt: number;
  constructor(message: string, resetAt: number) {
    super(message);
    this.resetAt = resetAt;
  }
}

/** The token was refused, or the endpoint wants one (401/403). The message never contains the token. */
export class AuthError extends PlatformError {}

/** The platform answered, but not in the shape its documentation gives. */
export class ShapeError extends PlatformError {}

const PLATFORM_NAME: Record<Platform, string> = { x: 'X', mastodon: 'Mastodon', bluesky: 'Bluesky' };
const TOKEN_ENV: Record<Platform, string> = { x: 'X_BEARER_TOKEN', mastodon: 'MASTODON_TOKEN', bluesky: 'the token' };
const RETRY_STATUS = new Set([408, 425, 500, 502, 503, 504]);
/**
 * Content codings this client can undo, announced in `Accept-Encoding`: a request without that
 * header lets the server pick any coding (RFC 9110 §12.5.3), zstd included.
 */
const ACCEPT_ENCODING = 'gzip, deflate, br';
type Decoder = (bytes: Buffer, opts: { maxOutputLength: number }) => Buffer;
const DECODERS: Record<string, readonly Decoder[]> = {
  gzip: [gunzipSync],
  'x-gzip': [gunzipSync],
  // RFC 9110 §8.4.1.2: zlib-wrapped; some servers send raw deflate all the same.
  deflate: [inflateSync, inflateRawSync],
  br: [brotliDecompressSync],
};
/** The most a response body may hold, compressed or not: pages of these APIs are well under 1 MiB. */
const MAX_BODY_BYTES = 64 * 2 ** 20;
/** The code of the error that ends a body not complete within the timeout (stalled, or dripping). */
const BODY_DEADLINE = 'BODY_DEADLINE';
/** With no reset header at all, wait this long before trying a 429 again. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

function lowerHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * When a rate limit resets, in epoch ms, from the headers each platform sends:
 * X `x-rate-limit-reset` (epoch seconds, https://docs.x.com/x-api/fundamentals/rate-limits);
 * Mastodon `X-RateLimit-Reset` (ISO 8601, https://docs.joinmastodon.org/api/rate-limits/);
 * Bluesky `RateLimit-Reset` (epoch seconds in atproto's xrpc-server; a small number is read as
 * seconds from now, as the IETF RateLimit draft defines it); else `Retry-After` (seconds or an
 * HTTP date). Null when no header says.
 */
export function rateLimitResetMs(headers: Record<string, string>, nowMs: number): number | null {
  for (const name of ['x-rate-limit-reset', 'x-ratelimit-reset', 'ratelimit-reset']) {
    const v = headers[name]?.trim();
    if (!v) continue;
    if (/^\d+(\.\d+)?$/.test(v)) {
      const n = Number(v);
      return n > 1e9 ? n * 1000 : nowMs + n * 1000;
    }
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return nowMs + Number(retryAfter) * 1000;
    const t = Date.parse(retryAfter);
    if (Number.isFinite(t)) return t;
  }
  return null;
}

/**
 * The platform's own words from an error body: X `errors[0].message` (why X's 400 invalid-request
 * comes first: its top-level `detail` only says "One or more parameters to your request was
 * invalid", the entry names the parameter), then X problem `detail`, Mastodon
 * `error_description`/`error`, Bluesky `message`/`error`, and a problem `title`.
 */
export function platformMessage(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const first: unknown = Array.isArray(b.errors) ? b.errors[0] : undefined;
  const entry = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
  for (const v of [entry?.message, entry?.detail, b.detail, b.error_description, b.message, b.error, b.title]) {
    if (typeof v === 'string' && v.trim() !== '') return v.trim().slice(0, 300);
  }
  return null;
}

/** X's two 429s: the monthly usage cap is not worth waiting for (platforms.md §1.6). */
function isUsageCap(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return b.title === 'UsageCapExceeded' || (typeof b.type === 'string' && b.type.endsWith('/problems/usage-capped'));
}

function formatWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 6) / 10} h`;
}

/** What a network failure means for the user, from undici's or Node's error code. */
function describeNetworkError(code: string, timeout: string): string {
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `could not connect within ${timeout}`;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `no answer within ${timeout}`;
    case 'UND_ERR_BODY_TIMEOUT':
      return `the answer stalled for ${timeout}`;
    case BODY_DEADLINE:
      return `the answer was not complete within ${timeout}`;
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'the connection broke off before the answer was complete';
    default:
      return 'network error';
  }
}

/** The error's code; Node's happy-eyeballs connect wraps per-address errors in an AggregateError. */
function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; errors?: unknown };
  if (typeof e?.code === 'string') return e.code;
  if (Array.isArray(e?.errors)) {
    const inner = (e.errors[0] as { code?: unknown } | undefined)?.code;
    if (typeof inner === 'string') return inner;
  }
  return typeof e?.name === 'string' ? e.name : 'unknown';
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : undefined).catch((err: unknown) => {
    if ((err as Error).name === 'AbortError') throw new InterruptedError();
    throw err;
  });

/** GETs JSON, counting every request it makes (retries included). */
export class HttpClient {
  /** Requests sent so far, retries and rate-limited attempts included. */
  requests = 0;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly maxWaitMs: number;
  private readonly tries: number;
  private readonly backoffMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onEvent: (event: HttpEvent) => void;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(opts: HttpClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.ownsDispatcher = opts.dispatcher === undefined;
    this.dispatcher =
      opts.dispatcher ??
      new Agent({
        connect: { timeout: this.timeoutMs },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        keepAliveTimeout: 10_000,
      });
    this.maxWaitMs = opts.maxWaitMs ?? 15 * 60_000;
    this.tries = Math.max(1, opts.tries ?? 4);
    this.backoffMs = opts.backoffMs ?? 1000;
    this.signal = opts.signal;
    this.onEvent = opts.onEvent ?? (() => undefined);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
  }

  /** Closes the dispatcher when the client created it. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private checkAbort(): void {
    if (this.signal?.aborted) throw new InterruptedError();
  }

  /**
   * GET `spec.url` and parse its JSON body. Waits out 429s until their reset (up to `maxWaitMs`),
   * retries 408/425/5xx and network errors with exponential backoff and jitter, and turns every
   * other failure into a `PlatformError` whose one-line message says what to do.
   */
  async getJson(spec: GetSpec): Promise<JsonResponse> {
    try {
      return await this.send(spec);
    } catch (err) {
      throw hideCredentials(err, spec);
    }
  }

  private async send(spec: GetSpec): Promise<JsonResponse> {
    const where = `${PLATFORM_NAME[spec.platform]} ${spec.endpoint}`;
    let attempt = 0;
    let rateLimitWaits = 0;
    for (;;) {
      this.checkAbort();
      attempt += 1;
      let status: number;
      let headers: Record<string, string>;
      let text: string;
      /** A content coding the body claimed but that did not decode, for the "not JSON" message. */
      let notDecoded: NotDecoded | null;
      try {
        this.requests += 1;
        this.onEvent({ type: 'request', endpoint: spec.endpoint, url: spec.url });
        const res = await request(spec.url, {
          method: 'GET',
          dispatcher: this.dispatcher,
          headers: { accept: 'application/json', 'accept-encoding': ACCEPT_ENCODING, 'user-agent': 'social-audit', ...spec.headers },
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
          ...(this.signal ? { signal: this.signal } : {}),
        });
        status = res.statusCode;
        headers = lowerHeaders(res.headers);
        ({ text, notDecoded } = decodeBody(await readBody(res.body, this.timeoutMs, where), headers['content-encoding'], where));
        // Why: with one request per connection, undici hands a finished socket back to its pool
        // only a full event-loop turn after the response ends (client-h1.js onMessageComplete,
        // setImmediate). A request sent sooner would open a second connection; waiting one turn
        // keeps sequential requests on one keep-alive connection.
        await nextLoopTurn();
      } catch (err) {
        if (this.signal?.aborted) throw new InterruptedError();
        // An answer too large, or that no content coding explains, is no network failure: asking again gets the same.
        if (err instanceof PlatformError) throw err;
        const code = errorCode(err);
        if (attempt < this.tries) {
          await this.backoff(spec, attempt, `network error (${code})`);
          continue;
        }
        // With a dispatcher passed in, its own connect timeout applies, which this client does not know.
        const timeout = `${this.timeoutMs / 1000} s`;
        const what = code === 'UND_ERR_CONNECT_TIMEOUT' && !this.ownsDispatcher ? 'could not connect in time' : describeNetworkError(code, timeout);
        throw new PlatformError(
          `cannot get an answer from ${where} after ${attempt} tries (${what}, ${code}); check the network or --api-url, or raise --timeout`,
          { cause: err },
        );
      }

      const body = parseBody(text);
      if (status >= 200 && status < 300) {
        if (body === undefined) {
          const coding = notDecoded === null ? '' : `content-encoding "${notDecoded.coding.slice(0, 40)}"`;
          const labelled =
            notDecoded === null ? '' : notDecoded.known ? ` (labelled ${coding}, which it is not)` : ` (in ${coding}, which social-audit cannot decode)`;
          throw new ShapeError(
            `${where} answered with a body that is not JSON${labelled}; the API may have changed or --api-url may point elsewhere`,
          );
        }
        return { status, headers, body };
      }
      if (spec.accept?.includes(status)) return { status, headers, body: body ?? null };

      if (status === 429) {
        if (isUsageCap(body)) {
          throw new PlatformError(
            `${where}: the X API usage cap for this month is used up (UsageCapExceeded); wait for the next billing period or raise the cap in the X developer console`,
          );
        }
        const now = this.now();
        const resetAt = rateLimitResetMs(headers, now) ?? now + DEFAULT_RATE_LIMIT_WAIT_MS;
        const waitMs = Math.max(0, resetAt - now) + 1000;
        if (waitMs > this.maxWaitMs) {
          throw new RateLimitError(
            `${where} is rate-limited until ${new Date(resetAt).toISOString()} (${formatWait(waitMs)} away), longer than --max-wait ${formatWait(this.maxWaitMs)}; run again later or raise --max-wait`,
            resetAt,
          );
        }
        // Why a cap: a server that keeps answering 429 (a stale reset header, a proxy's own limit)
        // would otherwise keep the run waiting forever, each wait within --max-wait.
        if (rateLimitWaits >= this.tries) {
          throw new RateLimitError(`${where} is still rate-limited after ${rateLimitWaits} waits; run again later`, resetAt);
        }
        rateLimitWaits += 1;
        this.onEvent({ type: 'rate-limit', endpoint: spec.endpoint, waitMs, resetAt });
        await this.sleep(waitMs, this.signal);
        attempt = 0;
        continue;
      }
      if (status === 402) {
        throw new PlatformError(
          `${where}: HTTP 402, the X API credits of this app are used up (${platformMessage(body) ?? 'payment required'}); add credits in the X developer console`,
        );
      }
      if (status === 401 || status === 403) throw authError(spec, where, status, body);
      if (RETRY_STATUS.has(status) && attempt < this.tries) {
        await this.backoff(spec, attempt, `HTTP ${status}`);
        continue;
      }
      if (RETRY_STATUS.has(status)) {
        throw new PlatformError(`${where} kept failing (HTTP ${status} after ${attempt} tries); the platform may be down, try again later`);
      }
      throw new PlatformError(`${where} refused the request (HTTP ${status}: ${platformMessage(body) ?? 'no message'})`);
    }
  }

  private async backoff(spec: GetSpec, attempt: number, reason: string): Promise<void> {
    const base = this.backoffMs * 2 ** (attempt - 1);
    const delayMs = Math.round(base + base * this.random());
    this.onEvent({ type: 'retry', endpoint: spec.endpoint, attempt, delayMs, reason });
    await this.sleep(delayMs, this.signal);
  }
}

/**
 * Messages quote the platform's own words, and a server may echo the credential it was sent
 * (`"The access token … is invalid"`): the credential of the `Authorization` header is replaced
 * wherever the error's text holds it.
 */
function hideCredentials(err: unknown, spec: GetSpec): unknown {
  if (!(err instanceof Error)) return err;
  const placeholder = spec.platform === 'bluesky' ? '[token]' : `[${TOKEN_ENV[spec.platform]}]`;
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    if (name.toLowerCase() !== 'authorization') continue;
    // `Bearer <credential>`: the credential alone is the secret (the scheme is no secret, and
    // a message may quote the credential without it).
    const credential = value.trim().split(/\s+/).pop() ?? '';
    if (credential.length < 8) continue;
    const hide = (text: string): string => text.split(credential).join(placeholder);
    err.message = hide(err.message);
    if (err.stack) err.stack = hide(err.stack);
  }
  return err;
}

/**
 * 401/403: with a token, the token was refused; without one (Mastodon servers in "secure" mode,
 * Bluesky's public AppView closing an endpoint to anonymous callers), blaming a token would mislead.
 */
function authError(spec: GetSpec, where: string, status: number, body: unknown): AuthError {
  const said = platformMessage(body);
  const detail = `HTTP ${status}${said ? `: ${said}` : ''}`;
  const sentToken = Object.keys(spec.headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
  if (sentToken) {
    return new AuthError(`${where}: token rejected (${detail}); check ${TOKEN_ENV[spec.platform]}: it may be expired, revoked or lack read access`);
  }
  if (spec.platform === 'bluesky') {
    return new AuthError(`${where}: refused without a token (${detail}); the public API may have closed this endpoint to anonymous use, try again later`);
  }
  return new AuthError(`${where}: refused without a token (${detail}); set ${TOKEN_ENV[spec.platform]} to a token with read access`);
}

/**
 * Reads a response body as bytes, within limits a real API page never comes near: the whole body
 * within `timeoutMs` of the headers (undici's own body timeout is per chunk, so a server that
 * drips a byte a second would otherwise keep a request open forever), and at most
 * `MAX_BODY_BYTES`. Past the deadline the body is destroyed with a `BODY_DEADLINE` error, which
 * the caller retries like any network failure; past the size it is a `ShapeError`.
 */
async function readBody(body: Dispatcher.ResponseData['body'], timeoutMs: number, where: string): Promise<Buffer> {
  const timer = setTimeout(() => {
    body.destroy(Object.assign(new Error(`the body did not finish within ${timeoutMs} ms`), { code: BODY_DEADLINE }));
  }, timeoutMs);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > MAX_BODY_BYTES) {
        body.destroy();
        throw tooLarge(where);
      }
      chunks.push(bytes);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(where: string): ShapeError {
  return new ShapeError(
    `${where} answered with more than ${MAX_BODY_BYTES / 2 ** 20} MiB, far more than any page of the API; --api-url may point elsewhere`,
  );
}

/** A content coding that did not decode: one this client knows (the label lied), or another. */
interface NotDecoded {
  coding: string;
  known: boolean;
}

/**
 * The body's text, undoing the content codings the server applied (`gzip`, `deflate`, `br`, in
 * the order listed, undone last first), as UTF-8 without a byte-order mark. undici's `request`
 * does not decompress. A coding that does not decode (a proxy that already decompressed but kept
 * the header, a label on plain bytes) or that this client does not know leaves the bytes as they
 * came, and is returned as `notDecoded`: if the bytes are JSON they are read all the same, and
 * if not, the caller's "not JSON" error names the label. Decompressing past `MAX_BODY_BYTES` (a
 * gzip bomb) is a `ShapeError`.
 */
function decodeBody(raw: Buffer, contentEncoding: string | undefined, where: string): { text: string; notDecoded: NotDecoded | null } {
  let bytes = raw;
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let notDecoded: NotDecoded | null = null;
  for (const coding of codings.reverse()) {
    const decoders = DECODERS[coding] ?? [];
    let decoded: Buffer | null = null;
    for (const decode of decoders) {
      try {
        decoded = decode(bytes, { maxOutputLength: MAX_BODY_BYTES });
        break;
      } catch (err) {
        if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(where);
      }
    }
    if (decoded === null) {
      notDecoded = { coding, known: decoders.length > 0 };
      break;
    }
    bytes = decoded;
  }
  const text = bytes.toString('utf8');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, notDecoded };
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
