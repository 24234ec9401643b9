// What the LLM did, in the run model: calls read from `messages-tuple` (a real recording of the
// example agent), from the Python server's `messages` mode (built from the same run the way
// ../shared/notes/python-server.md says that server sends it), from `updates` alone, and from
// bad input (no ids, two calls interleaved, missing usage, an unknown node, a huge answer).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRecording, type Recording } from '../../src/shared/recording';
import { RunModel, callJson, costText, pricesFrom, type LlmCall } from '../../src/shared/runModel';
import { isRecord, type RunEvent } from '../../src/shared/events';
import { modelFromRecording, modelJson, renderTimelineText } from '../../src/cli/show';
import { TAIL_STEP, TEXT_TAIL, tailStart } from '../../src/webview/textTail';

const DIR = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings');
const load = (name: string): Recording => parseRecording(readFileSync(join(DIR, `${name}.jsonl`), 'utf8'));
const ev = (event: string, data: unknown, t: number, ns: string[] = []): RunEvent => ({ id: null, event, ns, data, t });

/** What the fake model reported, read straight off the recorded chunks: usage per message id. */
function reported(rec: Recording): Map<string, { input: number; output: number; total: number }> {
  const out = new Map<string, { input: number; output: number; total: number }>();
  for (const e of rec.events) {
    if (e.event !== 'messages' || !Array.isArray(e.data)) continue;
    const c = e.data[0];
    if (isRecord(c) && isRecord(c.usage_metadata)) {
      const u = c.usage_metadata;
      out.set(String(c.id), { input: Number(u.input_tokens), output: Number(u.output_tokens), total: Number(u.total_tokens) });
    }
  }
  return out;
}

/** The same run as the Python server's `messages` mode sends it: metadata once, then the message so far. */
function asPythonMessages(rec: Recording): RunEvent[] {
  const acc = new Map<string, Record<string, unknown>>();
  const out: RunEvent[] = [];
  for (const e of rec.events) {
    if (e.event !== 'messages') {
      out.push(e);
      continue;
    }
    const [chunk, meta] = e.data as [Record<string, unknown>, Record<string, unknown>];
    if (chunk.type !== 'ai') continue; // Python's `messages` mode: tool messages come as messages/complete
    const id = String(chunk.id);
    let m = acc.get(id);
    if (!m) {
      out.push({ ...e, event: 'messages/metadata', data: { [id]: { metadata: meta } } });
      m = { type: 'AIMessageChunk', id, content: '', tool_calls: [], usage_metadata: null, response_metadata: {}, name: null, example: false };
      acc.set(id, m);
    }
    m.content = String(m.content) + String(chunk.content ?? '');
    if (Array.isArray(chunk.tool_calls) && chunk.tool_calls.length) m.tool_calls = chunk.tool_calls;
    if (isRecord(chunk.usage_metadata)) m.usage_metadata = chunk.usage_metadata;
    if (isRecord(chunk.response_metadata) && Object.keys(chunk.response_metadata).length) m.response_metadata = chunk.response_metadata;
    out.push({ ...e, event: 'messages/partial', data: [structuredClone(m)] });
  }
  return out;
}

const shape = (c: LlmCall) => ({ ...callJson(c), node: c.node, execution: c.execution, firstTokenMs: undefined, durationMs: undefined });

