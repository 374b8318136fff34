import { ReportSchema, SCHEMA_VERSION, type Report } from '../../src/schema/report.js';
import { DEFAULT_SCORING_MODEL } from '../../src/scoring/model.js';

/**
 * A post text written to attack a terminal: clear screen, set the window title, an OSC 8
 * hyperlink, a DCS string, an 8-bit CSI, a BiDi override and a zero-width space.
 */
export const HOSTILE_TEXT =
  '\x1b[2J\x1b[H\x1b]0;pwned\x07Road \x1b[31mclosed\x1b[0m ' +
  '\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\ ' +
  '\x1bP1$r0m\x1b\\\x9b31mnow\u202e txet desrever\u202c\u200b!';

/** What {@link HOSTILE_TEXT} must become after sanitizing. */
export const HOSTILE_TEXT_SANITIZED = 'Road closed click here now txet desrever!';

const status = (id: string): string => `https://x.com/RoadwiseBC/status/${id}`;

/**
 * A full, valid report of a realistic month: an X archive of a road-information account,
 * October 2025 in Vancouver time, 180 items. The figures are consistent with each other and
 * with the default scoring model (metrics.md §4):
 * - reply ratio 41 / 134 = 0.306 → 0.641 → 16.0 of 25 points
 * - latency median 1380 s, p90 15000 s, n 14 → 0.982 → 29.5 of 30
 * - mix 49 / 22 / 109 of 180 → conversation 0.272 → 0.596 → 14.9 of 25
 * - self-promotion 15 / 180 = 0.083 → 0.811 → 16.2 of 20
 * - score round(76.6) = 77, BEING social at threshold 60.
 * Returns a fresh object each call, so tests may change it.
 */
