// Compare two runs: align them (align.ts) and say, row by row, what differs — what the nodes
// wrote, how they ended, the state after them — then the final states, how the runs ended, and
// the time each node took on both sides. Pure.
import type { RunModel } from '../runModel';
import { diffValues, type Change } from '../diff';
import { DEFAULT_IGNORES, ignoreMatcher } from './ignore';
import { compareContext, digestRun, type CompareContext, type DigestExec, type RunDigest, type StateIds } from './digest';
import { align } from './align';
import type { CompareOptions, CompareRow, Comparison, NodeTiming, RowSide, RunFacts } from './types';

/** Ids are left out, so elements of two runs' lists face each other by position. */
const BY_POSITION = { matchById: false } as const;

/** Compare two run models (ended, with their extras). */
export function compareRuns(a: RunModel, b: RunModel, options: CompareOptions = {}): Comparison {
  const ctx = contextFor(options);
  return compareDigests(digestRun(a, ctx), digestRun(b, ctx), ctx, options);
}

/** The patterns and value table for `options`; digest both runs with the same one. */
export function contextFor(options: CompareOptions = {}): CompareContext {
  return compareContext(ignoreMatcher(options.ignore ?? [], options.defaultIgnores !== false));
}

export function compareDigests(fullA: RunDigest, fullB: RunDigest, ctx: CompareContext, options: CompareOptions = {}): Comparison {
  const da = fromStep(fullA, options.fromStep?.a);
  const db = fromStep(fullB, options.fromStep?.b);
  const maxDetails = options.maxDetails ?? 200;
  let details = 0;
  const rows: CompareRow[] = [];
  const counts = { same: 0, differs: 0, onlyA: 0, onlyB: 0 };
  // The input first: what differs there differs at every row after, and is said once.
  const inputKeys = differingKeys(da.initialState, db.initialState);
  const input = { differs: inputKeys, changes: inputKeys.length ? stateChanges(da.initialState, db.initialState, inputKeys, ctx) : [] };
  /** Keys differing at the previous paired row of each namespace. */
  const lastDiffers = new Map<string, Set<string>>([['', new Set(inputKeys)]]);
  for (const p of align(da.executions, db.executions)) {
    const e = (p.a ?? p.b)!;
    // The namespace as both runs share it: a subgraph's second run is `child#2`, not `child` again.
    const row: CompareRow = { kind: 'same', path: e.nsKey, node: e.node, occurrence: p.occurrence };
    if (p.a) row.a = side(p.a);
    if (p.b) row.b = side(p.b);
    if (!p.a || !p.b) {
      row.kind = p.a ? 'onlyA' : 'onlyB';
      counts[row.kind]++;
      rows.push(row);
      continue;
    }
    let differs = false;
    const oa = outcomeText(p.a);
    const ob = outcomeText(p.b);
    if (oa !== ob) {
      row.outcome = { a: oa, b: ob };
      differs = true;
    }
    // A node that failed (or stopped at an interrupt) wrote nothing: its outcome says so.
    const oneWrote = (p.a.writes === null) !== (p.b.writes === null);
    if (p.a.writes !== p.b.writes && !(oneWrote && row.outcome)) {
      const value = (text: string | null) => (text === null ? undefined : JSON.parse(text));
      row.writes = diffValues(value(p.a.writes), value(p.b.writes), BY_POSITION);
      differs = true;
    }
    if (p.a.state && p.b.state) {
      const now = differingKeys(p.a.state, p.b.state);
      const before = lastDiffers.get(p.a.nsKey) ?? new Set<string>();
      const newly = now.filter((k) => !before.has(k));
      lastDiffers.set(p.a.nsKey, new Set(now));
      if (now.length) {
        row.state = { differs: now, newly };
        if (newly.length) {
          differs = true;
          if (details < maxDetails) {
            details++;
            row.state.changes = stateChanges(p.a.state, p.b.state, newly, ctx);
          }
        }
      }
    }
    row.kind = differs ? 'differs' : 'same';
    counts[row.kind]++;
    rows.push(row);
  }
  const finalState: Comparison['finalState'] = [];
  for (const key of new Set([...da.finalState.keys(), ...db.finalState.keys()])) {
    const sa = da.finalState.get(key) ?? new Map<string, number>();
    const sb = db.finalState.get(key) ?? new Map<string, number>();
    const keys = differingKeys(sa, sb);
    if (keys.length || key === '') finalState.push({ path: key, differs: keys, changes: keys.length ? stateChanges(sa, sb, keys, ctx) : [] });
  }
  const outcome: NonNullable<Comparison['outcome']> = {};
  if (da.phase !== db.phase) outcome.phase = { a: da.phase, b: db.phase };
  const ea = da.error ? `${da.error.name}: ${da.error.message}` : null;
  const eb = db.error ? `${db.error.name}: ${db.error.message}` : null;
  if (ea !== eb) outcome.error = { a: ea, b: eb };
  const interrupts = diffValues(da.interrupts, db.interrupts, BY_POSITION);
  if (interrupts.length) outcome.interrupts = interrupts;
  const hasOutcome = Object.keys(outcome).length > 0;
  const equivalent = inputKeys.length === 0 && counts.differs + counts.onlyA + counts.onlyB === 0 && finalState.every((f) => f.differs.length === 0) && !hasOutcome;
  const extra = ctx.matcher.patterns.filter((p) => !(options.defaultIgnores !== false && DEFAULT_IGNORES.some((r) => r.pattern === p)));
  return {
    equivalent,
    a: facts(da),
    b: facts(db),
    ignored: { defaults: options.defaultIgnores === false ? [] : DEFAULT_IGNORES.map((r) => ({ ...r })), extra },
    input,
    rows,
    counts,
    finalState,
    ...(hasOutcome ? { outcome } : {}),
    timing: timing(da.executions, db.executions),
  };
}

