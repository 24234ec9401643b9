// What the graph pane says in words: each node's accessible name (its name first, then how often
// it ran and how it stands: "research_a, ran 2 times, done"), the short stats under a node's name,
// and the pane's note. Pure.
import { formatDuration } from '../format';
import type { NodeRun } from './graphRun';
import type { GraphShape, ShapeNode } from './graphShape';

/** The run's state as the view draws it. */
export interface Lit {
  runOf(id: string): NodeRun | undefined;
  edgeCounts: ReadonlyMap<string, number>;
  selected: string | null;
  pathEdges: ReadonlySet<string>;
  pathElements: ReadonlySet<string>;
  /** Nodes with a breakpoint (function breakpoints by node id). */
  breakpoints: ReadonlySet<string>;
  /**
   * The run was streamed without subgraph events (and none came): a subgraph's nodes are not seen
   * even when the subgraph ran, so they are "not seen", not "did not run".
   */
  insideUnseen: boolean;
}

function times(n: number): string {
  return n === 1 ? 'ran 1 time' : `ran ${n} times`;
}

function state(r: NodeRun): string {
  const parts: string[] = [];
  if (r.running) parts.push(r.running > 1 ? `${r.running} running` : 'running');
  else parts.push(r.status === 'not run' ? 'done' : r.status);
  if (r.errors && r.status !== 'error') parts.push(`${r.errors} failed`);
  if (r.interrupts && r.status !== 'interrupted') parts.push(`${r.interrupts} interrupted`);
  if (r.totalMs > 0 && r.runs > r.running) parts.push(`${formatDuration(r.totalMs)} in all`);
  return parts.join(', ');
}

/** What the run's stream cannot say of a node inside a subgraph that ran (see Lit.insideUnseen). */
const UNSEEN = 'not seen: this run was streamed without subgraph events';

export function nodeLabel(n: ShapeNode, r: NodeRun | undefined, shape: GraphShape, breakpoint = false, unseen = false): string {
  if (n.kind === 'start') return '__start__, where the graph begins';
  if (n.kind === 'end') return r && r.runs ? '__end__, reached' : '__end__, where the graph ends';
  const where = n.cluster ? `, in subgraph ${clusterPath(shape, n.cluster)}` : '';
  const sub = n.subgraph ? ', runs a subgraph' : '';
  const bp = `${breakpoint ? ', breakpoint' : ''}${n.interrupt ? `, compiled to interrupt ${n.interrupt.replace(',', ' and ')}` : ''}`;
  if (!r || !r.runs) return `${n.name}, ${unseen ? UNSEEN : 'did not run'}${where}${sub}${bp}`;
  return `${n.name}, ${times(r.runs)}, ${state(r)}${where}${sub}${bp}`;
}

export function clusterLabel(name: string, r: NodeRun | undefined, collapsed: boolean): string {
  const kind = collapsed ? 'subgraph, collapsed' : 'subgraph';
  if (!r || !r.runs) return `${name}, did not run, ${kind}`;
  return `${name}, ${times(r.runs)}, ${state(r)}, ${kind}`;
}

function clusterPath(shape: GraphShape, id: string): string {
  const names: string[] = [];
  for (let c: string | null = id; c; c = shape.clusterById.get(c)?.parent ?? null) names.unshift(shape.clusterById.get(c)?.name ?? c);
  return names.join(' › ');
}

/** Under the node's name: "2× · 250 ms", "running", "" when it did not run. */
export function statsText(r: NodeRun | undefined): string {
  if (!r || !r.runs) return '';
  if (r.running) return r.runs > 1 ? `${r.runs}× · running` : 'running';
  return `${r.runs}× · ${formatDuration(r.totalMs)}`;
}
