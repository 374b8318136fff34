import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hourOfWeek } from '../../src/metrics/business-clock.js';
import { computeCannedReplies, templateWords } from '../../src/metrics/canned-replies.js';
import { countByHourOfWeek } from '../../src/metrics/coverage.js';
import { compute as latency } from '../../src/metrics/response-latency.js';
import { compilePhrases, DEFAULT_PHRASES, findPhrase, normalizeText } from '../../src/metrics/self-promotion.js';
import { DAY, HOUR, MINUTE, PETE, makeCtx, makeSet, person, reply, theirs } from '../helpers/posts.js';

/**
 * The benchmark's fast paths (docs/performance.md) must give exactly what the plain definitions
 * give: ASCII-only patterns for ASCII text, a time-zone offset looked up once per day, a filter
 * before the phrase patterns, a top-5 selection instead of a sort. Each is checked against the
 * definition it replaces, on generated input.
 */

const APOSTROPHES = /[\u2018\u2019\u02BC\u2032\uFF07]/gu;
/** normalizeText as metrics.md §3.4 defines it, without the ASCII shortcut. */
const normalizeDefinition = (text: string): string =>
  text.normalize('NFKC').replace(APOSTROPHES, "'").replace(/\s+/gu, ' ').trim().toLowerCase();

const LINK = /(?:https?:\/\/|www\.)\S+|(?<![\p{L}\p{N}@._-])[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}\/\S*/giu;
const MENTION = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+(?:@[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+)?/gu;
const WORD = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}\p{N}]+)*/gu;
/** templateWords as metrics.md §10 defines it, with the Unicode patterns only. */
const wordsDefinition = (text: string): string[] =>
  (normalizeDefinition(text).replace(LINK, ' ').replace(MENTION, ' ').match(WORD) ?? []).filter((w) => !/\p{N}/u.test(w));

/** Texts built from the pieces the patterns care about: links, mentions, digits, apostrophes, spacing, some non-ASCII. */
const pieces = [
  'Road', 'closed', "we're", 'on', 'it', '9am', 'A1234', '@pete', '@pete@mstdn.example', 'mail@host.org', 'https://x.co/a',
  'HTTP://EX.ORG/p', 'www.drivebc.ca', 'drivebc.ca/path', 'drivebc.ca', '#Hwy97', '...', '!', '  ', '\t', '\n', ' ', 'Ünïcode',
  'ＦＵＬＬ', '’', 'café', '2nd', "don't", 'miss', 'check', 'out', 'our', 'httpſ://x.y/z', 'K', '/', 'w', 'ww.', 'x/y',
  // The edges of the ASCII shapes: vertical tab, form feed, CR, a control below tab, unit separator, DEL, NBSP.
  '\v', '\f', '\r', '\u0008', '\u001f', '\u007f', '\u00a0',
];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 14 }).chain((parts) =>
  fc.array(fc.constantFrom('', ' ', '  ', '\n'), { minLength: parts.length, maxLength: parts.length }).map((gaps) =>
    parts.map((p, i) => `${p}${gaps[i]}`).join(''),
  ),
);

describe('ASCII shortcuts give the definitions', () => {
  it('normalizeText', () => {
    fc.assert(fc.property(fc.oneof(text, fc.string()), (t) => {
      expect(normalizeText(t)).toBe(normalizeDefinition(t));
    }), { numRuns: 3000 });
  });

  it('templateWords', () => {
    fc.assert(fc.property(text, (t) => {
      expect(templateWords(t)).toEqual(wordsDefinition(t));
    }), { numRuns: 3000 });
  });

  it('findPhrase, with its one-pattern filter, finds the first phrase of the list as each matcher does', () => {
    const matchers = compilePhrases(DEFAULT_PHRASES);
    const ADDRESSES = /(?:\bhttps?:\/\/|\bwww\.)\S+|(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.@-]+/giu;
    const definition = (t: string): string | null => {
      const normalized = normalizeDefinition(t.replace(ADDRESSES, ' '));
      return normalized === '' ? null : (matchers.find((m) => m.test(normalized))?.phrase ?? null);
    };
    const promo = fc.array(fc.constantFrom(...pieces, 'Check out our', 'follow us', 'award', 'Découvrez nos', 'DON’T MISS', '@award_bot', 'x.org/subscribe'), {
      maxLength: 10,
    }).map((p) => p.join(' '));
    fc.assert(fc.property(promo, (t) => {
      expect(findPhrase(t, matchers)).toBe(definition(t));
    }), { numRuns: 3000 });
  });
});

