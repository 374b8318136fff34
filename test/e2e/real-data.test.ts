import { describe, expect, it } from 'vitest';
import { ReportSchema, type Report } from '../../src/schema/report.js';
import { runCli } from '../helpers/cli.js';
import { hasRealData, REAL_DATA } from '../helpers/real-data.js';

/**
 * The CLI on real public posts that nobody on the team wrote (../shared/real-data, see its
 * README). Those files may not be copied into the repository, so this suite reads them in place
 * and is skipped, with a message, when the folder is absent (as in a user's clone).
 *
 * Every expected figure below was computed independently of this code base by a separate
 * Python script written from metrics.md (kinds, first reply per target, snowflake / Mastodon id
 * times, nearest-rank p90), and spot-checked by hand where a comment says so.
 */
const REAL = `${REAL_DATA}/`;
const present = hasRealData;

function audit(args: string[]): Report {
  const r = runCli([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return ReportSchema.parse(JSON.parse(r.stdout));
}

describe.skipIf(!present)('real data: figures verified outside the tool', () => {
  it('US Congress, Twitter API v1.1: @RepJeffDuncan in April 2016', () => {
    const r = audit(['@RepJeffDuncan', '--input', `${REAL}congress-2016-timelines/tweets/240393970.json`, '--month', '2016-04']);
    expect(r.account).toMatchObject({ platform: 'x', handle: 'RepJeffDuncan', id: '240393970' });
    expect(r.window).toEqual({ since: '2016-04-01T00:00:00.000Z', until: '2016-05-01T00:00:00.000Z', timeZone: 'UTC' });
    // 94 tweets in April: 40 originals, 33 replies to others (one of them @-addressed with no
    // status id), 2 quotes, 19 retweets.
    expect(r.counts).toMatchObject({ items: 94, original: 40, replyToOther: 33, replyToSelf: 0, quoteToOther: 2, repostToOther: 19 });
    // 33 / (94 - 19) = 0.44
    expect(r.metrics.replyRatio.value).toBe(0.44);
    const lat = r.metrics.responseLatency;
    // 32 replies with a status id go to 26 distinct tweets (five tweets got 2-3 replies; only the
    // first counts). By hand, one pair: tweet 722782342876676096 got replies at 13:50:21 and
    // 14:07:33 on 20 April; its time is (722782342876676096 >> 22) + 1288834974657 ms =
    // 13:41:53.845, so only the 13:50:21 reply counts, about 8.5 minutes after it.
    expect(lat).toMatchObject({ n: 26, noTargetPost: 1, unknownTargetTime: 0, dropped: 0 });
    // even n: mean of the 13th and 14th smallest; p90 = 24th smallest (ceil(0.9 × 26)).
    expect(lat.medianSeconds).toBeCloseTo(3367.5095, 6);
    expect(lat.p90Seconds).toBeCloseTo(28741.327, 6);
    expect(lat.withinOneHourShare).toBeCloseTo(14 / 26, 12);
    expect(lat.withinOneDayShare).toBeCloseTo(25 / 26, 12);
    // conversation 33 + 2 = 35 of 94, amplification 19 of 94, broadcast 40 of 94
    expect(r.metrics.mix.conversationShare).toBeCloseTo(35 / 94, 12);
    expect(r.metrics.mix.amplificationShare).toBeCloseTo(19 / 94, 12);
    expect(r.metrics.mix.broadcastShare).toBeCloseTo(40 / 94, 12);
  });

  it('US Congress: a self-thread account (RepMarthaRoby, February 2016), no account argument', () => {
    const r = audit(['--input', `${REAL}congress-2016-timelines/tweets/224294785.json`, '--month', '2016-02']);
    // user objects are trimmed to {id, id_str} in this data set, so the handle is unknown
    expect(r.account).toMatchObject({ id: '224294785', handle: null });
    expect(r.counts).toMatchObject({ items: 72, original: 38, replyToOther: 3, replyToSelf: 19, quoteToOther: 3, repostToOther: 9 });
    expect(r.metrics.replyRatio.value).toBeCloseTo(3 / 63, 12);
    expect(r.metrics.responseLatency).toMatchObject({ n: 3 });
    expect(r.metrics.responseLatency.medianSeconds).toBeCloseTo(728.67, 6);
    expect(r.metrics.responseLatency.p90Seconds).toBeCloseTo(1415.458, 6);
    // Read by hand: "You can watch our … hearing", "I'm proud to represent", "Don't miss this …
    // editorial" carry promotional wording (2 points each); nothing else reaches 2 points.
    expect(r.metrics.selfPromotion.count).toBe(3);
    expect(r.metrics.selfPromotion.items.map((i) => i.signals)).toEqual([['promotionalWording'], ['promotionalWording'], ['promotionalWording']]);
  });

  it('X account archive (andreruffert, folder with tweets.js at its root): March 2016', () => {
    const r = audit(['--input', `${REAL}twitter-archive-andreruffert`, '--month', '2016-03']);
    expect(r.source).toMatchObject({ kind: 'archive', format: 'x-archive', itemsRead: 1986, complete: true });
    expect(r.account).toMatchObject({ handle: 'andreruffert', id: '112769581' });
    expect(r.counts).toMatchObject({ items: 58, original: 9, replyToOther: 25, replyToSelf: 7, quoteToOther: 4, repostToOther: 13 });
    expect(r.metrics.replyRatio.value).toBeCloseTo(25 / 45, 12);
    expect(r.metrics.responseLatency).toMatchObject({ n: 22, noTargetPost: 3, withinOneDayShare: 1 });
    expect(r.metrics.responseLatency.medianSeconds).toBeCloseTo(785.685, 6);
    expect(r.metrics.responseLatency.p90Seconds).toBeCloseTo(23318.341, 6);
    expect(r.metrics.responseLatency.withinOneHourShare).toBeCloseTo(15 / 22, 12);
    expect(r.metrics.mix.conversationShare).toBe(0.5);
  });

  it('Mastodon archive (dealingwith, folder with outbox.json + actor.json): January 2024', () => {
    const r = audit(['--input', `${REAL}mastodon-dealingwith`, '--month', '2024-01']);
    expect(r.account).toMatchObject({ platform: 'mastodon', handle: 'dealingwith@indieweb.social' });
    // one followers-only or direct post in January is left out of everything
    expect(r.counts).toMatchObject({ items: 94, original: 53, replyToOther: 17, replyToSelf: 9, repostToOther: 15, excludedNonPublic: 1 });
    expect(r.metrics.replyRatio.value).toBeCloseTo(17 / 79, 12);
    // reply-target times from Mastodon ids: ms = id >> 16
    expect(r.metrics.responseLatency).toMatchObject({ n: 17, unknownTargetTime: 0 });
    expect(r.metrics.responseLatency.medianSeconds).toBeCloseTo(5295.075, 6);
    expect(r.metrics.responseLatency.p90Seconds).toBeCloseTo(113881.161, 6);
    expect(r.metrics.responseLatency.withinOneHourShare).toBeCloseTo(7 / 17, 12);
  });

  it('Mastodon outbox.json given as a single file (philhawksworth): November 2022', () => {
    const r = audit(['--input', `${REAL}mastodon-philhawksworth/outbox.json`, '--month', '2022-11']);
    expect(r.counts).toMatchObject({ items: 157, original: 26, replyToOther: 103, replyToSelf: 7, repostToOther: 21, excludedNonPublic: 23 });
    // one reply goes to a non-Mastodon server whose URL carries neither a time nor an author
    expect(r.counts.replyTargetUnknown).toBe(1);
    expect(r.metrics.responseLatency).toMatchObject({ n: 102, unknownTargetTime: 1 });
    expect(r.metrics.responseLatency.medianSeconds).toBeCloseTo(744.6215, 6);
    expect(r.metrics.responseLatency.p90Seconds).toBeCloseTo(34893.001, 6);
    expect(r.score.verdict).toBe('BEING');
  });

  it('Bluesky getAuthorFeed page (benoist.dev): 2 posts, 28 reposts of others, nothing conversational', () => {
    const r = audit(['--input', `${REAL}bluesky-benoist/getAuthorFeed.json`]);
    expect(r.account).toMatchObject({ platform: 'bluesky', handle: 'benoist.dev', id: 'did:plc:ubudpurydqvit3dhdnx4v6sv' });
    // the two reposted replies by other people are reposts, not replies of the account
    expect(r.counts).toMatchObject({ items: 30, original: 2, replyToOther: 0, repostToOther: 28 });
    expect(r.metrics.replyRatio.value).toBe(0);
    expect(r.metrics.mix.amplificationShare).toBeCloseTo(28 / 30, 12);
    // nobody replied to: reply ratio, latency and mix score 0; only self-promotion (none) scores
    expect(r.score).toMatchObject({ value: 20, verdict: 'DOING' });
  });

  it('Bluesky feed dumped by the Python SDK (profgalloway.com): a repost of his own post is self-promotion', () => {
    const r = audit(['--input', `${REAL}bluesky-profgalloway/author_feed.json`]);
    expect(r.counts).toMatchObject({ items: 10, original: 9, repostToSelf: 1 });
    expect(r.metrics.selfPromotion.count).toBe(1);
    expect(r.metrics.selfPromotion.items[0]?.signals).toEqual(['repostOfOwnOrAffiliate']);
    // repost.toSelf is broadcast (§3.3): everything is broadcast
    expect(r.metrics.mix.broadcastShare).toBe(1);
    expect(r.warnings.map((w) => w.code)).toContain('small-sample');
  });
});
