// A thread session's runs cut out of its one event list (src/shared/compare/segments.ts), so the
// panel's Compare with… can face one run of a thread with another: two runs recorded from the
// real dev server, put one after the other as a thread session holds them (each after the
// `lgt/run` the session adds before its stream).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRecording } from '../../src/shared/recording';
import type { RunEvent, RunStart } from '../../src/shared/events';
import { compareRuns, contextFor, digestRun, fromStep, runSegments, segmentHow, segmentModel } from '../../src/shared/compare';

const DIR = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings');
const load = (name: string) => parseRecording(readFileSync(join(DIR, `${name}.jsonl`), 'utf8'));
const marker = (start: RunStart, t: number): RunEvent => ({ id: null, event: 'lgt/run', ns: [], data: start, t });

/** Two recorded runs of `simple` (the same input), as one thread session's events. */
function thread() {
  const a = load('simple-updates');
  const b = load('simple-updates-tasks');
  const runA = a.header.runId!;
  const events: RunEvent[] = [
    marker({ kind: 'input', input: a.header.input }, a.events[0].t - 1),
    ...a.events,
    marker({ kind: 'fork', input: b.header.input, fork: { checkpointId: 'c1', step: 1, node: 'step_one', fromRunId: runA } }, b.events[0].t - 1),
    ...b.events,
  ];
  return { a, b, events };
}

describe('run segments of a thread session', () => {
  test('each lgt/run begins a run; its id comes from the run’s metadata; the events are split where they begin', () => {
    const { a, b, events } = thread();
    const segs = runSegments(events);
    assert.equal(segs.length, 2);
    assert.deepEqual(segs.map((s) => s.runId), [a.header.runId, b.header.runId]);
    assert.deepEqual(segs.map((s) => [s.from, s.to]), [[0, a.events.length + 1], [a.events.length + 1, events.length]]);
    assert.equal(segmentHow(segs[0]), 'input');
    assert.equal(segmentHow(segs[1]), 'fork from step 1 before step_one');
  });

  test('a stream without markers is one run; no events, no runs', () => {
    const a = load('simple-updates');
    const segs = runSegments(a.events);
    assert.equal(segs.length, 1);
    assert.equal(segs[0].runId, a.header.runId);
    assert.deepEqual([segs[0].from, segs[0].to], [0, a.events.length]);
    assert.deepEqual(runSegments([]), []);
  });

  test('the two runs compared as models of their own: the same graph and input are equivalent; another graph is not', () => {
    const { a, events } = thread();
    const [s0, s1] = runSegments(events);
    const m0 = segmentModel(events, s0, { input: a.header.input, ended: true });
    const m1 = segmentModel(events, s1, { input: a.header.input, ended: true });
    assert.equal(m0.executions.length, 4);
    assert.equal(m1.executions.length, 4);
    const same = compareRuns(m0, m1);
    assert.equal(same.equivalent, true, JSON.stringify(same.counts));
    const agent = load('agent-updates-values');
    const other = compareRuns(m0, segmentModel(agent.events, runSegments(agent.events)[0], { input: agent.header.input, ended: true }));
    assert.equal(other.equivalent, false);
    assert.ok(other.counts.onlyA + other.counts.onlyB > 0, JSON.stringify(other.counts));
  });
});

describe('compare from a step on (a fork against the run it branched from)', () => {
  test('the executions before the step are left out and the state after them is the initial state', () => {
    const { a, events } = thread();
    const [s0, s1] = runSegments(events);
    const m0 = segmentModel(events, s0, { input: a.header.input, ended: true });
    const m1 = segmentModel(events, s1, { input: a.header.input, ended: true });
    const steps = m0.executions.filter((e) => e.ns.length === 0).map((e) => e.step);
    const at = steps[2];
    const kept = m0.executions.filter((e) => e.step >= at).length;
    assert.ok(kept > 0 && kept < m0.executions.length, `steps ${steps}`);
    // Whole against its tail: the left-out rows are only in A.
    const partial = compareRuns(m0, m1, { fromStep: { b: at } });
    assert.equal(partial.counts.onlyA, m0.executions.length - kept, JSON.stringify(partial.counts));
    assert.equal(partial.equivalent, false);
    // Both from the step: the same graph and input again compare equal, row for row from there.
    const both = compareRuns(m0, m1, { fromStep: { a: at, b: at } });
    assert.equal(both.equivalent, true, JSON.stringify(both.counts));
    assert.equal(both.rows.length, kept);
    assert.equal(both.rows[0].a?.step, at);
    // The initial state is the state after the last left-out node, not the run's input.
    const ctx = contextFor();
    const d = digestRun(m0, ctx);
    const cut = fromStep(d, at);
    const lastDropped = d.executions.filter((e) => e.path === '' && e.step < at).pop()!;
    assert.equal(cut.initialState, lastDropped.state);
    assert.notDeepEqual([...cut.initialState], [...d.initialState]);
    assert.equal(fromStep(d, undefined), d);
  });
});
