// Go to Node Source, the reading part: from a node's name to its function, on the example graphs'
// real files (examples/src) and on Python written the ways LangGraph allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { definitionOffset, graphFiles, langOf, lineCol, locateNode, maskCode, nodeCalls } from '../../src/shared/nodeSourceParse';

const ROOT = resolve(__dirname, '..', '..', '..');
const EXAMPLES = join(ROOT, 'examples');
const config = JSON.parse(readFileSync(join(EXAMPLES, 'langgraph.json'), 'utf8'));
const source = (graphId: string) => {
  const [g] = graphFiles(config, graphId);
  assert.ok(g, `langgraph.json has no graph ${graphId}`);
  return readFileSync(join(EXAMPLES, g.file), 'utf8');
};
/** The line that starts with `prefix` (the test's own oracle: a plain line search). */
const lineStarting = (text: string, prefix: string) => {
  const i = text.split('\n').findIndex((l) => l.startsWith(prefix));
  assert.ok(i >= 0, `no line starts with ${prefix}`);
  return i;
};
const at = (text: string, loc: { offset: number } | undefined) => {
  assert.ok(loc, 'not found');
  return lineCol(text, loc.offset);
};

test('langgraph.json: every example graph names a TypeScript file', () => {
  const files = graphFiles(config);
  assert.deepEqual(files.map((f) => f.graphId), Object.keys(config.graphs));
  for (const f of files) assert.match(f.file, /^\.\/src\/\w+\.ts$/);
  assert.deepEqual(graphFiles({ graphs: { a: { path: './agent.py:graph' }, b: 3 } }), [{ graphId: 'a', file: './agent.py' }]);
  assert.deepEqual(graphFiles({ graphs: { a: './x.ts' } }), [{ graphId: 'a', file: './x.ts' }]);
  assert.deepEqual(graphFiles(null), []);
});

test('simple: each node lands on its function, not on addNode', () => {
  const text = source('simple');
  for (const node of ['plan', 'research', 'write', 'review']) {
    const loc = locateNode(text, node, 'js');
    assert.equal(loc?.kind, 'definition', node);
    assert.equal(loc?.symbol, node);
    const { line, character } = at(text, loc);
    assert.equal(line, lineStarting(text, `const ${node} = `), node);
    assert.equal(character, 'const '.length, 'the cursor is on the name');
    assert.equal(lineCol(text, loc!.callOffset!).line, text.split('\n').findIndex((l) => l.includes(`.addNode("${node}"`)));
  }
});

test('agent: a function of another name; a ToolNode made in the call', () => {
  const text = source('agent');
  const agent = locateNode(text, 'agent', 'js');
  assert.equal(agent?.symbol, 'callModel');
  assert.equal(at(text, agent).line, lineStarting(text, 'const callModel = '));
  // `new ToolNode(tools)`: ToolNode comes from a package, so the call itself is the answer.
  const tools = locateNode(text, 'tools', 'js');
  assert.equal(tools?.kind, 'call');
  assert.equal(text.slice(tools!.symbolOffset, tools!.symbolOffset! + 8), 'ToolNode');
  assert.equal(at(text, tools).line, text.split('\n').findIndex((l) => l.includes('.addNode("tools"')));
});

test('parallel: nodes made by a factory land on the factory; interrupt and subgraph nodes', () => {
  const parallel = source('parallel');
  const web = locateNode(parallel, 'fetch_web', 'js');
  assert.equal(web?.kind, 'definition');
  assert.equal(web?.symbol, 'branch');
  assert.equal(at(parallel, web).line, lineStarting(parallel, 'function branch('));
  assert.equal(at(parallel, locateNode(parallel, 'merge', 'js')).line, lineStarting(parallel, 'const merge = '));

  const interrupt = source('interrupt');
  assert.equal(at(interrupt, locateNode(interrupt, 'human_review', 'js')).line, lineStarting(interrupt, 'const human_review = '));

  // Inline functions: the cursor goes to the function written in the call.
  const sub = source('subgraph');
  const prepare = locateNode(sub, 'prepare', 'js');
  assert.equal(prepare?.kind, 'inline');
  const line = sub.split('\n')[at(sub, prepare).line];
  assert.match(line.slice(at(sub, prepare).character), /^async \(\) =>/);
  // A subgraph node: its compiled graph's definition.
  assert.equal(at(sub, locateNode(sub, 'child', 'js')).line, lineStarting(sub, 'const child = '));
  // Nodes of nested graphs in the same file are found too.
  assert.equal(locateNode(sub, 'deep_step', 'js')?.kind, 'inline');
});

test('slow: nodes added in a loop are found where their name is written', () => {
  const text = source('slow');
  const loc = locateNode(text, 'crunch', 'js');
  assert.equal(loc?.kind, 'mention');
  assert.match(text.split('\n')[at(text, loc).line], /\["crunch", \d+\]/);
  assert.equal(locateNode(text, 'no_such_node', 'js'), undefined);
});

