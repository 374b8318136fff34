import { formatDuration, formatInstant, formatPercent } from '../format.js';
import type { Evidence, Report } from '../schema/report.js';
import type { MetricId } from '../scoring/model.js';
import { escapeMarkdown } from './sanitize.js';

const LABELS: Record<MetricId, string> = {
  replyRatio: 'Reply ratio',
  responseLatency: 'Response latency',
  mix: 'Conversation mix',
  selfPromotion: 'Self-promotion',
};

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
    case 'responseLatency':
      return m.responseLatency.medianSeconds === null || m.responseLatency.p90Seconds === null
        ? 'no replies to measure'
        : `median ${formatDuration(m.responseLatency.medianSeconds)}, p90 ${formatDuration(m.responseLatency.p90Seconds)} (n = ${m.responseLatency.n})`;
    case 'mix':
      return m.mix.conversationShare === null
        ? 'no items'
        : `conversation ${formatPercent(m.mix.conversationShare)}, amplification ${formatPercent(m.mix.amplificationShare ?? 0)}, broadcast ${formatPercent(m.mix.broadcastShare ?? 0)}`;
    case 'selfPromotion':
      return m.selfPromotion.share === null
        ? 'no items'
        : `${formatPercent(m.selfPromotion.share)} (${m.selfPromotion.count} posts)`;
  }
}

function evidenceLine(e: Evidence): string {
  const url = safeUrl(e.url);
  const label = url === null ? `post ${md(e.id)}` : `[post ${md(e.id)}](${url})`;
  const text = e.text === null || e.text === '' ? '' : `: “${md(e.text.length > 140 ? `${[...e.text].slice(0, 139).join('')}…` : e.text)}”`;
  return `  - ${label} (${md(e.note)})${text}`;
}

/**
 * The report as GitHub-flavoured Markdown for a CI job summary or a pull-request comment: score
 * and verdict, the metric table, the top recommendations with links to the evidence. Every piece
 * of text from the data is escaped so it cannot break the table or inject HTML.
 */
export function renderMarkdown(report: Report): string {
  const lines: string[] = [];
  const who = `${handleText(report.account.handle)} on ${PLATFORM[report.account.platform]}`;
  lines.push(`## social-audit: ${who}`, '');
  const window = `${formatInstant(report.window.since)} → ${formatInstant(report.window.until)} (${md(report.window.timeZone)})`;
  lines.push(`Window: ${window}, ${report.counts.items} items.`);
  if (!report.source.complete) lines.push('', '**Partial data:** the source could not be read completely; see the warnings.');
  lines.push('');
  const verdict =
    report.score.verdict === 'NO_ACTIVITY'
      ? '**No activity** in this window: no score.'
      : `**${report.score.value}/100: ${report.score.verdict === 'BEING' ? 'BEING social' : 'DOING social'}** (threshold ${report.scoring.threshold})`;
  lines.push(verdict, '');
  lines.push('| Metric | Measured | Score | Points |', '| --- | --- | ---: | ---: |');
  for (const b of report.score.breakdown) {
    const score = b.score === null ? '–' : String(Math.round(b.score * 100));
    lines.push(`| ${LABELS[b.metric]} | ${md(value(report, b.metric))} | ${score} | ${b.points.toFixed(1)} |`);
  }
  const c = report.counts;
  lines.push(
    '',
    `Items: ${c.original} original, ${c.replyToOther} replies to others, ${c.replyToSelf} self-thread replies, ${c.quoteToOther + c.quoteToSelf} quotes, ${c.repostToOther + c.repostToSelf} reposts.`,
  );
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
