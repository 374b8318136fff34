import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  TREND_VERSION,
  TrendSchema,
  renderTrendMarkdown,
  renderTrendTerminal,
  sparkline,
  trendJson,
  trendSeries,
} from '../../src/report/trend.js';
import { visibleWidth } from '../../src/report/width.js';
import { MONTHS_2026, savedReport } from '../helpers/saved-reports.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 3 });

/*
 * Three months of one account, values picked so every sparkline character can be worked out by
 * hand (bars ▁▂▃▄▅▆▇█ are levels 0-7; level = round((v - min) / (max - min) · 7)):
 * - score 40, 55, 70: 0, 3.5 → 4, 7 → ▁▅█
 * - reply ratio 0.2 three times: all equal → the fourth bar, ▄▄▄
 * - latency median 14400 s, none (no replies), 3600 s: 7, null, 0 → █·▁
 * - latency p90 86400, 86400, 7200: █ █ ▁
 * - conversation 0.1, 0.2, 0.5: 0, 0.1/0.4 · 7 = 1.75 → 2, 7 → ▁▃█
 * - self-promotion 0.08, 0.04, 0.01: 7, 0.03/0.07 · 7 = 3 → ▄, 0 → █▄▁
 * - response rate none (outbound-only), 0.5, 0.75: ·▁█
 */
const august = () =>
  savedReport(MONTHS_2026.aug, {
    score: 40,
    replyRatio: 0.2,
    medianSeconds: 14_400,
    p90Seconds: 86_400,
    conversationShare: 0.1,
    selfPromotionShare: 0.08,
  });
const september = () =>
  savedReport(MONTHS_2026.sep, {
    score: 55,
    replyRatio: 0.2,
    medianSeconds: null,
    p90Seconds: 86_400,
    conversationShare: 0.2,
    selfPromotionShare: 0.04,
    responseRate: 0.5,
  });
const october = () =>
  savedReport(MONTHS_2026.oct, {
    score: 70,
    replyRatio: 0.2,
    medianSeconds: 3600,
    p90Seconds: 7200,
    conversationShare: 0.5,
    selfPromotionShare: 0.01,
    responseRate: 0.75,
  });

/** The three reports, given out of order. */
const threeMonths = () => trendSeries([october(), august(), september()]);

const values = (v: [number | null, number | null, number | null, number | null, number | null, number | null]) => ({
  'metrics.replyRatio.value': v[0],
  'metrics.responseLatency.medianSeconds': v[1],
  'metrics.responseLatency.p90Seconds': v[2],
  'metrics.mix.conversationShare': v[3],
  'metrics.selfPromotion.share': v[4],
  'metrics.responseRate.value': v[5],
});

function expectFits(output: string, width: number): void {
  for (const line of output.replace(/\n$/, '').split('\n')) {
    expect(visibleWidth(line), `line wider than ${width}: ${JSON.stringify(line)}`).toBeLessThanOrEqual(width);
  }
}

