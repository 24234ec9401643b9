// The timeline: overview strip, time axis, one row per node (subgraphs nested and collapsible),
// a lane in it per execution running at once. Drawn on a canvas; the row labels (RowLabel.tsx)
// are a (virtual) ARIA tree beside it. Wheel, drag and keys zoom and pan; hover names the
// execution under the pointer; click selects the nearest.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Store } from '../store';
import type { Row } from '../layout';
import { nearestExecution } from '../hitTest';
import { LABEL_W, rowAt } from '../lanes';
import { span, xToTime } from '../viewport';
import { readPalette, watchTheme } from '../theme';
import { AXIS_H, TimelineRenderer } from '../draw/timelineRenderer';
import { OVERVIEW_H, OverviewRenderer } from '../draw/overviewRenderer';
import { IconButton } from './ValueTree';
import { RowLabel, rowId, selectInRow } from './RowLabel';
import { drawNow, onOverviewKey, onWheel, windowValue } from './timelineFrame';
import { ClockTag, fillTip } from './TimelineTip';

const DRAG_PX = 4;
/** A click this close to a bar (px) selects it. */
const HIT_PX = 6;

export function Timeline({ store }: { store: Store; seq?: number }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const overviewRef = useRef<HTMLCanvasElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const r = useRef({
    tl: null as TimelineRenderer | null,
    ov: null as OverviewRenderer | null,
    hover: null as number | null,
    scrollTop: 0,
    activeRow: 0,
    drag: null as null | { x: number; start: number; end: number; moved: boolean; kind: 'track' | 'overview'; offset: number },
  });
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(300);
  const [activeRow, setActiveRow] = useState(0);
  const rows = store.rows();
  const tops = store.rowTops();
  r.current.activeRow = Math.min(activeRow, Math.max(0, rows.length - 1));

  // Mount: renderers, sizes, theme, the per-frame draw, and the wheel (needs passive: false).
  useEffect(() => {
    const scroller = scrollRef.current!;
    const palette = readPalette();
    const tl = new TimelineRenderer(canvasRef.current!, overlayRef.current!, palette);
    const ov = new OverviewRenderer(overviewRef.current!, palette);
    ov.onStale = () => store.changed();
    r.current.tl = tl;
    r.current.ov = ov;
    const size = () => {
      const dpr = window.devicePixelRatio || 1;
      const w = scroller.clientWidth - LABEL_W;
      tl.resize(w, scroller.clientHeight + AXIS_H, dpr);
      ov.resize(overviewRef.current!.parentElement!.clientWidth, dpr);
      setHeight(scroller.clientHeight);
    };
    size();
    const ro = new ResizeObserver(() => {
      size();
      store.changed();
    });
    ro.observe(scroller);
    // Moving the window to a screen with another pixel ratio resizes nothing: watch the ratio itself,
    // or the canvases stay sharp at the old one only. (Zooming VS Code resizes: the observer sees it.)
    let dprQuery: MediaQueryList | null = null;
    const onDpr = () => {
      watchDpr();
      size();
      store.changed();
    };
    const watchDpr = () => {
      dprQuery?.removeEventListener('change', onDpr);
      dprQuery = typeof matchMedia === 'function' ? matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`) : null;
      dprQuery?.addEventListener('change', onDpr);
    };
    watchDpr();
    const unTheme = watchTheme(() => {
      const p = readPalette();
      tl.palette = p;
      ov.palette = p;
      ov.invalidate();
      store.changed();
    });
    const draw = () => {
      // The ratio can change with no event at all (some platforms, emulation): check it per draw.
      if ((window.devicePixelRatio || 1) !== tl.pixelRatio) onDpr();
      drawNow(store, r.current);
    };
    const unDraw = store.onDraw(draw);
    const wheel = (e: WheelEvent) => onWheel(e, store, scroller, tl.width);
    scroller.addEventListener('wheel', wheel, { passive: false });
    store.changed();
    return () => {
      ov.onStale = null;
      ro.disconnect();
      dprQuery?.removeEventListener('change', onDpr);
      unTheme();
      unDraw();
      scroller.removeEventListener('wheel', wheel);
    };
  }, [store]);

  // Keep the selected execution's row on screen when it was chosen elsewhere (list, keys).
  const lastReveal = useRef(store.revealSeq);
  useEffect(() => {
    if (lastReveal.current === store.revealSeq) return;
    lastReveal.current = store.revealSeq;
    const sel = store.ui.selected;
    if (sel === null) return;
    const row = store.index.rowOf[sel];
    if (!row) return;
    // A collapsed ancestor hides the row: open the way to it.
    const closed: string[] = [];
    for (let p = row.parent; p; p = p.parent) if (store.isCollapsed(p.key)) closed.push(p.key);
    if (closed.length) {
      store.setUi({ collapsed: store.ui.collapsed.filter((k) => !closed.includes(k)) });
      return;
    }
    const ri = rows.indexOf(row);
    if (ri < 0) return;
    setActiveRow(ri);
    const el = scrollRef.current!;
    const y = tops[ri];
    if (y < el.scrollTop || tops[ri + 1] > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, y - el.clientHeight / 2);
  });

  const onScroll = () => {
    const st = scrollRef.current!.scrollTop;
    r.current.scrollTop = st;
    setScrollTop(st);
    store.changed();
  };

  const trackX = (e: MouseEvent) => {
    const rect = scrollRef.current!.getBoundingClientRect();
    return e.clientX - rect.left - LABEL_W;
  };

  const hitAt = (e: MouseEvent): number | null => {
    const tl = r.current.tl;
    if (!tl) return null;
    const x = trackX(e);
    if (x < 0) return null;
    const rect = scrollRef.current!.getBoundingClientRect();
    const y = e.clientY - rect.top + scrollRef.current!.scrollTop;
    const ri = rowAt(tops, y);
    const row = rows[ri];
    if (!row) return null;
    const v = store.view();
    const f = store.filter;
    // The nearest bar within a few pixels: a 1 ms execution need not be hit exactly.
    return nearestExecution(store.index, row, store.model.executions, { t: xToTime(x, v, tl.width), y: y - tops[ri], msPerPx: span(v) / tl.width, slopPx: HIT_PX, now: store.now() }, f ? (i) => f.has(i) : undefined);
  };

  const onMouseDown = (e: MouseEvent) => {
    if (e.button !== 0 || trackX(e) < 0) return;
    const v = store.view();
    r.current.drag = { x: e.clientX, start: v.start, end: v.end, moved: false, kind: 'track', offset: 0 };
    const move = (ev: MouseEvent) => {
      const d = r.current.drag;
      if (!d) return;
      const dx = ev.clientX - d.x;
      if (!d.moved && Math.abs(dx) < DRAG_PX) return;
      d.moved = true;
      const w = r.current.tl?.width ?? 1;
      const dt = (-dx / w) * (d.end - d.start);
      store.setView({ start: d.start + dt, end: d.end + dt });
    };
    const up = (ev: MouseEvent) => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      const d = r.current.drag;
      r.current.drag = null;
      if (d && !d.moved) {
        const hit = hitAt(ev);
        if (hit !== null) store.select(hit, { reveal: false });
      }
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  const onMouseMove = (e: MouseEvent) => {
    if (r.current.drag?.moved) return hideTip();
    const hit = hitAt(e);
    if (hit !== r.current.hover) {
      r.current.hover = hit;
      store.changed();
    }
    const tip = tipRef.current!;
    if (hit === null) return hideTip();
    fillTip(tip, store, hit);
    const host = scrollRef.current!.parentElement!.getBoundingClientRect();
    tip.hidden = false;
    const x = Math.min(e.clientX - host.left + 14, host.width - tip.offsetWidth - 4);
    const y = e.clientY - host.top + 16;
    tip.style.transform = `translate(${Math.max(0, x)}px, ${y + tip.offsetHeight > host.height ? y - tip.offsetHeight - 24 : y}px)`;
  };
  const hideTip = () => {
    if (tipRef.current) tipRef.current.hidden = true;
  };
  const onMouseLeave = () => {
    hideTip();
    if (r.current.hover !== null) {
      r.current.hover = null;
      store.changed();
    }
  };

  const onDblClick = (e: MouseEvent) => {
    const hit = hitAt(e);
    if (hit === null) return;
    const ex = store.model.executions[hit];
    const end = ex.end ?? (ex.status === 'running' ? store.now() : ex.start);
    const w = Math.max(end - ex.start, 1);
    store.setView({ start: ex.start - w * 0.5, end: end + w * 0.5 });
  };

  // Overview: click centres the window there; dragging moves it.
  const onOverviewDown = (e: MouseEvent) => {
    if (e.button !== 0) return;
    const cv = overviewRef.current!;
    const rect = cv.getBoundingClientRect();
    const b = store.bounds();
    const toT = (cx: number) => OverviewRenderer.toTime(cx - rect.left, rect.width, b);
    const v = store.view();
    const s = span(v);
    const t = toT(e.clientX);
    const inside = t >= v.start && t <= v.end;
    const offset = inside ? t - v.start : s / 2;
    if (!inside) store.setView({ start: t - offset, end: t - offset + s });
    const move = (ev: MouseEvent) => {
      const tt = toT(ev.clientX);
      store.setView({ start: tt - offset, end: tt - offset + s });
    };
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
    e.preventDefault();
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const n = rows.length;
    const cur = r.current.activeRow;
    const row: Row | undefined = rows[cur];
    let next = cur;
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(n - 1, cur + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, cur - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = n - 1;
        break;
      case 'ArrowRight':
        if (!row?.children.length) return;
        if (store.isCollapsed(row.key)) store.toggleRow(row.key, false);
        else next = Math.min(n - 1, cur + 1);
        break;
      case 'ArrowLeft':
        if (row?.children.length && !store.isCollapsed(row.key)) store.toggleRow(row.key, true);
        else if (row?.parent) next = rows.indexOf(row.parent);
        else return;
        break;
      case 'Enter':
      case ' ':
        if (row) selectInRow(store, row, e.shiftKey ? -1 : 1);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
    if (next !== cur && next >= 0) {
      setActiveRow(next);
      r.current.activeRow = next;
      const el = scrollRef.current!;
      const y = tops[next];
      if (y < el.scrollTop) el.scrollTop = y;
      else if (tops[next + 1] > el.scrollTop + el.clientHeight) el.scrollTop = Math.min(y, tops[next + 1] - el.clientHeight);
      store.changed();
    }
  };

  const first = Math.max(0, rowAt(tops, scrollTop) - 4);
  const last = Math.min(rows.length, rowAt(tops, scrollTop + height) + 5);
  const labels = [];
  for (let k = first; k < last; k++) labels.push(<RowLabel key={rows[k].key} store={store} row={rows[k]} index={k} count={rows.length} top={tops[k]} height={tops[k + 1] - tops[k]} active={k === r.current.activeRow} onActivate={() => setActiveRow(k)} />);
  const active = rows[r.current.activeRow];

  return (
    <section class="timeline" aria-label="Timeline">
      <div
        class="overview"
        title="Overview of the whole run: click or drag to move the view (keyboard: ← → PageUp PageDown Home End)"
        role="slider"
        tabIndex={0}
        aria-label="Visible part of the run"
        aria-orientation="horizontal"
        {...windowValue(store)}
        onKeyDown={(e) => onOverviewKey(e, store)}
      >
        <canvas ref={overviewRef} height={OVERVIEW_H} aria-hidden="true" onMouseDown={onOverviewDown} />
      </div>
      <div class="tl-body">
        <div class="tl-head" style={{ width: `${LABEL_W}px`, height: `${AXIS_H}px` }}>
          <span class="muted">Nodes</span>
          <ClockTag store={store} />
          <span class="tl-head-actions">
            <IconButton icon="expand-all" label="Expand all subgraphs" onClick={() => store.setAllCollapsed(false)} />
            <IconButton icon="collapse-all" label="Collapse all subgraphs" onClick={() => store.setAllCollapsed(true)} />
          </span>
        </div>
        <div
          ref={scrollRef}
          class="tl-scroll"
          style={{ top: `${AXIS_H}px` }}
          role="tree"
          tabIndex={0}
          aria-label="Nodes of the run, one row each. Up and Down move between rows, Left and Right collapse and expand subgraphs, Enter selects the row's next execution."
          aria-activedescendant={active ? rowId(active) : undefined}
          onScroll={onScroll}
          onKeyDown={onKey}
          onMouseDown={onMouseDown}
          onMouseMove={onMouseMove}
          onMouseLeave={onMouseLeave}
          onDblClick={onDblClick}
        >
          <div class="tl-inner" style={{ height: `${tops[rows.length]}px` }}>
            {labels}
          </div>
          {rows.length === 0 && <div class="muted empty-note tl-empty">{store.filter ? 'No node matches the filter.' : 'Waiting for the first node…'}</div>}
        </div>
        <canvas ref={canvasRef} class="tl-canvas tl-base" style={{ left: `${LABEL_W}px` }} aria-hidden="true" />
        <canvas ref={overlayRef} class="tl-canvas tl-overlay" style={{ left: `${LABEL_W}px` }} aria-hidden="true" />
        <div ref={tipRef} class="tip" role="tooltip" hidden />
      </div>
    </section>
  );
}
