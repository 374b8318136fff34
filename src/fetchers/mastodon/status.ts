import { z } from 'zod';
import { InputError } from '../../errors.js';
import type { AccountInfo, AuthorRef, Post, PostRef, Visibility } from '../../model/post.js';
import { mastodonIdMs, mastodonStatusId } from '../../ids.js';
import { isPlausibleMs, toInstant } from '../instant.js';
import { newReadStats, recordSkip, type InputSource } from '../types.js';
import { contentLinks, firstHttpLink, htmlToText } from './html.js';

/**
 * Mastodon REST API `Status` entities: what `GET /api/v1/accounts/:id/statuses` returns (an array
 * per page, newest first), saved to a file or received live. Only the fields the audit reads are
 * declared; unknown keys are ignored, so newer servers keep working.
 * @see https://docs.joinmastodon.org/entities/Status/
 * @see https://docs.joinmastodon.org/methods/accounts/#statuses
 */

const InstantString = z.string().refine((s) => toInstant(s) !== null, 'not an ISO 8601 instant');

/** @see https://docs.joinmastodon.org/entities/Account/ */
export const MastodonAccountSchema = z.object({
  id: z.string().min(1),
  username: z.string(),
  /** `user` for a local account, `user@domain` for a remote one. */
  acct: z.string().min(1),
  display_name: z.string().nullish(),
  url: z.string().nullish(),
  /** ActivityPub actor IRI (4.2+). */
  uri: z.string().nullish(),
  fields: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
});
export type MastodonAccount = z.infer<typeof MastodonAccountSchema>;

/** @see https://docs.joinmastodon.org/entities/Status/#Mention */
const MentionSchema = z.object({ id: z.string(), acct: z.string(), url: z.string().nullish() });
/** @see https://docs.joinmastodon.org/entities/Status/#Tag */
const TagSchema = z.object({ name: z.string(), url: z.string().nullish() });
/** @see https://docs.joinmastodon.org/entities/PreviewCard/ */
const CardSchema = z.object({ url: z.string() });

const statusFields = {
  id: z.string().min(1),
  created_at: InstantString,
  in_reply_to_id: z.string().nullish(),
  replies_count: z.number().int().min(0).nullish(),
  in_reply_to_account_id: z.string().nullish(),
  /** `public`, `unlisted`, `private`, `direct`; forks add others (see `visibilityOf`). */
  visibility: z.string(),
  uri: z.string().nullish(),
  url: z.string().nullish(),
  /** Always a string from Mastodon; a missing or null one (a hand-made or foreign file) is no text. */
  content: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  account: MastodonAccountSchema,
  mentions: z.array(MentionSchema).nullish(),
  tags: z.array(TagSchema).nullish(),
  /** A malformed preview card loses the card, not the status. */
  card: CardSchema.nullish().catch(null),
};

/** A status nested in a reblog or a quote: the same entity, read one level deep only. */
const NestedStatusSchema = z.object(statusFields);
type NestedStatus = z.infer<typeof NestedStatusSchema>;

/**
 * Quote (4.4+): `{state, quoted_status}`, or a `ShallowQuote` `{state, quoted_status_id}` when
 * nested. `quoted_status` is null when the quote is pending, rejected, revoked or deleted.
 * @see https://docs.joinmastodon.org/entities/Quote/
 */
const QuoteSchema = z.object({
  state: z.string().nullish(),
  quoted_status: NestedStatusSchema.nullish(),
  quoted_status_id: z.string().nullish(),
});

/** The Status entity as far as the audit reads it. */
export const MastodonStatusSchema = z
  .object({
    ...statusFields,
    reblog: NestedStatusSchema.nullish(),
    quote: QuoteSchema.nullish(),
  })
  .refine((s) => statusMs(s) !== null, {
    message: 'created_at is before Mastodon existed (2016) or after 2099, and the id carries no time',
    path: ['created_at'],
  });
export type MastodonStatus = z.infer<typeof MastodonStatusSchema>;

