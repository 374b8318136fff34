import { atUriAuthority } from '../ids.js';
import type { Platform, Post, PostRef } from '../model/post.js';
import type { Report } from '../schema/report.js';
import type { AuditItem, Kind, PostSet, SelfIdentity } from './types.js';

/**
 * The one place where an item's kind is decided (metrics.md §2), from the references a reader
 * put on the normalized `Post`. Every metric reads `AuditItem.kind` / `.toSelf`; none looks at
 * `replyTo` / `quoteOf` / `repostOf` to decide a kind again.
 */

/** The kind of one item and whom it answers, quotes or reposts. */
export interface Classification {
  kind: Kind;
  /** The target post (reply target, quoted or reposted post) is the audited account's own. False for originals. */
  toSelf: boolean;
  /** A reply whose target author cannot be known at all: counted as `toOther` (metrics.md §2). */
  targetUnknown: boolean;
}

/** A handle as compared: without a leading `@`, lower-cased (metrics.md §2: handles compare case-insensitively). */
export function normalizeHandle(handle: string): string {
  return isNormalHandle(handle) ? handle : handle.trim().replace(/^@/, '').toLowerCase();
}

/**
 * The handle is already as `normalizeHandle` makes it, checked without building a string: only
 * ASCII that is neither upper case nor white space, and no leading `@` (most handles in a large
 * file: the same few thousand people, a million times).
 */
function isNormalHandle(handle: string): boolean {
  if (handle.length === 0 || handle.charCodeAt(0) === 0x40) return false;
  for (let i = 0; i < handle.length; i += 1) {
    const c = handle.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || (c >= 0x41 && c <= 0x5a)) return false;
  }
  return true;
}

/**
 * Whether an id or URL can name an author or start with one of `SelfIdentity.urlPrefixes`: every
 * pattern below and every prefix holds a `:` (`at://`, `https://`), so a bare id such as an X
 * snowflake is ruled out without running them.
 */
function mayBeAddress(address: string): boolean {
  return address.includes(':');
}

/**
 * A URL as compared against `SelfIdentity.urlPrefixes`: lower-cased (hosts are case-insensitive
 * and Mastodon usernames are unique case-insensitively), `http:` read as `https:`, a leading
 * `www.` dropped.
 */
function normalizeUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^http:\/\//, 'https://')
    .replace(/^https:\/\/www\./, 'https://');
}

/** Author of a post as far as its id or URL tells it (for refs whose payload names no author). */
interface DerivedAuthor {
  id: string | null;
  handle: string | null;
}

const AT_URI = /^at:\/\//i;
const X_STATUS = /^https?:\/\/(?:www\.|mobile\.)?(?:x|twitter)\.com\/([A-Za-z0-9_]{1,15})\/status(?:es)?\/\d+/i;
/** `x.com/i/status/ID` and `x.com/i/web/status/ID` name no author. */
const X_NO_AUTHOR = new Set(['i']);
const BSKY_POST = /^https?:\/\/bsky\.app\/profile\/([^/]+)\/post\/[^/]+/i;
/** ActivityPub actor-style status URI (Mastodon `uri`, archive `inReplyTo`): `https://host/users/NAME/statuses/ID`. */
const AP_STATUS = /^(https?:\/\/([^/]+)\/users\/([^/]+))\/statuses\/[^/]+/i;
/** Mastodon web URL: `https://host/@NAME/ID`, or `https://host/@NAME@remote/ID` for a remote post seen locally. */
const MASTODON_WEB = /^https?:\/\/([^/]+)\/@([^/]+)\/[^/]+/i;

/**
 * Who wrote a post, read from its id or URL alone: the DID or handle inside an `at://` URI
 * (metrics.md §2: "the DID inside the parent's `at://` URI when the parent is deleted or
 * blocked"), the user in an X status link, the actor in a Mastodon / ActivityPub status URI.
 */
