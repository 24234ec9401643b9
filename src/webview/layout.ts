// Pure layout: the run model's executions → rows (one per node, subgraphs nested under the node
// that ran them), per-row executions sorted by start for culling, packed into lanes when they
// overlap (lanes.ts), superstep boundaries and the error/interrupt marks. Incremental: each
// update looks only at new executions and at the few still open ones (running, or waiting for
// their `updates` payload). No DOM; tested in Node.
import type { Execution } from '../shared/runModel';
import { isMark } from '../shared/model/types';
import { nsNode } from '../shared/events';
import { endChanged, placeLast, repackFrom, type LaneColumns } from './lanes';
// The labels and descriptions used to live here; the panel's parts still import them from here.
export { describeExecution, formatAt, formatCount, formatDuration, formatNumber, formatOffset, writtenKeys } from './format';

export interface Row extends LaneColumns {
  /** Stable across updates and reloads: names of the enclosing nodes + this node. */
  key: string;
  node: string;
  /** Enclosing nodes rendered `child › grandchild`, '' at the root. */
  path: string;
  depth: number;
  parent: Row | null;
  children: Row[];
  /** How many executions the row has. */
  n: number;
  /**
   * Columns, sorted by start time (only the first `n` entries are used): execution index, start,
   * end (NaN while running), kind (KIND_* bits) and lane. Typed arrays, so drawing 100,000 bars
   * is a tight loop over numbers rather than a walk over objects.
   */
  execs: Int32Array;
  starts: Float64Array;
  ends: Float64Array;
  kinds: Uint8Array;
  /** Longest finished execution, so culling can look back far enough. */
  maxDur: number;
  /** Indices of executions still running (drawn up to "now"). */
  running: Set<number>;
  errors: number;
  interrupts: number;
  cancels: number;
}

/** kinds: the low three bits (KIND_STATUS) are the status; MARK when only the arrival time is known. */
export const KIND_DONE = 0;
export const KIND_RUNNING = 1;
export const KIND_ERROR = 2;
export const KIND_INTERRUPTED = 3;
export const KIND_CANCELLED = 4;
export const KIND_STATUS = 7;
export const KIND_MARK = 8;

export function kindOf(ex: Execution): number {
  const s = ex.status === 'running' ? KIND_RUNNING : ex.status === 'error' ? KIND_ERROR : ex.status === 'interrupted' ? KIND_INTERRUPTED : ex.status === 'cancelled' ? KIND_CANCELLED : KIND_DONE;
  return s | (isMark(ex) ? KIND_MARK : 0);
}

export interface Bounds {
  t0: number;
  t1: number;
}

export class TimelineIndex {
  readonly roots: Row[] = [];
  readonly rows = new Map<string, Row>();
  /** Row of every execution, by index. */
  readonly rowOf: Row[] = [];
  /** Position of every execution within its row's columns. */
  private posOf = new Int32Array(1024);
  /** Execution indices that errored / were interrupted, in index order. */
  readonly errors: number[] = [];
  readonly interrupts: number[] = [];
  readonly cancels: number[] = [];
  /**
   * Start of each superstep of the root graph (the earliest start among its executions), sorted by
   * time. Subgraphs number their own supersteps, so only the root's are drawn across every lane.
   */
  readonly stepTimes: number[] = [];
  /** The superstep starting at each stepTimes entry. */
  readonly stepIds: number[] = [];
  /** Earliest start per (run, step): a resumed thread starts its own numbering. */
  private readonly stepMin = new Map<string, number>();
  /** Executions that may still change (status, end, writes). */
  private readonly open = new Set<number>();
  private seen = 0;
  t0 = Infinity;
  t1 = -Infinity;
  /** Bumped whenever rows are added (the row list must be rebuilt). */
  rowsVersion = 0;
  /** Bumped whenever an execution changes lane or a row its number of lanes (heights, positions). */
  laneVersion = 0;
  /**
   * Bumped when what the fan-out connectors join changes: an execution joins a group of one
   * node's executions in one step, a member ends, or the step after a group starts.
   */
  fanVersion = 0;
  /** Steps (run, namespace, number) in which one node ran more than once: the fan-outs. */
  private readonly fanSteps = new Set<string>();

