import { buildSelfIdentity, toAuditItem } from '../../src/metrics/kinds.js';
import { DEFAULT_PHRASES } from '../../src/metrics/self-promotion.js';
import type { MetricContext, PostSet, SelfIdentity } from '../../src/metrics/types.js';
import type { AuthorRef, Post, PostRef } from '../../src/model/post.js';

/**
 * Post factories for metric tests, on a fixed clock: every time is an offset from `T0`
 * (2026-08-19T12:00:00.000Z, the day of the RoadInfo BC scenario). No factory reads the clock.
 */
export const T0 = Date.UTC(2026, 7, 19, 12, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** `T0 + offset` as an ISO instant. */
export function at(offsetMs: number): string {
  return new Date(T0 + offsetMs).toISOString();
}

/** The audited account of the tests: RoadInfo BC on X. */
export const SELF_ID = '289134506';
export const SELF_HANDLE = 'RoadInfoBC';
export const SELF: AuthorRef = { id: SELF_ID, handle: SELF_HANDLE };
export const self: SelfIdentity = buildSelfIdentity({ platform: 'x', id: SELF_ID, handle: SELF_HANDLE, url: null });

/** Another account; ids are made up but stable. */
export function person(handle: string, id: string | null = `id-${handle}`): AuthorRef {
  return { id, handle };
}
export const PETE = person('peachland_pete', '1404259985126469632');
export const FIRE = person('BCFireUpdates', '580221473');

/** A reference to a post; `time` is an offset from T0 (null: the payload gives no time). */
export function ref(author: AuthorRef, id: string | null, time: number | null = null, url: string | null = null): PostRef {
  return { id, url, author, createdAt: time === null ? null : at(time) };
}

let counter = 0;

/** A post by the audited account at `T0 + time`; every field can be overridden. */
export function post(time: number, over: Partial<Post> = {}): Post {
  counter += 1;
  return {
    id: `p${counter}`,
    platform: 'x',
    url: null,
    author: SELF,
    createdAt: at(time),
    text: 'Road update.',
    visibility: 'public',
    replyTo: null,
    quoteOf: null,
    repostOf: null,
    links: [],
    mentions: [],
    hashtags: [],
    ...over,
  };
}

export const original = (time: number, over: Partial<Post> = {}): Post => post(time, over);
export const reply = (time: number, target: PostRef, over: Partial<Post> = {}): Post =>
  post(time, { text: 'Thanks, we are looking into it.', replyTo: target, ...over });
export const quote = (time: number, target: PostRef, over: Partial<Post> = {}): Post =>
  post(time, { text: 'Worth reading.', quoteOf: target, ...over });
export const repost = (time: number, target: PostRef, over: Partial<Post> = {}): Post =>
  post(time, { text: '', repostOf: target, ...over });

/** A target post by someone else (id `t-<n>` unless given), written at `T0 + time`. */
export function theirs(time: number | null, id: string, author: AuthorRef = PETE): PostRef {
  return ref(author, id, time);
}
/** A target post by the audited account itself. */
export function ours(time: number | null, id: string): PostRef {
  return ref(SELF, id, time);
}

/** Window used by `makeSet` unless told: the whole of August 2026. */
export const WINDOW = { sinceMs: Date.UTC(2026, 7, 1), untilMs: Date.UTC(2026, 8, 1), timeZone: 'UTC' };

/**
 * The PostSet of the given posts: all of them in `allItems`, those in the window in `items`,
 * both oldest first (as `collect` builds it).
 */
export function makeSet(
  posts: readonly Post[],
  opts: { window?: { sinceMs: number; untilMs: number }; self?: SelfIdentity; excludedNonPublic?: number } = {},
): PostSet {
  const who = opts.self ?? self;
  const window = opts.window ?? WINDOW;
  const allItems = posts.map((p) => toAuditItem(p, who)).sort((a, b) => a.ms - b.ms);
  const items = allItems.filter((i) => i.ms >= window.sinceMs && i.ms < window.untilMs);
  return { self: who, items, allItems, excludedNonPublic: opts.excludedNonPublic ?? 0 };
}

/**
 * A metric context with empty settings and the default phrases, over `WINDOW` unless told: no
 * business hours, the default 7-day give-up window (metrics.md §9), no inbound data.
 */
export function makeCtx(over: Partial<MetricContext> = {}): MetricContext {
  return {
    window: WINDOW,
    website: null,
    ownDomains: [],
    ownHashtags: [],
    affiliates: [],
    phrases: DEFAULT_PHRASES,
    businessHours: null,
    giveUpAfterMs: 7 * DAY,
    inbound: null,
    ...over,
  };
}
