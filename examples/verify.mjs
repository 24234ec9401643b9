#!/usr/bin/env node
// Checks every example graph against a real `langgraphjs dev` server, and (with --record DIR)
// re-records the raw SSE fixtures (exact body bytes) into DIR, e.g. test/fixtures/raw.
//   node examples/verify.mjs [--url http://127.0.0.1:N] [--record test/fixtures/raw]
// Without --url it starts (and stops) its own server through scripts/exampleServer.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { ensureExampleDeps, startExampleServer, EXAMPLE_GRAPHS } from '../scripts/exampleServer.mjs';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const recordDir = opt('--record');
let base = opt('--url');

/** Parse an SSE body (as the server sends it: \n line ends, blank line between events). */
function parseSse(text) {
  const events = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    const ev = { event: 'message', data: '', id: undefined };
    const data = [];
    for (const line of block.split('\n')) {
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') ev.event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') ev.id = value;
    }
    ev.data = data.length ? JSON.parse(data.join('\n')) : undefined;
    events.push(ev);
  }
  return events;
}

async function post(p, body, headers = {}) {
  const res = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return res;
}
async function newThread() {
  return (await (await post('/threads', {})).json()).thread_id;
}
async function stream(thread, body, record) {
  const res = await post(`/threads/${thread}/runs/stream`, body);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (record && recordDir) fs.writeFileSync(path.join(recordDir, record), bytes);
  return { res, text: bytes.toString('utf8'), events: parseSse(bytes.toString('utf8')) };
}

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
const nodesOf = (events, name = 'updates') => events.filter((e) => e.event === name).map((e) => Object.keys(e.data)[0]);

let server;
if (!base) {
  await ensureExampleDeps();
  server = await startExampleServer({ log: console.error });
  base = server.url;
}
if (recordDir) fs.mkdirSync(recordDir, { recursive: true });
console.log(`server ${base}`);

