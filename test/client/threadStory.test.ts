// A thread's whole story against the real dev server: the runs of the everyday loop (start →
// interrupt → resume, fork with an edited state, cancel mid-node, reopen after the end) made
// through the client, in one event list as a thread session holds them (with the session's own
// `lgt/*` events), read by the run model with the thread's history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LangGraphClient, fetchRunExtras, isRecord, type RunEvent } from '../../src/client';
import { RunModel } from '../../src/shared/runModel';
import { threadStory } from '../../src/shared/model/story';
import { forkLinks } from '../../src/webview/forkLinks';
import type { RunStart } from '../../src/shared/events';
import { useExampleServer } from '../support/server';
import { collect } from '../support/runs';

let client: LangGraphClient;
useExampleServer((s) => {
  client = s.client;
});

const mark = (data: RunStart): RunEvent => ({ id: null, event: 'lgt/run', ns: [], data, t: Date.now() });

async function modelOf(threadId: string, events: RunEvent[]): Promise<RunModel> {
  const m = RunModel.from(events);
  m.end();
  m.attachExtras(await fetchRunExtras(client, threadId, undefined, 500));
  return m;
}

/** The thread reopened: every run joined from its first event, each marked as the server recorded it. */
async function reopen(t: string) {
  const runs = (await client.listRuns(t, { limit: 10 })).sort((a, b) => ((a.created_at ?? '') < (b.created_at ?? '') ? -1 : 1));
  const events: RunEvent[] = [];
  for (const r of runs) {
    const kw = r.kwargs;
    const cp = isRecord(kw) && isRecord(kw.config) && isRecord(kw.config.configurable) ? kw.config.configurable.checkpoint_id : undefined;
    events.push(mark(cp ? { kind: 'fork', runId: r.run_id, replay: true, fork: { checkpointId: String(cp) } } : { kind: 'input', runId: r.run_id, replay: true }));
    events.push(...(await collect(client.joinRun(t, r.run_id, { lastEventId: '-1' }))));
  }
  return { runs, events };
}

