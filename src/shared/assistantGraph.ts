// The assistant's graph as a session carries it: what `GET /assistants/{id}/graph?xray=…` drew,
// validated (it is untrusted: ids are shown as text, never markup), or why it could not be had.
// The host sends it to the panel (`session/graph`), and a recording keeps it in its first line
// (`graph`), so an exported run shows its graph offline. Pure: no vscode, no DOM.
import { isRecord } from './events';

export interface GraphSpecNode {
  /** As the server names it; with xray, a node inside a subgraph is `parent:child` (`write:edit:polish`). */
  id: string;
  /** The node runs a compiled graph that the drawing did not expand (xray off, or a one-node subgraph). */
  subgraph?: boolean;
  /** Static breakpoints the graph was compiled with (`interrupt_before` / `interrupt_after`). */
  interrupt?: 'before' | 'after' | 'before,after';
}

export interface GraphSpecEdge {
  source: string;
  target: string;
  conditional: boolean;
}

export interface SessionGraph {
  /** Null when the graph could not be had (`error` says why): the panel draws what the run showed. */
  graph: { nodes: GraphSpecNode[]; edges: GraphSpecEdge[] } | null;
  /** As asked: `true` expands every level on both servers (Python also takes a depth). */
  xray: boolean | number;
  error?: string;
  /** The assistant it was fetched for. */
  assistantId?: string;
  fetchedAt: number;
}

/** Past this many nodes the graph is not drawn (a drawing of thousands of nodes helps nobody). */
export const MAX_GRAPH_NODES = 2000;

/** The server's drawable graph (`{nodes, edges}`) → the checked form. Throws on what is not one. */
export function graphSpecOf(raw: unknown): { nodes: GraphSpecNode[]; edges: GraphSpecEdge[] } {
  if (!isRecord(raw) || !Array.isArray(raw.nodes) || !Array.isArray(raw.edges)) throw new Error('the server sent no {nodes, edges} graph');
  const nodes: GraphSpecNode[] = [];
  const seen = new Set<string>();
  for (const n of raw.nodes) {
    if (!isRecord(n) || (typeof n.id !== 'string' && typeof n.id !== 'number')) continue;
    const id = String(n.id);
    if (seen.has(id)) continue;
    seen.add(id);
    const node: GraphSpecNode = { id };
    const data = isRecord(n.data) ? n.data : null;
    if (data && Array.isArray(data.id) && data.id.some((s) => typeof s === 'string' && /Compiled(State)?Graph|Pregel/.test(s))) node.subgraph = true;
    const meta = isRecord(n.metadata) ? n.metadata : null;
    const intr = meta?.__interrupt;
    if (intr === 'before' || intr === 'after' || intr === 'before,after') node.interrupt = intr;
    nodes.push(node);
  }
  if (nodes.length > MAX_GRAPH_NODES) throw new Error(`the graph has ${nodes.length} nodes, more than the ${MAX_GRAPH_NODES} the panel draws`);
  const edges: GraphSpecEdge[] = [];
  for (const e of raw.edges) {
    if (!isRecord(e)) continue;
    const source = typeof e.source === 'string' || typeof e.source === 'number' ? String(e.source) : null;
    const target = typeof e.target === 'string' || typeof e.target === 'number' ? String(e.target) : null;
    // An edge to a node the graph does not list cannot be drawn; it is left out, not invented.
    if (source === null || target === null || !seen.has(source) || !seen.has(target)) continue;
    edges.push({ source, target, conditional: e.conditional === true });
  }
  return { nodes, edges };
}

/** A SessionGraph read back from a message or a recording (untrusted): null when it is not one. */
export function sessionGraphOf(v: unknown): SessionGraph | null {
  if (!isRecord(v)) return null;
  const xray = typeof v.xray === 'boolean' || typeof v.xray === 'number' ? v.xray : false;
  const fetchedAt = typeof v.fetchedAt === 'number' ? v.fetchedAt : 0;
  const assistantId = typeof v.assistantId === 'string' ? v.assistantId : undefined;
  const error = typeof v.error === 'string' ? v.error : undefined;
  let graph: SessionGraph['graph'] = null;
  let why = error;
  if (v.graph !== null && v.graph !== undefined) {
    try {
      graph = graphSpecOf(v.graph);
    } catch (e) {
      why = `the stored graph is not readable (${(e as Error).message})`;
    }
  }
  return { graph, xray, fetchedAt, ...(assistantId ? { assistantId } : {}), ...(why && !graph ? { error: why } : {}) };
}
