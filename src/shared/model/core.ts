// The run model's core: what it holds (graphs and their supersteps, executions, the summary, the
// thread's history) and the moves every reader of a run makes on it — open a step, add an
// execution, replay what changed, close and settle. Pure (no vscode, no DOM).
//
// The RunModel is three layers, one file each: this core, the stream reader on top of it (one
// handler per event kind, ./stream.ts) and the public RunModel (../runModel.ts: applying events,
// ending, attaching extras, regrouping by the history, the queries a view asks).
import { isRecord, nsNode, type RunStart } from '../events';
import type { Change } from '../diff';
import { Reducers, applyWrites, coerceMessage, fromPlain, type ReducerKind, type State } from '../state';
import type { Execution, ModelExtras, ModelOptions, RunPhase, RunSummary, StepSource } from './types';
import { Graph, carrierStep, newStep, type Step } from './graph';
import { ThreadHistory, type HistTask } from './history';
import { Replayer } from './replay';
import { readClock, retimeReplays, type ServerTimes } from './clock';
import { awaitKey, errorOf, pushTo, stripInterrupt } from './helpers';

/** What a reader says about a new execution; the core fills in the rest. */
export type ExecFields = Pick<Execution, 'node' | 'ns' | 'taskId' | 'start' | 'end' | 'timeSource' | 'writes' | 'status' | 'eventIds'>;

export class ModelCore {
  readonly executions: Execution[] = [];
  readonly summary: RunSummary = { runId: null, phase: 'pending', interrupts: [], startedAt: null, lastEventAt: null, events: 0, gaps: [], runs: [], phases: [], clock: 'client', clockOffset: null };
  /** Bumped on every change; views compare it to skip work. */
  version = 0;

  protected readonly graphs = new Map<string, Graph>();
  protected readonly byTask = new Map<string, Execution>();
  protected readonly awaitingWrites = new Map<string, Execution[]>();
  /** The task that took the last update of each (ns, node): provisional while several run (Send). */
  protected readonly tookUpdate = new Map<string, { ex: Execution; eventId: string | null }>();
  protected readonly taskInputs = new Map<string, unknown>();
  protected readonly interruptedTask = new Map<string, number>();
  protected readonly pendingChildren = new Map<string, Graph[]>();
  protected readonly childrenOf = new Map<Execution, Graph[]>();
  protected readonly stepOf: Step[] = [];
  protected readonly graphOf: Graph[] = [];
  protected readonly diffCache = new Map<number, { rev: number; changes: Change[] }>();
  protected readonly replayer: Replayer;
  protected hints: Record<string, ReducerKind>;
  protected input: unknown;
  protected command: unknown;
  protected extras: ModelExtras = {};
  protected readonly history = new ThreadHistory();
  protected finalValues: Record<string, unknown> | null = null;
  protected currentRun: string | null = null;
  protected ended = false;
  /** What the session said about the next run to begin (an `lgt/run` event before its metadata). */
  protected pendingRun: RunStart | null = null;
  /** Why the debugger stopped each run (an `lgt/stop` may come before or after the run's events). */
  protected readonly debugStops = new Map<string, { reason: string; description: string }>();
  /** Server times of replayed runs' executions, kept so a better clock offset can move them again. */
  protected readonly serverTimes: ServerTimes = new Map();

  constructor(options: ModelOptions) {
    this.hints = { ...(options.reducers ?? {}) };
    this.replayer = new Replayer(new Reducers(this.hints));
    this.input = options.input;
    this.command = options.command;
  }

  /** The thread's state moved between runs (a fork, a state update): a step with no node carries it. */
  protected carry(g: Graph, n: number, values: Record<string, unknown>, runId: string | null): void {
    g.steps.push(carrierStep(n, 'checkpoint', g.lastEnd, values, runId));
    g.resumeAt = null;
    this.replayer.replay(g, g.last!);
  }

  /** One reading of both clocks: the server's `server` seen here at `client`. */
  protected readClock(client: number, server: number): void {
    readClock(this.summary, client, server);
  }

  protected retime(): void {
    if (retimeReplays(this.executions, this.summary, this.history, this.serverTimes)) this.version++;
  }

  protected setPhase(p: RunPhase, t: number): void {
    if (this.summary.phase === p) return;
    this.summary.phase = p;
    this.summary.phases.push({ phase: p, t });
  }

  // ---- executions, graphs and steps ---------------------------------------------------------
  // Replaying a step's writes and holding it to the server's word: model/replay.ts.

