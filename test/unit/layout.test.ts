// The timeline layout on runs recorded from the real LangGraph dev server: rows per node nested by
// subgraph, superstep boundaries, parallel executions, lanes for executions of one node that run
// at once (a Send fan-out), culling and hit testing, and that building incrementally (event by
// event, as a live run arrives) gives the same layout as building at once.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { parseRecording, type Recording } from '../../src/shared/recording';
import { RunModel, type Execution } from '../../src/shared/runModel';
import {
  KIND_MARK, KIND_RUNNING, TimelineIndex, describeExecution, formatOffset, rowExecutions, rowRange, visibleRows, type Row,
} from '../../src/webview/layout';
import { nearestExecution } from '../../src/webview/hitTest';
import { BAR_H, LANE_PITCH, MAX_LANES, ROW_H, laneAt, laneTop, rowAt, rowHeight, rowTops } from '../../src/webview/lanes';

const ROOT = resolve(__dirname, '..', '..', '..');
const load = (dir: string, name: string): Recording => parseRecording(readFileSync(join(ROOT, 'test', 'fixtures', dir, `${name}.jsonl`), 'utf8'));
const web = (name: string) => load('webview', name);

function build(rec: Recording): { model: RunModel; index: TimelineIndex } {
  const model = RunModel.from(rec.events, { input: rec.header.input });
  model.end();
  const index = new TimelineIndex();
  index.update(model.executions);
  return { model, index };
}

const tree = (rows: Row[]) => rows.map((r) => `${'  '.repeat(r.depth)}${r.node}×${r.n}`);

describe('rows', () => {
  test('one row per node, in order of first appearance', () => {
    const { index } = build(web('parallel'));
    assert.deepEqual(tree(visibleRows(index, new Set())), ['dispatch×1', 'fetch_cache×1', 'fetch_docs×1', 'fetch_web×1', 'merge×1']);
  });

  test('a loop puts every run of a node on its row', () => {
    const { index, model } = build(web('agent'));
    assert.deepEqual(tree(visibleRows(index, new Set())), ['agent×2', 'tools×1']);
    const agent = index.rows.get(visibleRows(index, new Set())[0].key)!;
    assert.deepEqual(rowExecutions(agent).map((i) => model.executions[i].node), ['agent', 'agent']);
  });

  test('subgraph nodes nest under the node that ran them, and collapse with it', () => {
    const { index } = build(web('subgraph'));
    const all = visibleRows(index, new Set());
    assert.deepEqual(tree(all), ['prepare×1', 'child×1', '  child_step×1', '  grandchild×1', '    deep_step×1', '  child_done×1', 'finalize×1']);
    const child = all.find((r) => r.node === 'child' && r.depth === 0)!;
    assert.deepEqual(tree(visibleRows(index, new Set([child.key]))), ['prepare×1', 'child×1', 'finalize×1']);
    const grandchild = all.find((r) => r.node === 'grandchild')!;
    assert.equal(grandchild.parent, child);
    assert.deepEqual(tree(visibleRows(index, new Set([grandchild.key]))), ['prepare×1', 'child×1', '  child_step×1', '  grandchild×1', '  child_done×1', 'finalize×1']);
  });

  test('a filter keeps matching rows and the rows above them', () => {
    const { index } = build(web('subgraph'));
    const keep = (r: Row) => r.node === 'deep_step' || r.node === 'grandchild' || r.node === 'child';
    assert.deepEqual(tree(visibleRows(index, new Set(), keep)), ['child×1', '  grandchild×1', '    deep_step×1']);
  });
});

