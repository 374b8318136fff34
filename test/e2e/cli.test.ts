import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_MODEL } from '../../src/scoring/model.js';
import { ReportSchema, type Report } from '../../src/schema/report.js';
import { BIN, ROOT, runCli, type CliResult } from '../helpers/cli.js';
import { buildZip, tempDir } from '../helpers/zip.js';

/**
 * The built CLI end to end (metrics.md §6-8): what a user and a CI job see on stdout, stderr and
 * in the exit code. `npm test` builds dist/ first; run `npm run build` before running this file alone.
 *
 * Figures on the RoadInfo BC X archive (fixtures/x/archive, 9 tweets on 19-20 August 2026, see
 * fixtures/x/README.md) are computed by hand from the fixture and metrics.md in the comments.
 * Real data is covered in real-data.test.ts.
 */

const SAMPLE = join(ROOT, 'fixtures/sample/cascadia-roads-archive.zip');
const X_ARCHIVE = join(ROOT, 'fixtures/x/archive');
const X_MENTIONS = join(ROOT, 'fixtures/x/v2/user-mentions.json');
const X_V1_TRIMMED = join(ROOT, 'fixtures/x/v1/user-timeline.trimmed-users.jsonl');
const MASTODON_ARCHIVE = join(ROOT, 'fixtures/mastodon/archive');

const SGR = /\x1b\[[0-9;]*m/;
/** An ISO 8601 instant with an offset, as every instant of the report is written. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

const tmp = tempDir('social-audit-e2e-');
afterAll(() => tmp.cleanup());

/**
 * The committed JSON Schema, compiled with ajv (draft 2020-12, strict). `date-time` is checked
 * with our own instant pattern instead of ajv-formats (not a dependency).
 */
const validateReport = (() => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: true, formats: { 'date-time': ISO_INSTANT } });
  return ajv.compile(schema);
})();

function expectValidReport(json: unknown): Report {
  const ok = validateReport(json);
  expect(validateReport.errors ?? [], 'report.schema.json').toEqual([]);
  expect(ok).toBe(true);
  return ReportSchema.parse(json);
}

