import { crc32, constants, deflateRawSync } from 'node:zlib';

/**
 * Builders of the inputs the hostile corpus writes: each platform's shapes, small and readable,
 * on one fixed clock so every expected figure can be worked out by hand. Ids are made from the
 * times (X and Mastodon ids are snowflakes, Bluesky record keys TIDs), as the platforms make
 * them, so a payload time and an id never disagree unless a case wants them to.
 */

/** 2026-08-19T12:00:00.000Z, the clock of every case. */
export const T = Date.UTC(2026, 7, 19, 12, 0, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// X

/** The audited X account (the sample archive's, Cascadia Road Info). */
export const X_SELF = { id: '1166842715371442176', handle: 'CascadiaRoads' };
export const X_PETE = { id: '1404259985126469632', handle: 'peachland_pete' };
export const X_OTHER = { id: '580221473', handle: 'BCFireUpdates' };

const TWEPOCH = 1288834974657n;

/** An X snowflake id for a post made at `ms` (`seq` tells posts of the same millisecond apart). */
export function snowflake(ms: number, seq = 0): string {
  return String(((BigInt(ms) - TWEPOCH) << 22n) + BigInt(seq));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** The v1.1 / archive `created_at` spelling, `Wed Aug 19 12:00:00 +0000 2026`. */
export function twitterDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

export interface TweetSpec {
  /** Offset from `T` in ms. */
  at: number;
  seq?: number;
  text?: string;
  /** Replies to this post id of this user. */
  replyTo?: { id: string; user: { id: string; handle: string } };
  user?: { id: string; handle: string };
}

/** An archive tweet (`tweets.js` element body): every number a string, reply fields absent on non-replies. */
export function archiveTweet(spec: TweetSpec, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const ms = T + spec.at;
  const t: Record<string, unknown> = {
    id_str: snowflake(ms, spec.seq),
    id: snowflake(ms, spec.seq),
    created_at: twitterDate(ms),
    full_text: spec.text ?? 'Highway 97 is open both ways.',
    entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
    favorite_count: '0',
    retweet_count: '0',
  };
  if (spec.replyTo) {
    t.in_reply_to_status_id_str = spec.replyTo.id;
    t.in_reply_to_status_id = spec.replyTo.id;
    t.in_reply_to_user_id_str = spec.replyTo.user.id;
    t.in_reply_to_user_id = spec.replyTo.user.id;
    t.in_reply_to_screen_name = spec.replyTo.user.handle;
  }
  return { ...t, ...extra };
}

/** A `tweets.js` file: `window.YTD.<name>.part0 = [ {tweet}, … ]`. */
export function tweetsJs(tweets: readonly unknown[], name = 'tweets', head?: string): string {
  const body = JSON.stringify(tweets.map((tweet) => ({ tweet })), null, 2);
  return `${head ?? `window.YTD.${name}.part0 = `}${body}`;
}

/** `account.js` of the archive's owner. */
export function accountJs(self = X_SELF): string {
  return `window.YTD.account.part0 = ${JSON.stringify([
    { account: { email: 'roads@cascadia.example', createdVia: 'web', username: self.handle, accountId: self.id, createdAt: '2019-08-28T21:03:11.000Z', accountDisplayName: 'Cascadia Road Info' } },
  ])}`;
}

/** A v1.1 tweet as collectors save it: numbers and their `_str` twins, a full `user`. */
export function v1Tweet(spec: TweetSpec, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const ms = T + spec.at;
  const user = spec.user ?? X_SELF;
  const id = snowflake(ms, spec.seq);
  const t: Record<string, unknown> = {
    created_at: twitterDate(ms),
    id: Number(id),
    id_str: id,
    full_text: spec.text ?? 'Highway 97 is open both ways.',
    truncated: false,
    entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
    in_reply_to_status_id: null,
    in_reply_to_status_id_str: null,
    in_reply_to_user_id: null,
    in_reply_to_user_id_str: null,
    in_reply_to_screen_name: null,
    user: { id: Number(user.id), id_str: user.id, name: user.handle, screen_name: user.handle },
    is_quote_status: false,
    retweet_count: 0,
    favorite_count: 0,
    lang: 'en',
  };
  if (spec.replyTo) {
    t.in_reply_to_status_id = Number(spec.replyTo.id);
    t.in_reply_to_status_id_str = spec.replyTo.id;
    t.in_reply_to_user_id = Number(spec.replyTo.user.id);
    t.in_reply_to_user_id_str = spec.replyTo.user.id;
    t.in_reply_to_screen_name = spec.replyTo.user.handle;
  }
  return { ...t, ...extra };
}

/**
 * JSON text with the numeric `id` fields written exactly as the API writes them: the digits of
 * `id_str` (so beyond 2^53 the number is one JavaScript cannot hold; `JSON.stringify` of a
 * rounded double would hide the precision loss the reader has to cope with).
 */
export function exactIdsJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /"(id|in_reply_to_status_id|in_reply_to_user_id)":(\d+(?:\.\d+)?(?:e\+?\d+)?),("\1_str":"(\d+)")/g,
    (_all, key: string, _num: string, twin: string, digits: string) => `"${key}":${digits},${twin}`,
  );
}

