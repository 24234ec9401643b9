// Node breakpoints: by name (function breakpoints, `subgraph:node` inside a subgraph) and by line
// (source breakpoints, mapped to nodes by sourceMap.ts), with conditions and hit counts on the
// state. The Agent Server stops a run only before a root-graph step (`interrupt_before` applies to
// the root graph), so a breakpoint inside a subgraph stops before the root node that runs it.
import { langOf } from '../shared/nodeSourceParse';
import { evalCondition, parseCondition, parseHitCondition, truthy, PathError, type HitCondition } from '../shared/valuePath';
import { nodesAtLine } from './sourceMap';

export interface GraphNames {
  /** Nodes of the root graph (no __start__/__end__). */
  root: string[];
  /** Subgraph nodes as `parent:child` (the server's xray ids), one level or more. */
  nested: string[];
  graphId: string;
}

export interface NodeBreakpoint {
  id: number;
  /** The node it is set on, as the user wrote it or as a line mapped to (qualified when nested). */
  nodes: string[];
  /** The root nodes the run is paused before. */
  roots: string[];
  condition?: ReturnType<typeof parseCondition>;
  conditionText?: string;
  hit?: HitCondition;
  hits: number;
  verified: boolean;
  message?: string;
  source?: { path: string; line: number };
}

/** What the DAP `Breakpoint` reports (kept free of DAP types so this file is plain). */
export interface BreakpointReport {
  id: number;
  verified: boolean;
  message?: string;
  line?: number;
  source?: { path: string };
}

export interface BreakpointSpec {
  condition?: string;
  hitCondition?: string;
}

const SPECIAL = new Set(['__start__', '__end__']);

export class Breakpoints {
  private nextId = 1;
  private fn: NodeBreakpoint[] = [];
  private bySource = new Map<string, NodeBreakpoint[]>();
  graph: GraphNames | undefined;

  /** Where a node name points: the root node to pause before, and why, or why it cannot. */
  resolve(name: string): { roots: string[]; qualified: string; message?: string } | { error: string } {
    const g = this.graph;
    const clean = name.trim();
    if (!clean) return { error: 'A node breakpoint needs a node name (e.g. `draft_reply`, or `child:child_step` in a subgraph).' };
    if (!g) return { roots: [clean.split(':')[0]], qualified: clean, message: 'Not checked: the graph could not be read from the server.' };
    const root = g.root.filter((n) => !SPECIAL.has(n));
    if (root.includes(clean)) return { roots: [clean], qualified: clean };
    const nested = g.nested.filter((id) => id === clean || id.endsWith(`:${clean}`));
    const head = clean.includes(':') ? clean.split(':')[0] : undefined;
    if (nested.length === 0 && head && root.includes(head)) {
      // Deeper than the server's xray shows: trust the parent the user named.
      return { roots: [head], qualified: clean, message: subgraphNote(clean, head) };
    }
    if (nested.length > 0) {
      const roots = [...new Set(nested.map((id) => id.split(':')[0]))];
      return { roots, qualified: nested[0], message: subgraphNote(nested[0], roots.join(', ')) };
    }
    return { error: `No node "${clean}" in graph "${g.graphId}". Its nodes: ${[...root, ...g.nested].join(', ') || '(none)'}.` };
  }

  setFunctionBreakpoints(specs: (BreakpointSpec & { name: string })[]): BreakpointReport[] {
    this.fn = specs.map((s) => this.make([s.name], s));
    return this.fn.map(report);
  }

  /** Lines are one-based (DAP). `text` is the file's current content. */
  setSourceBreakpoints(path: string, text: string | undefined, lines: (BreakpointSpec & { line: number })[]): BreakpointReport[] {
    const made = lines.map((l) => {
      const nodes = text === undefined ? [] : nodesAtLine(text, l.line - 1, langOf(path));
      const bp = nodes.length
        ? this.make(nodes, l)
        : this.unverified(text === undefined ? 'The file could not be read.' : 'This line is in no node: set it on an addNode/add_node line or inside a node\'s function.');
      bp.source = { path, line: l.line };
      return bp;
    });
    this.bySource.set(path, made);
    return made.map(report);
  }