describe('coverage looks the zone offset up once per day and gives hourOfWeek for every instant', () => {
  const zones = ['UTC', 'America/Vancouver', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Apia', 'Africa/Casablanca', 'America/Sao_Paulo'];
  it.each(zones)('%s', (zone) => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2040, 0, 1) }), { minLength: 1, maxLength: 40 }),
        (instants) => {
          const expected = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
          for (const ms of instants) {
            const [d, h] = hourOfWeek(ms, zone);
            (expected[d] as number[])[h] = ((expected[d] as number[])[h] as number) + 1;
          }
          expect(countByHourOfWeek(instants, zone)).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('around daylight-saving changes, minute by minute', () => {
    const start = Date.UTC(2026, 2, 8, 8, 0); // 2026-03-08 00:00 in Vancouver: spring forward at 02:00
    const instants = Array.from({ length: 3 * 24 * 60 }, (_, i) => start + i * MINUTE);
    const expected = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    for (const ms of instants) {
      const [d, h] = hourOfWeek(ms, 'America/Vancouver');
      (expected[d] as number[])[h] = ((expected[d] as number[])[h] as number) + 1;
    }
    expect(countByHourOfWeek(instants, 'America/Vancouver')).toEqual(expected);
  });
});

describe('response latency: the five slowest without sorting every pair', () => {
  it('equal a stable sort of all pairs, ties included', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 30 }), (shape) => {
        // Reply i at T0 + i h (+ a few equal times), answering its own target written `lag` hours before.
        const posts = shape.map(([lag, same], i) => {
          const at = Math.floor(i / (same + 1)) * HOUR;
          return reply(at, theirs(at - lag * HOUR, `t${i}`));
        });
        const set = makeSet(posts);
        const m = latency(set, makeCtx());
        const items = set.items;
        const reference = items
          .map((item) => ({ item, latencyMs: item.ms - Date.parse(item.post.replyTo?.createdAt ?? '') }))
          .toSorted((a, b) => b.latencyMs - a.latencyMs || a.item.ms - b.item.ms)
          .slice(0, 5)
          .map((p) => p.item.post.id);
        expect(m.slowest.map((s) => s.id)).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });
});

describe('canned replies past 2^17 distinct words (grams keyed through strings)', () => {
  it('still finds exactly the near-duplicates among replies written with the late words', () => {
    // 11 000 replies of 12 words each, all new: 132 000 distinct words, past the 131 072 of the
    // integer keys. Then pairs written with the latest words: one identical pair, one pair
    // differing in the last of 12 words (Jaccard 9/11 >= 0.8), one differing in two (7/13 < 0.8).
    /** A word of letters only (a word holding a digit would be dropped as a number). */
    const word = (n: number): string => `w${[...n.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('')}`;
    const posts = [];
    let w = 0;
    for (let i = 0; i < 11_000; i += 1) {
      const words = Array.from({ length: 12 }, () => word(w++));
      posts.push(reply(-DAY + i * 100, theirs(-2 * DAY, `a${i}`, person(`p${i % 50}`)), { text: words.join(' ') }));
    }
    const late = Array.from({ length: 14 }, () => word(w++));
    const base = late.slice(0, 12).join(' ');
    const variants = [base, base, [...late.slice(0, 11), late[12]].join(' '), [...late.slice(0, 10), late[12], late[13]].join(' ')];
    variants.forEach((t, i) => posts.push(reply(i * MINUTE, theirs(-HOUR, `b${i}`, PETE), { text: t })));
    const m = computeCannedReplies(makeSet(posts));
    expect(m.replies).toBe(11_004);
    expect(m.canned).toBe(3);
    expect(m.templates.map((t) => t.count)).toEqual([3]);
  });
});
