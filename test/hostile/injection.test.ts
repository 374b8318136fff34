import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.js';
import { DAY, HOUR, T, X_SELF, iso, normalizedFile, normalizedPost, snowflake } from './data.js';
import { runBounded, STACK_FRAME, type BoundedResult } from './run.js';

/**
 * Terminal and Markdown injection end to end: posts whose text (and link, id, handles, hashtags)
 * carry ANSI CSI and OSC sequences (colours, cursor moves, OSC 8 hyperlinks, OSC 0/2 window
 * titles, 8-bit C1 forms, DCS), BiDi overrides and zero-width characters, Markdown and HTML, and
 * @mentions, audited through the built CLI:
 * - the scorecard, forced to full colour (FORCE_COLOR=3), holds no escape sequence but the
 *   tool's own SGR colours (`ESC [ … m`), no other control character, no BiDi or zero-width
 *   character, and none of the hostile payloads (titles, link targets);
 * - the Markdown report holds no raw `<` (but its own `<sub>` footer), every `|` outside the
 *   tables escaped and every table row with its header's cells, no `@` that would ping anyone,
 *   and only http(s) links.
 * The hostile posts are the evidence the report must quote (a run of broadcasts, self-promotion
 * and slow replies), so a sanitizer that was skipped would show.
 */

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

/** One payload per post, each led by a marker that must survive (the post is really quoted). */
const HOSTILE_TEXTS = [
  `MARKA check out our ${ESC}[31mred${ESC}[0m ${ESC}[2J${ESC}[H${ESC}[10A${ESC}[5Ccursor ${ESC}[?25l${ESC}[6n moves`,
  `MARKB check out our ${ESC}]8;;https://evil.example/phish${ST}click here${ESC}]8;;${ST} and ${ESC}]8;id=1;https://evil.example/bel${BEL}there${ESC}]8;;${BEL}`,
  `MARKC check out our ${ESC}]0;pwned-title${BEL}${ESC}]2;pwned-title-2${ST}${ESC}]1;pwned-icon${BEL} titles`,
  `MARKD check out our \u202eetirw\u202c \u2066iso\u2069 \u200bzero\u200c\u200dwidth\u2060\ufeff\u200e\u200f\u061c marks`,
  `MARKE check out our \x9b31mC1\x9b0m \x9d0;pwned-c1\x9c ${ESC}P1$r0m${ST} ${ESC}_apc${ST} ${ESC}^pm${ST} ${ESC}Xsos${ST} ${ESC}7${ESC}8${ESC}c\rover\bwrite${BEL}\x00\x7f`,
  `MARKF check out our <script>alert(1)</script> <img src=x onerror=alert(2)> <!-- c --> &lt;b&gt; | a | b | [x](javascript:alert(3)) ![i](https://evil.example/t.png) **b** _i_ \`c\` # h @peachland_pete @everyone`,
];

const PETE = { id: '1404259985126469632', handle: `peachland_pete${ESC}]0;pwned-handle${BEL}<b>|` };

function posts(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = HOSTILE_TEXTS.map((text, i) => {
    const ms = T + i * HOUR;
    const id = snowflake(ms);
    return normalizedPost(
      { at: i * HOUR, id, text },
      {
        url: i === 1 ? `javascript:alert("${id}")` : i === 2 ? `https://x.com/a/status/${id}) [pwn](https://evil.example/x "t") <b>|` : `https://x.com/${X_SELF.handle}/status/${id}`,
        hashtags: [`tag${ESC}]0;pwned-hashtag${BEL}`],
        links: [`https://roads.example/${ESC}[31m`],
      },
    );
  });
  // Two slow replies to someone whose handle is hostile too: latency evidence quotes them.
  for (const [k, delay] of [[0, 20 * HOUR], [1, 30 * HOUR]] as const) {
    const targetMs = T - 2 * DAY + k * HOUR;
    out.push(
      normalizedPost(
        { at: targetMs - T + delay, text: `MARKG${k} @peachland_pete sorry ${ESC}]8;;https://evil.example/osc8-g${ST}link${ESC}]8;;${ST} \u202egnol\u202c ${ESC}[1A` },
        { replyTo: { id: snowflake(targetMs), url: null, author: PETE, createdAt: iso(targetMs) }, mentions: [PETE] },
      ),
    );
  }
  return out;
}

