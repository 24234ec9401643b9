// Properties of the run model's state layer:
// - on every recorded run, applying each node's diff in order to the initial state yields the
//   final state the server reported (GET /threads/{t}/state), and each diff turns exactly the
//   node's "before" into its "after";
// - on generated runs (sequential and parallel supersteps, messages added / replaced / removed,
//   id-less branch messages, updates in any finish order), the states the model computes are the
//   ones a reference implementation of LangGraph's reducers computes, with no false disagreement.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { parseRecording, type Recording } from '../../src/shared/recording';
import { RunModel, type ModelExtras } from '../../src/shared/runModel';
import { applyChanges, deepEqual } from '../../src/shared/diff';
import type { RunEvent } from '../../src/shared/events';

const DIR = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings');
const FIXTURES = readdirSync(DIR).filter((f) => f.endsWith('.jsonl')).map((f) => f.replace(/\.jsonl$/, '')).sort();

function load(name: string): Recording {
  return parseRecording(readFileSync(join(DIR, `${name}.jsonl`), 'utf8'));
}

function serverFinal(rec: Recording): Record<string, unknown> {
  const fs = (rec.header.extras as ModelExtras).finalState as { values: Record<string, unknown> };
  return fs.values;
}

/** Walk a namespace's chain: each before is the previous after, each diff replays exactly. */
function walkChain(m: RunModel, ns: string[] = []): Record<string, unknown> {
  let s: unknown = m.initialState(ns);
  for (const i of m.stateChain(ns)) {
    assert.deepEqual(m.stateBefore(i), s, `before #${i} ${m.executions[i].node} is the state the previous node left`);
    s = applyChanges(s, m.diff(i));
    assert.deepEqual(s, m.stateAfter(i), `the diff of #${i} ${m.executions[i].node} turns its before into its after`);
  }
  return s as Record<string, unknown>;
}

describe('recorded runs: the diffs, applied in order to the initial state, give the server’s final state', () => {
  for (const name of FIXTURES) {
    test(`${name} (with the thread history)`, () => {
      const rec = load(name);
      const m = RunModel.from(rec.events, { input: rec.header.input, extras: rec.header.extras });
      m.end();
      assert.ok(m.stateChain().length > 0);
      assert.deepEqual(walkChain(m), serverFinal(rec));
      assert.deepEqual(m.finalState(), serverFinal(rec));
      // Subgraphs chain too, and end where their parent node says they ended (its writes).
      for (const ns of m.namespaces().filter((n) => n.length > 0)) {
        const end = walkChain(m, ns);
        const chain = m.stateChain(ns);
        const parent = m.executions[chain[0]].parent;
        assert.notEqual(parent, null, `${ns.join('|')} is linked to the node that ran it`);
        const out = m.executions[parent!].writes as Record<string, unknown>;
        for (const k of Object.keys(out)) assert.deepEqual(end[k], out[k], `${ns.join('|')}.${k} as its node returned it`);
      }
    });

    test(`${name} (final state only, as a live run sees it before fetching the history)`, () => {
      const rec = load(name);
      const { history: _h, ...extras } = rec.header.extras as ModelExtras;
      const m = RunModel.from(rec.events, { input: rec.header.input, extras });
      m.end();
      assert.deepEqual(walkChain(m), serverFinal(rec));
    });
  }
});

// Keys with a custom reducer (concat, sum, union) in the example graphs: without any server
// values the model cannot know them, everything else it must reproduce from `updates` alone.
const CUSTOM: Record<string, string[]> = { simple: ['notes'], parallel: ['results', 'total'], subgraph: ['trail'], fanout: ['documents'] };

/** Equal, where a message we hold without an id matches the server's with one. */
function sameModuloMissingIds(ours: unknown, server: unknown): boolean {
  if (Array.isArray(ours) && Array.isArray(server)) return ours.length === server.length && ours.every((o, i) => sameModuloMissingIds(o, server[i]));
  if (ours && server && typeof ours === 'object' && typeof server === 'object' && !Array.isArray(ours)) {
    const o = ours as Record<string, unknown>;
    const s = server as Record<string, unknown>;
    const { id: _s, ...sRest } = s;
    return o.id === undefined && 'content' in o ? deepEqual(o, sRest) : deepEqual(o, s);
  }
  return deepEqual(ours, server);
}

