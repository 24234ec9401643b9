// One graph of a run (the root, or a subgraph run under a node) and its supersteps, as the run
// model keeps them: the chain of steps, the state it starts from, and its id indexes. Pure.
import { IdIndex, type State } from '../state';
import type { Execution, StepSource } from './types';
import { stripInterrupt } from './helpers';

export interface Step {
  n: number;
  source: StepSource;
  /** In creation order. */
  execs: Execution[];
  closed: boolean;
  start: State;
  end: State | null;
  truth: Record<string, unknown> | null;
  partial: boolean;
  /** Its latest write had id-less messages: the step is still running (updates-only grouping). */
  idless: boolean;
  rev: number;
  replayed: number;
  runId: string | null;
  /**
   * No node ran here: the thread's state moved between runs (a fork from an earlier checkpoint, a
   * state update). It carries the server's state, so the next step starts from it.
   */
  carrier: boolean;
}

/** A new superstep; `truth` is the server's state after it, when known already. */
export function newStep(n: number, source: StepSource, start: State, runId: string | null, closed: boolean, truth: Record<string, unknown> | null, carrier = false): Step {
  return { n, source, execs: [], closed, start, end: null, truth, partial: false, idless: false, rev: 0, replayed: -1, runId, carrier };
}

/**
 * The thread's state moved between runs (a fork from an earlier checkpoint, an edited state): a
 * closed step with no node, holding the server's state, so the next step starts from it.
 */
export function carrierStep(n: number, source: StepSource, start: State, values: Record<string, unknown>, runId: string | null): Step {
  return newStep(n, source, start, runId, true, stripInterrupt(values), true);
}

export class Graph {
  readonly key: string;
  readonly steps: Step[] = [];
  base: State = {};
  /** Where `base` came from: the server, a task's input, the run input, or the parent's state. */
  baseFrom: 'server' | 'task' | 'input' | 'parent' | 'none' = 'none';
  readonly running = new Set<string>();
  tasksMode = false;
  truthMode = false;
  parentExec: Execution | null = null;
  /** Step number to reuse for the next step (a resumed interrupted step runs again). */
  resumeAt: number | null = null;
  readonly indexes = new Map<string, IdIndex>();
  /** Id-less messages as written → the server's copy with its id, for every replay. */
  readonly subst = new Map<unknown, unknown>();
  constructor(readonly ns: string[]) {
    this.key = ns.join('|');
  }
  index(k: string): IdIndex {
    let i = this.indexes.get(k);
    if (!i) this.indexes.set(k, (i = new IdIndex()));
    return i;
  }
  /** A state built elsewhere (another namespace's): positions in our id indexes mean nothing. */
  adoptBase(s: State, from: Graph['baseFrom']): void {
    this.base = s;
    this.baseFrom = from;
    for (const i of this.indexes.values()) i.stale = true;
  }
  get last(): Step | undefined {
    return this.steps[this.steps.length - 1];
  }
  /** The state after the last step as replayed so far (the base before any step). */
  get lastEnd(): State {
    const s = this.last;
    return s ? (s.end ?? s.start) : this.base;
  }
  get open(): Step | undefined {
    const s = this.last;
    return s && !s.closed ? s : undefined;
  }
}
