import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import {
  evaluateAssertions,
  renderAssertionsMarkdown,
  renderAssertionsTerminal,
  type AssertionResult,
} from '../src/assertions.js';
import type { Assertion } from '../src/config.js';
import { ConfigSchema } from '../src/config.js';
import { compareReports } from '../src/report/compare.js';
import { visibleWidth } from '../src/report/width.js';
import { goldenReport } from './helpers/saved-reports.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 3 });

/*
 * The golden report: score 59 (DOING), reply ratio 27/127 = 0.2126, latency median 14784.919 s
 * (4 h 6 min), p90 108237.197 s, 27 replies timed, outbound-only (metrics.responseRate null).
 */
const one = (path: string, assertion: Assertion): AssertionResult => {
  const [result] = evaluateAssertions(goldenReport(), { [path]: assertion }).results;
  if (result === undefined) throw new Error('one result expected');
  return result;
};

describe('evaluateAssertions: one assertion', () => {
  it.each([
    // path, assertion, passed, actual, message
    ['score', { min: 50 }, true, 59, 'score.value 59 is at least 50'],
    ['score', { min: 60 }, false, 59, 'score.value 59 is below the minimum 60'],
    ['score', { min: 59 }, true, 59, 'score.value 59 is at least 59'],
    ['score', { max: 59 }, true, 59, 'score.value 59 is at most 59'],
    ['score.value', { min: 40, max: 80 }, true, 59, 'score.value 59 is between 40 and 80'],
    ['score', {}, true, 59, 'score.value 59 (no min or max given)'],
    ['metrics.replyRatio.value', { min: 0.2 }, true, 0.2125984251968504, 'metrics.replyRatio.value 0.2126 is at least 0.2'],
    ['metrics.replyRatio', { min: 0.25 }, false, 0.2125984251968504, 'metrics.replyRatio.value 0.2126 is below the minimum 0.25'],
    [
      'metrics.responseLatency.medianSeconds',
      { max: 14_400 },
      false,
      14_784.919,
      'metrics.responseLatency.medianSeconds 14784.919 (4 h 6 min) is above the maximum 14400 (4 h)',
    ],
    ['metrics.responseLatency.n', { min: 10 }, true, 27, 'metrics.responseLatency.n 27 is at least 10'],
    ['counts.items', { min: 100, max: 200 }, true, 143, 'counts.items 143 is between 100 and 200'],
    ['score.breakdown.0.points', { min: 10 }, true, 12.9199475065, 'score.breakdown.0.points 12.9199 is at least 10'],
    ['score', { min: 80, max: 60 }, false, 59, 'score: min 80 is above max 60, so no value can pass; fix the assertion'],
  ] as const)('%s %j → passed %s', (path, assertion, passed, actual, message) => {
    const r = one(path, assertion);
    expect(r).toMatchObject({ path, level: 'error', passed, actual, message, source: 'assert' });
  });

  it.each([
    // path, assertion, message
    [
      'metrics.responseRate.value',
      { min: 0.65 },
      'metrics.responseRate.value has no value in this report (metrics.responseRate is null), so it cannot be shown to be at least 0.65',
    ],
    [
      'metrics.responseRate',
      { min: 0.65 },
      'metrics.responseRate has no value in this report (null), so it cannot be shown to be at least 0.65',
    ],
    [
      'metrics.responseLatency.medianBusinessSeconds',
      { max: 3600 },
      'metrics.responseLatency.medianBusinessSeconds has no value in this report (null), so it cannot be shown to be at most 3600 (1 h)',
    ],
    ['metrics.coverage.outOfHoursInboundShare', {}, 'metrics.coverage.outOfHoursInboundShare has no value in this report (null)'],
    ['metrics.replyRatio.valu', { min: 0.2 }, 'metrics.replyRatio.valu is not a path in the report; did you mean metrics.replyRatio.value?'],
    ['metric.replyRatio.value', { min: 0.2 }, 'metric.replyRatio.value is not a path in the report (no metric); did you mean metrics.replyRatio.value?'],
    ['responseTime', { max: 60 }, 'responseTime is not a path in the report'],
    ['score.breakdown.9.points', { min: 1 }, 'score.breakdown.9.points is not a path in the report (no score.breakdown.9)'],
    ['__proto__.polluted', { min: 1 }, '__proto__.polluted is not a path in the report (no __proto__)'],
    ['', { min: 1 }, ' is not a path in the report'],
    ['account.handle', { min: 1 }, 'account.handle is text, not a number'],
    ['source.complete', { min: 1 }, 'source.complete is a boolean, not a number'],
    ['recommendations', { min: 1 }, 'recommendations is a list, not a number'],
    ['metrics.mix', { min: 0.3 }, 'metrics.mix is an object, not a number; name one of its numbers, such as metrics.mix.conversation'],
  ] as const)('%s fails with a message, not a crash', (path, assertion, message) => {
    const r = one(path, assertion);
    expect(r).toMatchObject({ path, passed: false, actual: null, message });
  });

  it('keeps the level, min and max of the assertion', () => {
    expect(one('metrics.responseLatency.medianSeconds', { max: 14_400, level: 'warn' })).toEqual({
      path: 'metrics.responseLatency.medianSeconds',
      level: 'warn',
      actual: 14_784.919,
      max: 14_400,
      passed: false,
      message: 'metrics.responseLatency.medianSeconds 14784.919 (4 h 6 min) is above the maximum 14400 (4 h)',
      source: 'assert',
    });
  });

  it('fails a null score (no activity) like --fail-under does', () => {
    const report = goldenReport();
    report.score.value = null;
    report.score.verdict = 'NO_ACTIVITY';
    const { results, errorsFailed } = evaluateAssertions(report, {}, 50);
    expect(errorsFailed).toBe(1);
    expect(results[0]?.message).toBe(
      'score.value has no value in this report (null), so it cannot be shown to be at least 50 (--fail-under)',
    );
  });

  it('reads a comparison path once the report carries one', () => {
    const previous = goldenReport();
    previous.score.value = 64;
    const report = { ...goldenReport(), comparison: compareReports(goldenReport(), previous) };
    const [result] = evaluateAssertions(report, { 'comparison.score.delta': { min: -3 } }).results;
    expect(result?.message).toBe('comparison.score.delta -5 is below the minimum -3');
  });
});

