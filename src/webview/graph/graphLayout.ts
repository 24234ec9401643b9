// Lays out the graph pane with dagre (@dagrejs/dagre): top to bottom, subgraphs as compound
// clusters, a collapsed cluster as one box. Chosen over elkjs by measurement (README, "Why
// dagre"): a 50 KB bundle instead of 1.5 MB, no worker, nothing the webview's CSP forbids.
// Pure apart from the text measurer it is given.
import dagre from '@dagrejs/dagre';
import type { GraphShape } from './graphShape';

export const NODE_H = 38;
const PAD_X = 14;
const CLUSTER_PAD = 12;
/**
 * A cluster's title sits in a strip above the box dagre gives it (dagre keeps no room for one);
 * the rank gap is wide enough for it.
 */
export const HEAD_H = 18;
/** Past this many boxes the ranking uses dagre's cheaper tight-tree. */
const BIG = 150;
/**
 * Past this many, dagre keeps its first (depth-first) order of each rank instead of sweeping to
 * cut crossings: the sweeps were ~40% of a 300-node layout (~90 of ~210 ms warm, more cold, in
 * the webview ~390 ms against a 300 ms target). Measured on bench:graph's 300-node graph:
 * 188 crossings instead of 160, but a drawing a third narrower with a fifth less edge length.
 */
const HUGE = 200;

export interface LaidNode {
  /** A node's id, or a collapsed cluster's. */
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  collapsed: boolean;
}

export interface LaidCluster {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  depth: number;
}

export interface LaidEdge {
  /** Drawn source → target (after collapsing), and the graph's edges it stands for. */
  key: string;
  source: string;
  target: string;
  conditional: boolean;
  edges: string[];
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  nodes: LaidNode[];
  clusters: LaidCluster[];
  edges: LaidEdge[];
  width: number;
  height: number;
  /** Element (node or collapsed cluster) shown for a node id. */
  shownAs: (id: string) => string;
}

/** The outermost collapsed cluster holding `id`, or `id` itself. */
export function visibleId(shape: GraphShape, collapsed: ReadonlySet<string>, id: string): string {
  let shown = id;
  let c = shape.byId.get(id)?.cluster ?? shape.clusterById.get(id)?.parent ?? null;
  for (; c; c = shape.clusterById.get(c)?.parent ?? null) if (collapsed.has(c)) shown = c;
  return shown;
}

/**
 * What dagre is given: plain data, so it can be laid out in a worker (graphLayoutWorker.ts) as
 * well as here. Nodes in dagre's order: clusters, then boxes (their order shapes the drawing).
 */
export interface LayoutInput {
  graph: Record<string, unknown>;
  options: Record<string, unknown>;
  /** The subgraphs, open (a compound node) or collapsed (a box with a size), in the shape's order. */
  clusters: { id: string; parent: string | null; w?: number; h?: number }[];
  /** The nodes drawn as themselves. */
  boxes: { id: string; w: number; h: number; parent: string | null }[];
  edges: { key: string; source: string; target: string }[];
}

/** What dagre gave back: centres and sizes by id, each edge's points by key. */
export interface LayoutOutput {
  nodes: Record<string, { x: number; y: number; w: number; h: number }>;
  edges: Record<string, { x: number; y: number }[]>;
  width: number;
  height: number;
}

/** A layout to be done: dagre's input, and what the drawing is made of once it is back. */
export interface LayoutPlan {
  input: LayoutInput;
  leaves: LaidNode[];
  edges: LaidEdge[];
  shownAs: (id: string) => string;
  /** Boxes and clusters dagre lays out (what a layout's cost grows with). */
  size: number;
}

