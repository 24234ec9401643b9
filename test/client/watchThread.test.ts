// Watch Deployment on a server with thread streams (the Python dialect's `GET /threads/{t}/stream`,
// on the dialect server in test/support/pythonServer.ts; not a real Python server): once a thread
// is known, a new run on it is reported from its thread stream as it begins — here while the
// polling is held, so nothing else could have found it. (The JS dev server answers 404 there:
// watcher.test.ts checks the watch then polls only.)
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeploymentWatcher, LangGraphClient, type Run, type WatchApi } from '../../src/client';
import { startPythonServer, type PythonServer } from '../support/pythonServer';
import { HANG_GUARD, until } from '../support/runs';

let server: PythonServer;
let client: LangGraphClient;
before(async () => {
  server = await startPythonServer({ heartbeatMs: 100 });
  client = new LangGraphClient({ url: server.url });
});
after(async () => {
  await client?.close();
  await server?.close();
});

test('[python] a second run on a watched thread is reported from the thread stream, with polling held', HANG_GUARD, async () => {
  // The client, with a hand on its polling: `hold` makes the next searches wait.
  let held: Promise<void> | null = null;
  let release = () => {};
  const api: WatchApi = {
    searchThreads: async (q, signal) => {
      if (held) await held;
      return client.searchThreads(q, signal);
    },
    listRuns: (t, o, s) => client.listRuns(t, o, s),
    getRun: (t, r, s) => client.getRun(t, r, s),
    watchThread: (t, s, onOpen) => client.watchThread(t, s, onOpen),
  };
  const found: Run[] = [];
  const w = new DeploymentWatcher(api, { intervalMs: 100, maxIntervalMs: 200, onRun: (r) => found.push(r) });
  w.start();
  try {
    await until('the first poll', () => w.polls >= 1);
    const thread = await client.createThread();
    const first = await client.createRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 100 } });
    await until('the first run found by polling', () => found.length >= 1, 30_000);
    assert.equal(found[0].run_id, first.run_id);
    assert.equal(w.via.poll, 1);
    await client.waitRun(thread.thread_id, first.run_id);
    await until('the thread stream answered', () => w.threadStreamsWork === true, 30_000);
    // Hold the polling; a new run on the thread can only be found through its stream.
    held = new Promise<void>((r) => (release = r));
    const polls = w.polls;
    const second = await client.createRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 300 } });
    await until('the second run found', () => found.length >= 2, 30_000);
    assert.equal(found[1].run_id, second.run_id);
    assert.equal(w.via.threadStream, 1, 'found from the thread stream');
    assert.ok(w.polls <= polls + 1, 'no poll got through meanwhile');
    assert.ok(found[1].status === 'pending' || found[1].status === 'running', `reported as it began (${found[1].status})`);
  } finally {
    release();
    w.stop();
  }
});
