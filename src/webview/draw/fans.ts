// Fan-out and fan-in connectors: where one node ran several times in one superstep (a `Send`
// fan-out, drawn in lanes), thin lines join the execution that sent them to each lane, and each
// lane to the execution of the next step that waited for them all. When either end is not on
// screen (first step, a collapsed or filtered row) a bracket at the group's start or end stands
// in for it. Drawn under the bars, in the base layer; only for rows with lanes, and only where a
// row shows few enough executions for the lines to be read.
import type { Execution } from '../../shared/runModel';
import { isMark } from '../../shared/model/types';
import { BAR_H, laneTop } from '../lanes';
import { rowRange, type Row, type TimelineIndex } from '../layout';
import type { Palette } from '../theme';

/** Past this many executions of a row on screen, connectors would be a grey wash: skipped. */
const MAX_VISIBLE = 2000;
/** How far around a group the executions of the steps before and after are looked for. */
const SCAN = 256;
/** Bracket offset from the group, when the sender or the receiver is not on screen. */
const BRACKET = 4;

export interface FanScene {
  ctx: CanvasRenderingContext2D;
  palette: Palette;
  index: TimelineIndex;
  executions: readonly Execution[];
  rows: readonly Row[];
  /** Visible rows [first, last). */
  first: number;
  last: number;
  /** Top of a shown row on the canvas, by its place in `rows`; and that place, by row. */
  rowY: (r: number) => number;
  rowIndex: ReadonlyMap<Row, number>;
  X: (t: number) => number;
  view: { start: number; end: number };
  width: number;
}

export function drawFans(s: FanScene): void {
  const { ctx, rows } = s;
  let any = false;
  ctx.beginPath();
  for (let r = s.first; r < s.last; r++) {
    const row = rows[r];
    if (row.laneCount < 2) continue;
    const [lo, hi] = rowRange(row, s.view.start, s.view.end);
    if (hi - lo > MAX_VISIBLE) continue;
    const groups = new Map<string, number[]>();
    for (let j = lo; j < hi; j++) {
      const ex = s.executions[row.execs[j]];
      if (!ex || ex.step < 0) continue;
      const key = `${ex.runId ?? ''}\u0000${ex.ns.join('\u0001')}\u0000${ex.step}`;
      const g = groups.get(key);
      if (g) g.push(row.execs[j]);
      else groups.set(key, [row.execs[j]]);
    }
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      const lane0 = s.index.laneOf(members[0]);
      if (members.every((i) => s.index.laneOf(i) === lane0)) continue;
      any = fan(s, members) || any;
    }
  }
  if (!any) return;
  ctx.strokeStyle = s.palette.highContrast ? s.palette.fg : s.palette.muted;
  ctx.globalAlpha = s.palette.highContrast ? 1 : 0.75;
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.globalAlpha = 1;
}

/** Centre line of an execution's lane on the canvas, or null when its row is not shown. */
function laneMid(s: FanScene, i: number): number | null {
  const row = s.index.rowOf[i];
  const r = row ? s.rowIndex.get(row) : undefined;
  return r === undefined ? null : s.rowY(r) + laneTop(s.index.laneOf(i)) + BAR_H / 2;
}

/** The execution of step `step` (same run and namespace) near index `from`, scanning `dir`-wards. */
function neighbour(exs: readonly Execution[], like: Execution, from: number, dir: 1 | -1, step: number): Execution | null {
  let best: Execution | null = null;
  for (let i = from + dir, k = 0; i >= 0 && i < exs.length && k < SCAN; i += dir, k++) {
    const ex = exs[i];
    if (ex.runId !== like.runId || ex.ns.join('\u0001') !== like.ns.join('\u0001') || ex.step !== step) continue;
    // Before: the one that finished last (the step waited for it). After: the first to start.
    if (!best || (dir < 0 ? (ex.end ?? ex.start) > (best.end ?? best.start) : ex.start < best.start)) best = ex;
  }
  return best;
}

const px = (v: number) => Math.round(v) + 0.5;

function fan(s: FanScene, members: number[]): boolean {
  const { ctx, X, executions: exs } = s;
  const first = exs[members[0]];
  let minI = Infinity;
  let maxI = -Infinity;
  let t0 = Infinity;
  let t1 = -Infinity;
  let yTop = Infinity;
  let yBottom = -Infinity;
  let running = false;
  for (const i of members) {
    const ex = exs[i];
    minI = Math.min(minI, i);
    maxI = Math.max(maxI, i);
    t0 = Math.min(t0, ex.start);
    if (ex.status === 'running' || ex.end === null) running = true;
    else t1 = Math.max(t1, ex.end);
    const y = laneMid(s, i)!;
    yTop = Math.min(yTop, y);
    yBottom = Math.max(yBottom, y);
  }
  if (!Number.isFinite(t1)) t1 = t0;
  const src = neighbour(exs, first, minI, -1, first.step - 1);
  const dst = running ? null : neighbour(exs, first, maxI, 1, first.step + 1);
  const ySrc = src ? laneMid(s, src.index) : null;
  const yDst = dst ? laneMid(s, dst.index) : null;
  // Fan-out: down from where the sender ended (or a bracket just before the group), into each lane.
  const xs = src && ySrc !== null ? X(isMark(src) ? src.start : (src.end ?? src.start)) : X(t0) - BRACKET;
  // Fan-in: from each lane's end to where the next step starts (or a bracket just after the group).
  const xd = dst && yDst !== null ? X(dst.start) : X(t1) + BRACKET;
  if (Math.max(xs, xd) < -1 || Math.min(xs, xd) > s.width + 1) return false;
  const vertical = (x: number, y0: number, y1: number) => {
    ctx.moveTo(px(x), Math.round(Math.min(y0, y1)) + 0.5);
    ctx.lineTo(px(x), Math.round(Math.max(y0, y1)) + 0.5);
  };
  const horizontal = (x0: number, x1: number, y: number) => {
    if (Math.abs(x1 - x0) < 1) return;
    ctx.moveTo(px(x0), Math.round(y) + 0.5);
    ctx.lineTo(px(x1), Math.round(y) + 0.5);
  };
  vertical(xs, Math.min(ySrc ?? yTop, yTop), Math.max(ySrc ?? yBottom, yBottom));
  for (const i of members) {
    const ex = exs[i];
    const y = laneMid(s, i)!;
    horizontal(xs, X(ex.start), y);
    // The fan-in only once all have ended: until then nothing waits at its end yet.
    if (!running) horizontal(X(ex.end!), xd, y);
  }
  if (!running) vertical(xd, Math.min(yDst ?? yTop, yTop), Math.max(yDst ?? yBottom, yBottom));
  return true;
}
