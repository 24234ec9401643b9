// The time a debug session spent stopped is not a node's. Each Step, Continue or resume of the
// debugger is a new run on the thread; the timeline joins each run as the host does
// (RunSession.follow: after it was announced, so it has ended: a replay, drawn from the server's
// checkpoint times). The test stops, waits WAIT ms, goes on, and checks the model: every node's
// bar is far shorter than the wait, and the wait lies between the runs, not inside a bar. Against
// the real dev server, driven over DAP (`langgraph-timeline dap`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fetchRunExtras, joinedRunStart, type LangGraphClient, type RunEvent } from '../../src/client';
import type { DebugStopNote, RunStart } from '../../src/shared/events';
import { pauseText, threadStory } from '../../src/shared/model/story';
import { RunModel } from '../../src/shared/runModel';
import type { Execution } from '../../src/shared/model/types';
import { useExampleServer } from '../support/server';
import { HANG_GUARD, collect } from '../support/runs';
import { examplesDir, launch, nextEvent, withDap, type Dap } from '../support/dap';

let url = '';
let client: LangGraphClient;
useExampleServer((s) => {
  url = s.url;
  client = s.client;
});

const WAIT = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every run the adapter announces, joined from its first event as the host's timeline does
 * (RunSession.joinOne). Joined once it has ended, as the editor's timeline finds a run of a few
 * milliseconds: a replay (a live join is drawn from arrival times, not checkpoints).
 */
function followRuns(d: Dap): { events: RunEvent[]; done(): Promise<void> } {
  const events: RunEvent[] = [];
  const runs: { runId: string; threadId: string; kind: RunStart['kind'] }[] = [];
  d.dc.on('langgraph/run', (e: DebugProtocol.Event) => runs.push(e.body));
  // The host's timeline is told each stop (DebugHooks.stopped) as an `lgt/stop` of the run that stopped.
  const stops: DebugStopNote[] = [];
  d.dc.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push({ runId: runs.at(-1)?.runId, reason: e.body.reason, description: e.body.description ?? '' }));
  return {
    events,
    done: async () => {
      for (const r of runs) {
        const run = await client.getRun(r.threadId, r.runId);
        assert.notEqual(run.status, 'running', 'the session has ended: so has each of its runs');
        events.push({ id: null, event: 'lgt/run', ns: [], data: joinedRunStart(r.runId, run.status, run.kwargs, run.created_at, r.kind), t: Date.now() });
        events.push(...(await collect(client.joinRun(r.threadId, r.runId, { lastEventId: '-1' }))));
        for (const s of stops.filter((x) => x.runId === r.runId)) events.push({ id: null, event: 'lgt/stop', ns: [], data: s, t: Date.now() });
      }
    },
  };
}

/** Drive the session: at each stop wait WAIT ms, then do what `next` says for it; until it ends. */
async function drive(d: Dap, args: Record<string, unknown>, next: (stop: DebugProtocol.StoppedEvent, i: number) => Promise<unknown>, setup?: Parameters<typeof launch>[2]): Promise<string[]> {
  const seen: string[] = [];
  let stopped = nextEvent(d.dc, 'stopped', 'terminated');
  await launch(d, { url, cwd: examplesDir, request: 'launch', ...args }, setup);
  for (let i = 0; ; i++) {
    const ev = await stopped;
    if (ev.event === 'terminated') return seen;
    const stop = ev as DebugProtocol.StoppedEvent;
    seen.push(stop.body.description ?? stop.body.reason);
    await sleep(WAIT);
    stopped = nextEvent(d.dc, 'stopped', 'terminated');
    await next(stop, i);
  }
}

async function modelOf(d: Dap, followed: ReturnType<typeof followRuns>): Promise<RunModel> {
  await followed.done();
  const m = RunModel.from(followed.events);
  m.end();
  m.attachExtras(await fetchRunExtras(client, d.runs[0].threadId, undefined, 500));
  return m;
}

const show = (x: Execution) => `${x.path ? `${x.path} › ` : ''}${x.node} (${x.status}) ${x.start}→${x.end} [${x.timeSource}]`;

