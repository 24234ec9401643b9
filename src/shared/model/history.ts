// The thread's history as the run model reads it: the root graph's checkpoints, each with the
// tasks of the next step, matched against the run's executions to number their supersteps. Pure.
//
// A thread's history is a tree, not a line: a fork (a run from an earlier checkpoint, or a state
// update there) starts a branch, and its checkpoints reuse the step numbers of the branch it left.
// So each run reads the history along its own lineage: from its last checkpoint up the parent
// links to the thread's first. Along one lineage a step number names one checkpoint.
import { isRecord } from '../events';
import type { Execution } from './types';
import { parseError, stripInterrupt } from './helpers';

export interface HistTask {
  id: string;
  name: string;
  error: unknown;
  interrupts: unknown[];
  /** What the task wrote, once it ran (absent while pending, or on servers that do not say). */
  result?: unknown;
}
export interface HistEntry {
  step: number;
  runId: string | null;
  /** Checkpoint id and its parent's (null for the thread's first, or when the server did not say). */
  id: string | null;
  parentId: string | null;
  /** `metadata.source`: input, loop, update, fork. */
  source: string | null;
  /** `created_at` on the server's clock, ms since the epoch (NaN when absent). */
  createdAt: number;
  values: Record<string, unknown>;
  /** Tasks of the NEXT step (step + 1), in the server's order. */
  tasks: HistTask[];
}

const LOOKAHEAD = 64;

interface Lineage {
  entries: HistEntry[];
  byStep: Map<number, HistEntry>;
}

export class ThreadHistory {
  /** Every root checkpoint, oldest step first (across branches). */
  all: HistEntry[] = [];
  /** The lineage the model is reading now (the current run's). */
  entries: HistEntry[] = [];
  byStep = new Map<number, HistEntry>();
  cursor = -1;
  readonly matched = new Map<string, Execution>();
  private byId = new Map<string, HistEntry>();
  private lineages = new Map<string | null, Lineage>();
  /** Whose lineage `entries` holds (undefined: none loaded yet). */
  private run: string | null | undefined = undefined;

  index(raw: unknown[], currentRun: string | null): void {
    const all: HistEntry[] = [];
    for (const e of raw) {
      if (!isRecord(e) || !isRecord(e.metadata) || typeof e.metadata.step !== 'number') continue;
      const ns = isRecord(e.checkpoint) ? e.checkpoint.checkpoint_ns : '';
      if (ns) continue; // the root graph's checkpoints only
      const tasks: HistTask[] = [];
      for (const t of Array.isArray(e.tasks) ? e.tasks : []) {
        if (!isRecord(t) || typeof t.id !== 'string' || typeof t.name !== 'string') continue;
        tasks.push({ id: t.id, name: t.name, error: parseError(t.error), interrupts: Array.isArray(t.interrupts) ? t.interrupts : [], ...(t.result !== undefined && t.result !== null ? { result: t.result } : {}) });
      }
      const cp = isRecord(e.checkpoint) ? e.checkpoint : {};
      const parent = isRecord(e.parent_checkpoint) ? e.parent_checkpoint : {};
      all.push({
        step: e.metadata.step,
        runId: typeof e.metadata.run_id === 'string' ? e.metadata.run_id : null,
        id: typeof cp.checkpoint_id === 'string' ? cp.checkpoint_id : null,
        parentId: typeof parent.checkpoint_id === 'string' ? parent.checkpoint_id : null,
        source: typeof e.metadata.source === 'string' ? e.metadata.source : null,
        createdAt: typeof e.created_at === 'string' ? Date.parse(e.created_at) : NaN,
        values: isRecord(e.values) ? e.values : {},
        tasks,
      });
    }
    all.sort((a, b) => a.step - b.step || a.createdAt - b.createdAt);
    this.all = all;
    this.byId = new Map(all.filter((e) => e.id !== null).map((e) => [e.id!, e]));
    this.lineages.clear();
    this.matched.clear();
    this.run = undefined;
    this.startFor(currentRun);
  }

