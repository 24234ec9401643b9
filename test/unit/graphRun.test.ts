// The graph pane's pure parts on runs recorded from the real dev server: the server's graph read
// as untrusted input, its shape (clusters from xray ids), how often each node ran, which edges a
// run took (through subgraphs, opened or not), resumed runs, the way to a selected execution, and
// the graph drawn from a run when there is none.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRecording, type Recording } from '../../src/shared/recording';
import { RunModel } from '../../src/shared/runModel';
import { MAX_GRAPH_NODES, graphSpecOf, sessionGraphOf } from '../../src/shared/assistantGraph';
import { END, START, edgeKey, graphIdOf, shapeFromGraph, shapeFromRun } from '../../src/webview/graph/graphShape';
import { graphRun, leafTransitions, tracePath, type GraphRun as GraphRunT } from '../../src/webview/graph/graphRun';
import { GraphLive } from '../../src/webview/graph/graphLive';
import { RunTracker } from '../../src/webview/graph/graphTrack';
import type { RunEvent } from '../../src/shared/events';
import { layoutGraph, visibleId } from '../../src/webview/graph/graphLayout';
import { nodeLabel } from '../../src/webview/graph/graphText';

const ROOT = resolve(__dirname, '..', '..', '..');
const load = (dir: string, name: string): Recording => parseRecording(readFileSync(join(ROOT, 'test', 'fixtures', dir, `${name}.jsonl`), 'utf8'));
function modelOf(rec: Recording): RunModel {
  const m = RunModel.from(rec.events, { input: rec.header.input, extras: rec.header.extras });
  m.end();
  return m;
}
const counts = (m: Map<string, number>) => Object.fromEntries([...m].map(([k, v]) => [k.replace('\u0000', '>'), v]).sort());
const measure = (t: string) => t.length * 7;

describe('the server’s graph, read as untrusted input', () => {
  test('nodes and edges are checked; what cannot be drawn is left out, not invented', () => {
    const g = graphSpecOf({
      nodes: [
        { id: '__start__' }, { id: 'a', data: { id: ['langgraph', 'RunnableCallable'] } }, { id: 'a' }, { id: 7 },
        { id: 'sub', data: { id: ['langgraph', 'pregel', 'CompiledStateGraph'] }, metadata: { __interrupt: 'before' } }, { nope: 1 }, null,
      ],
      edges: [{ source: '__start__', target: 'a' }, { source: 'a', target: 'missing' }, { source: 'a', target: 'sub', conditional: true }, 'x', { source: 7, target: 'a', conditional: 'yes' }],
    });
    assert.deepEqual(g.nodes, [{ id: '__start__' }, { id: 'a' }, { id: '7' }, { id: 'sub', subgraph: true, interrupt: 'before' }]);
    assert.deepEqual(g.edges, [
      { source: '__start__', target: 'a', conditional: false },
      { source: 'a', target: 'sub', conditional: true },
      { source: '7', target: 'a', conditional: false },
    ]);
    for (const bad of [null, [], 'graph', { nodes: {} }, { nodes: [] }]) assert.throws(() => graphSpecOf(bad), /no \{nodes, edges\} graph/);
    assert.throws(() => graphSpecOf({ nodes: Array.from({ length: MAX_GRAPH_NODES + 1 }, (_, i) => ({ id: `n${i}` })), edges: [] }), /more than/);
  });

  test('a stored graph read back: garbage is null, an unreadable graph says why', () => {
    assert.equal(sessionGraphOf('x'), null);
    assert.equal(sessionGraphOf(undefined), null);
    const broken = sessionGraphOf({ graph: { nodes: 3 }, xray: true, fetchedAt: 5 });
    assert.equal(broken?.graph, null);
    assert.match(broken!.error!, /stored graph is not readable/);
    assert.deepEqual(sessionGraphOf({ graph: null, xray: 2, error: 'HTTP 404', fetchedAt: 1 }), { graph: null, xray: 2, fetchedAt: 1, error: 'HTTP 404' });
  });
});

