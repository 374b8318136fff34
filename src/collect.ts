import { handleKey, handleMatches, platformName, type AccountArg } from './account.js';
import { UsageError } from './errors.js';
import { buildSelfIdentity, classify } from './metrics/kinds.js';
import type { AuditItem, PostSet, SelfIdentity } from './metrics/types.js';
import type { AccountInfo, Platform, Post } from './model/post.js';
import { parseInstantMs } from './util/instant.js';
import type { AuditWindow } from './window.js';

/** The audited account's posts, read from a source, each once, oldest first. */
export interface Gathered {
  account: AccountInfo;
  self: SelfIdentity;
  /**
   * The account's posts (every visibility), deduplicated by id, oldest first, each with its time
   * in ms and classified (one object per post: `selectWindow` keeps these same items).
   */
  posts: AuditItem[];
  /** Items read from the source that belong to the account (before deduplication). */
  read: number;
  duplicates: number;
  /** Items by other authors that were left out. */
  otherAuthors: number;
}

interface AuthorGroup {
  platform: Platform;
  id: string | null;
  /** The first handle read (for messages). */
  handle: string | null;
  /** Every handle its posts were written under, in the order first read: an account can be renamed. */
  handles: string[];
  posts: Post[];
}

/** Notes the handle of a post of the group (cheap for the common case: the same handle again). */
function noteHandle(group: AuthorGroup, handle: string | null): void {
  if (handle === null || group.handles[group.handles.length - 1] === handle || group.handles.includes(handle)) return;
  group.handles.push(handle);
  group.handle ??= handle;
}

/** The group is the account `arg` names, under any of its handles. */
function groupMatches(arg: AccountArg, group: AuthorGroup): boolean {
  if (group.handles.length === 0) return handleMatches(arg, null, group.id);
  return group.handles.some((handle) => handleMatches(arg, handle, group.id));
}

/**
 * The author groups of a source in the order first met: by author id, else by handle
 * (case-insensitive, without `@`), else one group of unnamed authors. Posts of one author usually
 * come one after another, so the last group is tried first: no key is built, no map is searched.
 */
class AuthorGroups {
  readonly order: AuthorGroup[] = [];
  private readonly byId = new Map<string, AuthorGroup>();
  private readonly byHandle = new Map<string, AuthorGroup>();
  private unknown: AuthorGroup | null = null;
  private last: AuthorGroup | null = null;

  groupOf(post: Post): AuthorGroup {
    const { id, handle } = post.author;
    const last = this.last;
    if (last !== null && id !== null && last.id === id) return last;
    let group: AuthorGroup | undefined;
    if (id !== null) group = this.byId.get(id);
    else if (handle !== null) group = this.byHandle.get(handleKey(handle));
    else group = this.unknown ?? undefined;
    if (group === undefined) {
      group = { platform: post.platform, id, handle: null, handles: [], posts: [] };
      this.order.push(group);
      if (id !== null) this.byId.set(id, group);
      else if (handle !== null) this.byHandle.set(handleKey(handle), group);
      else this.unknown = group;
    }
    this.last = group;
    return group;
  }
}

function describe(group: AuthorGroup): string {
  return group.handle !== null ? `@${group.handle}` : group.id !== null ? `id ${group.id}` : 'an unnamed author';
}

/** A source's posts a batch at a time (`InputSource.postBatches`), for `gather`. */
export interface BatchedPosts {
  batches: AsyncIterable<readonly Post[]>;
}

function isBatched(posts: AsyncIterable<Post> | BatchedPosts): posts is BatchedPosts {
  return 'batches' in posts;
}

/** What `gather` reads of a source: its batches when it has them, else its posts. */
export function postsOf(source: { posts: AsyncIterable<Post>; postBatches?: AsyncIterable<readonly Post[]> }): AsyncIterable<Post> | BatchedPosts {
  return source.postBatches !== undefined ? { batches: source.postBatches } : source.posts;
}

/**
 * Reads every post of a source and keeps the audited account's (metrics.md §2.1): the account
 * argument chooses among several authors; a single author is audited as it is.
 */
