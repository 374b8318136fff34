import { describe, expect, it } from 'vitest';
import { truncate } from '../../src/report/sanitize.js';
import { truncateToWidth, visibleWidth, wrapText } from '../../src/report/width.js';
import { graphemeClusters } from '../../src/util/graphemes.js';

/**
 * `graphemeClusters` gives exactly what `Intl.Segmenter` gives, in windows, so that a post of a
 * million characters costs linear time (V8's segment iterator is quadratic in the text's length).
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const reference = (text: string): string[] => [...segmenter.segment(text)].map((s) => s.segment);

/** Clusters that would straddle a 4,096-unit window: emoji ZWJ sequences, flags, CRLF, combining marks, surrogate pairs. */
const PIECES = ['a', '👩‍👩‍👧‍👦', '🇨🇦', '\r\n', 'e\u0301\u0302', '𝒳', '한', '👍🏽', ' ', '\u200d', '\ufe0f', 'x'];

function mixed(length: number, seed: number): string {
  let out = '';
  let s = seed;
  while (out.length < length) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out += PIECES[s % PIECES.length];
  }
  return out;
}

describe('graphemeClusters', () => {
  it.each([0, 1, 4095, 4096, 4097, 8191, 8192, 12_000])('equals Intl.Segmenter on %i units of mixed clusters', (length) => {
    for (const seed of [1, 2, 3]) {
      const text = mixed(length, seed).slice(0, length);
      expect([...graphemeClusters(text)]).toEqual(reference(text));
    }
  });

  it('equals Intl.Segmenter when a cluster sits exactly on a window edge', () => {
    for (const offset of [4090, 4093, 4094, 4095, 4096]) {
      for (const piece of PIECES) {
        const text = `${'a'.repeat(offset)}${piece}${'b'.repeat(200)}${piece}`;
        expect([...graphemeClusters(text)], JSON.stringify(piece)).toEqual(reference(text));
      }
    }
  });

  it('gives a run of combining marks longer than a window back whole (cut, never lost)', () => {
    const text = `a${'\u0301'.repeat(10_000)}b`;
    expect([...graphemeClusters(text)].join('')).toBe(text);
  });

  it('takes linear time: a million characters in well under a second', () => {
    const text = 'y '.repeat(500_000);
    const started = performance.now();
    let n = 0;
    for (const _ of graphemeClusters(text)) n += 1;
    expect(n).toBe(1_000_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('width and truncation on long text', () => {
  const long = `Road closed ${'0123456789 '.repeat(100_000)}`;

  it('truncateToWidth cuts a 1.1-million-character text at once, as before', () => {
    const started = performance.now();
    expect(truncateToWidth(long, 20)).toBe('Road closed 0123456…');
    expect(truncateToWidth('short', 20)).toBe('short');
    expect(truncateToWidth('exactly twenty chars', 20)).toBe('exactly twenty chars');
    expect(truncateToWidth('exactly twenty-one ch', 20)).toBe('exactly twenty-one…');
    expect(truncateToWidth('日本語のテキスト', 7)).toBe('日本語…');
    expect(truncate(long, 15)).toBe('Road closed 01…');
    expect(visibleWidth(long)).toBe(long.length);
    expect(wrapText(long, 80).length).toBeGreaterThan(10_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
