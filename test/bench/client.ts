// `npm run bench:client`: one synthetic updates-mode run (≥ 20,000 events, ~30 MB) served on
// loopback in random-sized chunks, read side by side by
//   - this client (LangGraphClient.streamRun),
//   - @langchain/langgraph-sdk's runs.stream (the official client),
//   - a bare baseline: undici + eventsource-parser + JSON.parse, nothing else.
// Each reader runs in its own child process (so peak memory is its own), several rounds in a
// rotating order; the server stays in this process on the other core. A benchmark, not a test:
// it prints figures and says whether the targets were met; it never fails a build.
// Then the same stream recorded by whole processes (processes.ts): the `record` CLI, a bare
// process and an SDK process. BENCH_PART=inprocess or BENCH_PART=process runs one half only.
import { fork } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BARE_REQUEST, EVENTS, chunkSizes, makeBody, serve } from './syntheticRun';
import { compareProcesses } from './processes';

const ROUNDS = 4;
const PROCESS_ROUNDS = Number(process.env.BENCH_PROCESS_ROUNDS) || 7;
const PART = process.env.BENCH_PART;
const RUNS_PER_CHILD = 6;
/** Runs per process not measured: the JIT and the heap settle over the first few 30 MB runs. */
const WARMUP = 3;
const CONTENDERS = ['client', 'sdk', 'bare'] as const;
type Contender = (typeof CONTENDERS)[number];
const LABEL: Record<Contender, string> = { client: 'this client', sdk: '@langchain/langgraph-sdk', bare: 'bare baseline' };

interface ChildResult {
  contender: Contender;
  ms: number[];
  events: number;
  checksum: number;
  idleRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
}

// ---- the readers (child process) -------------------------------------------------------------
function stepOf(data: unknown): number {
  if (!data || typeof data !== 'object') return 0;
  const v = Object.values(data as Record<string, { step?: number }>)[0];
  return typeof v?.step === 'number' ? v.step : 0;
}

type Reader = () => Promise<{ events: number; checksum: number }>;

async function makeReader(contender: Contender, url: string): Promise<Reader> {
  if (contender === 'client') {
    const { LangGraphClient } = await import('../../src/client');
    const client = new LangGraphClient({ url });
    return async () => {
      let events = 0;
      let checksum = 0;
      for await (const ev of client.streamRun('bench-thread', { assistantId: 'bench', input: {}, streamMode: ['updates'] })) {
        if (ev.event !== 'updates') continue;
        events++;
        checksum += stepOf(ev.data);
      }
      return { events, checksum };
    };
  }
  if (contender === 'sdk') {
    // require, not import(): the bundle leaves the SDK external, and only require honours NODE_PATH.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require('@langchain/langgraph-sdk') as typeof import('@langchain/langgraph-sdk');
    const client = new Client({ apiUrl: url });
    return async () => {
      let events = 0;
      let checksum = 0;
      for await (const chunk of client.runs.stream('bench-thread', 'bench', { input: {}, streamMode: 'updates' })) {
        if (chunk.event !== 'updates') continue;
        events++;
        checksum += stepOf(chunk.data);
      }
      return { events, checksum };
    };
  }
  const { Agent, request } = await import('undici');
  const { createParser } = await import('eventsource-parser');
  const dispatcher = new Agent({ bodyTimeout: 0 });
  return async () => {
    let events = 0;
    let checksum = 0;
    const parser = createParser({
      onEvent(ev) {
        if (ev.event !== 'updates') return;
        events++;
        checksum += stepOf(JSON.parse(ev.data));
      },
    });
    const res = await request(`${url}${BARE_REQUEST.path}`, { ...BARE_REQUEST.init, dispatcher });
    const decoder = new TextDecoder();
    for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    return { events, checksum };
  };
}

