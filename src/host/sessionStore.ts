// What every session holds, whatever feeds it (a stream, a thread's history, a recording): the
// events — the source of truth for every panel —, the status, what was fetched besides, and the
// notifications panels and the status bar follow. Panels that were hidden catch up from `events`.
import * as vscode from 'vscode';
import type { HostEventName, RunEvent } from '../shared/events';
import { isLivePhase, type SessionInfo, type SessionStatus } from '../shared/protocol';
import type { SessionGraph } from '../shared/assistantGraph';

export class SessionStore implements vscode.Disposable {
  readonly events: RunEvent[] = [];
  status: SessionStatus = { phase: 'connecting' };
  /** History and final state fetched when the run ended (or read from a recording). */
  extras: Record<string, unknown> | undefined;
  /** The assistant's graph, once fetched (a recording's from its file). */
  graph: SessionGraph | undefined;
  /** Resolves when the session has nothing more coming, however it ends. */
  readonly done: Promise<void> = Promise.resolve();
  /** One per run of the session: a new run on the thread gets a fresh one. */
  protected abort = new AbortController();
  protected readonly onEventsEmitter = new vscode.EventEmitter<{ from: number; events: RunEvent[] }>();
  protected readonly onStatusEmitter = new vscode.EventEmitter<SessionStatus>();
  protected readonly onExtrasEmitter = new vscode.EventEmitter<Record<string, unknown>>();
  protected readonly onResetEmitter = new vscode.EventEmitter<void>();
  readonly onEvents = this.onEventsEmitter.event;
  readonly onStatus = this.onStatusEmitter.event;
  readonly onExtras = this.onExtrasEmitter.event;
  /** The events were replaced, not appended to (a thread's older runs came in): start over. */
  readonly onReset = this.onResetEmitter.event;

  protected constructor(readonly info: SessionInfo) {}

  get active(): boolean {
    return isLivePhase(this.status.phase);
  }

  protected setDone(p: Promise<void>): void {
    (this as { done: Promise<void> }).done = p;
  }

  protected setStatus(st: SessionStatus): void {
    this.status = st;
    this.onStatusEmitter.fire(st);
  }

  protected append(events: RunEvent[]): void {
    if (!events.length) return;
    const from = this.events.length;
    // Not push(...events): a spread of a few hundred thousand items overflows the stack.
    for (const e of events) this.events.push(e);
    this.onEventsEmitter.fire({ from, events });
  }

  /** A host event: part of the session's story (and of its recording). */
  protected emit(event: HostEventName, data: unknown, t = Date.now()): void {
    this.append([{ id: null, event, ns: [], data, t }]);
  }

  /** Replace what the session holds (a thread's older runs arrived): panels take a new snapshot. */
  protected reset(events: RunEvent[]): void {
    if (events.length === this.events.length && events.every((e, i) => e === this.events[i])) return;
    if (this.events.length <= events.length && this.events.every((e, i) => e === events[i])) return this.append(events.slice(this.events.length));
    this.events.length = 0;
    for (const e of events) this.events.push(e);
    this.info.revision = (this.info.revision ?? 0) + 1;
    this.onResetEmitter.fire();
  }

  protected setExtras(extras: Record<string, unknown>): void {
    this.extras = { ...(this.extras ?? {}), ...extras };
    this.onExtrasEmitter.fire(this.extras);
  }

  dispose(): void {
    this.abort.abort();
    this.onEventsEmitter.dispose();
    this.onStatusEmitter.dispose();
    this.onExtrasEmitter.dispose();
    this.onResetEmitter.dispose();
  }
}
