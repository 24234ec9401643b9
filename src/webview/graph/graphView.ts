// The graph pane's drawing: SVG built with DOM calls (never markup: node names are untrusted and
// only ever become text nodes and attribute values), so it is crisp at any pixel ratio and every
// node is a focusable element with an accessible name. Zoom and pan move one transform; the run's
// state only changes classes and texts, so a live event costs a few attribute writes.
import type { GraphLayout } from './graphLayout';
import type { GraphShape } from './graphShape';
import type { Lit } from './graphText';
import { builtNode, lightDrawing, type EdgeEls, type NodeEls } from './graphLight';
import { neighbour, pathOf, round } from './graphGeometry';

const SVG = 'http://www.w3.org/2000/svg';
const MIN_K = 0.1;
const MAX_K = 4;
const FIT_MAX_K = 1.25;
/**
 * Fitted on its own (shown, resized, drawn again), the graph is not made smaller than this: names
 * stay readable (~8 px) and the rest is a pan away. Fit (0, or the button) shows all of it.
 */
const FIT_MIN_K = 0.7;
const DRAG_PX = 4;

export interface GraphViewEvents {
  /** A node (or a cluster: its subgraph's execution) was clicked or chosen with Enter. */
  choose(id: string): void;
  toggleCluster(id: string): void;
  /** The breakpoint dot at a node's left edge was clicked, or `b` pressed on it. */
  toggleBreakpoint(id: string): void;
}

