// The run model: a run's events → node executions. Pure (no vscode, no DOM), shared by the
// extension host, the webview and the CLI. Each event costs in proportion to its own size.
import { isRecord, nsNode, type RunEvent } from './events';

export type TimeSource = 'arrival' | 'tasks' | 'debug';
export type ExecStatus = 'running' | 'done' | 'error' | 'interrupted';

export interface Execution {
  /** Position in the model's executions array. */
  index: number;
  node: string;
  /** Namespace path of the graph the node ran in (`[]` = root), e.g. ['child:<task-id>']. */
  ns: string[];
  /** ns rendered as `child › grandchild`, '' at the root. */
  path: string;
  taskId: string | null;
  /** Superstep (0-based over the run) or -1 when not known yet. */
  step: number;
  start: number;
  end: number | null;
  timeSource: TimeSource;
  /** What the node returned (the `updates` payload), before reducers. */
  writes: unknown;
  status: ExecStatus;
  error?: { name: string; message: string };
  interrupts?: unknown[];
  /** SSE ids of the events that built this execution. */
  eventIds: string[];
}

export type RunPhase = 'pending' | 'running' | 'success' | 'error' | 'interrupted';

export interface RunSummary {
  runId: string | null;
  phase: RunPhase;
  error?: { name: string; message: string };
  interrupts: { value: unknown; id?: string; ns: string[]; t: number }[];
  startedAt: number | null;
  lastEventAt: number | null;
  events: number;
  gaps: { message: string; t: number }[];
}

const INTERNAL_NODES = new Set(['__start__', '__end__']);

export class RunModel {
  readonly executions: Execution[] = [];
  readonly summary: RunSummary = { runId: null, phase: 'pending', interrupts: [], startedAt: null, lastEventAt: null, events: 0, gaps: [] };
  /** Running executions by task id, so a task's result finds its start. */
  private readonly byTask = new Map<string, Execution>();
  /** Executions opened by `tasks`/`debug` that have not yet received their `updates` payload, per ns+node. */
  private readonly awaitingWrites = new Map<string, Execution[]>();
  private step = -1;
  private lastUpdateStepKey = '';
  /** Bumped on every change; views compare it to skip work. */
  version = 0;

  static from(events: Iterable<RunEvent>): RunModel {
    const m = new RunModel();
    for (const e of events) m.apply(e);
    return m;
  }

  apply(ev: RunEvent): void {
    this.version++;
    const s = this.summary;
    s.events++;
    s.startedAt ??= ev.t;
    s.lastEventAt = ev.t;
    if (s.phase === 'pending') s.phase = 'running';
    switch (ev.event) {
      case 'metadata':
        if (isRecord(ev.data) && typeof ev.data.run_id === 'string') s.runId ??= ev.data.run_id;
        return;
      case 'updates':
        return this.onUpdates(ev);
      case 'tasks':
        return this.onTask(ev, ev.data, ev.t, 'tasks');
      case 'debug':
        return this.onDebug(ev);
      case 'error':
        return this.onError(ev);
      case 'lgt/gap':
        s.gaps.push({ message: isRecord(ev.data) && typeof ev.data.message === 'string' ? ev.data.message : 'events were lost', t: ev.t });
        if (isRecord(ev.data) && typeof ev.data.status === 'string') this.finishWith(ev.data.status);
        return;
      default:
        return; // values, checkpoints, messages, custom: not executions (the state layer reads them)
    }
  }

  /** The stream ended; anything still running did not report an end. */
  end(status?: string): void {
    this.version++;
    if (status) this.finishWith(status);
    else if (this.summary.phase === 'running') this.summary.phase = this.summary.interrupts.length ? 'interrupted' : 'success';
  }

  private finishWith(status: string): void {
    const s = this.summary;
    if (status === 'success') s.phase = 'success';
    else if (status === 'interrupted') s.phase = 'interrupted';
    else if (status === 'error' || status === 'timeout') s.phase = 'error';
  }

  private onUpdates(ev: RunEvent): void {
    if (!isRecord(ev.data)) return;
    for (const [node, writes] of Object.entries(ev.data)) {
      if (node === '__interrupt__') {
        this.onInterrupt(ev, writes);
        continue;
      }
      if (INTERNAL_NODES.has(node)) continue;
      const open = this.takeAwaiting(ev.ns, node);
      if (open) {
        open.writes = writes;
        if (ev.id !== null) open.eventIds.push(ev.id);
        if (open.end === null && open.timeSource === 'arrival') open.end = ev.t;
        continue;
      }
      // updates alone: one mark per node at arrival. A repeat of the same node in the same
      // namespace cannot belong to the same superstep (Send fan-out aside), so start a new one.
      const key = `${ev.ns.join('|')}\u0000${node}`;
      if (this.step < 0 || this.lastUpdateStepKey.split('\u0001').includes(key)) {
        this.step++;
        this.lastUpdateStepKey = '';
      }
      this.lastUpdateStepKey += (this.lastUpdateStepKey ? '\u0001' : '') + key;
      this.push({ node, ns: ev.ns, taskId: null, step: this.step, start: ev.t, end: ev.t, timeSource: 'arrival', writes, status: 'done', eventIds: ev.id !== null ? [ev.id] : [] });
    }
  }