function authorFromAddress(address: string): DerivedAuthor | null {
  if (!mayBeAddress(address)) return null;
  if (AT_URI.test(address)) {
    const authority = atUriAuthority(address);
    if (authority === null) return null;
    return authority.startsWith('did:') ? { id: authority, handle: null } : { id: null, handle: authority };
  }
  const x = X_STATUS.exec(address);
  if (x?.[1] !== undefined) return X_NO_AUTHOR.has(x[1].toLowerCase()) ? null : { id: null, handle: x[1] };
  const bsky = BSKY_POST.exec(address);
  if (bsky?.[1] !== undefined) {
    return bsky[1].startsWith('did:') ? { id: bsky[1], handle: null } : { id: null, handle: bsky[1] };
  }
  const ap = AP_STATUS.exec(address);
  if (ap?.[1] !== undefined && ap[2] !== undefined && ap[3] !== undefined) {
    return { id: ap[1], handle: `${ap[3]}@${ap[2]}` };
  }
  const web = MASTODON_WEB.exec(address);
  if (web?.[1] !== undefined && web[2] !== undefined) {
    return { id: null, handle: web[2].includes('@') ? web[2] : `${web[2]}@${web[1]}` };
  }
  return null;
}

const NO_AUTHORS: readonly DerivedAuthor[] = Object.freeze([]);

/**
 * Neither the reference's id nor its URL is an address (an X snowflake, a URL-less reference):
 * all that is known of its author is `ref.author`, so what is worked out from that author alone
 * holds for every reference to it.
 */
export function onlyAuthorNamesAuthor(ref: PostRef): boolean {
  return (ref.id === null || !mayBeAddress(ref.id)) && (ref.url === null || !mayBeAddress(ref.url));
}

function derivedAuthors(ref: PostRef): readonly DerivedAuthor[] {
  if (onlyAuthorNamesAuthor(ref)) return NO_AUTHORS;
  const out: DerivedAuthor[] = [];
  for (const address of [ref.id, ref.url]) {
    if (address === null) continue;
    const author = authorFromAddress(address);
    if (author !== null) out.push(author);
  }
  return out;
}

/**
 * Every handle under which a post's author is known, normalised: the payload's handle and the
 * handle its id or URL names (an X status link, a Mastodon status URI, an `at://` URI with a handle).
 */
export function refAuthorHandles(ref: PostRef): string[] {
  const out = derivedHandles(ref);
  if (ref.author.handle !== null) {
    const h = normalizeHandle(ref.author.handle);
    const at = out.indexOf(h);
    if (at !== -1) out.splice(at, 1);
    out.unshift(h);
  }
  return out;
}

/** The handles a reference's id or URL names (normalised, each once), without its author's. */
export function derivedHandles(ref: PostRef): string[] {
  const out: string[] = [];
  for (const author of derivedAuthors(ref)) {
    if (author.handle === null) continue;
    const h = normalizeHandle(author.handle);
    if (!out.includes(h)) out.push(h);
  }
  return out;
}

function isSelfAuthor(author: DerivedAuthor, self: SelfIdentity): boolean {
  if (author.id !== null && self.ids.has(author.id)) return true;
  return author.handle !== null && self.handles.has(normalizeHandle(author.handle));
}

/**
 * The target post was written by the audited account: its author id is one of `self.ids`, its
 * handle (case-insensitive, without `@`) one of `self.handles`, its id or URL starts with one of
 * `self.urlPrefixes` (the Mastodon archive rule, metrics.md §2.2), or its id / URL names the
 * account (an `at://` URI, a status link).
 */
export function isOwnPost(ref: PostRef, self: SelfIdentity): boolean {
  if (isSelfAuthor(ref.author, self)) return true;
  const prefixes = normalizedPrefixes(self);
  if (prefixes.length > 0) {
    for (const address of [ref.id, ref.url]) {
      if (address === null || !mayBeAddress(address)) continue;
      const url = normalizeUrl(address);
      if (prefixes.some((prefix) => url.startsWith(prefix))) return true;
    }
  }
  return derivedAuthors(ref).some((author) => isSelfAuthor(author, self));
}