let dir: string;
let input: string;
let terminal: BoundedResult;
let markdown: BoundedResult;
let markdownFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'social-audit-injection-'));
  input = join(dir, 'posts.json');
  const account = { platform: 'x', id: X_SELF.id, handle: X_SELF.handle, displayName: `Cascadia ${ESC}]0;pwned-name${BEL}\u202eRoads`, website: null, url: null };
  writeFileSync(input, JSON.stringify(normalizedFile(posts(), { account })));
  [terminal, markdown] = await Promise.all([
    runBounded(['--input', input, '--output', join(dir, 'report.txt')], { env: { FORCE_COLOR: '3', COLUMNS: '100' } }),
    runBounded(['--input', input, '--format', 'markdown', '--output', join(dir, 'report.md')], { env: { FORCE_COLOR: '3' } }),
  ]);
  markdownFile = readFileSync(join(dir, 'report.md'), 'utf8');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SGR: the only escape sequence the scorecard may hold (chalk's colours). */
const SGR = /\x1b\[[0-9;]*m/g;
const BIDI_AND_ZERO_WIDTH = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff\u061c]/;
/** Every C0 control but the newline, DEL and the C1 controls. */
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;
/**
 * What only an escape sequence carried (window titles, hyperlink targets): it must be gone with
 * the sequence. (A URL written as plain text in a post is the post's words and stays.)
 */
const PAYLOADS = ['pwned', 'evil.example/phish', 'evil.example/bel', 'evil.example/osc8-g'];

describe('terminal: post text cannot drive the terminal', () => {
  it('the run succeeded and quotes the hostile posts (so the sanitizer was exercised)', () => {
    expect(terminal.stderr).toBe('');
    expect(terminal.code).toBe(0);
    expect(terminal.stdout).not.toMatch(STACK_FRAME);
    const plain = terminal.stdout.replace(SGR, '');
    // The scorecard quotes at least four of the posts (the rest are past its evidence limit).
    const quoted = ['MARKA', 'MARKB', 'MARKC', 'MARKD', 'MARKE', 'MARKF', 'MARKG0', 'MARKG1'].filter((m) => plain.includes(m));
    expect(quoted.length, quoted.join(' ')).toBeGreaterThanOrEqual(4);
    // Colour is on: the tool's own SGR codes are there.
    expect(terminal.stdout).toMatch(SGR);
  });

  it.each([
    ['stdout', () => terminal.stdout],
    ['the --output text file', () => readFileSync(join(dir, 'report.txt'), 'utf8')],
  ])('%s: no escape sequence but SGR, no control, BiDi or zero-width character, no payload', (_where, text) => {
    const out = text().replace(SGR, '');
    expect(out).not.toContain(ESC);
    expect(out).not.toMatch(CONTROL);
    expect(out).not.toMatch(BIDI_AND_ZERO_WIDTH);
    for (const payload of PAYLOADS) expect(out).not.toContain(payload);
  });

  it('the --output text file holds no SGR either (colour only on a terminal stream)', () => {
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).not.toContain(ESC);
  });
});

describe('Markdown: post text cannot inject HTML, break tables or ping people', () => {
  it('the run succeeded and quotes the hostile posts', () => {
    expect(markdown.stderr).toBe('');
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toBe(markdownFile);
    for (const marker of ['MARKA', 'MARKB', 'MARKC', 'MARKD', 'MARKE', 'MARKF']) expect(markdown.stdout).toContain(marker);
    // The HTML and Markdown of post F are there as escaped text.
    expect(markdown.stdout).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt;');
    expect(markdown.stdout).toContain('\\| a \\| b \\|');
  });

  it('no escape sequence, control, BiDi or zero-width character, no payload (FORCE_COLOR does not colour Markdown)', () => {
    const out = markdown.stdout;
    expect(out).not.toContain(ESC);
    expect(out).not.toMatch(CONTROL);
    expect(out).not.toMatch(BIDI_AND_ZERO_WIDTH);
    for (const payload of PAYLOADS) expect(out).not.toContain(payload);
  });

  it('no raw < but the report footer\'s own <sub> tags', () => {
    const withoutFooter = markdown.stdout.replace(/<sub>social-audit [^<\n]*<\/sub>/g, '');
    expect(withoutFooter).not.toContain('<');
    expect(withoutFooter).not.toContain('>'.repeat(1) + 'alert');
  });

  it('every | outside a table is escaped, and every table row has its header\'s cells', () => {
    const lines = markdown.stdout.split('\n');
    let cells: number | null = null;
    for (const line of lines) {
      if (line.startsWith('|')) {
        const n = line.replace(/\\\|/g, '').split('|').length;
        if (cells === null) cells = n;
        expect(n, line).toBe(cells);
      } else {
        cells = null;
        expect(line.replace(/\\\|/g, ''), line).not.toContain('|');
      }
    }
  });

  it('no @ that GitHub would turn into a mention (link destinations aside)', () => {
    const text = markdown.stdout.replace(/\]\(https?:\/\/[^)\s]*\)/g, ']()');
    expect(text).not.toContain('@');
    expect(text).toContain('&#64;peachland');
  });

  it('links are http(s) only, their destinations percent-encoded', () => {
    const destinations = [...markdown.stdout.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1] ?? '');
    expect(destinations.length).toBeGreaterThan(0);
    for (const d of destinations) {
      expect(d).toMatch(/^https?:\/\/[^\s()<>|"]+$/);
    }
    // The `javascript:` post is cited by its id only; the URL with `) [pwn](…` is encoded whole.
    expect(markdown.stdout).not.toContain('[pwn](');
  });
});

describe('stderr: a message that quotes hostile text cannot drive the terminal either', () => {
  /** What the one-line error must never carry raw: ESC, the other C0 and C1 controls, BiDi embeddings, overrides and isolates. */
  const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

  it('an input file whose name carries escape sequences and a BiDi override', async () => {
    const name = join(dir, `evil${ESC}]0;pwned${BEL}${ESC}[2J\u202ename.json`);
    writeFileSync(name, '{"cut": ');
    const r = await runBounded(['--input', name, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/is not valid JSON/);
    expect(r.stderr).not.toMatch(RAW);
  });

  it('a server whose error message carries escape sequences', async () => {
    const server = await startServer(() => ({
      status: 403,
      json: { title: 'Forbidden', detail: `Denied ${ESC}]0;pwned${BEL}${ESC}]8;;https://evil.example/${ST}click${ESC}]8;;${ST}${ESC}[2J\u202edesrever\u202c\x9b31m` },
    }));
    try {
      const r = await runBounded(['@RoadInfoBC', '--api-url', server.url, '--since', '2026-08-18', '--until', '2026-08-20'], {
        env: { X_BEARER_TOKEN: 'fake-token-for-the-injection-test' },
      });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/token rejected \(HTTP 403: Denied /);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).not.toMatch(RAW);
    } finally {
      await server.close();
    }
  });
});
