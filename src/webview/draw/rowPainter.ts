// One row of the timeline's base layer: its finished bars, lane by lane, the durations that fit
// inside them, and the error, interrupt and cancel badges. Only the row's executions that can reach the
// window are visited (binary search on start), and the loop stops at the first one past its
// right edge. Per lane, slivers that touch (and marks drawn over each other) that share a style
// merge into one rectangle, so a zoomed-out lane of 100,000 bars costs about a rectangle per pixel
// column; any other bar starts after the one before it and its pixel of air, so a 1 ms execution
// next to a long one keeps MIN_BAR_W pixels of its own.
import { KIND_CANCELLED, KIND_MARK, KIND_RUNNING, KIND_STATUS, formatDuration, rowRange, type Row } from '../layout';
import { BAR_H, MARK_W, MIN_BAR_W, laneTop } from '../lanes';
import type { Palette } from '../theme';
import type { DrawInput, LlmSpan } from './timelineRenderer';
import { badge, badgeOf, bar, hasAir } from './shapes';

/** Two bars of a lane narrower than this (px) that touch are one rectangle. */
const NARROW = 2 * MIN_BAR_W;
/** Past this many executions of a row on screen, no durations are measured (a wash anyway). */
const MAX_LABELLED = 400;

function runs(n: number) {
  return { x0: new Float64Array(n), x1: new Float64Array(n), style: new Int8Array(n), dim: new Uint8Array(n), count: new Int32Array(n), mark: new Uint8Array(n), labelEnd: new Float64Array(n) };
}

export class RowPainter {
  /** The run of bars being merged in each lane, reused from row to row. */
  private r = runs(8);

  private lanes(n: number) {
    if (this.r.x0.length < n) this.r = runs(Math.max(n, this.r.x0.length * 2));
    const r = this.r;
    r.count.fill(0, 0, n);
    r.x1.fill(-Infinity, 0, n);
    r.labelEnd.fill(-Infinity, 0, n);
    return r;
  }

