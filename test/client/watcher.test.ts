// The deployment watcher against the real dev server: runs started behind its back are reported
// once each, as they start; runs from before the watch and runs the caller already knows are not;
// stop stops the polling; a server that is not there stops the watch with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeploymentWatcher, LangGraphClient, type Run } from '../../src/client';
import { useExampleServer } from '../support/server';
import { HANG_GUARD, freePort, until } from '../support/runs';

let client: LangGraphClient;
useExampleServer((s) => (client = s.client));

test('three runs started behind the watcher\'s back: each reported once, while it runs; older and known runs are not', HANG_GUARD, async () => {
  const old = await client.createThread();
  const oldRun = await client.createRun(old.thread_id, { assistantId: 'slow', input: { delay_ms: 50 } });
  await client.waitRun(old.thread_id, oldRun.run_id);
  const found: Run[] = [];
  const known = new Set<string>();
  const w = new DeploymentWatcher(client, { intervalMs: 200, maxIntervalMs: 1000, known: (r) => known.has(r.run_id), onRun: (r) => found.push(r) });
  w.start();
  try {
    await until('the first poll', () => w.polls >= 1);
    // One the caller started itself (known), then three from "elsewhere", one thread each.
    const mine = await client.createThread();
    const own = await client.createRun(mine.thread_id, { assistantId: 'slow', input: { delay_ms: 300 } });
    known.add(own.run_id);
    const started: Run[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await client.createThread();
      started.push(await client.createRun(t.thread_id, { assistantId: 'slow', input: { delay_ms: 600 } }));
    }
    const ours = new Set(started.map((r) => r.run_id));
    await until('three runs found', () => found.filter((r) => ours.has(r.run_id)).length >= 3, 30_000);
    // A few more polls: nothing is reported twice.
    const p = w.polls;
    await until('more polls', () => w.polls >= p + 3, 30_000);
    // (Other test files run beside this one on the same server: their new runs are rightly
    // reported too, so the three are counted among what was found, not as all of it.)
    const ids = found.map((r) => r.run_id);
    assert.deepEqual(ids.filter((id) => ours.has(id)).sort(), [...ours].sort(), 'the three, each once');
    assert.equal(new Set(ids).size, ids.length, `nothing reported twice: ${ids.join(', ')}`);
    assert.ok(!found.some((r) => r.run_id === oldRun.run_id || r.run_id === own.run_id), 'the older run and the known one are not reported');
    // The JS dev server has no thread stream (404): the watch found that out and polls only.
    await until('the thread stream tried', () => w.threadStreamsWork === false, 30_000);
    assert.equal(w.via.threadStream, 0);
    // Found as they started: at least one was still going when reported (each runs ~3 s).
    assert.ok(found.some((r) => ours.has(r.run_id) && (r.status === 'pending' || r.status === 'running')), found.map((r) => r.status).join(','));
  } finally {
    w.stop();
  }
  const p = w.polls;
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(w.polls, p, 'no poll after stop');
});

test('a deployment that is not there: the watch stops by itself and says why', HANG_GUARD, async () => {
  const dead = new LangGraphClient({ url: `http://127.0.0.1:${await freePort()}` });
  let reason = '';
  const w = new DeploymentWatcher(dead, { intervalMs: 10, maxIntervalMs: 50, onRun: () => assert.fail('no run'), onStop: (r) => (reason = r) });
  w.start();
  await until('stopped', () => w.stopped);
  assert.match(reason, /^stopped after 3 failed polls in a row: No LangGraph server at/);
  await dead.close();
});
