// What the timeline draws for one execution: a bar (or a merged run of them), a diamond when only
// its arrival is known, and the badge that marks an error or an interrupt.
import { BAR_H, MARK_W } from '../lanes';
import type { Palette } from '../theme';

/** Status bits of a kind (KIND_DONE, _RUNNING, _ERROR, _INTERRUPTED) → colour. */
export function colour(p: Palette, s: number): string {
  return s === 0 ? p.ok : s === 1 ? p.run : s === 2 ? p.err : p.int;
}

/** Does a lone bar this wide keep a pixel of air at its end (so back-to-back bars stay apart)? */
export function hasAir(width: number, count: number): boolean {
  return count === 1 && width > 4;
}

/** One bar (or a merged run of bars), or a diamond when only the arrival time is known. */
export function bar(ctx: CanvasRenderingContext2D, p: Palette, x0: number, x1: number, by: number, style: number, dim: boolean, mark: boolean, count: number): void {
  ctx.globalAlpha = dim ? 0.28 : 1;
  ctx.fillStyle = colour(p, style);
  if (count === 1 && mark) {
    const cx = (x0 + x1) / 2;
    const cy = by + BAR_H / 2;
    ctx.beginPath();
    ctx.moveTo(cx, cy - BAR_H / 2);
    ctx.lineTo(cx + MARK_W / 2, cy);
    ctx.lineTo(cx, cy + BAR_H / 2);
    ctx.lineTo(cx - MARK_W / 2, cy);
    ctx.closePath();
    ctx.fill();
    if (p.contrast) {
      ctx.strokeStyle = p.contrast;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
  } else {
    const w = Math.max(2, x1 - x0 - (hasAir(x1 - x0, count) ? 1 : 0));
    ctx.fillRect(x0, by, w, BAR_H);
    if (p.contrast && w > 3) {
      ctx.strokeStyle = p.contrast;
      ctx.lineWidth = 1;
      ctx.strokeRect(x0 + 0.5, by + 0.5, w - 1, BAR_H - 1);
    }
  }
  ctx.globalAlpha = 1;
}

export function badge(ctx: CanvasRenderingContext2D, p: Palette, x: number, y: number, kind: 'error' | 'interrupt'): void {
  ctx.globalAlpha = 1;
  ctx.fillStyle = kind === 'error' ? p.err : p.int;
  ctx.beginPath();
  ctx.arc(x, y, 6, 0, Math.PI * 2);
  ctx.fill();
  ctx.strokeStyle = p.contrast || p.bg;
  ctx.lineWidth = 1.5;
  ctx.stroke();
  ctx.fillStyle = p.bg;
  ctx.strokeStyle = p.bg;
  if (kind === 'error') {
    ctx.beginPath();
    ctx.moveTo(x - 2.5, y - 2.5);
    ctx.lineTo(x + 2.5, y + 2.5);
    ctx.moveTo(x + 2.5, y - 2.5);
    ctx.lineTo(x - 2.5, y + 2.5);
    ctx.lineWidth = 1.6;
    ctx.stroke();
  } else {
    ctx.fillRect(x - 2.5, y - 3, 1.8, 6);
    ctx.fillRect(x + 0.7, y - 3, 1.8, 6);
  }
}
