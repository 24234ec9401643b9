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
//
// This file is the entry point and holds the RunModel; its parts are in ./model/: the exported
// types (types.ts), a graph and its steps (graph.ts), replaying a step against the server's word
// (replay.ts), the thread's history (history.ts) and free functions (helpers.ts).
import { isRecord, isRunStart, nsNode, type RunEvent, type RunStart } from './events';
import { deepEqual, type Change } from './diff';
import { Reducers, applyWrites, coerceMessage, fromPlain, materialize, reducersFromSchema, type ReducerKind, type State } from './state';
import type { Execution, InterruptInfo, ModelExtras, ModelOptions, RunPhase, RunSummary, StepSource, TimeSource } from './model/types';
import { Graph, type Step } from './model/graph';
import { ThreadHistory, type HistTask } from './model/history';
import { Replayer } from './model/replay';
import { readClock, retimeReplays, type ServerTimes } from './model/clock';
import { awaitKey, diffStates, errorOf, resultToWrites, stripInterrupt } from './model/helpers';

export type { TimeSource, ExecStatus, StepSource, Execution, RunPhase, InterruptInfo, RunSummary, ModelExtras, ModelOptions } from './model/types';
export { diffStates } from './model/helpers';

const INTERNAL_NODES = new Set(['__start__', '__end__']);

export class RunModel {
  readonly executions: Execution[] = [];
  readonly summary: RunSummary = { runId: null, phase: 'pending', interrupts: [], startedAt: null, lastEventAt: null, events: 0, gaps: [], runs: [], phases: [], clock: 'client', clockOffset: null };
  /** Bumped on every change; views compare it to skip work. */
  version = 0;

  private readonly graphs = new Map<string, Graph>();
  private readonly byTask = new Map<string, Execution>();
  private readonly awaitingWrites = new Map<string, Execution[]>();
  /** The task that took the last update of each (ns, node): provisional while several run (Send). */
  private readonly tookUpdate = new Map<string, { ex: Execution; eventId: string | null }>();
  private readonly taskInputs = new Map<string, unknown>();
  private readonly interruptedTask = new Map<string, number>();
  private readonly pendingChildren = new Map<string, Graph[]>();
  private readonly childrenOf = new Map<Execution, Graph[]>();
  private readonly stepOf: Step[] = [];
  private readonly graphOf: Graph[] = [];
  private readonly diffCache = new Map<number, { rev: number; changes: Change[] }>();
  private readonly replayer: Replayer;
  private hints: Record<string, ReducerKind>;
  private input: unknown;
  private command: unknown;
  private extras: ModelExtras = {};
  private readonly history = new ThreadHistory();
  private finalValues: Record<string, unknown> | null = null;
  private currentRun: string | null = null;
  private ended = false;
  /** What the session said about the next run to begin (an `lgt/run` event before its metadata). */
  private pendingRun: RunStart | null = null;
  /** Server times of replayed runs' executions, kept so a better clock offset can move them again. */
  private readonly serverTimes: ServerTimes = new Map();

