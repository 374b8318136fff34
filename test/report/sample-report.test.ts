import { describe, expect, it } from 'vitest';
import { gridTotal } from '../../src/report/listening.js';
import { ReportSchema, type Report } from '../../src/schema/report.js';
import { scoreOnCurve } from '../../src/scoring/curve.js';
import { DEFAULT_SCORING_MODEL, METRIC_IDS } from '../../src/scoring/model.js';
import { noActivityReport, outboundOnlyReport, sampleReport } from '../helpers/report.js';

/** 12 significant digits, as the scorer rounds away floating-point noise. */
const clean = (x: number): number => Number(x.toPrecision(12));

/** Points and gains recomputed from the breakdown as metrics.md §4-5 define them. */
function rescore(r: Report): { points: Record<string, number>; gains: Record<string, number>; value: number } {
  const scored = r.score.breakdown.filter((b) => b.score !== null);
  const sumW = scored.reduce((sum, b) => sum + b.weight, 0);
  const points = Object.fromEntries(scored.map((b) => [b.metric, clean((100 * b.weight * (b.score ?? 0)) / sumW)]));
  const gains = Object.fromEntries(scored.map((b) => [b.metric, clean((100 * b.weight * (1 - (b.score ?? 0))) / sumW)]));
  const value = Math.round(clean(scored.reduce((sum, b) => sum + (100 * b.weight * (b.score ?? 0)) / sumW, 0)));
  return { points, gains, value };
}

describe('test report helpers', () => {
  it.each([
    ['sampleReport', sampleReport],
    ['outboundOnlyReport', outboundOnlyReport],
    ['noActivityReport', noActivityReport],
  ])('%s is valid per ReportSchema', (_name, make) => {
    expect(ReportSchema.safeParse(make()).success).toBe(true);
  });

  it.each([
    ['sampleReport', sampleReport],
    ['outboundOnlyReport', outboundOnlyReport],
  ])('%s adds up: counts, shares, points and gains', (_name, make) => {
    const r = make();
    const k = r.counts;
    const kinds = k.original + k.replyToOther + k.replyToSelf + k.quoteToOther + k.quoteToSelf + k.repostToOther + k.repostToSelf;
    expect(kinds).toBe(k.items);
    expect(r.metrics.mix.conversation + r.metrics.mix.amplification + r.metrics.mix.broadcast).toBe(k.items);
    expect(r.metrics.replyRatio.denominator).toBe(k.items - k.repostToOther - k.repostToSelf);
    expect(r.score.breakdown.map((b) => b.metric)).toEqual([...METRIC_IDS]);
    const { points, gains, value } = rescore(r);
    for (const b of r.score.breakdown) expect(b.points).toBeCloseTo(points[b.metric] ?? 0, 8);
    for (const rec of r.recommendations) expect(rec.gain).toBeCloseTo(gains[rec.metric] ?? Number.NaN, 8);
    expect(value).toBe(r.score.value);
    const sorted = [...r.recommendations].sort((a, b) => b.gain - a.gain);
    expect(r.recommendations).toEqual(sorted);
    expect(r.metrics.coverage.repliesByHour.flat().reduce((a, b) => a + b, 0)).toBe(k.replyToOther);
    expect(r.metrics.cannedReplies.replies).toBe(k.replyToOther);
    expect(r.metrics.cannedReplies.share).toBe(r.metrics.cannedReplies.canned / k.replyToOther);
    expect(r.metrics.cannedReplies.templates.reduce((sum, t) => sum + t.count, 0)).toBe(r.metrics.cannedReplies.canned);
  });

  it('sampleReport listens: response rate on the default curve, inbound grid and out-of-hours share', () => {
    const r = sampleReport();
    const rate = r.metrics.responseRate;
    if (rate === null) throw new Error('sample report has a response rate');
    expect(r.mode).toBe('inbound+outbound');
    expect(rate.value).toBe(rate.answered / (rate.inbound - rate.pending));
    expect(rate.score).toBeCloseTo(scoreOnCurve(DEFAULT_SCORING_MODEL.curves.responseRate, rate.value ?? 0), 10);
    // 48 decided, 30 answered: 18 unanswered, of which the ten newest are listed, newest first
    expect(rate.unanswered).toHaveLength(10);
    const times = rate.unanswered.map((e) => Date.parse(e.createdAt ?? ''));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const inbound = r.metrics.coverage.inboundByHour;
    if (inbound === null) throw new Error('sample report has an inbound grid');
    expect(gridTotal(inbound)).toBe(rate.inbound);
    // Mon-Fri 08:00-17:00: cells outside those hours add up to 16
    const outside = inbound.reduce(
      (sum, day, d) => sum + day.reduce((s, n, h) => (d >= 5 || h < 8 || h >= 17 ? s + n : s), 0),
      0,
    );
    expect(outside).toBe(16);
    expect(r.metrics.coverage.outOfHoursInboundShare).toBe(outside / rate.inbound);
    const evidence = r.recommendations.find((rec) => rec.metric === 'responseRate')?.evidence.map((e) => e.id);
    expect(evidence).toEqual(rate.unanswered.slice(0, 5).map((e) => e.id));
  });

  it('outboundOnlyReport has no inbound figures', () => {
    const r = outboundOnlyReport();
    expect(r.mode).toBe('outbound-only');
    expect(r.metrics.responseRate).toBeNull();
    expect(r.inbound).toBeNull();
    expect(r.metrics.coverage.inboundByHour).toBeNull();
    expect(r.metrics.coverage.outOfHoursInboundShare).toBeNull();
    expect(r.recommendations.some((rec) => rec.metric === 'responseRate')).toBe(false);
  });
});
