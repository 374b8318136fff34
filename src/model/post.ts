import { z } from 'zod';

/**
 * The one normalized post type every reader and fetcher yields.
 *
 * A `Post` is an item the audited account published (or, in a mixed input, an item some author
 * published: `collect()` keeps the audited author's). Kinds (repost / reply / quote / original)
 * are NOT stored: they are decided in one place, `src/metrics/kinds.ts`, from the references
 * below, following metrics.md §2.
 */
export const PlatformSchema = z.enum(['x', 'mastodon', 'bluesky']);
export type Platform = z.infer<typeof PlatformSchema>;

/** ISO 8601 instant with an explicit offset (`Z` or `+hh:mm`). */
export const InstantSchema = z.iso.datetime({ offset: true });

/** Who wrote a post. Either field may be unknown (null); handles compare case-insensitively. */
export const AuthorRefSchema = z.object({
  /** Platform id: X numeric user id, Mastodon account id or actor URL, Bluesky DID. */
  id: z.string().min(1).nullable(),
  /** Handle without a leading `@` (X `RoadInfoBC`, Mastodon `user@server` or `user`, Bluesky `name.bsky.social`). */
  handle: z.string().min(1).nullable(),
});
export type AuthorRef = z.infer<typeof AuthorRefSchema>;

/**
 * A post this item points at: the reply target, the quoted post or the reposted post.
 * The reference's presence decides the kind; any of its fields may be null when the payload does
 * not say (a quoted post that was deleted, a retweet in an archive that names only the author).
 * `id` is the platform's id when known (X status id, Mastodon status id, Bluesky `at://` URI);
 * for a Mastodon archive it is the target's URI. `createdAt` is filled only when the payload
 * carries the target's time; otherwise `src/ids.ts` may derive it from `id`.
 */
export const PostRefSchema = z.object({
  id: z.string().min(1).nullable(),
  url: z.string().nullable(),
  author: AuthorRefSchema,
  createdAt: InstantSchema.nullable(),
});
export type PostRef = z.infer<typeof PostRefSchema>;

export const VisibilitySchema = z.enum(['public', 'unlisted', 'private', 'direct']);
export type Visibility = z.infer<typeof VisibilitySchema>;

export const PostSchema = z.object({
  /** Platform id (X/Mastodon: numeric string, may exceed 2^53; Bluesky: `at://` URI of the post or repost record). */
  id: z.string().min(1),
  platform: PlatformSchema,
  /** Public web link to the item, when one can be built. */
  url: z.string().nullable(),
  author: AuthorRefSchema,
  /** When the item was published; for a repost, when the repost happened (metrics.md §1). */
  createdAt: InstantSchema,
  /** The item's own words (HTML stripped; empty for a repost, which has none). */
  text: z.string(),
  visibility: VisibilitySchema,
  /**
   * Reply target. `replyTo` set with `replyTo.id === null` means the post was addressed to a user
   * without replying to a post (X `in_reply_to_user_id` with no status id).
   */
  replyTo: PostRefSchema.nullable(),
  /** Embedded (quoted) post, when the item adds its own text to another post. */
  quoteOf: PostRefSchema.nullable(),
  /** Re-published post, when the item is a repost / retweet / boost. */
  repostOf: PostRefSchema.nullable(),
  /** Expanded link targets (never the shortener), in order of appearance. */
  links: z.array(z.string()),
  /** Accounts mentioned in the own text. */
  mentions: z.array(AuthorRefSchema),
  /** Hashtags without `#`, as written. */
  hashtags: z.array(z.string()),
  /** The item was served as a pinned post (Bluesky `reasonPin`); still counted once, by id. */
  pinned: z.boolean().optional(),
  /**
   * The thread it belongs to, when the platform says: X `conversation_id`, Bluesky the root's
   * `at://` URI (a root post's own), a Mastodon archive's `conversation`. Absent otherwise; reply
   * chains among known posts then link conversations (metrics.md §9 "same conversation").
   */
  conversationId: z.string().min(1).nullable().optional(),
  /**
   * Replies the platform counted under this post when it was fetched (Mastodon `replies_count`,
   * Bluesky `replyCount`, X `public_metrics.reply_count`); absent when unknown. Lets inbound
   * fetching skip posts nobody answered.
   */
  replyCount: z.number().int().min(0).nullable().optional(),
});
export type Post = z.infer<typeof PostSchema>;

/** What a source knows about the account it holds (archive `account.js`, profile, actor). */
export const AccountInfoSchema = z.object({
  platform: PlatformSchema,
  id: z.string().nullable(),
  handle: z.string().nullable(),
  displayName: z.string().nullable(),
  /** Profile website (own domain for the self-promotion rule), if any. */
  website: z.string().nullable(),
  /** Profile / actor URL (Mastodon: `https://host/users/NAME`), if any. */
  url: z.string().nullable(),
});
export type AccountInfo = z.infer<typeof AccountInfoSchema>;
