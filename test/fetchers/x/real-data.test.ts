import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInput } from '../../../src/fetchers/archive/tree.js';
import type { InputSource } from '../../../src/fetchers/types.js';
import { readXArchive } from '../../../src/fetchers/x/archive.js';
import { readXv1 } from '../../../src/fetchers/x/v1.js';
import { snowflakeMs } from '../../../src/ids.js';
import { PostSchema, type Post } from '../../../src/model/post.js';
import { REAL_DATA } from '../../helpers/real-data.js';

/**
 * Real public data (shared/real-data/README.md), read in place and never copied into the repo.
 * Every count asserted here was also computed independently with a short Python script over the
 * raw JSON (json.loads after stripping `window.YTD… =`), using the rules of metrics.md §2.2.
 */
const REAL = REAL_DATA;
const ANDRE = join(REAL, 'twitter-archive-andreruffert');
const CONGRESS = join(REAL, 'congress-2016-timelines', 'tweets');

async function drain(source: InputSource): Promise<Post[]> {
  const posts: Post[] = [];
  for await (const post of source.posts) posts.push(post);
  return posts;
}

describe.skipIf(!existsSync(ANDRE))('real X archive: @andreruffert (2010-2022)', () => {
  it('reads every tweet with the references metrics.md §2.2 asks for', async () => {
    const source = await readXArchive(await openInput(ANDRE));
    expect(source.account).toMatchObject({ id: '112769581', handle: 'andreruffert', displayName: 'André Ruffert' });
    const posts = await drain(source);
    expect(source.stats.skipped).toBe(0);
    expect(posts).toHaveLength(1986);
    for (const post of posts) PostSchema.parse(post);

    const reposts = posts.filter((p) => p.repostOf !== null);
    const replies = posts.filter((p) => p.replyTo?.id != null);
    const addressed = posts.filter((p) => p.replyTo !== null && p.replyTo.id === null);
    // Python: full_text starts with "RT @" → 643; 632 name a mention with a real id, 11 have the
    // id "-1" the archive writes for accounts that no longer exist.
    expect(reposts).toHaveLength(643);
    expect(reposts.every((p) => p.repostOf!.author.handle !== null && p.text === '')).toBe(true);
    expect(reposts.filter((p) => p.repostOf!.author.id !== null)).toHaveLength(632);
    // Python: in_reply_to_status_id_str present → 485 (none of them retweets); 65 to 112769581.
    expect(replies).toHaveLength(485);
    expect(replies.filter((p) => p.replyTo!.author.id === '112769581')).toHaveLength(65);
    // Python: 15 of those replies have no in_reply_to_screen_name.
    expect(replies.filter((p) => p.replyTo!.author.handle === null)).toHaveLength(15);
    // Python: in_reply_to_user_id_str without a status id → 68.
    expect(addressed).toHaveLength(68);
    // Python: non-retweets with a twitter.com / x.com status link in entities.urls → 92.
    expect(posts.filter((p) => p.quoteOf !== null)).toHaveLength(92);
    // Python: non-retweets with a link left after removing every link to the quoted status
    // (1216148853872898053 links it twice, once with ?s=21) → 690 tweets, 707 links.
    expect(posts.filter((p) => p.links.length > 0)).toHaveLength(690);
    expect(posts.reduce((n, p) => n + p.links.length, 0)).toBe(707);
    expect(posts.some((p) => p.text.includes('&amp;'))).toBe(false);
  });

  it('takes the milliseconds from snowflake ids when they agree with created_at to the second', async () => {
    const posts = await drain(await readXArchive(await openInput(ANDRE)));
    const withoutTime = posts.filter((p) => snowflakeMs(p.id) === null);
    expect(withoutTime).toHaveLength(4);
    expect(withoutTime.every((p) => p.createdAt.endsWith('.000Z'))).toBe(true);
    // Python: 5 snowflakes fall 1-30 ms before their created_at second (e.g. 523593823029850115
    // decodes to 21:57:49.970, created_at says 21:57:50); those keep the created_at second.
    const disagree = posts.filter((p) => {
      const ms = snowflakeMs(p.id);
      return ms !== null && p.createdAt !== new Date(ms).toISOString();
    });
    expect(disagree.map((p) => p.id).sort()).toEqual([
      '385324477179248640',
      '428657580714778624',
      '501462292853440513',
      '517231122695331840',
      '523593823029850115',
    ]);
    expect(disagree.every((p) => p.createdAt.endsWith('.000Z'))).toBe(true);
  });
});

describe.skipIf(!existsSync(CONGRESS))('real X API v1.1 timelines: US Congress 2016', () => {
  it('parses RepMarthaRoby’s 200 tweets (user trimmed to ids)', async () => {
    const doc = JSON.parse(readFileSync(join(CONGRESS, '224294785.json'), 'utf8')) as unknown;
    const source = readXv1([doc], '224294785.json');
    const posts = await drain(source);
    expect(source.stats.skipped).toBe(0);
    expect(posts).toHaveLength(200);
    expect(new Set(posts.map((p) => JSON.stringify(p.author)))).toEqual(new Set(['{"id":"224294785","handle":null}']));
    // Python over the same file: 25 retweets, 62 replies (54 to herself), 13 quotes among non-retweets.
    expect(posts.filter((p) => p.repostOf !== null)).toHaveLength(25);
    const replies = posts.filter((p) => p.replyTo?.id != null);
    expect(replies).toHaveLength(62);
    expect(replies.filter((p) => p.replyTo!.author.id === '224294785')).toHaveLength(54);
    expect(posts.filter((p) => p.quoteOf !== null)).toHaveLength(13);
  });

  it('reads all 18 files: 3,600 tweets, 860 reposts, 452 replies, 18 addressed to a user only', async () => {
    const docs = readdirSync(CONGRESS)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(CONGRESS, f), 'utf8')) as unknown);
    const source = readXv1(docs, 'congress');
    const posts = await drain(source);
    expect(source.stats.skipped).toBe(0);
    expect(posts).toHaveLength(3600);
    // Python: retweeted_status present or text starting "RT @" → 859 + 1 manual RT = 860.
    expect(posts.filter((p) => p.repostOf !== null)).toHaveLength(860);
    expect(posts.filter((p) => p.repostOf !== null && p.repostOf.id === null)).toHaveLength(1);
    expect(posts.filter((p) => p.replyTo?.id != null)).toHaveLength(452);
    expect(posts.filter((p) => p.replyTo !== null && p.replyTo.id === null)).toHaveLength(18);
    // Python: is_quote_status on non-retweets → 144, all with quoted_status.
    const quotes = posts.filter((p) => p.quoteOf !== null);
    expect(quotes).toHaveLength(144);
    expect(quotes.every((p) => p.quoteOf!.id !== null && p.quoteOf!.createdAt !== null)).toBe(true);
    // The README checked created_at against the snowflake on all 3,600: within 1 s.
    expect(posts.every((p) => p.createdAt === new Date(snowflakeMs(p.id)!).toISOString())).toBe(true);
  });
});
