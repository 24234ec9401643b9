// The webview's state, as the panel's parts use it: what the person does with a run — select and
// step through executions, move the time window, fold rows — on top of the store's core
// (./state/core.ts: the session, the model built from its events, the frame that brings the
// derived state up to date) and its UI state (./state/ui.ts: what survives a reload).
import { visibleRows, type Row } from './layout';
import { rowTops } from './lanes';
import { clampView, followView, pan, reveal, zoomAt, type View } from './viewport';
import { StoreCore } from './state/core';
import type { UiState } from './state/ui';

export type { DetailTab, UiState } from './state/ui';
export type { StoreDeps } from './state/core';

export class Store extends StoreCore {
  // ---- selection --------------------------------------------------------------------------

  /** The executions listed (filtered), as a length and an accessor. */
  listLength(): number {
    return this.filter ? this.filter.matches.length : this.model.executions.length;
  }

  listAt(k: number): number {
    return this.filter ? this.filter.matches[k] : k;
  }

  /** Position of execution i in the list, or where it would go. */
  listPosition(i: number): number {
    if (!this.filter) return i;
    const m = this.filter.matches;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (m[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Select an execution (null clears). Selecting stops following: the person is looking at something. */
  select(i: number | null, opts: { reveal?: boolean } = {}): void {
    if (i !== null && (i < 0 || i >= this.model.executions.length)) return;
    if (i !== this.ui.selected) {
      const ex = i === null ? null : this.model.executions[i];
      this.api.postMessage({ type: 'selected', node: ex ? ex.node : null, ns: ex ? ex.ns : [] });
    }
    const patch: Partial<UiState> = { selected: i };
    if (i !== null) {
      patch.follow = false;
      // The list and the rows bring it into view; the time window only moves when asked.
      this.revealSeq++;
      if (opts.reveal !== false) {
        const ex = this.model.executions[i];
        const end = ex.end ?? (ex.status === 'running' ? this.now() : ex.start);
        const cur = this.view();
        const next = reveal(cur, ex.start, end, this.bounds());
        if (next !== cur) {
          patch.view = next;
          patch.zoomed = true;
        }
      }
    }
    this.setUi(patch);
  }

  /** Step through the listed executions: +1 next, -1 previous. */
  step(delta: number): void {
    const n = this.listLength();
    if (!n) return;
    const cur = this.ui.selected;
    let k: number;
    if (cur === null) k = delta > 0 ? 0 : n - 1;
    else {
      const pos = this.listPosition(cur);
      const inList = pos < n && this.listAt(pos) === cur;
      k = delta > 0 ? (inList ? pos + delta : pos) : pos + delta;
    }
    this.select(this.listAt(Math.max(0, Math.min(n - 1, k))));
  }

  selectFirst(): void {
    if (this.listLength()) this.select(this.listAt(0));
  }

  selectLast(): void {
    const n = this.listLength();
    if (n) this.select(this.listAt(n - 1));
  }

  /** Next/previous search match (among the listed executions) after the selection. */
  nextMatch(delta: 1 | -1): void {
    if (this.search && !this.search.done) {
      // Still being judged (a query just typed): jump once all of it is.
      this.pendingJump = delta;
      this.changed();
      return;
    }
    const m = this.search?.matches;
    if (!m || !m.length) return;
    const cur = this.ui.selected ?? (delta > 0 ? -1 : Infinity);
    const ok = (i: number) => !this.filter || this.filter.has(i);
    if (delta > 0) {
      for (const i of m) if (i > cur && ok(i)) return this.select(i);
      for (const i of m) if (ok(i)) return this.select(i); // wrap
    } else {
      for (let k = m.length - 1; k >= 0; k--) if (m[k] < cur && ok(m[k])) return this.select(m[k]);
      for (let k = m.length - 1; k >= 0; k--) if (ok(m[k])) return this.select(m[k]);
    }
  }

  protected override jumpToMatch(delta: 1 | -1): void {
    this.nextMatch(delta);
  }

  // ---- the time window --------------------------------------------------------------------

  /** Zooming keeps following (the latest stays in view), it only sets the width. */
  zoom(factor: number, anchor = 0.5): void {
    this.setUi({ view: zoomAt(this.view(), factor, anchor, this.bounds()), zoomed: true });
  }

  /** Panning is "scrolling": it stops following. */
  pan(dt: number): void {
    this.setUi({ view: pan(this.view(), dt, this.bounds()), follow: false, zoomed: true });
  }

  setView(v: View, opts: { follow?: boolean } = {}): void {
    this.setUi({ view: clampView(v, this.bounds()), zoomed: true, follow: opts.follow ?? false });
  }

  fitRun(): void {
    this.setUi({ view: null, zoomed: false });
  }

  /** The "follow" control: back to the latest, and keep it there. */
  followLatest(): void {
    const view = followView(this.ui.view, this.bounds(), this.ui.zoomed);
    this.revealSeq++;
    this.setUi({ follow: true, view: this.ui.zoomed ? view : null });
  }

  // ---- rows -------------------------------------------------------------------------------

  isCollapsed(key: string): boolean {
    return this.collapsedSet.has(key);
  }

  toggleRow(key: string, collapse?: boolean): void {
    const on = collapse ?? !this.collapsedSet.has(key);
    const next = this.ui.collapsed.filter((k) => k !== key);
    if (on) next.push(key);
    this.setUi({ collapsed: next });
  }

  setAllCollapsed(collapse: boolean): void {
    this.setUi({ collapsed: collapse ? [...this.index.rows.values()].filter((r) => r.children.length).map((r) => r.key) : [] });
  }

  /** Top of each shown row (rows grow a lane per execution running at once), and the total. */
  rowTops(): Float64Array {
    const rows = this.rows();
    const c = this.topsCache;
    if (c && c.rows === rows && c.lanes === this.index.laneVersion) return c.tops;
    const tops = rowTops(rows);
    this.topsCache = { rows, lanes: this.index.laneVersion, tops };
    return tops;
  }

  private topsCache: { rows: Row[]; lanes: number; tops: Float64Array } | null = null;

  /** Rows shown: collapsed subtrees skipped; with a filter, only rows with a match (or above one). */
  rows(): Row[] {
    const f = this.filter;
    const key = `${this.index.rowsVersion}|${this.ui.collapsed.join('\u0002')}|${f ? `${f.query}|${f.matches.length}` : ''}`;
    if (this.rowsCache && this.rowsCache.key === key) return this.rowsCache.rows;
    let keep: ((r: Row) => boolean) | undefined;
    if (f) {
      const hit = new Set<Row>();
      for (const i of f.matches) {
        for (let r: Row | null = this.index.rowOf[i]; r && !hit.has(r); r = r.parent) hit.add(r);
      }
      keep = (r) => hit.has(r);
    }
    const rows = visibleRows(this.index, this.collapsedSet, keep);
    this.rowsCache = { key, rows };
    return rows;
  }
}
