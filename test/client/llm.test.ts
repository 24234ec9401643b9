// What the LLM did, against the real example dev server: the agent's fake chat model streams its
// answer with a model name and token counts. Streamed in `updates` + `messages-tuple` (no
// `tasks`), the run model shows the answering node running with its text growing before the
// node's update arrives; each call's counts are what the model reported; the totals add up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LangGraphClient, isRecord } from '../../src/client';
import { RunModel, callJson } from '../../src/shared/runModel';
import { useExampleServer } from '../support/server';
import { HANG_GUARD } from '../support/runs';

let client: LangGraphClient;
useExampleServer((s) => (client = s.client));

test('agent in updates + messages-tuple: text streams into the running node, counts as reported, totals add up', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const input = { messages: [{ role: 'human', content: 'What is the capital of Japan?' }] };
  const model = new RunModel({ input });
  const reported = new Map<string, { input: number; output: number; total: number }>();
  // Per agent execution: the text lengths seen while it ran and nothing had been written yet.
  const grewBeforeUpdate = new Map<number, number[]>();
  for await (const ev of client.streamRun(thread.thread_id, { assistantId: 'agent', input, streamMode: ['updates', 'messages-tuple'] })) {
    model.apply(ev);
    if (ev.event === 'messages' && Array.isArray(ev.data) && isRecord(ev.data[0]) && isRecord(ev.data[0].usage_metadata)) {
      const u = ev.data[0].usage_metadata;
      reported.set(String(ev.data[0].id), { input: Number(u.input_tokens), output: Number(u.output_tokens), total: Number(u.total_tokens) });
    }
    for (const x of model.executions) {
      if (x.status !== 'running' || x.writes !== undefined) continue;
      const c = model.llmCalls(x.index).at(-1);
      if (!c || !c.text) continue;
      const seen = grewBeforeUpdate.get(x.index) ?? [];
      if (seen.at(-1) !== c.text.length) seen.push(c.text.length);
      grewBeforeUpdate.set(x.index, seen);
    }
  }
  model.end();
  const agents = model.executions.filter((x) => x.node === 'agent');
  assert.equal(agents.length, 2, 'agent → tools → agent');
  assert.ok(agents.every((x) => x.status === 'done'));
  // The answer (the second agent execution) streamed word by word while its node ran.
  const grew = grewBeforeUpdate.get(agents[1].index) ?? [];
  assert.ok(grew.length >= 3, `the text grew before the update: ${grew.join(', ')}`);
  assert.ok(grew.every((n, k) => k === 0 || n > grew[k - 1]));
  const answer = model.llmCalls(agents[1].index)[0];
  assert.match(answer.text, /The capital of Japan is Tokyo\./);
  // Each call: the counts the fake model reported on its last chunk, its name and provider.
  const calls = model.llm.calls;
  assert.equal(calls.length, 2);
  assert.equal(reported.size, 2);
  for (const c of calls) {
    const r = reported.get(c.id!);
    assert.ok(r, `the model reported usage for ${c.id}`);
    assert.deepEqual([c.inputTokens, c.outputTokens, c.totalTokens], [r.input, r.output, r.total]);
    assert.deepEqual([c.model, c.provider], ['scripted-fake-1', 'fake']);
    const j = callJson(c);
    assert.ok(j.durationMs !== null && j.durationMs >= 0);
  }
  assert.deepEqual(calls[0].toolCalls.map((t) => [t.name, t.args]), [['lookup', { country: 'Japan' }]]);
  // Totals: the run, the thread and the node table all add up to the calls.
  const sum = (k: 'inputTokens' | 'outputTokens' | 'totalTokens') => calls.reduce((n, c) => n + (c[k] ?? 0), 0);
  const run = model.llmTotals(model.summary.runId);
  assert.deepEqual([run.calls, run.inputTokens, run.outputTokens, run.totalTokens], [2, sum('inputTokens'), sum('outputTokens'), sum('totalTokens')]);
  assert.equal(run.totalTokens, run.inputTokens + run.outputTokens);
  const byNode = model.llmByNode();
  assert.deepEqual(byNode.map((r) => [r.node, r.calls, r.totalTokens]), [['agent', 2, sum('totalTokens')]]);
  // The same run told by the server's checkpoint state: the AI messages carry the same counts.
  const state = await client.getThreadState(thread.thread_id);
  const ai = ((state.values as { messages: Record<string, unknown>[] }).messages ?? []).filter((m) => m.type === 'ai');
  assert.deepEqual(ai.map((m) => (m.usage_metadata as { total_tokens: number }).total_tokens), calls.map((c) => c.totalTokens));
});
