// A session fed from a deployment: one run streamed, a thread's runs one after another (a resume,
// a fork, a re-run chained into it; a thread opened from the tree, its finished runs told from its
// history), or a recording read in slices. The events and notifications live in SessionStore.
import * as vscode from 'vscode';
import { LangGraphClient, LangGraphError, fetchRunExtras, joinedRunStart, lostRunOf, fetchSessionGraph, historyCovers, isCancelEvent, readHistory, runEnded, runErrorOf, type ConnectionState, type RunParams, type RunStream, type StreamMode } from '../client';
import { isRecord, runStartOf, type DebugStopNote, type RunEvent, type RunStart } from '../shared/events';
import { runEventsFromHistory } from '../shared/historyRuns';
import type { SessionInfo } from '../shared/protocol';
import type { SessionGraph } from '../shared/assistantGraph';
import { log } from './log';
import { SessionStore } from './sessionStore';
import { shortId } from '../shared/ids';
import { plural } from '../shared/text';
import { FIRST_SLICE } from '../shared/panelFeed';
import type { RecordingReader } from '../shared/recording';

/** A run to start on the session's thread (a resume, a fork, continuing after a stop, new input). */
export interface ChainSpec {
  input?: unknown;
  command?: RunParams['command'];
  checkpointId?: string;
  /** How it begins, for the story the panel tells (default: from command / checkpointId). */
  kind?: RunStart['kind'];
  fork?: RunStart['fork'];
}

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
  kind?: RunStart['kind'];
  fork?: RunStart['fork'];
}

let counter = 0;
/** Checkpoints read for a thread's story (its older runs are told from them). */
const THREAD_HISTORY_LIMIT = 1000;
/** How long a cancelled run's stream may take to close on its own before we stop reading it. */
const CANCEL_GRACE_MS = 5_000;
/** Events of a big recording read per turn of the event loop (~15 ms of parsing: the host stays responsive). */
const READ_SLICE = 5_000;

/** A session that streams from a deployment: one run, or a thread's runs one after another. */
export class RunSession extends SessionStore {
  /** The person asked the server to cancel the current run. */
  private cancelling = false;
  private spec?: StartSpec;
  private client?: LangGraphClient;

  private constructor(info: SessionInfo) {
    super(info);
  }

