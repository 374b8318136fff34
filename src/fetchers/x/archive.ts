import { z } from 'zod';
import { InputError } from '../../errors.js';
import { implausibleTimeReason } from '../instant.js';
import type { AccountInfo, AuthorRef, Post } from '../../model/post.js';
import { newReadStats, recordSkip, type InputSource, type InputTree, type ReadStats } from '../types.js';
import {
  describeIssues,
  decodeXText,
  idOrNull,
  lastStatusLink,
  nonEmpty,
  parseStatusLink,
  parseTwitterDate,
  postRef,
  xPostIso,
  retweetAuthor,
  retweetedHandle,
  startsWithRetweetMarker,
  V1EntitiesSchema,
  v1Hashtags,
  v1Links,
  v1Mentions,
  XIdSchema,
  xStatusUrl,
} from './common.js';

/**
 * Reader for the X (Twitter) account archive: "Settings → Your account → Download an archive of
 * your data". Tweets live in `data/tweets.js` (large archives add `tweets-part1.js`, …; archives
 * from about 2018-2020 use `tweet.js` / `tweet-partN.js`), the owner in `data/account.js`, the
 * profile in `data/profile.js` (platforms.md §2).
 * @see https://help.x.com/en/managing-your-account/how-to-download-your-x-archive
 */

/** Basenames of tweet data files: `tweets.js`, `tweet.js`, `tweets-part1.js`, `tweet-part2.js`. */
const TWEET_FILE = /^tweets?(?:-part(\d+))?\.js$/;
/** Start of every archive data file: `window.YTD.<name>.part<N> = `. */
const YTD_HEAD = /^\s*window\.YTD\.([A-Za-z0-9_$]+)(?:\.part(\d+))?\s*=\s*/;

const QUOTE_WARNING =
  'Quotes in an X archive are a lower bound: the archive marks a quote only by a link to the quoted ' +
  'post in the text, which not every quote carries.';

function splitName(name: string): { dir: string; base: string } {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? { dir: '', base: name } : { dir: name.slice(0, slash), base: name.slice(slash + 1) };
}

/** Tweet files that sit at the root of the tree or in a `data/` folder. */
function tweetFiles(tree: InputTree): string[] {
  return tree.entries().filter((name) => {
    const { dir, base } = splitName(name);
    return TWEET_FILE.test(base) && (dir === '' || dir === 'data' || dir.endsWith('/data'));
  });
}

/**
 * True when the tree holds an X archive's tweet file by name: `tweets.js` / `tweet.js` /
 * `tweets-partN.js` / `tweet-partN.js` at the root or in `data/`. Names are all a folder or zip
 * offers cheaply; for a single file prefer `detectXArchive`, which looks at the content.
 */
export function isXArchive(tree: InputTree): boolean {
  return tweetFiles(tree).length > 0;
}

/** True when a text (or its first bytes) is an archive data file: it starts with `window.YTD.`. */
export function looksLikeYtd(text: string): boolean {
  return /^\s*window\.YTD\./.test(text.slice(0, 256));
}

/**
 * Detection for `--input`: a folder or zip is an X archive when `isXArchive` finds its tweet
 * files; a single file is one when its content starts with `window.YTD.`, whatever its name (a
 * renamed `tweets.js` is one, a v1.1 JSON dump saved as `tweets.js` is not). Reads the file for
 * that; pass `text` when it was read already.
 */
export async function detectXArchive(tree: InputTree, text?: string): Promise<boolean> {
  if (tree.kind !== 'file') return isXArchive(tree);
  const [only] = tree.entries();
  if (only === undefined) return false;
  return looksLikeYtd(text ?? (await tree.readText(only)));
}

function entryError(tree: InputTree, entry: string, problem: string, options?: { cause?: unknown }): InputError {
  return new InputError(tree.path, tree.kind === 'file' ? problem : `${entry} ${problem}`, options);
}

/** One parsed `window.YTD.<name>.partN = [ … ]` file. */
interface YtdFile {
  name: string;
  items: unknown[];
}

