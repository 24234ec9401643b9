// The recorder CLI (dist/cli.js, the package bin) against the real dev server: what it writes,
// how it exits, and that it rides the same resilient client (through the fault proxy).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LangGraphClient, isRecord, fromServer } from '../../src/client';
import { parseRecording } from '../../src/shared/recording';
import { repoRoot, useExampleServer } from '../support/server';
import { startFaultProxy } from '../support/faultProxy';
import { HANG_GUARD, assertConsecutiveIds, collect, freePort, wire } from '../support/runs';
import { copyBuiltCli } from '../support/cli';


let CLI = '';
let url = '';
let client: LangGraphClient;
let dir = '';
useExampleServer((s) => {
  url = s.url;
  client = s.client;
});

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lgt-cli-'));
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

test('record: a first line describing the run, then one line per event with id, event, ns, parsed data and receive time', HANG_GUARD, async () => {
  const out = join(dir, 'simple.jsonl');
  const r = await cli(['record', '--url', url, '--assistant', 'simple', '--input', '{"topic":"otters"}', '--stream-mode', 'updates,tasks', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const head = lines[0];
  assert.equal(head.type, 'run');
  assert.equal(head.url, url);
  assert.equal(head.assistantId, 'simple');
  assert.deepEqual(head.streamMode, ['updates', 'tasks']);
  assert.deepEqual(head.input, { topic: 'otters' });
  assert.match(String(head.threadId), /^[0-9a-f-]{36}$/);
  assert.match(String(head.runId), /^[0-9a-f-]{36}$/, 'the run id is known when the first line is written');
  const events = lines.slice(1);
  for (const e of events) {
    assert.deepEqual(Object.keys(e).sort(), ['data', 'event', 'id', 'ns', 't']);
    assert.equal(typeof e.t, 'number');
  }
  assert.equal(events[0].event, 'metadata');
  assert.equal((events[0].data as { run_id: string }).run_id, head.runId);
  assert.deepEqual(events.filter((e) => e.event === 'updates').map((e) => Object.keys(e.data as object)[0]), ['plan', 'research', 'write', 'review']);
  assert.ok(events.some((e) => e.event === 'tasks'));
  assert.equal(r.stderr, `recorded ${events.length} events (thread ${head.threadId}, run ${head.runId}) to ${out}\n`);
  // With --out the first line also carries the thread's final state and history (self-contained).
  const extras = head.extras as { finalState: { values: { topic: string; approved: boolean } }; history: unknown[] };
  assert.equal(extras.finalState.values.topic, 'otters');
  assert.equal(extras.finalState.values.approved, true);
  assert.ok(extras.history.length >= 5, 'the checkpoint history');
  // The file reads back as a recording, and equals the run as the server replays it.
  const rec = parseRecording(readFileSync(out, 'utf8'));
  assertConsecutiveIds(rec.events, assert);
  const replay = await collect(client.joinRun(String(head.threadId), String(head.runId), { lastEventId: '-1' }));
  assert.deepEqual(wire(rec.events), wire(replay));
});

test('record to stdout, subgraphs: namespaces are written as paths', HANG_GUARD, async () => {
  const r = await cli(['record', '--url', url, '--assistant', 'subgraph', '--subgraphs']);
  assert.equal(r.code, 0, r.stderr);
  const rec = parseRecording(r.stdout);
  assert.ok(rec.header.streamSubgraphs);
  const deep = rec.events.find((e) => e.ns.length === 2);
  assert.ok(deep && /^child:/.test(deep.ns[0]) && /^grandchild:/.test(deep.ns[1]));
});

test('record --join replays a finished run; --resume continues an interrupted thread', HANG_GUARD, async () => {
  const thread = await client.createThread();
  const first = await cli(['record', '--url', url, '--assistant', 'interrupt', '--thread', thread.thread_id, '--input', '{"request":"refund"}']);
  assert.equal(first.code, 0, 'stopping at an interrupt is not a failure');
  const rec = parseRecording(first.stdout);
  const runId = String(rec.header.runId);
  assert.ok(isRecord(rec.events.at(-1)!.data) && '__interrupt__' in (rec.events.at(-1)!.data as object));

  const joined = await cli(['record', '--url', url, '--assistant', 'interrupt', '--thread', thread.thread_id, '--join', runId]);
  assert.equal(joined.code, 0, joined.stderr);
  const replay = parseRecording(joined.stdout).events;
  // The run had ended: the recording says it is a replay (drawn from the server's times), then the same events.
  assert.deepEqual(replay[0].data, { kind: 'input', input: { request: 'refund' }, runId, replay: true });
  assert.deepEqual(wire(fromServer(replay)), wire(rec.events));

  const input = join(dir, 'resume.json');
  writeFileSync(input, JSON.stringify({ decision: 'reject' }));
  const resumed = await cli(['record', '--url', url, '--assistant', 'interrupt', '--thread', thread.thread_id, '--resume', `@${input}`]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const after = parseRecording(resumed.stdout);
  assert.notEqual(after.header.runId, runId);
  const finish = after.events.find((e) => e.event === 'updates' && isRecord(e.data) && 'finish' in e.data);
  assert.equal(((finish!.data as Record<string, Record<string, unknown>>).finish).outcome, 'rejected');
});

test('record through a connection that keeps dropping: the same file as an uninterrupted recording', HANG_GUARD, async () => {
  const proxy = await startFaultProxy({ target: url, plan: [{ at: 700 }, { at: 1500, how: 'rst' }, { at: 900 }] });
  try {
    const r = await cli(['record', '--url', proxy.url, '--assistant', 'slow', '--input', '{"delay_ms":100}', '--stream-mode', 'updates,custom,values']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(proxy.requests.filter((q) => q.applied).length, 3);
    assert.equal(r.stderr.match(/^reconnecting \(attempt 1\) after event \d+: The connection to http:\/\/127\.0\.0\.1:\d+ dropped \(.+\)\.$/gm)?.length, 3, r.stderr);
    const rec = parseRecording(r.stdout);
    assertConsecutiveIds(rec.events, assert);
    const replay = await collect(client.joinRun(String(rec.header.threadId), String(rec.header.runId), { lastEventId: '-1' }));
    assert.deepEqual(wire(rec.events), wire(replay));
  } finally {
    await proxy.close();
  }
});

test('failures exit non-zero with one clear line', HANG_GUARD, async () => {
  const failing = await cli(['record', '--url', url, '--assistant', 'failing', '--input', '{}']);
  assert.equal(failing.code, 3);
  assert.match(failing.stderr, /\nThe run failed: Error: tool backend unavailable: simulated failure\n$/);
  assert.equal(parseRecording(failing.stdout).events.at(-1)!.event, 'error', 'the error event is recorded too');

  const port = await freePort();
  const dead = await cli(['record', '--url', `http://127.0.0.1:${port}`, '--assistant', 'simple']);
  assert.equal(dead.code, 1);
  assert.equal(dead.stderr, `langgraph-timeline: No LangGraph server at http://127.0.0.1:${port} — is \`langgraph dev\` running there?\n`);

  const unknown = await cli(['record', '--url', url, '--assistant', 'no-such-graph']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^langgraph-timeline: Start run on thread \S+: not found \(404\) — No assistant found for "no-such-graph"\. .*\n$/);
  assert.equal(unknown.stderr.split('\n').length, 2, 'one line');

  const usage = await cli(['record', '--url', url, '--assistant', 'simple', '--stream-mode', 'updates,nonsense']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^langgraph-timeline: unknown stream mode nonsense \(known: /);
  const badInput = await cli(['record', '--url', url, '--assistant', 'simple', '--input', '@/nonexistent/input.json']);
  assert.equal(badInput.code, 2);
  assert.match(badInput.stderr, /^langgraph-timeline: --input @\/nonexistent\/input\.json: cannot read the file \(ENOENT\)\n/);
  // The other commands live in a bundle of their own (cli-commands.js): their bad arguments are 2 too.
  const noFile = await cli(['show']);
  assert.equal(noFile.code, 2, noFile.stderr);
  assert.match(noFile.stderr, /^langgraph-timeline: show needs a FILE\n/);
});