  private onTask(ev: RunEvent, d: unknown, t: number, source: TimeSource, step?: number): void {
    if (!isRecord(d) || typeof d.id !== 'string' || typeof d.name !== 'string') return;
    if (INTERNAL_NODES.has(d.name)) return;
    const isResult = 'result' in d || 'error' in d;
    if (!isResult) {
      if (this.byTask.has(d.id)) return; // the same task seen through tasks and debug
      if (typeof step === 'number') this.step = Math.max(this.step, step);
      else if (!this.byTask.size) this.step++;
      const ex = this.push({ node: d.name, ns: ev.ns, taskId: d.id, step: step ?? this.step, start: t, end: null, timeSource: source, writes: undefined, status: 'running', eventIds: ev.id !== null ? [ev.id] : [] });
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
    ex.end ??= t;
    if (ev.id !== null && !ex.eventIds.includes(ev.id)) ex.eventIds.push(ev.id);
    const err = d.error;
    if (err !== null && err !== undefined) {
      ex.status = 'error';
      ex.error = isRecord(err) ? { name: String(err.error ?? err.name ?? 'Error'), message: String(err.message ?? '') } : { name: 'Error', message: String(err) };
    } else if (Array.isArray(d.interrupts) && d.interrupts.length) {
      ex.status = 'interrupted';
      ex.interrupts = d.interrupts;
    } else {
      ex.status = 'done';
    }
    if (ex.writes === undefined && d.result !== undefined) ex.writes = resultToWrites(d.result);
  }

  private onDebug(ev: RunEvent): void {
    const d = ev.data;
    if (!isRecord(d)) return;
    const ts = typeof d.timestamp === 'string' ? Date.parse(d.timestamp) : NaN;
    const t = Number.isFinite(ts) ? ts : ev.t;
    const step = typeof d.step === 'number' ? d.step : undefined;
    if (d.type === 'task') this.onTask(ev, d.payload, t, 'debug', step);
    else if (d.type === 'task_result') this.onTask(ev, d.payload, t, 'debug', step);
  }

  private onInterrupt(ev: RunEvent, value: unknown): void {
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0) {
      this.summary.interrupts.push({ value: null, ns: ev.ns, t: ev.t }); // static breakpoint
    }
    for (const it of list) {
      this.summary.interrupts.push({ value: isRecord(it) && 'value' in it ? it.value : it, id: isRecord(it) && typeof it.id === 'string' ? it.id : undefined, ns: ev.ns, t: ev.t });
    }
    this.summary.phase = 'interrupted';
    // Mark the node that raised it when we know it (a running task in that namespace).
    for (const ex of this.byTask.values()) {
      if (ex.ns.join('|') === ev.ns.join('|') && ex.status === 'running') {
        ex.status = 'interrupted';
        ex.interrupts = list;
      }
    }
  }

  private onError(ev: RunEvent): void {
    const d = ev.data;
    const err = isRecord(d) ? { name: String(d.error ?? 'Error'), message: String(d.message ?? '') } : { name: 'Error', message: String(d) };
    this.summary.error = err;
    this.summary.phase = 'error';
    // The node that raised it: a still-running task, else nothing we can name.
    for (const ex of this.byTask.values()) {
      if (ex.status === 'running') {
        ex.status = 'error';
        ex.error = err;
        ex.end ??= ev.t;
      }
    }
  }

  private takeAwaiting(ns: string[], node: string): Execution | undefined {
    const list = this.awaitingWrites.get(awaitKey(ns, node));
    return list?.shift();
  }

  private push(e: Omit<Execution, 'index' | 'path'>): Execution {
    const ex: Execution = { ...e, index: this.executions.length, path: e.ns.map(nsNode).join(' › ') };
    this.executions.push(ex);
    return ex;
  }
}

function awaitKey(ns: string[], node: string): string {
  return `${ns.join('|')}\u0000${node}`;
}

/** A task result arrives as [[key, value], …] on some servers and as an object on others. */
function resultToWrites(r: unknown): unknown {
  if (Array.isArray(r) && r.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')) {
    return Object.fromEntries(r as [string, unknown][]);
  }
  return r;
}
