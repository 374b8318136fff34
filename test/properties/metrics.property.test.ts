import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gather, selectWindow } from '../../src/collect.js';
import type { BusinessHours } from '../../src/config.js';
import { selectInbound } from '../../src/inbound.js';
import { measureAll, type Measurements } from '../../src/metrics/index.js';
import { DEFAULT_PHRASES } from '../../src/metrics/self-promotion.js';
import type { MetricContext } from '../../src/metrics/types.js';
import type { AccountInfo, AuthorRef, Post, PostRef, Visibility } from '../../src/model/post.js';
import { DEFAULT_SCORING_MODEL } from '../../src/scoring/model.js';
import { buildRecommendations } from '../../src/scoring/recommendations.js';
import { scoreAudit, type ScoredAudit } from '../../src/scoring/score.js';

/**
 * Properties of the measuring pipeline (issue "Prove it", properties): for any set of posts the
 * real pieces run as an audit runs them (`gather` → `selectWindow` → `selectInbound` →
 * `measureAll` → `scoreAudit` → `buildRecommendations`), and
 * - the three mix shares sum to 1 when there are items (null when there are none);
 * - every ratio and share is in [0, 1] or null, and every duration is at least 0;
 * - the score is an integer in [0, 100], or null with NO_ACTIVITY exactly when there are no items;
 * - the results do not change when the input comes in another order or with items repeated.
 *
 * The last is checked by deep equality with no sorting of evidence lists, and need not be
 * relaxed: `gather` orders the posts by time and then id, and `selectInbound` the messages, and
 * every list (slowest replies, self-promotional items, templates, unanswered messages, broadcast
 * runs, recommendations' evidence) follows that order or sorts with it as the last tie-break, so
 * equal times never fall to input order. Distinct posts have distinct ids here, as on the
 * platforms; two different posts under one id is a conflict whose outcome may legitimately
 * depend on which is read first. The source names its owner (as an archive or a live fetch does);
 * without it, `gather` names the account by its newest post's handle and counts every handle its
 * posts were written under as its own, so a renamed account does not depend on the order either
 * (test/collect.test.ts).
 *
 * Generated posts are the audited account's (RoadInfoBC on X) and, mixed in, posts by others:
 * originals, replies (to its own posts, to people, to unknown authors, addressed to a user without
 * a post), quotes and reposts; any visibility; times in and around August 2026 on a coarse grid
 * (so that ties happen) or to the second, and at the window's edges; links home and elsewhere,
 * its own and other hashtags, mentions of an affiliate, promotional wording and near-identical
 * replies. Inbound posts by others mention the account or reply to its posts, and the account's
 * replies answer some of them. One handle belongs to two ids (a handle reused after a rename).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SINCE = Date.UTC(2026, 7, 1);
const UNTIL = Date.UTC(2026, 8, 1);
const TWITTER_EPOCH_MS = 1288834974657;

const SELF_ID = '289134506';
const SELF_HANDLE = 'RoadInfoBC';

interface Person {
  id: string;
  handle: string;
}
const SELF: Person = { id: SELF_ID, handle: SELF_HANDLE };
/** Other people, each with one id and one handle; TranBC is an affiliate in some contexts. */
const PEOPLE: Person[] = [
  { id: '1404259985126469632', handle: 'peachland_pete' },
  { id: '580221473', handle: 'BCFireUpdates' },
  { id: '1124378617443254272', handle: 'okanagan_kat' },
  { id: '2318844270', handle: 'truckerdave_bc' },
  { id: '14117766', handle: 'TranBC' },
  // peachland_pete's handle again under another id, as after a rename and reuse: a handle alone
  // then names neither for certain (response-rate.ts AuthorKeys).
  { id: '777', handle: 'Peachland_Pete' },
];

const OFFICE: BusinessHours = {
  timeZone: 'America/Vancouver',
  days: { mon: ['08:00', '17:00'], tue: ['08:00', '17:00'], wed: ['08:00', '17:00'], thu: ['08:00', '17:00'], fri: ['08:00', '16:30'] },
  holidays: ['2026-08-03'],
};

// ---------------------------------------------------------------------------------------------
// Arbitraries.

