// The run model: a run's events → node executions grouped into supersteps, and the graph state
// before and after each of them. Pure (no vscode, no DOM), shared by the extension host, the
// webview and the CLI. An event costs what it carries: writes are kept by reference, snapshots
// share structure (state.ts), and a superstep is replayed once, when it closes.
//
// Supersteps. LangGraph runs a graph in supersteps: every task of a step sees the state the
// previous step left, and the step's writes are applied together, in task-path order (node name
// for ordinary tasks), when the last task finishes. `updates` arrive in FINISH order. So:
// - `debug` (and `checkpoints`) carry the server's step number: exact.
// - `tasks` start events of one step arrive together, before any of their results: a start while
//   no task of that namespace runs opens a new step. Exact grouping, numbers counted.
// - the thread's history (recording extras or fetched at the end) lists each step's tasks by id:
//   exact, and it names the node that raised an error or an interrupt.
// - `values` events close a step: exact grouping, numbers counted.
// - `updates` alone: each update opens a new step, unless the previous one wrote a message
//   without an id (the server gives those ids when the step ends, so a sibling branch is still
//   running) — marked `estimated`, and corrected when history arrives.
//
// State. Each namespace (the root graph, each subgraph run) has its own chain of snapshots. A
// step's writes are applied in the graph's order with LangGraph's reducers (messages by id,
// everything else overwrites unless the schema or a hint says otherwise). Where the server said
// what the state was after a step — `values`, `checkpoints`, `debug`, the history, the final
// state, or for a subgraph what its node returned — the step is held to it: id-less messages take
// the server's ids, a concat/union/sum that explains the difference is learned for that key, and
// anything else is a disagreement: the nodes that wrote the key are flagged and the last writer's
// "after" carries the server's value, so the chain always lands on the server's state. A key
// nobody in the step wrote is news about an earlier step, and goes to its last writer.
import { isRecord, nsNode, type RunEvent } from './events';
import { deepEqual, type Change } from './diff';
import {
  PVec, Reducers, applyWrites, coerceMessage, fromPlain, inferReducer, materialize, reconcile, reducersFromSchema,
  type ApplyContext, type ReducerKind, type State,
} from './state';
import type { Execution, InterruptInfo, ModelExtras, ModelOptions, RunPhase, RunSummary, StepSource, TimeSource } from './model/types';
import { Graph, type Step } from './model/graph';
import { ThreadHistory, type HistTask } from './model/history';
import { awaitKey, diffStates, errorOf, resultToWrites, stripInterrupt, withKey, writesContain } from './model/helpers';

export type { TimeSource, ExecStatus, StepSource, Execution, RunPhase, InterruptInfo, RunSummary, ModelExtras, ModelOptions } from './model/types';
export { diffStates } from './model/helpers';

const INTERNAL_NODES = new Set(['__start__', '__end__']);

export class RunModel {
  readonly executions: Execution[] = [];
  readonly summary: RunSummary = { runId: null, phase: 'pending', interrupts: [], startedAt: null, lastEventAt: null, events: 0, gaps: [], runs: [], phases: [] };
  /** Bumped on every change; views compare it to skip work. */
  version = 0;

  private readonly graphs = new Map<string, Graph>();
  private readonly byTask = new Map<string, Execution>();
  private readonly awaitingWrites = new Map<string, Execution[]>();
  private readonly taskInputs = new Map<string, unknown>();
  private readonly interruptedTask = new Map<string, number>();
  private readonly pendingChildren = new Map<string, Graph[]>();
  private readonly childrenOf = new Map<Execution, Graph[]>();
  private readonly stepOf: Step[] = [];
  private readonly graphOf: Graph[] = [];
  private readonly snaps: ({ before: State; after: State } | undefined)[] = [];
  private readonly diffCache = new Map<number, { rev: number; changes: Change[] }>();
  private reducers: Reducers;
  private hints: Record<string, ReducerKind>;
  private input: unknown;
  private command: unknown;
  private extras: ModelExtras = {};
  private readonly history = new ThreadHistory();
  private finalValues: Record<string, unknown> | null = null;
  private currentRun: string | null = null;
  private ended = false;
  private pendingRefresh = false;
  private readonly relearned = new Map<string, number>();
  /** Server values that a later boundary taught about an earlier step (see resolveOrphans). */
  private readonly orphans: { g: Graph; step: Step; key?: string; value?: unknown; object?: unknown }[] = [];
  /** Key → the executions whose step taught the model its reducer (they stay flagged). */
  private readonly learnedAt = new Map<string, Set<Execution>>();

  constructor(options: ModelOptions = {}) {
    this.hints = { ...(options.reducers ?? {}) };
    this.reducers = new Reducers(this.hints);
    this.input = options.input;
    this.command = options.command;
    if (options.extras) this.attachExtras(options.extras, false);
    this.root();
  }

  static from(events: Iterable<RunEvent>, options?: ModelOptions): RunModel {
    const m = new RunModel(options);
    for (const e of events) m.apply(e);
    return m;
  }

  // ---- events ----------------------------------------------------------------------------

  apply(ev: RunEvent): void {
    this.version++;
    const s = this.summary;
    s.events++;
    s.startedAt ??= ev.t;
    s.lastEventAt = ev.t;
    if (s.phase === 'pending') this.setPhase('running', ev.t);
    this.dispatch(ev);
    this.afterChange();
  }

