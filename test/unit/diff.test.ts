// Readable diffs: added / removed / changed paths, messages matched by id, text diffs of long
// strings — and every diff replays exactly (applyChanges(a, diffValues(a, b)) equals b).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyChanges, deepEqual, diffValues, formatPath, textDiff, type Change } from '../../src/shared/diff';

const lines = (cs: Change[]) =>
  cs.map((c) =>
    c.kind === 'moved' ? `moved ${formatPath(c.path)} ${JSON.stringify(c.order)}`
    : `${c.kind} ${formatPath(c.path)}${c.index !== undefined ? `@${c.index}` : ''}${c.kind !== 'added' ? ` ${JSON.stringify(c.before)}` : ''}${c.kind !== 'removed' ? ` ${c.kind === 'changed' ? '-> ' : ''}${JSON.stringify(c.after)}` : ''}`,
  );

const h = (id: string | undefined, content: string, type = 'ai') => (id === undefined ? { type, content } : { id, type, content });

describe('diffValues', () => {
  const cases: { name: string; a: unknown; b: unknown; want: string[] }[] = [
    { name: 'equal values', a: { x: [1, { y: 2 }] }, b: { x: [1, { y: 2 }] }, want: [] },
    { name: 'key order does not matter', a: { x: 1, y: 2 }, b: { y: 2, x: 1 }, want: [] },
    { name: 'added, removed and changed keys', a: { keep: 1, gone: 'x', n: 1 }, b: { keep: 1, n: 2, fresh: true }, want: ['removed gone "x"', 'changed n 1 -> 2', 'added fresh true'] },
    { name: 'nested paths', a: { cfg: { model: { name: 'a', t: 0.1 } } }, b: { cfg: { model: { name: 'b', t: 0.1 } } }, want: ['changed cfg.model.name "a" -> "b"'] },
    { name: 'append to a list', a: { notes: ['a'] }, b: { notes: ['a', 'b', 'c'] }, want: ['added notes[1] "b"', 'added notes[2] "c"'] },
    { name: 'insert in the middle of a list', a: ['a', 'c'], b: ['a', 'b', 'c'], want: ['added [1] "b"'] },
    { name: 'remove from a list', a: [1, 2, 3], b: [1, 3], want: ['removed [1] 2'] },
    { name: 'replace a list item of the same shape: a change in place', a: [{ k: 1 }, { k: 2 }], b: [{ k: 1 }, { k: 3 }], want: ['changed [1].k 2 -> 3'] },
    { name: 'type change', a: { v: [1] }, b: { v: 'one' }, want: ['changed v [1] -> "one"'] },
    { name: 'null vs absent', a: { v: null }, b: {}, want: ['removed v null'] },
    {
      name: 'messages matched by id, not index: one removed at the front',
      a: { messages: [h('1', 'hi', 'human'), h('2', 'yo'), h('3', 'ok')] },
      b: { messages: [h('2', 'yo'), h('3', 'ok!')] },
      want: ['removed messages[id=1] {"id":"1","type":"human","content":"hi"}', 'changed messages[id=3].content "ok" -> "ok!"'],
    },
    {
      name: 'messages: a new one between old ones carries its position',
      a: { messages: [h('1', 'a'), h('3', 'c')] },
      b: { messages: [h('1', 'a'), h('2', 'b'), h('3', 'c')] },
      want: ['added messages[id=2]@1 {"id":"2","type":"ai","content":"b"}'],
    },
    {
      name: 'messages reordered',
      a: { messages: [h('1', 'a'), h('2', 'b'), h('3', 'c')] },
      b: { messages: [h('3', 'c'), h('1', 'a'), h('2', 'b')] },
      want: ['moved messages [2,0,1]'],
    },
    {
      name: 'an id-less message that got its id (a parallel branch at the end of its step)',
      a: { messages: [h('1', 'a'), h(undefined, 'branch')] },
      b: { messages: [h('1', 'a'), h('x9', 'branch')] },
      want: ['added messages[1].id "x9"'],
    },
    {
      name: 'tool calls are keyed by id too',
      a: { tool_calls: [{ id: 'c1', name: 'calc', args: { a: 1 } }] },
      b: { tool_calls: [{ id: 'c1', name: 'calc', args: { a: 2 } }, { id: 'c2', name: 'lookup', args: {} }] },
      want: ['changed tool_calls[id=c1].args.a 1 -> 2', 'added tool_calls[id=c2]@1 {"id":"c2","name":"lookup","args":{}}'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = diffValues(c.a, c.b);
      assert.deepEqual(lines(d), c.want);
      assert.deepEqual(applyChanges(c.a, d), c.b);
    });
  }

  test('a long string change carries a word diff', () => {
    const a = 'The quick brown fox jumps over the lazy dog while the farmer watches from the old wooden porch.';
    const b = 'The quick red fox jumps over the lazy dog while the farmer watches from the old wooden porch!';
    const [c] = diffValues({ draft: a }, { draft: b });
    assert.equal(c.kind, 'changed');
    assert.deepEqual(c.text?.filter((p) => p.op !== 'equal').map((p) => `${p.op}:${p.text}`), ['delete:brown', 'insert:red', 'delete:.', 'insert:!']);
    // Replaying the text parts gives the new string.
    assert.equal(c.text!.filter((p) => p.op !== 'delete').map((p) => p.text).join(''), b);
  });

  test('multi-line text gets a line diff; short strings none', () => {
    const t = textDiff('# T\n\nline one\nline two\n', '# T\n\nline one\nline 2\nline three\n')!;
    assert.deepEqual(t.filter((p) => p.op !== 'equal').map((p) => `${p.op}:${p.text}`), ['delete:line two\n', 'insert:line 2\nline three\n']);
    assert.equal(textDiff('short', 'shorter'), undefined);
  });

  test('formatPath', () => {
    assert.equal(formatPath(['messages', { id: 'abc' }, 'content']), 'messages[id=abc].content');
    assert.equal(formatPath(['notes', 2]), 'notes[2]');
    assert.equal(formatPath(['odd key']), '["odd key"]');
    assert.equal(formatPath([]), '(root)');
  });
});

