import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { HEAT_SHADES, heatShade, renderTerminal } from '../../src/report/terminal.js';
import { visibleWidth } from '../../src/report/width.js';
import type { Report } from '../../src/schema/report.js';
import {
  HOSTILE_TEXT,
  hourOfWeek,
  noActivityReport,
  outboundOnlyReport,
  sampleReport,
  SAMPLE_TEMPLATE,
} from '../helpers/report.js';

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
  const template = report.metrics.cannedReplies.templates[0];
  if (template === undefined) throw new Error('sample report has canned-reply templates');
  template.text = `${HOSTILE_TEXT} ${'東京'.repeat(40)}`;
  report.metrics.coverage.timeZone = `\x1b]0;zone\x07America/${'Very_Long_Zone_Name/'.repeat(5)}Vancouver`;
  const inbound = report.inbound;
  if (inbound === null) throw new Error('sample report has inbound data');
  inbound.sources.push({ kind: 'file', format: 'x-v2\x1b[31m', path: `/very/long/${'inbound/'.repeat(15)}mentions.json` });
  return report;
}

/** The lines of the heat strip: from its heading to its footer (the line starting "  Hours in"). */
function strip(output: string): string[] {
  const all = lines(output);
  const start = all.findIndex((l) => /^ {7}(People write|You answer) \(/.test(l));
  const end = all.findIndex((l, i) => i > start && l.startsWith('  Hours in'));
  if (start < 0 || end < 0) return [];
  let last = end;
  while (all[last + 1] !== undefined && all[last + 1] !== '') last += 1;
  return all.slice(start, last + 1);
}

describe('renderTerminal', () => {
  it('has no escape codes at colour level 0', () => {
    for (const report of [sampleReport(), outboundOnlyReport(), awkwardReport(), noActivityReport()]) {
      const out = renderTerminal(report, { color: plain });
      expect(out).not.toContain('\x1b');
      expect(out).not.toMatch(FORBIDDEN);
      expect(out.endsWith('\n')).toBe(true);
    }
  });

  it('paints with SGR codes only at colour level 3', () => {
    const out = renderTerminal(sampleReport(), { color: colour });
    expect(out).toMatch(SGR);
    const withoutSgr = out.replace(SGR, '');
    expect(withoutSgr).not.toContain('\x1b');
    expect(withoutSgr).not.toMatch(FORBIDDEN);
  });

  it.each([60, 80, 100, 132])('keeps every line within %i columns', (width) => {
    for (const report of [sampleReport(), outboundOnlyReport(), awkwardReport(), noActivityReport()]) {
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
    // Five scored metrics, weights 25/30/25/20/30 (Σ 130): a metric can earn 100·w/130 points,
    // reply ratio 19.2 and latency 23.1; earned: 100·25·0.6413/130 = 12.3, 100·30·0.9822/130 = 22.7,
    // response rate 100·30·0.7667/130 = 17.7 of 23.1.
    const out = renderTerminal(sampleReport(), { color: plain, width: 132 });
    const row = (label: string) => lines(out).find((l) => l.startsWith(`│ ${label}`)) ?? '';
    expect(row('Reply ratio')).toContain('31% of 134 own posts (41 replies to others)');
    expect(row('Reply ratio')).toMatch(/██████░░░░\s+64\s+│\s+12\.3\/19\.2 │$/);
    expect(row('Response latency')).toContain('median 23 min, p90 4 h 10 min (n = 14); business clock: median 18 min,');
    expect(flat(out)).toContain('median 23 min, p90 4 h 10 min (n = 14); business clock: median 18 min, ██████████ 98 22.7/23.1 p90 1 h 30 min');
    expect(row('Response latency')).toMatch(/██████████\s+98\s+│\s+22\.7\/23\.1 │$/);
    expect(row('Conversation mix')).toContain('conversation 27% · amplification 12% · broadcast 61%');
    expect(row('Self-promotion')).toContain('8% (15 posts)');
    // 30 answered of 52 - 4 pending = 48 → 63%; first answers: median 1500 s = 25 min, 1200 s on the business clock.
    const wide = lines(renderTerminal(sampleReport(), { color: plain, width: 200 })).find((l) => l.startsWith('│ Response rate'));
    expect(wide).toContain(
      '63% of 48 messages answered · 4 pending · median first answer 25 min (business clock 20 min) · 13 of 20 questions answered',
    );
    expect(wide).toMatch(/████████░░\s+77\s+│\s+17\.7\/23\.1 │$/);
    expect(row('Total')).toContain('77/100');
    expect(out).not.toContain('not measured');
  });

  it('puts the response-rate row last, after the outbound metrics', () => {
    const labels = lines(renderTerminal(sampleReport(), { color: plain, width: 132 }))
      .filter((l) => /^│ [A-Z]/.test(l))
      .map((l) => l.slice(2).split('│')[0]?.trim());
    expect(labels).toEqual(['Metric', 'Reply ratio', 'Response latency', 'Conversation mix', 'Self-promotion', 'Response rate', 'Total']);
  });

  it('keeps the response-rate row readable at 80 columns, breaking between phrases', () => {
    const out = renderTerminal(sampleReport(), { color: plain });
    expect(lines(out).some((l) => l.startsWith('│ Response rate'))).toBe(true);
    expect(out).toContain('│ 63% of 48 messages answered ');
    expect(out).toContain('│ 4 pending ');
    expect(out).toContain('│ median first answer 25 min ');
    expect(out).toContain('│ (business clock 20 min) ');
    expect(out).toContain('│ 13 of 20 questions answered ');
  });

  it('says once, muted, that the response rate needs inbound data in outbound-only mode', () => {
    const out = renderTerminal(outboundOnlyReport(), { color: plain });
    expect(lines(out).some((l) => l.startsWith('│ Response rate'))).toBe(false);
    const note = 'Response rate: not measured (no inbound data; see --inbound or live fetching)';
    expect(out.split(note)).toHaveLength(2);
    // right under the table
    const at = lines(out).indexOf(note);
    expect(lines(out)[at - 1]).toMatch(/^└/);
    // muted when painted
    const painted = renderTerminal(outboundOnlyReport(), { color: colour });
    expect(painted).toContain(colour.dim(note));
    // the points are those of the four outbound metrics (Σ weights 100)
    const row = lines(renderTerminal(outboundOnlyReport(), { color: plain, width: 132 })).find((l) => l.startsWith('│ Reply ratio'));
    expect(row).toMatch(/16\.0\/25 │$/);
  });

  it('says why the response rate is not scored when nobody wrote or every message is pending', () => {
    const nobody = sampleReport();
    const rate = nobody.metrics.responseRate;
    if (rate === null) throw new Error('sample report has a response rate');
    Object.assign(rate, { value: null, inbound: 0, answered: 0, pending: 0, questions: 0, questionsAnswered: 0, score: null });
    const row = nobody.score.breakdown.find((b) => b.metric === 'responseRate');
    if (row === undefined) throw new Error('sample breakdown has the response rate');
    Object.assign(row, { score: null, points: 0 });
    let out = renderTerminal(nobody, { color: plain });
    expect(lines(out).some((l) => l.startsWith('│ Response rate'))).toBe(false);
    expect(out).toContain('Response rate: not measured (nobody wrote to the account in this window)');

    Object.assign(rate, { inbound: 3, pending: 3 });
    out = renderTerminal(nobody, { color: plain, width: 132 });
    expect(out).toContain(
      'Response rate: not measured yet (all 3 messages are still pending, within the 7 d give-up window)',
    );
  });

  it('shows the inbound sources in the header', () => {
    const out = flat(renderTerminal(sampleReport(), { color: plain, width: 132 }));
    expect(out).toContain('Inbound file (x-v2) fixtures/sample/roadwise-mentions.json · complete · 55 posts by others read');
    expect(flat(renderTerminal(outboundOnlyReport(), { color: plain }))).not.toContain('Inbound');
    const partial = sampleReport();
    if (partial.inbound === null) throw new Error('sample report has inbound data');
    partial.inbound.complete = false;
    partial.inbound.requests = 9;
    expect(flat(renderTerminal(partial, { color: plain, width: 132 }))).toContain('PARTIAL · 55 posts by others read, 9 requests');
  });

  it('keeps the metric rows at 80 columns, wrapping the measured text between phrases', () => {
    const out = renderTerminal(outboundOnlyReport(), { color: plain });
    for (const label of ['Reply ratio', 'Response latency', 'Conversation mix', 'Self-promotion', 'Total']) {
      expect(lines(out).some((l) => l.startsWith(`│ ${label}`))).toBe(true);
    }
    expect(out).toContain('│ median 23 min, p90 4 h 10 min ');
    expect(out).toContain('│ (n = 14); business clock: ');
    expect(out).toContain('│ median 18 min, p90 1 h 30 min ');
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
    const out = renderTerminal(outboundOnlyReport(), { color: plain });
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

  it('shows the newest unanswered messages under the response-rate recommendation', () => {
    const out = renderTerminal(sampleReport(), { color: plain });
    expect(out).toContain('3. Answer the people who write to you (+5.4 points)');
    expect(out).not.toContain('Promote yourself less');
    const at = lines(out).findIndex((l) => l.includes('3. Answer the people'));
    const block = lines(out).slice(at).join('\n');
    expect(block).toContain('• https://x.com/kdriver/status/1979000000000000410');
    expect(block).toContain('question, no answer · “@RoadwiseBC Is the Hwy 99 closure');
    expect(block).toContain('• https://x.com/pemberton_pat/status/1979000000000000408');
    expect(block).not.toContain('1979000000000000407');
    expect(block).toContain('and 2 more in the JSON report');
  });

  it('shows the people engaged and the canned replies with the most repeated template', () => {
    const out = renderTerminal(sampleReport(), { color: plain });
    // 30 distinct people, 9 answered more than once → 30%; 5 canned of 41 replies → 12%, 2 templates.
    expect(out).toContain('\nAnswered 30 people, 30% more than once\n');
    expect(out).toContain('\n12% of replies are canned (5 of 41, 2 templates)\n');
    expect(out).toContain('  most repeated (×3): “Thanks for the report, we have passed it on to the main…”');
    const wide = renderTerminal(sampleReport(), { color: plain, width: 132 });
    expect(wide).toContain(`Answered 30 people, 30% more than once · 12% of replies are canned (5 of 41, 2 templates)`);
    expect(wide).toContain(`most repeated (×3): “${SAMPLE_TEMPLATE}”`);
  });

  it('words the canned replies and people engaged for the edge cases', () => {
    const report = sampleReport();
    report.metrics.cannedReplies = { share: 0, canned: 0, replies: 41, templates: [] };
    report.metrics.peopleEngaged = { distinct: 1, followThroughShare: 0 };
    const out = renderTerminal(report, { color: plain, width: 132 });
    expect(out).toContain('Answered 1 person, 0% more than once · no canned replies among 41 replies');
    expect(out).not.toContain('most repeated');
    const none = sampleReport();
    none.metrics.cannedReplies = { share: null, canned: 0, replies: 0, templates: [] };
    none.metrics.peopleEngaged = { distinct: 0, followThroughShare: null };
    const quiet = renderTerminal(none, { color: plain, width: 132 });
    expect(quiet).not.toContain('Answered');
    expect(quiet).not.toContain('canned');
  });

  it('neutralises hostile canned-reply templates, time zones and inbound sources', () => {
    const out = renderTerminal(awkwardReport(), { color: colour, width: 80 });
    const text = out.replace(SGR, '');
    expect(text).not.toContain('\x1b');
    expect(text).not.toMatch(FORBIDDEN);
    expect(text).toContain('most repeated (×3): “Road closed click here now');
    expect(text).not.toContain('pwned');
    expect(text).not.toContain('evil.example');
    expect(text).toMatch(/ {2}Hours in\n {2}America\/Very_Long_Zone_Name\//);
    expect(text).not.toContain('zone');
    expect(flat(text)).toContain('file (x-v2) /very/long/inbound/');
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

  it('warns once about partial inbound data', () => {
    const report = sampleReport();
    if (report.inbound === null) throw new Error('sample report has inbound data');
    report.inbound.complete = false;
    let out = renderTerminal(report, { color: plain, width: 132 });
    expect(out).toContain('! Partial inbound data: not every message to the account could be read');
    expect(out).not.toContain('! Partial data:');
    report.warnings = [{ code: 'x-mentions-cap', message: 'X serves only the newest 800 mentions.' }];
    out = renderTerminal(report, { color: plain, width: 132 });
    expect(out).toContain('! X serves only the newest 800 mentions.');
    expect(out).not.toContain('Partial inbound data');
    // an inbound warning does not stand in for a partial source
    report.source.complete = false;
    report.warnings = [{ code: 'inbound-partial', message: 'Mentions stopped at the rate limit.' }];
    out = renderTerminal(report, { color: plain, width: 132 });
    expect(out).toContain('! Partial data: fetching stopped early');
    expect(out).not.toContain('Partial inbound data');
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

describe('heat strip', () => {
  it('shades a cell by its share of the busiest hour: · none, then up to ¼, ½, ¾ and all', () => {
    expect(HEAT_SHADES).toEqual(['·', '░', '▒', '▓', '█']);
    // max 8: level ⌈4·n/8⌉ = ⌈n/2⌉
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => heatShade(n, 8)).join('')).toBe('·░░▒▒▓▓██');
    // one message in the busiest hour of one: full; a grid with nothing in it: none
    expect(heatShade(1, 1)).toBe('█');
    expect(heatShade(0, 0)).toBe('·');
    // a tiny count next to a huge peak still shows
    expect(heatShade(1, 1000)).toBe('░');
  });

  it('draws both hour-of-week grids exactly, with the hour axis, the time zone and the out-of-hours share', () => {
    const report = sampleReport();
    // People write: Monday 0h-4h 1, 2, 3, 4, 8 (max 8 → ░ ░ ▒ ▒ █), Sunday 23h 6 (⌈4·6/8⌉ = 3 → ▓).
    // You answer: Tuesday 9h 1 (max 1 → █), Friday 12h-13h 1, 1.
    report.metrics.coverage = {
      timeZone: 'Europe/Berlin',
      inboundByHour: hourOfWeek({ Mon: { 0: 1, 1: 2, 2: 3, 3: 4, 4: 8 }, Sun: { 23: 6 } }),
      repliesByHour: hourOfWeek({ Tue: { 9: 1 }, Fri: { 12: 1, 13: 1 } }),
      // 6 of the 24 messages (Sunday) fell outside business hours
      outOfHoursInboundShare: 0.25,
    };
    const empty = '·'.repeat(24);
    expect(strip(renderTerminal(report, { color: plain }))).toEqual([
      '       People write (█ = 8)      You answer (█ = 1)',
      '       0     6     12    18      0     6     12    18',
      `  Mon  ░░▒▒█${'·'.repeat(19)}  ${empty}`,
      `  Tue  ${empty}  ·········█··············`,
      `  Wed  ${empty}  ${empty}`,
      `  Thu  ${empty}  ${empty}`,
      `  Fri  ${empty}  ············██··········`,
      `  Sat  ${empty}  ${empty}`,
      `  Sun  ${'·'.repeat(23)}▓  ${empty}`,
      '  Hours in Europe/Berlin · 25% of messages came outside business hours',
    ]);
  });

  it('draws only the replies grid in outbound-only mode', () => {
    const report = outboundOnlyReport();
    report.metrics.coverage.repliesByHour = hourOfWeek({ Wed: { 0: 2, 23: 1 } });
    expect(strip(renderTerminal(report, { color: plain }))).toEqual([
      '       You answer (█ = 2)',
      '       0     6     12    18',
      `  Mon  ${'·'.repeat(24)}`,
      `  Tue  ${'·'.repeat(24)}`,
      `  Wed  █${'·'.repeat(22)}▒`,
      `  Thu  ${'·'.repeat(24)}`,
      `  Fri  ${'·'.repeat(24)}`,
      `  Sat  ${'·'.repeat(24)}`,
      `  Sun  ${'·'.repeat(24)}`,
      '  Hours in America/Vancouver',
    ]);
  });

  it('says "none" over an empty grid and leaves the strip out when both are empty', () => {
    const report = sampleReport();
    report.metrics.coverage.repliesByHour = hourOfWeek({});
    expect(strip(renderTerminal(report, { color: plain }))[0]).toBe('       People write (█ = 4)      You answer (none)');
    report.metrics.coverage.inboundByHour = hourOfWeek({});
    expect(strip(renderTerminal(report, { color: plain }))).toEqual([]);
    expect(renderTerminal(noActivityReport(), { color: plain })).not.toContain('Hours in');
  });

  it('fits in ten lines at 80 columns and stays within 60', () => {
    const at80 = strip(renderTerminal(sampleReport(), { color: plain }));
    expect(at80.length).toBe(10);
    expect(at80.at(-1)).toBe('  Hours in America/Vancouver · 31% of messages came outside business hours');
    for (const line of at80) expect(visibleWidth(line)).toBeLessThanOrEqual(80);
    const at60 = strip(renderTerminal(sampleReport(), { color: plain, width: 60 }));
    expect(at60.length).toBe(11);
    for (const line of at60) expect(visibleWidth(line)).toBeLessThanOrEqual(60);
  });

  it('reads the same without colour: the shades carry the figures, colour only paints them', () => {
    const painted = strip(renderTerminal(sampleReport(), { color: colour }).replace(SGR, ''));
    expect(painted).toEqual(strip(renderTerminal(sampleReport(), { color: plain })));
    // sample: Thursday 9h is the busiest hour of both grids (4 messages, 5 replies)
    const thu = strip(renderTerminal(sampleReport(), { color: plain })).find((l) => l.startsWith('  Thu'));
    expect(thu).toBe('  Thu  ·········█····▒··▒······  ·········█····▒·········');
    // painted: messages yellow, replies green, empty hours dim, one code per run of cells
    const painted80 = renderTerminal(sampleReport(), { color: colour });
    expect(painted80).toContain(`${colour.dim('·········')}${colour.yellow('█')}${colour.dim('····')}`);
    expect(painted80).toContain(`${colour.dim('·········')}${colour.green('█')}${colour.dim('····')}`);
  });
});