describe('the research run on its graph', () => {
  const rec = load('webview', 'research');
  const model = modelOf(rec);
  const shape = shapeFromGraph(sessionGraphOf(rec.header.graph)!.graph!);
  const run = graphRun(shape, model.executions, model.summary.runs, model.summary.phase === 'success');

  test('xray ids become clusters two levels deep; the subgraph node itself is its cluster', () => {
    assert.deepEqual(shape.clusters.map((c) => [c.id, c.name, c.parent]), [['write', 'write', null], ['write:edit', 'edit', 'write']]);
    assert.equal(shape.byId.get('write:edit:polish')?.cluster, 'write:edit');
    assert.equal(shape.byId.get('write:edit:polish')?.name, 'polish');
    assert.equal(shape.byId.has('write'), false);
  });

  test('how often each node ran, and the edges the run took', () => {
    const runs = Object.fromEntries([...run.nodes].filter(([id]) => id !== START && id !== END).map(([id, r]) => [id, r.runs]));
    assert.deepEqual(runs, { plan: 1, research_a: 2, research_b: 1, review: 2, write: 1, 'write:draft': 1, 'write:edit': 1, 'write:edit:proofread': 1, 'write:edit:polish': 1 });
    assert.deepEqual(counts(run.edgeCounts), {
      '__start__>plan': 1, 'plan>research_a': 1, 'plan>research_b': 1, 'research_a>review': 2, 'research_b>review': 1, 'review>research_a': 1,
      'review>write:draft': 1, 'write:draft>write:edit:proofread': 1, 'write:edit:polish>__end__': 1, 'write:edit:proofread>write:edit:polish': 1,
    });
    assert.match(nodeLabel(shape.byId.get('research_a')!, run.nodes.get('research_a'), shape), /^research_a, ran 2 times, done, \d+ ms in all$/);
    assert.equal(nodeLabel(shape.byId.get('write:edit:polish')!, run.nodes.get('write:edit:polish'), shape).endsWith('in subgraph write › edit'), true);
  });

  test('the way to the second review: every branch that led into it, nothing after it', () => {
    const second = model.executions.filter((e) => e.node === 'review')[1];
    const path = tracePath(run, model.executions, second.index);
    assert.deepEqual([...path.edges].map((k) => k.replace('\u0000', '>')).sort(), ['__start__>plan', 'plan>research_a', 'plan>research_b', 'research_a>review', 'research_b>review', 'review>research_a']);
    const draft = model.executions.find((e) => e.node === 'polish')!;
    const toPolish = [...tracePath(run, model.executions, draft.index).edges].map((k) => k.replace('\u0000', '>'));
    assert.ok(toPolish.includes('review>write:draft') && toPolish.includes('write:edit:proofread>write:edit:polish'), toPolish.join(', '));
  });

  test('collapsing a cluster draws it as one box; its edges go to the box, the inside ones vanish', () => {
    const open = layoutGraph(shape, new Set(), measure);
    assert.deepEqual(open.clusters.map((c) => c.id), ['write', 'write:edit']);
    const shut = layoutGraph(shape, new Set(['write:edit']), measure);
    assert.deepEqual(shut.nodes.filter((n) => n.collapsed).map((n) => n.id), ['write:edit']);
    assert.equal(visibleId(shape, new Set(['write:edit']), 'write:edit:polish'), 'write:edit');
    assert.equal(visibleId(shape, new Set(['write', 'write:edit']), 'write:edit:polish'), 'write');
    const keys = shut.edges.map((e) => `${e.source}>${e.target}`).sort();
    assert.ok(keys.includes('write:draft>write:edit') && keys.includes('write:edit>__end__'), keys.join(', '));
    assert.ok(!keys.some((k) => k.includes('proofread')), keys.join(', '));
    for (const n of shut.nodes) assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), n.id);
  });
});

