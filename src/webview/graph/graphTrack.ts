// The run on the graph, kept up to date incrementally: each pass takes in the executions added
// since the last one, re-reads only those still open (running, or without an end), and recomputes
// only the supersteps whose transitions can have changed (a new execution in them or just before,
// a subgraph's child linked under one). Transitions into a superstep are settled once a later
// step exists and nothing in it or just before is open: they are counted once and kept, whatever
// the steps around them do (a node that stays open for the whole run, a wide fan-out still going,
// holds back only its own step and the next). Counts are kept as running sums, so a pass costs
// what changed, not the length of the run. Same results as graphRun (tested). Pure.
import type { Execution } from '../../shared/runModel';
import type { RunInfo } from '../../shared/model/types';
import { END, START, graphIdOf } from './graphShape';
import type { GraphRun, NodeRun, Transition } from './graphRun';
import type { EdgeMatcher } from './graphMatch';

interface Step {
  n: number;
  /** Its place in its group's steps. */
  k: number;
  execs: number[];
  /** The transitions into it (counted in the settled sums when `settled`, else in the tail's). */
  out: Transition[];
  settled: boolean;
  /** `out` must be computed again (an execution joined it or the step before, or got children). */
  stale: boolean;
}

interface Group {
  root: boolean;
  runId: string | null;
  /** Supersteps in order. */
  steps: Step[];
  unsettled: Set<Step>;
}

interface Contribution {
  id: string | null;
  status: Execution['status'];
  end: number | null;
  start: number;
}

/**
 * Running sums over a set of transitions: edge counts and starts. A live pass adds and takes back
 * a few hundred transitions (a router's step is every node before it × every node in it), so
 * this is all it keeps: each costs a map update per edge, no key built.
 */
class Sums {
  readonly counts = new Map<string, number>();
  starts = 0;

  add(list: readonly Transition[], sign: 1 | -1): void {
    const counts = this.counts;
    for (const t of list) {
      if (t.from === 'start') this.starts += sign;
      for (const e of t.edges) {
        const n = (counts.get(e) ?? 0) + sign;
        if (n > 0) counts.set(e, n);
        else counts.delete(e);
      }
    }
  }
}

export class RunTracker {
  private n = 0;
  private readonly gids: string[] = [];
  private readonly steps: number[] = [];
  private readonly kids = new Map<number, number[]>();
  private readonly groups = new Map<string, Group>();
  /** The root graph's groups (one per run). */
  private readonly roots: Group[] = [];
  private readonly groupOf: Group[] = [];
  /** Each execution's step. */
  private readonly stepOf: Step[] = [];
  private readonly contrib: Contribution[] = [];
  private readonly open = new Set<number>();
  private readonly nodes = new Map<string, NodeRun>();
  private readonly settled = new Sums();
  private readonly tail = new Sums();
  /**
   * The graph-id pairs of every transition so far, by edge key (for a shape drawn from the run,
   * whose matcher names each pair's one edge: so the pairs are the edges taken). Empty otherwise.
   */
  pairs: Map<string, [string, string]> = new Map();
  /** Bumped when the graph ids that ran or the pairs taken changed (a shape drawn from the run is drawn again). */
  shapeVersion = 0;
  /** The pair each edge key was made for (drawn from the run only). */
  private readonly pairOfEdge = new Map<string, [string, string]>();
  /** Groups to look at in the next pass (something in them, or under them, changed). */
  private readonly dirty = new Set<Group>();
  /** Steps computed again in the last pass (read by tests: a pass costs what changed). */
  lastPassSteps = 0;
  /**
   * Executions in a subgraph whose parent the model has not linked yet (it may, once it knows the
   * parent's task), by their namespace's last segment (`write:<task id>`): looked at when an
   * execution with that node and task comes or changes, not on every pass.
   */
  private readonly orphans = new Map<string, number[]>();
  /** Every graph id that ran. */
  readonly ids = new Set<string>();
  private idsSeen = 0;

