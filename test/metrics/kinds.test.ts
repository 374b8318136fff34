import { describe, expect, it } from 'vitest';
import { buildSelfIdentity, classify, computeCounts } from '../../src/metrics/kinds.js';
import type { Post, PostRef } from '../../src/model/post.js';
import {
  FIRE,
  PETE,
  SELF,
  makeSet,
  original,
  ours,
  post,
  quote,
  reply,
  repost,
  self,
  theirs,
} from '../helpers/posts.js';

const unknownAuthor = { id: null, handle: null };
const noTarget = (author: PostRef['author']): PostRef => ({ id: null, url: null, author, createdAt: null });

describe('classify (metrics.md §2)', () => {
  const rows: { why: string; post: Post; kind: string; toSelf: boolean; targetUnknown?: boolean }[] = [
    { why: 'no reference at all: original', post: original(0), kind: 'original', toSelf: false },
    { why: 'reply to another account (by id)', post: reply(0, theirs(0, 't1')), kind: 'reply', toSelf: false },
    { why: 'reply to own post (author id is self): a thread', post: reply(0, ours(0, 'o1')), kind: 'reply', toSelf: true },
    {
      why: 'handle compares case-insensitively, id unknown',
      post: reply(0, { id: 'o2', url: null, author: { id: null, handle: 'roadinfobc' }, createdAt: null }),
      kind: 'reply',
      toSelf: true,
    },
    {
      why: 'handle written with @ and upper case',
      post: reply(0, { id: 'o3', url: null, author: { id: null, handle: '@ROADINFOBC' }, createdAt: null }),
      kind: 'reply',
      toSelf: true,
    },
    {
      why: 'a reply that also quotes is a reply; its reply target decides toSelf',
      post: reply(0, theirs(0, 't2'), { quoteOf: ours(0, 'o4') }),
      kind: 'reply',
      toSelf: false,
    },
    {
      why: 'repost wins over everything, even if a reader left text on it',
      post: repost(0, theirs(0, 't3', FIRE), { text: 'RT @BCFireUpdates: Evacuation alert', quoteOf: theirs(0, 't4') }),
      kind: 'repost',
      toSelf: false,
    },
    {
      why: 'repost wins over reply',
      post: repost(0, ours(0, 'o5'), { replyTo: theirs(0, 't5') }),
      kind: 'repost',
      toSelf: true,
    },
    { why: 'quote of own post', post: quote(0, ours(0, 'o6')), kind: 'quote', toSelf: true },
    { why: 'quote of another account', post: quote(0, theirs(0, 't6', FIRE)), kind: 'quote', toSelf: false },
    { why: 'repost of another account', post: repost(0, theirs(0, 't7', FIRE)), kind: 'repost', toSelf: false },
    {
      why: 'reply whose target author is entirely unknown: toOther, counted as unknown',
      post: reply(0, { id: '2090081768915566592', url: null, author: unknownAuthor, createdAt: null }),
      kind: 'reply',
      toSelf: false,
      targetUnknown: true,
    },
    {
      why: 'addressed to a user without a target post: still a reply, split by that user',
      post: reply(0, noTarget(PETE)),
      kind: 'reply',
      toSelf: false,
    },
    { why: 'addressed to the account itself without a post', post: reply(0, noTarget(SELF)), kind: 'reply', toSelf: true },
    {
      why: 'addressed to nobody anyone can name',
      post: reply(0, noTarget(unknownAuthor)),
      kind: 'reply',
      toSelf: false,
      targetUnknown: true,
    },
    {
      why: 'X status link names the quoted author (archive quotes carry only the link)',
      post: quote(0, { id: '1', url: 'https://twitter.com/roadinfobc/status/1', author: unknownAuthor, createdAt: null }),
      kind: 'quote',
      toSelf: true,
    },
    {
      why: 'x.com/i/status/ID names no author: a reply to it is unknown',
      post: reply(0, { id: '2', url: 'https://x.com/i/status/2', author: unknownAuthor, createdAt: null }),
      kind: 'reply',
      toSelf: false,
      targetUnknown: true,
    },
    {
      why: 'quote of a post nobody can attribute: toOther, but targetUnknown is for replies only',
      post: quote(0, { id: '3', url: null, author: unknownAuthor, createdAt: null }),
      kind: 'quote',
      toSelf: false,
    },
  ];
  it.each(rows)('$why', ({ post: p, kind, toSelf, targetUnknown = false }) => {
    expect(classify(p, self)).toEqual({ kind, toSelf, targetUnknown });
  });
});

