// The run model on runs recorded from the real LangGraph dev server (test/fixtures/recordings,
// made by scripts/recordFixtures.mjs). Receive times vary between recordings, so these tests
// assert structure: which executions, their order, supersteps, statuses and the exact diffs.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseRecording, type Recording } from '../../src/shared/recording';
import { RunModel, type ModelExtras } from '../../src/shared/runModel';
import { formatPath, type Change } from '../../src/shared/diff';
import { renderTimelineText } from '../../src/cli/show';

const DIR = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function load(name: string): Recording {
  return parseRecording(readFileSync(join(DIR, `${name}.jsonl`), 'utf8'));
}

type Variant = 'extras' | 'no-history' | 'history-later' | 'bare';

/** The model of a recording: with all extras, without the history, with it attached at the end, or with nothing. */
function model(rec: Recording, variant: Variant = 'extras'): RunModel {
  const extras = (rec.header.extras ?? {}) as ModelExtras;
  const { history, ...rest } = extras;
  const opts =
    variant === 'extras' ? { input: rec.header.input, extras }
    : variant === 'bare' ? { input: rec.header.input, extras: { runs: extras.runs } }
    : { input: rec.header.input, extras: rest };
  const m = RunModel.from(rec.events, opts);
  m.end();
  if (variant === 'history-later') m.attachExtras({ history });
  return m;
}

/** A value as one short line: messages as `type:name "content"`, ids masked. */
function show(v: unknown): string {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'type' in v && 'content' in v) {
    const m = v as { type: string; name?: string; content: unknown };
    return `${m.type}${m.name ? ':' + m.name : ''} ${JSON.stringify(m.content)}`;
  }
  return (JSON.stringify(v) ?? 'undefined').replace(UUID, '*');
}

function line(c: Change): string {
  const at = formatPath(c.path).replace(UUID, '*') + (c.index !== undefined ? `@${c.index}` : '');
  if (c.kind === 'added') return `added ${at} ${show(c.after)}`;
  if (c.kind === 'removed') return `removed ${at} ${show(c.before)}`;
  if (c.kind === 'moved') return `moved ${at} ${JSON.stringify(c.order)}`;
  return `changed ${at} ${show(c.before)} -> ${show(c.after)}`;
}

function rows(m: RunModel): string[] {
  return m.executions.map((e) => `${e.path ? e.path + ' › ' : ''}${e.node} s${e.step} ${e.stepSource} ${e.status}`);
}

function diffs(m: RunModel): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of m.executions) out[`#${e.index} ${e.node}`] = m.diff(e.index).map(line);
  return out;
}

function disagreements(m: RunModel): string[] {
  return m.executions.filter((e) => e.disagreed).map((e) => `${e.node}: ${e.server!.keys.join(',')}`);
}

/** Keys the server reduced in a way the model was not told: information, with the kind the values showed. */
function reductions(m: RunModel): string[] {
  return m.executions.filter((e) => e.reduced).map((e) => `${e.node}: ${e.reduced!.keys.map((k) => `${k}${e.reduced!.kind?.[k] ? ` (${e.reduced!.kind[k]})` : ''}`).join(',')}`);
}

const SIMPLE_DIFFS = {
  '#0 plan': [
    'added messages[id=plan-*]@1 ai:plan "Plan for \\"otters\\": what otters are; why otters matter; open questions about otters"',
    'added notes[0] "plan: 3 sections"',
    'added outline ["what otters are","why otters matter","open questions about otters"]',
  ],
  '#1 research': ['added notes[1] "fact 1 on what otters are"', 'added notes[2] "fact 2 on why otters matter"', 'added notes[3] "fact 3 on open questions about otters"'],
  '#2 write': [
    'added draft "# otters\\n\\nfact 1 on what otters are.\\nfact 2 on why otters matter.\\nfact 3 on open questions about otters."',
    'added messages[id=write-*]@2 ai:write "Draft ready (104 chars)"',
  ],
  '#3 review': ['added approved true', 'added messages[id=review-*]@3 ai:review "Looks good."', 'added notes[4] "review: approved"'],
};

