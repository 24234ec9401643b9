// The panel's UI state (selection, follow, the time window, filter, search, collapsed rows, the
// detail tab, the graph pane's collapsed clusters) and what of it survives a reload: VS Code's
// getState/setState, for the same session only. Pure.
import { span, type View } from '../viewport';
import type { WebviewApi } from '../vscodeApi';

export type DetailTab = 'wrote' | 'changed' | 'state';

export interface UiState {
  selected: number | null;
  /** Keep the latest in view; off once the person pans, scrolls back or selects. */
  follow: boolean;
  /** The person chose a zoom level (otherwise the window fits the run). */
  zoomed: boolean;
  /** Visible time window; null = fit the run. */
  view: View | null;
  filter: string;
  search: string;
  collapsed: string[];
  tab: DetailTab;
  /** Subgraph clusters the person collapsed in the graph pane (their ids). */
  graphCollapsed: string[];
}

/** What survives a reload (VS Code's getState/setState), for the same session only. */
export interface Persisted {
  v: 1;
  sessionId: string;
  ui: UiState;
}

export const DEFAULT_UI: UiState = { selected: null, follow: true, zoomed: false, view: null, filter: '', search: '', collapsed: [], tab: 'changed', graphCollapsed: [] };

export function readPersisted(s: unknown): Persisted | null {
  if (typeof s !== 'object' || s === null) return null;
  const p = s as Partial<Persisted>;
  if (p.v !== 1 || typeof p.sessionId !== 'string' || typeof p.ui !== 'object' || p.ui === null) return null;
  const ui = { ...DEFAULT_UI, ...p.ui };
  if (!Array.isArray(ui.collapsed)) ui.collapsed = [];
  ui.graphCollapsed = Array.isArray(ui.graphCollapsed) ? ui.graphCollapsed.filter((c): c is string => typeof c === 'string') : [];
  if (ui.view && !(Number.isFinite(ui.view.start) && Number.isFinite(ui.view.end) && ui.view.end > ui.view.start)) ui.view = null;
  if (!['wrote', 'changed', 'state'].includes(ui.tab)) ui.tab = DEFAULT_UI.tab;
  return { v: 1, sessionId: p.sessionId, ui };
}

/** Saves the UI state when it changed, and no more often than that. */
export class UiPersister {
  private key = '';
  private view: View | null = null;

  save(api: WebviewApi, sessionId: string, ui: UiState, live: boolean): void {
    // While following, the window slides every frame; what matters is its width, which only a
    // zoom changes. Saving it every frame would post a message to VS Code every frame.
    if (ui.follow && live && ui.view) {
      const prev = this.view;
      const same = prev && Math.abs(span(prev) - span(ui.view)) <= span(ui.view) * 0.01;
      if (!same) this.view = ui.view;
      ui = { ...ui, view: this.view };
    } else this.view = ui.view;
    const state: Persisted = { v: 1, sessionId, ui };
    const key = JSON.stringify(state);
    if (key === this.key) return;
    this.key = key;
    api.setState(state);
  }
}
