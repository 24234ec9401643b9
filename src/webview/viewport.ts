// The visible time window and how it moves: zoom about a point, pan, fit to the run, follow the
// latest. Pure (times in ms since the epoch, widths in CSS pixels); tested in Node.
import type { Bounds } from './layout';

export interface View {
  start: number;
  end: number;
}

/** Narrowest window: event times have millisecond resolution, so 1 ms across is plenty. */
export const MIN_SPAN = 1;
const PAD = 0.03;

export function span(v: View): number {
  return v.end - v.start;
}

/** The whole run with a little room on both sides. */
export function fit(b: Bounds): View {
  const s = Math.max(MIN_SPAN, b.t1 - b.t0);
  return { start: b.t0 - s * PAD, end: b.t1 + s * PAD };
}

function maxSpan(b: Bounds): number {
  return Math.max(10_000, (b.t1 - b.t0) * 4);
}

/** Zoom by `factor` (< 1 zooms in) keeping the time at `anchor` (0..1 across the view) still. */
export function zoomAt(v: View, factor: number, anchor: number, b: Bounds): View {
  const s = span(v);
  const ns = Math.min(maxSpan(b), Math.max(MIN_SPAN, s * factor));
  const at = v.start + s * anchor;
  return clampView({ start: at - ns * anchor, end: at - ns * anchor + ns }, b);
}

export function pan(v: View, dt: number, b: Bounds): View {
  return clampView({ start: v.start + dt, end: v.end + dt }, b);
}

/** Keep at least part of the run in view: a window may not leave the run by more than 90 %. */
export function clampView(v: View, b: Bounds): View {
  const s = span(v);
  const lo = b.t0 - s * 0.9;
  const hi = b.t1 + s * 0.9;
  let start = v.start;
  if (start + s > hi) start = hi - s;
  if (start < lo) start = lo;
  return { start, end: start + s };
}

/**
 * Where the window goes while following: the whole run while the person has not chosen a zoom
 * level; otherwise the chosen width, slid so the latest moment sits near the right edge.
 */
export function followView(v: View | null, b: Bounds, zoomed: boolean): View {
  if (!v || !zoomed) return fit(b);
  const s = span(v);
  if (b.t1 - b.t0 <= s * 0.95) return { start: b.t0 - s * PAD, end: b.t0 - s * PAD + s };
  return { start: b.t1 - s * 0.95, end: b.t1 + s * 0.05 };
}

/** Window that shows [a, b] with some margin (zoom to a selection or an execution). */
export function reveal(v: View, a: number, b: number, bounds: Bounds): View {
  const s = span(v);
  const w = Math.max(b - a, MIN_SPAN);
  if (a >= v.start + s * 0.02 && b <= v.end - s * 0.02) return v;
  if (w < s * 0.9) {
    // Fits at the current zoom: slide just enough.
    const start = a < v.start + s * 0.02 ? a - s * 0.1 : b - s * 0.9;
    return clampView({ start, end: start + s }, bounds);
  }
  return { start: a - w * 0.1, end: b + w * 0.1 };
}

export function timeToX(t: number, v: View, width: number): number {
  return ((t - v.start) / span(v)) * width;
}

export function xToTime(x: number, v: View, width: number): number {
  return v.start + (x / width) * span(v);
}

/** Tick step for the axis: 1, 2 or 5 × 10^k ms, at least `minPx` apart. */
export function tickStep(v: View, width: number, minPx = 80): number {
  const raw = (span(v) / Math.max(1, width)) * minPx;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (p * m >= raw) return p * m;
  return p * 10;
}

/** Tick times (relative to origin t0) that fall inside the view. */
export function ticks(v: View, width: number, t0: number, minPx = 80): number[] {
  const step = tickStep(v, width, minPx);
  const first = Math.ceil((v.start - t0) / step) * step;
  const out: number[] = [];
  for (let r = first; t0 + r <= v.end && out.length < 200; r += step) out.push(r);
  return out;
}