// Branch writes in the graph's order (task path = node name), whatever order they finished in.
const PARALLEL_STEP2 = {
  fetch_cache: ['added messages[id=*]@0 ai:fetch_cache "fetch_cache found 7"', 'added results[1] "fetch_cache: 7 hits for otters after 250ms"', 'changed total 1 -> 8'],
  fetch_docs: ['added messages[id=*]@1 ai:fetch_docs "fetch_docs found 5"', 'added results[2] "fetch_docs: 5 hits for otters after 50ms"', 'changed total 8 -> 13'],
  fetch_web: ['added messages[id=*]@2 ai:fetch_web "fetch_web found 3"', 'added results[3] "fetch_web: 3 hits for otters after 600ms"', 'changed total 13 -> 16'],
};
const PARALLEL_DISPATCH = ['added results[0] "dispatch: otters"', 'changed total 0 -> 1'];
const PARALLEL_MERGE = [
  'added messages[id=merge-*]@3 ai:merge "merged: dispatch: otters | fetch_cache: 7 hits for otters after 250ms | fetch_docs: 5 hits for otters after 50ms | fetch_web: 3 hits for otters after 600ms"',
  'added summary "3 branches, total=16"',
];
const PARALLEL_REDUCED = ['results (union),total (sum)'];

interface Case {
  name: string;
  rows: string[];
  diffs: Record<string, string[]>;
  disagreed: string[];
  reduced: string[];
  phases: string[];
  chain?: string[];
}

