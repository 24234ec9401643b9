// The state layer: the persistent vector, LangGraph's messages reducer on it, schema hints,
// reducer inference and reconciliation with the server's values.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  IdIndex, PVec, REMOVE_ALL_MESSAGES, Reducers, applyWrites, coerceMessage, fromPlain, inferReducer, materialize, mergeMessages, reconcile, reducersFromSchema,
  type ApplyContext,
} from '../../src/shared/state';

function ctx(hints = {}): ApplyContext {
  const idx = new Map<string, IdIndex>();
  return { reducers: new Reducers(hints), index: (k) => idx.get(k) ?? (idx.set(k, new IdIndex()), idx.get(k)!) };
}

describe('PVec', () => {
  test('behaves like an array under push and set, and old versions stay intact', () => {
    const op = fc.oneof(fc.record({ push: fc.integer() }), fc.record({ set: fc.nat(), v: fc.integer() }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 1200 }), (ops) => {
        let v = PVec.empty<number>();
        let arr: number[] = [];
        const versions: [PVec<number>, number[]][] = [];
        for (const o of ops) {
          if ('push' in o) {
            v = v.push(o.push);
            arr = [...arr, o.push];
          } else if (arr.length) {
            const i = o.set % arr.length;
            v = v.set(i, o.v);
            arr = arr.slice();
            arr[i] = o.v;
          }
          if (versions.length < 20 && ops.length % 7 === versions.length) versions.push([v, arr]);
        }
        assert.equal(v.size, arr.length);
        assert.deepEqual(v.toArray(), arr);
        for (let i = 0; i < arr.length; i += 37) assert.equal(v.get(i), arr[i]);
        for (const [pv, pa] of versions) assert.deepEqual(pv.toArray(), pa);
      }),
      { numRuns: 200 },
    );
  });

  test('commonPrefix: where two versions first differ', () => {
    const a = PVec.from(Array.from({ length: 2000 }, (_, i) => ({ i })));
    const b = a.push({ i: -1 }).push({ i: -2 });
    assert.equal(PVec.commonPrefix(a, b), 2000);
    assert.equal(PVec.commonPrefix(b, a), 2000);
    assert.equal(PVec.commonPrefix(a, a.set(1234, { i: 1234 })), 1234); // by reference: an equal copy differs
    assert.equal(PVec.commonPrefix(a, a.set(1999, a.get(1999)!)), 2000);
  });

  test('commonPrefix is where the arrays first differ by reference, for versions of one history', () => {
    // Two vectors grown from a shared one (pushes and sets on each side, across trie levels): the
    // walk that skips shared subtrees agrees with comparing the arrays element by element.
    const op = fc.oneof(fc.record({ push: fc.nat(40) }), fc.record({ set: fc.nat() }));
    const objs = Array.from({ length: 41 }, (_, i) => ({ i }));
    const grow = (v: PVec<object>, ops: ({ push: number } | { set: number })[]) => {
      for (const o of ops) {
        if ('push' in o) v = v.push(objs[o.push]);
        else if (v.size) v = v.set(o.set % v.size, { i: -1 });
      }
      return v;
    };
    fc.assert(
      fc.property(fc.nat(1500), fc.array(op, { maxLength: 1200 }), fc.array(op, { maxLength: 1200 }), (n, oa, ob) => {
        const base = PVec.from(Array.from({ length: n }, (_, i) => objs[i % 41]));
        const a = grow(base, oa);
        const b = grow(base, ob);
        const xa = a.toArray();
        const xb = b.toArray();
        let want = 0;
        while (want < Math.min(xa.length, xb.length) && xa[want] === xb[want]) want++;
        assert.equal(PVec.commonPrefix(a, b), want);
        assert.equal(PVec.commonPrefix(b, a), want);
      }),
      { numRuns: 300 },
    );
  });

  test('an append shares everything before it (no copy of the list per message)', () => {
    const msgs = Array.from({ length: 5000 }, (_, i) => ({ id: `m${i}`, type: 'ai', content: String(i) }));
    const c = ctx();
    const s1 = fromPlain({ messages: msgs, title: 'x' }, c);
    const s2 = applyWrites(s1, { messages: [{ id: 'new', type: 'ai', content: 'hi' }] }, c);
    assert.equal(s2.title, s1.title);
    const v1 = s1.messages as PVec;
    const v2 = s2.messages as PVec;
    assert.equal(PVec.commonPrefix(v1, v2), 5000);
    assert.equal(v2.get(4999), v1.get(4999)); // the same object, not a copy
  });
});

