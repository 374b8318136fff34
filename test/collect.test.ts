import { describe, expect, it } from 'vitest';
import { parseAccountArg } from '../src/account.js';
import { gather, selectWindow, type Gathered } from '../src/collect.js';
import { UsageError } from '../src/errors.js';
import type { AccountInfo, Post } from '../src/model/post.js';
import {
  DAY,
  HOUR,
  MINUTE,
  PETE,
  SELF,
  SELF_HANDLE,
  SELF_ID,
  T0,
  original,
  person,
  reply,
  repost,
  theirs,
} from './helpers/posts.js';

/** The source's posts, as a reader yields them. */
async function* stream(posts: readonly Post[]): AsyncIterable<Post> {
  for (const p of posts) yield p;
}

const PATH = 'input.json';

function run(posts: readonly Post[], account: string | null = null, sourceAccount: AccountInfo | null = null): Promise<Gathered> {
  return gather(stream(posts), { path: PATH, accountArg: account === null ? null : parseAccountArg(account), sourceAccount });
}

/** The UsageError a promise rejects with (fails the test when it resolves or throws something else). */
async function usageError(p: Promise<unknown>): Promise<UsageError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  return err as UsageError;
}

const KAT = person('okanagan_kat', '1124378617443254272');

/** A post by someone else (a mention of the audited account, as a mentions page holds). */
function by(author: typeof PETE, time: number, over: Partial<Post> = {}): Post {
  return original(time, { author, text: `@${SELF_HANDLE} is the road open?`, ...over });
}

