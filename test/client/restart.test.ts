// A run in flight when its server restarts, against the real dev server of the test's own:
// killed (SIGKILL of its process tree) and started again, reloaded by its file watcher on a save
// of the graph's file, and killed for good. Each time the stream keeps every event it received,
// ends (no hang, no endless reconnecting) with an `lgt/gap` that says plainly what happened, and
// names the checkpoint the server kept when it kept one. The CLI says the same and exits 4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LangGraphClient, lostRunOf, type ConnectionState, type RunEvent } from '../../src/client';
import { RunModel } from '../../src/shared/runModel';
import { repoRoot } from '../support/server';
import { startOwnServer, type OwnServer } from '../support/ownServer';
import { until } from '../support/runs';

const CLI = join(repoRoot, 'dist', 'cli.js');
const BOUND = { timeout: 240_000 };

/** Streams the `slow` graph; once two nodes have written, `hit` runs (kill, save…). */
async function streamThrough(srv: OwnServer, hit: () => Promise<void>, control: { restartWaitMs?: number; restartGraceMs?: number } = {}) {
  const client = new LangGraphClient({ url: srv.url });
  const thread = await client.createThread();
  const events: RunEvent[] = [];
  const states: ConnectionState[] = [];
  let hitDone: Promise<void> | undefined;
  try {
    for await (const ev of client.streamRun(thread.thread_id, { assistantId: 'slow', input: {} }, { ...control, onConnection: (c) => states.push(c) })) {
      events.push(ev);
      if (!hitDone && events.filter((e) => e.event === 'updates').length === 2) hitDone = hit();
    }
    await hitDone;
  } finally {
    await client.close();
  }
  return { events, states, threadId: thread.thread_id };
}

function assertKeptAndLost(events: RunEvent[]) {
  const updates = events.filter((e) => e.event === 'updates');
  assert.ok(updates.length >= 2, `the two updates before the restart are kept (${updates.length})`);
  assert.deepEqual(events.filter((e) => e.id !== null).map((e) => e.id), events.filter((e) => e.id !== null).map((_, i) => String(i)), 'ids 0..n, none lost before the drop, none doubled');
  const last = events.at(-1)!;
  const lost = lostRunOf(last);
  assert.ok(lost, `the stream ends with a lost-run event, got ${last.event} ${JSON.stringify(last.data).slice(0, 200)}`);
  return { lost, message: (last.data as { message: string }).message };
}

test('SIGKILL of the dev server mid-run, then started again: the run is gone, the stream says so and ends', BOUND, async () => {
  const srv = await startOwnServer(repoRoot);
  try {
    const { events, states } = await streamThrough(srv, async () => {
      await srv.crash();
      await srv.restart();
    });
    const { lost, message } = assertKeptAndLost(events);
    assert.equal(lost.reason, 'vanished', message);
    assert.match(message, /server restarted \(it did not answer for [\d.]+ s\); run \S+ was lost after/);
    assert.match(message, /events received are kept/);
    assert.ok(states.some((s) => s.state === 'reconnecting' && /not answering/.test(s.reason)), 'it reconnected while the server was down');
    assert.equal(states.at(-1)?.state, 'ended');
    // The model ends the run (not left running) and keeps the message.
    const model = RunModel.from(events);
    model.end();
    assert.equal(model.summary.phase, 'error');
    assert.ok(model.summary.gaps.some((g) => g.message === message));
    assert.ok(!model.executions.some((x) => x.status === 'running'), 'nothing is left running');
  } finally {
    await srv.stop();
  }
});

test('a save of the graph file reloads the dev server mid-run: the run is left "running" and never moves; reported lost after its kept step', BOUND, async () => {
  const srv = await startOwnServer(repoRoot, { reload: true });
  try {
    const { events, threadId } = await streamThrough(srv, async () => srv.touchGraph('slow'), { restartGraceMs: 6000 });
    const { lost, message } = assertKeptAndLost(events);
    assert.equal(lost.reason, 'stale', message);
    assert.equal(lost.runStatus, 'running');
    assert.ok(lost.checkpointId, 'the server kept a checkpoint (the reload flushed it)');
    assert.ok(typeof lost.step === 'number' && lost.step >= 2, `the kept step (${lost.step})`);
    assert.match(message, new RegExp(`server restarted .*was lost after step ${lost.step}: the server still lists it as running`));
    assert.match(message, /can be re-run from there/);
    // What a re-run would start from is really there.
    const client = new LangGraphClient({ url: srv.url });
    try {
      const state = await client.getThreadState(threadId);
      assert.equal(state.checkpoint?.checkpoint_id, lost.checkpointId);
    } finally {
      await client.close();
    }
  } finally {
    await srv.stop();
  }
});

test('the dev server killed for good: the stream gives up after the wait it was given, with a final word', BOUND, async () => {
  const srv = await startOwnServer(repoRoot);
  try {
    const t0 = Date.now();
    const { events } = await streamThrough(srv, () => srv.crash(), { restartWaitMs: 3000 });
    const { lost, message } = assertKeptAndLost(events);
    assert.equal(lost.reason, 'down');
    assert.match(message, /went away and did not come back within [\d.]+ s/);
    assert.ok(Date.now() - t0 < 60_000, 'it did not wait much past the bound it was given');
  } finally {
    await srv.stop();
  }
});

test('CLI: record a run across a reload on save: "lost:" on stderr, exit 4, the recording keeps the events and shows the gap', BOUND, async () => {
  const srv = await startOwnServer(repoRoot, { reload: true });
  const dir = mkdtempSync(join(tmpdir(), 'lgt-restart-'));
  const out = join(dir, 'run.jsonl');
  try {
    const client = new LangGraphClient({ url: srv.url });
    const thread = await client.createThread();
    await client.close();
    const child = execFile(process.execPath, [CLI, 'record', '--url', srv.url, '--assistant', 'slow', '--thread', thread.thread_id, '--out', out, '--input', '{}']);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = new Promise<number | null>((r) => child.on('close', r));
    await until('two nodes recorded', () => {
      try {
        return (readFileSync(out, 'utf8').match(/"event":"updates"/g) ?? []).length >= 2;
      } catch {
        return false;
      }
    }, 60_000);
    srv.touchGraph('slow');
    assert.equal(await code, 4, stderr);
    assert.match(stderr, /^lost: The server restarted .*was lost after step \d+/m);
    const shown = await new Promise<string>((res, rej) => execFile(process.execPath, [CLI, 'show', out], (e, so) => (e ? rej(e) : res(so))));
    assert.match(shown, /GAP: The server restarted/);
    assert.match(shown, /warm_up/);
    assert.match(shown, /crunch/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await srv.stop();
  }
});