/** Runs with --json and returns the parsed, validated report (stderr must stay empty). */
function audit(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Report {
  const r = runCli([...args, '--json'], opts);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return expectValidReport(JSON.parse(r.stdout));
}

/** A non-zero exit prints exactly one line on stderr, prefixed and without a stack trace. */
function expectOneLine(r: CliResult): string {
  const lines = r.stderr.split('\n');
  expect(lines, `stderr: ${r.stderr}`).toHaveLength(2);
  expect(lines[1]).toBe('');
  const line = lines[0] ?? '';
  expect(line).toMatch(/^social-audit: \S/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return line;
}

/** Exit 2, nothing on stdout, one line on stderr matching every pattern. */
function expectUsage(r: CliResult, ...patterns: (string | RegExp)[]): string {
  expect(r.code, `stderr: ${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  const line = expectOneLine(r);
  for (const p of patterns) {
    if (typeof p === 'string') expect(line).toContain(p);
    else expect(line).toMatch(p);
  }
  return line;
}

function writeConfig(name: string, config: unknown): string {
  return tmp.file(name, JSON.stringify(config));
}

describe('the bundled sample (fixtures/sample, an X archive of a fictional agency)', () => {
  let report: Report;
  beforeAll(() => {
    report = audit(['--input', SAMPLE]);
  });

  it('--json prints only the report, valid against schema/report.schema.json and ReportSchema', () => {
    const r = runCli(['--input', SAMPLE, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('{')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('}')).toBe(true);
    const json: unknown = JSON.parse(r.stdout);
    expectValidReport(json);
    expect(report.account).toMatchObject({ platform: 'x', handle: 'CascadiaRoads' });
    expect(report.source).toMatchObject({ kind: 'archive', format: 'x-archive', complete: true });
    expect(report.score.value).toEqual(expect.any(Number));
    expect(['BEING', 'DOING']).toContain(report.score.verdict);
    expect(report.scoring).toEqual(DEFAULT_SCORING_MODEL);
    expect(report.generatedAt).toMatch(ISO_INSTANT);
  });

  it('the schema check is not vacuous: a broken report fails it', () => {
    const broken = structuredClone(report) as unknown as Record<string, unknown>;
    delete broken.score;
    expect(validateReport(broken)).toBe(false);
    const badTime = { ...structuredClone(report), generatedAt: 'yesterday' };
    expect(validateReport(badTime)).toBe(false);
    const badRatio = structuredClone(report);
    badRatio.metrics.mix.conversationShare = 1.5;
    expect(validateReport(badRatio)).toBe(false);
  });

  it('terminal output (stdout not a terminal): the handle, the score, the verdict and no colour', () => {
    const r = runCli(['--input', SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toContain('@CascadiaRoads');
    expect(r.stdout).toMatch(/\b\d{1,3}\/100\b/);
    expect(r.stdout).toContain(`${report.score.value}/100`);
    expect(r.stdout).toContain(`${report.score.verdict} social`);
  });

  it('NO_COLOR=1 turns colour off even when FORCE_COLOR asks for it; FORCE_COLOR=1 alone gives SGR codes', () => {
    const none = runCli(['--input', SAMPLE], { env: { NO_COLOR: '1' } });
    expect(none.code).toBe(0);
    expect(none.stdout).not.toContain('\x1b');
    const both = runCli(['--input', SAMPLE], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(both.stdout).not.toContain('\x1b');
    const forced = runCli(['--input', SAMPLE], { env: { FORCE_COLOR: '1' } });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(SGR);
    expect(forced.stdout).toContain('@CascadiaRoads');
    // Colour never leaks into JSON.
    const json = runCli(['--input', SAMPLE, '--json'], { env: { FORCE_COLOR: '1' } });
    expect(json.stdout).not.toContain('\x1b');
  });

  it('--format markdown prints a Markdown table', () => {
    const r = runCli(['--input', SAMPLE, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\x1b');
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => /^\|\s*Metric\s*\|/.test(l));
    expect(header).toBeGreaterThanOrEqual(0);
    expect(lines[header + 1]).toMatch(/^\|(\s*:?-{3,}:?\s*\|)+$/);
    expect(lines[header + 2]).toMatch(/^\|.*\|$/);
    expect(r.stdout).toContain(`${report.score.value}/100`);
  });

  it('--output <file>.json writes JSON while stdout stays terminal text; .md writes Markdown', () => {
    const json = join(tmp.dir, 'r.json');
    const r = runCli(['--input', SAMPLE, '--output', json]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('@CascadiaRoads');
    expect(r.stdout.trimStart().startsWith('{')).toBe(false);
    const written = expectValidReport(JSON.parse(readFileSync(json, 'utf8')));
    expect(written.score).toEqual(report.score);

    const md = join(tmp.dir, 'r.md');
    const m = runCli(['--input', SAMPLE, '--output', md, '--json']);
    expect(m.code).toBe(0);
    expectValidReport(JSON.parse(m.stdout));
    expect(readFileSync(md, 'utf8')).toMatch(/^\|\s*Metric\s*\|/m);
  });

  it('--output to any other extension writes plain text, never colour; --format decides over the extension', () => {
    const txt = join(tmp.dir, 'r.txt');
    const r = runCli(['--input', SAMPLE, '--output', txt], { env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(SGR);
    const text = readFileSync(txt, 'utf8');
    expect(text).not.toContain('\x1b');
    expect(text).toContain('@CascadiaRoads');

    const md = join(tmp.dir, 'forced.md');
    const f = runCli(['--input', SAMPLE, '--format', 'json', '--output', md]);
    expect(f.code).toBe(0);
    expectValidReport(JSON.parse(readFileSync(md, 'utf8')));
  });

  it('--fail-under above the score: exit 1 with one line on stderr, the report still printed', () => {
    const r = runCli(['--input', SAMPLE, '--fail-under', '100']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('@CascadiaRoads');
    const line = expectOneLine(r);
    expect(line).toBe(`social-audit: score ${report.score.value} is below --fail-under 100`);
  });

  it('--fail-under 0, or exactly the score: exit 0', () => {
    for (const limit of ['0', String(report.score.value)]) {
      const r = runCli(['--input', SAMPLE, '--fail-under', limit]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
  });

  it('no activity in the window: no score, and --fail-under fails even at 0', () => {
    const empty = audit(['--input', SAMPLE, '--month', '2016-04']);
    expect(empty.counts.items).toBe(0);
    expect(empty.score).toMatchObject({ value: null, verdict: 'NO_ACTIVITY' });
    const r = runCli(['--input', SAMPLE, '--month', '2016-04', '--fail-under', '0']);
    expect(r.code).toBe(1);
    expect(expectOneLine(r)).toContain('no score');
  });
});

describe('bad input: exit 2 and one line on stderr naming the file or flag (metrics.md §7)', () => {
  it('a missing file', () => {
    const path = join(tmp.dir, 'nope.json');
    expectUsage(runCli(['--input', path]), path, /no such file/);
  });

  it('an empty file', () => {
    const path = tmp.file('empty.json', '');
    expectUsage(runCli(['--input', path]), path, /empty/);
  });

  it('a truncated JSON file (half of a real fixture)', () => {
    const whole = readFileSync(join(ROOT, 'fixtures/x/v2/user-tweets.page1.json'));
    const path = tmp.file('half.json', whole.subarray(0, Math.floor(whole.length / 2)));
    expectUsage(runCli(['--input', path]), path, /is not valid JSON/, /cut short/);
  });

  it('a truncated JSON Lines file names the broken line', () => {
    const whole = readFileSync(X_V1_TRIMMED);
    const path = tmp.file('half.jsonl', whole.subarray(0, Math.floor(whole.length / 2)));
    expectUsage(runCli(['--input', path]), path, /line \d+ is not valid JSON/);
  });

  it('a truncated zip (the sample cut in half)', () => {
    const whole = readFileSync(SAMPLE);
    const path = tmp.file('half.zip', whole.subarray(0, Math.floor(whole.length / 2)));
    expectUsage(runCli(['--input', path]), path, /zip/);
  });

  it('a file whose bytes would break the line or drive the terminal: quoted as visible escapes', () => {
    // JSON.parse quotes a snippet of the text in its message: here a line break and a CSI
    // sequence (ESC [ 2 J, clear screen) that must not reach the terminal as such.
    const path = tmp.file('hostile.json', '{"a":\n\x1b[2J\x1b]0;pwned\x07\n}');
    const line = expectUsage(runCli(['--input', path]), path, /is not valid JSON/);
    expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(line).toContain('\\u001b[2J');
    expect(line).toContain('\\n');
  });

  it('a path with a line break in its name stays on one line', () => {
    const path = join(tmp.dir, 'two\nlines.json');
    expectUsage(runCli(['--input', path]), 'two\\nlines.json', /no such file/);
  });

  it('a zip without tweets.js or outbox.json', () => {
    const zip = buildZip([
      { name: 'README.txt', data: 'An archive of something else.' },
      { name: 'data/like.js', data: 'window.YTD.like.part0 = []' },
    ]);
    const path = tmp.file('other.zip', zip);
    expectUsage(runCli(['--input', path]), path, 'zip without data/tweets.js or outbox.json');
  });

  it('a folder of random files', () => {
    const dir = join(tmp.dir, 'random');
    mkdirSync(dir);
    tmp.file('random/notes.txt', 'hello');
    tmp.file('random/data.json', '{"x": 1}');
    expectUsage(runCli(['--input', dir]), dir, 'folder without data/tweets.js or outbox.json');
  });

  it('JSON of an unknown shape', () => {
    const path = tmp.file('hello.json', '{"hello": 1}');
    expectUsage(runCli(['--input', path]), path, /shape social-audit does not read/, /X API v1\.1 or v2 JSON/);
  });

  it.each([
    [['--month', '2016-13'], '--month "2016-13"'],
    [['--tz', 'Mars/Olympus'], '--tz "Mars/Olympus"'],
    [['--since', 'yesterday'], '--since "yesterday"'],
    [['--until', '2026-02-30'], '--until "2026-02-30"'],
    [['--month', '2026-08', '--since', '2026-08-01'], '--month cannot be combined'],
    [['--since', '2026-08-20', '--until', '2026-08-19'], 'the window is empty'],
    [['--format', 'pdf'], '--format'],
    [['--fail-under', 'abc'], '--fail-under "abc"'],
    [['--fail-under', '101'], '--fail-under "101"'],
    [['--unknown-flag'], '--unknown-flag'],
    [['--json', '--format', 'markdown'], '--json and --format markdown'],
    [['--platform', 'myspace'], '--platform'],
  ])('%j', (flags, expected) => {
    expectUsage(runCli(['--input', X_ARCHIVE, ...flags]), expected);
  });

  it('a config file with an unknown key names the key', () => {
    const path = writeConfig('unknown-key.json', { scoring: { curves: { replyRatioo: [[0, 0]] } } });
    expectUsage(runCli(['--input', X_ARCHIVE, '--config', path]), path, 'scoring.curves.replyRatioo');
  });

  it('a config file with a wrong type names the key', () => {
    const path = writeConfig('wrong-type.json', { ownHashtags: 'BCHwy97' });
    expectUsage(runCli(['--input', X_ARCHIVE, '--config', path]), path, 'config key ownHashtags');
  });

  it('a config file that is not JSON, or is missing', () => {
    const bad = tmp.file('bad-config.json', '{"ownHashtags": [');
    expectUsage(runCli(['--input', X_ARCHIVE, '--config', bad]), bad, /not valid JSON/);
    const missing = join(tmp.dir, 'no-config.json');
    expectUsage(runCli(['--input', X_ARCHIVE, '--config', missing]), missing, /not found/);
  });

  it('a config whose weights are all 0, or whose timeZone is unknown', () => {
    const zero = writeConfig('zero.json', { scoring: { weights: { replyRatio: 0, responseLatency: 0, mix: 0, selfPromotion: 0 } } });
    expectUsage(runCli(['--input', X_ARCHIVE, '--config', zero]), zero, 'scoring.weights');
    const tz = writeConfig('tz.json', { timeZone: 'Mars/Olympus' });
    expectUsage(runCli(['--input', X_ARCHIVE, '--config', tz]), 'config timeZone "Mars/Olympus"');
  });

  it('an X account without --input and without X_BEARER_TOKEN: says how to get a token, and that an archive needs none', () => {
    expectUsage(runCli(['@RoadInfoBC']), 'X_BEARER_TOKEN', 'developer.x.com', '--input', 'needs no token');
  });

  it('no account and no input', () => {
    expectUsage(runCli([]), 'name an account or give --input');
  });

  it('two accounts', () => {
    expectUsage(runCli(['@RoadInfoBC', '@DriveBC', '--input', X_ARCHIVE]), 'one account at a time');
  });

  it('an account that is not in a multi-author file', () => {
    expectUsage(runCli(['@DriveBC', '--input', X_MENTIONS]), X_MENTIONS, '"@DriveBC"', '@peachland_pete', '@okanagan_kat');
  });

  it('a multi-author file without an account argument lists the authors', () => {
    expectUsage(runCli(['--input', X_MENTIONS]), X_MENTIONS, '4 accounts', '@peachland_pete', '@truckerdave_bc');
  });

  it('a Mastodon account against an X archive', () => {
    expectUsage(runCli(['@a@b.example', '--input', X_ARCHIVE]), X_ARCHIVE, 'X posts', 'Mastodon account');
  });

  it('an account argument no platform accepts', () => {
    expectUsage(runCli(['@this_name_is_far_too_long', '--input', X_ARCHIVE]), 'not a valid X account');
  });

  it('an --output file that cannot be written fails before anything reaches stdout', () => {
    expectUsage(runCli(['--input', X_ARCHIVE, '--output', join(tmp.dir, 'no-such-folder', 'r.json')]), '--output');
  });

  it('an archive with no tweets at all: no activity, and a window that ends now rather than in 1970', () => {
    const path = join(tmp.dir, 'empty-tweets.js');
    writeFileSync(path, 'window.YTD.tweets.part0 = [ ]');
    const before = Date.now();
    const r = audit(['--input', path]);
    expect(r.score).toMatchObject({ value: null, verdict: 'NO_ACTIVITY' });
    const until = Date.parse(r.window.until);
    // the default window is the 30 days ending at the run's clock
    expect(until).toBeGreaterThanOrEqual(before - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 1000);
    expect(until - Date.parse(r.window.since)).toBe(30 * 86_400_000);
  });

  it('--debug adds the stack trace after the one-line message', () => {
    const path = join(tmp.dir, 'nope.json');
    const r = runCli(['--input', path, '--debug']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^social-audit: .*nope\.json/);
    expect(lines.length).toBeGreaterThan(2);
    expect(r.stderr).toMatch(/^\s+at /m);
    const usage = runCli(['--input', X_ARCHIVE, '--month', '2016-13', '--debug']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^UsageError: --month/m);
    expect(usage.stderr).toMatch(/^\s+at /m);
  });
});

describe('account selection', () => {
  it('@RoadInfoBC picks the archive owner, case-insensitively', () => {
    for (const arg of ['@RoadInfoBC', '@roadinfobc', 'ROADINFOBC']) {
      const r = audit([arg, '--input', X_ARCHIVE]);
      expect(r.account).toMatchObject({ platform: 'x', handle: 'RoadInfoBC', id: '289134506' });
      expect(r.counts.items).toBe(9);
    }
  });

  it('in a file of several authors, the argument chooses one and the rest are counted as other authors', () => {
    const r = audit(['@Okanagan_Kat', '--input', X_MENTIONS]);
    expect(r.account).toMatchObject({ handle: 'okanagan_kat', id: '1124378617443254272' });
    // 4 mentions, one per author: Kat's is audited, 3 are left out and reported.
    expect(r.source).toMatchObject({ itemsRead: 1, otherAuthors: 3 });
    expect(r.warnings.map((w) => w.code)).toContain('other-authors');
  });

  it('X v1.1 data trimmed to user ids: the argument names the author', () => {
    const named = audit(['@RoadInfoBC', '--input', X_V1_TRIMMED]);
    expect(named.account).toMatchObject({ handle: 'RoadInfoBC', id: '289134506' });
    const bare = audit(['--input', X_V1_TRIMMED]);
    expect(bare.account).toMatchObject({ handle: null, id: '289134506' });
    expect(named.counts).toEqual(bare.counts);
  });

  it('a bare @name reads as the platform of the input (a Mastodon archive)', () => {
    const r = audit(['@roadinfobc', '--input', MASTODON_ARCHIVE]);
    expect(r.account).toMatchObject({ platform: 'mastodon', handle: 'RoadInfoBC@mstdn.bc.example' });
  });
});

describe('the window in a time zone (metrics.md §1)', () => {
  it('--month with --tz America/Vancouver runs from local midnight to local midnight (PDT, UTC-7)', () => {
    const r = audit(['--input', X_ARCHIVE, '--month', '2026-08', '--tz', 'America/Vancouver']);
    expect(r.window).toEqual({ since: '2026-08-01T07:00:00.000Z', until: '2026-09-01T07:00:00.000Z', timeZone: 'America/Vancouver' });
    expect(r.counts.items).toBe(9);
  });

  it('a month across the end of daylight saving time: 00:00 PDT to 00:00 PST', () => {
    // DST ends on Sunday 1 November 2026 at 02:00 local, after midnight: the month starts at
    // 07:00Z (UTC-7) and ends at 08:00Z on 1 December (UTC-8). Of the sample's tweets only the
    // newest, 2026-11-01T19:20:43Z, falls in it.
    const r = audit(['--input', SAMPLE, '--month', '2026-11', '--tz', 'America/Vancouver']);
    expect(r.window).toEqual({ since: '2026-11-01T07:00:00.000Z', until: '2026-12-01T08:00:00.000Z', timeZone: 'America/Vancouver' });
    expect(r.counts.items).toBe(1);
  });

  it('the time zone decides which items a day holds', () => {
    // T3 (2090242410941788160) was posted at 2026-08-20T01:00:00Z, which is 18:00 on 19 August
    // in Vancouver. 19 August in UTC holds T1, R1, T2, RT1, Q1 and R2 (6 items); in Vancouver
    // time also T3 (7). T4 and R3 (20 August, 15:12Z and 15:44Z) are 20 August in both.
    const utc = audit(['--input', X_ARCHIVE, '--since', '2026-08-19', '--until', '2026-08-19']);
    expect(utc.window).toEqual({ since: '2026-08-19T00:00:00.000Z', until: '2026-08-20T00:00:00.000Z', timeZone: 'UTC' });
    expect(utc.counts.items).toBe(6);
    const van = audit(['--input', X_ARCHIVE, '--since', '2026-08-19', '--until', '2026-08-19', '--tz', 'America/Vancouver']);
    expect(van.window).toEqual({ since: '2026-08-19T07:00:00.000Z', until: '2026-08-20T07:00:00.000Z', timeZone: 'America/Vancouver' });
    expect(van.counts.items).toBe(7);
    expect(van.counts.original - utc.counts.original).toBe(1);
  });

  it('without a window the 30 days end at the newest item plus 1 ms', () => {
    // Newest item: R3, 2090464954038857728 at 2026-08-20T15:44:18.660Z (its snowflake time).
    const r = audit(['--input', X_ARCHIVE]);
    expect(r.window).toEqual({ since: '2026-07-21T15:44:18.661Z', until: '2026-08-20T15:44:18.661Z', timeZone: 'UTC' });
  });
});

/**
 * The config changes the figures in the expected way, on the RoadInfo BC archive (9 items in
 * August 2026). By hand, from fixtures/x/archive/data/tweets.js (times UTC):
 *
 *   T1  19 Aug 14:05 original    #BCHwy97 #OkanaganFire, link roadinfobc.example/events/DBC-58213
 *   R1  19 Aug 14:38 reply to @okanagan_kat (link roadinfobc.example)
 *   T2  19 Aug 17:02 reply to itself, #BCHwy97
 *   RT1 19 Aug 17:10 retweet of @BCFireUpdates
 *   Q1  19 Aug 18:30 quote of x.com/BCFireUpdates/status/2090137261372575744, #BCHwy5 #BCHwy97C
 *   R2  19 Aug 20:47 reply to @truckerdave_bc
 *   T3  20 Aug 01:00 original "Download the free RoadInfo BC app: …" #DriveSafe, link roadinfobc.example/app
 *   T4  20 Aug 15:12 original    #BCHwy97, link roadinfobc.example/events/DBC-58213
 *   R3  20 Aug 15:44 reply to @peachland_pete
 *
 * The archive has no profile.js, so there is no profile website, and no tweet carries a default
 * promotional phrase ("Download the free" is not "download our"): selfPromotion.count = 0.
 *
 * Default score (metrics.md §4):
 * - reply ratio 3 / (9 - 1 repost) = 0.375 → 0.5 + (0.175 / 0.3) × 0.4 = 0.73333 → 18.333 of 25
 * - latency: first replies after 985.323 s (R1), 6138.114 s (R2), 1402.927 s (R3) by the
 *   snowflake times of their targets; median 1402.927 s → 1 - (502.927 / 2700) × 0.1 = 0.98137,
 *   × min(1, 3 / 10) = 0.29441 → 8.832 of 30
 * - mix: conversation R1, R2, R3, Q1 = 4 / 9 = 0.4444 → 0.5 + (0.2444 / 0.3) × 0.4 = 0.82593 → 20.648 of 25
 * - self-promotion 0 / 9 → 1 → 20 of 20
 * - total 67.81 → 68, BEING social (threshold 60).
 */
describe('the config file changes the figures (metrics.md §3.4, §4, §8)', () => {
  const AUGUST = ['--input', X_ARCHIVE, '--month', '2026-08'];
  const withConfig = (name: string, config: unknown): Report => audit([...AUGUST, '--config', writeConfig(name, config)]);

  it('no config: the figures computed by hand above', () => {
    const r = audit(AUGUST);
    expect(r.counts).toMatchObject({ items: 9, original: 3, replyToOther: 3, replyToSelf: 1, quoteToOther: 1, repostToOther: 1 });
    expect(r.metrics.replyRatio.value).toBe(0.375);
    expect(r.metrics.replyRatio.score).toBeCloseTo(0.733333, 5);
    expect(r.metrics.responseLatency.medianSeconds).toBeCloseTo(1402.927, 6);
    expect(r.metrics.responseLatency.score).toBeCloseTo(0.3 * (1 - (502.927 / 2700) * 0.1), 6);
    expect(r.metrics.mix.conversationShare).toBeCloseTo(4 / 9, 12);
    expect(r.metrics.mix.score).toBeCloseTo(0.5 + ((4 / 9 - 0.2) / 0.3) * 0.4, 6);
    expect(r.metrics.selfPromotion).toMatchObject({ count: 0, share: 0, score: 1 });
    expect(r.score).toMatchObject({ value: 68, verdict: 'BEING' });
    expect(r.scoring).toEqual(DEFAULT_SCORING_MODEL);
  });

  it('ownHashtags alone: a campaign hashtag is 1 point, not enough to be self-promotion', () => {
    // #BCHwy97 is on T1, T2 and T4 (1 point each; Q1's #BCHwy97C is another tag): still 0.
    const r = withConfig('hashtags.json', { ownHashtags: ['BCHwy97'] });
    expect(r.metrics.selfPromotion.count).toBe(0);
    expect(r.score.value).toBe(68);
  });

  it('ownHashtags + ownDomains: a link home with the campaign hashtag is 2 points', () => {
    // T1 and T4: link to roadinfobc.example (1) + #BCHwy97 (1) = 2 → self-promotional.
    // T2 has the hashtag but no link (1), T3 the link but #DriveSafe (1); R1 links home but is a
    // reply to someone else, which is never self-promotion. count 0 → 2.
    // share 2/9 = 0.2222 → 0.5 - (0.0222 / 0.3) × 0.4 = 0.47037 → 9.407 of 20 instead of 20:
    // 18.333 + 8.832 + 20.648 + 9.407 = 57.22 → 57, DOING social.
    const r = withConfig('hashtags-domains.json', { ownHashtags: ['BCHwy97'], ownDomains: ['roadinfobc.example'] });
    const sp = r.metrics.selfPromotion;
    expect(sp.count).toBe(2);
    expect(sp.share).toBeCloseTo(2 / 9, 12);
    expect(sp.items.map((i) => i.id)).toEqual(['2090456862499086336', '2090077627686039552']); // T4, T1 (newest first)
    for (const item of sp.items) expect(item.signals).toEqual(['ownDomainLink', 'ownHashtag']);
    expect(sp.score).toBeCloseTo(0.5 - ((2 / 9 - 0.2) / 0.3) * 0.4, 6);
    expect(r.score).toMatchObject({ value: 57, verdict: 'DOING' });
  });

  it('ownDomains alone: a bare link home is informing, not promoting', () => {
    // T1, T3 and T4 link to roadinfobc.example: 1 point each.
    const r = withConfig('domains.json', { ownDomains: ['www.roadinfobc.example'] });
    expect(r.metrics.selfPromotion.count).toBe(0);
  });

  it('affiliates: a repost or a quote of an affiliate is 2 points', () => {
    // RT1 retweets @BCFireUpdates and Q1 quotes its post (its author is read from the status
    // link): 2 points each. count 0 → 2, and the score drops from 68 to 57 as above.
    const r = withConfig('affiliates.json', { affiliates: ['@bcfireupdates'] });
    const sp = r.metrics.selfPromotion;
    expect(sp.count).toBe(2);
    expect(sp.items.map((i) => [i.id, i.signals])).toEqual([
      ['2090144264556617728', ['repostOfOwnOrAffiliate']], // Q1
      ['2090124146346573824', ['repostOfOwnOrAffiliate']], // RT1
    ]);
    expect(r.score).toMatchObject({ value: 57, verdict: 'DOING' });
  });

  it('selfPromotion.phrases replaces the default list', () => {
    // "download the free" is in T3's text: 2 points. count 1, share 1/9 = 0.1111 →
    // 0.9 - (0.0611 / 0.15) × 0.4 = 0.73704 → 14.741 of 20: 18.333 + 8.832 + 20.648 + 14.741 = 62.55 → 63.
    const r = withConfig('phrases.json', { selfPromotion: { phrases: ['Download the FREE'] } });
    expect(r.metrics.selfPromotion.count).toBe(1);
    expect(r.metrics.selfPromotion.items[0]).toMatchObject({ id: '2090242410941788160', signals: ['promotionalWording'] });
    expect(r.score.value).toBe(63);
  });

  it('scoring.weights and scoring.threshold change the score and the verdict, and the report echoes them', () => {
    // Latency weighs 0: (18.333 + 20.648 + 20) / (25 + 25 + 20) = 58.981 / 70 = 0.84259 → 84,
    // DOING social against a threshold of 85.
    const r = withConfig('weights.json', { scoring: { weights: { responseLatency: 0 }, threshold: 85 } });
    expect(r.score).toMatchObject({ value: 84, verdict: 'DOING' });
    expect(r.scoring.weights).toEqual({ replyRatio: 25, responseLatency: 0, mix: 25, selfPromotion: 20, responseRate: 30 });
    expect(r.scoring.threshold).toBe(85);
    expect(r.scoring.curves).toEqual(DEFAULT_SCORING_MODEL.curves);
    expect(r.score.breakdown.find((b) => b.metric === 'responseLatency')).toMatchObject({ weight: 0, points: 0 });
  });

  it('scoring.curves and latencyFullAt are applied and echoed', () => {
    // latencyFullAt 3: 3 timed replies are enough for the full latency score, 0.98137 → 29.441 of 30:
    // 18.333 + 29.441 + 20.648 + 20 = 88.42 → 88.
    const r = withConfig('latency.json', { scoring: { latencyFullAt: 3 } });
    expect(r.metrics.responseLatency.score).toBeCloseTo(1 - (502.927 / 2700) * 0.1, 6);
    expect(r.scoring.latencyFullAt).toBe(3);
    expect(r.score.value).toBe(88);
    // A reply-ratio curve that needs 100% replies for full marks: 0.375 → 0.375 → 9.375 of 25:
    // 9.375 + 8.832 + 20.648 + 20 = 58.86 → 59, DOING.
    const c = withConfig('curve.json', { scoring: { curves: { replyRatio: [[0, 0], [1, 1]] } } });
    expect(c.metrics.replyRatio.score).toBeCloseTo(0.375, 12);
    expect(c.scoring.curves.replyRatio).toEqual([[0, 0], [1, 1]]);
    expect(c.score).toMatchObject({ value: 59, verdict: 'DOING' });
  });

  it('an accounts entry applies to its handle only (case-insensitive, with or without @)', () => {
    const config = { accounts: { roadinfobc: { affiliates: ['BCFireUpdates'] }, '@DriveBC': { affiliates: ['TranBC'] } } };
    expect(withConfig('accounts.json', config).metrics.selfPromotion.count).toBe(2);
    const other = { accounts: { '@DriveBC': { affiliates: ['BCFireUpdates'] } } };
    expect(withConfig('accounts-other.json', other).metrics.selfPromotion.count).toBe(0);
  });

  it('social-audit.config.json in the working folder is picked up; --config wins over it', () => {
    const cwd = join(tmp.dir, 'project');
    mkdirSync(cwd);
    tmp.file('project/social-audit.config.json', JSON.stringify({ affiliates: ['BCFireUpdates'], scoring: { threshold: 50 } }));
    const auto = audit(AUGUST, { cwd });
    // affiliates → 57 as above, BEING social against a threshold of 50
    expect(auto.metrics.selfPromotion.count).toBe(2);
    expect(auto.score).toMatchObject({ value: 57, verdict: 'BEING' });
    expect(auto.scoring.threshold).toBe(50);

    const explicit = audit([...AUGUST, '--config', writeConfig('plain.json', {})], { cwd });
    expect(explicit.metrics.selfPromotion.count).toBe(0);
    expect(explicit.scoring).toEqual(DEFAULT_SCORING_MODEL);

    // A broken default file is reported like an explicit one.
    const broken = join(tmp.dir, 'broken-project');
    mkdirSync(broken);
    tmp.file('broken-project/social-audit.config.json', '{"ownHashtagz": []}');
    expectUsage(runCli(AUGUST, { cwd: broken }), 'social-audit.config.json', 'ownHashtagz');
  });

  it('the config timeZone is the default for --tz; --tz wins', () => {
    const path = writeConfig('tz-default.json', { timeZone: 'America/Vancouver' });
    const r = audit([...AUGUST, '--config', path]);
    expect(r.window).toEqual({ since: '2026-08-01T07:00:00.000Z', until: '2026-09-01T07:00:00.000Z', timeZone: 'America/Vancouver' });
    const utc = audit([...AUGUST, '--config', path, '--tz', 'UTC']);
    expect(utc.window).toEqual({ since: '2026-08-01T00:00:00.000Z', until: '2026-09-01T00:00:00.000Z', timeZone: 'UTC' });
  });
});

describe('standard output that cannot be written', () => {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

  it('a reader that went away (`social-audit … | head`): no stack trace, exit 0', async () => {
    const child = spawn(process.execPath, [BIN, '--input', SAMPLE, '--json'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the read end closes before the CLI writes: its write fails with EPIPE
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk: one line, exit 2', () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, '--input', SAMPLE, '--json'], { cwd: ROOT, env, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(expectOneLine({ code: r.status, stdout: '', stderr: r.stderr })).toBe(
        'social-audit: cannot write the report to standard output (ENOSPC)',
      );
    } finally {
      closeSync(fd);
    }
  });
});

describe('--help and --version', () => {
  it('exit 0', () => {
    const v = runCli(['--version']);
    expect(v.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(v.stdout.trim()).toBe(pkg.version);
    const h = runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--input <path>');
    expect(h.stderr).toBe('');
  });
});