  get count(): number {
    return this.seen;
  }

  /**
   * Take in new executions and re-check the open ones. Returns the indices that changed or were
   * added, so filters can re-evaluate just those.
   */
  update(executions: readonly Execution[]): number[] {
    const changed: number[] = [];
    for (const i of this.open) {
      const ex = executions[i];
      if (!ex) continue;
      changed.push(i);
      this.settle(ex);
    }
    for (let i = this.seen; i < executions.length; i++) {
      const ex = executions[i];
      this.add(ex, executions);
      changed.push(i);
    }
    this.seen = executions.length;
    return changed;
  }

  private add(ex: Execution, executions: readonly Execution[]): void {
    const row = this.rowFor(ex);
    this.rowOf[ex.index] = row;
    if (ex.index >= this.posOf.length) this.posOf = grow(this.posOf, ex.index + 1);
    const at = insertSorted(row, ex, this.posOf);
    const lanes = row.laneCount;
    // In start order (nearly always): first fit, its end still open until settle() below.
    const inOrder = at === row.n - 1;
    if (inOrder) placeLast(row);
    if (ex.start < this.t0) this.t0 = ex.start;
    if (ex.start > this.t1) this.t1 = ex.start;
    this.noteStep(ex);
    this.noteFan(row, at, ex, executions);
    this.open.add(ex.index);
    this.deferLanes = !inOrder;
    this.settle(ex);
    this.deferLanes = false;
    // Out of order (rare: a task that started earlier reported later): the lanes from there on.
    if (!inOrder) this.repackFrom(row, at, at);
    if (row.laneCount !== lanes) this.laneVersion++;
  }

  /** Lane of an execution within its row. */
  laneOf(i: number): number {
    const row = this.rowOf[i];
    return row ? row.lanes[this.posOf[i]] : 0;
  }

  /** Position of an execution within its row's columns. */
  positionOf(i: number): number {
    return this.posOf[i];
  }

  private noteFan(row: Row, at: number, ex: Execution, executions: readonly Execution[]): void {
    if (ex.step < 0) return;
    if (this.fanSteps.size && this.fanSteps.has(fanKey(ex, ex.step - 1))) this.fanVersion++;
    // A group's members start together: one of them is next to this one in start order.
    for (const j of [at - 1, at + 1]) {
      if (j < 0 || j >= row.n || j === at) continue;
      const other = executions[row.execs[j]];
      if (other && other.step === ex.step && other.runId === ex.runId && sameNs(other.ns, ex.ns)) {
        this.fanSteps.add(fanKey(ex, ex.step));
        this.fanVersion++;
        return;
      }
    }
  }

  /** True when the execution is one of a fan-out's (one node, several times in one step). */
  inFan(ex: Execution): boolean {
    return this.fanSteps.size > 0 && ex.step >= 0 && this.fanSteps.has(fanKey(ex, ex.step));
  }

