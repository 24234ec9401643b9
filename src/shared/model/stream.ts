// Reading a run's stream: one handler per event kind, each turning what the server said into
// executions, supersteps and the run's summary on the model's core (./core.ts). Which mode says
// what, and how exact its grouping is, is told at the top of ../runModel.ts. Pure.
import { isRecord, isRunStart, type RunEvent } from '../events';
import { deepEqual } from '../diff';
import { fromPlain } from '../state';
import type { Execution, InterruptInfo, StepSource, TimeSource } from './types';
import { newStep, type Graph, type Step } from './graph';
import { ModelCore } from './core';
import { awaitKey, errorOf, pushTo, resultToWrites, stripInterrupt } from './helpers';

const INTERNAL_NODES = new Set(['__start__', '__end__']);

export class StreamReader extends ModelCore {
  protected dispatch(ev: RunEvent): void {
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
      case 'lgt/stop':
        if (isRecord(ev.data) && typeof ev.data.description === 'string' && typeof ev.data.reason === 'string') {
          const runId = typeof ev.data.runId === 'string' ? ev.data.runId : this.currentRun;
          if (runId === null) return;
          const stop = { reason: ev.data.reason, description: ev.data.description };
          this.debugStops.set(runId, stop);
          const run = s.runs.find((r) => r.runId === runId);
          if (run) run.stop = stop;
          this.version++;
        }
        return;
      case 'lgt/clock':
        if (isRecord(ev.data) && typeof ev.data.server === 'number') this.readClock(ev.t, ev.data.server);
        return;
      case 'lgt/gap':
        s.gaps.push({ message: isRecord(ev.data) && typeof ev.data.message === 'string' ? ev.data.message : 'events were lost', t: ev.t, ...rerunOf(ev.data) });
        if (isRecord(ev.data) && typeof ev.data.status === 'string') this.finishWith(ev.data.status, ev.t);
        return;
      default:
        return; // messages, custom: not executions, not state
    }
  }

  protected onRun(runId: string, t: number): void {
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
      ...(said ? { kind: said.kind, ...(said.replay ? { replay: true } : {}), ...(said.from === 'history' ? { fromHistory: true } : {}), ...(said.input !== undefined ? { input: said.input } : {}), ...(said.fork ? { fork: said.fork } : {}), ...(typeof said.serverStart === 'number' && Number.isFinite(said.serverStart) ? { serverStart: said.serverStart } : {}) } : {}),
    });
    const stop = this.debugStops.get(runId);
    if (stop) s.runs[s.runs.length - 1].stop = stop;
    if (previous !== null) {
      // A new run on the same thread: a resume (or a follow-up). Earlier supersteps are over, and
      // an earlier run's error is its own (the story keeps it), not this run's.
      s.error = undefined;
      this.closeOpenSteps();
      for (const g of this.graphs.values()) {
        const last = g.last;
        if (last) g.resumeAt = last.execs.some((x) => x.status === 'interrupted') ? last.n : null;
      }
      const cmd = isRecord(command) ? command : undefined;
      for (const it of s.interrupts) {
        if (!it.resume) it.resume = { runId, t, ...(cmd && 'resume' in cmd ? { value: cmd.resume } : {}) };
      }
    }
    this.history.startFor(runId);
    if (said?.fork?.values && said.fork.step !== undefined) this.carry(this.root(), said.fork.step, said.fork.values, runId);
    if (previous !== null) this.setPhase('running', t);
  }

  protected onUpdates(ev: RunEvent): void {
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

  protected stepForUpdate(g: Graph, node: string): { step: Step; taskId: string | null } {
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

  protected onTask(ev: RunEvent, d: unknown, t: number, source: TimeSource, stepNo?: number): void {
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
      this.byTask.set(d.id, ex);
      pushTo(this.awaitingWrites, awaitKey(ev.ns, d.name), ex);
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

  protected onDebug(ev: RunEvent): void {
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

  protected onValues(ev: RunEvent): void {
    const d = ev.data;
    if (!isRecord(d)) return;
    const keys = Object.keys(d);
    if (keys.length === 1 && keys[0] === '__interrupt__') {
      this.onInterrupt(ev, d.__interrupt__); // with `values` alone this is the only sign of it
      return;
    }
    if ('__interrupt__' in d) {
      // Python: the state with `__interrupt__` in it (then, often, the interrupt alone again).
      this.onInterrupt(ev, d.__interrupt__);
      this.onTruth(this.graph(ev.ns), stripInterrupt(d), undefined);
      return;
    }
    this.onTruth(this.graph(ev.ns), d, undefined);
  }

  /** The server's state of a namespace after a superstep (or, before any, its initial state). */
  protected onTruth(g: Graph, values: Record<string, unknown>, stepNo: number | undefined): void {
    g.truthMode = true;
    if (stepNo !== undefined && stepNo < 0) return; // before __start__ ran: not the run's state
    const last = g.last;
    if (!last) {
      g.base = fromPlain(values, this.replayer.ctx(g));
      g.baseFrom = 'server';
      return;
    }
    // The last step is still open, or has not had the server's full word yet: this is it.
    if (!last.closed || !last.truth || last.partial) {
      if (stepNo !== undefined) this.renumber(last, stepNo, 'checkpoint');
      this.replayer.setTruth(g, g.steps.length - 1, values, false);
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
    g.steps.push(newStep(stepNo ?? last.n, stepNo !== undefined ? 'checkpoint' : 'values', g.lastEnd, this.currentRun, true, values));
    this.replayer.replay(g, g.last!);
  }

  protected onInterrupt(ev: RunEvent, value: unknown): void {
    const list = Array.isArray(value) ? value : [value];
    const s = this.summary;
    if (list.length === 0 && !s.interrupts.some((i) => i.value === null && i.runId === this.currentRun)) {
      s.interrupts.push({ value: null, ns: ev.ns, t: ev.t, runId: this.currentRun }); // static breakpoint
    }
    for (const it of list) {
      const id = isRecord(it) && typeof it.id === 'string' ? it.id : undefined;
      const value = isRecord(it) && 'value' in it ? it.value : it;
      // Older servers' interrupts have no id (`{value, resumable, ns, when}`), and Python may say
      // the same one twice (two `values` events): the same value in this run is the same interrupt.
      if (s.interrupts.some((x) => x.runId === this.currentRun && (id !== undefined ? x.id === id : x.id === undefined && deepEqual(x.value, value)))) continue;
      const info: InterruptInfo = { value, id, ns: ev.ns, t: ev.t, runId: this.currentRun };
      // The legacy shape names its task: `ns: ["human_review:<task id>"]`.
      const legacy = isRecord(it) && Array.isArray(it.ns) && typeof it.ns[it.ns.length - 1] === 'string' ? String(it.ns[it.ns.length - 1]) : undefined;
      const legacyTask = legacy?.includes(':') ? legacy.slice(legacy.indexOf(':') + 1) : undefined;
      // The node that raised it: its task, a running task of that namespace, else the thread's history.
      let ex: Execution | undefined = (legacyTask ? this.byTask.get(legacyTask) : undefined)
        ?? [...this.byTask.values()].find((x) => x.ns.join('|') === ev.ns.join('|') && x.status === 'running');
      if (ex) {
        ex.status = 'interrupted';
        ex.interrupts = list;
        if (ex.taskId) this.interruptedTask.set(ex.taskId, ex.index);
      } else if (id !== undefined && ev.ns.length === 0) {
        ex = this.synthFromHistory((t) => t.interrupts.some((x) => isRecord(x) && x.id === id), 'interrupted', ev.t);
      } else if (legacyTask && ev.ns.length === 0) {
        ex = this.synthFromHistory((t) => t.id === legacyTask, 'interrupted', ev.t);
      }
      if (ex) {
        info.node = ex.node;
        info.execution = ex.index;
      } else if (legacy) {
        info.node = legacy.split(':')[0];
      }
      s.interrupts.push(info);
    }
    this.setPhase('interrupted', ev.t);
  }

  protected onError(ev: RunEvent): void {
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
  protected onCancelled(t: number): void {
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


  protected finishWith(status: string, t: number): void {
    if (status === 'success') this.setPhase('success', t);
    else if (status === 'interrupted') this.setPhase('interrupted', t);
    else if (status === 'error' || status === 'timeout') this.setPhase('error', t);
    else if (status === 'cancelled') this.onCancelled(t);
  }
}

/** A task started by a `Send` (its trigger is the push channel), so one of several of its node. */
function isPush(d: Record<string, unknown>): boolean {
  return Array.isArray(d.triggers) && d.triggers.some((t) => typeof t === 'string' && t.startsWith('__pregel_push'));
}

/** A gap that ends a run lost to a restart: where it can be run again from (see client/restart.ts). */
function rerunOf(d: unknown): { rerun?: { checkpointId?: string; step?: number; threadGone?: boolean } } {
  const lost = isRecord(d) && isRecord(d.lost) ? d.lost : null;
  if (!lost) return {};
  return {
    rerun: {
      ...(typeof lost.checkpointId === 'string' ? { checkpointId: lost.checkpointId } : {}),
      ...(typeof lost.step === 'number' ? { step: lost.step } : {}),
      ...(lost.threadGone === true ? { threadGone: true } : {}),
    },
  };
}
