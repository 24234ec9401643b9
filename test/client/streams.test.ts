// Every stream mode, subgraphs, interrupts, breakpoints, cancel and join — against the real dev
// server and the example graphs (examples/src).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LangGraphClient, LangGraphError, interruptOf, isRecord, runErrorOf, type RunEvent } from '../../src/client';
import { useExampleServer } from '../support/server';
import { HANG_GUARD, assertConsecutiveIds, collect, wire } from '../support/runs';


let client: LangGraphClient;
useExampleServer((s) => (client = s.client));

const of = (events: RunEvent[], mode: string) => events.filter((e) => e.event === mode);
const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : assert.fail(`not an object: ${JSON.stringify(v)}`));

test('six stream modes at once: updates, values, tasks, debug, checkpoints, custom — each typed as its mode', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const stream = client.streamRun(thread.thread_id, {
    assistantId: 'custom', input: {}, streamMode: ['updates', 'values', 'tasks', 'debug', 'checkpoints', 'custom'],
  });
  const events = await collect(stream);
  assertConsecutiveIds(events, assert);
  assert.equal(events[0].event, 'metadata');
  for (const e of events) assert.deepEqual(e.ns, [], 'root graph only');

  // updates: one event for the one node, what it returned.
  const updates = of(events, 'updates');
  assert.deepEqual(updates.map((u) => Object.keys(rec(u.data))), [['emit']]);
  assert.equal(rec(rec(updates[0].data).emit).count, 5);
  // values: the full state after the superstep, with what emit wrote and the message it added.
  const values = of(events, 'values');
  assert.equal(values.length, 1);
  assert.equal(rec(values[0].data).count, 5);
  assert.equal((rec(values[0].data).messages as unknown[]).length, 1);
  // custom: what the node wrote with config.writer, in order.
  assert.deepEqual(of(events, 'custom').map((c) => rec(c.data).progress), [1, 2, 3, 4, 5]);
  // tasks: a start {id,name,input,triggers} and a result {id,name,result} for the same task id.
  const tasks = of(events, 'tasks').map((t) => rec(t.data));
  const start = tasks.find((t) => 'input' in t)!;
  const result = tasks.find((t) => 'result' in t)!;
  assert.equal(start.name, 'emit');
  assert.ok(Array.isArray(start.triggers));
  assert.equal(result.id, start.id);
  // debug: typed steps with server timestamps.
  const debug = of(events, 'debug').map((d) => rec(d.data));
  assert.deepEqual([...new Set(debug.map((d) => d.type))].sort(), ['checkpoint', 'task', 'task_result']);
  for (const d of debug) assert.ok(!Number.isNaN(Date.parse(String(d.timestamp))), 'ISO timestamp');
  // checkpoints: {values, metadata: {source, step}, next}.
  const cps = of(events, 'checkpoints').map((c) => rec(c.data));
  assert.ok(cps.length >= 2);
  for (const c of cps) {
    assert.ok('values' in c && Array.isArray(c.next));
    assert.equal(typeof rec(c.metadata).step, 'number');
  }
  assert.deepEqual(cps.at(-1)!.next, [], 'the last checkpoint has nothing left to run');
  // Receive times are the client's clock, in order.
  assert.ok(events.every((e, i) => i === 0 || e.t >= events[i - 1].t));
});

test('messages-tuple arrives as `messages` events: [chunk, metadata] from the agent node, word by word', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const events = await collect(client.streamRun(thread.thread_id, {
    assistantId: 'agent', input: { messages: [{ role: 'human', content: 'what is 6 * 7' }] }, streamMode: ['messages-tuple', 'updates'],
  }));
  const msgs = of(events, 'messages');
  assert.ok(msgs.length > 3, `several chunks (${msgs.length})`);
  for (const m of msgs) {
    assert.ok(Array.isArray(m.data) && m.data.length === 2, 'a [chunk, metadata] pair');
  }
  const fromAgent = msgs.filter((m) => rec((m.data as unknown[])[1]).langgraph_node === 'agent');
  const text = fromAgent.map((m) => String(rec((m.data as unknown[])[0]).content ?? '')).join('');
  assert.match(text, /6 \* 7 = 42/);
  // The tool ran in between.
  assert.ok(of(events, 'updates').some((u) => 'tools' in rec(u.data)));
});

test('subgraphs two levels deep: event names split into mode + namespace path', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const events = await collect(client.streamRun(thread.thread_id, { assistantId: 'subgraph', input: {}, streamMode: ['updates'], streamSubgraphs: true }));
  const updates = of(events, 'updates');
  const byDepth = (n: number) => updates.filter((u) => u.ns.length === n).map((u) => Object.keys(rec(u.data))[0]);
  assert.deepEqual(byDepth(0), ['prepare', 'child', 'finalize']);
  assert.deepEqual(byDepth(1), ['child_step', 'grandchild', 'child_done']);
  assert.deepEqual(byDepth(2), ['deep_step']);
  const deep = updates.find((u) => u.ns.length === 2)!;
  assert.match(deep.ns[0], /^child:[\w-]+$/);
  assert.match(deep.ns[1], /^grandchild:[\w-]+$/);
  // The grandchild's events sit under the same child task as the child's own.
  const childNs = updates.filter((u) => u.ns.length === 1).map((u) => u.ns[0]);
  assert.ok(childNs.every((n) => n === deep.ns[0]));
  // Without stream_subgraphs only the parent's nodes are seen.
  const flat = await collect(client.streamRun((await client.createThread()).thread_id, { assistantId: 'subgraph', input: {} }));
  assert.ok(flat.every((e) => e.ns.length === 0));
});

