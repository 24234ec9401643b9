// The run on the graph: how often each node ran and for how long, which are running, which failed
// or stopped at an interrupt, the transitions the run made (between consecutive supersteps of one
// graph in one run, through subgraphs), and which of the graph's edges they took. Pure.
import type { Execution } from '../../shared/runModel';
import type { RunInfo } from '../../shared/model/types';
import { END, START, graphIdOf, type GraphShape } from './graphShape';
import { elementIn, matcherFor } from './graphMatch';

export type NodeStatus = 'not run' | 'running' | 'done' | 'error' | 'interrupted' | 'cancelled';

export interface NodeRun {
  runs: number;
  running: number;
  /** Finished executions' time, summed. */
  totalMs: number;
  errors: number;
  interrupts: number;
  status: NodeStatus;
  /** Its executions in order (for clicks that step through them). */
  executions: number[];
}

/** A transition the run made: from an execution (or the start) to one (or the end). */
export interface Transition {
  from: number | 'start';
  to: number | 'end';
  /** The drawn edges it took (none when the graph has no such edge). */
  edges: string[];
}

export interface GraphRun {
  nodes: Map<string, NodeRun>;
  /** Edge key → how often it was taken. */
  edgeCounts: Map<string, number>;
  transitions: Transition[];
  /** Execution → the element that shows it (a node, or the cluster of a subgraph it ran). */
  elementOf: (i: number) => string | null;
  /**
   * The transitions into an execution, and its children, where the run's keeper can say without
   * reading the whole run (the live tracker); tracing a path then costs the path, not the run.
   */
  into?: (i: number) => readonly Transition[];
  kidsOf?: (i: number) => readonly number[];
}

const emptyRun = (): NodeRun => ({ runs: 0, running: 0, totalMs: 0, errors: 0, interrupts: 0, status: 'not run', executions: [] });

/**
 * The transitions of the run, as pairs of leaf executions (a subgraph's execution stands for its
 * first step's nodes where it is entered, and its last step's where it is left).
 */
