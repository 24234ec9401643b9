// Run control for the debugger: a debug session is a sequence of runs on one thread. Each run goes
// until the server pauses it — before a breakpoint's node (`interrupt_before`), before the next
// step (stepping: `interrupt_before: "*"`), at an `interrupt()` call, at a node error, or where a
// cancel with `action=interrupt` left it (Pause) — then the thread's state says where it is.
// No `vscode`, no DAP types: session.ts turns this into the protocol.
import { LangGraphError, runErrorOf, type LangGraphClient, type RunParams, type StreamMode, type ThreadState } from '../client';
import { isRecord, type RunStart } from '../shared/events';
import { interruptText } from '../shared/threadText';
import type { Breakpoints } from './breakpoints';
import { nsNames } from './stepping';

export type StopReason = 'entry' | 'breakpoint' | 'step' | 'pause' | 'exception' | 'restart';

export interface PendingInterrupt {
  /** Task (node) that called interrupt(), with its subgraph path. */
  node: string;
  ns: string[];
  id?: string;
  value: unknown;
}

export interface Stop {
  reason: StopReason;
  /** One line for the Call Stack ("Paused before crunch"). */
  description: string;
  /** Longer text (the exception's message, the interrupt's question). */
  text?: string;
  hitBreakpointIds: number[];
  state: ThreadState;
  interrupts: PendingInterrupt[];
  error?: { node: string; name: string; message: string };
  /** What was asked: a user's pause, a step, … (for the Continue that follows). */
  kind: 'breakpoint' | 'step' | 'entry' | 'pause' | 'interrupt' | 'error' | 'restart' | 'other';
  /** ms from the run's end to this stop known (the thread's state read). */
  readMs?: number;
  /** The run that stopped here (none when attached to an idle thread). */
  runId?: string;
}

export interface RunAnnounce {
  runId: string;
  threadId: string;
  kind: RunStart['kind'];
}

export interface ControlHost {
  runStarted(r: RunAnnounce): void;
  output(text: string, category?: 'console' | 'stdout' | 'stderr' | 'important'): void;
  stopped(stop: Stop): void;
  ended(how: { status: 'success' | 'error' | 'cancelled' | 'interrupted'; message: string }): void;
}

export interface ControlOptions {
  client: LangGraphClient;
  assistantId: string;
  threadId: string;
  streamMode: StreamMode[];
  breakpoints: Breakpoints;
  /** Exception filters as they are set now. */
  filters(): { errors: boolean; interrupts: boolean };
}

/** interrupt() calls pending in a state, subgraphs included (`?subgraphs=true` nests their states in tasks). */
export function pendingInterrupts(state: ThreadState, ns: string[] = []): PendingInterrupt[] {
  const out: PendingInterrupt[] = [];
  for (const t of state.tasks ?? []) {
    if (!isRecord(t)) continue;
    const name = typeof t.name === 'string' ? t.name : '?';
    const nested = isRecord(t.state) && Array.isArray((t.state as unknown as ThreadState).tasks) ? pendingInterrupts(t.state as unknown as ThreadState, [...ns, name]) : [];
    if (nested.length) {
      out.push(...nested);
      continue;
    }
    for (const i of Array.isArray(t.interrupts) ? t.interrupts : []) {
      out.push({ node: name, ns, id: isRecord(i) && typeof i.id === 'string' ? i.id : undefined, value: isRecord(i) && 'value' in i ? i.value : i });
    }
  }
  return out;
}

/** The first task that failed, subgraphs included. */
export function failedTask(state: ThreadState, ns: string[] = []): { node: string; ns: string[]; error: unknown } | undefined {
  for (const t of state.tasks ?? []) {
    if (!isRecord(t)) continue;
    const name = typeof t.name === 'string' ? t.name : '?';
    if (isRecord(t.state)) {
      const inner = failedTask(t.state as unknown as ThreadState, [...ns, name]);
      if (inner) return inner;
    }
    if (t.error !== null && t.error !== undefined) return { node: name, ns, error: t.error };
  }
  return undefined;
}

/** `{"message": …, "name": …}` as the server stores a task's error (a JSON string on JS). */
function errorText(e: unknown): { name: string; message: string } {
  let v = e;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch { /* plain text */ }
  }
  if (isRecord(v)) return { name: String(v.name ?? v.error ?? 'Error'), message: String(v.message ?? JSON.stringify(v)) };
  return { name: 'Error', message: String(v) };
}

export class RunControl {
  private abort?: AbortController;
  private runId?: string;
  private pauseWanted = false;
  private stopWanted = false;
  /** Where the session is stopped, or undefined while a run goes. */
  stop?: Stop;
  private busy = false;
  /** The thread's checkpoint where the last run of this session left it. */
  private lastCheckpoint?: string;

  constructor(private readonly o: ControlOptions, private readonly host: ControlHost) {}

  get running(): boolean {
    return this.busy;
  }

  get threadId(): string {
    return this.o.threadId;
  }

  /** The first run: the launch input, stopping before the first step when asked. */
  start(input: unknown, stopOnEntry: boolean): Promise<void> {
    return this.go({ input }, stopOnEntry ? 'entry' : 'run', 'input');
  }

