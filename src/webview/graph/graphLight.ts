// The run's state on the graph pane's drawing (graphView.ts builds it): classes, attributes and
// texts of the elements whose state changed, each part written only when its value did.
import type { LaidEdge } from './graphLayout';
import type { GraphShape } from './graphShape';
import { clusterLabel, nodeLabel, statsText, type Lit } from './graphText';

export interface NodeEls {
  g: SVGGElement;
  /** The box in layout coordinates (the pulse overlay's place). */
  box: { x: number; y: number; w: number; h: number; r: number };
  stats: SVGTextElement;
  badge: SVGTextElement;
  cx: number;
  cy: number;
  kind: 'node' | 'start' | 'end' | 'collapsed' | 'cluster';
  /** What it was last lit with: an element whose state did not change is not touched. */
  lit?: string;
  written: Written;
}

export interface EdgeEls {
  path: SVGPathElement;
  label: SVGGElement;
  text: SVGTextElement;
  edge: LaidEdge;
  /** What it was last lit with (as built: not taken, not on the path). */
  count: number;
  onPath: boolean;
}

/**
 * What was last written to an element's parts, by attribute, class (`.name`) or text: a pass
 * compares with it and writes only what changed, reading nothing back from the DOM. On a busy run
 * a pass changes one count or text of most elements and nothing else, and every write is a
 * mutation (observers, the accessibility tree).
 */
export type Written = Map<string, string | boolean | null>;

/**
 * A node's badge, in VS Code's own icon font (codicons: warning, debug-pause, circle-slash), which
 * the panel always has: "⏸" and "⊘" as text were boxes in fonts without them (seen in the
 * workbench here).
 */
export const BADGE = { error: '\uea6c', interrupted: '\uead1', cancelled: '\ueabd' } as const;

const NODE_FLAGS = ['running', 'ran', 'error', 'interrupted', 'cancelled', 'selected', 'on-path', 'has-bp', 'unseen'];

/**
 * What a node's element holds as graphView.ts builds it (no state classes, no stats or badge, no
 * aria-current): a new drawing's first pass writes only what differs from that.
 */
export function builtNode(): Written {
  return new Map<string, string | boolean | null>([...NODE_FLAGS.map((c) => [`.${c}`, false] as const), ['aria-current', null], ['stats', ''], ['badge', '']]);
}

function put(e: Element, w: Written, name: string, value: string | null, key = name): void {
  if (w.get(key) === value) return;
  w.set(key, value);
  if (value === null) e.removeAttribute(name);
  else e.setAttribute(name, value);
}

function flag(e: Element, w: Written, cls: string, on: boolean, key = `.${cls}`): void {
  if (w.get(key) === on) return;
  w.set(key, on);
  e.classList.toggle(cls, on);
}

/** Through the element's one text node: replacing the node (textContent) cost ~1.6× as much, measured in the pane. */
function text(e: Element, w: Written, key: string, value: string): void {
  if (w.get(key) === value) return;
  w.set(key, value);
  setText(e, value);
}

function setText(e: Element, value: string): void {
  const t = e.firstChild;
  if (t instanceof Text && !t.nextSibling) t.data = value;
  else e.textContent = value;
}

/** Lights the drawing with the run's state; `pulse` turns a node's running outline on or off. */
export function lightDrawing(shape: GraphShape, nodes: ReadonlyMap<string, NodeEls>, edges: ReadonlyMap<string, EdgeEls>, lit: Lit, pulse: (id: string, n: NodeEls, on: boolean) => void): void {
  for (const [id, n] of nodes) {
    const r = lit.runOf(id);
    const status = r?.status ?? 'not run';
    const key = r ? `${status}|${r.runs}|${r.running}|${r.errors}|${r.interrupts}|${r.totalMs}` : status;
    const unseen = lit.insideUnseen && n.kind === 'node' && !r?.runs && clusterRan(shape, lit, shape.byId.get(id)?.cluster ?? null);
    const litKey = `${key}|${lit.selected === id}|${lit.pathElements.has(id)}|${lit.breakpoints.has(id)}|${unseen}`;
    if (n.lit === litKey) continue;
    n.lit = litKey;
    const g = n.g;
    const w = n.written;
    flag(g, w, 'running', status === 'running');
    pulse(id, n, status === 'running');
    flag(g, w, 'ran', !!r && r.runs > 0);
    flag(g, w, 'error', !!r && r.errors > 0);
    // Marked while its last execution waits at an interrupt; once resumed, its name still says
    // how often it was interrupted, but the box is drawn as it stands.
    flag(g, w, 'interrupted', status === 'interrupted');
    // Its last execution was cut by a cancel: not done, not failed.
    flag(g, w, 'cancelled', status === 'cancelled');
    flag(g, w, 'selected', lit.selected === id);
    flag(g, w, 'on-path', lit.pathElements.has(id));
    put(g, w, 'data-status', status);
    put(g, w, 'data-runs', String(r?.runs ?? 0));
    if (n.kind === 'cluster' || n.kind === 'collapsed') put(g, w, 'aria-label', clusterLabel(shape.clusterById.get(id)?.name ?? id, r, n.kind === 'collapsed'));
    else put(g, w, 'aria-label', nodeLabel(shape.byId.get(id)!, r, shape, lit.breakpoints.has(id), unseen));
    flag(g, w, 'unseen', unseen);
    flag(g, w, 'has-bp', n.kind === 'node' && lit.breakpoints.has(id));
    put(g, w, 'aria-current', lit.selected === id ? 'true' : null);
    text(n.stats, w, 'stats', n.kind === 'start' || n.kind === 'end' ? '' : statsText(r));
    const badge = r?.errors ? BADGE.error : status === 'interrupted' ? BADGE.interrupted : status === 'cancelled' ? BADGE.cancelled : '';
    text(n.badge, w, 'badge', badge);
    if (n.kind === 'cluster') put(n.stats, w, 'dx', badge ? '-14' : '0', 'stats.dx');
  }
  // Most edges, on most passes, did not change; a taken edge's count going up (every pass of a
  // live run, for the edges just taken) writes its number only.
  const counts = lit.edgeCounts;
  const pathEdges = lit.pathEdges;
  for (const e of edges.values()) {
    let count = 0;
    let onPath = false;
    for (const k of e.edge.edges) {
      count += counts.get(k) ?? 0;
      if (pathEdges.size && !onPath && pathEdges.has(k)) onPath = true;
    }
    const was = e.count;
    const wasOnPath = e.onPath;
    if (was === count && wasOnPath === onPath) continue;
    e.count = count;
    e.onPath = onPath;
    if (was > 0 !== count > 0) {
      e.path.classList.toggle('taken', count > 0);
      e.label.classList.toggle('shown', count > 0);
    }
    if (wasOnPath !== onPath) {
      e.path.classList.toggle('on-path', onPath);
      e.label.classList.toggle('on-path', onPath);
    }
    if (wasOnPath !== onPath || was > 0 !== count > 0) e.path.setAttribute('marker-end', `url(#lgt-arrow-${onPath ? 'path' : count > 0 ? 'taken' : 'plain'})`);
    if (was !== count) {
      e.path.setAttribute('data-count', String(count));
      setText(e.text, count > 0 ? `${count}×` : '');
    }
  }
}

/** Whether the cluster, or one around it, ran. */
function clusterRan(shape: GraphShape, lit: Lit, cluster: string | null): boolean {
  for (let c = cluster; c; c = shape.clusterById.get(c)?.parent ?? null) if ((lit.runOf(c)?.runs ?? 0) > 0) return true;
  return false;
}