const CASES: Case[] = [
  {
    name: 'simple-updates',
    rows: ['plan s1 history done', 'research s2 history done', 'write s3 history done', 'review s4 history done'],
    diffs: SIMPLE_DIFFS,
    // notes is a custom concat: overwrite is wrong from research on; the server's values say how.
    disagreed: [],
    reduced: ['research: notes (union)'],
    phases: ['running', 'success'],
  },
  {
    name: 'simple-updates-tasks',
    rows: ['plan s1 history done', 'research s2 history done', 'write s3 history done', 'review s4 history done'],
    diffs: SIMPLE_DIFFS,
    disagreed: [],
    reduced: ['research: notes (union)'],
    phases: ['running', 'success'],
  },
  {
    name: 'simple-updates-values',
    rows: ['plan s1 history done', 'research s2 history done', 'write s3 history done', 'review s4 history done'],
    diffs: SIMPLE_DIFFS,
    disagreed: [],
    reduced: ['research: notes (union)'],
    phases: ['running', 'success'],
  },
  {
    name: 'parallel-updates-tasks',
    // Created at task start, in the graph's task order; they finished docs, cache, web.
    rows: ['dispatch s1 history done', 'fetch_cache s2 history done', 'fetch_docs s2 history done', 'fetch_web s2 history done', 'merge s3 history done'],
    diffs: { '#0 dispatch': PARALLEL_DISPATCH, '#1 fetch_cache': PARALLEL_STEP2.fetch_cache, '#2 fetch_docs': PARALLEL_STEP2.fetch_docs, '#3 fetch_web': PARALLEL_STEP2.fetch_web, '#4 merge': PARALLEL_MERGE },
    disagreed: [],
    reduced: PARALLEL_REDUCED.map((d) => `fetch_cache: ${d}`).concat(PARALLEL_REDUCED.map((d) => `fetch_docs: ${d}`), PARALLEL_REDUCED.map((d) => `fetch_web: ${d}`)),
    phases: ['running', 'success'],
    chain: ['dispatch', 'fetch_cache', 'fetch_docs', 'fetch_web', 'merge'],
  },
  {
    name: 'parallel-updates',
    // Created as their updates arrived: finish order.
    rows: ['dispatch s1 history done', 'fetch_docs s2 history done', 'fetch_cache s2 history done', 'fetch_web s2 history done', 'merge s3 history done'],
    diffs: { '#0 dispatch': PARALLEL_DISPATCH, '#1 fetch_docs': PARALLEL_STEP2.fetch_docs, '#2 fetch_cache': PARALLEL_STEP2.fetch_cache, '#3 fetch_web': PARALLEL_STEP2.fetch_web, '#4 merge': PARALLEL_MERGE },
    disagreed: [],
    reduced: PARALLEL_REDUCED.map((d) => `fetch_docs: ${d}`).concat(PARALLEL_REDUCED.map((d) => `fetch_cache: ${d}`), PARALLEL_REDUCED.map((d) => `fetch_web: ${d}`)),
    phases: ['running', 'success'],
    chain: ['dispatch', 'fetch_cache', 'fetch_docs', 'fetch_web', 'merge'],
  },
  {
    name: 'parallel-all-modes',
    rows: ['dispatch s1 checkpoint done', 'fetch_cache s2 checkpoint done', 'fetch_docs s2 checkpoint done', 'fetch_web s2 checkpoint done', 'merge s3 checkpoint done'],
    diffs: { '#0 dispatch': PARALLEL_DISPATCH, '#1 fetch_cache': PARALLEL_STEP2.fetch_cache, '#2 fetch_docs': PARALLEL_STEP2.fetch_docs, '#3 fetch_web': PARALLEL_STEP2.fetch_web, '#4 merge': PARALLEL_MERGE },
    disagreed: [],
    reduced: PARALLEL_REDUCED.map((d) => `fetch_cache: ${d}`).concat(PARALLEL_REDUCED.map((d) => `fetch_docs: ${d}`), PARALLEL_REDUCED.map((d) => `fetch_web: ${d}`)),
    phases: ['running', 'success'],
  },
  {
    name: 'subgraph-updates-subgraphs',
    rows: [
      'prepare s1 history done',
      'child › child_step s1 estimated done',
      'child › grandchild › deep_step s1 estimated done',
      'child › grandchild s2 estimated done',
      'child › child_done s3 estimated done',
      'child s2 history done',
      'finalize s3 history done',
    ],
    diffs: {
      '#0 prepare': ['added messages[id=prepare-*]@1 ai "prepare done"', 'added trail[0] "parent.prepare"'],
      '#1 child_step': ['changed depth 0 -> 1', 'added messages[id=child-*]@2 ai "child_step done"', 'added trail[1] "child.child_step"'],
      '#2 deep_step': ['changed depth 1 -> 2', 'added messages[id=deep-*]@3 ai "deep_step done"', 'added trail[2] "grandchild.deep_step"'],
      // The grandchild subgraph hands back its whole state: merged by id, nothing repeated.
      '#3 grandchild': ['changed depth 1 -> 2', 'added messages[id=deep-*]@3 ai "deep_step done"', 'added trail[2] "grandchild.deep_step"'],
      '#4 child_done': ['added trail[3] "child.child_done"'],
      '#5 child': [
        'changed depth 0 -> 2',
        'added messages[id=child-*]@2 ai "child_step done"',
        'added messages[id=deep-*]@3 ai "deep_step done"',
        'added trail[1] "child.child_step"',
        'added trail[2] "grandchild.deep_step"',
        'added trail[3] "child.child_done"',
      ],
      '#6 finalize': ['added messages[id=finalize-*]@4 ai "finalize: depth=2 trail=parent.prepare,child.child_step,grandchild.deep_step,child.child_done"', 'added trail[4] "parent.finalize"'],
    },
    disagreed: [],
    reduced: ['child_done: trail (union)'],
    phases: ['running', 'success'],
    chain: ['prepare', 'child', 'finalize'],
  },
  {
    name: 'interrupt-resume-updates',
    rows: ['draft_reply s1 history done', 'human_review s2 history interrupted', 'human_review s2 history done', 'finish s3 history done'],
    diffs: {
      '#0 draft_reply': ['added reply "Dear customer, about \\"refund for order 42\\": we will process it today."'],
      '#1 human_review': [],
      '#2 human_review': ['added review {"decision":"approve"}'],
      '#3 finish': ['added messages[id=finish-*]@0 ai:finish "sent: Dear customer, about \\"refund for order 42\\": we will process it today."', 'added outcome "sent"'],
    },
    disagreed: [],
    reduced: [],
    phases: ['running', 'interrupted', 'running', 'success'],
  },
  {
    name: 'failing-updates',
    rows: ['fetch_context s1 history done', 'call_tool s2 history error'],
    diffs: {
      '#0 fetch_context': ['added context "context for \\"search the docs\\""', 'added messages[id=fetch-*]@1 ai "fetch_context ok, calling tool"'],
      '#1 call_tool': [],
    },
    disagreed: [],
    reduced: [],
    phases: ['running', 'error'],
  },
  {
    name: 'agent-updates-values',
    rows: ['agent s1 history done', 'tools s2 history done', 'agent s3 history done'],
    diffs: {
      // The streamed model call returned a chunk; the reducer stores a plain message (no tool_call_chunks).
      '#0 agent': ['added messages[id=run-*]@1 ai ""'],
      '#1 tools': ['added messages[id=*]@2 tool:calculator "6 * 7 = 42"', 'added messages[id=*]@3 tool:lookup "The capital of France is Paris."'],
      '#2 agent': ['added messages[id=run-*]@4 ai "Here is what I found: 6 * 7 = 42 The capital of France is Paris."'],
    },
    disagreed: [],
    reduced: [],
    phases: ['running', 'success'],
  },
];

