import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PHRASES,
  compute,
  isOwnLink,
  ownSites,
  prepareRules,
  signalsOf,
} from '../../src/metrics/self-promotion.js';
import type { MetricContext } from '../../src/metrics/types.js';
import type { Post } from '../../src/model/post.js';
import type { SelfPromotionSignal } from '../../src/schema/report.js';
import { FIRE, HOUR, at, makeCtx, makeSet, original, ours, person, quote, reply, repost, theirs } from '../helpers/posts.js';

const ctx: MetricContext = makeCtx({
  website: 'https://www.roadinfobc.example/',
  ownDomains: ['drivebc.example'],
  ownHashtags: ['#DriveSafe'],
  affiliates: ['@bcfireupdates', 'MinisterOfRoads'],
});
const OWN = 'https://roadinfobc.example/events/DBC-58213';

function signals(p: Post, c: MetricContext = ctx): { points: number; signals: SelfPromotionSignal[] } {
  const item = makeSet([p]).items[0];
  if (item === undefined) throw new Error('post outside the window');
  const { points, signals: s } = signalsOf(item, prepareRules(c));
  return { points, signals: s };
}

describe('self-promotion signals (metrics.md §3.4)', () => {
  const rows: { why: string; post: Post; points: number; signals: SelfPromotionSignal[] }[] = [
    {
      why: 'a reply to another person is never self-promotional, even with promo words, own link and own hashtag',
      post: reply(0, theirs(0, 'a'), { text: 'Check out our app!', links: [OWN], hashtags: ['DriveSafe'] }),
      points: 0,
      signals: [],
    },
    {
      why: 'a bare own link is 1 point: informing, not promoting',
      post: original(0, { text: 'Hwy 97 closed.', links: [OWN] }),
      points: 1,
      signals: ['ownDomainLink'],
    },
    {
      why: 'own link + own hashtag (case-insensitive, config written with #) = 2',
      post: original(0, { text: 'Get the app', links: [OWN], hashtags: ['drivesafe'] }),
      points: 2,
      signals: ['ownDomainLink', 'ownHashtag'],
    },
    {
      why: 'two own links still count once',
      post: original(0, { links: [OWN, 'https://roadinfobc.example/app'] }),
      points: 1,
      signals: ['ownDomainLink'],
    },
    {
      why: '"award" as a whole word = 2',
      post: original(0, { text: 'Our team won an award today.' }),
      points: 2,
      signals: ['promotionalWording'],
    },
    {
      why: '"awarded" is not the word "award"',
      post: original(0, { text: 'The paving contract was awarded to a local firm.' }),
      points: 0,
      signals: [],
    },
    {
      why: '"subscribers" is not the word "subscribe"',
      post: original(0, { text: 'Thanks to our 400k subscribers.' }),
      points: 0,
      signals: [],
    },
    {
      why: '"subscribe!" ends at a non-letter: a match',
      post: original(0, { text: 'Subscribe!' }),
      points: 2,
      signals: ['promotionalWording'],
    },
    {
      why: 'upper case matches',
      post: original(0, { text: 'CHECK OUT OUR new map' }),
      points: 2,
      signals: ['promotionalWording'],
    },
    {
      why: 'full-width letters become plain ones under NFKC',
      post: original(0, { text: 'ｃｈｅｃｋ ｏｕｔ ｏｕｒ map' }),
      points: 2,
      signals: ['promotionalWording'],
    },
    {
      why: 'white space (several spaces, a newline) collapses to one space',
      post: original(0, { text: 'Please  check\n out   our map' }),
      points: 2,
      signals: ['promotionalWording'],
    },
    {
      why: "a curly apostrophe reads as a straight one: \"we’re proud\" matches \"we're proud\"",
      post: original(0, { text: 'We’re proud of our crews.' }),
      points: 2,
      signals: ['promotionalWording'],
    },
    {
      why: 'French phrase with an accent, upper case',
      post: original(0, { text: 'DÉCOUVREZ NOTRE nouvelle carte' }),
      points: 2,
      signals: ['promotionalWording'],
    },
    {
      why: 'French phrase written with a combining accent (NFD) is composed by NFKC',
      post: original(0, { text: 'De\u0301couvrez notre carte' }),
      points: 2,
      signals: ['promotionalWording'],
    },
    {
      why: 'hyphenated French phrase "abonnez-vous"',
      post: original(0, { text: 'Abonnez-vous aux alertes' }),
      points: 2,
      signals: ['promotionalWording'],
    },
    {
      why: 'a phrase inside a web address or a @mention is not wording',
      post: original(0, { text: 'Details: https://roadinfobc.example/subscribe cc @award_bot' }),
      points: 0,
      signals: [],
    },
    {
      why: 'a subdomain of the website is own; plus own hashtag = 2',
      post: original(0, { links: ['https://alerts.roadinfobc.example/x'], hashtags: ['DriveSafe'] }),
      points: 2,
      signals: ['ownDomainLink', 'ownHashtag'],
    },
    {
      why: 'a look-alike domain is not own',
      post: original(0, { links: ['https://notroadinfobc.example/x'] }),
      points: 0,
      signals: [],
    },
    {
      why: 'http and without www: still own (www. ignored)',
      post: original(0, { links: ['http://roadinfobc.example/a'] }),
      points: 1,
      signals: ['ownDomainLink'],
    },
    {
      why: 'ownDomains adds domains',
      post: original(0, { links: ['https://www.drivebc.example/'] }),
      points: 1,
      signals: ['ownDomainLink'],
    },
    {
      why: "repost of an affiliate's post (handle differs in case, config has @) = 2",
      post: repost(0, theirs(0, 'f1', FIRE)),
      points: 2,
      signals: ['repostOfOwnOrAffiliate'],
    },
    {
      why: 'repost of an own post = 2',
      post: repost(0, ours(0, 'o1')),
      points: 2,
      signals: ['repostOfOwnOrAffiliate'],
    },
    {
      why: 'a repost has no own text: words, links and hashtags left on it by a reader are not counted',
      post: repost(0, theirs(0, 'x1', person('someone')), { text: 'Check out our app', links: [OWN], hashtags: ['DriveSafe'] }),
      points: 0,
      signals: [],
    },
    {
      why: 'quote of an own post = 2',
      post: quote(0, ours(0, 'o2'), { text: 'Still valid.' }),
      points: 2,
      signals: ['repostOfOwnOrAffiliate'],
    },
    {
      why: "quote of an affiliate's post known only by its status link",
      post: quote(0, { id: '9', url: 'https://x.com/MinisterOfRoads/status/9', author: { id: null, handle: null }, createdAt: null }),
      points: 2,
      signals: ['repostOfOwnOrAffiliate'],
    },
    {
      why: "quote of someone else's post: only its own text counts (own link = 1)",
      post: quote(0, theirs(0, 'q1', person('someone')), { text: 'Please read.', links: [OWN] }),
      points: 1,
      signals: ['ownDomainLink'],
    },
    {
      why: 'mention of an affiliate + own link = 2',
      post: original(0, { links: [OWN], mentions: [{ id: null, handle: 'ministerofroads' }] }),
      points: 2,
      signals: ['ownDomainLink', 'affiliateMention'],
    },
    {
      why: 'a self-thread reply can be self-promotional (own link + own hashtag)',
      post: reply(0, ours(0, 'o3'), { links: [OWN], hashtags: ['DriveSafe'] }),
      points: 2,
      signals: ['ownDomainLink', 'ownHashtag'],
    },
    {
      why: 'every signal at once: 2 + 2 + 1 + 1 + 1 = 7',
      post: quote(0, ours(0, 'o4'), {
        text: 'Download our app',
        links: [OWN],
        hashtags: ['DriveSafe'],
        mentions: [{ id: null, handle: 'BCFireUpdates' }],
      }),
      points: 7,
      signals: ['repostOfOwnOrAffiliate', 'promotionalWording', 'ownDomainLink', 'ownHashtag', 'affiliateMention'],
    },
  ];
  it.each(rows)('$why', ({ post, points, signals: expected }) => {
    expect(signals(post)).toEqual({ points, signals: expected });
  });

  it('a config phrase list replaces the defaults', () => {
    const custom = { ...ctx, phrases: ['new portal'] };
    expect(signals(original(0, { text: 'Check out our new portal' }), custom).signals).toEqual(['promotionalWording']);
    expect(signals(original(0, { text: 'Check out our map' }), custom).points).toBe(0);
  });

  it('the default list holds every phrase metrics.md §3.4 names', () => {
    for (const phrase of [
      'check out our',
      'our new',
      "we're proud",
      'award',
      'follow us',
      'subscribe',
      'sign up',
      'download our',
      'watch our',
      'read our',
      "don't miss",
      'découvrez notre',
      'abonnez-vous',
    ]) {
      expect(DEFAULT_PHRASES).toContain(phrase);
    }
  });
});

