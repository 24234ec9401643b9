// How run values are shown: messages in their serialized forms, tool calls matched to results,
// one-line previews, change descriptions, and the filter/search predicates. Table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRecording } from '../../src/shared/recording';
import { RunModel, type Execution } from '../../src/shared/runModel';
import { asMessage, callLabel, describeChange, isMessageList, messageText, preview, shortPath, toolCalls, toolResults } from '../../src/webview/values';
import { Matcher, containsText, filterPredicate, parseFilter, searchPredicate } from '../../src/webview/filter';
import { changesOf, stateAfter } from '../../src/webview/stateAccess';

const ROOT = resolve(__dirname, '..', '..', '..');

test('messages in every serialized form', () => {
  const cases: [string, unknown, string | null, string][] = [
    ['LangGraph JS', { type: 'ai', content: 'hi', id: 'a1' }, 'ai', 'hi'],
    ['OpenAI role', { role: 'assistant', content: 'yo' }, 'ai', 'yo'],
    ['user role', { role: 'user', content: 'q' }, 'human', 'q'],
    ['LangChain constructor', { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'HumanMessage'], kwargs: { content: 'k' } }, 'human', 'k'],
    ['content blocks', { type: 'ai', content: [{ type: 'text', text: 'a' }, { type: 'image_url', image_url: 'x' }, { type: 'text', text: 'b' }] }, 'ai', 'a\nb'],
    ['not a message: no content', { type: 'ai' }, null, ''],
    ['not a message: unknown type', { type: 'thing', content: 'x' }, null, ''],
    ['not a message: a string', 'hello', null, ''],
  ];
  for (const [name, v, role, text] of cases) {
    const m = asMessage(v);
    assert.equal(m?.role ?? null, role, name);
    if (m) assert.equal(messageText(m), text, name);
  }
  const oa = asMessage({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calc', arguments: '{"a":1}' } }] })!;
  assert.deepEqual(oa.toolCalls, [{ id: 'c1', name: 'calc', args: { a: 1 } }], 'OpenAI tool calls with JSON arguments');
  assert.equal(callLabel(oa.toolCalls[0]), 'calc(a: 1)');
});

test('tool calls find their results in a recorded agent run', () => {
  const rec = parseRecording(readFileSync(join(ROOT, 'test', 'fixtures', 'webview', 'agent.jsonl'), 'utf8'));
  const m = RunModel.from(rec.events, { input: rec.header.input });
  m.end();
  const messages = (m.finalState() as { messages: unknown[] }).messages;
  assert.ok(isMessageList(messages));
  const calls = toolCalls(messages);
  const results = toolResults(messages);
  assert.deepEqual([...calls.keys()].sort(), ['call_calc_1', 'call_lookup_1']);
  assert.equal(messageText(results.get('call_calc_1')!), '6 * 7 = 42');
  assert.match(messageText(results.get('call_lookup_1')!), /Paris/);
  assert.match(callLabel(calls.get('call_calc_1')!), /^calculator\(a: 6, op: "\*", b: 7\)$/);
});

test('the detail pane reads the model state layer: diff and state after a node', () => {
  const rec = parseRecording(readFileSync(join(ROOT, 'test', 'fixtures', 'webview', 'parallel.jsonl'), 'utf8'));
  const m = RunModel.from(rec.events, { input: rec.header.input });
  m.end();
  const merge = m.executions.findIndex((e) => e.node === 'merge');
  const ch = changesOf(m, merge);
  assert.ok(ch.ok);
  assert.ok(ch.value.some((c) => c.kind === 'added' && c.path[0] === 'summary'), 'merge added the summary');
  const st = stateAfter(m, merge);
  assert.ok(st.ok && typeof (st.value as { summary?: unknown }).summary === 'string');
  // A model without a state layer degrades to "not available", never throws.
  const bare = { executions: [] } as unknown as RunModel;
  const na = changesOf(bare, 0);
  assert.equal(na.ok, false);
  const broken = { diff: () => { throw new Error('boom'); } } as unknown as RunModel;
  const r = changesOf(broken, 0);
  assert.ok(!r.ok && /boom/.test(r.reason));
});

test('previews are one line and bounded; changes read as sentences', () => {
  assert.equal(preview('a\nb'), '"a\\nb"');
  assert.equal(preview('x'.repeat(500), 20).length, 20);
  assert.equal(preview({ type: 'human', content: 'hello' }), 'human: "hello"');
  assert.equal(describeChange({ kind: 'added', path: ['messages', { id: 'm1' }], after: { type: 'ai', content: 'ok' } }), 'added messages[id=m1]: ai: "ok"');
  assert.equal(describeChange({ kind: 'changed', path: ['n'], before: 1, after: 2 }), 'changed n from 1 to 2');
  // A UUID in a message's id is cut to its last 8 characters (the whole path is copied, and in the tooltip).
  assert.equal(describeChange({ kind: 'changed', path: ['messages', { id: 'c00082fa-1234-4e5f-9abc-def012345678' }, 'content'], before: 'a', after: 'b' }), 'changed messages[id=…12345678].content from "a" to "b"');
  // The real server's ids hold a UUIDv7 (its start is the time, the same for a whole run): what tells them apart stays.
  assert.equal(shortPath(['messages', { id: 'run-01a23c6f-3b64-736f-90f6-fce2f1698b87-tool-call_calc_1' }]), 'messages[id=run-…f1698b87-tool-call_calc_1]');
  assert.equal(shortPath(['messages', { id: 'call_12' }, 'content']), 'messages[id=call_12].content');
  assert.equal(describeChange({ kind: 'removed', path: ['notes', 0], before: 'x' }), 'removed notes[0]: "x"');
});

const exec = (node: string, writes: unknown, path = ''): Execution => ({ index: 0, node, path, ns: [], writes } as unknown as Execution);

test('filter words: node names, state keys, or either; all words must match', () => {
  assert.deepEqual(parseFilter('  Agent  key:Msg node:x '), [{ node: 'agent', key: 'agent' }, { node: null, key: 'msg' }, { node: 'x', key: null }]);
  const cases: [string, Execution, boolean | undefined][] = [
    ['agent', exec('agent', { messages: [] }), true],
    ['mess', exec('agent', { messages: [] }), true],
    ['node:mess', exec('agent', { messages: [] }), false],
    ['key:agent', exec('agent', { messages: [] }), false],
    ['key:msg', exec('tools', undefined), undefined],
    ['child', exec('deep', {}, 'child › grandchild'), true],
    ['agent key:messages', exec('agent', { messages: [] }), true],
    ['agent key:other', exec('agent', { messages: [] }), false],
  ];
  for (const [q, e, want] of cases) assert.equal(filterPredicate(q)!(e), want, q);
  assert.equal(filterPredicate('   '), null);
});

test('search looks at keys and values, not at JSON escapes', () => {
  const v = { reply: 'Dear customer, about "refund for order 42"', nested: [{ deep: { n: 42 } }], flag: true };
  assert.ok(containsText(v, 'about "refund', 0), 'quotes match as typed');
  assert.ok(containsText(v, 'deep', 0), 'keys');
  assert.ok(containsText(v, '42', 0), 'numbers');
  assert.ok(containsText(v, 'true', 0));
  assert.ok(!containsText(v, '\\"', 0));
  assert.equal(searchPredicate('x')!(exec('n', undefined)), undefined, 'not written yet: undecided');
});

test('a matcher judges in slices, keeps matches sorted, and re-judges what changed', () => {
  const exs = Array.from({ length: 5000 }, (_, i) => ({ index: i, node: 'n', path: '', ns: [], writes: i % 7 === 0 ? { hit: 'yes' } : { miss: 1 } }) as unknown as Execution);
  let clock = 0;
  const m = new Matcher('hit', searchPredicate('yes')!);
  // A clock that jumps 10 ms per reading: each advance stops after its first check.
  assert.equal(m.advance(exs, 5, () => (clock += 10)), false);
  assert.ok(m.matches.length > 0 && m.matches.length < 715);
  while (!m.advance(exs, 5, () => (clock += 10)));
  assert.equal(m.matches.length, Math.ceil(5000 / 7));
  assert.ok(m.matches.every((v, i) => i === 0 || v > m.matches[i - 1]));
  (exs[1] as { writes: unknown }).writes = { hit: 'yes' };
  (exs[7] as { writes: unknown }).writes = {};
  m.recheck(exs, [1, 7]);
  assert.deepEqual(m.matches.slice(0, 3), [0, 1, 14]);
  assert.equal(m.has(7), false);
});
