// The Call Stack of a stopped run: the checkpoint's pending tasks (the nodes about to run, or the
// one that called interrupt() or failed), subgraph namespaces as outer frames. Plain data; the
// session turns it into DAP frames with their source locations.
import type { ThreadState } from '../client';
import { isRecord } from '../shared/events';

export interface Frame {
  id: number;
  /** Node name of the task. */
  node: string;
  /** Subgraph path of the graph the task belongs to (`[]` at the root). */
  ns: string[];
  taskId?: string;
  /** The state of the graph this task belongs to (the root's, or a subgraph's). */
  state: ThreadState;
  /** The task's own entry in `state.tasks`. */
  task: Record<string, unknown>;
  interrupted: boolean;
  failed: boolean;
}

/**
 * Innermost first: for a task running a subgraph whose state is known, the subgraph's frames
 * come before the task itself. Tasks that interrupted or failed come before the others.
 */
export function framesOf(state: ThreadState): Frame[] {
  const out: Frame[] = [];
  const walk = (s: ThreadState, ns: string[]): Frame[] => {
    const tasks = (s.tasks ?? []).filter(isRecord);
    const groups = tasks.map((t) => {
      const node = typeof t.name === 'string' ? t.name : '?';
      const inner = isRecord(t.state) && Array.isArray((t.state as unknown as ThreadState).tasks) ? walk(t.state as unknown as ThreadState, [...ns, node]) : [];
      const interrupted = Array.isArray(t.interrupts) && t.interrupts.length > 0;
      const failed = t.error !== null && t.error !== undefined;
      const self: Frame = { id: 0, node, ns, taskId: typeof t.id === 'string' ? t.id : undefined, state: s, task: t, interrupted, failed };
      const urgent = interrupted || failed || inner.some((f) => f.interrupted || f.failed);
      return { frames: [...inner, self], urgent };
    });
    groups.sort((a, b) => Number(b.urgent) - Number(a.urgent));
    return groups.flatMap((g) => g.frames);
  };
  for (const f of walk(state, [])) out.push({ ...f, id: out.length + 1 });
  return out;
}

export function frameName(f: Frame): string {
  const where = f.ns.length ? `${f.ns.join(':')}:${f.node}` : f.node;
  return f.failed ? `${where} (error)` : f.interrupted ? `${where} (interrupt)` : where;
}

/** The checkpoint part of a state, for the Checkpoint scope. */
export function checkpointOf(s: ThreadState): Record<string, unknown> {
  const md = isRecord(s.metadata) ? s.metadata : {};
  return {
    checkpoint_id: s.checkpoint?.checkpoint_id ?? null,
    checkpoint_ns: s.checkpoint?.checkpoint_ns ?? '',
    parent_checkpoint_id: s.parent_checkpoint?.checkpoint_id ?? null,
    step: md.step ?? null,
    source: md.source ?? null,
    created_at: s.created_at ?? null,
    run_id: md.run_id ?? null,
    next: s.next ?? [],
    metadata: md,
  };
}

/** What the Next tasks scope shows of a task: its name, id, path and what it holds. */
export function taskView(t: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['id', 'name', 'path', 'interrupts', 'error', 'result', 'checkpoint']) if (t[k] !== undefined && t[k] !== null) out[k] = t[k];
  if (isRecord(t.state)) out.subgraph_state = (t.state as unknown as ThreadState).values;
  return out;
}
