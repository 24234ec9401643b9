// What only the Python dialect has: heartbeats (and the watchdog they arm), legacy interrupts, the
// wire itself, `Location` and `GET /threads/{t}/stream` — on the Python-dialect server
// (test/support/pythonServer.ts; not a real Python server, which cannot be installed here). The
// scenarios both servers share are in dialects.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LangGraphClient, LangGraphError, interruptOf, isRecord, runErrorOf, type StreamMode } from '../../src/client';
import { startPythonServer } from '../support/pythonServer';
import { startFaultProxy } from '../support/faultProxy';
import { HANG_GUARD, collect, wire } from '../support/runs';
import { modelOf, nodesOf, of, rec, run, usePythonDialect, type Dialect } from '../support/dialectRuns';

const py = usePythonDialect();

test('[python] heartbeats feed the idle watchdog: slow nodes with a short idle limit, one connection', HANG_GUARD, async () => {
  const thread = await py.client.createThread();
  const states: string[] = [];
  const events = await collect(py.client.streamRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 700 }, streamMode: ['updates'] }, {
    idleTimeoutMs: 400, onConnection: (s) => states.push(s.state),
  }));
  assert.deepEqual(nodesOf(events), ['warm_up', 'crunch', 'refine', 'polish', 'publish']);
  assert.deepEqual(states, ['connected', 'ended'], 'never reconnected');

  // The same against a server without heartbeats: the watchdog does refresh the quiet connection.
  const quiet = await startPythonServer({ heartbeatMs: 0 });
  const c = new LangGraphClient({ url: quiet.url });
  try {
    const t = await c.createThread();
    const s2: string[] = [];
    await collect(c.streamRun(t.thread_id, { assistantId: 'slow', input: { delay_ms: 700 }, streamMode: ['updates'] }, { idleTimeoutMs: 400, onConnection: (s) => s2.push(s.state) }));
    assert.ok(s2.includes('resumed'), `no heartbeats: the connection was refreshed (${s2.join(',')})`);
  } finally {
    await c.close();
    await quiet.close();
  }
});

test('[python] when the heartbeats stop (a black-holed link), the watchdog fires long before its idle limit and the run is read whole', HANG_GUARD, async () => {
  // Stall after the first events; the idle limit (60 s) is longer than the whole run (~5 s), so
  // only the heartbeats' own rhythm can notice the dead link while the run still goes.
  const proxy = await startFaultProxy({ target: py.url, plan: [{ at: 900, how: 'stall' }] });
  const client = new LangGraphClient({ url: proxy.url });
  try {
    const thread = await py.client.createThread();
    let statusAtResume: Promise<string> | undefined;
    const stream = client.streamRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 1000 }, streamMode: ['updates', 'custom'] }, {
      idleTimeoutMs: 60_000, backoffMs: 5,
      onConnection: (s) => {
        if (s.state === 'resumed') statusAtResume ??= py.client.getRun(thread.thread_id, stream.runId!).then((r) => r.status);
      },
    });
    const events = await collect(stream);
    assert.ok(proxy.requests[0]?.applied, 'the link stalled');
    assert.ok(statusAtResume, 'the stream was resumed');
    assert.equal(await statusAtResume, 'running', 'resumed while the run was still going');
    const ref = await collect(py.client.joinRun(thread.thread_id, stream.runId!, { lastEventId: '-1' }));
    assert.deepEqual(wire(events), wire(ref));
  } finally {
    await client.close();
    await proxy.close();
  }
});

test('[python] legacy interrupts ({value, resumable, ns, when}, no id): one interrupt, its node, and a resume', HANG_GUARD, async () => {
  const legacy = await startPythonServer({ interruptShape: 'legacy', heartbeatMs: 0 });
  const d: Dialect = { name: 'python', url: legacy.url, client: new LangGraphClient({ url: legacy.url }) };
  try {
    for (const modes of [['updates'], ['values'], ['values', 'updates', 'debug']] as StreamMode[][]) {
      const first = await run(d, { assistantId: 'interrupt', input: {}, streamMode: modes });
      const it = first.events.map(interruptOf).find((i) => i)!;
      assert.equal(it.interrupts[0].id, undefined, 'no id on the wire');
      const m = await modelOf(d, first.threadId, first.events);
      assert.equal(m.summary.interrupts.length, 1, `one interrupt (${modes})`);
      assert.equal(m.summary.interrupts[0].node, 'human_review', `its node (${modes})`);
      const second = await run(d, { assistantId: 'interrupt', command: { resume: { decision: 'reject' } }, streamMode: modes }, first.threadId);
      const both = await modelOf(d, first.threadId, [...first.events, ...second.events]);
      assert.equal(both.summary.phase, 'success');
      assert.equal(rec((await d.client.getThreadState(first.threadId)).values).outcome, 'rejected');
    }
  } finally {
    await d.client.close();
    await legacy.close();
  }
});