  constructor(
    private readonly executions: readonly Execution[],
    /** The element an execution counts for (null: none), or whether it is drawn as itself. */
    private readonly countsAs: (gid: string) => string | null,
    private readonly match: EdgeMatcher,
    /** The shape is drawn from the run: `match` gives each pair its own one edge, and `pairs` is kept. */
    private readonly drawn = false,
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
    this.lastPassSteps = 0;
    const ends: Transition[] = [];
    for (const g of this.roots) {
      // A run's first step depends on how the run began (said by the run's info): read each pass.
      if (g.steps.length && !g.steps[0].settled) {
        g.steps[0].stale = true;
        this.dirty.add(g);
      }
      this.endsOf(g, runInfo, g.runId === lastRun ? finished : true, ends);
    }
    for (const g of this.dirty) this.retail(g, runInfo);
    this.dirty.clear();
    const edgeCounts = new Map(this.settled.counts);
    for (const [k, n] of this.tail.counts) edgeCounts.set(k, (edgeCounts.get(k) ?? 0) + n);
    for (const t of ends) for (const k of t.edges) edgeCounts.set(k, (edgeCounts.get(k) ?? 0) + 1);
    if (this.drawn) {
      let same = edgeCounts.size === this.pairs.size;
      if (same) for (const k of edgeCounts.keys()) if (!this.pairs.has(k)) same = false;
      if (!same) {
        const pairs = new Map<string, [string, string]>();
        for (const k of edgeCounts.keys()) pairs.set(k, this.pairOfEdge.get(k)!);
        this.pairs = pairs;
        this.shapeVersion++;
      }
    }
    if (this.ids.size !== this.idsSeen) {
      this.idsSeen = this.ids.size;
      this.shapeVersion++;
    }
    const nodes = new Map<string, NodeRun>();
    for (const [id, r] of this.nodes) nodes.set(id, { ...r, executions: r.executions, status: statusOf(r, exs) });
    // __start__ and __end__ "ran" as often as the run began and ended there.
    const starts = this.settled.starts + this.tail.starts;
    for (const [id, n] of [[START, starts], [END, ends.length]] as const) {
      if (n) nodes.set(id, { runs: n, running: 0, totalMs: 0, errors: 0, interrupts: 0, status: 'done', executions: [] });
    }
    const countsAs = this.countsAs;
    const groups = [...this.groups.values()];
    let all: Transition[] | null = null;
    return {
      nodes,
      edgeCounts,
      // Only tracing a path reads them all: put together when asked.
      get transitions() {
        if (!all) {
          all = [];
          for (const g of groups) for (const s of g.steps) for (const t of s.out) all.push(t);
          for (const t of ends) all.push(t);
        }
        return all;
      },
      elementOf: (i) => (exs[i] ? elementFor(countsAs, graphIdOf(exs[i])) : null),
      into: (i) => this.transitionsInto(i),
      kidsOf: (i) => this.kids.get(i) ?? [],
    };
  }

  /**
   * The transitions that end at execution i: they are kept with its step, or (for the first
   * nodes of a subgraph, entered through their parent) with the step of a parent.
   */
  private transitionsInto(i: number): Transition[] {
    const out: Transition[] = [];
    for (let p: number | null = i, depth = 0; p !== null && depth < 33; p = this.executions[p].parent, depth++) {
      const s = this.stepOf[p];
      if (s) for (const t of s.out) if (t.to === i) out.push(t);
    }
    return out;
  }