export function leafTransitions(executions: readonly Execution[], runs: readonly RunInfo[], finished: boolean): { from: number | 'start'; to: number | 'end' }[] {
  const children = new Map<number, Execution[]>();
  const groups = new Map<string, Map<number, Execution[]>>();
  for (const ex of executions) {
    if (ex.parent !== null) {
      let c = children.get(ex.parent);
      if (!c) children.set(ex.parent, (c = []));
      c.push(ex);
    }
    // A resumed execution re-runs its interrupted step in a new run: its way in was counted then.
    const key = `${ex.ns.join('|')}#${ex.runId ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = new Map()));
    let s = g.get(ex.step);
    if (!s) g.set(ex.step, (s = []));
    s.push(ex);
  }
  const stepsOf = (list: Execution[]): Execution[][] => {
    const by = new Map<number, Execution[]>();
    for (const e of list) {
      let s = by.get(e.step);
      if (!s) by.set(e.step, (s = []));
      s.push(e);
    }
    return [...by.entries()].sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  };
  const ends = (ex: Execution, first: boolean, depth = 0): Execution[] => {
    const c = children.get(ex.index);
    if (!c || depth > 32) return [ex];
    const steps = stepsOf(c);
    const edge = first ? steps[0] : steps[steps.length - 1];
    return edge.flatMap((e) => ends(e, first, depth + 1));
  };
  const runKind = new Map(runs.map((r) => [r.runId, r]));
  const lastRun = runs.length ? runs[runs.length - 1].runId : null;
  const out: { from: number | 'start'; to: number | 'end' }[] = [];
  for (const [key, g] of groups) {
    const root = key.startsWith('#');
    const steps = [...g.entries()].sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    const runId = steps[0][0].runId;
    const info = runId ? runKind.get(runId) : undefined;
    for (let k = 0; k < steps.length; k++) {
      const cur = steps[k];
      if (k === 0) {
        // A fresh run starts at __start__; a resume, a fork or a continue picks up mid-graph
        // (said by the session, or by the command that started it, or seen: it re-ran a node).
        const fresh = !info || ((!info.kind || info.kind === 'input') && info.command === undefined && !info.fork);
        if (root && fresh && !cur.some((t) => t.resumeOf !== undefined)) for (const t of cur) for (const b of ends(t, true)) out.push({ from: 'start', to: b.index });
        continue;
      }
      const prev = steps[k - 1];
      for (const t of cur) {
        if (t.resumeOf !== undefined) continue;
        for (const s of prev) for (const a of ends(s, false)) for (const b of ends(t, true)) out.push({ from: a.index, to: b.index });
      }
    }
    if (!root) continue;
    const last = steps[steps.length - 1];
    const ended = runId === lastRun ? finished : true;
    const stopped = last.some((e) => e.status !== 'done') || !!info?.error || !!info?.cancelled;
    if (ended && !stopped) for (const s of last) for (const a of ends(s, false)) out.push({ from: a.index, to: 'end' });
  }
  return out;
}

/** The run on this shape. `finished`: the last run ended well (its last step led to __end__). */
export function graphRun(shape: GraphShape, executions: readonly Execution[], runs: readonly RunInfo[], finished: boolean): GraphRun {
  const nodes = new Map<string, NodeRun>();
  const element = elementIn(shape);
  for (const ex of executions) {
    const gid = graphIdOf(ex);
    // Only an execution drawn as itself counts (one inside an unopened subgraph is its parent's).
    if (element(gid) !== gid) continue;
    let r = nodes.get(gid);
    if (!r) nodes.set(gid, (r = emptyRun()));
    r.runs++;
    r.executions.push(ex.index);
    if (ex.status === 'running') r.running++;
    else if (ex.end !== null) r.totalMs += Math.max(0, ex.end - ex.start);
    if (ex.status === 'error') r.errors++;
    if (ex.status === 'interrupted') r.interrupts++;
  }
  for (const r of nodes.values()) {
    const last = executions[r.executions[r.executions.length - 1]];
    r.status = r.running ? 'running' : last.status === 'running' ? 'running' : last.status;
  }

  const match = matcherFor(shape);
  const edgeCounts = new Map<string, number>();
  const transitions: Transition[] = [];
  for (const tr of leafTransitions(executions, runs, finished)) {
    const a = tr.from === 'start' ? START : graphIdOf(executions[tr.from]);
    const b = tr.to === 'end' ? END : graphIdOf(executions[tr.to]);
    const edges = match(a, b);
    for (const k of edges) edgeCounts.set(k, (edgeCounts.get(k) ?? 0) + 1);
    transitions.push({ ...tr, edges });
  }
  // __start__ and __end__ "ran" as often as runs began and ended there.
  for (const t of transitions) {
    const id = t.from === 'start' ? START : t.to === 'end' ? END : null;
    if (!id || !shape.byId.has(id)) continue;
    let r = nodes.get(id);
    if (!r) nodes.set(id, (r = { ...emptyRun(), status: 'done' }));
    r.runs++;
  }
  return { nodes, edgeCounts, transitions, elementOf: (i) => (executions[i] ? element(graphIdOf(executions[i])) : null) };
}

/**
 * How the selected execution was reached: the transitions back from it to the start (every
 * branch that led into it), as edge keys, and the executions on the way.
 */
export function tracePath(run: GraphRun, executions: readonly Execution[], selected: number): { edges: Set<string>; executions: Set<number> } {
  let into = run.into;
  if (!into) {
    const map = new Map<number, Transition[]>();
    for (const t of run.transitions) {
      if (t.to === 'end') continue;
      let l = map.get(t.to);
      if (!l) map.set(t.to, (l = []));
      l.push(t);
    }
    into = (i) => map.get(i) ?? [];
  }
  // A subgraph's execution is reached where its first nodes are.
  const starts: number[] = [];
  let kidsOf = run.kidsOf;
  if (!kidsOf) {
    const kids = new Map<number, number[]>();
    for (const ex of executions) if (ex.parent !== null) (kids.get(ex.parent) ?? kids.set(ex.parent, []).get(ex.parent)!).push(ex.index);
    kidsOf = (i) => kids.get(i) ?? [];
  }
  const kidsFn = kidsOf;
  const firstLeaves = (i: number, depth = 0): number[] => {
    const c = kidsFn(i);
    if (!c.length || depth > 32) return [i];
    const minStep = Math.min(...c.map((k) => executions[k].step));
    return c.filter((k) => executions[k].step === minStep).flatMap((k) => firstLeaves(k, depth + 1));
  };
  starts.push(...firstLeaves(selected));
  const edges = new Set<string>();
  const seen = new Set<number>([selected]);
  const queue = [...starts];
  for (const s of starts) seen.add(s);
  // Inner executions on the way lead out to their parent (the cluster that holds them).
  while (queue.length) {
    const i = queue.shift()!;
    for (const t of into(i)) {
      for (const k of t.edges) edges.add(k);
      if (t.from !== 'start' && !seen.has(t.from)) {
        seen.add(t.from);
        queue.push(t.from);
        for (let p = executions[t.from].parent; p !== null && !seen.has(p); p = executions[p].parent) seen.add(p);
      }
    }
  }
  return { edges, executions: seen };
}