describe('LLM calls from a real messages-tuple stream', () => {
  const rec = load('agent-llm-updates-messages');
  const model = modelFromRecording(rec);

  test('one call per AI message (chunks coalesced), in the agent executions, with what the model reported', () => {
    const chunks = rec.events.filter((e) => e.event === 'messages').length;
    const calls = model.llm.calls;
    assert.equal(calls.length, 2, `${chunks} chunks make 2 calls`);
    assert.ok(chunks > 10);
    const agents = model.executions.filter((x) => x.node === 'agent').map((x) => x.index);
    assert.deepEqual(calls.map((c) => c.execution), agents);
    const rep = reported(rec);
    for (const c of calls) {
      const r = rep.get(c.id!)!;
      assert.deepEqual([c.inputTokens, c.outputTokens, c.totalTokens], [r.input, r.output, r.total]);
      assert.equal(c.model, 'scripted-fake-1');
      assert.equal(c.provider, 'fake');
      assert.equal(c.streaming, false);
    }
    assert.deepEqual(calls[0].toolCalls.map((t) => t.name), ['calculator', 'lookup']);
    assert.equal(calls[0].finishReason, 'tool_calls');
    assert.deepEqual(calls[0].toolCalls[0].args, { a: 6, op: '*', b: 7 });
    assert.match(calls[1].text, /^Here is what I found: 6 \* 7 = 42 The capital of France is Paris\.$/);
    assert.equal(calls[1].finishReason, 'stop');
  });

  test('times are arrival times: first token after the start, streaming lasts until the last chunk', () => {
    for (const c of model.llm.calls) {
      const j = callJson(c);
      assert.ok(j.durationMs !== null && j.durationMs >= 0);
      assert.ok(j.firstTokenMs !== null && j.firstTokenMs <= j.durationMs!);
    }
    // The answer came word by word: its first word long before its last.
    const answer = callJson(model.llm.calls[1]);
    assert.ok(answer.durationMs! > answer.firstTokenMs!, JSON.stringify(answer));
  });

  test('totals add up per run, per node and per thread', () => {
    const calls = model.llm.calls;
    const sum = (k: 'inputTokens' | 'outputTokens' | 'totalTokens') => calls.reduce((n, c) => n + c[k]!, 0);
    const run = model.llmTotals(model.summary.runId);
    assert.deepEqual([run.calls, run.inputTokens, run.outputTokens, run.totalTokens], [2, sum('inputTokens'), sum('outputTokens'), sum('totalTokens')]);
    assert.deepEqual(model.llmTotals(), run, 'one run: the thread is that run');
    const rows = model.llmByNode();
    assert.deepEqual(rows.map((r) => [r.node, r.calls, r.totalTokens, r.share]), [['agent', 2, sum('totalTokens'), 1]]);
    assert.equal(run.cost, null, 'no prices, no cost');
    const priced = model.llmTotals(undefined, pricesFrom({ 'scripted-fake-1': { input: 1000, output: 2000 } }));
    assert.equal(priced.cost, (sum('inputTokens') * 1000 + sum('outputTokens') * 2000) / 1e6);
    assert.equal(model.llmTotals(undefined, { other: { input: 1, output: 1 } }).cost, null, 'a model without a price: no cost');
  });

  test('updates + messages-tuple without tasks: the first chunk opens the node, its update completes it', () => {
    const streaming = new RunModel({ input: rec.header.input });
    const firstUpdate = rec.events.findIndex((e) => e.event === 'updates');
    const firstAnswerChunk = rec.events.findIndex((e) => e.event === 'messages');
    for (const e of rec.events.slice(0, firstAnswerChunk + 2)) streaming.apply(e);
    assert.ok(firstAnswerChunk + 2 < firstUpdate);
    assert.equal(streaming.executions.length, 1);
    assert.equal(streaming.executions[0].status, 'running');
    assert.equal(streaming.llmCalls(0)[0].streaming, true);
    for (const e of rec.events.slice(firstAnswerChunk + 2, firstUpdate + 1)) streaming.apply(e);
    assert.equal(streaming.executions[0].status, 'done');
    assert.equal(streaming.llmCalls(0).length, 1);
    assert.equal(streaming.llmCalls(0)[0].streaming, false);
  });

  test('with tasks: calls sit in the task\'s execution, the first token measured from the task\'s start', () => {
    const r2 = load('agent-llm-updates-tasks-messages');
    const m = modelFromRecording(r2);
    assert.equal(m.executions.length, 1);
    const [c] = m.llmCalls(0);
    assert.equal(c.start, m.executions[0].start);
    assert.match(c.text, /You said: "hi there"/);
    assert.deepEqual([c.inputTokens, c.outputTokens], [reported(r2).get(c.id!)!.input, reported(r2).get(c.id!)!.output]);
  });

  test('show prints tokens per execution and the totals; --json has each execution\'s llm array', () => {
    const text = renderTimelineText(rec, model);
    assert.match(text, /tokens in→out/);
    const calls = model.llm.calls;
    assert.match(text, new RegExp(`agent\\s+1\\s.*${calls[0].inputTokens}→${calls[0].outputTokens}`));
    assert.match(text, /LLM: 2 calls, tokens \d+ in \/ \d+ out/);
    const json = modelJson(rec, model) as { executions: { llm: Record<string, unknown>[] }[]; llm: { thread: { calls: number } } };
    const llm = json.executions[0].llm;
    assert.deepEqual(Object.keys(llm[0]).sort(), ['durationMs', 'finishReason', 'firstTokenMs', 'inputTokens', 'model', 'outputTokens', 'provider', 'text', 'toolCalls', 'totalTokens']);
    assert.deepEqual(json.executions[1].llm, [], 'the tools node called no model');
    assert.equal(json.llm.thread.calls, 2);
  });
});

