#!/usr/bin/env node
// Record the run-model fixtures from the real example deployment:
//   node scripts/recordFixtures.mjs [--url URL] [--only NAME,...]
// Starts `langgraphjs dev` on a free port (unless --url is given), records each run with the
// CLI recorder (`dist/cli.js record`, `--resume` for the run after an interrupt), then stores in the recording header's `extras` what the
// model reconciles against offline: the thread's final state (GET /threads/{t}/state), its
// checkpoint history (POST /threads/{t}/history) and the graph's state schema. Writes
// test/fixtures/recordings/<name>.jsonl. Receive times vary run to run; tests assert structure.
//
// extras are trimmed to what the model reads (values, next, tasks, step metadata, checkpoint ids):
// the server's per-checkpoint config and run metadata would triple the files' size.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureExampleDeps, startExampleServer } from './exampleServer.mjs';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'test', 'fixtures', 'recordings');
const BUILT_CLI = path.join(ROOT, 'dist', 'cli.js');
// A private copy of the bundled CLI: other builds in this checkout wipe dist/ while we record.
let CLI = BUILT_CLI;

const human = (content) => ({ messages: [{ role: 'human', content }] });
/** name → what to record. `resume`: a second run on the same thread with command.resume. */
const FIXTURES = [
  { name: 'simple-updates', graph: 'simple', modes: ['updates'], input: { topic: 'otters', ...human('Write a short piece about otters') } },
  { name: 'simple-updates-tasks', graph: 'simple', modes: ['updates', 'tasks'], input: { topic: 'otters', ...human('Write a short piece about otters') } },
  { name: 'simple-updates-values', graph: 'simple', modes: ['updates', 'values'], input: { topic: 'otters', ...human('Write a short piece about otters') } },
  { name: 'subgraph-updates-subgraphs', graph: 'subgraph', modes: ['updates'], subgraphs: true, input: human('go deep') },
  { name: 'interrupt-resume-updates', graph: 'interrupt', modes: ['updates'], input: { request: 'refund for order 42' }, resume: { decision: 'approve' } },
  { name: 'failing-updates', graph: 'failing', modes: ['updates'], input: human('search the docs') },
  { name: 'parallel-updates-tasks', graph: 'parallel', modes: ['updates', 'tasks'], input: { query: 'otters' } },
  { name: 'parallel-updates', graph: 'parallel', modes: ['updates'], input: { query: 'otters' } },
  { name: 'parallel-all-modes', graph: 'parallel', modes: ['updates', 'tasks', 'values', 'checkpoints', 'debug'], input: { query: 'otters' } },
  { name: 'fanout-updates-tasks', graph: 'fanout', modes: ['updates', 'tasks'], input: { topic: 'otters' } },
  { name: 'agent-updates-values', graph: 'agent', modes: ['updates', 'values'], input: human('What is 6 * 7, and what is the capital of France?') },
  // Pairs for comparing runs (src/shared/compare): a wider fan-out of the same graph, and the
  // agent taking its other branch (an answer without tools).
  { name: 'fanout4-updates-tasks', graph: 'fanout', modes: ['updates', 'tasks'], input: { topic: 'otters', delays_ms: [120, 1, 250, 5] } },
  { name: 'agent-hi-updates-values', graph: 'agent', modes: ['updates', 'values'], input: human('hi') },
  // What the LLM did: the fake model's chunks (with usage and a model name) beside the updates.
  { name: 'agent-llm-updates-messages', graph: 'agent', modes: ['updates', 'messages-tuple'], input: human('What is 6 * 7, and what is the capital of France?') },
  { name: 'agent-llm-updates-tasks-messages', graph: 'agent', modes: ['updates', 'tasks', 'messages-tuple'], input: human('hi there') },
  // The model's one truly wrong assumption: `messages` merged by id, where the graph trims them.
  { name: 'trimmed-updates', graph: 'trimmed', modes: ['updates'], input: human('hi') },
  // Cancel Run while `crunch` sleeps: the run ends `cancelled`, crunch cut short.
  { name: 'slow-cancelled', graph: 'slow', modes: ['updates', 'tasks'], input: { delay_ms: 600 }, cancelAt: 'crunch' },
];

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function getJson(url, body) {
  const res = await fetch(url, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${body === undefined ? 'GET' : 'POST'} ${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

function pick(o, keys) {
  if (!o || typeof o !== 'object') return o;
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

function trimCheckpoint(e) {
  return {
    ...pick(e, ['values', 'next', 'created_at']),
    tasks: (e.tasks ?? []).map((t) => pick(t, ['id', 'name', 'path', 'error', 'interrupts', 'result'])),
    metadata: pick(e.metadata, ['source', 'step', 'parents', 'run_id']),
    checkpoint: pick(e.checkpoint, ['checkpoint_id', 'checkpoint_ns']),
    parent_checkpoint: e.parent_checkpoint ? pick(e.parent_checkpoint, ['checkpoint_id', 'checkpoint_ns']) : null,
  };
}

function trimSchemas(s) {
  const props = s?.state_schema?.properties ?? {};
  const slim = {};
  for (const [k, p] of Object.entries(props)) {
    slim[k] = pick(p, ['type']);
    if (p.items) slim[k].items = pick(p.items, ['type', '$ref']);
  }
  return { graph_id: s?.graph_id, state_schema: { type: 'object', properties: slim } };
}

async function recordOne(url, fx) {
  const file = path.join(OUT, `${fx.name}.jsonl`);
  const args = [CLI, 'record', '--url', url, '--assistant', fx.graph, '--input', JSON.stringify(fx.input), '--stream-mode', fx.modes.join(','), '--out', file];
  if (fx.subgraphs) args.push('--subgraphs');
  if (fx.cancelAt) await recordCancelled(url, fx, args, file);
  else {
    try {
      await run(process.execPath, args, { cwd: ROOT });
    } catch (e) {
      // Exit code 3: the run ended with an error event — expected for the failing graph.
      if (e.code !== 3) throw new Error(`record ${fx.name} failed (exit ${e.code}): ${e.stderr}`);
    }
  }
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const header = JSON.parse(lines[0]);
  const events = lines.slice(1);
  const runId = events.map((l) => JSON.parse(l)).find((e) => e.event === 'metadata')?.data?.run_id ?? null;
  const runs = [{ runId, input: fx.input }];
  if (fx.resume !== undefined) {
    // The resume is a second run on the same thread; its events follow the first run's in one
    // file (its `metadata` event starts it), so the model shows the interrupt and what followed.
    const second = path.join(path.dirname(CLI), `${fx.name}-resume.jsonl`);
    await run(process.execPath, [CLI, 'record', '--url', url, '--assistant', fx.graph, '--thread', header.threadId, '--resume', JSON.stringify(fx.resume), '--stream-mode', fx.modes.join(','), '--out', second], { cwd: ROOT });
    const more = fs.readFileSync(second, 'utf8').trim().split('\n').slice(1);
    const r2 = more.map((l) => JSON.parse(l)).find((e) => e.event === 'metadata')?.data?.run_id ?? null;
    runs.push({ runId: r2, command: { resume: fx.resume } });
    events.push(...more);
  }
  const t = header.threadId;
  const [state, history, schemas] = await Promise.all([
    getJson(`${url}/threads/${t}/state`),
    getJson(`${url}/threads/${t}/history`, { limit: 100 }),
    getJson(`${url}/assistants/${fx.graph}/schemas`),
  ]);
  header.runId ??= runId;
  header.url = 'http://127.0.0.1:PORT'; // the port differs per recording; keep fixtures stable
  header.extras = { finalState: trimCheckpoint(state), history: history.map(trimCheckpoint), schemas: trimSchemas(schemas), runs };
  fs.writeFileSync(file, [JSON.stringify(header), ...events].join('\n') + '\n');
  const kb = (fs.statSync(file).size / 1024).toFixed(1);
  console.log(`${fx.name}: ${events.length} events, ${kb} KB`);
}

/**
 * Record until the node `fx.cancelAt` has started, cancel the run on the server the way Cancel Run
 * does (`action=interrupt`), and end the file with the `lgt/cancelled` event the extension's host
 * writes when a run it cancelled ends.
 */
async function recordCancelled(url, fx, args, file) {
  fs.rmSync(file, { force: true }); // not the last recording's events
  const child = execFile(process.execPath, args, { cwd: ROOT });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((res, rej) => child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`record ${fx.name} failed (exit ${code}): ${stderr}`)))));
  const lines = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.endsWith('}')) : []);
  let runId = null;
  for (let waited = 0; !runId; waited += 50) {
    if (waited > 60_000) throw new Error(`${fx.name}: ${fx.cancelAt} did not start within a minute`);
    await new Promise((r) => setTimeout(r, 50));
    const events = lines().slice(1).map((l) => JSON.parse(l));
    const started = events.some((e) => e.event === 'tasks' && e.data?.name === fx.cancelAt && !('result' in e.data));
    if (started) runId = events.find((e) => e.event === 'metadata')?.data?.run_id ?? null;
  }
  const { threadId } = JSON.parse(lines()[0]);
  const res = await fetch(`${url}/threads/${threadId}/runs/${runId}/cancel?wait=true&action=interrupt`, { method: 'POST' });
  if (!res.ok) throw new Error(`cancel ${fx.name}: HTTP ${res.status} ${await res.text()}`);
  const t = Date.now();
  await exited;
  fs.appendFileSync(file, JSON.stringify({ id: null, event: 'lgt/cancelled', ns: [], data: { runId }, t }) + '\n');
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const only = arg('only')?.split(',');
  let url = arg('url');
  let server;
  if (!fs.existsSync(BUILT_CLI) || !process.argv.includes('--no-build')) {
    await run(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgt-fixtures-'));
  CLI = path.join(tmp, 'cli.js');
  // The bin and the bundle of its other commands (dist/cli-commands.js), which it loads beside it.
  for (const f of ['cli.js', 'cli-commands.js']) fs.copyFileSync(path.join(path.dirname(BUILT_CLI), f), path.join(tmp, f));
  if (!url) {
    await ensureExampleDeps({ log: (m) => console.error(m) });
    server = await startExampleServer({ log: (m) => console.error(m) });
    url = server.url;
  }
  try {
    for (const fx of FIXTURES) if (!only || only.includes(fx.name)) await recordOne(url, fx);
  } finally {
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
