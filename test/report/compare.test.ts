import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../../src/errors.js';
import {
  ComparisonSchema,
  compareReports,
  renderComparisonMarkdown,
  renderComparisonTerminal,
  type Comparison,
} from '../../src/report/compare.js';
import { visibleWidth } from '../../src/report/width.js';
import { ReportSchema } from '../../src/schema/report.js';
import { MONTHS_2026, goldenReport, savedReport } from '../helpers/saved-reports.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 3 });

/** September: the earlier report. */
const september = () =>
  savedReport(MONTHS_2026.sep, {
    score: 52,
    replyRatio: 0.2,
    medianSeconds: 14_784.919,
    p90Seconds: 108_237,
    conversationShare: 0.3,
    selfPromotionShare: 0.08,
  });

/**
 * October: score up 12 (DOING → BEING), reply ratio up 5 points, median latency down 3 h 6 min
 * (better: lower), p90 unchanged, conversation down 10 points (worse), self-promotion not
 * measured (no items would make it null), response rate measured for the first time.
 */
const october = () =>
  savedReport(MONTHS_2026.oct, {
    score: 64,
    replyRatio: 0.25,
    medianSeconds: 3600,
    p90Seconds: 108_237,
    conversationShare: 0.2,
    selfPromotionShare: null,
    responseRate: 0.65,
  });

function expectFits(output: string, width: number): void {
  for (const line of output.replace(/\n$/, '').split('\n')) {
    expect(visibleWidth(line), `line wider than ${width}: ${JSON.stringify(line)}`).toBeLessThanOrEqual(width);
  }
}

