import { formatDuration } from '../format.js';
import { linkConversations, type ConversationIndex } from '../inbound.js';
import type { AuthorRef, Post } from '../model/post.js';
import type { Report } from '../schema/report.js';
import { businessSeconds } from './business-clock.js';
import { normalizeHandle } from './kinds.js';
import type { Metric, MetricMeta } from './metric.js';
import { CLOCK_SKEW_MS, targetTimeMs } from './response-latency.js';
import { median, nearestRank } from './stats.js';
import type { AuditItem, InboundSet, MetricContext, PostSet } from './types.js';

/** `metrics.responseRate` of the report without its score. */
export type ResponseRateSlice = Omit<NonNullable<Report['metrics']['responseRate']>, 'score'>;

/**
 * How many people the figures stand for, over the messages that are not pending (a person is an
 * author: their id, else their handle; a handle that another post gives with an id is that id).
 * Not in the JSON report (its schema has no place for it): `measureAll` keeps it beside the
 * slice, and the recommendations speak of people with it.
 */
export interface ResponsePeople {
  /** Distinct authors of the decided (not pending) messages. */
  wrote: number;
  /** Of those, the authors none of whose decided messages was answered. */
  noAnswer: number;
  /** Distinct authors of decided questions. */
  asked: number;
  /** Of those, the authors none of whose decided questions was answered. */
  askedNoAnswer: number;
}

/** The report's slice without its score. */
export type ResponseRateMeasurement = ResponseRateSlice;

/** Everything the response-rate rules work out: the report's slice and the people behind it. */
export interface ResponsesMeasured {
  rate: ResponseRateMeasurement;
  people: ResponsePeople;
}

export const meta = {
  id: 'responseRate',
  title: 'Response rate',
  description:
    'Of the people who wrote to the account (mentions and replies to its posts), the share that got an answer within the give-up time.',
  unit: 'share',
} as const satisfies MetricMeta<'responseRate'>;

/** metrics.md §9 evidence: the newest unanswered messages; the report keeps up to 10. */
export const UNANSWERED_LIMIT = 10;

/**
 * Question marks of the scripts people write in, after NFKC (which folds the full-width `？`,
 * the small `﹖` and `⁇` / `⁈` / `⁉` into `?`): `?`, the Spanish opening `¿` (a Spanish question
 * missing its closing mark is still a question), the Arabic `؟` and the interrobang `‽`.
 */
const QUESTION_MARK = /[?¿؟‽]/u;
/** Links are not words: a `?` inside a URL's query string does not make a question. */
const LINK = /\bhttps?:\/\/\S+/giu;

/**
 * metrics.md §9 "questions": a message whose text, with its links removed and NFKC-normalised,
 * contains a question mark (see {@link QUESTION_MARK}).
 */
export function isQuestion(text: string): boolean {
  return QUESTION_MARK.test(text.normalize('NFKC').replace(LINK, ' '));
}

/** One reply of the account, as the answer search needs it. */
interface Answer {
  /** The reply's time (epoch ms). */
  ms: number;
  /** The replied-to post's time, when known. */
  targetMs: number | null;
  targetId: string;
}

/**
 * Resolves an author to one key: the id when the known posts give one id for the handle, else the
 * handle. A handle given with two ids (reused after a rename) names neither for certain, so it
 * stays a handle: taking the last id learned would make the figures depend on the order posts
 * were read.
 */
class AuthorKeys {
  private readonly idsByHandle = new Map<string, Set<string>>();

  constructor(posts: Iterable<Post>) {
    for (const post of posts) this.learn(post.author);
  }

  learn(author: AuthorRef): void {
    if (author.id === null || author.handle === null) return;
    const handle = normalizeHandle(author.handle);
    const ids = this.idsByHandle.get(handle);
    if (ids === undefined) this.idsByHandle.set(handle, new Set([author.id]));
    else ids.add(author.id);
  }

  keyOf(author: AuthorRef): string | null {
    if (author.id !== null) return `id:${author.id}`;
    if (author.handle === null) return null;
    const handle = normalizeHandle(author.handle);
    const ids = this.idsByHandle.get(handle);
    return ids?.size === 1 ? `id:${[...ids][0] as string}` : `handle:${handle}`;
  }
}

/** The account's replies indexed for the answer search of metrics.md §9. */
interface AnswerIndex {
  /** Replies by the replied-to post's id. */
  byTarget: Map<string, Answer[]>;
  /** Replies by conversation and the replied-to post's author (`conv\0author`). */
  byConversationAuthor: Map<string, Answer[]>;
}