  /** Continue: a new run from the current checkpoint with the same breakpoints. */
  continue(): Promise<void> {
    return this.go({ input: null }, 'run', 'continue');
  }

  /**
   * Answer the pending interrupt() with `value` and go on (to the next step when `step`; with the
   * subgraphs' inner steps streamed and said when `subgraphs`).
   */
  resume(value: unknown, step = false, subgraphs = false): Promise<void> {
    return this.go({ command: { resume: value }, ...(subgraphs ? this.inner() : {}) }, step ? 'step' : 'run', 'resume');
  }

  /** Step Over: one superstep, then stop before the next (Step Into / Out: with subgraphs streamed). */
  step(subgraphs = false): Promise<void> {
    return this.go({ input: null, ...(subgraphs ? this.inner() : {}) }, 'step', 'continue');
  }

  /** Stream the subgraphs' `updates` too: each inner step is said as it finishes (stepping.ts). */
  private inner(): Partial<RunParams> {
    return { streamSubgraphs: true, streamMode: [...new Set<StreamMode>([...this.o.streamMode, 'updates'])] };
  }

  /**
   * Restart Frame: a fork from `checkpointId` (the step before the frame's), run again until it is
   * back before `node`: the step that led here runs anew, on a branch of the thread.
   */
  restartFrom(checkpointId: string, node: string): Promise<void> {
    return this.go({ input: null, checkpointId, interruptBefore: [node] }, 'restart', 'fork');
  }

  /** Attach: follow `runId` (a run someone else started) to its end, or stop where the thread is now. */
  attach(runId?: string): Promise<void> {
    return this.go({}, 'run', 'join', runId ?? null);
  }

  /** Pause: stop the running run at its last checkpoint. */
  async pause(): Promise<void> {
    if (!this.busy) return;
    this.pauseWanted = true;
    // Before the server has said the run's id, the cancel waits for it (announce()).
    if (this.runId) await this.cancelForPause(this.runId);
  }

  private cancelForPause(runId: string): Promise<void> {
    return this.o.client.cancelRun(this.o.threadId, runId, { action: 'interrupt', wait: true });
  }

  /** Stop: cancel the running run (its partial state is kept) and end. */
  async terminate(): Promise<void> {
    this.stopWanted = true;
    if (this.busy && this.runId) {
      await this.o.client.cancelRun(this.o.threadId, this.runId, { action: 'interrupt', wait: false }).catch(() => undefined);
    }
    this.abort?.abort();
  }

  private async go(first: Partial<RunParams>, mode: 'run' | 'step' | 'entry' | 'restart', kind: RunStart['kind'], join?: string | null): Promise<void> {
    if (this.busy) throw new Error('A run of this debug session is still going: pause or stop it first.');
    this.busy = true;
    const was = this.stop;
    this.stop = undefined;
    this.pauseWanted = false;
    // Every run after the first names the checkpoint it goes on from: the stop's (or, on the JS
    // server, a fork would pin the thread to the fork's origin: see LangGraphClient.headCheckpoint).
    let params = first;
    const from = was?.state.checkpoint?.checkpoint_id ?? this.lastCheckpoint;
    if (!params.checkpointId && from && kind !== 'input' && kind !== 'join') params = { ...params, checkpointId: from };
    try {
      for (;;) {
        const bps = this.o.breakpoints.rootNodes();
        const interruptBefore = params.interruptBefore ?? (mode === 'run' ? (bps.length ? bps : undefined) : '*');
        const ended = join === null ? {} : await this.runOnce({ ...params, interruptBefore }, kind, join);
        const attachedIdle = join === null;
        join = undefined;
        if (this.stopWanted) {
          this.host.ended({ status: 'cancelled', message: 'The run was cancelled (its state so far is kept on the thread).' });
          return;
        }
        const t0 = Date.now();
        const state = await this.o.client.getThreadState(this.o.threadId, { subgraphs: true });
        const readMs = Date.now() - t0;
        const stop = attachedIdle ? this.idle(state) : this.classify(state, ended.error, mode);
        this.lastCheckpoint = state.checkpoint?.checkpoint_id;
        if (stop === 'again') {
          params = { input: null, checkpointId: this.lastCheckpoint };
          kind = 'continue';
          continue;
        }
        if ('status' in stop) {
          this.host.ended(stop);
          return;
        }
        stop.readMs = readMs;
        if (this.runId && !attachedIdle) stop.runId = this.runId;
        this.stop = stop;
        this.busy = false;
        this.host.stopped(stop);
        return;
      }
    } catch (e) {
      if (this.stopWanted) {
        this.host.ended({ status: 'cancelled', message: 'The run was cancelled.' });
        return;
      }
      const msg = e instanceof LangGraphError ? e.message : `The run failed: ${(e as Error).message}`;
      this.host.ended({ status: 'error', message: msg });
    } finally {
      this.busy = false;
      this.abort = undefined;
      this.runId = undefined;
    }
  }

