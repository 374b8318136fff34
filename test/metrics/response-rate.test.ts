import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../../src/config.js';
import { readXv2 } from '../../src/fetchers/x/v2.js';
import { isBySelf, selectInbound } from '../../src/inbound.js';
import { compute, isQuestion, measureResponses } from '../../src/metrics/response-rate.js';
import type { MetricContext } from '../../src/metrics/types.js';
import type { AuthorRef, Post } from '../../src/model/post.js';
import { ReportSchema } from '../../src/schema/report.js';
import { drain } from '../fetchers/reader-helpers.js';
import {
  DAY,
  HOUR,
  MINUTE,
  PETE,
  SECOND,
  SELF,
  T0,
  WINDOW,
  makeCtx,
  makeSet,
  ours,
  person,
  post,
  reply,
  self,
  theirs,
} from '../helpers/posts.js';

/**
 * Response rate (metrics.md §9). The account is RoadInfoBC on X; the window is August 2026 (UTC),
 * so with no fetch time the data ends at 2026-09-01T00:00Z. T0 is Wed 2026-08-19 12:00Z; the
 * give-up time is 7 days unless told.
 */
const KAT = person('okanagan_kat', '1124378617443254272');
const DAVE = person('truckerdave_bc', '2318844270');
const SAM = person('smoky_sky_sam', '1641178463597785088');
const WEEK = 7 * DAY;
/** 2026-09-01T00:00Z (the window's until) as an offset from T0: 12 days 12 hours. */
const END = WINDOW.untilMs - T0;

/** A message by `author` at `T0 + time` that mentions the account. */
function msg(id: string, time: number, author: AuthorRef = PETE, over: Partial<Post> = {}): Post {
  return post(time, { id, author, text: 'Thanks for the update.', mentions: [SELF], ...over });
}
/** The same, asking a question. */
function ask(id: string, time: number, author: AuthorRef = PETE, over: Partial<Post> = {}): Post {
  return msg(id, time, author, { text: 'Is Hwy 97 open?', ...over });
}
/** The account's reply at `T0 + time` to the post `target` of `author` written at `T0 + targetTime`. */
function answer(time: number, target: string, targetTime: number, author: AuthorRef = PETE, over: Partial<Post> = {}): Post {
  return reply(time, theirs(targetTime, target, author), over);
}

interface Run {
  fetchedAtMs?: number | null;
  giveUpAfterMs?: number;
  businessHours?: BusinessHours | null;
  window?: MetricContext['window'];
}

/** Selects the inbound messages among `others` and measures the response rate over `own`. */
function measure(own: Post[], others: Post[], run: Run = {}) {
  const window = run.window ?? WINDOW;
  const inbound = selectInbound(others, { self, posts: own }, { window, fetchedAtMs: run.fetchedAtMs ?? null, affiliates: [] });
  const ctx = makeCtx({
    window,
    inbound,
    giveUpAfterMs: run.giveUpAfterMs ?? WEEK,
    businessHours: run.businessHours ?? null,
  });
  const m = compute(makeSet(own, { window }), ctx);
  if (m === null) throw new Error('expected a measurement');
  return m;
}