describe('the Python server\'s messages mode gives the same calls', () => {
  const rec = load('agent-llm-updates-messages');
  test('messages/metadata + messages/partial (the message so far): same calls, texts, counts and models', () => {
    const tuple = modelFromRecording(rec);
    const py = RunModel.from(asPythonMessages(rec), { input: rec.header.input });
    py.end();
    assert.ok(asPythonMessages(rec).some((e) => e.event === 'messages/partial'));
    assert.deepEqual(py.llm.calls.map(shape), tuple.llm.calls.map(shape));
    for (const c of py.llm.calls) assert.equal(c.source, 'messages');
  });

  test('without the metadata event the model name comes from response_metadata; the node is unknown', () => {
    const events = asPythonMessages(rec).filter((e) => e.event !== 'messages/metadata');
    const m = RunModel.from(events, { input: rec.header.input });
    m.end();
    // The partials had no node, so they were kept aside; the updates then placed them.
    for (const c of m.llm.calls) {
      assert.notEqual(c.execution, null);
      assert.equal(c.model, 'scripted-fake-1');
    }
  });
});

describe('LLM calls from updates alone', () => {
  test('usage_metadata and model_name of AI messages in updates: calls without times', () => {
    const rec = load('agent-llm-updates-messages');
    const updatesOnly = rec.events.filter((e) => e.event !== 'messages');
    const m = RunModel.from(updatesOnly, { input: rec.header.input });
    m.end();
    const full = modelFromRecording(rec);
    assert.equal(m.llm.calls.length, 2);
    for (const [k, c] of m.llm.calls.entries()) {
      const f = full.llm.calls[k];
      assert.deepEqual([c.inputTokens, c.outputTokens, c.model, c.text, c.execution], [f.inputTokens, f.outputTokens, f.model, f.text, f.execution]);
      assert.deepEqual(callJson(c).firstTokenMs, null);
      assert.deepEqual(callJson(c).durationMs, null);
    }
    assert.equal(m.llmTotals().timed, 0);
  });

  test('an AI message a node wrote by hand (no usage, no model) is not an LLM call', () => {
    const m = RunModel.from([ev('metadata', { run_id: 'r' }, 0), ev('updates', { writer: { messages: [{ type: 'ai', content: 'hand-written', id: 'm1' }] } }, 1)]);
    assert.equal(m.llm.calls.length, 0);
  });
});

