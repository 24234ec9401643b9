// The host's messages, handled in the order they came, with big slices (`session/packed`, see
// ../shared/packedEvents.ts) parsed in a Web Worker so the panel's thread only receives the
// events. A message that comes while a slice is still being parsed waits for it: a status or the
// next slice never overtakes the events before it. Where no worker can be had (no Worker, a CSP
// that refuses it), slices are parsed on the panel's thread, as the store does by itself.
import type { RunEvent } from '../shared/events';
import { unpackEvents } from '../shared/packedEvents';
import type { ToWebview } from '../shared/protocol';
import { blobWorker, startWorker } from './blobWorker';

type Packed = Extract<ToWebview, { type: 'session/packed' }>;

export interface InboxTarget {
  handle(m: ToWebview): void;
  /** A packed slice could not be read (its reason). */
  packedUnreadable(m: Packed, reason: string): void;
}

interface Entry {
  m: ToWebview;
  /** For a slice being parsed: set when the worker answers. */
  result?: { events: RunEvent[] } | { error: string };
  waiting: boolean;
}

type Reply = { id: number; events: RunEvent[] } | { id: number; error: string };

export class Inbox {
  private readonly queue: Entry[] = [];
  private readonly pending = new Map<number, Entry>();
  private worker: Worker | null | undefined;
  private nextId = 0;

  constructor(private readonly target: InboxTarget, private readonly makeWorker: () => Worker | null = unpackWorker) {}

  receive(m: ToWebview): void {
    const w = m.type === 'session/packed' ? this.ensureWorker() : null;
    if (!w && !this.queue.length) return this.target.handle(m);
    const entry: Entry = { m, waiting: !!w };
    this.queue.push(entry);
    if (w && m.type === 'session/packed') {
      const id = ++this.nextId;
      this.pending.set(id, entry);
      w.postMessage({ id, json: m.json, count: m.count }, [m.json.buffer as ArrayBuffer]);
    }
    this.flush();
  }

  private ensureWorker(): Worker | null {
    // A worker that dies (or never starts) leaves its slices to the panel's thread... which no
    // longer has their bytes (they were transferred): the store asks the host again.
    if (this.worker === undefined) this.worker = startWorker<Reply>(this.makeWorker, (r) => this.answered(r), (e) => this.workerFailed(e.message || 'the unpacking worker failed'));
    return this.worker;
  }

  private answered(r: Reply): void {
    const entry = this.pending.get(r.id);
    if (!entry) return;
    this.pending.delete(r.id);
    entry.result = 'events' in r ? { events: r.events } : { error: r.error };
    entry.waiting = false;
    this.flush();
  }

  private workerFailed(reason: string): void {
    this.worker?.terminate();
    this.worker = null;
    for (const entry of this.pending.values()) {
      entry.result = { error: reason };
      entry.waiting = false;
    }
    this.pending.clear();
    this.flush();
  }

  private flush(): void {
    while (this.queue.length && !this.queue[0].waiting) {
      const { m, result } = this.queue.shift()!;
      if (m.type !== 'session/packed' || !result) this.target.handle(m);
      else if ('events' in result) this.target.handle({ type: 'session/events', sessionId: m.sessionId, from: m.from, events: result.events });
      else this.target.packedUnreadable(m, result.error);
    }
  }
}

/** The worker: `unpackEvents` run on each slice posted to it. Built from source (the CSP allows blob: workers). */
function unpackWorker(): Worker | null {
  const source = `const unpackEvents = ${unpackEvents.toString()};
self.onmessage = (e) => {
  const { id, json, count } = e.data;
  try {
    self.postMessage({ id, events: unpackEvents(json, count) });
  } catch (err) {
    self.postMessage({ id, error: String(err && err.message || err) });
  }
};`;
  return blobWorker(source);
}
