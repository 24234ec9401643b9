// The debug adapter (`langgraph-timeline dap`) over DAP, against the real dev server: breakpoints
// stop before nodes, variables show the thread's state, Set Value changes it on the server,
// stepping, conditions, interrupt() stops, node errors, pause, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { LangGraphClient } from '../../src/client';
import { shortId } from '../../src/shared/ids';
import { useExampleServer } from '../support/server';
import { HANG_GUARD, freePort, until } from '../support/runs';
import { examplesDir, launch, nextEvent, threadOfRuns, topState, withDap, type Dap } from '../support/dap';

let url = '';
let client: LangGraphClient;
useExampleServer((s) => {
  url = s.url;
  client = s.client;
});

const base = () => ({ url, cwd: examplesDir });
const threadOf = async (d: Dap) => {
  const t = await d.dc.threadsRequest();
  return t.body.threads[0].name;
};
test('a function breakpoint stops before its node; Variables show the state; Set Value goes through the reducer; Continue finishes', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  const stopped = nextEvent(dc, 'stopped');
  let bps: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
  await launch(d, { ...base(), request: 'launch', assistant: 'slow', input: { delay_ms: 5 } }, async () => {
    bps = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'crunch' }] });
  });
  assert.equal(bps!.body.breakpoints[0].verified, true, 'crunch is a node of slow');
  const ev = (await stopped) as DebugProtocol.StoppedEvent;
  assert.equal(ev.body.reason, 'breakpoint');
  assert.deepEqual(ev.body.hitBreakpointIds, [bps!.body.breakpoints[0].id]);
  assert.match(await threadOf(d), /^slow · thread [0-9a-f]{8}/);

  const { frames, scopes, state } = await topState(dc);
  assert.equal(frames[0].name, 'crunch', 'the top frame is the node about to run');
  assert.match(frames[0].source?.path ?? '', /slow\.ts$/, 'its source is the graph file');
  assert.deepEqual(scopes.map((s) => s.name), ['State', 'Next tasks', 'Checkpoint']);
  assert.equal(state.get('last_step')?.value, '"warm_up"', 'the state after warm_up');
  assert.equal(state.get('ticks')?.value, '1');

  // ticks has a sum reducer: setting 10 gives 1 + 10 on the server, and the view says 11.
  const stateRef = scopes[0].variablesReference;
  const set = await dc.setVariableRequest({ variablesReference: stateRef, name: 'ticks', value: '10' });
  assert.equal(set.body.value, '11', 'the view shows what the server computed, not what was typed');
  const threadId = threadOfRuns(d);
  const onServer = await client.getThreadState(threadId);
  assert.equal((onServer.values as { ticks: number }).ticks, 11);

  const ended = nextEvent(dc, 'terminated');
  await dc.continueRequest({ threadId: 1 });
  await ended;
  const final = await client.getThreadState(threadId);
  const v = final.values as { ticks: number; progress: string[] };
  assert.equal(v.ticks, 15, 'the four nodes after the stop added one each');
  assert.deepEqual(v.progress.map((p) => p.split(' ')[0]), ['warm_up', 'crunch', 'refine', 'polish', 'publish'], 'every node ran once');
}));

test('stop on entry, then Step Over stops at each superstep (a parallel fan-out is one step)', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  let stopped = nextEvent(dc, 'stopped', 'terminated');
  await launch(d, { ...base(), request: 'launch', assistant: 'parallel', input: { query: 'otters' }, stopOnEntry: true });
  const seen: string[] = [];
  for (;;) {
    const ev = (await stopped) as DebugProtocol.Event;
    if (ev.event === 'terminated') break;
    const st = await dc.stackTraceRequest({ threadId: 1 });
    seen.push(`${(ev as DebugProtocol.StoppedEvent).body.reason}:${st.body.stackFrames.map((f) => f.name).sort().join('+')}`);
    stopped = nextEvent(dc, 'stopped', 'terminated');
    await dc.nextRequest({ threadId: 1 });
  }
  assert.deepEqual(seen, ['entry:dispatch', 'step:fetch_cache+fetch_docs+fetch_web', 'step:merge']);
}));

