// The debug adapter's key scenarios on both dialects: the real JS dev server (examples/) and the
// Python-dialect server (test/support/pythonServer.ts, from ../shared/notes/python-server.md).
// On Python a static breakpoint sends no `__interrupt__` unless `updates` is streamed, so one
// scenario streams `values` only: the adapter must read where the run stopped from the thread's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { useExampleServer } from '../support/server';
import { usePythonDialect, type Dialect } from '../support/dialectRuns';
import { HANG_GUARD } from '../support/runs';
import { examplesDir, launch, nextEvent, threadOfRuns, topState, withDap } from '../support/dap';

const js = { name: 'js' } as Dialect;
useExampleServer((s) => Object.assign(js, { url: s.url, client: s.client }));
const py = usePythonDialect();

const SLOW = ['warm_up', 'crunch', 'refine', 'polish', 'publish'];

for (const side of [js, py]) {
  const name = (s: string) => `[${side.name}] ${s}`;
  const base = () => ({ url: side.url, cwd: examplesDir, request: 'launch' });

  test(name('a function breakpoint stops before its node (only `values` streamed); Variables; Set Value through the reducer; Continue to the end'), HANG_GUARD, () => withDap(async (d) => {
    const { dc } = d;
    const stopped = nextEvent(dc, 'stopped');
    await launch(d, { ...base(), assistant: 'slow', input: { delay_ms: 5 }, streamMode: ['values'] }, () =>
      dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'crunch' }] }));
    const ev = (await stopped) as DebugProtocol.StoppedEvent;
    assert.equal(ev.body.reason, 'breakpoint');
    const { frames, scopes, state } = await topState(dc);
    assert.equal(frames[0].name, 'crunch', 'stopped before crunch, not after it');
    assert.equal(state.get('last_step')?.value, '"warm_up"');
    assert.equal(state.get('ticks')?.value, '1');
    const set = await dc.setVariableRequest({ variablesReference: scopes[0].variablesReference, name: 'ticks', value: '10' });
    assert.equal(set.body.value, '11', 'ticks sums: the server computed 1 + 10');
    const threadId = threadOfRuns(d);
    assert.equal(((await side.client.getThreadState(threadId)).values as { ticks: number }).ticks, 11);
    const ended = nextEvent(dc, 'terminated');
    await dc.continueRequest({ threadId: 1 });
    await ended;
    const v = (await side.client.getThreadState(threadId)).values as { ticks: number; progress: string[] };
    assert.equal(v.ticks, 15, 'the four nodes after the stop added one each');
    assert.deepEqual(v.progress.map((p) => p.split(' ')[0]), SLOW, 'every node ran once');
  }));

  test(name('stop on entry, then Step Over stops before each step'), HANG_GUARD, () => withDap(async (d) => {
    const { dc } = d;
    let stopped = nextEvent(dc, 'stopped', 'terminated');
    await launch(d, { ...base(), assistant: 'slow', input: { delay_ms: 5 }, stopOnEntry: true });
    const seen: string[] = [];
    for (;;) {
      const ev = await stopped;
      if (ev.event === 'terminated') break;
      const st = await dc.stackTraceRequest({ threadId: 1 });
      seen.push(`${(ev as DebugProtocol.StoppedEvent).body.reason}:${st.body.stackFrames.map((f) => f.name).join('+')}`);
      stopped = nextEvent(dc, 'stopped', 'terminated');
      await dc.nextRequest({ threadId: 1 });
    }
    assert.deepEqual(seen, ['entry:warm_up', ...SLOW.slice(1).map((n) => `step:${n}`)]);
    const v = (await side.client.getThreadState(threadOfRuns(d))).values as { ticks: number };
    assert.equal(v.ticks, 5, 'each node once');
  }));

  test(name('an interrupt() stop shows its value and resumes with one'), HANG_GUARD, () => withDap(async (d) => {
    const { dc } = d;
    const stopped = nextEvent(dc, 'stopped');
    await launch(d, { ...base(), assistant: 'interrupt', input: { request: 'refund' } });
    const ev = (await stopped) as DebugProtocol.StoppedEvent;
    assert.equal(ev.body.reason, 'pause');
    assert.match(ev.body.description ?? '', /interrupt\(\) in human_review/);
    const { scopes, frames } = await topState(dc);
    assert.equal(frames[0].name, 'human_review (interrupt)');
    const intr = scopes.find((s) => s.name === 'Interrupt');
    assert.ok(intr, 'an Interrupt scope');
    const iv = await dc.variablesRequest({ variablesReference: intr.variablesReference });
    const fields = await dc.variablesRequest({ variablesReference: iv.body.variables.find((v) => v.name === 'value')!.variablesReference });
    assert.equal(fields.body.variables.find((v) => v.name === 'question')?.value, '"Send this reply?"');
    await assert.rejects(dc.continueRequest({ threadId: 1 }), /:resume/, 'without an editor to ask, Continue says how to answer');
    const ended = nextEvent(dc, 'terminated');
    const r = await dc.evaluateRequest({ expression: ':resume "reject"', context: 'repl' });
    assert.match(r.body.result, /resuming with "reject"/);
    await ended;
    assert.equal(((await side.client.getThreadState(threadOfRuns(d))).values as { outcome: string }).outcome, 'rejected');
  }));
}

for (const side of [js, py]) {
  const name = (s: string) => `[${side.name}] ${s}`;

  test(name('Step Into a subgraph says its inner steps and why it cannot pause inside; Step Out at the root goes on as Continue'), HANG_GUARD, () => withDap(async (d) => {
    const { dc } = d;
    let stopped = nextEvent(dc, 'stopped');
    await launch(d, { url: side.url, cwd: examplesDir, request: 'launch', assistant: 'subgraph', input: {} }, () =>
      dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'child' }] }));
    await stopped;
    assert.equal((await topState(dc)).frames[0].name, 'child', 'before the subgraph node');
    const said = d.output.length;
    stopped = nextEvent(dc, 'stopped');
    await dc.stepInRequest({ threadId: 1 });
    const ev = (await stopped) as DebugProtocol.StoppedEvent;
    assert.equal(ev.body.reason, 'step');
    const { frames, state } = await topState(dc);
    assert.equal(frames[0].name, 'finalize', 'the parent graph\'s next step');
    assert.equal(state.get('depth')?.value, '2', 'the subgraph and its own subgraph ran');
    const out = d.output.slice(said).join('');
    assert.match(out, /cannot pause before a node inside a subgraph/);
    for (const inner of ['child:child_step', 'child:grandchild:deep_step', 'child:grandchild', 'child:child_done']) {
      assert.ok(out.includes(`  ${inner} ran`), `${inner} is said: ${out}`);
    }
    const ended = nextEvent(dc, 'terminated');
    await dc.stepOutRequest({ threadId: 1 });
    await ended;
    assert.match(d.output.join(''), /root graph, which has no parent graph/);
    const v = (await side.client.getThreadState(threadOfRuns(d))).values as { trail: string[] };
    assert.equal(v.trail.at(-1), 'parent.finalize', 'the run finished');
  }));
}