test('interrupt() is a typed event, and command.resume continues the run', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const first = await collect(client.streamRun(thread.thread_id, { assistantId: 'interrupt', input: { request: 'refund for order 7' } }));
  const last = first.at(-1)!;
  const info = interruptOf(last);
  assert.ok(info, `the last event announces the interrupt: ${JSON.stringify(last)}`);
  assert.equal(info.breakpoint, false);
  assert.equal(info.interrupts.length, 1);
  assert.equal(rec(info.interrupts[0].value).question, 'Send this reply?');
  assert.equal(typeof info.interrupts[0].id, 'string');
  assert.equal(runErrorOf(last), null, 'an interrupt is not an error');
  assert.deepEqual((await client.getThreadState(thread.thread_id)).next, ['human_review']);

  const resumed = await collect(client.streamRun(thread.thread_id, { assistantId: 'interrupt', command: { resume: { decision: 'edit', text: 'Refund approved.' } } }));
  const nodes = of(resumed, 'updates').map((u) => Object.keys(rec(u.data))[0]);
  assert.deepEqual(nodes, ['human_review', 'finish']);
  const finish = rec(rec(of(resumed, 'updates').at(-1)!.data).finish);
  assert.equal(finish.outcome, 'sent (edited)');
  assert.equal(finish.reply, 'Refund approved.');
  assert.deepEqual((await client.getThreadState(thread.thread_id)).next, []);
});

test('a static breakpoint (interrupt_before) arrives as an empty __interrupt__ list; input null resumes', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const first = await collect(client.streamRun(thread.thread_id, { assistantId: 'simple', input: { topic: 'owls' }, interruptBefore: ['write'] }));
  const info = interruptOf(first.at(-1)!);
  assert.ok(info);
  assert.equal(info.breakpoint, true);
  assert.deepEqual(info.interrupts, []);
  const ran = of(first, 'updates').map((u) => Object.keys(rec(u.data))[0]).filter((n) => n !== '__interrupt__');
  assert.deepEqual(ran, ['plan', 'research']);
  assert.deepEqual((await client.getThreadState(thread.thread_id)).next, ['write']);
  const rest = await collect(client.streamRun(thread.thread_id, { assistantId: 'simple', input: null }));
  assert.deepEqual(of(rest, 'updates').map((u) => Object.keys(rec(u.data))[0]), ['write', 'review']);
});

test('cancel (action=interrupt) ends the stream quietly; the run is "interrupted" and keeps its partial state', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const stream = client.streamRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 400 } });
  const events: RunEvent[] = [];
  for await (const e of stream) {
    events.push(e);
    if (e.event === 'updates' && of(events, 'updates').length === 1) await client.cancelRun(thread.thread_id, stream.runId!, { action: 'interrupt' });
  }
  const nodes = of(events, 'updates').map((u) => Object.keys(rec(u.data))[0]);
  assert.ok(nodes.length >= 1 && nodes.length < 5, `stopped early (${nodes})`);
  assert.ok(!events.some((e) => e.event === 'error'));
  assert.equal((await client.getRun(thread.thread_id, stream.runId!)).status, 'interrupted');
  const values = rec((await client.getThreadState(thread.thread_id)).values);
  assert.equal(values.last_step, nodes.at(-1));
});

test('join a background run while it runs, then again after it ended with Last-Event-ID -1, and from the middle', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const run = await client.createRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 150 }, streamMode: ['updates', 'custom'] });
  assert.ok(['pending', 'running'].includes(run.status));
  const live = client.joinRun(thread.thread_id, run.run_id, { lastEventId: '-1' });
  const events = await collect(live);
  assert.equal(live.runId, run.run_id);
  assertConsecutiveIds(events, assert);
  assert.equal(events[0].event, 'metadata');
  assert.deepEqual(of(events, 'updates').map((u) => Object.keys(rec(u.data))[0]), ['warm_up', 'crunch', 'refine', 'polish', 'publish']);
  assert.equal((await client.getRun(thread.thread_id, run.run_id)).status, 'success');

  const again = await collect(client.joinRun(thread.thread_id, run.run_id, { lastEventId: '-1' }));
  assert.deepEqual(wire(again), wire(events), 'a replay after the end is the same stream');
  const tail = await collect(client.joinRun(thread.thread_id, run.run_id, { lastEventId: '4' }));
  assert.deepEqual(wire(tail), wire(events.slice(5)), 'Last-Event-ID: 4 replays from 5');
});

test('a stateless run (no thread) streams without ids; its run id comes from Content-Location', HANG_GUARD, async () => {
  const stream = client.streamRun(null, { assistantId: 'simple', input: { topic: 'bees' } });
  const events = await collect(stream);
  assert.ok(events.every((e) => e.id === null));
  assert.match(stream.runId ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(stream.threadId, null);
  assert.equal(of(events, 'updates').length, 4);
});

test('joining a run the server does not know is a typed not-found error', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const unknown = '00000000-0000-4000-8000-000000000000';
  await assert.rejects(collect(client.joinRun(thread.thread_id, unknown, { lastEventId: '-1' })), (e: unknown) =>
    e instanceof LangGraphError && e.kind === 'not-found' && e.message === `Run ${unknown} not found on thread ${thread.thread_id} (the server no longer knows it).`);
});
