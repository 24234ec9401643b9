// What the timeline draws for one execution: a bar (or a merged run of them), a diamond when only
// its arrival is known, and the badge that marks an error, an interrupt or a cancel. A cancelled
// bar is hollow and hatched: it ran until the cancel, and finished nothing.
import { KIND_CANCELLED, KIND_ERROR, KIND_INTERRUPTED, KIND_RUNNING } from '../layout';
import { BAR_H, MARK_W } from '../lanes';
import type { Palette } from '../theme';

export type BadgeKind = 'error' | 'interrupt' | 'cancelled';

/** Status bits of a kind (KIND_DONE, _RUNNING, _ERROR, _INTERRUPTED, _CANCELLED) → colour. */
export function colour(p: Palette, s: number): string {
  return s === KIND_RUNNING ? p.run : s === KIND_ERROR ? p.err : s === KIND_INTERRUPTED ? p.int : s === KIND_CANCELLED ? p.cancel : p.ok;
}

/** The badge a status gets at the end of its bar (none for done and running). */
export function badgeOf(s: number): BadgeKind | null {
  return s === KIND_ERROR ? 'error' : s === KIND_INTERRUPTED ? 'interrupt' : s === KIND_CANCELLED ? 'cancelled' : null;
}

/** Does a lone bar this wide keep a pixel of air at its end (so back-to-back bars stay apart)? */
export function hasAir(width: number, count: number): boolean {
  return count === 1 && width > 4;
}

/** One bar (or a merged run of bars), or a diamond when only the arrival time is known. */
export function bar(ctx: CanvasRenderingContext2D, p: Palette, x0: number, x1: number, by: number, style: number, dim: boolean, mark: boolean, count: number): void {
  ctx.globalAlpha = dim ? 0.28 : 1;
  ctx.fillStyle = colour(p, style);
  if (style === KIND_CANCELLED) hollow(ctx, p, x0, x1, by, count === 1 && mark, dim);
  else if (count === 1 && mark) {
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

/**
 * A cancelled bar: a frame in the cancel colour (solid pixels, so it reads in every theme), a faint
 * fill and diagonal hatching inside. A cancelled arrival mark is a hollow diamond.
 */
function hollow(ctx: CanvasRenderingContext2D, p: Palette, x0: number, x1: number, by: number, mark: boolean, dim: boolean): void {
  const a = dim ? 0.28 : 1;
  ctx.strokeStyle = p.cancel;
  if (mark) {
    const cx = (x0 + x1) / 2;
    const cy = by + BAR_H / 2;
    ctx.beginPath();
    ctx.moveTo(cx, cy - BAR_H / 2 + 1);
    ctx.lineTo(cx + MARK_W / 2 - 1, cy);
    ctx.lineTo(cx, cy + BAR_H / 2 - 1);
    ctx.lineTo(cx - MARK_W / 2 + 1, cy);
    ctx.closePath();
    ctx.lineWidth = 1.5;
    ctx.stroke();
    return;
  }
  const L = Math.round(x0);
  const w = Math.max(2, Math.round(x1) - L - 1);
  // On the background first: the base layer adds a bar again when it changes, and translucent
  // layers drawn twice would darken.
  ctx.fillStyle = p.bg;
  ctx.fillRect(L, by, w, BAR_H);
  ctx.fillStyle = p.cancel;
  ctx.globalAlpha = a * 0.18;
  ctx.fillRect(L, by, w, BAR_H);
  if (w > 4) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(L, by, w, BAR_H);
    ctx.clip();
    ctx.globalAlpha = a * 0.55;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let x = L - BAR_H; x < L + w; x += 6) {
      ctx.moveTo(x, by + BAR_H);
      ctx.lineTo(x + BAR_H, by);
    }
    ctx.stroke();
    ctx.restore();
  }
  // The frame, in whole pixels.
  ctx.globalAlpha = a;
  ctx.fillRect(L, by, w, 1);
  ctx.fillRect(L, by + BAR_H - 1, w, 1);
  ctx.fillRect(L, by, 1, BAR_H);
  ctx.fillRect(L + w - 1, by, 1, BAR_H);
}

export function badge(ctx: CanvasRenderingContext2D, p: Palette, x: number, y: number, kind: BadgeKind): void {
  ctx.globalAlpha = 1;
  ctx.fillStyle = kind === 'error' ? p.err : kind === 'interrupt' ? p.int : p.cancel;
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
  } else if (kind === 'cancelled') {
    // A stop: the square of a stop button.
    ctx.fillRect(x - 2.5, y - 2.5, 5, 5);
  } else {
    ctx.fillRect(x - 2.5, y - 3, 1.8, 6);
    ctx.fillRect(x + 0.7, y - 3, 1.8, 6);
  }
}