  private async runOnce(params: Partial<RunParams>, kind: RunStart['kind'], join?: string): Promise<{ error?: { name: string; message: string } }> {
    this.abort = new AbortController();
    const stream = join
      ? this.o.client.joinRun(this.o.threadId, join, { signal: this.abort.signal })
      : this.o.client.streamRun(this.o.threadId, {
        assistantId: this.o.assistantId,
        streamMode: this.o.streamMode,
        multitaskStrategy: 'reject',
        ...params,
      }, { signal: this.abort.signal });
    if (join) this.runId = join;
    let announced = false;
    const announce = () => {
      if (announced || !stream.runId) return;
      announced = true;
      this.runId = stream.runId;
      this.host.runStarted({ runId: stream.runId, threadId: this.o.threadId, kind });
      if (this.pauseWanted) this.cancelForPause(stream.runId).catch((e) => this.host.output(`Pause failed: ${(e as Error).message}`, 'stderr'));
    };
    let error: { name: string; message: string } | undefined;
    for await (const ev of stream) {
      announce();
      if (params.streamSubgraphs && ev.ns.length && ev.event === 'updates' && isRecord(ev.data)) {
        for (const node of Object.keys(ev.data)) if (node !== '__interrupt__') this.host.output(`  ${[...nsNames(ev.ns), node].join(':')} ran (inside the subgraph)`);
      }
      const err = runErrorOf(ev);
      if (err) error = { name: err.name, message: err.message };
    }
    announce();
    return { error };
  }

  /** Attached to a thread with no run going: stop where it is (a finished thread can still be forked). */
  private idle(state: ThreadState): Stop {
    const interrupts = pendingInterrupts(state);
    const next = state.next ?? [];
    const base = { state, hitBreakpointIds: [] as number[], interrupts };
    if (interrupts.length) return { ...base, reason: 'pause', kind: 'interrupt', description: `Paused at interrupt() in ${[...interrupts[0].ns, interrupts[0].node].join(':')}`, text: interruptText(interrupts[0].value).question };
    return { ...base, reason: 'entry', kind: 'entry', description: next.length ? `Attached: before ${next.join(', ')}` : 'Attached: the thread has finished' };
  }

  private classify(state: ThreadState, streamError: { name: string; message: string } | undefined, mode: 'run' | 'step' | 'entry' | 'restart'): Stop | 'again' | { status: 'success' | 'error' | 'interrupted'; message: string } {
    const filters = this.o.filters();
    const next = state.next ?? [];
    const failed = failedTask(state);
    const base = { state, hitBreakpointIds: [] as number[], interrupts: [] as PendingInterrupt[] };
    if (failed || (streamError && !/^(UserInterrupt|UserRollback)$/.test(streamError.name) && streamError.message !== 'rollback')) {
      const err = failed ? errorText(failed.error) : streamError!;
      const node = failed ? [...failed.ns, failed.node].join(':') : next.join(', ') || 'the run';
      const line = `${node} raised ${err.name}: ${err.message}`;
      if (!filters.errors) return { status: 'error', message: line };
      return { ...base, reason: 'exception', kind: 'error', description: `Node error in ${node}`, text: line, error: { node, ...err } };
    }
    const interrupts = pendingInterrupts(state);
    if (interrupts.length) {
      const where = [...interrupts[0].ns, interrupts[0].node].join(':');
      if (!filters.interrupts) {
        return { status: 'interrupted', message: `The run waits at interrupt() in ${where}. Resume it from the timeline, or turn on the "interrupt() calls" breakpoint filter.` };
      }
      return { ...base, interrupts, reason: 'pause', kind: 'interrupt', description: `Paused at interrupt() in ${where}`, text: interruptText(interrupts[0].value).question };
    }
    if (next.length === 0) return { status: 'success', message: 'The run finished.' };
    const before = next.join(', ');
    if (this.pauseWanted) return { ...base, reason: 'pause', kind: 'pause', description: `Paused before ${before}` };
    if (mode === 'entry') return { ...base, reason: 'entry', kind: 'entry', description: `Stopped on entry, before ${before}` };
    if (mode === 'step') return { ...base, reason: 'step', kind: 'step', description: `Stepped: before ${before}` };
    if (mode === 'restart') return { ...base, reason: 'restart', kind: 'restart', description: `Restarted: before ${before}`, text: 'Restart Frame ran the step before again, on a fork of the thread.' };
    const hits = this.o.breakpoints.hitsAt(next, state.values);
    for (const p of hits.problems) this.host.output(p, 'stderr');
    if (hits.ids.length || hits.problems.length) {
      return { ...base, hitBreakpointIds: hits.ids, reason: 'breakpoint', kind: 'breakpoint', description: `Breakpoint: before ${before}` };
    }
    const ours = this.o.breakpoints.rootNodes();
    if (next.some((n) => ours.includes(n))) return 'again'; // a condition or hit count said "not this time"
    return { ...base, reason: 'pause', kind: 'other', description: `Paused before ${before}`, text: 'The run stopped without a breakpoint of this session: the graph may be compiled with interrupt_before/after, or someone cancelled the run.' };
  }
}
