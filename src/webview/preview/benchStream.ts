// The preview's benchmark stream (bench:webview, bench:llmPanel, bench:compare): synthetic node
// events at a steady rate, posted in batches as the extension's host sends a live run. Runs in the
// host stand-in's worker (host.ts). Preview only; never part of the extension.
import type { RunEvent } from '../../shared/events';
import type { ToWebview } from '../../shared/protocol';
import type { ToPage } from './host';

/** What the stream needs of the host stand-in. */
export interface BenchHost {
  sessionId(): string | null;
  /** The session's events (the stream pushes onto it). */
  events(): RunEvent[];
  /** How many of them the panel was sent. */
  sent(): number;
  setSent(n: number): void;
  send(m: ToWebview): void;
  toPage(m: ToPage): void;
  /** A recording still read in slices sends what was pushed (true), else the stream sends it. */
  flush(): boolean;
  /** The stream starts (true) or ends. */
  live(on: boolean): void;
}

const abs = () => performance.timeOrigin + performance.now();

export const BENCH_NODES = ['plan', 'retrieve', 'rerank', 'draft', 'critique', 'tool_call', 'summarize', 'route'];

/**
 * `rate` events per second for `seconds`, posted every `batchMs` like the host's batching:
 * tasks starts, then their updates and results, a few nodes open at a time. `llmRate`: besides
 * them, one node's LLM answer streamed as `messages-tuple` chunks at that many per second (one
 * word each), its update at the end.
 */
export async function benchStream(host: BenchHost, rate: number, seconds: number, batchMs: number, llmRate: number): Promise<void> {
  const id = host.sessionId();
  if (id === null) return;
  const events = host.events();
  const { send, toPage, setSent } = host;
  let task = 1_000_000;
  const open: { id: string; name: string; ns: string[] }[] = [];
  let made = 0;
  let chunks = 0;
  const LLM_TASK = 'bench-llm-task';
  host.live(true);
  if (llmRate > 0) {
    const ev: RunEvent = { id: String(events.length), event: 'tasks', ns: [], data: { id: LLM_TASK, name: 'draft_answer', input: {} }, t: Date.now() };
    const from = host.sent();
    events.push(ev);
    send({ type: 'session/events', sessionId: id, from, events: [ev] });
    setSent(from + 1);
    // A moment for the page to select it (a person watching the answer) before the stream.
    await new Promise((r) => setTimeout(r, 500));
  }
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      if (now - t0 >= seconds * 1000) {
        clearInterval(tick);
        if (llmRate > 0) {
          // The node ends: its update carries the whole answer, as a model's node returns it.
          const answer = { type: 'ai', id: 'bench-llm-answer', content: `${chunks} words`, usage_metadata: { input_tokens: 10, output_tokens: chunks, total_tokens: 10 + chunks } };
          const evs: RunEvent[] = [
            { id: String(events.length), event: 'updates', ns: [], data: { draft_answer: { messages: [answer] } }, t: Date.now() },
            { id: String(events.length + 1), event: 'tasks', ns: [], data: { id: LLM_TASK, name: 'draft_answer', result: { messages: [answer] }, error: null, interrupts: [] }, t: Date.now() },
          ];
          const from = host.sent();
          for (const ev of evs) events.push(ev);
          send({ type: 'session/events', sessionId: id, from, events: evs });
          setSent(from + evs.length);
        }
        resolve();
        return;
      }
      // Catch up with the clock, so the rate holds even when a timer fires late.
      const n = Math.round(((now - t0) / 1000) * rate) - made;
      const c = llmRate > 0 ? Math.round(((now - t0) / 1000) * llmRate) - chunks : 0;
      if (n <= 0 && c <= 0) return;
      const batch: RunEvent[] = [];
      const created: number[] = [];
      const llmCreated: number[] = [];
      const wall = Date.now();
      const base = abs();
      for (let k = 0; k < c; k++) {
        const at = base - batchMs * (1 - k / c);
        created.push(at);
        llmCreated.push(at);
        batch.push({
          id: String(events.length + batch.length), event: 'messages', ns: [], t: wall,
          data: [{ type: 'AIMessageChunk', id: 'bench-llm-answer', content: `word${chunks + k} ` }, { langgraph_node: 'draft_answer', langgraph_checkpoint_ns: `draft_answer:${LLM_TASK}`, ls_model_name: 'bench-model', ls_provider: 'bench' }],
        });
      }
      chunks += Math.max(0, c);
      for (let k = 0; k < n; k++) {
        // Events reach the host spread over the batch window; the host sends them together.
        created.push(base - batchMs * (1 - k / n));
        const seq = String(events.length + batch.length);
        if (open.length < 3 || k % 3 === 0) {
          const name = BENCH_NODES[task % BENCH_NODES.length];
          const ns = task % 10 === 0 ? ['child:bench-sub'] : [];
          const tid = `s${task++}`;
          open.push({ id: tid, name, ns });
          batch.push({ id: seq, event: 'tasks', ns, data: { id: tid, name, input: {} }, t: wall });
        } else {
          const o = open.shift()!;
          const writes = { notes: `${o.name} live ${o.id}` };
          batch.push({ id: seq, event: 'updates', ns: o.ns, data: { [o.name]: writes }, t: wall });
          batch.push({ id: String(events.length + batch.length), event: 'tasks', ns: o.ns, data: { id: o.id, name: o.name, result: writes, error: null, interrupts: [] }, t: wall });
          created.push(base - batchMs * (1 - k / n));
          k++;
        }
      }
      made += batch.length - Math.max(0, c);
      const from = host.sent();
      for (const ev of batch) events.push(ev);
      toPage({ type: 'batch', end: from + batch.length, created, sent: abs(), ...(llmCreated.length ? { llmCreated } : {}) });
      if (!host.flush()) {
        send({ type: 'session/events', sessionId: id, from, events: batch });
        setSent(from + batch.length);
      }
    }, batchMs);
  });
  host.live(false);
  toPage({ type: 'streamDone', sent: host.sent() });
}