/**
 * Parses an archive data file: everything up to the first `[` is the JavaScript assignment, the
 * rest is JSON (a trailing `;` is tolerated).
 */
function parseYtd(tree: InputTree, entry: string, text: string): YtdFile {
  const head = YTD_HEAD.exec(text);
  const bracket = head ? head[0].length : -1;
  if (!head || text[bracket] !== '[') {
    throw entryError(
      tree,
      entry,
      'is not an X archive data file (expected `window.YTD.<name>.part0 = [ … ]`); ' +
        "pass the archive's zip, its folder, or its data/tweets.js unchanged",
    );
  }
  let items: unknown;
  try {
    items = JSON.parse(text.slice(bracket).replace(/;\s*$/, ''));
  } catch (cause) {
    throw entryError(
      tree,
      entry,
      `is not valid archive data (${(cause as Error).message}); the file may be cut short or edited, ` +
        'download the archive again',
      { cause },
    );
  }
  if (!Array.isArray(items)) {
    throw entryError(tree, entry, 'is not valid archive data (no array); download the archive again');
  }
  return { name: head[1]!, items };
}

/**
 * Tweet element of `tweets.js`: v1.1-style, with every number written as a string and reply
 * fields absent (not null) on non-replies. Only the fields the audit reads are checked.
 * @see https://github.com/alkihis/twitter-archive-reader/blob/master/ts/types/GDPRTweets.ts
 */
export const ArchiveTweetSchema = z
  .looseObject({
    id_str: XIdSchema,
    created_at: z.string(),
    full_text: z.string().optional(),
    text: z.string().optional(),
    in_reply_to_status_id_str: z.string().nullish(),
    in_reply_to_user_id_str: z.string().nullish(),
    in_reply_to_screen_name: z.string().nullish(),
    entities: V1EntitiesSchema.nullish(),
    extended_entities: z
      .looseObject({ media: z.array(z.looseObject({ expanded_url: z.string().nullish() })).nullish() })
      .nullish(),
  })
  .refine((t) => t.full_text !== undefined || t.text !== undefined, {
    message: 'no full_text',
    path: ['full_text'],
  });
export type ArchiveTweet = z.infer<typeof ArchiveTweetSchema>;

/**
 * `account.js`: the archive's owner.
 * @see https://github.com/alkihis/twitter-archive-reader/blob/master/ts/types/GDPRAccount.ts
 */
const AccountFileSchema = z
  .array(
    z.looseObject({
      account: z.looseObject({
        accountId: XIdSchema,
        username: z.string().min(1),
        accountDisplayName: z.string().nullish(),
      }),
    }),
  )
  .min(1);

/** `profile.js`: `[{ profile: { description: { bio, website, location }, … } }]`. */
const ProfileFileSchema = z
  .array(
    z.looseObject({
      profile: z.looseObject({
        description: z.looseObject({ website: z.string().nullish() }).nullish(),
      }),
    }),
  )
  .min(1);

/** The element's tweet: `{ "tweet": {…} }` in every known archive, a bare object tolerated. */
function unwrap(item: unknown): unknown {
  if (typeof item === 'object' && item !== null && 'tweet' in item) return (item as { tweet: unknown }).tweet;
  return item;
}

function looksLikeTweetElement(item: unknown): boolean {
  const t = unwrap(item);
  return typeof t === 'object' && t !== null && ('id_str' in t || 'full_text' in t);
}

/**
 * Normalizes one archive tweet (metrics.md §2.2, row "X archive"). `owner` is the archive's
 * account: archives have no author field because every tweet is the owner's.
 * Returns a reason string when the tweet cannot be used.
 */
