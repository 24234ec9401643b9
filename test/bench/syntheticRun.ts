// The benchmark's synthetic run: a deterministic updates-mode stream (20,000 events, ~30 MB of
// realistic message-shaped payloads, some multibyte text) and a loopback server that writes it in
// the same random-sized chunks to every reader, like an Agent Server would
// (POST /threads/{t}/runs/stream, Content-Location; GET of the run answers "success").
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rng } from '../support/random';

export const EVENTS = 20_000;

/** The request a bare reader sends for the run (undici's request(), with its own dispatcher). */
export const BARE_REQUEST = {
  path: '/threads/bench-thread/runs/stream',
  init: {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ assistant_id: 'bench', input: {}, stream_mode: ['updates'] }),
  },
};
const TARGET_BYTES = 30 * 1024 * 1024;

const WORDS = 'the otter river stone déjà vu 世界 🦜 graph node state update research draft review plan tool call result message token stream'.split(' ');

export function makeBody(): Buffer {
  const rand = rng(42);
  const avg = TARGET_BYTES / EVENTS;
  const parts: string[] = [`event: metadata\ndata: {"run_id":"bench-run","attempt":1}\nid: 0\n\n`];
  for (let i = 1; i <= EVENTS; i++) {
    const node = `node_${i % 7}`;
    const words: string[] = [];
    // ~260 bytes of each event are structure (ids, keys, SSE fields); the rest is message text.
    const want = (avg - 260) * (0.4 + rand() * 1.2);
    for (let len = 0; len < want; ) {
      const w = WORDS[Math.floor(rand() * WORDS.length)];
      words.push(w);
      len += w.length + 1;
    }
    const data = {
      [node]: {
        messages: [{ id: `msg-${i}`, type: 'ai', name: node, content: words.join(' '), additional_kwargs: {}, response_metadata: {}, tool_calls: [], invalid_tool_calls: [] }],
        notes: [`step ${i}`],
        step: i,
      },
    };
    parts.push(`event: updates\ndata: ${JSON.stringify(data)}\nid: ${i}\n\n`);
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/** The same chunk boundaries for every reader: half small (1 B–2 KB), half large (2–64 KB). */
export function chunkSizes(total: number): number[] {
  const rand = rng(7);
  const out: number[] = [];
  for (let left = total; left > 0; ) {
    const n = Math.min(left, rand() < 0.5 ? 1 + Math.floor(rand() * 2048) : 2048 + Math.floor(rand() * 63 * 1024));
    out.push(n);
    left -= n;
  }
  return out;
}

export function serve(body: Buffer, sizes: number[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.method === 'GET' && /\/runs\/bench-run$/.test(req.url ?? '')) {
      // The client asks for the run's status when a stream closes (to tell a cut from the end).
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ run_id: 'bench-run', thread_id: 'bench-thread', assistant_id: 'bench', status: 'success', kwargs: { resumable: true } }));
      return;
    }
    if (!/\/runs\/stream$/.test(req.url ?? '')) {
      res.writeHead(404).end('not found');
      return;
    }
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'content-location': '/threads/bench-thread/runs/bench-run' });
      let off = 0;
      for (const n of sizes) {
        const ok = res.write(body.subarray(off, off + n));
        off += n;
        if (!ok) await new Promise((r) => res.once('drain', r));
      }
      res.end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      }),
    ),
  );
}

