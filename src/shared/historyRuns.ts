// A finished run of a thread, told from the thread's checkpoint history alone: what each root
// node wrote (the tasks' `result`), where it stopped (interrupts, errors), on the server's clock
// (each event at the `created_at` of the checkpoint its step wrote). One history request tells
// every older run of a long thread, where joining each run's stream would take a request and a
// replay per run. What history does not keep (subgraph events, custom events, streamed tokens)
// is not invented: such runs say they come from the history. Pure.
import { isRecord, type RunEvent, type RunStart } from './events';
import { ThreadHistory } from './model/history';

/**
 * The events of `runId` as the history tells them, after an `lgt/run` that says so. Empty when
 * the history holds no checkpoint of the run.
 */
export function runEventsFromHistory(history: unknown[], runId: string, start: Omit<RunStart, 'runId' | 'replay' | 'from'>): RunEvent[] {
  const h = new ThreadHistory();
  h.index(history, runId);
  const lineage = h.lineageOf(runId);
  const first = lineage.findIndex((e) => e.runId === runId);
  if (first < 0) return [];
  const t0 = lineage[first].createdAt;
  const at = (t: number) => (Number.isFinite(t) ? t : Number.isFinite(t0) ? t0 : 0);
  const out: RunEvent[] = [
    { id: null, event: 'lgt/run', ns: [], data: { ...start, runId, replay: true, from: 'history' } satisfies RunStart, t: at(t0) },
    { id: null, event: 'metadata', ns: [], data: { run_id: runId, attempt: 1 }, t: at(t0) },
  ];
  // The tasks a checkpoint lists ran in the step the next checkpoint of this run closed.
  for (let k = Math.max(0, first - 1); k < lineage.length; k++) {
    const e = lineage[k];
    const next = lineage[k + 1];
    const ran = next && next.runId === runId;
    const t = at(ran ? next.createdAt : e.createdAt);
    for (const task of e.tasks) {
      if (task.name === '__start__') continue;
      if (ran && task.result !== undefined) out.push({ id: null, event: 'updates', ns: [], data: { [task.name]: task.result }, t });
    }
    if (ran) continue;
    // The run's last checkpoint: what it stopped on.
    const errored = e.tasks.find((x) => x.error !== null && x.error !== undefined);
    const interrupts = e.tasks.flatMap((x) => x.interrupts);
    if (errored && e.runId === runId) {
      const err = isRecord(errored.error) ? errored.error : { message: String(errored.error) };
      out.push({ id: null, event: 'error', ns: [], data: { error: String(err.name ?? err.error ?? 'Error'), message: String(err.message ?? '') }, t });
    } else if (interrupts.length && e.runId === runId) {
      out.push({ id: null, event: 'updates', ns: [], data: { __interrupt__: interrupts }, t });
    }
  }
  return out;
}
