import type { PostRef } from '../model/post.js';
import type { Report, SelfPromotionSignal } from '../schema/report.js';
import { normalizeHandle, refAuthorHandles } from './kinds.js';
import type { Metric, MetricMeta } from './metric.js';
import type { AuditItem, MetricContext, PostSet } from './types.js';

/** `metrics.selfPromotion` without its score. */
export type SelfPromotionMeasurement = Omit<Report['metrics']['selfPromotion'], 'score'>;
/** One self-promotional item as cited in the report. */
export type SelfPromotionItem = SelfPromotionMeasurement['items'][number];

export const meta = {
  id: 'selfPromotion',
  title: 'Self-promotion',
  description:
    'The share of everything the account published that promotes the account itself: its own posts passed on again, promotional wording, links home with campaign hashtags.',
  unit: 'share',
} as const satisfies MetricMeta<'selfPromotion'>;

/**
 * Default promotional phrases (metrics.md §3.4), English then French. Each is wording that
 * points readers at the organisation itself rather than at information they asked for.
 * A config's `selfPromotion.phrases` replaces the whole list. Matching is case-insensitive, on
 * whole words, after NFKC, with ’ read as ' (see `normalizeText`).
 */
export const DEFAULT_PHRASES: readonly string[] = [
  // English
  'check out our', // metrics.md §3.4: sends readers to the organisation's own material
  'our new', // metrics.md §3.4: announces the organisation's own product or page
  "we're proud", // metrics.md §3.4: the organisation talking about itself
  'proud to', // "proud to announce / partner / serve": self-congratulation
  'excited to announce', // launch wording
  'award', // metrics.md §3.4: prizes are about the sender (whole word: "awarded a contract" does not match)
  'follow us', // metrics.md §3.4: asks for followers, not conversation
  'subscribe', // metrics.md §3.4: asks for an audience
  'sign up', // metrics.md §3.4: asks for an audience
  'download our', // metrics.md §3.4: pushes the organisation's app or document
  'get our app', // pushes the organisation's app
  'watch our', // metrics.md §3.4: pushes the organisation's video
  'read our', // metrics.md §3.4: pushes the organisation's own publication
  'visit our', // sends readers to the organisation's own site
  'learn more about our', // sends readers to the organisation's own programmes
  "don't miss", // metrics.md §3.4: event and campaign promotion
  // French
  'découvrez notre', // metrics.md §3.4: "check out our"
  'découvrez nos', // plural of the above
  'notre nouveau', // "our new" (masculine)
  'notre nouvelle', // "our new" (feminine)
  'fiers de', // "proud to / proud of" (masculine plural; agencies speak as "nous")
  'fières de', // feminine plural of the above
  'suivez-nous', // "follow us"
  'abonnez-vous', // metrics.md §3.4: "subscribe"
  'inscrivez-vous', // "sign up"
  'téléchargez notre', // "download our"
  'visitez notre', // "visit our"
  'ne manquez pas', // "don't miss"
];

/** The signals of metrics.md §3.4 with their points. */
export const SIGNAL_POINTS: Readonly<Record<SelfPromotionSignal, number>> = {
  repostOfOwnOrAffiliate: 2,
  promotionalWording: 2,
  ownDomainLink: 1,
  ownHashtag: 1,
  affiliateMention: 1,
};

/** metrics.md §3.4: an item is self-promotional at 2 points or more. */
export const PROMOTIONAL_POINTS = 2;

/** Apostrophe look-alikes that NFKC leaves alone but people (and phones) type for `'`. */
const APOSTROPHES = /[\u2018\u2019\u02BC\u2032\uFF07]/gu;

/**
 * Text as phrases are matched: NFKC (full-width letters and ligatures become plain ones),
 * typographic apostrophes read as `'`, white space collapsed to one space, lower-cased.
 */
