// The webview's store driven through the real protocol messages, in plain Node: the ready/snapshot
// handshake and `rendered` reports, batches with gaps (resync) and overlaps, follow mode, selection,
// filter and search, and UI state surviving a reload. Frames are run by hand (no timers).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRecording, type Recording } from '../../src/shared/recording';
import type { RunEvent } from '../../src/shared/events';
import type { FromWebview, SessionInfo } from '../../src/shared/protocol';
import { RunModel } from '../../src/shared/runModel';
import { Store } from '../../src/webview/store';
import { span } from '../../src/webview/viewport';

const ROOT = resolve(__dirname, '..', '..', '..');
const rec = (name: string): Recording => parseRecording(readFileSync(join(ROOT, 'test', 'fixtures', 'webview', `${name}.jsonl`), 'utf8'));

function harness(state?: unknown) {
  const posted: FromWebview[] = [];
  let saved: unknown = state;
  let queued: (() => void) | null = null;
  let clock = 0;
  const store = new Store({
    api: { postMessage: (m) => posted.push(m), getState: () => saved, setState: (s) => (saved = s) },
    schedule: (cb) => (queued = cb),
    now: () => clock,
  });
  /** Run frames until nothing more is scheduled (a backlog or a search may take several). */
  const flush = (max = 10_000) => {
    for (let i = 0; i < max && queued; i++) {
      const cb = queued;
      queued = null;
      cb();
    }
  };
  return {
    store, posted, flush,
    saved: () => saved,
    setNow: (t: number) => (clock = t),
    rendered: () => posted.filter((m): m is Extract<FromWebview, { type: 'rendered' }> => m.type === 'rendered'),
  };
}

const session = (r: Recording, id = 's1'): SessionInfo => ({ id, title: 't', startedAt: r.header.startedAt, input: r.header.input, threadId: r.header.threadId ?? null });

describe('protocol', () => {
  test('snapshot → one frame → `rendered` with what is drawn', () => {
    const r = rec('parallel');
    const h = harness();
    h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'recorded' }, events: r.events });
    h.flush();
    const last = h.rendered().at(-1)!;
    assert.deepEqual(last, { type: 'rendered', sessionId: 's1', events: r.events.length, executions: 5 });
    assert.equal(h.store.model.summary.phase, 'success', 'a recorded run is ended');
  });

  test('many events arrive between frames: one render for all of them', () => {
    const r = rec('subgraph');
    const h = harness();
    h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'streaming' }, events: [] });
    h.flush();
    const before = h.rendered().length;
    for (let i = 0; i < r.events.length; i++) h.store.handle({ type: 'session/events', sessionId: 's1', from: i, events: [r.events[i]] });
    h.flush();
    assert.equal(h.rendered().length - before, 1);
    assert.equal(h.rendered().at(-1)!.events, r.events.length);
  });

  test('a lost batch asks for a resync from what the panel has; overlaps are skipped', () => {
    const r = rec('slow');
    const h = harness();
    h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'streaming' }, events: r.events.slice(0, 5) });
    h.store.handle({ type: 'session/events', sessionId: 's1', from: 8, events: r.events.slice(8, 10) });
    assert.deepEqual(h.posted.at(-1), { type: 'resync', sessionId: 's1', from: 5 });
    // The host re-sends from 3 (overlapping what we have): only the new ones count.
    h.store.handle({ type: 'session/events', sessionId: 's1', from: 3, events: r.events.slice(3, 10) });
    h.store.handle({ type: 'session/events', sessionId: 'other', from: 10, events: r.events.slice(10) });
    h.flush();
    assert.equal(h.store.eventCount, 10);
    assert.equal(h.rendered().at(-1)!.events, 10);
    // Exactly the first 10 events, each once.
    const ref = RunModel.from(r.events.slice(0, 10), { input: r.header.input });
    assert.deepEqual(h.store.model.executions.map((e) => `${e.node}:${e.status}`), ref.executions.map((e) => `${e.node}:${e.status}`));
    assert.equal(h.store.model.summary.events, 10);
  });

  test('a huge snapshot is taken in over several frames and then ended', () => {
    // 9,000 executions (27,000 events): far more than one frame's budget on any machine.
    const events: RunEvent[] = [];
    let t = 1_000_000;
    for (let i = 0; i < 9000; i++) {
      const name = `n${i % 5}`;
      events.push({ id: String(events.length), event: 'tasks', ns: [], data: { id: `t${i}`, name, input: {} }, t });
      events.push({ id: String(events.length), event: 'updates', ns: [], data: { [name]: { i } }, t: t + 1 });
      events.push({ id: String(events.length), event: 'tasks', ns: [], data: { id: `t${i}`, name, result: { i }, error: null, interrupts: [] }, t: t + 1 });
      t += 2;
    }
    const h = harness();
    h.store.handle({ type: 'session/snapshot', session: { id: 'big', title: 'big', startedAt: 0 }, status: { phase: 'recorded' }, events });
    h.flush();
    const reports = h.rendered();
    assert.ok(reports.length >= 1);
    for (let i = 1; i < reports.length; i++) assert.ok(reports[i].events >= reports[i - 1].events, 'counts only grow');
    assert.deepEqual(reports.at(-1), { type: 'rendered', sessionId: 'big', events: 27_000, executions: 9000 });
    assert.equal(h.store.loading, 0);
    assert.equal(h.store.model.summary.phase, 'success');
  });

  test('session/none clears the panel', () => {
    const r = rec('agent');
    const h = harness();
    h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'recorded' }, events: r.events });
    h.flush();
    h.store.handle({ type: 'session/none' });
    h.flush();
    assert.equal(h.store.session, null);
    assert.equal(h.store.model.executions.length, 0);
  });
});