  /** The checkpoints a run saw: its last one and every ancestor, oldest first. */
  private lineage(runId: string | null): Lineage {
    const hit = this.lineages.get(runId);
    if (hit) return hit;
    let entries: HistEntry[];
    const own = runId === null ? [] : this.all.filter((e) => e.runId === runId);
    const tip = own.length ? own.reduce((a, b) => (b.step > a.step || (b.step === a.step && b.createdAt >= a.createdAt) ? b : a)) : null;
    if (tip && tip.id !== null && this.byId.size) {
      entries = [];
      const seen = new Set<string>();
      for (let e: HistEntry | undefined = tip; e && !(e.id && seen.has(e.id)); e = e.parentId ? this.byId.get(e.parentId) : undefined) {
        if (e.id) seen.add(e.id);
        entries.push(e);
      }
      entries.reverse();
    } else {
      // No ids (an old recording) or a run the history does not know: one line, latest wins a step.
      const byStep = new Map<number, HistEntry>();
      for (const e of this.all) byStep.set(e.step, e);
      entries = [...byStep.values()].sort((a, b) => a.step - b.step);
    }
    const l = { entries, byStep: new Map(entries.map((e) => [e.step, e])) };
    this.lineages.set(runId, l);
    return l;
  }

  /** Index of the first history entry whose tasks belong to this run (-1: the history has none). */
  rangeStart(runId: string | null): number {
    const { entries } = this.lineage(runId);
    if (!entries.length) return -1;
    if (runId === null) return 0;
    const first = entries.findIndex((e) => e.runId === runId);
    if (first < 0) return -1;
    // A run executes the tasks of the checkpoint it started from, which an earlier run (or a state
    // update) wrote: a resumed interrupt, a fork from an earlier step.
    return first > 0 && entries[first - 1].tasks.length ? first - 1 : first;
  }

  startFor(runId: string | null): void {
    if (this.run !== runId) {
      const l = this.lineage(runId);
      this.entries = l.entries;
      this.byStep = l.byStep;
      this.run = runId;
    }
    this.cursor = this.rangeStart(runId);
  }

  /** The checkpoint at step n along a run's lineage. */
  at(n: number, runId: string | null): HistEntry | undefined {
    return this.lineage(runId).byStep.get(n);
  }

  truth(n: number, runId: string | null): Record<string, unknown> | null {
    const h = this.at(n, runId);
    return h ? stripInterrupt(h.values) : null;
  }

  /** A run's lineage, oldest first: the checkpoints it saw (its own and those before it). */
  lineageOf(runId: string): readonly HistEntry[] {
    return this.lineage(runId).entries;
  }

  /** The checkpoint a run started from (the parent of its first own checkpoint), if known. */
  origin(runId: string): HistEntry | undefined {
    const { entries } = this.lineage(runId);
    const first = entries.findIndex((e) => e.runId === runId);
    return first > 0 ? entries[first - 1] : undefined;
  }

  /**
   * The run whose checkpoint a run branched from. A state edit before a fork is a checkpoint of
   * its own that no run wrote (source `update`): the run is the one before the edits.
   */
  originRunId(runId: string): string | null {
    const { entries } = this.lineage(runId);
    let k = entries.findIndex((e) => e.runId === runId) - 1;
    while (k >= 0 && entries[k].runId === null && entries[k].source === 'update') k--;
    return k >= 0 ? entries[k].runId : null;
  }

  match(node: string, taskId: string | null): { n: number; task: HistTask } | null {
    if (this.cursor < 0) return null;
    const end = Math.min(this.entries.length, this.cursor + LOOKAHEAD);
    for (let k = this.cursor; k < end; k++) {
      const e = this.entries[k];
      for (const t of e.tasks) {
        if (t.name !== node || (taskId !== null && t.id !== taskId)) continue;
        const prior = this.matched.get(t.id);
        // A task another run already ran (a fork re-runs the tasks of its checkpoint) is free again.
        if (prior && prior.status !== 'interrupted' && prior.runId === this.run) continue;
        this.cursor = k;
        return { n: e.step + 1, task: t };
      }
    }
    return null;
  }

  findTask(runId: string | null, pred: (t: HistTask) => boolean): { n: number; task: HistTask } | undefined {
    const from = this.rangeStart(runId);
    if (from < 0) return undefined;
    const { entries } = this.lineage(runId);
    // A task already matched by an execution of another run (the resumed re-run) is still free.
    const free = (t: HistTask) => {
      const x = this.matched.get(t.id);
      return !x || (runId !== null && x.runId !== runId);
    };
    for (let k = from; k < entries.length; k++) {
      const e = entries[k];
      if (k > from && runId !== null && e.runId !== runId) break;
      const task = e.tasks.find((x) => pred(x) && free(x));
      if (task) return { n: e.step + 1, task };
    }
    return undefined;
  }
}
