import { z } from 'zod';
import { InputError } from '../../errors.js';
import type { AccountInfo, AuthorRef, Post, PostRef, Visibility } from '../../model/post.js';
import { mastodonIdMs } from '../../ids.js';
import { plausibleInstant, toInstant } from '../instant.js';
import { newReadStats, recordSkip, type InputSource, type InputTree } from '../types.js';
import { contentLinks, firstHttpLink, htmlToText } from './html.js';

/**
 * Reader for a Mastodon account archive ("Request your archive": a zip, older versions a tar.gz
 * that the user unpacks) and for a lone `outbox.json`.
 *
 * The outbox is an ActivityStreams `OrderedCollection` of the account's `Create` (post, reply,
 * quote) and `Announce` (boost) activities, oldest first. `actor.json` beside it describes the
 * account. Shapes: platforms.md §4; Mastodon's serializers
 * https://github.com/mastodon/mastodon/blob/main/app/services/backup_service.rb and
 * https://github.com/mastodon/mastodon/blob/main/app/serializers/activitypub/note_serializer.rb
 */

/** The audience markers ActivityPub uses for "public"; JSON-LD compaction may shorten the IRI. */
const PUBLIC_AUDIENCE = new Set(['https://www.w3.org/ns/activitystreams#Public', 'as:Public', 'Public']);

/** `to`/`cc` may be one IRI or an array (https://www.w3.org/TR/activitystreams-vocabulary/#dfn-to). */
const AudienceSchema = z.unknown().transform((value): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
});

/** A link to another object: its IRI, or the object itself embedded (some servers embed). */
const ObjectRefSchema = z.union([
  z.string().min(1),
  z.object({
    id: z.string().min(1),
    url: z.unknown().optional(),
    attributedTo: z.unknown().optional(),
    published: z.string().nullish(),
  }),
]);
type ObjectRef = z.infer<typeof ObjectRefSchema>;

const TagSchema = z.object({
  type: z.string(),
  href: z.string().nullish(),
  name: z.string().nullish(),
});

/**
 * The `Note` (or `Question`, a poll) inside a `Create`. Only the keys the audit reads; unknown
 * keys (`context`, `interactionPolicy`, `likes`, …) are ignored.
 * @see https://docs.joinmastodon.org/spec/activitypub/#Note
 */
const NoteSchema = z.object({
  id: z.string().min(1),
  type: z.enum(['Note', 'Question']),
  published: z.string().nullish(),
  url: z.unknown().optional(),
  inReplyTo: ObjectRefSchema.nullish(),
  content: z.string().nullish(),
  to: AudienceSchema,
  cc: AudienceSchema,
  tag: z.unknown().optional(),
  /** FEP-044f quote (Mastodon 4.5), Fedibird `quoteUri`, Misskey `_misskey_quote`. */
  quote: ObjectRefSchema.nullish(),
  quoteUri: z.string().nullish(),
  _misskey_quote: z.string().nullish(),
  /** OStatus conversation tag (`tag:host,YYYY-MM-DD:objectId=N:objectType=Conversation`): the thread. */
  conversation: z.string().nullish(),
});

const CreateSchema = z.object({
  type: z.literal('Create'),
  id: z.string().nullish(),
  actor: ObjectRefSchema,
  published: z.string().nullish(),
  to: AudienceSchema,
  cc: AudienceSchema,
  object: NoteSchema,
});

/** A boost: `object` is only the boosted post's IRI in Mastodon's export. */
const AnnounceSchema = z.object({
  type: z.literal('Announce'),
  id: z.string().min(1),
  actor: ObjectRefSchema,
  published: z.string(),
  to: AudienceSchema,
  cc: AudienceSchema,
  object: ObjectRefSchema,
});

/** One `orderedItems` entry the audit understands. */
export const OutboxActivitySchema = z.discriminatedUnion('type', [CreateSchema, AnnounceSchema]);
export type OutboxActivity = z.infer<typeof OutboxActivitySchema>;

/** The `outbox.json` envelope. `totalItems` is informational: it can disagree with the items (platforms.md §4). */
export const OutboxSchema = z.object({
  type: z.enum(['OrderedCollection', 'OrderedCollectionPage']),
  totalItems: z.number().optional(),
  orderedItems: z.array(z.unknown()),
});

/**
 * `actor.json`: the account as an ActivityPub `Person` (or `Service` for bots).
 * @see https://docs.joinmastodon.org/spec/activitypub/#as
 */
export const ActorSchema = z.object({
  id: z.string().min(1),
  preferredUsername: z.string().nullish(),
  name: z.string().nullish(),
  url: z.unknown().optional(),
  attachment: z.unknown().optional(),
});

/** The audited account as the normalizer needs it: its actor URL and `user@host` handle. */
interface Owner {
  id: string;
  handle: string | null;
}

