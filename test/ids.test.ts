import { describe, expect, it } from 'vitest';
import { atUriAuthority, mastodonIdMs, mastodonStatusId, snowflakeMs, tidMs, timeFromId } from '../src/ids.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Real ids with their published times (sources in ../shared/spec/platforms.md §0). */
describe('times hidden in ids', () => {
  it.each([
    // X docs data dictionary: created_at 2019-12-31T19:26:16.000Z (the id adds the milliseconds)
    ['1212092628029698048', '2019-12-31T19:26:16.771Z'],
    // rust-utilities/twitter-archive sample: created_at "Sat Aug 12 16:10:37 +0000 2023"
    ['1690395372546301952', '2023-08-12T16:10:37.499Z'],
    // a reply target in the real Congress set: (722782342876676096 >> 22) + 1288834974657 = 1461159713845
    ['722782342876676096', '2016-04-20T13:41:53.845Z'],
  ])('X snowflake %s → %s', (id, expected) => {
    expect(iso(snowflakeMs(id))).toBe(expected);
  });

  it('pre-snowflake tweet ids and non-ids carry no time', () => {
    expect(snowflakeMs('20')).toBeNull(); // the first tweet ever, 2006: a plain counter
    expect(snowflakeMs('29700859247')).toBeNull();
    expect(snowflakeMs('12abc')).toBeNull();
    expect(snowflakeMs('')).toBeNull();
  });

  it.each([
    // Mastodon docs example: created_at 2022-08-24T22:29:46.493Z; the id was taken 6 ms earlier
    ['108880211901672326', '2022-08-24T22:29:46.487Z'],
    // a real Dec-2024 archive excerpt: published 2024-12-05T10:39:15Z
    ['113599784910969099', '2024-12-05T10:39:15.501Z'],
  ])('Mastodon id %s → %s', (id, expected) => {
    expect(iso(mastodonIdMs(id))).toBe(expected);
  });

  it('Mastodon ids from before the snowflake switch (2017) are counters with no time', () => {
    expect(mastodonIdMs('55864')).toBeNull();
  });

  it('Mastodon status URLs and web URLs give their id', () => {
    expect(mastodonStatusId('https://indieweb.social/users/dealingwith/statuses/112345678901234567')).toBe('112345678901234567');
    expect(mastodonStatusId('https://mstdn.bc.example/@RoadInfoBC/117122616538420235')).toBe('117122616538420235');
    expect(mastodonStatusId('https://misskey.example/notes/9abcdef')).toBeNull();
    expect(iso(timeFromId('mastodon', 'https://a.example/users/x/statuses/113599784910969099'))).toBe('2024-12-05T10:39:15.501Z');
  });

  it('Bluesky TID record keys: atproto#2134 rkey 3k3m7meqhcb2g, createdAt 19:50:30.338Z, TID minted 0.75 s later', () => {
    expect(iso(tidMs('3k3m7meqhcb2g'))).toBe('2023-07-28T19:50:31.091Z');
    expect(iso(timeFromId('bluesky', 'at://did:plc:abc/app.bsky.feed.post/3k3m7meqhcb2g'))).toBe('2023-07-28T19:50:31.091Z');
    expect(tidMs('self')).toBeNull(); // a record key that is not a TID
    expect(tidMs('zzzzzzzzzzzzz')).toBeNull(); // top bit set: not a valid TID
    expect(atUriAuthority('at://did:plc:abc/app.bsky.feed.post/3k3m7meqhcb2g')).toBe('did:plc:abc');
  });
});