  protected newExec(g: Graph, n: number, source: StepSource, e: ExecFields): Execution {
    // Every field by name, in one order: spreading `e` (whose callers list fields in different
    // orders) gave executions many shapes, and a 100,000-event run took 1.8× the time.
    const ex: Execution = {
      node: e.node,
      ns: e.ns,
      taskId: e.taskId,
      start: e.start,
      end: e.end,
      timeSource: e.timeSource,
      writes: e.writes,
      status: e.status,
      eventIds: e.eventIds,
      index: this.executions.length,
      path: e.ns.map(nsNode).join(' › '),
      step: n,
      stepSource: source,
      parent: g.parentExec ? g.parentExec.index : null,
      runId: this.currentRun,
      disagreed: false,
    };
    this.executions.push(ex);
    this.graphOf[ex.index] = g;
    const run = this.summary.runs[this.summary.runs.length - 1];
    if (run && run.runId === ex.runId && run.firstExecution === undefined) run.firstExecution = ex.index;
    if (ex.taskId) {
      const prior = this.interruptedTask.get(ex.taskId);
      if (prior !== undefined && prior !== ex.index) ex.resumeOf = prior;
    }
    // Subgraphs that ran under this node before it reported (updates alone): link them now.
    const pk = `${g.key}\u0000${ex.node}`;
    const kids = this.pendingChildren.get(pk);
    if (kids) {
      this.pendingChildren.delete(pk);
      for (const kg of kids) this.linkChild(kg, ex);
    }
    return ex;
  }

  protected push(g: Graph, step: Step, e: ExecFields): Execution {
    const ex = this.newExec(g, step.n, step.source, e);
    this.stepOf[ex.index] = step;
    step.execs.push(ex);
    step.rev++;
    return ex;
  }

  protected graph(ns: string[]): Graph {
    const key = ns.join('|');
    let g = this.graphs.get(key);
    if (g) return g;
    g = new Graph(ns);
    this.graphs.set(key, g);
    if (ns.length === 0) {
      if (this.input !== undefined && this.input !== null) {
        g.base = applyWrites({}, this.input, this.replayer.ctx(g));
        g.baseFrom = 'input';
      }
      return g;
    }
    const seg = ns[ns.length - 1];
    const node = nsNode(seg);
    const taskId = seg.slice(node.length + 1);
    const pg = this.graph(ns.slice(0, -1));
    const parent = taskId ? this.byTask.get(taskId) : undefined;
    const input = taskId ? this.taskInputs.get(taskId) : undefined;
    // The subgraph starts from what its node was given: the task's input when `tasks` was
    // streamed, else the parent's state as it stands (replaced by the subgraph's own values if
    // those were streamed).
    if (input !== undefined) {
      g.base = fromPlain(input, this.replayer.ctx(g));
      g.baseFrom = 'task';
    } else g.adoptBase(this.headOf(pg), 'parent');
    if (parent) this.linkChild(g, parent);
    else pushTo(this.pendingChildren, `${pg.key}\u0000${node}`, g);
    return g;
  }

  protected root(): Graph {
    return this.graph([]);
  }

  protected linkChild(g: Graph, parent: Execution): void {
    g.parentExec = parent;
    pushTo(this.childrenOf, parent, g);
    for (const s of g.steps) for (const x of s.execs) x.parent = parent.index;
  }

  /** The graph's state now (its open step's writes included), for a subgraph starting under it. */
  protected headOf(g: Graph): State {
    const last = g.last;
    if (!last) return g.base;
    if (!last.closed) this.replayer.provisional(g, last);
    return g.lastEnd;
  }

  protected nextN(g: Graph): number {
    if (g.resumeAt !== null) {
      const n = g.resumeAt;
      g.resumeAt = null;
      return n;
    }
    const last = g.last;
    return last ? last.n + 1 : 1;
  }

  protected openStep(g: Graph, n: number, source: StepSource): Step {
    g.resumeAt = null;
    const prev = g.last;
    if (prev && !prev.closed) this.replayer.close(g, prev);
    if (!prev && source === 'history') {
      const h = this.history.at(n - 1, this.currentRun);
      if (h) {
        g.base = fromPlain(h.values, this.replayer.ctx(g));
        g.baseFrom = 'server';
      }
    }
    const step = newStep(n, source, g.lastEnd, this.currentRun, false, source === 'history' ? this.history.truth(n, this.currentRun) : null);
    g.steps.push(step);
    return step;
  }

  /** Close every open superstep (the stream ended, or a new run began on the thread). */
  protected closeOpenSteps(): void {
    for (const g of this.graphs.values()) {
      const o = g.open;
      if (o) this.replayer.close(g, o);
    }
  }

