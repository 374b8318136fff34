import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema, type Report } from '../../src/schema/report.js';
import {
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
} from '../cache/servers.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { blueskyAndMastodon } from '../helpers/live.js';
import { startServer, type Reply, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/zip.js';

/**
 * The example GitHub Actions workflow (examples/github-actions/social-audit.yml) run locally:
 * the very script its audit step runs, with `social-audit` on PATH (a shim for the built CLI),
 * against a local server that speaks Bluesky and Mastodon (no token needed), in a temporary git
 * repository. Three monthly runs in a row, as the schedule makes them, then a manual re-run.
 */

const SCRIPT = join(ROOT, 'examples/github-actions/monthly-report.sh');
const BSKY_THREAD_PATH = '/xrpc/app.bsky.feed.getPostThread';
const MASTODON_HANDLE = '@RoadInfoBC@mstdn.bc.example';
const ACCOUNTS = `${BSKY_HANDLE}\n${MASTODON_HANDLE}\n`;
/** The report file names the script makes of the two accounts. */
const BSKY_SLUG = 'roadinfobc.example';
const MASTODON_SLUG = 'roadinfobc-mstdn.bc.example';

/** YYYY-MM of an instant, UTC; and a month `n` months from one. */
const monthOf = (ms: number): string => new Date(ms).toISOString().slice(0, 7);
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthOf(Date.UTC(y, m - 1 + n, 15));
}

// Months relative to today, so the cache's "never the last 10 minutes" rule sees them as past.
const NOW = Date.now();
const THIS_MONTH = monthOf(NOW);
const M1 = addMonths(THIS_MONTH, -3);
const M2 = addMonths(THIS_MONTH, -2);
/** The month the script picks when MONTH is not set: the previous one (UTC). */
const PREVIOUS = addMonths(THIS_MONTH, -1);

// One post every 5 hours for 150 days, the newest a day ago: several pages per month on both
// platforms. Nobody replied to them (reply counts 0, empty threads).
const NEWEST = NOW - 24 * HOUR;
const COUNT = (150 * 24) / 5;
/** Feed items with `replyCount: 0`: nobody replied. */
function unanswered(items: Record<string, unknown>[]): Record<string, unknown>[] {
  return items.map((item) => ({ ...item, post: { ...(item.post as Record<string, unknown>), replyCount: 0 } }));
}
const feed = unanswered(bskyItems(COUNT, NEWEST, 5 * HOUR));
const statuses: Record<string, unknown>[] = mastodonStatuses(COUNT, NEWEST, 5 * HOUR).map((s) => ({ ...s, replies_count: 0 }));

const tmp = tempDir('social-audit-workflow-');
let server: TestServer;
let shimDir: string;

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist/cli.js')), 'run `npm run build` first (npm test does)').toBe(true);
  const accounts = blueskyAndMastodon({
    profile: bskyProfile(undefined, undefined, COUNT),
    account: mastodonAccount(),
    feed: () => feed,
    statuses: () => statuses,
  });
  server = await startServer((req, base): Reply | undefined => {
    if (req.path === BSKY_THREAD_PATH) {
      // the post's thread: nobody replied
      const item = feed.find((f) => (f.post as { uri: string }).uri === req.query.get('uri'));
      return item
        ? { json: { thread: { $type: 'app.bsky.feed.defs#threadViewPost', post: item.post, replies: [] } } }
        : { status: 400, json: { error: 'NotFound', message: 'Post not found' } };
    }
    // a status's context: nobody replied
    const id = /^\/api\/v1\/statuses\/(\d+)\/context$/.exec(req.path)?.[1];
    if (id !== undefined) return statuses.some((st) => st.id === id) ? { json: { ancestors: [], descendants: [] } } : undefined;
    return accounts(req, base);
  });
  // `social-audit` on PATH, as `npm install --global` puts it there.
  shimDir = join(tmp.dir, 'bin');
  mkdirSync(shimDir);
  writeFileSync(join(shimDir, 'social-audit'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(shimDir, 'social-audit'), 0o755);
});

afterAll(async () => {
  await server?.close();
  tmp.cleanup();
});

