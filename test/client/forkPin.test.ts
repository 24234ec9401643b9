// A quirk of the JS dev server, and how the client goes around it: after a run with
// `checkpoint_id` (a fork), the thread's config keeps that id, and every later run without one
// forks the same old checkpoint again instead of going on from the thread's head.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LangGraphClient, ThreadState } from '../../src/client';
import { useExampleServer } from '../support/server';
import { HANG_GUARD } from '../support/runs';

let client: LangGraphClient;
useExampleServer((s) => {
  client = s.client;
});

const run = async (threadId: string, params: { input: unknown; checkpointId?: string }) => {
  const r = await client.createRun(threadId, { assistantId: 'simple', interruptBefore: ['write'], ...params });
  await client.waitRun(threadId, r.run_id);
};

test('headCheckpoint: undefined on a plain thread; after a fork, the head a later run must name', HANG_GUARD, async () => {
  const t = await client.createThread();
  await run(t.thread_id, { input: { topic: 'otters' } });
  assert.equal(await client.headCheckpoint(t.thread_id), undefined, 'nothing pins a thread that was never forked');
  const history: ThreadState[] = await client.getThreadHistory(t.thread_id, { limit: 20 });
  const beforeResearch = history.find((s) => s.next[0] === 'research')!;
  await run(t.thread_id, { input: null, checkpointId: beforeResearch.checkpoint!.checkpoint_id });
  const head = (await client.getThreadState(t.thread_id)).checkpoint!.checkpoint_id!;
  const pinned = await client.headCheckpoint(t.thread_id);
  // The server pins the thread to the fork's origin (if a later version stops doing that, this says so).
  assert.equal(pinned, head, 'pinned to the fork origin: a later run must name the head');
  // Going on from the head: write runs after the fork's research, once.
  await run(t.thread_id, { input: null, checkpointId: pinned });
  const after = await client.getThreadState(t.thread_id);
  const all: ThreadState[] = await client.getThreadHistory(t.thread_id, { limit: 50 });
  assert.ok(all.some((s) => s.parent_checkpoint?.checkpoint_id === head), 'the last run went on from the head (not from the fork origin again)');
  const notes = (after.values as { notes: string[] }).notes;
  assert.deepEqual(notes.filter((n) => n.startsWith('review')).length, 1, 'the run went on to review');
  assert.equal(notes.filter((n) => n.startsWith('fact')).length, 3, 'research ran once on this branch');
});
