import { describe, expect, it } from 'vitest';
import { computePeopleEngaged, meta } from '../../src/metrics/people-engaged.js';
import type { Post } from '../../src/model/post.js';
import {
  DAY,
  FIRE,
  HOUR,
  PETE,
  WINDOW,
  T0,
  makeSet,
  original,
  ours,
  person,
  ref,
  reply,
  repost,
  theirs,
} from '../helpers/posts.js';

const KAT = person('kat_on_hwy97', '777');
/** A target whose author nobody can know: no id, no handle, an id that names no one. */
const unknownTarget = ref({ id: null, handle: null }, 'unknown-1');

describe('people engaged (metrics.md §10)', () => {
  it('has metadata', () => {
    expect(meta.id).toBe('peopleEngaged');
  });

  const rows: { why: string; posts: Post[]; distinct: number; followThroughShare: number | null }[] = [
    { why: 'no replies: nobody engaged, share null', posts: [original(0)], distinct: 0, followThroughShare: null },
    {
      why: 'self-thread replies, reposts and originals engage nobody',
      posts: [original(0), reply(HOUR, ours(0, 'o1')), repost(2 * HOUR, theirs(0, 'r1', FIRE))],
      distinct: 0,
      followThroughShare: null,
    },
    {
      why: 'Pete answered twice (two posts of his), Fire once: 2 people, 1 of 2 followed through',
      posts: [reply(HOUR, theirs(0, 'a')), reply(2 * HOUR, theirs(HOUR, 'b')), reply(3 * HOUR, theirs(0, 'c', FIRE))],
      distinct: 2,
      followThroughShare: 1 / 2,
    },
    {
      why: 'two replies to the same post of Kat count as twice; Pete once: 2 people, 1/2',
      posts: [reply(HOUR, theirs(0, 'k', KAT)), reply(HOUR + 5 * 60_000, theirs(0, 'k', KAT)), reply(HOUR, theirs(0, 'p'))],
      distinct: 2,
      followThroughShare: 1 / 2,
    },
    {
      why: 'no id on one target: the handle, compared case-insensitively, names Pete: 1 person answered twice',
      posts: [
        reply(HOUR, theirs(0, 'a')),
        reply(2 * HOUR, ref({ id: null, handle: '@PEACHLAND_PETE' }, 'b')),
      ],
      distinct: 1,
      followThroughShare: 1,
    },
    {
      why: 'two different author ids and no handles: 2 people, each answered once',
      posts: [
        reply(HOUR, ref({ id: '1', handle: null }, 'a')),
        reply(2 * HOUR, ref({ id: '2', handle: null }, 'b')),
      ],
      distinct: 2,
      followThroughShare: 0,
    },
    {
      why: 'id only, handle only, then both on one target: the pair links them, 1 person answered 3 times',
      posts: [
        reply(HOUR, ref({ id: '42', handle: null }, 'a')),
        reply(2 * HOUR, ref({ id: null, handle: 'Kim' }, 'b')),
        reply(3 * HOUR, ref({ id: '42', handle: 'kim' }, 'c')),
      ],
      distinct: 1,
      followThroughShare: 1,
    },
    {
      why: 'the author named only by the target status link (x.com/peachland_pete/status/…) is Pete',
      posts: [
        reply(HOUR, theirs(0, 'a')),
        reply(2 * HOUR, ref({ id: null, handle: null }, '9', null, 'https://x.com/Peachland_Pete/status/9')),
      ],
      distinct: 1,
      followThroughShare: 1,
    },
    {
      why: 'a deleted Bluesky parent names its author only by the DID in its at:// URI: same person as the DID author',
      posts: [
        reply(HOUR, ref({ id: 'did:plc:kat', handle: 'kat.bsky.social' }, 'at://did:plc:kat/app.bsky.feed.post/3mtgwjnbobc2v')),
        reply(2 * HOUR, ref({ id: null, handle: null }, 'at://did:plc:kat/app.bsky.feed.post/3mtgwjnbobc2w')),
      ],
      distinct: 1,
      followThroughShare: 1,
    },
    {
      why: 'addressed to a user without a target post (X in_reply_to_user_id alone): that user is engaged',
      posts: [reply(HOUR, ref(FIRE, null))],
      distinct: 1,
      followThroughShare: 0,
    },
    {
      why: 'a reply whose target author is unknown counts for nobody: 1 person (Pete), 0 followed through',
      posts: [reply(HOUR, unknownTarget), reply(2 * HOUR, unknownTarget), reply(3 * HOUR, theirs(0, 'a'))],
      distinct: 1,
      followThroughShare: 0,
    },
    {
      why: 'only replies in the window count: the July reply to Pete does not make him followed through',
      posts: [reply(Date.UTC(2026, 6, 31) - T0, theirs(-30 * DAY, 'old')), reply(HOUR, theirs(0, 'a'))],
      distinct: 1,
      followThroughShare: 0,
    },
  ];
  it.each(rows)('$why', ({ posts, distinct, followThroughShare }) => {
    expect(computePeopleEngaged(makeSet(posts, { window: WINDOW }))).toEqual({ distinct, followThroughShare });
  });

  it('3 people, 2 of them answered more than once: 2/3', () => {
    const posts = [
      reply(HOUR, theirs(0, 'a', PETE)),
      reply(2 * HOUR, theirs(0, 'b', PETE)),
      reply(3 * HOUR, theirs(0, 'c', FIRE)),
      reply(4 * HOUR, theirs(0, 'd', FIRE)),
      reply(5 * HOUR, theirs(0, 'e', FIRE)),
      reply(6 * HOUR, theirs(0, 'f', KAT)),
    ];
    expect(computePeopleEngaged(makeSet(posts))).toEqual({ distinct: 3, followThroughShare: 2 / 3 });
  });
});