/** An instant around the window: on an hour grid (ties), to the second, or at an edge. */
const instantArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5 * 24, max: 36 * 24 }).map((h) => SINCE + h * HOUR) },
  { weight: 2, arbitrary: fc.integer({ min: -5 * 86_400, max: 36 * 86_400 }).map((s) => SINCE + s * 1000) },
  { weight: 1, arbitrary: fc.constantFrom(SINCE - 1, SINCE, SINCE + 1, UNTIL - 1, UNTIL, UNTIL + 1) },
);

/** How a post names a person: id and handle, one of them (the handle in any case, maybe with @), or neither. */
function authorArb(person: Person): fc.Arbitrary<AuthorRef> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ id: person.id, handle: person.handle }) },
    { weight: 1, arbitrary: fc.constant({ id: person.id, handle: null }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(person.handle, person.handle.toLowerCase(), person.handle.toUpperCase(), `@${person.handle}`).map((handle) => ({
        id: null,
        handle,
      })),
    },
  );
}
const anyPersonArb = fc.constantFrom(...PEOPLE);
const UNKNOWN: AuthorRef = { id: null, handle: null };

/** An X snowflake id made from an instant (so a target's time can come from its id). */
function snowflake(ms: number, seq: number): string {
  return ((BigInt(ms - TWITTER_EPOCH_MS) << 22n) + BigInt(seq)).toString();
}

/** A reference to be completed once every post has its id: to the account's own post or an inbound post, by index. */
interface Target {
  ref: PostRef;
  to: 'own' | 'inbound' | null;
  pick: number;
}

/**
 * A target of a reply, quote or repost: whose post (the account's own, a self-thread; someone
 * else's; nobody known), and which: an id from a small pool (so that several replies answer one
 * post), a snowflake of its time, one of the account's generated posts, one of the inbound posts
 * (an answer to a message), or no id (a reply addressed to a user without a post); its time is
 * given or not.
 */
const refArb = (allowNullId: boolean): fc.Arbitrary<Target> =>
  fc
    .record({
      whose: fc.constantFrom('self', 'other', 'other', 'unknown'),
      self: authorArb(SELF),
      other: anyPersonArb.chain(authorArb),
      idKind: allowNullId
        ? fc.constantFrom('pool', 'snowflake', 'own', 'inbound', 'inbound', 'null')
        : fc.constantFrom('pool', 'snowflake', 'own', 'inbound'),
      pool: fc.integer({ min: 1, max: 8 }),
      pick: fc.nat(),
      time: instantArb.map((ms) => ms - 3 * HOUR),
      timeGiven: fc.boolean(),
    })
    .map(({ whose, self, other, idKind, pool, pick, time, timeGiven }): Target => {
      const author = whose === 'self' ? self : whose === 'other' ? other : UNKNOWN;
      const id = idKind === 'pool' ? `t${pool}` : idKind === 'snowflake' ? snowflake(time, pool) : idKind === 'null' ? null : 'later';
      const ref: PostRef = { id, url: null, author, createdAt: timeGiven ? new Date(time).toISOString() : null };
      return { ref, to: idKind === 'own' || idKind === 'inbound' ? idKind : null, pick };
    });

const TEXTS = [
  'Road update.',
  'Thanks, we are looking into it.',
  'Thanks @peachland_pete, we are looking into it now.',
  'Thanks @okanagan_kat, we are looking into it now.',
  'Thanks @truckerdave_bc, we are looking into it now!',
  'Check out our new travel planner https://roadinfobc.example/planner',
  "We're proud to announce the reopening of Hwy 97.",
  'Is the Coquihalla open?',
  'Follow us for updates #DriveBC',
  '',
  '   ',
  'Hwy 1 closed at km 23 due to a collision. Detour via Hwy 7.',
  'Hwy 1 closed at km 41 due to a collision. Detour via Hwy 7.',
  'Ｃｈｅｃｋ ｏｕｔ ｏｕｒ app ¿qué?',
];
const LINKS = ['https://roadinfobc.example/', 'https://www.roadinfobc.example/events', 'https://drivebc.ca/x', 'https://news.example/story', 'not a url'];
const HASHTAGS = ['DriveBC', 'drivebc', 'BCHwy97', 'wildfire', 'ＤｒｉｖｅＢＣ'];

type Kind = 'original' | 'reply' | 'quote' | 'repost' | 'reply+quote';

