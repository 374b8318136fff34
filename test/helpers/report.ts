import { ReportSchema, SCHEMA_VERSION, type Report } from '../../src/schema/report.js';
import { DEFAULT_SCORING_MODEL, METRIC_IDS } from '../../src/scoring/model.js';

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
const mention = (author: string, id: string): string => `https://x.com/${author}/status/${id}`;

/** Weekday rows of an hour-of-week grid, Monday first (metrics.md §10). */
export type Weekday = 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';
const WEEKDAY_ROW: Record<Weekday, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/**
 * A 7 × 24 hour-of-week grid from its non-zero cells: `{ Mon: { 9: 3 } }` is 3 on Monday
 * 09:00-09:59; every other cell is 0.
 */
export function hourOfWeek(cells: Partial<Record<Weekday, Record<number, number>>>): number[][] {
  const grid = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const [day, hours] of Object.entries(cells) as Array<[Weekday, Record<number, number>]>) {
    for (const [hour, count] of Object.entries(hours)) {
      const row = grid[WEEKDAY_ROW[day]];
      if (row !== undefined) row[Number(hour)] = count;
    }
  }
  return grid;
}

/**
 * Inbound messages of the sample month by hour of week (America/Vancouver), 52 in all. With
 * business hours Mon-Fri 08:00-17:00, 36 fall inside (Mon 8, Tue 5, Wed 6, Thu 6, Fri 11) and 16
 * outside (Mon 19h, 22h: 3; Tue 20h: 1; Wed 7h: 2; Thu 17h: 2; Fri 21h: 1; Sat: 5; Sun: 2), so
 * the out-of-hours share is 16 / 52 = 0.3077. The busiest hour is Thursday 9h with 4.
 */
export const SAMPLE_INBOUND_BY_HOUR = hourOfWeek({
  Mon: { 8: 2, 9: 3, 12: 2, 16: 1, 19: 2, 22: 1 },
  Tue: { 9: 2, 10: 2, 13: 1, 20: 1 },
  Wed: { 7: 2, 8: 3, 11: 2, 15: 1 },
  Thu: { 9: 4, 14: 2, 17: 2 },
  Fri: { 8: 3, 10: 3, 12: 2, 16: 3, 21: 1 },
  Sat: { 10: 3, 11: 2 },
  Sun: { 18: 2 },
});

/**
 * Replies to others by hour of week, 41 in all (`counts.replyToOther`): Mon 11, Tue 8, Wed 9,
 * Thu 7, Fri 6, every one inside business hours; none at the weekend. The busiest hour is
 * Thursday 9h with 5.
 */
export const SAMPLE_REPLIES_BY_HOUR = hourOfWeek({
  Mon: { 8: 3, 9: 4, 12: 2, 16: 2 },
  Tue: { 9: 3, 10: 3, 13: 2 },
  Wed: { 8: 4, 11: 3, 15: 2 },
  Thu: { 9: 5, 14: 2 },
  Fri: { 8: 3, 10: 2, 12: 1 },
});

/** The most repeated canned reply of the sample. */
export const SAMPLE_TEMPLATE = 'Thanks for the report, we have passed it on to the maintenance crew.';

/**
 * The ten newest unanswered messages of the sample month, newest first (metrics.md §9 evidence):
 * 18 were unanswered in all; the 1st, 4th, 7th and 10th ask a question.
 */
function unansweredMessages(): NonNullable<Report['metrics']['responseRate']>['unanswered'] {
  const authors = ['kdriver', 'sea2sky_commuter', 'pemberton_pat', 'truckerdan88', 'valley_rae'];
  return Array.from({ length: 10 }, (_, i) => {
    const author = authors[i % authors.length] ?? 'someone';
    const id = `19790000000000004${String(10 - i).padStart(2, '0')}`;
    const question = i % 3 === 0;
    return {
      id,
      url: mention(author, id),
      createdAt: new Date(Date.UTC(2025, 9, 28 - i, 18, 0)).toISOString(),
      text: question ? `@RoadwiseBC Is the Hwy 99 closure at Brackendale still on? (${i + 1})` : `@RoadwiseBC Pothole on Hwy 1 near exit ${i + 1}.`,
      note: question ? 'question, no answer' : 'no answer',
      author,
      question,
    };
  });
}