/** Writes an attribute only when it changes: a write of the same value is still a mutation (observers, the accessibility tree). */
function attr(e: Element, name: string, value: string): void {
  if (e.getAttribute(name) !== value) e.setAttribute(name, value);
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

export class GraphView {
  readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private nodes = new Map<string, NodeEls>();
  private edges = new Map<string, EdgeEls>();
  private layout: GraphLayout | null = null;
  /** The run's state it was last lit with. */
  private lit: Lit | null = null;
  private shape: GraphShape | null = null;
  private k = 1;
  private tx = 0;
  private ty = 0;
  /** The person zoomed or panned: a resize or a new layout no longer refits. */
  private moved = false;
  /** The person asked to fit all of it: refits (a resize, a new layout) do too, however small. */
  private fitAll = false;
  private active: string | null = null;
  private drag: { x: number; y: number; tx: number; ty: number; moved: boolean; id: string | null; toggle: string | null; bp: string | null } | null = null;
  private readonly ro: ResizeObserver;
  /**
   * The host's size as the resize observer last said it: reading clientWidth right after a drawing
   * was built laid the page out again (~0.6 ms a drawing). Read from the page until it has spoken.
   */
  private size: { w: number; h: number } | null = null;
  /**
   * Running nodes pulse in an HTML layer over the SVG: an opacity animation of an HTML element runs
   * on the compositor, where one of an SVG stroke restyles and repaints the whole drawing every
   * frame (it cost the timeline beside it ~9 ms of frame p95 while a run streamed).
   */
  private readonly pulses: HTMLDivElement;
  private readonly pulseEls = new Map<string, HTMLDivElement>();

  constructor(private readonly host: HTMLElement, private readonly on: GraphViewEvents, label: string) {
    this.svg = el('svg', { class: 'graph-svg', role: 'group', 'aria-roledescription': 'graph' });
    this.svg.setAttribute('aria-label', label);
    const defs = el('defs', {}, this.svg);
    for (const kind of ['plain', 'taken', 'path']) {
      const m = el('marker', { id: `lgt-arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' }, defs);
      el('path', { d: 'M0,1 L10,5 L0,9 z', class: `arrow ${kind}` }, m);
    }
    this.viewport = el('g', { class: 'graph-viewport' }, this.svg);
    host.appendChild(this.svg);
    this.pulses = document.createElement('div');
    this.pulses.className = 'graph-pulses';
    this.pulses.setAttribute('aria-hidden', 'true');
    host.appendChild(this.pulses);
    this.svg.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.svg.addEventListener('pointerdown', (e) => this.onDown(e));
    this.svg.addEventListener('pointermove', (e) => this.onMove(e));
    this.svg.addEventListener('pointerup', (e) => this.onUp(e));
    this.svg.addEventListener('keydown', (e) => this.onKey(e));
    this.svg.addEventListener('focusin', (e) => {
      const id = (e.target as Element).closest?.('[data-id]')?.getAttribute('data-id');
      if (id) this.setActive(id, false);
    });
    this.ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1]?.contentRect;
      if (r) this.size = { w: r.width, h: r.height };
      if (!this.moved) this.fit();
    });
    this.ro.observe(host);
  }

  dispose(): void {
    this.ro.disconnect();
    this.svg.remove();
    this.pulses.remove();
  }

  setLabel(label: string): void {
    attr(this.svg, 'aria-label', label);
  }

  /** A new layout: everything is built again (the run's state follows with `light`). */
  setLayout(shape: GraphShape, layout: GraphLayout): void {
    const hadFocus = this.svg.contains(document.activeElement);
    this.shape = shape;
    this.layout = layout;
    this.pulses.replaceChildren();
    this.pulseEls.clear();
    this.nodes.clear();
    this.edges.clear();
    // Built apart from the page and put in at the end: a curve is measured from its own data, with
    // no style brought up to date first (in the page, each measure did that: ~1.5 ms a drawing).
    const drawing = el('g', { class: 'g-drawing' });
    const clustersG = el('g', { class: 'g-clusters' }, drawing);
    const edgesG = el('g', { class: 'g-edges', 'aria-hidden': 'true' }, drawing);
    const labelsG = el('g', { class: 'g-edge-labels', 'aria-hidden': 'true' }, drawing);
    const nodesG = el('g', { class: 'g-nodes' }, drawing);
    for (const c of layout.clusters) {
      const g = el('g', { class: `g-cluster depth-${Math.min(c.depth, 3)}`, 'data-id': c.id, role: 'button', tabindex: -1, 'aria-expanded': 'true' }, clustersG);
      el('rect', { x: c.x, y: c.y, width: c.w, height: c.h, rx: 6, class: 'g-cluster-box' }, g);
      const head = el('g', { class: 'g-cluster-head' }, g);
      el('rect', { x: c.x, y: c.y, width: c.w, height: 20, rx: 6, class: 'g-cluster-headbg' }, head);
      // The chevron's line is 1.5 px wide: a 20 px square around it takes the click.
      el('rect', { x: c.x + 1, y: c.y, width: 21, height: 20, rx: 4, class: 'g-hit', 'data-toggle': c.id }, head);
      el('path', { d: `M${c.x + 8},${c.y + 8} l4,4 l4,-4`, class: 'g-chevron', 'data-toggle': c.id }, head);
      const name = el('text', { x: c.x + 22, y: c.y + 14, class: 'g-cluster-name' }, head);
      name.textContent = shape.clusterById.get(c.id)?.name ?? c.id;
      const stats = el('text', { x: c.x + c.w - 8, y: c.y + 14, class: 'g-stats g-cluster-stats', 'text-anchor': 'end' }, head);
      const badge = el('text', { x: c.x + c.w - 8, y: c.y + 14, class: 'g-badge', 'text-anchor': 'end' }, head);
      this.nodes.set(c.id, { g, box: { x: c.x, y: c.y, w: c.w, h: c.h, r: 6 }, stats, badge, cx: c.x + c.w / 2, cy: c.y + 11, kind: 'cluster', written: builtNode() });
    }
    for (const e of layout.edges) {
      const path = el('path', { d: pathOf(e.points), class: `g-edge${e.conditional ? ' conditional' : ''}`, 'marker-end': 'url(#lgt-arrow-plain)', 'data-count': 0, 'data-source': e.source, 'data-target': e.target }, edgesG);
      const label = el('g', { class: 'g-edge-label' }, labelsG);
      el('rect', { x: -12, y: -8, width: 24, height: 15, rx: 7 }, label);
      const text = el('text', { x: 0, y: 3.5, 'text-anchor': 'middle' }, label);
      this.edges.set(e.key, { path, label, text, edge: e, count: 0, onPath: false });
    }
    // Counts halfway along each edge's curve, off the clusters' title strips: further along the
    // curve when the middle falls on one.
    const heads = layout.clusters.map((c) => ({ x0: c.x, x1: c.x + c.w, y0: c.y - 8, y1: c.y + 28 }));
    const onHead = (p: { x: number; y: number }) => heads.some((h) => p.x > h.x0 - 12 && p.x < h.x1 + 12 && p.y > h.y0 && p.y < h.y1);
    for (const { path, label, edge } of this.edges.values()) {
      let at = edge.points[Math.floor(edge.points.length / 2)] ?? { x: 0, y: 0 };
      try {
        const len = path.getTotalLength();
        for (const f of [0.5, 0.35, 0.65, 0.25, 0.75, 0.5]) {
          if (len <= 0) break;
          at = path.getPointAtLength(len * f);
          if (!onHead(at)) break;
        }
      } catch {
        // Not measurable (no layout yet): the middle point will do.
      }
      label.setAttribute('transform', `translate(${round(at.x)},${round(at.y)})`);
    }
    for (const n of layout.nodes) {
      const node = shape.byId.get(n.id);
      const kind: NodeEls['kind'] = n.collapsed ? 'collapsed' : node?.kind ?? 'node';
      const g = el('g', { class: `g-node kind-${kind}`, 'data-id': n.id, role: 'button', tabindex: -1, transform: `translate(${n.x - n.w / 2},${n.y - n.h / 2})` }, nodesG);
      if (n.collapsed) g.setAttribute('aria-expanded', 'false');
      const rx = kind === 'node' || kind === 'collapsed' ? 5 : n.h / 2;
      el('rect', { width: n.w, height: n.h, rx, class: 'g-box' }, g);
      if (n.collapsed) {
        el('rect', { x: 3, y: 3, width: n.w - 6, height: n.h - 6, rx: 3, class: 'g-box-inner' }, g);
        el('rect', { x: 1, y: n.h / 2 - 10, width: 21, height: 20, rx: 4, class: 'g-hit', 'data-toggle': n.id }, g);
        el('path', { d: `M9,${n.h / 2 - 4} l4,4 l-4,4`, class: 'g-chevron', 'data-toggle': n.id }, g);
      }
      const name = el('text', { x: n.collapsed ? 22 : n.w / 2, y: kind === 'node' || kind === 'collapsed' ? 15 : n.h / 2 + 4, class: 'g-name', 'text-anchor': n.collapsed ? 'start' : 'middle' }, g);
      name.textContent = n.collapsed ? shape.clusterById.get(n.id)?.name ?? n.id : node?.name ?? n.id;
      const stats = el('text', { x: n.collapsed ? 22 : n.w / 2, y: 30, class: 'g-stats', 'text-anchor': n.collapsed ? 'start' : 'middle' }, g);
      const badge = el('text', { x: n.w - 4, y: 11, class: 'g-badge', 'text-anchor': 'end' }, g);
      // A breakpoint dot in the box's left margin (shown faintly on hover, as in the editor's gutter).
      if (kind === 'node') el('circle', { cx: 8, cy: n.h / 2, r: 4, class: 'g-bp', 'data-bp': n.id }, g);
      this.nodes.set(n.id, { g, box: { x: n.x - n.w / 2, y: n.y - n.h / 2, w: n.w, h: n.h, r: rx }, stats, badge, cx: n.x, cy: n.y, kind, written: builtNode() });
    }
    if (!this.active || !this.nodes.has(this.active)) this.active = this.firstId();
    this.syncTabStop();
    // Lit as the last drawing was, while still apart from the page (cheaper writes): the light
    // that follows writes only what changed since, not nearly every element.
    if (this.lit) lightDrawing(shape, this.nodes, this.edges, this.lit, (id, n, on) => this.pulse(id, n, on));
    this.viewport.replaceChildren(drawing);
    if (!this.moved) this.fit();
    else this.apply();
    if (hadFocus && this.active) this.focusActive();
  }

  /** The run's state on the drawing. */
  light(lit: Lit): void {
    this.lit = lit;
    if (this.shape) lightDrawing(this.shape, this.nodes, this.edges, lit, (id, n, on) => this.pulse(id, n, on));
  }

  // ---- zoom and pan -------------------------------------------------------------------------

  /** Fit the graph in the pane: all of it when asked (`all`), else no smaller than readable. */
  fit(all = this.fitAll): void {
    const l = this.layout;
    const { w, h } = this.hostSize();
    if (!l || !w || !h || !l.width || !l.height) return this.apply();
    const k = Math.min(FIT_MAX_K, (w - 8) / l.width, (h - 8) / l.height);
    this.k = Math.max(MIN_K, all ? k : Math.max(k, FIT_MIN_K));
    // Too big to show whole: its start (the left or top edge) in view, the other way centred.
    this.tx = l.width * this.k > w - 8 ? 4 : (w - l.width * this.k) / 2;
    this.ty = l.height * this.k > h - 8 ? 4 : Math.max(4, (h - l.height * this.k) / 2);
    this.moved = false;
    this.fitAll = all;
    this.apply();
  }

  private hostSize(): { w: number; h: number } {
    return this.size ?? { w: this.host.clientWidth, h: this.host.clientHeight };
  }

  zoom(factor: number, px = this.hostSize().w / 2, py = this.hostSize().h / 2): void {
    const k = Math.max(MIN_K, Math.min(MAX_K, this.k * factor));
    this.tx = px - ((px - this.tx) * k) / this.k;
    this.ty = py - ((py - this.ty) * k) / this.k;
    this.k = k;
    this.moved = true;
    this.apply();
  }

  pan(dx: number, dy: number): void {
    this.tx += dx;
    this.ty += dy;
    this.moved = true;
    this.apply();
  }

  get scale(): number {
    return this.k;
  }

  private apply(): void {
    this.viewport.setAttribute('transform', `translate(${round(this.tx)},${round(this.ty)}) scale(${this.k.toFixed(4)})`);
    this.pulses.style.transform = `translate(${round(this.tx)}px,${round(this.ty)}px) scale(${this.k.toFixed(4)})`;
  }

  /**
   * A running node's pulsing outline on or off: made the first time the node runs and then shown
   * or hidden (a node runs again and again in a loop: making it each time cost more).
   */
  private pulse(id: string, n: NodeEls, on: boolean): void {
    const had = this.pulseEls.get(id);
    if (had) {
      if (had.hidden === on) had.hidden = !on;
      return;
    }
    if (!on) return;
    const d = document.createElement('div');
    d.className = `graph-pulse kind-${n.kind}`;
    const { x, y, w, h, r } = n.box;
    // Centred on the SVG stroke's line (the box's edge), as the stroke is.
    d.style.cssText = `left:${round(x - 1.25)}px;top:${round(y - 1.25)}px;width:${round(w + 2.5)}px;height:${round(h + 2.5)}px;border-radius:${round(r + 1.25)}px`;
    this.pulses.appendChild(d);
    this.pulseEls.set(id, d);
  }

  /** Bring a node into view (keyboard focus, a selection from the timeline). */
  reveal(id: string): void {
    const n = this.nodes.get(id);
    if (!n) return;
    const { w, h } = this.hostSize();
    const x = n.cx * this.k + this.tx;
    const y = n.cy * this.k + this.ty;
    const m = 30;
    let dx = 0;
    let dy = 0;
    if (x < m) dx = m - x;
    else if (x > w - m) dx = w - m - x;
    if (y < m) dy = m - y;
    else if (y > h - m) dy = h - m - y;
    if (dx || dy) this.pan(dx, dy);
  }

  // ---- keyboard -----------------------------------------------------------------------------

  private firstId(): string | null {
    for (const [id, n] of this.nodes) if (n.kind === 'start') return id;
    return this.nodes.keys().next().value ?? null;
  }

  private syncTabStop(): void {
    for (const [id, n] of this.nodes) n.g.setAttribute('tabindex', id === this.active ? '0' : '-1');
  }

  private setActive(id: string, focus: boolean): void {
    if (this.active !== id) {
      this.active = id;
      this.syncTabStop();
    }
    if (focus) this.focusActive();
  }

  private focusActive(): void {
    if (!this.active) return;
    this.reveal(this.active);
    (this.nodes.get(this.active)?.g as unknown as HTMLElement | undefined)?.focus({ preventScroll: true });
  }

  /** Focus the graph (its active node). */
  focus(): void {
    this.active ??= this.firstId();
    this.syncTabStop();
    this.focusActive();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const dirs: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    const d = dirs[e.key];
    if (d) {
      const next = this.active ? neighbour(this.nodes, this.active, d[0], d[1]) : this.firstId();
      if (next) this.setActive(next, true);
    } else if (e.key === 'Enter' || e.key === ' ') {
      if (this.active) this.on.choose(this.active);
    } else if (e.key === 'c' || e.key === 'C') {
      const id = this.active;
      const kind = id ? this.nodes.get(id)?.kind : undefined;
      const cluster = kind === 'cluster' || kind === 'collapsed' ? id : id ? this.shape?.byId.get(id)?.cluster : null;
      if (cluster) {
        this.active = cluster;
        this.on.toggleCluster(cluster);
      }
    } else if (e.key === 'b' || e.key === 'B' || e.key === 'F9') {
      if (this.active && this.nodes.get(this.active)?.kind === 'node') this.on.toggleBreakpoint(this.active);
    } else if (e.key === '+' || e.key === '=') this.zoom(1.25);
    else if (e.key === '-' || e.key === '_') this.zoom(0.8);
    else if (e.key === '0') this.fit(true);
    else if (e.key === 'Home') {
      const f = this.firstId();
      if (f) this.setActive(f, true);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }

  // ---- pointer ------------------------------------------------------------------------------

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const r = this.svg.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) this.zoom(Math.exp(-e.deltaY / 300), e.clientX - r.left, e.clientY - r.top);
    else this.pan(-(e.shiftKey ? e.deltaY : e.deltaX), -(e.shiftKey ? 0 : e.deltaY));
  }

  private onDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const t = e.target as Element;
    const id = t.closest('[data-id]')?.getAttribute('data-id') ?? null;
    const toggle = t.closest('[data-toggle]')?.getAttribute('data-toggle') ?? null;
    const bp = t.closest('[data-bp]')?.getAttribute('data-bp') ?? null;
    this.drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false, id, toggle, bp };
    this.svg.setPointerCapture?.(e.pointerId);
  }

  private onMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d) return;
    if (!d.moved && Math.hypot(e.clientX - d.x, e.clientY - d.y) < DRAG_PX) return;
    d.moved = true;
    this.tx = d.tx + e.clientX - d.x;
    this.ty = d.ty + e.clientY - d.y;
    this.moved = true;
    this.apply();
  }

  private onUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = null;
    this.svg.releasePointerCapture?.(e.pointerId);
    if (!d || d.moved) return;
    if (d.toggle) {
      this.active = d.toggle;
      this.on.toggleCluster(d.toggle);
    } else if (d.bp) {
      this.setActive(d.bp, true);
      this.on.toggleBreakpoint(d.bp);
    } else if (d.id) {
      this.setActive(d.id, true);
      this.on.choose(d.id);
    }
  }
}
