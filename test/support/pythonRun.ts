// One scripted run on the Python-dialect server: walks a ScriptGraph superstep by superstep and
// publishes what the Python Agent Server would (../shared/notes/python-server.md): `metadata`
// with `attempt`, updates/values/tasks/checkpoints/debug/custom/messages, subgraph events named
// `mode|node:<task id>`, two `values` at an interrupt, `{value,id}` or legacy interrupt fields,
// `event: error` for a node's exception and `{"error":"UserInterrupt"}` for a cancel.
import { randomUUID } from 'node:crypto';
import { SCRIPTS, applyWrites, type ScriptCtx, type ScriptGraph, type ScriptTask } from './pythonScripts';

export interface Checkpoint {
  checkpoint_id: string;
  parent: string | null;
  values: Record<string, unknown>;
  next: string[];
  tasks: Array<Record<string, unknown>>;
  metadata: Record<string, unknown>;
  created_at: string;
  /** Index of the script step that runs next from here (what a resume or a fork continues with). */
  scriptAt: number;
  graphId: string;
}

export interface ThreadRec {
  thread_id: string;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
  status: 'idle' | 'busy' | 'interrupted' | 'error';
  /** Oldest first. */
  checkpoints: Checkpoint[];
  /** The interrupted task a resume runs again. */
  pending: { taskId: string } | null;
}

export interface RunOptions {
  modes: string[];
  subgraphs: boolean;
  input: Record<string, unknown> | null;
  command: { resume?: unknown } | null;
  checkpointId: string | null;
  /** Static breakpoints given with the run (`interrupt_before`): node names, or `*` for every node. Root graph only, as on the real servers. */
  interruptBefore?: string[] | '*';
}

export interface DialectClock {
  /** The server's time: the client's plus the configured offset (a hosted server's clock is off). */
  now(): number;
  /** `2025-09-15T19:26:53.454492+00:00`: microseconds and an offset, as Python prints datetimes. */
  iso(ms?: number): string;
  interruptShape: 'modern' | 'legacy';
}

export type Emit = (mode: string, ns: string[], data: unknown) => void;

