// Resuming against the real dev server behind a loopback proxy that cuts the connection at chosen
// byte offsets, many times in one run. The recording through the hostile link must equal an
// uninterrupted recording of the same run (a direct join with Last-Event-ID: -1): same ids, same
// events, no gaps, no duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LangGraphClient, LangGraphError, isRecord, type ConnectionState, type RunEvent, type StreamMode } from '../../src/client';
import { useExampleServer } from '../support/server';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/faultProxy';
import { HANG_GUARD, assertConsecutiveIds, collect, wire } from '../support/runs';


let direct: LangGraphClient;
let serverUrl = '';
useExampleServer((s) => {
  serverUrl = s.url;
  direct = s.client;
});

// Many modes make a stream of ~45 KB and ~50 events over ~1.5 s: room for many cuts mid-run.
const MODES: StreamMode[] = ['updates', 'values', 'custom', 'tasks', 'checkpoints', 'debug'];
const SLOW_INPUT = { delay_ms: 150 };

async function through(faults: Fault[]): Promise<{ proxy: FaultProxy; client: LangGraphClient }> {
  const proxy = await startFaultProxy({ target: serverUrl, plan: faults });
  return { proxy, client: new LangGraphClient({ url: proxy.url }) };
}

/** The same run, read in one go straight from the server after it ended. */
async function reference(threadId: string, runId: string): Promise<RunEvent[]> {
  return collect(direct.joinRun(threadId, runId, { lastEventId: '-1' }));
}

/**
 * Server quirk: a `debug` checkpoint event lists the step's tasks, and the dev server keeps that
 * object and fills in each task's `result`/`error` later — so a replay of the event shows them and
 * the live event did not. Compare such tasks without those two fields; everything else exactly.
 */
function comparable(events: RunEvent[]) {
  return wire(events).map((e) => {
    if (e.event !== 'debug' || !isRecord(e.data) || e.data.type !== 'checkpoint' || !isRecord(e.data.payload)) return e;
    const tasks = Array.isArray(e.data.payload.tasks) ? e.data.payload.tasks : [];
    const stripped = tasks.map((t) => (isRecord(t) ? Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'result' && k !== 'error')) : t));
    return { ...e, data: { ...e.data, payload: { ...e.data.payload, tasks: stripped } } };
  });
}

async function recordThrough(faults: Fault[], opts: { modes?: StreamMode[]; states?: ConnectionState[] } = {}) {
  const { proxy, client } = await through(faults);
  try {
    const thread = await direct.createThread();
    const states = opts.states ?? [];
    const stream = client.streamRun(thread.thread_id, { assistantId: 'slow', input: SLOW_INPUT, streamMode: opts.modes ?? MODES }, {
      backoffMs: 5,
      onConnection: (s) => states.push(s),
    });
    const events = await collect(stream);
    assert.ok(stream.runId, 'run id known');
    return { events, stream, proxy, states, threadId: thread.thread_id, runId: stream.runId! };
  } finally {
    await client.close();
    await proxy.close();
  }
}

const cutCount = (p: FaultProxy) => p.requests.filter((r) => r.applied).length;

test('cut mid-stream eight times (FIN and RST, mid-event and mid-header): the recording equals an uninterrupted one', HANG_GUARD, async () => {
  // Offsets count response bytes of each stream connection, headers included (~280 bytes): a
  // rejoin cut at 40 or 150 dies before its headers are complete.
  const faults: Fault[] = [
    { at: 900 }, { at: 40 }, { at: 2500, how: 'rst' }, { at: 1234 }, { at: 150, how: 'rst' },
    { at: 4000 }, { at: 777, how: 'rst' }, { at: 3100 },
  ];
  const r = await recordThrough(faults);
  assert.equal(cutCount(r.proxy), faults.length, 'every planned cut happened');
  const ref = await reference(r.threadId, r.runId);
  assert.ok(ref.length > 30, `a long enough run (${ref.length} events)`);
  assert.deepEqual(comparable(r.events), comparable(ref));
  assertConsecutiveIds(r.events, assert);
  // And the same sequence of (id, mode, node) as an uninterrupted live run of the same graph.
  const thread = await direct.createThread();
  const live = await collect(direct.streamRun(thread.thread_id, { assistantId: 'slow', input: SLOW_INPUT, streamMode: MODES }));
  const shape = (evs: RunEvent[]) => evs.map((e) => [e.id, e.event, e.ns.join('|'), e.event === 'updates' && isRecord(e.data) ? Object.keys(e.data).join() : '']);
  assert.deepEqual(shape(r.events), shape(live));
  const streams = r.proxy.requests.filter((q) => /\/stream$/.test(q.path));
  assert.equal(streams[0].method, 'POST');
  // Each rejoin asked for exactly what followed the last event delivered before it.
  const sent = streams.slice(1).map((q) => q.headers['last-event-id']);
  const delivered = r.states.flatMap((s) => (s.state === 'reconnecting' ? [s.lastEventId ?? '-1'] : []));
  assert.deepEqual(sent, delivered);
  assert.ok(sent.every((id, i) => i === 0 || Number(id) >= Number(sent[i - 1])), `Last-Event-ID never goes back (${sent})`);
  assert.equal(r.states[0].state, 'connected');
  assert.equal(r.states.filter((s) => s.state === 'reconnecting').length, faults.length);
  assert.equal(r.states.at(-1)?.state, 'ended');
  assert.equal((await direct.getRun(r.threadId, r.runId)).status, 'success');
});

