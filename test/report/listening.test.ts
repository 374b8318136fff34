import { describe, expect, it } from 'vitest';
import {
  cannedRepliesPhrase,
  dayTotals,
  gridMax,
  gridTotal,
  hourTotals,
  outOfHoursPhrase,
  peopleEngagedPhrase,
  responseRateGap,
  responseRatePhrases,
} from '../../src/report/listening.js';
import type { Report } from '../../src/schema/report.js';
import { hourOfWeek, outboundOnlyReport, sampleReport } from '../helpers/report.js';

type Rate = NonNullable<Report['metrics']['responseRate']>;

function rate(patch: Partial<Rate>): Rate {
  const r = sampleReport().metrics.responseRate;
  if (r === null) throw new Error('sample report has a response rate');
  return { ...r, ...patch };
}

describe('hour-of-week arithmetic', () => {
  // Mon 9h 2, Mon 23h 1, Sun 9h 4: hour 9 → 6, hour 23 → 1; Mon 3, Sun 4; max 4; total 7
  const grid = hourOfWeek({ Mon: { 9: 2, 23: 1 }, Sun: { 9: 4 } });

  it('sums per hour over the week and per day over the hours', () => {
    const byHour = hourTotals(grid);
    expect(byHour).toHaveLength(24);
    expect(byHour[9]).toBe(6);
    expect(byHour[23]).toBe(1);
    expect(byHour.reduce((a, b) => a + b, 0)).toBe(7);
    expect(dayTotals(grid)).toEqual([3, 0, 0, 0, 0, 0, 4]);
    expect(gridMax(grid)).toBe(4);
    expect(gridTotal(grid)).toBe(7);
    expect(gridMax(hourOfWeek({}))).toBe(0);
  });
});

describe('response-rate wording', () => {
  it('gives the rate over the decided messages, pending, first answer and questions', () => {
    // 30 answered of 52 - 4 pending = 48 → 63%
    expect(responseRatePhrases(rate({}))).toEqual([
      '63% of 48 messages answered',
      '4 pending',
      'median first answer 25 min (business clock 20 min)',
      '13 of 20 questions answered',
    ]);
  });

  it('leaves out what is not there: no pending, no business hours, no answer, no question', () => {
    // the fixture of the issue: four mentions, three answered → 75%
    const phrases = responseRatePhrases(
      rate({
        value: 0.75,
        inbound: 4,
        answered: 3,
        pending: 0,
        questions: 0,
        questionsAnswered: 0,
        medianFirstResponseSeconds: 1380,
        medianFirstResponseBusinessSeconds: null,
      }),
    );
    expect(phrases).toEqual(['75% of 4 messages answered', 'median first answer 23 min']);
    expect(
      responseRatePhrases(rate({ value: 0, inbound: 1, answered: 0, pending: 0, medianFirstResponseSeconds: null, questions: 1, questionsAnswered: 0 })),
    ).toEqual(['0% of 1 message answered', '0 of 1 question answered']);
  });

  it('says why the row is missing, or nothing when it is shown', () => {
    expect(responseRateGap(sampleReport())).toBeNull();
    expect(responseRateGap(outboundOnlyReport())).toBe(
      'Response rate: not measured (no inbound data; see --inbound or live fetching)',
    );
    const pending = sampleReport();
    pending.metrics.responseRate = rate({ value: null, inbound: 1, answered: 0, pending: 1, score: null });
    pending.score.breakdown = pending.score.breakdown.map((b) => (b.metric === 'responseRate' ? { ...b, score: null, points: 0 } : b));
    expect(responseRateGap(pending)).toBe(
      'Response rate: not measured yet (the one message is still pending, within the 7 d give-up window)',
    );
    expect(responseRatePhrases(rate({ value: null, inbound: 1, pending: 1, answered: 0, medianFirstResponseSeconds: null, questions: 0 }))).toEqual([
      '1 message, none decided yet',
      '1 pending',
    ]);
  });
});

describe('people engaged, canned replies and out-of-hours wording', () => {
  it('words the sample figures', () => {
    const r = sampleReport();
    expect(peopleEngagedPhrase(r)).toBe('answered 30 people, 30% more than once');
    expect(cannedRepliesPhrase(r)).toBe('12% of replies are canned (5 of 41, 2 templates)');
    expect(outOfHoursPhrase(r)).toBe('31% of messages came outside business hours');
  });

  it('says "5 or more templates" when the report lists the most it lists', () => {
    const r = sampleReport();
    const template = r.metrics.cannedReplies.templates[0];
    if (template === undefined) throw new Error('sample report has templates');
    r.metrics.cannedReplies = {
      share: 10 / 41,
      canned: 10,
      replies: 41,
      templates: Array.from({ length: 5 }, () => ({ ...template, count: 2 })),
    };
    expect(cannedRepliesPhrase(r)).toBe('24% of replies are canned (10 of 41, 5 or more templates)');
  });

  it('says nothing without replies, people or business hours', () => {
    const r = outboundOnlyReport();
    r.metrics.cannedReplies = { share: null, canned: 0, replies: 0, templates: [] };
    r.metrics.peopleEngaged = { distinct: 0, followThroughShare: null };
    expect(cannedRepliesPhrase(r)).toBeNull();
    expect(peopleEngagedPhrase(r)).toBeNull();
    expect(outOfHoursPhrase(r)).toBeNull();
  });
});
