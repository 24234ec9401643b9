// `npm run bench:diff` (node dist/test/bench/diff.js [events]): `langgraph-timeline diff` of two
// 100,000-event recordings, run as the CLI runs (a child process of the built dist/cli.js), with its
// wall time and peak memory (max RSS). Two pairs:
// - `steps`: test/support/bigRun's run (supersteps of 1–3 parallel nodes, some in a subgraph),
//   and the same run recorded later (every time moved) with three nodes writing something else;
// - `transcript`: an agent loop whose every execution appends a message (the transcript grows to
//   ~33,000 messages, ids differ between the runs), with one answer changed in the middle: the
//   case where comparing the whole state after every node would be quadratic.
// Side by side, in alternating rounds: the baseline, the same two files read and every line
// JSON.parse'd in a bare loop (the floor of any reader of them), and the ratio diff / bare.
// BENCH_PROFILE=1 adds a CPU profile of one diff (node --cpu-prof); BENCH_ROUNDS (3).
// A benchmark, not a test: it prints figures and PASS / MISS against the targets (< 3 s, < 500 MB).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from '../support/bigRun';
import { rng } from '../support/random';
import { printProfile, type CpuProfile } from './cpuProfile';

const EVENTS = Number(process.argv[2]) || 100_000;
const CLI = resolve(__dirname, '..', '..', 'cli.js');
const TARGET_MS = 3000;
const TARGET_MB = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 3;

/** bigRun's recording, later: every time moved by an hour, and three nodes writing another count. */
function stepsPair(): [string, string] {
  const a = generate(Math.ceil(EVENTS / 3));
  const lines = a.split('\n');
  const hour = 3_600_000;
  const b = lines.map((l, i) => (i === 0 || !l ? l : l.replace(/"t":(\d+)\}$/, (_, v: string) => `"t":${Number(v) + hour}}`)));
  for (const at of [0.25, 0.5, 0.75]) {
    let i = Math.floor(lines.length * at);
    while (!b[i].includes('"event":"updates"')) i++;
    const count = b[i].match(/"count":(\d+)/)![0];
    // The update and the task's result carry the same writes.
    for (let j = i; j < i + 8 && j < b.length; j++) if (b[j].includes(count)) b[j] = b[j].replace(count, '"count":-1');
  }
  return [a, b.join('\n')];
}

/** An agent loop as a recording: agent and tools take turns, each appends one message. */
function transcript(seed: number, changeTurn: number): string {
  const r = rng(seed);
  const words = 'the otter river stone graph node state tool call result answer plan draft review'.split(' ');
  const text = (n: number) => Array.from({ length: n }, () => words[Math.floor(r() * words.length)]).join(' ');
  const wr = rng(7); // the same words in both runs: only ids and times differ by seed
  const same = (n: number) => Array.from({ length: n }, () => words[Math.floor(wr() * words.length)]).join(' ');
  const lines: string[] = [];
  let id = 0;
  let t = 1_700_000_000_000 + seed * 1000;
  const ev = (event: string, data: unknown) => lines.push(JSON.stringify({ id: String(id++), event, ns: [], data, t: (t += 1 + Math.floor(r() * 9)) }));
  ev('metadata', { run_id: `run-${seed}`, attempt: 1 });
  for (let turn = 0; id < EVENTS; turn++) {
    const node = turn % 2 ? 'tools' : 'agent';
    const task = `task-${seed}-${turn}`;
    ev('tasks', { id: task, name: node, input: null, triggers: [`branch:to:${node}`] });
    let content = same(20 + (turn % 40));
    if (turn === changeTurn) content = `changed: ${text(5)}`;
    const msg = node === 'agent'
      ? { id: `ai-${seed}-${turn}`, type: 'ai', content, tool_calls: [{ id: `call-${seed}-${turn}`, name: 'search', args: { q: content.slice(0, 20) } }] }
      : { id: `tool-${seed}-${turn}`, type: 'tool', content, tool_call_id: `call-${seed}-${turn - 1}` };
    const writes = { messages: [msg], turn };
    ev('updates', { [node]: writes });
    ev('tasks', { id: task, name: node, result: writes, interrupts: [], error: null });
  }
  const header = { type: 'run', version: 1, assistantId: 'bench', threadId: `thread-${seed}`, runId: `run-${seed}`, streamMode: ['updates', 'tasks'], startedAt: 1_700_000_000_000 };
  return `${JSON.stringify(header)}\n${lines.join('\n')}\n`;
}

interface Figures {
  code: number;
  /** In the child's process, from before it read the files to its end. */
  ms: number;
  /** The child's wall time, node's start included. */
  wallMs: number;
  /** CPU time of the child (user + system): what a busy machine does not inflate the way it does wall time. */
  cpuMs: number;
  maxRssMb: number;
  lastLine: string;
}

/** The CLI's diff, as CI runs it. */
const diffProbe = (a: string, b: string) => `const t=performance.now();require(${JSON.stringify(CLI)}).main(['diff',${JSON.stringify(a)},${JSON.stringify(b)}]).then((code)=>done(code,t));`;