/** No bar holds the wait, and each wait lies between two runs' executions. */
function assertWaitsBetweenRuns(m: RunModel): void {
  const xs = m.executions;
  assert.ok(m.summary.runs.every((r) => r.replay), 'every run replayed');
  const all = xs.map(show).join('\n');
  for (const x of xs) {
    const ms = (x.end ?? x.start) - x.start;
    assert.ok(ms < WAIT / 3, `${x.node} lasted ${ms} ms: the ${WAIT} ms the debugger was stopped is not its time\n${all}`);
  }
  const runs = m.summary.runs.map((r) => xs.filter((x) => x.runId === r.runId)).filter((l) => l.length);
  for (let k = 1; k < runs.length; k++) {
    const lastEnd = Math.max(...runs[k - 1].map((x) => x.end ?? x.start));
    const nextStart = Math.min(...runs[k].map((x) => x.start));
    assert.ok(nextStart - lastEnd >= WAIT * 0.9, `the wait before ${runs[k][0].node} is a gap between runs (${nextStart - lastEnd} ms)\n${all}`);
  }
}

test('stop on entry, Step Over, Step Into a subgraph\'s interrupt(), :resume (a Command): no node holds the time stopped', HANG_GUARD, () => withDap(async (d) => {
  const followed = followRuns(d);
  const seen = await drive(d, { assistant: 'review_team', input: { topic: 'otters' }, stopOnEntry: true }, (stop, i) => {
    if (stop.body.description?.startsWith('Paused at interrupt()')) return d.dc.evaluateRequest({ expression: ':resume "approve"', context: 'repl' });
    return i === 0 ? d.dc.nextRequest({ threadId: 1 }) : d.dc.stepInRequest({ threadId: 1 });
  });
  assert.deepEqual(seen, ['Stopped on entry, before intake', 'Stepped: before team', 'Paused at interrupt() in team:approve']);
  const m = await modelOf(d, followed);
  assert.equal(m.summary.runs.length, 4, 'the entry run, the Step Over, the Step Into, the resume');
  const root = m.executions.filter((x) => !x.ns.length).map((x) => `${x.node}:${x.status}`);
  assert.deepEqual(root, ['intake:done', 'team:interrupted', 'team:done', 'send:done']);
  assertWaitsBetweenRuns(m);
  // Each began from the checkpoint the run before left at the stop: only its end is backed, a mark.
  const intake = m.executions.find((x) => x.node === 'intake')!;
  assert.equal(intake.startUnknown, true, 'intake is a mark at its checkpoint, with no duration');
  assert.equal(intake.start, intake.end);
}));

test('Continue from a breakpoint (three times): the node after each stop does not hold the time stopped', HANG_GUARD, () => withDap(async (d) => {
  const followed = followRuns(d);
  const seen = await drive(d, { assistant: 'slow', input: { delay_ms: 5 } }, () => d.dc.continueRequest({ threadId: 1 }),
    (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'crunch' }, { name: 'polish' }, { name: 'publish' }] }));
  assert.deepEqual(seen, ['Breakpoint: before crunch', 'Breakpoint: before polish', 'Breakpoint: before publish']);
  const m = await modelOf(d, followed);
  assert.deepEqual(m.executions.map((x) => x.node), ['warm_up', 'crunch', 'refine', 'polish', 'publish']);
  assertWaitsBetweenRuns(m);
}));

test('Step Into a subgraph node from a breakpoint, then Continue: the subgraph\'s node does not hold the time stopped', HANG_GUARD, () => withDap(async (d) => {
  const followed = followRuns(d);
  const seen = await drive(d, { assistant: 'subgraph', input: { messages: [] } }, (_s, i) => (i === 0 ? d.dc.stepInRequest({ threadId: 1 }) : d.dc.continueRequest({ threadId: 1 })),
    (dc) => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'child' }] }));
  assert.deepEqual(seen, ['Breakpoint: before child', 'Stepped: before finalize']);
  const m = await modelOf(d, followed);
  assert.ok(m.executions.some((x) => x.node === 'child' && !x.ns.length), m.executions.map(show).join('\n'));
  assertWaitsBetweenRuns(m);
  // The story says what each stop was, as the Call Stack does: a breakpoint, then a step.
  const paused = m.summary.interrupts.map((it) => pauseText(m, it));
  assert.deepEqual(paused, ['Breakpoint: before child', 'Stepped: before finalize']);
  const story = threadStory(m);
  assert.deepEqual(story.map((g) => g.began), ['input {"messages":[]}', 'went on from run 1\'s stop (Breakpoint: before child)', 'went on from run 2\'s stop (Stepped: before finalize)']);
}));
