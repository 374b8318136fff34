// A local Mastodon API for the fetch benchmark: on 127.0.0.1, every response held back by a fixed
// delay (a stand-in for a distant server), each account's statuses generated deterministically.
// Serves `GET /api/v1/accounts/lookup?acct=NAME[@server]` and
// `GET /api/v1/accounts/:id/statuses?limit=N&max_id=ID`, 40 statuses a page at most, newest first,
// with the `Link` header Mastodon sends (`next` only while older statuses remain: the ideal server,
// so the fewest requests are the lookup plus ceil(posts / 40) pages).
import { createServer } from 'node:http';
import { prng } from './generate.js';

export const MASTODON_PAGE = 40;
const NEWEST_MS = Date.UTC(2026, 4, 31, 18, 0, 0);

function snowflake(ms, seq) {
  return ((BigInt(ms) << 16n) | BigInt(seq & 0xffff)).toString();
}

/** The statuses of one account, newest first. */
function makeStatuses(accountId, username, count, host) {
  const rand = prng(Number(accountId) * 7919 + count);
  const account = { id: accountId, username, acct: username, display_name: `Bench ${username}`, url: `https://${host}/@${username}` };
  const statuses = [];
  let ms = NEWEST_MS;
  for (let i = 0; i < count; i++) {
    ms -= 1000 + Math.floor(rand() * 900_000);
    const id = snowflake(ms, i);
    const r = rand();
    const other = `driver${Math.floor(rand() * 500)}`;
    const otherId = String(500_000 + Math.floor(rand() * 500));
    const base = {
      id,
      created_at: new Date(ms).toISOString(),
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      visibility: 'public',
      uri: `https://${host}/users/${username}/statuses/${id}`,
      url: `https://${host}/@${username}/${id}`,
      replies_count: 0,
      content: '',
      account,
      mentions: [],
      tags: [],
      card: null,
      reblog: null,
    };
    if (r < 0.4) {
      const targetId = snowflake(ms - 60_000 - Math.floor(rand() * 7_200_000), i);
      base.in_reply_to_id = targetId;
      base.in_reply_to_account_id = otherId;
      base.mentions = [{ id: otherId, acct: `${other}@elsewhere.example`, url: `https://elsewhere.example/@${other}` }];
      base.content = `<p><span class="h-card"><a href="https://elsewhere.example/@${other}" class="u-url mention">@<span>${other}</span></a></span> Thanks, crews are on the way (${i}).</p>`;
    } else if (r < 0.55) {
      const targetId = snowflake(ms - 3_600_000, i);
      base.reblog = {
        ...base,
        id: targetId,
        uri: `https://elsewhere.example/users/${other}/statuses/${targetId}`,
        url: `https://elsewhere.example/@${other}/${targetId}`,
        content: '<p>Road report from the pass.</p>',
        account: { id: otherId, username: other, acct: `${other}@elsewhere.example`, display_name: other, url: `https://elsewhere.example/@${other}` },
      };
    } else {
      base.content = `<p>Highway update ${i}: lanes reopened near exit ${i % 90}. <a href="https://${host}/news/${i}">more</a> <a href="https://${host}/tags/roads" class="mention hashtag">#<span>roads</span></a></p>`;
      base.tags = [{ name: 'roads', url: `https://${host}/tags/roads` }];
    }
    statuses.push(base);
  }
  return { account, statuses };
}

/**
 * Starts the server. `accounts` maps a username to its number of statuses. Returns the base URL,
 * per-account request counters, the oldest status time, and `close()`.
 */
export async function startMastodonServer({ accounts, delayMs = 50, host = 'bench.example' }) {
  const byName = new Map();
  const byId = new Map();
  let oldestMs = NEWEST_MS;
  let n = 0;
  for (const [username, count] of Object.entries(accounts)) {
    const id = String(1000 + n++);
    const data = makeStatuses(id, username, count, host);
    const ids = data.statuses.map((s) => BigInt(s.id));
    const entry = { ...data, ids, pages: new Map(), requests: 0 };
    byName.set(username.toLowerCase(), entry);
    byId.set(id, entry);
    const last = data.statuses.at(-1);
    if (last) oldestMs = Math.min(oldestMs, Date.parse(last.created_at));
  }
  let total = 0;
  const sockets = new Set();
  let base = '';

  /** Index of the first status (newest first) whose id is below `maxId`. */
  const firstBelow = (ids, maxId) => {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid] < maxId) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  const server = createServer((req, res) => {
    // The answer is due exactly `delayMs` after the request arrived: a timer alone fires up to a
    // millisecond or two late, which would count against the client.
    const due = performance.now() + delayMs;
    total += 1;
    const url = new URL(req.url ?? '/', base);
    let status = 200;
    let body;
    const headers = { 'content-type': 'application/json; charset=utf-8' };
    if (url.pathname === '/api/v1/accounts/lookup') {
      const acct = (url.searchParams.get('acct') ?? '').split('@')[0].toLowerCase();
      const entry = byName.get(acct);
      if (entry) {
        entry.requests += 1;
        body = JSON.stringify(entry.account);
      } else {
        status = 404;
        body = '{"error":"Record not found"}';
      }
    } else {
      const m = /^\/api\/v1\/accounts\/(\d+)\/statuses$/.exec(url.pathname);
      const entry = m ? byId.get(m[1]) : undefined;
      if (!entry) {
        status = 404;
        body = '{"error":"Record not found"}';
      } else {
        entry.requests += 1;
        const limit = Math.min(MASTODON_PAGE, Math.max(1, Number(url.searchParams.get('limit') ?? 20)));
        const maxId = url.searchParams.get('max_id');
        const start = maxId === null ? 0 : firstBelow(entry.ids, BigInt(maxId));
        const key = `${start}:${limit}`;
        let page = entry.pages.get(key);
        if (page === undefined) {
          const slice = entry.statuses.slice(start, start + limit);
          const links = [];
          if (start + limit < entry.statuses.length && slice.length > 0) {
            links.push(`<${base}${url.pathname}?limit=${limit}&max_id=${slice.at(-1).id}>; rel="next"`);
          }
          if (slice.length > 0) links.push(`<${base}${url.pathname}?limit=${limit}&min_id=${slice[0].id}>; rel="prev"`);
          page = { body: JSON.stringify(slice), link: links.join(', ') };
          entry.pages.set(key, page);
        }
        body = page.body;
        if (page.link) headers.link = page.link;
      }
    }
    const send = () => {
      if (performance.now() < due) {
        setImmediate(send);
        return;
      }
      res.writeHead(status, headers);
      res.end(body);
    };
    setTimeout(send, Math.max(0, delayMs - 2));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${address.port}`;
  return {
    url: base,
    host,
    oldestMs,
    newestMs: NEWEST_MS,
    requests: () => total,
    requestsOf: (username) => byName.get(username.toLowerCase())?.requests ?? 0,
    reset: () => {
      total = 0;
      for (const entry of byName.values()) entry.requests = 0;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
