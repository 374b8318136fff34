import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DryRunSchema } from '../../src/dry-run.js';
import { TrendSchema } from '../../src/report/trend.js';
import { MultiReportSchema, ReportSchema, type MultiReport, type Report } from '../../src/schema/report.js';
import {
  BSKY_DID,
  BSKY_FEED_PATH,
  BSKY_HANDLE,
  BSKY_PROFILE_PATH,
  HOUR,
  MASTODON_LOOKUP_PATH,
  MASTODON_TIMELINE_PATH,
  bskyFeedRoute,
  bskyItems,
  bskyProfile,
  mastodonAccount,
  mastodonStatuses,
  mastodonTimelineRoute,
} from '../cache/servers.js';
import { ROOT, runCli, runCliAsync, type CliResult } from '../helpers/cli.js';
import { blueskyAndMastodon } from '../helpers/live.js';
import { startServer, type Reply, type SeenRequest, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/zip.js';

/**
 * Monthly reports in CI, end to end on the built CLI (the issue "incremental cache,
 * month-over-month trends, Markdown, assertions, many accounts"): the fetch cache of live runs,
 * --compare, `trend`, config assertions, several accounts at once and --dry-run, against one local
 * server that speaks X, Mastodon and Bluesky (their paths do not overlap) and on the bundled sample.
 */

const TOKEN = 'TEST-TOKEN-monthly-never-print-4b8e';
const SAMPLE = join(ROOT, 'fixtures/sample/cascadia-roads-archive.zip');
const X_ARCHIVE = join(ROOT, 'fixtures/x/archive');
const OCTOBER = ['--month', '2026-10', '--tz', 'America/Vancouver'];

const X_ID = '289134506';
const X_LOOKUP_PATH = '/2/users/by/username/RoadInfoBC';
const X_TIMELINE_PATH = `/2/users/${X_ID}/tweets`;
const MASTODON = '@RoadInfoBC@mstdn.bc.example';
const X = '@RoadInfoBC';
/** Timeline paths, per platform, for counting requests. */
const TIMELINE = { x: X_TIMELINE_PATH, mastodon: MASTODON_TIMELINE_PATH, bluesky: BSKY_FEED_PATH } as const;

// One post every 3 hours for 50 days, the newest 2 hours ago: a live audit's default window (the
// 30 days up to now) holds 240 of them: X 3 pages of 100, Mastodon 7 of 40, Bluesky 3 of 100.
const NOW = Date.now();
const NEWEST = NOW - 2 * HOUR;
const STEP = 3 * HOUR;
const COUNT = 400;
const X_EPOCH = 1288834974657n;

/** An X v2 post by the account at `ms`, its id a snowflake of that time. */
function xTweet(n: number, ms: number): Record<string, unknown> {
  const id = ((BigInt(ms) - X_EPOCH) << 22n) + BigInt(n % 4096);
  return {
    id: id.toString(),
    text: `Road update ${n}`,
    edit_history_tweet_ids: [id.toString()],
    author_id: X_ID,
    created_at: new Date(ms).toISOString(),
    conversation_id: id.toString(),
    public_metrics: { retweet_count: 0, reply_count: 0, like_count: 1, quote_count: 0 },
  };
}

const tweets = Array.from({ length: COUNT }, (_, i) => xTweet(i, NEWEST - i * STEP));
type Item = Record<string, unknown> & { post: Record<string, unknown> };
const withoutReplies = (items: Record<string, unknown>[]): Item[] =>
  items.map((item) => ({ ...item, post: { ...(item.post as Record<string, unknown>), replyCount: 0 } }));
const feed = withoutReplies(bskyItems(COUNT, NEWEST, STEP));
const statuses = mastodonStatuses(COUNT, NEWEST, STEP).map((s) => ({ ...s, replies_count: 0 }));

/** `GET /2/users/:id/tweets`: `start_time` / `end_time` honoured, 100 a page, the offset as `pagination_token`. */
function xTimeline(req: SeenRequest): Reply {
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    return { status: 401, json: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
  }
  const start = req.query.get('start_time');
  const end = req.query.get('end_time');
  const inSpan = tweets.filter((t) => {
    const ms = Date.parse(t.created_at as string);
    return (start === null || ms >= Date.parse(start)) && (end === null || ms < Date.parse(end));
  });
  const offset = Number(req.query.get('pagination_token') ?? '0');
  const size = Number(req.query.get('max_results') ?? '10');
  const page = inSpan.slice(offset, offset + size);
  const more = offset + size < inSpan.length;
  return {
    json: {
      ...(page.length > 0 ? { data: page } : {}),
      meta: { result_count: page.length, ...(more ? { next_token: String(offset + size) } : {}) },
    },
  };
}

const xUser = {
  data: {
    id: X_ID,
    username: 'RoadInfoBC',
    name: 'RoadInfo BC',
    created_at: new Date(NOW - 1000 * 86_400_000).toISOString(),
    public_metrics: { tweet_count: 3000 },
  },
};

/** Lookups in flight at once, and the most seen (for --concurrency). */
const inFlight = { now: 0, max: 0 };
let lookupDelayMs = 0;

/** A lookup answer, delayed by `lookupDelayMs` and counted while in flight. */
function lookup(reply: Reply): Reply {
  if (lookupDelayMs === 0) return reply;
  return {
    action: 'custom',
    handle: (_req, res) => {
      inFlight.now += 1;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      setTimeout(() => {
        inFlight.now -= 1;
        const r = reply as { status?: number; json?: unknown };
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(r.json));
      }, lookupDelayMs);
    },
  };
}