test('interrupt → resume: one story holding both runs, the question, and the answer linked to it', async () => {
  const t = (await client.createThread()).thread_id;
  const events: RunEvent[] = [mark({ kind: 'input', input: { request: 'refund' } })];
  events.push(...(await collect(client.streamRun(t, { assistantId: 'interrupt', input: { request: 'refund' }, streamMode: ['updates'] }))));
  events.push(mark({ kind: 'resume', command: { resume: 'approve' } }));
  events.push(...(await collect(client.streamRun(t, { assistantId: 'interrupt', command: { resume: 'approve' }, streamMode: ['updates'] }))));
  const m = await modelOf(t, events);
  // The interrupted execution is named by the history (updates carry no task): in time order.
  const inTime = [...m.executions].sort((a, b) => a.start - b.start || a.index - b.index);
  assert.deepEqual(inTime.map((x) => `${x.node}:${x.status}`), ['draft_reply:done', 'human_review:interrupted', 'human_review:done', 'finish:done']);
  const [it] = m.summary.interrupts;
  assert.equal((it.value as { question: string }).question, 'Send this reply?');
  assert.equal(it.node, 'human_review');
  assert.equal(it.resume?.runId, m.summary.runs[1].runId);
  assert.equal(it.resume?.value, 'approve');
  const story = threadStory(m);
  assert.deepEqual(story.map((g) => `${g.n} ${g.kind} ${g.outcome}`), ['1 input interrupted', '2 resume success']);
  assert.equal(story[1].answers?.n, 1);
  assert.equal(story[1].answers?.node, 'human_review');
  assert.match(story[1].began, /answer to run 1's interrupt at human_review with "approve"/);
  assert.equal(m.summary.phase, 'success');
});

test('fork with an edited state: a labelled branch whose diffs start from the edit as the server reduced it', async () => {
  const t = (await client.createThread()).thread_id;
  const events: RunEvent[] = [mark({ kind: 'input', input: { topic: 'otters' } })];
  events.push(...(await collect(client.streamRun(t, { assistantId: 'simple', input: { topic: 'otters' }, streamMode: ['updates'] }))));
  const history = await client.getThreadHistory(t, { limit: 50 });
  const before = history.find((h) => h.next.includes('research'))!;
  const origin = before.metadata?.run_id as string;
  // notes has a concat reducer: the server appends the edit to what plan wrote.
  const res = await client.updateThreadState(t, { values: { outline: ['only one'], notes: ['edited'] }, checkpointId: before.checkpoint!.checkpoint_id, asNode: 'plan' });
  const at = res.checkpoint!.checkpoint_id!;
  const server = (await client.getThreadState(t)).values as Record<string, unknown>;
  assert.deepEqual(server.notes, ['plan: 3 sections', 'edited'], 'the server reduced the edit');
  const step = (before.metadata?.step as number) + 1;
  events.push(mark({ kind: 'fork', fork: { checkpointId: at, step, node: 'research', fromRunId: origin, edited: true, values: server } }));
  events.push(...(await collect(client.streamRun(t, { assistantId: 'simple', input: null, checkpointId: at, streamMode: ['updates'] }))));

  // Live (the fork's state from its lgt/run) and once the history is in.
  const liveModel = RunModel.from(events);
  liveModel.end();
  for (const [when, m] of [['live', liveModel], ['with history', await modelOf(t, events)]] as const) {
    const fork = m.summary.runs[1].runId;
    const research = m.executions.find((x) => x.runId === fork && x.node === 'research')!;
    // The fork's first node found the edited state, not the origin run's end.
    assert.deepEqual(m.stateBefore(research.index)!.outline, ['only one']);
    assert.deepEqual(m.stateBefore(research.index)!.notes, ['plan: 3 sections', 'edited']);
    // Until the server's values show notes' concat reducer, an update of it reads as an overwrite.
    if (when === 'with history') {
      assert.deepEqual(m.diff(research.index).filter((c) => c.kind === 'removed'), [], 'nothing of the origin run shows as removed');
      const write = m.executions.find((x) => x.runId === fork && x.node === 'write')!;
      assert.ok(!m.diff(write.index).some((c) => c.kind === 'removed'), 'write: no removals');
    }
    assert.deepEqual(m.executions.filter((x) => x.disagreed).map((x) => x.node), [], when);
    const story = threadStory(m);
    assert.deepEqual(story.map((g) => `${g.n} ${g.kind} ${g.outcome}`), ['1 input success', '2 fork success']);
    assert.equal(story[1].forkOf?.n, 1);
    assert.equal(story[1].forkOf?.node, 'research');
    assert.match(story[1].began, /^fork of run 1 from step \d+, before research \(state edited\)$/);
    // Drawn as a branch: from run 1's plan (it wrote the checkpoint the edit went onto) to the fork's research.
    const [link] = forkLinks(m);
    assert.deepEqual([m.executions[link.from].node, m.executions[link.from].runId, m.executions[link.to].node, m.executions[link.to].runId], ['plan', origin, 'research', fork]);
  }
});

test('a thread reopened from its history alone names the fork (no lgt/run of the fork)', async () => {
  const t = (await client.createThread()).thread_id;
  await collect(client.streamRun(t, { assistantId: 'simple', input: { topic: 'owls' }, streamMode: ['updates'] }));
  const history = await client.getThreadHistory(t, { limit: 50 });
  const before = history.find((h) => h.next.includes('write'))!;
  const fork = client.streamRun(t, { assistantId: 'simple', input: null, checkpointId: before.checkpoint!.checkpoint_id, streamMode: ['updates'] });
  await collect(fork);
  const { runs, events } = await reopen(t);
  const m = await modelOf(t, events);
  const story = threadStory(m);
  assert.deepEqual(story.map((g) => `${g.kind} ${g.outcome}`), ['input success', 'fork success']);
  assert.equal(story[1].forkOf?.node, 'write');
  assert.equal(story[1].forkOf?.n, 1);
  const w = m.executions.find((x) => x.runId === runs[1].run_id && x.node === 'write')!;
  assert.ok(!m.diff(w.index).some((c) => c.kind === 'removed'), 'the fork diffs against its checkpoint');
  const [link] = forkLinks(m);
  assert.deepEqual([m.executions[link.from].node, m.executions[link.from].runId, m.executions[link.to].node], ['research', runs[0].run_id, 'write']);
  assert.equal(m.summary.clock, 'server');
});

test('reopened from its history alone, a fork after a state edit still names the run it branched from', async () => {
  const t = (await client.createThread()).thread_id;
  await collect(client.streamRun(t, { assistantId: 'simple', input: { topic: 'owls' }, streamMode: ['updates'] }));
  const history = await client.getThreadHistory(t, { limit: 50 });
  const before = history.find((h) => h.next.includes('research'))!;
  // The edit is a checkpoint of its own with no run: the fork starts from it.
  const res = await client.updateThreadState(t, { values: { outline: ['only one'] }, checkpointId: before.checkpoint!.checkpoint_id, asNode: 'plan' });
  await collect(client.streamRun(t, { assistantId: 'simple', input: null, checkpointId: res.checkpoint!.checkpoint_id!, streamMode: ['updates'] }));
  const { runs, events } = await reopen(t);
  const m = await modelOf(t, events);
  const story = threadStory(m);
  assert.deepEqual(story.map((g) => `${g.kind} ${g.outcome}`), ['input success', 'fork success']);
  assert.equal(story[1].forkOf?.n, 1, JSON.stringify(story[1].forkOf));
  assert.equal(story[1].forkOf?.node, 'research');
  assert.equal(story[1].forkOf?.edited, true);
  assert.match(story[1].began, /^fork of run 1 from step \d+, before research \(state edited\)$/);
  const [link] = forkLinks(m);
  assert.ok(link, 'no branch drawn');
  assert.deepEqual([m.executions[link.from].node, m.executions[link.from].runId, m.executions[link.to].node, m.executions[link.to].runId], ['plan', runs[0].run_id, 'research', runs[1].run_id]);
});

test('cancel mid-node: the run is cancelled and nothing is left running', async () => {
  const t = (await client.createThread()).thread_id;
  const events: RunEvent[] = [mark({ kind: 'input', input: { delay_ms: 1500 } })];
  const stream = client.streamRun(t, { assistantId: 'slow', input: { delay_ms: 1500 }, streamMode: ['updates', 'tasks'] });
  let cancelled = false;
  for await (const ev of stream) {
    events.push(ev);
    // The second node has started: cancel it mid-sleep.
    if (!cancelled && ev.event === 'tasks' && isRecord(ev.data) && ev.data.name === 'crunch' && !('result' in ev.data)) {
      cancelled = true;
      await client.cancelRun(t, stream.runId!, { action: 'interrupt' });
    }
  }
  assert.ok(cancelled, 'crunch started');
  assert.equal((await client.getRun(t, stream.runId!)).status, 'interrupted');
  events.push({ id: null, event: 'lgt/cancelled', ns: [], data: { runId: stream.runId }, t: Date.now() });
  const m = await modelOf(t, events);
  assert.equal(m.summary.phase, 'cancelled');
  assert.deepEqual(m.executions.filter((x) => x.status === 'running').map((x) => x.node), [], 'nothing runs on');
  const crunch = m.executions.find((x) => x.node === 'crunch')!;
  assert.equal(crunch.status, 'cancelled');
  assert.ok(crunch.end !== null && crunch.end >= crunch.start);
  assert.deepEqual(threadStory(m).map((g) => g.outcome), ['cancelled']);
});

test('a finished run replayed after the fact is drawn from the server times, not its burst', async () => {
  const t = (await client.createThread()).thread_id;
  const DELAY = 400;
  const live = client.streamRun(t, { assistantId: 'slow', input: { delay_ms: DELAY }, streamMode: ['updates'] });
  await collect(live);
  const events: RunEvent[] = [mark({ kind: 'input', runId: live.runId!, replay: true })];
  events.push(...(await collect(client.joinRun(t, live.runId!, { lastEventId: '-1' }))));
  const m = await modelOf(t, events);
  assert.equal(m.summary.clock, 'server');
  const xs = m.executions;
  assert.deepEqual(xs.map((x) => x.node), ['warm_up', 'crunch', 'refine', 'polish', 'publish']);
  const durs = xs.map((x) => x.end! - x.start);
  console.log(`replayed durations (ms, each node sleeps ${DELAY}): ${durs.join(', ')}; ratio ${durs.map((d) => (d / DELAY).toFixed(2)).join(', ')}`);
  for (const x of xs) {
    assert.equal(x.timeSource, 'server');
    // A node cannot take less than its sleep (timestamps have ms resolution).
    assert.ok(x.end! - x.start >= DELAY - 2, `${x.node}: ${x.end! - x.start} ms`);
    assert.ok(x.end! - x.start < DELAY * 3, `${x.node}: ${x.end! - x.start} ms is no node's time`);
  }
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i].start >= xs[i - 1].end!, 'sequential nodes do not overlap');
});