describe('classify on Mastodon (URL prefix rule, metrics.md §2.2)', () => {
  const me = buildSelfIdentity({
    platform: 'mastodon',
    id: '109309888516521974',
    handle: 'RoadInfoBC',
    url: 'https://mstdn.bc.example/@RoadInfoBC',
  });
  const byUri = (uri: string): PostRef => ({ id: uri, url: null, author: unknownAuthor, createdAt: null });
  const rows: { why: string; post: Post; kind: string; toSelf: boolean; targetUnknown: boolean }[] = [
    {
      why: 'archive self-reply: inReplyTo under the own actor URL',
      post: reply(0, byUri('https://mstdn.bc.example/users/RoadInfoBC/statuses/117122551831667953')),
      kind: 'reply',
      toSelf: true,
      targetUnknown: false,
    },
    {
      why: 'web URL form /@NAME/ID, different case',
      post: reply(0, byUri('https://MSTDN.bc.example/@roadinfobc/117122551831667953')),
      kind: 'reply',
      toSelf: true,
      targetUnknown: false,
    },
    {
      why: 'boost of an own post (Announce object under the actor URL)',
      post: repost(0, byUri('https://mstdn.bc.example/users/RoadInfoBC/statuses/117122551831667953')),
      kind: 'repost',
      toSelf: true,
      targetUnknown: false,
    },
    {
      why: 'reply to a remote post: its URI names the author, so the target is not unknown',
      post: reply(0, byUri('https://fire.example/users/bcfire/statuses/42')),
      kind: 'reply',
      toSelf: false,
      targetUnknown: false,
    },
    {
      why: 'another local user whose name starts like the account: not a prefix match',
      post: reply(0, byUri('https://mstdn.bc.example/users/RoadInfoBCfan/statuses/1')),
      kind: 'reply',
      toSelf: false,
      targetUnknown: false,
    },
    {
      why: 'API reply: in_reply_to_account_id is the own account id',
      post: reply(0, { id: '117122551831667953', url: null, author: { id: '109309888516521974', handle: null }, createdAt: null }),
      kind: 'reply',
      toSelf: true,
      targetUnknown: false,
    },
  ];
  it.each(rows)('$why', ({ post: p, kind, toSelf, targetUnknown }) => {
    expect(classify(p, me)).toEqual({ kind, toSelf, targetUnknown });
  });
});

describe('classify on Bluesky (DID inside the at:// URI, metrics.md §2)', () => {
  const me = buildSelfIdentity({ platform: 'bluesky', id: 'did:plc:roadinfobc', handle: 'roadinfobc.example', url: null });
  const parent = (uri: string): PostRef => ({ id: uri, url: null, author: unknownAuthor, createdAt: null });
  it('a deleted parent of the account is a self-reply, by the DID in its URI', () => {
    expect(classify(reply(0, parent('at://did:plc:roadinfobc/app.bsky.feed.post/3mtgvm7ntjc2j')), me)).toEqual({
      kind: 'reply',
      toSelf: true,
      targetUnknown: false,
    });
  });
  it("another DID's parent is toOther and its author is known", () => {
    expect(classify(reply(0, parent('at://did:plc:someoneelse/app.bsky.feed.post/3mtgwjnbobc2v')), me)).toEqual({
      kind: 'reply',
      toSelf: false,
      targetUnknown: false,
    });
  });
});

describe('buildSelfIdentity', () => {
  it('Mastodon from a user@host handle alone: both handle forms, actor id and both URL prefixes', () => {
    const me = buildSelfIdentity({ platform: 'mastodon', id: '1', handle: '@RoadInfoBC@mstdn.bc.example', url: null });
    expect([...me.handles].sort()).toEqual(['roadinfobc', 'roadinfobc@mstdn.bc.example']);
    expect(me.ids.has('https://mstdn.bc.example/users/roadinfobc')).toBe(true);
    expect(me.urlPrefixes).toEqual(['https://mstdn.bc.example/users/roadinfobc/', 'https://mstdn.bc.example/@roadinfobc/']);
  });
  it('X: id, lower-case handle, status-link prefixes; extra ids kept', () => {
    const me = buildSelfIdentity({ platform: 'x', id: '289134506', handle: 'RoadInfoBC', url: null }, ['archive-id']);
    expect([...me.ids].sort()).toEqual(['289134506', 'archive-id']);
    expect([...me.handles]).toEqual(['roadinfobc']);
    expect(me.urlPrefixes).toContain('https://x.com/roadinfobc/status/');
  });
});

describe('computeCounts', () => {
  it('counts every kind and target once; excludedNonPublic passes through', () => {
    const set = makeSet(
      [
        original(0),
        original(1),
        reply(2, theirs(0, 'a')),
        reply(3, { id: 'b', url: null, author: unknownAuthor, createdAt: null }),
        reply(4, ours(0, 'c')),
        quote(5, theirs(0, 'd')),
        quote(6, ours(0, 'e')),
        repost(7, theirs(0, 'f', FIRE)),
        repost(8, ours(0, 'g')),
        post(9),
      ],
      { excludedNonPublic: 2 },
    );
    // original: 0, 1, 9 = 3; replyToOther: a and b (unknown counts as other) = 2; replyToSelf: c = 1;
    // one of each quote and repost split; replyTargetUnknown: b = 1.
    expect(computeCounts(set)).toEqual({
      items: 10,
      original: 3,
      replyToOther: 2,
      replyToSelf: 1,
      quoteToOther: 1,
      quoteToSelf: 1,
      repostToOther: 1,
      repostToSelf: 1,
      replyTargetUnknown: 1,
      excludedNonPublic: 2,
    });
  });
});
