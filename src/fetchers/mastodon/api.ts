import type { AccountArg } from '../../account.js';
import { PlatformError, UsageError } from '../../errors.js';
import { ShapeError, platformMessage, type JsonResponse } from '../../http/client.js';
import type { AccountInfo, Post } from '../../model/post.js';
import type { FetchContext, LiveFetcher } from '../live-types.js';
import { paginate, type Page } from '../paginate.js';
import { newReadStats, recordSkip, type InputSource, type ReadStats } from '../types.js';
import { accountFromMastodonAccount, MastodonAccountSchema, MastodonStatusSchema, normalizeMastodonStatus } from './status.js';
import { mastodonIdMs } from '../../ids.js';

/**
 * The live Mastodon fetcher: `@user@server` → the account's public statuses, newest first, from
 * the server's REST API. Two kinds of request only: one account lookup, then the account's
 * timeline pages, following the `Link` header. Reply targets are never fetched: their time is in
 * their id (`id >> 16`, src/ids.ts), which the latency metric decodes.
 * @see https://docs.joinmastodon.org/methods/accounts/#lookup
 * @see https://docs.joinmastodon.org/methods/accounts/#statuses
 * @see https://docs.joinmastodon.org/api/guidelines/#pagination
 */

/** The largest page `GET /api/v1/accounts/:id/statuses` serves (default 20, max 40). */
export const MASTODON_PAGE_LIMIT = 40;

const LOOKUP = 'GET /api/v1/accounts/lookup';
const TIMELINE = 'GET /api/v1/accounts/:id/statuses';

/** Where to ask about an account, and how to name it there. */
export interface MastodonTarget {
  /** `https://<server>` or `--api-url`, without a trailing slash. */
  baseUrl: string;
  /** The `acct` parameter of the lookup. */
  acct: string;
  /** The local part of the handle. */
  user: string;
  /** The server the handle names, if it names one. */
  server: string | null;
}

/**
 * Where the account's posts are asked for. Without `--api-url` it is the account's home server,
 * `https://<server>`, which knows the account as plain `user` (and holds its whole history).
 * With `--api-url` the handle's server part only names the account: when the URL's host is that
 * server, `acct=user`; otherwise `acct=user@server`, which a server resolves to its own account
 * when the domain is its local one (a home server behind another address) and to its copy of a
 * remote account otherwise. A bare `@user` needs `--api-url`: there is no server to ask.
 */
export function mastodonTarget(account: AccountArg, apiUrl: string | null): MastodonTarget {
  const [user = account.handle, handleServer] = account.handle.split('@');
  const server = account.server ?? handleServer ?? null;
  if (apiUrl === null) {
    if (server === null) {
      throw new UsageError(
        `"${account.raw}" does not say which Mastodon server to ask: write it as @${user}@server, or give --api-url https://<server>`,
      );
    }
    return { baseUrl: `https://${server}`, acct: user, user, server };
  }
  const baseUrl = apiUrl.replace(/\/+$/, '');
  let host: string;
  try {
    host = new URL(baseUrl).host.toLowerCase();
  } catch (err) {
    throw new UsageError(`--api-url "${apiUrl}" is not a URL; give it as https://<server>`, { cause: err });
  }
  const sameServer = server === null || server.toLowerCase() === host;
  return { baseUrl, acct: sameServer ? user : `${user}@${server}`, user, server };
}

/**
 * The links of an HTTP `Link` header by relation type (RFC 8288): several comma-separated
 * `<uri>; param=value` entries, `rel` quoted or not and possibly a space-separated list, any
 * spacing, relative URIs resolved against the request's URL. The first link of a relation wins.
 * Entries that cannot be read are skipped.
 * @see https://www.rfc-editor.org/rfc/rfc8288#section-3
 */