  static fromRecording(info: Omit<SessionInfo, 'id'>, events: RunEvent[], extras?: Record<string, unknown>): RunSession {
    const s = new RunSession({ ...info, id: `s${++counter}` });
    s.extras = extras;
    // Not push(...events): a spread of a few hundred thousand items overflows the stack.
    for (const e of events) s.events.push(e);
    s.status = { phase: 'recorded', message: `${plural(events.length, 'recorded event')}` };
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
    s.setDone((async () => {
      try {
        while (!reader.done) {
          await new Promise((r) => setImmediate(r));
          if (s.abort.signal.aborted) return;
          s.append(reader.read(READ_SLICE));
        }
        s.setStatus({ phase: 'recorded', message: `${plural(s.events.length, 'recorded event')}` });
      } catch (e) {
        const message = `${(e as Error).message} — showing the ${plural(s.events.length, 'event')} before it`;
        log.warn(`recording: ${message}`);
        s.setStatus({ phase: 'error', message });
        void vscode.window.showErrorMessage(`The recording is damaged: ${message}.`);
      }
    })());
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
      streamSubgraphs: !!spec.streamSubgraphs,
    });
    s.client = spec.client;
    s.spec = spec;
    if (!spec.streamSubgraphs) s.learnSubgraphs();
    s.mark(spec);
    s.setDone(s.run(spec));
    return s;
  }

  /**
   * The thread goes on in this session: a resume, a fork, a re-run. Its events follow the ones
   * already here, so the panel tells the thread's story rather than the last run's.
   */
  chain(spec: ChainSpec): void {
    if (!this.client || !this.info.threadId || !this.info.assistantId) throw new Error('This session cannot start runs (a recording, or no thread).');
    if (this.active) throw new Error(`A run of thread ${shortId(this.info.threadId)} is still streaming here; wait for it or cancel it first.`);
    this.abort = new AbortController();
    this.cancelling = false;
    this.info.runId = null;
    const next: StartSpec = {
      ...(this.spec ?? { client: this.client, deploymentName: this.info.deploymentName ?? '', assistantId: this.info.assistantId, graphId: this.info.graphId, streamMode: this.info.streamMode as StreamMode[] | undefined }),
      threadId: this.info.threadId,
      input: spec.input,
      command: spec.command,
      checkpointId: spec.checkpointId,
      kind: spec.kind,
      fork: spec.fork,
    };
    this.spec = next;
    this.setStatus({ phase: 'connecting' });
    this.mark(next);
    this.setDone(this.run(next));
  }

  /**
   * A thread's runs in order. Finished runs are told from the thread's history (root writes, on the
   * server's clock): a finished run's stored stream may hold `values` only (a background run's
   * default), or nothing at all (not resumable: a join would wait for events that never come).
   * The history is read newest first: once it reaches back past the picked run, that run is shown
   * alone, and the older ones follow when the rest has been read (one new snapshot). Runs still
   * going are joined for their whole stream.
   */
  private async tellThread(runs: { runId: string; status?: string; kwargs?: unknown }[], focus: string | undefined): Promise<void> {
    const client = this.client!;
    const threadId = this.info.threadId!;
    const finished = (r: { status?: string }) => runEnded(r.status);
    const tell = (h: unknown[], list: typeof runs) => list.flatMap((r) => (finished(r) ? runEventsFromHistory(h, r.runId, runStartOf(r.kwargs)) : []));
    const shown = runs.find((r) => r.runId === focus) ?? runs[runs.length - 1];
    let history: unknown[] = [];
    let first: RunEvent[] = [];
    if (runs.some(finished)) {
      try {
        history = await readHistory(client, threadId, {
          limit: THREAD_HISTORY_LIMIT,
          signal: this.abort.signal,
          // The picked run first, when it is the last finished one (a chat's latest turn).
          covers: (h) => !!shown && shown === runs.filter(finished).at(-1) && historyCovers(h, shown.runId),
          onFirst: (h) => {
            first = tell(h, [shown!]);
            this.append(first);
          },
        });
      } catch (e) {
        log.warn(`thread ${threadId}: no history (${(e as Error).message}); joining every run`);
      }
    }
    const all: RunEvent[] = [];
    const live: typeof runs = [];
    for (const r of runs) {
      // The picked run was told from a history that reached past its start: the same events.
      const told = r === shown && first.length ? first : tell(history, [r]);
      if (told.length) for (const e of told) all.push(e);
      else live.push(r);
    }
    this.reset(all);
    if (history.length) this.setExtras({ history });
    for (const r of live) {
      if (this.abort.signal.aborted) return;
      await this.joinOne(r.runId, r.status, r.kwargs);
    }
    if (!live.length) {
      this.setStatus({ phase: 'done', message: `${plural(runs.length, 'run')} of the thread, told from its history` });
      await this.fetchExtras();
    }
  }

  /**
   * Which nodes run a subgraph: streamed without `stream_subgraphs`, such a node is one flat bar,
   * and the panel says that there is more inside. Best effort: a server that refuses says nothing.
   */
  private learnSubgraphs(): void {
    const id = this.info.assistantId;
    if (!this.client || !id) return;
    void this.client.getAssistantSubgraphs(id, {}, this.abort.signal).then(
      (r) => {
        const nodes = [...new Set(Object.keys(r).map((k) => k.split('|')[0]).filter(Boolean))];
        if (!nodes.length) return;
        this.info.subgraphs = nodes;
        this.setStatus({ ...this.status });
      },
      () => undefined,
    );
  }

  private graphLoading: Promise<SessionGraph | undefined> | undefined;

  /**
   * The assistant's graph for the panel, fetched once (a recording's comes from its file). Never
   * rejects; undefined when there is no deployment to ask (a recording made without one).
   */
  loadGraph(): Promise<SessionGraph | undefined> {
    if (this.graph) return Promise.resolve(this.graph);
    const id = this.info.assistantId;
    if (!this.client || !id) return Promise.resolve(undefined);
    return (this.graphLoading ??= fetchSessionGraph(this.client, id).then((g) => {
      if (g.error) log.warn(`graph of ${id}: ${g.error}`);
      return (this.graph = g);
    }));
  }

  private mark(spec: StartSpec): void {
    const kind: RunStart['kind'] = spec.kind ?? (spec.command && 'resume' in spec.command ? 'resume' : spec.checkpointId ? 'fork' : 'input');
    const start: RunStart = { kind };
    if (spec.input !== undefined && spec.input !== null) start.input = spec.input;
    if (spec.command !== undefined) start.command = spec.command;
    if (spec.fork) start.fork = spec.fork;
    this.emit('lgt/run', start);
  }

  /**
   * A run started on this thread by someone else (the debugger): joined from its first event once
   * what is shown now has ended, so the thread's runs follow one another in this session.
   */
  follow(runId: string, kind?: RunStart['kind']): void {
    const before = this.done;
    this.setDone(before.catch(() => undefined).then(() => {
      this.abort = new AbortController();
      this.cancelling = false;
      this.setStatus({ phase: 'connecting' });
      return this.joinOne(runId, undefined, undefined, kind);
    }));
  }

  /** Why the debugger stopped each run (by run id), as its Call Stack says it. */
  private readonly stops = new Map<string, string>();

  /**
   * The debugger stopped a run of this session: the story and the status say why ("Stepped:
   * before finalize"), not only that a static breakpoint paused it.
   */
  noteStop(s: DebugStopNote): void {
    this.emit('lgt/stop', s);
    if (!s.runId) return;
    this.stops.set(s.runId, s.description);
    if (this.status.phase === 'interrupted' && this.info.runId === s.runId) this.setStatus({ ...this.status, message: `Stopped by the debugger: ${s.description}.` });
  }

  /** The deployment's client (none for a recording). */
  get api(): LangGraphClient | undefined {
    return this.client;
  }

  /** It can start the thread's next run (a live session on a thread, not a recording). */
  get canChain(): boolean {
    return !!this.client && !!this.info.threadId && !!this.info.assistantId;
  }

  /** Stop watching (the run goes on on the server). */
  cancel(): void {
    this.abort.abort();
  }

  /**
   * Cancel the run on the server (`action=interrupt`: it keeps its last checkpoint, so it can be
   * continued). The server then closes the stream; the session ends `cancelled`, with the nodes
   * that were running ended at the cancel.
   */
  async cancelOnServer(): Promise<void> {
    const { threadId, runId } = this.info;
    // This run's: the server may answer the cancel after the stream has closed and a Continue has
    // started the thread's next run, whose stream the grace timer must not cut.
    const done = this.done;
    const abort = this.abort;
    this.cancelling = true;
    if (this.client && threadId && runId) {
      try {
        await this.client.cancelRun(threadId, runId, { action: 'interrupt' });
      } catch (e) {
        this.cancelling = false;
        throw e;
      }
    }
    const grace = setTimeout(() => abort.abort(), CANCEL_GRACE_MS);
    await done;
    clearTimeout(grace);
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
    s.spec = { client: spec.client, deploymentName: spec.deploymentName, assistantId: spec.assistantId, graphId: spec.graphId, threadId: spec.threadId };
    s.setDone(s.joinOne(spec.runId, spec.status));
    return s;
  }

  /**
   * Join one run of the thread from its first event. A run that has already ended is a replay:
   * its events arrive in one burst, so the model draws it from the server's checkpoint times.
   */
  private async joinOne(runId: string, known?: string, kwargs?: unknown, kind?: RunStart['kind']): Promise<void> {
    const client = this.client!;
    const threadId = this.info.threadId!;
    let status = known;
    let createdAt: string | undefined;
    if (status === undefined || kwargs === undefined) {
      const run = await client.getRun(threadId, runId, this.abort.signal).catch(() => undefined);
      status ??= run?.status;
      kwargs ??= run?.kwargs;
      createdAt = run?.created_at;
    }
    const replay = runEnded(status);
    this.info.runId = runId;
    // Who started it knows best how it began (a debugger's Continue names its checkpoint: not a fork).
    this.emit('lgt/run', joinedRunStart(runId, status, kwargs, createdAt, kind));
    log.info(`join: GET ${client.baseUrl}/threads/${threadId}/runs/${runId}/stream (Last-Event-ID: -1)${replay ? ', a replay' : ''}`);
    return this.consume(() => client.joinRun(threadId, runId, { ...this.control(), lastEventId: '-1' }), undefined, status);
  }

  /**
   * A thread's runs, oldest first, one session (see tellThread: finished runs from the history,
   * running ones joined), so the panel shows the whole story. `focus` is the run the person picked.
   */
  static joinThread(spec: { client: LangGraphClient; deploymentName: string; assistantId: string; graphId?: string; threadId: string; runs: { runId: string; status?: string; kwargs?: unknown }[]; focus?: string }): RunSession {
    const focus = spec.focus ?? spec.runs[spec.runs.length - 1]?.runId;
    const s = new RunSession({
      id: `s${++counter}`,
      title: `${spec.graphId ?? spec.assistantId} · thread ${shortId(spec.threadId)}`,
      deploymentName: spec.deploymentName,
      url: spec.client.baseUrl,
      assistantId: spec.assistantId,
      graphId: spec.graphId,
      threadId: spec.threadId,
      runId: focus ?? null,
      focusRunId: focus,
      startedAt: Date.now(),
    });
    s.client = spec.client;
    s.spec = { client: spec.client, deploymentName: spec.deploymentName, assistantId: spec.assistantId, graphId: spec.graphId, threadId: spec.threadId };
    s.setDone(s.tellThread(spec.runs, focus));
    return s;
  }

  private control() {
    return {
      signal: this.abort.signal,
      onConnection: (c: ConnectionState) => {
        if (c.state === 'connected') {
          this.info.runId ??= c.runId;
          this.setStatus({ phase: 'streaming' });
          if (c.runId) this.readServerClock(c.runId);
        } else if (c.state === 'reconnecting') {
          log.warn(`run ${this.info.runId}: connection lost (${c.reason}); reconnecting, attempt ${c.attempt} in ${c.delayMs} ms after event ${c.lastEventId}`);
          this.setStatus({ phase: 'reconnecting', message: /not answering/.test(c.reason) ? `The server is not answering (restarting?); reconnecting (attempt ${c.attempt})…` : `Reconnecting (attempt ${c.attempt})…` });
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
      // Go on from the thread's head, also after a fork (see headCheckpoint: JS pins the fork's).
      const checkpointId = spec.checkpointId ?? (spec.threadId ? await client.headCheckpoint(threadId, this.abort.signal).catch(() => undefined) : undefined);
      log.info(`run: POST ${client.baseUrl}/threads/${threadId}/runs/stream assistant=${spec.assistantId} modes=${(spec.streamMode ?? ['updates']).join(',')}`);
      return client.streamRun(
        threadId,
        { assistantId: spec.assistantId, input: spec.input, command: spec.command, streamMode: spec.streamMode, streamSubgraphs: spec.streamSubgraphs, checkpointId },
        this.control(),
      );
    }, retry);
  }

  private async consume(open: () => RunStream | Promise<RunStream>, retryNarrower?: () => Promise<void>, knownStatus?: string): Promise<void> {
    try {
      const stream = await open();
      let failed: string | undefined;
      let interrupted = false;
      let atBreakpoint = false;
      let cancelled = false;
      let lost: string | undefined;
      for await (const ev of stream) {
        this.append([ev]);
        // Python publishes a cancel as an error event: a cancellation, not a failure.
        if (isCancelEvent(ev)) cancelled = true;
        else if (lostRunOf(ev)) lost = (ev.data as { message: string }).message;
        else {
          const re = runErrorOf(ev);
          if (re) failed = re.message;
        }
        if ((ev.event === 'updates' || ev.event === 'values') && ev.ns.length === 0 && isRecord(ev.data) && '__interrupt__' in ev.data) {
          interrupted = true;
          // `{"__interrupt__": []}`: a static breakpoint (interrupt_before/after), not an interrupt() call.
          atBreakpoint = Array.isArray(ev.data.__interrupt__) && ev.data.__interrupt__.length === 0;
        }
      }
      this.info.runId ??= stream.runId;
      // A cancel (`action=interrupt`) ends the stream silently, like a run that finished: ask the
      // server, unless we cancelled it ourselves. JS says `interrupted` with nothing pending.
      if (lost) {
        // The server restarted (or went away) under the run: not the run's failure, and no cancel to ask about.
        this.setStatus({ phase: 'error', message: lost });
        log.warn(`run ${this.info.runId}: lost: ${lost}`);
        await this.fetchExtras();
        return;
      }
      if (!failed && !interrupted && !cancelled && !this.cancelling) cancelled = await this.wasCancelled(knownStatus);
      if (this.cancelling || cancelled) this.endCancelled();
      else if (failed) this.setStatus({ phase: 'error', message: failed });
      else if (interrupted) {
        const stop = this.info.runId ? this.stops.get(this.info.runId) : undefined;
        this.setStatus({ phase: 'interrupted', message: stop ? `Stopped by the debugger: ${stop}.` : atBreakpoint ? 'The run is paused at a breakpoint, before its next node.' : 'The run is waiting at an interrupt.' });
      }
      else this.setStatus({ phase: 'done' });
      log.info(`run ${this.info.runId}: ended (${this.status.phase}), ${this.events.length} events`);
      await this.fetchExtras();
    } catch (e) {
      if (e instanceof LangGraphError && e.kind === 'aborted' && this.cancelling) {
        this.endCancelled();
        await this.fetchExtras();
      } else if (e instanceof LangGraphError && e.kind === 'aborted') {
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

  private endCancelled(): void {
    this.emit('lgt/cancelled', { runId: this.info.runId ?? null });
    this.setStatus({ phase: 'cancelled', message: 'Cancelled on the server; it can be continued from its last checkpoint.' });
  }

  /** The run ended without an interrupt or an error: was it cancelled (status `interrupted`)? */
  private async wasCancelled(known?: string): Promise<boolean> {
    const { threadId, runId } = this.info;
    if (!this.client || !threadId || !runId) return false;
    const status = known ?? (await this.client.getRun(threadId, runId).catch(() => undefined))?.status;
    return status === 'interrupted';
  }

  /**
   * One reading of the server's clock against ours: the run's `created_at` (server) had passed
   * when its first event reached us. The model estimates the offset from such readings, so server
   * times can share an axis with arrival times.
   */
  private readServerClock(runId: string): void {
    const t = Date.now();
    const threadId = this.info.threadId;
    if (!this.client || !threadId) return;
    void this.client.getRun(threadId, runId).then(
      (run) => {
        const server = run.created_at ? Date.parse(run.created_at) : NaN;
        if (Number.isFinite(server)) this.emit('lgt/clock', { server }, t);
      },
      () => undefined,
    );
  }

  /** The server's truth for the model (custom reducers, exact steps): fetched once the run ended. */
  private async fetchExtras(): Promise<void> {
    const threadId = this.info.threadId;
    if (!this.client || !threadId) return;
    try {
      this.setExtras({ ...(await fetchRunExtras(this.client, threadId, undefined, THREAD_HISTORY_LIMIT)) });
    } catch (e) {
      log.warn(`run ${this.info.runId}: could not fetch the thread's history (${(e as Error).message}); steps stay estimated`);
    }
  }
}
