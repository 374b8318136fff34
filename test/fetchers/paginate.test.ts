import { describe, expect, it } from 'vitest';
import { InterruptedError, PlatformError } from '../../src/errors.js';
import { paginate, type Page, type PaginateOptions } from '../../src/fetchers/paginate.js';
import { RateLimitError } from '../../src/http/client.js';
import type { Post } from '../../src/model/post.js';
import { DAY, HOUR, T0, post } from '../helpers/posts.js';

/**
 * The shared pagination loop, driven by an in-memory `fetchPage` that records every cursor it is
 * asked for. The window starts at T0 (2026-08-19T12:00Z); times are offsets from T0.
 */

type Served = Page<string> | Error;

/** A fake platform: page n answers `pages[n]` (a page, or an error to throw); records the cursors asked for. */
function platform(pages: Served[]) {
  const asked: (string | null)[] = [];
  const fetchPage = async (cursor: string | null): Promise<Page<string>> => {
    asked.push(cursor);
    const page = pages[asked.length - 1];
    if (page === undefined) throw new Error(`page ${asked.length} was not expected to be fetched`);
    if (page instanceof Error) throw page;
    return page;
  };
  return { asked, fetchPage };
}

/** Posts at the given offsets from T0, newest first as the caller lists them. */
const posts = (...offsets: number[]): Post[] => offsets.map((t) => post(t));

function run(pages: Served[], more: Partial<PaginateOptions<string>> = {}) {
  const p = platform(pages);
  const incomplete: string[] = [];
  const seenPages: { page: number; posts: number; oldestMs: number | null }[] = [];
  const gen = paginate<string>({
    fetchPage: p.fetchPage,
    sinceMs: T0,
    onIncomplete: (reason) => incomplete.push(reason),
    onPage: (info) => seenPages.push(info),
    ...more,
  });
  return { gen, asked: p.asked, incomplete, seenPages };
}

async function drain(gen: AsyncGenerator<Post>): Promise<Post[]> {
  const out: Post[] = [];
  for await (const p of gen) out.push(p);
  return out;
}

