// Wording the host shows: plurals, ages, Start Run's input box (its example, what the schema makes
// of it, what typed text becomes), interrupt values of every shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { plural, relTime, relTimeChangesIn, oneLine } from '../../src/shared/text';
import { DEFAULT_INPUT, DEFAULT_INPUT_TEXT, exampleFor, parseRunInput, prefillFor } from '../../src/shared/runInputParse';
import { interruptText, pendingInterruptValues, pendingText, runLabel, runOrigin, threadTitle } from '../../src/shared/threadText';

test('plural: one item, many items', () => {
  assert.equal(plural(1, 'item'), '1 item');
  assert.equal(plural(0, 'item'), '0 items');
  assert.equal(plural(2, 'node run'), '2 node runs');
  assert.equal(plural(1, 'entry', 'entries'), '1 entry');
  assert.equal(plural(12345, 'event'), '12,345 events');
});

test('relTime reads as an age and says when it will read differently', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  assert.equal(relTime(ago(5_000), now), 'just now');
  assert.equal(relTime(ago(2 * 60_000 + 5_000), now), '2 min ago');
  assert.equal(relTime(ago(3 * 3_600_000), now), '3 h ago');
  assert.equal(relTime(ago(30 * 3_600_000), now), 'yesterday');
  assert.equal(relTime(ago(5 * 86_400_000), now), '5 days ago');
  assert.equal(relTime('not a date', now), undefined);
  assert.equal(relTime(new Date(now + 5000).toISOString(), now), 'just now', 'a server clock a little ahead');
  // At the moment it says it will change, it has changed; a moment before, it had not.
  for (const age of [5_000, 59_000, 61_000, 2 * 3_600_000 + 7_000, 3 * 86_400_000 + 1]) {
    const iso = ago(age);
    const wait = relTimeChangesIn(iso, now)!;
    assert.ok(wait > 0, `${age}`);
    assert.equal(relTime(iso, now + wait - 1), relTime(iso, now), `${age}: changed early`);
    assert.notEqual(relTime(iso, now + wait), relTime(iso, now), `${age}: did not change`);
  }
});

test('oneLine flattens and cuts untrusted text', () => {
  assert.equal(oneLine('a\n\n b\tc'), 'a b c');
  assert.equal(oneLine('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
});

/** State schemas as the dev server reports them (input schemas of these graphs have the same keys), from the recordings. */
function recordedSchemas(): Record<string, unknown> {
  const dir = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings');
  const out: Record<string, unknown> = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    const header = JSON.parse(readFileSync(join(dir, f), 'utf8').split('\n', 1)[0]);
    const s = header.extras?.schemas;
    if (s?.graph_id && s.state_schema) out[s.graph_id] = s.state_schema;
  }
  return out;
}

test('the input box opens with a chat example; a schema with messages keeps it, one without replaces it', () => {
  assert.equal(DEFAULT_INPUT_TEXT, '{"messages":[{"role":"user","content":"hi"}]}');
  assert.deepEqual(prefillFor(undefined), { text: DEFAULT_INPUT_TEXT, acceptsChat: true });
  assert.deepEqual(prefillFor({ type: 'object', properties: {} }), { text: DEFAULT_INPUT_TEXT, acceptsChat: true }, 'the JS server reports no properties for some states');
  const schemas = recordedSchemas();
  assert.ok(Object.keys(schemas).length >= 3, `recorded schemas: ${Object.keys(schemas)}`);
  for (const [graph, schema] of Object.entries(schemas)) {
    assert.deepEqual(prefillFor(schema), { text: DEFAULT_INPUT_TEXT, acceptsChat: true }, `${graph} has messages`);
  }
  const topic = prefillFor({ type: 'object', properties: { topic: { type: 'string' }, n: { type: 'integer', default: 3 }, tags: { type: 'array' } } });
  assert.deepEqual(topic, { text: '{"topic":"","n":3,"tags":[]}', acceptsChat: false });
  assert.deepEqual(exampleFor({ properties: { messages: {}, flag: { type: ['boolean', 'null'] } } }), { messages: DEFAULT_INPUT.messages, flag: false });
});

test('typed input: JSON objects, chat text, and clear errors', () => {
  const chat = { text: DEFAULT_INPUT_TEXT, acceptsChat: true };
  const json = { text: '{"topic":""}', acceptsChat: false };
  assert.deepEqual(parseRunInput(DEFAULT_INPUT_TEXT, chat), { ok: true, value: DEFAULT_INPUT });
  assert.deepEqual(parseRunInput('  hi from a person ', chat), { ok: true, value: { messages: [{ role: 'human', content: 'hi from a person' }] } });
  assert.deepEqual(parseRunInput('"quoted" words', chat), { ok: true, value: { messages: [{ role: 'human', content: '"quoted" words' }] } });
  const bad = parseRunInput('{"messages": [', chat);
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.message : '', /^Not valid JSON: /);
  const list = parseRunInput('[1, 2]', chat);
  assert.match(!list.ok ? list.message : '', /must be a JSON object/);
  const empty = parseRunInput('   ', chat);
  assert.match(!empty.ok ? empty.message : '', /chat message, or the input as a JSON object/);
  // A graph without messages: text is not sent anywhere, and the message shows the expected shape.
  const text = parseRunInput('otters', json);
  assert.equal(text.ok, false);
  assert.match(!text.ok ? text.message : '', /no "messages".*\{"topic":""\}/);
  assert.deepEqual(parseRunInput('{"topic":"otters"}', json), { ok: true, value: { topic: 'otters' } });
});

