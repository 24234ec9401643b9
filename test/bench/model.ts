// `npm run bench:model` (node --expose-gc dist/test/bench/model.js [events]): feed the run model
// 100,000 events of a realistic agent run — a tool-calling loop streamed with updates + tasks +
// messages (tokens) + custom, the transcript growing to ~18k messages, tool results of a few KB,
// a scratchpad overwritten every turn and a few large documents (~200 KB) — and print the time per
// event (first vs last 10%), the total, and the heap the model retains. Then the same events
// through a naive model that deep-copies the state on every event, the ratio to beat.
// A benchmark, not a test: it prints figures and whether the targets were met; it never fails.
import { RunModel } from '../../src/shared/runModel';
import type { RunEvent } from '../../src/shared/events';
import { rng } from '../support/random';

const TOTAL = Number(process.argv[2]) || 100_000;
const TOKENS_PER_ANSWER = 10;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

// ---- a deterministic agent run ---------------------------------------------------------------

const WORDS = 'the otter river stream fish shell rock kelp tool search result answer call data page model graph node state reducer message token'.split(' ');
/** A flat string, as JSON.parse makes them (`+=` would build a rope of thousands of pieces). */
function text(r: () => number, words: number): string {
  const out: string[] = new Array(words);
  for (let i = 0; i < words; i++) out[i] = WORDS[Math.floor(r() * WORDS.length)];
  return out.join(' ');
}

function* agentRun(total: number): Generator<RunEvent> {
  const r = rng(42);
  let id = 0;
  let t = 1_700_000_000_000;
  const ev = (event: string, data: unknown): RunEvent => ({ id: String(id++), event, ns: [], data, t: (t += 1 + Math.floor(r() * 20)) });
  yield ev('metadata', { run_id: 'bench-run', attempt: 1 });
  let turn = 0;
  let messages = 1;
  while (id < total) {
    turn++;
    // agent: the model streams its answer, then returns one AI message, maybe with tool calls.
    const aTask = `agent-${turn}`;
    // A real `tasks` start carries the node's input (the whole state); the model does not read it
    // at the root, so a stand-in keeps the generator out of the measurement.
    yield ev('tasks', { id: aTask, name: 'agent', input: { messages: messages }, triggers: ['branch:to:agent'], interrupts: [], metadata: {} });
    const answer = text(r, 40 + Math.floor(r() * 120));
    for (let k = 0; k < TOKENS_PER_ANSWER && id < total; k++) yield ev('messages', [{ content: answer.slice(k * 20, k * 20 + 20), type: 'AIMessageChunk', id: `run-${turn}` }, { langgraph_node: 'agent' }]);
    const calls = 1 + Math.floor(r() * 3);
    const toolCalls = Array.from({ length: calls }, (_, c) => ({ name: c % 2 ? 'lookup' : 'search', args: { q: text(r, 4), page: c }, id: `call_${turn}_${c}`, type: 'tool_call' }));
    const aiMsg = { id: `run-${turn}`, type: 'ai', content: answer, tool_calls: toolCalls, invalid_tool_calls: [], additional_kwargs: {}, response_metadata: { model: 'fake', tokens: answer.length } };
    const agentWrite: Record<string, unknown> = { messages: [aiMsg], scratchpad: text(r, 150), turn };
    if (turn % 400 === 0) agentWrite.documents = { [`doc${turn}`]: text(r, 30_000) }; // a ~200 KB value now and then
    yield ev('updates', { agent: agentWrite });
    yield ev('tasks', { id: aTask, name: 'agent', result: agentWrite, interrupts: [], error: null });
    messages++;
    // tools: one ToolMessage per call, a few KB each.
    const tTask = `tools-${turn}`;
    yield ev('tasks', { id: tTask, name: 'tools', input: { messages }, triggers: ['branch:to:tools'], interrupts: [], metadata: {} });
    const toolMsgs = toolCalls.map((c) => ({ id: `tool-${c.id}`, type: 'tool', name: c.name, tool_call_id: c.id, status: 'success', content: text(r, 200 + Math.floor(r() * 600)), additional_kwargs: {}, response_metadata: {} }));
    const toolWrite = { messages: toolMsgs, last_tool: toolCalls[calls - 1].name };
    yield ev('updates', { tools: toolWrite });
    yield ev('tasks', { id: tTask, name: 'tools', result: toolWrite, interrupts: [], error: null });
    messages += calls;
    if (turn % 10 === 0) yield ev('custom', { progress: turn });
  }
}

