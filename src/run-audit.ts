import { parseAccountArg, type AccountArg } from './account.js';
import { evaluateAssertions, type AssertionOutcome } from './assertions.js';
// The live fetchers, the fetch cache and the HTTP client (undici) are imported only on the live
// paths below, so an offline audit does not load them.
import type { CacheOutcome, CachedSource } from './cache/cached-fetch.js';
import { gather, postsOf, selectWindow, type Gathered } from './collect.js';
import { accountConfig, scoringModel, type LoadedConfig } from './config-load.js';
import { durationSeconds, type AccountConfig } from './config.js';
import { InputError, InterruptedError, PlatformError, UsageError } from './errors.js';
import { openSource } from './fetchers/detect.js';
import type { FetchContext } from './fetchers/live-types.js';
import type { InputSource } from './fetchers/types.js';
import type { HttpClient } from './http/client.js';
import { measureAllParallel } from './metrics/parallel.js';
import { DEFAULT_PHRASES } from './metrics/self-promotion.js';
import { selectInbound } from './inbound.js';
import type { InboundSet, MetricContext } from './metrics/types.js';
import type { AccountInfo, Platform, Post } from './model/post.js';
import { serializeNormalized } from './fetchers/normalized.js';
import { compareReports } from './report/compare.js';
import type { LoadedReport } from './report/read-report.js';
import { sameAccount } from './report/tracked-metrics.js';
import { SCHEMA_VERSION, ReportSchema, type Report } from './schema/report.js';
import { buildRecommendations } from './scoring/recommendations.js';
import { scoreAudit } from './scoring/score.js';
import { assertTimeZone, resolveWindow, type AuditWindow } from './window.js';

/** How to fetch live, when there is no `--input`. */
export interface LiveOptions {
  /** `--api-url`, without a trailing slash. */
  apiUrl: string | null;
  /** Tokens from the environment; never printed. */
  tokens: FetchContext['tokens'];
  /** The HTTP client (the CLI builds it from --timeout, --max-wait and the Ctrl-C signal). */
  http: HttpClient;
  signal?: AbortSignal;
  progress: (message: string) => void;
  /**
   * The fetch cache (docs/cache.md): the folder of the account cache files, or null (or absent)
   * to fetch everything afresh (`--no-cache`).
   */
  cache?: { dir: string } | null;
}

/** `--compare`: the saved reports to compare the new one with. */
export interface CompareWith {
  /** Saved reports (one, or the reports of a many-account file). */
  reports: readonly LoadedReport[];
  /**
   * True when the one report given must be of this account (a single-account run: another
   * account is a usage error); false when the one of the same account is picked from several,
   * and a report of none of them is a warning.
   */
  required: boolean;
}

/** Everything an audit needs, already validated by the CLI. */
export interface AuditRequest {
  /** `--input` path, or null to fetch live (then `live` must be set). */
  input: string | null;
  live?: LiveOptions;
  /** The account argument as typed, or null to audit the input's owner. */
  account: string | null;
  /** `--platform`, when given. */
  platform: Platform | null;
  since?: string | undefined;
  until?: string | undefined;
  month?: string | undefined;
  /** `--tz`; falls back to the config's `timeZone`, then UTC. */
  timeZone?: string | undefined;
  includePrivate: boolean;
  /**
   * Inbound messages (metrics.md §9): paths to read (`--inbound`, offline), `[]` for the
   * platform's own inbound source when fetching live, or false (`--no-inbound`).
   */
  inbound?: string[] | false;
  config: LoadedConfig;
  /** `--compare <previous.json>`: the report gets `comparison`. */
  compare?: CompareWith | null;
}

export interface AuditDeps {
  /** The clock, for `generatedAt` (tests pass a fixed one). */
  now: () => Date;
  toolVersion: string;
  /** Opens an input (tests may substitute). */
  openSource?: (path: string) => Promise<InputSource>;
  /** Progress lines of a long offline read (the CLI prints them on a terminal's stderr). */
  progress?: (message: string) => void;
  /** Posts between two progress lines of an offline read (default `READ_PROGRESS_EVERY`). */
  progressEvery?: number;
}

/** An offline read says how far it got every this many posts (a million-post file takes seconds). */
export const READ_PROGRESS_EVERY = 100_000;

/**
 * The source's posts as `gather` reads them, with a progress line every `every` posts: "reading
 * FILE: 300,000 posts…"; none for a smaller input.
 */