describe('paginate', () => {
  it('follows the cursor and stops when the platform gives no next cursor', async () => {
    const page1 = posts(5 * HOUR, 4 * HOUR);
    const page2 = posts(3 * HOUR);
    const { gen, asked, incomplete, seenPages } = run([
      { posts: page1, next: 'c1' },
      { posts: page2, next: null },
    ]);
    expect(await drain(gen)).toEqual([...page1, ...page2]);
    expect(asked).toEqual([null, 'c1']);
    expect(incomplete).toEqual([]);
    expect(seenPages).toEqual([
      { page: 1, posts: 2, oldestMs: T0 + 4 * HOUR },
      { page: 2, posts: 1, oldestMs: T0 + 3 * HOUR },
    ]);
  });

  it('stops once a page reaches back before sinceMs, without fetching the next page', async () => {
    // Page 2 holds a post 1 h before the window: everything older is outside it. The posts of
    // that page are still yielded (the caller drops those outside the window).
    const page1 = posts(5 * HOUR, 3 * HOUR);
    const page2 = posts(2 * HOUR, -1 * HOUR);
    const { gen, asked, incomplete } = run([
      { posts: page1, next: 'c1' },
      { posts: page2, next: 'c2' },
      { posts: posts(-2 * HOUR), next: 'c3' },
    ]);
    expect(await drain(gen)).toEqual([...page1, ...page2]);
    expect(asked).toEqual([null, 'c1']);
    expect(incomplete).toEqual([]);
  });

  it('stops on the first page when it already reaches back before the window', async () => {
    const { gen, asked } = run([{ posts: posts(HOUR, -DAY), next: 'c1' }]);
    expect(await drain(gen)).toHaveLength(2);
    expect(asked).toEqual([null]);
  });

  it('goes on when the oldest post sits exactly at sinceMs (older posts at the same instant may follow)', async () => {
    const { gen, asked } = run([
      { posts: posts(HOUR, 0), next: 'c1' },
      { posts: posts(-HOUR), next: 'c2' },
    ]);
    expect(await drain(gen)).toHaveLength(3);
    expect(asked).toEqual([null, 'c1']);
  });

  it('ignores pinned posts for the cut-off', async () => {
    // An old pinned post heads page 1 (as Bluesky serves it): it must not end the walk.
    const pinned = post(-30 * DAY, { pinned: true });
    const page1 = [pinned, ...posts(5 * HOUR, 4 * HOUR)];
    const page2 = posts(2 * HOUR, -HOUR);
    const { gen, asked, seenPages } = run([
      { posts: page1, next: 'c1' },
      { posts: page2, next: 'c2' },
    ]);
    expect(await drain(gen)).toEqual([...page1, ...page2]);
    expect(asked).toEqual([null, 'c1']);
    expect(seenPages[0]).toEqual({ page: 1, posts: 3, oldestMs: T0 + 4 * HOUR });
  });

  it('goes on past a page of only pinned posts, or an empty page with a cursor', async () => {
    // X may send a next_token with result_count 0 (platforms.md §1.5).
    const { gen, asked, seenPages } = run([
      { posts: [post(-30 * DAY, { pinned: true })], next: 'c1' },
      { posts: [], next: 'c2' },
      { posts: posts(HOUR), next: null },
    ]);
    expect(await drain(gen)).toHaveLength(2);
    expect(asked).toEqual([null, 'c1', 'c2']);
    expect(seenPages.map((p) => p.oldestMs)).toEqual([null, null, T0 + HOUR]);
  });

  it('an unreadable time does not hide the cut-off of the other posts on the page', async () => {
    const { gen, asked, seenPages } = run([
      { posts: [post(HOUR, { createdAt: 'not a time' }), ...posts(-HOUR)], next: 'c1' },
      { posts: posts(-2 * HOUR), next: null },
    ]);
    expect(await drain(gen)).toHaveLength(2);
    expect(asked).toEqual([null]);
    expect(seenPages[0]?.oldestMs).toBe(T0 - HOUR);
  });

  it('stops with onIncomplete when the platform repeats a cursor', async () => {
    const { gen, asked, incomplete } = run([
      { posts: posts(5 * HOUR), next: 'a' },
      { posts: posts(4 * HOUR), next: 'b' },
      { posts: posts(3 * HOUR), next: 'a' },
    ]);
    expect(await drain(gen)).toHaveLength(3);
    expect(asked).toEqual([null, 'a', 'b']);
    expect(incomplete).toEqual(['the platform sent the same page cursor twice (page 3); stopped there']);
  });

  it('compares cursors by cursorKey', async () => {
    // Mastodon-like cursors: the key is max_id; the extra field does not make the cursor new.
    type Cursor = { maxId: string; limit: number };
    const asked: (Cursor | null)[] = [];
    const answers: Page<Cursor>[] = [
      { posts: posts(5 * HOUR), next: { maxId: '9', limit: 40 } },
      { posts: posts(4 * HOUR), next: { maxId: '9', limit: 20 } },
    ];
    const incomplete: string[] = [];
    const gen = paginate<Cursor>({
      fetchPage: async (cursor) => {
        asked.push(cursor);
        return answers[asked.length - 1] as Page<Cursor>;
      },
      cursorKey: (c) => c.maxId,
      sinceMs: T0,
      onIncomplete: (r) => incomplete.push(r),
    });
    expect(await drain(gen)).toHaveLength(2);
    expect(asked).toEqual([null, { maxId: '9', limit: 40 }]);
    expect(incomplete).toHaveLength(1);
  });

  it('a RateLimitError on page 2 ends the walk as incomplete, after yielding page 1', async () => {
    const page1 = posts(5 * HOUR, 4 * HOUR);
    const limited = new RateLimitError('X GET /2/users/:id/tweets is rate-limited until 2026-08-20T16:00:00.000Z (20 min away), longer than --max-wait 15 min; run again later or raise --max-wait', 1_787_241_600_000);
    const { gen, asked, incomplete } = run([{ posts: page1, next: 'c1' }, limited]);
    expect(await drain(gen)).toEqual(page1);
    expect(asked).toEqual([null, 'c1']);
    expect(incomplete).toEqual([limited.message]);
  });

  it('a RateLimitError on page 1 is thrown: there is nothing to report', async () => {
    const limited = new RateLimitError('rate-limited', 0);
    const { gen, incomplete } = run([limited]);
    await expect(drain(gen)).rejects.toBe(limited);
    expect(incomplete).toEqual([]);
  });

  it('a RateLimitError after pages that came empty (with a cursor) is thrown too: still nothing to report', async () => {
    const limited = new RateLimitError('rate-limited', 0);
    const { gen, asked, incomplete } = run([{ posts: [], next: 'c1' }, { posts: [], next: 'c2' }, limited]);
    await expect(drain(gen)).rejects.toBe(limited);
    expect(asked).toEqual([null, 'c1', 'c2']);
    expect(incomplete).toEqual([]);
  });

  it('any other error on a later page is thrown', async () => {
    const down = new PlatformError('X GET /2/users/:id/tweets kept failing (HTTP 503 after 4 tries); the platform may be down, try again later');
    const { gen, incomplete } = run([{ posts: posts(5 * HOUR), next: 'c1' }, down]);
    const got: Post[] = [];
    await expect(
      (async () => {
        for await (const p of gen) got.push(p);
      })(),
    ).rejects.toBe(down);
    expect(got).toHaveLength(1);
    expect(incomplete).toEqual([]);
  });

  it('an aborted signal before the first page fetches nothing', async () => {
    const { gen, asked } = run([{ posts: posts(HOUR), next: null }], { signal: AbortSignal.abort() });
    await expect(gen.next()).rejects.toBeInstanceOf(InterruptedError);
    expect(asked).toEqual([]);
  });

  it('an abort between pages stops before the next page', async () => {
    const controller = new AbortController();
    const { gen, asked } = run(
      [
        { posts: posts(5 * HOUR, 4 * HOUR), next: 'c1' },
        { posts: posts(3 * HOUR), next: null },
      ],
      { signal: controller.signal },
    );
    expect((await gen.next()).done).toBe(false);
    expect((await gen.next()).done).toBe(false);
    controller.abort();
    await expect(gen.next()).rejects.toBeInstanceOf(InterruptedError);
    expect(asked).toEqual([null]);
  });

  it('is lazy: a page is fetched only when the consumer asks for a post beyond the previous one', async () => {
    const page1 = posts(5 * HOUR, 4 * HOUR);
    const page2 = posts(3 * HOUR);
    const { gen, asked } = run([
      { posts: page1, next: 'c1' },
      { posts: page2, next: null },
    ]);
    expect(asked).toEqual([]);
    expect(await gen.next()).toEqual({ done: false, value: page1[0] });
    expect(asked).toEqual([null]);
    expect(await gen.next()).toEqual({ done: false, value: page1[1] });
    expect(asked).toEqual([null]);
    expect(await gen.next()).toEqual({ done: false, value: page2[0] });
    expect(asked).toEqual([null, 'c1']);
    expect(await gen.next()).toEqual({ done: true, value: undefined });
    expect(asked).toEqual([null, 'c1']);
  });

  it('a consumer that stops early leaves the later pages unfetched', async () => {
    const { gen, asked } = run([
      { posts: posts(5 * HOUR, 4 * HOUR), next: 'c1' },
      { posts: posts(3 * HOUR), next: null },
    ]);
    for await (const p of gen) {
      expect(p).toBeDefined();
      break;
    }
    expect(asked).toEqual([null]);
  });
});