describe('DOM refresh while a run streams', () => {
  /** Frames `gap` ms apart (on the panel's clock), each with one new event: which seqs each bumped. */
  function stream(frames: number, gap: number) {
    const real = Object.getOwnPropertyDescriptor(globalThis, 'performance')!;
    let clock = 1000;
    Object.defineProperty(globalThis, 'performance', { value: { now: () => clock }, configurable: true, writable: true });
    try {
      const h = harness();
      h.store.handle({ type: 'session/snapshot', session: session(rec('parallel')), status: { phase: 'streaming' }, events: [] });
      h.flush();
      const out: { slow: boolean; list: boolean; graph: boolean }[] = [];
      for (let i = 0; i < frames; i++) {
        clock += gap;
        const before = [h.store.slowSeq, h.store.listSeq, h.store.graphSeq];
        h.store.handle({ type: 'session/events', sessionId: 's1', from: i, events: [{ id: String(i), event: 'updates', ns: [], data: { [`n${i % 3}`]: { v: i } }, t: clock }] });
        h.flush(1);
        out.push({ slow: h.store.slowSeq !== before[0], list: h.store.listSeq !== before[1], graph: h.store.graphSeq !== before[2] });
      }
      return out;
    } finally {
      Object.defineProperty(globalThis, 'performance', real);
    }
  }

  test('the graph pane has frames of its own, about as often as the others', () => {
    // 60 frames a second for 2 s: each of the three refreshes every ~120 ms, never two in one frame.
    const f = stream(120, 1000 / 60);
    assert.equal(f.filter((x) => x.graph && (x.slow || x.list)).length, 0);
    const graph = f.filter((x) => x.graph).length;
    const other = f.filter((x) => x.slow || x.list).length;
    assert.ok(graph >= 12 && graph <= 17, `graph refreshed ${graph} times in 2 s`);
    assert.ok(other >= 12 && other <= 17, `list and the rest ${other} times`);
  });

  test('frames far apart: the graph is not starved by the others', () => {
    // A frame every 200 ms: each is due for the list or the rest; the graph comes with every other one.
    const f = stream(20, 200);
    const graph = f.filter((x) => x.graph).length;
    assert.ok(graph >= 9, `graph refreshed ${graph} times in 20 frames`);
  });
});

describe('follow mode', () => {
  test('keeps the latest in view until the person pans; the control brings it back', () => {
    const r = rec('slow');
    const h = harness();
    h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'streaming' }, events: [] });
    const feed = (a: number, b: number) => {
      h.store.handle({ type: 'session/events', sessionId: 's1', from: a, events: r.events.slice(a, b) });
      h.setNow(r.events[b - 1].t);
      h.flush();
    };
    feed(0, 8);
    assert.ok(h.store.ui.follow);
    let v = h.store.view();
    const latest = () => h.store.model.executions.at(-1)!.start;
    assert.ok(v.start <= latest() && v.end >= latest(), 'latest in view');
    // The person zooms in: still following, now at that width.
    h.store.zoom(0.25, 0.5);
    feed(8, 16);
    v = h.store.view();
    assert.ok(h.store.ui.follow);
    assert.ok(v.end >= latest(), 'zoomed, and still showing the latest');
    // They pan back: following stops and new events no longer move the window.
    h.store.pan(-span(v));
    h.flush();
    assert.equal(h.store.ui.follow, false);
    const held = h.store.view();
    feed(16, r.events.length);
    assert.deepEqual(h.store.view(), held);
    assert.ok(held.end < latest(), 'the latest is out of view');
    // The follow control.
    h.store.followLatest();
    h.flush();
    assert.ok(h.store.ui.follow);
    v = h.store.view();
    const lastEnd = h.store.model.executions.at(-1)!.end!;
    assert.ok(v.start <= lastEnd && v.end >= lastEnd, 'the latest moment is back in view');
    assert.equal(span(v), span(held), 'at the chosen zoom');
  });

  test('selecting an execution stops following and brings it into view', () => {
    const r = rec('slow');
    const h = harness();
    h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'streaming' }, events: r.events });
    h.setNow(r.events.at(-1)!.t);
    h.flush();
    h.store.zoom(0.05, 1);
    h.flush();
    h.store.select(0);
    h.flush();
    assert.equal(h.store.ui.follow, false);
    assert.equal(h.store.ui.selected, 0);
    const ex = h.store.model.executions[0];
    const v = h.store.view();
    assert.ok(v.start <= ex.start && v.end >= ex.end!, 'the selection is in view');
  });
});