test('a false condition never reports a stop: the run goes on to the end', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  const stops: DebugProtocol.StoppedEvent[] = [];
  dc.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
  const ended = nextEvent(dc, 'terminated');
  await launch(d, { ...base(), request: 'launch', assistant: 'slow', input: { delay_ms: 5 } }, () =>
    dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'refine', condition: 'ticks > 100' }] }));
  await ended;
  assert.equal(stops.length, 0, 'ticks is 2 before refine: the condition is false, the run goes on');
}));

test('a true condition stops with the state that made it true', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  const stopped = nextEvent(dc, 'stopped');
  await launch(d, { ...base(), request: 'launch', assistant: 'slow', input: { delay_ms: 5 } }, () =>
    dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'polish', condition: 'ticks == 3 && last_step == "refine"' }, { name: 'warm_up', hitCondition: '2' }] }));
  await stopped;
  const { frames, state } = await topState(dc);
  assert.equal(frames[0].name, 'polish', 'warm_up runs once: its "2nd hit" breakpoint never stops');
  assert.equal(state.get('ticks')?.value, '3');
  const ev = await dc.evaluateRequest({ expression: 'progress[-1]', context: 'watch', frameId: frames[0].id });
  assert.match(ev.body.result, /^"refine \(5 ms/);
  const len = await dc.evaluateRequest({ expression: 'progress.length', context: 'repl' });
  assert.equal(len.body.result, '3');
}));

test('a source breakpoint on a node\'s line stops there, and the top frame is that line', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  const file = join(examplesDir, 'src', 'simple.ts');
  const stopped = nextEvent(dc, 'stopped');
  let set: DebugProtocol.SetBreakpointsResponse | undefined;
  await launch(d, { ...base(), request: 'launch', assistant: 'simple', input: { topic: 'otters' } }, async () => {
    // line 37: inside write's body; line 2: a comment, in no node.
    set = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 37 }, { line: 2 }] });
  });
  assert.equal(set!.body.breakpoints[0].verified, true);
  assert.match(set!.body.breakpoints[0].message ?? '', /before write/);
  assert.equal(set!.body.breakpoints[1].verified, false, 'a comment line maps to no node');
  assert.match(set!.body.breakpoints[1].message ?? '', /in no node/);
  await stopped;
  const { frames, state } = await topState(dc);
  assert.equal(frames[0].name, 'write');
  assert.equal(frames[0].source?.path, file);
  assert.equal(frames[0].line, 37, 'the editor opens at the line the person set');
  assert.match(state.get('notes')?.value ?? '', /\(4\)/, 'plan and research wrote 4 notes');
}));

test('a node error stops post-mortem with the state before it', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  const stopped = nextEvent(dc, 'stopped');
  await launch(d, { ...base(), request: 'launch', assistant: 'failing', input: { messages: [{ type: 'human', content: 'hi' }] } });
  const ev = (await stopped) as DebugProtocol.StoppedEvent;
  assert.equal(ev.body.reason, 'exception');
  const info = await dc.exceptionInfoRequest({ threadId: 1 });
  assert.match(info.body.description ?? '', /call_tool: .*tool backend unavailable/);
  const { frames, state } = await topState(dc);
  assert.equal(frames[0].name, 'call_tool (error)');
  assert.ok((state.get('context')?.value ?? '').includes('context for \\"hi\\"'), 'fetch_context\'s write is there; call_tool wrote nothing');
  const ended = nextEvent(dc, 'terminated');
  await dc.disconnectRequest({ terminateDebuggee: true });
  await ended;
}));