describe('run model on recorded runs (with the recorder extras)', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const m = model(load(c.name));
      assert.deepEqual(rows(m), c.rows);
      assert.deepEqual(diffs(m), c.diffs);
      assert.deepEqual(disagreements(m), c.disagreed);
      assert.deepEqual(reductions(m), c.reduced);
      assert.deepEqual(m.summary.phases.map((p) => p.phase), c.phases);
      if (c.chain) assert.deepEqual(m.stateChain().map((i) => m.executions[i].node), c.chain);
      for (const e of m.executions) if (e.ns.length === 0) assert.ok(e.taskId, `${e.node} has its task id from the history`);
    });
  }
});

describe('supersteps without the history (as seen live)', () => {
  const cases: [string, string[]][] = [
    ['simple-updates', ['plan s1 estimated', 'research s2 estimated', 'write s3 estimated', 'review s4 estimated']],
    ['simple-updates-tasks', ['plan s1 tasks', 'research s2 tasks', 'write s3 tasks', 'review s4 tasks']],
    ['simple-updates-values', ['plan s1 values', 'research s2 values', 'write s3 values', 'review s4 values']],
    // Branch messages arrive without ids until the step ends: the branches share a step.
    ['parallel-updates', ['dispatch s1 estimated', 'fetch_docs s2 estimated', 'fetch_cache s2 estimated', 'fetch_web s2 estimated', 'merge s3 estimated']],
    ['parallel-updates-tasks', ['dispatch s1 tasks', 'fetch_cache s2 tasks', 'fetch_docs s2 tasks', 'fetch_web s2 tasks', 'merge s3 tasks']],
    ['parallel-all-modes', ['dispatch s1 checkpoint', 'fetch_cache s2 checkpoint', 'fetch_docs s2 checkpoint', 'fetch_web s2 checkpoint', 'merge s3 checkpoint']],
    ['agent-updates-values', ['agent s1 values', 'tools s2 values', 'agent s3 values']],
    // With updates alone the interrupted node and the failing node never report.
    ['interrupt-resume-updates', ['draft_reply s1 estimated', 'human_review s2 estimated', 'finish s3 estimated']],
    ['failing-updates', ['fetch_context s1 estimated']],
  ];
  for (const [name, expected] of cases) {
    test(name, () => {
      const m = model(load(name), 'no-history');
      assert.deepEqual(m.executions.map((e) => `${e.node} s${e.step} ${e.stepSource}`), expected);
    });
  }

  test('parallel branches with tasks: finish order differs from the step order, and the state follows the step order', () => {
    const rec = load('parallel-updates-tasks');
    const m = model(rec, 'no-history');
    // The updates (and so the writes) arrived docs, cache, web.
    const arrival = rec.events.filter((e) => e.event === 'updates').map((e) => Object.keys(e.data as object)[0]);
    assert.deepEqual(arrival, ['dispatch', 'fetch_docs', 'fetch_cache', 'fetch_web', 'merge']);
    assert.deepEqual(m.stateChain().map((i) => m.executions[i].node), ['dispatch', 'fetch_cache', 'fetch_docs', 'fetch_web', 'merge']);
    assert.deepEqual(diffs(m)['#2 fetch_docs'], PARALLEL_STEP2.fetch_docs);
    for (const e of m.executions) assert.equal(e.timeSource, 'tasks');
  });

  test('a Send fan-out: three tasks of one node, each with its own update, none doubled', () => {
    const rec = load('fanout-updates-tasks');
    // Updates name the node only; they arrive in finish order (1 ms, 120 ms, 250 ms), not in the
    // order the tasks started.
    const tasks = rec.events.filter((e) => e.event === 'tasks' && (e.data as { name?: string }).name === 'retrieve_documents' && !('result' in (e.data as object)));
    const asked = tasks.map((e) => ((e.data as { input: { query: string } }).input.query));
    for (const variant of ['extras', 'no-history', 'bare'] as const) {
      const m = model(rec, variant);
      const runs = m.executions.filter((e) => e.node === 'retrieve_documents');
      assert.equal(runs.length, 3, `${variant}: ${m.executions.map((e) => `${e.node}/${e.timeSource}`).join(', ')}`);
      assert.deepEqual(runs.map((e) => e.taskId), tasks.map((e) => (e.data as { id: string }).id), variant);
      // Each execution wrote what its own query found, and holds its own update's event.
      runs.forEach((e, k) => {
        assert.match(String((e.writes as { documents: string[] }).documents[0]), new RegExp(`^${asked[k]}: `), `${variant} #${e.index}`);
        const own = rec.events.filter((ev) => e.eventIds.includes(ev.id ?? ''));
        assert.deepEqual(own.map((ev) => ev.event).sort(), ['tasks', 'tasks', 'updates'], `${variant} #${e.index} events`);
        assert.ok(own.some((ev) => ev.event === 'updates' && JSON.stringify(ev.data).includes(asked[k])), `${variant} #${e.index}: its own update`);
        assert.equal(e.timeSource, 'tasks');
      });
      assert.deepEqual(m.executions.map((e) => `${e.node} s${e.step}`), ['plan_queries s1', 'retrieve_documents s2', 'retrieve_documents s2', 'retrieve_documents s2', 'synthesize s3']);
    }
  });

  test('values bound the steps and settle them: the same diffs as with the history', () => {
    assert.deepEqual(diffs(model(load('simple-updates-values'), 'no-history')), SIMPLE_DIFFS);
    assert.deepEqual(diffs(model(load('agent-updates-values'), 'no-history')), CASES.find((c) => c.name === 'agent-updates-values')!.diffs);
  });

  test('an interrupt and an error without the history: recorded on the run, not pinned on a node', () => {
    const i = model(load('interrupt-resume-updates'), 'no-history');
    assert.equal(i.summary.interrupts.length, 1);
    assert.equal(i.summary.interrupts[0].node, undefined);
    assert.deepEqual(i.summary.interrupts[0].resume?.value, { decision: 'approve' });
    const f = model(load('failing-updates'), 'no-history');
    assert.equal(f.summary.error?.message, 'tool backend unavailable: simulated failure');
    assert.equal(f.summary.error?.node, undefined);
  });
});

