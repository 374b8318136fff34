import { z } from 'zod';
import type { AccountArg } from '../../account.js';
import { PlatformError, UsageError } from '../../errors.js';
import { AuthError, platformMessage, ShapeError, type JsonResponse } from '../../http/client.js';
import type { AccountInfo, Post } from '../../model/post.js';
import type { FetchContext, LiveFetcher } from '../live-types.js';
import { paginate, type Page } from '../paginate.js';
import { newReadStats, recordSkip, type InputSource, type ReadStats } from '../types.js';
import { FeedPageSchema, readFeedItem } from './feed.js';

/**
 * The live Bluesky fetcher: reads a public account's author feed from the AppView, anonymously.
 * Items are normalized by the offline reader's `readFeedItem` (feed.ts), so a saved feed and a live
 * fetch of the same pages give the same posts. Wire formats, limits and quirks: platforms.md §5.
 * @see https://docs.bsky.app/docs/advanced-guides/api-directory
 */

/** The public, cached AppView: no auth for `app.bsky.*` reads (platforms.md §5.1). */
export const BLUESKY_PUBLIC_API = 'https://public.api.bsky.app';

/** The most `getAuthorFeed` accepts per page (lexicon: 1-100, default 50). */
const PAGE_LIMIT = 100;

const PROFILE_ENDPOINT = 'GET /xrpc/app.bsky.actor.getProfile';
const FEED_ENDPOINT = 'GET /xrpc/app.bsky.feed.getAuthorFeed';

/**
 * `app.bsky.actor.defs#profileViewDetailed`, as far as the audit reads it. `website` arrived in a
 * later lexicon revision; older AppViews leave it out.
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/actor/getProfile.json
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/actor/defs.json
 */
export const ProfileSchema = z.object({
  did: z.string().startsWith('did:'),
  handle: z.string().min(1),
  displayName: z.string().nullish(),
  website: z.string().nullish(),
  postsCount: z.number().int().nonnegative().nullish(),
});
export type Profile = z.infer<typeof ProfileSchema>;

/** The AccountInfo a profile gives; a handle that failed verification (`handle.invalid`) names nobody. */
export function accountOfProfile(profile: Profile): AccountInfo {
  // https://atproto.com/specs/handle#invalid-handles
  const handle = profile.handle === 'handle.invalid' ? null : profile.handle;
  const website = profile.website?.trim();
  return {
    platform: 'bluesky',
    id: profile.did,
    handle,
    displayName: profile.displayName ? profile.displayName : null,
    website: website ? website : null,
    url: `https://bsky.app/profile/${handle ?? profile.did}`,
  };
}

function xrpcUrl(base: string, nsid: string, params: Record<string, string>): string {
  return `${base}/xrpc/${nsid}?${new URLSearchParams(params).toString()}`;
}

/**
 * One GET through the shared client. 401/403 are taken back from the client to say what they mean
 * here: no token is ever sent to Bluesky, so "token rejected" would mislead. The AppView's CDN has
 * refused anonymous reads from some networks with an HTML 403 (platforms.md §5.2, searchPosts row),
 * which the client reads as a null body.
 */
export async function getXrpc(ctx: FetchContext, url: string, endpoint: string, accept: readonly number[] = []): Promise<JsonResponse> {
  const res = await ctx.http.getJson({ url, platform: 'bluesky', endpoint, accept: [...accept, 401, 403] });
  if (res.status === 401 || res.status === 403) {
    const said = platformMessage(res.body);
    const hint =
      ctx.apiUrl === null
        ? `${BLUESKY_PUBLIC_API} may be refusing anonymous reads from this network; try again later or pass --api-url https://api.bsky.app`
        : 'check --api-url: it must be a public AppView';
    throw new AuthError(`Bluesky ${endpoint} refused an anonymous read (HTTP ${res.status}${said ? `: ${said}` : ''}); ${hint}`);
  }
  return res;
}

/** Resolves a handle or DID to its profile; an unknown actor is a `UsageError`. */
async function fetchProfile(account: AccountArg, base: string, ctx: FetchContext): Promise<Profile> {
  const url = xrpcUrl(base, 'app.bsky.actor.getProfile', { actor: account.handle });
  const res = await getXrpc(ctx, url, PROFILE_ENDPOINT, [400]);
  if (res.status === 400) {
    // An unknown handle or DID is a 400 InvalidRequest "Profile not found" (platforms.md §5.2), not a 404.
    const body = typeof res.body === 'object' && res.body !== null ? (res.body as Record<string, unknown>) : {};
    if (body.error === 'InvalidRequest' && typeof body.message === 'string' && /profile not found/i.test(body.message)) {
      throw new UsageError(
        `no such Bluesky account: "${account.raw}" (Bluesky says "Profile not found"); check the handle (a domain such as name.bsky.social) or the did:`,
      );
    }
    throw new PlatformError(`Bluesky ${PROFILE_ENDPOINT} refused the request (HTTP 400: ${platformMessage(res.body) ?? 'no message'})`);
  }
  const parsed = ProfileSchema.safeParse(res.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShapeError(
      `Bluesky ${PROFILE_ENDPOINT} answered a profile without a usable ${issue?.path.join('.') || 'body'}; the API may have changed or --api-url may point elsewhere`,
    );
  }
  return parsed.data;
}

