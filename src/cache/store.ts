import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { handleKey, type AccountArg } from '../account.js';
import { NORMALIZED_FORMAT, NormalizedHeaderSchema, readNormalized } from '../fetchers/normalized.js';
import { InstantSchema, PlatformSchema, PostSchema, type AccountInfo, type Platform, type Post } from '../model/post.js';
import { normalizeSpans, timeRange, type Span } from './coverage.js';

/**
 * The cache file of one account: the tool's own posts file (docs/normalized-format.md, JSON
 * spelling, so `--input` reads a cache file as it is) with one more header key, `cache`, that says
 * what the posts cover. One file per platform, API base URL and account:
 * `<dir>/<platform>/<sha256 of the three>.json`. Written atomically; read back strictly, so a
 * damaged file is noticed and fetched again rather than trusted. Described in docs/cache.md.
 */

/** The value of `cache.format`. */
export const CACHE_FORMAT = 'social-audit/cache';
/** The `cache.version` this build reads and writes. */
export const CACHE_VERSION = 1;

/** A temporary file older than this is a crashed writer's, and is removed. */
const STALE_TEMP_MS = 60 * 60_000;

/** Which cache file: the account as named on the command line, on which API. */
export interface CacheKey {
  platform: Platform;
  /** `--api-url` without credentials, query or trailing slash; null for the platform's default API. */
  baseUrl: string | null;
  /** The account as named, handle case folded (`roadinfobc.example`, `roadinfobc@mstdn.bc.example`, a DID). */
  account: string;
}

/**
 * `--api-url` as the cache names it: origin and path only. User info and query are dropped so no
 * credential written into the URL reaches the cache file (and two credentials for the same API
 * share one cache: the public posts are the same).
 */
export function cacheBaseUrl(apiUrl: string | null): string | null {
  if (apiUrl === null) return null;
  try {
    const url = new URL(apiUrl);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return apiUrl.replace(/[?#].*$/, '').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1').replace(/\/+$/, '');
  }
}

/** The cache key of an account fetched from `apiUrl` (`--api-url`, null for the default API). */
export function cacheKey(account: AccountArg, apiUrl: string | null): CacheKey {
  return { platform: account.platform, baseUrl: cacheBaseUrl(apiUrl), account: handleKey(account.handle) };
}

/** `<dir>/<platform>/<sha256(platform, base URL, account)>.json`. */
export function cacheFilePath(dir: string, key: CacheKey): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([key.platform, key.baseUrl, key.account]))
    .digest('hex');
  return join(dir, key.platform, `${digest}.json`);
}

/** An interrupted walk, for messages: which window it was given, when it began, how far back it got. */
export interface ResumeState {
  walk: Span;
  startedAtMs: number;
  /** The oldest post time it reached (epoch ms), null before its first page. */
  reachedBackMs: number | null;
}

/** What a cache file holds, in memory. */
export interface CacheState {
  /** The account as the platform last described it. */
  account: AccountInfo | null;
  /** When posts were last fetched into it (ISO instant), null when never. */
  fetchedAt: string | null;
  /** Stretches of time whose every post is in `posts` (as of their fetch), oldest first, disjoint. */
  covered: Span[];
  /** The posts by id. */
  posts: Map<string, Post>;
  /**
   * When each post was last fetched (epoch ms: the start of the walk that served it), so that its
   * counts (`replyCount`) are known to be as of then. Posts of files written before this was kept
   * have none.
   */
  seenAt: Map<string, number>;
  /** Set while a walk is unfinished (interrupted, stopped by a rate limit); null otherwise. */
  resume: ResumeState | null;
}

/** An empty cache. */
export function emptyState(): CacheState {
  return { account: null, fetchedAt: null, covered: [], posts: new Map(), seenAt: new Map(), resume: null };
}

const SpanJsonSchema = z.object({ from: InstantSchema, until: InstantSchema });