/** `LR`: left to right, for a pane much wider than tall (the narrow panel stacks it above). */
export function planLayout(shape: GraphShape, collapsed: ReadonlySet<string>, measure: (text: string, bold: boolean) => number, dir: 'TB' | 'LR' = 'TB'): LayoutPlan {
  const boxes = shape.nodes.length + shape.clusters.length;
  // Across ranks left to right, the gap between nodes of a rank holds the clusters' title strips.
  const gaps = dir === 'TB' ? { nodesep: 22, ranksep: 42 } : { nodesep: 34, ranksep: 36 };
  const input: LayoutInput = {
    graph: { rankdir: dir, ...gaps, edgesep: 12, marginx: 12, marginy: 12 + (dir === 'LR' ? HEAD_H : 0), ...(boxes > BIG ? { ranker: 'tight-tree' } : {}) },
    options: boxes > HUGE ? { disableOptimalOrderHeuristic: true } : {},
    clusters: [],
    boxes: [],
    edges: [],
  };
  const shown = (id: string) => visibleId(shape, collapsed, id);
  const hidden = (clusterId: string | null): boolean => {
    for (let c = clusterId; c; c = shape.clusterById.get(c)?.parent ?? null) if (collapsed.has(c) && c !== clusterId) return true;
    return false;
  };
  const leaves = new Map<string, LaidNode>();
  const open = new Set<string>();
  const widthOf = (name: string, bold: boolean) => Math.max(56, Math.ceil(measure(name, bold)) + 2 * PAD_X + 16);
  const kept: { id: string; box: LaidNode | null; parent: string | null }[] = [];
  for (const c of shape.clusters) {
    if (hidden(c.id) || (c.parent && collapsed.has(c.parent))) continue;
    if (collapsed.has(c.id)) {
      const n: LaidNode = { id: c.id, x: 0, y: 0, w: widthOf(c.name, true) + 18, h: NODE_H, collapsed: true };
      leaves.set(c.id, n);
      kept.push({ id: c.id, box: n, parent: c.parent });
    } else {
      open.add(c.id);
      kept.push({ id: c.id, box: null, parent: c.parent });
    }
  }
  const present = (id: string) => open.has(id) || leaves.has(id);
  for (const k of kept) input.clusters.push({ id: k.id, parent: k.parent && present(k.parent) ? k.parent : null, ...(k.box ? { w: k.box.w, h: k.box.h } : {}) });
  for (const n of shape.nodes) {
    if (shown(n.id) !== n.id) continue;
    const laid: LaidNode = { id: n.id, x: 0, y: 0, w: n.kind === 'node' ? widthOf(n.name, false) : 84, h: n.kind === 'node' ? NODE_H : 26, collapsed: false };
    leaves.set(n.id, laid);
    input.boxes.push({ id: n.id, w: laid.w, h: laid.h, parent: n.cluster && open.has(n.cluster) ? n.cluster : null });
  }
  const merged = new Map<string, LaidEdge>();
  for (const e of shape.edges) {
    const s = shown(e.source);
    const t = shown(e.target);
    // An edge inside a collapsed cluster is part of the box.
    if (s === t && s !== e.source) continue;
    const key = `${s}\u0000${t}`;
    const m = merged.get(key);
    if (m) {
      m.edges.push(e.key);
      m.conditional &&= e.conditional;
    } else merged.set(key, { key, source: s, target: t, conditional: e.conditional, edges: [e.key], points: [] });
  }
  for (const e of merged.values()) input.edges.push({ key: e.key, source: e.source, target: e.target });
  return { input, leaves: [...leaves.values()], edges: [...merged.values()], shownAs: shown, size: boxes };
}

/**
 * dagre on the plan's input. Pure (no DOM): runs in the layout worker or on the panel's thread.
 * `dagreOrder`: dagre's own order step even past HUGE (the unit test's reference).
 */
