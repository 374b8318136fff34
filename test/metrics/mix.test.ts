import { describe, expect, it } from 'vitest';
import { bucketOf, compute, longestBroadcastRun } from '../../src/metrics/mix.js';
import type { Post } from '../../src/model/post.js';
import { FIRE, HOUR, at, makeSet, original, ours, quote, reply, repost, theirs } from '../helpers/posts.js';

describe('buckets (metrics.md §3.3)', () => {
  const rows: { why: string; post: Post; bucket: string }[] = [
    { why: 'original', post: original(0), bucket: 'broadcast' },
    { why: 'reply to other', post: reply(0, theirs(0, 'a')), bucket: 'conversation' },
    { why: 'quote of other', post: quote(0, theirs(0, 'a', FIRE)), bucket: 'conversation' },
    { why: 'repost of other', post: repost(0, theirs(0, 'a', FIRE)), bucket: 'amplification' },
    { why: 'self-thread reply', post: reply(0, ours(0, 'o')), bucket: 'broadcast' },
    { why: 'quote of own post', post: quote(0, ours(0, 'o')), bucket: 'broadcast' },
    { why: 'repost of own post', post: repost(0, ours(0, 'o')), bucket: 'broadcast' },
  ];
  it.each(rows)('$why → $bucket', ({ post, bucket }) => {
    const item = makeSet([post]).items[0];
    expect(item && bucketOf(item)).toBe(bucket);
  });
});

describe('mix shares over N', () => {
  it('no items: counts 0, shares null, empty run', () => {
    expect(compute(makeSet([]))).toEqual({
      conversation: 0,
      amplification: 0,
      broadcast: 0,
      conversationShare: null,
      amplificationShare: null,
      broadcastShare: null,
      longestBroadcastRun: { length: 0, from: null, to: null },
    });
  });

  it('3 conversation, 1 amplification, 2 broadcast of 6 → 1/2, 1/6, 1/3, summing to 1', () => {
    const m = compute(
      makeSet([
        original(0),
        reply(1 * HOUR, theirs(0, 'a')),
        reply(2 * HOUR, theirs(0, 'b')),
        quote(3 * HOUR, theirs(0, 'c', FIRE)),
        repost(4 * HOUR, theirs(0, 'd', FIRE)),
        reply(5 * HOUR, ours(0, 'o')),
      ]),
    );
    expect([m.conversation, m.amplification, m.broadcast]).toEqual([3, 1, 2]);
    expect(m.conversationShare).toBe(3 / 6);
    expect(m.amplificationShare).toBe(1 / 6);
    expect(m.broadcastShare).toBe(2 / 6);
    expect((m.conversationShare ?? 0) + (m.amplificationShare ?? 0) + (m.broadcastShare ?? 0)).toBeCloseTo(1, 12);
  });
});

describe('longest broadcast run', () => {
  it('a repost of another account neither breaks nor lengthens a run; a reply breaks it', () => {
    // B B A B | C | B B: the first run is B,B,(A),B = 3 broadcasts, the second 2.
    const posts = [
      original(0),
      original(1 * HOUR),
      repost(2 * HOUR, theirs(0, 'f', FIRE)),
      reply(3 * HOUR, ours(0, 'o')),
      reply(4 * HOUR, theirs(0, 'a')),
      original(5 * HOUR),
      original(6 * HOUR),
    ];
    const m = compute(makeSet(posts));
    expect(m.longestBroadcastRun).toEqual({ length: 3, from: at(0), to: at(3 * HOUR) });
  });

  it('of equally long runs the most recent is kept', () => {
    // B B C B B: two runs of 2, the second (hours 3-4) wins.
    const set = makeSet([original(0), original(HOUR), reply(2 * HOUR, theirs(0, 'a')), original(3 * HOUR), original(4 * HOUR)]);
    expect(longestBroadcastRun(set.items).map((i) => i.post.createdAt)).toEqual([at(3 * HOUR), at(4 * HOUR)]);
  });

  it('a quote of another account is conversation and ends a run', () => {
    const set = makeSet([original(0), quote(HOUR, theirs(0, 'q', FIRE)), original(2 * HOUR)]);
    expect(compute(set).longestBroadcastRun.length).toBe(1);
  });
});
