import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { ReportSchema, type Report } from '../../src/schema/report.js';
import { noActivityReport, outboundOnlyReport, sampleReport } from '../helpers/report.js';

describe('renderJson', () => {
  it.each([
    ['sample', sampleReport()],
    ['outbound-only', outboundOnlyReport()],
    ['no activity', noActivityReport()],
  ])('round-trips the %s report through ReportSchema', (_name, report) => {
    const out = renderJson(report);
    expect(ReportSchema.parse(JSON.parse(out))).toEqual(report);
  });

  it('pretty-prints with two spaces and a trailing newline', () => {
    const out = renderJson(sampleReport());
    expect(out.startsWith('{\n  "schemaVersion": "1.0.0",\n  "tool": {\n    "name": "social-audit"')).toBe(true);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.endsWith('\n\n')).toBe(false);
  });

  it('keeps hostile post text as data, escaped by JSON', () => {
    const out = renderJson(sampleReport());
    expect(out).not.toContain('\x1b');
    expect(out).toContain('\\u001b]8;;https://evil.example/');
  });

  it('drops keys outside the schema', () => {
    const report = { ...sampleReport(), extra: 'not in the contract' } as Report;
    expect(renderJson(report)).not.toContain('extra');
  });

  it('refuses a report that breaks the contract', () => {
    const report = sampleReport();
    report.score.value = 101;
    expect(() => renderJson(report)).toThrow();
  });
});
