import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/report/terminal.js';
import { visibleWidth } from '../../src/report/width.js';
import type { Report } from '../../src/schema/report.js';
import { HOSTILE_TEXT, noActivityReport, sampleReport } from '../helpers/report.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 3 });

const SGR = /\x1b\[[0-9;]*m/g;
/** Characters that must never reach the terminal from post text. */
const FORBIDDEN = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff\u061c]/;

function lines(output: string): string[] {
  return output.replace(/\n$/, '').split('\n');
}

/** The output's text with line breaks, table borders and indentation collapsed to single spaces. */
function flat(output: string): string {
  return output.replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ').replace(/\s+/g, ' ');
}

function expectFits(output: string, width: number): void {
  for (const line of lines(output)) {
    expect(visibleWidth(line), `line wider than ${width}: ${JSON.stringify(line)}`).toBeLessThanOrEqual(width);
  }
}

/** A report with hostile or awkward text in every free-text field. */
function awkwardReport(): Report {
  const report = sampleReport();
  report.account.displayName = `\x1b]0;title\x07Ministère des Transports 東京 ${'🚗'.repeat(30)}`;
  report.account.handle = 'Roadwise\u202eCB';
  report.source.path = `/very/long/${'nested/'.repeat(20)}roadwise-archive.zip`;
  const first = report.recommendations[0];
  if (first === undefined) throw new Error('sample report has recommendations');
  first.evidence[0] = {
    id: '1',
    url: `https://x.com/RoadwiseBC/status/1979000000000000301?${'utm_source=x&'.repeat(12)}`,
    createdAt: null,
    text: `${'東京の道路は閉鎖されています。'.repeat(8)} ${'🚧'.repeat(40)}`,
    note: 'a note that is much longer than anyone would write, to push the quoted text aside entirely',
  };
  report.warnings = [{ code: 'small-sample', message: `Only 14 items: ${'read the figures with care. '.repeat(6)}` }];
  return report;
}

