// social-audit benchmark: `npm run bench` (build, then this), `npm run bench -- --quick` for the
// small sizes only. Prints a table and writes bench/results.json. Every target is a ratio of two
// figures measured in the same run, since absolute timings on shared machines are noisy.
//
// What is measured (see docs/performance.md for the figures and what they mean):
// - audit vs parse, per size (10k, 100k, 1M posts): the wall time of the whole CLI audit of a
//   generated posts file (JSON Lines) in a child process, against the time a child takes only to
//   read that file and JSON.parse each line, keeping the documents; peak RSS of both children.
// - scaling: how the audit time grows with each 10× step in posts.
// - fetch: 20,000 posts of one Mastodon account from a local server that holds every response
//   back 50 ms: requests against the minimum, wall time against requests × 50 ms; and ten
//   accounts at the default concurrency against the same ten one after another.
// - start-up: `social-audit --help` against `node -e 0` (medians).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePostsFile } from './generate.js';
import { MASTODON_PAGE, startMastodonServer } from './mastodon-server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'social-audit.js');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
// A quick run does not replace the full run's figures.
const outFlag = args.indexOf('--out');
const OUT = outFlag >= 0 && args[outFlag + 1] ? resolve(args[outFlag + 1]) : join(ROOT, 'bench', QUICK ? 'results.quick.json' : 'results.json');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const TARGETS = {
  auditParseRatioAt1M: 1.5,
  peakRssMBAt1M: 1024,
  scalingPer10x: 11,
  fetchWallOverFloor: 1.1,
  tenAccountsConcurrentOverSequential: 0.35,
  startupRatio: 2,
};

const SIZES = QUICK ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const FETCH_POSTS = QUICK ? 4_000 : 20_000;
const TEN_POSTS_EACH = QUICK ? 800 : 2_000;
const DELAY_MS = 50;
const STARTUP_RUNS = 10;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const round = (x, digits = 0) => (x === null ? null : Number(x.toFixed(digits)));
const log = (line) => process.stderr.write(`${line}\n`);

/**
 * Runs `node <args>` as a child; resolves with its wall time, peak RSS (MiB) and outputs. Peak RSS
 * comes from /usr/bin/time when there is one, else from `process.resourceUsage()` reported by a
 * preloaded module at the child's exit.
 */
function runNode(nodeArgs, { stdoutFile = null, env = {} } = {}) {
  return new Promise((resolveRun, reject) => {
    const marker = 'BENCH_MAXRSS_KB=';
    const preload = TIME === null ? ['--import', `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n${marker}'+process.resourceUsage().maxRSS+'\\n'))`] : [];
    const command = TIME ?? process.execPath;
    const argv = TIME ? ['-f', `\n${marker}%M`, process.execPath, ...nodeArgs] : [...preload, ...nodeArgs];
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (d) => {
      if (stdoutFile !== null) out.push(d);
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const m = new RegExp(`${marker}(\\d+)`).exec(err);
      if (stdoutFile !== null) writeFileSync(stdoutFile, Buffer.concat(out));
      resolveRun({ code, ms, rssMB: m ? Number(m[1]) / 1024 : null, stderr: err.replace(new RegExp(`\\n?${marker}\\d+\\n?`), '').trim() });
    });
  });
}

function fail(message) {
  throw new Error(message);
}

async function auditOnce(file, reportFile) {
  const run = await runNode([CLI, '--input', file, '--json', '--since', '2010-01-01', '--until', '2030-01-01'], { stdoutFile: reportFile });
  if (run.code !== 0) fail(`the audit of ${file} exited ${run.code}: ${run.stderr}`);
  return run;
}

async function parseOnce(file) {
  const run = await runNode([join(ROOT, 'bench', 'parse-child.js'), file]);
  if (run.code !== 0) fail(`parsing ${file} exited ${run.code}: ${run.stderr}`);
  return run;
}

