import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { loadConfig } from './config-load.js';
import { AuditError, ExitCode, UsageError } from './errors.js';
import { PlatformSchema } from './model/post.js';
import type { HttpClient } from './http/client.js';
import type { AuditRequest, LiveOptions } from './run-audit.js';
import type { Report } from './schema/report.js';

/** The streams and environment the CLI talks to (tests pass their own). */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
}

const FORMATS = ['terminal', 'json', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

/** Raw commander options, validated before use. */
const OptionsSchema = z.object({
  input: z.string().min(1).optional(),
  platform: PlatformSchema.optional(),
  apiUrl: z.string().optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  month: z.string().optional(),
  tz: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
  format: z.enum(FORMATS).optional(),
  json: z.boolean().optional(),
  output: z.string().min(1).optional(),
  failUnder: z.number().min(0).max(100).optional(),
  includePrivate: z.boolean().optional(),
  /** `--inbound <path>` (repeatable) gives paths; `--no-inbound` gives false. */
  inbound: z.union([z.array(z.string().min(1)), z.literal(false)]).optional(),
  timeout: z.number().positive().optional(),
  maxWait: z.number().min(0).optional(),
  debug: z.boolean().optional(),
});
type Options = z.infer<typeof OptionsSchema>;

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
    .option('--debug', 'stack traces on errors');
}

function validate(raw: unknown): Options {
  const parsed = OptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`option --${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}; see social-audit --help`);
  }
  return parsed.data;
}

