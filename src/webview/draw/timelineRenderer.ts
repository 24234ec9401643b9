// Draws the timeline on two stacked canvases. Only what is on screen is visited: rows by scroll
// position (rows have a lane per execution running at once, lanes.ts), executions by binary
// search on their start time; a row's bars are painted by rowPainter.ts, the time axis by axis.ts.
//
// - base: axis, grid, superstep boundaries, finished bars, badges. Redrawn in full only when what
//   it shows moved by at least half a pixel (zoom, pan, scroll, rows, theme, filter); otherwise the
//   executions that finished since the last frame are added to it. While a long run streams in,
//   its fitted window grows by a fraction of a pixel per frame, so most frames only add bars.
//   Fan-out connectors (fans.ts) are drawn under the bars of rows with lanes.
// - overlay: what changes every frame — running bars growing to now, the now line, hover and
//   selection outlines.
// Run data reaches the canvas only as fillText (inert).
import type { Execution } from '../../shared/runModel';
import { isMark } from '../../shared/model/types';
import { KIND_STATUS, kindOf, lowerBound, upperBound, type Row, type TimelineIndex } from '../layout';
import { BAR_H, MARK_W, MIN_BAR_W, laneTop, rowAt } from '../lanes';
import { span, ticks, type View } from '../viewport';
import type { Palette } from '../theme';
import { badge, badgeOf, bar } from './shapes';
import { drawFans } from './fans';
import { AXIS_H, drawAxis } from './axis';
import { RowPainter, llmSpans } from './rowPainter';

export { AXIS_H };

/** An LLM call inside a bar, on the axis's clock (arrival times; null: not known). */
export interface LlmSpan {
  start: number | null;
  firstTokenAt: number | null;
  lastAt: number | null;
  streaming: boolean;
}

export interface DrawInput {
  index: TimelineIndex;
  executions: readonly Execution[];
  rows: readonly Row[];
  /** Top of each row from the top of the first (rowTops in lanes.ts): rows.length + 1 entries. */
  tops: Float64Array;
  scrollTop: number;
  view: View;
  now: number;
  live: boolean;
  selected: number | null;
  hover: number | null;
  activeRow: number;
  /** Filter verdicts by execution index (1 = matches; others dimmed); null when no filter. */
  inFilter: Uint8Array | null;
  /** Search verdicts, likewise. */
  inSearch: Uint8Array | null;
  /** Identity of the filter and search state: any change redraws in full. */
  matchKey: string;
  interrupts: readonly { t: number }[];
  /** Where each run of the thread after the first begins, and how ("Run 2 · fork"). */
  runs: readonly { t: number; label: string }[];
  /** Forks as branches: from the origin's execution that wrote the checkpoint to the fork's first. */
  forks: readonly { from: number; to: number }[];
  /** The LLM calls of an execution (sub-spans of its bar); absent: none drawn. */
  llmSpans?: (i: number) => readonly LlmSpan[];
  /** Executions added or changed since the previous draw (TimelineIndex.update). */
  changed: readonly number[];
}

interface BaseState {
  view: View;
  rows: readonly Row[];
  tops: Float64Array;
  laneVersion: number;
  fanVersion: number;
  scrollTop: number;
  activeRow: number;
  palette: Palette;
  matchKey: string;
  interrupts: number;
  runs: string;
  steps: number;
  w: number;
  h: number;
  dpr: number;
  rowIndex: Map<Row, number>;
}

function context(c: HTMLCanvasElement, alpha: boolean): CanvasRenderingContext2D {
  const ctx = c.getContext('2d', { alpha });
  if (!ctx) throw new Error('no 2d context');
  return ctx;
}