describe('renderTerminal', () => {
  it('has no escape codes at colour level 0', () => {
    const out = renderTerminal(sampleReport(), { color: plain });
    expect(out).not.toContain('\x1b');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('paints with SGR codes only at colour level 3', () => {
    const out = renderTerminal(sampleReport(), { color: colour });
    expect(out).toMatch(SGR);
    const withoutSgr = out.replace(SGR, '');
    expect(withoutSgr).not.toContain('\x1b');
    expect(withoutSgr).not.toMatch(FORBIDDEN);
  });

  it.each([60, 80, 100, 132])('keeps every line within %i columns', (width) => {
    for (const report of [sampleReport(), awkwardReport(), noActivityReport()]) {
      expectFits(renderTerminal(report, { color: colour, width }), width);
      expectFits(renderTerminal(report, { color: plain, width }), width);
    }
  });

  it('defaults to 80 columns and lays out narrower widths at 60', () => {
    expectFits(renderTerminal(awkwardReport(), { color: plain }), 80);
    expect(renderTerminal(sampleReport(), { color: plain, width: 20 })).toBe(
      renderTerminal(sampleReport(), { color: plain, width: 60 }),
    );
  });

  it('shows the account, source, window and item count', () => {
    const out = flat(renderTerminal(sampleReport(), { color: plain }));
    expect(out).toContain('Account X @RoadwiseBC (Roadwise BC)');
    expect(out).toContain('Source archive (x-archive) · fixtures/sample/roadwise-archive.zip · complete');
    expect(out).toContain('1,204 items read, 2 skipped, 3 duplicates');
    expect(out).toContain('Window 2025-10-01 00:00 → 2025-11-01 00:00 America/Vancouver · 180 items');
  });

  it('shows the window in UTC when the time zone is unknown to the runtime', () => {
    const report = sampleReport();
    report.window.timeZone = 'Mars/Olympus_Mons';
    expect(flat(renderTerminal(report, { color: plain }))).toContain('2025-10-01 07:00 → 2025-11-01 07:00 UTC');
  });

  it('falls back to 80 columns for a width that is not a number', () => {
    expect(renderTerminal(sampleReport(), { color: plain, width: Number.NaN })).toBe(
      renderTerminal(sampleReport(), { color: plain }),
    );
  });

  it('shows the score, the verdict and why', () => {
    const out = renderTerminal(sampleReport(), { color: plain });
    expect(out).toContain('77/100  BEING social');
    expect(flat(out)).toContain('At or above the threshold of 60; weakest: conversation mix 60/100, reply ratio 64/100.');
  });

  it('says DOING social below the threshold', () => {
    const report = sampleReport();
    report.score.value = 52;
    report.score.verdict = 'DOING';
    const out = renderTerminal(report, { color: plain });
    expect(out).toContain('52/100  DOING social');
    expect(out).toContain('Below the threshold of 60');
  });

  it('has one table row per metric with the measured value in words, the score and the points', () => {
    const out = renderTerminal(sampleReport(), { color: plain, width: 132 });
    const row = (label: string) => lines(out).find((l) => l.startsWith(`│ ${label}`)) ?? '';
    expect(row('Reply ratio')).toContain('31% of 134 own posts (41 replies to others)');
    expect(row('Reply ratio')).toMatch(/██████░░░░\s+64\s+│\s+16\.0\/25 │$/);
    expect(row('Response latency')).toContain('median 23 min, p90 4 h 10 min (n = 14)');
    expect(row('Response latency')).toMatch(/██████████\s+98\s+│\s+29\.5\/30 │$/);
    expect(row('Conversation mix')).toContain('conversation 27% · amplification 12% · broadcast 61%');
    expect(row('Self-promotion')).toContain('8% (15 posts)');
    expect(row('Total')).toContain('77/100');
  });

  it('keeps the metric rows at 80 columns, wrapping the measured text between phrases', () => {
    const out = renderTerminal(sampleReport(), { color: plain });
    for (const label of ['Reply ratio', 'Response latency', 'Conversation mix', 'Self-promotion', 'Total']) {
      expect(lines(out).some((l) => l.startsWith(`│ ${label}`))).toBe(true);
    }
    expect(out).toContain('│ median 23 min, p90 4 h 10 min ');
    expect(out).toContain('│ (n = 14)');
    expect(out).toContain('│ conversation 27%  ');
    expect(out).toContain('│ amplification 12%  ');
    expect(out).toContain('│ broadcast 61%  ');
  });

  it('notes a latency sample too small for full weight', () => {
    const report = sampleReport();
    report.metrics.responseLatency.n = 4;
    expect(renderTerminal(report, { color: plain, width: 132 })).toContain('(n = 4; counts 4/10)');
  });

  it('shows the counts line', () => {
    const out = renderTerminal(sampleReport(), { color: plain, width: 200 });
    expect(out).toContain(
      '180 items: 72 originals · 41 replies to others (3 with unknown target) · 9 self-thread replies · ' +
        '12 quotes (4 of own posts) · 46 reposts (24 of own posts) · 2 non-public excluded',
    );
  });

  it('shows the top three recommendations with up to three pieces of evidence', () => {
    const out = renderTerminal(sampleReport(), { color: plain });
    expect(out).toContain('What to do first');
    expect(out).toContain('1. Talk with people, not at them (+10.1 points)');
    expect(out).toContain('2. Reply to more of the people who write to you (+9.0 points)');
    expect(out).toContain('3. Promote yourself less (+3.8 points)');
    expect(out).not.toContain('Fourth recommendation');
    expect(out).toContain('• https://x.com/RoadwiseBC/status/1979000000000000302');
    expect(out).toContain('• 1979000000000000303');
    expect(out).not.toContain('1979000000000000304');
    expect(out).toContain('and 1 more in the JSON report');
    expect(out).toMatch(/broadcast · “Reminder: winter tires are required on .*…”/);
  });

  it('neutralises hostile post text in evidence', () => {
    const report = sampleReport();
    expect(report.recommendations[0]?.evidence[0]?.text).toBe(HOSTILE_TEXT);
    const out = renderTerminal(report, { color: colour });
    expect(out.replace(SGR, '')).toContain('“Road closed click here now');
    expect(out).not.toContain('evil.example');
    expect(out).not.toContain('pwned');
    expect(out.replace(SGR, '')).not.toMatch(FORBIDDEN);
    expect(out.replace(SGR, '')).not.toContain('\x1b');
  });

  it('neutralises hostile account names, paths and URLs', () => {
    const out = renderTerminal(awkwardReport(), { color: colour, width: 100 });
    const text = out.replace(SGR, '');
    expect(text).not.toContain('\x1b');
    expect(text).not.toMatch(FORBIDDEN);
    expect(text).toContain('@RoadwiseCB');
    expect(text).not.toContain('title');
  });

  it('wraps a long evidence URL instead of cutting it', () => {
    const out = renderTerminal(awkwardReport(), { color: plain });
    const joined = lines(out)
      .map((l) => l.trim().replace(/^• /, ''))
      .join('');
    expect(joined).toContain(`https://x.com/RoadwiseBC/status/1979000000000000301?${'utm_source=x&'.repeat(12)}`);
  });

  it('renders a report with no activity', () => {
    const out = renderTerminal(noActivityReport(), { color: plain });
    expect(out).toContain('No activity in this window');
    expect(flat(out)).toContain('nothing to score (1 non-public item was left out)');
    expect(out).not.toContain('/100');
    expect(out).not.toContain('What to do first');
    expect(out).toContain('The window holds no public items by this account.');
  });

  it('marks a partial source and warns about it', () => {
    const report = sampleReport();
    report.source.complete = false;
    const out = renderTerminal(report, { color: plain });
    expect(out).toContain('PARTIAL');
    expect(out).toContain('Warnings');
    expect(out).toMatch(/! Partial data: fetching stopped early/);
  });

  it('does not repeat a partial-data warning the report already carries', () => {
    const report = sampleReport();
    report.source.complete = false;
    report.warnings = [{ code: 'partial-data', message: 'Fetching stopped at the rate limit: 3 pages read.' }];
    const out = renderTerminal(report, { color: plain });
    expect(out).toContain('! Fetching stopped at the rate limit: 3 pages read.');
    expect(out).not.toContain('Partial data:');
  });

  it('lists the report warnings at the end', () => {
    const report = sampleReport();
    report.warnings = [{ code: 'small-sample', message: 'Only 14 items in the window: a small sample.' }];
    const out = renderTerminal(report, { color: plain });
    expect(lines(out).slice(-2)).toEqual(['Warnings', '  ! Only 14 items in the window: a small sample.']);
  });

  it('is pure: same input, same output, input untouched', () => {
    const report = sampleReport();
    const before = structuredClone(report);
    expect(renderTerminal(report, { color: plain })).toBe(renderTerminal(report, { color: plain }));
    expect(report).toEqual(before);
  });
});
