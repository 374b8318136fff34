import { describe, expect, it } from 'vitest';
import { codePointLength, escapeMarkdown, sanitizeForTerminal, truncate } from '../../src/report/sanitize.js';
import { HOSTILE_TEXT, HOSTILE_TEXT_SANITIZED } from '../helpers/report.js';

describe('sanitizeForTerminal', () => {
  it.each([
    ['CSI colour', 'a \x1b[31mred\x1b[0m b', 'a red b'],
    ['CSI 256-colour and truecolour', '\x1b[38;5;196mx\x1b[38;2;255;0;0my\x1b[m', 'xy'],
    ['CSI cursor moves and erase', 'x\x1b[2;5Hy\x1b[1A\x1b[2J z', 'xy z'],
    ['CSI private mode (hide cursor)', 'a\x1b[?25lb', 'ab'],
    ['OSC 8 hyperlink ended by ST', '\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['OSC 8 hyperlink ended by BEL', '\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07', 'click'],
    ['OSC 0 window title', '\x1b]0;you have been pwned\x07hello', 'hello'],
    ['OSC 52 clipboard write', 'a\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07b', 'ab'],
    ['unterminated OSC swallows the rest', 'hi \x1b]0;title', 'hi'],
    ['DCS string', 'a\x1bP+q544e\x1b\\b', 'ab'],
    ['APC string', '\x1b_payload\x1b\\ok', 'ok'],
    ['PM string', '\x1b^private\x1b\\ok', 'ok'],
    ['SOS string', '\x1bXstring\x1b\\ok', 'ok'],
    ['8-bit CSI', '\u009b31mred', 'red'],
    ['8-bit OSC ended by 8-bit ST', 'a\u009d0;title\u009cb', 'ab'],
    ['8-bit DCS', 'a\u0090dcs\u009cb', 'ab'],
    ['other C1 controls', 'a\u0084b\u0080c\u0081d', 'abcd'],
    ['8-bit APC', 'a\u009fapc\u009cb', 'ab'],
    ['NEL is a line break', 'a\u0085b', 'a b'],
    ['ESC c (full reset)', '\x1bcreset', 'reset'],
    ['ESC ( B (charset)', '\x1b(Bx', 'x'],
    ['ESC 7 / ESC 8 (save/restore cursor)', '\x1b7a\x1b8', 'a'],
    ['lone ESC at the end', 'end\x1b', 'end'],
    ['C0 controls', 'a\x00b\x07c\x08d\x7fe', 'abcde'],
    ['newlines and tabs become one space', 'line1\nline2\r\n\tline3', 'line1 line2 line3'],
    ['Unicode line and paragraph separators', 'a\u2028b\u2029c', 'a b c'],
    ['BiDi override', 'abc\u202edcba\u202c', 'abcdcba'],
    ['BiDi embeddings', '\u202aa\u202bb\u202dc\u202c', 'abc'],
    ['BiDi isolates', 'x\u2066y\u2067z\u2068w\u2069', 'xyzw'],
    ['BiDi marks', 'a\u200eb\u200fc\u061cd', 'abcd'],
    ['zero-width space, joiners, word joiner, BOM', '\ufeffpay\u200bpal\u200c\u200d\u2060!', 'paypal!'],
    ['whitespace collapsed and trimmed', '  a   b \u00a0 c  ', 'a b c'],
    ['lone surrogate replaced', 'a\ud83db', 'a\ufffdb'],
    ['ordinary text untouched', 'Café 🚗 Straße 東京 ok?', 'Café 🚗 Straße 東京 ok?'],
    ['empty', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeForTerminal(input)).toBe(expected);
  });

  it('neutralises a post combining every attack', () => {
    expect(sanitizeForTerminal(HOSTILE_TEXT)).toBe(HOSTILE_TEXT_SANITIZED);
  });

  it('never leaves a control, BiDi or zero-width character', () => {
    const all = Array.from({ length: 0x100 }, (_, i) => String.fromCharCode(i)).join('x');
    const out = sanitizeForTerminal(`${all}\u202a\u202e\u2066\u2069\u200b\u200d\u2060\ufeff\u061c`);
    expect(out).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff\u061c]/);
  });
});

describe('truncate', () => {
  it.each([
    ['short text unchanged', 'hello', 10, 'hello'],
    ['exact fit unchanged', 'hello', 5, 'hello'],
    ['cut with an ellipsis', 'hello world', 5, 'hell…'],
    ['trailing space dropped before the ellipsis', 'hello world', 7, 'hello…'],
    ['emoji count as one code point each', '😀😀😀😀', 3, '😀😀…'],
    ['never splits a surrogate pair', 'a😀b', 2, 'a…'],
    ['emoji with a skin tone stays whole', 'ok 👍🏽👍🏽', 5, 'ok…'],
    ['width 1', 'hello', 1, '…'],
    ['width 0', 'hello', 0, ''],
  ])('%s', (_name, text, width, expected) => {
    expect(truncate(text, width)).toBe(expected);
  });

  it('keeps within the width and well formed for every cut of an emoji string', () => {
    const text = '🚗 Road closed 🚧🚧 at 東京 ❄️ 👍🏽 end';
    for (let width = 1; width <= codePointLength(text); width += 1) {
      const out = truncate(text, width);
      expect(codePointLength(out)).toBeLessThanOrEqual(width);
      expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['table pipe, emphasis and HTML', '| * _ <script>', '\\| \\* \\_ &lt;script&gt;'],
    ['link syntax', '[x](javascript:alert(1))', '\\[x\\]\\(javascript:alert\\(1\\)\\)'],
    ['heading, list, image, strike', '# + - ! ~~x~~', '\\# \\+ \\- \\! \\~\\~x\\~\\~'],
    ['backslash and backticks', 'a\\b `code`', 'a\\\\b \\`code\\`'],
    ['ampersand and entities', 'R&D &amp; <b>', 'R&amp;D &amp;amp; &lt;b&gt;'],
    ['newlines become spaces', 'line1\nline2\r\n\n- item', 'line1 line2 \\- item'],
    ['controls removed first', 'a\x1b[31m*b*\u202e', 'a\\*b\\*'],
    ['plain text unchanged', 'Highway 1 is open.', 'Highway 1 is open.'],
  ])('%s', (_name, input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});