describe('recorded runs without any server values: default reducers reproduce the server from updates alone', () => {
  // `trimmed` trims `messages` in its own reducer: there, by design, the defaults cannot (model.test.ts).
  for (const name of FIXTURES.filter((n) => !n.includes('values') && !n.includes('all-modes') && !n.startsWith('trimmed'))) {
    test(name, () => {
      const rec = load(name);
      const m = RunModel.from(rec.events, { input: rec.header.input, extras: { runs: (rec.header.extras as ModelExtras).runs } });
      m.end();
      const ours = walkChain(m);
      assert.deepEqual(ours, m.finalState());
      const custom = CUSTOM[rec.header.assistantId ?? ''] ?? [];
      for (const [k, v] of Object.entries(serverFinal(rec))) {
        if (custom.includes(k)) continue;
        if (Array.isArray(v) && v.length === 0 && ours[k] === undefined) continue; // a channel default
        assert.ok(sameModuloMissingIds(ours[k], v), `${k}: ${JSON.stringify(ours[k]).slice(0, 300)} vs ${JSON.stringify(v).slice(0, 300)}`);
      }
      // The only server values left are what subgraph nodes returned (their subgraph's output):
      // a difference there can only be about a custom reducer, noted as such, and never a warning.
      const noted = m.executions.flatMap((e) => e.reduced?.keys ?? []);
      assert.deepEqual(noted.filter((k) => !custom.includes(k)), []);
      assert.deepEqual(m.executions.filter((e) => e.disagreed).map((e) => e.node), [], 'no disagreement on a healthy graph');
    });
  }
});

// ---- generated runs against a reference implementation ------------------------------------

type Msg = { id?: string; type: string; content: string };
interface Write {
  a?: number;
  b?: string;
  messages?: (Msg | { type: 'remove'; id: string })[];
}
interface GenStep {
  nodes: { name: string; write: Write }[];
  finishOrder: number[];
}

/** LangGraph's messages reducer on plain arrays; every other key overwrites. */
function refApply(state: Record<string, unknown>, w: Write): Record<string, unknown> {
  const out = { ...state };
  for (const [k, v] of Object.entries(w)) {
    if (k !== 'messages') {
      out[k] = v;
      continue;
    }
    const merged = [...((out.messages as Msg[] | undefined) ?? [])];
    const remove = new Set<string>();
    for (const m of v as (Msg | { type: 'remove'; id: string })[]) {
      const at = m.id === undefined ? -1 : merged.findIndex((x) => x.id === m.id);
      if (m.type === 'remove') remove.add(m.id!);
      else if (at >= 0) merged[at] = m as Msg;
      else merged.push(m as Msg);
    }
    out.messages = merged.filter((x) => !(x.id !== undefined && remove.has(x.id)));
  }
  return out;
}

const content = fc.string({ minLength: 1, maxLength: 12 });

function genRun(parallelAllowed: boolean) {
  return fc
    .array(fc.record({ width: fc.integer({ min: 1, max: parallelAllowed ? 3 : 1 }), seed: fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), content, fc.nat()), { minLength: 3, maxLength: 3 }), perm: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }) }), { minLength: 1, maxLength: 6 })
    .map((raw) => {
      // Build the writes while tracking which ids exist, so replaces and removes hit real messages.
      let live: string[] = [];
      let nextId = 0;
      const steps: GenStep[] = raw.map((r, si) => {
        const nodes: GenStep['nodes'] = [];
        for (let k = 0; k < r.width; k++) {
          const [kind, text, pick] = r.seed[k];
          const name = `n${si}_${String.fromCharCode(97 + ((k * 7 + si) % 26))}`;
          const w: Write = {};
          if (r.width === 1) {
            if (kind % 3 === 0) w.a = pick;
            if (kind % 4 === 1) w.b = text;
            if (kind < 5) w.messages = [{ id: `m${nextId++}`, type: 'ai', content: text }];
            else if (kind < 7 && live.length) w.messages = [{ id: live[pick % live.length], type: 'ai', content: `${text}!` }];
            else if (kind < 9 && live.length) w.messages = [{ type: 'remove', id: live[pick % live.length] }];
          } else {
            // Parallel branches: messages without ids (the server gives them ids at the step's end).
            if (k === 0) w.a = pick;
            if (k === 1) w.b = text;
            w.messages = [{ type: 'ai', content: `${name}:${text}` }];
          }
          nodes.push({ name, write: w });
        }
        for (const n of nodes) {
          for (const m of n.write.messages ?? []) {
            if (m.type === 'remove') live = live.filter((x) => x !== m.id);
            else if (m.id !== undefined && !live.includes(m.id)) live.push(m.id);
          }
        }
        const finishOrder = nodes.map((_, i) => i).sort((x, y) => (r.perm[x] % 5) - (r.perm[y] % 5) || x - y);
        return { nodes, finishOrder };
      });
      return steps;
    });
}