test('cut after every few hundred bytes, stream after stream, until the run is read to its end', HANG_GUARD, async () => {
  // Each connection delivers a little then drops; the plan has more cuts than the run needs, so
  // every connection but the last is cut, and the last one reads the end of the run.
  // Short cuts (often inside the headers or the first event: no progress) alternate with long
  // ones that always let the largest event (~1.3 KB) through, so the run is read in the end.
  const faults: Fault[] = Array.from({ length: 80 }, (_, i) => ({ at: i % 2 ? 200 + ((i * 397) % 700) : 1700 + ((i * 211) % 900), how: i % 3 === 0 ? 'rst' : 'fin' }));
  const r = await recordThrough(faults, { modes: ['updates', 'values', 'custom'] });
  const streams = r.proxy.requests.filter((q) => /\/stream$/.test(q.path));
  // ~8 KB of events, at most ~2.3 KB of body per connection: at least 5 cuts whatever the timing.
  assert.ok(cutCount(r.proxy) >= 5, `many cuts (${cutCount(r.proxy)})`);
  assert.deepEqual(streams.map((q) => q.applied), streams.map((_, i) => i < streams.length - 1), 'every connection but the last was cut');
  const ref = await reference(r.threadId, r.runId);
  assert.deepEqual(wire(r.events), wire(ref));
  assertConsecutiveIds(r.events, assert);
});

test('the answer to the POST is lost before its headers: the run is found by its tag and read from the start', HANG_GUARD, async () => {
  for (const fault of [{ at: 0 }, { at: 90, how: 'rst' }] as Fault[]) {
    const r = await recordThrough([fault], { modes: ['updates', 'custom'] });
    const ref = await reference(r.threadId, r.runId);
    assert.deepEqual(wire(r.events), wire(ref), `after a cut at ${fault.at}`);
    assertConsecutiveIds(r.events, assert);
    // One POST (no duplicate run), then a join of the run it created.
    const streams = r.proxy.requests.filter((q) => /\/stream$/.test(q.path));
    assert.deepEqual(streams.map((q) => q.method), ['POST', 'GET']);
    assert.equal(streams[1].headers['last-event-id'], '-1');
    assert.equal((await direct.listRuns(r.threadId)).length, 1, 'exactly one run on the thread');
  }
});

test('a stalled link (bytes stop, socket stays open) is noticed by the idle watchdog and rejoined', HANG_GUARD, async () => {
  const { proxy, client } = await through([{ at: 1500, how: 'stall' }, { at: 600, how: 'stall' }]);
  try {
    const thread = await direct.createThread();
    const states: ConnectionState[] = [];
    const stream = client.streamRun(thread.thread_id, { assistantId: 'slow', input: SLOW_INPUT, streamMode: ['updates', 'values', 'custom'] }, {
      backoffMs: 5,
      // Above the ~0.5 s the dev server takes to close a join stream once the run has ended.
      idleTimeoutMs: 2000,
      onConnection: (s) => states.push(s),
    });
    const events = await collect(stream);
    assert.equal(proxy.requests.filter((q) => q.applied && q.fault?.how === 'stall').length, 2, 'both stalls happened');
    assert.deepEqual(wire(events), wire(await reference(thread.thread_id, stream.runId!)));
    assertConsecutiveIds(events, assert);
    assert.ok(states.filter((s) => s.state === 'resumed').length >= 2, 'rejoined after each stall');
  } finally {
    await client.close();
    await proxy.close();
  }
});

test('a run that was not created resumable falls back to its status and final state, and says what was lost', HANG_GUARD, async () => {
  const { proxy, client } = await through([{ at: 1200 }]);
  try {
    const thread = await direct.createThread();
    const events = await collect(client.streamRun(thread.thread_id, { assistantId: 'slow', input: SLOW_INPUT, streamMode: ['updates', 'custom'], resumable: false }, { backoffMs: 5 }));
    const gap = events.at(-1)!;
    assert.equal(gap.event, 'lgt/gap');
    const before = events.slice(0, -1);
    assert.ok(before.length >= 1 && before.length < 11, `some events arrived before the cut (${before.length})`);
    assertConsecutiveIds(before, assert);
    const d = gap.data as { message: string; status: string; values: { last_step: string; ticks: number }; afterEventId: string };
    assert.equal(d.afterEventId, before.at(-1)!.id);
    assert.match(d.message, new RegExp(`after event ${d.afterEventId}, and this run cannot be rejoined .* so every event after ${d.afterEventId} was lost\\. The run ended as "success"; its final state is shown instead\\.`));
    assert.equal(d.status, 'success');
    assert.equal(d.values.last_step, 'publish');
    assert.equal(d.values.ticks, 5);
    // Only one stream request: it did not pretend to rejoin.
    assert.equal(proxy.requests.filter((q) => /\/stream$/.test(q.path)).length, 1);
  } finally {
    await client.close();
    await proxy.close();
  }
});

