// The client and the run model on both dialects: the same scenarios against the real JS dev server
// (examples/) and the Python-dialect server (test/support/pythonServer.ts, scripted from
// ../shared/notes/python-server.md; a real Python server cannot be installed here). Where the two
// differ on the wire (CRLF, `<ms>-<seq>` ids, 409 vs 422, {"detail"} bodies, two `values` at an
// interrupt, UserInterrupt on cancel, server-clock debug times), the assertions are the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  LangGraphClient, LangGraphError, interruptOf, isCancelEvent, readHistory, runErrorOf, type RunEvent, type StreamMode,
} from '../../src/client';
import { RunModel } from '../../src/shared/runModel';
import { useExampleServer } from '../support/server';
import { startFaultProxy, type Fault } from '../support/faultProxy';
import { HANG_GUARD, collect, wire } from '../support/runs';
import { assertOrderedIds, modelOf, nodesOf, of, rec, run, usePythonDialect, type Dialect } from '../support/dialectRuns';

const js = { name: 'js' } as Dialect;
useExampleServer((s) => Object.assign(js, { url: s.url, client: s.client }));
// The server's clock 7 s behind ours, as a hosted deployment's may be.
const py = usePythonDialect({ clockOffsetMs: -7000 });

for (const d of [js, py]) {
  const name = (s: string) => `[${d.name}] ${s}`;

  test(name('five stream modes: ordered ids, each mode typed, and the model lays server times on the client clock'), HANG_GUARD, async () => {
    const modes: StreamMode[] = ['updates', 'values', 'tasks', 'debug', 'checkpoints'];
    const { events, threadId, runId } = await run(d, { assistantId: 'simple', input: { topic: 'otters' }, streamMode: modes });
    assertOrderedIds(d, events);
    assert.equal(events[0].event, 'metadata');
    assert.deepEqual(rec(events[0].data), { run_id: runId, attempt: 1 });
    assert.deepEqual(nodesOf(events), ['plan', 'research', 'write', 'review']);
    const last = rec(of(events, 'values').at(-1)!.data);
    assert.equal(last.approved, true);
    assert.equal((last.notes as unknown[]).length, 5);
    const tasks = of(events, 'tasks').map((t) => rec(t.data));
    const starts = tasks.filter((t) => 'input' in t);
    assert.deepEqual(starts.map((t) => t.name), ['plan', 'research', 'write', 'review']);
    for (const s of starts) assert.ok(tasks.some((t) => t.id === s.id && 'result' in t), `a result for ${String(s.name)}`);
    for (const x of of(events, 'debug')) assert.ok(Number.isFinite(Date.parse(String(rec(x.data).timestamp))), 'debug timestamps parse');
    assert.deepEqual(rec(of(events, 'checkpoints').at(-1)!.data).next, []);

    const m = await modelOf(d, threadId, events);
    assert.equal(m.summary.phase, 'success');
    assert.deepEqual(m.executions.map((x) => x.node), ['plan', 'research', 'write', 'review']);
    // Server (debug) times, moved by the offset the run showed, never raw: every execution lies
    // within the span its events arrived in (Python's clock is 7 s behind ours).
    const first = events[0].t;
    const end = events.at(-1)!.t;
    for (const x of m.executions) {
      assert.ok(x.start >= first - 50 && (x.end ?? x.start) <= end + 50, `${x.node} at ${x.start - first} ms, inside the run's ${end - first} ms`);
    }
  });

  test(name('subgraphs two levels deep: namespaced events, and the model nests them'), HANG_GUARD, async () => {
    const { events, threadId } = await run(d, { assistantId: 'subgraph', input: {}, streamMode: ['updates', 'tasks'], streamSubgraphs: true });
    assert.deepEqual(nodesOf(events), ['prepare', 'child', 'finalize']);
    assert.deepEqual(nodesOf(events, 1), ['child_step', 'grandchild', 'child_done']);
    assert.deepEqual(nodesOf(events, 2), ['deep_step']);
    const deep = of(events, 'updates').find((e) => e.ns.length === 2)!;
    assert.match(deep.ns[0], /^child:/);
    assert.match(deep.ns[1], /^grandchild:/);
    const m = await modelOf(d, threadId, events);
    const x = m.executions.find((e) => e.node === 'deep_step');
    assert.ok(x, 'deep_step is an execution');
    assert.equal(x.ns.length, 2);
    assert.equal(m.summary.phase, 'success');
  });

  test(name('a Send fan-out: three executions of one node in one superstep, updates in finish order'), HANG_GUARD, async () => {
    const { events, threadId } = await run(d, { assistantId: 'fanout', input: { topic: 'otters' }, streamMode: ['updates', 'tasks'] });
    const docs = of(events, 'updates').flatMap((e) => ('retrieve_documents' in rec(e.data) ? [String((rec(rec(e.data).retrieve_documents).documents as string[])[0])] : []));
    assert.deepEqual(docs.map((s) => /after (\d+) ms/.exec(s)?.[1]), ['1', '120', '250']);
    const m = await modelOf(d, threadId, events);
    const fan = m.executions.filter((x) => x.node === 'retrieve_documents');
    assert.equal(fan.length, 3);
    assert.equal(new Set(fan.map((x) => x.step)).size, 1, 'one superstep');
  });

  test(name('interrupt, then resume: the model shows the interrupt, its node, and its answer'), HANG_GUARD, async () => {
    const first = await run(d, { assistantId: 'interrupt', input: { request: 'a refund' }, streamMode: ['updates'] });
    const at = first.events.map(interruptOf).find((i) => i);
    assert.ok(at, 'an interrupt event');
    assert.equal(rec(at.interrupts[0].value).question, 'Send this reply?');
    assert.deepEqual((await d.client.getThreadState(first.threadId)).next, ['human_review']);
    const m = await modelOf(d, first.threadId, first.events);
    assert.equal(m.summary.phase, 'interrupted');
    assert.equal(m.summary.interrupts.length, 1);
    assert.equal(m.summary.interrupts[0].node, 'human_review');

    const second = await run(d, { assistantId: 'interrupt', command: { resume: 'approve' }, streamMode: ['updates'] }, first.threadId);
    assert.deepEqual(nodesOf(second.events), ['human_review', 'finish']);
    assert.equal(rec((await d.client.getThreadState(first.threadId)).values).outcome, 'sent');
    const both = await modelOf(d, first.threadId, [...first.events, ...second.events]);
    assert.equal(both.summary.phase, 'success');
    assert.equal(both.summary.interrupts.length, 1);
    assert.ok(both.summary.interrupts[0].resume, 'the interrupt was answered');
  });

  test(name('interrupt with `values` alone: one interrupt, no `__interrupt__` key in the state'), HANG_GUARD, async () => {
    const { events, threadId } = await run(d, { assistantId: 'interrupt', input: {}, streamMode: ['values'] });
    assert.ok(events.some((e) => interruptOf(e)), 'the interrupt is in a values event');
    const m = await modelOf(d, threadId, events);
    assert.equal(m.summary.phase, 'interrupted');
    assert.equal(m.summary.interrupts.length, 1, 'said twice on Python, one interrupt');
    assert.equal(rec(m.summary.interrupts[0].value).question, 'Send this reply?');
    for (const x of m.executions) assert.ok(!('__interrupt__' in rec(m.stateAfter(x.index) ?? {})), 'no __interrupt__ key in any state');
    assert.ok(!('__interrupt__' in m.finalState()), 'nor in the final state');
  });

  test(name('cancel: the run reads as cancelled, not failed'), HANG_GUARD, async () => {
    const thread = await d.client.createThread();
    const stream = d.client.streamRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 400 }, streamMode: ['updates'] });
    const events: RunEvent[] = [];
    for await (const ev of stream) {
      events.push(ev);
      if (ev.event === 'updates' && nodesOf([ev]).includes('warm_up')) await d.client.cancelRun(thread.thread_id, stream.runId!, { action: 'interrupt' });
    }
    const errors = of(events, 'error');
    if (d.name === 'python') {
      // Python says so in the stream: UserInterrupt, a cancellation.
      assert.equal(errors.length, 1);
      assert.ok(isCancelEvent(errors[0]));
    } else {
      assert.equal(errors.length, 0, 'JS ends the stream silently');
    }
    assert.ok(events.every((e) => runErrorOf(e) === null), 'no event reads as a failure');
    assert.equal((await d.client.getRun(thread.thread_id, stream.runId!)).status, 'interrupted');
    // What the host adds when it cancelled (JS gives no other sign); Python's stream alone suffices.
    const m = RunModel.from(d.name === 'python' ? events : [...events, { id: null, event: 'lgt/cancelled', ns: [], data: {}, t: Date.now() }]);
    m.end();
    assert.equal(m.summary.phase, 'cancelled');
    assert.equal(m.summary.error, undefined);
  });

  test(name('errors name the thread or run: unknown thread (404), unknown run, busy thread (409 Python / 422 JS)'), HANG_GUARD, async () => {
    const nobody = randomUUID();
    await assert.rejects(d.client.getThread(nobody), (e: unknown) => e instanceof LangGraphError && e.kind === 'not-found' && e.message.includes(nobody));
    await assert.rejects(collect(d.client.streamRun(nobody, { assistantId: 'simple', input: {} })), (e: unknown) => {
      assert.ok(e instanceof LangGraphError);
      assert.equal(e.kind, 'not-found');
      assert.equal(e.message, `Start run: thread ${nobody} not found (404).`);
      return true;
    });
    const thread = await d.client.createThread();
    const ghost = randomUUID();
    await assert.rejects(collect(d.client.joinRun(thread.thread_id, ghost)), (e: unknown) => e instanceof LangGraphError && e.kind === 'not-found' && e.message.includes(ghost));
    const busy = await d.client.createRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 1000 } });
    try {
      await assert.rejects(collect(d.client.streamRun(thread.thread_id, { assistantId: 'simple', input: {}, multitaskStrategy: 'reject' })), (e: unknown) => {
        assert.ok(e instanceof LangGraphError);
        assert.equal(e.kind, 'conflict');
        assert.equal(e.status, d.name === 'python' ? 409 : 422);
        assert.match(e.message, new RegExp(`^Start run on thread ${thread.thread_id}: the thread is busy \\(HTTP 4\\d\\d\\) — Thread is already running a task`));
        return true;
      });
    } finally {
      await d.client.cancelRun(thread.thread_id, busy.run_id, { action: 'interrupt', wait: true });
    }
  });

  test(name('assistants by graph name (Python wants the UUID: 422, then the client looks it up), and every checkpoint of the history'), HANG_GUARD, async () => {
    assert.equal((await d.client.getAssistant('simple')).graph_id, 'simple');
    assert.equal((await d.client.getAssistantSchemas('simple')).graph_id, 'simple');
    const graph = await d.client.getAssistantGraph('simple');
    assert.ok(graph.nodes.some((n) => n.id === 'review'));
    const { threadId } = await run(d, { assistantId: 'simple', input: {}, streamMode: ['updates'] });
    // Python's history defaults to ONE checkpoint: the client always says how many.
    const history = await readHistory(d.client, threadId);
    assert.equal(history.length, 6, 'input, start, four nodes');
  });

  test(name('a resumable run cut mid-event four times: every event once, in order, ids as the server numbers them'), HANG_GUARD, async () => {
    const faults: Fault[] = [{ at: 700 }, { at: 60 }, { at: 1900, how: 'rst' }, { at: 1300 }];
    const proxy = await startFaultProxy({ target: d.url, plan: faults });
    const client = new LangGraphClient({ url: proxy.url });
    try {
      const thread = await d.client.createThread();
      const stream = client.streamRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 120 }, streamMode: ['updates', 'values', 'custom', 'tasks'] }, { backoffMs: 5 });
      const events = await collect(stream);
      assert.equal(proxy.requests.filter((r) => r.applied).length, faults.length, 'every cut happened');
      const ref = await collect(d.client.joinRun(thread.thread_id, stream.runId!, { lastEventId: '-1' }));
      assert.deepEqual(wire(events), wire(ref));
      assertOrderedIds(d, events);
      assert.deepEqual(nodesOf(events), ['warm_up', 'crunch', 'refine', 'polish', 'publish']);
      // Rejoins went where the server said (Python's Location; JS has none: the same path).
      const rejoins = proxy.requests.filter((r) => r.method === 'GET' && /\/stream$/.test(r.path));
      assert.ok(rejoins.length >= faults.length);
      for (const r of rejoins) assert.equal(r.path, `/threads/${thread.thread_id}/runs/${stream.runId}/stream`);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
}
