import type { AccountArg } from '../account.js';
import type { Platform } from '../model/post.js';
import { fetchBluesky } from './bluesky/api.js';
import { fetchBlueskyReplies } from './bluesky/threads.js';
import type { FetchContext, InboundFetcher, LiveFetcher } from './live-types.js';
import { fetchMastodonInbound } from './mastodon/inbound.js';
import { fetchXMentions } from './x/mentions.js';
import { fetchMastodon } from './mastodon/api.js';
import type { InputSource } from './types.js';
import { fetchX } from './x/api.js';

/** One live fetcher per platform (issue: "Fetch live from the X API v2, Mastodon and Bluesky"). */
export const LIVE_FETCHERS = {
  x: fetchX,
  mastodon: fetchMastodon,
  bluesky: fetchBluesky,
} satisfies Record<Platform, LiveFetcher>;

/** One inbound source per platform (metrics.md §9): what people wrote to the account. */
export const INBOUND_FETCHERS = {
  x: fetchXMentions,
  mastodon: fetchMastodonInbound,
  bluesky: fetchBlueskyReplies,
} satisfies Record<Platform, InboundFetcher>;

/** Resolves the account on its platform and returns its posts as a lazily paged source. */
export function openLive(account: AccountArg, ctx: FetchContext): Promise<InputSource> {
  return LIVE_FETCHERS[account.platform](account, ctx);
}
