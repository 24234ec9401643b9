// Node fingerprints (src/shared/nodeSpans.ts): what a run keeps of each node's code, so a later
// save can say which nodes changed since. Read from the real example graph and edits of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { changedNodes, nodeFingerprints } from '../../src/shared/nodeSpans';

const SIMPLE = readFileSync(resolve(__dirname, '..', '..', '..', 'examples', 'src', 'simple.ts'), 'utf8');

test('every node of the example has a fingerprint of 8 hex digits', () => {
  const fp = nodeFingerprints(SIMPLE, 'js');
  assert.deepEqual(Object.keys(fp).sort(), ['plan', 'research', 'review', 'write']);
  for (const v of Object.values(fp)) assert.match(v, /^[0-9a-f]{8}$/);
});

test('an edit inside a node’s function changes only that node’s fingerprint', () => {
  const edited = SIMPLE.replace('const found = state.outline.map((s, i) => `fact ${i + 1} on ${s}`);', 'const found = state.outline.map((s, i) => `FACT ${i + 1} on ${s}`);');
  assert.notEqual(edited, SIMPLE);
  assert.deepEqual(changedNodes(nodeFingerprints(SIMPLE, 'js'), nodeFingerprints(edited, 'js')), ['research']);
  // A string's contents are code (a prompt); a number too.
  const slower = SIMPLE.replace('await sleep(50);\n  const approved', 'await sleep(60);\n  const approved');
  assert.deepEqual(changedNodes(nodeFingerprints(SIMPLE, 'js'), nodeFingerprints(slower, 'js')), ['review']);
});

test('whitespace, new lines and comments change nothing', () => {
  const reformatted = SIMPLE.replace('const draft = `', '// a comment\n    /* and another */   const   draft =   `').replace('return { notes: found };', 'return {\n    notes: found, // the facts\n  };'.replace(',', ''));
  assert.notEqual(reformatted, SIMPLE);
  assert.deepEqual(changedNodes(nodeFingerprints(SIMPLE, 'js'), nodeFingerprints(reformatted, 'js')), []);
});

test('an inline arrow node, and a node added or removed', () => {
  const a = 'const g = new StateGraph(S)\n  .addNode("one", async (s) => ({ x: 1 }))\n  .addNode("two", two);\nfunction two(s) { return { y: 2 }; }\n';
  const b = a.replace('x: 1', 'x: 2');
  assert.deepEqual(changedNodes(nodeFingerprints(a, 'js'), nodeFingerprints(b, 'js')), ['one']);
  const c = a.replace('return { y: 2 }', 'return { y: 3 }');
  assert.deepEqual(changedNodes(nodeFingerprints(a, 'js'), nodeFingerprints(c, 'js')), ['two']);
  const d = a.replace('  .addNode("two", two);', '  .addNode("two", two)\n  .addNode("three", two);');
  assert.deepEqual(changedNodes(nodeFingerprints(a, 'js'), nodeFingerprints(d, 'js')), ['three']);
  assert.deepEqual(changedNodes(nodeFingerprints(d, 'js'), nodeFingerprints(a, 'js')), ['three']);
});

test('Python: add_node(fn) and add_node("name", fn); comments and blank lines change nothing', () => {
  const py = [
    'def plan(state):',
    '    """Plan it."""',
    '    return {"x": 1}',
    '',
    'def act(state):',
    '    return {"y": 1}',
    '',
    'g = StateGraph(S)',
    'g.add_node(plan)',
    'g.add_node("act", act)',
    '',
  ].join('\n');
  const fp = nodeFingerprints(py, 'python');
  assert.deepEqual(Object.keys(fp).sort(), ['act', 'plan']);
  assert.deepEqual(changedNodes(fp, nodeFingerprints(py.replace('{"x": 1}', '{"x": 2}'), 'python')), ['plan']);
  assert.deepEqual(changedNodes(fp, nodeFingerprints(py.replace('    return {"y": 1}', '    # why\n\n    return {"y": 1}  # the answer'), 'python')), []);
});
