// The graph beside the timeline: the assistant's graph (or, without one, what the run showed),
// lit as the run moves, in a split the person can resize or hide. Selection is shared with the
// timeline both ways: choosing a node selects its executions in turn; selecting an execution
// lights its node and traces how the run reached it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatNumber } from '../layout';
import type { Store } from '../store';
import { IconButton } from './ValueTree';
import { GraphView } from '../graph/graphView';
import { finishLayout, planLayout, type GraphLayout, type LayoutPlan } from '../graph/graphLayout';
import { layoutClient, layoutIsSmall } from '../graph/graphLayoutClient';
import { START, type GraphShape } from '../graph/graphShape';
import { tracePath, type GraphRun } from '../graph/graphRun';
import { GraphLive } from '../graph/graphLive';
import { paneNote } from '../graph/graphNote';
import { onPaneState, paneState, setPaneState } from '../graph/paneState';
import '../graph/graph.css';

const MIN_W = 180;
/**
 * The split starts at this share of the panel, within bounds (px): a fixed start, not the graph's
 * own width, so the timeline beside it does not change size as the graph arrives or grows.
 */
const DEFAULT_SHARE = 0.22;
const DEFAULT_MAX = 360;
let measureCtx: CanvasRenderingContext2D | null = null;
function measurer(font: string): (text: string, bold: boolean) => number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  return (text, bold) => {
    if (!measureCtx) return text.length * 7;
    measureCtx.font = `${bold ? '600 ' : ''}${font}`;
    return measureCtx.measureText(text).width;
  };
}