/** A fresh git repository with one commit, as `actions/checkout` leaves the team's repository. */
function makeRepo(name: string): string {
  const repo = join(tmp.dir, name);
  mkdirSync(repo);
  git(repo, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(repo, 'README.md'), 'Our monthly social-audit reports.\n');
  git(repo, 'add', 'README.md');
  git(repo, 'commit', '--quiet', '-m', 'start');
  return repo;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, ...GIT_ENV } });
}

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What the run appended to its job summary. */
  summary: string;
  /** Timeline requests the run made, per platform. */
  timeline: { bluesky: number; mastodon: number };
}

let runNo = 0;

/**
 * Runs the workflow's script in `repo` with the environment the workflow gives it: a clean one
 * (nothing of this process's, so a CI running the tests is not mistaken for the workflow: no
 * GITHUB_ACTIONS, so no push), the summary file GitHub would give the step, the cache folder.
 */
function runScript(repo: string, env: Record<string, string>): Promise<ScriptRun> {
  runNo += 1;
  const summaryFile = join(tmp.dir, `summary-${runNo}.md`);
  writeFileSync(summaryFile, '');
  const since = server.mark();
  const fullEnv: Record<string, string> = {
    // the shim, and node itself (the script reads the reports with it)
    PATH: `${shimDir}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: tmp.dir,
    XDG_CACHE_HOME: join(tmp.dir, 'xdg-cache'),
    SOCIAL_AUDIT_CACHE_DIR: join(tmp.dir, 'cache'),
    SOCIAL_AUDIT_API_URL: server.url,
    GITHUB_STEP_SUMMARY: summaryFile,
    TIME_ZONE: 'UTC',
    COMMIT_REPORTS: 'true',
    ...GIT_ENV,
    ...env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT], { cwd: repo, env: fullEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seen = since();
      resolve({
        code,
        stdout,
        stderr,
        summary: readFileSync(summaryFile, 'utf8'),
        timeline: {
          bluesky: seen.filter((r) => r.path === BSKY_FEED_PATH).length,
          mastodon: seen.filter((r) => r.path === MASTODON_TIMELINE_PATH).length,
        },
      });
    });
  });
}

function readReport(repo: string, month: string, slug: string): Report {
  return ReportSchema.parse(JSON.parse(readFileSync(join(repo, 'reports', month, `${slug}.json`), 'utf8')));
}

/** `comparison` of a report made with --compare (the JSON report's own field). */
function comparisonOf(report: Report): { previous: { window: { since: string } } } | undefined {
  return (report as unknown as { comparison?: { previous: { window: { since: string } } } }).comparison;
}

/** The start of a calendar month, UTC (TIME_ZONE is UTC in these runs). */
const monthStart = (month: string): string => `${month}-01T00:00:00.000Z`;

describe('the example workflow script, month after month', () => {
  let repo: string;
  const first: Record<string, number> = {};

  beforeAll(() => {
    repo = makeRepo('team-repo');
  });

  it(`first month (${M1}): a valid JSON report per account, its Markdown in the summary, committed`, async () => {
    const r = await runScript(repo, { ACCOUNTS, MONTH: M1 });
    first.bluesky = r.timeline.bluesky;
    first.mastodon = r.timeline.mastodon;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    for (const slug of [BSKY_SLUG, MASTODON_SLUG]) {
      const report = readReport(repo, M1, slug);
      expect(report.source).toMatchObject({ kind: 'api', complete: true });
      expect(report.window.since).toBe(monthStart(M1));
      expect(report.window.until).toBe(monthStart(addMonths(M1, 1)));
      expect(report.counts.items).toBeGreaterThan(100);
      expect(comparisonOf(report)).toBeUndefined();
      // the same report in Markdown beside it
      expect(readFileSync(join(repo, 'reports', M1, `${slug}.md`), 'utf8')).toMatch(/^## social-audit: /);
    }
    expect(readReport(repo, M1, BSKY_SLUG).account).toMatchObject({ platform: 'bluesky', handle: BSKY_HANDLE });
    expect(readReport(repo, M1, MASTODON_SLUG).account).toMatchObject({ platform: 'mastodon' });

    // the job summary: a heading, a row per account, each trend, each report with its metric table
    expect(r.summary).toMatch(new RegExp(`^# social-audit: ${M1}\\n\\n2 account\\(s\\), month ${M1} in UTC\\.\\n`));
    expect(r.summary).toContain(
      [
        '| Account | Score | Verdict | Change | Response rate |',
        '| --- | ---: | --- | --- | ---: |',
        `| ${BSKY_HANDLE} | 20 | DOING social | – | – |`,
        '| &#64;RoadInfoBC&#64;mstdn.bc.example | 20 | DOING social | – | – |',
        '',
      ].join('\n'),
    );
    expect(r.summary).not.toContain('### Failed');
    expect(r.summary.indexOf('## social-audit trend: ')).toBeLessThan(r.summary.indexOf('| Metric |'));
    expect(r.summary.match(/^\| Metric \| Measured \| Score \| Points \|$/gm)).toHaveLength(2);
    // (the Markdown writes @ as &#64;, so a handle does not notify anyone on GitHub)
    expect(r.summary).toContain('## social-audit: &#64;roadinfobc.example on Bluesky');
    expect(r.summary).toContain('## social-audit: &#64;RoadInfoBC&#64;mstdn.bc.example on Mastodon');
    expect(r.summary.match(/^## social-audit trend: /gm)).toHaveLength(2);
    expect(r.summary).toContain(`1 report, ${M1}.`);

    // committed, with nothing else: no cache, no temporary files
    expect(git(repo, 'log', '-1', '--format=%s')).toBe(`social-audit report ${M1}\n`);
    expect(git(repo, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(
      [BSKY_SLUG, MASTODON_SLUG].flatMap((s) => [`reports/${M1}/${s}.json`, `reports/${M1}/${s}.md`]).sort(),
    );
    expect(git(repo, 'status', '--porcelain')).toBe('');

    // the cache went where the workflow's cache step saves it from
    expect(readdirSync(join(tmp.dir, 'cache')).sort()).toEqual(['bluesky', 'mastodon']);
    expect(existsSync(join(tmp.dir, 'xdg-cache'))).toBe(false);
    expect(r.timeline.bluesky).toBeGreaterThan(3);
    expect(r.timeline.mastodon).toBeGreaterThan(3);
  });

  it(`second month (${M2}): compared with the first, a trend of both, Bluesky served from the cache`, async () => {
    const r = await runScript(repo, { ACCOUNTS, MONTH: M2 });
    expect(r.code, r.stderr).toBe(0);
    for (const slug of [BSKY_SLUG, MASTODON_SLUG]) {
      const report = readReport(repo, M2, slug);
      expect(report.window.since).toBe(monthStart(M2));
      expect(comparisonOf(report)?.previous.window.since).toBe(monthStart(M1));
    }
    expect(r.stderr).toContain(`compared with reports/${M1}/${BSKY_SLUG}.json`);
    expect(r.summary).toContain('### Change since the previous report');
    expect(r.summary).toContain(`| ${BSKY_HANDLE} | 20 | DOING social | same | – |`);
    expect(r.summary.match(new RegExp(`^2 reports, ${M1} to ${M2}\\.$`, 'gm'))).toHaveLength(2);
    expect(r.summary).toMatch(new RegExp(`^\\| ${M1} \\|`, 'm'));
    expect(r.summary).toMatch(new RegExp(`^\\| ${M2} \\|`, 'm'));
    expect(git(repo, 'log', '-1', '--format=%s')).toBe(`social-audit report ${M2}\n`);

    // Bluesky's feed is read from the newest post, so the first run's walk already covered this
    // month: no timeline request. Mastodon starts each walk at the window's end, so this month's
    // pages are read now, once.
    expect(r.timeline.bluesky).toBe(0);
    expect(r.timeline.mastodon).toBeGreaterThan(0);
    expect(r.timeline.mastodon).toBeLessThanOrEqual(first.mastodon as number);
  });

  it('a re-run of the same month (a manual run): no timeline request at all, the report replaced', async () => {
    const r = await runScript(repo, { ACCOUNTS, MONTH: M2 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.timeline).toEqual({ bluesky: 0, mastodon: 0 });
    expect(readReport(repo, M2, BSKY_SLUG).window.since).toBe(monthStart(M2));
    // still compared with the month before, not with itself
    expect(comparisonOf(readReport(repo, M2, MASTODON_SLUG))?.previous.window.since).toBe(monthStart(M1));
    expect(r.summary).toContain(`2 reports, ${M1} to ${M2}.`);
  });

  it(`without MONTH: the previous month (${PREVIOUS}), compared with the newest earlier report`, async () => {
    const r = await runScript(repo, { ACCOUNTS });
    expect(r.code, r.stderr).toBe(0);
    const report = readReport(repo, PREVIOUS, BSKY_SLUG);
    expect(report.window.since).toBe(monthStart(PREVIOUS));
    expect(comparisonOf(report)?.previous.window.since).toBe(monthStart(M2));
    expect(r.summary).toContain(`3 reports, ${M1} to ${PREVIOUS}.`);
    // In the first 8 days of a month the fetch reaches up to now, past what the cache holds: one
    // page from the top then, none later in the month.
    expect(r.timeline.bluesky).toBeLessThanOrEqual(1);
    expect(git(repo, 'log', '--format=%s').split('\n').filter((s) => s.startsWith('social-audit report'))).toHaveLength(4);
  });
});

describe('the example workflow script when something is wrong', () => {
  it('one unknown account: the others are still reported and committed, the run fails, the summary says why', async () => {
    const repo = makeRepo('repo-with-a-typo');
    const r = await runScript(repo, { ACCOUNTS: `${BSKY_HANDLE}\nnobody.example\n`, MONTH: M1 });
    expect(r.code).toBe(1);
    expect(readReport(repo, M1, BSKY_SLUG).account.handle).toBe(BSKY_HANDLE);
    expect(existsSync(join(repo, 'reports', M1, 'nobody.example.json'))).toBe(false);
    expect(existsSync(join(repo, 'reports', M1, 'nobody.example.md'))).toBe(false);
    expect(r.summary).toContain(`| ${BSKY_HANDLE} | 20 | DOING social | – | – |\n| nobody.example | – | **failed** (exit 2) | | |\n`);
    expect(r.summary).toMatch(new RegExp(`^### Failed\\n\\n- nobody\\.example: no report for ${M1} \\(exit 2\\): no such Bluesky account`, 'm'));
    expect(r.stderr).toContain('no such Bluesky account');
    expect(git(repo, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(
      [`reports/${M1}/${BSKY_SLUG}.json`, `reports/${M1}/${BSKY_SLUG}.md`],
    );
  });

  it('a fetch cut short by a long rate limit: the partial report is kept and committed, the run fails so someone runs it again', async () => {
    // 2-hourly posts up to the 20th of the previous month: the first page (100 posts, 8 days)
    // lies inside the month; the second is refused for an hour, past --max-wait.
    const [y, m] = PREVIOUS.split('-').map(Number) as [number, number];
    const dense = unanswered(bskyItems(400, Date.UTC(y, m - 1, 20, 12), 2 * HOUR));
    const limited = await startServer({
      [BSKY_PROFILE_PATH]: () => ({ json: bskyProfile(undefined, undefined, 400) }),
      [BSKY_FEED_PATH]: bskyFeedRoute(
        () => dense,
        (pageNo) =>
          pageNo >= 2
            ? {
                status: 429,
                headers: { 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600) },
                json: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
              }
            : undefined,
      ),
    });
    try {
      const repo = makeRepo('repo-rate-limited');
      const r = await runScript(repo, {
        ACCOUNTS: BSKY_HANDLE,
        MONTH: PREVIOUS,
        SOCIAL_AUDIT_API_URL: limited.url,
        SOCIAL_AUDIT_ARGS: '--max-wait 1s --no-inbound',
      });
      expect(r.code).toBe(1);
      const report = readReport(repo, PREVIOUS, BSKY_SLUG);
      expect(report.source.complete).toBe(false);
      expect(report.counts.items).toBe(100);
      expect(r.summary).toMatch(new RegExp(`^\\| ${BSKY_HANDLE} \\| \\d+ \\| DOING social \\(\\*\\*partial\\*\\*\\) \\|`, 'm'));
      expect(r.summary).toContain(`- ${BSKY_HANDLE}: the report for ${PREVIOUS} is partial (see its warnings); run the month again to complete it\n`);
      expect(git(repo, 'log', '-1', '--format=%s')).toBe(`social-audit report ${PREVIOUS}\n`);
    } finally {
      await limited.close();
    }
  });

  it('config assertions that fail: every report still written and committed, the run fails, the summary says which', async () => {
    const repo = makeRepo('repo-with-assertions');
    // the audit reads social-audit.config.json from the repository's root, as in the workflow
    writeFileSync(
      join(repo, 'social-audit.config.json'),
      JSON.stringify({ assert: { score: { min: 60 }, 'counts.items': { min: 1, level: 'warn' } } }),
    );
    const r = await runScript(repo, { ACCOUNTS, MONTH: M1 });
    expect(r.code).toBe(1);
    for (const slug of [BSKY_SLUG, MASTODON_SLUG]) expect(readReport(repo, M1, slug).score.value).toBe(20);
    expect(r.summary).toContain('### Failed');
    expect(r.summary).toContain(`- ${BSKY_HANDLE}: assertion failed: score.value 20 is below the minimum 60\n`);
    expect(r.summary).toContain('- &#64;RoadInfoBC&#64;mstdn.bc.example: assertion failed: score.value 20 is below the minimum 60\n');
    expect(git(repo, 'log', '-1', '--format=%s')).toBe(`social-audit report ${M1}\n`);
  });

  it('DRY_RUN=true: the accounts looked up and the requests estimated, nothing fetched, written or committed', async () => {
    const repo = makeRepo('repo-dry-run');
    const since = server.mark();
    const r = await runScript(repo, { ACCOUNTS, MONTH: M1, DRY_RUN: 'true' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.timeline).toEqual({ bluesky: 0, mastodon: 0 });
    // one lookup per account and nothing else
    expect(since().map((q) => q.path).sort()).toEqual([MASTODON_LOOKUP_PATH, BSKY_PROFILE_PATH].sort());
    expect(r.summary).toMatch(new RegExp(`^# social-audit: ${M1}\\n[^]*Dry run: [^]*\\n\`\`\`text\\n[^]*${BSKY_HANDLE.replace('.', '\\.')}[^]*\\n\`\`\`\\n$`));
    expect(existsSync(join(repo, 'reports'))).toBe(false);
    expect(git(repo, 'log', '--format=%s')).toBe('start\n');
  });

  it('no accounts, a malformed MONTH, or two accounts with one file name: exit 2 before any request', async () => {
    const repo = makeRepo('repo-misconfigured');
    const before = server.requests.length;
    for (const [env, message] of [
      [{ ACCOUNTS: '  \n# none yet\n' }, 'ACCOUNTS is empty'],
      [{ ACCOUNTS, MONTH: '2026-13' }, 'MONTH "2026-13" is not a month'],
      [{ ACCOUNTS: '@RoadInfoBC roadinfobc' }, 'two accounts would share the report file roadinfobc.json'],
    ] as const) {
      const r = await runScript(repo, env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(server.requests.length).toBe(before);
    expect(existsSync(join(repo, 'reports'))).toBe(false);
  });
});

describe('the workflow file agrees with the script', () => {
  const workflow = readFileSync(join(ROOT, 'examples/github-actions/social-audit.yml'), 'utf8');

  it('runs this script from the checked-out tool, with the cache folder it restores and saves', () => {
    expect(workflow).toContain('path: .social-audit-tool\n');
    expect(workflow).toContain('bash .social-audit-tool/examples/github-actions/monthly-report.sh\n');
    expect(workflow).toContain('export SOCIAL_AUDIT_CACHE_DIR="$HOME/.cache/social-audit"\n');
    expect(workflow.match(/^ {10}path: ~\/\.cache\/social-audit$/gm)).toHaveLength(2);
    expect(workflow).toMatch(/^ {4}- cron: '0 6 9 \* \*'$/m);
    expect(workflow).toMatch(/^ {2}workflow_dispatch:$/m);
    expect(workflow).toMatch(/^ {2}contents: write$/m);
    // secrets reach the tool through the environment only
    expect(workflow).toContain('X_BEARER_TOKEN: ${{ secrets.X_BEARER_TOKEN }}');
    expect(workflow).not.toMatch(/--[a-z-]*token/i);
  });

  it("its month step picks the month the script picks when MONTH is empty (GNU date, as on GitHub's runners)", () => {
    const command = /MONTH=\$\{INPUT_MONTH:-\$\((date -u -d .*)\)\}$/m.exec(workflow)?.[1];
    expect(command).toBeDefined();
    let month: string;
    try {
      month = execFileSync('bash', ['-c', command as string], { encoding: 'utf8' }).trim();
    } catch {
      return; // BSD date (macOS) has no -d; the script itself does not use it
    }
    expect(month).toBe(addMonths(monthOf(Date.now()), -1));
  });
});