function buildProgram(
  run: (accounts: string[], opts: Options) => Promise<void>,
  fetch: (account: string, opts: Options) => Promise<void>,
): Command {
  const program = new Command('social-audit')
    .description(
      'Audit a public social-media account: is it broadcasting at people (doing social) or listening and answering (being social)?',
    )
    .version(toolVersion(), '-V, --version')
    .argument('[account...]', 'the account: @name (X), @user@server (Mastodon), name.bsky.social or did:… (Bluesky)')
    .option('--input <path>', 'read offline: an X or Mastodon archive (.zip or folder), X API v1.1/v2 JSON, a Bluesky feed, or a social-audit posts file')
    .addOption(new Option('--format <format>', 'report format on stdout').choices(FORMATS))
    .option('--json', 'same as --format json')
    .option('--output <file>', 'also write the report to a file (format from the extension: .json, .md, else text)')
    .option('--fail-under <score>', 'exit 1 when the score is below this (or there is no score)', parseScore)
    .option('--include-private', 'also audit followers-only and direct posts found in an archive')
    .option(
      '--inbound <path>',
      'messages people sent the account (saved mentions or replies, any format --input reads); repeatable',
      (value: string, previous: unknown) => [...(Array.isArray(previous) ? (previous as string[]) : []), value],
    )
    .option('--no-inbound', 'do not fetch or read inbound messages: outbound figures only');
  addSourceOptions(program)
    // Options after `fetch` belong to `fetch`, not to the audit that shares their names.
    .enablePositionalOptions()
    .showHelpAfterError(false)
    .exitOverride()
    .action(async (accounts: string[], raw: unknown) => run(accounts, validate(raw)));
  const fetchCmd = new Command('fetch')
    .description('fetch an account\'s posts live and save them in the social-audit posts format (audit them later with --input)')
    .argument('<account>', 'the account, written as for an audit')
    .option('--output <file>', 'where to write the posts (default: standard output)');
  addSourceOptions(fetchCmd)
    .exitOverride()
    .action(async (account: string, raw: unknown) => fetch(account, validate(raw)));
  program.addCommand(fetchCmd);
  for (const cmd of [program, fetchCmd]) {
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

function formatFor(opts: Options): Format {
  if (opts.json) {
    if (opts.format !== undefined && opts.format !== 'json') {
      throw new UsageError(`--json and --format ${opts.format} disagree; use one of them`);
    }
    return 'json';
  }
  return opts.format ?? 'terminal';
}

function outputFormat(file: string, opts: Options): Format {
  if (opts.format !== undefined) return opts.format;
  const ext = extname(file).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.md' || ext === '.markdown' ? 'markdown' : 'terminal';
}

async function render(report: Report, format: Format, color: ChalkInstance, width: number): Promise<string> {
  switch (format) {
    case 'json': {
      const { renderJson } = await import('./report/json.js');
      return renderJson(report);
    }
    case 'markdown': {
      const { renderMarkdown } = await import('./report/markdown.js');
      return renderMarkdown(report);
    }
    case 'terminal': {
      const { renderTerminal } = await import('./report/terminal.js');
      return renderTerminal(report, { color, width });
    }
  }
}

/**
 * A message as one line of inert text. A parser's message can quote a snippet of a hostile or
 * binary file: line breaks, terminal escape sequences and BiDi controls are written as visible
 * escapes (`\n`, `\u001b`), so nothing is lost and the terminal interprets nothing.
 */
function oneLine(message: string): string {
  return message.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
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

  /** Live-fetch settings from the options: tokens from the environment, a client with the timeouts. */
  const liveOptions = async (opts: Options): Promise<LiveOptions> => {
    const { HttpClient } = await import('./http/client.js');
    const apiUrl = opts.apiUrl === undefined ? null : parseApiUrl(opts.apiUrl);
    const http = new HttpClient({
      timeoutMs: (opts.timeout ?? 30) * 1000,
      maxWaitMs: (opts.maxWait ?? 15 * 60) * 1000,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'rate-limit') {
          stderr.write(
            `social-audit: ${event.endpoint} is rate-limited; waiting ${Math.ceil(event.waitMs / 1000)} s until it resets at ${new Date(event.resetAt).toISOString()}\n`,
          );
        } else if (event.type === 'retry' && stderr.isTTY) {
          stderr.write(`social-audit: ${event.endpoint} failed (${event.reason}); retrying in ${(event.delayMs / 1000).toFixed(1)} s (try ${event.attempt + 1})\n`);
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
        if (stderr.isTTY) stderr.write(`social-audit: ${message}\n`);
      },
    };
  };

  const request = async (account: string | null, opts: Options): Promise<AuditRequest> => {
    const config = await loadConfig(opts.config, cwd);
    return {
      input: opts.input ?? null,
      ...(opts.input === undefined ? { live: await liveOptions(opts) } : {}),
      account,
      platform: opts.platform ?? null,
      since: opts.since,
      until: opts.until,
      month: opts.month,
      timeZone: opts.tz,
      includePrivate: opts.includePrivate ?? false,
      inbound: opts.inbound === false ? false : (opts.inbound ?? []),
      config,
    };
  };

  const audit = async (accounts: string[], opts: Options): Promise<void> => {
    if (accounts.length > 1) {
      throw new UsageError('one account at a time for now; run social-audit once per account');
    }
    const account = accounts[0] ?? null;
    if (opts.input === undefined && account === null) {
      throw new UsageError('name an account or give --input <path>; see social-audit --help');
    }
    const format = formatFor(opts);
    const { runAudit } = await import('./run-audit.js');
    const report = await runAudit(await request(account, opts), { now, toolVersion: toolVersion() });
    const color = new Chalk({ level: colorLevel(env, stdout.isTTY) });
    // The file first: when it cannot be written, the run fails before anything reaches stdout.
    if (opts.output !== undefined) {
      const fileFormat = outputFormat(opts.output, opts);
      const fileText = await render(report, fileFormat, new Chalk({ level: 0 }), 80);
      try {
        await writeFile(opts.output, fileText);
      } catch (err) {
        throw new UsageError(
          `cannot write --output ${opts.output} (${(err as NodeJS.ErrnoException).code ?? 'error'}); check that its folder exists and is writable`,
          { cause: err },
        );
      }
    }
    const text = await render(report, format, color, Math.max(60, Math.min(stdout.columns ?? 80, 120)));
    try {
      await writeOut(stdout, text);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // The reader went away (`social-audit … | head`): nothing more to show, and nothing wrong.
      if (code !== 'EPIPE') {
        throw new UsageError(`cannot write the report to standard output (${code ?? 'error'})`, { cause: err });
      }
    }
    if (opts.failUnder !== undefined) {
      const value = report.score.value;
      if (value === null || value < opts.failUnder) {
        stderr.write(
          `social-audit: ${value === null ? 'no score (no activity in the window)' : `score ${value}`} is below --fail-under ${opts.failUnder}\n`,
        );
        exitCode = ExitCode.belowThreshold;
      }
    }
  };

  const fetchPosts = async (account: string, opts: Options): Promise<void> => {
    const { fetchToFile } = await import('./run-audit.js');
    const text = await fetchToFile(await request(account, opts), { now, toolVersion: toolVersion() });
    for (const warning of text.warnings) stderr.write(`social-audit: warning: ${oneLine(warning)}\n`);
    if (opts.output !== undefined) {
      try {
        await writeFile(opts.output, text.text);
      } catch (err) {
        throw new UsageError(
          `cannot write --output ${opts.output} (${(err as NodeJS.ErrnoException).code ?? 'error'}); check that its folder exists and is writable`,
          { cause: err },
        );
      }
      stderr.write(
        `social-audit: saved ${text.posts} posts of ${account} to ${opts.output}${text.complete ? '' : ' (incomplete: the fetch stopped early)'}\n`,
      );
    } else {
      await writeOut(stdout, text.text);
    }
  };

  const program = buildProgram(audit, fetchPosts);

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
      if (debug && err.stack) stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    stderr.write(
      `social-audit: internal error: ${oneLine(e.message)} (this is a bug; run again with --debug and report the output)\n`,
    );
    if (debug && e.stack) stderr.write(`${e.stack}\n`);
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