describe('response rate: which messages are answered (metrics.md §9)', () => {
  const rows: {
    why: string;
    own: () => Post[];
    others: () => Post[];
    run?: Run;
    answered: number;
    pending: number;
    inbound: number;
    value: number | null;
  }[] = [
    {
      why: 'answered directly after 1 h',
      others: () => [msg('m1', 0)],
      own: () => [answer(HOUR, 'm1', 0)],
      inbound: 1,
      answered: 1,
      pending: 0,
      value: 1,
    },
    {
      why: 'answered exactly 7 days later: still within the give-up time',
      others: () => [msg('m1', 0)],
      own: () => [answer(WEEK, 'm1', 0)],
      inbound: 1,
      answered: 1,
      pending: 0,
      value: 1,
    },
    {
      why: 'answered 7 days and 1 ms later: too late, unanswered (give-up 08-26 12:00 is before the data end 09-01)',
      others: () => [msg('m1', 0)],
      own: () => [answer(WEEK + 1, 'm1', 0)],
      inbound: 1,
      answered: 0,
      pending: 0,
      value: 0,
    },
    {
      why: "a reply after the window's end counts: message 08-30 12:00, answer 09-02 12:00 (3 days, outside the window)",
      others: () => [msg('m1', 11 * DAY)],
      own: () => [answer(14 * DAY, 'm1', 11 * DAY)],
      inbound: 1,
      answered: 1,
      pending: 0,
      value: 1,
    },
    {
      why: 'pending: message 08-28 00:00, no answer, give-up 09-04 00:00 is after the data end 09-01 → left out, rate null',
      others: () => [msg('m1', END - 4 * DAY)],
      own: () => [],
      inbound: 1,
      answered: 0,
      pending: 1,
      value: null,
    },
    {
      why: 'give-up time exactly at the data end (message 08-25 00:00 + 7 d = 09-01 00:00): decided, unanswered',
      others: () => [msg('m1', END - WEEK)],
      own: () => [],
      inbound: 1,
      answered: 0,
      pending: 0,
      value: 0,
    },
    {
      why: 'give-up 1 ms after the data end: pending',
      others: () => [msg('m1', END - WEEK + 1)],
      own: () => [],
      inbound: 1,
      answered: 0,
      pending: 1,
      value: null,
    },
    {
      why: 'a pending message that was answered is answered, not pending: 1 of 1',
      others: () => [msg('m1', END - DAY)],
      own: () => [answer(END - DAY + HOUR, 'm1', END - DAY)],
      inbound: 1,
      answered: 1,
      pending: 0,
      value: 1,
    },
    {
      why: 'fetched before until (08-27 00:00): T0 + 7 d = 08-26 12:00 is decided (unanswered), 08-21 00:00 + 7 d = 08-28 is pending → 0 / 1',
      others: () => [msg('m1', 0), msg('m2', DAY + 12 * HOUR)],
      own: () => [],
      run: { fetchedAtMs: Date.UTC(2026, 7, 27) },
      inbound: 2,
      answered: 0,
      pending: 1,
      value: 0,
    },
    {
      why: 'a later message of the same author in the same conversation answered: both count (m1 and m2 reply to T1)',
      others: () => [
        ask('m1', 0, PETE, { replyTo: ours(-HOUR, 'T1'), conversationId: 'T1' }),
        msg('m2', 10 * MINUTE, PETE, { replyTo: theirs(0, 'm1'), conversationId: 'T1' }),
      ],
      own: () => [answer(HOUR, 'm2', 10 * MINUTE)],
      inbound: 2,
      answered: 2,
      pending: 0,
      value: 1,
    },
    {
      why: 'the same, linked by the reply chain alone (no conversation ids)',
      others: () => [ask('m1', 0, PETE, { replyTo: ours(-HOUR, 'T1') }), msg('m2', 10 * MINUTE, PETE, { replyTo: theirs(0, 'm1') })],
      own: () => [answer(HOUR, 'm2', 10 * MINUTE)],
      inbound: 2,
      answered: 2,
      pending: 0,
      value: 1,
    },
    {
      why: "a reply to a later message by ANOTHER author in the conversation does not answer Pete's: 1 of 2",
      others: () => [
        ask('m1', 0, PETE, { replyTo: ours(-HOUR, 'T1'), conversationId: 'T1' }),
        ask('k1', 10 * MINUTE, KAT, { replyTo: ours(-HOUR, 'T1'), conversationId: 'T1' }),
      ],
      own: () => [answer(HOUR, 'k1', 10 * MINUTE, KAT)],
      inbound: 2,
      answered: 1,
      pending: 0,
      value: 0.5,
    },
    {
      why: 'a reply to an EARLIER message of the same author does not answer the later one: 1 of 2',
      others: () => [
        ask('m1', 0, PETE, { replyTo: ours(-HOUR, 'T1'), conversationId: 'T1' }),
        ask('m2', HOUR, PETE, { replyTo: theirs(0, 'm1'), conversationId: 'T1' }),
      ],
      own: () => [answer(2 * HOUR, 'm1', 0)],
      inbound: 2,
      answered: 1,
      pending: 0,
      value: 0.5,
    },
    {
      why: 'a later message of the same author in ANOTHER conversation does not count: 1 of 2',
      others: () => [
        ask('m1', 0, PETE, { replyTo: ours(-HOUR, 'T1'), conversationId: 'T1' }),
        ask('m2', HOUR, PETE, { replyTo: ours(-HOUR, 'T4'), conversationId: 'T4' }),
      ],
      own: () => [answer(2 * HOUR, 'm2', HOUR)],
      inbound: 2,
      answered: 1,
      pending: 0,
      value: 0.5,
    },
    {
      why: 'the later message was never read: the reply names its author and time, and its conversation id joins the thread',
      others: () => [ask('m1', 0, PETE, { replyTo: ours(-HOUR, 'T1'), conversationId: 'T1' })],
      own: () => [answer(HOUR, 'm9-unread', 20 * MINUTE, PETE, { conversationId: 'T1' })],
      inbound: 1,
      answered: 1,
      pending: 0,
      value: 1,
    },
    {
      why: 'an answer to the later message must still come within 7 days of the FIRST message: 1 of 2',
      others: () => [
        ask('m1', 0, PETE, { conversationId: 'c' }),
        ask('m2', 5 * DAY, PETE, { replyTo: theirs(0, 'm1'), conversationId: 'c' }),
      ],
      own: () => [answer(WEEK + HOUR, 'm2', 5 * DAY)],
      inbound: 2,
      answered: 1,
      pending: 0,
      value: 0.5,
    },
    {
      why: 'clock skew: a reply 30 s "before" the message answers it (at 0 s)',
      others: () => [msg('m1', 0)],
      own: () => [answer(-30 * SECOND, 'm1', 0)],
      inbound: 1,
      answered: 1,
      pending: 0,
      value: 1,
    },
    {
      why: 'a reply 61 s before the message cannot answer it',
      others: () => [msg('m1', 0)],
      own: () => [answer(-61 * SECOND, 'm1', 0)],
      inbound: 1,
      answered: 0,
      pending: 0,
      value: 0,
    },
    {
      why: 'the same message read twice counts once',
      others: () => {
        const m = msg('m1', 0);
        return [m, { ...m }];
      },
      own: () => [answer(HOUR, 'm1', 0)],
      inbound: 1,
      answered: 1,
      pending: 0,
      value: 1,
    },
    {
      why: "reposts, the account's own posts and posts outside the window are not messages",
      others: () => [
        msg('rt', 0, PETE, { text: '', repostOf: ours(-HOUR, 'T1') }),
        post(0, { id: 'own', mentions: [SELF] }),
        msg('july', -20 * DAY),
        msg('m1', 0),
      ],
      own: () => [],
      inbound: 1,
      answered: 0,
      pending: 0,
      value: 0,
    },
    {
      why: 'nobody wrote: rate null',
      others: () => [],
      own: () => [answer(HOUR, 'x', 0)],
      inbound: 0,
      answered: 0,
      pending: 0,
      value: null,
    },
    {
      why: 'give-up of 1 hour (config): an answer after 2 h is too late',
      others: () => [msg('m1', 0)],
      own: () => [answer(2 * HOUR, 'm1', 0)],
      run: { giveUpAfterMs: HOUR },
      inbound: 1,
      answered: 0,
      pending: 0,
      value: 0,
    },
  ];
  it.each(rows)('$why', ({ own, others, run, inbound, answered, pending, value }) => {
    const m = measure(own(), others(), run);
    expect({ inbound: m.inbound, answered: m.answered, pending: m.pending, value: m.value }).toEqual({
      inbound,
      answered,
      pending,
      value,
    });
  });

  it('affiliates are not inbound', () => {
    const FIRE = person('BCFireUpdates', '580221473');
    const inbound = selectInbound([msg('f', 0, FIRE), msg('m1', 0)], { self, posts: [] }, {
      window: WINDOW,
      fetchedAtMs: null,
      affiliates: ['BCFireUpdates'],
    });
    const m = compute(makeSet([]), makeCtx({ inbound }));
    expect(m?.inbound).toBe(1);
  });

  it('outbound-only (no inbound data): null', () => {
    expect(compute(makeSet([answer(HOUR, 'm1', 0)]), makeCtx())).toBeNull();
  });
});