  private dispatch(ev: RunEvent): void {
    const s = this.summary;
    switch (ev.event) {
      case 'metadata':
        if (isRecord(ev.data) && typeof ev.data.run_id === 'string') this.onRun(ev.data.run_id, ev.t);
        return;
      case 'updates':
        return this.onUpdates(ev);
      case 'tasks':
        return this.onTask(ev, ev.data, ev.t, 'tasks');
      case 'debug':
        return this.onDebug(ev);
      case 'values':
        return this.onValues(ev);
      case 'checkpoints':
        if (isRecord(ev.data) && isRecord(ev.data.values)) {
          const md = isRecord(ev.data.metadata) ? ev.data.metadata : {};
          this.onTruth(this.graph(ev.ns), ev.data.values, typeof md.step === 'number' ? md.step : undefined);
        }
        return;
      case 'error':
        return this.onError(ev);
      case 'lgt/gap':
        s.gaps.push({ message: isRecord(ev.data) && typeof ev.data.message === 'string' ? ev.data.message : 'events were lost', t: ev.t });
        if (isRecord(ev.data) && typeof ev.data.status === 'string') this.finishWith(ev.data.status, ev.t);
        return;
      default:
        return; // messages, custom: not executions, not state
    }
  }

  /** The stream ended; close every superstep and settle against the final state when known. */
  end(status?: string): void {
    this.version++;
    this.ended = true;
    for (const g of this.graphs.values()) {
      const o = g.open;
      if (o) this.close(g, o);
    }
    const root = this.root();
    const last = root.last;
    if (this.finalValues && last && !last.truth) this.setTruth(root, root.steps.length - 1, this.finalValues, false);
    const t = this.summary.lastEventAt ?? 0;
    if (status) this.finishWith(status, t);
    else if (this.summary.phase === 'running') this.setPhase(this.summary.interrupts.some((i) => !i.resume) ? 'interrupted' : 'success', t);
    this.afterChange();
  }

  /** Add what was fetched besides the stream (history at the end of a run, the schema…). */
  attachExtras(extras: ModelExtras | Record<string, unknown>, rebuild = true): void {
    this.version++;
    const e = extras as ModelExtras;
    if (e.schemas !== undefined) {
      this.extras.schemas = e.schemas;
      const learned = this.reducers.learned;
      this.reducers = new Reducers({ ...reducersFromSchema(e.schemas), ...this.hints });
      for (const [k, v] of learned) this.reducers.learned.set(k, v);
    }
    if (Array.isArray(e.runs)) this.extras.runs = e.runs;
    if (e.finalState !== undefined) {
      this.extras.finalState = e.finalState;
      const fs = e.finalState;
      this.finalValues = isRecord(fs) && isRecord(fs.values) && ('next' in fs || 'tasks' in fs || 'metadata' in fs) ? fs.values : isRecord(fs) ? fs : null;
    }
    if (Array.isArray(e.history)) {
      this.extras.history = e.history;
      this.history.index(e.history, this.currentRun);
    }
    if (!rebuild) return;
    if (this.history.entries.length) this.regroupRoot();
    // Learn reducers again against the better evidence, so the flags land on the first step
    // where the declared rules went wrong.
    this.reducers.learned.clear();
    this.learnedAt.clear();
    this.relearned.clear();
    this.pendingRefresh = false;
    this.refreshAll();
    if (this.ended) {
      for (const g of this.graphs.values()) {
        const o = g.open;
        if (o) this.close(g, o);
      }
      const root = this.root();
      if (this.finalValues && root.last && !root.last.truth) this.setTruth(root, root.steps.length - 1, this.finalValues, false);
    }
    this.afterChange();
  }

  private onRun(runId: string, t: number): void {
    const s = this.summary;
    if (this.currentRun === runId) return;
    const previous = this.currentRun;
    this.currentRun = runId;
    s.runId ??= runId;
    const info = this.extras.runs?.find((r) => r.runId === runId) ?? this.extras.runs?.[s.runs.length];
    const command = info?.command ?? (previous === null ? this.command : undefined);
    s.runs.push({ runId, startedAt: t, ...(command !== undefined ? { command } : {}) });
    if (previous === null) {
      this.history.startFor(runId);
      return;
    }
    // A new run on the same thread: a resume (or a follow-up). Earlier supersteps are over.
    for (const g of this.graphs.values()) {
      const o = g.open;
      if (o) this.close(g, o);
      const last = g.last;
      if (last) g.resumeAt = last.execs.some((x) => x.status === 'interrupted') ? last.n : null;
    }
    const cmd = isRecord(info?.command) ? info.command : undefined;
    for (const it of s.interrupts) {
      if (!it.resume) it.resume = { runId, t, ...(cmd && 'resume' in cmd ? { value: cmd.resume } : {}) };
    }
    this.history.startFor(runId);
    this.setPhase('running', t);
  }

