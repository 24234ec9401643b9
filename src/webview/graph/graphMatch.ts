// Where the run's executions and transitions land on a drawn graph: the element an execution's
// graph id is shown as (its node, the cluster of the subgraph it ran, or the unopened subgraph
// node it ran inside), and the drawn edges a pair of graph ids took. Pure.
import { edgeKey, type GraphShape } from './graphShape';

/** How a pair of graph ids maps to drawn edges: through the server's graph, or one edge each. */
export type EdgeMatcher = (a: string, b: string) => string[];

/**
 * The matcher's answers kept by pair, in a map of maps: a live pass asks for a few hundred pairs
 * (a router's step is every node before it × every node in it), and a key built for each was most
 * of what asking cost.
 */
function byPair(f: EdgeMatcher): EdgeMatcher {
  const cache = new Map<string, Map<string, string[]>>();
  return (a, b) => {
    let row = cache.get(a);
    if (!row) cache.set(a, (row = new Map()));
    let m = row.get(b);
    if (!m) row.set(b, (m = f(a, b)));
    return m;
  };
}

/** Each pair of graph ids is its own edge (a graph drawn from the run). */
export function oneEdgeEach(): EdgeMatcher {
  return byPair((a, b) => [edgeKey(a, b)]);
}

/** The element (node or cluster) an execution's graph id is drawn as, in this shape. */
export function elementIn(shape: GraphShape): (gid: string) => string | null {
  const cache = new Map<string, string | null>();
  return (gid) => {
    let hit = cache.get(gid);
    if (hit !== undefined) return hit;
    hit = null;
    for (let p: string | null = gid; p; p = p.includes(':') ? p.slice(0, p.lastIndexOf(':')) : null) {
      if (shape.byId.has(p) || shape.clusterById.has(p)) {
        hit = p;
        break;
      }
    }
    cache.set(gid, hit);
    return hit;
  };
}

/**
 * The drawn edges a pair of graph ids took: the edge itself, else through an unopened subgraph
 * node (the prefix that is drawn) or a cluster (the edges into or out of its nodes).
 */
export function matcherFor(shape: GraphShape): EdgeMatcher {
  const element = elementIn(shape);
  const out = new Map<string, string[]>();
  for (const e of shape.edges) {
    let l = out.get(e.source);
    if (!l) out.set(e.source, (l = []));
    l.push(e.target);
  }
  const sides = (gid: string): string[] => {
    if (shape.byId.has(gid)) return [gid];
    const el = element(gid);
    if (el && shape.byId.has(el)) return [el];
    const c = el ?? gid;
    return shape.nodes.filter((n) => n.id.startsWith(`${c}:`)).map((n) => n.id);
  };
  return byPair((a, b) => {
    const m: string[] = [];
    const targets = new Set(sides(b));
    for (const s of sides(a)) for (const t of out.get(s) ?? []) if (targets.has(t)) m.push(edgeKey(s, t));
    return m;
  });
}
