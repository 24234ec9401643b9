// A status bar item for the active run: the node that ran last, elapsed time; click opens its
// timeline. Ticks once a second while something streams, and stops when nothing does.
import * as vscode from 'vscode';
import type { RunSession } from './runSession';
import { isRecord } from '../shared/events';
import { plural } from '../shared/text';

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('langgraph.run', vscode.StatusBarAlignment.Left, 50);
  private session: RunSession | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private subs: vscode.Disposable[] = [];
  private visible = false;

  constructor() {
    this.item.name = 'LangGraph Run';
    this.item.command = 'langgraph.openTimeline';
  }

  /** What the item shows now (read-only; the integration tests check it). */
  get shown(): { visible: boolean; text: string; tooltip: string } {
    return { visible: this.visible, text: this.item.text, tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : this.item.tooltip?.value ?? '' };
  }

  track(s: RunSession): void {
    for (const d of this.subs) d.dispose();
    this.session = s;
    this.subs = [s.onStatus(() => this.update()), s.onEvents(() => this.update())];
    this.update();
  }

  private update(): void {
    const s = this.session;
    if (!s) {
      this.visible = false;
      return this.item.hide();
    }
    const elapsed = formatElapsed(Date.now() - s.info.startedAt);
    const last = lastNode(s);
    const phase = s.status.phase;
    const icon = s.active ? (phase === 'reconnecting' ? '$(debug-disconnect)' : '$(sync~spin)') : phase === 'error' ? '$(error)' : phase === 'interrupted' ? '$(debug-pause)' : phase === 'cancelled' ? '$(circle-slash)' : phase === 'loading' ? '$(cloud-download)' : '$(pass)';
    this.item.text = `${icon} ${s.info.title}${last ? ` · ${last}` : ''}${s.active ? ` · ${elapsed}` : ''}`;
    this.item.tooltip = `LangGraph run: ${s.info.title}${s.info.runId ? ` (run ${s.info.runId})` : ''}\n${phase}${s.status.message ? `: ${s.status.message}` : ''}\n${plural(s.events.length, 'event')} — click to open the timeline`;
    this.item.backgroundColor = phase === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : phase === 'reconnecting' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    this.visible = true;
    if (s.active && !this.timer) this.timer = setInterval(() => this.update(), 1000);
    if (!s.active && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.subs) d.dispose();
    this.item.dispose();
  }
}

function lastNode(s: RunSession): string | undefined {
  for (let i = s.events.length - 1; i >= 0 && i >= s.events.length - 50; i--) {
    const e = s.events[i];
    if ((e.event === 'updates' || e.event === 'tasks') && isRecord(e.data)) {
      if (e.event === 'tasks') return typeof e.data.name === 'string' ? e.data.name : undefined;
      const k = Object.keys(e.data)[0];
      if (k && k !== '__interrupt__') return k;
    }
  }
  return undefined;
}

function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
