import { z } from 'zod';
import { PlatformSchema } from '../model/post.js';
import { ComparisonSchema } from '../report/compare.js';
import { METRIC_IDS, ScoringModelSchema } from '../scoring/model.js';

/**
 * The JSON report: the contract CI jobs read (metrics.md §6). This zod schema is the single
 * source of the report's TypeScript type and of the published `schema/report.schema.json`.
 * Renaming or removing a path is a breaking change that bumps SCHEMA_VERSION's major.
 */
export const SCHEMA_VERSION = '1.0.0';

const Share = z.number().min(0).max(1);
const Score01 = z.number().min(0).max(1);
const Count = z.number().int().min(0);
const Instant = z.iso.datetime({ offset: true }).describe('ISO 8601 instant');

/** One cited post: enough for a reader to find it. */
export const EvidenceSchema = z.object({
  id: z.string(),
  url: z.string().nullable(),
  createdAt: Instant.nullable(),
  /** The post's own text, untrusted: reporters must sanitise it before printing. */
  text: z.string().nullable(),
  /** Why this post is cited ("answered after 26 h", "signals: own link, promotional wording"). */
  note: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

const MetricIdSchema = z.enum(METRIC_IDS);

/** 7 × 24 counts: Monday first, hours 0-23 on the configured clock. */
const HourOfWeek = z.array(z.array(Count).length(24)).length(7);

export const SelfPromotionSignalSchema = z.enum([
  'repostOfOwnOrAffiliate',
  'promotionalWording',
  'ownDomainLink',
  'ownHashtag',
  'affiliateMention',
]);
export type SelfPromotionSignal = z.infer<typeof SelfPromotionSignalSchema>;

export const ReportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('social-audit'), version: z.string() }),
  generatedAt: Instant,
  /** `outbound-only` until inbound data (mentions, replies to the account) is read. */
  mode: z.enum(['outbound-only', 'inbound+outbound']),
  account: z.object({
    platform: PlatformSchema,
    handle: z.string().nullable(),
    id: z.string().nullable(),
    displayName: z.string().nullable(),
    website: z.string().nullable(),
  }),
  source: z.object({
    kind: z.enum(['api', 'archive', 'file']),
    /** The detected input format (`x-archive`, `x-v1`, `x-v2`, `mastodon-archive`, `bluesky-feed`, `normalized`, or the API). */
    format: z.string(),
    /** The input path as given, for offline sources. */
    path: z.string().nullable(),
    /** False when fetching stopped early or part of the input could not be read. */
    complete: z.boolean(),
    /** Items of the audited account read from the source (before the window). */
    itemsRead: Count,
    /** Items that could not be understood and were skipped. */
    itemsSkipped: Count,
    /** Items by other authors left out (mixed inputs). */
    otherAuthors: Count,
    /** Duplicate items (same id) counted once. */
    duplicates: Count,
    /** HTTP requests made to the platform (0 for an offline input). */
    requests: Count,
    /** When the posts were fetched (a live fetch, or a saved one that says), else null. */
    fetchedAt: Instant.nullable(),
    /**
     * What the fetch cache did (docs/cache.md); null offline and with `--no-cache`. No file paths.
     */
    cache: z
      .object({
        /** `miss` no cache file; `hit` cached posts were used; `corrupt` a damaged file was removed and everything fetched again; `other-account` the handle now names another account, so everything was fetched again. */
        status: z.enum(['miss', 'hit', 'corrupt', 'other-account']),
        /** Timeline requests the cache saved: an estimate that errs low. */
        requestsSaved: Count,
        /** Posts of the fetched window served from the cache rather than fetched this run. */
        postsFromCache: Count,
      })
      .nullable(),
  }),
  window: z.object({
    since: Instant,
    until: Instant,
    timeZone: z.string(),
  }),
  counts: z.object({
    items: Count,
    original: Count,
    replyToOther: Count,
    replyToSelf: Count,
    quoteToOther: Count,
    quoteToSelf: Count,
    repostToOther: Count,
    repostToSelf: Count,
    replyTargetUnknown: Count,
    excludedNonPublic: Count,
  }),
  metrics: z.object({
    replyRatio: z.object({
      value: Share.nullable(),
      /** reply.toOther */
      numerator: Count,
      /** items with words of their own (N - reposts) */
      denominator: Count,
      score: Score01.nullable(),
    }),
    responseLatency: z.object({
      n: Count,
      medianSeconds: z.number().min(0).nullable(),
      p90Seconds: z.number().min(0).nullable(),
      withinOneHourShare: Share.nullable(),
      withinOneDayShare: Share.nullable(),
      unknownTargetTime: Count,
      noTargetPost: Count,
      dropped: Count,
      /** The same latencies counted on the business clock (only seconds inside business hours); null without `businessHours`. */
      medianBusinessSeconds: z.number().min(0).nullable(),
      p90BusinessSeconds: z.number().min(0).nullable(),
      /** The slowest first replies, slowest first (up to 5). */
      slowest: z.array(EvidenceSchema.extend({ latencySeconds: z.number().min(0) })),
      score: Score01.nullable(),
    }),
    mix: z.object({
      conversation: Count,
      amplification: Count,
      broadcast: Count,
      conversationShare: Share.nullable(),
      amplificationShare: Share.nullable(),
      broadcastShare: Share.nullable(),
      /** The longest run of consecutive broadcast items with no conversation between them. */
      longestBroadcastRun: z.object({ length: Count, from: Instant.nullable(), to: Instant.nullable() }),
      score: Score01.nullable(),
    }),
    selfPromotion: z.object({
      share: Share.nullable(),
      count: Count,
      /** Every self-promotional item with the signals that matched (newest first). */
      items: z.array(
        EvidenceSchema.extend({ points: Count, signals: z.array(SelfPromotionSignalSchema) }),
      ),
      score: Score01.nullable(),
    }),
    /** metrics.md §9: null in `outbound-only` mode (no inbound messages were read). */
    responseRate: z
      .object({
        /** answered / (inbound - pending); null when every message is still pending or none came. */
        value: Share.nullable(),
        inbound: Count,
        answered: Count,
        pending: Count,
        questions: Count,
        questionsAnswered: Count,
        medianFirstResponseSeconds: z.number().min(0).nullable(),
        p90FirstResponseSeconds: z.number().min(0).nullable(),
        medianFirstResponseBusinessSeconds: z.number().min(0).nullable(),
        p90FirstResponseBusinessSeconds: z.number().min(0).nullable(),
        /** The give-up window used (default 7 days). */
        giveUpAfterSeconds: z.number().positive(),
        /** The newest unanswered messages (up to 10), newest first, with links. */
        unanswered: z.array(EvidenceSchema.extend({ author: z.string().nullable(), question: z.boolean() })),
        score: Score01.nullable(),
      })
      .nullable(),
    /** metrics.md §10: when people write and when the account answers. */
    coverage: z.object({
      /** The clock the counts use: `businessHours.timeZone`, else the window's. */
      timeZone: z.string(),
      repliesByHour: HourOfWeek,
      /** Null in `outbound-only` mode. */
      inboundByHour: HourOfWeek.nullable(),
      /** Share of inbound messages that arrived outside business hours; null without `businessHours` or inbound data. */
      outOfHoursInboundShare: Share.nullable(),
    }),
    /** metrics.md §10: replies that are near-duplicates of another reply in the window. */
    cannedReplies: z.object({
      share: Share.nullable(),
      canned: Count,
      replies: Count,
      /** The most repeated templates, most used first (up to 5). */
      templates: z.array(z.object({ text: z.string(), count: Count, evidence: z.array(EvidenceSchema) })),
    }),
    /** metrics.md §10: the people the account answered. */
    peopleEngaged: z.object({
      distinct: Count,
      followThroughShare: Share.nullable(),
    }),
  }),
  /** Where inbound messages came from (metrics.md §9); null in `outbound-only` mode. */
  inbound: z
    .object({
      sources: z.array(
        z.object({ kind: z.enum(['api', 'archive', 'file']), format: z.string(), path: z.string().nullable() }),
      ),
      /** Posts by others read from the inbound sources. */
      itemsRead: Count,
      /** False when an inbound source stopped early or holds less than the window (X serves the newest 800 mentions). */
      complete: z.boolean(),
      /** HTTP requests made for inbound data (also counted in `source.requests`). */
      requests: Count,
    })
    .nullable(),
  score: z.object({
    /** 0-100, or null when the window holds no items. */
    value: z.number().int().min(0).max(100).nullable(),
    verdict: z.enum(['BEING', 'DOING', 'NO_ACTIVITY']),
    /** Each metric's share of the score: weight, metric score and the points it earned (0-100 scale). */
    breakdown: z.array(
      z.object({
        metric: MetricIdSchema,
        weight: z.number().min(0),
        score: Score01.nullable(),
        points: z.number().min(0),
      }),
    ),
  }),
  scoring: ScoringModelSchema,
  recommendations: z.array(
    z.object({
      id: z.string(),
      metric: MetricIdSchema,
      title: z.string(),
      detail: z.string(),
      /** Score points (0-100 scale) the metric would recover at a perfect score: weight·(1-score)/Σweights·100. */
      gain: z.number().min(0),
      evidence: z.array(EvidenceSchema),
    }),
  ),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  /** Changes since an earlier report of the same account (`--compare`); absent without it. */
  comparison: ComparisonSchema.nullable().optional(),
});
export type Report = z.infer<typeof ReportSchema>;

/** An account of a many-account run that could not be audited: as named, and why. */
export const FailedAccountSchema = z.object({
  /** The account as named on the command line or in the config's `accounts`. */
  account: z.string(),
  error: z.object({
    /** The one-line message the single-account run would have printed. */
    message: z.string(),
    /** The exit code the single-account run would have ended with (metrics.md §7). */
    exitCode: z.number().int(),
  }),
});
export type FailedAccount = z.infer<typeof FailedAccountSchema>;

/**
 * The JSON of a run over several accounts (`social-audit @A @B`, or the config's `accounts`): one
 * entry per account in the order named, a full report or the account's failure.
 */
export const MultiReportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('social-audit'), version: z.string() }),
  generatedAt: Instant,
  reports: z.array(z.union([ReportSchema, FailedAccountSchema])),
});
export type MultiReport = z.infer<typeof MultiReportSchema>;