test('joining a run of unknown resumability: after a cut the client asks the run, and falls back when it is not resumable', HANG_GUARD, async () => {
  const { proxy, client } = await through([{ at: 700 }]);
  try {
    const thread = await direct.createThread();
    const run = await direct.createRun(thread.thread_id, { assistantId: 'slow', input: SLOW_INPUT, streamMode: ['updates', 'custom'], resumable: false });
    const events = await collect(client.joinRun(thread.thread_id, run.run_id, { backoffMs: 5 }));
    const gap = events.at(-1)!;
    assert.equal(gap.event, 'lgt/gap');
    assert.equal((gap.data as { status: string }).status, 'success');
    assert.ok(proxy.requests.some((q) => q.method === 'GET' && q.path === `/threads/${thread.thread_id}/runs/${run.run_id}`), 'it asked the run');
    assert.equal(proxy.requests.filter((q) => /\/stream$/.test(q.path)).length, 1, 'no pointless rejoin');
  } finally {
    await client.close();
    await proxy.close();
  }
});

test('a stateless run cut mid-stream: no crash, a gap that says why nothing could be recovered', HANG_GUARD, async () => {
  const { proxy, client } = await through([{ at: 600 }]);
  try {
    const events = await collect(client.streamRun(null, { assistantId: 'slow', input: SLOW_INPUT, streamMode: ['updates', 'custom'] }));
    const gap = events.at(-1)!;
    assert.equal(gap.event, 'lgt/gap');
    assert.ok(events.length >= 2, 'what arrived before the cut is kept');
    assert.match((gap.data as { message: string }).message, new RegExp(String.raw`^The connection dropped \(The connection to http://127\.0\.0\.1:\d+ dropped \(other side closed\)\) after ${events.length - 1} events, and this run cannot be rejoined \(a stateless run has no thread to rejoin\), so the events after those were lost\. Nor is there a thread to read its outcome from\.$`));
  } finally {
    await client.close();
    await proxy.close();
  }
});

test('cancelling during the backoff stops at once: no further connection', HANG_GUARD, async () => {
  const { proxy, client } = await through([{ at: 800 }]);
  try {
    const thread = await direct.createThread();
    const ac = new AbortController();
    const stream = client.streamRun(thread.thread_id, { assistantId: 'slow', input: SLOW_INPUT }, {
      signal: ac.signal,
      backoffMs: 600_000, // a backoff that would outlive the test unless the abort ends it
      onConnection: (s) => {
        if (s.state === 'reconnecting') ac.abort();
      },
    });
    await assert.rejects(collect(stream), (e: unknown) => e instanceof LangGraphError && e.kind === 'aborted');
    assert.equal(proxy.requests.filter((q) => /\/stream$/.test(q.path)).length, 1, 'no rejoin after the abort');
  } finally {
    await client.close();
    await proxy.close();
  }
});

test('reconnects are bounded: a link that always dies gives up with a clear error', HANG_GUARD, async () => {
  // First connection delivers a little, every rejoin is cut before its headers.
  const { proxy, client } = await through([{ at: 700 }, { at: 0 }, { at: 0, how: 'rst' }, { at: 0 }, { at: 0 }]);
  try {
    const thread = await direct.createThread();
    const got: RunEvent[] = [];
    const stream = client.streamRun(thread.thread_id, { assistantId: 'slow', input: SLOW_INPUT }, { backoffMs: 5, maxReconnects: 3 });
    await assert.rejects(
      (async () => {
        for await (const e of stream) got.push(e);
      })(),
      (e: unknown) =>
        e instanceof LangGraphError && e.kind === 'network' &&
        new RegExp(`^Lost the stream of run ${stream.runId} and could not rejoin it after 3 attempts \\(last: The connection to http://127\\.0\\.0\\.1:\\d+ dropped \\(.+\\)\\)\\. The run may still be going on the server\\.$`).test(e.message),
    );
    assert.ok(got.length >= 1);
    assert.equal(proxy.requests.filter((q) => /\/stream$/.test(q.path)).length, 4, 'the first connection and 3 rejoins');
    // The run itself went on (on_disconnect: continue) and can be joined later.
    const later = await collect(direct.joinRun(thread.thread_id, stream.runId!, { lastEventId: '-1' }));
    assert.deepEqual(wire(later.slice(0, got.length)), wire(got));
  } finally {
    await client.close();
    await proxy.close();
  }
});
