import { z } from 'zod';
import { InputError } from '../errors.js';
import {
  AccountInfoSchema,
  InstantSchema,
  PlatformSchema,
  PostSchema,
  VisibilitySchema,
  type AccountInfo,
  type AuthorRef,
  type Post,
} from '../model/post.js';
import { FIRST_YEAR, LAST_YEAR, implausibleTimeReason, isPlausibleMs } from './instant.js';
import { newReadStats, recordSkip, type InputSource } from './types.js';

/**
 * The tool's own normalized posts file, what `social-audit fetch` writes and `--input` reads back:
 * one platform-neutral format so a fetch can be audited again later, offline, with the same result.
 * Described for users in docs/normalized-format.md.
 *
 * Two spellings of the same content:
 * - JSON: `{"format": "social-audit/posts", "version": 1, "account", "fetchedAt", "complete", "posts": [...]}`
 * - JSON Lines: the first line is that header without `posts`, each following line one Post.
 *   Lines can be appended while fetching and the file streamed back.
 */

/** The value of `format` that identifies the file. */
export const NORMALIZED_FORMAT = 'social-audit/posts';
/** The format versions this build reads; it writes the last one. */
export const NORMALIZED_VERSIONS = [1] as const;
const CURRENT_VERSION = 1;

/** The header: everything but the posts. `version` is checked before the rest is validated. */
export const NormalizedHeaderSchema = z.object({
  format: z.literal(NORMALIZED_FORMAT),
  version: z.literal(CURRENT_VERSION),
  /** What the source said about the account (profile, archive owner), if anything. */
  account: AccountInfoSchema.nullable(),
  /** When the posts were fetched; null for a conversion of an offline input. */
  fetchedAt: InstantSchema.nullable(),
  /** False when fetching stopped early (limit, rate limit, interruption): older history is missing. */
  complete: z.boolean(),
});
export type NormalizedHeader = z.infer<typeof NormalizedHeaderSchema>;

/** The whole file in its JSON spelling. */
export const NormalizedFileSchema = NormalizedHeaderSchema.extend({
  posts: z.array(PostSchema),
});
export type NormalizedFile = z.infer<typeof NormalizedFileSchema>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a parsed document (or the first line of a JSON Lines file) that is this format's header. */
export function looksLikeNormalized(doc: unknown): boolean {
  return isRecord(doc) && doc.format === NORMALIZED_FORMAT;
}

/** Options for `serializeNormalized`. */
export interface SerializeOptions {
  /** When the posts were fetched (ISO instant), or null. */
  fetchedAt: string | null;
  /** False when fetching stopped before the end of the history. */
  complete: boolean;
  /** Write JSON Lines (header line, then one post per line) instead of one JSON document. */
  jsonLines?: boolean;
}

/**
 * The file's text for these posts. Everything is validated against the schema first, so a file this
 * writes is always one `readNormalized` reads back identically. JSON is indented by two spaces;
 * both spellings end with a newline.
 */