describe('history attached after the events (fetched when the run ended)', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const up = model(load(c.name), 'extras');
      const later = model(load(c.name), 'history-later');
      const key = (m: RunModel) => m.executions.map((e) => `${e.path}|${e.node} s${e.step} ${e.stepSource} ${e.status} ${e.taskId}`).sort();
      assert.deepEqual(key(later), key(up));
      const chainDiffs = (m: RunModel) => m.stateChain().map((i) => [m.executions[i].node, m.diff(i).map(line)]);
      assert.deepEqual(chainDiffs(later), chainDiffs(up));
      assert.deepEqual(later.finalState(), up.finalState());
      // Which node carries a "reducer learned here" flag follows the order the evidence came in;
      // the keys the server corrected are the same.
      const flagged = (m: RunModel) => [...new Set(m.executions.flatMap((e) => [...(e.server?.keys ?? []), ...(e.reduced?.keys ?? [])]))].sort();
      assert.deepEqual(flagged(later), flagged(up));
    });
  }
});

describe('interrupts, resumes and errors', () => {
  test('interrupt then resume: the interrupt names its node, its value, and the resume that followed', () => {
    const m = model(load('interrupt-resume-updates'));
    const [it] = m.summary.interrupts;
    assert.equal(m.summary.interrupts.length, 1);
    assert.equal(it.node, 'human_review');
    assert.equal(it.execution, 1);
    assert.equal((it.value as { question: string }).question, 'Send this reply?');
    assert.equal(it.resume?.runId, m.summary.runs[1].runId);
    assert.deepEqual(it.resume?.value, { decision: 'approve' });
    assert.equal(m.summary.runs.length, 2);
    assert.equal(m.executions[2].resumeOf, 1);
    assert.equal(m.executions[1].taskId, m.executions[2].taskId);
    assert.equal(m.executions[1].runId, m.summary.runs[0].runId);
    assert.equal(m.executions[2].runId, m.summary.runs[1].runId);
    assert.equal(m.summary.phase, 'success');
  });

  test('a recording of the resume alone: numbered from the checkpoint it resumed, started by its command', () => {
    const rec = load('interrupt-resume-updates');
    const second = rec.events.findIndex((e, i) => i > 0 && e.event === 'metadata');
    const extras = rec.header.extras as ModelExtras;
    const m = RunModel.from(rec.events.slice(second), { extras: { history: extras.history, finalState: extras.finalState }, command: { resume: { decision: 'approve' } } });
    m.end();
    assert.deepEqual(rows(m), ['human_review s2 history done', 'finish s3 history done']);
    assert.deepEqual(m.summary.runs.map((r) => r.command), [{ resume: { decision: 'approve' } }]);
    // It starts from the interrupted checkpoint: the draft is already there.
    assert.equal(m.stateBefore(0)?.reply, 'Dear customer, about "refund for order 42": we will process it today.');
    assert.deepEqual(diffs(m)['#0 human_review'], ['added review {"decision":"approve"}']);
  });

  test('failing node: the error names the node that raised it', () => {
    const m = model(load('failing-updates'));
    assert.deepEqual(m.summary.error, { name: 'Error', message: 'tool backend unavailable: simulated failure', node: 'call_tool', execution: 1 });
    assert.deepEqual(m.executions[1].error, { name: 'Error', message: 'tool backend unavailable: simulated failure' });
    assert.equal(m.summary.phase, 'error');
  });

  test('subgraph executions point at the node execution that ran them', () => {
    const m = model(load('subgraph-updates-subgraphs'));
    const idx = (path: string, node: string) => m.executions.findIndex((e) => e.path === path && e.node === node);
    const child = idx('', 'child');
    const gc = idx('child', 'grandchild');
    for (const n of ['child_step', 'grandchild', 'child_done']) assert.equal(m.executions[idx('child', n)].parent, child);
    assert.equal(m.executions[idx('child › grandchild', 'deep_step')].parent, gc);
    assert.equal(m.executions[child].parent, null);
  });
});