  private take(ex: Execution): void {
    const i = ex.index;
    const gid = graphIdOf(ex);
    this.gids[i] = gid;
    this.steps[i] = ex.step;
    this.ids.add(gid);
    const key = `${ex.ns.join('|')}#${ex.runId ?? ''}`;
    let g = this.groups.get(key);
    if (!g) {
      this.groups.set(key, (g = { root: !ex.ns.length, runId: ex.runId, steps: [], unsettled: new Set() }));
      if (g.root) this.roots.push(g);
    }
    this.groupOf[i] = g;
    const last = g.steps[g.steps.length - 1];
    if (last && last.n === ex.step) {
      last.execs.push(i);
      this.stepOf[i] = last;
      this.stale(g, last.k);
    } else if (!last || last.n < ex.step) {
      const s: Step = { n: ex.step, k: g.steps.length, execs: [i], out: [], settled: false, stale: true };
      g.steps.push(s);
      g.unsettled.add(s);
      this.stepOf[i] = s;
    } else {
      // Out of order (rare): into its step, or a new one put in its place.
      const at = g.steps.findIndex((s) => s.n >= ex.step);
      let s = g.steps[at];
      if (s.n === ex.step) s.execs.push(i);
      else {
        s = { n: ex.step, k: at, execs: [i], out: [], settled: false, stale: true };
        g.steps.splice(at, 0, s);
        g.unsettled.add(s);
        for (let q = at + 1; q < g.steps.length; q++) g.steps[q].k = q;
      }
      this.stepOf[i] = s;
      this.stale(g, at);
      this.stale(g, at + 1);
    }
    this.dirty.add(g);
    // Linked only now that its own step is known (a link marks the parent's steps).
    if (ex.parent !== null) this.link(i, ex.parent);
    else if (ex.ns.length) {
      const k = ex.ns[ex.ns.length - 1];
      const l = this.orphans.get(k);
      if (l) l.push(i);
      else this.orphans.set(k, [i]);
    }
    if (ex.taskId) this.adopt(`${ex.node}:${ex.taskId}`);
    const c: Contribution = { id: this.countsAs(gid) === gid ? gid : null, status: ex.status, end: ex.end, start: ex.start };
    this.contrib[i] = c;
    this.add(c, i, 1);
    if (isOpen(ex)) this.open.add(i);
  }

  /** Step k of g (and so the transitions into it) is computed again; a settled one is taken back first. */
  private stale(g: Group, k: number): void {
    const s = g.steps[k];
    if (!s) return;
    if (s.settled) {
      this.settled.add(s.out, -1);
      this.tail.add(s.out, 1);
      s.settled = false;
      g.unsettled.add(s);
    }
    s.stale = true;
    this.dirty.add(g);
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
    // The parent's ways in and out go through its children, and so do its own parents': their
    // steps, and the steps after them, are read again.
    for (let p: number | null = parent, depth = 0; p !== null && depth < 32; p = this.executions[p].parent, depth++) {
      const g = this.groupOf[p];
      const s = this.stepOf[p];
      if (!g || !s) break;
      this.stale(g, s.k);
      this.stale(g, s.k + 1);
    }
  }

  private recheck(ex: Execution): void {
    const i = ex.index;
    const c = this.contrib[i];
    if (c.status !== ex.status || c.end !== ex.end || c.start !== ex.start) {
      this.add(c, i, -1);
      const next: Contribution = { id: c.id, status: ex.status, end: ex.end, start: ex.start };
      this.contrib[i] = next;
      this.add(next, i, 1);
    }
    if (!isOpen(ex)) {
      this.open.delete(i);
      // Its step, and the steps holding it through its parents, may settle now.
      for (let p: number | null = i, depth = 0; p !== null && depth < 33; p = this.executions[p].parent, depth++) {
        const g = this.groupOf[p];
        if (g) this.dirty.add(g);
      }
    }
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

  /** The group's unsettled steps: stale ones computed again, those that can no longer change settled. */
  private retail(g: Group, runs: Map<string, RunInfo>): void {
    for (const s of [...g.unsettled]) {
      const k = s.k;
      if (s.stale) {
        this.tail.add(s.out, -1);
        s.out = this.into(g, k, runs);
        this.tail.add(s.out, 1);
        s.stale = false;
        this.lastPassSteps++;
      }
      // Settled: a later step exists, and nothing here or just before (or inside them) is open.
      if (k < g.steps.length - 1 && !this.anyOpen(s.execs) && (k === 0 || !this.anyOpen(g.steps[k - 1].execs))) {
        this.tail.add(s.out, -1);
        this.settled.add(s.out, 1);
        s.settled = true;
        g.unsettled.delete(s);
      }
    }
  }

  /** The transitions into step k of g. */
  private into(g: Group, k: number, runs: Map<string, RunInfo>): Transition[] {
    const exs = this.executions;
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
    return out;
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

  private transition(from: number | 'start', to: number | 'end'): Transition {
    const a = from === 'start' ? START : this.gids[from];
    const b = to === 'end' ? END : this.gids[to];
    const edges = this.match(a, b);
    if (this.drawn && !this.pairOfEdge.has(edges[0])) this.pairOfEdge.set(edges[0], [a, b]);
    return { from, to, edges };
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
