import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { extname } from 'node:path';
// Only what `--help` and `--version` need is imported here; zod (the option schemas), chalk, the
// config loader and the audit itself are imported when a command runs (docs/performance.md).
import type { ChalkInstance } from 'chalk';
import { Command, CommanderError, Option } from 'commander';
import type { AssertionOutcome, AssertionResult } from './assertions.js';
import type { FORMATS, Format, Options, TrendOptions } from './cli-options.js';
import type { LoadedConfig } from './config-load.js';
import type { DryRunEntry } from './dry-run.js';
import { AuditError, ExitCode, InterruptedError, UsageError } from './errors.js';
import type { HttpClient } from './http/client.js';
import type { LoadedReport } from './report/read-report.js';
import type { MultiEntry } from './report/multi.js';
import type { AuditRequest, CompareWith, LiveOptions } from './run-audit.js';
import type { Report } from './schema/report.js';

/** The streams and environment the CLI talks to (tests pass their own). */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
}

/** The `--format` choices: those of `cli-options.ts` (the type says they are the same), without loading it. */
const FORMAT_CHOICES: typeof FORMATS = ['terminal', 'json', 'markdown'];

/** Accounts fetched at once in a many-account run, unless `--concurrency` says. */
export const DEFAULT_CONCURRENCY = 4;

export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function parseScore(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`--fail-under "${value}" is not a score; give a number from 0 to 100`);
  }
  return n;
}

/** `--timeout <seconds>`: a positive number of seconds. */
function parseTimeout(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--timeout "${value}" is not a number of seconds; give one above 0, such as 30`);
  }
  return n;
}

/** `--max-wait <duration>`: seconds, or a number with `s`, `m` or `h` (`90s`, `15m`, `1h`). */
export function parseDurationSeconds(value: string, flag = '--max-wait'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h)?\s*$/i.exec(value);
  if (!m) throw new UsageError(`${flag} "${value}" is not a duration; use seconds or a number with s, m or h, such as 15m`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return unit === 'h' ? n * 3600 : unit === 's' ? n : n * 60;
}

/** `--concurrency <n>`: a whole number of accounts, at least 1. */
function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1) {
    throw new UsageError(`--concurrency "${value}" is not a number of accounts; give a whole number from 1, such as 3`);
  }
  return n;
}

/** `--x-price <usd>`: US dollars per X post read, 0 or more. */
function parsePrice(value: string): number {
  const n = Number(value.trim().replace(/^\$/, ''));
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--x-price "${value}" is not a price; give US dollars per post read, such as 0.005`);
  }
  return n;
}

/** The options the audit and `fetch` share: where to read, which window, how to fetch. */
function addSourceOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--platform <platform>', 'how to read a bare @handle (default x)').choices(['x', 'mastodon', 'bluesky']))
    .option('--api-url <url>', "the platform's base URL (self-hosted servers, tests)")
    .option('--since <date>', 'window start: YYYY-MM-DD (midnight in --tz) or an ISO instant')
    .option('--until <date>', 'window end (exclusive instant; a date includes that whole day)')
    .option('--month <YYYY-MM>', 'audit one calendar month in --tz')
    .option('--tz <zone>', 'IANA time zone for --month and dates (default: config timeZone, else UTC)')
    .option('--config <file>', 'config file (default: social-audit.config.json in this folder, if present)')
    .option('--timeout <seconds>', 'connect and read timeout of each request (default 30)', parseTimeout)
    .option('--max-wait <duration>', 'longest rate-limit wait before stopping with partial data (default 15m)', (v: string) => parseDurationSeconds(v))
    .option('--cache-dir <dir>', 'where live fetches keep the posts they fetched (default: the user cache folder; docs/cache.md)')
    .option('--no-cache', 'fetch everything afresh: neither read nor write the fetch cache')
    .option('--debug', 'stack traces on errors');
}

