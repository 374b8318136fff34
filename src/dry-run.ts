import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { z } from 'zod';
import { PAGE_ITEMS, WALK_STARTS_AT_UNTIL } from './cache/cached-fetch.js';
import { planWalks, type Span } from './cache/coverage.js';
import { cacheFilePath, cacheKey, loadCache } from './cache/store.js';
import { UsageError } from './errors.js';
import { LIVE_FETCHERS } from './fetchers/live.js';
import type { FetchContext } from './fetchers/live-types.js';
import { X_TIMELINE_CAP } from './fetchers/x/api.js';
import type { GetSpec, HttpClient, JsonResponse } from './http/client.js';
import { InstantSchema, PlatformSchema, type Platform } from './model/post.js';
import { liveTarget, type AuditRequest, type LiveOptions } from './run-audit.js';
import { accountText } from './report/tracked-metrics.js';
import { sanitizeForTerminal } from './report/sanitize.js';
import { visibleWidth, wrapText } from './report/width.js';

/*
 * `--dry-run` (issue: monthly reports in CI): what a live run would fetch and, on X, cost, without
 * fetching any timeline. Each account is looked up (one request, as the run itself does: an
 * unknown account is still an error), the cache file is read, and the timeline requests are
 * estimated for the parts of the window the cache lacks.
 *
 * Method:
 * - The walks are those the run would make (`planWalks` over the cache file's covered spans, the
 *   whole fetch window without a usable file or with --no-cache). The fetch window is the audit
 *   window, extended by the give-up time past its end when inbound messages are read.
 * - Expected posts of a walk = the account's average rate (the profile's post count divided by the
 *   account's age, both from the lookup) times the time the walk pages through: its span on X and
 *   Mastodon (they start at the span's end), from its start up to now on Bluesky (its feed is read
 *   from the newest post). Rounded up. Unknown when the profile gives no count or creation time.
 * - Pages per walk: X `max(1, ceil(n / 100))` (X is asked for the span only), plus one request when
 *   the account has more than 3,200 posts (the ceiling check); Mastodon `floor(n / 40) + 1` and
 *   Bluesky `floor(n / 100) + 1` (a walk stops at the first page that reaches past its start).
 * - The upper bound assumes every post the account has (on X: the newest 3,200, all the timeline
 *   serves) falls in what is fetched: the pages of all of them in one walk, plus one per further walk.
 * - X cost = posts read × the price per post (`--x-price`, else the config's `pricing.xPerPost`,
 *   else $0.005: pay-per-use credits, 2026; reading your own account is cheaper).
 * - Timeline only: inbound fetching (X mentions, Mastodon notifications or threads, Bluesky
 *   threads) is not estimated; `--no-inbound` makes a run that fetches none.
 */

/** The default price of one X post read, in US dollars (pay-per-use credits, 2026; README). */
export const DEFAULT_X_PRICE_PER_POST = 0.005;

/** Version of the dry-run JSON; bumped when a key is renamed or removed. */
export const DRY_RUN_VERSION = 1;

const Count = z.number().int().min(0);

const EstimateSchema = z.object({
  /** Posts the walks would read; null when the profile gives no count or creation time. */
  posts: Count.nullable(),
  /** Timeline requests (the account lookup not included). */
  timelineRequests: Count.nullable(),
  /** US dollars on X; null on other platforms (free) or when unknown. */
  costUsd: z.number().min(0).nullable(),
});

export const DryRunAccountSchema = z.object({
  /** The account as named. */
  account: z.string(),
  platform: PlatformSchema,
  handle: z.string().nullable(),
  id: z.string().nullable(),
  /** The profile's post count and creation time, when the lookup gives them. */
  postsCount: Count.nullable(),
  createdAt: InstantSchema.nullable(),
  /** The span of own posts the run fetches (the window, extended past its end when inbound is read). */
  fetch: z.object({ since: InstantSchema, until: InstantSchema }),
  /** `off` with --no-cache; else what the account's cache file held. */
  cache: z.enum(['off', 'miss', 'hit', 'corrupt']),
  /** The timeline walks the run would make: the parts of the fetch span the cache lacks. */
  walks: z.array(z.object({ since: InstantSchema, until: InstantSchema })),
  estimate: EstimateSchema,
  upperBound: EstimateSchema,
});
export type DryRunAccount = z.infer<typeof DryRunAccountSchema>;

