import { z } from 'zod';
import { InputError } from '../errors.js';
import { AccountInfoSchema, InstantSchema, PostSchema, type AccountInfo, type Post } from '../model/post.js';
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

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid';
}

/**
 * Reads a normalized file. `docs` are its parsed documents: one (the JSON spelling) or one per line
 * (JSON Lines: header first, then posts). Throws `InputError` naming `path` when the header is
 * missing or invalid, or written by a format version this build does not read; a post that fails
 * the schema is skipped and counted.
 */
export function readNormalized(docs: readonly unknown[], path: string): InputSource {
  const [first, ...rest] = docs;
  if (!looksLikeNormalized(first)) {
    throw new InputError(path, `does not start with a "${NORMALIZED_FORMAT}" header`);
  }
  const head = first as Record<string, unknown>;
  if (!(NORMALIZED_VERSIONS as readonly unknown[]).includes(head.version)) {
    throw new InputError(
      path,
      `is a ${NORMALIZED_FORMAT} file of version ${JSON.stringify(head.version)}; this social-audit reads version ` +
        `${NORMALIZED_VERSIONS.join(', ')}. Upgrade social-audit to read it.`,
    );
  }
  const header = NormalizedHeaderSchema.safeParse(head);
  if (!header.success) throw new InputError(path, `has an invalid header (${firstIssue(header.error)})`);

  let rawPosts: unknown[];
  if (Array.isArray(head.posts)) {
    if (rest.length > 0) throw new InputError(path, 'has posts both inside the header and on the following lines');
    rawPosts = head.posts;
  } else if (head.posts === undefined) {
    rawPosts = rest;
  } else {
    throw new InputError(path, '"posts" must be an array');
  }

  const warnings: string[] = [];
  const stats = newReadStats();
  async function* posts(): AsyncGenerator<Post> {
    for (const [index, raw] of rawPosts.entries()) {
      const post = PostSchema.safeParse(raw);
      if (post.success) yield post.data;
      else recordSkip(stats, `post ${index}: ${firstIssue(post.error)}`);
    }
  }
  return {
    format: 'normalized',
    sourceKind: 'file',
    account: header.data.account,
    posts: posts(),
    stats,
    warnings,
    complete: header.data.complete,
    fetchedAt: header.data.fetchedAt,
  };
}