describe('the model fed one event at a time, looked at after each (as the webview does)', () => {
  for (const name of ['parallel-updates', 'parallel-updates-tasks', 'subgraph-updates-subgraphs', 'interrupt-resume-updates', 'agent-updates-values']) {
    test(name, () => {
      const rec = load(name);
      const extras = rec.header.extras as ModelExtras;
      const live = new RunModel({ input: rec.header.input, extras });
      let lastVersion = live.version;
      for (const ev of rec.events) {
        live.apply(ev);
        assert.ok(live.version > lastVersion);
        lastVersion = live.version;
        for (const e of live.executions) {
          // Provisional states of the open step must not disturb the final ones.
          live.diff(e.index);
          live.stateAfter(e.index);
        }
      }
      live.end();
      const batch = model(rec);
      assert.deepEqual(rows(live), rows(batch));
      assert.deepEqual(diffs(live), diffs(batch));
      assert.deepEqual(live.finalState(), batch.finalState());
    });
  }
});

describe('only real disagreements', () => {
  const WEBVIEW = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'webview');
  const all = [
    ...readdirSync(DIR).filter((f) => f.endsWith('.jsonl') && !f.startsWith('trimmed')).map((f) => join(DIR, f)),
    ...readdirSync(WEBVIEW).filter((f) => f.endsWith('.jsonl')).map((f) => join(WEBVIEW, f)),
  ];
  for (const file of all) {
    test(`no flag on a healthy graph: ${basename(file)}`, () => {
      const rec = parseRecording(readFileSync(file, 'utf8'));
      for (const variant of ['extras', 'no-history', 'history-later', 'bare'] as const) {
        const m = model(rec, variant);
        assert.deepEqual(disagreements(m), [], `${variant}: ${disagreements(m).join('; ')}`);
      }
    });
  }

  test('a graph whose messages reducer trims them: the known reducer is wrong, and flagged', () => {
    const m = model(load('trimmed-updates'));
    assert.deepEqual(disagreements(m), ['second: messages', 'third: messages']);
    // The state shown is still the server's: the last two messages.
    const final = m.finalState().messages as { name?: string }[];
    assert.deepEqual(final.map((x) => x.name), ['second', 'third']);
  });
});