/** A v2 post (`tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets`). */
export function v2Post(spec: TweetSpec, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const ms = T + spec.at;
  const user = spec.user ?? X_SELF;
  const id = snowflake(ms, spec.seq);
  const p: Record<string, unknown> = {
    id,
    text: spec.text ?? 'Highway 97 is open both ways.',
    created_at: iso(ms),
    author_id: user.id,
    conversation_id: spec.replyTo?.id ?? id,
    edit_history_tweet_ids: [id],
  };
  if (spec.replyTo) {
    p.in_reply_to_user_id = spec.replyTo.user.id;
    p.referenced_tweets = [{ type: 'replied_to', id: spec.replyTo.id }];
  }
  return { ...p, ...extra };
}

/** A v2 page: `data`, the authors in `includes.users`, `meta` without `next_token` (the last page). */
export function v2Page(data: unknown[], users = [X_SELF, X_PETE]): Record<string, unknown> {
  return {
    data,
    includes: { users: users.map((u) => ({ id: u.id, name: u.handle, username: u.handle })) },
    meta: { result_count: data.length },
  };
}

// ---------------------------------------------------------------------------------------------
// Mastodon

export const M_HOST = 'mastodon.example';
export const M_ACTOR = `https://${M_HOST}/users/roadinfo`;
export const M_SELF = { id: '109348112345678901', username: 'roadinfo', acct: 'roadinfo' };
export const M_OTHER = { id: '109348199999999999', username: 'kat', acct: 'kat@other.example' };
const AS_PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

/** A Mastodon snowflake id for a status made at `ms`: the time in the top 48 bits. */
export function mastodonId(ms: number, seq = 0): string {
  return String((BigInt(ms) << 16n) + BigInt(seq));
}

/** A Mastodon API `Status`. */
export function mastodonStatus(
  spec: { at: number; seq?: number; text?: string; account?: typeof M_SELF; replyTo?: { id: string; account: typeof M_SELF } },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const ms = T + spec.at;
  const account = spec.account ?? M_SELF;
  const id = mastodonId(ms, spec.seq);
  return {
    id,
    created_at: iso(ms),
    in_reply_to_id: spec.replyTo?.id ?? null,
    in_reply_to_account_id: spec.replyTo?.account.id ?? null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: `https://${M_HOST}/users/${account.username}/statuses/${id}`,
    url: `https://${M_HOST}/@${account.username}/${id}`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    content: `<p>${spec.text ?? 'Highway 97 is open both ways.'}</p>`,
    reblog: null,
    account: { ...account, display_name: account.username, url: `https://${M_HOST}/@${account.username}`, fields: [] },
    media_attachments: [],
    mentions: spec.replyTo ? [{ id: spec.replyTo.account.id, username: spec.replyTo.account.username, acct: spec.replyTo.account.acct, url: `https://${M_HOST}/@${spec.replyTo.account.acct}` }] : [],
    tags: [],
    emojis: [],
    card: null,
    poll: null,
    ...extra,
  };
}

/** An outbox `Create` of a public `Note` by `actor`. */
export function outboxCreate(
  spec: { at: number; seq?: number; text?: string; actor?: string; inReplyTo?: string | null },
  note: Record<string, unknown> = {},
  activity: Record<string, unknown> = {},
): Record<string, unknown> {
  const actor = spec.actor ?? M_ACTOR;
  const ms = T + spec.at;
  const id = `${actor}/statuses/${mastodonId(ms, spec.seq)}`;
  return {
    id: `${id}/activity`,
    type: 'Create',
    actor,
    published: iso(ms),
    to: [AS_PUBLIC],
    cc: [`${actor}/followers`],
    object: {
      id,
      type: 'Note',
      summary: null,
      inReplyTo: spec.inReplyTo ?? null,
      published: iso(ms),
      url: id.replace('/users/', '/@').replace('/statuses/', '/'),
      attributedTo: actor,
      to: [AS_PUBLIC],
      cc: [`${actor}/followers`],
      sensitive: false,
      content: `<p>${spec.text ?? 'Highway 97 is open both ways.'}</p>`,
      attachment: [],
      tag: [],
      ...note,
    },
    ...activity,
  };
}

/** A boost (`Announce`) of `object` by the account. */
export function outboxAnnounce(spec: { at: number; seq?: number; object: string }): Record<string, unknown> {
  const ms = T + spec.at;
  return {
    id: `${M_ACTOR}/statuses/${mastodonId(ms, spec.seq)}/activity`,
    type: 'Announce',
    actor: M_ACTOR,
    published: iso(ms),
    to: [AS_PUBLIC],
    cc: [`${M_ACTOR}/followers`],
    object: spec.object,
  };
}

export function outbox(items: unknown[]): Record<string, unknown> {
  return {
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: 'outbox.json',
    type: 'OrderedCollection',
    totalItems: items.length,
    orderedItems: items,
  };
}

