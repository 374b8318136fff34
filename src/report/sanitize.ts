/**
 * Text from posts, profiles and input paths is untrusted: a post can carry terminal escape
 * sequences (recolour the screen, set the window title, plant an OSC 8 hyperlink, hide text) and
 * BiDi controls that reorder what the reader sees ("Trojan Source", CVE-2021-42574). Every
 * reporter passes such text through these functions before printing it.
 *
 * Escape sequence grammar: ECMA-48 §5.3-5.6 (CSI, control strings) and xterm's
 * ctlseqs (https://invisible-island.net/xterm/ctlseqs/ctlseqs.html) for OSC terminators.
 */

import { graphemeClusters } from '../util/graphemes.js';

/**
 * Control strings: OSC (`ESC ]`, C1 U+009D), DCS (`ESC P`, U+0090), SOS (`ESC X`, U+0098),
 * PM (`ESC ^`, U+009E) and APC (`ESC _`, U+009F), ended by ST (`ESC \` or U+009C) or BEL.
 * An unterminated string runs to the end of the text, as a terminal would swallow it.
 */
const CONTROL_STRING = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g;

/** CSI (`ESC [` or U+009B), parameter bytes, intermediate bytes, final byte (if present). */
const CSI = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?/g;

/** Any other escape: nF (`ESC ( B`), Fp/Fe/Fs (`ESC 7`, `ESC c`, `ESC M`) or a lone ESC. */
const OTHER_ESCAPE = /\x1b[\x20-\x2f]*[\x30-\x7e]?/g;

/** Line breaks and tabs, including Unicode's line and paragraph separators and NEL. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/** Remaining C0 controls, DEL and C1 controls (U+0080–U+009F). */
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * BiDi embeddings/overrides (U+202A–U+202E), isolates (U+2066–U+2069), marks (U+200E, U+200F,
 * U+061C), and zero-width characters (U+200B–U+200D, U+2060 word joiner, U+FEFF BOM).
 */
const INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]/g;

/** A surrogate half without its partner: replaced so truncation and UTF-8 output stay well formed. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Make untrusted text safe and single-line for a terminal.
 *
 * Removes ANSI/VT escape sequences (CSI, OSC including hyperlinks and title changes, DCS, SOS,
 * PM, APC, single-character escapes), 8-bit C1 controls, the other C0 controls, BiDi controls and
 * zero-width characters; turns line breaks and tabs into spaces; collapses runs of whitespace
 * to one space and trims. The result contains no control character at all.
 */
export function sanitizeForTerminal(text: string): string {
  return text
    .replace(CONTROL_STRING, '')
    .replace(CSI, '')
    .replace(OTHER_ESCAPE, '')
    .replace(BREAKS, ' ')
    .replace(CONTROLS, '')
    .replace(INVISIBLE, '')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Number of Unicode code points in `text` (a surrogate pair counts once). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/**
 * Shorten `text` to at most `width` code points, ending with `…` when anything was cut.
 *
 * Cuts only between grapheme clusters, so a surrogate pair (or an emoji with its skin-tone
 * modifier) is never split; trailing whitespace before the ellipsis is dropped. A `width` of 0
 * or less gives an empty string.
 */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (codePointLength(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const segment of graphemeClusters(text)) {
    const size = codePointLength(segment);
    if (used + size > width - 1) break;
    out += segment;
    used += size;
  }
  return `${out.trimEnd()}…`;
}

/** Markdown punctuation that can start or end formatting, a link, a heading, a list or a table cell. */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]()#+\-!|~]/g;

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Make untrusted text inert inside Markdown (a paragraph, list item or table cell).
 *
 * The text is first passed through {@link sanitizeForTerminal} (so it is one line with no
 * control, BiDi or zero-width characters), then `\ ` * _ [ ] ( ) # + - ! | ~` get a backslash and
 * `&`, `<`, `>` become HTML entities, so no formatting, link or raw HTML survives.
 */
export function escapeMarkdown(text: string): string {
  return sanitizeForTerminal(text)
    .replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch] ?? ch)
    .replace(MARKDOWN_PUNCTUATION, (ch) => `\\${ch}`);
}
