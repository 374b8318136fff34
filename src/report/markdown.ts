import { formatDuration, formatInstant, formatPercent } from '../format.js';
import type { Evidence, Report } from '../schema/report.js';
import type { MetricId } from '../scoring/model.js';
import {
  WEEKDAYS,
  cannedRepliesPhrase,
  dayTotals,
  gridTotal,
  hourTotals,
  outOfHoursPhrase,
  peopleEngagedPhrase,
  responseRateGap,
  responseRatePhrases,
} from './listening.js';
import { escapeMarkdown } from './sanitize.js';

const LABELS: Record<MetricId, string> = {
  replyRatio: 'Reply ratio',
  responseLatency: 'Response latency',
  mix: 'Conversation mix',
  selfPromotion: 'Self-promotion',
  responseRate: 'Response rate',
};

/** Characters of template text quoted in full before it is cut with `…`. */
const QUOTE_LIMIT = 140;
/** Evidence links listed per canned-reply template. */
const TEMPLATE_EVIDENCE = 3;

const PLATFORM: Record<Report['account']['platform'], string> = { x: 'X', mastodon: 'Mastodon', bluesky: 'Bluesky' };

/**
 * Only http(s) links are written as links, with the characters that could end a Markdown link
 * destination percent-encoded; anything else is shown as escaped text.
 */
