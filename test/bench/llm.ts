// `npm run bench:llm` (node --expose-gc dist/test/bench/llm.js): the run model taking in a
// 5,000-token answer streamed at 500 chunks/s beside 2,000 updates/s of parallel nodes (arrival
// times spaced so), then the same updates without the chunks: the baseline. Prints time per event
// side by side and their ratio, and the heap the model keeps per streamed call for answers of
// 1,000, 5,000 and 20,000 chunks (it should not grow with the chunk count beyond the text itself).
// A benchmark, not a test: it prints figures, it never fails.
import { RunModel } from '../../src/shared/runModel';
import type { RunEvent } from '../../src/shared/events';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function run(chunks: number, withChunks: boolean): RunEvent[] {
  const out: RunEvent[] = [];
  let id = 0;
  const t0 = 1_700_000_000_000;
  const ev = (event: string, data: unknown, t: number) => out.push({ id: String(id++), event, ns: [], data, t });
  ev('metadata', { run_id: 'bench' }, t0);
  ev('tasks', { id: 'w', name: 'writer', input: {}, triggers: ['branch:to:writer'], interrupts: [], metadata: {} }, t0);
  const meta = { langgraph_node: 'writer', langgraph_checkpoint_ns: 'writer:w', ls_provider: 'fake', ls_model_name: 'bench-1' };
  // Per chunk (2 ms at 500/s), four updates of other nodes (0.5 ms each at 2,000/s).
  for (let k = 0; k < chunks; k++) {
    const t = t0 + 2 * k;
    if (withChunks) ev('messages', [{ type: 'AIMessageChunk', id: 'answer', content: 'tok ' }, meta], t);
    for (let u = 0; u < 4; u++) ev('updates', { [`side_${u}`]: { [`n${u}`]: k } }, t + u * 0.5);
  }
  if (withChunks) ev('messages', [{ type: 'AIMessageChunk', id: 'answer', content: '', usage_metadata: { input_tokens: 10, output_tokens: chunks, total_tokens: chunks + 10 } }, meta], t0 + 2 * chunks);
  ev('updates', { writer: { out: 'done' } }, t0 + 2 * chunks + 1);
  return out;
}

function time(events: RunEvent[]): number {
  const m = new RunModel();
  const a = performance.now();
  for (const e of events) m.apply(e);
  return performance.now() - a;
}

function heapOf(events: RunEvent[]): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const m = new RunModel();
  for (const e of events) m.apply(e);
  // The events are the host's (it keeps every one); what the model adds is what is measured.
  gc();
  const after = process.memoryUsage().heapUsed;
  if (m.llm.calls.length < 0) console.log(m); // keep the model alive past the measurement
  return after - before;
}

const N = 5_000;
const withC = run(N, true);
const without = run(N, false);
for (let k = 0; k < 3; k++) {
  // warm up
  time(withC);
  time(without);
}
const a = Math.min(...[0, 1, 2, 3, 4].map(() => time(withC)));
const b = Math.min(...[0, 1, 2, 3, 4].map(() => time(without)));
console.log(`5,000-token answer at 500 chunks/s beside 2,000 updates/s (${withC.length} events):`);
console.log(`  with the chunks     ${(a / withC.length * 1000).toFixed(2)} µs/event, ${a.toFixed(1)} ms in all`);
console.log(`  updates alone       ${(b / without.length * 1000).toFixed(2)} µs/event, ${b.toFixed(1)} ms in all (baseline)`);
console.log(`  ratio               ${(a / b).toFixed(2)}× the baseline's total for ${(withC.length / without.length).toFixed(2)}× the events`);
console.log('model heap per streamed call (with chunks − without), by chunk count:');
for (const n of [1_000, 5_000, 20_000]) {
  const d = heapOf(run(n, true)) - heapOf(run(n, false));
  console.log(`  ${String(n).padStart(6)} chunks  ${(d / 1024).toFixed(0).padStart(6)} KB  (${(d / n).toFixed(1)} B per chunk; text ${(n * 4 / 1024).toFixed(0)} KB)`);
}
