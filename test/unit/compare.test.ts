// Comparing two runs (src/shared/compare) on runs recorded from the real dev server
// (test/fixtures/recordings): the same graph and input recorded twice, the agent taking its other
// branch, a wider fan-out; and on recordings edited the way another run would differ (a node run
// twice, a node that fails midway, a different write), each edit said where it is made.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRecording, type Recording } from '../../src/shared/recording';
import type { RunEvent } from '../../src/shared/events';
import { RunModel, type ModelExtras } from '../../src/shared/runModel';
import { formatPath, type Change } from '../../src/shared/diff';
import { modelFromRecording } from '../../src/cli/show';
import { DEFAULT_IGNORES, IgnoreMatcher, IgnorePatternError, canonical, compareRuns, contextFor, digestRun, normalize, parsePattern, type Comparison } from '../../src/shared/compare';

const DIR = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings');

function load(name: string): Recording {
  return parseRecording(readFileSync(join(DIR, `${name}.jsonl`), 'utf8'));
}
const model = (name: string) => modelFromRecording(load(name));

/**
 * A model of edited events, without the recorder's history and final state (they would tell the
 * unedited run); `notes` concatenates, as the `simple` graph declares (the history taught it).
 */
function bare(rec: Recording, events: RunEvent[]): RunModel {
  const m = RunModel.from(events, { input: rec.header.input, extras: { schemas: (rec.header.extras as ModelExtras).schemas }, reducers: { notes: 'append' } });
  m.end();
  return m;
}

/** Rows as `kind node#occurrence`, and `sA→sB` when both ran. */
function rows(c: Comparison): string[] {
  return c.rows.map((r) => `${r.kind} ${r.path ? r.path + ' › ' : ''}${r.node}#${r.occurrence}${r.a && r.b ? ` s${r.a.step}→s${r.b.step}` : ''}`);
}
const paths = (cs: Change[] | undefined) => (cs ?? []).map((c) => `${c.kind} ${formatPath(c.path)}`);

describe('ignore patterns', () => {
  test('paths parse to segments; brackets are indices or *', () => {
    assert.deepEqual(parsePattern('messages.*.content'), ['messages', '*', 'content']);
    assert.deepEqual(parsePattern('notes[0]'), ['notes', '0']);
    assert.deepEqual(parsePattern('notes[*].x'), ['notes', '*', 'x']);
    assert.deepEqual(parsePattern(' **.id '), ['**', 'id']);
    for (const bad of ['', 'a..b', '.a', 'a[x]']) assert.throws(() => parsePattern(bad), IgnorePatternError, bad);
  });

  test('normalize leaves out what the patterns match, at any depth for **', () => {
    const m = new IgnoreMatcher(['**.id', 'draft', 'messages.*.content', 'notes[1]']);
    const v = { id: 'top', draft: 'x', keep: { id: 'deep', n: 1 }, messages: [{ id: 'm1', type: 'ai', content: 'hi', name: 'plan' }], notes: ['a', 'b', 'c'] };
    assert.deepEqual(normalize(v, m), { keep: { n: 1 }, messages: [{ type: 'ai', name: 'plan' }], notes: ['a', '(ignored)', 'c'] });
    // Nothing to leave out: the value itself, not a copy.
    const none = new IgnoreMatcher([]);
    assert.equal(normalize(v, none), v);
  });

  test('canonical text: equal under the patterns ⇔ equal text (key order and undefined keys do not count)', () => {
    const m = new IgnoreMatcher(DEFAULT_IGNORES.map((r) => r.pattern));
    const a = { b: [1, { id: 'x', created_at: 'then', v: 2 }], a: 'k', gone: undefined };
    const b = { a: 'k', b: [1, { v: 2, id: 'y', created_at: 'now' }] };
    assert.equal(canonical(a, m), canonical(b, m));
    assert.notEqual(canonical(a, m), canonical({ ...b, a: 'other' }, m));
    assert.notEqual(canonical(a, new IgnoreMatcher([])), canonical(b, new IgnoreMatcher([])));
  });
});

