import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/schema/report.js';
import { noActivityReport, sampleReport } from '../helpers/report.js';

/** A report whose first recommendation cites a post written to break Markdown and ping people. */
function hostileReport(): Report {
  const report = sampleReport();
  const rec = report.recommendations[0];
  if (!rec) throw new Error('sample report has recommendations');
  rec.evidence = [
    {
      id: '1',
      url: 'javascript:alert(1)',
      createdAt: '2026-08-20T15:44:18.660Z',
      text: '| broken | table |\n<script>alert(1)</script> @everyone **bold** [x](https://evil.example) \u001b[31mred',
      note: 'answered after 2 h',
    },
    { id: '2', url: 'https://x.com/a/status/2)', createdAt: null, text: null, note: 'ok' },
  ];
  return report;
}

describe('renderMarkdown', () => {
  it('writes the score, verdict and one table row per metric', () => {
    const md = renderMarkdown(sampleReport());
    const report = sampleReport();
    expect(md).toContain(`**${report.score.value}/100: BEING social**`);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Metric') && !l.startsWith('| ---'));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| Reply ratio', '| Response latency', '| Conversation mix', '| Self-promotion']);
    // each row has exactly 4 cells: 5 unescaped pipes
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|').length).toBe(6);
  });

  it('escapes hostile post text: no raw HTML, no table break, no mention, no control characters', () => {
    const md = renderMarkdown(hostileReport());
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    expect(md).not.toMatch(/(^|[^&#\w])@everyone/);
    expect(md).toContain('&#64;everyone');
    expect(md).not.toContain('\u001b');
    // the hostile evidence stays on one list line: its newline became a space
    const line = md.split('\n').find((l) => l.includes('answered after 2 h'));
    expect(line).toBeDefined();
    expect(line).toContain('\\| broken \\| table \\|');
    expect(line).toContain('\\*\\*bold\\*\\*');
  });

  it('links only http(s) URLs, percent-encoding what would end the link', () => {
    const md = renderMarkdown(hostileReport());
    expect(md).not.toContain('](javascript:');
    expect(md).toContain('post 1 (answered after 2 h)');
    expect(md).toContain('[post 2](https://x.com/a/status/2%29)');
  });

  it('says there is no score for a window with no activity', () => {
    expect(renderMarkdown(noActivityReport())).toContain('**No activity** in this window: no score.');
  });
});