let server: TestServer;
const tmp = tempDir('social-audit-monthly-');

beforeAll(async () => {
  const others = blueskyAndMastodon({
    profile: { ...bskyProfile(undefined, undefined, COUNT), createdAt: new Date(NOW - 50 * 86_400_000).toISOString() },
    account: { ...mastodonAccount(), statuses_count: COUNT, created_at: new Date(NOW - 400 * 86_400_000).toISOString() },
    feed: () => feed,
    statuses: () => statuses,
    lookup,
  });
  server = await startServer((req, base) => {
    switch (req.path) {
      case X_LOOKUP_PATH:
        return lookup({ json: xUser });
      case X_TIMELINE_PATH:
        return xTimeline(req);
      default:
        return others(req, base);
    }
  });
});

afterAll(async () => {
  await server?.close();
  tmp.cleanup();
});

const ENV = { X_BEARER_TOKEN: TOKEN };
/** Live options every run here shares: the local server, outbound only (no inbound requests to count). */
const live = (): string[] => ['--api-url', server.url, '--no-inbound'];

/** Runs the CLI and counts the timeline requests it made, per platform. */
async function run(args: string[], env: Record<string, string> = ENV): Promise<CliResult & { timeline: Record<keyof typeof TIMELINE, number>; requests: SeenRequest[] }> {
  const since = server.mark();
  const r = await runCliAsync(args, { env });
  const requests = since();
  const count = (path: string): number => requests.filter((q) => q.path === path).length;
  return { ...r, requests, timeline: { x: count(TIMELINE.x), mastodon: count(TIMELINE.mastodon), bluesky: count(TIMELINE.bluesky) } };
}

function report(r: CliResult): Report {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return ReportSchema.parse(JSON.parse(r.stdout));
}

/** A non-zero exit prints exactly one line on stderr, prefixed, without a stack trace. */
function oneLine(r: CliResult): string {
  const lines = r.stderr.split('\n');
  expect(lines, `stderr: ${r.stderr}`).toHaveLength(2);
  expect(lines[0]).toMatch(/^social-audit: \S/);
  return lines[0] ?? '';
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const validateMulti = (() => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema/multi-report.schema.json'), 'utf8')) as object;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
  return new Ajv2020({ allErrors: true, strict: true, formats: { 'date-time': iso } }).compile(schema);
})();