describe('compareReports', () => {
  it('gives every value then and now, the change and whether it is better', () => {
    const expected: Comparison = {
      previous: {
        generatedAt: '2026-10-02T07:00:00.000Z',
        window: { ...MONTHS_2026.sep, timeZone: 'America/Vancouver' },
        schemaVersion: '1.0.0',
      },
      score: { previous: 52, current: 64, delta: 12, direction: 'better' },
      verdict: { previous: 'DOING', current: 'BEING' },
      scoringChanged: false,
      metrics: {
        replyRatio: { value: { previous: 0.2, current: 0.25, delta: 0.05, direction: 'better' } },
        responseLatency: {
          medianSeconds: { previous: 14_784.919, current: 3600, delta: -11_184.919, direction: 'better' },
          p90Seconds: { previous: 108_237, current: 108_237, delta: 0, direction: 'same' },
        },
        mix: { conversationShare: { previous: 0.3, current: 0.2, delta: -0.1, direction: 'worse' } },
        selfPromotion: { share: { previous: 0.08, current: null, delta: null, direction: 'n/a' } },
        responseRate: { value: { previous: null, current: 0.65, delta: null, direction: 'n/a' } },
      },
    };
    expect(compareReports(october(), september())).toEqual(expected);
  });

  type Path =
    | 'metrics.responseLatency.medianSeconds'
    | 'metrics.responseLatency.p90Seconds'
    | 'metrics.selfPromotion.share'
    | 'metrics.replyRatio.value'
    | 'metrics.mix.conversationShare';
  const cases: Array<[Path, number | null, number, Comparison['score']['direction'], string]> = [
    // [path, previous, current, direction, reason]
    ['metrics.responseLatency.medianSeconds', 3600, 7200, 'worse', 'slower is worse'],
    ['metrics.responseLatency.p90Seconds', 7200, 3600, 'better', 'faster is better'],
    ['metrics.selfPromotion.share', 0.05, 0.1, 'worse', 'more self-promotion is worse'],
    ['metrics.selfPromotion.share', 0.1, 0.05, 'better', 'less self-promotion is better'],
    ['metrics.replyRatio.value', 0.3, 0.2, 'worse', 'fewer replies is worse'],
    ['metrics.replyRatio.value', 0.3, 0.3004, 'same', 'below 0.05 percentage point'],
    ['metrics.replyRatio.value', 0.3, 0.3006, 'better', 'from 0.05 percentage point'],
    ['metrics.responseLatency.medianSeconds', 600, 600.4, 'same', 'below half a second'],
    ['metrics.mix.conversationShare', null, 0.3, 'n/a', 'no value before'],
  ];
  it.each(cases)('%s %s → %s is %s (%s)', (path, before, after, direction) => {
    const set = (report: ReturnType<typeof september>, value: number | null) => {
      const m = report.metrics;
      if (path === 'metrics.responseLatency.medianSeconds') m.responseLatency.medianSeconds = value;
      if (path === 'metrics.responseLatency.p90Seconds') m.responseLatency.p90Seconds = value;
      if (path === 'metrics.selfPromotion.share') m.selfPromotion.share = value;
      if (path === 'metrics.replyRatio.value') m.replyRatio.value = value;
      if (path === 'metrics.mix.conversationShare') m.mix.conversationShare = value;
      return report;
    };
    const c = compareReports(set(october(), after), set(september(), before));
    const all = [
      ['metrics.responseLatency.medianSeconds', c.metrics.responseLatency.medianSeconds],
      ['metrics.responseLatency.p90Seconds', c.metrics.responseLatency.p90Seconds],
      ['metrics.selfPromotion.share', c.metrics.selfPromotion.share],
      ['metrics.replyRatio.value', c.metrics.replyRatio.value],
      ['metrics.mix.conversationShare', c.metrics.mix.conversationShare],
    ] as const;
    expect(all.find(([p]) => p === path)?.[1].direction).toBe(direction);
  });

  it('has no response rate when neither report measured one', () => {
    const current = september();
    current.generatedAt = '2026-11-02T07:00:00.000Z';
    expect(compareReports(current, september()).metrics.responseRate).toBeNull();
  });

  it('says when the reports were scored with different models, ignoring key order', () => {
    const previous = september();
    const reordered = september();
    const { weights } = reordered.scoring;
    reordered.scoring.weights = Object.fromEntries(Object.entries(weights).reverse()) as typeof weights;
    expect(compareReports(reordered, previous).scoringChanged).toBe(false);
    const reweighted = september();
    reweighted.scoring.weights.mix = 40;
    expect(compareReports(reweighted, previous).scoringChanged).toBe(true);
  });

  it('takes the previous file’s schemaVersion when given', () => {
    expect(compareReports(october(), september(), '1.0.0-rc.1').previous.schemaVersion).toBe('1.0.0-rc.1');
  });

  it('refuses reports of different accounts', () => {
    const other = september();
    other.account.id = '42';
    other.account.handle = 'OtherAgency';
    expect(() => compareReports(october(), other)).toThrow(UsageError);
    expect(() => compareReports(october(), other)).toThrow(
      '--compare: the previous report is of X @OtherAgency, this one of X @CascadiaRoads; compare reports of the same account',
    );
  });

  it('is valid per ComparisonSchema, and a report with it validates once ReportSchema has the field', () => {
    const comparison = compareReports(october(), september());
    expect(ComparisonSchema.parse(comparison)).toEqual(comparison);
    const WithComparison = ReportSchema.extend({ comparison: ComparisonSchema.nullable().optional() });
    const report = { ...october(), comparison };
    expect(WithComparison.parse(report).comparison).toEqual(comparison);
    expect(WithComparison.parse(goldenReport()).comparison).toBeUndefined();
    expect(() => z.toJSONSchema(WithComparison, { target: 'draft-2020-12', io: 'input' })).not.toThrow();
  });
});