/**
 * The baseline, side by side: the same two files read and every line given to JSON.parse, in a
 * loop with nothing else — what any reader of the recordings pays before it compares anything.
 */
const bareProbe = (a: string, b: string) => `const t=performance.now();const fs=require('fs');let n=0;for(const f of [${JSON.stringify(a)},${JSON.stringify(b)}]){const s=fs.readFileSync(f,'utf8');for(let p=0;p<s.length;){let e=s.indexOf('\\n',p);if(e<0)e=s.length;if(e>p){JSON.parse(s.slice(p,e));n++;}p=e+1;}}process.stdout.write(n+' lines parsed\\n');done(0,t);`;

/** A probe in a child process; the child reports its own time and peak RSS. */
function runChild(probe: string, nodeArgs: string[] = []): Promise<Figures> {
  const done = `function done(code,t){const ms=performance.now()-t;const u=process.resourceUsage();process.stdout.write('\\n'+JSON.stringify({code,ms,maxRss:u.maxRSS,cpuMs:(u.userCPUTime+u.systemCPUTime)/1000}));}`;
  const t0 = performance.now();
  return new Promise((res, rej) => {
    execFile(process.execPath, [...nodeArgs, '-e', `${done}${probe}`], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return rej(new Error(`${err.message}\n${stderr}`));
      const wallMs = performance.now() - t0;
      const lines = stdout.trimEnd().split('\n');
      const f = JSON.parse(lines.pop()!) as { code: number; ms: number; maxRss: number; cpuMs: number };
      res({ code: f.code, ms: f.ms, wallMs, cpuMs: f.cpuMs, maxRssMb: f.maxRss / 1024, lastLine: lines.filter(Boolean).at(-1) ?? '' });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** BENCH_PROFILE=1: one more diff under node --cpu-prof, its functions by self time. */
async function profile(dir: string, name: string, fa: string, fb: string): Promise<void> {
  const out = join(dir, `prof-${name}`);
  await runChild(diffProbe(fa, fb), ['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=200']);
  const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'))!;
  printProfile(JSON.parse(readFileSync(join(out, file), 'utf8')) as CpuProfile, `  CPU profile of one diff (self time, top 15):`, 15, '    ');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lgt-bench-diff-'));
  let missed = false;
  try {
    const pairs: [string, [string, string]][] = [
      ['steps', stepsPair()],
      ['transcript', [transcript(1, -1), transcript(2, Math.floor(EVENTS / 6))]],
    ];
    console.log(`diff of two ${EVENTS.toLocaleString('en')}-event recordings (node ${process.version}, the built CLI in a child process; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs)`);
    console.log(`baseline, side by side: the same two files read and every line JSON.parse'd in a bare loop (child process too); ${ROUNDS} alternating rounds`);
    for (const [name, [ta, tb]] of pairs) {
      const fa = join(dir, `${name}-a.jsonl`);
      const fb = join(dir, `${name}-b.jsonl`);
      writeFileSync(fa, ta);
      writeFileSync(fb, tb);
      const mb = (statSync(fa).size + statSync(fb).size) / 1048576;
      const runs: Figures[] = [];
      const bare: Figures[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        runs.push(await runChild(diffProbe(fa, fb)));
        bare.push(await runChild(bareProbe(fa, fb)));
      }
      const ms = median(runs.map((r) => r.ms));
      const med = runs.find((r) => r.ms === ms)!;
      const bareMs = median(bare.map((r) => r.ms));
      const cpu = median(runs.map((r) => r.cpuMs));
      const bareCpu = median(bare.map((r) => r.cpuMs));
      const peak = Math.max(...runs.map((r) => r.maxRssMb));
      const barePeak = Math.max(...bare.map((r) => r.maxRssMb));
      const timeOk = ms < TARGET_MS;
      const memOk = peak < TARGET_MB;
      missed ||= !timeOk || !memOk;
      console.log(`\n${name}: ${mb.toFixed(1)} MB of recordings, exit ${med.code}`);
      console.log(`  time:   ${runs.map((r) => `${Math.round(r.ms)}`).join(', ')} ms (median ${Math.round(ms)} ms; ${Math.round(med.wallMs)} ms with node's start)  target < ${TARGET_MS} ms: ${verdict(timeOk)}`);
      console.log(`          bare parse ${Math.round(bareMs)} ms → diff / bare ${(ms / bareMs).toFixed(2)}×`);
      console.log(`  cpu:    ${Math.round(cpu)} ms of CPU time (user + system, the garbage collector's threads included); bare parse ${Math.round(bareCpu)} ms → ${(cpu / bareCpu).toFixed(2)}×`);
      console.log(`  memory: peak RSS ${Math.round(peak)} MB  target < ${TARGET_MB} MB: ${verdict(memOk)}  (bare parse ${Math.round(barePeak)} MB)`);
      console.log(`  it said: ${med.lastLine.slice(0, 200)}`);
      if (process.env.BENCH_PROFILE) await profile(dir, name, fa, fb);
    }
    console.log(`\n${missed ? 'MISS: a target was missed' : 'PASS: every target met'} (load average now ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