describe('trendSeries', () => {
  it('has one row per report, oldest window first, with exact values', () => {
    const series = threeMonths();
    const zone = 'America/Vancouver';
    expect(series.rows).toEqual([
      {
        label: '2026-08',
        ...MONTHS_2026.aug,
        timeZone: zone,
        generatedAt: '2026-09-02T07:00:00.000Z',
        score: 40,
        verdict: 'DOING',
        values: values([0.2, 14_400, 86_400, 0.1, 0.08, null]),
      },
      {
        label: '2026-09',
        ...MONTHS_2026.sep,
        timeZone: zone,
        generatedAt: '2026-10-02T07:00:00.000Z',
        score: 55,
        verdict: 'DOING',
        values: values([0.2, null, 86_400, 0.2, 0.04, 0.5]),
      },
      {
        label: '2026-10',
        ...MONTHS_2026.oct,
        timeZone: zone,
        generatedAt: '2026-11-02T07:00:00.000Z',
        score: 70,
        verdict: 'BEING',
        values: values([0.2, 3600, 7200, 0.5, 0.01, 0.75]),
      },
    ]);
    expect(series.account).toEqual({ platform: 'x', handle: 'CascadiaRoads', id: '1166842715371442176' });
    expect(series.dropped).toBe(0);
    expect(series.metrics.map((m) => `${m.path} ${m.unit} ${m.better}`)).toEqual([
      'metrics.replyRatio.value ratio higher',
      'metrics.responseLatency.medianSeconds seconds lower',
      'metrics.responseLatency.p90Seconds seconds lower',
      'metrics.mix.conversationShare ratio higher',
      'metrics.selfPromotion.share ratio lower',
      'metrics.responseRate.value ratio higher',
    ]);
  });

  it('keeps the report generated last when two cover the same window', () => {
    const rerun = october();
    rerun.generatedAt = '2026-11-05T12:00:00.000Z';
    rerun.score.value = 72;
    const series = trendSeries([rerun, august(), october(), september()]);
    expect(series.rows.map((r) => `${r.label} ${r.score}`)).toEqual(['2026-08 40', '2026-09 55', '2026-10 72']);
    expect(series.dropped).toBe(1);
  });

  it('labels a window that is not a calendar month by its first local day', () => {
    const report = savedReport(
      { since: '2026-10-05T07:00:00.000Z', until: '2026-11-04T08:00:00.000Z' },
      { score: 50, replyRatio: 0.2, medianSeconds: 60, p90Seconds: 60, conversationShare: 0.2, selfPromotionShare: 0 },
    );
    expect(trendSeries([report]).rows[0]?.label).toBe('2026-10-05');
    const utc = savedReport(
      { since: '2026-02-01T00:00:00.000Z', until: '2026-03-01T00:00:00.000Z', timeZone: 'UTC' },
      { score: 50, replyRatio: 0.2, medianSeconds: 60, p90Seconds: 60, conversationShare: 0.2, selfPromotionShare: 0 },
    );
    expect(trendSeries([utc]).rows[0]?.label).toBe('2026-02');
  });

  it('matches reports by account id, else by handle in any case', () => {
    const renamed = october();
    renamed.account.handle = 'CascadiaRoadsNew';
    expect(trendSeries([august(), renamed]).account.handle).toBe('CascadiaRoadsNew');
    const noId = september();
    noId.account.id = null;
    noId.account.handle = '@cascadiaroads';
    const noIdEither = august();
    noIdEither.account.id = null;
    expect(trendSeries([noIdEither, noId]).rows).toHaveLength(2);
  });

  it('refuses reports of different accounts, naming them', () => {
    const other = october();
    other.account.id = '42';
    other.account.handle = 'OtherAgency';
    expect(() => trendSeries([august(), other])).toThrow(UsageError);
    expect(() => trendSeries([august(), other])).toThrow(
      'trend: the reports are of more than one account (X @CascadiaRoads, X @OtherAgency); give the reports of one account',
    );
    const mastodon = august();
    mastodon.account.platform = 'mastodon';
    expect(() => trendSeries([august(), mastodon])).toThrow(/more than one account/);
  });

  it('refuses an empty list', () => {
    expect(() => trendSeries([])).toThrow(UsageError);
  });
});

describe('sparkline', () => {
  it.each([
    ['eight levels', [0, 1, 2, 3, 4, 5, 6, 7], '▁▂▃▄▅▆▇█'],
    ['scaled to min-max, not to zero', [100, 107, 114], '▁▅█'],
    ['rounded to the nearest bar', [0, 0.49, 0.51, 1], '▁▄▅█'],
    ['all equal: the fourth bar', [3, 3, 3], '▄▄▄'],
    ['one value', [0.4], '▄'],
    ['null as a dot', [1, null, 2], '▁·█'],
    ['only nulls', [null, null], '··'],
    ['nothing', [], ''],
    ['negative values', [-10, 0, 10], '▁▅█'],
  ])('%s', (_name, input, expected) => {
    expect(sparkline(input)).toBe(expected);
  });

  it('has an ASCII form, null as a space', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], true)).toBe('_.-~=+*#');
    expect(sparkline([1, null, 2], true)).toBe('_ #');
  });
});

