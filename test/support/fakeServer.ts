// A tiny loopback HTTP server for what the real Agent Server will not do on demand: 401/403/5xx,
// an HTML page instead of SSE, malformed SSE, a huge event, a stalled stream, replays that ignore
// Last-Event-ID. Everything else is tested against the real server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type FakeHandler = (req: FakeRequest, res: http.ServerResponse, index: number) => void | Promise<void>;

export interface FakeServer {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: FakeRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      Promise.resolve(handler(r, res, requests.length - 1)).catch((e: unknown) => {
        res.destroy(e instanceof Error ? e : new Error(String(e)));
      });
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

export interface FakeEvent {
  id?: string | number;
  event: string;
  /** Written as-is when a string, else JSON. */
  data: unknown;
}

/** The head of an Agent Server stream response. */
export function sseHead(res: http.ServerResponse, contentLocation = '/threads/t1/runs/r1'): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'content-location': contentLocation });
}

export function sseFrame(ev: FakeEvent): string {
  const data = typeof ev.data === 'string' ? ev.data : JSON.stringify(ev.data);
  return `event: ${ev.event}\ndata: ${data}\n${ev.id !== undefined ? `id: ${ev.id}\n` : ''}\n`;
}

/** `metadata` then `updates` events with ids from..to (inclusive), as the dev server numbers them. */
export function numberedEvents(from: number, to: number, runId = 'r1'): FakeEvent[] {
  const out: FakeEvent[] = [];
  for (let i = from; i <= to; i++) {
    out.push(i === 0 ? { id: 0, event: 'metadata', data: { run_id: runId, attempt: 1 } } : { id: i, event: 'updates', data: { [`node_${i}`]: { step: i } } });
  }
  return out;
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A run as GET /threads/{t}/runs/{r} returns it. */
export function runJson(status: string, resumable = true): Record<string, unknown> {
  return { run_id: 'r1', thread_id: 't1', assistant_id: 'a1', status, metadata: {}, kwargs: { resumable } };
}