/** The `cache` header key. */
export const CacheMetaSchema = z.object({
  format: z.literal(CACHE_FORMAT),
  version: z.literal(CACHE_VERSION),
  platform: PlatformSchema,
  baseUrl: z.string().nullable(),
  account: z.string().min(1),
  /** Stretches of time whose every post is in the file, oldest first. */
  covered: z.array(SpanJsonSchema),
  /** Newest and oldest post times (pinned posts left out), null without posts. */
  newestAt: InstantSchema.nullable(),
  oldestAt: InstantSchema.nullable(),
  /** How many posts the file holds: a check against a file cut short. */
  posts: z.number().int().min(0),
  /** An unfinished walk, or null. */
  resume: z
    .object({ since: InstantSchema, until: InstantSchema, startedAt: InstantSchema, reachedBack: InstantSchema.nullable() })
    .nullable(),
  /** When the file was written. */
  updatedAt: InstantSchema,
  /**
   * When each post was last fetched, by id (absent in files of earlier builds): a reply count seen
   * after a window ended holds every reply written in it.
   */
  seenAt: z.record(z.string(), InstantSchema).optional(),
});
export type CacheMeta = z.infer<typeof CacheMetaSchema>;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Posts newest first, ties by id, so a file's content depends on nothing but the posts. */
export function sortPosts(posts: Iterable<Post>): Post[] {
  return [...posts]
    .map((post) => ({ post, ms: Date.parse(post.createdAt) }))
    .sort((a, b) => b.ms - a.ms || (a.post.id < b.post.id ? 1 : a.post.id > b.post.id ? -1 : 0))
    .map((x) => x.post);
}

/**
 * The file's text. The header is validated against the posts format's schema and indented like
 * `serializeNormalized` writes it; posts are one compact line each (validated as they entered
 * the cache), which keeps a file of thousands of posts small and quick to rewrite after each page.
 * `complete` is false while a walk is unfinished.
 */
export function serializeCache(key: CacheKey, state: CacheState, nowMs: number): string {
  const posts = sortPosts(state.posts.values());
  const range = timeRange(posts);
  const header = NormalizedHeaderSchema.parse({
    format: NORMALIZED_FORMAT,
    version: NormalizedHeaderSchema.shape.version.value,
    account: state.account,
    fetchedAt: state.fetchedAt,
    complete: state.resume === null,
  });
  const resume = state.resume;
  const cache: CacheMeta = {
    format: CACHE_FORMAT,
    version: CACHE_VERSION,
    platform: key.platform,
    baseUrl: key.baseUrl,
    account: key.account,
    covered: normalizeSpans(state.covered).map((s) => ({ from: iso(s.fromMs), until: iso(s.untilMs) })),
    newestAt: range === null ? null : iso(range.newestMs),
    oldestAt: range === null ? null : iso(range.oldestMs),
    posts: posts.length,
    resume:
      resume === null
        ? null
        : {
            since: iso(resume.walk.fromMs),
            until: iso(resume.walk.untilMs),
            startedAt: iso(resume.startedAtMs),
            reachedBack: resume.reachedBackMs === null ? null : iso(resume.reachedBackMs),
          },
    updatedAt: iso(nowMs),
    seenAt: Object.fromEntries(
      posts.flatMap((p) => {
        const ms = state.seenAt.get(p.id);
        return ms === undefined ? [] : [[p.id, iso(ms)]];
      }),
    ),
  };
  const head = JSON.stringify({ ...header, cache }, null, 2).replace(/\n}$/, '');
  const body = posts.length === 0 ? '[]' : `[\n${posts.map((p) => `    ${JSON.stringify(p)}`).join(',\n')}\n  ]`;
  return `${head},\n  "posts": ${body}\n}\n`;
}

/** What reading a cache file found. */
export type LoadResult =
  | { kind: 'missing' }
  | { kind: 'ok'; state: CacheState }
  /** The file exists but cannot be used; `reason` says why, for the warning. */
  | { kind: 'corrupt'; reason: string };

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the cache file at `file`, written for `key`. Anything short of a file this build wrote
 * for this key is `corrupt` with a reason: not JSON (cut short, overwritten), not a posts file,
 * another format or cache version, a header or post that fails its schema, a post count that does
 * not match, another account's file. A missing file is `missing`. Temporary files of a writer that
 * crashed are never read: only the final name is.
 */
