// One side of a comparison: what a comparison needs of a run, read once from its run model — each
// execution's place (namespace by names, node, occurrence), its times and status, what it wrote,
// and the state after it as numbers (ValueTable ids), so the model can be let go before the
// other run is read. Pure.
import type { RunModel } from '../runModel';
import type { Execution, ExecStatus, RunPhase } from '../model/types';
import { nsNode } from '../events';
import { applyChanges, type Change } from '../diff';
import { IgnoreMatcher, normalize } from './ignore';
import { ValueTable } from './intern';

/** Key → value id, for one namespace's state. */
export type StateIds = ReadonlyMap<string, number>;

export interface DigestExec {
  /** Position in the run model's executions. */
  index: number;
  node: string;
  /** The namespace by node names, `child › grandchild` ('' at the root): what a person reads. */
  path: string;
  /** The namespace as both runs can share it: names and which run of that subgraph (`child#1`). */
  nsKey: string;
  step: number;
  stepEstimated: boolean;
  /** Which run of the thread it belongs to (1 for the first). */
  run: number;
  start: number;
  /** ms, when the times say (not when only the arrival of its update is known). */
  durationMs: number | null;
  status: ExecStatus;
  error: { name: string; message: string } | undefined;
  /** The interrupts it raised, normalized. */
  interrupts: unknown[] | undefined;
  /** What it wrote, as canonical text (equal under the patterns ⇔ equal text); null: nothing. */
  writes: string | null;
  /** The state of its namespace after it, or null when the model does not know it. */
  state: StateIds | null;
}

export interface RunDigest {
  runId: string | null;
  phase: RunPhase;
  error: { name: string; message: string; node?: string } | null;
  /** Pending or answered interrupts' values, normalized, in order. */
  interrupts: unknown[];
  runs: number;
  events: number;
  executions: DigestExec[];
  /** The root graph's state before its first node: the run's input (and what the thread had). */
  initialState: StateIds;
  /** The state of each namespace at its end (after the last execution of its chain). */
  finalState: Map<string, StateIds>;
}

/** Shared by both sides: the patterns and the table that numbers their values. */
export interface CompareContext {
  matcher: IgnoreMatcher;
  values: ValueTable;
}

export function compareContext(matcher: IgnoreMatcher): CompareContext {
  return { matcher, values: new ValueTable(matcher) };
}

export function digestRun(model: RunModel, ctx: CompareContext): RunDigest {
  const ex = model.executions;
  const nsKeys = namespaceKeys(model);
  const runOf = runOrdinals(model);
  const paths = new Map<string, { path: string; nsKey: string }>();
  const placeOf = (ns: string[]) => {
    const k = ns.join('|');
    let p = paths.get(k);
    if (!p) {
      const path = ns.map(nsNode).join(' › ');
      paths.set(k, (p = { path, nsKey: nsKeys.get(k) ?? path }));
    }
    return p;
  };
  const execs: DigestExec[] = ex.map((e) => {
    const { path, nsKey } = placeOf(e.ns);
    return {
      index: e.index,
      node: e.node,
      path,
      nsKey,
      step: e.step,
      stepEstimated: e.stepSource === 'estimated',
      run: runOf(e),
      start: e.start,
      durationMs: e.end !== null && e.timeSource !== 'arrival' ? Math.max(0, e.end - e.start) : null,
      status: e.status,
      // Fields always present, in one order: one shape for every execution (see newExec).
      error: e.error,
      interrupts: e.interrupts?.map((v) => normalize(v, ctx.matcher)),
      writes: e.writes === undefined ? null : ctx.values.textOf(e.writes, ctx.matcher.root),
      state: null,
    };
  });
  const finalState = new Map<string, StateIds>();
  const initialState = new StateWalker(model.initialState([]), ctx).snapshot();
  for (const ns of model.namespaces()) {
    const chain = model.stateChain(ns);
    const key = nsKeys.get(ns.join('|')) ?? '';
    const walker = new StateWalker(model.initialState(ns), ctx);
    for (const i of chain) {
      walker.apply(model.diff(i));
      execs[i].state = walker.snapshot();
    }
    finalState.set(key, walker.snapshot());
  }
  const s = model.summary;
  return {
    runId: s.runId,
    phase: s.phase,
    error: s.error ? { name: s.error.name, message: s.error.message, ...(s.error.node ? { node: s.error.node } : {}) } : null,
    interrupts: s.interrupts.map((i) => normalize(i.value, ctx.matcher)),
    runs: s.runs.length,
    events: s.events,
    executions: execs,
    initialState,
    finalState,
  };
}