test('Pause stops the running run at its last checkpoint; Continue runs every node once', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  const started = new Promise<void>((resolve) => dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.output.startsWith('Run ')) resolve(); }));
  // Nodes of 1.5 s: the pause lands while the run goes, however loaded the machine (a run that has
  // already ended cannot be paused, and the session then just ends).
  await launch(d, { ...base(), request: 'launch', assistant: 'slow', input: { delay_ms: 1500 } });
  await started;
  const stopped = nextEvent(dc, 'stopped');
  await dc.pauseRequest({ threadId: 1 });
  const ev = (await stopped) as DebugProtocol.StoppedEvent;
  assert.equal(ev.body.reason, 'pause');
  assert.match(ev.body.description ?? '', /^Paused before /);
  const ended = nextEvent(dc, 'terminated');
  await dc.continueRequest({ threadId: 1 });
  await ended;
  const threadId = threadOfRuns(d);
  const v = (await client.getThreadState(threadId)).values as { progress: string[]; ticks: number };
  assert.deepEqual(v.progress.map((p) => p.split(' ')[0]), ['warm_up', 'crunch', 'refine', 'polish', 'publish'], 'each node once: the cancelled one ran again, none twice');
  assert.equal(v.ticks, 5);
}));

test('bad input: unknown assistant, unreachable URL, a missing node, a Set Value that is not JSON — clear messages, the session goes on', HANG_GUARD, async () => {
  await withDap(async (d) => {
    await assert.rejects(launch(d, { ...base(), request: 'launch', assistant: 'nope' }), /No assistant "nope" on .* It has: .*simple/);
  });
  const port = await freePort();
  await withDap(async (d) => {
    await assert.rejects(launch(d, { url: `http://127.0.0.1:${port}`, request: 'launch', assistant: 'simple' }), /Cannot reach the LangGraph server at http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(d.output.some((o) => /Cannot reach/.test(o)), 'the message is in the Debug Console too');
  });
  await withDap(async (d) => {
    const { dc } = d;
    const stopped = nextEvent(dc, 'stopped');
    let set: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
    await launch(d, { ...base(), request: 'launch', assistant: 'simple', input: {} }, async () => {
      set = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'no_such_node' }, { name: 'review' }] });
    });
    assert.equal(set!.body.breakpoints[0].verified, false);
    assert.match(set!.body.breakpoints[0].message ?? '', /No node "no_such_node" in graph "simple"\. Its nodes: plan, research, write, review/);
    await stopped;
    const { scopes } = await topState(dc);
    await assert.rejects(dc.setVariableRequest({ variablesReference: scopes[0].variablesReference, name: 'draft', value: 'not json' }), /Set Value wants JSON/);
    const ended = nextEvent(dc, 'terminated');
    await dc.continueRequest({ threadId: 1 });
    await ended;
  });
});

test('attach to a run someone else started: follow it, Pause it, Continue to the end', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  const thread = await client.createThread();
  // Nodes of 3 s: the app's run is still going when the adapter has attached and the test pauses.
  const run = await client.createRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 3000 } });
  const configured = nextEvent(dc, 'initialized').then(() => dc.configurationDoneRequest());
  await Promise.all([configured, dc.attachRequest({ url, cwd: examplesDir, thread: thread.thread_id } as DebugProtocol.AttachRequestArguments)]);
  await until('the adapter to say which run it follows', () => d.output.some((o) => o.includes(`Following run ${shortId(run.run_id)}`)));
  // Paused once it runs: on a server busy with other tests' runs it may wait its turn first, and
  // a run cancelled before it started has no checkpoint to stop at.
  await until('the app\'s run to be running', async () => (await client.getRun(thread.thread_id, run.run_id)).status === 'running');
  const stopped = nextEvent(dc, 'stopped');
  await dc.pauseRequest({ threadId: 1 });
  assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'pause');
  const ended = nextEvent(dc, 'terminated');
  await dc.continueRequest({ threadId: 1 });
  await ended;
  const v = (await client.getThreadState(thread.thread_id)).values as { progress: string[] };
  assert.deepEqual(v.progress.map((p) => p.split(' ')[0]), ['warm_up', 'crunch', 'refine', 'polish', 'publish']);
  assert.equal(d.runs[0].kind, 'join', 'the first run followed is the app\'s');
  assert.equal(d.runs[0].runId, run.run_id);
}));

