// The run on the graph, kept up to date incrementally: each pass takes in the executions added
// since the last one and re-reads only those still open (running, or without an end) and the
// last supersteps of each graph, so a live event costs the pane a few map updates, not a walk
// over the whole run. Transitions into a superstep are settled once a later step exists and
// nothing in them is open; they are counted once and kept. Same results as graphRun (tested).
// Pure.
import type { Execution } from '../../shared/runModel';
import type { RunInfo } from '../../shared/model/types';
import { END, START, edgeKey, graphIdOf } from './graphShape';
import type { GraphRun, NodeRun, Transition } from './graphRun';

interface Group {
  root: boolean;
  runId: string | null;
  /** Supersteps in order, each the executions in it. */
  steps: { n: number; execs: number[] }[];
  /** Transitions into steps before this one are settled (and counted in `settled`). */
  settledUpTo: number;
  tail: Transition[];
}

interface Contribution {
  id: string | null;
  status: Execution['status'];
  end: number | null;
  start: number;
}

import type { EdgeMatcher } from './graphMatch';

export class RunTracker {
  private n = 0;
  private readonly gids: string[] = [];
  private readonly steps: number[] = [];
  private readonly kids = new Map<number, number[]>();
  private readonly groups = new Map<string, Group>();
  private readonly groupOf: Group[] = [];
  /** Each execution's step's position in its group's steps. */
  private readonly posOf: number[] = [];
  private readonly contrib: Contribution[] = [];
  private readonly open = new Set<number>();
  private readonly nodes = new Map<string, NodeRun>();
  private readonly settled: Transition[] = [];
  private readonly settledCounts = new Map<string, number>();
  private settledStarts = 0;
  /** Distinct pairs of graph ids the settled transitions joined. */
  private readonly settledPairs = new Map<string, { pair: [string, string]; n: number }>();
  /** The pairs of every transition so far (for a shape drawn from the run). */
  pairs: Map<string, [string, string]> = new Map();
  private readonly dirty = new Set<Group>();
  /**
   * Executions in a subgraph whose parent the model has not linked yet (it may, once it knows the
   * parent's task), by their namespace's last segment (`write:<task id>`): looked at when an
   * execution with that node and task comes or changes, not on every pass.
   */
  private readonly orphans = new Map<string, number[]>();
  /** Every graph id that ran. */
  readonly ids = new Set<string>();

  constructor(
    private readonly executions: readonly Execution[],
    /** The element an execution counts for (null: none), or whether it is drawn as itself. */
    private readonly countsAs: (gid: string) => string | null,
    private readonly match: EdgeMatcher,
  ) {}

  /** Still describes this array (the model was not rebuilt, nothing was regrouped). */
  fits(executions: readonly Execution[]): boolean {
    if (executions !== this.executions || executions.length < this.n) return false;
    // A regroup (the thread's history came in) moves executions between steps: start over then.
    // Only settled steps matter; checking the last thousand keeps a live pass cheap.
    for (let i = Math.max(0, this.n - 1000); i < this.n; i++) if (executions[i].step !== this.steps[i]) return false;
    return true;
  }

  /** Every step of every execution taken in is still where it was (a full check, for the end). */
  fitsFully(executions: readonly Execution[]): boolean {
    if (!this.fits(executions)) return false;
    for (let i = 0; i < this.n; i++) if (executions[i].step !== this.steps[i]) return false;
    return true;
  }