interface Blueprint {
  kind: Kind;
  ms: number;
  text: string;
  visibility: Visibility;
  target: Target;
  quoted: Target;
  links: string[];
  hashtags: string[];
  mentions: AuthorRef[];
  pinned: boolean | undefined;
  conversation: number | null;
  /** The author spelled with its handle (else by id alone: still the same author). */
  withHandle: boolean;
}

/** Conversation ids: made-up ones, and (as X's `conversation_id` is) the root post's own id. */
const CONVERSATIONS = ['conv1', 'conv2', 't1', 't2', 'o0', 'o1', 'i0', 'i1'];

const blueprintArb: fc.Arbitrary<Blueprint> = fc.record({
  kind: fc.constantFrom<Kind>('original', 'original', 'reply', 'reply', 'reply', 'quote', 'repost', 'reply+quote'),
  ms: instantArb,
  text: fc.constantFrom(...TEXTS),
  visibility: fc.constantFrom<Visibility>('public', 'public', 'public', 'unlisted', 'private', 'direct'),
  target: refArb(true),
  quoted: refArb(false),
  links: fc.subarray(LINKS, { maxLength: 2 }),
  hashtags: fc.subarray(HASHTAGS, { maxLength: 2 }),
  mentions: fc.array(anyPersonArb.chain(authorArb), { maxLength: 2 }),
  pinned: fc.constantFrom(undefined, false, true),
  conversation: fc.option(fc.nat(), { nil: null }),
  withHandle: fc.boolean(),
});

/**
 * The account's posts, ids `o0`, `o1`…; an `own` target is one of them, an `inbound` target one
 * of the inbound posts `i0`, `i1`… (its author and time as that post gives them).
 */
function buildOwn(blueprints: readonly Blueprint[], inbound: readonly InboundBlueprint[]): Post[] {
  const ids = blueprints.map((_, i) => `o${i}`);
  const resolve = ({ ref, to, pick }: Target): PostRef => {
    if (to === 'own') return { ...ref, id: ids[pick % ids.length] as string, author: { id: SELF_ID, handle: SELF_HANDLE } };
    const message = to === 'inbound' ? inbound[pick % Math.max(1, inbound.length)] : undefined;
    if (message !== undefined) {
      const k = pick % inbound.length;
      return { ...ref, id: `i${k}`, author: message.authorRef, createdAt: ref.createdAt === null ? null : new Date(message.ms).toISOString() };
    }
    return to === null ? ref : { ...ref, id: 't1' };
  };
  return blueprints.map((b, i) => ({
    id: ids[i] as string,
    platform: 'x',
    url: `https://x.com/${SELF_HANDLE}/status/o${i}`,
    author: b.withHandle ? { id: SELF_ID, handle: SELF_HANDLE } : { id: SELF_ID, handle: null },
    createdAt: new Date(b.ms).toISOString(),
    text: b.kind === 'repost' ? '' : b.text,
    visibility: b.visibility,
    replyTo: b.kind === 'reply' || b.kind === 'reply+quote' ? resolve(b.target) : null,
    quoteOf: b.kind === 'quote' || b.kind === 'reply+quote' ? resolve(b.quoted) : null,
    repostOf: b.kind === 'repost' ? resolve(b.quoted) : null,
    links: b.links,
    mentions: b.mentions,
    hashtags: b.hashtags,
    ...(b.pinned === undefined ? {} : { pinned: b.pinned }),
    ...(b.conversation === null ? {} : { conversationId: CONVERSATIONS[b.conversation % CONVERSATIONS.length] as string }),
  }));
}

interface InboundBlueprint {
  author: Person;
  authorRef: AuthorRef;
  ms: number;
  text: string;
  visibility: Visibility;
  /** Replies to one of the account's posts (its index), else to a pool post, else none. */
  replyToOwn: number | null;
  replyToPool: number | null;
  mentionsSelf: AuthorRef | null;
  repost: boolean;
  conversation: number | null;
}

const inboundArb: fc.Arbitrary<InboundBlueprint> = anyPersonArb.chain((author) =>
  fc.record({
    author: fc.constant(author),
    authorRef: authorArb(author),
    ms: instantArb,
    text: fc.constantFrom('Is Hwy 97 open?', 'Thanks!', 'Road closed near Peachland', '¿Está abierta la carretera?', 'See https://x.example/?q=1'),
    visibility: fc.constantFrom<Visibility>('public', 'public', 'unlisted', 'private'),
    replyToOwn: fc.option(fc.nat(), { nil: null }),
    replyToPool: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
    mentionsSelf: fc.option(authorArb(SELF), { nil: null }),
    repost: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    conversation: fc.option(fc.nat(), { nil: null }),
  }),
);