/** The digest from `step` on (see CompareOptions.fromStep). */
export function fromStep(d: RunDigest, step: number | undefined): RunDigest {
  if (step === undefined) return d;
  let first = d.executions.findIndex((e) => e.path === '' && e.step >= step);
  if (first < 0) first = d.executions.length;
  if (first === 0) return d;
  let initialState = d.initialState;
  for (let i = first - 1; i >= 0; i--) {
    const e = d.executions[i];
    if (e.path === '' && e.state) {
      initialState = e.state;
      break;
    }
  }
  return { ...d, executions: d.executions.slice(first), initialState };
}

function side(e: DigestExec): RowSide {
  return { index: e.index, step: e.step, stepEstimated: e.stepEstimated, durationMs: e.durationMs, status: e.status, ...(e.error ? { error: e.error } : {}) };
}

/** How an execution ended, as text to compare and to show. */
function outcomeText(e: DigestExec): string {
  if (e.status === 'error') return `error ${e.error?.name ?? ''}: ${e.error?.message ?? ''}`.trimEnd();
  if (e.status === 'interrupted') return `interrupted ${JSON.stringify(e.interrupts ?? [])}`;
  return e.status;
}

function differingKeys(a: StateIds, b: StateIds): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) out.push(k);
  for (const k of b.keys()) if (!a.has(k)) out.push(k);
  return out.sort();
}

/** A's value → B's value of `keys`, as a readable diff (ignored paths left out). */
function stateChanges(a: StateIds, b: StateIds, keys: string[], ctx: CompareContext): Change[] {
  const out: Change[] = [];
  const t = ctx.values;
  for (const k of keys) {
    const ia = a.get(k);
    const ib = b.get(k);
    if (ia === undefined) out.push({ kind: 'added', path: [k], after: t.value(ib!) });
    else if (ib === undefined) out.push({ kind: 'removed', path: [k], before: t.value(ia) });
    else if (t.isList(ia) && t.isList(ib)) for (const c of listChanges(k, ia, ib, ctx)) out.push(c);
    else for (const c of diffValues(t.value(ia), t.value(ib), BY_POSITION, [k])) out.push(c);
  }
  return out;
}

/**
 * Two lists' differences, reading only the elements between their common head and tail (by
 * element id: no element is parsed to find them), so two transcripts of thousands of messages
 * that differ in one cost that one.
 */
function listChanges(k: string, ia: number, ib: number, ctx: CompareContext): Change[] {
  const t = ctx.values;
  const ea = t.elements(ia);
  const eb = t.elements(ib);
  let pre = 0;
  while (pre < ea.length && pre < eb.length && ea[pre] === eb[pre]) pre++;
  let suf = 0;
  while (suf < ea.length - pre && suf < eb.length - pre && ea[ea.length - 1 - suf] === eb[eb.length - 1 - suf]) suf++;
  const mid = (e: number[]) => e.slice(pre, e.length - suf).map((x) => t.value(x));
  const changes = diffValues(mid(ea), mid(eb), BY_POSITION, [k]);
  if (!pre) return changes;
  return changes.map((c) => {
    const path = [...c.path];
    if (typeof path[1] === 'number') path[1] += pre;
    return { ...c, path, ...(c.index !== undefined ? { index: c.index + pre } : {}) };
  });
}

function facts(d: RunDigest): RunFacts {
  return { runId: d.runId, phase: d.phase, executions: d.executions.length, events: d.events, runs: d.runs, error: d.error };
}

/** Time per node on both sides, in the order nodes first ran (A's, then B's own). */
function timing(a: readonly DigestExec[], b: readonly DigestExec[]): NodeTiming[] {
  const out = new Map<string, NodeTiming>();
  const add = (e: DigestExec, s: 'a' | 'b') => {
    const k = `${e.path}\u0000${e.node}`;
    let t = out.get(k);
    if (!t) out.set(k, (t = { path: e.path, node: e.node, a: { runs: 0, timed: 0, totalMs: 0 }, b: { runs: 0, timed: 0, totalMs: 0 } }));
    t[s].runs++;
    if (e.durationMs !== null) {
      t[s].timed++;
      t[s].totalMs += e.durationMs;
    }
  };
  for (const e of a) add(e, 'a');
  for (const e of b) add(e, 'b');
  return [...out.values()];
}