function buildProgram(
  run: (accounts: string[], opts: Options) => Promise<void>,
  fetch: (account: string, opts: Options) => Promise<void>,
  trend: (files: string[], opts: TrendOptions) => Promise<void>,
): Command {
  const program = new Command('social-audit')
    .description(
      'Audit a public social-media account: is it broadcasting at people (doing social) or listening and answering (being social)?',
    )
    .version(toolVersion(), '-V, --version')
    .argument(
      '[account...]',
      'the account: @name (X), @user@server (Mastodon), name.bsky.social or did:… (Bluesky); several (live) give one table of them; none (live): the config\'s accounts',
    )
    .option('--input <path>', 'read offline: an X or Mastodon archive (.zip or folder), X API v1.1/v2 JSON, a Bluesky feed, or a social-audit posts file')
    .addOption(new Option('--format <format>', 'report format on stdout').choices(FORMAT_CHOICES))
    .option('--json', 'same as --format json')
    .option('--output <file>', 'also write the report to a file (format from the extension: .json, .md, else text)')
    .option('--fail-under <score>', 'exit 1 when the score is below this (or there is no score); the config\'s assert block says more', parseScore)
    .option('--include-private', 'also audit followers-only and direct posts found in an archive')
    .option(
      '--inbound <path>',
      'messages people sent the account (saved mentions or replies, any format --input reads); repeatable',
      (value: string, previous: unknown) => [...(Array.isArray(previous) ? (previous as string[]) : []), value],
    )
    .option('--no-inbound', 'do not fetch or read inbound messages: outbound figures only')
    .option('--compare <previous.json>', 'compare with an earlier report saved with --json (one account, or a many-account file)')
    .option('--concurrency <n>', `accounts fetched at once when several are audited (default ${DEFAULT_CONCURRENCY})`, parseConcurrency)
    .option('--dry-run', 'look the accounts up and estimate the timeline requests (and X cost) a live run would make, without fetching them')
    .option('--x-price <usd>', 'with --dry-run: US dollars per X post read (default: config pricing.xPerPost, else 0.005)', parsePrice);
  addSourceOptions(program)
    // Options after `fetch` belong to `fetch`, not to the audit that shares their names.
    .enablePositionalOptions()
    .showHelpAfterError(false)
    .exitOverride()
    .action(async (accounts: string[], raw: unknown) => run(accounts, (await import('./cli-options.js')).validateOptions(raw)));
  const fetchCmd = new Command('fetch')
    .description('fetch an account\'s posts live and save them in the social-audit posts format (audit them later with --input)')
    .argument('<account>', 'the account, written as for an audit')
    .option('--output <file>', 'where to write the posts (default: standard output)');
  addSourceOptions(fetchCmd)
    .exitOverride()
    .action(async (account: string, raw: unknown) => fetch(account, (await import('./cli-options.js')).validateOptions(raw)));
  program.addCommand(fetchCmd);
  const trendCmd = new Command('trend')
    .description('show how an account changed over saved JSON reports: a table by month and a sparkline per figure')
    .argument('<report.json...>', 'reports saved with --json --output, of one account (or many-account files with --account)')
    .addOption(new Option('--format <format>', 'output format (default terminal)').choices(FORMAT_CHOICES))
    .option('--json', 'same as --format json')
    .option('--output <file>', 'also write the trend to a file (format from the extension: .json, .md, else text)')
    .option('--account <account>', 'the account to follow when the files hold several (many-account reports)')
    .addOption(new Option('--platform <platform>', 'how to read a bare @handle in --account (default x)').choices(['x', 'mastodon', 'bluesky']))
    .option('--debug', 'stack traces on errors')
    .exitOverride()
    .action(async (files: string[], raw: unknown) => trend(files, (await import('./cli-options.js')).validateTrendOptions(raw)));
  program.addCommand(trendCmd);
  for (const cmd of [program, fetchCmd, trendCmd]) {
    cmd.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  }
  return program;
}

/** Colour level for a stream: NO_COLOR wins, then FORCE_COLOR, then whether it is a terminal. */
export function colorLevel(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    const n = Number(force);
    return n === 2 ? 2 : n === 3 ? 3 : 1;
  }
  if (!isTTY || env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit' ? 3 : 2;
}

/**
 * The width to lay the terminal output out at: the terminal's, else `COLUMNS` (set by shells,
 * or by hand for a CI log or a pipe), else 80.
 */
