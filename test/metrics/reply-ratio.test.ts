import { describe, expect, it } from 'vitest';
import { compute } from '../../src/metrics/reply-ratio.js';
import type { Post } from '../../src/model/post.js';
import { FIRE, PETE, makeSet, original, ours, quote, reply, repost, theirs } from '../helpers/posts.js';

describe('reply ratio = reply.toOther / (N - reposts) (metrics.md §3.1)', () => {
  const rows: { why: string; posts: Post[]; value: number | null; numerator: number; denominator: number }[] = [
    { why: 'no items: W = 0, null', posts: [], value: null, numerator: 0, denominator: 0 },
    {
      why: 'only reposts: W = 0, null (nothing of its own was written)',
      posts: [repost(0, theirs(0, 'a', FIRE)), repost(1, ours(0, 'b'))],
      value: null,
      numerator: 0,
      denominator: 0,
    },
    {
      why: '1 reply to other of 2 own-words items; the repost is left out of W',
      posts: [original(0), reply(1, theirs(0, 'a')), repost(2, theirs(0, 'b', FIRE))],
      value: 1 / 2,
      numerator: 1,
      denominator: 2,
    },
    {
      why: 'self-thread replies and quotes are in W but not in the numerator: 1/4',
      posts: [original(0), reply(1, ours(0, 'o')), quote(2, theirs(0, 'q', FIRE)), reply(3, theirs(0, 'a'))],
      value: 1 / 4,
      numerator: 1,
      denominator: 4,
    },
    {
      why: 'addressed to a user without a target post still counts as a reply to other: 1/1',
      posts: [reply(0, { id: null, url: null, author: PETE, createdAt: null })],
      value: 1,
      numerator: 1,
      denominator: 1,
    },
    {
      why: 'unknown target author counts as other: 1/1',
      posts: [reply(0, { id: 'x', url: null, author: { id: null, handle: null }, createdAt: null })],
      value: 1,
      numerator: 1,
      denominator: 1,
    },
  ];
  it.each(rows)('$why', ({ posts, value, numerator, denominator }) => {
    expect(compute(makeSet(posts))).toEqual({ value, numerator, denominator });
  });
});