describe('renderComparisonTerminal', () => {
  const comparison = () => compareReports(october(), september());

  it('lines up each value then and now with its arrow, size and judgement at 80 columns', () => {
    expect(renderComparisonTerminal(comparison(), { color: plain })).toBe(
      [
        'Compared with the report for 2026-09 (generated 2026-10-02 UTC)',
        '  Score               52 → 64                  ↑ +12         better',
        '  Verdict             DOING → BEING',
        '  Reply ratio         20% → 25%                ↑ +5.0 pp     better',
        '  Latency median      4 h 6 min → 1 h          ↓ -3 h 6 min  better',
        '  Latency p90         30 h 4 min → 30 h 4 min  →             same',
        '  Conversation share  30% → 20%                ↓ -10.0 pp    worse',
        '  Self-promotion      8% → –                                 n/a',
        '  Response rate       – → 65%                                n/a',
        '',
      ].join('\n'),
    );
  });

  it('has no escape codes at colour level 0; paints better green and worse red at level 3', () => {
    expect(renderComparisonTerminal(comparison(), { color: plain })).not.toContain('\x1b');
    const out = renderComparisonTerminal(comparison(), { color: colour });
    expect(out).toContain(colour.green('↓ -3 h 6 min'));
    expect(out).toContain(colour.green('better'));
    expect(out).toContain(colour.red('↓ -10.0 pp  '));
    expect(out).toContain(colour.red('worse'));
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderComparisonTerminal(comparison(), { color: plain }));
  });

  it('draws + - = and -> in ASCII', () => {
    const out = renderComparisonTerminal(comparison(), { color: plain, ascii: true });
    expect(out).toMatch(/^[\x0a\x20-\x7e]*$/);
    expect(out).toContain('  Score               52 -> 64                  +12         better\n');
    expect(out).toContain('  Latency median      4 h 6 min -> 1 h          -3 h 6 min  better\n');
    expect(out).toContain('  Latency p90         30 h 4 min -> 30 h 4 min  =           same\n');
    expect(out).toContain('  Self-promotion      8% -> -                               n/a\n');
  });

  it('puts the label on its own line when a row does not fit', () => {
    const out = renderComparisonTerminal(comparison(), { color: plain, width: 60 });
    expect(out).toContain('  Latency median\n    4 h 6 min → 1 h  ↓ -3 h 6 min  better\n');
    expect(out).toContain('  Verdict\n    DOING → BEING\n');
  });

  it.each([40, 60, 80, 120])('keeps every line within %i columns', (width) => {
    const wide = comparison();
    wide.previous.window.timeZone = 'Nowhere/Unknown_Zone_With_A_Long_Name';
    wide.scoringChanged = true;
    for (const c of [comparison(), wide]) {
      expectFits(renderComparisonTerminal(c, { color: colour, width }), width);
      expectFits(renderComparisonTerminal(c, { color: plain, width, ascii: true }), width);
    }
  });

  it('notes a change of scoring model', () => {
    const c = comparison();
    c.scoringChanged = true;
    expect(renderComparisonTerminal(c, { color: plain })).toContain(
      '  The two reports were scored with different models: part of the score’s change\n  may come from that.\n',
    );
  });

  it('names a window that is not a calendar month by its dates', () => {
    const c = comparison();
    c.previous.window = { since: '2026-09-05T07:00:00.000Z', until: '2026-10-05T07:00:00.000Z', timeZone: 'America/Vancouver' };
    expect(renderComparisonTerminal(c, { color: plain })).toMatch(
      /^Compared with the report for 2026-09-05 → 2026-10-04 \(generated 2026-10-02 UTC\)\n/,
    );
  });
});

describe('renderComparisonMarkdown', () => {
  it('prints a table of values then and now', () => {
    expect(renderComparisonMarkdown(compareReports(october(), september()))).toBe(
      [
        '### Change since the previous report',
        '',
        'Compared with the report for 2026-09 (generated 2026-10-02 UTC).',
        '',
        '| | Previous | Current | Change | |',
        '| --- | ---: | ---: | ---: | --- |',
        '| Score | 52 | 64 | ↑ +12 | **better** |',
        '| Verdict | DOING | BEING |  |  |',
        '| Reply ratio | 20% | 25% | ↑ +5.0 pp | **better** |',
        '| Latency median | 4 h 6 min | 1 h | ↓ -3 h 6 min | **better** |',
        '| Latency p90 | 30 h 4 min | 30 h 4 min | → | same |',
        '| Conversation share | 30% | 20% | ↓ -10.0 pp | **worse** |',
        '| Self-promotion | 8% | – |  | n/a |',
        '| Response rate | – | 65% |  | n/a |',
        '',
      ].join('\n'),
    );
  });
});
