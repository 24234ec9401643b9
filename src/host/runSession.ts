// A run being watched: the host keeps every event (the source of truth for every panel), streams
// from the deployment, and tells listeners. Panels that were hidden catch up from `events`.
import * as vscode from 'vscode';
import { LangGraphClient, LangGraphError, fetchRunExtras, runErrorOf, type ConnectionState, type RunParams, type RunStream, type StreamMode } from '../client';
import { isRecord, type RunEvent } from '../shared/events';
import { isLivePhase, type SessionInfo, type SessionStatus } from '../shared/protocol';
import { log } from './log';
import { shortId } from '../shared/ids';
import { FIRST_SLICE } from '../shared/panelFeed';
import type { RecordingReader } from '../shared/recording';

export interface StartSpec {
  client: LangGraphClient;
  deploymentName: string;
  assistantId: string;
  graphId?: string;
  /** Existing thread, or undefined to create one. */
  threadId?: string;
  input?: unknown;
  command?: RunParams['command'];
  streamMode?: StreamMode[];
  streamSubgraphs?: boolean;
  checkpointId?: string;
}

let counter = 0;
/** Events of a big recording read per turn of the event loop (~15 ms of parsing: the host stays responsive). */
const READ_SLICE = 5_000;

export class RunSession implements vscode.Disposable {
  readonly events: RunEvent[] = [];
  status: SessionStatus = { phase: 'connecting' };
  private readonly abort = new AbortController();
  private readonly onEventsEmitter = new vscode.EventEmitter<{ from: number; events: RunEvent[] }>();
  private readonly onStatusEmitter = new vscode.EventEmitter<SessionStatus>();
  readonly onEvents = this.onEventsEmitter.event;
  readonly onStatus = this.onStatusEmitter.event;
  /** History and final state fetched when the run ended (or read from a recording). */
  extras: Record<string, unknown> | undefined;
  private readonly onExtrasEmitter = new vscode.EventEmitter<Record<string, unknown>>();
  readonly onExtras = this.onExtrasEmitter.event;
  /** Resolves when the stream ends, however it ends. */
  readonly done: Promise<void>;
  private client?: LangGraphClient;

  private constructor(readonly info: SessionInfo) {
    this.done = Promise.resolve();
  }

  static fromRecording(info: Omit<SessionInfo, 'id'>, events: RunEvent[], extras?: Record<string, unknown>): RunSession {
    const s = new RunSession({ ...info, id: `s${++counter}` });
    s.extras = extras;
    // Not push(...events): a spread of a few hundred thousand items overflows the stack.
    for (const e of events) s.events.push(e);
    s.status = { phase: 'recorded', message: `${events.length} recorded events` };
    return s;
  }

  /**
   * A recording read as it is shown: the first events at once (the panel paints them), the rest a
   * slice per turn of the event loop, so a big file neither delays the panel nor blocks the
   * extension host. `done` resolves when all is read; a bad line later in the file ends the
   * session in `error`, naming the line, with what came before it kept.
   */
  static readRecording(info: Omit<SessionInfo, 'id'>, reader: RecordingReader, extras?: Record<string, unknown>): RunSession {
    const s = RunSession.fromRecording(info, reader.read(FIRST_SLICE), extras);
    if (reader.done) return s;
    s.status = { phase: 'loading', message: 'reading the recording…' };
    (s as { done: Promise<void> }).done = (async () => {
      try {
        while (!reader.done) {
          await new Promise((r) => setImmediate(r));
          if (s.abort.signal.aborted) return;
          const from = s.events.length;
          const batch = reader.read(READ_SLICE);
          for (const e of batch) s.events.push(e);
          if (batch.length) s.onEventsEmitter.fire({ from, events: batch });
        }
        s.setStatus({ phase: 'recorded', message: `${s.events.length} recorded events` });
      } catch (e) {
        const message = `${(e as Error).message} — showing the ${s.events.length} events before it`;
        log.warn(`recording: ${message}`);
        s.setStatus({ phase: 'error', message });
        void vscode.window.showErrorMessage(`The recording is damaged: ${message}.`);
      }
    })();
    return s;
  }

  static start(spec: StartSpec): RunSession {
    const s = new RunSession({
      id: `s${++counter}`,
      title: `${spec.graphId ?? spec.assistantId}`,
      deploymentName: spec.deploymentName,
      url: spec.client.baseUrl,
      assistantId: spec.assistantId,
      graphId: spec.graphId,
      threadId: spec.threadId ?? null,
      runId: null,
      streamMode: spec.streamMode ?? ['updates'],
      startedAt: Date.now(),
      input: spec.input,
    });
    s.client = spec.client;
    (s as { done: Promise<void> }).done = s.run(spec);
    return s;
  }

  get active(): boolean {
    return isLivePhase(this.status.phase);
  }

  cancel(): void {
    this.abort.abort();
  }

  /** Ask the server to stop the run too (the stream alone would leave it running: on_disconnect=continue). */
  async cancelOnServer(): Promise<void> {
    const { threadId, runId } = this.info;
    if (this.client && threadId && runId) {
      await this.client.cancelRun(threadId, runId, { action: 'interrupt' });
    }
    this.cancel();
  }

  private setStatus(st: SessionStatus): void {
    this.status = st;
    this.onStatusEmitter.fire(st);
  }

