import type { Reply, Route } from '../helpers/server.js';

/**
 * Long timelines for the cache tests, served the way the platforms page them: a Bluesky
 * `getAuthorFeed` (cursor = the last item's time, as the AppView's cursors read; `limit` honoured)
 * and a Mastodon account timeline (`max_id` honoured, `Link: rel="next"` with the last id).
 * Items are generated from a fixed clock; the arrays can be changed between runs (new posts,
 * deletions) to play a live account.
 */

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export const BSKY_DID = 'did:plc:xriq4owvjcejoym7pfjarfm5';
export const BSKY_HANDLE = 'roadinfobc.example';
export const BSKY_PROFILE_PATH = '/xrpc/app.bsky.actor.getProfile';
export const BSKY_FEED_PATH = '/xrpc/app.bsky.feed.getAuthorFeed';

const iso = (ms: number): string => new Date(ms).toISOString();

/** One Bluesky feed item: an original post by the account (`n` names it) at `ms`. */
export function bskyItem(n: number, ms: number, did = BSKY_DID, handle = BSKY_HANDLE): Record<string, unknown> {
  return {
    post: {
      uri: `at://${did}/app.bsky.feed.post/3mt${n.toString(36).padStart(10, '0')}`,
      cid: `bafyrei${n.toString(36).padStart(20, 'a')}`,
      author: { did, handle, displayName: 'RoadInfo BC' },
      record: { $type: 'app.bsky.feed.post', text: `Road update ${n}`, createdAt: iso(ms), langs: ['en'] },
      replyCount: n % 3,
      indexedAt: iso(ms + 400),
    },
  };
}

/** `count` items, newest first, the newest at `newestMs`, one every `stepMs`; names start at `firstN`. */
export function bskyItems(count: number, newestMs: number, stepMs: number, firstN = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => bskyItem(firstN + i, newestMs - i * stepMs));
}

function bskyItemMs(item: Record<string, unknown>): number {
  const post = item.post as { record: { createdAt: string } };
  return Date.parse(post.record.createdAt);
}

/** A Bluesky profile for `getProfile`. */
export function bskyProfile(did = BSKY_DID, handle = BSKY_HANDLE, postsCount?: number): Record<string, unknown> {
  return { did, handle, displayName: 'RoadInfo BC', ...(postsCount === undefined ? {} : { postsCount }) };
}

/** Serves `items()` (newest first) as `getAuthorFeed` pages. */
export function bskyFeedRoute(items: () => Record<string, unknown>[], onPage?: (pageNo: number) => Reply | undefined): Route {
  let pageNo = 0;
  return (req) => {
    pageNo += 1;
    const special = onPage?.(pageNo);
    if (special) return special;
    const all = items();
    const limit = Number(req.query.get('limit') ?? '50');
    const cursor = req.query.get('cursor');
    const start = cursor === null ? 0 : all.findIndex((item) => bskyItemMs(item) < Date.parse(cursor));
    if (start < 0) return { json: { feed: [] } };
    const page = all.slice(start, start + limit);
    const last = page.at(-1);
    const more = start + limit < all.length && last !== undefined;
    return { json: { feed: page, ...(more ? { cursor: iso(bskyItemMs(last)) } : {}) } };
  };
}

export const MASTODON_ACCOUNT_ID = '109309888516521974';
export const MASTODON_LOOKUP_PATH = '/api/v1/accounts/lookup';
export const MASTODON_TIMELINE_PATH = `/api/v1/accounts/${MASTODON_ACCOUNT_ID}/statuses`;

/** A Mastodon status by the account at `ms`; its id is a snowflake of that time, as Mastodon makes them. */
export function mastodonStatus(n: number, ms: number): Record<string, unknown> {
  const id = ((BigInt(ms) << 16n) + BigInt(n % 65536)).toString();
  return {
    id,
    created_at: iso(ms),
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    replies_count: n % 2,
    visibility: 'public',
    uri: `https://mstdn.bc.example/users/RoadInfoBC/statuses/${id}`,
    url: `https://mstdn.bc.example/@RoadInfoBC/${id}`,
    content: `<p>Road update ${n}</p>`,
    account: mastodonAccount(),
    mentions: [],
    tags: [],
    reblog: null,
  };
}

/** The account, as the lookup answers it. */
export function mastodonAccount(): Record<string, unknown> {
  return {
    id: MASTODON_ACCOUNT_ID,
    username: 'RoadInfoBC',
    acct: 'RoadInfoBC',
    display_name: 'RoadInfo BC',
    url: 'https://mstdn.bc.example/@RoadInfoBC',
    uri: 'https://mstdn.bc.example/users/RoadInfoBC',
    fields: [],
  };
}

export function mastodonStatuses(count: number, newestMs: number, stepMs: number, firstN = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => mastodonStatus(firstN + i, newestMs - i * stepMs));
}

/** Serves `statuses()` (newest first) as account timeline pages. */
export function mastodonTimelineRoute(statuses: () => Record<string, unknown>[], onPage?: (pageNo: number) => Reply | undefined): Route {
  let pageNo = 0;
  return (req, base) => {
    pageNo += 1;
    const special = onPage?.(pageNo);
    if (special) return special;
    const limit = Math.min(40, Number(req.query.get('limit') ?? '20'));
    const maxId = req.query.get('max_id');
    const older = maxId === null ? statuses() : statuses().filter((s) => BigInt(s.id as string) < BigInt(maxId));
    const page = older.slice(0, limit);
    const last = page.at(-1);
    const headers: Record<string, string> = {};
    if (last !== undefined) {
      headers.link = `<${base}${req.path}?limit=${limit}&max_id=${last.id as string}>; rel="next"`;
    }
    return { json: page, headers };
  };
}