/**
 * Mastodon's four visibilities. Forks add more (glitch-soc/Hometown `local`, "local only"; the
 * internal `limited`): those are not shown to the public fediverse, so they are read as `private`
 * and left out unless `--include-private` is given.
 * @see https://docs.joinmastodon.org/entities/Status/#visibility
 */
function visibilityOf(value: string): Visibility {
  return value === 'public' || value === 'unlisted' || value === 'private' || value === 'direct' ? value : 'private';
}

function authorOf(account: MastodonAccount): AuthorRef {
  return { id: account.id, handle: account.acct };
}

/**
 * When a status was posted: its `created_at` when that is a plausible time (`isPlausibleMs`), else
 * the time its snowflake id carries (Mastodon makes ids from the creation time); null when neither.
 */
function statusMs(status: Pick<NestedStatus, 'id' | 'created_at'>): number | null {
  const iso = toInstant(status.created_at);
  const ms = iso === null ? Number.NaN : Date.parse(iso);
  if (isPlausibleMs('mastodon', ms)) return ms;
  const statusId = mastodonStatusId(status.id);
  return statusId === null ? null : mastodonIdMs(statusId);
}

function statusTime(status: Pick<NestedStatus, 'id' | 'created_at'>): string | null {
  const ms = statusMs(status);
  return ms === null ? null : new Date(ms).toISOString();
}

function refTo(status: NestedStatus): PostRef {
  return {
    id: status.id,
    url: status.url ?? status.uri ?? null,
    author: authorOf(status.account),
    createdAt: statusTime(status),
  };
}

/**
 * Whose post a reply answers. `in_reply_to_account_id` gives the id; the handle comes from the
 * status's `mentions[]` (Mastodon adds the parent's author to them) or, for a self-reply, from the
 * status's own account.
 * Caveat: for a self-reply that continues a chain under someone else's post, Mastodon may give the
 * chain's original author here (https://docs.joinmastodon.org/entities/Status/#in_reply_to_account_id).
 */
function replyTargetAuthor(status: MastodonStatus): AuthorRef {
  const id = status.in_reply_to_account_id ?? null;
  if (id === null) return { id: null, handle: null };
  if (id === status.account.id) return authorOf(status.account);
  const mention = status.mentions?.find((m) => m.id === id);
  return { id, handle: mention?.acct ?? null };
}

function quoteOf(status: MastodonStatus): PostRef | null {
  const quote = status.quote;
  if (!quote) return null;
  if (quote.quoted_status) return refTo(quote.quoted_status);
  // A quote whose target is pending, rejected or gone is still a post that quotes: its target is unknown.
  return { id: quote.quoted_status_id ?? null, url: null, author: { id: null, handle: null }, createdAt: null };
}

/**
 * One Status → Post (pure; the live fetcher reuses it). Rules: metrics.md §2.2, platforms.md §3.3.
 * A reblog wrapper becomes a repost dated at the boost, with no text of its own; the boosted
 * status is `repostOf` (its own time and author kept). Links are the content's anchors (minus
 * mentions and hashtags) and the preview card's URL.
 */
export function normalizeMastodonStatus(status: MastodonStatus): Post {
  const base = {
    id: status.id,
    platform: 'mastodon' as const,
    url: status.url ?? status.uri ?? null,
    author: authorOf(status.account),
    // Validated by the schema (a plausible time, or an id that carries one); canonical spelling.
    createdAt: statusTime(status) ?? toInstant(status.created_at) ?? status.created_at,
    visibility: visibilityOf(status.visibility),
  };
  if (status.reblog) {
    return {
      ...base,
      text: '',
      replyTo: null,
      quoteOf: null,
      repostOf: refTo(status.reblog),
      links: [],
      mentions: [],
      hashtags: [],
    };
  }
  const exclude = new Set<string>();
  for (const m of status.mentions ?? []) if (m.url) exclude.add(m.url);
  for (const t of status.tags ?? []) if (t.url) exclude.add(t.url);
  const links = contentLinks(status.content, exclude);
  if (status.card && !links.includes(status.card.url)) links.push(status.card.url);
  return {
    ...base,
    ...(typeof status.replies_count === 'number' ? { replyCount: status.replies_count } : {}),
    text: htmlToText(status.content),
    replyTo: status.in_reply_to_id
      ? { id: status.in_reply_to_id, url: null, author: replyTargetAuthor(status), createdAt: null }
      : null,
    quoteOf: quoteOf(status),
    repostOf: null,
    links,
    mentions: (status.mentions ?? []).map((m) => ({ id: m.id, handle: m.acct })),
    hashtags: (status.tags ?? []).map((t) => t.name),
  };
}

