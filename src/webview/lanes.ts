// Lanes: executions of one node that overlap in time (a `Send` fan-out, subgraph runs side by
// side) each get a lane inside the node's row, so none is drawn over another. First fit over
// the row's executions in start order: an execution goes into the lowest lane whose last
// execution ended by its start, and started before it (two that start at the same instant would
// be drawn at the same place, so they never share a lane); otherwise into a new lane. In start
// order, first fit needs exactly as many lanes as the most executions running at once.
// Also the geometry of lanes and rows. Pure; tested in Node.

/** Width of the row labels beside the canvas. */
export const LABEL_W = 200;
/** Height of a row with one lane. */
export const ROW_H = 22;
/** Space above the first lane and below the last. */
export const BAR_PAD = 4;
export const BAR_H = ROW_H - 2 * BAR_PAD;
export const LANE_GAP = 3;
export const LANE_PITCH = BAR_H + LANE_GAP;
/**
 * Beyond this many executions at once a row stops growing: the next goes into the lane that
 * frees first (bars may then overlap; the hit test still reaches each one).
 */
export const MAX_LANES = 64;
/** Narrowest bar drawn, in px: a 1 ms execution next to a 200 ms one stays visible. */
export const MIN_BAR_W = 3;
/** Width of the diamond drawn when only an execution's arrival is known, in px. */
export const MARK_W = 7;

/** The columns of a row that packing reads and writes (Row in layout.ts has them all). */
export interface LaneColumns {
  n: number;
  execs: Int32Array;
  starts: Float64Array;
  /** NaN while running. */
  ends: Float64Array;
  /** Lane of each column entry. */
  lanes: Uint16Array;
  laneCount: number;
  /** Per lane: end of its last execution (Infinity while that one runs), its start, its index. */
  laneEnd: number[];
  laneStart: number[];
  laneLast: number[];
}

const occupied = (end: number) => (Number.isNaN(end) ? Infinity : end);

function take(c: LaneColumns, j: number, lane: number): void {
  c.lanes[j] = lane;
  c.laneEnd[lane] = occupied(c.ends[j]);
  c.laneStart[lane] = c.starts[j];
  c.laneLast[lane] = c.execs[j];
}

function fit(c: LaneColumns, start: number): number {
  for (let l = 0; l < c.laneCount; l++) if (c.laneEnd[l] <= start && c.laneStart[l] < start) return l;
  if (c.laneCount < MAX_LANES) {
    c.laneEnd.push(-Infinity);
    c.laneStart.push(-Infinity);
    c.laneLast.push(-1);
    return c.laneCount++;
  }
  let best = 0;
  for (let l = 1; l < c.laneCount; l++) if (c.laneEnd[l] < c.laneEnd[best]) best = l;
  return best;
}

/** Place the row's last entry (just appended in start order). */
export function placeLast(c: LaneColumns): void {
  const j = c.n - 1;
  take(c, j, fit(c, c.starts[j]));
}

/** Place every entry again, from scratch. */
export function repack(c: LaneColumns): void {
  c.laneCount = 0;
  c.laneEnd.length = 0;
  c.laneStart.length = 0;
  c.laneLast.length = 0;
  for (let j = 0; j < c.n; j++) take(c, j, fit(c, c.starts[j]));
}

/**
 * Place the entries from `from` on again (after an insert out of start order, or an end that
 * moved), as first fit over the whole row would. The entries before `from` keep their lanes; of
 * those, only the ones that can still be open at its start matter: the ones that started at most
 * `lookBack` ms earlier (the row's longest finished execution) and the `running` ones (positions).
 * Returns true when an entry other than `except` (a new one) changed lane.
 */
export function repackFrom(c: LaneColumns, from: number, lookBack: number, running: Iterable<number>, except = -1): boolean {
  const old = c.lanes.slice(from, c.n);
  const s0 = c.starts[from];
  for (let l = 0; l < c.laneCount; l++) {
    c.laneEnd[l] = -Infinity;
    c.laneStart[l] = -Infinity;
    c.laneLast[l] = -1;
  }
  // Looking back, the first entry seen of a lane is its last one before `from`.
  for (let j = from - 1; j >= 0 && c.starts[j] >= s0 - lookBack; j--) {
    if (c.laneLast[c.lanes[j]] === -1) take(c, j, c.lanes[j]);
  }
  for (const j of running) if (j < from) take(c, j, c.lanes[j]);
  let moved = false;
  for (let j = from; j < c.n; j++) {
    take(c, j, fit(c, c.starts[j]));
    if (j !== except && c.lanes[j] !== old[j - from]) moved = true;
  }
  return moved;
}

/**
 * Entry `j`'s end is now known (or moved). Returns false when that breaks the packing (it now
 * reaches past the start of the next execution in its lane): the caller repacks.
 */
export function endChanged(c: LaneColumns, j: number): boolean {
  const lane = c.lanes[j];
  const end = occupied(c.ends[j]);
  if (c.laneLast[lane] === c.execs[j]) {
    c.laneEnd[lane] = end;
    return true;
  }
  for (let k = j + 1; k < c.n; k++) if (c.lanes[k] === lane) return c.starts[k] >= end;
  return true;
}

/** Height of a row with `lanes` lanes. */
export function rowHeight(lanes: number): number {
  return ROW_H + (Math.max(1, lanes) - 1) * LANE_PITCH;
}

/** Top of a lane's bars, from the top of its row. */
export function laneTop(lane: number): number {
  return BAR_PAD + lane * LANE_PITCH;
}

/** The lane at `y` px from the top of a row (the nearest one between lanes). */
export function laneAt(y: number, lanes: number): number {
  return Math.max(0, Math.min(lanes - 1, Math.floor((y - BAR_PAD + LANE_GAP / 2) / LANE_PITCH)));
}

/** Top of every row from the top of the first, and the total height at the end (n + 1 entries). */
export function rowTops(rows: readonly { laneCount: number }[]): Float64Array {
  const tops = new Float64Array(rows.length + 1);
  for (let r = 0; r < rows.length; r++) tops[r + 1] = tops[r] + rowHeight(rows[r].laneCount);
  return tops;
}

/** The row at `y` (from the top of the first row): -1 above it, rows.length below the last. */
export function rowAt(tops: Float64Array, y: number): number {
  const n = tops.length - 1;
  if (y < 0) return -1;
  if (y >= tops[n]) return n;
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (tops[mid] <= y) lo = mid;
    else hi = mid;
  }
  return lo;
}