export function GraphPane({ store }: { store: Store; seq?: number }) {
  const [pane, setPane] = useState(paneState);
  useEffect(() => onPaneState(() => setPane(paneState())), []);
  const hostRef = useRef<HTMLDivElement>(null);
  const paneRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<GraphView | null>(null);
  const latest = useRef({ run: null as GraphRun | null, layout: null as GraphLayout | null });
  const { session, model } = store;
  const executions = model.executions;
  const sent = store.graph && session && store.graph.sessionId === session.id ? store.graph.graph : null;

  // The shape and the run on it, kept up to date within the pane's share of the main thread.
  const live = useRef(new GraphLive()).current;
  const [, wake] = useState(0);
  const u0 = performance.now();
  const { shape, run, wait } = session
    ? live.update({
        sessionId: session.id,
        sent,
        executions,
        runs: model.summary.runs,
        finished: model.summary.phase === 'success',
        version: model.version,
        live: store.live || store.loading > 0,
        note: () => paneNote(sent, store.status.phase),
      })
    : { shape: null, run: null, wait: 0 };
  const updateMs = performance.now() - u0;
  // A pass put off: come back for it (the last events of a run must show even if none follow).
  useEffect(() => {
    if (!wait) return;
    const t = setTimeout(() => wake((n) => n + 1), wait);
    return () => clearTimeout(t);
  });

  // Kept in the panel's UI state, so a collapsed cluster stays so across a reload of the webview.
  const collapsed = store.ui.graphCollapsed;
  const collapsedSet = useMemo(() => new Set(collapsed), [collapsed]);
  // A pane much wider than tall (stacked above the timeline in a narrow panel) lays out left to right.
  const [wide, setWide] = useState(false);
  useEffect(() => {
    const el = hostRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWide(el.clientWidth > 2 * el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [pane.hidden, !!session]);
  const font = useMemo(() => {
    const cs = getComputedStyle(document.body);
    return `12px ${cs.getPropertyValue('--vscode-font-family').trim() || cs.fontFamily || 'sans-serif'}`;
  }, []);
  // Planned here (measuring names needs the DOM), laid out in the worker, drawn when it is back:
  // a big graph, or one drawn from a run that keeps growing, never holds up the timeline.
  const planned = useMemo(() => {
    if (!shape || !shape.nodes.length) return null;
    try {
      return { shape, plan: planLayout(shape, collapsedSet, measurer(font), wide ? 'LR' : 'TB'), error: null };
    } catch (e) {
      return { shape, plan: null, error: `The graph could not be laid out (${(e as Error).message}).` };
    }
  }, [shape, collapsedSet, font, wide]);
  /** The drawing, and the plan it answers (so a plan still being laid out is known). */
  const [laid, setLaid] = useState<{ shape: GraphShape | null; layout: GraphLayout | null; error: string | null; plan: LayoutPlan | null }>({ shape: null, layout: null, error: null, plan: null });
  useEffect(() => {
    if (!planned) return setLaid({ shape: null, layout: null, error: null, plan: null });
    const { shape: sh, plan, error } = planned;
    if (!plan) return setLaid({ shape: null, layout: null, error, plan: null });
    let current = true;
    const t0 = performance.now();
    layoutClient().layout(plan.input).then(
      (out) => {
        if (!current) return;
        const layout = finishLayout(sh, plan, out);
        // Read by the benchmark (npm run bench:graph): asked → laid out → back on the panel's thread.
        performance.measure('lgt:graph-layout', { start: t0, detail: { nodes: plan.size } });
        setLaid({ shape: sh, layout, error: null, plan });
      },
      (e: Error) => {
        // Said in the pane; the rest of the panel goes on.
        if (current) setLaid({ shape: null, layout: null, error: `The graph could not be laid out (${e.message}).`, plan });
      },
    );
    return () => {
      current = false;
    };
  }, [planned]);
  // Until a new layout is back, the last one stays drawn (lit with the run as it is now).
  const layout = laid.layout;
  /** Boxes of a layout being done in the worker (said in the pane until the first is drawn). */
  const pending = planned?.plan && planned.plan !== laid.plan && !layoutIsSmall(planned.plan.input) ? planned.plan.size : null;
  const laidShape = laid.shape;
  latest.current = { run, layout };

  // Mount the view once; it outlives renders.
  useEffect(() => {
    if (pane.hidden || !hostRef.current) return;
    const v = new GraphView(
      hostRef.current,
      {
        choose: (id) => choose(store, latest.current.run, id),
        toggleCluster: (id) => {
          const c = store.ui.graphCollapsed;
          store.setUi({ graphCollapsed: c.includes(id) ? c.filter((x) => x !== id) : [...c, id] });
        },
        toggleBreakpoint: (node) => store.post({ type: 'toggleBreakpoint', node }),
      },
      'Graph',
    );
    viewRef.current = v;
    return () => {
      v.dispose();
      viewRef.current = null;
    };
  }, [pane.hidden, !!session]);

  useEffect(() => {
    const v = viewRef.current;
    if (!v || !laidShape || !layout) return;
    const t0 = performance.now();
    v.setLayout(laidShape, layout);
    // Read by the benchmark: the drawing built on the panel's thread (a graph drawn from the run
    // is drawn again as new transitions appear).
    performance.measure('lgt:graph-draw', { start: t0, detail: { nodes: layout.nodes.length } });
  }, [layout, pane.hidden]);

  // Light it when what it shows changed (a few times a second while a run streams): a handful of attribute writes.
  const sel = store.ui.selected;
  const selectedEl = run && layout && sel !== null ? shownOf(run, layout, sel) : null;
  // Traced once per pass of the run (not per render: it reads every transition).
  const p0 = performance.now();
  const path = useMemo(() => (run && sel !== null && executions[sel] ? tracePath(run, executions, sel) : null), [run, sel]);
  const renderMs = updateMs + performance.now() - p0;
  const litWith = useRef<unknown[]>([]);
  /** Executions when it was last lit (the benchmark's executions per update). */
  const litAt = useRef(0);
  const insideUnseen = store.withoutSubgraphEvents;
  useEffect(() => {
    const v = viewRef.current;
    if (!v || !run || !layout || !shape) return;
    // Most renders (an LLM answer streaming into the detail pane: one a frame) change nothing
    // drawn here: the run's pass (a new object when it ran), the selection, the breakpoints.
    const label = `Graph of ${session?.graphId ?? session?.assistantId ?? 'the run'}${shape.derived ? ', drawn from the run' : ''}`;
    const inputs = [v, run, layout, shape, selectedEl, path, store.breakpoints, label, insideUnseen];
    if (inputs.length === litWith.current.length && inputs.every((x, i) => x === litWith.current[i])) return;
    litWith.current = inputs;
    const l0 = performance.now();
    const pathElements = new Set<string>();
    if (path) {
      for (const i of path.executions) {
        const e = shownOf(run, layout, i);
        if (e) pathElements.add(e);
      }
    }
    if (path && path.edges.size && shape.byId.has(START)) pathElements.add(START);
    v.setLabel(label);
    v.light({
      runOf: (id) => run.nodes.get(id),
      edgeCounts: run.edgeCounts,
      selected: selectedEl,
      pathEdges: path?.edges ?? new Set(),
      pathElements,
      breakpoints: store.breakpoints,
      insideUnseen,
    });
    report(store, shape, run, selectedEl);
    const taken = Math.max(0, executions.length - litAt.current);
    litAt.current = executions.length;
    measureUpdate(u0, renderMs + performance.now() - l0, { run: updateMs, path: renderMs - updateMs, light: performance.now() - l0, executions: taken });
  });

  // The timeline selected an execution: its node comes into view.
  useEffect(() => {
    if (selectedEl) viewRef.current?.reveal(selectedEl);
  }, [selectedEl, store.revealSeq]);

  // Hidden: no room taken at all; the toolbar's toggle brings it back.
  if (!session || pane.hidden) return null;
  const note = shape?.derived ? shape.note : sent?.graph && sent.error ? sent.error : undefined;
  const width = pane.width ?? null;
  return (
    <>
      <section
        class="graph-pane"
        ref={paneRef}
        aria-label="Graph"
        data-laying-out={pending !== null ? 'true' : undefined}
        style={{ width: width !== null ? `${width}px` : `clamp(${MIN_W}px, ${DEFAULT_SHARE * 100}%, ${DEFAULT_MAX}px)` }}
      >
        <div class="graph-head">
          <span class="graph-head-text">
            <span class="graph-title">Graph</span>
            {shape?.derived && (
              <span class="graph-source" title={note}>
                <span class="codicon codicon-info" aria-hidden="true" />
                from the run
              </span>
            )}
          </span>
          <span class="graph-tools">
            <IconButton icon="zoom-out" label="Zoom out (−)" onClick={() => viewRef.current?.zoom(0.8)} />
            <IconButton icon="zoom-in" label="Zoom in (+)" onClick={() => viewRef.current?.zoom(1.25)} />
            <IconButton icon="screen-full" label="Fit the whole graph (0)" onClick={() => viewRef.current?.fit(true)} />
            <IconButton icon="chevron-left" label="Hide the graph" tabIndex={0} onClick={() => setPaneState({ hidden: true })} />
          </span>
        </div>
        {note && <div class="graph-note" role="note">{note}</div>}
        {shape && !shape.nodes.length && <div class="graph-note">The graph has no nodes to draw.</div>}
        {laid.error && <div class="graph-note" role="alert">{laid.error}</div>}
        {pending !== null && !layout && (
          <div class="graph-note" role="status">
            Laying out {formatNumber(pending)} nodes and subgraphs…
          </div>
        )}
        <div class="graph-host" ref={hostRef} />
      </section>
      <Resizer paneRef={paneRef} onDone={(w) => setPaneState({ width: w })} />
    </>
  );
}

let updates = 0;
/**
 * A render's main-thread time in the pane (the run brought up to date, the drawing lit), as a
 * measure the benchmark observes (npm run bench:graph); cleared now and then, so a long live
 * session does not pile them up.
 */
function measureUpdate(start: number, duration: number, detail: { run: number; path: number; light: number; executions: number }): void {
  if (++updates % 500 === 0) performance.clearMeasures('lgt:graph-update');
  performance.measure('lgt:graph-update', { start, duration, detail });
}

function shownOf(run: GraphRun, layout: GraphLayout, i: number): string | null {
  const el = run.elementOf(i);
  return el ? layout.shownAs(el) : null;
}

/** Click or Enter on a node: its first execution, then each next one in turn. */
function choose(store: Store, run: GraphRun | null, id: string): void {
  const r = run?.nodes.get(id);
  if (!r || !r.executions.length) return;
  const list = r.executions;
  const cur = store.ui.selected;
  const at = cur === null ? -1 : list.indexOf(cur);
  store.select(list[(at + 1) % list.length]);
}

let lastReport = '';
function report(store: Store, shape: GraphShape, run: GraphRun, selected: string | null): void {
  const session = store.session;
  if (!session) return;
  // What it would say, as a key first (most passes change nothing it reports): cheaper than
  // building and stringifying the message each time.
  const ids = [...shape.nodes.filter((n) => n.kind === 'node').map((n) => n.id), ...shape.clusters.map((c) => c.id)];
  let key = `${session.id}|${shape.derived ? 'run' : 'server'}|${selected}`;
  for (const id of ids) {
    const r = run.nodes.get(id);
    key += `|${id}\u0000${r?.runs ?? 0}\u0000${r?.status ?? ''}`;
  }
  if (key === lastReport) return;
  lastReport = key;
  const nodes = ids.map((id) => ({ id, runs: run.nodes.get(id)?.runs ?? 0, status: run.nodes.get(id)?.status ?? 'not run' }));
  store.post({ type: 'graphRendered' as const, sessionId: session.id, source: shape.derived ? ('run' as const) : ('server' as const), nodes, selected });
}

/** The split's handle: drag it, or focus it and use ← → (Shift: further). */
function Resizer({ paneRef, onDone }: { paneRef: { current: HTMLElement | null }; onDone: (w: number) => void }) {
  const clamp = (w: number) => {
    const total = paneRef.current?.parentElement?.clientWidth ?? 1000;
    return Math.round(Math.max(MIN_W, Math.min(total * 0.6, w)));
  };
  const set = (w: number) => {
    const el = paneRef.current;
    if (!el) return;
    el.style.width = `${clamp(w)}px`;
  };
  return (
    <div
      class="graph-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the graph"
      tabIndex={0}
      onPointerDown={(e) => {
        const el = paneRef.current;
        if (!el) return;
        const x0 = e.clientX;
        const w0 = el.getBoundingClientRect().width;
        const t = e.currentTarget as HTMLElement;
        t.setPointerCapture(e.pointerId);
        const move = (ev: PointerEvent) => set(w0 + ev.clientX - x0);
        const up = () => {
          t.removeEventListener('pointermove', move);
          t.removeEventListener('pointerup', up);
          onDone(clamp(el.getBoundingClientRect().width));
        };
        t.addEventListener('pointermove', move);
        t.addEventListener('pointerup', up);
      }}
      onKeyDown={(e) => {
        const el = paneRef.current;
        if (!el || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
        const step = e.shiftKey ? 80 : 20;
        const w = clamp(el.getBoundingClientRect().width + (e.key === 'ArrowRight' ? step : -step));
        set(w);
        onDone(w);
        e.preventDefault();
        e.stopPropagation();
      }}
    />
  );
}
