// The overview strip: the whole run squeezed into the panel's width (how busy each moment was,
// errors and interrupts as ticks) with the visible window drawn on top. The busy-ness histogram is
// recomputed at most a few times a second while a run streams; the window moves every frame.
import type { Execution } from '../../shared/runModel';
import type { Bounds, TimelineIndex } from '../layout';
import type { View } from '../viewport';
import type { Palette } from '../theme';

export const OVERVIEW_H = 30;
const REBIN_MS = 250;

export class OverviewRenderer {
  private ctx: CanvasRenderingContext2D;
  private w = 0;
  private h = OVERVIEW_H;
  private dpr = 1;
  private bins: Float32Array = new Float32Array(0);
  private binMax = 1;
  private binnedAt = -Infinity;
  private binnedCount = -1;
  private binnedBounds: Bounds = { t0: 0, t1: 0 };

  constructor(private readonly canvas: HTMLCanvasElement, public palette: Palette) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2d context');
    this.ctx = ctx;
  }

  resize(cssW: number, dpr: number): void {
    const w = Math.max(1, Math.floor(cssW));
    if (w === this.w && dpr === this.dpr) return;
    this.w = w;
    this.dpr = dpr;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(this.h * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${this.h}px`;
    this.binnedCount = -1;
  }

  /** Called when a put-off rebin is due (the panel draws again). */
  onStale: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  private later(ms: number): void {
    if (this.timer !== null || !this.onStale) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onStale?.();
    }, Math.max(0, ms) + 1);
  }

  /** Forget the histogram (theme change, new session). */
  invalidate(): void {
    this.binnedCount = -1;
  }

  /** Overview x ↔ time over the given bounds. */
  static toTime(x: number, width: number, b: Bounds): number {
    return b.t0 + (x / Math.max(1, width)) * (b.t1 - b.t0);
  }

  draw(index: TimelineIndex, executions: readonly Execution[], b: Bounds, view: View, now: number, clock: number): void {
    const { ctx, palette: p } = this;
    const W = this.w;
    const H = this.h;
    const stale = this.binnedCount !== executions.length || this.binnedBounds.t0 !== b.t0 || this.binnedBounds.t1 !== b.t1;
    if (this.binnedCount < 0 || (stale && clock - this.binnedAt >= REBIN_MS)) this.rebin(executions, b, now, clock);
    // Put off (rebinned a moment ago): ask for a draw once it may be, or a run that ends now (its
    // bounds change once more, then nothing asks to draw) keeps the histogram of its last moment.
    else if (stale) this.later(REBIN_MS - (clock - this.binnedAt));
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, W, H);
    // Histogram (drawn against the bounds it was computed for, which may lag by a moment).
    const bb = this.binnedBounds;
    const sx = (bb.t1 - bb.t0) / Math.max(1e-9, b.t1 - b.t0);
    const ox = ((bb.t0 - b.t0) / Math.max(1e-9, b.t1 - b.t0)) * W;
    ctx.fillStyle = p.ok;
    ctx.globalAlpha = 0.6;
    const n = this.bins.length;
    const top = 4;
    const ch = H - top - 4;
    for (let x = 0; x < n; x++) {
      const c = this.bins[x];
      if (!c) continue;
      const hgt = Math.max(2, (Math.log1p(c) / Math.log1p(this.binMax)) * ch);
      ctx.fillRect(ox + x * sx, H - 4 - hgt, Math.max(1, sx), hgt);
    }
    ctx.globalAlpha = 1;
    const X = (t: number) => ((t - b.t0) / Math.max(1e-9, b.t1 - b.t0)) * W;
    ctx.fillStyle = p.err;
    for (const i of index.errors) ctx.fillRect(Math.round(X(executions[i].end ?? executions[i].start)) - 1, 0, 2, H);
    ctx.fillStyle = p.int;
    for (const i of index.interrupts) ctx.fillRect(Math.round(X(executions[i].end ?? executions[i].start)) - 1, 0, 2, H);
    ctx.fillStyle = p.cancel;
    for (const i of index.cancels) ctx.fillRect(Math.round(X(executions[i].end ?? executions[i].start)) - 1, 0, 2, H);

    // The visible window.
    const vx0 = Math.max(0, X(view.start));
    const vx1 = Math.min(W, X(view.end));
    // Shade what is outside the window rather than what is in it: a fitted run stays clear.
    ctx.globalAlpha = 0.35;
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, vx0, H);
    ctx.fillRect(vx1, 0, W - vx1, H);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = p.focus;
    ctx.lineWidth = 1;
    ctx.strokeRect(Math.round(vx0) + 0.5, 0.5, Math.max(2, Math.round(vx1 - vx0) - 1), H - 1);
    ctx.fillStyle = p.grid;
    ctx.fillRect(0, H - 1, W, 1);
  }

  /** Executions in progress per pixel column (difference array: O(executions + width)). */
  private rebin(executions: readonly Execution[], b: Bounds, now: number, clock: number): void {
    const W = this.w;
    const diff = new Float32Array(W + 1);
    const k = W / Math.max(1e-9, b.t1 - b.t0);
    for (let i = 0; i < executions.length; i++) {
      const ex = executions[i];
      const end = ex.end ?? (ex.status === 'running' ? now : ex.start);
      let a = Math.floor((ex.start - b.t0) * k);
      let z = Math.floor((end - b.t0) * k);
      if (a < 0) a = 0;
      if (z >= W) z = W - 1;
      if (z < a) z = a;
      if (a >= W) continue;
      diff[a] += 1;
      diff[z + 1] -= 1;
    }
    const bins = new Float32Array(W);
    let run = 0;
    let max = 1;
    for (let x = 0; x < W; x++) {
      run += diff[x];
      bins[x] = run;
      if (run > max) max = run;
    }
    this.bins = bins;
    this.binMax = max;
    this.binnedAt = clock;
    this.binnedCount = executions.length;
    this.binnedBounds = { ...b };
  }
}