export async function loadCache(file: string, key: CacheKey): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a file stands where a folder of the path should; there is no cache file either way.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'corrupt', reason: `cannot be read: ${(err as Error).message}` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { kind: 'corrupt', reason: 'not valid JSON; it may have been cut short' };
  }
  if (!isRecord(doc) || !isRecord(doc.cache)) return { kind: 'corrupt', reason: 'no cache header' };
  if (doc.cache.format !== CACHE_FORMAT || doc.cache.version !== CACHE_VERSION) {
    return {
      kind: 'corrupt',
      reason: `cache format ${JSON.stringify(doc.cache.format)} version ${JSON.stringify(doc.cache.version)}; this build reads ${CACHE_FORMAT} version ${CACHE_VERSION}`,
    };
  }
  const meta = CacheMetaSchema.safeParse(doc.cache);
  if (!meta.success) return { kind: 'corrupt', reason: `invalid cache header (${firstIssue(meta.error)})` };
  const m = meta.data;
  if (m.platform !== key.platform || m.baseUrl !== key.baseUrl || m.account !== key.account) {
    return { kind: 'corrupt', reason: `it belongs to ${m.platform} account ${m.account} at ${m.baseUrl ?? 'the default API'}` };
  }
  let source;
  try {
    source = readNormalized([doc], file);
  } catch (err) {
    const message = (err as Error).message;
    // An InputError starts with the path, which the warning names already.
    return { kind: 'corrupt', reason: message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message };
  }
  const posts = new Map<string, Post>();
  for await (const post of source.posts) posts.set(post.id, post);
  if (source.stats.skipped > 0) {
    return { kind: 'corrupt', reason: `${source.stats.skipped} post(s) fail the schema (first: ${source.stats.skippedExamples[0] ?? 'unknown'})` };
  }
  if (posts.size !== m.posts) return { kind: 'corrupt', reason: `it says ${m.posts} posts but holds ${posts.size}` };
  const covered = m.covered.map((s) => ({ fromMs: Date.parse(s.from), untilMs: Date.parse(s.until) }));
  if (covered.some((s) => !(s.untilMs > s.fromMs))) return { kind: 'corrupt', reason: 'a covered stretch ends before it starts' };
  const r = m.resume;
  const seenAt = new Map<string, number>();
  for (const [id, at] of Object.entries(m.seenAt ?? {})) if (posts.has(id)) seenAt.set(id, Date.parse(at));
  return {
    kind: 'ok',
    state: {
      account: source.account,
      fetchedAt: source.fetchedAt ?? null,
      covered: normalizeSpans(covered),
      posts,
      seenAt,
      resume:
        r === null
          ? null
          : {
              walk: { fromMs: Date.parse(r.since), untilMs: Date.parse(r.until) },
              startedAtMs: Date.parse(r.startedAt),
              reachedBackMs: r.reachedBack === null ? null : Date.parse(r.reachedBack),
            },
    },
  };
}

/** Posts as the cache stores them: each checked against the schema once, on the way in. */
export function validPost(post: Post): Post {
  return PostSchema.parse(post);
}

/**
 * Writes `text` to `file` atomically: a temporary file in the same folder (so the rename stays on
 * one file system), flushed to disk, then renamed over `file`, then the folder flushed (where the
 * system allows; Windows does not). A crash at any point leaves either the old file or the new one,
 * never half of one; a leftover temporary file is ignored by readers and removed by a later write
 * once it is an hour old. The folder is private to the user (0700, files 0600): with a token, a
 * Mastodon fetch can include followers-only posts.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
  await sweepTempFiles(file);
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: Windows cannot open a folder for flushing; the rename is still atomic there.
  }
}

/** Removes `file`'s temporary files older than an hour (crashed writers'); never fails. */
async function sweepTempFiles(file: string): Promise<void> {
  const dir = dirname(file);
  const prefix = `${basename(file)}.`;
  try {
    for (const name of await readdir(dir)) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (info !== null && Date.now() - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
    }
  } catch {
    // A sweep is housekeeping; the write already succeeded.
  }
}

/** Saves `state` as `key`'s cache file, atomically. */
export async function saveCache(file: string, key: CacheKey, state: CacheState, nowMs: number): Promise<void> {
  await writeFileAtomic(file, serializeCache(key, state, nowMs));
}

/** Removes a cache file; a missing one is fine. */
export async function removeCache(file: string): Promise<void> {
  await rm(file, { force: true });
}