  private onUpdates(ev: RunEvent): void {
    if (!isRecord(ev.data)) return;
    for (const [node, writes] of Object.entries(ev.data)) {
      if (node === '__interrupt__') {
        this.onInterrupt(ev, writes);
        continue;
      }
      if (INTERNAL_NODES.has(node)) continue;
      const g = this.graph(ev.ns);
      const open = this.takeAwaiting(ev.ns, node);
      if (open) {
        open.writes = writes;
        if (ev.id !== null) open.eventIds.push(ev.id);
        if (open.end === null && open.timeSource === 'arrival') open.end = ev.t;
        this.touch(open);
        this.writesKnown(open);
        continue;
      }
      const step = this.stepForUpdate(g, node);
      const ex = this.push(g, step.step, {
        node, ns: ev.ns, taskId: step.taskId, start: ev.t, end: ev.t, timeSource: 'arrival', writes, status: 'done', eventIds: ev.id !== null ? [ev.id] : [],
      });
      step.step.idless = this.hasIdless(writes);
      this.writesKnown(ex);
    }
  }

  private stepForUpdate(g: Graph, node: string): { step: Step; taskId: string | null } {
    const open = g.open;
    if (g.ns.length === 0 && this.history.entries.length) {
      const m = this.history.match(node, null);
      if (m) {
        const step = open && open.n === m.n ? open : this.openStep(g, m.n, 'history');
        return { step, taskId: m.task.id };
      }
    }
    const has = (s: Step) => s.execs.some((x) => x.node === node);
    if (open && !has(open) && (g.truthMode || g.tasksMode || open.idless)) return { step: open, taskId: null };
    return { step: this.openStep(g, this.nextN(g), g.truthMode ? 'values' : g.tasksMode ? 'tasks' : 'estimated'), taskId: null };
  }

  private onTask(ev: RunEvent, d: unknown, t: number, source: TimeSource, stepNo?: number): void {
    if (!isRecord(d) || typeof d.id !== 'string' || typeof d.name !== 'string') return;
    if (INTERNAL_NODES.has(d.name)) return;
    const g = this.graph(ev.ns);
    const isResult = 'result' in d || 'error' in d;
    if (!isResult) {
      g.tasksMode = true;
      const known = this.byTask.get(d.id);
      if (known) {
        // The same task seen through both `tasks` and `debug`: debug adds the server's step.
        if (stepNo !== undefined) this.renumber(this.stepOf[known.index], stepNo, 'checkpoint');
        return;
      }
      this.taskInputs.set(d.id, d.input);
      let step: Step;
      let n: number | undefined = stepNo;
      let src: StepSource = stepNo !== undefined ? 'checkpoint' : 'tasks';
      if (n === undefined && g.ns.length === 0 && this.history.entries.length) {
        const m = this.history.match(d.name, d.id);
        if (m) {
          n = m.n;
          src = 'history';
        }
      }
      const open = g.open;
      if (n !== undefined) step = open && open.n === n ? open : this.openStep(g, n, src);
      else step = open && g.running.size > 0 && !open.execs.some((x) => x.node === d.name) ? open : this.openStep(g, this.nextN(g), 'tasks');
      g.running.add(d.id);
      const ex = this.push(g, step, { node: d.name, ns: ev.ns, taskId: d.id, start: t, end: null, timeSource: source, writes: undefined, status: 'running', eventIds: ev.id !== null ? [ev.id] : [] });
      const prior = this.interruptedTask.get(d.id);
      if (prior !== undefined) ex.resumeOf = prior;
      this.byTask.set(d.id, ex);
      const k = awaitKey(ev.ns, d.name);
      const list = this.awaitingWrites.get(k) ?? [];
      list.push(ex);
      this.awaitingWrites.set(k, list);
      return;
    }
    const ex = this.byTask.get(d.id);
    if (!ex) return;
    this.byTask.delete(d.id);
    this.taskInputs.delete(d.id);
    g.running.delete(d.id);
    const list = this.awaitingWrites.get(awaitKey(ex.ns, ex.node));
    const at = list ? list.indexOf(ex) : -1;
    if (at >= 0) list!.splice(at, 1);
    ex.end ??= t;
    if (ev.id !== null && !ex.eventIds.includes(ev.id)) ex.eventIds.push(ev.id);
    const err = d.error;
    if (err !== null && err !== undefined) {
      ex.status = 'error';
      ex.error = errorOf(err);
    } else if (Array.isArray(d.interrupts) && d.interrupts.length) {
      ex.status = 'interrupted';
      ex.interrupts = d.interrupts;
      this.interruptedTask.set(d.id, ex.index);
      for (const it of this.summary.interrupts) {
        if (it.execution === undefined && d.interrupts.some((x) => isRecord(x) && x.id === it.id)) {
          it.execution = ex.index;
          it.node = ex.node;
        }
      }
    } else {
      ex.status = 'done';
    }
    // The result carries the task id, so it settles which of several same-named tasks wrote what.
    const result = d.result !== undefined && d.result !== null ? resultToWrites(d.result) : undefined;
    if (result !== undefined && (ex.writes === undefined || (isRecord(result) && Object.keys(result).length > 0 && !deepEqual(result, ex.writes)))) {
      ex.writes = result;
      this.writesKnown(ex);
    }
    this.touch(ex);
  }