describe('questions (metrics.md §9: text containing "?")', () => {
  const rows: { text: string; question: boolean; why: string }[] = [
    { text: 'Is Hwy 97 open?', question: true, why: 'ASCII ?' },
    { text: 'Road open!', question: false, why: 'no question mark' },
    { text: '高速道路は開いていますか？', question: true, why: 'full-width ？ (NFKC → ?)' },
    { text: '¿Está abierta la carretera', question: true, why: 'Spanish ¿ without the closing mark' },
    { text: 'هل الطريق مفتوح؟', question: true, why: 'Arabic ؟' },
    { text: 'Open‽', question: true, why: 'interrobang' },
    { text: 'What⁇', question: true, why: '⁇ (NFKC → ??)' },
    { text: 'See https://roads.example/map?hwy=97 for details', question: false, why: 'a ? inside a link is not a question' },
    { text: 'Open at https://roads.example/map?hwy=97?', question: false, why: 'the link runs to the next space, trailing ? included' },
    { text: 'https://roads.example/a?b ok? thanks', question: true, why: 'a ? outside the link' },
  ];
  it.each(rows)('$why: "$text" → $question', ({ text, question }) => {
    expect(isQuestion(text)).toBe(question);
  });

  it('questions and questionsAnswered count like inbound and answered (pending questions included)', () => {
    // q1 answered, q2 unanswered, s1 (statement) answered, q3 pending (08-31 00:00).
    const others = [ask('q1', 0), ask('q2', HOUR, KAT), msg('s1', 2 * HOUR, DAVE), ask('q3', END - DAY, SAM)];
    const own = [answer(30 * MINUTE, 'q1', 0), answer(3 * HOUR, 's1', 2 * HOUR, DAVE)];
    const m = measure(own, others);
    expect({ inbound: m.inbound, answered: m.answered, pending: m.pending, questions: m.questions, questionsAnswered: m.questionsAnswered }).toEqual({
      inbound: 4,
      answered: 2,
      pending: 1,
      questions: 3,
      questionsAnswered: 1,
    });
    expect(m.value).toBe(2 / 3);
  });
});