export async function gather(
  posts: AsyncIterable<Post> | BatchedPosts,
  opts: { path: string; accountArg: AccountArg | null; sourceAccount: AccountInfo | null },
): Promise<Gathered> {
  const groups = new AuthorGroups();
  const add = (post: Post): void => {
    const group = groups.groupOf(post);
    noteHandle(group, post.author.handle);
    group.posts.push(post);
  };
  if (isBatched(posts)) for await (const batch of posts.batches) for (const post of batch) add(post);
  else for await (const post of posts) add(post);
  const all = groups.order;
  const chosen = chooseAuthor(all, opts);
  const src = opts.sourceAccount;
  const platform = chosen?.platform ?? src?.platform ?? opts.accountArg?.platform ?? 'x';
  const { kept, duplicates } = oldestFirst(chosen?.posts ?? []);
  const account: AccountInfo = {
    platform,
    id: chosen?.id ?? src?.id ?? null,
    // The source's own account record names the handle best (a Mastodon status says `user`, the
    // account lookup `user@server`), when it is the chosen author's; else the handle of its
    // newest post (a renamed account is known by its latest name, whatever order the input has).
    handle:
      (src !== null && chosen !== null && src.id !== null && src.id === chosen.id ? src.handle : null) ??
      newestHandle(kept) ??
      src?.handle ??
      opts.accountArg?.handle ??
      null,
    displayName: src?.displayName ?? null,
    website: src?.website ?? null,
    url: src?.url ?? null,
  };

  // Its posts under an earlier name are its own too (a reply to one is a self-thread).
  const self = buildSelfIdentity(account, [], chosen?.handles ?? []);
  for (const item of kept) {
    const c = classify(item.post, self);
    item.kind = c.kind;
    item.toSelf = c.toSelf;
    item.targetUnknown = c.targetUnknown;
  }
  const read = chosen?.posts.length ?? 0;
  const total = all.reduce((n, g) => n + g.posts.length, 0);
  return { account, self, posts: kept, read, duplicates, otherAuthors: total - read };
}

/** Orders items by time, then id. */
function byTimeThenId(a: AuditItem, b: AuditItem): number {
  return a.ms - b.ms || (a.post.id < b.post.id ? -1 : a.post.id > b.post.id ? 1 : 0);
}

/**
 * The posts as audit items oldest first (time, then id), each id once: the first read of an id
 * is kept.
 *
 * Sorting first (stable, so equal posts keep the order read) puts the copies of a post next to
 * each other, where dropping them costs nothing. That is the whole answer when the ids then
 * strictly increase from post to post (shorter ids before longer ones: the order of snowflakes and
 * TIDs, which follow time): no id can be left twice. Otherwise (ids that do not follow time, or a
 * copy with another time) the ids are checked in a set, in the order read, as they always can be;
 * a set of a million ids is slow, so only then.
 */
export function oldestFirst(posts: readonly Post[]): { kept: AuditItem[]; duplicates: number } {
  const items: AuditItem[] = new Array<AuditItem>(posts.length);
  for (let i = 0; i < posts.length; i += 1) items[i] = unclassified(posts[i] as Post);
  items.sort(byTimeThenId);
  const kept: AuditItem[] = [];
  let increasing = true;
  let previous: AuditItem | null = null;
  for (const item of items) {
    const id = item.post.id;
    if (previous !== null) {
      const before = previous.post.id;
      if (id === before && item.ms === previous.ms) continue;
      if (!(id.length > before.length || (id.length === before.length && id > before))) increasing = false;
    }
    kept.push(item);
    previous = item;
  }
  if (increasing) return { kept, duplicates: posts.length - kept.length };

  const seen = new Set<string>();
  const first: AuditItem[] = [];
  for (let i = 0; i < posts.length; i += 1) {
    const post = posts[i] as Post;
    if (seen.has(post.id)) continue;
    seen.add(post.id);
    first.push(unclassified(post));
  }
  first.sort(byTimeThenId);
  return { kept: first, duplicates: posts.length - first.length };
}