/**
 * Each namespace as both runs can name it: task ids differ between runs, so a subgraph's
 * namespace is its node names plus which run of it this is (`child#1 › grandchild#1`), counted in
 * the order the model met them.
 */
function namespaceKeys(model: RunModel): Map<string, string> {
  const out = new Map<string, string>();
  const count = new Map<string, number>();
  for (const ns of model.namespaces()) {
    if (ns.length === 0) {
      out.set('', '');
      continue;
    }
    const names = ns.map(nsNode).join(' › ');
    const n = (count.get(names) ?? 0) + 1;
    count.set(names, n);
    out.set(ns.join('|'), n === 1 ? names : `${names}#${n}`);
  }
  return out;
}

function runOrdinals(model: RunModel): (e: Execution) => number {
  const byId = new Map<string, number>();
  model.summary.runs.forEach((r, i) => byId.set(r.runId, i + 1));
  return (e) => (e.runId !== null ? (byId.get(e.runId) ?? 1) : 1);
}

/**
 * A namespace's state followed execution by execution from the model's diffs, kept as plain
 * values (to apply the next diff to) and as ids (to compare). A message appended costs that
 * message; anything else costs the key's value.
 */
class StateWalker {
  private readonly values: Record<string, unknown>;
  private readonly ids = new Map<string, number>();
  /** Keys whose array this walker copied, so it may push onto it. */
  private readonly owned = new Set<string>();

  constructor(initial: Record<string, unknown>, private readonly ctx: CompareContext) {
    this.values = { ...initial };
    for (const k of Object.keys(this.values)) this.renumber(k);
  }

  /** The last snapshot, shared by the executions after it until the state changes. */
  private last: StateIds | null = null;

  snapshot(): StateIds {
    return (this.last ??= new Map(this.ids));
  }

  apply(changes: readonly Change[]): void {
    if (!changes.length) return;
    this.last = null;
    const byKey = new Map<string, Change[]>();
    for (const c of changes) {
      const k = c.path[0];
      if (typeof k !== 'string') continue;
      const list = byKey.get(k);
      if (list) list.push(c);
      else byKey.set(k, [c]);
    }
    for (const [k, cs] of byKey) {
      if (this.tryAppend(k, cs)) continue;
      const next = applyChanges({ [k]: this.values[k] }, cs) as Record<string, unknown>;
      if (next[k] === undefined) delete this.values[k];
      else this.values[k] = next[k];
      this.owned.delete(k);
      this.renumber(k);
    }
  }

  /** Elements added at the end of a list, the usual change: pushed, and the id chained. */
  private tryAppend(k: string, cs: readonly Change[]): boolean {
    const cur = this.values[k];
    if (!Array.isArray(cur)) return false;
    let at = cur.length;
    for (const c of cs) {
      if (c.kind !== 'added' || c.path.length !== 2) return false;
      const seg = c.path[1];
      const idx = typeof seg === 'number' ? seg : c.index;
      if (idx !== at++) return false;
    }
    const list = this.owned.has(k) ? cur : cur.slice();
    this.values[k] = list;
    this.owned.add(k);
    const m = this.ctx.matcher;
    const keyState = m.step(m.root, k);
    let id = this.ids.get(k);
    for (const c of cs) {
      list.push(c.after);
      if (keyState !== IgnoreMatcher.IGNORED_KEY) id = this.ctx.values.append(id!, c.after, m.step(keyState, list.length - 1));
    }
    if (keyState !== IgnoreMatcher.IGNORED_KEY) this.ids.set(k, id!);
    return true;
  }

  private renumber(k: string): void {
    const v = this.values[k];
    const m = this.ctx.matcher;
    const s = m.step(m.root, k);
    if (v === undefined || s === IgnoreMatcher.IGNORED_KEY) this.ids.delete(k);
    else this.ids.set(k, this.ctx.values.of(v, s));
  }
}
