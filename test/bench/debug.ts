// bench:debug — from the server's stop to the Variables view filled, over DAP against the real
// example deployment: the adapter's state read after the run's stream ended (its telemetry), then
// the round trips an editor makes (stackTrace → scopes → variables of State). And a state of
// 10,000 messages: the State scope, then the first page of `messages`, as the view asks for them.
// Prints medians and p95; the target is < 300 ms from the stop to the filled view.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { exampleServer } from '../support/server';
import { examplesDir, launch, nextEvent, startDap } from '../support/dap';

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const fmt = (xs: number[]) => `median ${q(xs, 0.5).toFixed(1)} ms, p95 ${q(xs, 0.95).toFixed(1)} ms (n=${xs.length})`;

async function main(): Promise<void> {
  const server = await exampleServer();
  const url = server.url;
  const read: number[] = [];
  const trips: number[] = [];
  const total: number[] = [];
  const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 6);
  for (let k = 0; k < SESSIONS; k++) {
    const d = await startDap();
    const { dc } = d;
    let lastRead = 0;
    dc.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === 'telemetry') lastRead = Number((e.body.data as { readMs?: number }).readMs ?? 0);
    });
    let ev = nextEvent(dc, 'stopped', 'terminated');
    await launch(d, { url, cwd: examplesDir, request: 'launch', assistant: 'slow', input: { delay_ms: 5 } }, () =>
      dc.setFunctionBreakpointsRequest({ breakpoints: ['crunch', 'refine', 'polish', 'publish'].map((name) => ({ name })) }));
    for (;;) {
      const e = await ev;
      if (e.event === 'terminated') break;
      const t0 = performance.now();
      const st = await dc.stackTraceRequest({ threadId: 1 });
      const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
      await dc.variablesRequest({ variablesReference: sc.body.scopes[0].variablesReference });
      const rt = performance.now() - t0;
      read.push(lastRead);
      trips.push(rt);
      total.push(lastRead + rt);
      ev = nextEvent(dc, 'stopped', 'terminated');
      await dc.continueRequest({ threadId: 1 });
    }
    await d.stop();
  }
  console.log(`stop → Variables filled (target < 300 ms): ${fmt(total)}`);
  console.log(`  state read by the adapter after the stop: ${fmt(read)}`);
  console.log(`  stackTrace + scopes + variables round trips: ${fmt(trips)}`);

  // 10,000 messages in the state: stop on entry, open State, then messages' first page.
  const N = 10_000;
  const d = await startDap();
  const { dc } = d;
  const stopped = nextEvent(dc, 'stopped');
  const messages = Array.from({ length: N }, (_, i) => ({ type: 'human', content: `message ${i} ${'x'.repeat(40)}` }));
  await launch(d, { url, cwd: examplesDir, request: 'launch', assistant: 'simple', input: { topic: 'otters', messages }, stopOnEntry: true });
  await stopped;
  const t0 = performance.now();
  const st = await dc.stackTraceRequest({ threadId: 1 });
  const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
  const vars = await dc.variablesRequest({ variablesReference: sc.body.scopes[0].variablesReference });
  const t1 = performance.now();
  const m = vars.body.variables.find((v) => v.name === 'messages')!;
  const page = await dc.variablesRequest({ variablesReference: m.variablesReference, filter: 'indexed', start: 0, count: 100 });
  const t2 = performance.now();
  const last = await dc.variablesRequest({ variablesReference: m.variablesReference, filter: 'indexed', start: N - 100, count: 100 });
  const t3 = performance.now();
  await d.stop();
  console.log(`${N.toLocaleString('en')}-message state: State scope filled in ${(t1 - t0).toFixed(1)} ms (messages: ${m.value}, ${m.indexedVariables} items, paged)`);
  console.log(`  first page of messages (${page.body.variables.length} items): ${(t2 - t1).toFixed(1)} ms; last page: ${(t3 - t2).toFixed(1)} ms (${last.body.variables[99]?.value})`);
  await server.stop();
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
