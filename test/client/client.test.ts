// The client against the real LangGraph dev server (started by `npm test`, or by this file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LangGraphClient, LangGraphError, RunError, runErrorOf, type RunEvent } from '../../src/client';
import { useExampleServer } from '../support/server';

let client: LangGraphClient;
useExampleServer((s) => (client = s.client));

async function collect(it: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

test('the server is up and lists the example assistants', async () => {
  assert.equal(await client.ok(), true);
  const graphs = (await client.searchAssistants()).map((a) => a.graph_id).sort();
  for (const g of ['agent', 'failing', 'interrupt', 'parallel', 'simple', 'slow', 'subgraph']) assert.ok(graphs.includes(g), `missing ${g} in ${graphs}`);
});

test('a run streams metadata, then one updates event per node in order, with ids captured', async () => {
  const thread = await client.createThread();
  const stream = client.streamRun(thread.thread_id, { assistantId: 'simple', input: { topic: 'otters' } });
  const events = await collect(stream);
  assert.equal(events[0].event, 'metadata');
  const runId = (events[0].data as { run_id: string }).run_id;
  assert.equal(stream.runId, runId);
  assert.equal(stream.threadId, thread.thread_id);
  const updates = events.filter((e) => e.event === 'updates');
  assert.ok(updates.length >= 3, `expected ≥3 node updates, got ${updates.length}`);
  for (const u of updates) assert.equal(Object.keys(u.data as object).length, 1, 'one node per updates event');
  const nodes = updates.map((u) => Object.keys(u.data as object)[0]);
  // The graph's order (the sequence is fixed by its edges).
  const graph = await client.getAssistantGraph('simple');
  const declared = graph.nodes.map((n) => n.id).filter((id) => !id.startsWith('__'));
  assert.deepEqual(nodes, declared.filter((n) => nodes.includes(n)), `order ${nodes} vs graph ${declared}`);
  // Server ids are 0,1,2… in order; the run is visible through the API.
  assert.deepEqual(events.map((e) => e.id), events.map((_, i) => String(i)));
  const run = await client.getRun(thread.thread_id, runId);
  assert.equal(run.status, 'success');
});

test("a failing node's error event is surfaced as a typed RunError", async () => {
  const thread = await client.createThread();
  const events = await collect(client.streamRun(thread.thread_id, { assistantId: 'failing', input: {} }));
  const last = events[events.length - 1];
  assert.equal(last.event, 'error');
  const err = runErrorOf(last);
  assert.ok(err instanceof RunError);
  assert.equal(err.kind, 'run-error');
  assert.match(err.message, /simulated failure/);
  // Something succeeded before the failure.
  assert.ok(events.some((e) => e.event === 'updates'));
});

test('a server that is not there gives a clear connection-refused error', async () => {
  const dead = new LangGraphClient({ url: 'http://127.0.0.1:9' });
  await assert.rejects(dead.searchAssistants(), (e: unknown) => e instanceof LangGraphError && e.kind === 'connection-refused' && e.message.includes('is `langgraph dev` running'));
  await dead.close();
});

test('an unknown thread is a 404 with the server\'s words', async () => {
  await assert.rejects(client.getThread('00000000-0000-0000-0000-000000000000'), (e: unknown) => e instanceof LangGraphError && e.kind === 'not-found' && /not found/.test(e.message));
});
