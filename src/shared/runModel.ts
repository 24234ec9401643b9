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
// This file is the entry point: the public RunModel (events in, ending, extras, regrouping by the
// history, the queries a view asks). Its parts are in ./model/: the exported types (types.ts), the
// model's core state and moves (core.ts), reading the stream event by event (stream.ts), a graph
// and its steps (graph.ts), replaying a step against the server's word (replay.ts), the thread's
// history (history.ts), the clocks (clock.ts) and free functions (helpers.ts); the LLM calls inside
// executions are read by llmReader.ts into the ledger of llm.ts.
import { isRecord, type RunEvent } from './events';
import type { Change } from './diff';
import { Reducers, fromPlain, materialize, reducersFromSchema } from './state';
import type { Execution, ModelExtras, ModelOptions, StepSource } from './model/types';
import { carrierStep, newStep, type Step } from './model/graph';
import { LlmReader } from './model/llmReader';
import { totalsByNode, totalsOf, type LlmCall, type LlmTotals, type ModelPrices, type NodeLlmRow } from './model/llm';
import { diffStates } from './model/helpers';

export type { TimeSource, ExecStatus, StepSource, Execution, RunPhase, InterruptInfo, RunSummary, ModelExtras, ModelOptions } from './model/types';
export { isMark } from './model/types';
export { diffStates } from './model/helpers';
export type { LlmCall, LlmTotals, ModelPrices, NodeLlmRow, LlmToolCall, LlmCallJson } from './model/llm';
export { callJson, callTimes, costText, totalsOf, totalsByNode, pricesFrom } from './model/llm';

export class RunModel extends LlmReader {
  constructor(options: ModelOptions = {}) {
    super(options);
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

  /** The stream ended; close every superstep and settle against the final state when known. */
  end(status?: string): void {
    this.version++;
    this.ended = true;
    this.closeOpenSteps();
    this.settleOnFinal();
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
      this.closeOpenSteps();
      this.settleOnFinal();
    }
    this.retime();
    this.afterChange();
  }

  // ---- thread history ---------------------------------------------------------------------

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
          step = carrierStep(o.step, 'history', {}, o.values, x.runId);
          steps.push(step);
        }
      }
      if (!step || step.n !== n || step.runId !== x.runId) {
        step = newStep(n, source, {}, x.runId, true, this.history.truth(n, x.runId));
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
    return o && { step: o.step, next: o.tasks.map((t) => t.name), runId: o.runId ?? this.history.originRunId(runId), source: o.source };
  }

  // ---- what the LLM did ----------------------------------------------------------------------

  /** The LLM calls inside an execution, in the order they began. */
  llmCalls(i: number): readonly LlmCall[] {
    return this.llm.of(i);
  }

  /** Totals of one run's calls (or of every run of the thread, when no run is named). */
  llmTotals(runId?: string | null, prices?: ModelPrices): LlmTotals {
    return totalsOf(this.llmOfRun(runId), prices);
  }

  /** Totals per node, for one run (or the thread). */
  llmByNode(runId?: string | null, prices?: ModelPrices): NodeLlmRow[] {
    return totalsByNode(this.llmOfRun(runId), prices);
  }

  private llmOfRun(runId?: string | null): LlmCall[] {
    return runId === undefined ? this.llm.calls : this.llm.calls.filter((c) => c.runId === runId);
  }

  /** Namespaces seen, root first. */
  namespaces(): string[][] {
    return [...this.graphs.values()].map((g) => g.ns);
  }
}
