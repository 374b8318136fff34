import { handleKey, handleMatches, platformName, type AccountArg } from './account.js';
import { UsageError } from './errors.js';
import { buildSelfIdentity, toAuditItem } from './metrics/kinds.js';
import type { AuditItem, PostSet, SelfIdentity } from './metrics/types.js';
import type { AccountInfo, Platform, Post } from './model/post.js';
import type { AuditWindow } from './window.js';

/** The audited account's posts, read from a source, each once, oldest first. */
export interface Gathered {
  account: AccountInfo;
  self: SelfIdentity;
  /** The account's posts (every visibility), deduplicated by id, oldest first, with their time in ms. */
  posts: { post: Post; ms: number }[];
  /** Items read from the source that belong to the account (before deduplication). */
  read: number;
  duplicates: number;
  /** Items by other authors that were left out. */
  otherAuthors: number;
}

interface AuthorGroup {
  key: string;
  platform: Platform;
  id: string | null;
  handle: string | null;
  posts: Post[];
}

function authorKey(post: Post): string {
  if (post.author.id !== null) return `id:${post.author.id}`;
  if (post.author.handle !== null) return `handle:${handleKey(post.author.handle)}`;
  return 'unknown';
}

function describe(group: AuthorGroup): string {
  return group.handle !== null ? `@${group.handle}` : group.id !== null ? `id ${group.id}` : 'an unnamed author';
}

/**
 * Reads every post of a source and keeps the audited account's (metrics.md §2.1): the account
 * argument chooses among several authors; a single author is audited as it is.
 */
export async function gather(
  posts: AsyncIterable<Post>,
  opts: { path: string; accountArg: AccountArg | null; sourceAccount: AccountInfo | null },
): Promise<Gathered> {
  const groups = new Map<string, AuthorGroup>();
  for await (const post of posts) {
    const key = authorKey(post);
    let group = groups.get(key);
    if (!group) {
      group = { key, platform: post.platform, id: post.author.id, handle: post.author.handle, posts: [] };
      groups.set(key, group);
    }
    if (group.handle === null && post.author.handle !== null) group.handle = post.author.handle;
    group.posts.push(post);
  }
  const all = [...groups.values()];
  const chosen = chooseAuthor(all, opts);
  const src = opts.sourceAccount;
  const platform = chosen?.platform ?? src?.platform ?? opts.accountArg?.platform ?? 'x';
  const account: AccountInfo = {
    platform,
    id: chosen?.id ?? src?.id ?? null,
    // The source's own account record names the handle best (a Mastodon status says `user`, the
    // account lookup `user@server`), when it is the chosen author's.
    handle:
      (src !== null && chosen !== null && src.id !== null && src.id === chosen.id ? src.handle : null) ??
      chosen?.handle ??
      src?.handle ??
      opts.accountArg?.handle ??
      null,
    displayName: src?.displayName ?? null,
    website: src?.website ?? null,
    url: src?.url ?? null,
  };

  const seen = new Set<string>();
  const kept: { post: Post; ms: number }[] = [];
  let duplicates = 0;
  for (const post of chosen?.posts ?? []) {
    if (seen.has(post.id)) {
      duplicates += 1;
      continue;
    }
    seen.add(post.id);
    kept.push({ post, ms: Date.parse(post.createdAt) });
  }
  kept.sort((a, b) => a.ms - b.ms || (a.post.id < b.post.id ? -1 : a.post.id > b.post.id ? 1 : 0));
  const read = chosen?.posts.length ?? 0;
  const total = all.reduce((n, g) => n + g.posts.length, 0);
  return { account, self: buildSelfIdentity(account), posts: kept, read, duplicates, otherAuthors: total - read };
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
    const matching = platformGroups.filter((g) => handleMatches(arg, g.handle, g.id));
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
      (g) => (src.id !== null && g.id === src.id) || (src.handle !== null && g.handle !== null && handleKey(g.handle) === handleKey(src.handle)),
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
  for (const { post, ms } of g.posts) {
    const inWindow = ms >= window.sinceMs && ms < window.untilMs;
    const isPublic = post.visibility === 'public' || post.visibility === 'unlisted';
    if (!isPublic && !includePrivate) {
      if (inWindow) excludedNonPublic += 1;
      continue;
    }
    const item: AuditItem = toAuditItem(post, g.self);
    allItems.push(item);
    if (inWindow) items.push(item);
  }
  return { self: g.self, items, allItems, excludedNonPublic };
}
