// The timeline layout on runs recorded from the real LangGraph dev server: rows per node nested by
// subgraph, superstep boundaries, parallel executions, culling and hit testing, and that building
// incrementally (event by event, as a live run arrives) gives the same layout as building at once.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRecording, type Recording } from '../../src/shared/recording';
import { RunModel, type Execution } from '../../src/shared/runModel';
import {
  KIND_MARK, KIND_RUNNING, TimelineIndex, describeExecution, formatOffset, hitTest, rowExecutions, rowRange, visibleRows, type Row,
} from '../../src/webview/layout';

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
    assert.equal(hitTest(row, exs, 90_500, 1, 0), 0);
  });

  test('hit testing prefers the execution under the point, then the nearest within the slop', () => {
    const exs = [ex(0, 'n', 0, 100), ex(1, 'n', 40, 60), ex(2, 'n', 200, 210)];
    const index = new TimelineIndex();
    index.update(exs);
    const row = [...index.rows.values()][0];
    assert.equal(hitTest(row, exs, 50, 2, 0), 1, 'the shorter of two overlapping bars');
    assert.equal(hitTest(row, exs, 20, 2, 0), 0);
    assert.equal(hitTest(row, exs, 150, 2, 0), null, 'empty space');
    assert.equal(hitTest(row, exs, 198, 3, 0), 2, 'within the slop');
    assert.equal(hitTest(row, exs, 50, 2, 0, (i) => i !== 1), 0, 'filtered out executions are skipped');
  });

  test('a running execution is hit up to now', () => {
    const exs = [ex(0, 'n', 0, null)];
    const index = new TimelineIndex();
    index.update(exs);
    const row = [...index.rows.values()][0];
    assert.equal(hitTest(row, exs, 900, 1, 1000), 0);
    assert.equal(hitTest(row, exs, 1100, 1, 1000), null);
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

test('labels: offsets follow the zoom, descriptions name node, step and time', () => {
  assert.equal(formatOffset(1234, 10_000), '+1.23 s');
  assert.equal(formatOffset(12, 500), '+12 ms');
  assert.equal(formatOffset(0.25, 5), '+0.25 ms');
  const { model, index } = build(web('failing'));
  const d = describeExecution(model.executions[1], index.t0, 0);
  assert.match(d, /^call_tool, step 2, took \d+ ms, error$/);
});