export function normalizeArchiveTweet(tweet: ArchiveTweet, owner: AuthorRef): Post | string {
  const secondsMs = parseTwitterDate(tweet.created_at);
  if (secondsMs === null) return `tweet ${tweet.id_str}: unreadable created_at "${tweet.created_at}"`;
  const createdAt = xPostIso(tweet.id_str, secondsMs);
  if (createdAt === null) {
    return `tweet ${tweet.id_str}: created_at ${implausibleTimeReason('x', tweet.created_at)}, and its id carries no time`;
  }
  const rawText = tweet.full_text ?? tweet.text ?? '';
  const base = {
    id: tweet.id_str,
    platform: 'x' as const,
    url: xStatusUrl(owner.handle, tweet.id_str),
    author: owner,
    createdAt,
    visibility: 'public' as const,
  };

  // Archives keep no `retweeted_status` and no id of the original, only `RT @name: …` in the
  // text and the name among the mentions (platforms.md §2).
  if (startsWithRetweetMarker(rawText)) {
    const handle = retweetedHandle(rawText);
    const author = handle === null ? { id: null, handle: null } : retweetAuthor(handle, tweet.entities);
    return {
      ...base,
      text: '',
      replyTo: null,
      quoteOf: null,
      repostOf: postRef(null, author, null),
      links: [],
      mentions: [],
      hashtags: [],
    };
  }

  const replyAuthor = {
    id: idOrNull(tweet.in_reply_to_user_id_str),
    handle: nonEmpty(tweet.in_reply_to_screen_name),
  };
  const replyStatus = idOrNull(tweet.in_reply_to_status_id_str);
  const replyTo =
    replyStatus !== null
      ? postRef(replyStatus, replyAuthor, null)
      : replyAuthor.id !== null || replyAuthor.handle !== null
        ? postRef(null, replyAuthor, null)
        : null;

  const quoted = lastStatusLink(tweet.entities);
  return {
    ...base,
    text: decodeXText(rawText),
    replyTo,
    quoteOf: quoted ? postRef(quoted.id, { id: null, handle: quoted.handle }, null) : null,
    repostOf: null,
    links: v1Links(tweet.entities, quoted?.id ?? null),
    mentions: v1Mentions(tweet.entities),
    hashtags: v1Hashtags(tweet.entities),
  };
}

/**
 * The owner's handle when `account.js` is missing: a photo's `expanded_url` is
 * `https://x.com/<owner>/status/<the tweet's own id>/photo/1`.
 */
function handleFromOwnMedia(items: readonly unknown[]): string | null {
  for (const item of items) {
    const parsed = ArchiveTweetSchema.safeParse(unwrap(item));
    if (!parsed.success) continue;
    for (const m of parsed.data.extended_entities?.media ?? []) {
      const link = m.expanded_url ? parseStatusLink(m.expanded_url) : null;
      if (link?.handle && link.id === parsed.data.id_str) return link.handle;
    }
  }
  return null;
}

const isShortLink = (url: string) => /^https?:\/\/t\.co\//i.test(url);

/** Expands a `t.co` profile website when one of the tweets happens to carry the same short link. */
function expandWebsite(website: string, items: readonly unknown[]): string {
  if (!isShortLink(website)) return website;
  for (const item of items) {
    const parsed = ArchiveTweetSchema.safeParse(unwrap(item));
    const match = parsed.success ? parsed.data.entities?.urls?.find((u) => u.url === website) : undefined;
    if (match?.expanded_url) return match.expanded_url;
  }
  return website;
}