describe('other runs', () => {
  test('a subgraph streamed without its inside: the edges into and out of its cluster still count', () => {
    // The xray graph of the example `subgraph` (as GET /assistants/subgraph/graph?xray=true draws it).
    const g = graphSpecOf({
      nodes: [{ id: '__start__' }, { id: 'prepare' }, { id: 'child:child_step' }, { id: 'child:grandchild', data: { id: ['langgraph', 'pregel', 'CompiledStateGraph'] } }, { id: 'child:child_done' }, { id: 'finalize' }, { id: '__end__' }],
      edges: [
        { source: 'child:child_step', target: 'child:grandchild' }, { source: 'child:grandchild', target: 'child:child_done' }, { source: '__start__', target: 'prepare' },
        { source: 'child:child_done', target: 'finalize' }, { source: 'finalize', target: '__end__' }, { source: 'prepare', target: 'child:child_step' },
      ],
    });
    const rec = load('webview', 'subgraph');
    const root = { ...rec, events: rec.events.filter((e) => !e.ns.length) };
    const model = modelOf(root);
    const shape = shapeFromGraph(g);
    const run = graphRun(shape, model.executions, model.summary.runs, true);
    assert.equal(run.nodes.get('child')?.runs, 1, 'the cluster shows its node’s execution');
    assert.equal(run.nodes.get('child:child_step'), undefined, 'nothing inside was streamed');
    assert.equal(run.edgeCounts.get(edgeKey('prepare', 'child:child_step')), 1);
    assert.equal(run.edgeCounts.get(edgeKey('child:child_done', 'finalize')), 1);
    assert.equal(run.edgeCounts.get(edgeKey('child:child_step', 'child:grandchild')), undefined);
    // With the inside streamed, the grandchild (a one-node subgraph, a node of its own here) counts.
    const full = modelOf(rec);
    const fullRun = graphRun(shape, full.executions, full.summary.runs, true);
    assert.equal(fullRun.nodes.get('child:grandchild')?.runs, 1);
    assert.equal(fullRun.edgeCounts.get(edgeKey('child:child_step', 'child:grandchild')), 1);
    assert.equal(fullRun.nodes.get('child:grandchild:deep_step'), undefined, 'inside an unopened subgraph: counted as its node');
  });

  test('a resumed interrupt: no second way in from __start__, and the resume goes on from the node', () => {
    const rec = load('recordings', 'interrupt-resume-updates');
    const model = modelOf(rec);
    assert.equal(model.summary.runs.length, 2);
    const pairs = leafTransitions(model.executions, model.summary.runs, model.summary.phase === 'success').map((t) => `${t.from === 'start' ? START : graphIdOf(model.executions[t.from])}>${t.to === 'end' ? END : graphIdOf(model.executions[t.to])}`);
    assert.equal(pairs.filter((p) => p.startsWith(`${START}>`)).length, 1, pairs.join(', '));
    assert.ok(pairs.includes('draft_reply>human_review') && pairs.includes('human_review>finish') && pairs.includes(`finish>${END}`), pairs.join(', '));
    // Without a graph from the server: drawn from those transitions, and it says so.
    const shape = shapeFromRun(model.executions, pairs.map((p) => p.split('>') as [string, string]), 'drawn from the run');
    assert.ok(shape.derived);
    assert.deepEqual(shape.nodes.map((n) => n.id).sort(), [END, START, 'draft_reply', 'finish', 'human_review'].sort());
    const run = graphRun(shape, model.executions, model.summary.runs, true);
    assert.equal(run.nodes.get('human_review')?.runs, 2, 'interrupted, then resumed');
    assert.equal(run.nodes.get('human_review')?.interrupts, 1);
    assert.match(nodeLabel(shape.byId.get('human_review')!, run.nodes.get('human_review'), shape), /^human_review, ran 2 times, done, 1 interrupted/);
  });

  test('a failed run: the failing node is marked, the run does not reach __end__', () => {
    const rec = load('recordings', 'failing-updates');
    const model = modelOf(rec);
    const pairs = leafTransitions(model.executions, model.summary.runs, model.summary.phase === 'success');
    assert.ok(!pairs.some((t) => t.to === 'end'), 'no way to __end__');
    const failed = model.executions.filter((e) => e.status === 'error');
    assert.ok(failed.length >= 1, 'the recording has a failed execution');
    const shape = shapeFromRun(model.executions, [], '');
    const run = graphRun(shape, model.executions, model.summary.runs, false);
    for (const e of failed) assert.equal(run.nodes.get(graphIdOf(e))?.status, 'error');
  });
});

describe('the incremental tracker gives what a full pass gives', () => {
  const cases: [string, string][] = [
    ['webview', 'research'], ['webview', 'subgraph'], ['webview', 'parallel'], ['webview', 'interrupt'], ['webview', 'failing'], ['webview', 'agent'],
    ['recordings', 'interrupt-resume-updates'], ['recordings', 'fanout-updates-tasks'], ['recordings', 'subgraph-updates-subgraphs'], ['recordings', 'parallel-all-modes'],
  ];
  const plain = (r: GraphRunT) => ({
    nodes: Object.fromEntries([...r.nodes].filter(([id]) => id !== START && id !== END).map(([id, n]) => [id, [n.runs, n.running, n.status, n.errors, n.interrupts, Math.round(n.totalMs)]]).sort()),
    edges: counts(r.edgeCounts),
  });
  for (const [dir, name] of cases) {
    test(`${name}: fed event by event, as a live run arrives`, () => {
      const rec = load(dir, name);
      const sent = sessionGraphOf(rec.header.graph);
      const model = new RunModel({ input: rec.header.input, extras: rec.header.extras });
      const live = new GraphLive(() => 0);
      const input = (finished: boolean, isLive: boolean) => ({ sessionId: 's', sent, executions: model.executions, runs: model.summary.runs, finished, version: model.version, live: isLive, note: () => 'n' });
      let seen = 0;
      for (const ev of rec.events) {
        model.apply(ev);
        const r = live.update(input(false, true)).run!;
        seen = Math.max(seen, r.nodes.size);
      }
      model.end();
      const done = model.summary.phase === 'success';
      const got = live.update(input(done, false));
      // The full pass, on the same shape.
      const shape = sent?.graph ? shapeFromGraph(sent.graph) : got.shape!;
      const want = graphRun(shape, model.executions, model.summary.runs, done);
      assert.deepEqual(plain(got.run!), plain(want));
      assert.ok(seen > 0 || !model.executions.length);
      // The way to each execution, traced from the tracker's index, is the full pass's.
      const norm = (p: { edges: Set<string>; executions: Set<number> }) => [[...p.edges].sort(), [...p.executions].sort((a, b) => a - b)];
      for (let i = 0; i < model.executions.length; i++) assert.deepEqual(norm(tracePath(got.run!, model.executions, i)), norm(tracePath(want, model.executions, i)), `path to ${i}`);
    });
  }
});