describe('renderTrendTerminal', () => {
  it('prints the month-by-month table and a sparkline per value at 80 columns', () => {
    expect(renderTrendTerminal(threeMonths(), { color: plain })).toBe(
      [
        'Trend: X @CascadiaRoads · 3 reports · 2026-08 → 2026-10',
        '┌─────────┬───────┬─────────┬───────┬────────┬──────┬───────┬───────┬───────┐',
        '│ Month   │ Score │ Verdict │ Reply │ Median │  p90 │ Conv. │ Promo │ Resp. │',
        '├─────────┼───────┼─────────┼───────┼────────┼──────┼───────┼───────┼───────┤',
        '│ 2026-08 │    40 │ DOING   │   20% │   4.0h │  24h │   10% │    8% │     – │',
        '│ 2026-09 │    55 │ DOING   │   20% │      – │  24h │   20% │    4% │   50% │',
        '│ 2026-10 │    70 │ BEING   │   20% │   1.0h │ 2.0h │   50% │    1% │   75% │',
        '└─────────┴───────┴─────────┴───────┴────────┴──────┴───────┴───────┴───────┘',
        'Reply: reply ratio · Median: response latency median · p90: response latency p90',
        'Conv.: conversation share · Promo: self-promotion share · Resp.: response rate',
        '',
        '  Score               ▁▅█  40 → 70      ↑ +30',
        '  Reply ratio         ▄▄▄  20% → 20%    →',
        '  Latency median      █·▁  4.0h → 1.0h  ↓ -3.0h',
        '  Latency p90         ██▁  24h → 2.0h   ↓ -22h',
        '  Conversation share  ▁▃█  10% → 50%    ↑ +40.0pp',
        '  Self-promotion      █▄▁  8% → 1%      ↓ -7.0pp',
        '  Response rate       ·▁█  – → 75%',
        '',
      ].join('\n'),
    );
  });

  it('leaves out the response-rate column when no report has one', () => {
    const out = renderTrendTerminal(trendSeries([august()]), { color: plain });
    expect(out).not.toContain('Resp.');
    expect(out).not.toContain('Response rate');
    expect(out).toContain('Trend: X @CascadiaRoads · 1 report · 2026-08\n');
  });

  it('has no escape codes at colour level 0 and paints better green, worse red at level 3', () => {
    expect(renderTrendTerminal(threeMonths(), { color: plain })).not.toContain('\x1b');
    const out = renderTrendTerminal(threeMonths(), { color: colour });
    expect(out).toContain(colour.green('↑ +30'));
    expect(out).toContain(colour.green('↓ -3.0h'));
    expect(out).toContain(colour.green('BEING'));
    expect(out).toContain(colour.red('DOING'));
    expect(out).toContain(colour.cyan('▁▅█'));
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderTrendTerminal(threeMonths(), { color: plain }));
  });

  it.each([60, 80, 100])('keeps every line within %i columns, in colour and in ASCII', (width) => {
    const long = Array.from({ length: 40 }, (_, i) => {
      const since = Date.UTC(2023, i, 1, 8);
      return savedReport(
        { since: new Date(since).toISOString(), until: new Date(Date.UTC(2023, i + 1, 1, 8)).toISOString(), timeZone: 'UTC' },
        {
          score: (i * 7) % 101,
          replyRatio: (i % 10) / 10,
          medianSeconds: i % 5 === 0 ? null : 50_000 + i * 977,
          p90Seconds: 900_000 + i,
          conversationShare: 0.5,
          selfPromotionShare: 0.001 * i,
          responseRate: i % 3 === 0 ? null : 0.999,
        },
      );
    });
    for (const series of [threeMonths(), trendSeries(long)]) {
      expectFits(renderTrendTerminal(series, { color: colour, width }), width);
      expectFits(renderTrendTerminal(series, { color: plain, width, ascii: true }), width);
    }
  });

  it('drops Verdict, then p90, at 60 columns; shows only the newest rows in sparklines that do not fit', () => {
    const out = renderTrendTerminal(threeMonths(), { color: plain, width: 60 });
    expect(out).toContain('│ Month   │ Score │ Reply │ Median │ Conv. │ Promo │ Resp. │');
    const many = Array.from({ length: 30 }, (_, i) =>
      savedReport(
        { since: new Date(Date.UTC(2020, i, 1)).toISOString(), until: new Date(Date.UTC(2020, i + 1, 1)).toISOString(), timeZone: 'UTC' },
        { score: i, replyRatio: 0.1, medianSeconds: 60, p90Seconds: 60, conversationShare: 0.1, selfPromotionShare: 0.1 },
      ),
    );
    const wide = renderTrendTerminal(trendSeries(many), { color: plain, width: 80 });
    expect(wide).toContain('Sparklines: the newest 24 of 30 rows.');
    expect(wide).toContain(`  Score               ${sparkline(Array.from({ length: 24 }, (_, i) => i + 6))}  0 → 29`);
  });

  it('draws only ASCII when asked', () => {
    const out = renderTrendTerminal(threeMonths(), { color: plain, ascii: true });
    expect(out).toMatch(/^[\x0a\x20-\x7e]*$/);
    expect(out).toContain('Trend: X @CascadiaRoads, 3 reports, 2026-08 -> 2026-10\n+---------+');
    expect(out).toContain('  Score               _=#  40 -> 70      +30\n');
    expect(out).toContain('  Latency median      # _  4.0h -> 1.0h  -3.0h\n');
  });

  it('keeps a hostile handle harmless', () => {
    const a = august();
    const b = october();
    a.account.handle = b.account.handle = 'Roads\x1b]0;pwned\x07\u202eX';
    const out = renderTrendTerminal(trendSeries([a, b]), { color: plain });
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    expect(out).toContain('Trend: X @RoadsX');
  });
});