/** Posts by others, ids `i0`, `i1`…; replies to own posts point at one of `own`. */
function buildInbound(blueprints: readonly InboundBlueprint[], own: readonly Post[]): Post[] {
  return blueprints.map((b, i) => {
    const ownTarget = b.replyToOwn !== null && own.length > 0 ? own[b.replyToOwn % own.length] : undefined;
    const replyTo: PostRef | null =
      ownTarget !== undefined
        ? { id: ownTarget.id, url: ownTarget.url, author: { id: SELF_ID, handle: SELF_HANDLE }, createdAt: ownTarget.createdAt }
        : b.replyToPool !== null
          ? { id: `t${b.replyToPool}`, url: null, author: UNKNOWN, createdAt: null }
          : null;
    return {
      id: `i${i}`,
      platform: 'x',
      url: `https://x.com/${b.author.handle}/status/i${i}`,
      author: b.authorRef,
      createdAt: new Date(b.ms).toISOString(),
      text: b.text,
      visibility: b.visibility,
      replyTo,
      quoteOf: null,
      repostOf: b.repost ? { id: 'o0', url: null, author: { id: SELF_ID, handle: SELF_HANDLE }, createdAt: null } : null,
      links: [],
      mentions: b.mentionsSelf === null ? [] : [b.mentionsSelf],
      hashtags: [],
      ...(b.conversation === null ? {} : { conversationId: CONVERSATIONS[b.conversation % CONVERSATIONS.length] as string }),
    };
  });
}

interface Settings {
  timeZone: string;
  businessHours: BusinessHours | null;
  giveUpAfterMs: number;
  includePrivate: boolean;
  /** Inbound posts are read (inbound+outbound), or not (outbound-only). */
  withInbound: boolean;
  affiliates: string[];
}

const settingsArb: fc.Arbitrary<Settings> = fc.record({
  timeZone: fc.constantFrom('UTC', 'America/Vancouver', 'Asia/Kolkata'),
  businessHours: fc.constantFrom(null, OFFICE),
  giveUpAfterMs: fc.constantFrom(7 * DAY, HOUR, 30 * DAY),
  includePrivate: fc.boolean(),
  withInbound: fc.boolean(),
  affiliates: fc.constantFrom([], ['TranBC'], ['@tranbc', 'BCGovNews']),
});

/** A whole input: the account's posts, posts by others mixed into the same input, inbound posts, settings. */
interface Input {
  own: Post[];
  strangers: Post[];
  inbound: Post[];
  settings: Settings;
}

const inputArb: fc.Arbitrary<Input> = fc
  .record({
    own: fc.array(blueprintArb, { maxLength: 60, size: 'max' }),
    strangers: fc.array(blueprintArb, { maxLength: 4 }),
    inbound: fc.array(inboundArb, { maxLength: 30, size: 'max' }),
    settings: settingsArb,
  })
  .map(({ own, strangers, inbound, settings }) => {
    const ownPosts = buildOwn(own, inbound);
    // Posts by someone else in the same file (a mixed collection): `gather` leaves them out.
    const strangerPosts = buildOwn(strangers, inbound).map((p, i) => ({
      ...p,
      id: `s${i}`,
      url: null,
      author: { id: '999', handle: 'someone_else' },
    }));
    // Without posts of its own the input holds nobody to audit (a usage error, tested elsewhere).
    return { own: ownPosts, strangers: ownPosts.length === 0 ? [] : strangerPosts, inbound: buildInbound(inbound, ownPosts), settings };
  });

// ---------------------------------------------------------------------------------------------
// The pipeline, as run-audit.ts runs it.

interface Outcome {
  measured: Measurements;
  scored: ScoredAudit;
  recommendations: ReturnType<typeof buildRecommendations>;
}

const SOURCE_ACCOUNT: AccountInfo = {
  platform: 'x',
  id: SELF_ID,
  handle: SELF_HANDLE,
  displayName: 'RoadInfo BC',
  website: 'https://roadinfobc.example',
  url: `https://x.com/${SELF_HANDLE}`,
};

async function* stream(posts: readonly Post[]): AsyncGenerator<Post> {
  yield* posts;
}