/** Events as the server streams them, and the reference state after each step. */
function stream(steps: GenStep[], modes: { values: boolean; tasks: boolean }) {
  const events: RunEvent[] = [];
  let t = 0;
  let id = 0;
  const ev = (event: string, data: unknown) => events.push({ id: String(id++), event, ns: [], data, t: t++ });
  ev('metadata', { run_id: 'run-1', attempt: 1 });
  let state: Record<string, unknown> = { messages: [] };
  if (modes.values) ev('values', state);
  const after: Record<string, unknown>[] = [];
  let assigned = 0;
  steps.forEach((st, si) => {
    const order = [...st.nodes].sort((x, y) => (x.name < y.name ? -1 : 1)); // the graph's task order
    if (modes.tasks) for (const n of order) ev('tasks', { id: `task-${si}-${n.name}`, name: n.name, input: state, triggers: [], interrupts: [] });
    for (const n of order) state = refApply(state, n.write);
    // The server gives id-less messages their ids when the step's writes are applied, and the
    // update of the branch that finished last is sent after that, so it carries them.
    const idFor = new Map<unknown, string>();
    state = {
      ...state,
      messages: (state.messages as Msg[]).map((m) => {
        if (m.id !== undefined) return m;
        const id = `gen-${assigned++}`;
        idFor.set(m, id);
        return { ...m, id };
      }),
    };
    st.finishOrder.forEach((i, k) => {
      const n = st.nodes[i];
      const last = k === st.finishOrder.length - 1;
      const w = last && n.write.messages ? { ...n.write, messages: n.write.messages.map((m) => (idFor.has(m) ? { ...m, id: idFor.get(m) } : m)) } : n.write;
      ev('updates', { [n.name]: w });
      if (modes.tasks) ev('tasks', { id: `task-${si}-${n.name}`, name: n.name, result: w, interrupts: [], error: null });
    });
    after.push(state);
    if (modes.values) ev('values', state);
  });
  return { events, after, final: state };
}

function checkGenerated(steps: GenStep[], modes: { values: boolean; tasks: boolean }): void {
  const { events, after, final } = stream(steps, modes);
  const m = RunModel.from(events);
  m.end();
  assert.equal(m.executions.length, steps.reduce((n, s) => n + s.nodes.length, 0));
  // Supersteps: grouped as the server ran them, numbered from 1.
  let k = 0;
  steps.forEach((st, si) => {
    for (let j = 0; j < st.nodes.length; j++) assert.equal(m.executions[k++].step, si + 1);
  });
  const chain = m.stateChain();
  let pos = 0;
  steps.forEach((st, si) => {
    pos += st.nodes.length;
    const last = chain[pos - 1];
    const got = m.stateAfter(last)!;
    if (modes.values) assert.deepEqual(got, after[si], `state after step ${si + 1}`);
    else assert.ok(sameModuloMissingIds(got.messages ?? [], after[si].messages), `messages after step ${si + 1}`);
  });
  if (modes.values) {
    assert.deepEqual(m.executions.filter((e) => e.disagreed).map((e) => e.node), [], 'default reducers: no disagreement');
    assert.deepEqual(walkChain(m), final);
  } else walkChain(m);
}

describe('generated runs against a reference reducer', () => {
  test('sequential steps, updates only', () => {
    fc.assert(fc.property(genRun(false), (steps) => checkGenerated(steps, { values: false, tasks: false })), { numRuns: 150 });
  });
  test('sequential steps, updates + values', () => {
    fc.assert(fc.property(genRun(false), (steps) => checkGenerated(steps, { values: true, tasks: false })), { numRuns: 150 });
  });
  test('parallel steps in any finish order, updates + tasks', () => {
    fc.assert(fc.property(genRun(true), (steps) => checkGenerated(steps, { values: false, tasks: true })), { numRuns: 150 });
  });
  test('parallel steps in any finish order, updates + values (id-less branch messages get the server’s ids)', () => {
    fc.assert(fc.property(genRun(true), (steps) => checkGenerated(steps, { values: true, tasks: false })), { numRuns: 150 });
  });
  test('parallel steps in any finish order, updates alone (id-less messages keep a step open)', () => {
    fc.assert(fc.property(genRun(true), (steps) => checkGenerated(steps, { values: false, tasks: false })), { numRuns: 150 });
  });
});