  private onDebug(ev: RunEvent): void {
    const d = ev.data;
    if (!isRecord(d)) return;
    const ts = typeof d.timestamp === 'string' ? Date.parse(d.timestamp) : NaN;
    const t = Number.isFinite(ts) ? ts : ev.t;
    const step = typeof d.step === 'number' ? d.step : undefined;
    if (d.type === 'task' || d.type === 'task_result') this.onTask(ev, d.payload, t, 'debug', step);
    else if (d.type === 'checkpoint' && isRecord(d.payload) && isRecord(d.payload.values)) this.onTruth(this.graph(ev.ns), d.payload.values, step);
  }

  private onValues(ev: RunEvent): void {
    const d = ev.data;
    if (!isRecord(d)) return;
    const keys = Object.keys(d);
    if (keys.length === 1 && keys[0] === '__interrupt__') {
      this.onInterrupt(ev, d.__interrupt__); // with `values` alone this is the only sign of it
      return;
    }
    this.onTruth(this.graph(ev.ns), d, undefined);
  }

  /** The server's state of a namespace after a superstep (or, before any, its initial state). */
  private onTruth(g: Graph, values: Record<string, unknown>, stepNo: number | undefined): void {
    g.truthMode = true;
    if (stepNo !== undefined && stepNo < 0) return; // before __start__ ran: not the run's state
    const last = g.last;
    if (!last) {
      g.base = fromPlain(values, this.ctx(g));
      g.baseFrom = 'server';
      return;
    }
    const i = g.steps.length - 1;
    if (!last.closed) {
      if (stepNo !== undefined) this.renumber(last, stepNo, 'checkpoint');
      this.setTruth(g, i, values, false);
      return;
    }
    if (!last.truth || last.partial) {
      if (stepNo !== undefined) this.renumber(last, stepNo, 'checkpoint');
      this.setTruth(g, i, values, false);
      return;
    }
    if (stepNo !== undefined && (last.source !== 'checkpoint' || last.n === stepNo)) {
      // The same boundary seen through another mode (values, then checkpoints, then debug).
      this.renumber(last, stepNo, 'checkpoint');
      return;
    }
    if (deepEqual(stripInterrupt(values), stripInterrupt(last.truth))) return;
    // The state moved without a node of this stream (an update_state between runs): an empty step
    // carries it, so the next step starts from it.
    g.steps.push({ n: stepNo ?? last.n, source: stepNo !== undefined ? 'checkpoint' : 'values', execs: [], closed: true, start: last.end ?? last.start, end: null, truth: values, partial: false, idless: false, rev: 0, replayed: -1, runId: this.currentRun });
    this.replay(g, g.last!);
  }

  private onInterrupt(ev: RunEvent, value: unknown): void {
    const list = Array.isArray(value) ? value : [value];
    const s = this.summary;
    if (list.length === 0 && !s.interrupts.some((i) => i.value === null && i.runId === this.currentRun)) {
      s.interrupts.push({ value: null, ns: ev.ns, t: ev.t, runId: this.currentRun }); // static breakpoint
    }
    for (const it of list) {
      const id = isRecord(it) && typeof it.id === 'string' ? it.id : undefined;
      if (id !== undefined && s.interrupts.some((x) => x.id === id && x.runId === this.currentRun)) continue;
      const info: InterruptInfo = { value: isRecord(it) && 'value' in it ? it.value : it, id, ns: ev.ns, t: ev.t, runId: this.currentRun };
      // The node that raised it: a running task of that namespace, else the thread's history.
      let ex: Execution | undefined = [...this.byTask.values()].find((x) => x.ns.join('|') === ev.ns.join('|') && x.status === 'running');
      if (ex) {
        ex.status = 'interrupted';
        ex.interrupts = list;
        if (ex.taskId) this.interruptedTask.set(ex.taskId, ex.index);
      } else if (id !== undefined && ev.ns.length === 0) {
        ex = this.synthFromHistory((t) => t.interrupts.some((x) => isRecord(x) && x.id === id), 'interrupted', ev.t);
      }
      if (ex) {
        info.node = ex.node;
        info.execution = ex.index;
      }
      s.interrupts.push(info);
    }
    this.setPhase('interrupted', ev.t);
  }

  private onError(ev: RunEvent): void {
    const d = ev.data;
    const err: { name: string; message: string; node?: string; execution?: number } = isRecord(d) ? { name: String(d.error ?? 'Error'), message: String(d.message ?? '') } : { name: 'Error', message: String(d) };
    let culprit: Execution | undefined;
    for (const ex of this.byTask.values()) {
      if (ex.status === 'running') {
        ex.status = 'error';
        ex.error = { name: err.name, message: err.message };
        ex.end ??= ev.t;
        culprit ??= ex;
        this.touch(ex);
      }
    }
    for (let i = this.executions.length - 1; !culprit && i >= 0 && this.executions[i].runId === this.currentRun; i--) {
      if (this.executions[i].status === 'error') culprit = this.executions[i];
    }
    culprit ??= this.synthFromHistory((t) => t.error !== null && t.error !== undefined, 'error', ev.t);
    if (culprit) {
      err.node = culprit.node;
      err.execution = culprit.index;
    }
    this.summary.error = err;
    this.setPhase('error', ev.t);
  }