export const DryRunSchema = z.object({
  dryRunVersion: z.literal(DRY_RUN_VERSION),
  generatedAt: InstantSchema,
  /** The price per X post read used for the costs. */
  xPricePerPost: z.number().min(0),
  accounts: z.array(
    z.union([
      DryRunAccountSchema,
      z.object({ account: z.string(), error: z.object({ message: z.string(), exitCode: z.number().int() }) }),
    ]),
  ),
  /** Sums over the accounts planned; a null part makes the sum null. */
  totals: z.object({ lookups: Count, estimate: EstimateSchema, upperBound: EstimateSchema }),
});
export type DryRun = z.infer<typeof DryRunSchema>;
export type DryRunEntry = DryRun['accounts'][number];

/** What the lookup says of the account's size and age, per platform (`null` when it does not say). */
const ProfileCounts: Record<Platform, z.ZodType<{ count: number | null; createdAt: string | null }>> = {
  x: z
    .looseObject({
      data: z.looseObject({
        created_at: z.string().optional(),
        public_metrics: z.looseObject({ tweet_count: z.number().int().min(0).optional() }).optional(),
      }),
    })
    .transform((b) => ({ count: b.data.public_metrics?.tweet_count ?? null, createdAt: b.data.created_at ?? null })),
  mastodon: z
    .looseObject({ statuses_count: z.number().int().min(0).optional(), created_at: z.string().optional() })
    .transform((b) => ({ count: b.statuses_count ?? null, createdAt: b.created_at ?? null })),
  bluesky: z
    .looseObject({ postsCount: z.number().int().min(0).nullish(), createdAt: z.string().optional() })
    .transform((b) => ({ count: b.postsCount ?? null, createdAt: b.createdAt ?? null })),
};