describe('first response time', () => {
  /** Vancouver weekdays 08:00-17:00 PDT (15:00Z-00:00Z); T0 is Wed 05:00 PDT. */
  const businessHours: BusinessHours = {
    timeZone: 'America/Vancouver',
    days: { mon: ['08:00', '17:00'], tue: ['08:00', '17:00'], wed: ['08:00', '17:00'], thu: ['08:00', '17:00'], fri: ['08:00', '17:00'] },
  };
  // Four messages at Wed 05:00 PDT, each first answered after 2 h, 4 h, 12 h and 3 d 4 h (Sat 09:00 PDT);
  // the 4 h one also gets a second, later reply that must not count.
  const others = ['a', 'b', 'c', 'd'].map((id) => msg(id, 0, person(`user_${id}`)));
  const own = [
    answer(2 * HOUR, 'a', 0, person('user_a')),
    answer(4 * HOUR, 'b', 0, person('user_b')),
    answer(5 * HOUR, 'b', 0, person('user_b')),
    answer(12 * HOUR, 'c', 0, person('user_c')),
    answer(3 * DAY + 4 * HOUR, 'd', 0, person('user_d')),
  ];

  it('median (even n: mean of the middle two), p90 (nearest rank), and their business twins', () => {
    // Wall: 2, 4, 12, 76 h → median (4 + 12) / 2 = 8 h = 28 800 s; p90 rank ceil(3.6) = 4 → 76 h = 273 600 s.
    // Business: 0 (before opening), 1 h (08:00-09:00), 9 h (the whole day), 27 h (Wed, Thu, Fri)
    // → median (1 + 9) / 2 = 5 h = 18 000 s; p90 27 h = 97 200 s.
    const m = measure(own, others, { businessHours });
    expect(m.medianFirstResponseSeconds).toBe(28_800);
    expect(m.p90FirstResponseSeconds).toBe(273_600);
    expect(m.medianFirstResponseBusinessSeconds).toBe(18_000);
    expect(m.p90FirstResponseBusinessSeconds).toBe(97_200);
  });

  it('business twins are null without business hours; all null with no answer', () => {
    const m = measure(own, others);
    expect(m.medianFirstResponseSeconds).toBe(28_800);
    expect(m.medianFirstResponseBusinessSeconds).toBeNull();
    expect(m.p90FirstResponseBusinessSeconds).toBeNull();
    const none = measure([], others, { businessHours });
    expect([none.medianFirstResponseSeconds, none.p90FirstResponseSeconds, none.medianFirstResponseBusinessSeconds]).toEqual([null, null, null]);
  });

  it('answered through a later message: measured from the first message to the first qualifying reply', () => {
    // m1 at 0, m2 (same author, same conversation) at 10 min, answered at 1 h → m1 3600 s, m2 3000 s.
    const m = measure(
      [answer(HOUR, 'm2', 10 * MINUTE)],
      [ask('m1', 0, PETE, { conversationId: 'c' }), msg('m2', 10 * MINUTE, PETE, { replyTo: theirs(0, 'm1'), conversationId: 'c' })],
    );
    expect(m.medianFirstResponseSeconds).toBe(3300);
    expect(m.p90FirstResponseSeconds).toBe(3600);
  });

  it('a skewed reply counts as 0 s', () => {
    expect(measure([answer(-30 * SECOND, 'm1', 0)], [msg('m1', 0)]).medianFirstResponseSeconds).toBe(0);
  });
});