async function audit(input: readonly Post[], inboundPosts: readonly Post[], settings: Settings): Promise<Outcome> {
  const window = { sinceMs: SINCE, untilMs: UNTIL, timeZone: settings.timeZone };
  // The source names its owner, as an archive or a live fetch does.
  const gathered = await gather(stream(input), { path: 'generated.json', accountArg: null, sourceAccount: SOURCE_ACCOUNT });
  const set = selectWindow(gathered, window, settings.includePrivate);
  const inbound = settings.withInbound
    ? selectInbound(
        inboundPosts,
        { self: gathered.self, posts: gathered.posts.map((p) => p.post) },
        { window, fetchedAtMs: null, affiliates: settings.affiliates, includePrivate: settings.includePrivate },
      )
    : null;
  const ctx: MetricContext = {
    window,
    website: 'https://roadinfobc.example',
    ownDomains: ['drivebc.ca'],
    ownHashtags: ['DriveBC'],
    affiliates: settings.affiliates,
    phrases: DEFAULT_PHRASES,
    businessHours: settings.businessHours,
    giveUpAfterMs: settings.giveUpAfterMs,
    inbound,
  };
  const measured = measureAll(set, ctx);
  const scored = scoreAudit(measured, DEFAULT_SCORING_MODEL);
  return { measured, scored, recommendations: buildRecommendations(measured, scored, DEFAULT_SCORING_MODEL, set) };
}

// ---------------------------------------------------------------------------------------------
// Checks.

const RUNS = 500;
/** A fixed seed, so a failure is reproduced by the same run; the counterexample is printed. */
const SEED = 20261129;

function expectShare(value: number | null, what: string): void {
  if (value === null) return;
  expect(Number.isFinite(value), what).toBe(true);
  expect(value, what).toBeGreaterThanOrEqual(0);
  expect(value, what).toBeLessThanOrEqual(1);
}

function expectDuration(value: number | null, what: string): void {
  if (value === null) return;
  expect(Number.isFinite(value), what).toBe(true);
  expect(value, what).toBeGreaterThanOrEqual(0);
}

/** Every number under a key that names a share or ratio, anywhere in `value`, with its path. */
function sharesIn(value: unknown, path = ''): [string, number | null][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => sharesIn(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]): [string, number | null][] => {
    const here = path === '' ? k : `${path}.${k}`;
    if (/share$/i.test(k) && (typeof v === 'number' || v === null)) return [[here, v]];
    return sharesIn(v, here);
  });
}