  private finishWith(status: string, t: number): void {
    if (status === 'success') this.setPhase('success', t);
    else if (status === 'interrupted') this.setPhase('interrupted', t);
    else if (status === 'error' || status === 'timeout') this.setPhase('error', t);
  }

  private setPhase(p: RunPhase, t: number): void {
    if (this.summary.phase === p) return;
    this.summary.phase = p;
    this.summary.phases.push({ phase: p, t });
  }

  // ---- executions, graphs and steps ---------------------------------------------------------

  private newExec(g: Graph, n: number, source: StepSource, e: Pick<Execution, 'node' | 'ns' | 'taskId' | 'start' | 'end' | 'timeSource' | 'writes' | 'status' | 'eventIds'>): Execution {
    const ex: Execution = {
      ...e,
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

  private push(g: Graph, step: Step, e: Pick<Execution, 'node' | 'ns' | 'taskId' | 'start' | 'end' | 'timeSource' | 'writes' | 'status' | 'eventIds'>): Execution {
    const ex = this.newExec(g, step.n, step.source, e);
    this.stepOf[ex.index] = step;
    step.execs.push(ex);
    step.rev++;
    return ex;
  }

  private graph(ns: string[]): Graph {
    const key = ns.join('|');
    let g = this.graphs.get(key);
    if (g) return g;
    g = new Graph(ns);
    this.graphs.set(key, g);
    if (ns.length === 0) {
      if (this.input !== undefined && this.input !== null) {
        g.base = applyWrites({}, this.input, this.ctx(g));
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
      g.base = fromPlain(input, this.ctx(g));
      g.baseFrom = 'task';
    } else g.adoptBase(this.headOf(pg), 'parent');
    if (parent) this.linkChild(g, parent);
    else {
      const pk = `${pg.key}\u0000${node}`;
      const list = this.pendingChildren.get(pk) ?? [];
      list.push(g);
      this.pendingChildren.set(pk, list);
    }
    return g;
  }

  private root(): Graph {
    return this.graph([]);
  }

  private linkChild(g: Graph, parent: Execution): void {
    g.parentExec = parent;
    const list = this.childrenOf.get(parent) ?? [];
    list.push(g);
    this.childrenOf.set(parent, list);
    for (const s of g.steps) for (const x of s.execs) x.parent = parent.index;
  }

  /** The graph's state now (its open step's writes included), for a subgraph starting under it. */
  private headOf(g: Graph): State {
    const last = g.last;
    if (!last) return g.base;
    if (!last.closed) this.provisional(g, last);
    return last.end ?? last.start;
  }

  private nextN(g: Graph): number {
    if (g.resumeAt !== null) {
      const n = g.resumeAt;
      g.resumeAt = null;
      return n;
    }
    const last = g.last;
    return last ? last.n + 1 : 1;
  }

  private openStep(g: Graph, n: number, source: StepSource): Step {
    g.resumeAt = null;
    const prev = g.last;
    if (prev && !prev.closed) this.close(g, prev);
    if (!prev && source === 'history') {
      const h = this.history.byStep.get(n - 1);
      if (h) {
        g.base = fromPlain(h.values, this.ctx(g));
        g.baseFrom = 'server';
      }
    }
    const step: Step = { n, source, execs: [], closed: false, start: prev ? (prev.end ?? prev.start) : g.base, end: null, truth: null, partial: false, idless: false, rev: 0, replayed: -1, runId: this.currentRun };
    if (source === 'history') step.truth = this.history.truth(n, this.currentRun);
    g.steps.push(step);
    return step;
  }

  private renumber(step: Step, n: number, source: StepSource): void {
    if (step.source === 'checkpoint' && step.n === n) return;
    step.n = n;
    step.source = source;
    for (const x of step.execs) {
      x.step = n;
      x.stepSource = source;
    }
  }

  private adoptInBase(g: Graph, obj: unknown): boolean {
    const to = g.subst.get(obj);
    for (const [k, v] of Object.entries(g.base)) {
      if (!(v instanceof PVec)) continue;
      const arr = v.toArray();
      const i = arr.indexOf(obj);
      if (i < 0 || to === undefined) continue;
      g.base = { ...g.base, [k]: v.set(i, to) };
      for (const idx of g.indexes.values()) idx.stale = true;
      return true;
    }
    return false;
  }

  private close(g: Graph, step: Step): void {
    step.closed = true;
    this.replay(g, step);
    this.resolveOrphans();
  }

  private touch(ex: Execution): void {
    const step = this.stepOf[ex.index];
    if (!step) return;
    step.rev++;
    if (step.closed) {
      const g = this.graphOf[ex.index];
      this.refreshFrom(g, g.steps.lastIndexOf(step));
    }
  }

  private writesKnown(ex: Execution): void {
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
  private refreshTree(g: Graph): void {
    if (g.baseFrom === 'parent' && g.parentExec) {
      const s = this.snap(g.parentExec.index);
      if (s && s.before !== g.base) g.adoptBase(s.before, 'parent');
    }
    if (g.steps.length) this.refreshFrom(g, 0);
    for (const st of g.steps) for (const x of st.execs) for (const kid of this.childrenOf.get(x) ?? []) this.refreshTree(kid);
  }

  /** Replay everything (after a reducer was learned, or extras arrived), parents before children. */
  private refreshAll(): void {
    for (const g of this.graphs.values()) {
      for (const i of g.indexes.values()) i.stale = true;
      if (g.ns.length === 0 || !g.parentExec) this.refreshTree(g);
    }
  }

  private afterChange(): void {
    if (!this.pendingRefresh) return;
    this.pendingRefresh = false;
    this.refreshAll();
  }

  private setTruth(g: Graph, i: number, values: Record<string, unknown>, partial: boolean): void {
    const step = g.steps[i];
    step.truth = stripInterrupt(values);
    step.partial = partial;
    step.closed = true;
    this.refreshFrom(g, i);
  }

  /** Replay step i and every later step whose start changed as a result. */
  private refreshFrom(g: Graph, i: number): void {
    for (let j = i; j < g.steps.length; j++) {
      const s = g.steps[j];
      const start = j === 0 ? g.base : (g.steps[j - 1].end ?? g.steps[j - 1].start);
      if (j > i && start === s.start) break;
      s.start = start;
      s.rev++;
      if (s.closed) this.replay(g, s);
    }
    this.resolveOrphans();
  }

  /**
   * The server's values at a boundary can speak for an earlier step: a key nobody wrote in this
   * step was last written before it (so that writer's step gets the value, and its reducer can be
   * learned there), and an id-less message got its id where it was written. Each resolution adds
   * to an earlier step's truth, so this ends.
   */
  private resolveOrphans(): void {
    while (this.orphans.length) {
      const o = this.orphans.shift()!;
      const i = o.g.steps.lastIndexOf(o.step);
      if (i < 0) continue;
      let p = -1;
      for (let j = i - 1; j >= 0 && p < 0; j--) {
        for (const x of o.g.steps[j].execs) {
          if (!isRecord(x.writes)) continue;
          if (o.key !== undefined ? o.key in x.writes : writesContain(x.writes, o.object)) p = j;
        }
      }
      if (p < 0) {
        // Not written by any node: an input message, in the namespace's initial state.
        if (o.object !== undefined && this.adoptInBase(o.g, o.object)) this.refreshFrom(o.g, 0);
        continue;
      }
      const ps = o.g.steps[p];
      if (o.key !== undefined) {
        if (ps.truth && (!ps.partial || o.key in ps.truth)) continue;
        ps.truth = { ...(ps.truth ?? {}), [o.key]: o.value };
        ps.partial = true;
        ps.closed = true;
      }
      this.refreshFrom(o.g, p);
    }
  }

  private provisional(g: Graph, step: Step): void {
    if (step.replayed === step.rev) return;
    this.replay(g, step);
  }

  /** The graph's order of applying a step's writes: task order (node name for pull tasks). */
  private appOrder(step: Step): Execution[] {
    const xs = step.execs;
    if (xs.length < 2 || xs.every((x) => x.timeSource !== 'arrival')) return xs;
    return [...xs].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.index - b.index));
  }

  private replay(g: Graph, step: Step): void {
    const ctx = this.ctx(g);
    const order = this.appOrder(step);
    const run = (): State => {
      let s = step.start;
      const c = g.subst.size ? { ...ctx, subst: g.subst } : ctx;
      for (const x of order) {
        const before = s;
        if (x.writes !== undefined) s = applyWrites(s, x.writes, c);
        this.snaps[x.index] = { before, after: s };
      }
      return s;
    };
    for (const x of order) {
      x.disagreed = false;
      x.server = undefined;
    }
    let end = run();
    // An open step may not have all its writes yet: only a closed one is held to the server's word.
    if (step.truth && step.closed) {
      let r = reconcile(end, step.truth, ctx, step.partial);
      const learnedNow = this.learn(g, step, order, r.differing);
      let mine = 0;
      for (const [m, t] of r.adopt) {
        g.subst.set(m, t);
        if (order.some((x) => isRecord(x.writes) && writesContain(x.writes, m))) mine++;
        else this.orphans.push({ g, step, object: m });
      }
      if (mine || learnedNow.length) {
        end = run();
        r = reconcile(end, step.truth, ctx, step.partial);
      }
      // Keys whose reducer was learned at this step stay flagged here on every later replay.
      const learned: string[] = [];
      for (const [k, at] of this.learnedAt) if (order.some((x) => at.has(x))) learned.push(k);
      if (r.differing.length || learned.length) this.settle(g, step, order, r.differing, r.state, learned);
      end = r.state;
    }
    step.end = end;
    step.replayed = step.rev;
  }

  /**
   * The server disagreed on some keys after this step. Flag the nodes that wrote them, and let the
   * last writer's "after" carry the server's value, so the chain of snapshots stays exact.
   */
  private settle(g: Graph, step: Step, order: Execution[], keys: string[], truthState: State, learned: string[]): void {
    for (const k of learned) {
      const at = this.learnedAt.get(k)!;
      for (const w of order) {
        if (!at.has(w)) continue;
        w.disagreed = true;
        w.server ??= { keys: [], values: {} };
        w.server.keys.push(k);
        w.server.values[k] = step.truth![k];
        (w.server.learned ??= {})[k] = this.reducers.kindOf(k);
      }
    }
    for (const k of keys) {
      const writers = order.filter((x) => isRecord(x.writes) && k in x.writes);
      const value = step.truth![k];
      for (const w of writers) {
        w.disagreed = true;
        w.server ??= { keys: [], values: {} };
        if (!w.server.keys.includes(k)) w.server.keys.push(k);
        w.server.values[k] = value;
      }
      // Nobody here wrote it: an earlier step did, and it should hear the server's value.
      if (!writers.length) this.orphans.push({ g, step, key: k, value });
      const from = writers.length ? order.indexOf(writers[writers.length - 1]) : order.length - 1;
      if (from < 0) continue;
      for (let j = from; j < order.length; j++) {
        const x = order[j];
        const sn = this.snaps[x.index]!;
        this.snaps[x.index] = { before: j === from ? sn.before : withKey(sn.before, k, truthState[k]), after: withKey(sn.after, k, truthState[k]) };
      }
    }
  }

  /**
   * Keys the server disagreed on that a concat or a sum of this step's writes explains exactly:
   * from now on they reduce that way (replays included), so diffs read as what the graph did.
   */
  private learn(g: Graph, step: Step, order: Execution[], differing: string[]): string[] {
    const out: string[] = [];
    for (const k of differing) {
      if (this.reducers.declared(k) || !step.truth || !(k in step.truth)) continue;
      const current = this.reducers.learned.get(k);
      // A learned kind that stops fitting may be relearned, a couple of times at most (no flip-flop).
      const tries = this.relearned.get(k) ?? 0;
      if (current && tries >= 2) continue;
      const writes: unknown[] = [];
      for (const x of order) if (isRecord(x.writes) && k in x.writes) writes.push(x.writes[k]);
      if (!writes.length) continue;
      // Fold every write of the key since the server last said its value (or since the start).
      let start: unknown = g.base[k];
      for (let j = g.steps.lastIndexOf(step) - 1; j >= 0; j--) {
        const p = g.steps[j];
        if (p.truth && (!p.partial || k in p.truth)) {
          start = p.truth[k];
          break;
        }
        const earlier: unknown[] = [];
        for (const x of this.appOrder(p)) if (isRecord(x.writes) && k in x.writes) earlier.push(x.writes[k]);
        writes.unshift(...earlier);
        if (j === 0) start = g.base[k];
      }
      const kind = inferReducer(start, writes, step.truth[k], current);
      if (kind) {
        if (current) this.relearned.set(k, tries + 1);
        this.reducers.learned.set(k, kind);
        this.learnedAt.set(k, new Set(order.filter((x) => isRecord(x.writes) && k in x.writes)));
        out.push(k);
        this.pendingRefresh = true; // earlier steps without the server's word reduce this way too
      }
    }
    return out;
  }

  private ctx(g: Graph): ApplyContext {
    return { reducers: this.reducers, index: (k) => g.index(k) };
  }

  private hasIdless(writes: unknown): boolean {
    if (!isRecord(writes)) return false;
    for (const [k, v] of Object.entries(writes)) {
      if (this.reducers.kindOf(k) !== 'messages') continue;
      for (const m of Array.isArray(v) ? v : [v]) {
        const c = coerceMessage(m);
        if (isRecord(c) && c.type !== 'remove' && typeof c.id !== 'string') return true;
      }
    }
    return false;
  }

  private takeAwaiting(ns: string[], node: string): Execution | undefined {
    const list = this.awaitingWrites.get(awaitKey(ns, node));
    return list?.shift();
  }

  // ---- thread history ---------------------------------------------------------------------
  // Reading it and matching its tasks: model/history.ts. Here: what the model does with a match.

  private synthExec(found: { n: number; task: HistTask }, status: 'error' | 'interrupted', t: number, step: Step | null): Execution {
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
  private synthFromHistory(pred: (t: HistTask) => boolean, status: 'error' | 'interrupted', t: number): Execution | undefined {
    if (this.history.cursor < 0) return undefined;
    const found = this.history.findTask(this.currentRun, pred);
    if (!found) return undefined;
    const g = this.root();
    const open = g.open;
    return this.synthExec(found, status, t, open && open.n === found.n ? open : this.openStep(g, found.n, 'history'));
  }

  /** History arrived after the events: regroup the root graph's executions into its steps. */
  private regroupRoot(): void {
    const g = this.root();
    const existing = g.steps.flatMap((s) => s.execs).sort((a, b) => a.index - b.index);
    this.history.matched.clear();
    const runOrder = (id: string | null) => (id ? this.summary.runs.findIndex((r) => r.runId === id) : -1);
    const placed: { x: Execution; n: number; source: StepSource }[] = [];
    let cur: string | null | undefined;
    let lastN = 0;
    for (const x of existing) {
      if (x.runId !== cur) {
        cur = x.runId;
        this.history.startFor(cur);
      }
      const m = this.history.match(x.node, x.taskId);
      if (m) {
        this.history.matched.set(m.task.id, x);
        x.taskId ??= m.task.id;
        placed.push({ x, n: m.n, source: x.stepSource === 'checkpoint' && x.step === m.n ? 'checkpoint' : 'history' });
        lastN = m.n;
      } else {
        const n = x.stepSource === 'checkpoint' ? x.step : lastN + 1;
        placed.push({ x, n, source: x.stepSource === 'checkpoint' ? 'checkpoint' : 'estimated' });
        lastN = n;
      }
    }
    const err = this.summary.error;
    if (err && err.execution === undefined) {
      const f = this.history.findTask(this.currentRun, (t) => t.error !== null && t.error !== undefined);
      if (f) {
        const x = this.synthExec(f, 'error', this.summary.lastEventAt ?? 0, null);
        Object.assign(err, { node: x.node, execution: x.index });
        placed.push({ x, n: f.n, source: 'history' });
      }
    }
    for (const it of this.summary.interrupts) {
      if (it.execution !== undefined || it.id === undefined || it.ns.length) continue;
      const f = this.history.findTask(it.runId, (t) => t.interrupts.some((v) => isRecord(v) && v.id === it.id));
      if (!f) continue;
      const x = this.synthExec(f, 'interrupted', it.t, null);
      x.runId = it.runId;
      Object.assign(it, { node: x.node, execution: x.index });
      placed.push({ x, n: f.n, source: 'history' });
    }
    placed.sort((a, b) => runOrder(a.x.runId) - runOrder(b.x.runId) || a.n - b.n || a.x.index - b.x.index);
    const wasOpen = !!g.open;
    const steps: Step[] = [];
    for (const { x, n, source } of placed) {
      let step = steps[steps.length - 1];
      if (!step || step.n !== n || step.runId !== x.runId) {
        step = { n, source, execs: [], closed: true, start: {}, end: null, truth: this.history.truth(n, x.runId), partial: false, idless: false, rev: 0, replayed: -1, runId: x.runId };
        steps.push(step);
      }
      step.execs.push(x);
      x.step = n;
      x.stepSource = step.source;
      this.stepOf[x.index] = step;
    }
    if (steps.length) {
      const before = this.history.byStep.get(steps[0].n - 1);
      if (before) {
        g.base = fromPlain(before.values, this.ctx(g));
        g.baseFrom = 'server';
      }
      if (wasOpen && !this.ended) steps[steps.length - 1].closed = false;
    }
    g.steps.length = 0;
    // Not push(...steps): a spread of 100,000+ items overflows the stack.
    for (const st of steps) g.steps.push(st);
    this.history.startFor(this.currentRun);
  }

  // ---- state, per execution ------------------------------------------------------------------

  private snap(i: number): { before: State; after: State } | undefined {
    const step = this.stepOf[i];
    if (!step) return undefined;
    if (!step.closed) this.provisional(this.graphOf[i], step);
    return this.snaps[i];
  }

  /** The state of the execution's graph (its namespace) as the node found it. Plain JSON. */
  stateBefore(i: number): Record<string, unknown> | undefined {
    const s = this.snap(i);
    return s && materialize(s.before);
  }

  /** The state right after this node's writes (server-corrected where the server said otherwise). */
  stateAfter(i: number): Record<string, unknown> | undefined {
    const s = this.snap(i);
    return s && materialize(s.after);
  }

  /** What this node changed: added / removed / changed paths, messages matched by id. */
  diff(i: number): Change[] {
    const s = this.snap(i);
    if (!s) return [];
    const rev = this.stepOf[i].rev;
    const hit = this.diffCache.get(i);
    if (hit && hit.rev === rev && this.stepOf[i].replayed === rev) return hit.changes;
    const changes = diffStates(s.before, s.after, this.reducers);
    // A view walks executions one by one: keep the recent diffs, not every one ever asked for.
    if (this.diffCache.size >= 256) this.diffCache.delete(this.diffCache.keys().next().value!);
    this.diffCache.set(i, { rev, changes });
    return changes;
  }

  /** The server's full state after this execution's superstep, when the stream or history had it. */
  serverStateAfter(i: number): Record<string, unknown> | undefined {
    const step = this.stepOf[i];
    return step?.truth && !step.partial ? step.truth : undefined;
  }

  /** Execution indices of a namespace in the order their states chain (supersteps, then task order). */
  stateChain(ns: string[] = []): number[] {
    const g = this.graphs.get(ns.join('|'));
    if (!g) return [];
    return g.steps.flatMap((s) => this.appOrder(s).map((x) => x.index));
  }

  /** The namespace's state before its first node ran. */
  initialState(ns: string[] = []): Record<string, unknown> {
    const g = this.graphs.get(ns.join('|'));
    return g ? materialize(g.steps[0]?.start ?? g.base) : {};
  }

  /** The root graph's state after the last superstep (the server's when it was told). */
  finalState(): Record<string, unknown> {
    const g = this.root();
    const last = g.last;
    if (!last) return materialize(g.base);
    if (!last.closed) this.provisional(g, last);
    return materialize(last.end ?? last.start);
  }

  /** Supersteps of a namespace, in order. */
  steps(ns: string[] = []): { n: number; source: StepSource; executions: number[]; serverKnown: boolean }[] {
    const g = this.graphs.get(ns.join('|'));
    return g ? g.steps.map((s) => ({ n: s.n, source: s.source, executions: s.execs.map((x) => x.index), serverKnown: !!s.truth && !s.partial })) : [];
  }

  /** Namespaces seen, root first. */
  namespaces(): string[][] {
    return [...this.graphs.values()].map((g) => g.ns);
  }
}