export function actorJson(): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/activitystreams'],
    id: M_ACTOR,
    type: 'Person',
    preferredUsername: 'roadinfo',
    name: 'Road Info',
    url: `https://${M_HOST}/@roadinfo`,
    attachment: [{ type: 'PropertyValue', name: 'Website', value: '<a href="https://roads.example">roads.example</a>' }],
  };
}

// ---------------------------------------------------------------------------------------------
// Bluesky

export const B_SELF = { did: 'did:plc:roadinfo2222222222222222', handle: 'roadinfo.bsky.social' };
export const B_OTHER = { did: 'did:plc:kat33333333333333333333333', handle: 'kat.bsky.social' };

const TID_ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';

/** A TID record key for `ms` (microseconds in 53 bits, then a 10-bit clock id). */
export function tid(ms: number, clock = 0): string {
  let n = (BigInt(ms) * 1000n << 10n) | BigInt(clock);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = TID_ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

export function bskyUri(author: { did: string }, ms: number, clock = 0): string {
  return `at://${author.did}/app.bsky.feed.post/${tid(ms, clock)}`;
}

/** A `feedViewPost` of a post by `author` (the feed's owner unless said). */
export function bskyItem(
  spec: { at: number; clock?: number; text?: string; author?: typeof B_SELF; createdAt?: string; indexedAt?: string; reply?: { parent: string; root: string } },
  record: Record<string, unknown> = {},
  post: Record<string, unknown> = {},
): Record<string, unknown> {
  const ms = T + spec.at;
  const author = spec.author ?? B_SELF;
  return {
    post: {
      uri: bskyUri(author, ms, spec.clock),
      cid: 'bafyreib2rxk3rh6kzwq',
      author: { did: author.did, handle: author.handle, displayName: author.handle, labels: [] },
      record: {
        $type: 'app.bsky.feed.post',
        text: spec.text ?? 'Highway 97 is open both ways.',
        createdAt: spec.createdAt ?? iso(ms),
        langs: ['en'],
        ...(spec.reply ? { reply: { parent: { uri: spec.reply.parent, cid: 'bafy' }, root: { uri: spec.reply.root, cid: 'bafy' } } } : {}),
        ...record,
      },
      replyCount: 0,
      repostCount: 0,
      likeCount: 0,
      indexedAt: spec.indexedAt ?? iso(ms + 500),
      labels: [],
      ...post,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// social-audit posts file

export function normalizedPost(spec: { at: number; id?: string; text?: string; author?: { id: string | null; handle: string | null } }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const ms = T + spec.at;
  const id = spec.id ?? snowflake(ms);
  const author = spec.author ?? X_SELF;
  return {
    id,
    platform: 'x',
    url: `https://x.com/${author.handle ?? 'i/web'}/status/${id}`,
    author,
    createdAt: iso(ms),
    text: spec.text ?? 'Highway 97 is open both ways.',
    visibility: 'public',
    replyTo: null,
    quoteOf: null,
    repostOf: null,
    links: [],
    mentions: [],
    hashtags: [],
    ...extra,
  };
}

export function normalizedFile(posts: unknown[], header: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'social-audit/posts',
    version: 1,
    account: { platform: 'x', id: X_SELF.id, handle: X_SELF.handle, displayName: 'Cascadia Road Info', website: null, url: `https://x.com/${X_SELF.handle}` },
    fetchedAt: null,
    complete: true,
    ...header,
    posts,
  };
}

/** The JSON Lines spelling: the header line without `posts`, then one post per line. */
export function normalizedLines(posts: unknown[], header: Record<string, unknown> = {}): string {
  const { posts: _omit, ...head } = normalizedFile([], header);
  return [head, ...posts].map((l) => JSON.stringify(l)).join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Zip bombs

/**
 * Raw deflate data that inflates to `totalBytes` zero bytes, built in a few milliseconds: one
 * 1 MiB block of zeros compressed with a sync flush (byte-aligned, not final) is repeated, then
 * an empty final block ends the stream. Deflate blocks may follow one another freely, and a
 * block of zeros only refers back into itself, so the copies are a valid stream. Returns the
 * data and the CRC-32 of what it inflates to.
 */
export function zeroBomb(totalBytes: number): { data: Buffer; crc: number } {
  const CHUNK = 1 << 20;
  if (totalBytes % CHUNK !== 0) throw new Error('totalBytes must be a whole number of MiB');
  const zeros = Buffer.alloc(CHUNK);
  const block = deflateRawSync(zeros, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const copies = totalBytes / CHUNK;
  // BFINAL=1, BTYPE=01 (fixed Huffman), then the end-of-block code: the bits 1, 10, 0000000.
  const end = Buffer.from([0x03, 0x00]);
  const data = Buffer.concat([...Array.from({ length: copies }, () => block), end]);
  let crc = 0;
  for (let i = 0; i < copies; i++) crc = crc32(zeros, crc);
  return { data, crc };
}