export function parseLinkHeader(value: string, requestUrl: string): Map<string, string> {
  const links = new Map<string, string>();
  const entry = /<([^>]*)>((?:\s*;\s*[^;,"=\s]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,\s]*))?)*)/g;
  const param = /;\s*([^;,"=\s]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,\s]*)))?/g;
  for (const m of value.matchAll(entry)) {
    let rel: string | null = null;
    for (const p of (m[2] ?? '').matchAll(param)) {
      // RFC 8288 §3.3: only the first `rel` of a link counts.
      if ((p[1] ?? '').toLowerCase() === 'rel' && rel === null) rel = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
    }
    if (rel === null) continue;
    let target: string;
    try {
      target = new URL((m[1] ?? '').trim(), requestUrl).toString();
    } catch {
      continue;
    }
    for (const type of rel.toLowerCase().split(/\s+/)) {
      if (type !== '' && !links.has(type)) links.set(type, target);
    }
  }
  return links;
}

/** What an unexpected body looks like, for a shape error. */
export function describeBody(body: unknown): string {
  if (body === null) return 'an empty body';
  if (Array.isArray(body)) return 'an array';
  return typeof body === 'object' ? 'a JSON object' : `a JSON ${typeof body}`;
}

/**
 * Fetches `@user@server` live (see the module comment). Resolves the account first: an unknown
 * account is a `UsageError`; a server that answers only signed-in callers when `MASTODON_TOKEN` is
 * unset is one too (with a token set, a 401/403 is the client's `AuthError`, the token scrubbed from
 * the server's words). The token, when set, is sent as `Authorization: Bearer` and only ever to the
 * base URL's origin: a `next` link to another origin is not followed (the fetch is then marked
 * incomplete). Statuses that fail the schema are skipped and counted; a page that is not an array
 * of statuses is a `ShapeError`.
 */
export const fetchMastodon: LiveFetcher = async (account, ctx) => {
  const target = mastodonTarget(account, ctx.apiUrl);
  const origin = new URL(target.baseUrl).origin;
  const token = ctx.tokens.mastodon;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const named = `@${target.user}${target.server ? `@${target.server}` : ''}`;

  // Without a token, 401/403 is not a rejected token: the server (in "secure mode") wants one.
  const authStatuses = token ? [] : [401, 403];
  const get = async (url: string, endpoint: string, accept: readonly number[] = []): Promise<JsonResponse> => {
    let res: JsonResponse;
    try {
      res = await ctx.http.getJson({ url, platform: 'mastodon', endpoint, headers, accept: [...accept, ...authStatuses] });
    } catch (err) {
      // Error messages quote the server's own words; a server that echoes the token must not print it.
      if (token && err instanceof Error && err.message.includes(token)) err.message = err.message.split(token).join('[MASTODON_TOKEN]');
      throw err;
    }
    if (res.status === 401 || res.status === 403) {
      const said = platformMessage(res.body);
      throw new UsageError(
        `the Mastodon server at ${origin} answers ${endpoint} only for signed-in callers (HTTP ${res.status}${said ? `: ${said}` : ''}); set MASTODON_TOKEN to an access token of an account on that server`,
      );
    }
    return res;
  };

  ctx.progress(`Mastodon: looking up ${named} on ${origin}`);
  const lookupUrl = `${target.baseUrl}/api/v1/accounts/lookup?acct=${encodeURIComponent(target.acct)}`;
  const lookup = await get(lookupUrl, LOOKUP, [404]);
  if (lookup.status === 404) {
    if (platformMessage(lookup.body) === null) {
      // A JSON error body is how Mastodon says "no such account"; anything else is not its API.
      throw new PlatformError(
        `${origin} does not answer the Mastodon API (${LOOKUP}: HTTP 404); check the server name or --api-url`,
      );
    }
    throw new UsageError(`no such Mastodon account ${named} (the server at ${origin} does not know it); check the spelling and the server`);
  }
  const parsed = MastodonAccountSchema.safeParse(lookup.body);
  if (!parsed.success) {
    throw new ShapeError(
      `Mastodon ${LOOKUP} answered with ${describeBody(lookup.body)} that is not an account; the API may have changed or --api-url may point elsewhere`,
    );
  }
  const remote = parsed.data.acct.includes('@');
  const info: AccountInfo = {
    ...accountFromMastodonAccount(parsed.data),
    handle: remote ? parsed.data.acct : `${parsed.data.acct}@${target.server ?? hostOf(parsed.data.url) ?? new URL(origin).host}`,
  };

  const stats: ReadStats = newReadStats();
  const warnings: string[] = [];
  if (remote) {
    // A server holds only the remote posts that reached it; the home server has the full history.
    warnings.push(
      `${origin} knows ${info.handle} as a remote account and holds only the posts that reached it; ask its home server for the full history`,
    );
  }
  const markIncomplete = (reason: string): void => {
    source.complete = false;
    warnings.push(`fetching stopped early: ${reason}; the audit covers only the posts read before that`);
  };

  const firstUrl = `${target.baseUrl}/api/v1/accounts/${encodeURIComponent(parsed.data.id)}/statuses?limit=${MASTODON_PAGE_LIMIT}${startBefore(parsed.data.id, ctx.window.untilMs)}`;
  let pageNo = 0;
  const fetchPage = async (cursor: string | null): Promise<Page<string>> => {
    pageNo += 1;
    const url = cursor ?? firstUrl;
    const res = await get(url, TIMELINE);
    if (!Array.isArray(res.body)) {
      throw new ShapeError(
        `Mastodon ${TIMELINE} answered with ${describeBody(res.body)} instead of an array of statuses (page ${pageNo}); the API may have changed or --api-url may point elsewhere`,
      );
    }
    const posts: Post[] = [];
    for (const [index, raw] of res.body.entries()) {
      const status = MastodonStatusSchema.safeParse(raw);
      if (status.success) {
        posts.push(normalizeMastodonStatus(status.data));
        continue;
      }
      const issue = status.error.issues[0];
      const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
      const id = typeof rawId === 'string' ? ` ${rawId}` : '';
      recordSkip(stats, `page ${pageNo} status ${index}${id}: ${issue ? `${issue.path.join('.') || 'status'}: ${issue.message}` : 'invalid'}`);
    }
    const linkHeader = res.headers.link;
    let next = linkHeader === undefined ? null : (parseLinkHeader(linkHeader, url).get('next') ?? null);
    if (next !== null && new URL(next).origin !== origin) {
      markIncomplete(`the server's next-page link (page ${pageNo}) points to ${new URL(next).origin}, not ${origin}; it was not followed, so the token is never sent elsewhere`);
      next = null;
    } else if (linkHeader === undefined && res.body.length >= MASTODON_PAGE_LIMIT && !reachesBack(posts, ctx.window.sinceMs)) {
      // Mastodon always sends a Link header with a non-empty page; a full page without one means a
      // proxy dropped it, and older posts may exist.
      markIncomplete(`page ${pageNo} was full but came without a Link header (a proxy may drop it), so older pages cannot be found`);
    }
    return { posts, next };
  };

  const source: InputSource = {
    format: 'mastodon-api',
    sourceKind: 'api',
    account: info,
    posts: paginate<string>({
      fetchPage,
      sinceMs: ctx.window.sinceMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onPage: ({ page, posts, oldestMs }) =>
        ctx.progress(
          `Mastodon: page ${page}, ${posts} posts${oldestMs === null ? '' : `, back to ${new Date(oldestMs).toISOString()}`}`,
        ),
      onIncomplete: markIncomplete,
    }),
    stats,
    complete: true,
    requests: () => ctx.http.requests,
    warnings,
  };
  return source;
};

/** Slack after the window's end for the first page's `max_id`: ids take the database clock, a few ms off `created_at`. */
const MAX_ID_SLACK_MS = 60_000;

/**
 * `&max_id=…` that starts the walk at the window's end instead of at the newest post, so auditing
 * a past month does not page through everything posted since. Mastodon status ids are snowflakes,
 * `ms << 16` (platforms.md §0), so every post created before `untilMs` has an id below
 * `(untilMs + slack) << 16`. Only used when the account's own id is such a snowflake: servers that
 * speak the Mastodon API with other ids (GoToSocial ULIDs, Pleroma flakes) get no `max_id`.
 */
export function startBefore(accountId: string, untilMs: number): string {
  if (mastodonIdMs(accountId) === null) return '';
  return `&max_id=${((BigInt(Math.floor(untilMs)) + BigInt(MAX_ID_SLACK_MS)) << 16n).toString()}`;
}

/** True when some post of the page is older than the window's start (paginate then stops anyway). */
function reachesBack(posts: readonly Post[], sinceMs: number): boolean {
  return posts.some((p) => !p.pinned && Date.parse(p.createdAt) < sinceMs);
}

function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}