  /** `live`: more is coming (orphans are then looked at only when their parent shows). */
  update(runs: readonly RunInfo[], finished: boolean, live = false): GraphRun {
    const exs = this.executions;
    for (let i = this.n; i < exs.length; i++) this.take(exs[i]);
    this.n = exs.length;
    for (const i of [...this.open]) this.recheck(exs[i]);
    if (!live) for (const key of [...this.orphans.keys()]) this.adopt(key);
    const runInfo = new Map(runs.map((r) => [r.runId, r]));
    const lastRun = runs.length ? runs[runs.length - 1].runId : null;
    const tails: Transition[] = [];
    const ends: Transition[] = [];
    for (const g of this.groups.values()) {
      if (this.dirty.has(g) || g.settledUpTo < g.steps.length) this.retail(g, runInfo);
      for (const t of g.tail) tails.push(t);
      if (g.root) this.endsOf(g, runInfo, g.runId === lastRun ? finished : true, ends);
    }
    this.dirty.clear();
    const pairs = new Map<string, [string, string]>();
    for (const [k, v] of this.settledPairs) pairs.set(k, v.pair);
    for (const t of [...tails, ...ends]) {
      const p = this.pairOf(t);
      pairs.set(edgeKey(p[0], p[1]), p);
    }
    this.pairs = pairs;
    const edgeCounts = new Map(this.settledCounts);
    for (const t of [...tails, ...ends]) for (const k of t.edges) edgeCounts.set(k, (edgeCounts.get(k) ?? 0) + 1);
    const nodes = new Map<string, NodeRun>();
    for (const [id, r] of this.nodes) nodes.set(id, { ...r, executions: r.executions, status: statusOf(r, exs) });
    // __start__ and __end__ "ran" as often as the run began and ended there.
    let starts = this.settledStarts;
    for (const t of tails) if (t.from === 'start') starts++;
    for (const [id, n] of [[START, starts], [END, ends.length]] as const) {
      if (n) nodes.set(id, { runs: n, running: 0, totalMs: 0, errors: 0, interrupts: 0, status: 'done', executions: [] });
    }
    const countsAs = this.countsAs;
    const settled = this.settled;
    let all: Transition[] | null = null;
    return {
      nodes,
      edgeCounts,
      // Only tracing a path reads them all: put together when asked.
      get transitions() {
        return (all ??= [...settled, ...tails, ...ends]);
      },
      elementOf: (i) => (exs[i] ? elementFor(countsAs, graphIdOf(exs[i])) : null),
    };
  }

