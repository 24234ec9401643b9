// Helpers shared by the client tests (and the VS Code suite's harness: nothing here needs vscode).
import net from 'node:net';
import type { RunEvent } from '../../src/shared/events';

/** A hang becomes a failure (not a timed assertion: nothing in the client tests is expected to take long). */
export const HANG_GUARD = { timeout: 120_000 };

export async function collect(it: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

/** What identifies an event on the wire (the receive time `t` is the client's). */
export function wire(events: RunEvent[]): Array<Omit<RunEvent, 't'>> {
  return events.map(({ id, event, ns, data }) => ({ id, event, ns, data }));
}

/** Ids 0,1,2… with no gap and no repeat. */
export function assertConsecutiveIds(events: RunEvent[], assert: { deepEqual(a: unknown, b: unknown, m?: string): void }): void {
  assert.deepEqual(events.map((e) => e.id), events.map((_, i) => String(i)), 'ids are 0..n-1, each once, in order');
}

/** A loopback port nothing listens on (right now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolve when `check` holds; `timeoutMs` bounds the wait (a bound, not a timed assertion). */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
