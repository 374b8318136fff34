import type { AccountArg } from '../account.js';
import type { HttpClient } from '../http/client.js';
import type { InputSource } from './types.js';

/** What a live fetcher needs: the HTTP client, where to ask, what window, which tokens. */
export interface FetchContext {
  http: HttpClient;
  /** `--api-url`: replaces the platform's base URL (no trailing slash). */
  apiUrl: string | null;
  /** The audit window (epoch ms): fetch newest first and stop once past `sinceMs`. */
  window: { sinceMs: number; untilMs: number };
  /** Tokens from the environment (X_BEARER_TOKEN, MASTODON_TOKEN). Never printed. */
  tokens: { x?: string | undefined; mastodon?: string | undefined };
  signal?: AbortSignal;
  /** A progress line for stderr (shown only when stderr is a terminal). */
  progress: (message: string) => void;
}

/**
 * A live fetcher: resolves the account (an unknown account is a `UsageError`, exit 2), then
 * returns an `InputSource` with `sourceKind: 'api'` whose `posts` generator pages the timeline
 * lazily; it sets `complete = false` (and adds a warning) when fetching stops early, and reports
 * `requests()`.
 */
export type LiveFetcher = (account: AccountArg, ctx: FetchContext) => Promise<InputSource>;

/** What an inbound fetcher brings back: posts by other people addressed to the account. */
export interface InboundResult {
  /** Posts by others (mentions, replies to the account's posts), normalized; the caller selects and dedupes. */
  posts: import('../model/post.js').Post[];
  /** The API used, for the report (`x-api-v2-mentions`, `mastodon-notifications`, `mastodon-context`, `bluesky-threads`). */
  format: string;
  /** False when fetching stopped early or the source holds less than the window (X: the newest 800 mentions). */
  complete: boolean;
  warnings: string[];
}

/**
 * An inbound fetcher (metrics.md §9): given the resolved account and its own posts fetched for
 * the window (with `replyCount` where the platform gives it), fetch what people wrote to it in
 * `ctx.window`. Requests go through `ctx.http`, so they count in the report's request total.
 */
export type InboundFetcher = (
  account: import('../model/post.js').AccountInfo,
  own: readonly import('../model/post.js').Post[],
  ctx: FetchContext,
) => Promise<InboundResult>;