  /** Account for an execution's current status; close it once nothing more can change. */
  private settle(ex: Execution): void {
    const row = this.rowOf[ex.index];
    const at = this.posOf[ex.index];
    row.kinds[at] = kindOf(ex);
    this.noteStep(ex);
    if (ex.status === 'running') {
      row.ends[at] = NaN;
      row.running.add(ex.index);
      this.laneEnd(row, at);
      return;
    }
    row.running.delete(ex.index);
    const end = ex.end ?? ex.start;
    const drawnEnd = ex.timeSource === 'arrival' ? ex.start : end;
    if (end > this.t1) this.t1 = end;
    if (end - ex.start > row.maxDur) row.maxDur = end - ex.start;
    if (row.ends[at] !== drawnEnd) {
      row.ends[at] = drawnEnd;
      this.laneEnd(row, at);
      if (this.inFan(ex)) this.fanVersion++;
    }
    if (ex.status === 'error') this.mark(this.errors, ex.index, row, 'errors');
    else if (ex.status === 'interrupted') this.mark(this.interrupts, ex.index, row, 'interrupts');
    else if (ex.status === 'cancelled') this.mark(this.cancels, ex.index, row, 'cancels');
    // An errored or cancelled node never reports what it wrote; anything else is final once its
    // writes are in.
    if (ex.writes !== undefined || ex.status === 'error' || ex.status === 'cancelled') this.open.delete(ex.index);
  }

  /** Set while an execution inserted out of order settles: its lane is placed right after. */
  private deferLanes = false;

  private laneEnd(row: Row, at: number): void {
    if (at >= row.n || this.deferLanes) return;
    const lanes = row.laneCount;
    if (!endChanged(row, at)) this.repackFrom(row, at, -1);
    if (row.laneCount !== lanes) this.laneVersion++;
  }

  private repackFrom(row: Row, from: number, added: number): void {
    const running: number[] = [];
    for (const i of row.running) running.push(this.posOf[i]);
    if (repackFrom(row, from, row.maxDur, running, added)) this.laneVersion++;
  }

  /** Count an execution's mark (error, interrupt, cancel) once, on its row and the rows above. */
  private mark(list: number[], i: number, row: Row, count: 'errors' | 'interrupts' | 'cancels'): void {
    if (list[lowerBound(list, i)] === i) return;
    insertIndex(list, i);
    for (let r: Row | null = row; r; r = r.parent) r[count]++;
  }

  private noteStep(ex: Execution): void {
    if (ex.step < 0 || ex.ns.length) return;
    const key = `${ex.runId ?? ''}|${ex.step}`;
    const t = ex.start;
    const prev = this.stepMin.get(key);
    if (prev !== undefined && prev <= t) return;
    this.stepMin.set(key, t);
    if (prev !== undefined) {
      for (let at = lowerBound(this.stepTimes, prev); at < this.stepTimes.length && this.stepTimes[at] === prev; at++) {
        if (this.stepIds[at] === ex.step) {
          this.stepTimes.splice(at, 1);
          this.stepIds.splice(at, 1);
          break;
        }
      }
    }
    const n = this.stepTimes.length;
    if (!n || this.stepTimes[n - 1] <= t) {
      this.stepTimes.push(t);
      this.stepIds.push(ex.step);
    } else {
      const at = upperBound(this.stepTimes, t);
      this.stepTimes.splice(at, 0, t);
      this.stepIds.splice(at, 0, ex.step);
    }
  }

  private rowFor(ex: Execution): Row {
    const names = ex.ns.map(nsNode);
    return this.ensureRow(names, ex.node);
  }

  private ensureRow(names: string[], node: string): Row {
    const key = rowKey(names, node);
    let row = this.rows.get(key);
    if (row) return row;
    // A subgraph's nodes nest under the node that ran it; make that row even if it has not run
    // (with `updates` alone the parent reports only after its children).
    const parent = names.length ? this.ensureRow(names.slice(0, -1), names[names.length - 1]) : null;
    row = {
      key,
      node,
      path: names.join(' › '),
      depth: names.length,
      parent,
      children: [],
      n: 0,
      execs: new Int32Array(8),
      starts: new Float64Array(8),
      ends: new Float64Array(8),
      kinds: new Uint8Array(8),
      lanes: new Uint16Array(8),
      laneCount: 0,
      laneEnd: [],
      laneStart: [],
      laneLast: [],
      maxDur: 0,
      running: new Set(),
      errors: 0,
      interrupts: 0,
      cancels: 0,
    };
    this.rows.set(key, row);
    (parent ? parent.children : this.roots).push(row);
    this.rowsVersion++;
    return row;
  }