describe('time', () => {
  test('parallel branches overlap in time and share a superstep; steps are marked', () => {
    const { index, model } = build(web('parallel'));
    const by = (n: string) => model.executions.find((e) => e.node === n)!;
    const [web_, docs, cache] = [by('fetch_web'), by('fetch_docs'), by('fetch_cache')];
    assert.equal(web_.step, docs.step);
    assert.equal(docs.step, cache.step);
    // Every pair of branches overlaps: each starts before the others end.
    for (const a of [web_, docs, cache]) for (const b of [web_, docs, cache]) assert.ok(a.start < b.end!, `${a.node} starts before ${b.node} ends`);
    assert.ok(web_.end! - web_.start > docs.end! - docs.start, 'the slow branch is longer');
    assert.deepEqual(index.stepIds, [1, 2, 3]);
    assert.ok(index.stepTimes.every((t, i) => i === 0 || t >= index.stepTimes[i - 1]), 'boundaries sorted by time');
    assert.equal(index.stepTimes[2], by('merge').start, 'step 3 starts when merge starts');
  });

  test('subgraph supersteps do not draw boundaries across the root graph', () => {
    const { index } = build(web('subgraph'));
    assert.deepEqual(index.stepIds, [1, 2, 3]);
  });

  test('updates alone: executions are marks at their arrival time', () => {
    const { index, model } = build(load('recordings', 'parallel-updates'));
    assert.ok(model.executions.length > 0);
    for (const row of index.rows.values()) for (let j = 0; j < row.n; j++) assert.ok(row.kinds[j] & KIND_MARK);
  });

  test('bounds cover the run; a running node stretches them to now', () => {
    const rec = web('slow');
    const firstResult = rec.events.findIndex((e) => e.event === 'tasks' && typeof e.data === 'object' && e.data !== null && 'result' in e.data);
    const model = RunModel.from(rec.events.slice(0, firstResult));
    const index = new TimelineIndex();
    index.update(model.executions);
    const row = [...index.rows.values()][0];
    assert.equal(row.running.size, 1);
    assert.equal(row.kinds[0] & 3, KIND_RUNNING);
    assert.ok(Number.isNaN(row.ends[0]));
    const now = rec.events[firstResult].t + 10_000;
    assert.equal(index.bounds(now).t1, now);
    assert.equal(index.bounds().t1 - index.bounds().t0 >= 1, true);
    // The result arrives: the bar gets its end, the row its longest duration.
    for (const ev of rec.events.slice(firstResult)) model.apply(ev);
    index.update(model.executions);
    assert.equal(row.running.size, 0);
    assert.equal(row.ends[0], model.executions[0].end);
    assert.equal(row.maxDur, model.executions[0].end! - model.executions[0].start);
  });
});

describe('errors and interrupts', () => {
  test('the failing node is marked, on its row and every row above it', () => {
    const { index, model } = build(web('failing'));
    assert.deepEqual(index.errors.map((i) => model.executions[i].node), ['call_tool']);
    const row = index.rowOf[index.errors[0]];
    assert.equal(row.errors, 1);
    assert.equal(row.kinds[0] & 3, 2);
  });

  test('the interrupted node is marked', () => {
    const { index, model } = build(web('interrupt'));
    assert.deepEqual(index.interrupts.map((i) => model.executions[i].node), ['human_review']);
    assert.equal(index.rowOf[index.interrupts[0]].interrupts, 1);
  });
});

describe('incremental', () => {
  for (const name of ['subgraph', 'parallel', 'agent', 'failing']) {
    test(`${name}: event by event gives the layout of all at once`, () => {
      const rec = web(name);
      const once = build(rec).index;
      const model = new RunModel({ input: rec.header.input });
      const index = new TimelineIndex();
      let seen = 0;
      for (const ev of rec.events) {
        model.apply(ev);
        const changed = index.update(model.executions);
        // New executions are always reported as changed.
        for (let i = seen; i < model.executions.length; i++) assert.ok(changed.includes(i));
        seen = model.executions.length;
      }
      model.end();
      index.update(model.executions);
      assert.deepEqual(tree(visibleRows(index, new Set())), tree(visibleRows(once, new Set())));
      assert.deepEqual(index.errors, once.errors);
      assert.deepEqual(index.interrupts, once.interrupts);
      for (const [key, r] of once.rows) {
        const mine = index.rows.get(key)!;
        assert.deepEqual(Array.from(mine.ends.subarray(0, mine.n)), Array.from(r.ends.subarray(0, r.n)), `${key} ends`);
      }
    });
  }
});

