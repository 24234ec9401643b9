// `langgraph-timeline diff` (dist/cli.js) on recordings it makes itself from the real dev server:
// the same graph and input recorded twice compare equivalent, another input differs at the keys
// it changes, and a damaged file is refused with its line named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, useExampleServer } from '../support/server';
import { HANG_GUARD } from '../support/runs';
import { copyBuiltCli } from '../support/cli';

let CLI = '';
let url = '';
let dir = '';
useExampleServer((s) => {
  url = s.url;
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lgt-diff-'));
  // A private copy of the built bin: a build elsewhere in this checkout empties dist/ meanwhile.
  CLI = await copyBuiltCli(dir);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const human = (content: string) => [{ role: 'human', content }];
const SIMPLE = { topic: 'otters', messages: human('Write a short piece about otters') };

/** Record a run of `graph` to a file in the test's folder (updates and tasks, so nodes have times). */
async function record(name: string, graph: string, input: unknown): Promise<string> {
  const out = join(dir, `${name}.jsonl`);
  const r = await cli(['record', '--url', url, '--assistant', graph, '--input', JSON.stringify(input), '--stream-mode', 'updates,tasks', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1);

let goldenFile: Promise<string> | undefined;
/** The golden run: recorded once, by the first test that needs it. */
const goldenRun = () => (goldenFile ??= record('golden', 'simple', SIMPLE));

test('diff: the same graph and input recorded twice are equivalent (exit 0), ids and times ignored', HANG_GUARD, async () => {
  const golden = await goldenRun();
  const again = await record('again', 'simple', SIMPLE);
  const r = await cli(['diff', golden, again]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(lastLine(r.stdout), 'EQUIVALENT: 4 node executions face each other and nothing differs but what is ignored.');
  assert.match(r.stdout, /^Ignored by default: ids \(\*\*\.id, \*\*\.tool_call_id, \*\*\.run_id, \*\*\.thread_id, \*\*\.checkpoint_id, \*\*\.checkpoint_ns\) and timestamps \(\*\*\.created_at, \*\*\.updated_at, \*\*\.timestamp\); --no-default-ignores compares them\.$/m);
  assert.match(r.stdout, /^Node times are shown, never compared\.$/m);
  for (const node of ['plan', 'research', 'write', 'review']) assert.match(r.stdout, new RegExp(`^=  ${node} +1  \\d → \\d +\\d+ms +\\d+ms$`, 'm'));

  const json = await cli(['diff', golden, again, '--json']);
  assert.equal(json.code, 0);
  const c = JSON.parse(json.stdout);
  assert.equal(c.equivalent, true);
  assert.notEqual(c.a.runId, c.b.runId, 'two runs');
  assert.equal(c.a.file, golden);
  assert.equal(c.a.graph, 'simple');
  assert.deepEqual(c.rows.map((x: { kind: string; node: string }) => `${x.kind} ${x.node}`), ['same plan', 'same research', 'same write', 'same review']);
  assert.equal(c.ignored.defaults[0].pattern, '**.id');

  // Compared as well, the ids differ (every message has a new one): the defaults are doing the work.
  const strict = await cli(['diff', golden, again, '--no-default-ignores']);
  assert.equal(strict.code, 1);
  assert.match(strict.stdout, /^Ignored by default: nothing/m);
  assert.match(lastLine(strict.stdout)!, /^DIFFERENT: .*writes at messages[;.]/);

  // The agent's tool loop: tool calls and tool messages line up too.
  const q = { messages: human('What is 6 * 7, and what is the capital of France?') };
  const [a1, a2] = [await record('agent1', 'agent', q), await record('agent2', 'agent', q)];
  const agent = await cli(['diff', a1, a2]);
  assert.equal(agent.code, 0, agent.stdout);
  assert.equal(lastLine(agent.stdout), 'EQUIVALENT: 3 node executions face each other and nothing differs but what is ignored.');
});

test('diff: another input differs (exit 1), and says at which keys', HANG_GUARD, async () => {
  const golden = await goldenRun();
  const other = await record('hedgehogs', 'simple', { ...SIMPLE, topic: 'hedgehogs' });
  const r = await cli(['diff', golden, other]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  // plan wrote the topic into the outline, a note and a message; research found facts on it, write
  // drafted them, review approved as before.
  assert.equal(lastLine(r.stdout), 'DIFFERENT: input at topic; writes at draft, messages, notes, outline, topic; state at draft, messages, notes, outline; final state at draft, messages, notes, outline, topic.');
  assert.match(r.stdout, /^Input differs at topic:\n {2}≠ topic: "otters" → "hedgehogs"$/m);
  assert.match(r.stdout, /^≠ {2}plan +1 {2}1 → 1 .*\n {6}wrote differently:\n(?: {8}.*\n)*? {8}≠ topic: "otters" → "hedgehogs"$/m);
  assert.match(r.stdout, /^≠ {2}plan +1 {2}1 → 1 .*\n {6}wrote differently:\n(?: {8}.*\n)*? {8}≠ outline\[0\]: "what otters are" → "what hedgehogs are"$/m);
  assert.match(r.stdout, /^~ {2}review +1 {2}4 → 4 .*\n= same/m, "review wrote the same, in a state that differs from earlier");

  const json = JSON.parse((await cli(['diff', golden, other, '--json'])).stdout);
  assert.equal(json.equivalent, false);
  assert.deepEqual(json.rows.map((x: { kind: string }) => x.kind), ['differs', 'differs', 'differs', 'same']);
  assert.deepEqual(json.input.differs, ['topic']);
  assert.deepEqual(json.finalState[0].differs, ['draft', 'messages', 'notes', 'outline', 'topic']);

  // Leaving those keys out (comma-separated and repeated): equivalent, and the output says so.
  const ignored = await cli(['diff', golden, other, '--ignore', 'topic,outline', '--ignore=notes,draft', '--ignore', 'messages.*.content']);
  assert.equal(ignored.code, 0, ignored.stdout);
  assert.match(ignored.stdout, /^Ignored \(--ignore\): topic, outline, notes, draft, messages\.\*\.content$/m);
});

test('diff: a damaged or unreadable file, or bad arguments, exit 2 naming what is wrong', HANG_GUARD, async () => {
  const golden = await goldenRun();
  const lines = readFileSync(golden, 'utf8').split('\n');
  const damaged = join(dir, 'damaged.jsonl');
  // A recording cut off in its 5th line, as a killed recorder leaves it.
  writeFileSync(damaged, [...lines.slice(0, 4), lines[4].slice(0, Math.floor(lines[4].length / 2))].join('\n'));
  const r = await cli(['diff', golden, damaged]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^langgraph-timeline: ${damaged.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 5: not JSON \\(.+\\) \\(a damaged or truncated recording\\?\\)\\n$`));

  const missing = await cli(['diff', join(dir, 'nope.jsonl'), golden]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, `langgraph-timeline: cannot read ${join(dir, 'nope.jsonl')} (ENOENT)\n`);

  const notOne = join(dir, 'notes.txt');
  writeFileSync(notOne, '{"hello":"world"}\n');
  const wrong = await cli(['diff', golden, notOne]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /: line 1: the first line must describe the run/);

  const one = await cli(['diff', golden]);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /^langgraph-timeline: diff needs two recordings \(A\.jsonl B\.jsonl\), got 1\nUsage:\n {2}langgraph-timeline diff /);
  const badPath = await cli(['diff', golden, golden, '--ignore', 'a..b']);
  assert.equal(badPath.code, 2);
  assert.match(badPath.stderr, /^langgraph-timeline: --ignore "a\.\.b": /);
});