describe('one clock per axis', () => {
  // The shape of a hosted Python capture: `debug` events whose timestamps are the server's clock,
  // here 38,192.6 s behind this client's (the `show` that printed `+-38192605843ms`).
  const C0 = Date.UTC(2026, 10, 1, 12, 0, 0);
  const SKEW = 38_192_605;
  const iso = (clientT: number, latency: number) => new Date(clientT - latency - SKEW).toISOString();
  const ev = (event: string, data: unknown, t: number, ns: string[] = []) => ({ id: null, event, ns, data, t });
  function hosted() {
    const events = [ev('metadata', { run_id: 'r1', attempt: 1 }, C0)];
    let t = C0 + 20;
    for (const [i, node] of ['plan', 'retrieve', 'answer'].entries()) {
      events.push(ev('debug', { step: i + 1, type: 'task', timestamp: iso(t, 8), payload: { id: `task-${i}`, name: node, input: {}, triggers: [] } }, t));
      t += 100 * (i + 1);
      events.push(ev('debug', { step: i + 1, type: 'task_result', timestamp: iso(t, 8 + i), payload: { id: `task-${i}`, name: node, result: [['k', i]], error: null, interrupts: [] } }, t));
      t += 5;
    }
    return events;
  }

  test('debug timestamps far from the client clock give non-negative, correct relative times', () => {
    const m = RunModel.from(hosted());
    m.end();
    const t0 = m.summary.startedAt!;
    assert.deepEqual(m.executions.map((x) => x.node), ['plan', 'retrieve', 'answer']);
    for (const x of m.executions) {
      assert.equal(x.timeSource, 'debug');
      assert.ok(x.start - t0 >= 0 && x.start - t0 < 1000, `${x.node} starts at +${x.start - t0} ms`);
    }
    // Durations are the server's own (its timestamps' differences), whatever the skew.
    const ts = hosted().filter((e) => e.event === 'debug').map((e) => Date.parse((e.data as { timestamp: string }).timestamp));
    assert.deepEqual(m.executions.map((x) => x.end! - x.start), [ts[1] - ts[0], ts[3] - ts[2], ts[5] - ts[4]]);
    assert.deepEqual(m.executions.map((x) => x.end! - x.start), [100, 199, 298]);
    assert.ok(m.summary.clockOffset !== null && Math.abs(m.summary.clockOffset - SKEW - 8) <= 1, `offset ${m.summary.clockOffset}`);
  });

  test('show never prints a negative start', () => {
    const events = hosted();
    const rec = { header: { type: 'run', version: 1, startedAt: C0, runId: 'r1', assistantId: 'hosted' }, events } as unknown as Recording;
    const text = renderTimelineText(rec, RunModel.from(events));
    assert.doesNotMatch(text, /\+-/);
    assert.match(text, /^Times: this client's clock \(server times moved by \d+ ms/m);
  });
});