function groupKey(conversation: string, author: string): string {
  return `${conversation}\u0000${author}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function indexAnswers(
  items: readonly AuditItem[],
  othersById: ReadonlyMap<string, { post: Post; ms: number }>,
  conversations: ConversationIndex,
  authors: AuthorKeys,
): AnswerIndex {
  const byTarget = new Map<string, Answer[]>();
  const byConversationAuthor = new Map<string, Answer[]>();
  for (const item of items) {
    const ref = item.kind === 'reply' ? item.post.replyTo : null;
    if (ref == null || ref.id === null) continue;
    const known = othersById.get(ref.id);
    const answer: Answer = {
      ms: item.ms,
      targetMs: known?.ms ?? targetTimeMs(ref, item.post.platform),
      targetId: ref.id,
    };
    push(byTarget, ref.id, answer);
    const author = authors.keyOf(known?.post.author ?? ref.author);
    if (author !== null) push(byConversationAuthor, groupKey(conversations.conversationOf(ref.id), author), answer);
  }
  return { byTarget, byConversationAuthor };
}

/**
 * The time of the account's first reply that answers `message` (metrics.md §9), or null:
 * a reply to the message itself, or to a later message of the same author in the same
 * conversation ("later": not earlier than the message; a post whose time is unknown cannot be
 * shown to be later and is passed over), coming within `giveUpAfterMs` of the message
 * (a reply exactly `giveUpAfterMs` after still counts). A reply up to 60 s before the message is
 * clock skew and counts at the message's time (metrics.md §3.2); one earlier than that cannot
 * answer it.
 */
function firstAnswerMs(
  message: { post: Post; ms: number },
  index: AnswerIndex,
  conversations: ConversationIndex,
  authors: AuthorKeys,
  giveUpAfterMs: number,
): number | null {
  const from = message.ms - CLOCK_SKEW_MS;
  const until = message.ms + giveUpAfterMs;
  const qualifies = (answer: Answer): boolean => {
    if (answer.ms < from || answer.ms > until) return false;
    if (answer.targetId === message.post.id) return true;
    return answer.targetMs !== null && answer.targetMs >= message.ms;
  };
  const author = authors.keyOf(message.post.author);
  const group =
    author === null ? [] : (index.byConversationAuthor.get(groupKey(conversations.conversationOf(message.post.id), author)) ?? []);
  let first: number | null = null;
  for (const answer of [...(index.byTarget.get(message.post.id) ?? []), ...group]) {
    if (qualifies(answer) && (first === null || answer.ms < first)) first = answer.ms;
  }
  return first;
}

/** A person, for the people counts: the author key, else the message itself (an unknown author is one person). */
function personOf(message: { post: Post }, authors: AuthorKeys): string {
  return authors.keyOf(message.post.author) ?? `post:${message.post.id}`;
}

/** Median and p90 (nearest rank) of `values` divided by `per`; null figures when there are none (metrics.md §3.2). */
function orderStats(values: number[], per: number): { median: number | null; p90: number | null } {
  if (values.length === 0) return { median: null, p90: null };
  const sorted = values.toSorted((a, b) => a - b);
  return { median: median(sorted) / per, p90: nearestRank(sorted, 90) / per };
}

/**
 * metrics.md §9, exactly; null in `outbound-only` mode (`ctx.inbound` null).
 * - `inbound`: the messages of `ctx.inbound` (already one per message, in the window).
 * - `answered`: see {@link firstAnswerMs}; replies are looked for among all the account's items
 *   read (`set.allItems`: before, in and after the window).
 * - `pending`: unanswered, and `message + giveUpAfter > dataEndMs` (strictly: a give-up time
 *   exactly at the end of the data is decided, and counts as unanswered).
 * - `value = answered / (inbound - pending)`, null when that is 0 (nobody wrote, or every message
 *   is pending).
 * - `questions` / `questionsAnswered`: messages with a question mark ({@link isQuestion}),
 *   counted like `inbound` / `answered` (pending questions included in `questions`).
 * - First response time: first answer minus message, 0 for a skewed reply up to 60 s early;
 *   median (even n: mean of the middle two) and p90 (nearest rank) in seconds, ms kept as a
 *   fraction; their business-clock twins measure each of those spans on the business clock
 *   (metrics.md §10) and are null without `businessHours`.
 * - `unanswered`: the newest unanswered (not pending) messages, up to 10, newest first (equal
 *   times: larger id first), with the author's handle and whether it is a question.
 */
export function measureResponses(set: PostSet, ctx: MetricContext): ResponsesMeasured | null {
  const inbound: InboundSet | null = ctx.inbound;
  if (inbound === null) return null;
  const others = inbound.others.map((post) => ({ post, ms: Date.parse(post.createdAt) }));
  const othersById = new Map(others.map((o) => [o.post.id, o]));
  for (const m of inbound.messages) othersById.set(m.post.id, m);
  const ownPosts = set.allItems.map((i) => i.post);
  const conversations = linkConversations([...ownPosts, ...inbound.others, ...inbound.messages.map((m) => m.post)]);
  const authors = new AuthorKeys([...inbound.others, ...inbound.messages.map((m) => m.post)]);
  for (const item of set.allItems) if (item.post.replyTo !== null) authors.learn(item.post.replyTo.author);
  const index = indexAnswers(set.allItems, othersById, conversations, authors);

  const bh = ctx.businessHours;
  let answered = 0;
  let pending = 0;
  let questions = 0;
  let questionsAnswered = 0;
  const responseMs: number[] = [];
  const responseBusinessSeconds: number[] = [];
  const unanswered: { post: Post; ms: number; question: boolean }[] = [];
  const wrote = new Set<string>();
  const answeredPeople = new Set<string>();
  const asked = new Set<string>();
  const askedAnswered = new Set<string>();

  for (const message of inbound.messages) {
    const question = isQuestion(message.post.text);
    if (question) questions += 1;
    const firstMs = firstAnswerMs(message, index, conversations, authors, ctx.giveUpAfterMs);
    const person = personOf(message, authors);
    if (firstMs !== null) {
      answered += 1;
      if (question) questionsAnswered += 1;
      const spanMs = Math.max(0, firstMs - message.ms);
      responseMs.push(spanMs);
      if (bh !== null) responseBusinessSeconds.push(businessSeconds(message.ms, message.ms + spanMs, bh));
      wrote.add(person);
      answeredPeople.add(person);
      if (question) {
        asked.add(person);
        askedAnswered.add(person);
      }
      continue;
    }
    if (message.ms + ctx.giveUpAfterMs > inbound.dataEndMs) {
      pending += 1;
      continue;
    }
    wrote.add(person);
    if (question) asked.add(person);
    unanswered.push({ ...message, question });
  }

  const decided = inbound.messages.length - pending;
  const wall = orderStats(responseMs, 1000);
  const business = orderStats(responseBusinessSeconds, 1);
  const giveUp = formatDuration(ctx.giveUpAfterMs / 1000);
  const rate: ResponseRateMeasurement = {
    value: decided === 0 ? null : answered / decided,
    inbound: inbound.messages.length,
    answered,
    pending,
    questions,
    questionsAnswered,
    medianFirstResponseSeconds: wall.median,
    p90FirstResponseSeconds: wall.p90,
    medianFirstResponseBusinessSeconds: bh === null ? null : business.median,
    p90FirstResponseBusinessSeconds: bh === null ? null : business.p90,
    giveUpAfterSeconds: ctx.giveUpAfterMs / 1000,
    unanswered: unanswered
      .toSorted((a, b) => b.ms - a.ms || (a.post.id < b.post.id ? 1 : a.post.id > b.post.id ? -1 : 0))
      .slice(0, UNANSWERED_LIMIT)
      .map(({ post, question }) => ({
        id: post.id,
        url: post.url,
        createdAt: post.createdAt,
        text: post.text,
        note: `${question ? 'question, ' : ''}no answer within ${giveUp}`,
        author: post.author.handle,
        question,
      })),
  };
  const people: ResponsePeople = {
    wrote: wrote.size,
    noAnswer: [...wrote].filter((p) => !answeredPeople.has(p)).length,
    asked: asked.size,
    askedNoAnswer: [...asked].filter((p) => !askedAnswered.has(p)).length,
  };
  return { rate, people };
}

/** metrics.md §9: the report's `metrics.responseRate` without its score; null in `outbound-only` mode. */
export function compute(set: PostSet, ctx: MetricContext): ResponseRateMeasurement | null {
  return measureResponses(set, ctx)?.rate ?? null;
}

export const responseRate = { meta, compute } satisfies Metric<'responseRate', ResponseRateMeasurement | null>;
