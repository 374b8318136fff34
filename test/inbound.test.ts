import { describe, expect, it } from 'vitest';
import { affiliateMatcher, linkConversations, selectInbound, type InboundOptions } from '../src/inbound.js';
import { buildSelfIdentity } from '../src/metrics/kinds.js';
import type { AuthorRef, Post } from '../src/model/post.js';
import { DAY, FIRE, HOUR, PETE, SELF, T0, WINDOW, ours, person, post, ref, theirs } from './helpers/posts.js';

/**
 * Inbound messages (metrics.md §9): "a post by another account, created in the window, that
 * mentions the audited account or replies to one of its posts. Reposts, the account's own posts
 * and posts by its affiliates are not inbound. Each message counts once."
 * The account is RoadInfoBC on X (id 289134506); the window is August 2026 (UTC).
 */
const KAT = person('okanagan_kat', '1124378617443254272');
const own = { self: buildSelfIdentity({ platform: 'x', id: SELF.id, handle: SELF.handle, url: null }), posts: [] as Post[] };
const opts: InboundOptions = { window: WINDOW, fetchedAtMs: null, affiliates: [] };

/** A post by someone else (Pete unless told) at `T0 + time`. */
function by(author: AuthorRef, time: number, over: Partial<Post> = {}): Post {
  return post(time, { author, text: 'Is the road open?', ...over });
}

const select = (others: Post[], o: Partial<InboundOptions> = {}, ownPosts: Post[] = []) =>
  selectInbound(others, { ...own, posts: ownPosts }, { ...opts, ...o });
const ids = (others: Post[], o: Partial<InboundOptions> = {}, ownPosts: Post[] = []) =>
  select(others, o, ownPosts).messages.map((m) => m.post.id);

