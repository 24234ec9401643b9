// The timeline's time axis, on the base layer: tick offsets, superstep starts, where each later
// run of the thread begins ("Run 2 · resume", placed first: a tick's label gives way to it), and
// the run's interrupts. Run data reaches it only as fillText (inert).
import { formatOffset, lowerBound, upperBound } from '../layout';
import { span } from '../viewport';
import type { Palette } from '../theme';
import type { DrawInput } from './timelineRenderer';
import { badge } from './shapes';

export const AXIS_H = 22;

export function drawAxis(ctx: CanvasRenderingContext2D, p: Palette, d: DrawInput, tk: number[], origin: number, X: (t: number) => number, W: number): void {
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, W, AXIS_H);
  ctx.fillStyle = p.grid;
  ctx.fillRect(0, AXIS_H - 1, W, 1);
  const s = span(d.view);
  // Run labels in the axis, right of their line, where the next one leaves room (placed first:
  // a tick's label gives way to them).
  const labels: { x: number; tx: number; tw: number; text: string }[] = [];
  for (let i = 0; i < d.runs.length; i++) {
    const x = Math.round(X(d.runs[i].t));
    if (x < -2 || x > W + 2) continue;
    const next = i + 1 < d.runs.length ? X(d.runs[i + 1].t) : Infinity;
    const prev = i > 0 ? X(d.runs[i - 1].t) : -Infinity;
    // Right of the line, or left of it at the right edge.
    const right = Math.min(next, W) - x - 6;
    const left = x - Math.max(prev, 0) - 6;
    const room = right >= 60 || right >= left ? right : left;
    if (room < 24) continue;
    const text = fitText(ctx, d.runs[i].label, room);
    const tw = ctx.measureText(text).width;
    labels.push({ x, tx: room === right ? x + 4 : x - 4 - tw, tw, text });
  }
  // Where the run labels (their box and line) and the interrupt badges sit: a tick label gives way.
  const badges = d.interrupts.map((it) => X(it.t)).filter((x) => x >= -8 && x <= W + 8).map((x) => Math.min(W - 7, Math.max(7, x)));
  const taken = [...labels.map((l) => [Math.min(l.tx - 2, l.x - 1), Math.max(l.tx + l.tw + 2, l.x + 1)]), ...badges.map((x) => [x - 7, x + 7])];
  ctx.fillStyle = p.muted;
  for (const r of tk) {
    const x = Math.round(X(origin + r));
    ctx.fillRect(x, AXIS_H - 5, 1, 4);
    // A label that would be cut at the right edge, or run into a run's label or a badge, is left out.
    const text = formatOffset(r, s);
    const end = x + 3 + ctx.measureText(text).width;
    if (end <= W && taken.every(([lo, hi]) => end + 2 < lo || x + 1 > hi)) ctx.fillText(text, x + 3, AXIS_H / 2 - 1);
  }
  // Superstep starts, where there is room.
  const times = d.index.stepTimes;
  let lastX = -Infinity;
  ctx.fillStyle = p.step;
  for (let i = lowerBound(times, d.view.start), e = upperBound(times, d.view.end); i < e; i++) {
    const x = Math.round(X(times[i]));
    if (x - lastX < 28) continue;
    lastX = x;
    ctx.fillRect(x, AXIS_H - 8, 1, 7);
  }
  for (const l of labels) {
    ctx.fillStyle = p.bg;
    ctx.fillRect(l.tx - 2, 1, l.tw + 4, AXIS_H - 3);
    ctx.fillStyle = p.fg;
    ctx.fillText(l.text, l.tx, AXIS_H / 2 - 1);
    ctx.fillStyle = p.muted;
    ctx.fillRect(l.x - 1, 0, 2, AXIS_H);
  }
  for (const x of badges) badge(ctx, p, x, AXIS_H / 2, 'interrupt');
}

/** The label cut with an ellipsis to `room` px. */
function fitText(ctx: CanvasRenderingContext2D, text: string, room: number): string {
  if (ctx.measureText(text).width <= room) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > room) t = t.slice(0, -1);
  return `${t}…`;
}
