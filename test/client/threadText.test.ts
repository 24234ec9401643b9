// What the tree and the pickers say about threads and runs, read from what the real dev server
// returns: an interrupt's question, a run waiting at it, the run that answered it, a cancelled run
// (which the JS server marks `interrupted`, like nothing else), and a thread's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LangGraphClient, Run } from '../../src/client';
import { useExampleServer } from '../support/server';
import { until } from '../support/runs';
import { chronological, interruptText, pendingInterruptValues, pendingText, runLabel, runStates, threadTitle } from '../../src/shared/threadText';

let client: LangGraphClient;
useExampleServer((s) => {
  client = s.client;
});


async function runToEnd(threadId: string, params: Parameters<LangGraphClient['createRun']>[1]): Promise<Run> {
  const run = await client.createRun(threadId, params);
  await client.waitRun(threadId, run.run_id);
  return run;
}

test('interrupt: the question in the thread and its state, the run waits, then the resume answers it', async () => {
  const request = 'refund for order 42, please';
  const thread = await client.createThread({ metadata: { graph_id: 'interrupt' } });
  await runToEnd(thread.thread_id, { assistantId: 'interrupt', input: { messages: [{ role: 'user', content: request }] } });

  const listed = (await client.searchThreads({ metadata: { graph_id: 'interrupt' }, limit: 50 })).find((t) => t.thread_id === thread.thread_id);
  assert.ok(listed, 'the thread is not listed');
  assert.equal(listed.status, 'interrupted');
  assert.equal(threadTitle(listed.values), request);

  const fromThread = pendingInterruptValues(listed);
  const fromState = pendingInterruptValues(await client.getThreadState(thread.thread_id));
  assert.ok(fromThread?.length, 'the thread object carries no interrupt');
  assert.deepEqual(fromThread, fromState, 'the thread and its state disagree on what is pending');
  // examples/src/interrupt.ts: interrupt({ question: "Send this reply?", reply, options: [...] })
  const asked = interruptText(fromThread[0]);
  assert.equal(asked.question, 'Send this reply?');
  assert.deepEqual(asked.options, ['approve', 'edit', 'reject']);
  assert.ok(asked.details.some((d) => d.startsWith('reply: ') && d.includes(request)), asked.details.join(' | '));
  assert.equal(pendingText({ questions: [asked], next: [] }), 'Send this reply?');

  let runs = await client.listRuns(thread.thread_id);
  // The JS server ends a run that stopped at interrupt() as `success`: only the thread says it waits.
  assert.deepEqual(runStates(runs, listed.status), ['waiting']);
  assert.equal(runLabel(runs[0]), `“${request}”`);

  await runToEnd(thread.thread_id, { assistantId: 'interrupt', command: { resume: 'approve' } });
  const after = await client.getThread(thread.thread_id);
  runs = chronological(await client.listRuns(thread.thread_id));
  assert.equal(runs.length, 2);
  assert.deepEqual(runStates(runs, after.status), ['answered', 'success']);
  assert.deepEqual(runStates([...runs].reverse(), after.status), ['success', 'answered'], 'the states follow the order given; time decides what came next');
  assert.equal(runLabel(runs[1]), 'Resume: "approve"');
  assert.deepEqual(pendingInterruptValues(after) ?? [], []);
});

test('cancel: a run stopped with action=interrupt reads as cancelled, not as waiting for input', async () => {
  const thread = await client.createThread({ metadata: { graph_id: 'slow' } });
  const run = await client.createRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 2000 } });
  await until('the run to be running', async () => (await client.getRun(thread.thread_id, run.run_id)).status === 'running', 60_000);
  await client.cancelRun(thread.thread_id, run.run_id, { action: 'interrupt' });
  const ended = await until('the run to stop', async () => {
    const r = await client.getRun(thread.thread_id, run.run_id);
    return r.status !== 'running' && r.status !== 'pending' ? r : undefined;
  }, 60_000);
  assert.equal(ended.status, 'interrupted', 'the server marks a cancelled run interrupted');
  const t = await client.getThread(thread.thread_id);
  assert.notEqual(t.status, 'interrupted');
  assert.deepEqual(runStates(await client.listRuns(thread.thread_id), t.status), ['cancelled']);
  // `slow` takes no messages: the input names the run, and the thread has no human text.
  assert.equal(runLabel(ended), 'Input {"delay_ms":2000}');
});
