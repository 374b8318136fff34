import { parseAccountArg, type AccountArg } from './account.js';
import { gather, selectWindow, type Gathered } from './collect.js';
import { accountConfig, scoringModel, type LoadedConfig } from './config-load.js';
import { durationSeconds, type AccountConfig } from './config.js';
import { InterruptedError, PlatformError, UsageError } from './errors.js';
import { openSource } from './fetchers/detect.js';
import { INBOUND_FETCHERS, openLive } from './fetchers/live.js';
import type { FetchContext } from './fetchers/live-types.js';
import type { InputSource } from './fetchers/types.js';
import type { HttpClient } from './http/client.js';
import { measureAll } from './metrics/index.js';
import { DEFAULT_PHRASES } from './metrics/self-promotion.js';
import { selectInbound } from './inbound.js';
import type { InboundSet, MetricContext } from './metrics/types.js';
import type { AccountInfo, Platform, Post } from './model/post.js';
import { serializeNormalized } from './fetchers/normalized.js';
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
}

export interface AuditDeps {
  /** The clock, for `generatedAt` (tests pass a fixed one). */
  now: () => Date;
  toolVersion: string;
  /** Opens an input (tests may substitute). */
  openSource?: (path: string) => Promise<InputSource>;
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
  const gathered = await gather(source.posts, { path: req.input, accountArg, sourceAccount: source.account });
  const cfg = accountConfig(req.config.config, gathered.account.handle ?? accountArg?.handle ?? null);
  const newest = gathered.posts.at(-1)?.ms ?? null;
  const window = resolveWindow(
    { since: req.since, until: req.until, month: req.month, timeZone: zoneFor(req, cfg) },
    // An input with no posts has no newest post: its window ends now, which says plainly that
    // there was nothing to audit.
    newest === null ? deps.now().getTime() : newest + 1,
  );
  return { source, gathered, cfg, window, label: req.input };
}

/** Live: resolve the window first (it defaults to the 30 days up to now), then open the account's feed. */
async function openLiveSource(
  req: AuditRequest,
  live: LiveOptions,
  deps: AuditDeps,
): Promise<{ source: InputSource; accountArg: AccountArg; cfg: AccountConfig; window: AuditWindow }> {
  if (req.account === null) throw new UsageError('name an account or give --input <path>; see social-audit --help');
  const accountArg = parseAccountArg(req.account, req.platform ?? 'x');
  const cfg = accountConfig(req.config.config, accountArg.handle);
  const window = resolveWindow(
    { since: req.since, until: req.until, month: req.month, timeZone: zoneFor(req, cfg) },
    deps.now().getTime(),
  );
  // With inbound messages, answers may come after the window's end (metrics.md §9: "replies are
  // looked for in everything fetched"), so the account's own posts are read up to the give-up
  // time past the window, or now.
  const fetchUntil =
    req.inbound === false ? window.untilMs : Math.min(deps.now().getTime(), window.untilMs + giveUpAfterMs(cfg));
  const source = await openLive(accountArg, {
    http: live.http,
    apiUrl: live.apiUrl,
    window: { sinceMs: window.sinceMs, untilMs: Math.max(window.untilMs, fetchUntil) },
    tokens: live.tokens,
    progress: live.progress,
    ...(live.signal ? { signal: live.signal } : {}),
  });
  source.fetchedAt ??= deps.now().toISOString();
  return { source, accountArg, cfg, window };
}

async function collectLive(req: AuditRequest, live: LiveOptions, deps: AuditDeps): Promise<Collected> {
  const { source, accountArg, cfg, window } = await openLiveSource(req, live, deps);
  const gathered = await gather(source.posts, { path: accountArg.raw, accountArg, sourceAccount: source.account });
  return { source, gathered, cfg, window, label: null };
}

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
      const fetched = await fetchInbound(account, gathered.posts.map((p) => p.post), window, req.live);
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
  const measured = measureAll(set, ctx);
  const scored = scoreAudit(measured, model);
  const recommendations = buildRecommendations(measured, scored, model, set);

  for (const message of source.warnings) warnings.push({ code: 'input', message });
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
  return ReportSchema.parse(report);
}

function iso(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? 'unknown' : new Date(ms).toISOString();
}
