// The timeline's per-frame draw (both canvases from the store), its wheel zoom and pan, and the
// overview slider's value and keys.
import type { Store } from '../store';
import { forkLinks } from '../forkLinks';
import { formatAt, formatDuration } from '../layout';
import { span } from '../viewport';
import type { TimelineRenderer } from '../draw/timelineRenderer';
import type { OverviewRenderer } from '../draw/overviewRenderer';
import { LABEL_W } from '../lanes';

export function drawNow(store: Store, s: { tl: TimelineRenderer | null; ov: OverviewRenderer | null; hover: number | null; scrollTop: number; activeRow: number }): void {
  const { tl, ov } = s;
  if (!tl || !ov) return;
  const now = store.now();
  const view = store.view();
  const f = store.filter;
  const q = store.search;
  const exs = store.model.executions;
  tl.draw({
    index: store.index,
    executions: exs,
    rows: store.rows(),
    tops: store.rowTops(),
    scrollTop: s.scrollTop,
    view,
    now,
    live: store.live,
    selected: store.ui.selected,
    hover: s.hover !== null && s.hover < exs.length ? s.hover : null,
    activeRow: s.activeRow,
    inFilter: f ? f.table : null,
    inSearch: q ? q.table : null,
    matchKey: store.matchKey(),
    interrupts: store.model.summary.interrupts,
    runs: runMarks(store),
    forks: store.model.summary.runs.length > 1 ? forkLinks(store.model) : [],
    changed: store.lastChanged,
    // Arrival times only: on a replay's server clock the calls' times are not on the axis.
    ...(store.model.summary.clock === 'client' && store.model.llm.calls.length ? { llmSpans: (i: number) => store.model.llmCalls(i) } : {}),
  });
  ov.draw(store.index, exs, store.bounds(), view, now, performance.now());
}

export function onWheel(e: WheelEvent, store: Store, scroller: HTMLElement, width: number): void {
  const rect = scroller.getBoundingClientRect();
  const x = e.clientX - rect.left - LABEL_W;
  if (x < 0) return; // over the labels: plain vertical scrolling
  const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? rect.height : 1;
  if (e.ctrlKey || e.metaKey) {
    // Ctrl+wheel (and trackpad pinch) zooms about the pointer.
    e.preventDefault();
    store.zoom(Math.exp(e.deltaY * unit * 0.002), Math.min(1, Math.max(0, x / Math.max(1, width))));
  } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
    e.preventDefault();
    const d = (e.shiftKey && !e.deltaX ? e.deltaY : e.deltaX) * unit;
    store.pan((d / Math.max(1, width)) * span(store.view()));
  }
}

/** The overview slider's value: where the visible window sits in the run, in percent and words. */
export function windowValue(store: Store): { 'aria-valuemin': number; 'aria-valuemax': number; 'aria-valuenow': number; 'aria-valuetext': string } {
  const b = store.bounds();
  const v = store.view();
  const total = Math.max(b.t1 - b.t0, 1e-9);
  const mid = (v.start + v.end) / 2;
  const now = Math.round(Math.min(100, Math.max(0, ((mid - b.t0) / total) * 100)));
  const at = (t: number) => formatAt(Math.max(0, t - b.t0));
  return {
    'aria-valuemin': 0,
    'aria-valuemax': 100,
    'aria-valuenow': now,
    'aria-valuetext': Number.isFinite(total) && b.t1 > b.t0 ? `showing +${at(v.start)} to +${at(v.end)} of ${formatDuration(b.t1 - b.t0)}` : 'nothing to show yet',
  };
}

const KIND_WORD: Record<string, string> = { resume: 'resume', fork: 'fork', continue: 'continue', input: 'new input', join: 'new input' };

/** Where each run of the thread after the first begins, for the timeline's run lines. */
function runMarks(store: Store): { t: number; label: string }[] {
  const runs = store.model.summary.runs;
  if (runs.length < 2) return [];
  const exs = store.model.executions;
  const out: { t: number; label: string }[] = [];
  runs.forEach((r, i) => {
    if (i === 0 || r.firstExecution === undefined || !exs[r.firstExecution]) return;
    out.push({ t: exs[r.firstExecution].start, label: `Run ${i + 1} · ${KIND_WORD[r.kind ?? 'input'] ?? r.kind}` });
  });
  return out.sort((a, b) => a.t - b.t);
}

/** The overview from the keyboard: a slider for the visible window. */
export function onOverviewKey(e: KeyboardEvent, store: Store): void {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const b = store.bounds();
  const v = store.view();
  const s = span(v);
  switch (e.key) {
    case 'ArrowLeft':
    case 'ArrowRight':
      store.pan((e.key === 'ArrowLeft' ? -1 : 1) * s * (e.shiftKey ? 1 : 0.1));
      break;
    case 'PageUp':
    case 'PageDown':
      store.pan((e.key === 'PageUp' ? -1 : 1) * s);
      break;
    case 'Home':
      store.setView({ start: b.t0, end: b.t0 + s });
      break;
    case 'End':
      // On a live run the end keeps moving: follow it.
      if (store.live) store.followLatest();
      else store.setView({ start: b.t1 - s, end: b.t1 });
      break;
    default:
      return;
  }
  e.preventDefault();
  e.stopPropagation();
}