  /** Paint a row whose top is `y`, at `k` px per ms; returns the rectangles drawn. */
  paint(ctx: CanvasRenderingContext2D, p: Palette, d: DrawInput, row: Row, y: number, W: number, k: number): number {
    const v = d.view;
    const [lo, hi] = rowRange(row, v.start, v.end);
    const exs = d.executions;
    const st = row.starts;
    const en = row.ends;
    const kd = row.kinds;
    const ix = row.execs;
    const ln = row.lanes;
    const fv = d.inFilter;
    const sv = d.inSearch;
    const vs = v.start;
    const X = (t: number) => (t - vs) * k;
    const nLanes = Math.max(1, row.laneCount);
    const run = this.lanes(nLanes);
    const { x0: rx0, x1: rx1, style: rStyle, dim: rDim, count: rCount, mark: rMark } = run;
    let rects = 0;
    const flush = (l: number) => {
      bar(ctx, p, rx0[l], rx1[l], y + laneTop(l), rStyle[l], rDim[l] === 1, rMark[l] === 1, rCount[l]);
      rects++;
    };

    const marks: number[] = [];
    for (let j = lo; j < hi; j++) {
      const kind = kd[j];
      const style = kind & KIND_STATUS;
      if (style === KIND_RUNNING) continue; // on the overlay, growing to now
      let x0: number;
      let x1: number;
      const mark = (kind & KIND_MARK) !== 0;
      if (mark) {
        const x = (st[j] - vs) * k;
        x0 = x - MARK_W / 2;
        x1 = x + MARK_W / 2;
      } else {
        x0 = (st[j] - vs) * k;
        x1 = (en[j] - vs) * k;
        if (x1 - x0 < MIN_BAR_W) x1 = x0 + MIN_BAR_W;
      }
      if (x1 < 0) continue;
      if (x0 > W) break; // sorted by start: nothing further is on screen
      const i = ix[j];
      const l = ln[j];
      const dim = (fv !== null && fv[i] !== 1) || (sv !== null && sv[i] !== 1) ? 1 : 0;
      if (style !== 0) marks.push(j);
      const c = rCount[l];
      if (c && style === rStyle[l] && dim === rDim[l] && x0 <= rx1[l] + 1 && ((x1 - x0 < NARROW && (c > 1 || rx1[l] - rx0[l] < NARROW)) || (mark && rMark[l] === 1 && x0 < rx1[l] - 0.5))) {
        if (x1 > rx1[l]) rx1[l] = x1;
        rCount[l] = c + 1;
        continue;
      }
      if (c) {
        flush(l);
        // Never over the bar before: after it (a lone wide bar leaves its own pixel of air).
        const after = rx1[l] + (hasAir(rx1[l] - rx0[l], c) ? 0 : 1);
        if (x0 < after) {
          x1 = Math.max(x1, after + Math.min(MIN_BAR_W, x1 - x0));
          x0 = after;
        }
      }
      rx0[l] = x0;
      rx1[l] = x1;
      rStyle[l] = style;
      rDim[l] = dim;
      rCount[l] = 1;
      rMark[l] = mark ? 1 : 0;
    }
    for (let l = 0; l < nLanes; l++) if (rCount[l]) flush(l);

    // Durations inside bars wide enough to hold them; never over another label of the lane.
    if (hi - lo < MAX_LABELLED) {
      const labelEnd = run.labelEnd;
      let labelFill = '';
      for (let j = lo; j < hi; j++) {
        const style = kd[j] & KIND_STATUS;
        if (kd[j] & KIND_MARK || style === KIND_RUNNING) continue;
        const ex = exs[ix[j]];
        const end = ex.end ?? ex.start;
        const x0 = Math.max(0, X(ex.start));
        const x1 = Math.min(W, X(end));
        const l = ln[j];
        if (x1 - x0 < 48 || x0 < labelEnd[l]) continue;
        const text = formatDuration(end - ex.start);
        const tw = ctx.measureText(text).width;
        if (tw + 8 > x1 - x0) continue;
        // On a solid bar in the background colour; on a cancelled (hatched) one in the text
        // colour, on a patch of background that keeps the hatching out of the letters.
        if (style === KIND_CANCELLED) {
          ctx.fillStyle = p.bg;
          ctx.fillRect(x0 + 2, y + laneTop(l) + 2, tw + 4, BAR_H - 4);
          labelFill = '';
        }
        const fill = style === KIND_CANCELLED ? p.fg : p.bg;
        if (fill !== labelFill) ctx.fillStyle = labelFill = fill;
        ctx.fillText(text, x0 + 4, y + laneTop(l) + BAR_H / 2 + 0.5);
        labelEnd[l] = x0 + 4 + tw;
      }
    }

    // LLM calls inside finished bars: a band along the bar's foot, the first token a tick.
    if (d.llmSpans && hi - lo < MAX_LABELLED) {
      for (let j = lo; j < hi; j++) {
        if (kd[j] & KIND_MARK || (kd[j] & KIND_STATUS) === KIND_RUNNING) continue;
        const spans = d.llmSpans(ix[j]);
        if (spans.length) rects += llmSpans(ctx, p, spans, y + laneTop(ln[j]), X, W, d.now);
      }
    }

    // Errors, interrupts and cancels cannot be missed: a badge at the end of the bar, never merged away.
    let lastBadge = -Infinity;
    let lastLane = -1;
    for (const j of marks) {
      const ex = exs[ix[j]];
      const x = Math.min(W - 6, Math.max(6, X(ex.end ?? ex.start)));
      if (ln[j] === lastLane && x - lastBadge < 3) continue;
      lastBadge = x;
      lastLane = ln[j];
      badge(ctx, p, x, y + laneTop(ln[j]) + BAR_H / 2, badgeOf(kd[j] & KIND_STATUS)!);
    }
    return rects;
  }
}

/** Height of an LLM call's band at the foot of its bar (px). */
const LLM_H = 4;

/** Draw an execution's LLM calls in its bar (top `by`): each a band along its foot, its first token a notch. */
export function llmSpans(ctx: CanvasRenderingContext2D, p: Palette, spans: readonly LlmSpan[], by: number, X: (t: number) => number, W: number, now: number): number {
  let n = 0;
  for (const s of spans) {
    if (s.start === null) continue;
    const x0 = X(s.start);
    const x1 = Math.max(x0 + 2, X(s.streaming ? now : s.lastAt ?? s.start));
    if (x1 < 0 || x0 > W) continue;
    ctx.fillStyle = p.llm;
    ctx.fillRect(x0, by + BAR_H - LLM_H, x1 - x0, LLM_H);
    n++;
    // The first token: a notch in the band, in the text colour (never over the duration label).
    if (s.firstTokenAt !== null) {
      ctx.fillStyle = p.fg;
      ctx.fillRect(Math.round(X(s.firstTokenAt)) - 1, by + BAR_H - LLM_H - 1, 2, LLM_H + 1);
      n++;
    }
  }
  return n;
}