describe('the incremental tracker on a long live run', () => {
  // As bench:llmPanel streams it: one node starts first and stays open (an LLM answer streaming)
  // while thousands of others start and finish after it, some in a subgraph's namespace.
  function stream(n: number, seed: number): RunEvent[] {
    let x = seed;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const names = ['plan', 'retrieve', 'rerank', 'draft', 'critique', 'route'];
    const evs: RunEvent[] = [{ id: '0', event: 'tasks', ns: [], data: { id: 'long', name: 'answer', input: {} }, t: 1000 }];
    const open: { id: string; name: string; ns: string[] }[] = [];
    let task = 0;
    for (let k = 0; evs.length < n; k++) {
      const t = 1000 + evs.length;
      if (open.length < 3 || rnd() < 0.34) {
        const name = names[Math.floor(rnd() * names.length)];
        const ns = task % 10 === 0 ? ['child:sub'] : [];
        const id = `t${task++}`;
        open.push({ id, name, ns });
        evs.push({ id: String(evs.length), event: 'tasks', ns, data: { id, name, input: {} }, t });
      } else {
        const o = open.splice(Math.floor(rnd() * open.length), 1)[0];
        evs.push({ id: String(evs.length), event: 'updates', ns: o.ns, data: { [o.name]: { notes: o.id } }, t });
        evs.push({ id: String(evs.length), event: 'tasks', ns: o.ns, data: { id: o.id, name: o.name, result: { notes: o.id }, error: null, interrupts: [] }, t });
      }
    }
    evs.push({ id: String(evs.length), event: 'updates', ns: [], data: { answer: { notes: 'done' } }, t: 1000 + evs.length });
    evs.push({ id: String(evs.length), event: 'tasks', ns: [], data: { id: 'long', name: 'answer', result: { notes: 'done' }, error: null, interrupts: [] }, t: 1000 + evs.length });
    return evs;
  }
  const plain = (r: GraphRunT) => ({
    nodes: Object.fromEntries([...r.nodes].filter(([id]) => id !== START && id !== END).map(([id, n]) => [id, [n.runs, n.running, n.status, n.errors, n.interrupts, Math.round(n.totalMs)]]).sort()),
    edges: counts(r.edgeCounts),
  });

  for (const seed of [1, 7, 42]) {
    test(`seed ${seed}: the same counts as a full pass at every checkpoint, and each pass recomputes only the steps that changed`, () => {
      const evs = stream(6000, seed);
      const model = new RunModel({});
      const tracker = new RunTracker(model.executions, (gid) => gid, (a, b) => [edgeKey(a, b)], true);
      let worst = 0;
      let checked = 0;
      for (let i = 0; i < evs.length; i += 30) {
        const before = model.executions.length;
        for (const ev of evs.slice(i, i + 30)) model.apply(ev);
        const live = i + 30 < evs.length;
        const r = tracker.update(model.summary.runs, false, live);
        // A pass costs what changed: the new executions' steps, the one before them, the run's
        // first step — not every step since the one that stays open.
        worst = Math.max(worst, tracker.lastPassSteps - (model.executions.length - before));
        if ((i / 30) % 40 === 0 || !live) {
          const shape = shapeFromRun(model.executions, tracker.pairs.values(), 'n');
          const full = graphRun(shape, model.executions, model.summary.runs, false);
          assert.deepEqual(plain(r), plain(full), `after ${i + 30} events`);
          // The way to an execution, traced from the tracker's own index, is the full pass's.
          for (const sel of [0, 1, Math.floor(model.executions.length / 2), model.executions.length - 1]) {
            const a = tracePath(r, model.executions, sel);
            const b = tracePath(full, model.executions, sel);
            assert.deepEqual([[...a.edges].sort(), [...a.executions].sort((p, q) => p - q)], [[...b.edges].sort(), [...b.executions].sort((p, q) => p - q)], `path to ${sel}`);
          }
          checked++;
        }
      }
      assert.ok(model.executions.length > 2000, `${model.executions.length} executions`);
      // Many supersteps after the one held open (else nothing here would test settling around it).
      const steps = new Set(model.executions.filter((e) => !e.ns.length).map((e) => e.step));
      assert.ok(steps.size > 500, `${steps.size} steps`);
      assert.ok(checked >= 5);
      assert.ok(worst <= 4, `a pass recomputed ${worst} steps more than it took in`);
    });
  }
});