/**
 * An item with its time, classified as an original until `gather` knows who the account is
 * (the kind depends on it) and classifies it: one object per post, of one shape.
 */
function unclassified(post: Post): AuditItem {
  const ms = parseInstantMs(post.createdAt);
  if (Number.isNaN(ms)) throw new RangeError(`post ${post.id}: createdAt is not an instant: ${post.createdAt}`);
  return { post, ms, kind: 'original', toSelf: false, targetUnknown: false };
}

/** The handle of the newest post that names one (items oldest first). */
function newestHandle(items: readonly AuditItem[]): string | null {
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const handle = (items[i] as AuditItem).post.author.handle;
    if (handle !== null) return handle;
  }
  return null;
}

function chooseAuthor(
  groups: AuthorGroup[],
  opts: { path: string; accountArg: AccountArg | null; sourceAccount: AccountInfo | null },
): AuthorGroup | null {
  if (groups.length === 0) return null;
  const { accountArg: arg, sourceAccount: src } = opts;
  if (arg !== null) {
    const platformGroups = groups.filter((g) => g.platform === arg.platform);
    if (platformGroups.length === 0) {
      throw new UsageError(
        `${opts.path} holds ${platformName(groups[0]?.platform ?? 'x')} posts, but "${arg.raw}" names a ${platformName(arg.platform)} account; name the account as that platform writes it, or use --platform`,
      );
    }
    const matching = platformGroups.filter((g) => groupMatches(arg, g));
    if (matching.length >= 1) return largest(matching);
    const bySource =
      src !== null && handleMatches(arg, src.handle, src.id)
        ? platformGroups.filter((g) => g.id !== null && g.id === src.id)
        : [];
    if (bySource.length >= 1) return largest(bySource);
    if (platformGroups.length === 1 && platformGroups[0]?.handle === null && src?.handle == null) {
      return platformGroups[0] ?? null;
    }
    const names = topAuthors(platformGroups);
    throw new UsageError(
      `${opts.path} holds no posts by "${arg.raw}" (it holds posts by ${names}); name one of those, or leave the account out to audit the file's owner`,
    );
  }
  if (src !== null && (src.id !== null || src.handle !== null)) {
    const owned = groups.filter(
      (g) =>
        (src.id !== null && g.id === src.id) ||
        (src.handle !== null && g.handles.some((handle) => handleKey(handle) === handleKey(src.handle as string))),
    );
    if (owned.length >= 1) return largest(owned);
  }
  if (groups.length === 1) return groups[0] ?? null;
  const names = topAuthors(groups);
  throw new UsageError(
    `${opts.path} holds posts by ${groups.length} accounts (${names}); name the one to audit, for example: social-audit ${describe(largest(groups))} --input ${opts.path}`,
  );
}

/** The five authors with the most posts, for messages. */
function topAuthors(groups: AuthorGroup[]): string {
  return groups
    .slice()
    .sort((a, b) => b.posts.length - a.posts.length)
    .slice(0, 5)
    .map(describe)
    .join(', ');
}

function largest(groups: AuthorGroup[]): AuthorGroup {
  return groups.reduce((a, b) => (b.posts.length > a.posts.length ? b : a));
}

/** The posts under audit (metrics.md §2.1): public items in the window; non-public counted aside. */
export function selectWindow(g: Gathered, window: AuditWindow, includePrivate: boolean): PostSet {
  const items: AuditItem[] = [];
  const allItems: AuditItem[] = [];
  let excludedNonPublic = 0;
  for (const item of g.posts) {
    const { post, ms } = item;
    const inWindow = ms >= window.sinceMs && ms < window.untilMs;
    const isPublic = post.visibility === 'public' || post.visibility === 'unlisted';
    if (!isPublic && !includePrivate) {
      if (inWindow) excludedNonPublic += 1;
      continue;
    }
    allItems.push(item);
    if (inWindow) items.push(item);
  }
  return { self: g.self, items, allItems, excludedNonPublic };
}
