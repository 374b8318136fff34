import type { BusinessHours } from '../config.js';
import type { Platform, Post } from '../model/post.js';

/** The one kind of each item (metrics.md §2), decided in `kinds.ts`. */
export type Kind = 'original' | 'reply' | 'quote' | 'repost';

/** Who "self" is, for deciding `toSelf` (handles lower-cased, without `@`). */
export interface SelfIdentity {
  platform: Platform;
  ids: ReadonlySet<string>;
  handles: ReadonlySet<string>;
  /** URL prefixes of the account's own posts (Mastodon actor `https://host/users/NAME/`, `https://host/@NAME/`). */
  urlPrefixes: readonly string[];
}

/** An audited item with what every metric needs derived once per run. */
export interface AuditItem {
  post: Post;
  /** `post.createdAt` in epoch ms. */
  ms: number;
  kind: Kind;
  /** For replies, quotes and reposts: the target was the account's own post. False for originals. */
  toSelf: boolean;
  /** A reply whose target author cannot be known at all (counted as toOther, metrics.md §2). */
  targetUnknown: boolean;
}

/** The posts under audit: the account's public items in the window, each once, oldest first. */
export interface PostSet {
  self: SelfIdentity;
  items: readonly AuditItem[];
  /**
   * Every item of the account read from the source, any time, oldest first, deduplicated
   * (for rules that look outside the window, such as "first reply" to a target).
   */
  allItems: readonly AuditItem[];
  /** Non-public items in the window left out (metrics.md §2.1). */
  excludedNonPublic: number;
}

/**
 * What the account heard (metrics.md §9), when inbound data was read. `selectInbound` in
 * `src/inbound.ts` builds it.
 */
export interface InboundSet {
  /**
   * The inbound messages: posts by other accounts (not reposts, not the account's affiliates),
   * created in the window, that mention the account or reply to one of its posts; each once,
   * oldest first.
   */
  messages: readonly { post: Post; ms: number }[];
  /** Every post by others that was read (any time), for linking conversations. */
  others: readonly Post[];
  /**
   * The end of the data: the window's `until`, or the time of the fetch when that is earlier.
   * A message whose give-up time falls after it is pending.
   */
  dataEndMs: number;
}

/** Per-account settings the metrics read (config merged with the account's entry and the profile). */
export interface MetricContext {
  window: { sinceMs: number; untilMs: number; timeZone: string };
  /** Profile website of the account, if known (own domain for self-promotion). */
  website: string | null;
  ownDomains: readonly string[];
  ownHashtags: readonly string[];
  affiliates: readonly string[];
  /** Promotional phrases (the default list unless the config replaces it). */
  phrases: readonly string[];
  /** Business hours (metrics.md §10), or null when the config has none. */
  businessHours: BusinessHours | null;
  /** metrics.md §9 `responseRate.giveUpAfter` in ms (default 7 days). */
  giveUpAfterMs: number;
  /** Inbound messages, or null in `outbound-only` mode. */
  inbound: InboundSet | null;
}
