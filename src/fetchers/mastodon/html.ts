/**
 * The little HTML handling Mastodon content needs. Mastodon sends sanitized HTML (`content` of a
 * Status or a Note, `value` of a profile field): only `p`, `br`, `span`, `a` and a few inline tags,
 * with attributes in double quotes, so regular expressions are enough; no DOM is needed.
 * @see https://docs.joinmastodon.org/spec/activitypub/#sanitization
 */

/**
 * One tag. `[^<>]`, not `[^>]`: a tag never holds `<`, and stopping there keeps the match linear
 * (with `[^>]*`, text of many `<` and no `>` is scanned to its end from every `<`: a 40,000
 * character post took seconds, a million characters hours).
 */
const TAG = /<[^<>]*>/g;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** Decodes numeric character references and the named entities HTML sanitizers emit. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body.startsWith('#')) {
      const hex = body[1] === 'x' || body[1] === 'X';
      const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/**
 * Plain text of a post's HTML: `<br>` becomes a newline and a paragraph break two, as Mastodon's
 * own plain-text conversion does
 * (https://github.com/mastodon/mastodon/blob/main/app/lib/plain_text_formatter.rb); other tags
 * are dropped (a link's hidden `invisible` spans keep their text, so links read in full) and
 * entities are decoded.
 */
export function htmlToText(html: string): string {
  const withBreaks = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p(?:\s[^<>]*)?>/gi, '\n\n');
  return decodeEntities(withBreaks.replace(TAG, '')).trim();
}

/** One `<a>` element: its decoded `href` and its class tokens. */
export interface Anchor {
  href: string;
  classes: string[];
}

function attribute(attrs: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attrs);
  if (!m) return null;
  return m[1] ?? m[2] ?? m[3] ?? null;
}

/** Every `<a href>` in the HTML, in order. */
export function anchors(html: string): Anchor[] {
  const out: Anchor[] = [];
  for (const m of html.matchAll(/<a\s([^<>]*)>/gi)) {
    const attrs = m[1] ?? '';
    const href = attribute(attrs, 'href');
    if (href === null || href === '') continue;
    const classes = (attribute(attrs, 'class') ?? '').split(/\s+/).filter((c) => c !== '');
    out.push({ href: decodeEntities(href), classes });
  }
  return out;
}

const HTTP = /^https?:\/\//i;

/**
 * The links a post points at: the `http(s)` anchors of its HTML minus those Mastodon writes for
 * mentions (`class="u-url mention"`) and hashtags (`class="mention hashtag"`), and minus any
 * `href` listed in `exclude` (the mention and hashtag URLs known from the payload), deduplicated
 * in order of appearance.
 * @see https://docs.joinmastodon.org/spec/microformats/#mention
 */
export function contentLinks(html: string, exclude: ReadonlySet<string> = new Set()): string[] {
  const links: string[] = [];
  for (const a of anchors(html)) {
    if (!HTTP.test(a.href)) continue;
    if (a.classes.includes('mention') || a.classes.includes('hashtag')) continue;
    if (exclude.has(a.href)) continue;
    if (!links.includes(a.href)) links.push(a.href);
  }
  return links;
}

/**
 * The first web link in a profile field value: an `<a href>` when the value is HTML (as Mastodon
 * renders verified and plain links), else a bare `http(s)://` URL in the text; null when none.
 */
export function firstHttpLink(value: string): string | null {
  const anchor = anchors(value).find((a) => HTTP.test(a.href));
  if (anchor) return anchor.href;
  const bare = /https?:\/\/[^\s<>"']+/i.exec(decodeEntities(value.replace(TAG, '')));
  // Sentence punctuation after a bare URL is not part of it.
  return bare ? bare[0].replace(/[.,;:!?)\]]+$/, '') : null;
}
