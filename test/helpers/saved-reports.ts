import { readFileSync } from 'node:fs';
import { ReportSchema, type Report } from '../../src/schema/report.js';
import { DEFAULT_SCORING_MODEL } from '../../src/scoring/model.js';

/**
 * Reports as saved by `--json --output`, for --compare, trend and assertions: built from the
 * committed golden report `examples/sample-report.json` (CascadiaRoads, October 2026 in
 * Vancouver time: score 59 DOING, reply ratio 27/127, latency median 14784.919 s).
 */

export const GOLDEN_PATH = new URL('../../examples/sample-report.json', import.meta.url);

/** The golden report's JSON as it is on disk (a fresh copy each call). */
export function goldenJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as Record<string, unknown>;
}

const zeroWeek = (): number[][] => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => value as Json;

/**
 * The golden report as a valid `Report` of the current schema. The listening fields (metrics.md
 * §9-10) may be newer than the committed golden file: those missing are built here as an
 * outbound-only audit has them (nulls, zero grids), spelled out rather than taken from the code
 * under test. Validated with ReportSchema.
 */
export function goldenReport(): Report {
  const raw = goldenJson();
  const metrics = obj(raw.metrics);
  const latency = obj(metrics.responseLatency);
  latency.medianBusinessSeconds ??= null;
  latency.p90BusinessSeconds ??= null;
  if (!('responseRate' in metrics)) metrics.responseRate = null;
  metrics.coverage ??= {
    timeZone: obj(raw.window).timeZone,
    repliesByHour: zeroWeek(),
    inboundByHour: null,
    outOfHoursInboundShare: null,
  };
  metrics.cannedReplies ??= { share: null, canned: 0, replies: 0, templates: [] };
  metrics.peopleEngaged ??= { distinct: 0, followThroughShare: null };
  if (!('inbound' in raw)) raw.inbound = null;
  const scoring = obj(raw.scoring);
  obj(scoring.curves).responseRate ??= structuredClone(DEFAULT_SCORING_MODEL.curves.responseRate);
  obj(scoring.weights).responseRate ??= DEFAULT_SCORING_MODEL.weights.responseRate;
  return ReportSchema.parse(raw);
}

/** The followed values of a report, for building a series by hand. */
export interface Values {
  score: number | null;
  verdict?: Report['score']['verdict'];
  replyRatio: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
  conversationShare: number | null;
  selfPromotionShare: number | null;
  /** A response rate (inbound+outbound mode); omitted or undefined: outbound-only. */
  responseRate?: number | null;
}

/** A response-rate slice with `value`, its counts consistent when value is a multiple of 1/20. */
function responseRate(value: number | null): NonNullable<Report['metrics']['responseRate']> {
  const inbound = 20;
  const answered = value === null ? 0 : Math.round(value * inbound);
  return {
    value,
    inbound,
    answered,
    pending: value === null ? inbound : 0,
    questions: 0,
    questionsAnswered: 0,
    medianFirstResponseSeconds: null,
    p90FirstResponseSeconds: null,
    medianFirstResponseBusinessSeconds: null,
    p90FirstResponseBusinessSeconds: null,
    giveUpAfterSeconds: 604_800,
    unanswered: [],
    score: null,
  };
}

/**
 * The golden report moved to `window` (generated a day after it ends) with these values.
 * The verdict follows the score and the threshold of 60 unless given. Validated with ReportSchema.
 */
export function savedReport(window: { since: string; until: string; timeZone?: string }, values: Values): Report {
  const r = goldenReport();
  r.window = { since: window.since, until: window.until, timeZone: window.timeZone ?? 'America/Vancouver' };
  r.generatedAt = new Date(Date.parse(window.until) + 86_400_000).toISOString();
  r.score.value = values.score;
  r.score.verdict = values.verdict ?? (values.score === null ? 'NO_ACTIVITY' : values.score >= 60 ? 'BEING' : 'DOING');
  r.metrics.replyRatio.value = values.replyRatio;
  r.metrics.responseLatency.medianSeconds = values.medianSeconds;
  r.metrics.responseLatency.p90Seconds = values.p90Seconds;
  r.metrics.mix.conversationShare = values.conversationShare;
  r.metrics.selfPromotion.share = values.selfPromotionShare;
  if (values.responseRate !== undefined) {
    r.mode = 'inbound+outbound';
    r.metrics.responseRate = responseRate(values.responseRate);
  }
  return ReportSchema.parse(r);
}

/** Calendar months of 2026 in America/Vancouver (PDT, UTC-7, until 1 November 02:00). */
export const MONTHS_2026 = {
  aug: { since: '2026-08-01T07:00:00.000Z', until: '2026-09-01T07:00:00.000Z' },
  sep: { since: '2026-09-01T07:00:00.000Z', until: '2026-10-01T07:00:00.000Z' },
  oct: { since: '2026-10-01T07:00:00.000Z', until: '2026-11-01T07:00:00.000Z' },
} as const;