describe('selection, filter, search', () => {
  function loaded(name: string) {
    const r = rec(name);
    const h = harness();
    h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'recorded' }, events: r.events });
    h.flush();
    return h;
  }
  const nodes = (h: ReturnType<typeof loaded>) => Array.from({ length: h.store.listLength() }, (_, k) => h.store.model.executions[h.store.listAt(k)].node);

  test('stepping goes through executions in order and stops at the ends', () => {
    const h = loaded('parallel');
    h.store.step(1);
    assert.equal(h.store.ui.selected, 0);
    h.store.step(1);
    h.store.step(1);
    assert.equal(h.store.ui.selected, 2);
    h.store.step(-1);
    assert.equal(h.store.ui.selected, 1);
    for (let i = 0; i < 10; i++) h.store.step(1);
    assert.equal(h.store.ui.selected, 4);
    h.store.selectFirst();
    assert.equal(h.store.ui.selected, 0);
    h.store.select(null);
    h.store.step(-1);
    assert.equal(h.store.ui.selected, 4, 'previous with nothing selected: the last');
  });

  test('filter by node name, by state key, or both', () => {
    const h = loaded('parallel');
    h.store.setUi({ filter: 'fetch' });
    h.flush();
    assert.deepEqual(nodes(h), ['fetch_cache', 'fetch_docs', 'fetch_web']);
    h.store.setUi({ filter: 'key:summary' });
    h.flush();
    assert.deepEqual(nodes(h), ['merge']);
    h.store.setUi({ filter: 'node:merge key:results' });
    h.flush();
    assert.deepEqual(nodes(h), []);
    h.store.setUi({ filter: 'results' });
    h.flush();
    assert.deepEqual(nodes(h), ['dispatch', 'fetch_cache', 'fetch_docs', 'fetch_web'], 'plain words match node names or keys');
    assert.deepEqual(h.store.rows().map((r) => r.node), ['dispatch', 'fetch_cache', 'fetch_docs', 'fetch_web']);
    h.store.setUi({ filter: '' });
    h.flush();
    assert.equal(h.store.filter, null);
    assert.equal(h.store.listLength(), 5);
  });

  test('stepping with a filter visits only the matches', () => {
    const h = loaded('parallel');
    h.store.setUi({ filter: 'fetch' });
    h.flush();
    h.store.select(0); // dispatch: not listed
    h.store.step(1);
    assert.equal(h.store.model.executions[h.store.ui.selected!].node, 'fetch_cache');
    h.store.step(1);
    h.store.step(1);
    h.store.step(1);
    assert.equal(h.store.model.executions[h.store.ui.selected!].node, 'fetch_web');
  });

  test('search finds text in what nodes wrote and cycles through the matches', () => {
    const h = loaded('agent');
    h.store.setUi({ search: 'PARIS' });
    h.flush();
    const hits = h.store.search!.matches.map((i) => h.store.model.executions[i].node);
    assert.deepEqual(hits, ['tools', 'agent'], 'the tool result and the final answer');
    h.store.nextMatch(1);
    assert.equal(h.store.ui.selected, h.store.search!.matches[0]);
    h.store.nextMatch(1);
    assert.equal(h.store.ui.selected, h.store.search!.matches[1]);
    h.store.nextMatch(1);
    assert.equal(h.store.ui.selected, h.store.search!.matches[0], 'wraps');
    h.store.nextMatch(-1);
    assert.equal(h.store.ui.selected, h.store.search!.matches[1]);
    h.store.setUi({ search: 'no such text anywhere' });
    h.flush();
    assert.equal(h.store.search!.matches.length, 0);
  });

  test('Enter pressed right after typing (the query not judged yet) jumps once it is', () => {
    const h = loaded('agent');
    h.store.setUi({ search: 'PARIS' });
    // No frame yet: the new query has judged nothing, so it cannot say it has no matches.
    assert.equal(h.store.search!.done, false);
    h.store.nextMatch(1);
    h.flush();
    assert.ok(h.store.search!.matches.length > 0);
    assert.equal(h.store.ui.selected, h.store.search!.matches[0]);
  });

  test('a running node without writes matches a key filter once its update arrives', () => {
    const r = rec('slow');
    const h = harness();
    const firstUpdate = r.events.findIndex((e) => e.event === 'updates');
    h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'streaming' }, events: r.events.slice(0, firstUpdate) });
    h.store.setUi({ filter: 'key:progress' });
    h.flush();
    assert.equal(h.store.listLength(), 0);
    h.store.handle({ type: 'session/events', sessionId: 's1', from: firstUpdate, events: r.events.slice(firstUpdate, firstUpdate + 1) });
    h.flush();
    assert.deepEqual(nodes(h as never), ['warm_up']);
  });

  test('collapsing a subgraph hides its rows', () => {
    const h = loaded('subgraph');
    const child = h.store.rows().find((r) => r.node === 'child')!;
    const all = h.store.rows().length;
    h.store.toggleRow(child.key);
    h.flush();
    assert.equal(h.store.rows().length, all - 4);
    h.store.setAllCollapsed(false);
    h.flush();
    assert.equal(h.store.rows().length, all);
  });
});

