/**
 * Visible width of terminal text, in columns, and fitting text to a width. Used by the terminal
 * reporter to keep every line within the requested width whatever the post text holds.
 */

import { graphemeClusters } from '../util/graphemes.js';

/** SGR and other CSI sequences (what chalk and cli-table3 emit), ignored when measuring. */
const CSI = /\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/g;


/**
 * East Asian Wide and Fullwidth ranges (Unicode UAX #11), the common blocks: Hangul Jamo, CJK
 * radicals to Yi, Hangul syllables, compatibility ideographs, vertical and fullwidth forms, and
 * the supplementary ideographic planes.
 */
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x3fffd],
];

const EMOJI_PRESENTATION = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f|\p{Regional_Indicator}/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}\ufe00-\ufe0f]+$/u;

function isWide(codePoint: number): boolean {
  return WIDE_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to);
}

/** Columns one grapheme cluster occupies: 0, 1 or 2. */
function graphemeWidth(segment: string): number {
  if (ZERO_WIDTH.test(segment)) return 0;
  if (EMOJI_PRESENTATION.test(segment)) return 2;
  return isWide(segment.codePointAt(0) ?? 0) ? 2 : 1;
}

/** `text` without CSI escape sequences (chalk's SGR colour codes). */
export function stripAnsi(text: string): string {
  return text.replace(CSI, '');
}

/**
 * Columns `text` occupies in a terminal, ignoring CSI escape sequences: wide (CJK) characters
 * and emoji count 2, combining marks and format characters 0. Expects a single line.
 */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const segment of graphemeClusters(stripAnsi(text))) width += graphemeWidth(segment);
  return width;
}

/**
 * Shorten plain (uncoloured) `text` to at most `columns` visible columns, ending with `…` when
 * anything was cut. Cuts only between grapheme clusters.
 */
export function truncateToWidth(text: string, columns: number): string {
  if (columns <= 0) return '';
  // One pass that stops as soon as the text is known not to fit: a post can be megabytes long.
  let fits = 0; // code units of the longest prefix within `columns - 1` columns
  let used = 0;
  for (const segment of graphemeClusters(text)) {
    used += graphemeWidth(segment);
    if (used > columns) return `${text.slice(0, fits).trimEnd()}…`;
    if (used <= columns - 1) fits += segment.length;
  }
  return text;
}

/** Split a word wider than `columns` into pieces of at most `columns` columns. */
function splitWord(word: string, columns: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let used = 0;
  for (const segment of graphemeClusters(word)) {
    const w = graphemeWidth(segment);
    if (used + w > columns && piece !== '') {
      pieces.push(piece);
      piece = '';
      used = 0;
    }
    piece += segment;
    used += w;
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}

/**
 * Word-wrap plain (uncoloured) single-line `text` into lines of at most `columns` visible
 * columns. Words wider than a line are split between grapheme clusters. Returns at least one
 * line (possibly empty).
 */
export function wrapText(text: string, columns: number): string[] {
  const width = Math.max(1, columns);
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const word of text.split(' ').filter((w) => w !== '')) {
    for (const piece of visibleWidth(word) > width ? splitWord(word, width) : [word]) {
      const w = visibleWidth(piece);
      if (line === '') {
        line = piece;
        used = w;
      } else if (used + 1 + w <= width) {
        line += ` ${piece}`;
        used += 1 + w;
      } else {
        lines.push(line);
        line = piece;
        used = w;
      }
    }
  }
  lines.push(line);
  return lines;
}