export function serializeNormalized(account: AccountInfo | null, posts: readonly Post[], opts: SerializeOptions): string {
  const header: NormalizedHeader = NormalizedHeaderSchema.parse({
    format: NORMALIZED_FORMAT,
    version: CURRENT_VERSION,
    account,
    fetchedAt: opts.fetchedAt,
    complete: opts.complete,
  });
  const validPosts = z.array(PostSchema).parse(posts);
  if (opts.jsonLines) {
    return [header, ...validPosts].map((line) => JSON.stringify(line)).join('\n') + '\n';
  }
  const file: NormalizedFile = { ...header, posts: validPosts };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * The post's time is one its platform can have (`isPlausibleMs`). Cheap for the common case: a
 * year well inside the range is read from the ISO string's first digits without parsing it.
 */
function plausiblePostTime(post: Post): boolean {
  const year = Number(post.createdAt.slice(0, 4));
  if (year > FIRST_YEAR[post.platform] && year < LAST_YEAR) return true;
  return isPlausibleMs(post.platform, Date.parse(post.createdAt));
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid';
}

/** What a non-numeric version is, for the message (never its JSON: a 100,000-deep array would overflow `JSON.stringify`). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The header checks shared by both spellings: format, version, then the header's schema. */
function readHeader(first: unknown, path: string): { header: NormalizedHeader; posts: unknown } {
  if (!looksLikeNormalized(first)) {
    throw new InputError(path, `does not start with a "${NORMALIZED_FORMAT}" header`);
  }
  const head = first as Record<string, unknown>;
  if (typeof head.version !== 'number') {
    throw new InputError(path, `has an invalid header (version: expected a number, found ${kindOf(head.version)})`);
  }
  if (!(NORMALIZED_VERSIONS as readonly unknown[]).includes(head.version)) {
    throw new InputError(
      path,
      `is a ${NORMALIZED_FORMAT} file of version ${head.version}; this social-audit reads version ` +
        `${NORMALIZED_VERSIONS.join(', ')}. Upgrade social-audit to read it.`,
    );
  }
  const header = NormalizedHeaderSchema.safeParse(head);
  if (!header.success) throw new InputError(path, `has an invalid header (${firstIssue(header.error)})`);
  if (head.posts !== undefined && !Array.isArray(head.posts)) throw new InputError(path, '"posts" must be an array');
  return { header: header.data, posts: head.posts };
}

/**
 * The source for a header and its raw posts, given as batches (the posts of a JSON document are
 * one batch; JSON Lines come a chunk of lines at a time): each post is validated as it is iterated.
 */
function sourceOf(header: NormalizedHeader, batches: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>): InputSource {
  const warnings: string[] = [];
  const stats = newReadStats();
  const shared = new SharedParts();
  async function* postBatches(): AsyncGenerator<readonly Post[]> {
    let index = 0;
    for await (const batch of batches) {
      // A whole batch is checked and compacted before any of it is handed on: the parts that
      // compacting replaces are then still young when they become garbage, and cheap to collect.
      const ready: Post[] = [];
      for (const raw of batch) {
        const post: { success: true; data: Post } | { success: false; error: z.ZodError } = isExactPost(raw)
          ? { success: true, data: raw }
          : PostSchema.safeParse(raw);
        if (!post.success) recordSkip(stats, `post ${index}: ${firstIssue(post.error)}`);
        // A hand-edited 9999 would move the default window (which ends at the newest post) there.
        else if (!plausiblePostTime(post.data)) recordSkip(stats, `post ${index}: createdAt ${implausibleTimeReason(post.data.platform, post.data.createdAt)}`);
        else ready.push(shared.compact(post.data));
        index += 1;
      }
      if (ready.length > 0) yield ready;
    }
  }
  async function* posts(): AsyncGenerator<Post> {
    for await (const batch of postBatches()) yield* batch;
  }
  return {
    format: 'normalized',
    sourceKind: 'file',
    account: header.account,
    posts: posts(),
    postBatches: postBatches(),
    stats,
    warnings,
    complete: header.complete,
    fetchedAt: header.fetchedAt,
  };
}

/**
 * Reads a normalized file. `docs` are its parsed documents: one (the JSON spelling) or one per line
 * (JSON Lines: header first, then posts). Throws `InputError` naming `path` when the header is
 * missing or invalid, or written by a format version this build does not read; a post that fails
 * the schema is skipped and counted.
 */
export function readNormalized(docs: readonly unknown[], path: string): InputSource {
  const [first, ...rest] = docs;
  const { header, posts } = readHeader(first, path);
  if (Array.isArray(posts) && rest.length > 0) {
    throw new InputError(path, 'has posts both inside the header and on the following lines');
  }
  return sourceOf(header, [Array.isArray(posts) ? posts : rest]);
}

/**
 * Reads a normalized file in the JSON Lines spelling as it streams in: `first` is the parsed
 * header line and `lines` yields the parsed documents of the following lines, lazily (see
 * `openSource`) in batches, so only the posts are ever held, never the file's text. When the header holds
 * `posts` (a one-line JSON document), `hasMoreLines` says whether any line follows: that is
 * refused, as in `readNormalized`.
 */
export function readNormalizedLines(
  first: unknown,
  lines: AsyncIterable<readonly unknown[]>,
  path: string,
  hasMoreLines: () => Promise<boolean>,
): Promise<InputSource> {
  const { header, posts } = readHeader(first, path);
  if (!Array.isArray(posts)) return Promise.resolve(sourceOf(header, lines));
  return hasMoreLines().then((more) => {
    if (more) throw new InputError(path, 'has posts both inside the header and on the following lines');
    return sourceOf(header, [posts]);
  });
}

/** Most distinct authors shared per file: past it, new authors keep their own objects. */
const MAX_SHARED_AUTHORS = 100_000;
const NO_ITEMS: never[] = Object.freeze([]) as unknown as never[];

/**
 * Shares what posts repeat, so a large file costs less memory once read: the same author
 * (`{id, handle}`, the account itself on every post, the people it answers again and again) is one
 * frozen object, an empty `links` / `mentions` / `hashtags` is one frozen empty array, and a
 * `conversationId` equal to the post's or its target's id is that same string. A million posts
 * take about a quarter less. The values are unchanged; the shared parts are frozen, so code that
 * tried to modify a post in place would fail loudly rather than change other posts.
 */
class SharedParts {
  /** By id, then by handle (`null` keys for unknown ones): lookups with the post's own strings, no key built. */
  private readonly authors = new Map<string | null, Map<string | null, AuthorRef>>();
  private count = 0;

  compact(post: Post): Post {
    post.author = this.author(post.author);
    if (post.replyTo !== null) post.replyTo.author = this.author(post.replyTo.author);
    if (post.quoteOf !== null) post.quoteOf.author = this.author(post.quoteOf.author);
    if (post.repostOf !== null) post.repostOf.author = this.author(post.repostOf.author);
    if (post.links.length === 0) post.links = NO_ITEMS;
    if (post.hashtags.length === 0) post.hashtags = NO_ITEMS;
    if (post.mentions.length === 0) post.mentions = NO_ITEMS;
    else for (let i = 0; i < post.mentions.length; i += 1) post.mentions[i] = this.author(post.mentions[i] as AuthorRef);
    const conversation = post.conversationId;
    if (typeof conversation === 'string') {
      if (conversation === post.id) post.conversationId = post.id;
      else if (conversation === post.replyTo?.id) post.conversationId = post.replyTo.id;
      else if (conversation === post.repostOf?.id) post.conversationId = post.repostOf.id;
    }
    return post;
  }

  private author(author: AuthorRef): AuthorRef {
    if (Object.isFrozen(author)) return author;
    const { id, handle } = author;
    let byHandle = this.authors.get(id);
    const known = byHandle?.get(handle);
    if (known !== undefined) return known;
    if (this.count >= MAX_SHARED_AUTHORS) return author;
    if (byHandle === undefined) {
      byHandle = new Map();
      this.authors.set(id, byHandle);
    }
    const frozen = Object.freeze(author);
    byHandle.set(handle, frozen);
    this.count += 1;
    return frozen;
  }
}

type ParsedPost = { success: true; data: Post } | { success: false; error: z.ZodError };

/**
 * `PostSchema.safeParse`, fast for the common case. A post file of a million posts spends more
 * time in zod than in `JSON.parse`, and zod's copy of each post doubles what is held; so a raw
 * post that already is exactly a `Post` (the keys of the schema and no others, every value of its
 * type) is returned as it is, uncopied. Anything else (an unknown key, a wrong type) goes through
 * zod, which strips unknown keys and names the first problem. Both paths accept exactly the same
 * posts and give equal values (test/fetchers/normalized-fast.test.ts checks it against zod).
 */
export function parsePost(raw: unknown): ParsedPost {
  if (isExactPost(raw)) return { success: true, data: raw };
  return PostSchema.safeParse(raw);
}

/** The pattern zod checks an ISO instant against (`InstantSchema`), or null to ask zod itself. */
const INSTANT_PATTERN: RegExp | null = (() => {
  const pattern = (InstantSchema as unknown as { _zod?: { def?: { pattern?: unknown } } })._zod?.def?.pattern;
  return pattern instanceof RegExp && !pattern.global && !pattern.sticky ? pattern : null;
})();

function isInstant(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return INSTANT_PATTERN !== null ? INSTANT_PATTERN.test(value) : InstantSchema.safeParse(value).success;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyOrNull(value: unknown): boolean {
  return value === null || (typeof value === 'string' && value.length > 0);
}

function keyCount(value: object): number {
  let n = 0;
  for (const key in value) if (Object.hasOwn(value, key)) n += 1;
  return n;
}

function isExactAuthor(value: unknown): boolean {
  return isObject(value) && isNonEmptyOrNull(value.id) && isNonEmptyOrNull(value.handle) && keyCount(value) === 2;
}

function isExactRef(value: unknown): boolean {
  if (value === null) return true;
  if (!isObject(value)) return false;
  const url = value.url;
  return (
    isNonEmptyOrNull(value.id) &&
    (url === null || typeof url === 'string') &&
    isExactAuthor(value.author) &&
    (value.createdAt === null || isInstant(value.createdAt)) &&
    keyCount(value) === 4
  );
}

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

const PLATFORMS: ReadonlySet<unknown> = new Set(PlatformSchema.options);
const VISIBILITIES: ReadonlySet<unknown> = new Set(VisibilitySchema.options);

function isExactPost(raw: unknown): raw is Post {
  if (!isObject(raw)) return false;
  const { id, url, text, mentions } = raw;
  if (typeof id !== 'string' || id.length === 0) return false;
  if (!PLATFORMS.has(raw.platform) || !VISIBILITIES.has(raw.visibility)) return false;
  if (url !== null && typeof url !== 'string') return false;
  if (typeof text !== 'string' || !isInstant(raw.createdAt)) return false;
  if (!isExactAuthor(raw.author)) return false;
  if (!isExactRef(raw.replyTo) || !isExactRef(raw.quoteOf) || !isExactRef(raw.repostOf)) return false;
  if (!isStringArray(raw.links) || !isStringArray(raw.hashtags) || !Array.isArray(mentions)) return false;
  for (const mention of mentions) if (!isExactAuthor(mention)) return false;
  let keys = 13;
  if (Object.hasOwn(raw, 'pinned')) {
    if (typeof raw.pinned !== 'boolean') return false;
    keys += 1;
  }
  if (Object.hasOwn(raw, 'conversationId')) {
    if (!isNonEmptyOrNull(raw.conversationId)) return false;
    keys += 1;
  }
  if (Object.hasOwn(raw, 'replyCount')) {
    const n = raw.replyCount;
    if (n !== null && !(typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) return false;
    keys += 1;
  }
  return keyCount(raw) === keys;
}
