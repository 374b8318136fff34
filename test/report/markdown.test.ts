import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/schema/report.js';
import { hourOfWeek, noActivityReport, outboundOnlyReport, sampleReport } from '../helpers/report.js';

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

/** The rows of the metric table (the first table), without its head. */
function metricRows(md: string): string[] {
  const all = md.split('\n');
  const head = all.indexOf('| Metric | Measured | Score | Points |');
  const rows: string[] = [];
  for (const line of all.slice(head + 2)) {
    if (!line.startsWith('| ')) break;
    rows.push(line);
  }
  return rows;
}

describe('renderMarkdown', () => {
  it('writes the score, verdict and one table row per metric', () => {
    const md = renderMarkdown(sampleReport());
    const report = sampleReport();
    expect(md).toContain(`**${report.score.value}/100: BEING social**`);
    const rows = metricRows(md);
    expect(rows.map((r) => r.split(' | ')[0])).toEqual([
      '| Reply ratio',
      '| Response latency',
      '| Conversation mix',
      '| Self-promotion',
      '| Response rate',
    ]);
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

  it('writes the response-rate row and the business-clock twins', () => {
    const rows = metricRows(renderMarkdown(sampleReport()));
    // 30 answered of 52 - 4 pending = 48 → 63%; score 0.7667 → 77; points 100·30·0.7667/130 = 17.7
    expect(rows).toContain(
      '| Response rate | 63% of 48 messages answered, 4 pending, median first answer 25 min \\(business clock 20 min\\), 13 of 20 questions answered | 77 | 17.7 |',
    );
    expect(rows.find((r) => r.startsWith('| Response latency'))).toContain(
      'median 23 min, p90 4 h 10 min \\(n = 14\\); business clock: median 18 min, p90 1 h 30 min',
    );
  });

  it('leaves the response-rate row out in outbound-only mode and says why once', () => {
    const md = renderMarkdown(outboundOnlyReport());
    expect(metricRows(md).map((r) => r.split(' | ')[0])).not.toContain('| Response rate');
    const note = '_Response rate: not measured \\(no inbound data; see \\-\\-inbound or live fetching\\)_';
    expect(md.split(note)).toHaveLength(2);
    expect(md).not.toContain('Inbound:');
    expect(md).not.toContain('Messages in');
    expect(renderMarkdown(sampleReport())).not.toContain('not measured');
  });

  it('names the inbound sources', () => {
    expect(renderMarkdown(sampleReport())).toContain(
      'Inbound: 55 posts by others read from file \\(x\\-v2\\) fixtures/sample/roadwise\\-mentions.json.',
    );
  });

  it('writes the people engaged and the canned replies with their templates and links', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).toContain('People engaged: answered 30 people, 30% more than once.');
    expect(md).toContain('Canned replies: 12% of replies are canned \\(5 of 41, 2 templates\\).');
    expect(md).toContain(
      '- ×3 “Thanks for the report, we have passed it on to the maintenance crew.” ([post 1979000000000000501](https://x.com/RoadwiseBC/status/1979000000000000501), ',
    );
    expect(md).toContain('- ×2 “Please check DriveBC for the latest conditions.” ([post 1979000000000000504]');
  });

  it('writes the coverage per hour and per weekday with the time zone and the out-of-hours share', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).toContain('### When people write and when you answer');
    expect(md).toContain('Hours in America/Vancouver; 31% of messages came outside business hours.');
    // hour 8: messages Mon 2 + Wed 3 + Fri 3 = 8, replies Mon 3 + Wed 4 + Fri 3 = 10;
    // hour 9: messages Mon 3 + Tue 2 + Thu 4 = 9, replies Mon 4 + Tue 3 + Thu 5 = 12
    expect(md).toContain('| Messages in | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 2 | 8 | 9 | 8 | 4 | 4 | 1 | 2 | 1 | 4 | 2 | 2 | 2 | 1 | 1 | 1 | 0 |');
    expect(md).toContain('| Replies out | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 10 | 12 | 5 | 3 | 3 | 2 | 2 | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |');
    // per weekday: the 52 messages and 41 replies of the sample grids
    expect(md).toContain('| Day | Mon | Tue | Wed | Thu | Fri | Sat | Sun |');
    expect(md).toContain('| Messages in | 11 | 6 | 8 | 8 | 12 | 5 | 2 |');
    expect(md).toContain('| Replies out | 11 | 8 | 9 | 7 | 6 | 0 | 0 |');
  });

  it('writes only the replies in the coverage tables in outbound-only mode, and none without activity', () => {
    const report = outboundOnlyReport();
    report.metrics.coverage.repliesByHour = hourOfWeek({ Sun: { 23: 2 } });
    const md = renderMarkdown(report);
    expect(md).toContain('Hours in America/Vancouver.');
    expect(md).toContain(`| Replies out |${' 0 |'.repeat(23)} 2 |`);
    expect(md).toContain('| Replies out | 0 | 0 | 0 | 0 | 0 | 0 | 2 |');
    expect(renderMarkdown(noActivityReport())).not.toContain('When people write');
  });

  it('escapes hostile canned-reply templates and their evidence', () => {
    const report = sampleReport();
    report.metrics.cannedReplies.templates = [
      {
        text: '| x | <img src=x onerror=alert(1)> @everyone [click](javascript:alert(1)) **bold**\n# heading \u001b]0;t\u0007',
        count: 2,
        evidence: [
          { id: '7)](https://evil.example', url: 'javascript:alert(1)', createdAt: null, text: '<b>', note: 'canned reply' },
          { id: '8', url: 'https://x.com/a/status/8?q=(x)', createdAt: null, text: null, note: 'canned reply' },
        ],
      },
    ];
    report.metrics.coverage.timeZone = 'Zone<script>|x|';
    const md = renderMarkdown(report);
    const line = md.split('\n').find((l) => l.startsWith('- ×2 '));
    expect(line).toBe(
      '- ×2 “\\| x \\| &lt;img src=x onerror=alert\\(1\\)&gt; &#64;everyone \\[click\\]\\(javascript:alert\\(1\\)\\) \\*\\*bold\\*\\* \\# heading”' +
        ' (post 7\\)\\]\\(https://evil.example, [post 8](https://x.com/a/status/8?q=%28x%29))',
    );
    expect(md).not.toContain('<img');
    expect(md).not.toContain('](javascript:');
    expect(md).not.toContain('\u001b');
    expect(md).toContain('Hours in Zone&lt;script&gt;\\|x\\|;');
  });
});