function withReadProgress(source: InputSource, label: string, deps: AuditDeps): ReturnType<typeof postsOf> {
  const progress = deps.progress;
  const posts = postsOf(source);
  if (progress === undefined) return posts;
  const every = deps.progressEvery ?? READ_PROGRESS_EVERY;
  let read = 0;
  let next = every;
  const note = (n: number): void => {
    read += n;
    if (read < next) return;
    progress(`reading ${label}: ${read.toLocaleString('en-US')} posts…`);
    next = (Math.floor(read / every) + 1) * every;
  };
  if ('batches' in posts) {
    const batches = posts.batches;
    return {
      batches: (async function* () {
        for await (const batch of batches) {
          yield batch;
          note(batch.length);
        }
      })(),
    };
  }
  return (async function* () {
    for await (const post of posts) {
      yield post;
      note(1);
    }
  })();
}

/** Fewer items than this and the report says the sample is small (metrics.md §4). */
export const SMALL_SAMPLE = 20;

/** The time zone in force: `--tz`, else the config's `timeZone` (checked), else UTC. */
function zoneFor(req: AuditRequest, cfg: AccountConfig): string {
  if (req.timeZone === undefined && cfg.timeZone !== undefined) assertTimeZone(cfg.timeZone, 'config timeZone');
  return req.timeZone ?? cfg.timeZone ?? 'UTC';
}

/** What was read, whose, and over which window: the input of the measuring half of an audit. */
interface Collected {
  source: InputSource;
  gathered: Gathered;
  cfg: AccountConfig;
  window: AuditWindow;
  label: string | null;
  /** The live source when it went through the fetch cache, else null. */
  cached: CachedSource | null;
}

/** Default give-up window of metrics.md §9: 7 days, as quintly. */
const DEFAULT_GIVE_UP_SECONDS = 7 * 86_400;

function giveUpAfterMs(cfg: AccountConfig): number {
  const giveUp = cfg.responseRate?.giveUpAfter;
  return (giveUp === undefined ? DEFAULT_GIVE_UP_SECONDS : durationSeconds(giveUp)) * 1000;
}

/** Inbound messages read for an audit, and where they came from. */
interface InboundRead {
  others: Post[];
  sources: NonNullable<Report['inbound']>['sources'];
  complete: boolean;
  requests: number;
  warnings: string[];
}

/** Offline inbound: every `--inbound` path, read with the same readers as `--input`. */
async function readInboundFiles(paths: readonly string[], deps: AuditDeps): Promise<InboundRead> {
  const read: InboundRead = { others: [], sources: [], complete: true, requests: 0, warnings: [] };
  for (const path of paths) {
    const source = await (deps.openSource ?? openSource)(path);
    for await (const post of source.posts) read.others.push(post);
    read.sources.push({ kind: source.sourceKind, format: source.format, path });
    if (source.complete === false || source.stats.skipped > 0) read.complete = false;
    for (const w of source.warnings) read.warnings.push(`${path}: ${w}`);
    if (source.stats.skipped > 0) {
      read.warnings.push(`${path}: ${source.stats.skipped} inbound item(s) could not be read and were left out`);
    }
  }
  return read;
}

/** Live inbound: the platform's own source (X mentions, Mastodon notifications or threads, Bluesky threads). */
async function fetchInbound(
  account: AccountInfo,
  own: readonly Post[],
  window: AuditWindow,
  live: LiveOptions,
): Promise<InboundRead | { failed: string }> {
  const before = live.http.requests;
  const { INBOUND_FETCHERS } = await import('./fetchers/live.js');
  try {
    const result = await INBOUND_FETCHERS[account.platform](account, own, {
      http: live.http,
      apiUrl: live.apiUrl,
      window: { sinceMs: window.sinceMs, untilMs: window.untilMs },
      tokens: live.tokens,
      progress: live.progress,
      ...(live.signal ? { signal: live.signal } : {}),
    });
    return {
      others: result.posts,
      sources: [{ kind: 'api', format: result.format, path: null }],
      complete: result.complete,
      requests: live.http.requests - before,
      warnings: result.warnings,
    };
  } catch (err) {
    // Without inbound data the outbound audit still stands; say why it is outbound-only.
    if (err instanceof PlatformError && !(err instanceof InterruptedError)) return { failed: err.message };
    throw err;
  }
}