export function runLayout(input: LayoutInput, dagreOrder = false): LayoutOutput {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ ...input.graph });
  g.setDefaultEdgeLabel(() => ({}));
  // In the order the panel always gave them: subgraphs, their nesting, then the nodes.
  for (const c of input.clusters) g.setNode(c.id, c.w !== undefined ? { width: c.w, height: c.h } : { label: c.id });
  for (const c of input.clusters) if (c.parent) g.setParent(c.id, c.parent);
  for (const b of input.boxes) {
    g.setNode(b.id, { width: b.w, height: b.h });
    if (b.parent) g.setParent(b.id, b.parent);
  }
  for (const e of input.edges) g.setEdge(e.source, e.target, {}, e.key);
  dagre.layout(g, input.options.disableOptimalOrderHeuristic && !dagreOrder ? { ...input.options, customOrder: firstOrder } : input.options);
  const out: LayoutOutput = { nodes: {}, edges: {}, width: g.graph().width ?? 0, height: g.graph().height ?? 0 };
  for (const id of g.nodes()) {
    const v = g.node(id);
    if (v) out.nodes[id] = { x: v.x ?? 0, y: v.y ?? 0, w: v.width ?? 0, h: v.height ?? 0 };
  }
  for (const e of input.edges) out.edges[e.key] = (g.edge(e.source, e.target, e.key)?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y }));
  return out;
}

type DagreGraph = InstanceType<typeof dagre.graphlib.Graph>;

/**
 * dagre's first order of each rank (its `initOrder`: depth first from the nodes by rank, each
 * node's successors in the graph's order) and nothing more, which is what its `order` step gives
 * with the sweeps off (HUGE). That step still builds a graph of every rank, down and up, for the
 * sweeps it then skips: ~a third of a 300-node layout (ranks × nodes, with the dummy nodes of
 * long edges). The same drawing: a unit test compares it with dagre's own, point by point.
 */
function firstOrder(g: DagreGraph): void {
  const simple = g.nodes().filter((v) => !g.children(v).length);
  const rankOf = (v: string) => (g.node(v) as { rank: number }).rank;
  let max = -1;
  for (const v of simple) max = Math.max(max, rankOf(v));
  const layers: string[][] = Array.from({ length: max + 1 }, () => []);
  const seen = new Set<string>();
  // Depth first without recursion; the same visiting order as dagre's recursive one.
  const stack: string[] = [];
  for (const root of simple.sort((a, b) => rankOf(a) - rankOf(b))) {
    stack.push(root);
    while (stack.length) {
      const v = stack.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      layers[rankOf(v)].push(v);
      const next = (g.successors(v) ?? []) as string[];
      for (let i = next.length - 1; i >= 0; i--) if (!seen.has(next[i])) stack.push(next[i]);
    }
  }
  for (const layer of layers) layer.forEach((v, i) => ((g.node(v) as { order: number }).order = i));
}

/** The drawing from a plan and dagre's answer. */
export function finishLayout(shape: GraphShape, plan: LayoutPlan, out: LayoutOutput): GraphLayout {
  const leaves = plan.leaves.map((n) => ({ ...n, x: out.nodes[n.id]?.x ?? 0, y: out.nodes[n.id]?.y ?? 0 }));
  const depthOf = (id: string) => {
    let d = 0;
    for (let c = shape.clusterById.get(id)?.parent ?? null; c; c = shape.clusterById.get(c)?.parent ?? null) d++;
    return d;
  };
  const clusters: LaidCluster[] = [];
  for (const c of plan.input.clusters) {
    const v = out.nodes[c.id];
    if (!v || c.w !== undefined) continue;
    clusters.push({ id: c.id, x: v.x - v.w / 2 - CLUSTER_PAD / 2, y: v.y - v.h / 2 - HEAD_H, w: v.w + CLUSTER_PAD, h: v.h + HEAD_H + CLUSTER_PAD / 2, depth: depthOf(c.id) });
  }
  // Outer clusters first, so inner ones are drawn on top.
  clusters.sort((a, b) => a.depth - b.depth);
  const edges = plan.edges.map((e) => ({ ...e, edges: [...e.edges], points: out.edges[e.key] ?? [] }));
  return { nodes: leaves, clusters, edges, width: out.width, height: out.height, shownAs: plan.shownAs };
}

/** Plan, lay out and finish on this thread (tests, and a webview without workers). */
export function layoutGraph(shape: GraphShape, collapsed: ReadonlySet<string>, measure: (text: string, bold: boolean) => number, dir: 'TB' | 'LR' = 'TB'): GraphLayout {
  const plan = planLayout(shape, collapsed, measure, dir);
  return finishLayout(shape, plan, runLayout(plan.input));
}