// ---- the naive model: deep-copy the state per event ------------------------------------------

class NaiveModel {
  state: Record<string, unknown> = { messages: [] };
  apply(ev: RunEvent, copy: boolean): void {
    if (copy) this.state = structuredClone(this.state);
    if (ev.event !== 'updates' || !ev.data || typeof ev.data !== 'object') return;
    for (const w of Object.values(ev.data as Record<string, Record<string, unknown>>)) {
      for (const [k, v] of Object.entries(w)) {
        if (k !== 'messages') {
          this.state[k] = v;
          continue;
        }
        const list = this.state.messages as { id?: string }[];
        for (const m of v as { id?: string }[]) {
          const at = list.findIndex((x) => x.id === m.id);
          if (at >= 0) list[at] = m;
          else list.push(m);
        }
      }
    }
  }
}

// ---- measurement ---------------------------------------------------------------------------

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const us = (ms: number) => `${(ms * 1000).toFixed(2)} µs`;

function heap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function main(): void {
  if (!(globalThis as { gc?: unknown }).gc) console.warn('(run with node --expose-gc for heap figures)');
  console.log(`run model benchmark: ${TOTAL.toLocaleString('en')} events of a tool-calling agent run (updates + tasks + messages + custom)\n`);

  // Our model. Events are made a tenth at a time outside the timing and dropped once fed, as a
  // stream's would be, with a GC between tenths so the generator's garbage is not billed to the
  // model. Three passes; per tenth the median. The retained heap is what the model keeps.
  const decile = Math.ceil(TOTAL / 10);
  const passes: { chunkMs: number[]; chunkN: number[]; total: number; n: number }[] = [];
  let model = new RunModel();
  let retained = 0;
  for (let pass = 0; pass < 3; pass++) {
    model = new RunModel();
    const base = heap();
    const chunkMs: number[] = [];
    const chunkN: number[] = [];
    const gen = agentRun(TOTAL);
    let n = 0;
    let total = 0;
    for (let k = 0; k < 10; k++) {
      const batch: RunEvent[] = [];
      for (let r = gen.next(); !r.done; r = gen.next()) {
        batch.push(r.value);
        if (k < 9 && batch.length >= decile) break;
      }
      gc();
      const s = performance.now();
      for (const ev of batch) model.apply(ev);
      if (k === 9) model.end();
      const dt = performance.now() - s;
      chunkMs.push(dt);
      chunkN.push(batch.length);
      total += dt;
      n += batch.length;
    }
    retained = heap() - base;
    passes.push({ chunkMs, chunkN, total, n });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const per = Array.from({ length: 10 }, (_, k) => median(passes.map((p) => p.chunkMs[k] / p.chunkN[k])));
  const total = median(passes.map((p) => p.total));
  const n = passes[0].n;
  const last = model.executions.length - 1;
  const q0 = performance.now();
  const d = model.diff(last);
  const q1 = performance.now();
  const after = model.stateAfter(last)!;
  const q2 = performance.now();
  const mid = Math.floor(last / 2);
  model.diff(mid);
  const q3 = performance.now();
  const msgs = (after.messages as unknown[]).length;
  const stateBytes = JSON.stringify(after).length;

  const flat = per[per.length - 1] / per[0];
  console.log('this model');
  console.log(`  time per event, by tenth of the run: ${per.map(us).join(' | ')}`);
  console.log(`  first 10%: ${us(per[0])}/event, last 10%: ${us(per[per.length - 1])}/event → ${flat.toFixed(2)}× (target ≤ 1.5×)`);
  console.log(`  total: ${total.toFixed(0)} ms for ${n.toLocaleString('en')} events, ${us(total / n)}/event (median of 3 passes)`);
  console.log(`  retained heap: ${mb(retained)} for ${model.executions.length.toLocaleString('en')} executions (a snapshot before/after each), final state ${msgs.toLocaleString('en')} messages, ${mb(stateBytes)} as JSON`);
  console.log(`  when an execution is selected: its diff ${(q1 - q0).toFixed(2)} ms (${d.length} changes; one mid-run ${(q3 - q2).toFixed(2)} ms), its whole state as JSON ${(q2 - q1).toFixed(1)} ms`);

  // The naive model: a structuredClone of the state on every event. At this size copying every
  // event would take hours, so copies are timed on every SAMPLE-th event (the state itself is
  // kept exact on all events) and each sample stands for its SAMPLE events.
  const SAMPLE = Math.max(1, Math.round(TOTAL / 100));
  const nBase = heap();
  const naive = new NaiveModel();
  const naivePer: number[] = new Array(10).fill(0);
  const naiveCount: number[] = new Array(10).fill(0);
  let i = 0;
  const w0 = performance.now();
  for (const ev of agentRun(TOTAL)) {
    const sampled = i % SAMPLE === 0;
    if (sampled) {
      const s = performance.now();
      naive.apply(ev, true);
      const dt = performance.now() - s;
      const dec = Math.min(9, Math.floor(i / decile));
      naivePer[dec] += dt;
      naiveCount[dec]++;
    } else naive.apply(ev, false);
    i++;
  }
  const wall = performance.now() - w0;
  // What the naive model keeps is one copy of the final state: the floor any model pays.
  const stateHeap = heap() - nBase;
  const naiveMessages = (naive.state.messages as unknown[]).length; // keeps `naive` alive through the measurement
  const naiveAvg = naivePer.map((x, k) => x / Math.max(1, naiveCount[k]));
  const naiveTotal = naiveAvg.reduce((a, x, k) => a + x * (k === 9 ? n - decile * 9 : decile), 0);
  const ratio = naiveTotal / total;
  console.log('\nnaive model (structuredClone of the state per event)');
  console.log(`  time per event, by tenth of the run: ${naiveAvg.map(us).join(' | ')}`);
  console.log(`  first 10%: ${us(naiveAvg[0])}/event, last 10%: ${us(naiveAvg[9])}/event → ${(naiveAvg[9] / naiveAvg[0]).toFixed(1)}×`);
  console.log(`  total: ~${(naiveTotal / 1000).toFixed(1)} s (copies timed on every ${SAMPLE}th event, ${naiveCount.reduce((a, b) => a + b, 0)} samples, ${(wall / 1000).toFixed(1)} s of wall time)`);
  console.log(`  retained heap: ${mb(stateHeap)} — the final state alone (${naiveMessages.toLocaleString('en')} messages); this model keeps ${mb(retained - stateHeap)} more for ${model.executions.length.toLocaleString('en')} before/after snapshots and its indexes`);
  console.log(`  (to offer before/after per execution it would have to keep a copy each: ~${mb((stateBytes * model.executions.length) / 2)} of JSON)`);

  console.log('\ntargets');
  console.log(`  per-event cost flat (last 10% / first 10% ≤ 1.5×): ${flat.toFixed(2)}× — ${flat <= 1.5 ? 'met' : 'MISSED'}`);
  console.log(`  ≥ 10× faster than the naive model at ${TOTAL.toLocaleString('en')} events: ${ratio.toFixed(0)}× — ${ratio >= 10 ? 'met' : 'MISSED'}`);
}

main();
