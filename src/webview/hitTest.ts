// Which execution a click or a hover means: the nearest bar as drawn (lanes, the minimum width,
// marks), not only one hit exactly. Pure; tested in Node with the layout.
import type { Execution } from '../shared/runModel';
import { KIND_MARK, rowRange, type Row, type TimelineIndex } from './layout';
import { BAR_H, MARK_W, MIN_BAR_W, laneTop } from './lanes';

export interface PointerAt {
  /** Time under the pointer. */
  t: number;
  /** Pointer, px from the top of the row. */
  y: number;
  /** Scale of the time axis. */
  msPerPx: number;
  /** How far from a drawn bar a click still reaches it, px. */
  slopPx: number;
  /** Where running bars end. */
  now: number;
}

/**
 * The execution nearest the pointer within a row: the one whose drawn bar (at least MIN_BAR_W
 * wide, a mark MARK_W wide, in its lane) is closest, if within `slopPx`. On a tie (the pointer
 * on two bars drawn over each other, or merged into one rectangle when zoomed out) the shorter
 * execution wins, then the later, so a 1 ms sliver at the edge of a long bar can still be picked.
 */
export function nearestExecution(index: TimelineIndex, row: Row, executions: readonly Execution[], p: PointerAt, accept?: (i: number) => boolean): number | null {
  let best: number | null = null;
  let bestD = Infinity;
  let bestSpan = Infinity;
  let bestStart = -Infinity;
  const k = 1 / p.msPerPx;
  const consider = (j: number) => {
    const i = row.execs[j];
    if (accept && !accept(i)) return;
    const ex = executions[i];
    if (!ex) return;
    let x0 = (ex.start - p.t) * k;
    let x1: number;
    if (row.kinds[j] & KIND_MARK) {
      x1 = x0 + MARK_W / 2;
      x0 -= MARK_W / 2;
    } else {
      const end = ex.end ?? (ex.status === 'running' ? p.now : ex.start);
      x1 = Math.max((end - p.t) * k, x0 + MIN_BAR_W);
    }
    const dx = x0 > 0 ? x0 : x1 < 0 ? -x1 : 0;
    const top = laneTop(row.lanes[j]);
    const dy = p.y < top ? top - p.y : p.y > top + BAR_H ? p.y - top - BAR_H : 0;
    const d = Math.hypot(dx, dy);
    if (d > p.slopPx) return;
    const span = (ex.end ?? (ex.status === 'running' ? p.now : ex.start)) - ex.start;
    if (d < bestD - 0.5 || (d <= bestD + 0.5 && (span < bestSpan || (span === bestSpan && ex.start >= bestStart)))) {
      best = i;
      bestD = Math.min(d, bestD);
      bestSpan = span;
      bestStart = ex.start;
    }
  };
  // Bars reach MIN_BAR_W (marks MARK_W / 2) past where their times put them.
  const reach = (p.slopPx + MARK_W) * p.msPerPx;
  const [lo, hi] = rowRange(row, p.t - reach, p.t + reach);
  for (let j = lo; j < hi; j++) consider(j);
  // Running bars grow to now: rowRange's look-back (the longest finished one) may not reach them.
  for (const i of row.running) {
    const j = index.positionOf(i);
    if (j < lo || j >= hi) consider(j);
  }
  return best;
}