function refId(ref: ObjectRef): string {
  return typeof ref === 'string' ? ref : ref.id;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** `user@host` from a Mastodon-style actor URL `https://host/users/NAME`. */
function handleFromActorUrl(url: string): string | null {
  const m = /^https?:\/\/([^/]+)\/users\/([^/?#]+)\/?$/i.exec(url);
  return m ? `${m[2]}@${m[1]!.toLowerCase()}` : null;
}

/**
 * Who wrote the post behind a status IRI. The account's own posts live under its actor URL
 * (`<actor>/statuses/ID`: platforms.md §4, metrics.md §2.2). Other Mastodon-style IRIs
 * (`https://host/users/NAME/statuses/ID`, or the web form `https://host/@NAME/ID`) name the author
 * as `NAME@host` without an account id; IRIs of other software (Misskey `/notes/…`, Pleroma
 * `/objects/…`) say nothing about the author.
 */
function authorOfStatusUri(uri: string, owner: Owner | null): AuthorRef {
  if (owner && uri.startsWith(`${owner.id}/statuses/`)) return { id: owner.id, handle: owner.handle };
  const m =
    /^https?:\/\/([^/]+)\/users\/([^/?#]+)\/statuses\/[^/?#]+/i.exec(uri) ??
    /^https?:\/\/([^/]+)\/@([^/@?#]+)\/\d+/i.exec(uri);
  if (m) return { id: null, handle: `${m[2]}@${m[1]!.toLowerCase()}` };
  return { id: null, handle: null };
}

function authorOfActor(actorUrl: string, owner: Owner | null): AuthorRef {
  if (owner && actorUrl === owner.id) return { id: owner.id, handle: owner.handle };
  return { id: actorUrl, handle: handleFromActorUrl(actorUrl) };
}

/**
 * The status id Mastodon's API would use: the numeric last path segment of
 * `https://host/users/NAME/statuses/ID` (or of a boost's `…/statuses/ID/activity`); IRIs of other
 * shapes are kept whole.
 */
function statusIdOf(uri: string): string {
  const m = /\/(\d{1,20})(?:\/activity)?\/?$/.exec(uri);
  return m?.[1] ?? uri;
}

function stringUrl(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Audience → visibility, as Mastodon addresses its activities: public has `as:Public` in `to`,
 * unlisted has it in `cc`, followers-only addresses only the followers collection (plus mentioned
 * accounts), direct only the mentioned accounts.
 * @see https://github.com/mastodon/mastodon/blob/main/app/lib/activitypub/tag_manager.rb (`to`, `cc`)
 */
export function visibilityOfAudience(to: readonly string[], cc: readonly string[]): Visibility {
  if (to.some((a) => PUBLIC_AUDIENCE.has(a))) return 'public';
  if (cc.some((a) => PUBLIC_AUDIENCE.has(a))) return 'unlisted';
  if ([...to, ...cc].some((a) => a.endsWith('/followers'))) return 'private';
  return 'direct';
}

/**
 * When an activity happened: the first of `published` values that is a plausible time
 * (`isPlausibleMs`: not before 2016, not after 2099), else the time the status id in its IRI
 * carries (Mastodon snowflake ids); null when none.
 */
function activityTime(iri: string, ...published: Array<string | null | undefined>): string | null {
  for (const value of published) {
    const iso = plausibleInstant('mastodon', toInstant(value));
    if (iso !== null) return iso;
  }
  const idMs = mastodonIdMs(statusIdOf(iri));
  return idMs === null ? null : new Date(idMs).toISOString();
}

function postRefOf(ref: ObjectRef, owner: Owner | null): PostRef {
  const uri = refId(ref);
  if (typeof ref === 'string') return { id: uri, url: uri, author: authorOfStatusUri(uri, owner), createdAt: null };
  const attributedTo = typeof ref.attributedTo === 'string' ? ref.attributedTo : null;
  return {
    id: uri,
    url: stringUrl(ref.url) ?? uri,
    author: attributedTo ? authorOfActor(attributedTo, owner) : authorOfStatusUri(uri, owner),
    createdAt: plausibleInstant('mastodon', toInstant(ref.published)),
  };
}

type Normalized = { post: Post } | { skip: string };

function normalizeCreate(activity: z.infer<typeof CreateSchema>, owner: Owner | null): Normalized {
  const note = activity.object;
  const createdAt = activityTime(note.id, note.published, activity.published);
  if (createdAt === null) return { skip: `${note.id}: no valid published time` };
  const tags = (Array.isArray(note.tag) ? note.tag : [])
    .map((t) => TagSchema.safeParse(t))
    .flatMap((r) => (r.success ? [r.data] : []));
  const mentions: AuthorRef[] = [];
  const hashtags: string[] = [];
  const tagHrefs = new Set<string>();
  for (const tag of tags) {
    if (tag.href) tagHrefs.add(tag.href);
    if (tag.type === 'Mention' && (tag.name || tag.href)) {
      mentions.push({ id: tag.href ?? null, handle: mentionHandle(tag.name ?? null, tag.href ?? null) });
    } else if (tag.type === 'Hashtag' && tag.name) {
      hashtags.push(tag.name.replace(/^#/, ''));
    }
  }
  const content = note.content ?? '';
  const quote = note.quote ?? note.quoteUri ?? note._misskey_quote ?? null;
  const audience = note.to.length + note.cc.length > 0 ? note : activity;
  return {
    post: {
      id: statusIdOf(note.id),
      platform: 'mastodon',
      url: stringUrl(note.url),
      author: authorOfActor(refId(activity.actor), owner),
      createdAt,
      text: htmlToText(content),
      visibility: visibilityOfAudience(audience.to, audience.cc),
      replyTo: note.inReplyTo ? postRefOf(note.inReplyTo, owner) : null,
      quoteOf: quote ? postRefOf(quote, owner) : null,
      repostOf: null,
      links: contentLinks(content, tagHrefs),
      mentions,
      hashtags,
      ...(note.conversation ? { conversationId: note.conversation } : {}),
    },
  };
}

/**
 * A mention's handle: the tag `name` without its leading `@`. Mastodon names local accounts
 * without a domain (`@okanagan_kat`); the domain is taken from the tag's `href` so that every
 * handle read from an archive has the same `user@host` form as the account's own.
 */
function mentionHandle(name: string | null, href: string | null): string | null {
  const bare = name?.replace(/^@/, '') ?? '';
  if (bare === '') return href ? handleFromActorUrl(href) : null;
  if (bare.includes('@')) return bare;
  const host = href ? hostOf(href) : null;
  return host ? `${bare}@${host}` : bare;
}

function normalizeAnnounce(activity: z.infer<typeof AnnounceSchema>, owner: Owner | null): Normalized {
  const createdAt = activityTime(activity.id, activity.published);
  if (createdAt === null) return { skip: `${activity.id}: no valid published time` };
  return {
    post: {
      id: statusIdOf(activity.id),
      platform: 'mastodon',
      // Mastodon's API gives a boost's `url` as its activity IRI too (platforms.md §3.3).
      url: activity.id,
      author: authorOfActor(refId(activity.actor), owner),
      createdAt,
      text: '',
      visibility: visibilityOfAudience(activity.to, activity.cc),
      replyTo: null,
      quoteOf: null,
      repostOf: postRefOf(activity.object, owner),
      links: [],
      mentions: [],
      hashtags: [],
    },
  };
}

function normalizeItem(raw: unknown, owner: Owner | null, index: number): Normalized {
  const parsed = OutboxActivitySchema.safeParse(raw);
  if (!parsed.success) {
    // Only a string is quoted: `String()` of a 100,000-deep array would overflow the stack.
    const type = typeof raw === 'object' && raw !== null && 'type' in raw && typeof raw.type === 'string' ? raw.type.slice(0, 40) : 'unknown';
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || 'item'}: ${issue.message}` : 'invalid';
    return { skip: `orderedItems[${index}] (${type}): ${where}` };
  }
  const activity = parsed.data;
  return activity.type === 'Create' ? normalizeCreate(activity, owner) : normalizeAnnounce(activity, owner);
}

/**
 * True for a parsed document that is a Mastodon outbox: an `OrderedCollection` (or one page of it)
 * whose `orderedItems` are `Create`/`Announce` activities (an empty collection counts). Used to detect a
 * lone outbox file by content, whatever it is called.
 */
export function looksLikeOutbox(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  if ((d.type !== 'OrderedCollection' && d.type !== 'OrderedCollectionPage') || !Array.isArray(d.orderedItems)) return false;
  if (d.orderedItems.length === 0) return true;
  return d.orderedItems
    .slice(0, 20)
    .some((item: unknown) => typeof item === 'object' && item !== null && ['Create', 'Announce'].includes(String((item as { type?: unknown }).type)));
}

/** The account an `actor.json` describes. The website is the first profile field holding a web link. */
export function accountFromActor(actor: z.infer<typeof ActorSchema>): AccountInfo {
  const host = hostOf(actor.id);
  const username = actor.preferredUsername ?? null;
  const fields = Array.isArray(actor.attachment) ? actor.attachment : [];
  let website: string | null = null;
  for (const field of fields) {
    if (typeof field !== 'object' || field === null) continue;
    const { type, value } = field as { type?: unknown; value?: unknown };
    if (type !== 'PropertyValue' || typeof value !== 'string') continue;
    website = firstHttpLink(value);
    if (website) break;
  }
  return {
    platform: 'mastodon',
    id: actor.id,
    handle: username && host ? `${username}@${host}` : handleFromActorUrl(actor.id),
    displayName: actor.name ? actor.name : null,
    website,
    url: stringUrl(actor.url) ?? actor.id,
  };
}

/** Without `actor.json`: the actor most activities name, with what its URL tells. */
function accountFromActivities(items: readonly unknown[]): AccountInfo | null {
  const counts = new Map<string, number>();
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const actor = (item as { actor?: unknown }).actor;
    const id = typeof actor === 'string' ? actor : typeof actor === 'object' && actor !== null ? (actor as { id?: unknown }).id : null;
    if (typeof id === 'string' && id !== '') counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [id, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = id;
  if (best === null) return null;
  return { platform: 'mastodon', id: best, handle: handleFromActorUrl(best), displayName: null, website: null, url: best };
}

/**
 * Reads a parsed `outbox.json` (and optionally the parsed `actor.json` beside it).
 * Counts `orderedItems`, never `totalItems`. Throws `InputError` naming `path` when the document
 * is not an outbox or the actor is malformed; items that are not understood are skipped and
 * counted in `stats`.
 */
export function readMastodonOutbox(doc: unknown, path: string, actor?: unknown): InputSource {
  const outbox = OutboxSchema.safeParse(doc);
  if (!outbox.success) {
    throw new InputError(path, 'is not a Mastodon outbox (expected an OrderedCollection with orderedItems)');
  }
  const items = outbox.data.orderedItems;
  const warnings: string[] = [];
  let account: AccountInfo | null;
  if (actor === undefined) {
    account = accountFromActivities(items);
    warnings.push('No actor.json beside the outbox: the account is derived from the activities (no display name or website).');
  } else {
    const parsedActor = ActorSchema.safeParse(actor);
    if (!parsedActor.success) throw new InputError(path, 'actor.json is not an ActivityPub actor (no "id")');
    account = accountFromActor(parsedActor.data);
  }
  const total = outbox.data.totalItems;
  if (total !== undefined && total !== items.length) {
    warnings.push(`outbox.json says totalItems ${total} but holds ${items.length} items; the items are counted.`);
  }
  const owner: Owner | null = account?.id ? { id: account.id, handle: account.handle } : null;
  const stats = newReadStats();
  async function* posts(): AsyncGenerator<Post> {
    for (const [index, raw] of items.entries()) {
      const result = normalizeItem(raw, owner, index);
      if ('skip' in result) recordSkip(stats, result.skip);
      else yield result.post;
    }
  }
  return { format: 'mastodon-archive', sourceKind: 'archive', account, posts: posts(), stats, warnings };
}

function basename(entry: string): string {
  return entry.slice(entry.lastIndexOf('/') + 1);
}

function depth(entry: string): number {
  return entry.split('/').length - 1;
}

/** The `outbox.json` entry at the root or one folder down (an unpacked archive often sits in a folder). */
function findOutbox(tree: InputTree): string | null {
  const candidates = tree
    .entries()
    .filter((e) => basename(e) === 'outbox.json' && depth(e) <= 1)
    .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  return candidates[0] ?? null;
}

/** True when the tree holds an `outbox.json` at its root or one folder down. */
export function isMastodonArchive(tree: InputTree): boolean {
  return findOutbox(tree) !== null;
}

function entryLabel(tree: InputTree, entry: string): string {
  return tree.kind === 'file' ? tree.path : `${tree.path}/${entry}`;
}

async function readJsonEntry(tree: InputTree, entry: string): Promise<unknown> {
  const text = await tree.readText(entry);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(
      entryLabel(tree, entry),
      `is not valid JSON (is the file truncated? re-download the archive): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Reads a Mastodon archive (folder or zip): `outbox.json` and, when present, `actor.json` from the
 * same folder. Throws `InputError` naming the file when either is truncated or not what it should be.
 */
export async function readMastodonArchive(tree: InputTree): Promise<InputSource> {
  const outboxEntry = findOutbox(tree);
  if (outboxEntry === null) throw new InputError(tree.path, 'holds no outbox.json: is this a Mastodon archive?');
  const folder = outboxEntry.slice(0, outboxEntry.length - 'outbox.json'.length);
  const actorEntry = `${folder}actor.json`;
  const outbox = await readJsonEntry(tree, outboxEntry);
  const actor = tree.entries().includes(actorEntry) ? await readJsonEntry(tree, actorEntry) : undefined;
  if (actor !== undefined && !ActorSchema.safeParse(actor).success) {
    throw new InputError(entryLabel(tree, actorEntry), 'is not an ActivityPub actor (no "id")');
  }
  return readMastodonOutbox(outbox, entryLabel(tree, outboxEntry), actor);
}