export function normalizeText(text: string): string {
  // Plain ASCII (the bulk of posts) is its own NFKC form and holds no apostrophe look-alike, and
  // its only white space is tab, line breaks and space: the same result, several times faster.
  switch (asciiShape(text)) {
    case SIMPLE:
      return text.toLowerCase();
    case ASCII:
      return text.replace(ASCII_SPACES, ' ').trim().toLowerCase();
    default:
      return text.normalize('NFKC').replace(APOSTROPHES, "'").replace(/\s+/gu, ' ').trim().toLowerCase();
  }
}

const SIMPLE = 0;
const ASCII = 1;
const OTHER = 2;
const ASCII_SPACES = /\s+/g;

/** Printable ASCII words separated by single spaces, nothing before the first or after the last. */
const SIMPLE_TEXT = /^[!-~]+(?: [!-~]+)*$/;
/** Tab, line breaks and printable ASCII only. */
const ASCII_TEXT = /^[\t-\r -~]*$/;

/**
 * SIMPLE: printable ASCII whose only white space is single spaces between words (nothing to
 * collapse or trim; the empty text too); ASCII: tab, line breaks and printable ASCII; OTHER:
 * anything else. Two patterns rather than a loop over the characters: several times faster.
 */
function asciiShape(text: string): number {
  if (text.length === 0 || SIMPLE_TEXT.test(text)) return SIMPLE;
  return ASCII_TEXT.test(text) ? ASCII : OTHER;
}

/** Web addresses and @mentions are names, not wording: `…/subscribe` or `@award_bot` is no promotional phrase. */
const ADDRESSES = /(?:\bhttps?:\/\/|\bwww\.)\S+|(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.@-]+/giu;
/**
 * `ADDRESSES` for a text of ASCII characters only, where it matches exactly the same: the letters
 * and digits of ASCII are `[A-Za-z0-9]`, and the characters `/iu` adds to `\b`'s word characters
 * (U+017F, U+212A) are not ASCII. Patterns with `\p{…}` run many times slower in V8.
 */