export class RunCancelled extends Error {
  constructor(readonly action: 'interrupt' | 'rollback') {
    super('cancelled');
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const val = <T>(v: T | ((c: ScriptCtx) => T), c: ScriptCtx): T => (typeof v === 'function' ? (v as (c: ScriptCtx) => T)(c) : v);
const pairs = (w: Record<string, unknown>) => Object.entries(w);

/** Runs one scripted run to its end; returns how it ended (the caller turns that into a status). */
export async function executeRun(
  graphId: string, thread: ThreadRec, runId: string, opts: RunOptions, clock: DialectClock, emit: Emit, signal: AbortSignal,
): Promise<'success' | 'interrupted' | 'error'> {
  const g: ScriptGraph = SCRIPTS[graphId];
  const input = opts.input ?? {};
  const from = opts.checkpointId ? thread.checkpoints.find((c) => c.checkpoint_id === opts.checkpointId) : thread.checkpoints.at(-1);
  const resuming = opts.command && 'resume' in opts.command && thread.pending && from === thread.checkpoints.at(-1);
  let state: Record<string, unknown> = { ...(from?.values ?? {}) };
  let stepNo = typeof from?.metadata.step === 'number' ? from.metadata.step : -2;
  let at = from && from.graphId === graphId && (resuming || from.scriptAt < g.steps.length) ? from.scriptAt : 0;
  let parent = from?.checkpoint_id ?? null;
  const pendingTask = resuming ? thread.pending!.taskId : null;
  const resume = resuming ? opts.command!.resume : undefined;
  thread.pending = null;

  const checkpoint = (source: string, next: ScriptTask[] | undefined, nextIds: string[]): Checkpoint => {
    const cp: Checkpoint = {
      checkpoint_id: randomUUID(), parent, values: state, graphId, scriptAt: at, created_at: clock.iso(),
      next: (next ?? []).map((t) => t.node),
      tasks: (next ?? []).map((t, i) => ({ id: nextIds[i], name: t.node, path: t.send !== undefined ? ['__pregel_push', i] : ['__pregel_pull', t.node], error: null, interrupts: [], checkpoint: null, state: null, result: null })),
      metadata: { source, step: stepNo, parents: {}, run_id: runId, graph_id: graphId, thread_id: thread.thread_id },
    };
    thread.checkpoints.push(cp);
    parent = cp.checkpoint_id;
    const config = (id: string | null) => (id ? { configurable: { thread_id: thread.thread_id, checkpoint_ns: '', checkpoint_id: id } } : null);
    const full = { config: config(cp.checkpoint_id), parent_config: config(cp.parent), values: state, metadata: cp.metadata, next: cp.next, tasks: cp.tasks };
    emit('checkpoints', [], full);
    emit('debug', [], { step: stepNo, type: 'checkpoint', timestamp: clock.iso(), payload: full });
    return cp;
  };

  emit('metadata', [], { run_id: runId, attempt: 1 });
  if (!resuming && opts.input !== null) {
    // A new input: the input checkpoint, then the state with it applied (step 0 on a new thread).
    stepNo++;
    checkpoint('input', [{ node: '__start__' }], [randomUUID()]);
    state = applyWrites(g, state, input);
    stepNo++;
    at = 0;
    checkpoint('loop', g.steps[0], g.steps[0].map(() => randomUUID()));
    emit('values', [], state);
  }
  const ids = (step: ScriptTask[] | undefined) => (step ?? []).map(() => randomUUID());
  let taskIds = pendingTask && g.steps[at]?.length === 1 ? [pendingTask] : thread.checkpoints.at(-1)!.tasks.map((t) => String(t.id));
  let first = true;
  for (; at < g.steps.length; at++) {
    stepNo++;
    const step = g.steps[at];
    if (taskIds.length !== step.length) taskIds = ids(step);
    // A static breakpoint pauses before the step, except the step a run goes on from (it paused there
    // already). Python publishes `__interrupt__: []` only when `updates` is streamed: else nothing.
    const ib = opts.interruptBefore;
    const resumingHere = first && opts.input === null && from !== undefined;
    if (ib && !resumingHere && step.some((t) => ib === '*' || ib.includes(t.node))) {
      emit('updates', [], { __interrupt__: [] });
      return 'interrupted';
    }
    const result = await runStep(g, step, taskIds, [], state, { input, resume: first && pendingTask ? resume : undefined }, opts, clock, emit, signal, stepNo);
    first = false;
    if (result.kind === 'error') {
      const last = thread.checkpoints.at(-1)!;
      last.tasks = last.tasks.map((t) => (t.id === result.taskId ? { ...t, error: `${result.error.name}('${result.error.message}')` } : t));
      emit('error', [], { error: result.error.name, message: result.error.message });
      return 'error';
    }
    if (result.kind === 'interrupt') {
      const last = thread.checkpoints.at(-1)!;
      last.tasks = last.tasks.map((t) => (t.id === result.taskId ? { ...t, interrupts: result.interrupts } : t));
      thread.pending = { taskId: result.taskId };
      emit('updates', [], { __interrupt__: result.interrupts });
      // Python: the state with `__interrupt__`, then `{"__interrupt__": […]}` on its own.
      emit('values', [], { ...state, __interrupt__: result.interrupts });
      emit('values', [], { __interrupt__: result.interrupts });
      return 'interrupted';
    }
    for (const w of result.writes) state = applyWrites(g, state, w);
    const next = g.steps[at + 1];
    taskIds = ids(next);
    at++;
    checkpoint('loop', next, taskIds);
    at--;
    emit('values', [], state);
  }
  return 'success';
}

type StepResult =
  | { kind: 'done'; writes: Record<string, unknown>[] }
  | { kind: 'error'; taskId: string; error: { name: string; message: string } }
  | { kind: 'interrupt'; taskId: string; interrupts: unknown[] };

/** One superstep: every task at once (a Send fan-out overlaps), updates in finish order. */
async function runStep(
  g: ScriptGraph, step: ScriptTask[], taskIds: string[], ns: string[], state: Record<string, unknown>,
  ctx: { input: Record<string, unknown>; resume?: unknown }, opts: RunOptions, clock: DialectClock, emit: Emit, signal: AbortSignal, stepNo: number,
): Promise<StepResult> {
  const c: ScriptCtx = { state, input: ctx.input, resume: ctx.resume };
  for (const [i, t] of step.entries()) {
    const start = { id: taskIds[i], name: t.node, input: t.send ?? state, triggers: t.send !== undefined ? ['__pregel_push'] : [`branch:to:${t.node}`], interrupts: [] };
    emit('tasks', ns, start);
    emit('debug', ns, { step: stepNo, type: 'task', timestamp: clock.iso(), payload: start });
  }
  const outcomes = await Promise.all(step.map(async (t, i): Promise<StepResult> => {
    const id = taskIds[i];
    await sleep(t.delayMs === undefined ? 0 : val(t.delayMs, c), signal);
    for (const x of t.custom ?? []) emit('custom', ns, x);
    if (t.error) {
      const res = { id, name: t.node, error: `${t.error.name}('${t.error.message}')`, result: [], interrupts: [] };
      emit('tasks', ns, res);
      emit('debug', ns, { step: stepNo, type: 'task_result', timestamp: clock.iso(), payload: res });
      return { kind: 'error', taskId: id, error: t.error };
    }
    if (t.interrupt !== undefined && c.resume === undefined) {
      const value = val(t.interrupt, c);
      const it = clock.interruptShape === 'legacy'
        ? { value, resumable: true, ns: [`${t.node}:${id}`], when: 'during' }
        : { value, id: randomUUID().replace(/-/g, '') };
      const res = { id, name: t.node, error: null, result: [], interrupts: [it] };
      emit('tasks', ns, res);
      emit('debug', ns, { step: stepNo, type: 'task_result', timestamp: clock.iso(), payload: res });
      return { kind: 'interrupt', taskId: id, interrupts: [it] };
    }
    let writes: Record<string, unknown>;
    if (t.subgraph) {
      const sub = await runSubgraph(g, t, id, ns, state, ctx.input, opts, clock, emit, signal);
      if (sub.kind !== 'done') return sub;
      writes = sub.writes[0];
    } else {
      writes = t.writes === undefined ? {} : val(t.writes, c);
    }
    emit('updates', ns, { [t.node]: writes });
    for (const m of Array.isArray(writes.messages) ? writes.messages : []) {
      emit('messages', ns, [m, { langgraph_node: t.node, langgraph_step: stepNo, langgraph_triggers: [`branch:to:${t.node}`], langgraph_checkpoint_ns: [...ns, `${t.node}:${id}`].join('|') }]);
    }
    const res = { id, name: t.node, error: null, result: pairs(writes), interrupts: [] };
    emit('tasks', ns, res);
    emit('debug', ns, { step: stepNo, type: 'task_result', timestamp: clock.iso(), payload: res });
    return { kind: 'done', writes: [writes] };
  }));
  const bad = outcomes.find((o) => o.kind !== 'done');
  if (bad) return bad;
  return { kind: 'done', writes: outcomes.flatMap((o) => (o.kind === 'done' ? o.writes : [])) };
}

/** A subgraph node: its steps under `node:<task id>`, from the parent's state; returns its whole state. */
async function runSubgraph(
  g: ScriptGraph, t: ScriptTask, id: string, ns: string[], parentState: Record<string, unknown>, input: Record<string, unknown>,
  opts: RunOptions, clock: DialectClock, emit: Emit, signal: AbortSignal,
): Promise<StepResult> {
  const inner = [...ns, `${t.node}:${id}`];
  // Nested events reach the stream only with stream_subgraphs (as on the real server).
  const sub: Emit = (mode, where, data) => (opts.subgraphs ? emit(mode, where, data) : undefined);
  let state = { ...parentState };
  sub('values', inner, state);
  let n = 0;
  for (const step of t.subgraph!) {
    n++;
    const r = await runStep(g, step, step.map(() => randomUUID()), inner, state, { input }, opts, clock, sub, signal, n);
    if (r.kind !== 'done') return r;
    for (const w of r.writes) state = applyWrites(g, state, w);
    sub('values', inner, state);
  }
  return { kind: 'done', writes: [state] };
}

/**
 * `POST /threads/{t}/state`: the values go through the graph's reducers onto the latest (or the
 * named) checkpoint, and a new checkpoint (`source: "update"`, the step after) keeps what runs next.
 */
export function updateThreadState(thread: ThreadRec, body: Record<string, unknown>, clock: DialectClock): { checkpoint: Record<string, unknown> } {
  const named = typeof body.checkpoint_id === 'string' ? body.checkpoint_id : undefined;
  const base = named ? thread.checkpoints.find((c) => c.checkpoint_id === named) : thread.checkpoints.at(-1);
  if (!base) throw new Error(named ? `checkpoint ${named} not found` : 'the thread has no checkpoint to update');
  const g = SCRIPTS[base.graphId];
  const values = applyWrites(g, base.values, (body.values ?? {}) as Record<string, unknown>);
  const step = typeof base.metadata.step === 'number' ? base.metadata.step + 1 : 0;
  const cp: Checkpoint = {
    ...base, checkpoint_id: randomUUID(), parent: base.checkpoint_id, values, created_at: clock.iso(),
    tasks: base.tasks.map((t) => ({ ...t, id: randomUUID() })),
    metadata: { ...base.metadata, source: 'update', step, writes: body.values ?? null },
  };
  thread.checkpoints.push(cp);
  if (thread.pending && cp.tasks.length === 1) thread.pending = { taskId: String(cp.tasks[0].id) };
  return { checkpoint: { thread_id: thread.thread_id, checkpoint_ns: '', checkpoint_id: cp.checkpoint_id, checkpoint_map: null } };
}
