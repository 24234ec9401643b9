// The panel's inbox (src/webview/inbox.ts): big slices are parsed by a worker, and nothing that
// comes after a slice overtakes it. The worker here runs `unpackEvents` as the real one does, but
// answers when the test says (the real worker is driven in Chromium by test/webview/bigLoad.test.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Inbox, type InboxTarget } from '../../src/webview/inbox';
import { packEvents, unpackEvents } from '../../src/shared/packedEvents';
import type { ToWebview } from '../../src/shared/protocol';
import type { RunEvent } from '../../src/shared/events';

const ev = (i: number): RunEvent => ({ id: String(i), event: 'updates', ns: [], data: { n: { i, text: `→ ${i} 𝄞 <b>` } }, t: i });

class FakeWorker {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  readonly inbox: { id: number; json: Uint8Array; count: number }[] = [];
  postMessage(m: { id: number; json: Uint8Array; count: number }): void {
    this.inbox.push(m);
  }
  terminate(): void {}
  /** Answer the oldest slice as the real worker would. */
  answer(): void {
    const m = this.inbox.shift()!;
    let reply: unknown;
    try {
      reply = { id: m.id, events: unpackEvents(m.json, m.count) };
    } catch (e) {
      reply = { id: m.id, error: (e as Error).message };
    }
    this.onmessage?.({ data: reply } as MessageEvent);
  }
}

function setup(worker: FakeWorker | null) {
  const handled: ToWebview[] = [];
  const unreadable: string[] = [];
  const target: InboxTarget = { handle: (m) => handled.push(m), packedUnreadable: (_m, reason) => unreadable.push(reason) };
  const inbox = new Inbox(target, () => worker as unknown as Worker);
  return { inbox, handled, unreadable };
}

const packed = (from: number, events: RunEvent[]): ToWebview => ({ type: 'session/packed', sessionId: 's', from, count: events.length, json: packEvents(events) });

describe('panel inbox', () => {
  test('a slice is parsed by the worker; what came after it waits, then all goes in order', () => {
    const w = new FakeWorker();
    const { inbox, handled } = setup(w);
    inbox.receive({ type: 'session/events', sessionId: 's', from: 0, events: [ev(0)] });
    assert.equal(handled.length, 1, 'nothing to wait for: handled at once');
    inbox.receive(packed(1, [ev(1), ev(2)]));
    inbox.receive(packed(3, [ev(3)]));
    inbox.receive({ type: 'session/status', sessionId: 's', status: { phase: 'recorded' } });
    assert.equal(handled.length, 1, 'the status overtook the slices');
    assert.equal(w.inbox.length, 2, 'both slices went to the worker at once');
    w.answer();
    assert.deepEqual(handled.map((m) => m.type), ['session/events', 'session/events']);
    w.answer();
    assert.deepEqual(handled.map((m) => m.type), ['session/events', 'session/events', 'session/events', 'session/status']);
    const got = handled.flatMap((m) => (m.type === 'session/events' ? m.events : []));
    assert.deepEqual(got, [0, 1, 2, 3].map(ev), 'the events, text and all, as they were packed');
    assert.deepEqual(handled.map((m) => (m.type === 'session/events' ? m.from : -1)), [0, 1, 3, -1]);
  });

  test('a damaged slice is reported unreadable in its place; the rest still goes in order', () => {
    const w = new FakeWorker();
    const { inbox, handled, unreadable } = setup(w);
    const bad = packed(0, [ev(0), ev(1)]) as Extract<ToWebview, { type: 'session/packed' }>;
    inbox.receive({ ...bad, json: bad.json.subarray(0, 5) });
    inbox.receive({ type: 'session/status', sessionId: 's', status: { phase: 'recorded' } });
    w.answer();
    assert.equal(unreadable.length, 1);
    assert.match(unreadable[0], /not JSON/);
    assert.deepEqual(handled.map((m) => m.type), ['session/status']);
  });

  test('a count that does not match is unreadable too', () => {
    const w = new FakeWorker();
    const { inbox, unreadable } = setup(w);
    inbox.receive({ type: 'session/packed', sessionId: 's', from: 0, count: 3, json: packEvents([ev(0)]) });
    w.answer();
    assert.match(unreadable[0], /holds 1 events, not the 3 announced/);
  });

  test('a worker that dies: its slices are reported unreadable (the store asks the host again), later ones go to the panel thread', () => {
    const w = new FakeWorker();
    const { inbox, handled, unreadable } = setup(w);
    inbox.receive(packed(0, [ev(0)]));
    inbox.receive({ type: 'session/status', sessionId: 's', status: { phase: 'recorded' } });
    w.onerror?.({ message: 'boom' } as ErrorEvent);
    assert.deepEqual(unreadable, ['boom']);
    assert.deepEqual(handled.map((m) => m.type), ['session/status']);
    inbox.receive(packed(1, [ev(1)]));
    assert.deepEqual(handled.map((m) => m.type), ['session/status', 'session/packed'], 'without a worker the store parses it itself');
  });

  test('no worker at all: everything is handed on at once, slices included', () => {
    const { inbox, handled } = setup(null);
    inbox.receive(packed(0, [ev(0)]));
    inbox.receive({ type: 'session/status', sessionId: 's', status: { phase: 'recorded' } });
    assert.deepEqual(handled.map((m) => m.type), ['session/packed', 'session/status']);
  });
});