/** Offline: read the whole input, then resolve the window (it defaults to the newest post). */
async function collectOffline(req: AuditRequest & { input: string }, deps: AuditDeps): Promise<Collected> {
  const source = await (deps.openSource ?? openSource)(req.input);
  const platformHint = req.platform ?? source.account?.platform ?? null;
  const accountArg: AccountArg | null =
    req.account === null ? null : parseAccountArg(req.account, platformHint ?? 'x');
  const gathered = await gather(withReadProgress(source, req.input, deps), { path: req.input, accountArg, sourceAccount: source.account });
  if (gathered.read + gathered.otherAuthors >= (deps.progressEvery ?? READ_PROGRESS_EVERY)) deps.progress?.(`read ${req.input}; measuring…`);
  if (gathered.read === 0 && gathered.otherAuthors === 0 && source.stats.skipped > 0) {
    // Not a window without activity: a file of which nothing could be read says nothing.
    const first = source.stats.skippedExamples[0];
    throw new InputError(
      req.input,
      `none of its ${source.stats.skipped} item(s) could be read${first === undefined ? '' : ` (first: ${first})`}; it may be damaged, or written by another tool or a newer version of one`,
    );
  }
  const cfg = accountConfig(req.config.config, gathered.account.handle ?? accountArg?.handle ?? null);
  const newest = gathered.posts.at(-1)?.ms ?? null;
  const window = resolveWindow(
    { since: req.since, until: req.until, month: req.month, timeZone: zoneFor(req, cfg) },
    // An input with no posts has no newest post: its window ends now, which says plainly that
    // there was nothing to audit.
    newest === null ? deps.now().getTime() : newest + 1,
  );
  return { source, gathered, cfg, window, label: req.input, cached: null };
}

/**
 * Resolves the window on the top-level settings and throws its usage error, if any: run before
 * auditing several accounts, a bad `--since` is one error rather than one per account.
 */
export function checkWindow(req: Pick<AuditRequest, 'since' | 'until' | 'month' | 'timeZone' | 'config'>, deps: Pick<AuditDeps, 'now'>): void {
  const cfg = accountConfig(req.config.config, null);
  const zone = req.timeZone ?? cfg.timeZone ?? 'UTC';
  if (req.timeZone === undefined && cfg.timeZone !== undefined) assertTimeZone(cfg.timeZone, 'config timeZone');
  resolveWindow({ since: req.since, until: req.until, month: req.month, timeZone: zone }, deps.now().getTime());
}

/** What a live run asks for: the account, its settings, the audit window and the span fetched. */
export interface LiveTarget {
  accountArg: AccountArg;
  cfg: AccountConfig;
  window: AuditWindow;
  /** The span of own posts fetched (epoch ms): the window, or past its end when inbound is read. */
  fetchWindow: { sinceMs: number; untilMs: number };
}

/**
 * The account and window of a live run: the window defaults to the 30 days up to now. With
 * inbound messages, answers may come after the window's end (metrics.md §9: "replies are looked
 * for in everything fetched"), so the account's own posts are read up to the give-up time past
 * the window, or now.
 */
export function liveTarget(req: AuditRequest, deps: Pick<AuditDeps, 'now'>): LiveTarget {
  if (req.account === null) throw new UsageError('name an account or give --input <path>; see social-audit --help');
  const accountArg = parseAccountArg(req.account, req.platform ?? 'x');
  const cfg = accountConfig(req.config.config, accountArg.handle);
  const window = resolveWindow(
    { since: req.since, until: req.until, month: req.month, timeZone: zoneFor(req, cfg) },
    deps.now().getTime(),
  );
  const fetchUntil =
    req.inbound === false ? window.untilMs : Math.min(deps.now().getTime(), window.untilMs + giveUpAfterMs(cfg));
  return { accountArg, cfg, window, fetchWindow: { sinceMs: window.sinceMs, untilMs: Math.max(window.untilMs, fetchUntil) } };
}