const ADDRESSES_ASCII = /(?:\bhttps?:\/\/|\bwww\.)\S+|(?<![A-Za-z0-9_])@[A-Za-z0-9_.@-]+/gi;
/** Every character is ASCII. */
export const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** `text` with its web addresses and @mentions replaced by a space. */
function withoutAddresses(text: string): string {
  if (!mayHoldAddress(text)) return text;
  return text.replace(ASCII_ONLY.test(text) ? ADDRESSES_ASCII : ADDRESSES, ' ');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A phrase matcher: the phrase as whole words, bounded by the text's ends or a character that is not a letter or digit. */
export interface PhraseMatcher {
  phrase: string;
  test(normalizedText: string): boolean;
  /** The normalised phrase: a text the matcher accepts contains it (a quick filter before `test`). */
  needle?: string;
}

/** Compiles phrases once per run (metrics.md §3.4 matching rules). Empty phrases are ignored. */
export function compilePhrases(phrases: readonly string[]): PhraseMatcher[] {
  const out: PhraseMatcher[] = [];
  for (const phrase of phrases) {
    const norm = normalizeText(phrase);
    if (norm === '') continue;
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(norm)}(?![\\p{L}\\p{N}])`, 'u');
    out.push({ phrase, test: (text) => re.test(text), needle: norm });
  }
  return out;
}

/** The first phrase found in an item's own text (addresses removed), or null. */
export function findPhrase(text: string, matchers: readonly PhraseMatcher[]): string | null {
  const normalized = normalizeText(withoutAddresses(text));
  if (normalized === '') return null;
  const anyNeedle = needleFilter(matchers);
  if (anyNeedle !== null && !anyNeedle.test(normalized)) return null;
  return matchers.find((m) => m.test(normalized))?.phrase ?? null;
}

/**
 * Whether `ADDRESSES` can match at all: each of its matches holds `@`, `://` or `www.` (any
 * case), so a text with none of them is left as it is, without running the slower pattern.
 */
function mayHoldAddress(text: string): boolean {
  return text.includes('@') || text.includes('://') || WWW.test(text);
}
const WWW = /www\./i;

const needleFilters = new WeakMap<readonly PhraseMatcher[], RegExp | null>();

/**
 * One pattern that finds any matcher's phrase as a plain substring: most texts hold none, and
 * one scan rules them all out at once instead of a whole-word test per phrase. Null when some
 * matcher does not say its phrase (then every matcher is tried).
 */
function needleFilter(matchers: readonly PhraseMatcher[]): RegExp | null {
  let filter = needleFilters.get(matchers);
  if (filter === undefined) {
    const needles = matchers.map((m) => m.needle);
    filter = needles.every((n): n is string => n !== undefined && n !== '')
      ? new RegExp(needles.map(escapeRegExp).join('|'))
      : null;
    needleFilters.set(matchers, filter);
  }
  return filter;
}

/** One place that is the account's own on the web: a host (subdomains included) and, on a shared host, a path. */
export interface OwnSite {
  /** Lower-case host without `www.`. */
  host: string;
  /** Lower-case path without a trailing `/`; `''` when the whole host is the account's. */
  path: string;
}

/** Parses `https://www.example.org/`, `example.org`, `linktr.ee/agency`; null when it is no web address. */
function parseWebAddress(address: string): { host: string; path: string } | null {
  const trimmed = address.trim();
  if (trimmed === '') return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = url.hostname.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  if (host === '') return null;
  return { host, path: url.pathname.toLowerCase().replace(/\/+$/, '') };
}

/**
 * The account's own sites: the profile website and `ownDomains` (metrics.md §3.4), each read
 * the same way. `www.` is ignored; a site with a path beyond `/` is a page on a shared host
 * (`linktr.ee/agency`) and only links under that path are own.
 */
export function ownSites(website: string | null, ownDomains: readonly string[]): OwnSite[] {
  const sites: OwnSite[] = [];
  for (const address of [...(website === null ? [] : [website]), ...ownDomains]) {
    const site = parseWebAddress(address);
    if (site !== null) sites.push(site);
  }
  return sites;
}

/**
 * A link is own when its host is the site's host or a subdomain of it (whole host only; a site
 * on a shared host needs the same host) and, for a site with a path, its path is that path or
 * under it (`/agency`, `/agency/events`; not `/agencyx`). Paths compare case-insensitively, as
 * shared hosts treat account names (`fb.com/Agency` is `fb.com/agency`).
 */
export function isOwnLink(link: string, sites: readonly OwnSite[]): boolean {
  const target = parseWebAddress(link);
  if (target === null) return false;
  return sites.some((site) => {
    if (site.path === '') return target.host === site.host || target.host.endsWith(`.${site.host}`);
    return target.host === site.host && (target.path === site.path || target.path.startsWith(`${site.path}/`));
  });
}

/** The settings of a run, prepared once (phrases compiled, sites parsed, handles normalised). */
export interface SelfPromotionRules {
  matchers: PhraseMatcher[];
  sites: OwnSite[];
  hashtags: ReadonlySet<string>;
  affiliates: ReadonlySet<string>;
}

/** Prepares the context's settings for `signalsOf`. */
export function prepareRules(ctx: MetricContext): SelfPromotionRules {
  return {
    matchers: compilePhrases(ctx.phrases),
    sites: ownSites(ctx.website, ctx.ownDomains),
    hashtags: new Set(ctx.ownHashtags.map(normalizeHashtag)),
    affiliates: new Set(ctx.affiliates.map(normalizeHandle)),
  };
}

function normalizeHashtag(tag: string): string {
  return tag.trim().replace(/^#/, '').normalize('NFKC').toLowerCase();
}

/** The affiliate who wrote a post (by its author's handle, or the handle its id / URL names), or null. */
function affiliateAuthor(ref: PostRef, affiliates: ReadonlySet<string>): string | null {
  return refAuthorHandles(ref).find((handle) => affiliates.has(handle)) ?? null;
}

/** The signals one item carries and what matched, for the evidence note. */
export interface ItemSignals {
  signals: SelfPromotionSignal[];
  points: number;
  /** Words for each signal, in `signals` order ("promotional wording \"check out our\""). */
  reasons: string[];
}

/**
 * metrics.md §3.4 for one item. A reply to another person carries no signal at all. A repost has
 * no own text, so only the repost signal can apply to it; a quote's own text is its own.
 */
export function signalsOf(item: AuditItem, rules: SelfPromotionRules): ItemSignals {
  if (item.kind === 'reply' && !item.toSelf) return { signals: [], points: 0, reasons: [] };
  const out: ItemSignals = { signals: [], points: 0, reasons: [] };
  const add = (signal: SelfPromotionSignal, reason: string): void => {
    out.signals.push(signal);
    out.points += SIGNAL_POINTS[signal];
    out.reasons.push(reason);
  };
  const { post } = item;

  const target = item.kind === 'repost' ? post.repostOf : item.kind === 'quote' ? post.quoteOf : null;
  if (target !== null) {
    const verb = item.kind === 'repost' ? 'repost' : 'quote';
    const affiliate = item.toSelf || rules.affiliates.size === 0 ? null : affiliateAuthor(target, rules.affiliates);
    if (item.toSelf) add('repostOfOwnOrAffiliate', `${verb} of its own post`);
    else if (affiliate !== null) add('repostOfOwnOrAffiliate', `${verb} of affiliate @${affiliate}'s post`);
  }
  if (item.kind === 'repost') return out;

  const phrase = findPhrase(post.text, rules.matchers);
  if (phrase !== null) add('promotionalWording', `promotional wording "${phrase}"`);
  // Each check is skipped when the rules give it nothing to find (no site, hashtag or affiliate).
  const ownLink = rules.sites.length === 0 ? undefined : post.links.find((link) => isOwnLink(link, rules.sites));
  if (ownLink !== undefined) add('ownDomainLink', `link to its own site (${ownLink})`);
  const tag = rules.hashtags.size === 0 ? undefined : post.hashtags.find((t) => rules.hashtags.has(normalizeHashtag(t)));
  if (tag !== undefined) add('ownHashtag', `own hashtag #${tag}`);
  const mention =
    rules.affiliates.size === 0
      ? undefined
      : post.mentions.find((m) => m.handle !== null && rules.affiliates.has(normalizeHandle(m.handle)));
  if (mention?.handle != null) add('affiliateMention', `mention of affiliate @${normalizeHandle(mention.handle)}`);
  return out;
}

/**
 * metrics.md §3.4: `share = selfPromotional / N` (null when `N = 0`), `count` the numerator,
 * `items` every self-promotional item newest first, each with its points, signals and a note
 * naming them in words.
 */
export function compute(set: PostSet, ctx: MetricContext): SelfPromotionMeasurement {
  const rules = prepareRules(ctx);
  const items: SelfPromotionItem[] = [];
  for (let i = set.items.length - 1; i >= 0; i -= 1) {
    const item = set.items[i] as AuditItem;
    // A reply to another person carries no signal (see `signalsOf`): skipped without asking.
    if (item.kind === 'reply' && !item.toSelf) continue;
    const found = signalsOf(item, rules);
    if (found.points < PROMOTIONAL_POINTS) continue;
    items.push({
      id: item.post.id,
      url: item.post.url,
      createdAt: item.post.createdAt,
      text: item.post.text,
      note: `${found.points} points: ${found.reasons.join('; ')}`,
      points: found.points,
      signals: found.signals,
    });
  }
  const n = set.items.length;
  return { share: n === 0 ? null : items.length / n, count: items.length, items };
}

export const selfPromotion = { meta, compute } satisfies Metric<'selfPromotion', SelfPromotionMeasurement>;