  constructor(options: ModelOptions = {}) {
    this.hints = { ...(options.reducers ?? {}) };
    this.replayer = new Replayer(new Reducers(this.hints));
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
    // More events after the end: the thread went on (a resume, a fork, a re-run in this session).
    this.ended = false;
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
        // Python publishes a cancel as an error event: a cancellation, not a failure.
        if (isRecord(ev.data) && (ev.data.error === 'UserInterrupt' || ev.data.error === 'UserRollback')) return this.onCancelled(ev.t);
        return this.onError(ev);
      case 'lgt/cancelled':
        return this.onCancelled(ev.t);
      case 'lgt/run':
        if (isRunStart(ev.data)) this.pendingRun = ev.data;
        return;
      case 'lgt/clock':
        if (isRecord(ev.data) && typeof ev.data.server === 'number') this.readClock(ev.t, ev.data.server);
        return;
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
      if (o) this.replayer.close(g, o);
    }
    const root = this.root();
    const last = root.last;
    if (this.finalValues && last && !last.truth) this.replayer.setTruth(root, root.steps.length - 1, this.finalValues, false);
    const t = this.summary.lastEventAt ?? 0;
    if (status) this.finishWith(status, t);
    else if (this.summary.phase === 'running') this.setPhase(this.summary.interrupts.some((i) => !i.resume) ? 'interrupted' : 'success', t);
    this.retime();
    this.afterChange();
  }

  /** Add what was fetched besides the stream (history at the end of a run, the schema…). */
  attachExtras(extras: ModelExtras | Record<string, unknown>, rebuild = true): void {
    this.version++;
    const e = extras as ModelExtras;
    if (e.schemas !== undefined) {
      this.extras.schemas = e.schemas;
      const learned = this.replayer.reducers.learned;
      this.replayer.reducers = new Reducers({ ...reducersFromSchema(e.schemas), ...this.hints });
      for (const [k, v] of learned) this.replayer.reducers.learned.set(k, v);
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
    if (this.history.all.length) this.regroupRoot();
    // Learn reducers again against the better evidence, so the flags land on the first step
    // where the declared rules went wrong.
    this.replayer.forgetLearned();
    this.refreshAll();
    if (this.ended) {
      for (const g of this.graphs.values()) {
        const o = g.open;
        if (o) this.replayer.close(g, o);
      }
      const root = this.root();
      if (this.finalValues && root.last && !root.last.truth) this.replayer.setTruth(root, root.steps.length - 1, this.finalValues, false);
    }
    this.retime();
    this.afterChange();
  }

  private onRun(runId: string, t: number): void {
    const s = this.summary;
    if (this.currentRun === runId) return;
    const previous = this.currentRun;
    this.currentRun = runId;
    s.runId ??= runId;
    const said = this.pendingRun && (this.pendingRun.runId === undefined || this.pendingRun.runId === runId) ? this.pendingRun : null;
    this.pendingRun = null;
    const info = this.extras.runs?.find((r) => r.runId === runId) ?? this.extras.runs?.[s.runs.length];
    const command = said?.command ?? info?.command ?? (previous === null ? this.command : undefined);
    s.runs.push({
      runId,
      startedAt: t,
      ...(command !== undefined ? { command } : {}),
      ...(said ? { kind: said.kind, ...(said.replay ? { replay: true } : {}), ...(said.from === 'history' ? { fromHistory: true } : {}), ...(said.input !== undefined ? { input: said.input } : {}), ...(said.fork ? { fork: said.fork } : {}) } : {}),
    });
    if (previous === null) {
      this.history.startFor(runId);
      if (said?.fork?.values && said.fork.step !== undefined) this.carry(this.root(), said.fork.step, said.fork.values, runId);
      return;
    }
    // A new run on the same thread: a resume (or a follow-up). Earlier supersteps are over, and an
    // earlier run's error is its own (the story keeps it), not this run's.
    s.error = undefined;
    for (const g of this.graphs.values()) {
      const o = g.open;
      if (o) this.replayer.close(g, o);
      const last = g.last;
      if (last) g.resumeAt = last.execs.some((x) => x.status === 'interrupted') ? last.n : null;
    }
    const cmd = isRecord(command) ? command : undefined;
    for (const it of s.interrupts) {
      if (!it.resume) it.resume = { runId, t, ...(cmd && 'resume' in cmd ? { value: cmd.resume } : {}) };
    }
    this.history.startFor(runId);
    if (said?.fork?.values && said.fork.step !== undefined) this.carry(this.root(), said.fork.step, said.fork.values, runId);
    this.setPhase('running', t);
  }

  /** The thread's state moved between runs (a fork, a state update): a step with no node carries it. */
  private carry(g: Graph, n: number, values: Record<string, unknown>, runId: string | null): void {
    const last = g.last;
    const start = last ? (last.end ?? last.start) : g.base;
    g.steps.push({ n, source: 'checkpoint', execs: [], closed: true, start, end: null, truth: stripInterrupt(values), partial: false, idless: false, rev: 0, replayed: -1, runId, carrier: true });
    g.resumeAt = null;
    this.replayer.replay(g, g.last!);
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
        this.tookUpdate.set(awaitKey(ev.ns, node), { ex: open, eventId: ev.id });
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
    if (g.ns.length === 0 && this.history.all.length) {
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
      if (n === undefined && g.ns.length === 0 && this.history.all.length) {
        const m = this.history.match(d.name, d.id);
        if (m) {
          n = m.n;
          src = 'history';
        }
      }
      const open = g.open;
      if (n !== undefined) step = open && open.n === n ? open : this.openStep(g, n, src);
      // A node runs once per step, except as the target of `Send`s (triggered by a push): a fan-out.
      else step = open && g.running.size > 0 && (isPush(d) || !open.execs.some((x) => x.node === d.name)) ? open : this.openStep(g, this.nextN(g), 'tasks');
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
    const key = awaitKey(ex.ns, ex.node);
    const list = this.awaitingWrites.get(key);
    const at = list ? list.indexOf(ex) : -1;
    if (at >= 0) list!.splice(at, 1);
    // `updates` name the node, not the task: with several of one node running (a Send fan-out),
    // the update just before this result was this task's, but went to the first one waiting.
    // That one waits for its own again.
    const took = this.tookUpdate.get(key);
    this.tookUpdate.delete(key);
    if (at >= 0 && took && took.ex !== ex && took.ex.status === 'running' && this.byTask.get(took.ex.taskId ?? '') === took.ex) {
      took.ex.writes = undefined;
      const k = took.eventId === null ? -1 : took.ex.eventIds.lastIndexOf(took.eventId);
      if (k >= 0) ex.eventIds.push(...took.ex.eventIds.splice(k, 1));
      list!.unshift(took.ex);
    }
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
    // Debug timestamps are the server's clock: moved onto the client's by the offset the run
    // itself shows (the smallest arrival − timestamp seen: clock skew plus the least latency).
    const ts = typeof d.timestamp === 'string' ? Date.parse(d.timestamp) : NaN;
    if (Number.isFinite(ts)) this.readClock(ev.t, ts);
    const t = Number.isFinite(ts) ? ts + this.summary.clockOffset! : ev.t;
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
      g.base = fromPlain(values, this.replayer.ctx(g));
      g.baseFrom = 'server';
      return;
    }
    const i = g.steps.length - 1;
    if (!last.closed) {
      if (stepNo !== undefined) this.renumber(last, stepNo, 'checkpoint');
      this.replayer.setTruth(g, i, values, false);
      return;
    }
    if (!last.truth || last.partial) {
      if (stepNo !== undefined) this.renumber(last, stepNo, 'checkpoint');
      this.replayer.setTruth(g, i, values, false);
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
    this.replayer.replay(g, g.last!);
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
    const run = this.summary.runs[this.summary.runs.length - 1];
    if (run) run.error = { name: err.name, message: err.message };
    this.setPhase('error', ev.t);
  }

  /** The run was cancelled: what was running ends now, marked so; nothing runs on. */
  private onCancelled(t: number): void {
    for (const [id, ex] of this.byTask) {
      if (ex.status !== 'running') continue;
      ex.status = 'cancelled';
      ex.end ??= t;
      this.byTask.delete(id);
      this.graphOf[ex.index].running.delete(id);
      this.touch(ex);
    }
    const run = this.summary.runs[this.summary.runs.length - 1];
    if (run) run.cancelled = true;
    this.setPhase('cancelled', t);
  }

  /** One reading of both clocks: the server's `server` seen here at `client`. */
  private readClock(client: number, server: number): void {
    readClock(this.summary, client, server);
  }

  private retime(): void {
    if (retimeReplays(this.executions, this.summary, this.history, this.serverTimes)) this.version++;
  }

  private finishWith(status: string, t: number): void {
    if (status === 'success') this.setPhase('success', t);
    else if (status === 'interrupted') this.setPhase('interrupted', t);
    else if (status === 'error' || status === 'timeout') this.setPhase('error', t);
    else if (status === 'cancelled') this.onCancelled(t);
  }

  private setPhase(p: RunPhase, t: number): void {
    if (this.summary.phase === p) return;
    this.summary.phase = p;
    this.summary.phases.push({ phase: p, t });
  }

  // ---- executions, graphs and steps ---------------------------------------------------------
  // Replaying a step's writes and holding it to the server's word: model/replay.ts.

  private newExec(g: Graph, n: number, source: StepSource, e: Pick<Execution, 'node' | 'ns' | 'taskId' | 'start' | 'end' | 'timeSource' | 'writes' | 'status' | 'eventIds'>): Execution {
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
    if (!last.closed) this.replayer.provisional(g, last);
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
    if (prev && !prev.closed) this.replayer.close(g, prev);
    if (!prev && source === 'history') {
      const h = this.history.at(n - 1, this.currentRun);
      if (h) {
        g.base = fromPlain(h.values, this.replayer.ctx(g));
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

  private touch(ex: Execution): void {
    const step = this.stepOf[ex.index];
    if (!step) return;
    step.rev++;
    if (step.closed) {
      const g = this.graphOf[ex.index];
      this.replayer.refreshFrom(g, g.steps.lastIndexOf(step));
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
    if (g.steps.length) this.replayer.refreshFrom(g, 0);
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
    if (!this.replayer.pendingRefresh) return;
    this.replayer.pendingRefresh = false;
    this.refreshAll();
  }

  private hasIdless(writes: unknown): boolean {
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
      if (step && step.runId !== x.runId && x.runId !== null) {
        // A run that started from a checkpoint other than where the last one stopped (a fork, an
        // edited state) starts from that checkpoint's state, not from the previous run's end.
        const o = this.history.origin(x.runId);
        const stoppedAt = (k: number) => this.history.at(k, step!.runId)?.id;
        const paused = step.execs.some((e) => e.status === 'interrupted' || e.status === 'error' || e.status === 'cancelled');
        if (o && o.id !== null && o.id !== stoppedAt(step.n) && !(paused && o.id === stoppedAt(step.n - 1))) {
          step = { n: o.step, source: 'history', execs: [], closed: true, start: {}, end: null, truth: stripInterrupt(o.values), partial: false, idless: false, rev: 0, replayed: -1, runId: x.runId, carrier: true };
          steps.push(step);
        }
      }
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
      const before = this.history.at(steps[0].n - 1, steps[0].runId);
      if (before) {
        g.base = fromPlain(before.values, this.replayer.ctx(g));
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
    if (!step.closed) this.replayer.provisional(this.graphOf[i], step);
    return this.replayer.snaps[i];
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
    const changes = diffStates(s.before, s.after, this.replayer.reducers);
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
    return g.steps.flatMap((s) => this.replayer.appOrder(s).map((x) => x.index));
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
    if (!last.closed) this.replayer.provisional(g, last);
    return materialize(last.end ?? last.start);
  }

  /** Supersteps of a namespace, in order. */
  steps(ns: string[] = []): { n: number; source: StepSource; executions: number[]; serverKnown: boolean }[] {
    const g = this.graphs.get(ns.join('|'));
    return g ? g.steps.map((s) => ({ n: s.n, source: s.source, executions: s.execs.map((x) => x.index), serverKnown: !!s.truth && !s.partial })) : [];
  }

  /** The checkpoint a run started from, per the thread's history: its step and the nodes it ran next. */
  runOrigin(runId: string): { step: number; next: string[]; runId: string | null; source: string | null } | undefined {
    const o = this.history.origin(runId);
    return o && { step: o.step, next: o.tasks.map((t) => t.name), runId: o.runId, source: o.source };
  }

  /** Namespaces seen, root first. */
  namespaces(): string[][] {
    return [...this.graphs.values()].map((g) => g.ns);
  }
}

/** A task started by a `Send` (its trigger is the push channel), so one of several of its node. */
function isPush(d: Record<string, unknown>): boolean {
  return Array.isArray(d.triggers) && d.triggers.some((t) => typeof t === 'string' && t.startsWith('__pregel_push'));
}
