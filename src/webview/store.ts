// The webview's state: the session's events, the run model built from them, and UI state.
// Incoming events mutate the model; one scheduled render per animation frame coalesces them.
import { RunModel } from '../shared/runModel';
import type { RunEvent } from '../shared/events';
import type { SessionInfo, SessionStatus, ToWebview } from '../shared/protocol';
import { post } from './vscodeApi';

export interface UiState {
  selected: number | null;
  follow: boolean;
}

export class Store {
  session: SessionInfo | null = null;
  status: SessionStatus = { phase: 'connecting' };
  events: RunEvent[] = [];
  model = new RunModel();
  ui: UiState = { selected: null, follow: true };
  private listeners = new Set<() => void>();
  private frame = 0;
  private reported = '';

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Coalesce any number of changes into one render on the next animation frame. */
  changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const l of this.listeners) l();
      this.report();
    });
  }

  setUi(patch: Partial<UiState>): void {
    this.ui = { ...this.ui, ...patch };
    this.changed();
  }

  handle(m: ToWebview): void {
    switch (m.type) {
      case 'session/snapshot':
        this.session = m.session;
        this.status = m.status;
        this.events = m.events.slice();
        this.model = RunModel.from(this.events);
        if (isFinal(m.status.phase)) this.model.end();
        this.ui = { selected: null, follow: true };
        break;
      case 'session/events':
        if (!this.session || m.sessionId !== this.session.id) return;
        if (m.from > this.events.length) {
          // A batch was lost (the panel was hidden): ask for everything from what we have.
          post({ type: 'resync', sessionId: m.sessionId, from: this.events.length });
          return;
        }
        for (const ev of m.events.slice(this.events.length - m.from)) {
          this.events.push(ev);
          this.model.apply(ev);
        }
        break;
      case 'session/status':
        if (!this.session || m.sessionId !== this.session.id) return;
        this.status = m.status;
        if (isFinal(m.status.phase)) this.model.end();
        break;
      case 'session/none':
        this.session = null;
        this.events = [];
        this.model = new RunModel();
        break;
      default: {
        const never: never = m;
        post({ type: 'log', level: 'warn', message: `unknown message ${JSON.stringify(never).slice(0, 80)}` });
        return;
      }
    }
    this.changed();
  }

  private report(): void {
    if (!this.session) return;
    const key = `${this.session.id}:${this.events.length}:${this.model.executions.length}`;
    if (key === this.reported) return;
    this.reported = key;
    post({ type: 'rendered', sessionId: this.session.id, events: this.events.length, executions: this.model.executions.length });
  }
}

function isFinal(p: SessionStatus['phase']): boolean {
  return p === 'done' || p === 'error' || p === 'interrupted' || p === 'cancelled' || p === 'recorded';
}
