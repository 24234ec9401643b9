// The graph split's width and whether it is shown: a preference of the person's, not of a run,
// so it is kept in the webview's localStorage (across runs and reloads) rather than in the
// per-session UI state. The toolbar's toggle and the pane both follow it.
const KEY = 'lgt.graphPane';

export interface PaneState {
  /** Dragged width in px; null until the person drags the split. */
  width: number | null;
  hidden: boolean;
}

let state: PaneState = load();
const listeners = new Set<() => void>();

function load(): PaneState {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<PaneState> | null;
    return { width: typeof v?.width === 'number' && Number.isFinite(v.width) ? v.width : null, hidden: v?.hidden === true };
  } catch {
    return { width: null, hidden: false };
  }
}

export function paneState(): PaneState {
  return state;
}

export function setPaneState(patch: Partial<PaneState>): void {
  state = { ...state, ...patch };
  try {
    localStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // No storage (a sandboxed page): the split starts at its default next time.
  }
  for (const l of listeners) l();
}

export function onPaneState(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
