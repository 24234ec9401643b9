// The debugger's pure parts: read-only paths and conditions over the state (never eval), node
// spans of a graph's source for line breakpoints, breakpoints resolved against the graph, paged
// variables and message previews.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalCondition, parseCondition, parseHitCondition, parsePath, readPath, truthy, PathError } from '../../src/shared/valuePath';
import { nodesAtLine } from '../../src/debug/sourceMap';
import { Breakpoints } from '../../src/debug/breakpoints';
import { VariableStore, preview, withValue, parseValue } from '../../src/debug/variables';
import { framesOf } from '../../src/debug/frames';

const state = {
  messages: [{ type: 'human', content: 'hi there' }, { type: 'ai', content: 'hello', name: 'plan' }],
  documents: ['a', 'b', 'c'],
  'odd key': { x: 1 },
  ticks: 3,
  last_step: 'crunch',
};

test('paths read the state, negative indexes from the end, length of lists and strings', () => {
  const r = (p: string) => readPath(state, parsePath(p));
  assert.deepEqual(r('messages[-1].content'), { ok: true, value: 'hello' });
  assert.deepEqual(r('documents.length'), { ok: true, value: 3 });
  assert.deepEqual(r('["odd key"].x'), { ok: true, value: 1 });
  assert.deepEqual(r('last_step.length'), { ok: true, value: 6 });
  assert.deepEqual(r(''), { ok: true, value: state });
  assert.deepEqual(r('documents[5]'), { ok: false, reason: 'documents has 3 items: no index 5' });
  assert.deepEqual(r('nope'), { ok: false, reason: 'the state has no key "nope"' });
  assert.deepEqual(r('ticks.x'), { ok: false, reason: 'ticks is number: no key "x"' });
  assert.throws(() => parsePath('messages[foo]'), PathError);
  assert.throws(() => parsePath('a b'), PathError);
  // Nothing is evaluated: an expression is a syntax error, not code.
  assert.throws(() => parsePath('process.exit(1)'), PathError);
});

test('conditions compare paths with literals, joined with && || !; nothing is evaluated', () => {
  const c = (t: string) => evalCondition(parseCondition(t), state);
  assert.equal(c('ticks == 3'), true);
  assert.equal(c('ticks > 3'), false);
  assert.equal(c('ticks >= 3 && last_step == "crunch"'), true);
  assert.equal(c("last_step != 'crunch' || documents.length < 4"), true);
  assert.equal(c('!(ticks === 3)'), false);
  assert.equal(c('missing == null'), true);
  assert.equal(c('messages[-1].name == "plan"'), true);
  assert.equal(truthy(c('documents')), true, 'a non-empty list is true');
  assert.equal(truthy(c('messages[5]')), false, 'a missing item is false');
  assert.equal(c('"3" == 3'), false, 'no type coercion');
  assert.throws(() => parseCondition('ticks >'), /ends too early/);
  assert.throws(() => parseCondition('ticks = 3'), PathError);
  assert.throws(() => parseCondition('(() => 1)()'), PathError);
});

test('hit counts: N is the Nth hit only, >= N from the Nth, % N every Nth', () => {
  const hits = (t: string) => [1, 2, 3, 4, 5, 6].filter((h) => parseHitCondition(t).test(h));
  assert.deepEqual(hits('3'), [3]);
  assert.deepEqual(hits('>= 5'), [5, 6]);
  assert.deepEqual(hits('% 2'), [2, 4, 6]);
  assert.deepEqual(hits('< 2'), [1]);
  assert.throws(() => parseHitCondition('often'), /write a number/);
  assert.throws(() => parseHitCondition('% 0'), /at least 1/);
});

const TS = `import { StateGraph } from "@langchain/langgraph";
// a comment
const plan = async (state) => {
  const x = 1;
  return { x };
};
function write(state) {
  return { y: 2 };
}
export const graph = new StateGraph(State)
  .addNode("plan", plan)
  .addNode("write", write)
  .addNode("inline", async (s) => {
    return { z: 3 };
  })
  .addNode("shared_a", write)
  .compile();
`;