/** LangGraph's messagesStateReducer on plain arrays, as the reference (ids present). */
function reference(left: Record<string, unknown>[], right: Record<string, unknown>[]): Record<string, unknown>[] {
  const removeAll = right.map((m) => m.type === 'remove' && m.id === REMOVE_ALL_MESSAGES).lastIndexOf(true);
  if (removeAll >= 0) return right.slice(removeAll + 1);
  const merged = [...left];
  const byId = new Map(merged.map((m, i) => [m.id, i]));
  const remove = new Set<unknown>();
  for (const m of right) {
    const at = byId.get(m.id);
    if (at !== undefined) {
      if (m.type === 'remove') remove.add(m.id);
      else {
        remove.delete(m.id);
        merged[at] = m;
      }
    } else if (m.type !== 'remove') {
      byId.set(m.id, merged.length);
      merged.push(m);
    }
  }
  return merged.filter((m) => !remove.has(m.id));
}

describe('messages reducer', () => {
  const msg = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', REMOVE_ALL_MESSAGES), type: fc.constantFrom('ai', 'human', 'remove', 'remove'), content: fc.string({ maxLength: 3 }) });
  test('matches the reference for any sequence of writes (append, replace by id, remove, remove all)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(msg, { maxLength: 4 }), { maxLength: 12 }), (writes) => {
        const idx = new IdIndex();
        let vec: PVec = PVec.empty();
        let ref: Record<string, unknown>[] = [];
        for (const w of writes) {
          const ok = w.filter((m) => m.id !== REMOVE_ALL_MESSAGES || m.type === 'remove');
          vec = mergeMessages(vec, ok, idx);
          ref = reference(ref, ok);
          assert.deepEqual(vec.toArray(), ref);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('a single message (not a list) is appended; an id-less one stays id-less', () => {
    const v = mergeMessages(undefined, { type: 'ai', content: 'x' }, new IdIndex());
    assert.deepEqual(v.toArray(), [{ type: 'ai', content: 'x' }]);
  });

  test('a message carrying the id of an id-less one it equals takes its place (subgraph output)', () => {
    const idx = new IdIndex();
    let v = mergeMessages(undefined, [{ role: 'user', content: 'go' }], idx);
    v = mergeMessages(v, [{ id: 'h1', type: 'human', content: 'go', additional_kwargs: {}, response_metadata: {} }, { id: 'a1', type: 'ai', content: 'ok' }], idx);
    assert.deepEqual(v.toArray().map((m) => (m as { id?: string }).id), ['h1', 'a1']);
  });

  test('coerceMessage: input shapes become stored shapes; chunks become messages', () => {
    assert.deepEqual(coerceMessage({ role: 'user', content: 'hi' }), { additional_kwargs: {}, response_metadata: {}, content: 'hi', type: 'human' });
    assert.deepEqual(coerceMessage(['assistant', 'yo']), { content: 'yo', additional_kwargs: {}, response_metadata: {}, type: 'ai' });
    assert.deepEqual(coerceMessage('plain'), { content: 'plain', additional_kwargs: {}, response_metadata: {}, type: 'human' });
    assert.deepEqual(coerceMessage({ id: 'r1', type: 'ai', content: '', tool_call_chunks: [{ id: 'c' }], tool_calls: [] }), { id: 'r1', type: 'ai', content: '', tool_calls: [] });
    assert.deepEqual(coerceMessage({ id: 'r2', type: 'AIMessageChunk', content: 'x' }), { id: 'r2', type: 'ai', content: 'x' });
    const stored = { id: 'x', type: 'tool', content: 'ok' };
    assert.equal(coerceMessage(stored), stored);
  });
});

describe('reducers', () => {
  test('schema: lists of BaseMessage are message channels; other keys stay undeclared', () => {
    const schema = {
      state_schema: {
        properties: {
          messages: { type: 'array', items: { $ref: '#/definitions/BaseMessage<MessageStructure<MessageToolSet>,MessageType>' } },
          history: { type: 'array', items: { $ref: '#/definitions/BaseMessage' } },
          notes: { type: 'array', items: { type: 'string' } },
          total: { type: 'number', 'x-reducer': 'sum' },
          topic: { type: 'string' },
        },
      },
    };
    assert.deepEqual(reducersFromSchema(schema), { messages: 'messages', history: 'messages', total: 'sum' });
    const r = new Reducers(reducersFromSchema(schema));
    assert.equal(r.kindOf('history'), 'messages');
    assert.equal(r.kindOf('notes'), 'overwrite');
    assert.equal(r.declared('notes'), false);
  });

  test('hinted append, union and sum', () => {
    const c = ctx({ log: 'append', tags: 'union', n: 'sum' });
    let s = fromPlain({ log: ['a'], tags: ['x'], n: 1, other: 1 }, c);
    s = applyWrites(s, { log: ['a', 'b'], tags: ['x', 'y'], n: 4, other: 2 }, c);
    assert.deepEqual(materialize(s), { log: ['a', 'a', 'b'], tags: ['x', 'y'], n: 5, other: 2 });
  });

  test('inferReducer: which custom reducer explains the server’s value', () => {
    assert.equal(inferReducer(['a'], [['b'], ['c']], ['a', 'b', 'c']), 'union');
    assert.equal(inferReducer(['a'], [['a']], ['a', 'a']), 'append');
    assert.equal(inferReducer(['a'], [['a', 'b']], ['a', 'b']), 'union');
    assert.equal(inferReducer(1, [5, 7], 13), 'sum');
    assert.equal(inferReducer(1, [5], 5), null);
    assert.equal(inferReducer(['a'], [['b']], ['b', 'a']), null);
    assert.equal(inferReducer(['a'], [['b']], ['a', 'b'], 'union'), 'append');
  });
});

describe('reconcile', () => {
  test('id-less messages adopt the server’s ids without counting as a disagreement', () => {
    const c = ctx();
    const mine = { type: 'ai', content: 'branch' };
    const s = applyWrites(fromPlain({ messages: [{ id: '1', type: 'human', content: 'q' }] }, c), { messages: [mine] }, c);
    const r = reconcile(s, { messages: [{ id: '1', type: 'human', content: 'q' }, { id: 'srv', type: 'ai', content: 'branch' }] }, c);
    assert.deepEqual(r.differing, []);
    assert.deepEqual(r.adopt.get(mine), { id: 'srv', type: 'ai', content: 'branch' });
    assert.deepEqual((materialize(r.state).messages as { id: string }[]).map((m) => m.id), ['1', 'srv']);
  });

  test('a wrong value, a missing key and an extra key all disagree; partial truth only checks its keys', () => {
    const c = ctx();
    const s = fromPlain({ a: 1, b: [1, 2], extra: true, messages: [] }, c);
    assert.deepEqual(reconcile(s, { a: 2, b: [1, 2], messages: [], more: 'x' }, c).differing.sort(), ['a', 'extra', 'more']);
    assert.deepEqual(reconcile(s, { a: 1 }, c, true).differing, []);
  });

  test('agreeing parts keep their identity (views skip them by reference)', () => {
    const c = ctx();
    const s = fromPlain({ big: { deep: [1, 2, 3] }, n: 1 }, c);
    const r = reconcile(s, { big: { deep: [1, 2, 3] }, n: 2 }, c);
    assert.equal(r.state.big, s.big);
    assert.deepEqual(r.differing, ['n']);
  });
});