function partNumber(name: string): number {
  const m = TWEET_FILE.exec(splitName(name).base);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

async function readAccount(tree: InputTree, entry: string): Promise<AccountInfo> {
  const file = parseYtd(tree, entry, await tree.readText(entry));
  const parsed = AccountFileSchema.safeParse(file.items);
  if (!parsed.success) {
    throw entryError(
      tree,
      entry,
      `does not hold the expected account record (${describeIssues(parsed.error)}); download the archive again`,
    );
  }
  const account = parsed.data[0]!.account;
  return {
    platform: 'x',
    id: account.accountId,
    handle: account.username,
    displayName: nonEmpty(account.accountDisplayName),
    website: null,
    url: `https://x.com/${account.username}`,
  };
}

/** The profile website, or null (profile.js is optional and only adds the website). */
async function readWebsite(tree: InputTree, entry: string, warnings: string[]): Promise<string | null> {
  try {
    const parsed = ProfileFileSchema.safeParse(parseYtd(tree, entry, await tree.readText(entry)).items);
    if (parsed.success) return nonEmpty(parsed.data[0]!.profile.description?.website);
    warnings.push(`${entry} has an unexpected shape (${describeIssues(parsed.error)}); the profile website is unknown.`);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    warnings.push(`${error.message}; the profile website is unknown.`);
  }
  return null;
}

async function* archivePosts(files: readonly YtdFile[], owner: AuthorRef, stats: ReadStats): AsyncGenerator<Post> {
  for (const file of files) {
    for (const [index, item] of file.items.entries()) {
      const parsed = ArchiveTweetSchema.safeParse(unwrap(item));
      if (!parsed.success) {
        recordSkip(stats, `${file.name}[${index}]: ${describeIssues(parsed.error)}`);
        continue;
      }
      const post = normalizeArchiveTweet(parsed.data, owner);
      if (typeof post === 'string') recordSkip(stats, post);
      else yield post;
    }
  }
}

/**
 * Reads an X archive: a zip, its unpacked folder, or a single `tweets.js`. Every tweet file is
 * parsed up front (so a damaged file fails before any output); posts are normalized lazily and a
 * tweet that fails the wire schema is skipped and counted. `account` comes from `account.js`
 * (null when absent) with the website from `profile.js`.
 */
export async function readXArchive(tree: InputTree): Promise<InputSource> {
  const warnings: string[] = [QUOTE_WARNING];
  let names = tweetFiles(tree);
  if (names.length === 0 && tree.kind === 'file') names = [...tree.entries()];
  if (names.length === 0) {
    throw new InputError(
      tree.path,
      'holds no tweets.js (or tweet.js) at its top or in data/; pass the X archive zip or its unpacked folder',
    );
  }

  // One archive per input: the tweet files of the shallowest folder, parts in order.
  const dirs = [...new Set(names.map((n) => splitName(n).dir))].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const dir = dirs[0]!;
  if (dirs.length > 1) {
    warnings.push(`Several archives were found (${dirs.map((d) => d || '.').join(', ')}); only ${dir || '.'} was read.`);
  }
  names = names.filter((n) => splitName(n).dir === dir).sort((a, b) => partNumber(a) - partNumber(b) || (a < b ? -1 : 1));

  const files: YtdFile[] = [];
  for (const name of names) {
    const file = parseYtd(tree, name, await tree.readText(name));
    if (file.items.length > 0 && !file.items.some(looksLikeTweetElement)) {
      throw entryError(
        tree,
        name,
        `holds window.YTD.${file.name}, not tweets; pass the archive's tweets.js or the whole archive`,
      );
    }
    files.push(file);
  }
  const allItems = files.flatMap((f) => f.items);

  const at = (base: string) => (dir === '' ? base : `${dir}/${base}`);
  const entries = new Set(tree.entries());
  let account: AccountInfo | null = null;
  if (entries.has(at('account.js'))) {
    account = await readAccount(tree, at('account.js'));
    if (entries.has(at('profile.js'))) {
      const website = await readWebsite(tree, at('profile.js'), warnings);
      account.website = website === null ? null : expandWebsite(website, allItems);
      if (account.website !== null && isShortLink(account.website)) {
        warnings.push(
          `The profile website is a t.co short link (${account.website}); add your domain to ownDomains ` +
            'in the config so links to your own site are recognised.',
        );
      }
    }
  }

  let owner: AuthorRef;
  if (account) {
    owner = { id: account.id, handle: account.handle };
  } else {
    owner = { id: null, handle: handleFromOwnMedia(allItems) };
    warnings.push(
      'No account.js was found next to the tweets, so the archive owner ' +
        (owner.handle === null ? 'is unknown' : `was inferred as @${owner.handle} from photo links`) +
        '; pass the whole archive (zip or folder) so self-replies are told apart reliably.',
    );
  }

  const stats = newReadStats();
  return {
    format: 'x-archive',
    sourceKind: 'archive',
    account,
    posts: archivePosts(files, owner, stats),
    stats,
    warnings,
  };
}