describe('the fetch cache of live runs', () => {
  const accounts = [
    ['x', X],
    ['mastodon', MASTODON],
    ['bluesky', BSKY_HANDLE],
  ] as const;

  it.each(accounts)('%s: the second run against an unchanged server makes at most 2 timeline requests; the figures are the same', async (platform, account) => {
    const cacheDir = join(tmp.dir, `cache-${platform}`);
    const first = await run([account, ...live(), '--cache-dir', cacheDir, '--json']);
    const a = report(first);
    expect(a.source.cache).toEqual({ status: 'miss', requestsSaved: 0, postsFromCache: 0 });
    expect(a.counts.items).toBe(240);
    expect(first.timeline[platform]).toBeGreaterThanOrEqual(3);

    const second = await run([account, ...live(), '--cache-dir', cacheDir, '--json']);
    const b = report(second);
    expect(second.timeline[platform]).toBeGreaterThanOrEqual(1);
    expect(second.timeline[platform]).toBeLessThanOrEqual(2);
    expect(b.source.cache?.status).toBe('hit');
    expect(b.source.cache?.postsFromCache).toBeGreaterThan(0);
    expect(b.source.cache?.requestsSaved).toBeGreaterThan(0);
    // the lookup, then the timeline requests
    expect(b.source.requests).toBe(1 + second.timeline[platform]);
    expect(b.counts).toEqual(a.counts);
    expect(b.metrics).toEqual(a.metrics);
    expect(b.score).toEqual(a.score);
    // the report names no cache file
    expect(JSON.stringify(b.source.cache)).not.toContain(cacheDir);
  });

  it('--no-cache fetches everything and neither reads nor writes the cache; the report says null', async () => {
    const cacheDir = join(tmp.dir, 'cache-no-cache');
    const warm = await run([X, ...live(), '--cache-dir', cacheDir, '--json']);
    const full = warm.timeline.x;
    const before = filesUnder(cacheDir).map((f) => [f, readFileSync(f, 'utf8')]);
    const r = await run([X, ...live(), '--no-cache', '--json']);
    const rep = report(r);
    expect(rep.source.cache).toBeNull();
    expect(r.timeline.x).toBe(full);
    expect(filesUnder(cacheDir).map((f) => [f, readFileSync(f, 'utf8')])).toEqual(before);
    // --no-cache with --cache-dir is a contradiction, said in one line
    const both = await run([X, ...live(), '--no-cache', '--cache-dir', cacheDir]);
    expect(both.code).toBe(2);
    expect(oneLine(both)).toContain('--cache-dir and --no-cache disagree');
  });

  it('the default cache folder is $XDG_CACHE_HOME/social-audit, one file per platform and account', async () => {
    const xdg = join(tmp.dir, 'xdg');
    const r = await run([BSKY_HANDLE, ...live(), '--json'], { XDG_CACHE_HOME: xdg });
    report(r);
    const files = filesUnder(join(xdg, 'social-audit'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/[/\\]social-audit[/\\]bluesky[/\\][0-9a-f]{64}\.json$/);
  });

  it('a corrupted cache file: a warning in the report, the file replaced, everything fetched again', async () => {
    const cacheDir = join(tmp.dir, 'cache-corrupt');
    const first = await run([MASTODON, ...live(), '--cache-dir', cacheDir, '--json']);
    const full = first.timeline.mastodon;
    const [file] = filesUnder(cacheDir);
    expect(file).toBeDefined();
    writeFileSync(file as string, '{"format":"social-audit/posts","version":1,"posts":[{"id":');
    const r = await run([MASTODON, ...live(), '--cache-dir', cacheDir, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const rep = ReportSchema.parse(JSON.parse(r.stdout));
    expect(rep.source.cache).toMatchObject({ status: 'corrupt', postsFromCache: 0 });
    expect(rep.warnings).toContainEqual({ code: 'cache', message: expect.stringMatching(/^cache file .* was corrupt \(.*\); fetched again$/) });
    expect(r.timeline.mastodon).toBe(full);
    expect(rep.counts.items).toBe(240);
    // the file was written again, whole: a third run uses it
    const third = await run([MASTODON, ...live(), '--cache-dir', cacheDir, '--json']);
    expect(report(third).source.cache?.status).toBe('hit');
    expect(third.timeline.mastodon).toBeLessThanOrEqual(2);
  });

  it('the cache never holds the token, nor does any output', async () => {
    const cacheDir = join(tmp.dir, 'cache-token');
    const r1 = await run([X, ...live(), '--cache-dir', cacheDir, '--json']);
    const r2 = await run([X, ...live(), '--cache-dir', cacheDir]);
    const files = filesUnder(cacheDir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toContain(TOKEN);
    for (const r of [r1, r2]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
    // and the cache is private to the user
    if (process.platform !== 'win32') for (const f of files) expect(statSync(f).mode & 0o077).toBe(0);
  });

  it('offline audits do not use the cache: source.cache is null', () => {
    const r = runCli(['--input', SAMPLE, ...OCTOBER, '--json']);
    expect(report(r).source.cache).toBeNull();
  });

  it('fetch goes through the cache too', async () => {
    const cacheDir = join(tmp.dir, 'cache-fetch');
    const out = join(tmp.dir, 'fetched.json');
    const first = await run(['fetch', BSKY_HANDLE, '--api-url', server.url, '--cache-dir', cacheDir, '--output', out]);
    expect(first.code, first.stderr).toBe(0);
    const second = await run(['fetch', BSKY_HANDLE, '--api-url', server.url, '--cache-dir', cacheDir, '--output', out]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.timeline.bluesky).toBeLessThanOrEqual(2);
    expect(first.timeline.bluesky).toBeGreaterThan(second.timeline.bluesky);
    expect(second.stderr).toMatch(/saved 240 posts of roadinfobc\.example/);
  });
});

describe('the cache and inbound messages: reply counts of cached posts are not trusted', () => {
  it('Bluesky: a post served from the cache whose replies came after it was cached still has its thread read', async () => {
    // Its own server: the timeline changes between the runs.
    const items = withoutReplies(bskyItems(150, NEWEST, STEP));
    const target = items[120]?.post as unknown as { uri: string; cid: string; record: { createdAt: string } };
    const replyMs = Date.parse(target.record.createdAt) + 20 * 60_000;
    const reply = {
      uri: 'at://did:plc:someoneelse00000000000000/app.bsky.feed.post/3mtzzzzzzzzzz',
      cid: 'bafyreireplyreplyreplyreplyreply',
      author: { did: 'did:plc:someoneelse00000000000000', handle: 'kat.okanagan.example' },
      record: {
        $type: 'app.bsky.feed.post',
        text: 'Is the road open?',
        createdAt: new Date(replyMs).toISOString(),
        reply: { parent: { uri: target.uri, cid: target.cid }, root: { uri: target.uri, cid: target.cid } },
      },
      indexedAt: new Date(replyMs).toISOString(),
    };
    let replied = false;
    const threads: string[] = [];
    const feedRoute = bskyFeedRoute(() => items);
    const s = await startServer({
      [BSKY_PROFILE_PATH]: () => ({ json: bskyProfile(BSKY_DID, BSKY_HANDLE, 150) }),
      [BSKY_FEED_PATH]: (req, base) => feedRoute(req, base),
      '/xrpc/app.bsky.feed.getPostThread': (req) => {
        const uri = req.query.get('uri') ?? '';
        threads.push(uri);
        const own = items.find((i) => i.post.uri === uri)?.post;
        const replies = replied && uri === target.uri ? [{ $type: 'app.bsky.feed.defs#threadViewPost', post: reply, replies: [] }] : [];
        return { json: { thread: { $type: 'app.bsky.feed.defs#threadViewPost', post: own, replies } } };
      },
    });
    try {
      const cacheDir = join(tmp.dir, 'cache-inbound');
      const args = [BSKY_HANDLE, '--api-url', s.url, '--cache-dir', cacheDir, '--json'];
      const first = await runCliAsync(args);
      expect(first.code, first.stderr).toBe(0);
      const a = ReportSchema.parse(JSON.parse(first.stdout));
      expect(a.source.cache?.status).toBe('miss');
      // every count was 0: no thread was read
      expect(threads).toEqual([]);
      expect(a.metrics.responseRate?.inbound ?? 0).toBe(0);

      // Someone replies to an older post; the platform now counts 1 reply under it.
      replied = true;
      (items[120] as Item).post = { ...target, replyCount: 1 };
      const second = await runCliAsync(args);
      expect(second.code, second.stderr).toBe(0);
      const b = ReportSchema.parse(JSON.parse(second.stdout));
      expect(b.source.cache?.status).toBe('hit');
      // the post came from the cache with its old count of 0, and its thread was read all the same
      expect(b.source.cache?.postsFromCache).toBeGreaterThan(0);
      expect(threads).toContain(target.uri);
      expect(b.metrics.responseRate).toMatchObject({ inbound: 1, answered: 0 });
    } finally {
      await s.close();
    }
  });
});

describe('the cache and inbound messages: counts seen after the window ended are trusted', () => {
  it('Mastodon, a past window: the second run asks only about the post whose count was above 0', async () => {
    // 150 statuses, one every 3 hours; the window is a past stretch (it ended a day before the
    // newest status), so both runs happen after it ended. Every count is 0 but one, in the
    // window. Run 1 fetches the window's timeline and asks for that status's context (its count is
    // 1). Run 2 serves the window from the cache (the walk starts at the window's end, which the
    // cache holds): the counts were seen after the window ended, when every reply written in it
    // was counted, so the 0s are trusted and only that context is asked for again. (For a window
    // that has not ended, cached counts are not trusted: the test above.)
    const statuses = mastodonStatuses(150, NEWEST, STEP).map((st) => ({ ...st, replies_count: 0 }));
    const answered = statuses[40] as Record<string, unknown>;
    answered.replies_count = 1;
    const contexts: string[] = [];
    const timeline = mastodonTimelineRoute(() => statuses);
    const s = await startServer((req, base) => {
      if (req.path === MASTODON_LOOKUP_PATH) return { json: mastodonAccount() };
      if (req.path === MASTODON_TIMELINE_PATH) return timeline(req, base);
      if (/^\/api\/v1\/statuses\/\d+\/context$/.test(req.path)) {
        contexts.push(req.path);
        return { json: { ancestors: [], descendants: [] } };
      }
      return undefined;
    });
    try {
      const since = new Date(NEWEST - 10 * 24 * HOUR).toISOString();
      const until = new Date(NEWEST - 24 * HOUR).toISOString();
      const args = [MASTODON, '--api-url', s.url, '--cache-dir', join(tmp.dir, 'cache-seen'), '--since', since, '--until', until, '--json'];
      const first = await runCliAsync(args);
      expect(first.code, first.stderr).toBe(0);
      const contextOf = `/api/v1/statuses/${answered.id as string}/context`;
      expect(contexts).toEqual([contextOf]);
      contexts.length = 0;
      const second = await runCliAsync(args);
      expect(second.code, second.stderr).toBe(0);
      const b = ReportSchema.parse(JSON.parse(second.stdout));
      expect(b.source.cache?.status).toBe('hit');
      // 72 statuses in the window; the walk fetched again only the page that overlaps the cache.
      expect(b.counts.items).toBe(72);
      expect(b.source.cache?.postsFromCache).toBeGreaterThan(30);
      expect(contexts).toEqual([contextOf]);
    } finally {
      await s.close();
    }
  });
});

describe('--compare <previous.json>', () => {
  let previous: string;
  // `--until` with a date includes that whole day: the first half of October, then the second.
  const FIRST = ['--since', '2026-10-01', '--until', '2026-10-14', '--tz', 'America/Vancouver'];
  const SECOND = ['--since', '2026-10-15', '--until', '2026-10-31', '--tz', 'America/Vancouver'];

  beforeAll(() => {
    previous = join(tmp.dir, 'first-half.json');
    const r = runCli(['--input', SAMPLE, ...FIRST, '--json', '--output', previous]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('JSON: the report carries comparison, each change since the previous report; without --compare it has none', () => {
    const prev = ReportSchema.parse(JSON.parse(readFileSync(previous, 'utf8')));
    expect(prev).not.toHaveProperty('comparison');
    const rep = report(runCli(['--input', SAMPLE, ...SECOND, '--compare', previous, '--json']));
    expect(rep.comparison?.previous.window).toEqual(prev.window);
    expect(rep.comparison?.score).toMatchObject({ previous: prev.score.value, current: rep.score.value });
    expect(rep.comparison?.score.delta).toBe((rep.score.value ?? 0) - (prev.score.value ?? 0));
    expect(rep.comparison?.metrics.replyRatio.value.previous).toBe(prev.metrics.replyRatio.value);
  });

  it('the scorecard and the Markdown show the change', () => {
    const t = runCli(['--input', SAMPLE, ...SECOND, '--compare', previous]);
    expect(t.code).toBe(0);
    expect(t.stderr).toBe('');
    expect(t.stdout).toMatch(/^Compared with the report for 2026-10-01 → 2026-10-14 \(generated /m);
    expect(t.stdout).toMatch(/^ {2}Score +\d+ → \d+/m);
    const md = runCli(['--input', SAMPLE, ...SECOND, '--compare', previous, '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('### Change since the previous report');
    expect(md.stdout).toMatch(/^\| Score \| \d+ \| \d+ \|/m);
    // the comparison comes before the footer, which stays last
    expect(md.stdout.indexOf('### Change since')).toBeLessThan(md.stdout.indexOf('<sub>social-audit'));
    expect(md.stdout.trimEnd().split('\n').at(-1)).toMatch(/^<sub>social-audit /);
  });

  it('a previous report that cannot be used: exit 2, one line naming the file, nothing on stdout', () => {
    const notJson = tmp.file('not-json.json', '{"schemaVersion": "1.0.0", "tool": ');
    const notReport = tmp.file('not-report.json', JSON.stringify({ hello: 'world' }));
    const damaged = tmp.file('damaged.json', JSON.stringify({ ...JSON.parse(readFileSync(previous, 'utf8')), score: 'high' }));
    const other = join(tmp.dir, 'other-account.json');
    expect(runCli(['--input', X_ARCHIVE, '--json', '--output', other]).code).toBe(0);
    for (const [file, pattern] of [
      [join(tmp.dir, 'missing.json'), /missing\.json: no such file/],
      [notJson, /not-json\.json: not JSON/],
      [notReport, /not-report\.json: not a social-audit report/],
      [damaged, /damaged\.json: schemaVersion 1\.0\.0 report is damaged: score/],
      [other, /--compare: the previous report is of X @RoadInfoBC, this one of X @CascadiaRoads/],
    ] as const) {
      const r = runCli(['--input', SAMPLE, ...SECOND, '--compare', file]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(oneLine(r)).toMatch(pattern);
    }
  });

  it('an assertion on a comparison path: exit 1 when the score fell more than allowed', () => {
    const rep = report(runCli(['--input', SAMPLE, ...SECOND, '--compare', previous, '--json']));
    const delta = rep.comparison?.score.delta ?? 0;
    const config = tmp.file('compare-assert.json', JSON.stringify({ assert: { 'comparison.score.delta': { min: delta + 1 } } }));
    const r = runCli(['--input', SAMPLE, ...SECOND, '--compare', previous, '--config', config, '--json']);
    expect(r.code).toBe(1);
    expect(ReportSchema.parse(JSON.parse(r.stdout)).comparison?.score.delta).toBe(delta);
    expect(oneLine(r)).toBe(`social-audit: assertion failed: comparison.score.delta ${delta} is below the minimum ${delta + 1}`);
    // without --compare the path is not in the report: said, never a crash
    const none = runCli(['--input', SAMPLE, ...SECOND, '--config', config, '--json']);
    expect(none.code).toBe(1);
    expect(oneLine(none)).toMatch(/^social-audit: assertion failed: comparison\.score\.delta is not a path in the report/);
  });
});

describe('social-audit trend <report.json...>', () => {
  const files: string[] = [];
  const WINDOWS = [
    ['2026-10-01', '2026-10-10'],
    ['2026-10-11', '2026-10-20'],
    ['2026-10-21', '2026-10-31'],
  ];

  beforeAll(() => {
    for (const [since, until] of WINDOWS) {
      const file = join(tmp.dir, `trend-${since}.json`);
      const r = runCli(['--input', SAMPLE, '--since', since as string, '--until', until as string, '--tz', 'America/Vancouver', '--json', '--output', file]);
      expect(r.code, r.stderr).toBe(0);
      files.push(file);
    }
  });

  it('terminal (the default): a row per report, oldest first, and a sparkline per figure', () => {
    const r = runCli(['trend', ...files.toReversed()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Trend: X @CascadiaRoads · 3 reports · 2026-10-01 → 2026-10-21$/m);
    const rows = r.stdout.split('\n').filter((l) => /^│ 2026-10-\d\d /.test(l));
    expect(rows.map((l) => l.slice(2, 12))).toEqual(['2026-10-01', '2026-10-11', '2026-10-21']);
    expect(r.stdout).toMatch(/^ {2}Score +[▁▂▃▄▅▆▇█]{3} /m);
    expect(r.stdout).not.toContain('\x1b');
  });

  it('--json: the trend document, three rows with the reports\' values', () => {
    const r = runCli(['trend', ...files, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const trend = TrendSchema.parse(JSON.parse(r.stdout));
    expect(trend.rows).toHaveLength(3);
    const scores = files.map((f) => (JSON.parse(readFileSync(f, 'utf8')) as Report).score.value);
    expect(trend.rows.map((row) => row.score)).toEqual(scores);
    expect(trend.account).toMatchObject({ platform: 'x', handle: 'CascadiaRoads' });
  });

  it('--format markdown, and --output by extension', () => {
    const out = join(tmp.dir, 'trend.md');
    const r = runCli(['trend', ...files, '--format', 'markdown', '--output', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^## social-audit trend: &#64;CascadiaRoads on X\n/);
    expect(r.stdout).toContain('3 reports, 2026-10-01 to 2026-10-21.');
    expect(r.stdout).toMatch(/^\| \*\*Trend\*\* \| [▁▂▃▄▅▆▇█]{3} \|/m);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  it('reports of two accounts, a bad file, or no file: exit 2 in one line', () => {
    const other = join(tmp.dir, 'trend-other.json');
    expect(runCli(['--input', X_ARCHIVE, '--json', '--output', other]).code).toBe(0);
    const mixed = runCli(['trend', ...files, other]);
    expect(mixed.code).toBe(2);
    expect(oneLine(mixed)).toMatch(/trend: the reports are of more than one account \(.*X @CascadiaRoads.*X @RoadInfoBC.*\)/);
    const bad = runCli(['trend', files[0] as string, tmp.file('trend-bad.json', '[]')]);
    expect(bad.code).toBe(2);
    expect(oneLine(bad)).toMatch(/trend-bad\.json: not a social-audit report/);
    const none = runCli(['trend']);
    expect(none.code).toBe(2);
    expect(oneLine(none)).toMatch(/missing required argument/);
  });
});

describe('config assertions', () => {
  const config = (value: unknown): string => tmp.file(`assert-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(value));

  it('an error-level failure: exit 1, each failure one line on stderr, the report printed with its assertions', () => {
    const path = config({
      assert: {
        score: { min: 60 },
        'metrics.responseLatency.medianSeconds': { max: 3600, level: 'warn' },
        'counts.items': { min: 1 },
      },
    });
    const r = runCli(['--input', SAMPLE, ...OCTOBER, '--config', path]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      'social-audit: assertion failed: score.value 59 is below the minimum 60',
      'social-audit: warning: assertion not met: metrics.responseLatency.medianSeconds 14784.919 (4 h 6 min) is above the maximum 3600 (1 h)',
      '',
    ]);
    expect(r.stdout).toContain('@CascadiaRoads');
    expect(r.stdout).toMatch(/^Assertions: 1 failed, 1 warning, 1 passed$/m);
    expect(r.stdout).toMatch(/^ {2}✗ FAIL +score\.value 59 is below the minimum 60$/m);
  });

  it('in Markdown, before the footer; in JSON the report is unchanged', () => {
    const path = config({ assert: { score: { min: 60 } } });
    const md = runCli(['--input', SAMPLE, ...OCTOBER, '--config', path, '--format', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('### Assertions');
    expect(md.stdout).toMatch(/^\| ❌ \*\*fail\*\* \| error \| score \| 59 \| ≥ 60 \|/m);
    expect(md.stdout.indexOf('### Assertions')).toBeLessThan(md.stdout.indexOf('<sub>social-audit'));
    const json = runCli(['--input', SAMPLE, ...OCTOBER, '--config', path, '--json']);
    expect(json.code).toBe(1);
    expect(ReportSchema.parse(JSON.parse(json.stdout)).score.value).toBe(59);
  });

  it('warn-level failures only: exit 0, listed on stderr', () => {
    const path = config({ assert: { score: { min: 90, level: 'warn' } } });
    const r = runCli(['--input', SAMPLE, ...OCTOBER, '--config', path, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('social-audit: warning: assertion not met: score.value 59 is below the minimum 90\n');
  });

  it('--fail-under is the shorthand: its own line first, then the config\'s failures', () => {
    const path = config({ assert: { 'metrics.replyRatio': { min: 0.5 } } });
    const r = runCli(['--input', SAMPLE, ...OCTOBER, '--config', path, '--fail-under', '70', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      'social-audit: score 59 is below --fail-under 70',
      expect.stringMatching(/^social-audit: assertion failed: metrics\.replyRatio\.value 0\.2\d+ is below the minimum 0\.5$/),
      '',
    ]);
  });

  it('an accounts entry adds and overrides assertions for its account, path by path', () => {
    const path = config({
      assert: { score: { min: 90 }, 'counts.items': { min: 1000 } },
      accounts: { '@CascadiaRoads': { assert: { score: { min: 50 } } } },
    });
    const r = runCli(['--input', SAMPLE, ...OCTOBER, '--config', path, '--json']);
    expect(r.code).toBe(1);
    // score's bound is the entry's (59 ≥ 50 passes); counts.items' is the top level's
    expect(oneLine(r)).toBe('social-audit: assertion failed: counts.items 143 is below the minimum 1000');
  });

  it('a bad assertion in the config is a config error (exit 2); a path not in the report fails the assertion (exit 1)', () => {
    const bad = runCli(['--input', SAMPLE, '--config', config({ assert: { score: { minimum: 60 } } })]);
    expect(bad.code).toBe(2);
    expect(oneLine(bad)).toMatch(/unknown config key assert\.score\.minimum/);
    const typo = runCli(['--input', SAMPLE, ...OCTOBER, '--config', config({ assert: { 'metrics.replyRatoi': { min: 0 } } }), '--json']);
    expect(typo.code).toBe(1);
    expect(oneLine(typo)).toContain('metrics.replyRatoi is not a path in the report');
  });
});

describe('several accounts at once', () => {
  it('live: one JSON document, a report per account in the order named, a failed account kept with its error', async () => {
    const r = await run([X, BSKY_HANDLE, 'nobody.example', MASTODON, ...live(), '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as MultiReport;
    expect(validateMulti(doc), JSON.stringify(validateMulti.errors)).toBe(true);
    const parsed = MultiReportSchema.parse(doc);
    expect(parsed.reports).toHaveLength(4);
    const [x, bsky, failed, mastodon] = parsed.reports;
    expect(x).toMatchObject({ account: { platform: 'x', handle: 'RoadInfoBC' }, counts: { items: 240 } });
    expect(bsky).toMatchObject({ account: { platform: 'bluesky', handle: BSKY_HANDLE }, counts: { items: 240 } });
    expect(mastodon).toMatchObject({ account: { platform: 'mastodon' }, counts: { items: 240 } });
    expect(failed).toEqual({ account: 'nobody.example', error: { message: expect.stringContaining('no such Bluesky account'), exitCode: 2 } });
    // each report counts its own requests: the lookup and its timeline pages
    expect((x as Report).source.requests).toBe(1 + 3);
    expect(oneLine(r)).toMatch(/^social-audit: nobody\.example: .*no such Bluesky account/);
  });

  it('exit code: the most serious failure (a rejected token, 3, over an unknown account, 2); the token never shown', async () => {
    const r = await run([X, 'nobody.example', BSKY_HANDLE, ...live(), '--json'], { X_BEARER_TOKEN: 'WRONG-TOKEN-monthly-77a1' });
    expect(r.code).toBe(3);
    const doc = MultiReportSchema.parse(JSON.parse(r.stdout));
    expect(doc.reports.map((e) => ('error' in e ? e.error.exitCode : 0))).toEqual([3, 2, 0]);
    expect(r.stderr.split('\n')).toHaveLength(3);
    expect(r.stdout + r.stderr).not.toContain('WRONG-TOKEN-monthly-77a1');
  });

  it('terminal: one table, a row per account with score, verdict and each figure; a failed row holds its message', async () => {
    const r = await run([X, BSKY_HANDLE, 'nobody.example', ...live()], { ...ENV, COLUMNS: '120' });
    expect(r.code).toBe(2);
    const out = r.stdout;
    expect(out).toMatch(/^social-audit: 3 accounts, 1 failed$/m);
    expect(out).toMatch(/^Window: \d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d UTC$/m);
    expect(out).toMatch(/│ Account +│ Score │ Verdict │ Reply │ Median │ p90 │ Conv\. │ Promo │/);
    expect(out).toMatch(/│ X @RoadInfoBC +│ +\d+ │ DOING +│ +\d+% │ +– │ +– │ +\d+% │ +\d+% │/);
    expect(out).toMatch(/│ Bluesky @roadinfobc\.example +│ +\d+ │ DOING +│/);
    expect(out).toMatch(/│ nobody\.example +│ failed \(exit 2\): no such Bluesky/);
    expect(out).not.toContain('\x1b');
    expect(out).not.toContain('Left out');
  });

  it('terminal at 80 columns (not a terminal, no COLUMNS): long names shortened, then the secondary figures left out, said so', async () => {
    const r = await run([MASTODON, BSKY_HANDLE, ...live()]);
    expect(r.code, r.stderr).toBe(0);
    for (const line of r.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/│ Account +│ Score │ Verdict │ Reply │/);
    expect(r.stdout).toMatch(/│ Mastodon @RoadInfoBC@ms… │/);
    expect(r.stdout).toMatch(/^Left out at this width: p90 \(--json has every figure\)\.$/m);
  });

  it('Markdown: the same table', async () => {
    const r = await run([X, BSKY_HANDLE, ...live(), '--format', 'markdown']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^## social-audit: 2 accounts\n/);
    expect(r.stdout).toMatch(/^\| Account \| Score \| Verdict \| Reply ratio \| Latency median \| Latency p90 \| Conversation share \| Self-promotion \|$/m);
    expect(r.stdout).toMatch(/^\| &#64;RoadInfoBC on X \| \d+ \| DOING \| /m);
    expect(r.stdout).toMatch(/^\| &#64;roadinfobc\.example on Bluesky \| \d+ \| DOING \| /m);
  });

  it('no account named, live: the config\'s accounts; assertions per account, failures on stderr and exit 1', async () => {
    const config = tmp.file(
      'accounts.json',
      JSON.stringify({
        assert: { score: { min: 0 } },
        accounts: { [X]: { assert: { score: { min: 99 } } }, [BSKY_HANDLE]: {} },
      }),
    );
    const r = await run([...live(), '--config', config, '--json']);
    expect(r.code).toBe(1);
    const doc = MultiReportSchema.parse(JSON.parse(r.stdout));
    expect(doc.reports.map((e) => ('error' in e ? e.account : e.account.handle))).toEqual(['RoadInfoBC', BSKY_HANDLE]);
    expect(oneLine(r)).toMatch(/^social-audit: @RoadInfoBC: assertion failed: score\.value \d+ is below the minimum 99$/);
    const t = await run([...live(), '--config', config], { ...ENV, COLUMNS: '120' });
    expect(t.stdout).toMatch(/│ Checks +│\n/);
    expect(t.stdout).toMatch(/│ X @RoadInfoBC +│.*│ 1 failed │\n/);
    expect(t.stdout).toMatch(/FAIL X @RoadInfoBC: score\.value \d+ is below the minimum 99/);
  });

  it('--compare with a many-account file: each account compared with its own earlier report', async () => {
    const earlier = join(tmp.dir, 'many-earlier.json');
    const first = await run([X, BSKY_HANDLE, ...live(), '--until', new Date(NOW - 15 * 86_400_000).toISOString(), '--json', '--output', earlier]);
    expect(first.code, first.stderr).toBe(0);
    const r = await run([BSKY_HANDLE, X, ...live(), '--compare', earlier, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = MultiReportSchema.parse(JSON.parse(r.stdout));
    const prev = MultiReportSchema.parse(JSON.parse(readFileSync(earlier, 'utf8')));
    const [bsky, x] = doc.reports as Report[];
    const [prevX, prevBsky] = prev.reports as Report[];
    expect(bsky?.comparison?.previous.window).toEqual(prevBsky?.window);
    expect(x?.comparison?.previous.window).toEqual(prevX?.window);
    const t = await run([BSKY_HANDLE, X, ...live(), '--compare', earlier], { ...ENV, COLUMNS: '120' });
    expect(t.stdout).toMatch(/│ Change │\n/);
  });

  it('--concurrency bounds the accounts fetched at once (default 4)', async () => {
    lookupDelayMs = 300;
    try {
      const five = [X, BSKY_HANDLE, MASTODON, 'x:RoadInfoBC', 'bsky:roadinfobc.example'];
      inFlight.max = 0;
      const one = await run([...five, ...live(), '--concurrency', '1', '--json']);
      expect(one.code, one.stderr).toBe(0);
      expect(inFlight.max).toBe(1);
      inFlight.max = 0;
      const dflt = await run([...five, ...live(), '--json']);
      expect(dflt.code, dflt.stderr).toBe(0);
      expect(inFlight.max).toBe(4);
    } finally {
      lookupDelayMs = 0;
    }
    const bad = await run([X, BSKY_HANDLE, ...live(), '--concurrency', '0']);
    expect(bad.code).toBe(2);
    expect(oneLine(bad)).toContain('--concurrency "0" is not a number of accounts');
  });

  it('a window error is said once, before any request, not once per account', async () => {
    const r = await run([X, BSKY_HANDLE, MASTODON, ...live(), '--month', '2026-13']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLine(r)).toContain('2026-13');
    expect(r.requests).toEqual([]);
  });

  it('--input audits one account: two names with --input are a usage error', () => {
    const r = runCli(['@RoadInfoBC', '@DriveBC', '--input', X_ARCHIVE]);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toContain('--input reads one account at a time');
  });
});

describe('--dry-run', () => {
  it('looks the accounts up, fetches no timeline, estimates requests and the X cost', async () => {
    const r = await run([X, BSKY_HANDLE, MASTODON, ...live(), '--dry-run', '--no-cache', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.timeline).toEqual({ x: 0, mastodon: 0, bluesky: 0 });
    expect(r.requests.map((q) => q.path).sort()).toEqual([X_LOOKUP_PATH, MASTODON_LOOKUP_PATH, BSKY_PROFILE_PATH].sort());
    const doc = DryRunSchema.parse(JSON.parse(r.stdout));
    expect(doc.xPricePerPost).toBe(0.005);
    expect(doc.totals.lookups).toBe(3);
    const [x, bsky, mastodon] = doc.accounts;
    // X: 3,000 posts over 1,000 days = 3 a day, 30 days → 90 posts, 1 page; $0.45
    expect(x).toMatchObject({ platform: 'x', cache: 'off', postsCount: 3000, walks: [expect.any(Object)] });
    expect(x).toMatchObject({ estimate: { posts: 90, timelineRequests: 1, costUsd: 0.45 } });
    // the upper bound: every post the timeline serves (3,000), 30 pages, $15
    expect(x).toMatchObject({ upperBound: { posts: 3000, timelineRequests: 30, costUsd: 15 } });
    // Bluesky: 400 posts over 50 days = 8 a day; its walk reads from now: 240 posts, floor(240/100)+1 = 3 pages
    expect(bsky).toMatchObject({ platform: 'bluesky', estimate: { posts: 240, timelineRequests: 3, costUsd: null } });
    // Mastodon: 400 posts over 400 days = 1 a day; 30 posts, 1 page
    expect(mastodon).toMatchObject({ platform: 'mastodon', estimate: { posts: 30, timelineRequests: 1, costUsd: null } });
    expect(doc.totals.estimate).toEqual({ posts: 360, timelineRequests: 5, costUsd: 0.45 });
  });

  it('with the cache: nothing to fetch for what it holds; --x-price and pricing.xPerPost set the price', async () => {
    const cacheDir = join(tmp.dir, 'cache-dry');
    const window = ['--since', new Date(NOW - 20 * 86_400_000).toISOString(), '--until', new Date(NOW - 10 * 86_400_000).toISOString()];
    const cold = await run([X, ...live(), ...window, '--cache-dir', cacheDir, '--dry-run', '--json']);
    const before = DryRunSchema.parse(JSON.parse(cold.stdout)).accounts[0];
    expect(before).toMatchObject({ cache: 'miss', estimate: { posts: 30, timelineRequests: 1 } });
    expect(report(await run([X, ...live(), ...window, '--cache-dir', cacheDir, '--json'])).counts.items).toBe(80);
    const warm = await run([X, ...live(), ...window, '--cache-dir', cacheDir, '--dry-run', '--json', '--x-price', '0.01']);
    expect(warm.timeline.x).toBe(0);
    const doc = DryRunSchema.parse(JSON.parse(warm.stdout));
    expect(doc.xPricePerPost).toBe(0.01);
    expect(doc.accounts[0]).toMatchObject({ cache: 'hit', walks: [], estimate: { posts: 0, timelineRequests: 0, costUsd: 0 } });
    const config = tmp.file('pricing.json', JSON.stringify({ pricing: { xPerPost: 0.001 } }));
    const priced = await run([X, ...live(), '--config', config, '--no-cache', '--dry-run', '--json']);
    expect(DryRunSchema.parse(JSON.parse(priced.stdout)).accounts[0]).toMatchObject({ estimate: { costUsd: 0.09 } });
  });

  it('terminal: a small table and the method; an unknown account is reported and sets the exit code', async () => {
    const r = await run([X, 'nobody.example', ...live(), '--dry-run', '--no-cache']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Dry run: nothing but account lookups was fetched$/m);
    expect(r.stdout).toMatch(/│ X @RoadInfoBC +│ +3,000 │ off +│ +1 │ +90 \(≤ 3,000\) │ +1 \(≤ 30\) │ \$0\.450 \(≤ \$15\.00\) │/);
    expect(r.stdout).toMatch(/│ nobody\.example +│ failed \(exit 2\): no such Bluesky account/);
    expect(r.stdout).toContain('average posting rate');
    expect(oneLine(r)).toMatch(/^social-audit: nobody\.example: .*no such Bluesky account/);
    expect(r.timeline.x).toBe(0);
  });

  it('usage errors: with --input, --format markdown, or --x-price without --dry-run', () => {
    for (const [args, message] of [
      [['--input', SAMPLE, '--dry-run'], '--dry-run estimates a live fetch and takes no --input'],
      [[X, '--dry-run', '--format', 'markdown'], '--dry-run prints a table or JSON'],
      [['--input', SAMPLE, '--x-price', '0.01'], '--x-price is for --dry-run'],
      [[X, '--dry-run', '--x-price', 'cheap'], '--x-price "cheap" is not a price'],
    ] as const) {
      const r = runCli([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(oneLine(r)).toContain(message);
    }
  });
});

afterAll(() => {
  // The helper gives every run a fresh XDG cache folder and removes it; nothing leaks into HOME.
  rmSync(join(tmp.dir, 'never-created'), { recursive: true, force: true });
});