describe('UI state', () => {
  test('selection, filter, tab and window come back after a reload of the same session only', () => {
    const r = rec('parallel');
    const a = harness();
    a.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'recorded' }, events: r.events });
    a.flush();
    a.store.select(3);
    a.store.setUi({ filter: 'fetch', tab: 'state' });
    a.store.zoom(0.5, 0.5);
    a.flush();
    const saved = a.saved();
    const view = a.store.view();

    const b = harness(saved);
    b.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'recorded' }, events: r.events });
    b.flush();
    assert.equal(b.store.ui.selected, 3);
    assert.equal(b.store.ui.filter, 'fetch');
    assert.equal(b.store.ui.tab, 'state');
    assert.deepEqual(b.store.view(), view);
    assert.equal(b.store.listLength(), 3, 'the filter is applied, not just remembered');

    const c = harness(saved);
    c.store.handle({ type: 'session/snapshot', session: session(r, 'another'), status: { phase: 'recorded' }, events: r.events });
    c.flush();
    assert.equal(c.store.ui.selected, null);
    assert.equal(c.store.ui.filter, '');
  });

  test('garbage in the saved state is ignored', () => {
    const r = rec('parallel');
    for (const bad of [null, 'x', { v: 2 }, { v: 1, sessionId: 's1', ui: { view: { start: 5, end: 1 }, tab: 'nope', collapsed: 'x' } }]) {
      const h = harness(bad);
      h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'recorded' }, events: r.events });
      h.flush();
      assert.ok(['wrote', 'changed', 'state'].includes(h.store.ui.tab));
      assert.ok(Array.isArray(h.store.ui.collapsed));
      assert.ok(span(h.store.view()) > 0);
    }
  });
});

describe('runs vs code', () => {
  test('session/code flags the changed nodes’ executions of the runs made before the save; Re-run names the run', () => {
    const r = rec('parallel');
    const h = harness();
    h.store.handle({ type: 'session/snapshot', session: session(r), status: { phase: 'recorded' }, events: r.events });
    h.flush();
    const ex = h.store.model.executions.find((e) => e.ns.length === 0)!;
    const runId = ex.runId!;
    assert.ok(runId, 'the recording names its run');
    assert.equal(h.store.code.firstStale(), undefined);
    // About another session: not this one's.
    h.store.handle({ type: 'session/code', sessionId: 'other', changed: [ex.node], runs: [runId] });
    assert.equal(h.store.code.isStale(ex), false);
    // Changed, but the run was made after the save (a re-run): its code is the code.
    h.store.handle({ type: 'session/code', sessionId: 's1', changed: [ex.node], runs: ['another-run'] });
    assert.equal(h.store.code.isStale(ex), false);
    assert.equal(h.store.code.firstStale(), undefined);
    h.store.handle({ type: 'session/code', sessionId: 's1', changed: [ex.node], runs: [runId] });
    assert.deepEqual([...h.store.code.nodes], [ex.node]);
    assert.equal(h.store.code.isStale(ex), true);
    assert.equal(h.store.code.firstStale(), ex);
    assert.equal(h.store.model.executions.filter((e) => h.store.code.isStale(e)).length, h.store.model.executions.filter((e) => e.ns.length === 0 && e.node === ex.node).length);
    h.store.rerunChanged();
    assert.deepEqual(h.posted.at(-1), { type: 'rerunChanged', runId });
    // The code is as the run had it again (the edit undone and saved).
    h.store.handle({ type: 'session/code', sessionId: 's1', changed: [], runs: [] });
    assert.equal(h.store.code.isStale(ex), false);
  });
});