const prefixCache = new WeakMap<SelfIdentity, readonly string[]>();

/** `self.urlPrefixes` normalised, worked out once per identity rather than once per item. */
function normalizedPrefixes(self: SelfIdentity): readonly string[] {
  let prefixes = prefixCache.get(self);
  if (prefixes === undefined || prefixes.length !== self.urlPrefixes.length) {
    prefixes = self.urlPrefixes.map(normalizeUrl);
    prefixCache.set(self, prefixes);
  }
  return prefixes;
}

/**
 * Whether anything at all is known about who wrote the target: an author id or handle in the
 * payload, or an id / URL that names its author. A reply to a target nobody can attribute is
 * `toOther` and counted in `counts.replyTargetUnknown`.
 */
export function isTargetAuthorKnown(ref: PostRef): boolean {
  if (ref.author.id !== null || ref.author.handle !== null) return true;
  return derivedAuthors(ref).length > 0;
}

/**
 * The kind of an item, in the order of metrics.md §2: repost > reply > quote > original.
 * - A `repostOf` makes a repost even if the reader left some text on it: what a repost shows is
 *   the other post's words, never the account's own.
 * - A reply that also quotes is a reply (its target decides `toSelf`).
 * - A reply addressed to a user without a target post (`replyTo.id === null`) is still a reply,
 *   split by the addressed user.
 * - Only a reply can have `targetUnknown`; a quote or repost of an unattributable post is simply `toOther`.
 */
export function classify(post: Post, self: SelfIdentity): Classification {
  if (post.repostOf !== null) {
    return { kind: 'repost', toSelf: isOwnPost(post.repostOf, self), targetUnknown: false };
  }
  if (post.replyTo !== null) {
    const toSelf = isOwnPost(post.replyTo, self);
    return { kind: 'reply', toSelf, targetUnknown: !toSelf && !isTargetAuthorKnown(post.replyTo) };
  }
  if (post.quoteOf !== null) {
    return { kind: 'quote', toSelf: isOwnPost(post.quoteOf, self), targetUnknown: false };
  }
  return { kind: 'original', toSelf: false, targetUnknown: false };
}

/** A `Post` with what every metric needs derived once: epoch ms and its classification. */
export function toAuditItem(post: Post, self: SelfIdentity, parsedMs?: number): AuditItem {
  // `parsedMs`: the caller's own `Date.parse(post.createdAt)`, when it has one (`collect` does),
  // so a million items do not parse a million dates twice nor hold each time twice.
  const ms = parsedMs ?? Date.parse(post.createdAt);
  if (Number.isNaN(ms)) throw new RangeError(`post ${post.id}: createdAt is not an instant: ${post.createdAt}`);
  // Spelled out rather than spread: one object of one shape, a million of them in a large audit.
  const c = classify(post, self);
  return { post, ms, kind: c.kind, toSelf: c.toSelf, targetUnknown: c.targetUnknown };
}

/** `counts` of the report (metrics.md §6): items in the window by kind and target. */
export function computeCounts(set: PostSet): Report['counts'] {
  const counts: Report['counts'] = {
    items: set.items.length,
    original: 0,
    replyToOther: 0,
    replyToSelf: 0,
    quoteToOther: 0,
    quoteToSelf: 0,
    repostToOther: 0,
    repostToSelf: 0,
    replyTargetUnknown: 0,
    excludedNonPublic: set.excludedNonPublic,
  };
  for (const item of set.items) {
    switch (item.kind) {
      case 'original':
        counts.original += 1;
        break;
      case 'reply':
        if (item.toSelf) counts.replyToSelf += 1;
        else counts.replyToOther += 1;
        if (item.targetUnknown) counts.replyTargetUnknown += 1;
        break;
      case 'quote':
        if (item.toSelf) counts.quoteToSelf += 1;
        else counts.quoteToOther += 1;
        break;
      case 'repost':
        if (item.toSelf) counts.repostToSelf += 1;
        else counts.repostToOther += 1;
        break;
    }
  }
  return counts;
}

