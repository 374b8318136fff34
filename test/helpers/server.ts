import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** One request the test server received. */
export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** What a route answers: a status, headers and a body (object → JSON), or a custom action. */
export type Reply =
  | { status?: number; headers?: Record<string, string>; json?: unknown; body?: string; delayMs?: number }
  | { action: 'reset-mid-body'; headers?: Record<string, string>; partial?: string }
  | { action: 'hang' }
  | { action: 'custom'; handle: (req: IncomingMessage, res: ServerResponse) => void };

/** Answers a request; may return different replies on successive calls (keep state in a closure). */
export type Route = (req: SeenRequest, baseUrl: string) => Reply;

export interface TestServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  requests: SeenRequest[];
  /** Requests whose path matched `path` (exact, or a RegExp). */
  count(path: string | RegExp): number;
  /** Marks the requests received so far: the function returned gives those received after the mark. */
  mark(): () => SeenRequest[];
  close(): Promise<void>;
}

/**
 * Starts a real HTTP server on 127.0.0.1 (a free port) for fetcher tests. `routes` maps a path
 * (exact string, or `METHOD path` is not needed: everything is GET) to a route; an unmatched path
 * answers 404 `{"error":"no route"}`. Sockets are destroyed on close, so hung requests end too.
 */
export async function startServer(routes: Record<string, Route> | ((req: SeenRequest, baseUrl: string) => Reply | undefined)): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let baseUrl = '';
  const server: Server = createServer((req, res) => {
    const full = new URL(req.url ?? '/', baseUrl);
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: full.pathname,
      query: full.searchParams,
      headers: req.headers,
    };
    requests.push(seen);
    const route = typeof routes === 'function' ? undefined : routes[full.pathname];
    const reply: Reply | undefined = typeof routes === 'function' ? routes(seen, baseUrl) : route?.(seen, baseUrl);
    if (!reply) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"no route"}');
      return;
    }
    if ('action' in reply) {
      if (reply.action === 'hang') return;
      if (reply.action === 'custom') return reply.handle(req, res);
      const partial = reply.partial ?? '{"data":[{"id":"1","te';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(partial.length + 500), ...reply.headers });
      res.write(partial);
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    const send = (): void => {
      const body = reply.body ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
      res.end(body);
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    requests,
    count: (path) => requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path))).length,
    mark: () => {
      const before = requests.length;
      return () => requests.slice(before);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Replies in turn: the n-th call gets `replies[n]`, later calls the last one. */
export function sequence(...replies: Reply[]): Route {
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)] as Reply;
}

/** What a test opens and must close: a test server, an HTTP client. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * For a test file whose tests open their own servers (and clients): registers an `afterEach`
 * that closes what each test opened, the last opened first (a client before the server it talks
 * to). Call it at the top level of the file; it returns `opened`, which records a thing and gives
 * it back.
 */
export function closeAfterEach(): <T extends Closable>(thing: T) => T {
  const open: Closable[] = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });
  return (thing) => {
    open.push(thing);
    return thing;
  };
}