async function child(contender: Contender, url: string): Promise<void> {
  const read = await makeReader(contender, url);
  const mb = (n: number) => n / 1024 / 1024;
  const idleRssMb = mb(process.memoryUsage().rss);
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
  const ms: number[] = [];
  let last = { events: 0, checksum: 0 };
  for (let i = 0; i < RUNS_PER_CHILD; i++) {
    const t0 = process.hrtime.bigint();
    last = await read();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  clearInterval(sampler);
  const result: ChildResult = {
    contender, ms, ...last, idleRssMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: mb(peakHeap),
  };
  process.send!(result);
  process.exit(0);
}

// ---- the driver ------------------------------------------------------------------------------
/**
 * The readers run from a private copy of this bundle: another build in the same checkout empties
 * dist/ at its start, which would pull the file from under a benchmark that forks it.
 */
let self = __filename;
function privateCopy(): void {
  const dir = mkdtempSync(join(tmpdir(), 'lgt-bench-'));
  copyFileSync(__filename, join(dir, 'client.js'));
  self = join(dir, 'client.js');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}

function runChild(contender: Contender, url: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    // The copy lives outside the repo: let it find the SDK (left external) in the repo's modules.
    const env = { ...process.env, NODE_PATH: join(__dirname, '..', '..', '..', 'node_modules') };
    const p = fork(self, ['--child', contender, url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
    let got: ChildResult | undefined;
    p.on('message', (m) => (got = m as ChildResult));
    p.on('exit', (code) => (got ? resolve(got) : reject(new Error(`${contender} reader exited with ${code}`))));
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  privateCopy();
  const body = makeBody();
  const sizes = chunkSizes(body.length);
  const MB = body.length / 1024 / 1024;
  const server = await serve(body, sizes);
  console.log(`synthetic updates-mode run: ${num(EVENTS + 1)} events (${num(EVENTS)} updates), ${num(MB, 1)} MB, ${num(sizes.length)} chunks of 1 B–64 KB (mean ${num(body.length / sizes.length / 1024, 1)} KB)`);
  console.log(`Node ${process.version}`);
  try {
    if (PART !== 'process') await inProcess(server.url, MB);
    if (PART !== 'inprocess') await compareProcesses(server.url, { rounds: PROCESS_ROUNDS, events: EVENTS });
  } finally {
    await server.close();
  }
}

async function inProcess(url: string, MB: number): Promise<void> {
  console.log(`\nin process: ${ROUNDS} rounds × ${RUNS_PER_CHILD} runs per reader (the first ${WARMUP} of each round warm up and are not counted), each reader in its own process`);
  const results: Record<Contender, ChildResult[]> = { client: [], sdk: [], bare: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]);
    for (const c of order) results[c].push(await runChild(c, url));
  }
  const summary = CONTENDERS.map((c) => {
    const rs = results[c];
    const measured = rs.flatMap((r) => r.ms.slice(WARMUP));
    const ms = median(measured);
    return {
      c, ms,
      best: Math.min(...measured),
      cold: median(rs.map((r) => r.ms[0])),
      eps: (EVENTS / ms) * 1000,
      mbs: (MB / ms) * 1000,
      peakRss: Math.max(...rs.map((r) => r.peakRssMb)),
      idleRss: median(rs.map((r) => r.idleRssMb)),
      peakHeap: Math.max(...rs.map((r) => r.peakHeapMb)),
      events: rs[0].events,
      checksum: rs[0].checksum,
      consistent: rs.every((r) => r.events === EVENTS && r.checksum === rs[0].checksum),
    };
  });
  const expectedSum = (EVENTS * (EVENTS + 1)) / 2;
  console.log(`${pad('reader', 26)}${pad('median ms', 11)}${pad('best ms', 9)}${pad('events/s', 12)}${pad('MB/s', 9)}${pad('peak RSS', 11)}${pad('idle RSS', 11)}${pad('peak heap', 11)}all events`);
  for (const s of summary) {
    console.log(
      `${pad(LABEL[s.c], 26)}${pad(num(s.ms), 11)}${pad(num(s.best), 9)}${pad(num(s.eps), 12)}${pad(num(s.mbs, 1), 9)}${pad(`${num(s.peakRss)} MB`, 11)}${pad(`${num(s.idleRss)} MB`, 11)}${pad(`${num(s.peakHeap)} MB`, 11)}${s.consistent && s.checksum === expectedSum ? 'yes' : `NO (${s.events}, checksum ${s.checksum})`}`,
    );
  }
  const [client, sdk, bare] = summary;
  const vsSdk = sdk.ms / client.ms;
  const vsBare = client.ms / bare.ms;
  console.log('');
  console.log('events/s and MB/s from the median time; targets judged on medians (best-of ratios beside them: noise only adds time)');
  console.log(`throughput, this client vs the SDK:   ${num(vsSdk, 2)}× (best ${num(sdk.best / client.best, 2)}×)  target ≥ 2.5×   ${vsSdk >= 2.5 ? 'met' : 'MISSED'}`);
  console.log(`time, this client vs the baseline:    ${num(vsBare, 2)}× (best ${num(client.best / bare.best, 2)}×)  target ≤ 1.25×  ${vsBare <= 1.25 ? 'met' : 'MISSED'}`);
  console.log(`cold (first run in a fresh process, median): client ${num(client.cold)} ms, SDK ${num(sdk.cold)} ms, baseline ${num(bare.cold)} ms → ${num(client.cold / bare.cold, 2)}× the baseline, ${num(sdk.cold / client.cold, 2)}× faster than the SDK`);
  console.log(`peak RSS above idle: client ${num(client.peakRss - client.idleRss)} MB, SDK ${num(sdk.peakRss - sdk.idleRss)} MB, baseline ${num(bare.peakRss - bare.idleRss)} MB`);
}

const i = process.argv.indexOf('--child');
if (i >= 0) {
  void child(process.argv[i + 1] as Contender, process.argv[i + 2]);
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