export function terminalColumns(stream: { columns?: number }, env: NodeJS.ProcessEnv): number {
  if (stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const n = Number(env.COLUMNS);
  return Number.isInteger(n) && n > 0 ? n : 80;
}

function formatFor(opts: Pick<Options, 'json' | 'format'>): Format {
  if (opts.json) {
    if (opts.format !== undefined && opts.format !== 'json') {
      throw new UsageError(`--json and --format ${opts.format} disagree; use one of them`);
    }
    return 'json';
  }
  return opts.format ?? 'terminal';
}

function outputFormat(file: string, opts: Pick<Options, 'format'>): Format {
  if (opts.format !== undefined) return opts.format;
  const ext = extname(file).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.md' || ext === '.markdown' ? 'markdown' : 'terminal';
}

/**
 * One account's report in `format`, with what the run added to it: the comparison (`--compare`)
 * and the assertions in `shown` after the scorecard, and before the Markdown footer. In JSON the
 * comparison is the report's own `comparison`.
 */
async function renderSingle(
  report: Report,
  shown: readonly AssertionResult[],
  format: Format,
  color: ChalkInstance,
  width: number,
): Promise<string> {
  switch (format) {
    case 'json': {
      const { renderJson } = await import('./report/json.js');
      return renderJson(report);
    }
    case 'markdown': {
      const { renderMarkdown } = await import('./report/markdown.js');
      const { renderComparisonMarkdown } = await import('./report/compare.js');
      const { renderAssertionsMarkdown } = await import('./assertions.js');
      const extras = [
        report.comparison != null ? renderComparisonMarkdown(report.comparison) : '',
        renderAssertionsMarkdown(shown),
      ].filter((e) => e !== '');
      return beforeFooter(renderMarkdown(report), extras);
    }
    case 'terminal': {
      const { renderTerminal } = await import('./report/terminal.js');
      const { renderComparisonTerminal } = await import('./report/compare.js');
      const { renderAssertionsTerminal } = await import('./assertions.js');
      const parts = [
        renderTerminal(report, { color, width }),
        report.comparison != null ? renderComparisonTerminal(report.comparison, { color, width }) : '',
        renderAssertionsTerminal(shown, { color, width }),
      ];
      return parts.filter((p) => p !== '').join('\n');
    }
  }
}

/** Markdown sections inserted before the report's closing `<sub>` footer line (after it if there is none). */
function beforeFooter(markdown: string, sections: readonly string[]): string {
  if (sections.length === 0) return markdown;
  const block = sections.map((s) => s.trimEnd()).join('\n\n');
  const at = markdown.lastIndexOf('\n<sub>');
  if (at < 0) return `${markdown.trimEnd()}\n\n${block}\n`;
  return `${markdown.slice(0, at).trimEnd()}\n\n${block}\n${markdown.slice(at)}`;
}

/**
 * What stderr says of a report's assertions, one line each, failed errors first, then failed
 * warnings. `--fail-under` keeps its own words: `score 59 is below --fail-under 60`.
 */
function assertionLines(outcome: AssertionOutcome, failUnder: number | undefined, report: Report): string[] {
  const failed = outcome.results.filter((r) => !r.passed);
  const line = (r: AssertionResult): string => {
    if (r.source === 'fail-under') {
      const value = report.score.value;
      return `${value === null ? 'no score (no activity in the window)' : `score ${value}`} is below --fail-under ${failUnder ?? r.min ?? 0}`;
    }
    return r.level === 'error' ? `assertion failed: ${oneLine(r.message)}` : `warning: assertion not met: ${oneLine(r.message)}`;
  };
  return [...failed.filter((r) => r.level === 'error'), ...failed.filter((r) => r.level === 'warn')].map(line);
}

/** `--cache-dir` and `--no-cache` together: said once, before anything is fetched. */
function checkCacheOptions(opts: Pick<Options, 'cache' | 'cacheDir'>): void {
  if (opts.cache === false && opts.cacheDir !== undefined) throw new UsageError('--cache-dir and --no-cache disagree; use one of them');
}

/** An account's failure in a many-account run: the message and exit code a run of it alone would give. */
function failureOf(err: unknown): { message: string; exitCode: number } {
  if (err instanceof AuditError) return { message: oneLine(err.message), exitCode: err.exitCode };
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    message: `internal error: ${oneLine(e.message)} (this is a bug; run again with --debug and report the output)`,
    exitCode: ExitCode.bug,
  };
}

/**
 * The exit code of a run over several accounts: the most serious of its accounts' (interrupted,
 * a bug, the platform failed, a usage or input error, an assertion failed), 0 when all passed.
 */