export function sampleReport(): Report {
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'social-audit', version: '0.1.0' },
    generatedAt: '2025-11-03T17:05:00.000Z',
    mode: 'outbound-only',
    account: {
      platform: 'x',
      handle: 'RoadwiseBC',
      id: '1234567890123456789',
      displayName: 'Roadwise BC',
      website: 'https://roadwise.example.gov',
    },
    source: {
      kind: 'archive',
      format: 'x-archive',
      path: 'fixtures/sample/roadwise-archive.zip',
      complete: true,
      itemsRead: 1204,
      itemsSkipped: 2,
      otherAuthors: 0,
      duplicates: 3,
      requests: 0,
      fetchedAt: null,
    },
    window: {
      since: '2025-10-01T07:00:00.000Z',
      until: '2025-11-01T07:00:00.000Z',
      timeZone: 'America/Vancouver',
    },
    counts: {
      items: 180,
      original: 72,
      replyToOther: 41,
      replyToSelf: 9,
      quoteToOther: 8,
      quoteToSelf: 4,
      repostToOther: 22,
      repostToSelf: 24,
      replyTargetUnknown: 3,
      excludedNonPublic: 2,
    },
    metrics: {
      replyRatio: { value: 41 / 134, numerator: 41, denominator: 134, score: 0.6413 },
      responseLatency: {
        n: 14,
        medianSeconds: 1380,
        p90Seconds: 15000,
        withinOneHourShare: 9 / 14,
        withinOneDayShare: 1,
        unknownTargetTime: 5,
        noTargetPost: 3,
        dropped: 1,
        slowest: [
          {
            id: '1979000000000000101',
            url: status('1979000000000000101'),
            createdAt: '2025-10-14T22:41:00.000Z',
            text: '@kdriver Sorry for the delay: the Hwy 99 closure at Brackendale is expected to last until 6 pm.',
            note: 'answered after 4 h 10 min',
            latencySeconds: 15000,
          },
        ],
        score: 0.9822,
      },
      mix: {
        conversation: 49,
        amplification: 22,
        broadcast: 109,
        conversationShare: 49 / 180,
        amplificationShare: 22 / 180,
        broadcastShare: 109 / 180,
        longestBroadcastRun: { length: 17, from: '2025-10-20T15:00:00.000Z', to: '2025-10-23T01:30:00.000Z' },
        score: 0.5963,
      },
      selfPromotion: {
        share: 15 / 180,
        count: 15,
        items: [
          {
            id: '1979000000000000201',
            url: status('1979000000000000201'),
            createdAt: '2025-10-28T16:00:00.000Z',
            text: 'Plan ahead with our new winter driving guide: roadwise.example.gov/winter #DriveSmartBC',
            note: 'signals: own link, own hashtag',
            points: 2,
            signals: ['ownDomainLink', 'ownHashtag'],
          },
        ],
        score: 0.8111,
      },
    },
    score: {
      value: 77,
      verdict: 'BEING',
      breakdown: [
        { metric: 'replyRatio', weight: 25, score: 0.6413, points: 16.03 },
        { metric: 'responseLatency', weight: 30, score: 0.9822, points: 29.47 },
        { metric: 'mix', weight: 25, score: 0.5963, points: 14.91 },
        { metric: 'selfPromotion', weight: 20, score: 0.8111, points: 16.22 },
      ],
    },
    scoring: structuredClone(DEFAULT_SCORING_MODEL),
    recommendations: [
      {
        id: 'mix-more-conversation',
        metric: 'mix',
        title: 'Talk with people, not at them',
        detail:
          '27% of items were conversation; 17 broadcasts in a row went out from 20 to 23 October without a single reply. Answer the questions under your own posts before the next announcement.',
        gain: 10.09,
        evidence: [
          {
            id: '1979000000000000301',
            url: status('1979000000000000301'),
            createdAt: '2025-10-20T15:00:00.000Z',
            text: HOSTILE_TEXT,
            note: 'start of the longest broadcast run',
          },
          {
            id: '1979000000000000302',
            url: status('1979000000000000302'),
            createdAt: '2025-10-21T18:30:00.000Z',
            text: 'Reminder: winter tires are required on most BC highways from October 1 to April 30. Details on our website, and a very long tail that will not fit on one line of a scorecard.',
            note: 'broadcast',
          },
          {
            id: '1979000000000000303',
            url: null,
            createdAt: '2025-10-23T01:30:00.000Z',
            text: null,
            note: 'end of the longest broadcast run',
          },
          {
            id: '1979000000000000304',
            url: status('1979000000000000304'),
            createdAt: '2025-10-22T01:30:00.000Z',
            text: 'Not shown: the terminal lists three pieces of evidence.',
            note: 'broadcast',
          },
        ],
      },
      {
        id: 'reply-ratio-answer-more',
        metric: 'replyRatio',
        title: 'Reply to more of the people who write to you',
        detail: '41 of 134 own posts (31%) were replies to others. Aim for half.',
        gain: 8.97,
        evidence: [],
      },
      {
        id: 'self-promotion-less',
        metric: 'selfPromotion',
        title: 'Promote yourself less',
        detail: '15 posts (8%) promoted the account itself: own links, own hashtags, promotional wording.',
        gain: 3.78,
        evidence: [
          {
            id: '1979000000000000201',
            url: status('1979000000000000201'),
            createdAt: '2025-10-28T16:00:00.000Z',
            text: 'Plan ahead with our new winter driving guide 🚗❄️: roadwise.example.gov/winter #DriveSmartBC',
            note: 'signals: own link, own hashtag',
          },
        ],
      },
      {
        id: 'latency-faster',
        metric: 'responseLatency',
        title: 'Fourth recommendation, not shown',
        detail: 'The terminal shows the top three.',
        gain: 0.53,
        evidence: [],
      },
    ],
    warnings: [],
  };
  return ReportSchema.parse(report);
}

/** A report whose window holds no items: no score, verdict NO_ACTIVITY. */
export function noActivityReport(): Report {
  const report = sampleReport();
  const zero = Object.fromEntries(Object.keys(report.counts).map((k) => [k, 0])) as Report['counts'];
  report.counts = { ...zero, excludedNonPublic: 1 };
  report.metrics = {
    replyRatio: { value: null, numerator: 0, denominator: 0, score: null },
    responseLatency: {
      n: 0,
      medianSeconds: null,
      p90Seconds: null,
      withinOneHourShare: null,
      withinOneDayShare: null,
      unknownTargetTime: 0,
      noTargetPost: 0,
      dropped: 0,
      slowest: [],
      score: null,
    },
    mix: {
      conversation: 0,
      amplification: 0,
      broadcast: 0,
      conversationShare: null,
      amplificationShare: null,
      broadcastShare: null,
      longestBroadcastRun: { length: 0, from: null, to: null },
      score: null,
    },
    selfPromotion: { share: null, count: 0, items: [], score: null },
  };
  report.score = { value: null, verdict: 'NO_ACTIVITY', breakdown: [] };
  report.recommendations = [];
  report.warnings = [{ code: 'no-activity', message: 'The window holds no public items by this account.' }];
  return ReportSchema.parse(report);
}
