import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { evaluateAssertions } from '../../src/assertions.js';
import { worstExit } from '../../src/cli.js';
import { multiReport, renderMultiJson, renderMultiMarkdown, renderMultiTerminal, type MultiEntry } from '../../src/report/multi.js';
import { visibleWidth } from '../../src/report/width.js';
import { MultiReportSchema } from '../../src/schema/report.js';
import { goldenReport } from '../helpers/saved-reports.js';

const plain = new Chalk({ level: 0 });

/** The golden report (CascadiaRoads, October 2026: score 59 DOING), and a failed account. */
function entries(): MultiEntry[] {
  const report = goldenReport();
  return [
    { named: '@CascadiaRoads', report, assertions: evaluateAssertions(report, {}) },
    { named: '@511NY', error: { message: 'no such X account @511NY; check the spelling', exitCode: 2 } },
  ];
}

describe('many-account output', () => {
  it('JSON: schemaVersion, tool, generatedAt and one entry per account, in order, valid against MultiReportSchema', () => {
    const doc = JSON.parse(renderMultiJson(multiReport(entries(), { generatedAt: '2026-11-02T00:00:00.000Z', toolVersion: '9.9.9' }))) as unknown;
    const parsed = MultiReportSchema.parse(doc);
    expect(parsed.tool).toEqual({ name: 'social-audit', version: '9.9.9' });
    expect(parsed.reports[1]).toEqual({ account: '@511NY', error: { message: 'no such X account @511NY; check the spelling', exitCode: 2 } });
    expect('score' in (parsed.reports[0] ?? {})).toBe(true);
  });

  it('terminal: a row per account; the failed row spans its message; no line wider than asked', () => {
    for (const width of [60, 80, 120]) {
      const out = renderMultiTerminal(entries(), { color: plain, width });
      expect(out.split('\n')[0]).toBe('social-audit: 2 accounts, 1 failed');
      expect(out).toMatch(/│ X @CascadiaRoads +│ +59 │ DOING +│/);
      expect(out).toMatch(/│ @511NY +│ failed \(exit 2\): no such X/);
      for (const line of out.split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(width);
    }
    // 120 columns hold every figure: nothing is left out
    expect(renderMultiTerminal(entries(), { color: plain, width: 120 })).not.toContain('Left out');
  });

  it('terminal: failed assertions listed under the table, with a Checks column when wide enough', () => {
    const [first, second] = entries();
    const report = goldenReport();
    const withChecks: MultiEntry[] = [{ ...(first as MultiEntry), report, assertions: evaluateAssertions(report, { score: { min: 60 } }) } as MultiEntry, second as MultiEntry];
    const out = renderMultiTerminal(withChecks, { color: plain, width: 140 });
    expect(out).toMatch(/│ Checks +│/);
    expect(out).toMatch(/│ 1 failed +│/);
    expect(out).toContain('FAIL X @CascadiaRoads: score.value 59 is below the minimum 60');
  });

  it('Markdown: the table with full labels; a failed account keeps its row with its message', () => {
    const md = renderMultiMarkdown(entries(), { toolVersion: '9.9.9' });
    expect(md).toMatch(/^## social-audit: 2 accounts\n/);
    expect(md).toContain('Window: 2026-10-01 to 2026-10-31 America/Vancouver.');
    expect(md).toMatch(/^\| &#64;CascadiaRoads on X \| 59 \| DOING \| 21% \| 4 h 6 min \| 30 h 4 min \| 22% \| 6% \|$/m);
    expect(md).toMatch(/^\| &#64;511NY \| – \| \*\*failed\*\* \(exit 2\): no such X account &#64;511NY; check the spelling \|/m);
    expect(md.trimEnd().split('\n').at(-1)).toBe('<sub>social-audit 9.9.9, report schema 1.0.0</sub>');
  });
});

describe('worstExit: the exit code of a run over several accounts', () => {
  it.each([
    [[], 0],
    [[0, 0], 0],
    [[1], 1],
    [[1, 2], 2],
    [[2, 3, 1], 3],
    [[3, 4], 4],
    [[4, 130], 130],
  ])('%j → %i', (codes, expected) => {
    expect(worstExit(codes)).toBe(expected);
  });
});