function checkRanges({ measured: m, scored }: Outcome): void {
  const items = m.counts.items;
  // Counts: every item has exactly one kind.
  const c = m.counts;
  expect(c.original + c.replyToOther + c.replyToSelf + c.quoteToOther + c.quoteToSelf + c.repostToOther + c.repostToSelf).toBe(items);
  expect(c.replyTargetUnknown).toBeLessThanOrEqual(c.replyToOther);

  // Mix: the three shares sum to 1 when there are items, and are null when there are none.
  const { conversationShare, amplificationShare, broadcastShare } = m.mix;
  if (items === 0) {
    expect([conversationShare, amplificationShare, broadcastShare]).toEqual([null, null, null]);
  } else {
    expect(Math.abs((conversationShare ?? NaN) + (amplificationShare ?? NaN) + (broadcastShare ?? NaN) - 1)).toBeLessThanOrEqual(1e-12);
    expect(m.mix.conversation + m.mix.amplification + m.mix.broadcast).toBe(items);
  }
  expect(m.mix.longestBroadcastRun.length).toBeLessThanOrEqual(m.mix.broadcast);

  // Every ratio and share in [0, 1] or null: named ones, then any `…Share` anywhere.
  expectShare(m.replyRatio.value, 'replyRatio.value');
  expect(m.replyRatio.numerator).toBeLessThanOrEqual(m.replyRatio.denominator);
  expectShare(m.selfPromotion.share, 'selfPromotion.share');
  expect(m.selfPromotion.count).toBeLessThanOrEqual(items);
  expectShare(m.cannedReplies.share, 'cannedReplies.share');
  expect(m.cannedReplies.canned).toBeLessThanOrEqual(m.cannedReplies.replies);
  expectShare(m.peopleEngaged.followThroughShare, 'peopleEngaged.followThroughShare');
  expectShare(m.responseLatency.withinOneHourShare, 'responseLatency.withinOneHourShare');
  expectShare(m.responseLatency.withinOneDayShare, 'responseLatency.withinOneDayShare');
  expectShare(m.coverage.outOfHoursInboundShare, 'coverage.outOfHoursInboundShare');
  if (m.responseRate !== null) {
    const r = m.responseRate;
    expectShare(r.value, 'responseRate.value');
    expect(r.answered + r.pending).toBeLessThanOrEqual(r.inbound);
    expect(r.questionsAnswered).toBeLessThanOrEqual(r.questions);
    expect(r.value === null).toBe(r.inbound - r.pending === 0);
    for (const d of [r.medianFirstResponseSeconds, r.p90FirstResponseSeconds, r.medianFirstResponseBusinessSeconds, r.p90FirstResponseBusinessSeconds]) {
      expectDuration(d, 'responseRate durations');
    }
  }
  for (const [path, value] of sharesIn(m)) expectShare(value, path);

  const l = m.responseLatency;
  for (const d of [l.medianSeconds, l.p90Seconds, l.medianBusinessSeconds, l.p90BusinessSeconds]) expectDuration(d, 'latency durations');
  if (l.medianSeconds !== null && l.p90Seconds !== null) expect(l.medianSeconds).toBeLessThanOrEqual(l.p90Seconds);
  expect(l.n).toBeLessThanOrEqual(c.replyToOther);

  // Per-metric scores in [0, 1] or null.
  for (const [metric, s] of Object.entries(scored.metricScores)) expectShare(s, `metricScores.${metric}`);

  // The score: an integer in [0, 100], or null with NO_ACTIVITY exactly when there are no items.
  const { value, verdict, breakdown } = scored.score;
  if (items === 0) {
    expect(value).toBeNull();
    expect(verdict).toBe('NO_ACTIVITY');
  } else {
    expect(Number.isInteger(value)).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(100);
    expect(verdict).toBe((value as number) >= DEFAULT_SCORING_MODEL.threshold ? 'BEING' : 'DOING');
    const points = breakdown.reduce((sum, b) => sum + b.points, 0);
    expect(Math.abs(points - (value as number))).toBeLessThanOrEqual(0.5 + 1e-9);
  }
  for (const b of breakdown) expect(b.points).toBeGreaterThanOrEqual(0);
}

/** `xs` in the order of `keys` (a permutation drawn by fast-check). */
function permute<T>(xs: readonly T[], keys: readonly number[]): T[] {
  return xs
    .map((x, i) => ({ x, k: keys[i % Math.max(1, keys.length)] ?? 0, i }))
    .sort((a, b) => a.k - b.k || b.i - a.i)
    .map((e) => e.x);
}

/** `xs` with the items at `picks` repeated (as fresh copies, as a second read would give them). */
function withRepeats<T>(xs: readonly T[], picks: readonly number[]): T[] {
  if (xs.length === 0) return [...xs];
  return [...xs, ...picks.map((p) => structuredClone(xs[p % xs.length] as T))];
}

describe('metrics: properties over generated posts', () => {
  it(`shares sum to 1, ratios stay in [0, 1], the score in [0, 100] (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(inputArb, async (input) => {
        const outcome = await audit([...input.own, ...input.strangers], input.inbound, input.settings);
        checkRanges(outcome);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`results do not change with input order or repeated items (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        inputArb,
        fc.array(fc.integer(), { minLength: 1, maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 15 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (input, order, repeats, inboundOrder, inboundRepeats) => {
          const posts = [...input.own, ...input.strangers];
          const base = await audit(posts, input.inbound, input.settings);
          const shuffled = await audit(permute(posts, order), permute(input.inbound, inboundOrder), input.settings);
          expect(shuffled).toEqual(base);
          const repeated = await audit(
            permute(withRepeats(posts, repeats), order),
            permute(withRepeats(input.inbound, inboundRepeats), inboundOrder),
            input.settings,
          );
          expect(repeated).toEqual(base);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('no activity: an input with nothing in the window scores null, NO_ACTIVITY', async () => {
    const outcome = await audit([], [], { timeZone: 'UTC', businessHours: null, giveUpAfterMs: 7 * DAY, includePrivate: false, withInbound: true, affiliates: [] });
    checkRanges(outcome);
    expect(outcome.scored.score).toMatchObject({ value: null, verdict: 'NO_ACTIVITY' });
  });
});