test('interrupt values of every shape read as text', () => {
  assert.deepEqual(interruptText('Approve the refund?'), { question: 'Approve the refund?', options: [], details: [] });
  const tool = interruptText({ action_request: { action: 'send_email', args: { to: 'a@b.c' } }, description: 'Review the tool call', allowed_decisions: ['approve', 'reject'] });
  assert.equal(tool.question, 'Review the tool call');
  assert.deepEqual(tool.options, ['approve', 'reject']);
  assert.deepEqual(tool.details, ['action_request: {"action":"send_email","args":{"to":"a@b.c"}}']);
  // Nothing question-like: the value as JSON, on one line.
  assert.deepEqual(interruptText({ a: 1, b: [2] }), { question: '{"a":1,"b":[2]}', options: [], details: [] });
  assert.equal(interruptText(42).question, '42');
  assert.equal(interruptText(null).question, 'null');
  // Hostile text stays text (the tree escapes it; here it is just not lost or evaluated).
  assert.equal(interruptText('<img src=x onerror=alert(1)>\n**bold**').question, '<img src=x onerror=alert(1)> **bold**');
  assert.equal(pendingText({ questions: [], next: ['human_review'] }), 'paused before human_review');
  assert.deepEqual(pendingInterruptValues({ interrupts: { t1: [{ id: 'i', value: 'q?' }], t2: [] } }), ['q?']);
  assert.deepEqual(pendingInterruptValues({ tasks: [{ interrupts: [{ value: 1 }] }, { interrupts: [] }] }), [1]);
  assert.equal(pendingInterruptValues({}), undefined, 'a server that does not say');
});

test('thread and run names', () => {
  assert.equal(threadTitle({ messages: [{ type: 'ai', content: 'x' }, { type: 'human', content: [{ type: 'text', text: 'what is\nup' }] }] }), 'what is up');
  assert.equal(threadTitle({ topic: 'otters', outline: ['a'] }), 'topic: otters');
  assert.equal(threadTitle({}), undefined);
  assert.equal(threadTitle(null), undefined);
  const run = (kwargs: Record<string, unknown>) => ({ run_id: 'r', status: 'success', kwargs });
  assert.equal(runOrigin(run({ input: null, command: { resume: { decision: 'approve' } } })), 'resume');
  assert.equal(runLabel(run({ command: { resume: { decision: 'approve' } } })), 'Resume: {"decision":"approve"}');
  assert.equal(runOrigin(run({ input: null, config: { configurable: { checkpoint_id: 'c1' } } })), 'fork');
  assert.equal(runLabel(run({ input: null })), 'Continue');
  assert.equal(runLabel(run({ input: { messages: [{ role: 'user', content: 'hi' }] } })), '“hi”');
  assert.equal(runLabel(run({ input: {} })), 'Run');
  assert.equal(runLabel({ run_id: 'r', status: 'success' }), 'Run');
});
