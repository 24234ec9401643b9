// Replaying a graph's supersteps: each step's writes applied in the graph's order, and a closed
// step held to the server's word where it was given (ids adopted, reducers learned, disagreements
// flagged, values about earlier steps handed back to them). The run model holds one. Pure.
import { isRecord } from '../events';
import { PVec, Reducers, applyWrites, fromPlain, inferReducer, materializeValue, reconcile, type ApplyContext, type ReducerKind, type State } from '../state';
import type { Execution } from './types';
import type { Graph, Step } from './graph';
import { stripInterrupt, withKey, writesContain } from './helpers';

export class Replayer {
  readonly snaps: ({ before: State; after: State } | undefined)[] = [];
  /** A reducer was learned: every graph should be replayed (the model does it after the change). */
  pendingRefresh = false;
  private readonly relearned = new Map<string, number>();
  /** Server values that a later boundary taught about an earlier step (see resolveOrphans). */
  private readonly orphans: { g: Graph; step: Step; key?: string; value?: unknown; object?: unknown }[] = [];
  /** Key → the executions whose step taught the model its reducer (they stay flagged). */
  private readonly learnedAt = new Map<string, Set<Execution>>();

  constructor(public reducers: Reducers) {}

  /** Forget every learned reducer, to learn them again from the start. */
  forgetLearned(): void {
    this.reducers.learned.clear();
    this.learnedAt.clear();
    this.relearned.clear();
    this.pendingRefresh = false;
  }

  private adoptInBase(g: Graph, obj: unknown): boolean {
    const to = g.subst.get(obj);
    for (const [k, v] of Object.entries(g.base)) {
      if (!(v instanceof PVec)) continue;
      const arr = v.toArray();
      const i = arr.indexOf(obj);
      if (i < 0 || to === undefined) continue;
      g.base = { ...g.base, [k]: v.set(i, to) };
      for (const idx of g.indexes.values()) idx.stale = true;
      return true;
    }
    return false;
  }

  close(g: Graph, step: Step): void {
    step.closed = true;
    this.replay(g, step);
    this.resolveOrphans();
  }

  setTruth(g: Graph, i: number, values: Record<string, unknown>, partial: boolean): void {
    const step = g.steps[i];
    step.truth = stripInterrupt(values);
    step.partial = partial;
    step.closed = true;
    this.refreshFrom(g, i);
  }

  /** Replay step i and every later step whose start changed as a result. */
  refreshFrom(g: Graph, i: number): void {
    for (let j = i; j < g.steps.length; j++) {
      const s = g.steps[j];
      const start = j === 0 ? g.base : (g.steps[j - 1].end ?? g.steps[j - 1].start);
      if (j > i && start === s.start) break;
      s.start = start;
      s.rev++;
      if (s.closed) this.replay(g, s);
    }
    this.resolveOrphans();
  }

  /**
   * The server's values at a boundary can speak for an earlier step: a key nobody wrote in this
   * step was last written before it (so that writer's step gets the value, and its reducer can be
   * learned there), and an id-less message got its id where it was written. Each resolution adds
   * to an earlier step's truth, so this ends.
   */
  private resolveOrphans(): void {
    while (this.orphans.length) {
      const o = this.orphans.shift()!;
      const i = o.g.steps.lastIndexOf(o.step);
      if (i < 0) continue;
      let p = -1;
      for (let j = i - 1; j >= 0 && p < 0; j--) {
        for (const x of o.g.steps[j].execs) {
          if (!isRecord(x.writes)) continue;
          if (o.key !== undefined ? o.key in x.writes : writesContain(x.writes, o.object)) p = j;
        }
      }
      if (p < 0) {
        // Not written by any node: an input message, in the namespace's initial state.
        if (o.object !== undefined && this.adoptInBase(o.g, o.object)) this.refreshFrom(o.g, 0);
        continue;
      }
      const ps = o.g.steps[p];
      if (o.key !== undefined) {
        if (ps.truth && (!ps.partial || o.key in ps.truth)) continue;
        ps.truth = { ...(ps.truth ?? {}), [o.key]: o.value };
        ps.partial = true;
        ps.closed = true;
      }
      this.refreshFrom(o.g, p);
    }
  }

  provisional(g: Graph, step: Step): void {
    if (step.replayed === step.rev) return;
    this.replay(g, step);
  }

