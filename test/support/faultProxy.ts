// A loopback TCP proxy that sits in front of a real server and breaks chosen responses: it cuts
// the connection after exactly N response bytes (FIN or RST), stalls it (stops forwarding, keeps
// the socket open, like a black-holed link), or holds it (keeps what the server sends until the
// test calls release(), then delivers all of it: a link that is slow for as long as a test needs
// to look at the client's "reconnecting" state). Requests are parsed just enough (head +
// Content-Length body) to know which response is which on a keep-alive connection.
import net from 'node:net';

export type Fault =
  | { at: number; how?: 'fin' | 'rst' } // forward `at` response bytes, then drop the connection
  | { at: number; how: 'stall' } // forward `at` bytes, then forward nothing more
  | { at: number; how: 'hold' }; // forward `at` bytes, then keep the rest until release()

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The fault applied to this request's response, if any. */
  fault: Fault | null;
  /** Whether the fault happened (the response reached its offset). */
  applied: boolean;
  /** Response bytes forwarded to the client. */
  bytes: number;
}

export interface FaultProxyOptions {
  /** Upstream origin, e.g. http://127.0.0.1:2024 */
  target: string;
  /** Which requests may be faulted (default: SSE endpoints, paths ending in /stream). */
  match?: (method: string, path: string) => boolean;
  /** Faults for successive matching responses, in order; when it runs out, traffic passes. */
  plan?: Fault[] | ((index: number, req: { method: string; path: string; headers: Record<string, string> }) => Fault | null);
}

export interface FaultProxy {
  url: string;
  /** Every request seen, in order. */
  requests: ProxiedRequest[];
  /** Matching requests seen so far (the index the plan is asked about next). */
  readonly matched: number;
  /** Replace the plan (applies to the next matching request onwards). */
  setPlan(plan: FaultProxyOptions['plan']): void;
  /** Deliver what held responses kept back, and let them flow from now on. */
  release(): void;
  close(): Promise<void>;
}

const isStream = (_m: string, path: string) => /\/stream(\?|$)/.test(path);

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  const match = opts.match ?? isStream;
  let plan = opts.plan ?? [];
  let matched = 0;
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const held = new Set<() => void>();

  const nextFault = (req: { method: string; path: string; headers: Record<string, string> }): Fault | null => {
    if (!match(req.method, req.path)) return null;
    const i = matched++;
    return Array.isArray(plan) ? plan[i] ?? null : plan(i, req);
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    let current: ProxiedRequest | null = null;
    let broken = false;
    // Request parsing state: a head being collected, or body bytes still to skip.
    let head = Buffer.alloc(0);
    let bodyLeft = 0;
    // A held response: the bytes kept back (null = not holding), and whether it was released.
    let holding: Buffer[] | null = null;
    let released = false;
    let closeAfterRelease = false;

    const kill = (how: 'fin' | 'rst') => {
      broken = true;
      if (how === 'rst') client.resetAndDestroy();
      else client.end(() => client.destroy());
      upstream.destroy();
    };

    client.on('data', (buf: Buffer) => {
      if (broken) return;
      let rest = buf;
      while (rest.length) {
        if (bodyLeft > 0) {
          const n = Math.min(bodyLeft, rest.length);
          bodyLeft -= n;
          rest = rest.subarray(n);
          continue;
        }
        head = Buffer.concat([head, rest]);
        rest = Buffer.alloc(0);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) break;
        const text = head.subarray(0, end).toString('latin1');
        rest = head.subarray(end + 4);
        head = Buffer.alloc(0);
        const [line, ...hlines] = text.split('\r\n');
        const [method = '', path = ''] = line.split(' ');
        const headers: Record<string, string> = {};
        for (const h of hlines) {
          const i = h.indexOf(':');
          if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
        }
        bodyLeft = Number(headers['content-length'] ?? 0) || 0;
        current = { method, path, headers, fault: nextFault({ method, path, headers }), applied: false, bytes: 0 };
        released = false;
        requests.push(current);
      }
      upstream.write(buf);
    });

    const flush = () => {
      held.delete(flush);
      released = true;
      const kept = holding ?? [];
      holding = null;
      for (const b of kept) {
        if (current) current.bytes += b.length;
        client.write(b);
      }
      // The server closed while the response was held: close after delivering it.
      if (closeAfterRelease) client.end(() => done());
    };

    upstream.on('data', (buf: Buffer) => {
      if (broken) return;
      if (holding) {
        holding.push(buf);
        return;
      }
      const req = current;
      const fault = req?.fault;
      if (!req || !fault || (fault.how === 'hold' && released)) {
        if (req) req.bytes += buf.length;
        client.write(buf);
        return;
      }
      const room = fault.at - req.bytes;
      if (room >= buf.length) {
        req.bytes += buf.length;
        client.write(buf);
        if (room > buf.length) return;
      } else if (room > 0) {
        req.bytes += room;
        client.write(buf.subarray(0, room));
      }
      req.applied = true;
      if (fault.how === 'hold') {
        holding = room < buf.length ? [buf.subarray(Math.max(0, room))] : [];
        held.add(flush);
        return;
      }
      if (fault.how === 'stall') {
        // Swallow everything from now on; the client only learns by its own watchdog.
        broken = true;
        upstream.destroy();
        return;
      }
      kill(fault.how ?? 'fin');
    });

    const done = () => {
      held.delete(flush);
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', done);
    client.on('error', () => undefined);
    upstream.on('close', () => {
      if (holding) {
        closeAfterRelease = true;
        return;
      }
      // A stalled link stays open until the client gives up.
      if (!(broken && current?.fault?.how === 'stall')) done();
    });
    upstream.on('error', () => undefined);
  });

  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get matched() {
      return matched;
    },
    setPlan(p) {
      plan = p ?? [];
    },
    release() {
      for (const f of [...held]) f();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