// ---- properties --------------------------------------------------------------------------

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), tie('arr'), tie('obj'), tie('msgs')),
  arr: fc.array(tie('value'), { maxLength: 5 }),
  obj: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'content', 'id', 'x'), tie('value'), { maxKeys: 4 }),
  // Message-like lists: unique ids from a small pool (so the two sides share some), some id-less.
  msgs: fc.uniqueArray(fc.record({ id: fc.option(fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5'), { nil: undefined }), type: fc.constantFrom('ai', 'human'), content: fc.string({ maxLength: 5 }) }), {
    maxLength: 5,
    selector: (m) => m.id ?? Math.random(),
  }).map((ms) => ms.map((m) => (m.id === undefined ? { type: m.type, content: m.content } : m))),
}));

describe('diff properties', () => {
  test('applyChanges(a, diffValues(a, b)) equals b, for any two values', () => {
    fc.assert(fc.property(json.value, json.value, (a, b) => deepEqual(applyChanges(a, diffValues(a, b)), b)), { numRuns: 2000 });
  });
  test('for message lists that share ids (reorders, removals, id assignment)', () => {
    fc.assert(fc.property(json.msgs, json.msgs, (a, b) => deepEqual(applyChanges({ messages: a }, diffValues({ messages: a }, { messages: b })), { messages: b })), { numRuns: 2000 });
  });
  test('no changes exactly when the values are equal', () => {
    fc.assert(fc.property(json.value, json.value, (a, b) => (diffValues(a, b).length === 0) === deepEqual(a, b)), { numRuns: 2000 });
  });
});
