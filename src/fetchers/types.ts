import type { AccountInfo, Post } from '../model/post.js';

/**
 * Formats the offline readers understand, detected from content (never from the file name), and
 * the live APIs (`x-api-v2`, `mastodon-api`, `bluesky-api`).
 */
export type InputFormat =
  | 'x-archive'
  | 'x-v1'
  | 'x-v2'
  | 'mastodon-archive'
  | 'mastodon-api'
  | 'bluesky-feed'
  | 'normalized'
  | 'x-api-v2'
  | 'bluesky-api';

/**
 * An opened input: a folder, a `.zip` (recognised by its magic bytes) or a single file.
 * Entry names are relative to the root with `/` separators.
 */
export interface InputTree {
  readonly kind: 'dir' | 'zip' | 'file';
  /** The path as the user gave it, for messages. */
  readonly path: string;
  entries(): readonly string[];
  /** Reads an entry as UTF-8 text (a leading BOM removed). Throws `InputError` naming the entry when it cannot. */
  readText(name: string): Promise<string>;
}

/** Counters a reader fills while its posts are iterated. */
export interface ReadStats {
  /** Items that could not be understood (failed the wire schema) and were skipped. */
  skipped: number;
  /** The first few reasons, for `--debug` and warnings. */
  skippedExamples: string[];
}

/** What a reader returns: metadata known up front, and the posts as a lazy async generator. */
export interface InputSource {
  format: InputFormat;
  sourceKind: 'archive' | 'file' | 'api';
  /** What the input itself says about the account that owns it (archive `account.js`, actor, profile). */
  account: AccountInfo | null;
  posts: AsyncGenerator<Post>;
  /**
   * The same posts a batch at a time, when the reader has them so (a large posts file): a million
   * posts then cost a few hundred awaits, not a million. A consumer iterates this or `posts`, never both.
   */
  postBatches?: AsyncGenerator<readonly Post[]>;
  stats: ReadStats;
  /** False when the source itself says it is partial (a saved fetch that stopped early). */
  complete?: boolean;
  /** When the data was fetched, for a saved fetch (ISO instant), if known. */
  fetchedAt?: string | null;
  /** HTTP requests made so far (live sources). */
  requests?: () => number;
  /** Human-readable caveats about the input ("quotes in an X archive are a lower bound"). */
  warnings: string[];
}

export function newReadStats(): ReadStats {
  return { skipped: 0, skippedExamples: [] };
}

/** Records one skipped item; keeps the first five reasons. */
export function recordSkip(stats: ReadStats, reason: string): void {
  stats.skipped += 1;
  if (stats.skippedExamples.length < 5) stats.skippedExamples.push(reason);
}
