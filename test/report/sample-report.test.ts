import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/schema/report.js';
import { noActivityReport, sampleReport } from '../helpers/report.js';

describe('test report helpers', () => {
  it.each([
    ['sampleReport', sampleReport],
    ['noActivityReport', noActivityReport],
  ])('%s is valid per ReportSchema', (_name, make) => {
    expect(ReportSchema.safeParse(make()).success).toBe(true);
  });

  it('sampleReport adds up: counts, shares and points', () => {
    const r = sampleReport();
    const k = r.counts;
    const kinds = k.original + k.replyToOther + k.replyToSelf + k.quoteToOther + k.quoteToSelf + k.repostToOther + k.repostToSelf;
    expect(kinds).toBe(k.items);
    expect(r.metrics.mix.conversation + r.metrics.mix.amplification + r.metrics.mix.broadcast).toBe(k.items);
    expect(r.metrics.replyRatio.denominator).toBe(k.items - k.repostToOther - k.repostToSelf);
    const points = r.score.breakdown.reduce((sum, b) => sum + b.points, 0);
    expect(Math.round(points)).toBe(r.score.value);
  });
});
