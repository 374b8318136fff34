import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema, type Report } from '../../src/schema/report.js';
import { ROOT, runCliAsync, type CliResult } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/zip.js';

/**
 * The built CLI fetching live from local servers that speak each platform's real wire format
 * (pages from ../shared/fixtures-reference, copied into fixtures/), compared with the offline path
 * on the same posts. The RoadInfo BC scenario runs 18-20 August 2026.
 */
const TOKEN = 'TEST-TOKEN-do-not-print-7f3a';
const WINDOW = ['--since', '2026-08-18', '--until', '2026-08-20'];
/** The outbound comparisons read no inbound messages (the listening tests below do). */
const OUT = [...WINDOW, '--no-inbound'];
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, 'fixtures', path), 'utf8'));
const tmp = tempDir('social-audit-live-');

function report(r: CliResult): Report {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return ReportSchema.parse(JSON.parse(r.stdout));
}

/** What must agree between two audits of the same posts: every figure, the verdict and the advice. */
function figures(r: Report): unknown {
  return {
    account: { platform: r.account.platform, handle: r.account.handle, id: r.account.id },
    window: r.window,
    counts: r.counts,
    metrics: r.metrics,
    score: r.score,
    recommendations: r.recommendations,
  };
}

let x: TestServer;
let mastodon: TestServer;
let bluesky: TestServer;

beforeAll(async () => {
  const lookup = fixture('x/api/user-lookup.json') as { data: { public_metrics: { tweet_count: number } } };
  // Under 3,200 posts in all, so the walk's end is the history's end (no ceiling check request).
  lookup.data.public_metrics.tweet_count = 10;
  x = await startServer({
    '/2/users/by/username/RoadInfoBC': () => ({ json: lookup }),
    '/2/users/289134506/mentions': () => ({ json: fixture('x/v2/user-mentions.json') }),
    '/2/users/289134506/tweets': (req) =>
      req.headers.authorization !== `Bearer ${TOKEN}`
        ? { status: 401, json: fixture('x/api/error-401.json') }
        : { json: fixture(req.query.has('pagination_token') ? 'x/v2/user-tweets.page2.json' : 'x/v2/user-tweets.page1.json') },
  });
  const statuses = '/api/v1/accounts/109309888516521974/statuses';
  mastodon = await startServer({
    '/api/v1/accounts/lookup': () => ({ json: fixture('mastodon/api/account-lookup.json') }),
    // The first request carries a max_id at the window's end (above every status here); the
    // next link asks for the page below R1.
    [statuses]: (req, base) =>
      req.query.get('max_id') === '117122681112519440'
        ? { json: fixture('mastodon/statuses.page2.json') }
        : {
            json: fixture('mastodon/statuses.page1.json'),
            headers: { link: `<${base}${statuses}?limit=40&max_id=117122681112519440>; rel="next"` },
          },
  });
  bluesky = await startServer({
    '/xrpc/app.bsky.actor.getProfile': () => ({ json: fixture('bluesky/api/getProfile.json') }),
    '/xrpc/app.bsky.feed.getAuthorFeed': (req) => ({
      json: fixture(req.query.has('cursor') ? 'bluesky/getAuthorFeed.page2.json' : 'bluesky/getAuthorFeed.page1.json'),
    }),
    // Threads of T1 (M1 replies) and T4 (M3 replies); any other post reads as deleted.
    '/xrpc/app.bsky.feed.getPostThread': (req) => {
      const rkey = (req.query.get('uri') ?? '').split('/').pop();
      if (rkey === '3mtgvm7ntjc2j') return { json: fixture('bluesky/api/getPostThread.T1.json') };
      if (rkey === '3mtjjstoufk2t') return { json: fixture('bluesky/api/getPostThread.T4.json') };
      return { status: 400, json: fixture('bluesky/api/getPostThread.not-found-400.json') };
    },
  });
});

afterAll(async () => {
  await Promise.all([x.close(), mastodon.close(), bluesky.close()]);
  tmp.cleanup();
});