/** `http` that keeps every response body it returns, for reading the lookup's counts. */
function recording(http: HttpClient): { http: HttpClient; bodies: unknown[] } {
  const bodies: unknown[] = [];
  const proxy = new Proxy(http, {
    get(target, prop) {
      if (prop === 'getJson') {
        return async (spec: GetSpec): Promise<JsonResponse> => {
          const res = await target.getJson(spec);
          bodies.push(res.body);
          return res;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { http: proxy, bodies };
}

/** Timeline pages of one walk over `n` posts (see the method above). */
function walkPages(platform: Platform, n: number, overCap: boolean): number {
  if (platform === 'x') return Math.max(1, Math.ceil(n / PAGE_ITEMS.x)) + (overCap ? 1 : 0);
  return Math.floor(n / PAGE_ITEMS[platform]) + 1;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Options of {@link planAccount}. */
export interface PlanOptions {
  now: () => Date;
  xPricePerPost: number;
}

/**
 * Plans one account's live run without fetching its timeline: looks it up (its errors pass
 * through: an unknown account is a UsageError), reads its cache file, and estimates the walks,
 * posts, timeline requests and X cost (see the method at the top of this file).
 */
export async function planAccount(req: AuditRequest, live: LiveOptions, opts: PlanOptions): Promise<DryRunAccount> {
  const { accountArg, fetchWindow } = liveTarget(req, opts);
  const { http, bodies } = recording(live.http);
  const ctx: FetchContext = {
    http,
    apiUrl: live.apiUrl,
    window: fetchWindow,
    tokens: live.tokens,
    progress: live.progress,
    ...(live.signal ? { signal: live.signal } : {}),
  };
  // A live fetcher looks the account up when called and pages only when its posts are read.
  const source = await LIVE_FETCHERS[accountArg.platform](accountArg, ctx);
  await source.posts.return(undefined);
  const platform = accountArg.platform;
  const counts = bodies
    .map((b) => ProfileCounts[platform].safeParse(b))
    .find((r) => r.success && (r.data.count !== null || r.data.createdAt !== null));
  const postsCount = counts?.success ? counts.data.count : null;
  const createdMs = counts?.success && counts.data.createdAt !== null ? Date.parse(counts.data.createdAt) : NaN;
  const createdAt = Number.isFinite(createdMs) ? iso(createdMs) : null;

  const want: Span = { fromMs: fetchWindow.sinceMs, untilMs: fetchWindow.untilMs };
  let cache: DryRunAccount['cache'] = 'off';
  let covered: Span[] = [];
  if (live.cache != null) {
    const key = cacheKey(accountArg, live.apiUrl);
    const loaded = await loadCache(cacheFilePath(live.cache.dir, key), key);
    cache = loaded.kind === 'ok' ? 'hit' : loaded.kind === 'missing' ? 'miss' : 'corrupt';
    if (loaded.kind === 'ok') covered = loaded.state.covered;
  }
  const walks = planWalks(covered, want, WALK_STARTS_AT_UNTIL[platform]);

  const nowMs = opts.now().getTime();
  const price = platform === 'x' ? opts.xPricePerPost : null;
  const overCap = platform === 'x' && postsCount !== null && postsCount > X_TIMELINE_CAP;
  const available = postsCount === null ? null : platform === 'x' ? Math.min(postsCount, X_TIMELINE_CAP) : postsCount;
  // Posts per ms over the account's life (at least a day old, so a new account is not infinite).
  const rate = postsCount !== null && createdAt !== null ? postsCount / Math.max(86_400_000, nowMs - createdMs) : null;

  let estimate: DryRunAccount['estimate'] = { posts: null, timelineRequests: null, costUsd: null };
  if (rate !== null && available !== null) {
    let posts = 0;
    let requests = 0;
    for (const walk of walks) {
      const until = WALK_STARTS_AT_UNTIL[platform] ? walk.untilMs : Math.max(walk.untilMs, nowMs);
      const n = Math.min(available, Math.ceil(rate * Math.max(0, until - walk.fromMs)));
      posts += n;
      requests += walkPages(platform, n, overCap);
    }
    posts = Math.min(posts, available);
    estimate = { posts, timelineRequests: requests, costUsd: price === null ? null : roundCents(posts * price) };
  }
  let upperBound: DryRunAccount['upperBound'] = { posts: null, timelineRequests: null, costUsd: null };
  if (available !== null) {
    const posts = walks.length === 0 ? 0 : available;
    const requests =
      walks.length === 0 ? 0 : walkPages(platform, posts, overCap) + (walks.length - 1) * walkPages(platform, 0, overCap);
    upperBound = { posts, timelineRequests: requests, costUsd: price === null ? null : roundCents(posts * price) };
  } else if (walks.length === 0) {
    upperBound = { posts: 0, timelineRequests: 0, costUsd: price === null ? null : 0 };
    estimate = upperBound;
  }

  const account = source.account;
  return {
    account: req.account ?? accountArg.raw,
    platform,
    handle: account?.handle ?? accountArg.handle,
    id: account?.id ?? null,
    postsCount,
    createdAt,
    fetch: { since: iso(fetchWindow.sinceMs), until: iso(fetchWindow.untilMs) },
    cache,
    walks: walks.map((w) => ({ since: iso(w.fromMs), until: iso(w.untilMs) })),
    estimate,
    upperBound,
  };
}

/** Dollars to a tenth of a cent, without floating-point noise. */
function roundCents(usd: number): number {
  return Math.round(usd * 1000) / 1000;
}

const sum = (values: ReadonlyArray<number | null>): number | null =>
  values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0);

/** The dry run's document: each account's plan or failure, and the totals. */
export function dryRunDocument(entries: readonly DryRunEntry[], opts: { generatedAt: string; xPricePerPost: number; lookups: number }): DryRun {
  const planned = entries.filter((e): e is DryRunAccount => !('error' in e));
  const total = (pick: (a: DryRunAccount) => z.infer<typeof EstimateSchema>): z.infer<typeof EstimateSchema> => {
    const costs = planned.map(pick).map((e, i) => (planned[i]?.platform === 'x' ? e.costUsd : 0));
    const cost = sum(costs);
    return {
      posts: sum(planned.map((a) => pick(a).posts)),
      timelineRequests: sum(planned.map((a) => pick(a).timelineRequests)),
      costUsd: planned.some((a) => a.platform === 'x') && cost !== null ? roundCents(cost) : null,
    };
  };
  return DryRunSchema.parse({
    dryRunVersion: DRY_RUN_VERSION,
    generatedAt: opts.generatedAt,
    xPricePerPost: opts.xPricePerPost,
    accounts: entries,
    totals: { lookups: opts.lookups, estimate: total((a) => a.estimate), upperBound: total((a) => a.upperBound) },
  });
}

/** The dry run as JSON (DryRunSchema), two-space indented, ending with a newline. */
export function dryRunJson(doc: DryRun): string {
  return `${JSON.stringify(DryRunSchema.parse(doc), null, 2)}\n`;
}

const HEADS = ['Account', 'Posts', 'Cache', 'Walks', 'To read', 'Requests', 'X cost'];

const money = (usd: number | null): string => (usd === null ? '–' : `$${usd.toFixed(usd < 10 ? 3 : 2)}`);
const num = (n: number | null): string => (n === null ? '?' : n.toLocaleString('en-US'));
const pair = (estimate: number | null, upper: number | null, show: (n: number | null) => string): string =>
  estimate === upper ? show(estimate) : `${show(estimate)} (≤ ${show(upper)})`;

/**
 * The dry run for a terminal: a heading, one row per account (its profile's post count, what the
 * cache holds, walks, posts, timeline requests and X cost, each estimate with its upper bound),
 * failed accounts with their message, totals and a note on the method. Ends with a newline.
 */
export function renderDryRunTerminal(doc: DryRun, opts: { color: ChalkInstance; width?: number }): string {
  const c = opts.color;
  const width = Math.max(60, Math.floor(opts.width ?? 80));
  const lines = [c.bold('Dry run: nothing but account lookups was fetched')];
  const table = new Table({
    head: HEADS.map((h) => c.bold(h)),
    colAligns: ['left', 'right', 'left', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
  });
  const failed: Array<{ name: string; text: string }> = [];
  const rows: Array<string[] | null> = [];
  for (const entry of doc.accounts) {
    if ('error' in entry) {
      failed.push({ name: sanitizeForTerminal(entry.account), text: `failed (exit ${entry.error.exitCode}): ${sanitizeForTerminal(entry.error.message)}` });
      rows.push(null);
      continue;
    }
    rows.push([
      accountText({ platform: entry.platform, handle: entry.handle, id: entry.id }),
      num(entry.postsCount),
      entry.cache,
      String(entry.walks.length),
      pair(entry.estimate.posts, entry.upperBound.posts, num),
      // The lookup is one more request per account.
      pair(entry.estimate.timelineRequests, entry.upperBound.timelineRequests, num),
      entry.platform === 'x' ? pair(entry.estimate.costUsd, entry.upperBound.costUsd, money) : 'free',
    ]);
  }
  // A failed account's row spans the other columns with its message, wrapped to their width.
  const widths = [0, 1, 2, 3, 4, 5, 6].map((i) => Math.max(...rows.map((r) => visibleWidth(r?.[i] ?? '')), HEADS[i]?.length ?? 0));
  const nameWidth = Math.max(widths[0] ?? 0, ...failed.map((f) => visibleWidth(f.name)));
  const spanned = Math.max(20, Math.min(widths.slice(1).reduce((a, w) => a + w + 3, -3), width - nameWidth - 7));
  let f = 0;
  for (const row of rows) {
    if (row !== null) {
      table.push(row);
      continue;
    }
    const { name, text } = failed[f++] ?? { name: '', text: '' };
    table.push([name, { colSpan: 6, hAlign: 'left', content: wrapText(text, spanned).map((l) => c.red(l)).join('\n') }]);
  }
  lines.push(...table.toString().split('\n'));
  const t = doc.totals;
  lines.push(
    `Total: ${t.lookups} lookup(s) made; ${pair(t.estimate.timelineRequests, t.upperBound.timelineRequests, num)} timeline request(s)` +
      (t.upperBound.costUsd !== null || t.estimate.costUsd !== null
        ? `, X ${pair(t.estimate.costUsd, t.upperBound.costUsd, money)} at ${money(doc.xPricePerPost)} per post`
        : ''),
  );
  const note =
    'Estimates use the account\'s average posting rate (profile post count ÷ account age) over what the cache lacks; ' +
    '"≤" is the upper bound (every post the timeline serves). Inbound messages are not included.';
  lines.push(...wrapText(note, width).map((l) => c.dim(l)));
  return `${lines.join('\n')}\n`;
}

/** A dry run reads from the platform only: refuse what it cannot do, in one line. */
export function assertDryRunnable(input: string | undefined): void {
  if (input !== undefined) throw new UsageError('--dry-run estimates a live fetch and takes no --input; drop one of them');
}