const mid = (lane: number) => laneTop(lane) + BAR_H / 2;

/** The execution the pointer at time t (and y px into its row) selects: slop 2 px, 1 ms/px. */
function hit(index: TimelineIndex, exs: Execution[], t: number, o: { y: number; msPerPx?: number; slopPx?: number; now?: number }, accept?: (i: number) => boolean): number | null {
  const row = index.rowOf[exs[0].index];
  return nearestExecution(index, row, exs, { t, y: o.y, msPerPx: o.msPerPx ?? 1, slopPx: o.slopPx ?? 2, now: o.now ?? 0 }, accept);
}

// Synthetic executions for the geometry tests: only the fields the layout reads.
function ex(index: number, node: string, start: number, end: number | null, extra: Partial<Execution> = {}): Execution {
  return {
    index, node, ns: [], path: '', taskId: `t${index}`, step: index, stepSource: 'tasks', start, end, timeSource: 'tasks', writes: {}, status: end === null ? 'running' : 'done',
    eventIds: [], parent: null, runId: null, disagreed: false, ...extra,
  } as Execution;
}

describe('culling and hit testing', () => {
  test('only executions that can reach the window are visited', () => {
    const exs = Array.from({ length: 10_000 }, (_, i) => ex(i, 'n', i * 10, i * 10 + 5));
    const index = new TimelineIndex();
    index.update(exs);
    const row = [...index.rows.values()][0];
    const [lo, hi] = rowRange(row, 50_000, 50_100);
    assert.ok(hi - lo <= 12, `visited ${hi - lo}`);
    for (let j = lo; j < hi; j++) assert.ok(row.starts[j] <= 50_100 && row.starts[j] + 5 >= 50_000 - row.maxDur);
    // Nothing outside the range intersects the window.
    for (let j = 0; j < row.n; j++) {
      if (j >= lo && j < hi) continue;
      assert.ok(row.ends[j] < 50_000 || row.starts[j] > 50_100);
    }
  });

  test('a long execution earlier in the row is still found', () => {
    const exs = [ex(0, 'n', 0, 100_000), ...Array.from({ length: 100 }, (_, i) => ex(i + 1, 'n', 1000 + i * 10, 1000 + i * 10 + 5))];
    const index = new TimelineIndex();
    index.update(exs);
    const row = [...index.rows.values()][0];
    const [lo] = rowRange(row, 90_000, 91_000);
    assert.equal(lo, 0);
    assert.equal(hit(index, exs, 90_500, { y: mid(0) }), 0);
  });

  test('hit testing: the bar under the point, in its lane, then the nearest within the slop', () => {
    const exs = [ex(0, 'n', 0, 100), ex(1, 'n', 40, 60), ex(2, 'n', 200, 210)];
    const index = new TimelineIndex();
    index.update(exs);
    assert.deepEqual(exs.map((e) => index.laneOf(e.index)), [0, 1, 0]);
    assert.equal(hit(index, exs, 50, { y: mid(1) }), 1, 'the bar in the lane under the pointer');
    assert.equal(hit(index, exs, 50, { y: mid(0) }), 0);
    assert.equal(hit(index, exs, 20, { y: mid(0) }), 0);
    assert.equal(hit(index, exs, 150, { y: mid(0) }), null, 'empty space');
    assert.equal(hit(index, exs, 198, { y: mid(0), slopPx: 3 }), 2, 'within the slop');
    assert.equal(hit(index, exs, 50, { y: laneTop(1) + BAR_H + 1 }), 1, 'just below a bar still reaches it');
    assert.equal(hit(index, exs, 50, { y: mid(1) }, (i) => i !== 1), null, 'filtered out: the bar of the next lane is beyond the slop');
    assert.equal(hit(index, exs, 50, { y: mid(1), slopPx: LANE_PITCH }, (i) => i !== 1), 0, 'but within a wider one');
  });

  test('a 1 ms execution next to a long one in its lane is drawn and hit at MIN_BAR_W, at any zoom', () => {
    // Sequential in one lane: a 1 ms execution, then one of 184 ms half a millisecond later.
    const exs = [ex(0, 'n', 0, 1), ex(1, 'n', 1.5, 185.5)];
    const index = new TimelineIndex();
    index.update(exs);
    assert.deepEqual(exs.map((e) => index.laneOf(e.index)), [0, 0]);
    for (const msPerPx of [0.1, 1, 10, 100]) {
      // The middle of the sliver as drawn (MIN_BAR_W px wide from its start), and the long bar well past it.
      assert.equal(hit(index, exs, 1.5 * msPerPx, { y: mid(0), msPerPx }), 0, `sliver at ${msPerPx} ms/px`);
      assert.equal(hit(index, exs, 100, { y: mid(0), msPerPx }), msPerPx < 30 ? 1 : 0, `long bar at ${msPerPx} ms/px`);
    }
  });

  test('a running execution is hit up to now', () => {
    const exs = [ex(0, 'n', 0, null)];
    const index = new TimelineIndex();
    index.update(exs);
    assert.equal(hit(index, exs, 900, { y: mid(0), now: 1000 }), 0);
    assert.equal(hit(index, exs, 1100, { y: mid(0), now: 1000 }), null);
  });

  test('an execution that reports late keeps its row sorted, and later updates land on it', () => {
    const exs = [ex(0, 'n', 100, 110), ex(1, 'n', 300, null), ex(2, 'n', 200, null)];
    const index = new TimelineIndex();
    index.update(exs);
    const row = [...index.rows.values()][0];
    assert.deepEqual(Array.from(row.starts.subarray(0, 3)), [100, 200, 300]);
    assert.deepEqual(rowExecutions(row), [0, 2, 1]);
    exs[1].end = 350;
    exs[1].status = 'done';
    exs[2].end = 250;
    exs[2].status = 'error';
    index.update(exs);
    assert.deepEqual(Array.from(row.ends.subarray(0, 3)), [110, 250, 350]);
    assert.equal(row.kinds[1] & 3, 2);
    assert.deepEqual(index.errors, [2]);
  });
});

