// `npm run bench:thread`: opening a thread of 50 runs (a chat), the way Open Run does it now
// (finished runs told from one history request, on the server's clock) against the way it would
// without the history (every run joined from its first event, one after the other), on the real
// example deployment. Both end with the same run model of all 50 runs; the figure is the time
// from the first request to that model. A benchmark, not a test: it prints figures, never fails.
import { LangGraphClient, fetchRunExtras, historyCovers, readHistory, type RunEvent } from '../../src/client';
import { RunModel } from '../../src/shared/runModel';
import { runEventsFromHistory } from '../../src/shared/historyRuns';
import { runStartOf } from '../../src/shared/events';
import { exampleServer } from '../support/server';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const ROUNDS = 3;

async function collect(it: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

/** What Open Run does: the history newest first; the latest run as soon as it is covered, then all. */
async function viaHistory(client: LangGraphClient, threadId: string, t0: number, first: number[]): Promise<RunModel> {
  const runs = (await client.listRuns(threadId, { limit: RUNS })).sort((a, b) => ((a.created_at ?? '') < (b.created_at ?? '') ? -1 : 1));
  const latest = runs[runs.length - 1];
  const history = await readHistory(client, threadId, {
    limit: 1000,
    covers: (h) => historyCovers(h, latest.run_id),
    onFirst: (h) => {
      const m = RunModel.from(runEventsFromHistory(h, latest.run_id, runStartOf(latest.kwargs)), { extras: { history: h } });
      m.end();
      if (m.executions.length) first.push(performance.now() - t0);
    },
  });
  const events = runs.flatMap((r) => runEventsFromHistory(history, r.run_id, runStartOf(r.kwargs)));
  const m = RunModel.from(events, { extras: { history } });
  m.end();
  return m;
}

async function viaJoins(client: LangGraphClient, threadId: string): Promise<RunModel> {
  const runs = (await client.listRuns(threadId, { limit: RUNS })).sort((a, b) => ((a.created_at ?? '') < (b.created_at ?? '') ? -1 : 1));
  const events: RunEvent[] = [];
  for (const r of runs) {
    events.push({ id: null, event: 'lgt/run', ns: [], data: { ...runStartOf(r.kwargs), runId: r.run_id, replay: true }, t: Date.now() });
    for (const e of await collect(client.joinRun(threadId, r.run_id, { lastEventId: '-1' }))) events.push(e);
  }
  const m = RunModel.from(events, { extras: await fetchRunExtras(client, threadId, undefined, 1000) });
  m.end();
  return m;
}

async function main(): Promise<void> {
  const server = await exampleServer();
  const client = new LangGraphClient({ url: server.url });
  try {
    const thread = (await client.createThread()).thread_id;
    process.stdout.write(`building a thread of ${RUNS} runs of "simple" on ${server.url}…`);
    for (let i = 0; i < RUNS; i++) await collect(client.streamRun(thread, { assistantId: 'simple', input: { topic: `turn ${i}`, messages: [{ role: 'human', content: `turn ${i}` }] }, streamMode: ['updates'] }));
    console.log(' done');
    const times: Record<'history' | 'joins', number[]> = { history: [], joins: [] };
    const first: number[] = [];
    let shape = '';
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order, so neither always runs on a warmer server.
      for (const how of round % 2 ? (['joins', 'history'] as const) : (['history', 'joins'] as const)) {
        const t0 = performance.now();
        const m = how === 'history' ? await viaHistory(client, thread, t0, first) : await viaJoins(client, thread);
        times[how].push(performance.now() - t0);
        const s = `${m.summary.runs.length} runs, ${m.executions.length} executions, clock ${m.summary.clock}`;
        if (shape && s !== shape) console.log(`  note: ${how} gave ${s}, the other ${shape}`);
        shape ||= s;
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`thread of ${RUNS} runs: ${shape}`);
    console.log(`  latest run ready      : median ${med(first).toFixed(0)} ms  (${first.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`  told from the history : median ${med(times.history).toFixed(0)} ms  (${times.history.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`  every run joined      : median ${med(times.joins).toFixed(0)} ms  (${times.joins.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`  ratio history / joins : ${(med(times.history) / med(times.joins)).toFixed(2)}×; target: the latest run drawn in < 1 s → ${med(first) < 1000 ? 'met' : 'NOT met'} (model ready; the panel's paint of 4 executions is not included)`);
  } finally {
    await server.stop();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