  /** The graph's order of applying a step's writes: task order (node name for pull tasks). */
  appOrder(step: Step): Execution[] {
    const xs = step.execs;
    if (xs.length < 2 || xs.every((x) => x.timeSource !== 'arrival')) return xs;
    return [...xs].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.index - b.index));
  }

  replay(g: Graph, step: Step): void {
    const ctx = this.ctx(g);
    if (step.carrier && step.truth) {
      // The server's word is the whole of it: nothing here to reconcile or to hand back.
      step.end = fromPlain(step.truth, ctx);
      step.replayed = step.rev;
      return;
    }
    const order = this.appOrder(step);
    const run = (): State => {
      let s = step.start;
      const c = g.subst.size ? { ...ctx, subst: g.subst } : ctx;
      for (const x of order) {
        const before = s;
        if (x.writes !== undefined) s = applyWrites(s, x.writes, c);
        this.snaps[x.index] = { before, after: s };
      }
      return s;
    };
    for (const x of order) {
      x.disagreed = false;
      x.server = undefined;
      x.reduced = undefined;
    }
    let end = run();
    // An open step may not have all its writes yet: only a closed one is held to the server's word.
    if (step.truth && step.closed) {
      let r = reconcile(end, step.truth, ctx, step.partial);
      const learnedNow = this.learn(g, step, order, r.differing);
      let mine = 0;
      for (const [m, t] of r.adopt) {
        g.subst.set(m, t);
        if (order.some((x) => isRecord(x.writes) && writesContain(x.writes, m))) mine++;
        else this.orphans.push({ g, step, object: m });
      }
      if (mine || learnedNow.length) {
        end = run();
        r = reconcile(end, step.truth, ctx, step.partial);
      }
      // Keys whose reducer was learned at this step stay flagged here on every later replay.
      const learned: string[] = [];
      for (const [k, at] of this.learnedAt) if (order.some((x) => at.has(x))) learned.push(k);
      if (r.differing.length || learned.length) this.settle(g, step, order, r.differing, r.state, learned);
      end = r.state;
    }
    step.end = end;
    step.replayed = step.rev;
  }

  /**
   * The server's state differs from the replay on some keys after this step. Where the model knows
   * the key's reducer (messages by id, declared by the schema) that is a disagreement: the nodes
   * that wrote it are flagged. Where it does not, the model makes no claim: the writers only note
   * what they wrote and what the state became (and the reducer the values show, when one does).
   * Either way the last writer's "after" carries the server's value, so the chain stays exact.
   */
  private settle(g: Graph, step: Step, order: Execution[], keys: string[], truthState: State, learned: string[]): void {
    const note = (w: Execution, k: string, kind?: ReducerKind) => {
      const r = (w.reduced ??= { keys: [], before: {}, stepWrites: {}, became: {} });
      if (!r.keys.includes(k)) r.keys.push(k);
      r.before[k] = materializeValue(step.start[k]);
      r.stepWrites[k] = order.flatMap((x) => (isRecord(x.writes) && k in x.writes ? [x.writes[k]] : []));
      r.became[k] = step.truth![k];
      if (kind) (r.kind ??= {})[k] = kind;
    };
    for (const k of learned) {
      const at = this.learnedAt.get(k)!;
      for (const w of order) if (at.has(w)) note(w, k, this.reducers.kindOf(k));
    }
    for (const k of keys) {
      const writers = order.filter((x) => isRecord(x.writes) && k in x.writes);
      const value = step.truth![k];
      const known = this.reducers.declared(k);
      for (const w of writers) {
        if (!known) {
          note(w, k);
          continue;
        }
        w.disagreed = true;
        w.server ??= { keys: [], values: {} };
        if (!w.server.keys.includes(k)) w.server.keys.push(k);
        w.server.values[k] = value;
      }
      // Nobody here wrote it: an earlier step did, and it should hear the server's value.
      if (!writers.length) this.orphans.push({ g, step, key: k, value });
      const from = writers.length ? order.indexOf(writers[writers.length - 1]) : order.length - 1;
      if (from < 0) continue;
      for (let j = from; j < order.length; j++) {
        const x = order[j];
        const sn = this.snaps[x.index]!;
        this.snaps[x.index] = { before: j === from ? sn.before : withKey(sn.before, k, truthState[k]), after: withKey(sn.after, k, truthState[k]) };
      }
    }
  }

  /**
   * Keys the server disagreed on that a concat or a sum of this step's writes explains exactly:
   * from now on they reduce that way (replays included), so diffs read as what the graph did.
   */
  private learn(g: Graph, step: Step, order: Execution[], differing: string[]): string[] {
    const out: string[] = [];
    for (const k of differing) {
      if (this.reducers.declared(k) || !step.truth || !(k in step.truth)) continue;
      const current = this.reducers.learned.get(k);
      // A learned kind that stops fitting may be relearned, a couple of times at most (no flip-flop).
      const tries = this.relearned.get(k) ?? 0;
      if (current && tries >= 2) continue;
      const writes: unknown[] = [];
      for (const x of order) if (isRecord(x.writes) && k in x.writes) writes.push(x.writes[k]);
      if (!writes.length) continue;
      // Fold every write of the key since the server last said its value (or since the start).
      let start: unknown = g.base[k];
      for (let j = g.steps.lastIndexOf(step) - 1; j >= 0; j--) {
        const p = g.steps[j];
        if (p.truth && (!p.partial || k in p.truth)) {
          start = p.truth[k];
          break;
        }
        const earlier: unknown[] = [];
        for (const x of this.appOrder(p)) if (isRecord(x.writes) && k in x.writes) earlier.push(x.writes[k]);
        writes.unshift(...earlier);
        if (j === 0) start = g.base[k];
      }
      const kind = inferReducer(start, writes, step.truth[k], current);
      if (kind) {
        if (current) this.relearned.set(k, tries + 1);
        this.reducers.learned.set(k, kind);
        this.learnedAt.set(k, new Set(order.filter((x) => isRecord(x.writes) && k in x.writes)));
        out.push(k);
        this.pendingRefresh = true; // earlier steps without the server's word reduce this way too
      }
    }
    return out;
  }

  ctx(g: Graph): ApplyContext {
    return { reducers: this.reducers, index: (k) => g.index(k) };
  }
}