function safeUrl(url: string | null): string | null {
  if (url === null || !/^https?:\/\/[^\s]+$/i.test(url)) return null;
  return url.replace(/[()<>[\]"'`|\\ ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Escaped text that also pings no one: GitHub turns `@handle` into a mention that notifies the
 * user (and post text is full of them); the `@` written as an HTML entity reads the same.
 */
function md(text: string): string {
  return escapeMarkdown(text).replace(/@/g, '&#64;');
}

function handleText(handle: string | null): string {
  return handle === null ? 'unknown account' : `&#64;${md(handle)}`;
}

function value(report: Report, id: MetricId): string {
  const m = report.metrics;
  switch (id) {
    case 'replyRatio':
      return m.replyRatio.value === null
        ? 'no posts of its own'
        : `${formatPercent(m.replyRatio.value)} of ${m.replyRatio.denominator} own posts answer someone`;
    case 'responseLatency': {
      const { medianSeconds, p90Seconds, medianBusinessSeconds, p90BusinessSeconds, n } = m.responseLatency;
      if (medianSeconds === null || p90Seconds === null) return 'no replies to measure';
      const business =
        medianBusinessSeconds === null
          ? ''
          : `; business clock: median ${formatDuration(medianBusinessSeconds)}` +
            (p90BusinessSeconds === null ? '' : `, p90 ${formatDuration(p90BusinessSeconds)}`);
      return `median ${formatDuration(medianSeconds)}, p90 ${formatDuration(p90Seconds)} (n = ${n})${business}`;
    }
    case 'mix':
      return m.mix.conversationShare === null
        ? 'no items'
        : `conversation ${formatPercent(m.mix.conversationShare)}, amplification ${formatPercent(m.mix.amplificationShare ?? 0)}, broadcast ${formatPercent(m.mix.broadcastShare ?? 0)}`;
    case 'selfPromotion':
      return m.selfPromotion.share === null
        ? 'no items'
        : `${formatPercent(m.selfPromotion.share)} (${m.selfPromotion.count} posts)`;
    case 'responseRate':
      return m.responseRate === null ? 'no inbound data' : responseRatePhrases(m.responseRate).join(', ');
  }
}

/** A quote of untrusted text, escaped, cut to {@link QUOTE_LIMIT} characters. */
function quote(text: string): string {
  return `“${md(text.length > QUOTE_LIMIT ? `${firstCodePoints(text, QUOTE_LIMIT - 1)}…` : text)}”`;
}

/** The first `n` code points of `text`, without splitting the whole text (a post can be megabytes long). */
function firstCodePoints(text: string, n: number): string {
  let end = 0;
  let count = 0;
  for (const ch of text) {
    if (count === n) break;
    end += ch.length;
    count += 1;
  }
  return text.slice(0, end);
}

/** A link to a cited post, or its escaped id when the URL is not http(s). */
function postLink(e: Evidence): string {
  const label = `post ${md(e.id)}`;
  const url = safeUrl(e.url);
  return url === null ? label : `[${label}](${url})`;
}

/** "Answered 30 people, 30% more than once." and the canned replies with their templates (metrics.md §10). */
function listeningLines(report: Report): string[] {
  const lines: string[] = [];
  const people = peopleEngagedPhrase(report);
  if (people !== null) lines.push('', `People engaged: ${md(people)}.`);
  const canned = cannedRepliesPhrase(report);
  if (canned !== null) lines.push('', `Canned replies: ${md(canned)}.`);
  const { canned: cannedCount, templates } = report.metrics.cannedReplies;
  if (canned !== null && cannedCount > 0 && templates.length > 0) {
    lines.push('', 'Most repeated templates:', '');
    for (const t of templates) {
      const links = t.evidence.slice(0, TEMPLATE_EVIDENCE).map((e) => postLink(e));
      const more = t.evidence.length > TEMPLATE_EVIDENCE ? `, ${t.evidence.length - TEMPLATE_EVIDENCE} more` : '';
      lines.push(`- ×${t.count} ${quote(t.text)}${links.length > 0 ? ` (${links.join(', ')}${more})` : ''}`);
    }
  }
  return lines;
}

/**
 * Coverage (metrics.md §10) as two small tables: messages and replies per hour of day (summed
 * over the week), then per weekday (summed over the day), on the report's coverage clock, with the
 * out-of-hours share. The full 7 × 24 grids are in the JSON report.
 */
function coverageLines(report: Report): string[] {
  const { repliesByHour, inboundByHour, timeZone } = report.metrics.coverage;
  if (gridTotal(repliesByHour) === 0 && (inboundByHour === null || gridTotal(inboundByHour) === 0)) return [];
  const rows: Array<[string, number[], number[]]> = [];
  if (inboundByHour !== null) rows.push(['Messages in', hourTotals(inboundByHour), dayTotals(inboundByHour)]);
  rows.push(['Replies out', hourTotals(repliesByHour), dayTotals(repliesByHour)]);
  const ooh = inboundByHour !== null ? outOfHoursPhrase(report) : null;
  const lines = ['', '### When people write and when you answer', ''];
  lines.push(`Hours in ${md(timeZone)}${ooh !== null ? `; ${ooh}` : ''}.`, '');
  const hours = Array.from({ length: 24 }, (_, h) => String(h));
  lines.push(`| Hour | ${hours.join(' | ')} |`, `| --- |${' ---: |'.repeat(24)}`);
  for (const [label, byHour] of rows) lines.push(`| ${label} | ${byHour.join(' | ')} |`);
  lines.push('', `| Day | ${WEEKDAYS.join(' | ')} |`, `| --- |${' ---: |'.repeat(7)}`);
  for (const [label, , byDay] of rows) lines.push(`| ${label} | ${byDay.join(' | ')} |`);
  return lines;
}

function evidenceLine(e: Evidence): string {
  const text = e.text === null || e.text === '' ? '' : `: ${quote(e.text)}`;
  return `  - ${postLink(e)} (${md(e.note)})${text}`;
}

/**
 * The report as GitHub-flavoured Markdown for a CI job summary or a pull-request comment: score
 * and verdict, the metric table (the response-rate row only when it was scored, else one line
 * saying why), the item counts, people engaged and canned replies with their templates, the
 * coverage tables (per hour and per weekday, messages in and replies out), the top
 * recommendations with links to the evidence, and the warnings. Every piece of text from the data
 * is escaped so it cannot break the table or inject HTML.
 */
export function renderMarkdown(report: Report): string {
  const lines: string[] = [];
  const who = `${handleText(report.account.handle)} on ${PLATFORM[report.account.platform]}`;
  lines.push(`## social-audit: ${who}`, '');
  const window = `${formatInstant(report.window.since)} → ${formatInstant(report.window.until)} (${md(report.window.timeZone)})`;
  lines.push(`Window: ${window}, ${report.counts.items} items.`);
  if (report.inbound !== null) {
    const from = report.inbound.sources.map((s) => `${s.kind} \\(${md(s.format)}\\)${s.path !== null ? ` ${md(s.path)}` : ''}`);
    const partial = report.inbound.complete ? '' : ', **partial**';
    lines.push('', `Inbound: ${report.inbound.itemsRead} posts by others read from ${from.join(', ') || 'no source'}${partial}.`);
  }
  if (!report.source.complete) lines.push('', '**Partial data:** the source could not be read completely; see the warnings.');
  lines.push('');
  const verdict =
    report.score.verdict === 'NO_ACTIVITY'
      ? '**No activity** in this window: no score.'
      : `**${report.score.value}/100: ${report.score.verdict === 'BEING' ? 'BEING social' : 'DOING social'}** (threshold ${report.scoring.threshold})`;
  lines.push(verdict, '');
  lines.push('| Metric | Measured | Score | Points |', '| --- | --- | ---: | ---: |');
  for (const b of report.score.breakdown) {
    if (b.metric === 'responseRate' && b.score === null) continue;
    const score = b.score === null ? '–' : String(Math.round(b.score * 100));
    lines.push(`| ${LABELS[b.metric]} | ${md(value(report, b.metric))} | ${score} | ${b.points.toFixed(1)} |`);
  }
  const gap = report.score.verdict === 'NO_ACTIVITY' ? null : responseRateGap(report);
  if (gap !== null) lines.push('', `_${md(gap)}_`);
  const c = report.counts;
  lines.push(
    '',
    `Items: ${c.original} original, ${c.replyToOther} replies to others, ${c.replyToSelf} self-thread replies, ${c.quoteToOther + c.quoteToSelf} quotes, ${c.repostToOther + c.repostToSelf} reposts.`,
  );
  if (report.score.verdict !== 'NO_ACTIVITY') lines.push(...listeningLines(report), ...coverageLines(report));
  if (report.recommendations.length > 0) {
    lines.push('', '### Recommendations', '');
    report.recommendations.slice(0, 5).forEach((r, i) => {
      lines.push(`${i + 1}. **${md(r.title)}** (+${r.gain.toFixed(1)} points): ${md(r.detail)}`);
      for (const e of r.evidence) lines.push(evidenceLine(e));
    });
  }
  if (report.warnings.length > 0) {
    lines.push('', '### Warnings', '');
    for (const w of report.warnings) lines.push(`- ${md(w.message)}`);
  }
  lines.push('', `<sub>social-audit ${md(report.tool.version)}, report schema ${report.schemaVersion}</sub>`, '');
  return lines.join('\n');
}
