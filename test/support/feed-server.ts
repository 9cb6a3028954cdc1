/**
 * A loopback HTTP server that serves feed fixtures the way the real upstreams do: strong ETags,
 * Last-Modified, 304 on matching validators, plus injected failures (5xx a number of times, a body cut
 * short of its Content-Length). Used by the vulndb update, crash and pull tests.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  body: Buffer;
  contentType?: string;
  /** Answer 503 this many times before serving. */
  failTimes?: number;
  /** Send only half of the body, then reset the connection (every time). */
  truncate?: boolean;
  /** Send bytes this slowly (ms between 64 KiB chunks), for crash tests. */
  throttleMs?: number;
  status?: number;
}

export interface RequestLog {
  path: string;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  status: number;
}

export interface FeedServer {
  url: string;
  routes: Map<string, Route>;
  log: RequestLog[];
  close(): Promise<void>;
}

const LAST_MODIFIED = 'Wed, 01 May 2024 10:00:00 GMT';

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
}

function serve(
  routes: Map<string, Route>,
  log: RequestLog[],
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const route = routes.get(path);
  const entry: RequestLog = {
    path,
    ifNoneMatch: req.headers['if-none-match'],
    ifModifiedSince: req.headers['if-modified-since'],
    status: 200,
  };
  log.push(entry);
  const send = (status: number, body?: Buffer | string): void => {
    entry.status = status;
    res.writeHead(status);
    res.end(body);
  };
  if (route === undefined) return send(404, 'not found');
  if (route.failTimes !== undefined && route.failTimes > 0) {
    route.failTimes--;
    return send(503, 'try later');
  }
  if (route.status !== undefined) return send(route.status, route.body);
  const etag = etagOf(route.body);
  if (entry.ifNoneMatch === etag) return send(304);
  res.setHeader('etag', etag);
  res.setHeader('last-modified', LAST_MODIFIED);
  res.setHeader('content-type', route.contentType ?? 'application/octet-stream');
  res.setHeader('content-length', String(route.body.length));
  res.writeHead(200);
  if (route.truncate === true) {
    res.write(route.body.subarray(0, Math.floor(route.body.length / 2)));
    setTimeout(() => res.socket?.destroy(), 10);
    return;
  }
  if (route.throttleMs !== undefined) return void throttle(res, route.body, route.throttleMs);
  res.end(route.body);
}

async function throttle(res: ServerResponse, body: Buffer, ms: number): Promise<void> {
  const step = 64 * 1024;
  for (let i = 0; i < body.length; i += step) {
    if (res.destroyed) return;
    res.write(body.subarray(i, i + step));
    await new Promise((r) => setTimeout(r, ms));
  }
  res.end();
}

export async function startFeedServer(routes = new Map<string, Route>()): Promise<FeedServer> {
  const log: RequestLog[] = [];
  const server = createServer((req, res) => serve(routes, log, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