describe('gather: whose posts are audited (metrics.md §2.1)', () => {
  it('a single author is audited without an account argument, oldest first', async () => {
    const a = original(2 * HOUR);
    const b = reply(0, theirs(-MINUTE, 't-1'));
    const c = repost(HOUR, theirs(-DAY, 't-2'));
    const g = await run([a, b, c]);
    expect(g.account).toMatchObject({ platform: 'x', id: SELF_ID, handle: SELF_HANDLE });
    expect(g.posts.map((p) => p.post.id)).toEqual([b.id, c.id, a.id]);
    expect(g.posts.map((p) => p.ms)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
    expect(g).toMatchObject({ read: 3, duplicates: 0, otherAuthors: 0 });
    expect(g.self.ids.has(SELF_ID)).toBe(true);
    expect(g.self.handles.has(SELF_HANDLE.toLowerCase())).toBe(true);
  });

  it('several authors and no argument: a UsageError that lists them, largest first, and suggests one', async () => {
    const posts = [original(0), by(PETE, 1), by(PETE, 2), by(KAT, 3)];
    const err = await usageError(run(posts));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(PATH);
    expect(err.message).toContain('3 accounts');
    // Pete wrote 2 posts, the others 1 each: Pete is listed first and suggested.
    expect(err.message).toMatch(/@peachland_pete, (@RoadInfoBC, @okanagan_kat|@okanagan_kat, @RoadInfoBC)/);
    expect(err.message).toContain(`social-audit @peachland_pete --input ${PATH}`);
    expect(err.message).not.toContain('\n');
  });

  it('several authors and no argument: the source owner (archive account.js) is audited', async () => {
    const owner: AccountInfo = { platform: 'x', id: SELF_ID, handle: SELF_HANDLE, displayName: 'RoadInfo BC', website: null, url: null };
    const mine = original(0);
    const g = await run([by(PETE, 1), by(PETE, 2), mine], null, owner);
    expect(g.posts.map((p) => p.post.id)).toEqual([mine.id]);
    expect(g.account).toMatchObject({ id: SELF_ID, handle: SELF_HANDLE, displayName: 'RoadInfo BC' });
    expect(g.otherAuthors).toBe(2);
  });

  it('the argument picks its author, case-insensitively; the others are counted and left out', async () => {
    const mine = [original(0), reply(HOUR, theirs(0, 't-3'))];
    const posts = [by(PETE, -HOUR), ...mine, by(KAT, 2 * HOUR), by(PETE, 3 * HOUR)];
    for (const arg of ['@roadinfobc', 'ROADINFOBC', 'x:RoadInfoBC']) {
      const g = await run(posts, arg);
      expect(g.account).toMatchObject({ platform: 'x', id: SELF_ID, handle: SELF_HANDLE });
      expect(g.posts.map((p) => p.post.id)).toEqual(mine.map((p) => p.id));
      expect(g).toMatchObject({ read: 2, otherAuthors: 3, duplicates: 0 });
    }
    const pete = await run(posts, '@Peachland_Pete');
    expect(pete.account).toMatchObject({ id: PETE.id, handle: 'peachland_pete' });
    expect(pete).toMatchObject({ read: 2, otherAuthors: 3 });
  });

  it('the argument may be the numeric account id', async () => {
    const g = await run([original(0), by(PETE, 1)], SELF_ID);
    expect(g.account).toMatchObject({ id: SELF_ID, handle: SELF_HANDLE });
    expect(g.posts).toHaveLength(1);
  });

  it('an argument that is not in the input: a UsageError naming it and who is there', async () => {
    const err = await usageError(run([original(0), by(PETE, 1)], '@DriveBC'));
    expect(err.message).toContain('"@DriveBC"');
    expect(err.message).toContain(PATH);
    expect(err.message).toContain('@RoadInfoBC');
    expect(err.message).toContain('@peachland_pete');
    expect(err.message).not.toContain('\n');
  });

  it('a Mastodon argument against X posts: a UsageError naming both platforms', async () => {
    const err = await usageError(run([original(0)], '@RoadInfoBC@mstdn.bc.example'));
    expect(err.message).toMatch(/holds X posts, but "@RoadInfoBC@mstdn\.bc\.example" names a Mastodon account/);
  });

  it('authors known only by id (X v1.1 trimmed to {id, id_str}) + argument: that author, with the argument as handle', async () => {
    const anon = { id: SELF_ID, handle: null };
    const posts = [original(0, { author: anon }), original(HOUR, { author: anon })];
    const g = await run(posts, '@RoadInfoBC');
    expect(g.account).toMatchObject({ platform: 'x', id: SELF_ID, handle: 'RoadInfoBC' });
    expect(g.posts).toHaveLength(2);
    expect(g.self.ids.has(SELF_ID)).toBe(true);
    expect(g.self.handles.has('roadinfobc')).toBe(true);
    // Without an argument the single author is audited and its handle stays unknown.
    const bare = await run(posts);
    expect(bare.account).toMatchObject({ id: SELF_ID, handle: null });
  });

  it('two authors known only by id + a handle: the handle cannot choose, so a UsageError lists the ids', async () => {
    const posts = [original(0, { author: { id: '1', handle: null } }), original(1, { author: { id: '2', handle: null } })];
    const err = await usageError(run(posts, '@RoadInfoBC'));
    expect(err.message).toContain('id 1');
    expect(err.message).toContain('id 2');
  });

  it('an item seen twice counts once; duplicates are counted', async () => {
    const a = original(0);
    const b = original(HOUR);
    const g = await run([a, b, a, a, { ...b }]);
    expect(g.posts.map((p) => p.post.id)).toEqual([a.id, b.id]);
    expect(g).toMatchObject({ read: 5, duplicates: 3, otherAuthors: 0 });
  });

  it('a copy read with another time: the first read is kept, wherever the copies fall', async () => {
    // Ids that follow time (the fast path) except for the copy: "2" read first at T0 + 2 h, then
    // again at T0. Sorted by time the copies are not neighbours (1 at T0 + 1 h sits between), so
    // the set check decides: the first read (T0 + 2 h) stays, the later one is the duplicate.
    const one = original(HOUR, { id: '1' });
    const two = original(2 * HOUR, { id: '2', text: 'first read' });
    const twoAgain = original(0, { id: '2', text: 'read again' });
    const g = await run([two, one, twoAgain]);
    expect(g.posts.map((p) => [p.post.id, p.post.text, p.ms])).toEqual([
      ['1', one.text, T0 + HOUR],
      ['2', 'first read', T0 + 2 * HOUR],
    ]);
    expect(g.duplicates).toBe(1);
  });

  it('ids that do not follow time still lose their copies; equal times order by id', async () => {
    // "b" is older than "a" and "10" shares a time with "9": ids out of time order, so the set
    // check runs. Order: b (T0), then at T0 + 1 h "10" before "9" (as strings), then a.
    const posts = [
      original(2 * HOUR, { id: 'a' }),
      original(0, { id: 'b' }),
      original(HOUR, { id: '9' }),
      original(HOUR, { id: '10' }),
      original(0, { id: 'b' }),
      original(HOUR, { id: '9' }),
    ];
    const g = await run(posts);
    expect(g.posts.map((p) => p.post.id)).toEqual(['b', '10', '9', 'a']);
    expect(g).toMatchObject({ read: 6, duplicates: 2 });
  });

  it('a renamed account: named by its newest post, its old name still self, whatever the input order', async () => {
    // The account (id SELF_ID) posted as @OldRoads, then was renamed @RoadInfoBC. Its reply at
    // T0 + 2 h answers its own earlier post, which the reply's target names by the old handle
    // only (no author id, an x.com link): a self-thread reply (toSelf), not an answer to someone.
    const oldName = { id: SELF_ID, handle: 'OldRoads' };
    const first = original(0, { id: '100', author: oldName });
    const target = { id: '100', url: 'https://x.com/OldRoads/status/100', author: { id: null, handle: null }, createdAt: null };
    const thread = reply(HOUR, target, { id: '200', author: SELF });
    const other = reply(2 * HOUR, theirs(HOUR, '150'), { id: '300', author: SELF });
    for (const order of [
      [first, thread, other],
      [other, thread, first],
    ]) {
      const g = await run(order);
      expect(g.account.handle).toBe(SELF_HANDLE);
      const kinds = g.posts.map((p) => [p.post.id, p.kind, p.toSelf]);
      expect(kinds).toEqual([
        ['100', 'original', false],
        ['200', 'reply', true],
        ['300', 'reply', false],
      ]);
    }
    // Either name chooses it among other authors.
    expect((await run([first, thread, original(0, { id: '5', author: PETE })], '@OldRoads')).read).toBe(2);
    expect((await run([first, thread, original(0, { id: '5', author: PETE })], '@RoadInfoBC')).read).toBe(2);
  });

  it('posts given a batch at a time gather exactly as posts given one by one', async () => {
    const posts = [original(2 * HOUR, { id: '3' }), reply(HOUR, theirs(0, '150'), { id: '2' }), original(0, { id: '1' }), original(0, { id: '1' })];
    async function* batches(): AsyncGenerator<readonly Post[]> {
      yield posts.slice(0, 3);
      yield [];
      yield posts.slice(3);
    }
    const batched = await gather({ batches: batches() }, { path: PATH, accountArg: null, sourceAccount: null });
    expect(batched).toEqual(await run(posts));
    expect(batched.posts.map((p) => p.post.id)).toEqual(['1', '2', '3']);
    expect(batched.duplicates).toBe(1);
  });

  it('an empty input: no posts, the account from the source', async () => {
    const owner: AccountInfo = { platform: 'mastodon', id: 'https://m.example/users/a', handle: 'a@m.example', displayName: null, website: 'https://a.example', url: null };
    const g = await run([], null, owner);
    expect(g.posts).toEqual([]);
    expect(g.account).toMatchObject({ platform: 'mastodon', handle: 'a@m.example', website: 'https://a.example' });
    expect(g).toMatchObject({ read: 0, duplicates: 0, otherAuthors: 0 });
  });
});

describe('selectWindow: items in the window, non-public aside (metrics.md §1, §2.1)', () => {
  const window = { sinceMs: T0, untilMs: T0 + DAY, timeZone: 'UTC' };

  it('since is inclusive, until exclusive; allItems keeps every public item', async () => {
    const before = original(-1);
    const atSince = original(0);
    const lastMs = original(DAY - 1);
    const atUntil = original(DAY);
    const g = await run([before, atSince, lastMs, atUntil]);
    const set = selectWindow(g, window, false);
    expect(set.items.map((i) => i.post.id)).toEqual([atSince.id, lastMs.id]);
    expect(set.allItems.map((i) => i.post.id)).toEqual([before.id, atSince.id, lastMs.id, atUntil.id]);
    expect(set.excludedNonPublic).toBe(0);
    expect(set.self).toBe(g.self);
  });

  it('followers-only and direct items are left out, and counted only when in the window; unlisted is public', async () => {
    const pub = original(HOUR, { visibility: 'public' });
    const unlisted = original(2 * HOUR, { visibility: 'unlisted' });
    const followers = original(3 * HOUR, { visibility: 'private' });
    const direct = reply(4 * HOUR, theirs(0, 't-9'), { visibility: 'direct' });
    const oldPrivate = original(-DAY, { visibility: 'private' });
    const latePrivate = original(DAY, { visibility: 'direct' });
    const g = await run([pub, unlisted, followers, direct, oldPrivate, latePrivate]);
    const set = selectWindow(g, window, false);
    expect(set.items.map((i) => i.post.id)).toEqual([pub.id, unlisted.id]);
    expect(set.allItems.map((i) => i.post.id)).toEqual([pub.id, unlisted.id]);
    // 2 non-public items in the window; the ones a day before and at `until` are not counted.
    expect(set.excludedNonPublic).toBe(2);
  });

  it('--include-private keeps them, and nothing is counted as excluded', async () => {
    const pub = original(HOUR);
    const followers = original(3 * HOUR, { visibility: 'private' });
    const direct = reply(4 * HOUR, theirs(0, 't-10'), { visibility: 'direct' });
    const oldPrivate = original(-DAY, { visibility: 'private' });
    const g = await run([pub, followers, direct, oldPrivate]);
    const set = selectWindow(g, window, true);
    expect(set.items.map((i) => i.post.id)).toEqual([pub.id, followers.id, direct.id]);
    expect(set.allItems.map((i) => i.post.id)).toEqual([oldPrivate.id, pub.id, followers.id, direct.id]);
    expect(set.excludedNonPublic).toBe(0);
    expect(set.items.map((i) => i.kind)).toEqual(['original', 'original', 'reply']);
  });

  it('items carry their kind and whom they answer', async () => {
    const g = await run([
      reply(0, theirs(-MINUTE, 't-11')),
      reply(MINUTE, { id: 'own-1', url: null, author: SELF, createdAt: null }),
      repost(2 * MINUTE, theirs(-DAY, 't-12')),
    ]);
    const set = selectWindow(g, window, false);
    expect(set.items.map((i) => [i.kind, i.toSelf])).toEqual([
      ['reply', false],
      ['reply', true],
      ['repost', false],
    ]);
  });
});