/** What a source or profile says about the audited account. */
export interface SelfAccount {
  platform: Platform;
  id: string | null;
  handle: string | null;
  /** Profile or actor URL (Mastodon `https://host/@NAME` or `https://host/users/NAME`). */
  url: string | null;
}

/**
 * The `SelfIdentity` of an account, with every spelling under which its own posts are referred to:
 * - X: the user id and handle; status links `https://x.com/NAME/status/` and `twitter.com`.
 * - Mastodon: the account id, `NAME` and `NAME@host` (a bare username in the home server's API
 *   means a local account, i.e. this one: readers query the account's home server), the actor URL
 *   `https://host/users/NAME` (archive authors) and the prefixes `https://host/users/NAME/` and
 *   `https://host/@NAME/` of its posts (metrics.md §2.2).
 * - Bluesky: the DID and handle; `at://DID/`, `at://HANDLE/` and `https://bsky.app/profile/…/` prefixes.
 * `extraIds` adds ids known from elsewhere (an archive's `accountId`, an actor URL);
 * `extraHandles` the account's other handles (the names its posts were written under before a
 * rename), with their status-link prefixes.
 */
export function buildSelfIdentity(
  account: SelfAccount,
  extraIds: readonly string[] = [],
  extraHandles: readonly string[] = [],
): SelfIdentity {
  const ids = new Set<string>(extraIds);
  const handles = new Set<string>();
  const urlPrefixes: string[] = [];
  if (account.id !== null) ids.add(account.id);
  const handle = account.handle === null ? null : normalizeHandle(account.handle);
  if (handle !== null) handles.add(handle);
  // Earlier names of the same account (X and Bluesky handles change; the id stays).
  const others = [...new Set(extraHandles.map(normalizeHandle))].filter((h) => h !== '' && h !== handle);
  for (const other of others) handles.add(other);

  switch (account.platform) {
    case 'x':
      for (const name of handle === null ? others : [handle, ...others]) {
        urlPrefixes.push(`https://x.com/${name}/status/`, `https://twitter.com/${name}/status/`);
      }
      break;
    case 'mastodon': {
      const home = mastodonHome(account.url, handle);
      if (home !== null) {
        const actor = `https://${home.host}/users/${home.name}`;
        ids.add(actor);
        if (account.url !== null) ids.add(account.url);
        handles.add(home.name);
        handles.add(`${home.name}@${home.host}`);
        urlPrefixes.push(`${actor}/`, `https://${home.host}/@${home.name}/`);
      }
      break;
    }
    case 'bluesky':
      for (const who of [account.id, handle, ...others]) {
        if (who === null) continue;
        urlPrefixes.push(`at://${who}/`, `https://bsky.app/profile/${who.toLowerCase()}/`);
      }
      break;
  }
  return { platform: account.platform, ids, handles, urlPrefixes };
}

/** Host and lower-cased username of a Mastodon account, from its profile / actor URL or `user@host` handle. */
function mastodonHome(url: string | null, handle: string | null): { host: string; name: string } | null {
  if (url !== null) {
    const m = /^https?:\/\/([^/]+)\/(?:@|users\/)([^/@]+)\/?$/i.exec(url.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) return { host: m[1].toLowerCase(), name: m[2].toLowerCase() };
  }
  if (handle !== null) {
    const m = /^([^@]+)@([^@]+)$/.exec(handle);
    if (m?.[1] !== undefined && m[2] !== undefined) return { host: m[2], name: m[1] };
  }
  return null;
}