/** Live: resolve the account and window, then open the account's feed (through the cache unless --no-cache). */
async function openLiveSource(
  req: AuditRequest,
  live: LiveOptions,
  deps: AuditDeps,
): Promise<{ source: InputSource; cached: CachedSource | null; accountArg: AccountArg; cfg: AccountConfig; window: AuditWindow }> {
  const { accountArg, cfg, window, fetchWindow } = liveTarget(req, deps);
  const ctx: FetchContext = {
    http: live.http,
    apiUrl: live.apiUrl,
    window: fetchWindow,
    tokens: live.tokens,
    progress: live.progress,
    ...(live.signal ? { signal: live.signal } : {}),
  };
  const { LIVE_FETCHERS, openLive } = await import('./fetchers/live.js');
  // Through the account's cache file unless --no-cache: only what the file lacks is fetched.
  let cached: CachedSource | null = null;
  if (live.cache != null) {
    const { cachedFetch } = await import('./cache/cached-fetch.js');
    cached = await cachedFetch(LIVE_FETCHERS[accountArg.platform], accountArg, ctx, {
      dir: live.cache.dir,
      now: () => deps.now().getTime(),
    });
  }
  const source = cached ?? (await openLive(accountArg, ctx));
  source.fetchedAt ??= deps.now().toISOString();
  return { source, cached, accountArg, cfg, window };
}

async function collectLive(req: AuditRequest, live: LiveOptions, deps: AuditDeps): Promise<Collected> {
  const { source, cached, accountArg, cfg, window } = await openLiveSource(req, live, deps);
  const gathered = await gather(postsOf(source), { path: accountArg.raw, accountArg, sourceAccount: source.account });
  return { source, gathered, cfg, window, label: null, cached };
}

/**
 * The account's own posts as the inbound fetchers get them. A post served from the cache carries
 * the reply count of the run that fetched it, which may be out of date: a post that had no replies
 * then may have some now. Inbound fetchers skip posts whose count is 0 (Bluesky threads, Mastodon
 * contexts), so a cached post's count is made unknown, and the post asked about, unless it was
 * seen when the window had already ended: a reply written in the window was counted then, and a
 * later one is no message of this window (docs/cache.md).
 */
function ownPostsForInbound(posts: readonly Post[], cached: CachedSource | null, window: AuditWindow): Post[] {
  if (cached === null) return [...posts];
  const trusted = (p: Post): boolean => cached.fetchedIds.has(p.id) || (cached.seenAt.get(p.id) ?? -Infinity) >= window.untilMs;
  return posts.map((p) => (p.replyCount == null || trusted(p) ? p : { ...p, replyCount: null }));
}

/** Warnings of a cached source that come from the cache itself rather than the platform. */
const CACHE_WARNING = /^(cache file |could not write cache file )/;

/** What `social-audit fetch` saves: the posts file's text, and what to tell the user. */
export interface FetchedFile {
  text: string;
  posts: number;
  complete: boolean;
  warnings: string[];
}

/**
 * `social-audit fetch`: fetches the account's posts over the window and returns them in the
 * tool's own posts format (docs/normalized-format.md), which `--input` reads back.
 */
export async function fetchToFile(req: AuditRequest, deps: AuditDeps): Promise<FetchedFile> {
  if (!req.live) throw new UsageError('fetch reads from the platform and takes no --input');
  const { source } = await openLiveSource(req, req.live, deps);
  const posts: Post[] = [];
  for await (const post of source.posts) posts.push(post);
  // `complete` in the file means "the fetch reached the window's start"; items that could not be
  // read are a different matter, said on stderr.
  const complete = source.complete !== false;
  const warnings = [...source.warnings];
  if (source.stats.skipped > 0) {
    warnings.push(`${source.stats.skipped} item(s) the platform sent could not be read and are not in the file (first: ${source.stats.skippedExamples[0] ?? 'unknown'})`);
  }
  return {
    text: serializeNormalized(source.account, posts, { fetchedAt: source.fetchedAt ?? null, complete }),
    posts: posts.length,
    complete,
    warnings,
  };
}

/** Runs one audit, from a file or live, to a schema-valid report. Never prints. */
export async function runAudit(req: AuditRequest, deps: AuditDeps): Promise<Report> {
  return (await auditWithConfig(req, deps)).report;
}

/** A report and the outcome of its assertions (the config's `assert` and `--fail-under`). */
export interface CheckedAudit {
  report: Report;
  assertions: AssertionOutcome;
}

/**
 * Runs one audit (see `runAudit`), then checks the report, comparison included, against the
 * `assert` block in force for its account (the top level merged with its `accounts` entry) and
 * `failUnder`. Never prints.
 */
export async function runCheckedAudit(req: AuditRequest, deps: AuditDeps, failUnder?: number): Promise<CheckedAudit> {
  const { report, cfg } = await auditWithConfig(req, deps);
  return { report, assertions: evaluateAssertions(report, cfg.assert ?? {}, failUnder) };
}