  /** Re-checks every breakpoint once the graph is known (breakpoints arrive before launch ends). */
  recheck(): BreakpointReport[] {
    const out: BreakpointReport[] = [];
    const redo = (bp: NodeBreakpoint) => {
      if (bp.nodes.length === 0) return;
      const fresh = this.make(bp.nodes, { condition: bp.conditionText, hitCondition: bp.hit?.text }, bp.id);
      Object.assign(bp, { ...fresh, source: bp.source, hits: bp.hits });
      out.push(report(bp));
    };
    this.fn.forEach(redo);
    for (const list of this.bySource.values()) list.forEach(redo);
    return out;
  }

  private all(): NodeBreakpoint[] {
    return [...this.fn, ...[...this.bySource.values()].flat()];
  }

  /** The root nodes to pass as `interrupt_before`. */
  rootNodes(): string[] {
    return [...new Set(this.all().filter((b) => b.verified).flatMap((b) => b.roots))];
  }

  /**
   * The run stopped before `next` (root nodes): which breakpoints stop here. Each breakpoint
   * whose condition holds counts a hit; it stops when its hit count also says so. A condition
   * that cannot be evaluated stops, with the reason (as a debugger does for a broken condition).
   */
  hitsAt(next: string[], state: unknown): { ids: number[]; problems: string[]; names: string[] } {
    const ids: number[] = [];
    const problems: string[] = [];
    const names: string[] = [];
    for (const bp of this.all()) {
      if (!bp.verified || !bp.roots.some((r) => next.includes(r))) continue;
      let pass = true;
      if (bp.condition) {
        try {
          pass = truthy(evalCondition(bp.condition, state));
        } catch (e) {
          problems.push(`Breakpoint condition ${JSON.stringify(bp.conditionText)} failed: ${(e as Error).message}`);
        }
      }
      if (!pass) continue;
      bp.hits++;
      if (bp.hit && !bp.hit.test(bp.hits)) continue;
      ids.push(bp.id);
      names.push(...bp.nodes);
    }
    return { ids, problems, names: [...new Set(names)] };
  }

  /** The source lines of the hit breakpoints, by node: the frame of that node shows the line the person set. */
  sourceOf(ids: number[]): Map<string, { file: string; line: number; column: number }> {
    const out = new Map<string, { file: string; line: number; column: number }>();
    for (const bp of this.all()) {
      if (!ids.includes(bp.id) || !bp.source) continue;
      for (const n of [...bp.nodes, ...bp.roots]) if (!out.has(n)) out.set(n, { file: bp.source.path, line: bp.source.line, column: 1 });
    }
    return out;
  }

  private unverified(message: string): NodeBreakpoint {
    return { id: this.nextId++, nodes: [], roots: [], hits: 0, verified: false, message };
  }

  private make(nodes: string[], spec: BreakpointSpec, id = this.nextId++): NodeBreakpoint {
    const roots: string[] = [];
    const qualified: string[] = [];
    const notes: string[] = [];
    for (const n of nodes) {
      const r = this.resolve(n);
      if ('error' in r) return { id, nodes, roots: [], hits: 0, verified: false, message: r.error };
      roots.push(...r.roots);
      qualified.push(r.qualified);
      if (r.message) notes.push(r.message);
    }
    const bp: NodeBreakpoint = { id, nodes: qualified, roots: [...new Set(roots)], hits: 0, verified: true };
    try {
      if (spec.condition?.trim()) {
        bp.condition = parseCondition(spec.condition);
        bp.conditionText = spec.condition;
      }
      if (spec.hitCondition?.trim()) bp.hit = parseHitCondition(spec.hitCondition);
    } catch (e) {
      if (!(e instanceof PathError)) throw e;
      return { id, nodes, roots: [], hits: 0, verified: false, message: `Condition: ${e.message}. Conditions read the state: \`messages.length > 2\`, \`last_step == "crunch"\`, joined with && || !.` };
    }
    const where = `Stops before ${qualified.join(', ')}`;
    bp.message = notes.length ? notes.join(' ') : where;
    return bp;
  }
}

function subgraphNote(qualified: string, root: string): string {
  return `Stops before ${root}, the root node that runs ${qualified}: the Agent Server pauses a run only between steps of the root graph.`;
}

function report(bp: NodeBreakpoint): BreakpointReport {
  return {
    id: bp.id,
    verified: bp.verified,
    message: bp.message,
    ...(bp.source ? { line: bp.source.line, source: { path: bp.source.path } } : {}),
  };
}