export function worstExit(codes: readonly number[]): number {
  const order: number[] = [ExitCode.interrupted, ExitCode.bug, ExitCode.platform, ExitCode.usage, ExitCode.belowThreshold];
  return order.find((code) => codes.includes(code)) ?? (codes.find((c) => c !== 0) ?? ExitCode.ok);
}

/**
 * A message as one line of inert text. A parser's message can quote a snippet of a hostile or
 * binary file: line breaks, terminal escape sequences and BiDi controls are written as visible
 * escapes (`\n`, `\u001b`), so nothing is lost and the terminal interprets nothing.
 */
function oneLine(message: string): string {
  return message.replace(/[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Writes to a stream and waits until it has taken the text, so that a failed write (a closed
 * pipe, a full disk) is an error here rather than an unhandled 'error' event with a stack trace.
 */
function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/**
 * Runs the command line and returns the exit code (metrics.md §7). The only place that maps
 * errors to exit codes and writes to the process's streams.
 */
export async function main(argv: string[], io?: Partial<CliIo>): Promise<number> {
  const env = io?.env ?? process.env;
  const stdout = io?.stdout ?? process.stdout;
  const stderr = io?.stderr ?? process.stderr;
  const cwd = io?.cwd ?? process.cwd();
  const now = io?.now ?? (() => new Date());
  const debug = argv.includes('--debug');
  // A failed write is also emitted as an 'error' event, which would crash the process with a
  // stack trace; the write's callback (see writeOut) reports it instead.
  if (stdout.listenerCount('error') === 0) stdout.on('error', () => undefined);
  let exitCode: number = ExitCode.ok;

  // Ctrl-C aborts one controller whose signal flows through every request and wait; a second
  // Ctrl-C (or a first one while nothing checks the signal for 2 s) ends the process at once.
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) return void process.exit(ExitCode.interrupted);
    controller.abort();
    setTimeout(() => {
      stderr.write('social-audit: interrupted\n');
      process.exit(ExitCode.interrupted);
    }, 2000).unref();
  };
  if (io?.stdout === undefined) process.on('SIGINT', onSigint);
  const clients: HttpClient[] = [];

  /**
   * Live-fetch settings from the options: tokens from the environment, a client of its own with
   * the timeouts (one per account, so each report counts its own requests), the cache folder.
   * `label` prefixes the account's stderr lines when several accounts are fetched at once.
   */
  const liveOptions = async (opts: Options, label?: string): Promise<LiveOptions> => {
    const { HttpClient } = await import('./http/client.js');
    const apiUrl = opts.apiUrl === undefined ? null : parseApiUrl(opts.apiUrl);
    const who = label === undefined ? '' : `${oneLine(label)}: `;
    const http = new HttpClient({
      timeoutMs: (opts.timeout ?? 30) * 1000,
      maxWaitMs: (opts.maxWait ?? 15 * 60) * 1000,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'rate-limit') {
          stderr.write(
            `social-audit: ${who}${event.endpoint} is rate-limited; waiting ${Math.ceil(event.waitMs / 1000)} s until it resets at ${new Date(event.resetAt).toISOString()}\n`,
          );
        } else if (event.type === 'retry' && stderr.isTTY) {
          stderr.write(`social-audit: ${who}${event.endpoint} failed (${event.reason}); retrying in ${(event.delayMs / 1000).toFixed(1)} s (try ${event.attempt + 1})\n`);
        }
      },
    });
    clients.push(http);
    return {
      apiUrl,
      tokens: { x: nonEmpty(env.X_BEARER_TOKEN), mastodon: nonEmpty(env.MASTODON_TOKEN) },
      http,
      signal: controller.signal,
      progress: (message) => {
        if (stderr.isTTY) stderr.write(`social-audit: ${who}${message}\n`);
      },
      cache: await cacheOption(opts),
    };
  };

  /** `--cache-dir` / `--no-cache`: the cache folder of live fetches, or null. */
  const cacheOption = async (opts: Options): Promise<{ dir: string } | null> => {
    if (opts.cache === false) return null;
    const { resolveCacheDir } = await import('./cache/dir.js');
    return { dir: resolveCacheDir({ cacheDir: opts.cacheDir ?? null, env, platform: process.platform, homeDir: homedir(), cwd }) };
  };

  const request = async (
    account: string | null,
    opts: Options,
    config: LoadedConfig,
    extra: { label?: string; compare?: CompareWith | null } = {},
  ): Promise<AuditRequest> => ({
    input: opts.input ?? null,
    ...(opts.input === undefined ? { live: await liveOptions(opts, extra.label) } : {}),
    account,
    platform: opts.platform ?? null,
    since: opts.since,
    until: opts.until,
    month: opts.month,
    timeZone: opts.tz,
    includePrivate: opts.includePrivate ?? false,
    inbound: opts.inbound === false ? false : (opts.inbound ?? []),
    config,
    compare: extra.compare ?? null,
  });

  /** Writes `text` to `--output`; a file that cannot be written is a usage error naming it. */
  const writeOutput = async (file: string, text: string): Promise<void> => {
    try {
      await writeFile(file, text);
    } catch (err) {
      throw new UsageError(
        `cannot write --output ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}); check that its folder exists and is writable`,
        { cause: err },
      );
    }
  };

  /** Writes the report text to stdout; a reader that went away (`| head`) is not an error. */
  const writeStdout = async (text: string): Promise<void> => {
    try {
      await writeOut(stdout, text);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPIPE') {
        throw new UsageError(`cannot write the report to standard output (${code ?? 'error'})`, { cause: err });
      }
    }
  };

  /** The file first (when it cannot be written, nothing reaches stdout), then stdout. */
  const emit = async (
    opts: Pick<Options, 'output' | 'format'>,
    format: Format,
    renderAs: (format: Format, color: ChalkInstance, width: number) => Promise<string>,
  ): Promise<void> => {
    const { Chalk } = await import('chalk');
    if (opts.output !== undefined) await writeOutput(opts.output, await renderAs(outputFormat(opts.output, opts), new Chalk({ level: 0 }), 80));
    const color = new Chalk({ level: colorLevel(env, stdout.isTTY) });
    await writeStdout(await renderAs(format, color, Math.max(60, Math.min(terminalColumns(stdout, env), 120))));
  };

  /** The accounts of a run: those named, else (live) the config's `accounts` keys. */
  const accountsOf = (named: string[], opts: Options, config: LoadedConfig): string[] => {
    if (opts.input !== undefined) {
      if (named.length > 1) {
        throw new UsageError('--input reads one account at a time; name at most one, or drop --input to fetch several accounts live');
      }
      return named;
    }
    if (named.length > 0) return [...new Set(named)];
    const keys = Object.keys(config.config.accounts ?? {});
    if (keys.length === 0) throw new UsageError('name an account or give --input <path>; see social-audit --help');
    return keys;
  };

  const audit = async (named: string[], opts: Options): Promise<void> => {
    const format = formatFor(opts);
    checkCacheOptions(opts);
    const { loadConfig } = await import('./config-load.js');
    const config = await loadConfig(opts.config, cwd);
    const accounts = accountsOf(named, opts, config);
    if (opts.dryRun === true) return dryRun(accounts, opts, config, format);
    if (opts.xPrice !== undefined) throw new UsageError('--x-price is for --dry-run; add --dry-run or drop --x-price');
    let previous: LoadedReport[] | null = null;
    if (opts.compare !== undefined) {
      const { readSavedReports } = await import('./report/read-previous.js');
      previous = await readSavedReports(opts.compare);
    }
    if (accounts.length > 1) return auditMany(accounts, opts, config, format, previous);

    const compare: CompareWith | null = previous === null ? null : { reports: previous, required: previous.length === 1 };
    const { runCheckedAudit } = await import('./run-audit.js');
    const { report, assertions } = await runCheckedAudit(
      await request(accounts[0] ?? null, opts, config, { compare }),
      {
        now,
        toolVersion: toolVersion(),
        // A long offline read says how far it got, on a terminal only (as live fetches do).
        progress: (message) => {
          if (stderr.isTTY) stderr.write(`social-audit: ${oneLine(message)}\n`);
        },
      },
      opts.failUnder,
    );
    // Assertions appear in the scorecard and Markdown when the config has some; --fail-under
    // alone says its word on stderr only, as it always has.
    const shown = assertions.results.some((r) => r.source === 'assert') ? assertions.results : [];
    await emit(opts, format, (f, color, width) => renderSingle(report, shown, f, color, width));
    for (const line of assertionLines(assertions, opts.failUnder, report)) stderr.write(`social-audit: ${line}\n`);
    if (assertions.errorsFailed > 0) exitCode = ExitCode.belowThreshold;
  };

  /** Several accounts: fetched `--concurrency` at a time, one table (or JSON) of them all. */
  const auditMany = async (
    accounts: string[],
    opts: Options,
    config: LoadedConfig,
    format: Format,
    previous: LoadedReport[] | null,
  ): Promise<void> => {
    const { checkWindow, runCheckedAudit } = await import('./run-audit.js');
    const { mapBounded } = await import('./util/pool.js');
    checkWindow({ since: opts.since, until: opts.until, month: opts.month, timeZone: opts.tz, config }, { now });
    const compare: CompareWith | null = previous === null ? null : { reports: previous, required: false };
    const settled = await mapBounded(
      accounts,
      opts.concurrency ?? DEFAULT_CONCURRENCY,
      async (account) =>
        runCheckedAudit(await request(account, opts, config, { label: account, compare }), { now, toolVersion: toolVersion() }, opts.failUnder),
      (err) => err instanceof InterruptedError,
    );
    const entries: MultiEntry[] = settled.map((s, i) => {
      const named = accounts[i] ?? '';
      return s.ok ? { named, report: s.value.report, assertions: s.value.assertions } : { named, error: failureOf(s.error) };
    });
    const { multiReport, renderMultiJson, renderMultiMarkdown, renderMultiTerminal } = await import('./report/multi.js');
    await emit(opts, format, async (f, color, width) =>
      f === 'json'
        ? renderMultiJson(multiReport(entries, { generatedAt: now().toISOString(), toolVersion: toolVersion() }))
        : f === 'markdown'
          ? renderMultiMarkdown(entries, { toolVersion: toolVersion() })
          : renderMultiTerminal(entries, { color, width }),
    );
    const codes: number[] = [];
    for (const [i, s] of settled.entries()) {
      const named = oneLine(accounts[i] ?? '');
      if (!s.ok) {
        const failure = failureOf(s.error);
        stderr.write(`social-audit: ${named}: ${oneLine(failure.message)}\n`);
        if (debug && s.error instanceof Error && s.error.stack) stderr.write(`${s.error.stack}\n`);
        codes.push(failure.exitCode);
        continue;
      }
      for (const line of assertionLines(s.value.assertions, opts.failUnder, s.value.report)) stderr.write(`social-audit: ${named}: ${line}\n`);
      if (s.value.assertions.errorsFailed > 0) codes.push(ExitCode.belowThreshold);
    }
    exitCode = worstExit(codes);
  };

  /** `--dry-run`: look the accounts up, estimate the rest; no timeline request. */
  const dryRun = async (accounts: string[], opts: Options, config: LoadedConfig, format: Format): Promise<void> => {
    const { DEFAULT_X_PRICE_PER_POST, assertDryRunnable, dryRunDocument, dryRunJson, planAccount, renderDryRunTerminal } = await import(
      './dry-run.js'
    );
    assertDryRunnable(opts.input);
    if (format === 'markdown') throw new UsageError('--dry-run prints a table or JSON (--json), not Markdown');
    if (opts.compare !== undefined) throw new UsageError('--dry-run fetches nothing to compare; drop --compare');
    const { mapBounded } = await import('./util/pool.js');
    const { checkWindow } = await import('./run-audit.js');
    checkWindow({ since: opts.since, until: opts.until, month: opts.month, timeZone: opts.tz, config }, { now });
    const price = opts.xPrice ?? config.config.pricing?.xPerPost ?? DEFAULT_X_PRICE_PER_POST;
    const lives: LiveOptions[] = [];
    const settled = await mapBounded(
      accounts,
      opts.concurrency ?? DEFAULT_CONCURRENCY,
      async (account) => {
        const req = await request(account, opts, config, accounts.length > 1 ? { label: account } : {});
        if (req.live) lives.push(req.live);
        return planAccount(req, req.live as LiveOptions, { now, xPricePerPost: price });
      },
      (err) => err instanceof InterruptedError,
    );
    const entries: DryRunEntry[] = settled.map((s, i) => (s.ok ? s.value : { account: accounts[i] ?? '', error: failureOf(s.error) }));
    const doc = dryRunDocument(entries, {
      generatedAt: now().toISOString(),
      xPricePerPost: price,
      lookups: lives.reduce((n, l) => n + l.http.requests, 0),
    });
    await emit(opts, format, async (f, color, width) => (f === 'json' ? dryRunJson(doc) : renderDryRunTerminal(doc, { color, width })));
    const codes: number[] = [];
    for (const [i, s] of settled.entries()) {
      if (s.ok) continue;
      const failure = failureOf(s.error);
      stderr.write(`social-audit: ${accounts.length > 1 ? `${oneLine(accounts[i] ?? '')}: ` : ''}${oneLine(failure.message)}\n`);
      codes.push(failure.exitCode);
    }
    exitCode = worstExit(codes);
  };

  const fetchPosts = async (account: string, opts: Options): Promise<void> => {
    checkCacheOptions(opts);
    const { fetchToFile } = await import('./run-audit.js');
    const { loadConfig } = await import('./config-load.js');
    const config = await loadConfig(opts.config, cwd);
    const text = await fetchToFile(await request(account, opts, config), { now, toolVersion: toolVersion() });
    for (const warning of text.warnings) stderr.write(`social-audit: warning: ${oneLine(warning)}\n`);
    if (opts.output !== undefined) {
      await writeOutput(opts.output, text.text);
      stderr.write(
        `social-audit: saved ${text.posts} posts of ${account} to ${opts.output}${text.complete ? '' : ' (incomplete: the fetch stopped early)'}\n`,
      );
    } else {
      await writeOut(stdout, text.text);
    }
  };

  /** `social-audit trend <report.json...>`: one account's saved reports, oldest window first. */
  const trend = async (files: string[], opts: TrendOptions): Promise<void> => {
    const format = formatFor(opts);
    const { readSavedReports } = await import('./report/read-previous.js');
    const { renderTrendMarkdown, renderTrendTerminal, trendJson, trendSeries } = await import('./report/trend.js');
    let reports: Report[] = [];
    for (const file of files) reports.push(...(await readSavedReports(file)).map((l) => l.report));
    if (opts.account !== undefined) {
      const { handleKey, parseAccountArg } = await import('./account.js');
      const wanted = parseAccountArg(opts.account, opts.platform ?? 'x');
      const key = handleKey(wanted.handle);
      const local = (h: string): string => h.split('@')[0] ?? h;
      reports = reports.filter((r) => {
        if (r.account.platform !== wanted.platform) return false;
        const handle = r.account.handle === null ? null : handleKey(r.account.handle);
        if (handle === key || r.account.id === wanted.handle) return true;
        // `@name` names `name@server` when the server is not written (as the config's accounts do).
        return handle !== null && wanted.platform === 'mastodon' && (!key.includes('@') || !handle.includes('@')) && local(handle) === local(key);
      });
      if (reports.length === 0) throw new UsageError(`trend: no report of ${opts.account} in the files given`);
    }
    const series = trendSeries(reports);
    await emit(opts, format, async (f, color, width) =>
      f === 'json' ? trendJson(series) : f === 'markdown' ? renderTrendMarkdown(series) : renderTrendTerminal(series, { color, width }),
    );
  };

  const program = buildProgram(audit, fetchPosts, trend);

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return ExitCode.ok;
      }
      const message = err.message.replace(/^error:\s*/i, '').replace(/\.$/, '');
      stderr.write(`social-audit: ${oneLine(message)}; see social-audit --help\n`);
      return ExitCode.usage;
    }
    if (err instanceof AuditError) {
      stderr.write(`social-audit: ${oneLine(err.message)}\n`);
      if (debug && err.stack) stderr.write(`${err.stack.split('\n').map(oneLine).join('\n')}\n`);
      return err.exitCode;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    stderr.write(
      `social-audit: internal error: ${oneLine(e.message)} (this is a bug; run again with --debug and report the output)\n`,
    );
    if (debug && e.stack) stderr.write(`${e.stack.split('\n').map(oneLine).join('\n')}\n`);
    return ExitCode.bug;
  } finally {
    process.off('SIGINT', onSigint);
    await Promise.all(clients.map((c) => c.close()));
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** `--api-url`: an http(s) URL, returned without a trailing slash. */
function parseApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--api-url "${value}" is not a URL; give one such as https://mastodon.example`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--api-url "${value}" must start with http:// or https://`);
  }
  return url.toString().replace(/\/+$/, '');
}