/** The comparison with the saved report of the same account, or a warning why there is none. */
function comparisonFor(report: Report, compare: CompareWith): { comparison: Report['comparison'] } | { warning: string } {
  const [only] = compare.reports;
  if (compare.required && only !== undefined && compare.reports.length === 1) {
    // compareReports throws a UsageError naming both accounts when they differ.
    return { comparison: compareReports(report, only.report, only.schemaVersion) };
  }
  const match = compare.reports.filter((l) => sameAccount(report, l.report)).at(-1);
  if (match === undefined) {
    return { warning: `--compare: no report of this account in ${compare.reports[0]?.path ?? 'the file given'}; nothing to compare with` };
  }
  return { comparison: compareReports(report, match.report, match.schemaVersion) };
}

async function auditWithConfig(req: AuditRequest, deps: AuditDeps): Promise<{ report: Report; cfg: AccountConfig }> {
  let collected: Collected;
  if (req.input !== null) collected = await collectOffline({ ...req, input: req.input }, deps);
  else if (req.live) collected = await collectLive(req, req.live, deps);
  else throw new UsageError('name an account or give --input <path>; see social-audit --help');
  const { source, gathered, cfg, window } = collected;
  const account = gathered.account;
  const newest = gathered.posts.at(-1)?.ms ?? null;
  const model = scoringModel(cfg, req.config.path);
  const set = selectWindow(gathered, window, req.includePrivate);

  const warnings: Report['warnings'] = [];
  let inboundRead: InboundRead | null = null;
  if (req.inbound !== false && req.inbound !== undefined) {
    if (req.input !== null) {
      if (req.inbound.length > 0) inboundRead = await readInboundFiles(req.inbound, deps);
    } else if (req.live) {
      const own = ownPostsForInbound(gathered.posts.map((p) => p.post), collected.cached, window);
      const fetched = await fetchInbound(account, own, window, req.live);
      if ('failed' in fetched) {
        warnings.push({ code: 'inbound-failed', message: `Inbound messages could not be fetched (${fetched.failed}); the report is outbound-only` });
      } else {
        inboundRead = fetched;
      }
    }
  }
  const fetchedAtMs = source.fetchedAt ? Date.parse(source.fetchedAt) : null;
  const inbound: InboundSet | null =
    inboundRead === null
      ? null
      : selectInbound(
          inboundRead.others,
          { self: gathered.self, posts: gathered.posts.map((p) => p.post) },
          { window, fetchedAtMs, affiliates: cfg.affiliates ?? [], includePrivate: req.includePrivate },
        );
  if (inboundRead !== null) {
    for (const message of inboundRead.warnings) warnings.push({ code: 'inbound', message });
    if (!inboundRead.complete) {
      warnings.push({
        code: 'inbound-partial',
        message: 'Inbound messages are incomplete (see the warnings above): the response rate covers only the messages read',
      });
    }
  }
  if (cfg.businessHours !== undefined) assertTimeZone(cfg.businessHours.timeZone, 'config businessHours.timeZone');
  const ctx: MetricContext = {
    window,
    website: account.website,
    ownDomains: cfg.ownDomains ?? [],
    ownHashtags: cfg.ownHashtags ?? [],
    affiliates: cfg.affiliates ?? [],
    phrases: cfg.selfPromotion?.phrases ?? DEFAULT_PHRASES,
    businessHours: cfg.businessHours ?? null,
    giveUpAfterMs: giveUpAfterMs(cfg),
    inbound,
  };
  const measured = await measureAllParallel(set, ctx);
  const scored = scoreAudit(measured, model);
  const recommendations = buildRecommendations(measured, scored, model, set);

  for (const message of source.warnings) {
    warnings.push({ code: collected.cached !== null && CACHE_WARNING.test(message) ? 'cache' : 'input', message });
  }
  const complete = source.stats.skipped === 0 && source.complete !== false;
  if (source.complete === false) {
    warnings.push({
      code: 'partial-source',
      message:
        source.sourceKind === 'api'
          ? 'Fetching stopped before reaching the start of the window: older posts are missing, so the figures cover only part of it'
          : 'The input says its fetch stopped early: posts older than what it holds are missing, so the figures cover only part of the window',
    });
  }
  if (source.stats.skipped > 0) {
    warnings.push({
      code: 'partial-input',
      message: `${source.stats.skipped} item(s) in the input could not be read and were left out (first: ${source.stats.skippedExamples[0] ?? 'unknown'}); the figures cover the rest`,
    });
  }
  if (gathered.otherAuthors > 0) {
    warnings.push({
      code: 'other-authors',
      message: `${gathered.otherAuthors} item(s) by other accounts in the input were left out`,
    });
  }
  const n = set.items.length;
  if (n === 0) {
    const span =
      gathered.posts.length === 0
        ? 'the input holds no posts by this account'
        : `the input's posts run from ${iso(gathered.posts[0]?.ms)} to ${iso(newest)}`;
    warnings.push({ code: 'no-activity', message: `No items in the window; ${span}` });
  } else if (n < SMALL_SAMPLE) {
    warnings.push({
      code: 'small-sample',
      message: `Only ${n} item(s) in the window: the figures are indicative, not conclusive (${SMALL_SAMPLE} or more make a fair sample)`,
    });
  }
  const oldest = gathered.posts[0]?.ms;
  if (source.sourceKind === 'file' && oldest !== undefined && n > 0 && oldest > window.sinceMs) {
    warnings.push({
      code: 'window-not-covered',
      message: `The input's oldest post is from ${iso(oldest)}, after the window's start (${iso(window.sinceMs)}): posts before it may be missing from the data`,
    });
  }
  if (measured.counts.replyToOther > 0 && measured.responseLatency.n === 0) {
    warnings.push({
      code: 'latency-unmeasured',
      message: `None of the ${measured.counts.replyToOther} replies to other people could be timed (no target post, or the target's time is unknown): response latency is left out of the score`,
    });
  }
  if (measured.counts.replyTargetUnknown > 0) {
    warnings.push({
      code: 'reply-target-unknown',
      message: `${measured.counts.replyTargetUnknown} reply(ies) name no target author; they are counted as replies to other people`,
    });
  }

  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'social-audit', version: deps.toolVersion },
    generatedAt: deps.now().toISOString(),
    mode: inbound === null ? 'outbound-only' : 'inbound+outbound',
    account: {
      platform: account.platform,
      handle: account.handle,
      id: account.id,
      displayName: account.displayName,
      website: account.website,
    },
    source: {
      kind: source.sourceKind,
      format: source.format,
      path: collected.label,
      complete,
      itemsRead: gathered.read,
      itemsSkipped: source.stats.skipped,
      otherAuthors: gathered.otherAuthors,
      duplicates: gathered.duplicates,
      requests: source.requests?.() ?? 0,
      fetchedAt: source.fetchedAt ?? null,
      cache: cacheSummary(collected.cached?.cache ?? null),
    },
    window: { since: iso(window.sinceMs), until: iso(window.untilMs), timeZone: window.timeZone },
    counts: measured.counts,
    metrics: {
      replyRatio: { ...measured.replyRatio, score: scored.metricScores.replyRatio },
      responseLatency: { ...measured.responseLatency, score: scored.metricScores.responseLatency },
      mix: { ...measured.mix, score: scored.metricScores.mix },
      selfPromotion: { ...measured.selfPromotion, score: scored.metricScores.selfPromotion },
      responseRate:
        measured.responseRate === null ? null : { ...measured.responseRate, score: scored.metricScores.responseRate },
      coverage: measured.coverage,
      cannedReplies: measured.cannedReplies,
      peopleEngaged: measured.peopleEngaged,
    },
    inbound:
      inboundRead === null
        ? null
        : {
            sources: inboundRead.sources,
            itemsRead: inboundRead.others.length,
            complete: inboundRead.complete,
            requests: inboundRead.requests,
          },
    score: scored.score,
    scoring: model,
    recommendations,
    warnings,
  };
  if (req.compare != null && req.compare.reports.length > 0) {
    const compared = comparisonFor(report, req.compare);
    if ('warning' in compared) warnings.push({ code: 'compare-missing', message: compared.warning });
    else report.comparison = compared.comparison;
  }
  return { report: ReportSchema.parse(report), cfg };
}

/** The report's `source.cache`: what the cache did, without its file path. */
function cacheSummary(outcome: CacheOutcome | null): Report['source']['cache'] {
  if (outcome === null) return null;
  return { status: outcome.status, requestsSaved: outcome.requestsSaved, postsFromCache: outcome.postsFromCache };
}

function iso(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? 'unknown' : new Date(ms).toISOString();
}
