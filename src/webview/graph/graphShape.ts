// What the graph pane draws: nodes, subgraph clusters and edges, from the assistant's graph as the
// server drew it, or (when it could not be had) from the transitions the run itself showed.
// Pure: no DOM. Ids are the server's xray ids: a node inside a subgraph is `write:edit:polish`.
import type { Execution } from '../../shared/runModel';
import type { SessionGraph } from '../../shared/assistantGraph';

export const START = '__start__';
export const END = '__end__';

export interface ShapeNode {
  id: string;
  /** The node's own name (the id's last segment). */
  name: string;
  kind: 'start' | 'end' | 'node';
  /** The innermost cluster it is drawn in, null at the top. */
  cluster: string | null;
  /** Runs a subgraph the drawing does not open (xray off, or a subgraph of one node). */
  subgraph?: boolean;
  interrupt?: string;
}

export interface ShapeCluster {
  id: string;
  name: string;
  parent: string | null;
}

export interface ShapeEdge {
  key: string;
  source: string;
  target: string;
  conditional: boolean;
}

export interface GraphShape {
  nodes: ShapeNode[];
  clusters: ShapeCluster[];
  edges: ShapeEdge[];
  /** Drawn from the run's transitions, not from the server's graph. */
  derived: boolean;
  /** Why it is derived (or what else the person should know), as a sentence. */
  note?: string;
  byId: Map<string, ShapeNode>;
  clusterById: Map<string, ShapeCluster>;
}

export const edgeKey = (s: string, t: string) => `${s}\u0000${t}`;

/** The graph id of an execution: its namespace's node names, then its own (`write:edit:polish`). */
export function graphIdOf(ex: Pick<Execution, 'node' | 'ns'>): string {
  if (!ex.ns.length) return ex.node;
  return [...ex.ns.map((s) => s.split(':')[0]), ex.node].join(':');
}

function parentOf(id: string): string | null {
  const k = id.lastIndexOf(':');
  return k > 0 ? id.slice(0, k) : null;
}

function lastSegment(id: string): string {
  const k = id.lastIndexOf(':');
  return k >= 0 && k < id.length - 1 ? id.slice(k + 1) : id;
}

function build(nodeIds: Iterable<{ id: string; subgraph?: boolean; interrupt?: string }>, edges: ShapeEdge[], derived: boolean, note?: string): GraphShape {
  const nodes: ShapeNode[] = [];
  const byId = new Map<string, ShapeNode>();
  const clusterById = new Map<string, ShapeCluster>();
  const clusters: ShapeCluster[] = [];
  const ensureCluster = (id: string | null): void => {
    if (id === null || clusterById.has(id)) return;
    const parent = parentOf(id);
    ensureCluster(parent);
    const c: ShapeCluster = { id, name: lastSegment(id), parent };
    clusterById.set(id, c);
    clusters.push(c);
  };
  const all = [...nodeIds];
  // A node whose id is also the prefix of other nodes is a subgraph opened by xray: a cluster.
  const prefixes = new Set<string>();
  for (const n of all) for (let p = parentOf(n.id); p; p = parentOf(p)) prefixes.add(p);
  for (const n of all) {
    if (byId.has(n.id) || prefixes.has(n.id)) continue;
    const cluster = n.id === START || n.id === END ? null : parentOf(n.id);
    ensureCluster(cluster);
    const node: ShapeNode = { id: n.id, name: n.id === START || n.id === END ? n.id : lastSegment(n.id), kind: n.id === START ? 'start' : n.id === END ? 'end' : 'node', cluster };
    if (n.subgraph) node.subgraph = true;
    if (n.interrupt) node.interrupt = n.interrupt;
    byId.set(n.id, node);
    nodes.push(node);
  }
  return { nodes, clusters, edges: edges.filter((e) => byId.has(e.source) && byId.has(e.target)), derived, note, byId, clusterById };
}

/** The server's graph, as the session carries it. */
export function shapeFromGraph(g: NonNullable<SessionGraph['graph']>): GraphShape {
  const seen = new Set<string>();
  const edges: ShapeEdge[] = [];
  for (const e of g.edges) {
    const key = edgeKey(e.source, e.target);
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ key, source: e.source, target: e.target, conditional: e.conditional });
  }
  return build(g.nodes, edges, false);
}

/**
 * No graph from the server: the nodes that ran, and an edge for every transition the run showed
 * (between consecutive supersteps; parallel branches make this a superset of the real edges).
 */
export function shapeFromRun(executions: readonly Execution[], transitions: Iterable<[string, string]>, note: string): GraphShape {
  const ids = new Map<string, { id: string }>();
  ids.set(START, { id: START });
  for (const ex of executions) {
    const id = graphIdOf(ex);
    if (!ids.has(id)) ids.set(id, { id });
  }
  const edges: ShapeEdge[] = [];
  const seen = new Set<string>();
  let ends = false;
  for (const [s, t] of transitions) {
    const key = edgeKey(s, t);
    if (seen.has(key)) continue;
    seen.add(key);
    if (t === END) ends = true;
    edges.push({ key, source: s, target: t, conditional: false });
  }
  if (ends) ids.set(END, { id: END });
  return build(ids.values(), edges, true, note);
}