/** Audit and parse of one size: alternated, the median of `repeats` runs each. */
async function measureSize(dir, posts) {
  const file = join(dir, `posts-${posts}.jsonl`);
  const genStart = performance.now();
  const { bytes } = writePostsFile(file, posts);
  const generateMs = performance.now() - genStart;
  const repeats = posts >= 1_000_000 ? 2 : 3;
  const audits = [];
  const parses = [];
  const reportFile = join(dir, `report-${posts}.json`);
  for (let i = 0; i < repeats; i++) {
    parses.push(await parseOnce(file));
    audits.push(await auditOnce(file, reportFile));
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  if (report.source.itemsRead !== posts || report.counts.items !== posts) {
    fail(`the audit of ${posts} posts read ${report.source.itemsRead} and counted ${report.counts.items} items`);
  }
  rmSync(file, { force: true });
  const auditMs = median(audits.map((r) => r.ms));
  const parseMs = median(parses.map((r) => r.ms));
  const peak = (runs) => (runs.every((r) => r.rssMB !== null) ? Math.max(...runs.map((r) => r.rssMB)) : null);
  return {
    posts,
    fileMB: round(bytes / 1048576, 1),
    generateMs: round(generateMs),
    runs: repeats,
    auditMs: round(auditMs),
    parseMs: round(parseMs),
    ratio: round(auditMs / parseMs, 2),
    peakRssMB: round(peak(audits)),
    parsePeakRssMB: round(peak(parses)),
    score: report.score.value,
  };
}

let helpText = null;
function cliHelp() {
  helpText ??= spawnSync(process.execPath, [CLI, '--help'], { cwd: ROOT, encoding: 'utf8' }).stdout ?? '';
  return helpText;
}

/** The default concurrency when this build audits several accounts in one run (`social-audit @a @b`), else null. */
function cliHasConcurrency() {
  const m = /--concurrency <n>.*?\(default (\d+)\)/s.exec(cliHelp());
  return m ? Number(m[1]) : null;
}

async function liveAudit(accounts, server, extra = []) {
  const named = accounts.map((a) => `@${a}@${server.host}`);
  const since = new Date(server.oldestMs - 86_400_000).toISOString();
  const until = new Date(server.newestMs + 86_400_000).toISOString();
  // The fetch itself is measured: no fetch cache (and, should this build ignore --no-cache, one
  // in a folder of the run's own, never the user's).
  const noCache = cliHelp().includes('--no-cache') ? ['--no-cache'] : [];
  const run = await runNode(
    [CLI, ...named, '--api-url', server.url, '--since', since, '--until', until, '--no-inbound', '--json', ...noCache, ...extra],
    { stdoutFile: null, env: { XDG_CACHE_HOME: join(server.tmp, 'cache') } },
  );
  if (run.code !== 0) fail(`the live audit of ${named.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run;
}

/**
 * Ten accounts in-process, for a build whose CLI audits one account per run: the Mastodon fetcher
 * of dist/ over each account's whole history, `limit` accounts at a time.
 */
async function fetchAccountsInProcess(accounts, server, limit) {
  const { fetchMastodon } = await import('../dist/fetchers/mastodon/api.js');
  const { HttpClient } = await import('../dist/http/client.js');
  const { parseAccountArg } = await import('../dist/account.js');
  const window = { sinceMs: server.oldestMs - 86_400_000, untilMs: server.newestMs + 86_400_000 };
  const one = async (name) => {
    const http = new HttpClient({ timeoutMs: 30_000, maxWaitMs: 60_000 });
    try {
      const source = await fetchMastodon(parseAccountArg(`@${name}@${server.host}`, 'mastodon'), {
        http,
        apiUrl: server.url,
        window,
        tokens: {},
        progress: () => undefined,
      });
      let n = 0;
      for await (const _ of source.posts) n += 1;
      return n;
    } finally {
      await http.close();
    }
  };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < accounts.length) await one(accounts[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, accounts.length) }, worker));
  return performance.now() - started;
}

async function measureFetch(dir) {
  const ten = Array.from({ length: 10 }, (_, i) => `office${i}`);
  const server = await startMastodonServer({
    accounts: { roads: FETCH_POSTS, ...Object.fromEntries(ten.map((a) => [a, TEN_POSTS_EACH])) },
    delayMs: DELAY_MS,
  });
  server.tmp = dir;
  try {
    // One account: every page, newest to oldest.
    server.reset();
    const single = await liveAudit(['roads'], server);
    const requests = server.requests();
    const minimum = Math.ceil(FETCH_POSTS / MASTODON_PAGE) + 1;
    const floorMs = requests * DELAY_MS;

    // Ten accounts: at the default concurrency, then one after another.
    const concurrency = cliHasConcurrency();
    let tenAccounts;
    if (concurrency !== null) {
      server.reset();
      const together = await liveAudit(ten, server);
      const togetherRequests = server.requests();
      server.reset();
      const oneByOne = await liveAudit(ten, server, ['--concurrency', '1']);
      // Below 4, ten equal accounts take at least ceil(10 / n) rounds: 0.4 of one after another
      // at 3. What 4 and 5 would give is measured too, for choosing the default.
      const alternatives = {};
      if (concurrency < 4) {
        for (const n of [4, 5]) {
          const run = await liveAudit(ten, server, ['--concurrency', String(n)]);
          alternatives[n] = { ms: round(run.ms), ratio: round(run.ms / oneByOne.ms, 3) };
        }
      }
      tenAccounts = {
        mode: 'cli',
        postsEach: TEN_POSTS_EACH,
        requestsEach: Math.ceil(TEN_POSTS_EACH / MASTODON_PAGE) + 1,
        requests: togetherRequests,
        concurrency,
        concurrentMs: round(together.ms),
        sequentialMs: round(oneByOne.ms),
        ratio: round(together.ms / oneByOne.ms, 3),
        ...(Object.keys(alternatives).length > 0 ? { atOtherConcurrency: alternatives } : {}),
      };
    } else {
      const together = await fetchAccountsInProcess(ten, server, 3);
      const oneByOne = await fetchAccountsInProcess(ten, server, 1);
      tenAccounts = {
        mode: 'in-process (this build audits one account per run)',
        postsEach: TEN_POSTS_EACH,
        requestsEach: Math.ceil(TEN_POSTS_EACH / MASTODON_PAGE) + 1,
        concurrency: 3,
        concurrentMs: round(together),
        sequentialMs: round(oneByOne),
        ratio: round(together / oneByOne, 3),
      };
    }
    return {
      platform: 'mastodon',
      pageSize: MASTODON_PAGE,
      delayMs: DELAY_MS,
      posts: FETCH_POSTS,
      requests,
      minimum,
      wallMs: round(single.ms),
      floorMs,
      wallOverFloor: round(single.ms / floorMs, 3),
      peakRssMB: round(single.rssMB),
      tenAccounts,
    };
  } finally {
    await server.close();
  }
}

function measureStartup() {
  const time = (argv) => {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: 'ignore' });
    if (r.status !== 0) fail(`node ${argv.join(' ')} exited ${r.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  // One warm-up of each (file cache), then interleaved runs.
  time(['-e', '0']);
  time([CLI, '--help']);
  const help = [];
  const bare = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    bare.push(time(['-e', '0']));
    help.push(time([CLI, '--help']));
  }
  const helpMs = median(help);
  const nodeMs = median(bare);
  return { runs: STARTUP_RUNS, helpMs: round(helpMs, 1), nodeMs: round(nodeMs, 1), ratio: round(helpMs / nodeMs, 2) };
}

function pad(cells, widths) {
  return cells.map((c, i) => String(c ?? '-').padStart(widths[i])).join('  ');
}

function printTable(results) {
  const out = [];
  const w = [10, 9, 10, 9, 6, 8, 9];
  out.push('');
  out.push(pad(['posts', 'file MB', 'audit ms', 'parse ms', 'ratio', 'RSS MB', 'parse RSS'], w));
  for (const s of results.sizes) {
    out.push(pad([s.posts.toLocaleString('en-US'), s.fileMB, s.auditMs, s.parseMs, s.ratio, s.peakRssMB, s.parsePeakRssMB], w));
  }
  for (const s of results.scaling) out.push(`scaling ${s.from.toLocaleString('en-US')} → ${s.to.toLocaleString('en-US')} posts: audit × ${s.factor} (target ≤ ${TARGETS.scalingPer10x})`);
  const f = results.fetch;
  out.push('');
  out.push(`fetch ${f.posts.toLocaleString('en-US')} posts (Mastodon, ${f.pageSize}/page, +${f.delayMs} ms per response): ${f.requests} requests (minimum ${f.minimum}), ${f.wallMs} ms vs floor ${f.floorMs} ms = ${f.wallOverFloor} (target ≤ ${TARGETS.fetchWallOverFloor})`);
  const t = f.tenAccounts;
  out.push(`ten accounts × ${t.postsEach} posts, ${t.mode}: concurrency ${t.concurrency} ${t.concurrentMs} ms vs one after another ${t.sequentialMs} ms = ${t.ratio} (target ≤ ${TARGETS.tenAccountsConcurrentOverSequential})${Object.entries(t.atOtherConcurrency ?? {})
    .map(([n, a]) => `; at --concurrency ${n}: ${a.ms} ms = ${a.ratio}`)
    .join('')}`);
  const st = results.startup;
  out.push(`start-up: --help ${st.helpMs} ms vs node -e 0 ${st.nodeMs} ms = ${st.ratio} (target ≤ ${TARGETS.startupRatio}; medians of ${st.runs})`);
  out.push('');
  out.push('targets:');
  for (const [name, met] of Object.entries(results.met)) out.push(`  ${met === null ? 'n/a ' : met ? 'met ' : 'MISSED'}  ${name}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'social-audit-bench-'));
  const started = performance.now();
  const loadAtStart = loadavg().map((x) => round(x, 2));
  try {
    const sizes = [];
    for (const posts of SIZES) {
      log(`bench: ${posts.toLocaleString('en-US')} posts…`);
      sizes.push(await measureSize(dir, posts));
    }
    // Each 10× step in posts: how many times the audit time grew (target ≤ 11).
    const scaling = [];
    for (let i = 1; i < sizes.length; i++) {
      scaling.push({ from: sizes[i - 1].posts, to: sizes[i].posts, factor: round(sizes[i].auditMs / sizes[i - 1].auditMs, 2) });
    }
    // The later step's factor over the earlier one's (100k → 1M against 10k → 100k): above 1 when
    // the cost per post grows with the size (the 10k run is mostly start-up, so this overstates it).
    for (let i = 1; i < scaling.length; i++) scaling[i].overPreviousStep = round(scaling[i].factor / scaling[i - 1].factor, 2);
    log('bench: fetch…');
    const fetch = await measureFetch(dir);
    log('bench: start-up…');
    const startup = measureStartup();
    const at1M = sizes.find((s) => s.posts === 1_000_000) ?? null;
    const met = {
      [`audit/parse at 1M ≤ ${TARGETS.auditParseRatioAt1M}`]: at1M === null ? null : at1M.ratio <= TARGETS.auditParseRatioAt1M,
      [`peak RSS at 1M ≤ ${TARGETS.peakRssMBAt1M} MB`]: at1M === null || at1M.peakRssMB === null ? null : at1M.peakRssMB <= TARGETS.peakRssMBAt1M,
      [`10× posts ≤ ${TARGETS.scalingPer10x}× time`]: scaling.every((s) => s.factor <= TARGETS.scalingPer10x),
      'fetch requests = minimum': fetch.requests === fetch.minimum,
      [`fetch wall ≤ ${TARGETS.fetchWallOverFloor} × floor`]: fetch.wallOverFloor <= TARGETS.fetchWallOverFloor,
      [`ten accounts ≤ ${TARGETS.tenAccountsConcurrentOverSequential} × one after another`]:
        fetch.tenAccounts.ratio <= TARGETS.tenAccountsConcurrentOverSequential,
      [`start-up ≤ ${TARGETS.startupRatio} × node -e 0`]: startup.ratio <= TARGETS.startupRatio,
    };
    const results = {
      generatedAt: new Date().toISOString(),
      quick: QUICK,
      machine: {
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? null,
        memoryGB: round(totalmem() / 1024 ** 3, 1),
        freeMemoryGB: round(freemem() / 1024 ** 3, 1),
        rssFrom: TIME === null ? 'process.resourceUsage().maxRSS' : '/usr/bin/time %M',
        // 1, 5 and 15-minute load averages: other work on the machine slows every figure.
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg().map((x) => round(x, 2)),
      },
      targets: TARGETS,
      sizes,
      scaling,
      fetch,
      startup,
      met,
      totalMs: round(performance.now() - started),
    };
    writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
    log(`bench: wrote ${OUT} in ${(results.totalMs / 1000).toFixed(0)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