describe('unanswered messages as evidence', () => {
  it('the newest unanswered, up to 10, newest first; pending and answered ones are not cited', () => {
    // 12 unanswered messages an hour apart from T0 - 12 h, one answered, one pending.
    const unanswered = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? ask : msg)(`u${i}`, (i - 12) * HOUR, person(`user${i}`)));
    const answeredMsg = msg('ok', 0, KAT);
    const pendingMsg = ask('late', END - HOUR, SAM);
    const m = measure([answer(HOUR, 'ok', 0, KAT)], [...unanswered, answeredMsg, pendingMsg]);
    expect(m.unanswered.map((e) => e.id)).toEqual(['u11', 'u10', 'u9', 'u8', 'u7', 'u6', 'u5', 'u4', 'u3', 'u2']);
    expect(m.unanswered[1]).toEqual({
      id: 'u10',
      url: null,
      createdAt: new Date(T0 - 2 * HOUR).toISOString(),
      text: 'Is Hwy 97 open?',
      note: 'question, no answer within 7 d',
      author: 'user10',
      question: true,
    });
    expect(m.unanswered[0]?.note).toBe('no answer within 7 d');
    expect(m.giveUpAfterSeconds).toBe(604_800);
  });
});

describe('people behind the figures', () => {
  it('counts authors, not messages, over the decided messages', () => {
    // Pete: three messages, one answered → he got an answer (p3 names him by handle only, in
    // another case: the id other posts give for that handle makes him the same person). Kat: a
    // question, unanswered. Dave: a question and a statement, neither answered. Sam: pending only
    // → not counted. wrote 3 (Pete, Kat, Dave), no answer 2 (Kat, Dave); asked 3, in vain 2.
    const others = [
      ask('p1', 0, PETE),
      msg('p2', HOUR, PETE),
      ask('p3', 90 * MINUTE, { id: null, handle: 'Peachland_Pete' }),
      ask('k1', 2 * HOUR, KAT),
      ask('d1', 3 * HOUR, DAVE),
      msg('d2', 4 * HOUR, DAVE),
      ask('s1', END - HOUR, SAM),
    ];
    const own = [answer(30 * MINUTE, 'p1', 0)];
    const inbound = selectInbound(others, { self, posts: own }, { window: WINDOW, fetchedAtMs: null, affiliates: [] });
    const measured = measureResponses(makeSet(own), makeCtx({ inbound }));
    expect(measured?.people).toEqual({ wrote: 3, noAnswer: 2, asked: 3, askedNoAnswer: 2 });
    expect(measured?.rate).toEqual(compute(makeSet(own), makeCtx({ inbound })));
  });

  it('a handle given with two ids (reused after a rename) stays a handle: the people do not depend on the order read', () => {
    // @pete is id A in m1 (answered) and id B in b1 (a post that is no message); m2 names @pete
    // alone (unanswered). Taking the last id learned made m2 A's (wrote 1, noAnswer 0) or B's
    // (wrote 2, noAnswer 1) by the order of the posts. Now m2's author is the handle itself: two
    // people wrote (A and @pete), one got no answer, in either order.
    const A = person('pete', 'A-1');
    const B = person('pete', 'B-2');
    const m1 = msg('m1', 0, A);
    const b1 = post(HOUR, { id: 'b1', author: B, text: 'Nice weather.' });
    const m2 = msg('m2', 2 * HOUR, { id: null, handle: 'Pete' });
    const own = [answer(30 * MINUTE, 'm1', 0, A)];
    for (const others of [
      [m1, b1, m2],
      [b1, m1, m2],
    ]) {
      const inbound = selectInbound(others, { self, posts: own }, { window: WINDOW, fetchedAtMs: null, affiliates: [] });
      const measured = measureResponses(makeSet(own), makeCtx({ inbound }));
      expect(measured?.people).toEqual({ wrote: 2, noAnswer: 1, asked: 0, askedNoAnswer: 0 });
      expect([measured?.rate.inbound, measured?.rate.answered]).toEqual([2, 1]);
    }
  });
});