  /** The run is over: its last root step is held to the thread's final state, when the server said it. */
  protected settleOnFinal(): void {
    const root = this.root();
    if (this.finalValues && root.last && !root.last.truth) this.replayer.setTruth(root, root.steps.length - 1, this.finalValues, false);
  }

  protected renumber(step: Step, n: number, source: StepSource): void {
    if (step.source === 'checkpoint' && step.n === n) return;
    step.n = n;
    step.source = source;
    for (const x of step.execs) {
      x.step = n;
      x.stepSource = source;
    }
  }

  protected snap(i: number): { before: State; after: State } | undefined {
    const step = this.stepOf[i];
    if (!step) return undefined;
    if (!step.closed) this.replayer.provisional(this.graphOf[i], step);
    return this.replayer.snaps[i];
  }

  protected touch(ex: Execution): void {
    const step = this.stepOf[ex.index];
    if (!step) return;
    step.rev++;
    if (step.closed) {
      const g = this.graphOf[ex.index];
      this.replayer.refreshFrom(g, g.steps.lastIndexOf(step));
    }
  }

  protected writesKnown(ex: Execution): void {
    // A subgraph node returns the subgraph's output: the server's word on that subgraph's last step.
    if (!isRecord(ex.writes)) return;
    for (const g of this.childrenOf.get(ex) ?? []) {
      if (!g.steps.length) continue;
      const open = g.open;
      if (open) open.closed = true;
      const last = g.last!;
      if (!last.truth) {
        last.truth = stripInterrupt(ex.writes);
        last.partial = true;
      }
      this.refreshTree(g);
    }
  }

  /**
   * Replay a subgraph from its start, and the subgraphs under it. With `updates` alone a
   * subgraph's start is the state its parent node found, known only once that node reported.
   */
  protected refreshTree(g: Graph): void {
    if (g.baseFrom === 'parent' && g.parentExec) {
      const s = this.snap(g.parentExec.index);
      if (s && s.before !== g.base) g.adoptBase(s.before, 'parent');
    }
    if (g.steps.length) this.replayer.refreshFrom(g, 0);
    for (const st of g.steps) for (const x of st.execs) for (const kid of this.childrenOf.get(x) ?? []) this.refreshTree(kid);
  }

  /** Replay everything (after a reducer was learned, or extras arrived), parents before children. */
  protected refreshAll(): void {
    for (const g of this.graphs.values()) {
      for (const i of g.indexes.values()) i.stale = true;
      if (g.ns.length === 0 || !g.parentExec) this.refreshTree(g);
    }
  }

  protected afterChange(): void {
    if (!this.replayer.pendingRefresh) return;
    this.replayer.pendingRefresh = false;
    this.refreshAll();
  }

  protected hasIdless(writes: unknown): boolean {
    if (!isRecord(writes)) return false;
    for (const [k, v] of Object.entries(writes)) {
      if (this.replayer.reducers.kindOf(k) !== 'messages') continue;
      for (const m of Array.isArray(v) ? v : [v]) {
        const c = coerceMessage(m);
        if (isRecord(c) && c.type !== 'remove' && typeof c.id !== 'string') return true;
      }
    }
    return false;
  }

  protected takeAwaiting(ns: string[], node: string): Execution | undefined {
    const list = this.awaitingWrites.get(awaitKey(ns, node));
    return list?.shift();
  }

  // ---- thread history ---------------------------------------------------------------------
  // Reading it and matching its tasks: model/history.ts. Here: what the model does with a match.

  protected synthExec(found: { n: number; task: HistTask }, status: 'error' | 'interrupted', t: number, step: Step | null): Execution {
    const g = this.root();
    const fields = { node: found.task.name, ns: [], taskId: found.task.id, start: t, end: t, timeSource: 'arrival' as const, writes: undefined, status, eventIds: [] };
    const ex = step ? this.push(g, step, fields) : this.newExec(g, found.n, 'history', fields);
    if (status === 'error') ex.error = errorOf(found.task.error);
    else {
      ex.interrupts = found.task.interrupts;
      this.interruptedTask.set(found.task.id, ex.index);
    }
    this.history.matched.set(found.task.id, ex);
    return ex;
  }

  /** An error or interrupt whose node never reported (updates alone), named by the history. */
  protected synthFromHistory(pred: (t: HistTask) => boolean, status: 'error' | 'interrupted', t: number): Execution | undefined {
    if (this.history.cursor < 0) return undefined;
    const found = this.history.findTask(this.currentRun, pred);
    if (!found) return undefined;
    const g = this.root();
    const open = g.open;
    return this.synthExec(found, status, t, open && open.n === found.n ? open : this.openStep(g, found.n, 'history'));
  }
}