describe('own sites on a shared host (website with a path)', () => {
  const sites = ownSites('linktr.ee/agency', []);
  const rows: { link: string; own: boolean; why: string }[] = [
    { link: 'https://linktr.ee/agency', own: true, why: 'the page itself' },
    { link: 'https://www.linktr.ee/Agency/', own: true, why: 'www. and case ignored, trailing slash' },
    { link: 'https://linktr.ee/agency/events?x=1', own: true, why: 'under the path' },
    { link: 'https://linktr.ee/other', own: false, why: "another account's page on the same host" },
    { link: 'https://linktr.ee/agencyx', own: false, why: 'a longer name is not under the path' },
    { link: 'https://linktr.ee/', own: false, why: 'the host alone' },
    { link: 'https://sub.linktr.ee/agency', own: false, why: 'a subdomain of a shared host is not the account' },
    { link: 'not a url at all', own: false, why: 'unreadable link' },
  ];
  it.each(rows)('$link → $own ($why)', ({ link, own }) => {
    expect(isOwnLink(link, sites)).toBe(own);
  });
});

describe('self-promotion share', () => {
  it('count / N with items newest first, each note naming its signals', () => {
    const promo1 = original(0, { text: 'Download our app', links: [OWN] });
    const promo2 = repost(2 * HOUR, theirs(0, 'f', FIRE));
    const posts = [promo1, original(HOUR, { links: [OWN] }), promo2, reply(3 * HOUR, theirs(0, 'a'), { text: 'Check out our map' })];
    const m = compute(makeSet(posts), ctx);
    // 2 promotional of N = 4: share 0.5. The plain own link (1 point) and the reply do not count.
    expect(m.count).toBe(2);
    expect(m.share).toBe(0.5);
    expect(m.items.map((i) => i.id)).toEqual([promo2.id, promo1.id]);
    expect(m.items[0]).toMatchObject({
      createdAt: at(2 * HOUR),
      points: 2,
      signals: ['repostOfOwnOrAffiliate'],
      note: "2 points: repost of affiliate @bcfireupdates's post",
    });
    expect(m.items[1]?.note).toBe(`3 points: promotional wording "download our"; link to its own site (${OWN})`);
  });

  it('no items: share null, count 0', () => {
    expect(compute(makeSet([]), ctx)).toEqual({ share: null, count: 0, items: [] });
  });
});