describe('the X reference scenario (fixtures/x/v2: mentions M1-M4, replies R1-R3)', () => {
  async function read(files: string[]): Promise<Post[]> {
    const docs = files.map((f) => JSON.parse(readFileSync(new URL(`../../fixtures/x/v2/${f}`, import.meta.url), 'utf8')) as unknown);
    return drain(readXv2(docs, files.join('+')).posts);
  }

  it('three of four answered → 0.75 over August 2026; M4 is decided (08-20 16:02 + 7 d = 08-27, before 09-01)', async () => {
    const timeline = await read(['user-tweets.page1.json', 'user-tweets.page2.json']);
    const mentions = await read(['user-mentions.json']);
    const own = timeline.filter((p) => isBySelf(p, self));
    expect(own).toHaveLength(10);
    const m = measure(own, mentions);
    expect({ inbound: m.inbound, answered: m.answered, pending: m.pending, value: m.value }).toEqual({
      inbound: 4,
      answered: 3,
      pending: 0,
      value: 0.75,
    });
    // Every mention asks something; M4 (smoky_sky_sam) is the one left unanswered.
    expect([m.questions, m.questionsAnswered]).toEqual([4, 3]);
    expect(m.unanswered.map((e) => [e.id, e.author])).toEqual([['2090469544653410304', 'smoky_sky_sam']]);
    // First responses from the ids' ms: R1 - M1 = 14:38:05.530 - 14:21:40.207 = 985.323 s,
    // R3 - M3 = 15:44:18.660 - 15:20:55.733 = 1402.927 s, R2 - M2 = 20:47:30.016 - 19:05:11.902 = 6138.114 s.
    expect(m.medianFirstResponseSeconds).toBe(1402.927);
    expect(m.p90FirstResponseSeconds).toBe(6138.114);
    // The slice fits the report schema exactly (nothing stripped, nothing missing).
    const slice = { ...m, score: 0.84 };
    expect(ReportSchema.shape.metrics.shape.responseRate.parse(slice)).toEqual(slice);
  });

  it('with the data ending 2026-08-22 00:00, M4 is pending: 3 of 3 decided → 1, pending 1', async () => {
    const timeline = await read(['user-tweets.page1.json', 'user-tweets.page2.json']);
    const mentions = await read(['user-mentions.json']);
    const own = timeline.filter((p) => isBySelf(p, self));
    const window = { sinceMs: Date.UTC(2026, 7, 1), untilMs: Date.UTC(2026, 7, 22), timeZone: 'UTC' };
    const m = measure(own, mentions, { window });
    expect({ inbound: m.inbound, answered: m.answered, pending: m.pending, value: m.value }).toEqual({
      inbound: 4,
      answered: 3,
      pending: 1,
      value: 1,
    });
  });
});