test('every example graph lists its literal node names, none from comments', () => {
  for (const { graphId } of graphFiles(config)) {
    const text = source(graphId);
    const names = nodeCalls(text, 'js').map((c) => c.name);
    const literal = [...text.matchAll(/\.addNode\(\s*"(\w+)"/g)].map((m) => m[1]);
    assert.deepEqual(names, literal, graphId);
  }
});

test('multi-line calls, comments and strings', () => {
  const text = [
    '// .addNode("commented", nope)',
    '/* .addNode("blocked", nope) */',
    'const s = ".addNode(\\"quoted\\", nope)";',
    'const fn = async (state) => ({});',
    'export async function other(state) { return {}; }',
    'const g = new StateGraph(S)',
    '  .addNode(',
    '    "multi",',
    '    fn,',
    '    { ends: ["x"] },',
    '  )',
    '  .addNode("typed", other as any)',
    '  .addNode(`tpl`, other);',
  ].join('\n');
  assert.deepEqual(nodeCalls(text, 'js').map((c) => c.name), ['multi', 'typed', 'tpl']);
  assert.equal(at(text, locateNode(text, 'multi', 'js')).line, 3);
  assert.deepEqual(at(text, locateNode(text, 'tpl', 'js')), { line: 4, character: 'export async function '.length });
  // `other as any` is not a plain reference: the call is where it goes.
  assert.equal(locateNode(text, 'typed', 'js')?.kind, 'call');
  assert.equal(locateNode(text, 'commented', 'js'), undefined);
  assert.equal(locateNode(text, 'quoted', 'js'), undefined);
});

const PY = `"""A graph.

builder.add_node("docstring", nope)
"""
from langgraph.graph import StateGraph
from . import nodes


def retrieve(state: State) -> dict:
    return {"docs": []}


async def grade(state):
    # add_node("commented", nope)
    return {}


class Planner:
    def plan(self, state):
        return {}


def plan(state):
    return {}


summarize = make_summarizer(model)

builder = StateGraph(State)
builder.add_node(retrieve)
builder.add_node("grade_documents", grade)
builder.add_node(
    "planner",
    plan,
    retry_policy=RetryPolicy(max_attempts=3),
)
builder.add_node("summary", summarize)
builder.add_node(nodes.rewrite)
builder.add_node(node="kw", action=grade)
builder.add_node("inline", lambda s: {"x": 1})
graph = builder.compile()
`;

test('Python: add_node(fn), add_node("x", fn), keywords, multi-line, docstrings and comments', () => {
  const line = (prefix: string) => lineStarting(PY, prefix);
  assert.deepEqual(nodeCalls(PY, 'python').map((c) => c.name), ['retrieve', 'grade_documents', 'planner', 'summary', 'rewrite', 'kw', 'inline']);
  assert.deepEqual(at(PY, locateNode(PY, 'retrieve', 'python')), { line: line('def retrieve('), character: 'def '.length });
  assert.deepEqual(at(PY, locateNode(PY, 'grade_documents', 'python')), { line: line('async def grade('), character: 'async def '.length });
  // The module-level `def plan`, not the method of the same name.
  assert.equal(at(PY, locateNode(PY, 'planner', 'python')).line, line('def plan('));
  assert.equal(at(PY, locateNode(PY, 'summary', 'python')).line, line('summarize = '));
  assert.equal(at(PY, locateNode(PY, 'kw', 'python')).line, line('async def grade('));
  // Imported: not defined here, so the add_node call.
  const rewrite = locateNode(PY, 'rewrite', 'python');
  assert.equal(rewrite?.kind, 'call');
  assert.equal(rewrite?.symbol, 'rewrite');
  assert.equal(at(PY, rewrite).line, line('builder.add_node(nodes.rewrite)'));
  assert.equal(PY.slice(rewrite!.symbolOffset, rewrite!.symbolOffset! + 'rewrite'.length), 'rewrite');
  assert.equal(locateNode(PY, 'inline', 'python')?.kind, 'inline');
  assert.equal(locateNode(PY, 'docstring', 'python'), undefined);
  assert.equal(locateNode(PY, 'commented', 'python'), undefined);
});

test('definitions: the name, not a keyword that contains it', () => {
  const text = 'async function as() {}\nconst func = 1;\nfunction fun() {}';
  assert.deepEqual(lineCol(text, definitionOffset(text, 'as', 'js')!), { line: 0, character: 'async function '.length });
  assert.deepEqual(lineCol(text, definitionOffset(text, 'fun', 'js')!), { line: 2, character: 'function '.length });
  assert.equal(definitionOffset(text, 'missing', 'js'), undefined);
});

test('maskCode keeps offsets and newlines', () => {
  const text = 'a = "x\\"y" # c\n"""doc\nmore"""\nb';
  const m = maskCode(text, 'python');
  assert.equal(m.length, text.length);
  assert.deepEqual([...m].map((c, i) => (c === '\n' ? i : -1)).filter((i) => i >= 0), [...text].map((c, i) => (c === '\n' ? i : -1)).filter((i) => i >= 0));
  assert.ok(!m.includes('doc') && !m.includes('# c') && m.endsWith('\nb'));
  assert.equal(langOf('src/agent/graph.py'), 'python');
  assert.equal(langOf('src/agent.ts'), 'js');
});