test('a line maps to the node whose addNode call or function body holds it (TS)', () => {
  const at = (line1: number) => nodesAtLine(TS, line1 - 1, 'js');
  assert.deepEqual(at(2), [], 'a comment is in no node');
  assert.deepEqual(at(4), ['plan'], 'inside plan\'s body');
  assert.deepEqual(at(3), ['plan'], 'plan\'s first line');
  assert.deepEqual(at(8).sort(), ['shared_a', 'write'], 'one function, two nodes: both');
  assert.deepEqual(at(11), ['plan'], 'the addNode line');
  assert.deepEqual(at(14), ['inline'], 'inside an inline function');
  assert.deepEqual(at(10), [], 'the StateGraph line is in no node');
});

const PY = `from langgraph.graph import StateGraph

def plan(state):
    """Plan it."""
    x = 1

    return {"x": x}

def other(state):
    return {}

builder = StateGraph(State)
builder.add_node("plan", plan)
builder.add_node(other)
`;

test('a line maps to the node whose def body holds it (Python, add_node(fn) named after the function)', () => {
  const at = (line1: number) => nodesAtLine(PY, line1 - 1, 'python');
  assert.deepEqual(at(5), ['plan']);
  assert.deepEqual(at(7), ['plan'], 'after a blank line, still in the body');
  assert.deepEqual(at(10), ['other']);
  assert.deepEqual(at(14), ['other'], 'add_node(other)');
  assert.deepEqual(at(12), []);
});

test('breakpoints resolve against the graph: root nodes, subgraph nodes pause before their root node, unknown names say which exist', () => {
  const b = new Breakpoints();
  b.graph = { graphId: 'subgraph', root: ['prepare', 'child', 'finalize'], nested: ['child:child_step', 'child:grandchild', 'child:child_done'] };
  const out = b.setFunctionBreakpoints([{ name: 'finalize' }, { name: 'child_step' }, { name: 'child:grandchild:deep_step' }, { name: 'nope' }, { name: 'prepare', condition: 'ticks >' }]);
  assert.deepEqual(out.map((r) => r.verified), [true, true, true, false, false]);
  assert.match(out[1].message!, /Stops before child, the root node that runs child:child_step/);
  assert.match(out[3].message!, /No node "nope" in graph "subgraph"\. Its nodes: prepare, child, finalize, child:child_step/);
  assert.match(out[4].message!, /^Condition: /);
  assert.deepEqual(b.rootNodes().sort(), ['child', 'finalize']);
  const hit = b.hitsAt(['child'], {});
  assert.deepEqual(hit.ids, [out[1].id, out[2].id]);
});

test('variables: long lists come in pages, messages preview as role: text, Set Value copies along the path', () => {
  const big = Array.from({ length: 10_000 }, (_, i) => ({ type: i % 2 ? 'ai' : 'human', content: `message ${i}` }));
  const vars = new VariableStore();
  const scope = vars.scope('State', { value: { messages: big }, path: [], scope: 'state', editable: true });
  const [messages] = vars.children(scope.variablesReference);
  assert.equal(messages.indexedVariables, 10_000);
  assert.equal(messages.value, '10000 messages, last ai: "message 9999"');
  const page = vars.children(messages.variablesReference, 9_900, 100);
  assert.equal(page.length, 100);
  assert.equal(page[0].name, '9900');
  assert.equal(page[0].value, 'human: "message 9900"');
  assert.equal(page[0].evaluateName, 'messages[9900]');
  assert.equal(preview('x'.repeat(500)).length <= 122, true, 'long text is cut');
  const orig = { a: { b: [1, 2, 3] } };
  assert.deepEqual(withValue(orig, ['a', 'b', 1], 9), { a: { b: [1, 9, 3] } });
  assert.deepEqual(orig, { a: { b: [1, 2, 3] } }, 'the original is unchanged');
  assert.equal(parseValue('not json').ok, false);
  assert.deepEqual(parseValue('"done"'), { ok: true, value: 'done' });
});

test('frames: an interrupt inside a subgraph comes first, then the root task that runs it', () => {
  const frames = framesOf({
    values: {}, next: ['child', 'other'],
    tasks: [
      { id: 'o', name: 'other', interrupts: [] },
      { id: 'c', name: 'child', interrupts: [], state: { values: { inner: 1 }, next: ['deep'], tasks: [{ id: 'd', name: 'deep', interrupts: [{ value: 'ok?' }] }] } },
    ],
  });
  assert.deepEqual(frames.map((f) => `${f.ns.join(':')}/${f.node}/${f.interrupted}`), ['child/deep/true', '/child/false', '/other/false']);
  assert.deepEqual(frames[0].state.values, { inner: 1 }, 'the subgraph frame reads the subgraph\'s state');
});
