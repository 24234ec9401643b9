// The thread's history as the run model reads it: the root graph's checkpoints by step, each with
// the tasks of the next step, matched against the run's executions to number their supersteps. Pure.
import { isRecord } from '../events';
import type { Execution } from './types';
import { parseError, stripInterrupt } from './helpers';

export interface HistTask {
  id: string;
  name: string;
  error: unknown;
  interrupts: unknown[];
}
export interface HistEntry {
  step: number;
  runId: string | null;
  values: Record<string, unknown>;
  /** Tasks of the NEXT step (step + 1), in the server's order. */
  tasks: HistTask[];
}

const LOOKAHEAD = 64;

export class ThreadHistory {
  entries: HistEntry[] = [];
  byStep = new Map<number, HistEntry>();
  cursor = -1;
  readonly matched = new Map<string, Execution>();

  index(raw: unknown[], currentRun: string | null): void {
    const entries: HistEntry[] = [];
    for (const e of raw) {
      if (!isRecord(e) || !isRecord(e.metadata) || typeof e.metadata.step !== 'number') continue;
      const ns = isRecord(e.checkpoint) ? e.checkpoint.checkpoint_ns : '';
      if (ns) continue; // the root graph's checkpoints only
      const tasks: HistTask[] = [];
      for (const t of Array.isArray(e.tasks) ? e.tasks : []) {
        if (!isRecord(t) || typeof t.id !== 'string' || typeof t.name !== 'string') continue;
        tasks.push({ id: t.id, name: t.name, error: parseError(t.error), interrupts: Array.isArray(t.interrupts) ? t.interrupts : [] });
      }
      entries.push({ step: e.metadata.step, runId: typeof e.metadata.run_id === 'string' ? e.metadata.run_id : null, values: isRecord(e.values) ? e.values : {}, tasks });
    }
    entries.sort((a, b) => a.step - b.step);
    this.entries = entries;
    this.byStep = new Map(entries.map((e) => [e.step, e]));
    this.matched.clear();
    this.cursor = this.rangeStart(currentRun);
  }

  /** Index of the first history entry whose tasks belong to this run (-1: the history has none). */
  rangeStart(runId: string | null): number {
    if (!this.entries.length) return -1;
    if (runId === null) return 0;
    const first = this.entries.findIndex((e) => e.runId === runId);
    if (first < 0) return -1;
    // A resumed run re-runs the tasks of the checkpoint it resumed from, which an earlier run wrote.
    const prev = this.entries[first - 1];
    return prev && prev.step === this.entries[first].step - 1 && prev.tasks.some((t) => t.interrupts.length) ? first - 1 : first;
  }

  startFor(runId: string | null): void {
    this.cursor = this.rangeStart(runId);
  }

  truth(n: number, runId: string | null): Record<string, unknown> | null {
    const h = this.byStep.get(n);
    return h && (h.runId === null || runId === null || h.runId === runId) ? stripInterrupt(h.values) : null;
  }

  match(node: string, taskId: string | null): { n: number; task: HistTask } | null {
    if (this.cursor < 0) return null;
    const end = Math.min(this.entries.length, this.cursor + LOOKAHEAD);
    for (let k = this.cursor; k < end; k++) {
      const e = this.entries[k];
      for (const t of e.tasks) {
        if (t.name !== node || (taskId !== null && t.id !== taskId)) continue;
        const prior = this.matched.get(t.id);
        if (prior && prior.status !== 'interrupted') continue;
        this.cursor = k;
        return { n: e.step + 1, task: t };
      }
    }
    return null;
  }

  findTask(runId: string | null, pred: (t: HistTask) => boolean): { n: number; task: HistTask } | undefined {
    const from = this.rangeStart(runId);
    if (from < 0) return undefined;
    // A task already matched by an execution of another run (the resumed re-run) is still free.
    const free = (t: HistTask) => {
      const x = this.matched.get(t.id);
      return !x || (runId !== null && x.runId !== runId);
    };
    for (let k = from; k < this.entries.length; k++) {
      const e = this.entries[k];
      if (k > from && runId !== null && e.runId !== runId) break;
      const task = e.tasks.find((x) => pred(x) && free(x));
      if (task) return { n: e.step + 1, task };
    }
    return undefined;
  }
}