  static join(spec: { client: LangGraphClient; deploymentName: string; assistantId: string; graphId?: string; threadId: string; runId: string; status?: string }): RunSession {
    const s = new RunSession({
      id: `s${++counter}`,
      title: `${spec.graphId ?? spec.assistantId} · run ${shortId(spec.runId)}`,
      deploymentName: spec.deploymentName,
      url: spec.client.baseUrl,
      assistantId: spec.assistantId,
      graphId: spec.graphId,
      threadId: spec.threadId,
      runId: spec.runId,
      startedAt: Date.now(),
    });
    s.client = spec.client;
    log.info(`join: GET ${spec.client.baseUrl}/threads/${spec.threadId}/runs/${spec.runId}/stream (Last-Event-ID: -1)`);
    (s as { done: Promise<void> }).done = s.consume(() => spec.client.joinRun(spec.threadId, spec.runId, { ...s.control(), lastEventId: '-1' }));
    return s;
  }

  private control() {
    return {
      signal: this.abort.signal,
      onConnection: (c: ConnectionState) => {
        if (c.state === 'connected') {
          this.info.runId ??= c.runId;
          this.setStatus({ phase: 'streaming' });
        } else if (c.state === 'reconnecting') {
          log.warn(`run ${this.info.runId}: connection lost (${c.reason}); reconnecting, attempt ${c.attempt} in ${c.delayMs} ms after event ${c.lastEventId}`);
          this.setStatus({ phase: 'reconnecting', message: `Reconnecting (attempt ${c.attempt})…` });
        } else if (c.state === 'resumed') {
          log.info(`run ${this.info.runId}: rejoined after event ${c.lastEventId}`);
          this.setStatus({ phase: 'streaming' });
        }
      },
    };
  }

  private async run(spec: StartSpec): Promise<void> {
    const client = spec.client;
    const modes = spec.streamMode ?? ['updates'];
    const narrower = modes.filter((m) => m === 'updates');
    // `tasks` gives real durations where the server supports it; an older server refuses the
    // mode with a 400 before any event: run again with `updates` alone rather than fail.
    const retry = narrower.length && narrower.length < modes.length ? () => {
      log.warn(`run: the server refused stream modes ${modes.join(',')}; retrying with ${narrower.join(',')}`);
      this.info.streamMode = narrower;
      return this.run({ ...spec, threadId: this.info.threadId ?? spec.threadId, streamMode: narrower });
    } : undefined;
    return this.consume(async () => {
      let threadId = spec.threadId;
      if (!threadId) {
        const t = await client.createThread({ metadata: { graph_id: spec.graphId ?? spec.assistantId, created_by: 'langgraph-timeline' } }, this.abort.signal);
        threadId = t.thread_id;
      }
      this.info.threadId = threadId;
      log.info(`run: POST ${client.baseUrl}/threads/${threadId}/runs/stream assistant=${spec.assistantId} modes=${(spec.streamMode ?? ['updates']).join(',')}`);
      return client.streamRun(
        threadId,
        { assistantId: spec.assistantId, input: spec.input, command: spec.command, streamMode: spec.streamMode, streamSubgraphs: spec.streamSubgraphs, checkpointId: spec.checkpointId },
        this.control(),
      );
    }, retry);
  }

  private async consume(open: () => RunStream | Promise<RunStream>, retryNarrower?: () => Promise<void>): Promise<void> {
    try {
      const stream = await open();
      let failed: string | undefined;
      let interrupted = false;
      for await (const ev of stream) {
        const from = this.events.length;
        this.events.push(ev);
        this.onEventsEmitter.fire({ from, events: [ev] });
        const re = runErrorOf(ev);
        if (re) failed = re.message;
        if (ev.event === 'updates' && ev.ns.length === 0 && isRecord(ev.data) && '__interrupt__' in ev.data) interrupted = true;
      }
      this.info.runId ??= stream.runId;
      if (failed) this.setStatus({ phase: 'error', message: failed });
      else if (interrupted) this.setStatus({ phase: 'interrupted', message: 'The run is waiting at an interrupt.' });
      else this.setStatus({ phase: 'done' });
      log.info(`run ${this.info.runId}: ended (${this.status.phase}), ${this.events.length} events`);
      await this.fetchExtras();
    } catch (e) {
      if (e instanceof LangGraphError && e.kind === 'aborted') {
        this.setStatus({ phase: 'cancelled', message: 'Stopped watching this run.' });
      } else if (retryNarrower && this.events.length === 0 && e instanceof LangGraphError && e.kind === 'bad-request' && /stream.?mode/i.test(e.message)) {
        return retryNarrower();
      } else {
        const msg = e instanceof Error ? e.message : String(e);
        log.error(`run ${this.info.runId ?? '(not started)'}: ${msg}`);
        this.setStatus({ phase: 'error', message: msg });
      }
    }
  }

  /** The server's truth for the model (custom reducers, exact steps): fetched once the run ended. */
  private async fetchExtras(): Promise<void> {
    const threadId = this.info.threadId;
    if (!this.client || !threadId) return;
    try {
      const x = await fetchRunExtras(this.client, threadId, this.abort.signal);
      this.extras = { ...(this.extras ?? {}), ...x };
      this.onExtrasEmitter.fire(this.extras);
    } catch (e) {
      log.warn(`run ${this.info.runId}: could not fetch the thread's history (${(e as Error).message}); steps stay estimated`);
    }
  }

  dispose(): void {
    this.onExtrasEmitter.dispose();
    this.abort.abort();
    this.onEventsEmitter.dispose();
    this.onStatusEmitter.dispose();
  }
}