/**
 * A full, valid report of a realistic month with listening (`inbound+outbound`): an X archive of
 * a road-information account and a saved mentions file, October 2025 in Vancouver time, 180
 * items, business hours Mon-Fri 08:00-17:00. The figures are consistent with each other and with
 * the default scoring model (metrics.md §4, §9; the five weights add up to 130):
 * - reply ratio 41 / 134 = 0.306 → 0.6413 → 100·25·0.6413/130 = 12.33 points
 * - latency median 1380 s, p90 15000 s, n 14 → 0.9822 → 100·30·0.9822/130 = 22.67
 * - mix 49 / 22 / 109 of 180 → conversation 0.272 → 0.5963 → 100·25·0.5963/130 = 11.47
 * - self-promotion 15 / 180 = 0.083 → 0.8111 → 100·20·0.8111/130 = 12.48
 * - response rate: 52 messages, 4 pending, 30 answered → 30 / 48 = 0.625, on the curve between
 *   [0.5, 0.6] and [0.65, 0.8]: 0.6 + 0.2·0.125/0.15 = 0.7667 → 100·30·0.7667/130 = 17.69
 * - score round(76.64) = 77, BEING social at threshold 60
 * - gains weight·(1 - score)/130·100: mix 7.76, reply ratio 6.90, response rate 5.38,
 *   self-promotion 2.91, latency 0.41 (the recommendations in that order)
 * - coverage: {@link SAMPLE_INBOUND_BY_HOUR} (52, 16 out of hours) and
 *   {@link SAMPLE_REPLIES_BY_HOUR} (41 = replies to others)
 * - canned replies: 5 of 41 replies (0.122), templates ×3 and ×2
 * - people engaged: 30 people answered, 9 of them more than once (0.3)
 * Returns a fresh object each call, so tests may change it.
 */
export function sampleReport(): Report {
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'social-audit', version: '0.1.0' },
    generatedAt: '2025-11-03T17:05:00.000Z',
    mode: 'inbound+outbound',
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
      cache: null,
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
        medianBusinessSeconds: 1080,
        p90BusinessSeconds: 5400,
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
      responseRate: {
        value: 30 / 48,
        inbound: 52,
        answered: 30,
        pending: 4,
        questions: 20,
        questionsAnswered: 13,
        medianFirstResponseSeconds: 1500,
        p90FirstResponseSeconds: 16200,
        medianFirstResponseBusinessSeconds: 1200,
        p90FirstResponseBusinessSeconds: 7200,
        giveUpAfterSeconds: 604800,
        unanswered: unansweredMessages(),
        score: 0.766666666667,
      },
      coverage: {
        timeZone: 'America/Vancouver',
        repliesByHour: SAMPLE_REPLIES_BY_HOUR,
        inboundByHour: SAMPLE_INBOUND_BY_HOUR,
        outOfHoursInboundShare: 16 / 52,
      },
      cannedReplies: {
        share: 5 / 41,
        canned: 5,
        replies: 41,
        templates: [
          {
            text: SAMPLE_TEMPLATE,
            count: 3,
            evidence: ['501', '502', '503'].map((n) => ({
              id: `1979000000000000${n}`,
              url: status(`1979000000000000${n}`),
              createdAt: `2025-10-${n.slice(1)}T17:00:00.000Z`,
              text: `@kdriver ${SAMPLE_TEMPLATE}`,
              note: 'canned reply',
            })),
          },
          {
            text: 'Please check DriveBC for the latest conditions.',
            count: 2,
            evidence: ['504', '505'].map((n) => ({
              id: `1979000000000000${n}`,
              url: status(`1979000000000000${n}`),
              createdAt: `2025-10-${n.slice(1)}T17:00:00.000Z`,
              text: '@valley_rae Please check DriveBC for the latest conditions.',
              note: 'canned reply',
            })),
          },
        ],
      },
      peopleEngaged: { distinct: 30, followThroughShare: 9 / 30 },
    },
    inbound: {
      sources: [{ kind: 'file', format: 'x-v2', path: 'fixtures/sample/roadwise-mentions.json' }],
      itemsRead: 55,
      complete: true,
      requests: 0,
    },
    score: {
      value: 77,
      verdict: 'BEING',
      breakdown: [
        { metric: 'replyRatio', weight: 25, score: 0.6413, points: 12.3326923077 },
        { metric: 'responseLatency', weight: 30, score: 0.9822, points: 22.6661538462 },
        { metric: 'mix', weight: 25, score: 0.5963, points: 11.4673076923 },
        { metric: 'selfPromotion', weight: 20, score: 0.8111, points: 12.4784615385 },
        { metric: 'responseRate', weight: 30, score: 0.766666666667, points: 17.6923076923 },
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
        gain: 7.76346153846,
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
        gain: 6.89807692308,
        evidence: [],
      },
      {
        id: 'response-rate-answer-people',
        metric: 'responseRate',
        title: 'Answer the people who write to you',
        detail:
          '18 of 48 messages got no answer within 7 d (63% answered); 7 of 20 questions went unanswered. The newest five are below.',
        gain: 5.38461538462,
        evidence: unansweredMessages().slice(0, 5).map(({ author: _a, question: _q, ...evidence }) => evidence),
      },
      {
        id: 'self-promotion-less',
        metric: 'selfPromotion',
        title: 'Promote yourself less',
        detail: '15 posts (8%) promoted the account itself: own links, own hashtags, promotional wording.',
        gain: 2.90615384615,
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
        title: 'Fifth recommendation, not shown',
        detail: 'The terminal shows the top three.',
        gain: 0.410769230769,
        evidence: [],
      },
    ],
    warnings: [],
  };
  return ReportSchema.parse(report);
}