/** The account a Status's `account` describes; the website is the first profile field with a web link. */
export function accountFromMastodonAccount(account: MastodonAccount): AccountInfo {
  let website: string | null = null;
  for (const field of account.fields ?? []) {
    website = firstHttpLink(field.value);
    if (website) break;
  }
  return {
    platform: 'mastodon',
    id: account.id,
    handle: account.acct,
    displayName: account.display_name ? account.display_name : null,
    website,
    url: account.url ?? account.uri ?? null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A cheap shape test: the keys that make a Status a Status (and not an X or Bluesky object). */
function looksLikeStatus(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.created_at === 'string' &&
    'reblog' in value &&
    typeof value.visibility === 'string' &&
    isRecord(value.account) &&
    typeof value.account.acct === 'string'
  );
}

/** The statuses a document holds: one status, an array of them, or an array of such arrays (pages). */
function statusesIn(doc: unknown): unknown[] | null {
  if (Array.isArray(doc)) return doc.every((d) => Array.isArray(d)) ? (doc as unknown[][]).flat() : doc;
  return isRecord(doc) ? [doc] : null;
}

/**
 * True for a parsed document holding Mastodon statuses: a status, an array of statuses or an array
 * of pages. Judged on the first status found; an empty array is not enough to tell.
 */
export function looksLikeMastodonStatuses(doc: unknown): boolean {
  const statuses = statusesIn(doc);
  return statuses !== null && statuses.length > 0 && looksLikeStatus(statuses[0]);
}

/**
 * Reads saved Mastodon statuses. `docs` are the parsed documents of one file: a single JSON value,
 * or one value per line (JSON Lines); each holds a status, an array of statuses or an array of
 * pages. The account is the first status's `account` (the wrapper's, never a boosted author's).
 * Throws `InputError` naming `path` for a document that holds no statuses; a status that fails
 * the schema is skipped and counted.
 */
export function readMastodonStatuses(docs: readonly unknown[], path: string): InputSource {
  const statuses: unknown[] = [];
  for (const [index, doc] of docs.entries()) {
    const found = statusesIn(doc);
    if (found === null) {
      const where = docs.length > 1 ? `line ${index + 1}` : 'the file';
      throw new InputError(path, `${where} is not a Mastodon status or an array of statuses`);
    }
    statuses.push(...found);
  }
  let account: AccountInfo | null = null;
  for (const raw of statuses) {
    const parsed = MastodonAccountSchema.safeParse(isRecord(raw) ? raw.account : undefined);
    if (parsed.success) {
      account = accountFromMastodonAccount(parsed.data);
      break;
    }
  }
  const stats = newReadStats();
  async function* posts(): AsyncGenerator<Post> {
    for (const [index, raw] of statuses.entries()) {
      const parsed = MastodonStatusSchema.safeParse(raw);
      if (parsed.success) {
        yield normalizeMastodonStatus(parsed.data);
        continue;
      }
      const issue = parsed.error.issues[0];
      const id = isRecord(raw) && typeof raw.id === 'string' ? ` ${raw.id}` : '';
      recordSkip(stats, `status ${index}${id}: ${issue ? `${issue.path.join('.') || 'status'}: ${issue.message}` : 'invalid'}`);
    }
  }
  return { format: 'mastodon-api', sourceKind: 'file', account, posts: posts(), stats, warnings: [] };
}