describe('which posts are inbound', () => {
  const t1 = post(-DAY, { id: 'T1' });
  const rows: { why: string; message: () => Post; inbound: boolean }[] = [
    { why: 'mentions the account by id and handle', message: () => by(PETE, 0, { mentions: [SELF] }), inbound: true },
    { why: 'mentions it by id only', message: () => by(PETE, 0, { mentions: [{ id: SELF.id, handle: null }] }), inbound: true },
    { why: 'mentions it by handle only, another case, with @', message: () => by(PETE, 0, { mentions: [{ id: null, handle: '@roadinfobc' }] }), inbound: true },
    { why: 'mentions someone else only', message: () => by(PETE, 0, { mentions: [FIRE] }), inbound: false },
    { why: 'replies to an own post known by id (author not in the payload)', message: () => by(PETE, 0, { replyTo: ref({ id: null, handle: null }, 'T1') }), inbound: true },
    { why: 'replies to an own post by its author', message: () => by(PETE, 0, { replyTo: ours(-DAY, 'T-unknown') }), inbound: true },
    { why: 'replies to an own post by its status link', message: () => by(PETE, 0, { replyTo: ref({ id: null, handle: null }, null, null, 'https://x.com/RoadInfoBC/status/2090077627686039552') }), inbound: true },
    { why: 'addressed to the account with no target post (X in_reply_to_user_id alone)', message: () => by(PETE, 0, { replyTo: ref(SELF, null) }), inbound: true },
    { why: "replies to someone else's post without a mention", message: () => by(PETE, 0, { replyTo: theirs(-HOUR, 'k1', KAT) }), inbound: false },
    { why: 'a repost of an own post is not a message', message: () => by(PETE, 0, { text: '', repostOf: ours(-DAY, 'T1') }), inbound: false },
    { why: 'a repost that carries a mention is still a repost', message: () => by(PETE, 0, { text: '', repostOf: theirs(-DAY, 'x', KAT), mentions: [SELF] }), inbound: false },
    { why: 'a quote of an own post without a mention is not a message', message: () => by(PETE, 0, { quoteOf: ours(-DAY, 'T1') }), inbound: false },
    { why: 'a quote that mentions the account is', message: () => by(PETE, 0, { quoteOf: ours(-DAY, 'T1'), mentions: [SELF] }), inbound: true },
    { why: "the account's own post (a self-mention) is not", message: () => post(0, { mentions: [SELF] }), inbound: false },
    { why: "the account's own reply to its post is not", message: () => post(0, { replyTo: ours(-DAY, 'T1') }), inbound: false },
    { why: 'followers-only is left out by default', message: () => by(PETE, 0, { mentions: [SELF], visibility: 'private' }), inbound: false },
    { why: 'unlisted counts', message: () => by(PETE, 0, { mentions: [SELF], visibility: 'unlisted' }), inbound: true },
  ];
  it.each(rows)('$why → $inbound', ({ message, inbound }) => {
    expect(select([message()], {}, [t1]).messages).toHaveLength(inbound ? 1 : 0);
  });

  it('--include-private takes followers-only and direct messages in', () => {
    const dm = by(PETE, 0, { mentions: [SELF], visibility: 'direct' });
    expect(ids([dm], { includePrivate: true })).toEqual([dm.id]);
  });

  it('posts by affiliates are not inbound (handles case-insensitive, with or without @)', () => {
    const fire = by(FIRE, 0, { mentions: [SELF] });
    const pete = by(PETE, HOUR, { mentions: [SELF] });
    expect(ids([fire, pete], { affiliates: ['@bcfireupdates'] })).toEqual([pete.id]);
  });

  it('the window: since counts, until does not (sinceMs <= createdAt < untilMs)', () => {
    const before = by(PETE, WINDOW.sinceMs - 1 - T0, { mentions: [SELF] });
    const atSince = by(PETE, WINDOW.sinceMs - T0, { mentions: [SELF] });
    const last = by(PETE, WINDOW.untilMs - 1 - T0, { mentions: [SELF] });
    const atUntil = by(PETE, WINDOW.untilMs - T0, { mentions: [SELF] });
    expect(ids([before, atSince, last, atUntil])).toEqual([atSince.id, last.id]);
  });

  it('each message once: the same id twice, or the same URL under another id; oldest first', () => {
    const a = by(PETE, 2 * HOUR, { id: 'a', url: 'https://x.com/peachland_pete/status/1', mentions: [SELF] });
    const b = by(KAT, HOUR, { id: 'b', url: null, mentions: [SELF] });
    const aAgain = { ...a };
    const aOtherId = { ...a, id: 'a-copy' };
    const bAgain = { ...b, text: 'second copy' };
    const set = select([a, b, aAgain, aOtherId, bAgain]);
    expect(set.messages.map((m) => m.post.id)).toEqual(['b', 'a']);
    expect(set.messages[0]?.post.text).toBe('Is the road open?');
    expect(set.others.map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('others: every post by someone else, any time, without the account’s own posts', () => {
    const old = by(PETE, -60 * DAY, { id: 'old' });
    const mine = post(0, { id: 'mine' });
    const fire = by(FIRE, 0, { id: 'fire', mentions: [SELF] });
    expect(select([old, mine, fire], { affiliates: ['BCFireUpdates'] }).others.map((p) => p.id)).toEqual(['old', 'fire']);
  });

  it('a post whose id is one of the account’s own is not a message (even with an unknown author)', () => {
    const t1 = post(0, { id: 'T1' });
    const copy = by({ id: null, handle: null }, 0, { id: 'T1', mentions: [SELF] });
    expect(select([copy], {}, [t1]).messages).toEqual([]);
  });
});

describe('the end of the data (dataEndMs)', () => {
  const rows: { why: string; fetchedAtMs: number | null; dataEndMs: number }[] = [
    { why: 'offline, no fetch time: the window’s until', fetchedAtMs: null, dataEndMs: WINDOW.untilMs },
    { why: 'fetched before until (a window reaching into the future): the fetch time', fetchedAtMs: T0, dataEndMs: T0 },
    { why: 'fetched after until: until', fetchedAtMs: WINDOW.untilMs + DAY, dataEndMs: WINDOW.untilMs },
  ];
  it.each(rows)('$why', ({ fetchedAtMs, dataEndMs }) => {
    expect(select([], { fetchedAtMs }).dataEndMs).toBe(dataEndMs);
  });
});

describe('Mastodon handles', () => {
  const self = buildSelfIdentity({
    platform: 'mastodon',
    id: '110000000000000001',
    handle: 'RoadInfoBC@mstdn.bc.example',
    url: 'https://mstdn.bc.example/@RoadInfoBC',
  });
  const toot = (mention: AuthorRef, author: AuthorRef = { id: '42', handle: 'kat@okanagan.example' }): Post =>
    post(0, { platform: 'mastodon', author, mentions: [mention] });
  const rows: { why: string; mention: AuthorRef; inbound: boolean }[] = [
    { why: 'bare local handle (the home server speaks)', mention: { id: null, handle: 'roadinfobc' }, inbound: true },
    { why: 'user@host', mention: { id: null, handle: 'RoadInfoBC@mstdn.bc.example' }, inbound: true },
    { why: 'the account id', mention: { id: '110000000000000001', handle: null }, inbound: true },
    { why: 'the same name on another server', mention: { id: null, handle: 'RoadInfoBC@other.example' }, inbound: false },
  ];
  it.each(rows)('mention as $why → $inbound', ({ mention, inbound }) => {
    const set = selectInbound([toot(mention)], { self, posts: [] }, opts);
    expect(set.messages).toHaveLength(inbound ? 1 : 0);
  });

  it('affiliates: user matches user@host when one side gives no host; other hosts do not', () => {
    const match = affiliateMatcher(['@bcfire@mstdn.bc.example'], 'mastodon');
    expect(match({ id: null, handle: 'bcfire' })).toBe(true);
    expect(match({ id: null, handle: 'BCFire@mstdn.bc.example' })).toBe(true);
    expect(match({ id: null, handle: 'bcfire@elsewhere.example' })).toBe(false);
    expect(affiliateMatcher(['bcfire'], 'x')({ id: null, handle: 'bcfire@mstdn.bc.example' })).toBe(false);
  });
});

describe('conversations (union-find over reply links and conversation ids)', () => {
  const p = (id: string, over: Partial<Post> = {}): Post => by(PETE, 0, { id, ...over });
  it('links reply chains, shared conversation ids, and siblings under a deleted parent', () => {
    const posts = [
      p('A'),
      p('B', { replyTo: theirs(0, 'A') }),
      p('C', { replyTo: theirs(0, 'B') }),
      // D and E share X's conversation id but no reply link among the posts read.
      p('D', { conversationId: 'X' }),
      p('E', { conversationId: 'X' }),
      // F and G both answer "gone", a parent that was deleted (never read).
      p('F', { replyTo: theirs(0, 'gone') }),
      p('G', { replyTo: theirs(0, 'gone') }),
      p('H'),
    ];
    const c = linkConversations(posts);
    const of = (id: string) => c.conversationOf(id);
    expect(new Set(['A', 'B', 'C'].map(of)).size).toBe(1);
    expect(of('D')).toBe(of('E'));
    // On X the conversation id is the root's id: the root X joins its thread.
    expect(of('X')).toBe(of('D'));
    expect(of('F')).toBe(of('G'));
    expect(new Set([of('A'), of('D'), of('F'), of('H')]).size).toBe(4);
    expect(of('never-seen')).toBe('never-seen');
  });

  it('a conversation id and a reply chain join two halves of a thread', () => {
    // R1 (conversation "root") replies to M1, which has no conversation id; M2 replies to M1.
    const c = linkConversations([p('M1'), p('M2', { replyTo: theirs(0, 'M1') }), p('R1', { conversationId: 'root', replyTo: theirs(0, 'M1') }), p('root')]);
    expect(c.conversationOf('M2')).toBe(c.conversationOf('root'));
  });

  it('the same posts give the same keys whatever their order', () => {
    const posts = [p('a', { replyTo: theirs(0, 'b') }), p('b', { replyTo: theirs(0, 'c') }), p('c')];
    const one = linkConversations(posts);
    const two = linkConversations(posts.toReversed());
    expect(one.conversationOf('a')).toBe(two.conversationOf('a'));
  });
});
