// The whole-process half of `bench:client`: what a person waits for when they run the recorder.
// Side by side, alternately, each a fresh process against the same loopback stream, each writing
// a recording file:
//   - `langgraph-timeline record` (the built CLI, as the package's bin runs it),
//   - the bare limit (bareRecorder.ts: undici + eventsource-parser + JSON.parse, the same lines),
//   - a recorder on @langchain/langgraph-sdk (sdkRecorder.ts),
//   - with BENCH_RECORD_BEFORE=path/to/cli.js, another build of the CLI (e.g. main's), for a
//     before/after of a change measured side by side.
// Wall time from spawn to exit, so start-up and bundle loading count. Prints figures; never fails.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ALL = ['record', 'bare', 'sdk', 'before'] as const;
type Proc = (typeof ALL)[number];
const BEFORE = process.env.BENCH_RECORD_BEFORE;
const PROCESSES = ALL.filter((p) => p !== 'before' || BEFORE);
const PLABEL: Record<Proc, string> = { record: 'langgraph-timeline record', bare: 'bare process', sdk: 'SDK process', before: 'record, BENCH_RECORD_BEFORE' };
const RECORD_ARGS = ['record', '--assistant', 'bench', '--thread', 'bench-thread', '--no-extras'];

/** The built files, copied aside: another build in this checkout empties dist/ at its start. */
function copies(): { dir: string; argv: (p: Proc, url: string, out: string) => string[] } {
  const dist = join(__dirname, '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'lgt-bench-proc-'));
  for (const f of readdirSync(dist)) if (/^cli.*\.js$/.test(f)) copyFileSync(join(dist, f), join(dir, f));
  for (const f of ['bareRecorder.js', 'sdkRecorder.js']) copyFileSync(join(__dirname, f), join(dir, f));
  return {
    dir,
    argv: (p, url, out) =>
      p === 'record' ? [join(dir, 'cli.js'), ...RECORD_ARGS, '--url', url, '--out', out]
      : p === 'before' ? [BEFORE!, ...RECORD_ARGS, '--url', url, '--out', out]
      : [join(dir, `${p}Recorder.js`), url, out],
  };
}

/** CPU ms of this process's finished children (Linux: cutime + cstime of /proc/self/stat), else NaN. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // fields 16, 17; USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

function spawnTimed(args: string[]): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    // The SDK copy lives outside the repo: let it find the SDK in the repo's modules.
    const env = { ...process.env, NODE_PATH: join(__dirname, '..', '..', '..', 'node_modules') };
    const t0 = process.hrtime.bigint();
    const c0 = childrenCpuMs();
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code === 0) resolve({ ms, cpuMs: childrenCpuMs() - c0 });
      else reject(new Error(`${args[0]} exited with ${code}: ${err.trim()}`));
    });
  });
}

/** What a recording file holds, to check each process wrote every event: count and step sum. */
function check(file: string): { events: number; steps: number } {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  let steps = 0;
  for (const l of lines.slice(1)) {
    const e = JSON.parse(l) as { event: string; data: Record<string, { step?: number }> };
    if (e.event === 'updates') steps += Object.values(e.data)[0]?.step ?? 0;
  }
  return { events: lines.length - 1, steps };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const num = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export async function compareProcesses(url: string, opts: { rounds: number; events: number }): Promise<void> {
  const { dir, argv } = copies();
  const times: Record<Proc, number[]> = { record: [], bare: [], sdk: [], before: [] };
  const cpu: Record<Proc, number[]> = { record: [], bare: [], sdk: [], before: [] };
  const held: Record<Proc, string> = { record: '', bare: '', sdk: '', before: '' };
  try {
    for (let round = 0; round < opts.rounds; round++) {
      const order = PROCESSES.map((_, i) => PROCESSES[(i + round) % PROCESSES.length]);
      for (const p of order) {
        const out = join(dir, `${p}.jsonl`);
        const r = await spawnTimed(argv(p, url, out));
        times[p].push(r.ms);
        cpu[p].push(r.cpuMs);
        if (round === 0) {
          const c = check(out);
          held[p] = c.events === opts.events + 1 && c.steps === (opts.events * (opts.events + 1)) / 2 ? 'yes' : `NO (${c.events} events, step sum ${c.steps})`;
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nwhole processes (spawn to exit, a recording file written), ${opts.rounds} rounds in a rotating order:`);
  console.log(`${'process'.padEnd(30)}${'median ms'.padEnd(11)}${'min–max ms'.padEnd(16)}${'CPU ms'.padEnd(9)}all events`);
  const med = {} as Record<Proc, number>;
  for (const p of PROCESSES) {
    med[p] = median(times[p]);
    console.log(`${PLABEL[p].padEnd(30)}${num(med[p]).padEnd(11)}${`${num(Math.min(...times[p]))}–${num(Math.max(...times[p]))}`.padEnd(16)}${num(median(cpu[p])).padEnd(9)}${held[p]}`);
  }
  const vsBare = med.record / med.bare;
  const vsSdk = med.sdk / med.record;
  // Round by round too: the two of a round ran minutes apart at most, so share the machine's mood.
  const perRound = (f: (i: number) => number) => times.record.map((_, i) => f(i));
  const rb = perRound((i) => times.record[i] / times.bare[i]);
  const sr = perRound((i) => times.sdk[i] / times.record[i]);
  console.log('ratios of the medians of wall time; CPU ms (user + system, median) is what a busy machine inflates least');
  console.log(`CPU: record / bare ${num(median(cpu.record) / median(cpu.bare), 2)}×, SDK / record ${num(median(cpu.sdk) / median(cpu.record), 2)}×`);
  console.log(`record / bare process:  ${num(vsBare, 2)}× (per round ${num(Math.min(...rb), 2)}–${num(Math.max(...rb), 2)}×)  target ≤ 1.25×  ${vsBare <= 1.25 ? 'met' : 'MISSED'}`);
  console.log(`SDK / record process:   ${num(vsSdk, 2)}× (per round ${num(Math.min(...sr), 2)}–${num(Math.max(...sr), 2)}×)  target ≥ 2.5×   ${vsSdk >= 2.5 ? 'met' : 'MISSED'}`);
  if (BEFORE) {
    const bb = perRound((i) => times.before[i] / times.bare[i]);
    const sb = perRound((i) => times.sdk[i] / times.before[i]);
    console.log(`before: record / bare ${num(med.before / med.bare, 2)}× (per round ${num(Math.min(...bb), 2)}–${num(Math.max(...bb), 2)}×), SDK / record ${num(med.sdk / med.before, 2)}× (per round ${num(Math.min(...sb), 2)}–${num(Math.max(...sb), 2)}×); this build takes ${num(med.record / med.before, 2)}× the time`);
  }
}