  /** Time span of the run so far; a live run extends to `now`. */
  bounds(now?: number): Bounds {
    if (!Number.isFinite(this.t0)) {
      const t = now ?? 0;
      return { t0: t, t1: t + 1000 };
    }
    let t1 = this.t1;
    if (now !== undefined && this.hasRunning() && now > t1) t1 = now;
    if (t1 - this.t0 < 1) t1 = this.t0 + 1;
    return { t0: this.t0, t1 };
  }

  hasRunning(): boolean {
    for (const r of this.rows.values()) if (r.running.size) return true;
    return false;
  }
}

function fanKey(ex: Execution, step: number): string {
  return `${ex.runId ?? ''}\u0000${ex.ns.join('\u0001')}\u0000${step}`;
}

function sameNs(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

export function rowKey(names: readonly string[], node: string): string {
  return `${names.join('\u0001')}\u0000${node}`;
}

/** Rows in display order (depth first), skipping the children of collapsed rows. */
export function visibleRows(index: TimelineIndex, collapsed: ReadonlySet<string>, keep?: (row: Row) => boolean): Row[] {
  const out: Row[] = [];
  const walk = (rows: Row[]) => {
    for (const r of rows) {
      if (keep && !keep(r)) continue;
      out.push(r);
      if (r.children.length && !collapsed.has(r.key)) walk(r.children);
    }
  };
  walk(index.roots);
  return out;
}

type NumArray = { readonly length: number; readonly [i: number]: number };

/** First position in a sorted array (of its first `n` entries) whose value is >= v. */
export function lowerBound(a: NumArray, v: number, n = a.length): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position in a sorted array (of its first `n` entries) whose value is > v. */
export function upperBound(a: NumArray, v: number, n = a.length): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function grow<T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(a: T, min: number): T {
  let size = Math.max(8, a.length);
  while (size < min) size *= 2;
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
}

/** Insert an execution into its row's columns, in start order; returns its position. */
function insertSorted(row: Row, ex: Execution, posOf: Int32Array): number {
  const n = row.n;
  if (n === row.starts.length) {
    row.execs = grow(row.execs, n + 1);
    row.starts = grow(row.starts, n + 1);
    row.ends = grow(row.ends, n + 1);
    row.kinds = grow(row.kinds, n + 1);
    row.lanes = grow(row.lanes, n + 1);
  }
  let at = n;
  if (n > 0 && row.starts[n - 1] > ex.start) {
    // Out of order (rare: a task that started earlier reported later): shift the tail.
    at = upperBound(row.starts, ex.start, n);
    row.execs.copyWithin(at + 1, at, n);
    row.starts.copyWithin(at + 1, at, n);
    row.ends.copyWithin(at + 1, at, n);
    row.kinds.copyWithin(at + 1, at, n);
    row.lanes.copyWithin(at + 1, at, n);
    for (let j = at + 1; j <= n; j++) posOf[row.execs[j]] = j;
  }
  row.execs[at] = ex.index;
  row.starts[at] = ex.start;
  row.ends[at] = ex.start;
  row.kinds[at] = kindOf(ex);
  row.lanes[at] = 0;
  posOf[ex.index] = at;
  row.n = n + 1;
  return at;
}

function insertIndex(list: number[], i: number): void {
  if (!list.length || list[list.length - 1] < i) list.push(i);
  else list.splice(lowerBound(list, i), 0, i);
}

/** Range of a row's (sorted) executions that may intersect [a, b]. */
export function rowRange(row: Row, a: number, b: number): [number, number] {
  return [lowerBound(row.starts, a - row.maxDur, row.n), upperBound(row.starts, b, row.n)];
}

/** A row's execution indices in start order (a copy). */
export function rowExecutions(row: Row): number[] {
  return Array.from(row.execs.subarray(0, row.n));
}