  private take(ex: Execution): void {
    const i = ex.index;
    const gid = graphIdOf(ex);
    this.gids[i] = gid;
    this.steps[i] = ex.step;
    this.ids.add(gid);
    if (ex.parent !== null) this.link(i, ex.parent);
    else if (ex.ns.length) {
      const key = ex.ns[ex.ns.length - 1];
      const l = this.orphans.get(key);
      if (l) l.push(i);
      else this.orphans.set(key, [i]);
    }
    if (ex.taskId) this.adopt(`${ex.node}:${ex.taskId}`);
    const key = `${ex.ns.join('|')}#${ex.runId ?? ''}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { root: !ex.ns.length, runId: ex.runId, steps: [], settledUpTo: 0, tail: [] }));
    this.groupOf[i] = g;
    const k = g.steps.length - 1;
    if (k >= 0 && g.steps[k].n === ex.step) {
      g.steps[k].execs.push(i);
      this.posOf[i] = k;
    } else if (k < 0 || g.steps[k].n < ex.step) {
      g.steps.push({ n: ex.step, execs: [i] });
      this.posOf[i] = k + 1;
    } else {
      // Out of order (rare): insert it, and read the group again from there.
      const at = g.steps.findIndex((s) => s.n >= ex.step);
      if (g.steps[at].n === ex.step) g.steps[at].execs.push(i);
      else {
        g.steps.splice(at, 0, { n: ex.step, execs: [i] });
        for (let q = at + 1; q < g.steps.length; q++) for (const x of g.steps[q].execs) this.posOf[x] = q;
      }
      this.posOf[i] = at;
      if (at < g.settledUpTo) this.resettle(g, at);
    }
    this.dirty.add(g);
    const c: Contribution = { id: this.countsAs(gid) === gid ? gid : null, status: ex.status, end: ex.end, start: ex.start };
    this.contrib[i] = c;
    this.add(c, i, 1);
    if (isOpen(ex)) this.open.add(i);
  }

  /** Link the orphans under this namespace segment that the model has given a parent since. */
  private adopt(key: string): void {
    const l = this.orphans.get(key);
    if (!l) return;
    const still = l.filter((i) => {
      const p = this.executions[i].parent;
      if (p === null) return true;
      this.link(i, p);
      return false;
    });
    if (still.length) this.orphans.set(key, still);
    else this.orphans.delete(key);
  }

  private link(child: number, parent: number): void {
    let c = this.kids.get(parent);
    if (!c) this.kids.set(parent, (c = []));
    c.push(child);
    // The parent's way in and out go through its children: its group's tail is read again.
    const pg = this.groupOf[parent];
    if (pg) this.unsettleAround(pg, parent);
  }

  private recheck(ex: Execution): void {
    const i = ex.index;
    const c = this.contrib[i];
    if (c.status !== ex.status || c.end !== ex.end || c.start !== ex.start) {
      this.add(c, i, -1);
      const next: Contribution = { id: c.id, status: ex.status, end: ex.end, start: ex.start };
      this.contrib[i] = next;
      this.add(next, i, 1);
      this.dirty.add(this.groupOf[i]);
      const p = ex.parent;
      if (p !== null && this.groupOf[p]) this.dirty.add(this.groupOf[p]);
    }
    if (!isOpen(ex)) this.open.delete(i);
    if (ex.taskId) this.adopt(`${ex.node}:${ex.taskId}`);
  }

  private add(c: Contribution, i: number, sign: 1 | -1): void {
    if (!c.id) return;
    let r = this.nodes.get(c.id);
    if (!r) this.nodes.set(c.id, (r = { runs: 0, running: 0, totalMs: 0, errors: 0, interrupts: 0, status: 'not run', executions: [] }));
    r.runs += sign;
    if (sign > 0) r.executions.push(i);
    if (c.status === 'running') r.running += sign;
    else if (c.end !== null) r.totalMs += sign * Math.max(0, c.end - c.start);
    if (c.status === 'error') r.errors += sign;
    if (c.status === 'interrupted') r.interrupts += sign;
  }

  /** A subgraph's execution got children: transitions around its step are read again. */
  private unsettleAround(g: Group, parent: number): void {
    const at = this.posOf[parent];
    if (at < g.settledUpTo) this.resettle(g, at);
    this.dirty.add(g);
  }

  /** Take back what was settled from step `at` on (the transitions into and out of it). */
  private resettle(g: Group, at: number): void {
    const from = Math.max(0, at);
    if (from >= g.settledUpTo) return;
    for (let j = this.settled.length - 1; j >= 0; j--) {
      const t = this.settled[j];
      const to = t.to === 'end' ? -1 : t.to;
      const owner = to >= 0 ? this.groupOf[to] : null;
      // Transitions that end in this group's steps from `from` on (or in their subgraphs' leaves).
      if (to >= 0 && (owner === g ? this.posOf[to] >= from : this.leafOf(to, g, from))) {
        for (const k of t.edges) {
          const n = (this.settledCounts.get(k) ?? 1) - 1;
          if (n > 0) this.settledCounts.set(k, n);
          else this.settledCounts.delete(k);
        }
        const pk = edgeKey(...this.pairOf(t));
        const left = this.settledPairs.get(pk);
        if (left && --left.n <= 0) this.settledPairs.delete(pk);
        if (t.from === 'start') this.settledStarts--;
        this.settled.splice(j, 1);
      }
    }
    g.settledUpTo = from;
  }

  /** Execution `leaf` sits (through its parents) in group g at step ≥ from. */
  private leafOf(leaf: number, g: Group, from: number): boolean {
    for (let p: number | null = this.executions[leaf].parent; p !== null; p = this.executions[p].parent) {
      if (this.groupOf[p] === g) return this.posOf[p] >= from;
    }
    return false;
  }

  /** Transitions into the group's unsettled steps, settling those that can no longer change. */
  private retail(g: Group, runs: Map<string, RunInfo>): void {
    g.tail = [];
    const exs = this.executions;
    for (let k = g.settledUpTo; k < g.steps.length; k++) {
      const out: Transition[] = [];
      const cur = g.steps[k].execs;
      if (k === 0) {
        const info = g.runId ? runs.get(g.runId) : undefined;
        const fresh = !info || ((!info.kind || info.kind === 'input') && info.command === undefined && !info.fork);
        if (g.root && fresh && !cur.some((t) => exs[t].resumeOf !== undefined)) for (const t of cur) for (const b of this.ends(t, true)) out.push(this.transition('start', b));
      } else {
        for (const t of cur) {
          if (exs[t].resumeOf !== undefined) continue;
          for (const s of g.steps[k - 1].execs) for (const a of this.ends(s, false)) for (const b of this.ends(t, true)) out.push(this.transition(a, b));
        }
      }
      // Settled: a later step exists, and nothing here or just before (or inside them) is open.
      const canSettle = k === g.settledUpTo && k < g.steps.length - 1 && !this.anyOpen(cur) && (k === 0 || !this.anyOpen(g.steps[k - 1].execs));
      if (canSettle) {
        for (const t of out) {
          this.settled.push(t);
          if (t.from === 'start') this.settledStarts++;
          const p = this.pairOf(t);
          const pk = edgeKey(p[0], p[1]);
          const had = this.settledPairs.get(pk);
          if (had) had.n++;
          else this.settledPairs.set(pk, { pair: p, n: 1 });
          for (const e of t.edges) this.settledCounts.set(e, (this.settledCounts.get(e) ?? 0) + 1);
        }
        g.settledUpTo = k + 1;
      } else for (const t of out) g.tail.push(t);
    }
  }

  private endsOf(g: Group, runs: Map<string, RunInfo>, ended: boolean, into: Transition[]): void {
    if (!ended || !g.steps.length) return;
    const info = g.runId ? runs.get(g.runId) : undefined;
    const last = g.steps[g.steps.length - 1].execs;
    const stopped = last.some((i) => this.executions[i].status !== 'done') || !!info?.error || !!info?.cancelled;
    if (stopped) return;
    for (const s of last) for (const a of this.ends(s, false)) into.push(this.transition(a, 'end'));
  }

  private anyOpen(list: number[], depth = 0): boolean {
    for (const i of list) {
      if (this.open.has(i)) return true;
      const c = this.kids.get(i);
      if (c && depth < 32 && this.anyOpen(c, depth + 1)) return true;
    }
    return false;
  }

  /** A subgraph's execution stands for its first step's leaves (entering) or its last's (leaving). */
  private ends(i: number, first: boolean, depth = 0): number[] {
    const c = this.kids.get(i);
    if (!c || depth > 32) return [i];
    let edge = first ? Infinity : -Infinity;
    for (const k of c) edge = first ? Math.min(edge, this.executions[k].step) : Math.max(edge, this.executions[k].step);
    const out: number[] = [];
    for (const k of c) if (this.executions[k].step === edge) for (const x of this.ends(k, first, depth + 1)) out.push(x);
    return out;
  }

  private pairOf(t: Transition): [string, string] {
    return [t.from === 'start' ? START : this.gids[t.from], t.to === 'end' ? END : this.gids[t.to]];
  }

  private transition(from: number | 'start', to: number | 'end'): Transition {
    const a = from === 'start' ? START : this.gids[from];
    const b = to === 'end' ? END : this.gids[to];
    return { from, to, edges: this.match(a, b) };
  }
}

function isOpen(ex: Execution): boolean {
  return ex.status === 'running' || ex.end === null;
}

function statusOf(r: NodeRun, exs: readonly Execution[]): NodeRun['status'] {
  if (r.running > 0) return 'running';
  const last = exs[r.executions[r.executions.length - 1]];
  return last ? last.status : 'not run';
}

function elementFor(countsAs: (gid: string) => string | null, gid: string): string | null {
  return countsAs(gid);
}
