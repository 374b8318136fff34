import { describe, expect, it } from 'vitest';
import { anchors, contentLinks, decodeEntities, firstHttpLink, htmlToText } from '../../../src/fetchers/mastodon/html.js';

describe('htmlToText', () => {
  it.each([
    ['<p>one</p><p>two</p>', 'one\n\ntwo'],
    ['<p>one<br>two<br/>three<br />four</p>', 'one\ntwo\nthree\nfour'],
    ['<p>a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &#x1F697; &hellip;</p>', 'a & b <c> "d" \'e\' 🚗 &hellip;'],
    // A link keeps its full text: the "invisible" spans are only hidden by CSS.
    [
      '<p><a href="https://x.example/a/long/path"><span class="invisible">https://</span><span class="ellipsis">x.example/a/lo</span><span class="invisible">ng/path</span></a></p>',
      'https://x.example/a/long/path',
    ],
    ['', ''],
  ])('%j → %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe('links', () => {
  it('anchors read href and class, in any quoting', () => {
    expect(anchors(`<a class="u-url mention" href="https://a.example/@x">@x</a> <a href='https://b.example/?a=1&amp;b=2'>b</a>`)).toEqual([
      { href: 'https://a.example/@x', classes: ['u-url', 'mention'] },
      { href: 'https://b.example/?a=1&b=2', classes: [] },
    ]);
  });

  it('contentLinks leaves out mentions, hashtags, excluded hrefs, non-web links and repeats', () => {
    const html =
      '<a href="https://s.example/@kat" class="u-url mention">@kat</a> <a href="https://s.example/tags/X" class="mention hashtag">#X</a> ' +
      '<a href="https://s.example/tags/Y">#Y</a> <a href="mailto:a@b.example">mail</a> <a href="https://site.example/">site</a> <a href="https://site.example/">again</a>';
    expect(contentLinks(html, new Set(['https://s.example/tags/Y']))).toEqual(['https://site.example/']);
  });

  it('firstHttpLink finds an anchor or a bare URL', () => {
    expect(firstHttpLink('<a href="https://roadinfobc.example" rel="me">roadinfobc.example</a>')).toBe('https://roadinfobc.example');
    expect(firstHttpLink('see https://bare.example/x.')).toBe('https://bare.example/x');
    expect(firstHttpLink('7 AM to 10 PM')).toBeNull();
  });

  it('decodeEntities leaves unknown names and invalid code points alone', () => {
    expect(decodeEntities('&bogus; &#0; &#x110000;')).toBe('&bogus; &#0; &#x110000;');
  });
});

describe('hostile HTML stays linear', () => {
  it('text of 100,000 unclosed tags is read in well under a second (was quadratic: minutes)', () => {
    const started = performance.now();
    expect(htmlToText('<a href="'.repeat(100_000))).toBe('<a href="'.repeat(100_000));
    expect(contentLinks('<a href="'.repeat(100_000))).toEqual([]);
    expect(firstHttpLink('<a '.repeat(100_000))).toBeNull();
    expect(htmlToText('<'.repeat(1_000_000)).length).toBe(1_000_000);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('a tag holds no <: "<a <b>c" loses only the <b>', () => {
    expect(htmlToText('<a <b>c</b>')).toBe('<a c');
  });
});