describe('evaluateAssertions: the whole block', () => {
  const config = ConfigSchema.parse({
    assert: {
      score: { min: 60 },
      'metrics.responseLatency.medianSeconds': { max: 14_400, level: 'warn' },
      'metrics.replyRatio.value': { min: 0.2 },
      'metrics.selfPromotion.share': { max: 0.1, level: 'warn' },
    },
  });

  it('counts failed errors and warnings, in config order', () => {
    const outcome = evaluateAssertions(goldenReport(), config.assert);
    expect(outcome.results.map((r) => `${r.path} ${r.level} ${r.passed}`)).toEqual([
      'score error false',
      'metrics.responseLatency.medianSeconds warn false',
      'metrics.replyRatio.value error true',
      'metrics.selfPromotion.share warn true',
    ]);
    expect(outcome.errorsFailed).toBe(1);
    expect(outcome.warningsFailed).toBe(1);
  });

  it('treats --fail-under N as score min N at error level, listed first', () => {
    const outcome = evaluateAssertions(goldenReport(), { 'metrics.replyRatio.value': { min: 0.2 } }, 55);
    expect(outcome.results[0]).toEqual({
      path: 'score',
      level: 'error',
      actual: 59,
      min: 55,
      passed: true,
      message: 'score.value 59 is at least 55 (--fail-under)',
      source: 'fail-under',
    });
    const viaFlag = evaluateAssertions(goldenReport(), {}, 60);
    const viaConfig = evaluateAssertions(goldenReport(), { score: { min: 60 } });
    const strip = ({ source: _s, message: _m, ...rest }: AssertionResult) => rest;
    expect(viaFlag.results.map(strip)).toEqual(viaConfig.results.map(strip));
    expect(viaFlag.errorsFailed).toBe(1);
    expect(viaConfig.errorsFailed).toBe(1);
  });

  it('checks both --fail-under and an assert entry for score', () => {
    const outcome = evaluateAssertions(goldenReport(), { score: { min: 70, level: 'warn' } }, 50);
    expect(outcome.results.map((r) => `${r.source} ${r.level} ${r.passed}`)).toEqual(['fail-under error true', 'assert warn false']);
    expect(outcome.errorsFailed).toBe(0);
    expect(outcome.warningsFailed).toBe(1);
  });

  it('has nothing to check without assertions', () => {
    expect(evaluateAssertions(goldenReport())).toEqual({ results: [], errorsFailed: 0, warningsFailed: 0 });
  });
});

