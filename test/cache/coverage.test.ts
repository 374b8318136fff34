import { describe, expect, it } from 'vitest';
import { addSpan, missingSpans, normalizeSpans, planWalks, SETTLE_MS, walkCoverage, type Span } from '../../src/cache/coverage.js';
import type { Post } from '../../src/model/post.js';
import { HOUR, post, T0 } from '../helpers/posts.js';

/** Spans in hours, for readable tables. */
const s = (fromH: number, untilH: number): Span => ({ fromMs: fromH * HOUR, untilMs: untilH * HOUR });

describe('normalizeSpans', () => {
  it.each([
    ['sorts', [s(5, 6), s(1, 2)], [s(1, 2), s(5, 6)]],
    ['joins overlapping spans', [s(1, 4), s(3, 6)], [s(1, 6)]],
    ['joins touching spans (half-open: [1,3) and [3,5) leave no gap)', [s(3, 5), s(1, 3)], [s(1, 5)]],
    ['drops empty and inverted spans', [s(2, 2), s(4, 3), s(1, 2)], [s(1, 2)]],
    ['keeps a span inside another once', [s(1, 10), s(2, 3)], [s(1, 10)]],
  ])('%s', (_why, input, expected) => {
    expect(normalizeSpans(input)).toEqual(expected);
  });

  it('does not change its input', () => {
    const input = [s(1, 4), s(3, 6)];
    normalizeSpans(input);
    expect(input).toEqual([s(1, 4), s(3, 6)]);
    expect(addSpan(input, s(6, 7))).toEqual([s(1, 7)]);
  });
});

describe('missingSpans: what the cache lacks of the window, newest first', () => {
  it.each([
    ['an empty cache lacks the whole window', [], s(0, 10), [s(0, 10)]],
    ['a cache holding the window lacks nothing', [s(-5, 20)], s(0, 10), []],
    ['only the newest part (the common second run)', [s(-5, 8)], s(0, 10), [s(8, 10)]],
    ['only the oldest part (a month audited after a later one)', [s(4, 20)], s(0, 10), [s(0, 4)]],
    ['a hole left by an interrupted walk, and the newest part', [s(-5, 3), s(6, 9)], s(0, 10), [s(9, 10), s(3, 6)]],
    ['a cache beside the window lacks all of it', [s(10, 20)], s(0, 10), [s(0, 10)]],
  ])('%s', (_why, covered, want, expected) => {
    expect(missingSpans(covered, want)).toEqual(expected);
  });
});

describe('planWalks', () => {
  it.each([
    ['nothing to fetch', [s(-5, 20)], true, []],
    ['X/Mastodon: one walk per missing part, newest first', [s(-5, 3), s(6, 9)], true, [s(9, 10), s(3, 6)]],
    ['Bluesky: one walk from the newest missing part down to the oldest', [s(-5, 3), s(6, 9)], false, [s(3, 10)]],
    ['Bluesky: the common second run is one short walk', [s(-5, 9)], false, [s(9, 10)]],
  ])('%s', (_why, covered, startsAtUntil, expected) => {
    expect(planWalks(covered, s(0, 10), startsAtUntil)).toEqual(expected);
  });
});

describe('walkCoverage: what one walk proves it has seen', () => {
  const startedAt = 100 * HOUR;
  /** Posts at these hours, newest first as served. */
  const at = (...hours: number[]): Post[] => hours.map((h) => post(h * HOUR - T0));
  const pinnedAt = (h: number): Post => ({ ...post(h * HOUR - T0), pinned: true });

  it.each<[string, Span, Post[], boolean, Span | null]>([
    ['a whole walk past its start: from just after the oldest post to the window end', s(10, 50), at(40, 30, 20, 9), true, { fromMs: 9 * HOUR + 1, untilMs: 50 * HOUR }],
    ['a whole walk that served nothing older than its start (X start_time, end of history)', s(10, 50), at(40, 30, 20), true, s(10, 50)],
    ['a whole walk of an empty window', s(10, 50), [], true, s(10, 50)],
    ['a walk stopped early: only down to the oldest post read', s(10, 50), at(40, 30), false, { fromMs: 30 * HOUR + 1, untilMs: 50 * HOUR }],
    ['a walk stopped before any post', s(10, 50), [], false, null],
    ['posts newer than the window (Bluesky reads from the top) extend it', s(10, 50), at(70, 40, 9), true, { fromMs: 9 * HOUR + 1, untilMs: 70 * HOUR + 1 }],
    ['a pinned post sets neither end', s(10, 50), [pinnedAt(1), ...at(40, 20)], false, { fromMs: 20 * HOUR + 1, untilMs: 50 * HOUR }],
  ])('%s', (_why, walk, posts, complete, expected) => {
    expect(walkCoverage(walk, posts, complete, startedAt)).toEqual(expected);
  });

  it('never covers the last SETTLE_MS before the walk began', () => {
    const span = walkCoverage(s(10, 200), at(99.99, 50, 9), true, startedAt);
    expect(span).toEqual({ fromMs: 9 * HOUR + 1, untilMs: startedAt - SETTLE_MS });
    expect(walkCoverage({ fromMs: startedAt - SETTLE_MS / 2, untilMs: startedAt }, [], true, startedAt)).toBeNull();
  });
});