describe('bad input: shown or ignored with a note, never a crash, never mixed', () => {
  const meta = (node: string, extra: Record<string, unknown> = {}) => ({ langgraph_node: node, ls_provider: 'p', ls_model_name: 'm', ...extra });
  const chunk = (id: string | undefined, content: string, extra: Record<string, unknown> = {}) => ({ type: 'ai', content, ...(id ? { id } : {}), ...extra });

  test('chunks without ids: one call per node execution, with a note', () => {
    const m = RunModel.from([
      ev('metadata', { run_id: 'r' }, 0),
      ev('messages', [chunk(undefined, 'Hel'), meta('a')], 10),
      ev('messages', [chunk(undefined, 'lo'), meta('a')], 20),
      ev('updates', { a: { messages: [chunk(undefined, 'Hello', { usage_metadata: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } })] } }, 30),
    ]);
    assert.equal(m.llm.calls.length, 1);
    const [c] = m.llm.calls;
    assert.equal(c.text, 'Hello');
    assert.match(c.note ?? '', /without a message id/);
    assert.deepEqual([c.inputTokens, c.outputTokens], [3, 2], 'the update\'s id-less message completes the streamed call');
  });

  test('two parallel nodes\' calls interleaved: each its own text, counts and execution', () => {
    const events: RunEvent[] = [ev('metadata', { run_id: 'r' }, 0)];
    const words = ['one ', 'two ', 'three '];
    for (const [k, w] of words.entries()) {
      events.push(ev('messages', [chunk('A', `a:${w}`), meta('left', { langgraph_checkpoint_ns: 'left:t1' })], 10 + k * 2));
      events.push(ev('messages', [chunk('B', `b:${w}`), meta('right', { langgraph_checkpoint_ns: 'right:t2' })], 11 + k * 2));
    }
    events.push(ev('messages', [chunk('A', '', { usage_metadata: { input_tokens: 1, output_tokens: 3, total_tokens: 4 } }), meta('left')], 20));
    events.push(ev('messages', [chunk('B', '', { usage_metadata: { input_tokens: 2, output_tokens: 5, total_tokens: 7 } }), meta('right')], 21));
    const m = RunModel.from(events);
    const [a, b] = m.llm.calls;
    assert.equal(a.text, 'a:one a:two a:three ');
    assert.equal(b.text, 'b:one b:two b:three ');
    assert.notEqual(a.execution, b.execution);
    assert.deepEqual([m.executions[a.execution!].node, m.executions[b.execution!].node], ['left', 'right']);
    assert.deepEqual([a.totalTokens, b.totalTokens], [4, 7]);
    assert.equal(m.llmTotals().totalTokens, 11);
  });

  test('usage missing: counted as a call without counts, never as zero tokens', () => {
    const m = RunModel.from([ev('metadata', { run_id: 'r' }, 0), ev('messages', [chunk('X', 'hi'), meta('a')], 5)]);
    const t = m.llmTotals();
    assert.deepEqual([t.calls, t.unknownTokens], [1, 1]);
    assert.equal(callJson(m.llm.calls[0]).inputTokens, null);
  });

  test('a chunk without a node: kept aside with a note, not put in any execution', () => {
    const m = RunModel.from([ev('metadata', { run_id: 'r' }, 0), ev('messages', [chunk('X', 'hi'), { ls_model_name: 'm' }], 5), ev('messages', 'garbage', 6), ev('messages', [null, null], 7)]);
    assert.equal(m.executions.length, 0);
    assert.equal(m.llm.unplaced().length, 1);
    assert.match(m.llm.unplaced()[0].note ?? '', /node/);
  });

  test('a node whose model streamed, then failed: the next run\'s chunks open a new execution', () => {
    const m = RunModel.from([
      ev('metadata', { run_id: 'r1' }, 0),
      ev('messages', [chunk('A', 'first'), meta('a')], 1),
      ev('error', { error: 'Boom', message: 'model failed' }, 2),
      ev('metadata', { run_id: 'r2' }, 3),
      ev('messages', [chunk('B', 'second'), meta('a')], 4),
    ]);
    assert.deepEqual(m.executions.map((x) => [x.node, x.status, x.runId]), [['a', 'error', 'r1'], ['a', 'running', 'r2']]);
    assert.deepEqual(m.llm.calls.map((c) => [c.text, c.execution]), [['first', 0], ['second', 1]]);
  });

  test('a 200,000-character answer in 20,000 chunks: one call, the whole text', () => {
    const events: RunEvent[] = [ev('metadata', { run_id: 'r' }, 0)];
    for (let k = 0; k < 20_000; k++) events.push(ev('messages', [chunk('big', '0123456789'), meta('a')], k));
    const m = RunModel.from(events);
    assert.equal(m.llm.calls.length, 1);
    assert.equal(m.llm.calls[0].text.length, 200_000);
    assert.equal(m.llm.calls[0].chunks, 20_000);
  });

  test('tool-call arguments arrive in pieces: joined by index, parsed once complete', () => {
    const tc = (index: number, args: string, name?: string) => ({ tool_call_chunks: [{ index, args, ...(name ? { name, id: `c${index}` } : {}) }] });
    const m = RunModel.from([
      ev('metadata', { run_id: 'r' }, 0),
      ev('messages', [chunk('T', '', tc(0, '{"a":', 'calc')), meta('a')], 1),
      ev('messages', [chunk('T', '', tc(0, '1}')), meta('a')], 2),
    ]);
    assert.deepEqual(m.llm.calls[0].toolCalls, [{ name: 'calc', id: 'c0', args: { a: 1 } }]);
  });

  test('prices: only well-formed entries; cost text without a currency', () => {
    assert.deepEqual(pricesFrom({ a: { input: 1, output: 2 }, b: 'x', c: { input: -1 } }), { a: { input: 1, output: 2 } });
    assert.equal(costText(0.000043), '0.000043');
    assert.equal(costText(1.5), '1.5000');
  });
});

describe('the drawn end of a long streamed answer', () => {
  test('its start moves in steps, never past the last 20,000 characters, and begins after a space', () => {
    let text = '';
    let starts = 0;
    let last = 0;
    for (let k = 0; text.length < 100_000; k++) {
      text += `word${k} `;
      const from = tailStart(text);
      assert.ok(text.length - from <= TEXT_TAIL, `${text.length - from} characters drawn`);
      if (from > 0) assert.equal(text[from - 1], ' ', 'starts after a space');
      if (from !== last) starts++;
      assert.ok(from >= last, 'never moves back');
      last = from;
    }
    // ~100,000 characters streamed: the start moved about once per 4,000, not with each of the ~12,000 chunks.
    assert.ok(starts > 5 && starts <= Math.ceil(100_000 / TAIL_STEP), `${starts} moves`);
    assert.equal(tailStart('short'), 0);
  });
});