test('[python] a failing node: `event: error` is the run failing, named by the model', HANG_GUARD, async () => {
  const { events, threadId } = await run(py, { assistantId: 'failing', input: {}, streamMode: ['updates', 'tasks'] });
  const err = runErrorOf(of(events, 'error')[0]);
  assert.equal(err?.errorName, 'ValueError');
  const m = await modelOf(py, threadId, events);
  assert.equal(m.summary.phase, 'error');
  assert.equal(m.summary.error?.node, 'call_tool');
});

test('[python] the wire is Python\'s: CRLF, heartbeats, Location, ids only when resumable, {"detail"} errors', HANG_GUARD, async () => {
  const thread = await py.client.createThread();
  const res = await fetch(`${py.url}/threads/${thread.thread_id}/runs/stream`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ assistant_id: 'slow', input: { delay_ms: 250 }, stream_mode: ['updates'] }),
  });
  const text = await res.text();
  assert.match(res.headers.get('location') ?? '', /^\/threads\/[^/]+\/runs\/[^/]+\/stream$/);
  assert.match(res.headers.get('content-location') ?? '', /^\/threads\/[^/]+\/runs\/[^/]+$/);
  assert.match(text, /^event: metadata\r\ndata: /);
  assert.ok(text.includes(': heartbeat\r\n\r\n'));
  assert.ok(!/\nid: /.test(text), 'no ids on a run that is not resumable');
  const bad = await fetch(`${py.url}/assistants/simple`);
  assert.equal(bad.status, 422);
  assert.ok(isRecord(await bad.json()) && true);
  await assert.rejects(py.client.createRun(thread.thread_id, { assistantId: 'simple', checkpointId: 'step-3' }), (e: unknown) => {
    assert.ok(e instanceof LangGraphError);
    assert.equal(e.kind, 'bad-request');
    assert.equal(e.message, `Create run on thread ${thread.thread_id}: the server could not process the request (HTTP 422) — invalid request: checkpoint_id: Input should be a valid UUID`);
    return true;
  });
});

test('[python] rejoins go where `Location` says', HANG_GUARD, async () => {
  // The dialect server can name a rejoin URL of its own, so following it is visible.
  const srv = await startPythonServer({ heartbeatMs: 0, locationSuffix: '?via=location' });
  const proxy = await startFaultProxy({ target: srv.url, plan: [{ at: 600 }, { at: 500, how: 'rst' }] });
  const client = new LangGraphClient({ url: proxy.url });
  try {
    const thread = await client.createThread();
    const stream = client.streamRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 100 }, streamMode: ['updates', 'custom'] }, { backoffMs: 5 });
    const events = await collect(stream);
    assert.deepEqual(nodesOf(events), ['warm_up', 'crunch', 'refine', 'polish', 'publish']);
    const rejoins = proxy.requests.filter((r) => r.method === 'GET' && /\/stream/.test(r.path));
    assert.ok(rejoins.length >= 2, `rejoined (${rejoins.length})`);
    for (const r of rejoins) assert.equal(r.path, `/threads/${thread.thread_id}/runs/${stream.runId}/stream?via=location`);
  } finally {
    await client.close();
    await proxy.close();
    await srv.close();
  }
});

test('[python] GET /threads/{t}/stream: every run of the thread, ids on every event, run_done at each end', HANG_GUARD, async () => {
  const thread = await py.client.createThread();
  const ac = new AbortController();
  const res = await fetch(`${py.url}/threads/${thread.thread_id}/stream`, { signal: ac.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let text = '';
  const done: string[] = [];
  const runs: string[] = [];
  const reading = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      text += new TextDecoder().decode(value);
      done.splice(0, done.length, ...[...text.matchAll(/"status":"run_done","run_id":"([^"]+)"/g)].map((m) => m[1]));
      if (done.length === 2) return;
    }
  })();
  for (let i = 0; i < 2; i++) runs.push((await run(py, { assistantId: 'simple', input: {}, streamMode: ['updates'] }, thread.thread_id)).runId);
  await reading;
  ac.abort();
  assert.deepEqual(done, runs, 'each run ended, in order');
  const frames = text.split('\r\n\r\n').filter((f) => f.startsWith('event:'));
  assert.ok(frames.every((f) => /\r\nid: \d+-\d+$/.test(f)), 'every event has an id');
  assert.equal(frames.filter((f) => f.startsWith('event: updates')).length, 8, 'four nodes, two runs');
});