describe('renderTrendMarkdown', () => {
  it('prints a table with full durations and a row of sparklines', () => {
    expect(renderTrendMarkdown(threeMonths())).toBe(
      [
        '## social-audit trend: &#64;CascadiaRoads on X',
        '',
        '3 reports, 2026-08 to 2026-10.',
        '',
        '| Month | Score | Verdict | Reply ratio | Latency median | Latency p90 | Conversation share | Self-promotion | Response rate |',
        '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| 2026-08 | 40 | DOING | 20% | 4 h | 24 h | 10% | 8% | – |',
        '| 2026-09 | 55 | DOING | 20% | – | 24 h | 20% | 4% | 50% |',
        '| 2026-10 | 70 | BEING | 20% | 1 h | 2 h | 50% | 1% | 75% |',
        '| **Trend** | ▁▅█ | | ▄▄▄ | █·▁ | ██▁ | ▁▃█ | █▄▁ | ·▁█ |',
        '',
      ].join('\n'),
    );
  });

  it('escapes the handle', () => {
    const a = august();
    a.account.handle = 'a|b*c<script>';
    expect(renderTrendMarkdown(trendSeries([a]))).toContain('## social-audit trend: &#64;a\\|b\\*c&lt;script&gt; on X');
  });
});

describe('trendJson', () => {
  it('prints the series with its version, valid per TrendSchema', () => {
    const text = trendJson(threeMonths());
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = TrendSchema.parse(JSON.parse(text));
    expect(parsed.trendVersion).toBe(TREND_VERSION);
    expect(parsed).toEqual(threeMonths());
    expect(parsed.rows.map((r) => r.values['metrics.responseLatency.medianSeconds'])).toEqual([14_400, null, 3600]);
  });
});
