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

/** `LR`: left to right, for a pane much wider than tall (the narrow panel stacks it above). */
export function layoutGraph(shape: GraphShape, collapsed: ReadonlySet<string>, measure: (text: string, bold: boolean) => number, dir: 'TB' | 'LR' = 'TB'): GraphLayout {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  const boxes = shape.nodes.length + shape.clusters.length;
  // Across ranks left to right, the gap between nodes of a rank holds the clusters' title strips.
  const gaps = dir === 'TB' ? { nodesep: 22, ranksep: 42 } : { nodesep: 34, ranksep: 36 };
  g.setGraph({ rankdir: dir, ...gaps, edgesep: 12, marginx: 12, marginy: 12 + (dir === 'LR' ? HEAD_H : 0), ...(boxes > BIG ? { ranker: 'tight-tree' } : {}) });
  g.setDefaultEdgeLabel(() => ({}));
  const shown = (id: string) => visibleId(shape, collapsed, id);
  const hidden = (clusterId: string | null): boolean => {
    for (let c = clusterId; c; c = shape.clusterById.get(c)?.parent ?? null) if (collapsed.has(c) && c !== clusterId) return true;
    return false;
  };
  const leaves = new Map<string, LaidNode>();
  const widthOf = (name: string, bold: boolean) => Math.max(56, Math.ceil(measure(name, bold)) + 2 * PAD_X + 16);
  for (const c of shape.clusters) {
    if (hidden(c.id) || (c.parent && collapsed.has(c.parent))) continue;
    if (collapsed.has(c.id)) {
      const n: LaidNode = { id: c.id, x: 0, y: 0, w: widthOf(c.name, true) + 18, h: NODE_H, collapsed: true };
      leaves.set(c.id, n);
      g.setNode(c.id, { width: n.w, height: n.h });
    } else g.setNode(c.id, { label: c.id });
  }
  for (const c of shape.clusters) {
    if (!g.hasNode(c.id) || !c.parent || !g.hasNode(c.parent)) continue;
    g.setParent(c.id, c.parent);
  }
  for (const n of shape.nodes) {
    if (shown(n.id) !== n.id) continue;
    const laid: LaidNode = { id: n.id, x: 0, y: 0, w: n.kind === 'node' ? widthOf(n.name, false) : 84, h: n.kind === 'node' ? NODE_H : 26, collapsed: false };
    leaves.set(n.id, laid);
    g.setNode(n.id, { width: laid.w, height: laid.h });
    if (n.cluster && g.hasNode(n.cluster) && !collapsed.has(n.cluster)) g.setParent(n.id, n.cluster);
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
  for (const e of merged.values()) g.setEdge(e.source, e.target, {}, e.key);
  dagre.layout(g, boxes > HUGE ? { disableOptimalOrderHeuristic: true } : {});
  for (const n of leaves.values()) {
    const v = g.node(n.id);
    n.x = v.x ?? 0;
    n.y = v.y ?? 0;
  }
  const clusters: LaidCluster[] = [];
  const depthOf = (id: string) => {
    let d = 0;
    for (let c = shape.clusterById.get(id)?.parent ?? null; c; c = shape.clusterById.get(c)?.parent ?? null) d++;
    return d;
  };
  for (const c of shape.clusters) {
    if (!g.hasNode(c.id) || leaves.has(c.id)) continue;
    const v = g.node(c.id);
    clusters.push({ id: c.id, x: (v.x ?? 0) - v.width / 2 - CLUSTER_PAD / 2, y: (v.y ?? 0) - v.height / 2 - HEAD_H, w: v.width + CLUSTER_PAD, h: v.height + HEAD_H + CLUSTER_PAD / 2, depth: depthOf(c.id) });
  }
  // Outer clusters first, so inner ones are drawn on top.
  clusters.sort((a, b) => a.depth - b.depth);
  const edges = [...merged.values()];
  for (const e of edges) e.points = (g.edge(e.source, e.target, e.key)?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y }));
  const gr = g.graph();
  return { nodes: [...leaves.values()], clusters, edges, width: gr.width ?? 0, height: gr.height ?? 0, shownAs: shown };
}