try {
  await check('assistants/search lists every graph', async () => {
    const list = await (await post('/assistants/search', { limit: 100 })).json();
    const ids = new Set(list.map((a) => a.graph_id));
    for (const g of EXAMPLE_GRAPHS) assert(ids.has(g), `missing ${g} in ${[...ids]}`);
  });

  await check('simple: plan, research, write, review', async () => {
    const { events } = await stream(await newThread(), { assistant_id: 'simple', input: { topic: 'otters', messages: [{ role: 'human', content: 'Write a short piece about otters' }] }, stream_mode: ['updates'] }, 'simple-updates.sse');
    assert(events[0].event === 'metadata' && events[0].id === '0', 'first event is metadata id 0');
    assert(nodesOf(events).join() === 'plan,research,write,review', `order ${nodesOf(events)}`);
    assert(events[1].data.plan.messages[0].id?.startsWith('plan-'), 'plan message has id');
  });

  await check('parallel: finish order differs from declaration, reducers merge', async () => {
    const t = await newThread();
    const { events } = await stream(t, { assistant_id: 'parallel', input: { query: 'otters' }, stream_mode: ['updates', 'tasks'] }, 'parallel-updates-tasks.sse');
    const order = nodesOf(events).filter((n) => n.startsWith('fetch_'));
    assert(order.join() === 'fetch_docs,fetch_cache,fetch_web', `finish order ${order}`);
    assert(events.some((e) => e.event === 'tasks' && e.data.name === 'merge' && 'result' in e.data), 'tasks result for merge');
    const state = await (await fetch(`${base}/threads/${t}/state`)).json();
    assert(state.values.total === 16 && state.values.results.length === 4, `total ${state.values.total}`);
  });

  await check('fanout: Send runs retrieve_documents three times at once, documents concatenate', async () => {
    const t = await newThread();
    const { events } = await stream(t, { assistant_id: 'fanout', input: { topic: 'otters' }, stream_mode: ['updates', 'tasks'] });
    const starts = events.filter((e) => e.event === 'tasks' && e.data.name === 'retrieve_documents' && !('result' in e.data));
    assert(starts.length === 3, `${starts.length} retrieve_documents tasks`);
    // All three start before the first ends: one superstep, concurrent.
    const firstResult = events.findIndex((e) => e.event === 'tasks' && e.data.name === 'retrieve_documents' && 'result' in e.data);
    assert(events.indexOf(starts[2]) < firstResult, 'every task starts before the first result');
    const order = events.filter((e) => e.event === 'updates' && e.data.retrieve_documents).map((e) => /after (\d+) ms/.exec(e.data.retrieve_documents.documents[0])[1]);
    assert(order.join() === '1,120,250', `finish order ${order}`);
    assert(nodesOf(events).join() === 'plan_queries,retrieve_documents,retrieve_documents,retrieve_documents,synthesize', `updates ${nodesOf(events)}`);
    const state = await (await fetch(`${base}/threads/${t}/state`)).json();
    assert(state.values.documents.length === 3 && state.values.answer === '3 results for otters', JSON.stringify(state.values.answer));
  });

  await check('subgraph: namespaced event names two levels deep', async () => {
    const { events } = await stream(await newThread(), { assistant_id: 'subgraph', input: { messages: [{ role: 'human', content: 'go deep' }] }, stream_mode: ['updates'], stream_subgraphs: true }, 'subgraph-updates-subgraphs.sse');
    const names = events.map((e) => e.event);
    assert(names.some((n) => /^updates\|child:[0-9a-f-]{36}$/.test(n)), 'child namespace');
    assert(names.some((n) => /^updates\|child:[0-9a-f-]{36}\|grandchild:[0-9a-f-]{36}$/.test(n)), 'grandchild namespace');
    assert(nodesOf(events).join() === 'prepare,child,finalize', `parent updates ${nodesOf(events)}`);
  });

  await check('interrupt: __interrupt__ then resume', async () => {
    const t = await newThread();
    const a = await stream(t, { assistant_id: 'interrupt', input: { request: 'refund for order 42' }, stream_mode: ['updates'] }, 'interrupt-updates.sse');
    const last = a.events.at(-1);
    assert(last.event === 'updates' && last.data.__interrupt__?.[0]?.value?.question, 'ends with interrupt');
    const th = await (await fetch(`${base}/threads/${t}`)).json();
    assert(th.status === 'interrupted', `thread status ${th.status}`);
    const b = await stream(t, { assistant_id: 'interrupt', command: { resume: { decision: 'approve' } }, stream_mode: ['updates'] }, 'interrupt-resume-updates.sse');
    assert(nodesOf(b.events).join() === 'human_review,finish', `resume ${nodesOf(b.events)}`);
    assert(b.events.at(-1).data.finish.outcome === 'sent', 'outcome sent');
  });

  await check('failing: event error after a successful node', async () => {
    const { res, events } = await stream(await newThread(), { assistant_id: 'failing', input: { messages: [{ role: 'human', content: 'search the docs' }] }, stream_mode: ['updates'] }, 'failing-updates.sse');
    assert(res.status === 200, `HTTP ${res.status}`);
    assert(nodesOf(events).join() === 'fetch_context', `updates ${nodesOf(events)}`);
    const last = events.at(-1);
    assert(last.event === 'error' && /simulated failure/.test(last.data.message), JSON.stringify(last));
  });

  await check('agent: model -> tools -> model', async () => {
    const { events } = await stream(await newThread(), { assistant_id: 'agent', input: { messages: [{ role: 'human', content: 'What is 6 * 7, and what is the capital of France?' }] }, stream_mode: ['updates', 'values'] }, 'agent-updates-values.sse');
    assert(nodesOf(events).join() === 'agent,tools,agent', `updates ${nodesOf(events)}`);
    const final = events.filter((e) => e.event === 'values').at(-1).data.messages.at(-1);
    assert(/42/.test(final.content) && /Paris/.test(final.content), final.content);
  });

  await check('custom: five config.writer events', async () => {
    const { events } = await stream(await newThread(), { assistant_id: 'custom', input: {}, stream_mode: ['custom', 'updates'] });
    assert(events.filter((e) => e.event === 'custom').length === 5, 'five custom events');
  });

  await check('slow: resumable stream, drop, rejoin with Last-Event-ID', async () => {
    const t = await newThread();
    const ac = new AbortController();
    const res = await post(`/threads/${t}/runs/stream`, { assistant_id: 'slow', input: {}, stream_mode: ['updates'], stream_resumable: true, on_disconnect: 'continue' });
    const runPath = res.headers.get('content-location');
    const reader = res.body.getReader();
    let text = '';
    while (!/\nid: 1\n/.test(text)) text += Buffer.from((await reader.read()).value).toString();
    await reader.cancel();
    ac.abort();
    const run = await (await fetch(base + runPath)).json();
    assert(run.status === 'running', `status after drop ${run.status}`);
    const join = await fetch(`${base}${runPath}/stream`, { headers: { 'Last-Event-ID': '1' } });
    const rest = parseSse(await join.text());
    assert(rest[0].id === '2', `rejoin starts at id ${rest[0].id}`);
    assert(nodesOf(rest).join() === 'crunch,refine,polish,publish', `rest ${nodesOf(rest)}`);
  });
} finally {
  await server?.stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