/** What the walk has seen so far, for the early-end check. */
interface FeedTally {
  /** URIs of the account's own posts (not reposts) served, pinned ones once. */
  ownPosts: Set<string>;
  /** The oldest non-pinned item time, epoch ms. */
  oldestMs: number | null;
}

function tally(seen: FeedTally, post: Post, did: string): void {
  if (post.repostOf === null && post.author.id === did) seen.ownPosts.add(post.id);
  if (post.pinned) return;
  const ms = Date.parse(post.createdAt);
  if (seen.oldestMs === null || ms < seen.oldestMs) seen.oldestMs = ms;
}

/**
 * The AppView has ended author feeds early, with no cursor, while older posts existed
 * (platforms.md §5.4; https://github.com/bluesky-social/atproto/issues/2616). When the feed ends
 * before reaching the window's start, the profile's `postsCount` (own post records, reposts not
 * included) should equal the own posts served; more means some were not served. This is a warning,
 * not an incomplete source: `postsCount` also counts posts the AppView does not serve (taken down),
 * the missing posts may all predate the window, and the AppView has refilled short pages since
 * 2026-08 (atproto #5375), so the mismatch says "maybe", never "surely".
 */
function earlyEndWarning(seen: FeedTally, profile: Profile, sinceMs: number): string | null {
  const counted = profile.postsCount ?? null;
  if (counted === null || counted <= seen.ownPosts.size) return null;
  if (seen.oldestMs !== null && seen.oldestMs < sinceMs) return null;
  const reached =
    seen.oldestMs === null ? 'served no posts' : `ended with a post of ${new Date(seen.oldestMs).toISOString()}`;
  return `The Bluesky feed ${reached}, without reaching back to the window's start (${new Date(sinceMs).toISOString()}), yet the profile counts ${counted} posts and only ${seen.ownPosts.size} were served: the feed may have ended early (a known AppView gap), so older posts in the window may be missing`;
}

/** Reads one page: a page without a `feed` array is fatal and named; a bad item is skipped and counted. */
function readPage(body: unknown, page: number, stats: ReadStats): { posts: Post[]; cursor: string | null } {
  const parsed = FeedPageSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShapeError(
      `Bluesky ${FEED_ENDPOINT} answered page ${page} without a valid ${issue?.path.join('.') || 'body'} (${issue?.message ?? 'invalid'}); the API may have changed or --api-url may point elsewhere`,
    );
  }
  const posts: Post[] = [];
  for (const raw of parsed.data.feed) {
    const result = readFeedItem(raw);
    if ('skip' in result) recordSkip(stats, result.skip);
    else posts.push(result.post);
  }
  // Only the absence of `cursor` ends the feed (lexicon); an empty one cannot be followed either.
  return { posts, cursor: parsed.data.cursor ? parsed.data.cursor : null };
}

/**
 * Fetches a Bluesky account live: `getProfile` resolves the handle or DID (account info, website,
 * `postsCount`), then `getAuthorFeed` with `filter=posts_with_replies` pages back, newest first,
 * until a page reaches before the window (the fewest pages that cover it). Reply targets' times come
 * from the feed items themselves (the hydrated `reply.parent`, else the TID in the parent's URI,
 * decoded downstream): no request beyond the feed pages. No auth; no token is ever sent.
 * @see https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/getAuthorFeed.json
 */
export const fetchBluesky: LiveFetcher = async (account, ctx) => {
  const base = (ctx.apiUrl ?? BLUESKY_PUBLIC_API).replace(/\/+$/, '');
  const profile = await fetchProfile(account, base, ctx);
  const info = accountOfProfile(profile);
  ctx.progress(`Bluesky: ${info.handle ?? profile.did} is ${profile.did}${profile.postsCount != null ? `, ${profile.postsCount} posts` : ''}`);

  const stats = newReadStats();
  const seen: FeedTally = { ownPosts: new Set(), oldestMs: null };
  const { sinceMs } = ctx.window;
  let items = 0;

  const fetchPage = async (cursor: string | null, page: number): Promise<Page<string>> => {
    const params: Record<string, string> = { actor: profile.did, filter: 'posts_with_replies', limit: String(PAGE_LIMIT) };
    if (cursor !== null) params.cursor = cursor;
    const res = await getXrpc(ctx, xrpcUrl(base, 'app.bsky.feed.getAuthorFeed', params), FEED_ENDPOINT);
    const { posts, cursor: next } = readPage(res.body, page, stats);
    for (const post of posts) tally(seen, post, profile.did);
    if (next === null) {
      const warning = earlyEndWarning(seen, profile, sinceMs);
      if (warning !== null) source.warnings.push(warning);
    }
    return { posts, next };
  };

  let pageNo = 0;
  const source: InputSource = {
    format: 'bluesky-api',
    sourceKind: 'api',
    account: info,
    posts: paginate<string>({
      fetchPage: (cursor) => fetchPage(cursor, ++pageNo),
      sinceMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onPage: ({ page, posts, oldestMs }) => {
        items += posts;
        const back = oldestMs === null ? '' : `, back to ${new Date(oldestMs).toISOString()}`;
        ctx.progress(`Bluesky: feed page ${page}, ${items} items${back}`);
      },
      onIncomplete: (reason) => {
        source.complete = false;
        source.warnings.push(reason);
      },
    }),
    stats,
    complete: true,
    requests: () => ctx.http.requests,
    warnings: [],
  };
  return source;
};