/**
 * {@link sampleReport} without inbound data (`outbound-only`): no response rate, no inbound
 * grid, no out-of-hours share, and the score over the four outbound weights (100):
 * - points 16.03 + 29.47 + 14.91 + 16.22 = 76.63 → 77
 * - gains: mix 10.09, reply ratio 8.97, self-promotion 3.78, latency 0.53.
 */
export function outboundOnlyReport(): Report {
  const report = sampleReport();
  report.mode = 'outbound-only';
  report.metrics.responseRate = null;
  report.inbound = null;
  report.metrics.coverage.inboundByHour = null;
  report.metrics.coverage.outOfHoursInboundShare = null;
  report.score.breakdown = [
    { metric: 'replyRatio', weight: 25, score: 0.6413, points: 16.0325 },
    { metric: 'responseLatency', weight: 30, score: 0.9822, points: 29.466 },
    { metric: 'mix', weight: 25, score: 0.5963, points: 14.9075 },
    { metric: 'selfPromotion', weight: 20, score: 0.8111, points: 16.222 },
    { metric: 'responseRate', weight: 30, score: null, points: 0 },
  ];
  const gains: Partial<Record<Report['recommendations'][number]['metric'], number>> = {
    mix: 10.0925,
    replyRatio: 8.9675,
    selfPromotion: 3.778,
    responseLatency: 0.534,
  };
  report.recommendations = report.recommendations
    .filter((r) => r.metric !== 'responseRate')
    .map((r) => ({ ...r, gain: gains[r.metric] ?? r.gain }));
  const fourth = report.recommendations[3];
  if (fourth !== undefined) fourth.title = 'Fourth recommendation, not shown';
  return ReportSchema.parse(report);
}

/** A report whose window holds no items: no score, verdict NO_ACTIVITY (outbound-only). */
export function noActivityReport(): Report {
  const report = outboundOnlyReport();
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
      medianBusinessSeconds: null,
      p90BusinessSeconds: null,
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
    responseRate: null,
    coverage: {
      timeZone: 'America/Vancouver',
      repliesByHour: hourOfWeek({}),
      inboundByHour: null,
      outOfHoursInboundShare: null,
    },
    cannedReplies: { share: null, canned: 0, replies: 0, templates: [] },
    peopleEngaged: { distinct: 0, followThroughShare: null },
  };
  report.score = {
    value: null,
    verdict: 'NO_ACTIVITY',
    breakdown: METRIC_IDS.map((metric) => ({ metric, weight: DEFAULT_SCORING_MODEL.weights[metric], score: null, points: 0 })),
  };
  report.recommendations = [];
  report.warnings = [{ code: 'no-activity', message: 'The window holds no public items by this account.' }];
  return ReportSchema.parse(report);
}