test('Restart Frame forks from the step before and stops before the node again', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  let stopped = nextEvent(dc, 'stopped');
  await launch(d, { ...base(), request: 'launch', assistant: 'simple', input: { topic: 'otters' } }, () =>
    dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'write' }] }));
  await stopped;
  const before = await topState(dc);
  const cp = async () => {
    const sc = await dc.scopesRequest({ frameId: (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id });
    const vars = await dc.variablesRequest({ variablesReference: sc.body.scopes.find((s) => s.name === 'Checkpoint')!.variablesReference });
    return Object.fromEntries(vars.body.variables.map((v) => [v.name, v.value]));
  };
  const first = await cp();
  assert.equal(before.frames[0].name, 'write');
  stopped = nextEvent(dc, 'stopped');
  await dc.restartFrameRequest({ frameId: before.frames[0].id });
  const ev = (await stopped) as DebugProtocol.StoppedEvent;
  assert.equal(ev.body.reason, 'restart');
  const after = await topState(dc);
  assert.equal(after.frames[0].name, 'write', 'back before write');
  const second = await cp();
  assert.notEqual(second.checkpoint_id, first.checkpoint_id, 'a new checkpoint: research ran again');
  // On a branch from before research: research's three notes replace nothing (1 + 3 = 4, not 7).
  assert.match(after.state.get('notes')?.value ?? '', /^\(4\)/, 'research ran again on a branch, not after itself');
  assert.deepEqual(d.runs.map((r) => r.kind), ['input', 'fork']);
  const ended = nextEvent(dc, 'terminated');
  await dc.continueRequest({ threadId: 1 });
  await ended;
}));

test('an interrupt() inside a subgraph: its namespace is a frame; Step Out answers it and stops before the parent\'s next step', HANG_GUARD, () => withDap(async (d) => {
  const { dc } = d;
  let stopped = nextEvent(dc, 'stopped');
  await launch(d, { ...base(), request: 'launch', assistant: 'review_team', input: { topic: 'otters' } });
  const ev = (await stopped) as DebugProtocol.StoppedEvent;
  assert.equal(ev.body.reason, 'pause');
  assert.match(ev.body.description ?? '', /interrupt\(\) in team:approve/);
  const st = await dc.stackTraceRequest({ threadId: 1 });
  const frames = st.body.stackFrames;
  assert.deepEqual(frames.map((f) => f.name), ['team:approve (interrupt)', 'team (interrupt)'], 'the subgraph\'s task, then the root task that runs it');
  assert.match(frames[0].source?.path ?? '', /review_team\.ts$/, 'the inner node opens at its source');
  const sc = await dc.scopesRequest({ frameId: frames[0].id });
  assert.equal(sc.body.scopes[0].name, 'State of team', 'the inner frame shows the subgraph\'s own state');
  await assert.rejects(dc.stepOutRequest({ threadId: 1 }), /:stepout <JSON>/, 'without an editor to ask, Step Out says how to answer');

  stopped = nextEvent(dc, 'stopped');
  const r = await dc.evaluateRequest({ expression: ':stepout "approve"', context: 'repl' });
  assert.match(r.body.result, /resuming with "approve"/);
  assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'step');
  const after = await topState(dc);
  assert.equal(after.frames[0].name, 'send', 'out of team: before the parent graph\'s next step');
  assert.match(d.output.join(''), /Step Out of team: the rest of the subgraph runs/);
  assert.match(d.output.join(''), / {2}team:polish ran/, 'the subgraph\'s remaining step is said');
  assert.equal(after.state.get('draft')?.value, '"A note on otters (approve)"', 'polish ran with the answer');

  const ended = nextEvent(dc, 'terminated');
  await dc.continueRequest({ threadId: 1 });
  await ended;
  const v = (await client.getThreadState(threadOfRuns(d))).values as { trail: string[] };
  assert.equal(v.trail.at(-1), 'parent.send: A note on otters (approve)');
}));