describe('lanes', () => {
  const lanesOf = (index: TimelineIndex, exs: Execution[]) => exs.map((e) => index.laneOf(e.index));
  const pack = (exs: Execution[]) => {
    const index = new TimelineIndex();
    index.update(exs);
    return index;
  };

  test('executions that overlap get a lane each; the next one takes the first lane free again', () => {
    const exs = [ex(0, 'n', 0, 100), ex(1, 'n', 10, 50), ex(2, 'n', 20, 30), ex(3, 'n', 40, 60), ex(4, 'n', 120, 130)];
    const index = pack(exs);
    // 2 starts while 0 and 1 run; 3 starts once 2 has ended; 4 once all have.
    assert.deepEqual(lanesOf(index, exs), [0, 1, 2, 2, 0]);
    assert.equal(index.rowOf[0].laneCount, 3);
  });

  test('back to back shares a lane; two that start at the same instant never do, even of no length', () => {
    assert.deepEqual(lanesOf(pack([ex(0, 'n', 0, 10), ex(1, 'n', 10, 20)]), [ex(0, 'n', 0, 10), ex(1, 'n', 10, 20)]), [0, 0]);
    const marks = [ex(0, 'n', 5, 5, { timeSource: 'arrival' }), ex(1, 'n', 5, 5, { timeSource: 'arrival' }), ex(2, 'n', 6, 6, { timeSource: 'arrival' })];
    assert.deepEqual(lanesOf(pack(marks), marks), [0, 1, 0]);
  });

  test('a running execution holds its lane until it ends', () => {
    const exs = [ex(0, 'n', 0, null), ex(1, 'n', 10, 20)];
    const index = pack(exs);
    assert.deepEqual(lanesOf(index, exs), [0, 1]);
    exs[0].end = 5;
    exs[0].status = 'done';
    exs.push(ex(2, 'n', 30, 40));
    const before = index.laneVersion;
    index.update(exs);
    assert.equal(index.laneOf(2), 0, 'free again once it ended');
    assert.equal(index.rowOf[0].laneCount, 2);
    assert.equal(index.laneVersion, before, 'no row changed height');
  });

  test('an end that moves past the next execution of its lane repacks the row', () => {
    const exs = [ex(0, 'n', 0, 10), ex(1, 'n', 20, 30)];
    const index = pack(exs);
    assert.deepEqual(lanesOf(index, exs), [0, 0]);
    // The model learns a later end for the first (it stays open until its writes arrive).
    const open = [ex(0, 'n', 0, 10, { writes: undefined }), ex(1, 'n', 20, 30)];
    const idx = pack(open);
    open[0].end = 25;
    open[0].writes = {};
    const v = idx.laneVersion;
    idx.update(open);
    assert.deepEqual(lanesOf(idx, open), [0, 1]);
    assert.ok(idx.laneVersion > v);
  });

  test('an execution that reports out of order is packed in place; what it does not overlap stays put', () => {
    const exs = [ex(0, 'n', 0, 10), ex(1, 'n', 20, 30), ex(2, 'n', 40, 50)];
    const index = pack(exs);
    const v = index.laneVersion;
    // Between two others, touching neither: lane 0, nothing moves, nothing to redraw in full.
    exs.push(ex(3, 'n', 12, 15));
    index.update(exs);
    assert.deepEqual(lanesOf(index, exs), [0, 0, 0, 0]);
    assert.equal(index.laneVersion, v);
    // Over two of them: a lane of its own (the row grows).
    exs.push(ex(4, 'n', 25, 45));
    index.update(exs);
    assert.deepEqual(lanesOf(index, exs), [0, 0, 0, 0, 1]);
    assert.ok(index.laneVersion > v);
    // Still running, and started before the last one: that one moves out of its way.
    exs.push(ex(5, 'n', 35, null));
    index.update(exs);
    assert.deepEqual(lanesOf(index, exs), [0, 0, 2, 0, 1, 0]);
    assert.deepEqual(lanesOf(index, exs), lanesOf(pack(exs.map((e) => ({ ...e }))), exs), 'as packing them all at once');
  });

  test('a row stops growing at MAX_LANES: the rest share the lane that frees first', () => {
    const exs = Array.from({ length: MAX_LANES + 5 }, (_, i) => ex(i, 'n', i, 1000 + i));
    const index = pack(exs);
    assert.equal(index.rowOf[0].laneCount, MAX_LANES);
    assert.deepEqual(lanesOf(index, exs).slice(MAX_LANES), [0, 1, 2, 3, 4]);
  });

  // Two executions conflict (may not share a lane) when they overlap in time or start together.
  const conflict = (a: { s: number; e: number }, b: { s: number; e: number }) => a.s === b.s || (a.s < b.e && b.s < a.e);
  const interval = fc.record({ s: fc.integer({ min: 0, max: 200 }), d: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })) });

  test('property: no two executions of a lane conflict, and a row has as many lanes as run at once', () => {
    fc.assert(
      fc.property(fc.array(interval, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 1000 }), (list, seed) => {
        const iv = list.map(({ s, d }) => ({ s, e: s + d }));
        // Arrive in any order (a task that started earlier may report later).
        const order = iv.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
        const exs = order.map((k, i) => ex(i, 'n', iv[k].s, iv[k].e));
        const index = new TimelineIndex();
        for (let n = 1; n <= exs.length; n++) index.update(exs.slice(0, n));
        const lane = lanesOf(index, exs);
        for (let a = 0; a < exs.length; a++) {
          for (let b = a + 1; b < exs.length; b++) {
            if (lane[a] === lane[b]) assert.ok(!conflict(iv[order[a]], iv[order[b]]), `#${a} and #${b} share lane ${lane[a]}`);
          }
        }
        // The most that run at once: at each start, those begun by then and not yet over.
        let most = 0;
        for (const x of iv) most = Math.max(most, iv.filter((y) => y.s <= x.s && (y.e > x.s || y.s === x.s)).length);
        assert.equal(index.rowOf[0].laneCount, most);
        // The same as packing them all at once, in start order.
        assert.deepEqual(lane, lanesOf(pack(exs.map((e) => ({ ...e }))), exs));
      }),
      { numRuns: 300 },
    );
  });

  test('the recorded Send fan-out: three retrieve_documents in three lanes, the rest in one', () => {
    const rec = load('recordings', 'fanout-updates-tasks');
    const { model, index } = build(rec);
    const rows = visibleRows(index, new Set());
    assert.deepEqual(rows.map((r) => `${r.node}×${r.n}/${r.laneCount}`), ['plan_queries×1/1', 'retrieve_documents×3/3', 'synthesize×1/1']);
    const fan = model.executions.filter((e) => e.node === 'retrieve_documents');
    assert.deepEqual(fan.map((e) => index.laneOf(e.index)).sort(), [0, 1, 2]);
    assert.ok(fan.every((e) => index.inFan(e)) && !index.inFan(model.executions[0]));
    // Event by event (as it streams in) gives the same lanes.
    const live = new RunModel({ input: rec.header.input });
    const inc = new TimelineIndex();
    for (const ev of rec.events) {
      live.apply(ev);
      inc.update(live.executions);
    }
    live.end();
    inc.update(live.executions);
    assert.deepEqual(live.executions.map((e) => inc.laneOf(e.index)), model.executions.map((e) => index.laneOf(e.index)));
    assert.ok(inc.fanVersion > 0);
  });

  test('geometry: rows grow by a lane pitch per lane; y finds the row and the lane', () => {
    assert.equal(rowHeight(1), ROW_H);
    assert.equal(rowHeight(3), ROW_H + 2 * LANE_PITCH);
    const tops = rowTops([{ laneCount: 1 }, { laneCount: 3 }, { laneCount: 1 }]);
    assert.deepEqual(Array.from(tops), [0, ROW_H, 2 * ROW_H + 2 * LANE_PITCH, 3 * ROW_H + 2 * LANE_PITCH]);
    assert.deepEqual([-1, 0, ROW_H - 1, ROW_H, tops[2] - 1, tops[2], tops[3]].map((y) => rowAt(tops, y)), [-1, 0, 0, 1, 1, 2, 3]);
    // Every pixel of a lane's bar is in that lane, and the gaps go to the nearer one.
    for (let l = 0; l < 3; l++) for (let y = laneTop(l); y < laneTop(l) + BAR_H; y++) assert.equal(laneAt(y, 3), l);
    assert.equal(laneAt(0, 3), 0);
    assert.equal(laneAt(rowHeight(3) - 1, 3), 2);
  });
});

test('labels: offsets follow the zoom, descriptions name node, step and time', () => {
  assert.equal(formatOffset(1234, 10_000), '+1.23 s');
  assert.equal(formatOffset(12, 500), '+12 ms');
  assert.equal(formatOffset(0.25, 5), '+0.25 ms');
  const { model, index } = build(web('failing'));
  const d = describeExecution(model.executions[1], index.t0, 0);
  assert.match(d, /^call_tool, step 2, took \d+ ms, error$/);
});
