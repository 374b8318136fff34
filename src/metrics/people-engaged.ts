import { atUriAuthority } from '../ids.js';
import type { AuthorRef, PostRef } from '../model/post.js';
import type { Report } from '../schema/report.js';
import { derivedHandles, normalizeHandle, onlyAuthorNamesAuthor, refAuthorHandles } from './kinds.js';
import type { MetricMeta } from './metric.js';
import type { PostSet } from './types.js';

/** `metrics.peopleEngaged` (metrics.md §10); it has no score. */
export type PeopleEngagedMeasurement = Report['metrics']['peopleEngaged'];

export const meta = {
  id: 'peopleEngaged',
  title: 'People engaged',
  description:
    'How many different people the account answered in the window, and the share of them it answered more than once.',
  unit: 'share',
} as const satisfies MetricMeta<'peopleEngaged'>;

/**
 * The keys under which a reply target's author is known: its author id (`id:` prefix), the DID
 * inside an `at://` target id (all a deleted Bluesky parent tells), and
 * every handle the payload or the target's id / URL gives (`handle:` prefix, lower-cased, without
 * `@`, as `refAuthorHandles` normalises them). Empty when nothing is known about the author.
 */
function authorKeys(ref: PostRef): string[] {
  const keys: string[] = [];
  if (ref.author.id !== null) keys.push(`id:${ref.author.id}`);
  const authority = ref.id === null ? null : atUriAuthority(ref.id);
  if (authority?.startsWith('did:') === true) keys.push(`id:${authority}`);
  for (const handle of refAuthorHandles(ref)) keys.push(`handle:${handle}`);
  return keys;
}

/** Union-find over author keys: keys seen together on one reference are the same person. */
class Keys {
  private readonly parent = new Map<string, string>();

  find(key: string): string {
    let root = key;
    for (let up = this.parent.get(root); up !== undefined && up !== root; up = this.parent.get(root)) root = up;
    if (!this.parent.has(root)) this.parent.set(root, root);
    for (let node = key; node !== root; ) {
      const next = this.parent.get(node) as string;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/**
 * metrics.md §10 "people engaged":
 * - `distinct`: the distinct authors of the posts the account answered with its replies to other
 *   people (`reply.toOther`) in the window. Self-thread replies are not answers to a person.
 *   A reply addressed to a user without a target post (X `in_reply_to_user_id` alone) names
 *   its person and counts.
 * - An author is known by its id, else its handle compared case-insensitively (metrics.md §2).
 *   When one reference carries both an id and a handle, both name the same person, so a target
 *   referred to by id in one reply and by handle alone in another is still one person.
 * - A reply whose target author cannot be known at all (`counts.replyTargetUnknown`) is left
 *   out: there is no person to count. The audited account's `affiliates` are people like any
 *   other here (the metric reads no config).
 * - `followThroughShare`: the share of those people the account replied to more than once in
 *   the window (two or more `reply.toOther` items whose targets they wrote, whether to the same
 *   post or not); null when `distinct = 0`.
 */
export function computePeopleEngaged(set: PostSet): PeopleEngagedMeasurement {
  const keys = new Keys();
  const replyKeys: string[] = [];
  // What an author object gives (its first key; its handle as compared), worked out once per
  // object: readers share one object per author, and the same few thousand people are answered
  // again and again.
  const ofAuthor = new Map<AuthorRef, { first: string | null; handle: string | null }>();
  for (const item of set.items) {
    if (item.kind !== 'reply' || item.toSelf || item.post.replyTo === null) continue;
    const ref = item.post.replyTo;
    let known = ofAuthor.get(ref.author);
    if (known === undefined) {
      const [head, ...rest] = authorKeys({ id: null, url: null, author: ref.author, createdAt: null });
      for (const key of rest) keys.union(head as string, key);
      known = { first: head ?? null, handle: ref.author.handle === null ? null : normalizeHandle(ref.author.handle) };
      ofAuthor.set(ref.author, known);
    }
    let first = known.first;
    // What the reference's id or URL adds (the DID of an `at://` id, another handle in a status
    // link) names the same person as its author.
    if (!onlyAuthorNamesAuthor(ref)) {
      const extra: string[] = [];
      const authority = ref.id === null ? null : atUriAuthority(ref.id);
      if (authority?.startsWith('did:') === true) extra.push(`id:${authority}`);
      for (const handle of derivedHandles(ref)) if (handle !== known.handle) extra.push(`handle:${handle}`);
      for (const key of extra) {
        if (first === null) first = key;
        else keys.union(first, key);
      }
    }
    if (first === null) continue;
    replyKeys.push(first);
  }
  const repliesPerPerson = new Map<string, number>();
  for (const key of replyKeys) {
    const person = keys.find(key);
    repliesPerPerson.set(person, (repliesPerPerson.get(person) ?? 0) + 1);
  }
  const distinct = repliesPerPerson.size;
  let again = 0;
  for (const count of repliesPerPerson.values()) if (count > 1) again += 1;
  return { distinct, followThroughShare: distinct === 0 ? null : again / distinct };
}