describe('renderAssertionsTerminal', () => {
  const results = () =>
    evaluateAssertions(goldenReport(), {
      'metrics.replyRatio.value': { min: 0.2 },
      'metrics.responseLatency.medianSeconds': { max: 14_400, level: 'warn' },
      'metrics.replyRatio.valu': { min: 0.2 },
    }, 60).results;

  it('lists failed errors, then warnings, then passes', () => {
    expect(renderAssertionsTerminal(results(), { color: plain })).toBe(
      [
        'Assertions: 2 failed, 1 warning, 1 passed',
        '  ✗ FAIL score.value 59 is below the minimum 60 (--fail-under)',
        '  ✗ FAIL metrics.replyRatio.valu is not a path in the report; did you mean',
        '         metrics.replyRatio.value?',
        '  ! warn metrics.responseLatency.medianSeconds 14784.919 (4 h 6 min) is above',
        '         the maximum 14400 (4 h)',
        '  ✓ pass metrics.replyRatio.value 0.2126 is at least 0.2',
        '',
      ].join('\n'),
    );
  });

  it('has no escape codes at level 0, colours at level 3, words only in ASCII', () => {
    expect(renderAssertionsTerminal(results(), { color: plain })).not.toContain('\x1b');
    const out = renderAssertionsTerminal(results(), { color: colour });
    expect(out).toContain(colour.red('✗ FAIL'));
    expect(out).toContain(colour.yellow('! warn'));
    expect(out).toContain(colour.green('✓ pass'));
    const ascii = renderAssertionsTerminal(results(), { color: plain, ascii: true });
    expect(ascii).toMatch(/^[\x0a\x20-\x7e]*$/);
    expect(ascii).toContain('\n  FAIL   score.value 59 is below the minimum 60 (--fail-under)\n');
  });

  it.each([40, 60, 80])('keeps every line within %i columns, and a hostile path harmless', (width) => {
    const hostile = evaluateAssertions(goldenReport(), { ['metrics.\x1b[2J\x1b]0;x\x07' + 'very.'.repeat(20)]: { min: 1 } }).results;
    for (const r of [results(), hostile]) {
      const out = renderAssertionsTerminal(r, { color: colour, width });
      for (const line of out.replace(/\n$/, '').split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(width);
      expect(out.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    }
  });

  it('prints nothing without results', () => {
    expect(renderAssertionsTerminal([], { color: plain })).toBe('');
  });
});

describe('renderAssertionsMarkdown', () => {
  it('prints a summary and a table, failures first, text escaped', () => {
    const { results } = evaluateAssertions(goldenReport(), {
      'metrics.replyRatio.value': { min: 0.2 },
      'account.handle|x': { max: 1, level: 'warn' },
    }, 60);
    expect(renderAssertionsMarkdown(results)).toBe(
      [
        '### Assertions',
        '',
        '1 failed, 1 warning, 1 passed.',
        '',
        '| Result | Level | Path | Actual | Expected | |',
        '| --- | --- | --- | ---: | --- | --- |',
        '| ❌ **fail** | error | score | 59 | ≥ 60 | score.value 59 is below the minimum 60 \\(\\-\\-fail\\-under\\) |',
        '| ⚠️ warn | warn | account.handle\\|x | – | ≤ 1 | account.handle\\|x is not a path in the report |',
        '| ✅ pass | error | metrics.replyRatio.value | 0.2126 | ≥ 0.2 | metrics.replyRatio.value 0.2126 is at least 0.2 |',
        '',
      ].join('\n'),
    );
    expect(renderAssertionsMarkdown([])).toBe('');
  });
});