export class TimelineRenderer {
  private base: CanvasRenderingContext2D;
  private top: CanvasRenderingContext2D;
  private ctx: CanvasRenderingContext2D;
  private w = 0;
  private h = 0;
  private dpr = 1;
  private state: BaseState | null = null;
  private readonly rows = new RowPainter();
  /** Last frame: 'full' redraw or 'add' (bars added to the base), and rectangles drawn. */
  lastMode: 'full' | 'add' = 'full';
  lastRects = 0;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly overlay: HTMLCanvasElement, public palette: Palette) {
    this.base = context(canvas, false);
    this.top = context(overlay, true);
    this.ctx = this.base;
  }

  /** The device pixel ratio the canvases are sized for. */
  get pixelRatio(): number {
    return this.dpr;
  }

  resize(cssW: number, cssH: number, dpr: number): void {
    const w = Math.max(1, Math.floor(cssW));
    const h = Math.max(1, Math.floor(cssH));
    if (w === this.w && h === this.h && dpr === this.dpr) return;
    this.w = w;
    this.h = h;
    this.dpr = dpr;
    for (const c of [this.canvas, this.overlay]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    // Resizing a canvas resets its context state (font included).
    this.fonts.clear();
    this.state = null;
  }

  /** Forget the base layer (theme change, new session). */
  invalidate(): void {
    this.state = null;
  }

  get width(): number {
    return this.w;
  }

  draw(d: DrawInput): void {
    const s = this.state;
    const W = this.w;
    let view = d.view;
    let full = true;
    if (s && s.rows === d.rows && s.tops === d.tops && s.laneVersion === d.index.laneVersion && s.fanVersion === d.index.fanVersion && s.scrollTop === d.scrollTop && s.activeRow === d.activeRow && s.palette === this.palette && s.matchKey === d.matchKey && s.interrupts === d.interrupts.length && s.runs === runsKey(d) && s.w === W && s.h === this.h && s.dpr === this.dpr) {
      // Less than half a pixel of movement at either edge: keep drawing in the base's window.
      const k = W / span(s.view);
      if (Math.abs(d.view.start - s.view.start) * k < 0.5 && Math.abs(d.view.end - s.view.end) * k < 0.5) {
        view = s.view;
        full = false;
      }
    }
    this.lastRects = 0;
    if (full) this.drawBase({ ...d, view });
    else this.addToBase({ ...d, view }, s!);
    this.lastMode = full ? 'full' : 'add';
    this.drawOverlay({ ...d, view });
  }

  // ---- base -------------------------------------------------------------------------------

  /** Font last set on each context: setting ctx.font makes Chrome bring style up to date (a
   * forced style recalc every frame while the DOM is being updated), so only when it changes. */
  private fonts = new Map<CanvasRenderingContext2D, string>();

  private begin(ctx: CanvasRenderingContext2D): void {
    this.ctx = ctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    if (this.fonts.get(ctx) !== this.palette.font) {
      ctx.font = this.palette.font;
      ctx.textBaseline = 'middle';
      this.fonts.set(ctx, this.palette.font);
    }
    ctx.globalAlpha = 1;
  }

  /** Rows on screen: [first, last). */
  private visible(d: DrawInput): [number, number] {
    return [Math.max(0, rowAt(d.tops, d.scrollTop)), Math.min(d.rows.length, rowAt(d.tops, d.scrollTop + this.h - AXIS_H) + 1)];
  }

  private drawBase(d: DrawInput): void {
    const ctx = this.base;
    const p = this.palette;
    this.begin(ctx);
    const W = this.w;
    const H = this.h;
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, W, H);

    const v = d.view;
    const k = W / span(v);
    const X = (t: number) => (t - v.start) * k;
    const origin = Number.isFinite(d.index.t0) ? d.index.t0 : v.start;
    const [first, last] = this.visible(d);
    const tops = d.tops;
    const rowY = (r: number) => AXIS_H + tops[r] - d.scrollTop;
    const rowIndex = new Map<Row, number>();
    d.rows.forEach((r, i) => rowIndex.set(r, i));

    // The keyboard-active row.
    if (d.activeRow >= first && d.activeRow < last) {
      ctx.fillStyle = p.rowActive;
      ctx.fillRect(0, rowY(d.activeRow), W, tops[d.activeRow + 1] - tops[d.activeRow]);
    }
    // Grid: time ticks and row separators.
    const tk = ticks(v, W, origin);
    ctx.fillStyle = p.grid;
    for (const r of tk) ctx.fillRect(Math.round(X(origin + r)), AXIS_H, 1, H - AXIS_H);
    for (let r = first; r < last; r++) ctx.fillRect(0, rowY(r + 1) - 1, W, 1);

    this.drawSteps(d, X, 0);
    // Where each later run of the thread begins: a resume, a fork, a continue.
    ctx.fillStyle = p.muted;
    for (const r of d.runs) {
      const x = Math.round(X(r.t));
      if (x >= -2 && x <= W + 2) ctx.fillRect(x - 1, AXIS_H, 2, H - AXIS_H);
    }
    drawFans({ ctx, palette: p, index: d.index, executions: d.executions, rows: d.rows, first, last, rowY, rowIndex, X, view: v, width: W });
    this.drawForks(d, rowIndex, rowY, X);
    for (let r = first; r < last; r++) this.lastRects += this.rows.paint(ctx, p, d, d.rows[r], rowY(r), W, k);

    // Run-level interrupts: a line across every lane.
    ctx.fillStyle = p.int;
    for (const it of d.interrupts) {
      const x = X(it.t);
      if (x < -2 || x > W + 2) continue;
      ctx.fillRect(Math.round(x) - 1, AXIS_H, 2, H - AXIS_H);
    }
    drawAxis(ctx, p, d, tk, origin, X, W);

    this.state = {
      view: d.view, rows: d.rows, tops, laneVersion: d.index.laneVersion, fanVersion: d.index.fanVersion, scrollTop: d.scrollTop, activeRow: d.activeRow, palette: p, matchKey: d.matchKey,
      interrupts: d.interrupts.length, runs: runsKey(d), steps: d.index.stepTimes.length, w: W, h: H, dpr: this.dpr, rowIndex,
    };
  }

  /** Same window as the base: paint what finished since, on top of what is there. */
  private addToBase(d: DrawInput, s: BaseState): void {
    const ctx = this.base;
    const p = this.palette;
    this.begin(ctx);
    const v = d.view;
    const W = this.w;
    const k = W / span(v);
    const X = (t: number) => (t - v.start) * k;
    const [first, last] = this.visible(d);
    if (d.index.stepTimes.length !== s.steps) {
      this.drawSteps(d, X, s.steps);
      s.steps = d.index.stepTimes.length;
    }
    const exs = d.executions;
    for (const i of d.changed) {
      const ex = exs[i];
      if (!ex || ex.status === 'running') continue;
      const row = d.index.rowOf[i];
      const ri = row ? s.rowIndex.get(row) : undefined;
      if (ri === undefined || ri < first || ri >= last) continue;
      const by = AXIS_H + d.tops[ri] - d.scrollTop + laneTop(d.index.laneOf(i));
      const style = kindOf(ex) & KIND_STATUS;
      if (isMark(ex)) {
        const x = X(ex.start);
        if (x < -MARK_W || x > W + MARK_W) continue;
        bar(ctx, p, x - MARK_W / 2, x + MARK_W / 2, by, style, false, true, 1);
      } else {
        const x0 = X(ex.start);
        let x1 = X(ex.end ?? ex.start);
        if (x1 - x0 < MIN_BAR_W) x1 = x0 + MIN_BAR_W;
        if (x1 < 0 || x0 > W) continue;
        bar(ctx, p, x0, x1, by, style, false, false, 1);
      }
      this.lastRects++;
      const mark = badgeOf(style);
      if (mark) badge(ctx, p, Math.min(W - 6, Math.max(6, X(ex.end ?? ex.start))), by + BAR_H / 2, mark);
    }
  }

  /** A fork's branch: a dashed curve from where it left its origin to its first execution. */
  private drawForks(d: DrawInput, rowIndex: Map<Row, number>, rowY: (r: number) => number, X: (t: number) => number): void {
    if (!d.forks.length) return;
    const ctx = this.ctx;
    const mid = (i: number) => {
      const row = d.index.rowOf[i];
      const r = row ? rowIndex.get(row) : undefined;
      return r === undefined ? null : rowY(r) + laneTop(d.index.laneOf(i)) + BAR_H / 2;
    };
    ctx.strokeStyle = this.palette.focus;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    for (const f of d.forks) {
      const a = d.executions[f.from];
      const b = d.executions[f.to];
      const y0 = mid(f.from);
      const y1 = mid(f.to);
      if (!a || !b || y0 === null || y1 === null) continue;
      const x0 = X(a.end ?? a.start);
      const x1 = X(b.start);
      if (Math.max(x0, x1) < 0 || Math.min(x0, x1) > this.w) continue;
      const bend = Math.max(12, Math.abs(x1 - x0) / 3);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.bezierCurveTo(x0 + bend, y0, x1 - bend, y1, x1, y1);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }

  private drawSteps(d: DrawInput, X: (t: number) => number, from: number): void {
    const ctx = this.ctx;
    const times = d.index.stepTimes;
    const v = d.view;
    const end = upperBound(times, v.end);
    // Boundaries closer than 8 px would be a grey wash, not information: skip those.
    let lastX = -Infinity;
    ctx.beginPath();
    for (let i = Math.max(from, lowerBound(times, v.start)); i < end; i++) {
      const x = Math.round(X(times[i])) + 0.5;
      if (x - lastX < 8) continue;
      lastX = x;
      ctx.moveTo(x, AXIS_H);
      ctx.lineTo(x, this.h);
    }
    ctx.strokeStyle = this.palette.step;
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  // ---- overlay ----------------------------------------------------------------------------

  private drawOverlay(d: DrawInput): void {
    const ctx = this.top;
    const p = this.palette;
    this.begin(ctx);
    const W = this.w;
    const H = this.h;
    ctx.clearRect(0, 0, W, H);
    const v = d.view;
    const k = W / span(v);
    const X = (t: number) => (t - v.start) * k;
    const [first, last] = this.visible(d);
    const rowY = (r: number) => AXIS_H + d.tops[r] - d.scrollTop;
    const fv = d.inFilter;
    const sv = d.inSearch;

    // Running nodes: a bar growing to now, pulsing unless motion is reduced, with an open end.
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, AXIS_H, W, H - AXIS_H);
    ctx.clip();
    for (let r = first; r < last; r++) {
      const row = d.rows[r];
      if (!row.running.size) continue;
      for (const i of row.running) {
        const by = rowY(r) + laneTop(d.index.laneOf(i));
        const ex = d.executions[i];
        const x0 = X(ex.start);
        const x1 = Math.max(X(d.now), x0 + 2);
        if (x1 < 0 || x0 > W) continue;
        const dim = (fv !== null && fv[i] !== 1) || (sv !== null && sv[i] !== 1);
        const pulse = p.reducedMotion ? 1 : 0.65 + 0.35 * Math.abs(Math.sin(d.now / 300));
        ctx.globalAlpha = (dim ? 0.28 : 1) * pulse;
        ctx.fillStyle = p.run;
        ctx.fillRect(x0, by, x1 - x0, BAR_H);
        ctx.globalAlpha = 1;
        ctx.clearRect(x1 - 2, by + 3, 1, BAR_H - 6);
        this.lastRects++;
        if (d.llmSpans) this.lastRects += llmSpans(ctx, p, d.llmSpans(i), by, X, W, d.now);
      }
    }
    // Now, while live.
    if (d.live) {
      const x = X(d.now);
      if (x >= 0 && x <= W) {
        ctx.fillStyle = p.now;
        ctx.fillRect(Math.round(x), AXIS_H, 1, H - AXIS_H);
      }
    }
    // Hover and selection outlines.
    for (const [i, kind] of [[d.hover, 'hover'], [d.selected, 'selected']] as const) {
      if (i === null || i === undefined) continue;
      const row = d.index.rowOf[i];
      const ri = row ? (this.state?.rows === d.rows ? this.state.rowIndex.get(row) ?? -1 : d.rows.indexOf(row)) : -1;
      if (ri < first || ri >= last) continue;
      const ex = d.executions[i];
      const y = rowY(ri) + laneTop(d.index.laneOf(i)) - 2;
      let x0 = X(ex.start);
      let x1 = X(ex.end ?? (ex.status === 'running' ? d.now : ex.start));
      if (isMark(ex)) {
        x0 -= MARK_W / 2 + 1;
        x1 = x0 + MARK_W + 2;
      }
      if (x1 - x0 < MIN_BAR_W) x1 = x0 + MIN_BAR_W;
      ctx.strokeStyle = kind === 'selected' ? p.focus : p.fg;
      ctx.lineWidth = kind === 'selected' ? 2 : 1;
      ctx.strokeRect(Math.round(x0) - 0.5, y - 0.5, Math.round(x1 - x0) + 1, BAR_H + 4);
    }
    ctx.restore();
  }
}

function runsKey(d: DrawInput): string {
  return `${d.runs.map((r) => `${r.t}:${r.label}`).join('|')}/${d.forks.map((f) => `${f.from}>${f.to}`).join(',')}`;
}