describe('live audits against local servers give the figures of the offline path', () => {
  it('X: @RoadInfoBC live = the same v2 pages read with --input (config naming the profile website as own domain)', async () => {
    // The offline pages carry no profile, so the website the live lookup gives is named in a config.
    const config = join(tmp.dir, 'x.config.json');
    writeFileSync(config, JSON.stringify({ ownDomains: ['roadinfobc.example'] }));
    const live = report(
      await runCliAsync(['@RoadInfoBC', '--api-url', x.url, '--config', config, ...OUT, '--json'], { env: { X_BEARER_TOKEN: TOKEN } }),
    );
    // 1 lookup + 2 timeline pages, nothing for reply targets' times
    expect(live.source).toMatchObject({ kind: 'api', format: 'x-api-v2', complete: true, requests: 3 });
    expect(x.count('/2/tweets')).toBe(0);
    const pages = join(tmp.dir, 'x-pages.json');
    writeFileSync(pages, JSON.stringify([fixture('x/v2/user-tweets.page1.json'), fixture('x/v2/user-tweets.page2.json')]));
    const offline = report(await runCliAsync(['@RoadInfoBC', '--input', pages, '--config', config, ...OUT, '--json']));
    expect(figures(live)).toEqual(figures(offline));
    // the scenario's three answers: 16 min 25.323 s, 1 h 42 min 18.114 s, 23 min 22.927 s
    expect(live.metrics.responseLatency).toMatchObject({ n: 3, medianSeconds: 1402.927, p90Seconds: 6138.114 });
    expect(live.counts).toMatchObject({ items: 10, replyToOther: 3, replyToSelf: 1, quoteToOther: 1, repostToOther: 1, original: 4 });
  });

  it('Mastodon: @RoadInfoBC@mstdn.bc.example live = the same statuses read with --input', async () => {
    const live = report(await runCliAsync(['@RoadInfoBC@mstdn.bc.example', '--api-url', mastodon.url, ...OUT, '--json']));
    expect(live.source).toMatchObject({ kind: 'api', format: 'mastodon-api', complete: true, requests: 3 });
    expect(mastodon.count(/^\/api\/v1\/statuses\//)).toBe(0);
    const file = join(tmp.dir, 'statuses.json');
    writeFileSync(file, JSON.stringify([fixture('mastodon/statuses.page1.json'), fixture('mastodon/statuses.page2.json')]));
    const offline = report(await runCliAsync(['@RoadInfoBC@mstdn.bc.example', '--input', file, ...OUT, '--json']));
    const { account: _a, ...liveRest } = figures(live) as Record<string, unknown>;
    const { account: _b, ...offlineRest } = figures(offline) as Record<string, unknown>;
    // the offline statuses name the account as the server does (`RoadInfoBC`); live adds the server
    expect(liveRest).toEqual(offlineRest);
    expect(live.account).toMatchObject({ platform: 'mastodon', handle: 'RoadInfoBC@mstdn.bc.example', id: '109309888516521974' });
  });

  it('Bluesky: roadinfobc.example live = the same feed pages read with --input', async () => {
    const live = report(await runCliAsync(['roadinfobc.example', '--api-url', bluesky.url, ...OUT, '--json']));
    expect(live.source).toMatchObject({ kind: 'api', format: 'bluesky-api', complete: true, requests: 3 });
    const file = join(tmp.dir, 'feed.jsonl');
    writeFileSync(file, `${JSON.stringify(fixture('bluesky/getAuthorFeed.page1.json'))}\n${JSON.stringify(fixture('bluesky/getAuthorFeed.page2.json'))}\n`);
    const offline = report(await runCliAsync(['roadinfobc.example', '--input', file, ...OUT, '--json']));
    expect(figures(live)).toEqual({ ...(figures(offline) as object), account: (figures(live) as { account: unknown }).account });
    expect(live.account).toMatchObject({ handle: 'roadinfobc.example' });
  });

  it('fetch saves the posts file; auditing it offline gives the live report', async () => {
    const out = join(tmp.dir, 'posts.json');
    const fetched = await runCliAsync(['fetch', 'roadinfobc.example', '--api-url', bluesky.url, ...WINDOW, '--output', out]);
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toBe('');
    // the reference profile counts 3,177 posts and the feed serves 10: a warning says the feed may
    // have ended early, then the last line says what was saved
    expect(fetched.stderr).toMatch(/^social-audit: warning: The Bluesky feed ended with a post of .* may have ended early/);
    expect(fetched.stderr).toMatch(/\nsocial-audit: saved 10 posts of roadinfobc\.example to .*posts\.json\n$/);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as { format: string; complete: boolean; account: { handle: string } };
    expect(saved).toMatchObject({ format: 'social-audit/posts', complete: true, account: { handle: 'roadinfobc.example' } });
    const live = report(await runCliAsync(['roadinfobc.example', '--api-url', bluesky.url, ...OUT, '--json']));
    const offline = report(await runCliAsync(['--input', out, ...OUT, '--json']));
    expect(figures(offline)).toEqual(figures(live));
    expect(offline.account.website).toBe(live.account.website);
  });
});

describe('listening: the X mentions reference (four mentions, three answered) gives a response rate of 0.75', () => {
  // August 2026: M1-M3 were answered by R1-R3; M4 (16:02:33 on 20 August) never was. The data
  // runs to the window's end (1 September, before the fetch), which is past M4's give-up time
  // (27 August 16:02:33), so M4 counts as unanswered, not pending: 3 / (4 - 0) = 0.75.
  const MONTH = ['--month', '2026-08'];

  it('live: timeline and mentions from the API', async () => {
    const r = report(await runCliAsync(['@RoadInfoBC', '--api-url', x.url, ...MONTH, '--json'], { env: { X_BEARER_TOKEN: TOKEN } }));
    expect(r.mode).toBe('inbound+outbound');
    expect(r.metrics.responseRate).toMatchObject({ value: 0.75, inbound: 4, answered: 3, pending: 0 });
    expect(r.inbound).toMatchObject({ sources: [{ kind: 'api', format: 'x-api-v2-mentions', path: null }], itemsRead: 4 });
  });

  it('offline: the same pages with --inbound', async () => {
    const pages = join(tmp.dir, 'x-month-pages.json');
    writeFileSync(pages, JSON.stringify([fixture('x/v2/user-tweets.page1.json'), fixture('x/v2/user-tweets.page2.json')]));
    const r = report(
      await runCliAsync(['@RoadInfoBC', '--input', pages, '--inbound', join(ROOT, 'fixtures/x/v2/user-mentions.json'), ...MONTH, '--json']),
    );
    expect(r.mode).toBe('inbound+outbound');
    expect(r.metrics.responseRate).toMatchObject({ value: 0.75, inbound: 4, answered: 3, pending: 0, questions: expect.any(Number) });
    // the unanswered one is M4, cited with a link
    expect(r.metrics.responseRate?.unanswered.map((u) => u.id)).toEqual(['2090469544653410304']);
  });

  it('Bluesky live: replies read from the threads of posts that have replies; both answered', async () => {
    const r = report(await runCliAsync(['roadinfobc.example', '--api-url', bluesky.url, ...MONTH, '--json']));
    expect(r.mode).toBe('inbound+outbound');
    // M1 replied to T1 and got R1; M3 replied to T4 and got R3: 2 / 2. (M2 only mentions the
    // account without replying: Bluesky serves mentions to logged-in accounts only.)
    expect(r.metrics.responseRate).toMatchObject({ value: 1, inbound: 2, answered: 2, pending: 0 });
    // a thread request only for own posts (not reposts) with replyCount > 0: T1, T2, Q1, T4, P0
    expect(bluesky.count('/xrpc/app.bsky.feed.getPostThread')).toBe(5);
  });

  it('--no-inbound: outbound only, and no mentions request', async () => {
    const before = x.count('/2/users/289134506/mentions');
    const r = report(await runCliAsync(['@RoadInfoBC', '--api-url', x.url, ...MONTH, '--no-inbound', '--json'], { env: { X_BEARER_TOKEN: TOKEN } }));
    expect(r.mode).toBe('outbound-only');
    expect(r.metrics.responseRate).toBeNull();
    expect(x.count('/2/users/289134506/mentions')).toBe(before);
  });
});

describe('live failures: one line, the documented exit code, never the token', () => {
  it('a rejected token is exit 3 "token rejected", and the token is nowhere', async () => {
    const r = await runCliAsync(['@RoadInfoBC', '--api-url', x.url, ...WINDOW], { env: { X_BEARER_TOKEN: 'WRONG-TOKEN-5e1d' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^social-audit: .*token rejected.*X_BEARER_TOKEN[^\n]*\n$/);
    expect(r.stderr).not.toContain('WRONG-TOKEN-5e1d');
  });

  it('an unknown account is exit 2', async () => {
    const r = await runCliAsync(['nobody.example', '--api-url', bluesky.url, ...WINDOW]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('Ctrl-C while a page hangs: exit 130, one line, no stack', async () => {
    const hang = await startServer({
      '/xrpc/app.bsky.actor.getProfile': () => ({ json: fixture('bluesky/api/getProfile.json') }),
      '/xrpc/app.bsky.feed.getAuthorFeed': () => ({ action: 'hang' }),
    });
    try {
      const r = await runCliAsync(['roadinfobc.example', '--api-url', hang.url, ...WINDOW], {
        onStart: (child) => {
          const poll = setInterval(() => {
            if (hang.count('/xrpc/app.bsky.feed.getAuthorFeed') > 0) {
              clearInterval(poll);
              child.kill('SIGINT');
            }
          }, 20);
        },
      });
      expect(r.code).toBe(130);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('social-audit: interrupted\n');
    } finally {
      await hang.close();
    }
  });
});
