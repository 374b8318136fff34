import { describe, expect, it } from 'vitest';
import { stripAnsi, truncateToWidth, visibleWidth, wrapText } from '../../src/report/width.js';

describe('visibleWidth', () => {
  it.each([
    ['ASCII', 'hello', 5],
    ['SGR codes are invisible', '\x1b[1m\x1b[31mhi\x1b[39m\x1b[22m', 2],
    ['CJK is wide', '東京', 4],
    ['emoji are wide', '🚗🚧', 4],
    ['emoji with variation selector', '❄️', 2],
    ['skin-tone emoji is one wide cluster', '👍🏽', 2],
    ['flag', '🇨🇦', 2],
    ['combining accent adds nothing', 'e\u0301', 1],
    ['box drawing and bars are narrow', '─│█░', 4],
  ])('%s', (_name, text, expected) => {
    expect(visibleWidth(text)).toBe(expected);
  });

  it('stripAnsi removes SGR only text', () => {
    expect(stripAnsi('\x1b[32mok\x1b[39m')).toBe('ok');
  });
});

describe('truncateToWidth', () => {
  it.each([
    ['fits', 'hello', 5, 'hello'],
    ['cut', 'hello world', 8, 'hello w…'],
    ['trailing space dropped', 'hello world', 7, 'hello…'],
    ['wide characters', '東京東京', 5, '東京…'],
    ['emoji', '🚗🚗🚗', 4, '🚗…'],
  ])('%s', (_name, text, columns, expected) => {
    expect(truncateToWidth(text, columns)).toBe(expected);
    expect(visibleWidth(truncateToWidth(text, columns))).toBeLessThanOrEqual(columns);
  });
});

describe('wrapText', () => {
  it('wraps on spaces', () => {
    expect(wrapText('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
  });

  it('splits a word longer than the line', () => {
    expect(wrapText('https://example.org/a/very/long/path', 12)).toEqual(['https://exam', 'ple.org/a/ve', 'ry/long/path']);
  });

  it('measures wide characters', () => {
    const lines = wrapText('東京 東京 東京', 9);
    expect(lines).toEqual(['東京 東京', '東京']);
  });

  it('gives one empty line for empty text', () => {
    expect(wrapText('', 10)).toEqual(['']);
  });
});
