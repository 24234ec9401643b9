// `langgraph-timeline show FILE [--json]` on recorded runs: the text timeline a CI log shows,
// and the JSON model other tools check.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseRecording } from '../../src/shared/recording';
import { modelFromRecording, modelJson, renderTimelineText } from '../../src/cli/show';
import { applyChanges, type Change } from '../../src/shared/diff';

const DIR = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings');
const load = (name: string) => parseRecording(readFileSync(join(DIR, `${name}.jsonl`), 'utf8'));

function table(text: string): string[][] {
  const lines = text.split('\n');
  const head = lines.findIndex((l) => l.startsWith('namespace'));
  const out: string[][] = [];
  for (const l of lines.slice(head + 1)) {
    if (!l.trim() || /^[A-Z]/.test(l) || l.startsWith('step?')) break;
    out.push(l.split(/\s{2,}/));
  }
  return out;
}

describe('show: text timeline', () => {
  test('parallel branches: one row per node execution, in order, with step and keys written', () => {
    const rec = load('parallel-updates-tasks');
    const rows = table(renderTimelineText(rec, modelFromRecording(rec)));
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[2]]), [
      ['(root)', 'dispatch', '1'],
      ['(root)', 'fetch_cache', '2'],
      ['(root)', 'fetch_docs', '2'],
      ['(root)', 'fetch_web', '2'],
      ['(root)', 'merge', '3'],
    ]);
    // Durations come from the tasks events; "wrote" lists the keys each node returned.
    for (const r of rows) assert.match(r[4], /^\d+ms$|^\d+\.\d\ds$/);
    assert.equal(rows[1][5], 'results,total,messages');
  });

  test('interrupt and resume are marked, with the value and the resume', () => {
    const rec = load('interrupt-resume-updates');
    const text = renderTimelineText(rec, modelFromRecording(rec));
    const rows = table(text);
    assert.deepEqual(rows.map((r) => r[1]), ['draft_reply', 'human_review', 'human_review', 'finish']);
    assert.match(rows[1].join(' '), /INTERRUPT/);
    assert.match(rows[2].join(' '), /resumes #2/);
    assert.match(text, /^INTERRUPT at human_review: \{"question":"Send this reply\?".*; resumed by run \S+ with \{"decision":"approve"\}$/m);
    assert.match(text, /in 2 runs/);
  });

  test('a failing node is marked with its error, and the run names it', () => {
    const rec = load('failing-updates');
    const text = renderTimelineText(rec, modelFromRecording(rec));
    assert.match(table(text)[1].join(' '), /call_tool .*ERROR Error: tool backend unavailable: simulated failure/);
    assert.match(text, /^ERROR in call_tool Error: tool backend unavailable: simulated failure$/m);
    assert.match(text.split('\n')[0], /\(error\)/);
  });

  test('subgraphs: namespaces, estimated steps marked, the server’s corrections listed', () => {
    const rec = load('subgraph-updates-subgraphs');
    const text = renderTimelineText(rec, modelFromRecording(rec));
    const rows = table(text);
    assert.deepEqual(rows.map((r) => `${r[0]} ${r[1]} ${r[2]}`), [
      '(root) prepare 1',
      'child child_step 1?',
      'child › grandchild deep_step 1?',
      'child grandchild 2?',
      'child child_done 3?',
      '(root) child 2',
      '(root) finalize 3',
    ]);
    assert.match(text, /^step\?: estimated/m);
    // trail's reducer is not in the schema: a note of what the graph did, never a warning.
    assert.match(text, /^Reduced by the graph after child › child_done \(step 3\): trail \(concat without repeats\): wrote \["child\.child_done"\], became \[/m);
    assert.doesNotMatch(text, /DISAGREED/);
  });
});

describe('show --json', () => {
  test('executions with node, ns, step, start, end and diff; the final state is the server’s', () => {
    for (const name of ['simple-updates', 'parallel-updates', 'subgraph-updates-subgraphs', 'agent-updates-values']) {
      const rec = load(name);
      const j = JSON.parse(JSON.stringify(modelJson(rec, modelFromRecording(rec)))) as {
        executions: { node: string; ns: string[]; step: number; start: number; end: number | null; diff: Change[]; stepSource: string }[];
        finalState: unknown;
      };
      const server = (rec.header.extras as { finalState: { values: unknown } }).finalState.values;
      assert.deepEqual(j.finalState, server, name);
      for (const e of j.executions) {
        assert.equal(typeof e.node, 'string');
        assert.ok(Array.isArray(e.ns) && Number.isInteger(e.step) && typeof e.start === 'number' && Array.isArray(e.diff));
      }
      assert.ok(j.executions.some((e) => e.ns.length === 0 && e.diff.length > 0), `${name}: root executions carry their diffs`);
    }
  });

  test('the JSON diffs of a sequential run replay to the server’s final state', () => {
    const rec = load('simple-updates');
    const model = modelFromRecording(rec);
    const j = JSON.parse(JSON.stringify(modelJson(rec, model))) as { executions: { diff: Change[] }[]; finalState: unknown };
    let s: unknown = model.initialState();
    for (const e of j.executions) s = applyChanges(s, e.diff);
    assert.deepEqual(s, j.finalState);
  });
});

describe('the CLI', () => {
  // dist/test/unit/*.test.js → dist/cli.js, built by the same build.
  const cli = resolve(__dirname, '..', '..', 'cli.js');
  test('`show FILE --json` reads the recording’s extras and prints the model', { skip: !existsSync(cli) && 'dist/cli.js not built' }, () => {
    const file = join(DIR, 'parallel-updates.jsonl');
    const r = spawnSync(process.execPath, [cli, 'show', file, '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { executions: { node: string; step: number; stepSource: string }[]; finalState: unknown };
    assert.deepEqual(j.executions.map((e) => `${e.node} ${e.step} ${e.stepSource}`), ['dispatch 1 history', 'fetch_docs 2 history', 'fetch_cache 2 history', 'fetch_web 2 history', 'merge 3 history']);
    assert.deepEqual(j.finalState, (load('parallel-updates').header.extras as { finalState: { values: unknown } }).finalState.values);
    const text = spawnSync(process.execPath, [cli, 'show', file], { encoding: 'utf8' });
    assert.equal(text.status, 0, text.stderr);
    assert.deepEqual(table(text.stdout).map((row) => row[1]), ['dispatch', 'fetch_docs', 'fetch_cache', 'fetch_web', 'merge']);
  });
});