describe('the state, followed from the model diffs', () => {
  // The comparison follows each namespace's state from the model's per-node diffs: it must land
  // where the model does, after every execution of every recorded run.
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.jsonl'))) {
    test(f, () => {
      const m = modelFromRecording(parseRecording(readFileSync(join(DIR, f), 'utf8')));
      const ctx = contextFor({ defaultIgnores: false });
      const d = digestRun(m, ctx);
      const text = (ids: ReadonlyMap<string, number>) => canonical(Object.fromEntries([...ids].map(([k, id]) => [k, ctx.values.value(id)])), ctx.matcher);
      for (const e of d.executions) assert.equal(text(e.state!), canonical(m.stateAfter(e.index), ctx.matcher), `after #${e.index} ${e.node}`);
      assert.equal(text(d.finalState.get('')!), canonical(m.finalState(), ctx.matcher));
      // And every run compares equal to itself.
      assert.equal(compareRuns(m, modelFromRecording(parseRecording(readFileSync(join(DIR, f), 'utf8')))).equivalent, true);
    });
  }
});

describe('compare two runs', () => {
  test('the same graph and input recorded twice: equivalent despite other ids, times and stream modes', () => {
    const names = ['simple-updates', 'simple-updates-tasks', 'simple-updates-values'];
    const models = names.map(model);
    // What makes them differ: run ids, message ids, receive times.
    assert.equal(new Set(models.map((m) => m.summary.runId)).size, 3);
    const ids = (m: RunModel) => (m.finalState().messages as { id: string }[]).map((x) => x.id).join();
    assert.equal(new Set(models.map(ids)).size, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const c = compareRuns(models[i], models[j]);
        assert.equal(c.equivalent, true, `${names[i]} vs ${names[j]}`);
        assert.deepEqual(rows(c), ['same plan#1 s1→s1', 'same research#1 s2→s2', 'same write#1 s3→s3', 'same review#1 s4→s4']);
      }
    }
    // The ids are what the defaults leave out: compared too, the messages differ.
    const strict = compareRuns(models[0], models[1], { defaultIgnores: false });
    assert.equal(strict.equivalent, false);
    assert.deepEqual(strict.input.differs, ['messages'], "the server gave the input's message an id");
    assert.deepEqual(strict.finalState[0].differs, ['messages']);
    assert.ok(paths(strict.rows[0].writes).some((p) => /^changed messages\[0\]\.id$/.test(p)), paths(strict.rows[0].writes).join('\n'));
    assert.deepEqual(strict.ignored, { defaults: [], extra: [] });
  });

  test('times are shown side by side and never compared', () => {
    const a = model('parallel-updates-tasks');
    const b = model('parallel-all-modes');
    const c = compareRuns(a, b);
    assert.equal(c.equivalent, true);
    const web = c.timing.find((t) => t.node === 'fetch_web')!;
    assert.equal(web.a.timed, 1);
    assert.equal(web.b.timed, 1);
    assert.equal(web.a.totalMs, a.executions.find((e) => e.node === 'fetch_web')!.end! - a.executions.find((e) => e.node === 'fetch_web')!.start);
    const row = c.rows.find((r) => r.node === 'fetch_web')!;
    assert.equal(row.a!.durationMs, web.a.totalMs);
    assert.equal(row.b!.durationMs, web.b.totalMs);
    assert.notEqual(row.a!.durationMs, row.b!.durationMs, 'two real runs do not take the same microseconds');
  });

  test('the second run takes another branch: the agent answers without tools', () => {
    const c = compareRuns(model('agent-updates-values'), model('agent-hi-updates-values'));
    assert.equal(c.equivalent, false);
    assert.deepEqual(rows(c), ['differs agent#1 s1→s1', 'onlyA tools#1', 'onlyA agent#2']);
    assert.deepEqual(c.counts, { same: 0, differs: 1, onlyA: 2, onlyB: 0 });
    // The input differs (said once, at the top), then what the agent wrote: tool calls vs an answer.
    assert.deepEqual(paths(c.input.changes), ['changed messages[0].content']);
    assert.equal(c.input.changes[0].after, 'hi');
    const w = paths(c.rows[0].writes);
    assert.ok(w.includes('changed messages[0].content'), w.join('\n'));
    assert.ok(w.includes('removed messages[0].tool_calls[0]'), w.join('\n'));
    assert.deepEqual(c.rows[0].state, { differs: ['messages'], newly: [] }, 'messages differed from the input on');
    assert.deepEqual(c.finalState.map((f) => f.differs), [['messages']]);
  });

  test('a node repeated in a fan-out: the batches face each other, paired by what each wrote', () => {
    const a = model('fanout-updates-tasks');
    const b = model('fanout4-updates-tasks');
    const c = compareRuns(a, b);
    assert.deepEqual(rows(c), ['differs plan_queries#1 s1→s1', 'same retrieve_documents#1 s2→s2', 'same retrieve_documents#2 s2→s2', 'same retrieve_documents#3 s2→s2', 'onlyB retrieve_documents#4', 'differs synthesize#1 s3→s3']);
    // The branches finish in another order in B (its 5 ms one among them): paired by their writes.
    for (const r of c.rows.filter((x) => x.node === 'retrieve_documents' && x.kind === 'same')) {
      assert.deepEqual(a.executions[r.a!.index].writes, b.executions[r.b!.index].writes);
    }
    const extra = c.rows.find((r) => r.kind === 'onlyB')!;
    assert.deepEqual(b.executions[extra.b!.index].writes, { documents: ['otters conservation: 2 documents after 5 ms'] });
    assert.deepEqual(c.input.differs, ['delays_ms']);
    assert.deepEqual(paths(c.rows[0].writes), ['added queries[3]']);
    assert.deepEqual(c.rows[0].state!.newly, ['queries']);
    const syn = c.rows.at(-1)!;
    assert.deepEqual(paths(syn.writes), ['changed answer', 'changed messages[0].content']);
    assert.deepEqual(syn.state!.newly, ['answer', 'documents', 'messages']);
    assert.deepEqual(paths(syn.state!.changes), ['changed answer', 'added documents[3]', 'changed messages[0].content']);
    assert.ok(syn.writes![1].text, 'a long text change comes with a word diff');
  });

  test('a node repeated in a later step: the steps after it shift, the rows still face', () => {
    const rec = load('simple-updates-tasks');
    // B: research runs twice (a second task with its own id, writing the same notes again).
    const ev = rec.events;
    const at = ev.findIndex((e) => e.event === 'tasks' && (e.data as { name: string }).name === 'research' && 'result' in (e.data as object));
    const again = ev.slice(at - 2, at + 1).map((e) => ({ ...e, data: JSON.parse(JSON.stringify(e.data).replaceAll('6491f29c-6812-52e4-90a5-e46e29bd67e7', '6491f29c-0000-0000-0000-000000000002')) }));
    const b = bare(rec, [...ev.slice(0, at + 1), ...again, ...ev.slice(at + 1)]);
    assert.deepEqual(b.executions.map((e) => `${e.node}@${e.step}`), ['plan@1', 'research@2', 'research@3', 'write@4', 'review@5']);
    const c = compareRuns(bare(rec, ev), b);
    assert.deepEqual(rows(c), ['same plan#1 s1→s1', 'same research#1 s2→s2', 'onlyB research#2', 'differs write#1 s3→s4', 'same review#1 s4→s5']);
    const write = c.rows[3];
    assert.equal(write.writes, undefined, 'write wrote the same');
    assert.deepEqual(write.state!.newly, ['notes']);
    assert.deepEqual(paths(write.state!.changes), ['added notes[4]', 'added notes[5]', 'added notes[6]']);
    assert.deepEqual(c.rows[4].state, { differs: ['notes'], newly: [] }, 'still differs, not new');
    assert.deepEqual(c.finalState[0].differs, ['notes']);
  });

  test('the second run fails midway: the failing node differs, what came after is only in A', () => {
    const rec = load('simple-updates-tasks');
    // B: the events up to write's task start, then the error event a failing node sends.
    const start = rec.events.findIndex((e) => e.event === 'tasks' && (e.data as { name: string }).name === 'write');
    const last = rec.events[start];
    const b = bare(rec, [...rec.events.slice(0, start + 1), { id: String(Number(last.id) + 1), event: 'error', ns: [], data: { error: 'Error', message: 'tool backend unavailable: simulated failure' }, t: last.t + 5 }]);
    const c = compareRuns(bare(rec, rec.events), b);
    assert.deepEqual(rows(c), ['same plan#1 s1→s1', 'same research#1 s2→s2', 'differs write#1 s3→s3', 'onlyA review#1']);
    assert.deepEqual(c.rows[2].outcome, { a: 'done', b: 'error Error: tool backend unavailable: simulated failure' });
    assert.equal(c.rows[2].writes, undefined, 'a failed node wrote nothing; its outcome says so');
    assert.deepEqual(c.outcome!.phase, { a: 'success', b: 'error' });
    assert.deepEqual(c.outcome!.error, { a: null, b: 'Error: tool backend unavailable: simulated failure' });
    assert.deepEqual(c.finalState[0].differs, ['approved', 'draft', 'messages', 'notes']);
  });

  test('--ignore: a differing key left out makes the runs equivalent, and the comparison says what it left out', () => {
    const rec = load('simple-updates-tasks');
    const edited = rec.events.map((e) => (e.event === 'updates' || e.event === 'tasks') && JSON.stringify(e.data).includes('"draft"') ? { ...e, data: JSON.parse(JSON.stringify(e.data).replace(/"draft":"[^"]*"/, '"draft":"# otters\\n\\nshorter."')) } : e);
    const a = bare(rec, rec.events);
    const b = bare(rec, edited);
    const c = compareRuns(a, b);
    assert.equal(c.equivalent, false);
    assert.deepEqual(rows(c), ['same plan#1 s1→s1', 'same research#1 s2→s2', 'differs write#1 s3→s3', 'same review#1 s4→s4']);
    assert.deepEqual(paths(c.rows[2].writes), ['changed draft']);
    const ignored = compareRuns(a, b, { ignore: ['draft'] });
    assert.equal(ignored.equivalent, true);
    assert.deepEqual(ignored.ignored.extra, ['draft']);
    assert.deepEqual(ignored.ignored.defaults.map((r) => r.pattern), DEFAULT_IGNORES.map((r) => r.pattern));
    // A path into values: the messages' text left out is not enough, the draft still differs.
    assert.equal(compareRuns(a, b, { ignore: ['messages.*.content'] }).equivalent, false);
  });

  test('subgraphs: namespaces are named by node names, not task ids', () => {
    const a = model('subgraph-updates-subgraphs');
    const c = compareRuns(a, model('subgraph-updates-subgraphs'));
    assert.equal(c.equivalent, true);
    assert.deepEqual(rows(c).map((r) => r.replace(/ s\d+→s\d+$/, '')), a.executions.map((e) => `same ${e.ns.length ? e.ns.map((s) => s.split(':')[0]).join(' › ') + ' › ' : ''}${e.node}#1`));
    assert.ok(c.rows.some((r) => r.path === 'child › grandchild'));
  });

  test("a subgraph run twice: its second run's namespace is child#2, whatever its task id", () => {
    // The subgraph recording's events, its child's run played twice under new task ids (B: other ones).
    const rec = load('subgraph-updates-subgraphs');
    const twice = (tag: string) => {
      const inner = rec.events.filter((e) => e.ns.length > 0);
      const again = inner.map((e) => ({ ...e, ns: e.ns.map((s) => s.replace(/:.*/, `:${tag}-2`)) }));
      const first = inner.map((e) => ({ ...e, ns: e.ns.map((s) => s.replace(/:.*/, `:${tag}-1`)) }));
      return bare(rec, [...rec.events.filter((e) => e.ns.length === 0), ...first, ...again]);
    };
    const c = compareRuns(twice('x'), twice('y'));
    assert.equal(c.equivalent, true);
    const paths = [...new Set(c.rows.map((r) => r.path))];
    assert.deepEqual(paths, ['', 'child', 'child › grandchild', 'child#2', 'child › grandchild#2']);
  });
});
