// A typed client of the LangGraph Agent Server. Plain Node: no vscode import (the CLI and the
// tests use it as-is).
import { HttpTransport, header, type RawResponse, type TransportOptions } from './http';
import { LangGraphError, RunError, httpError, isAbortError, networkError, summarizeBody } from './errors';
import { parseSse, type SseMessage } from './sse';
import {
  isAssistant, isRun, isThread, isTerminalStatus,
  type Assistant, type AssistantGraph, type AssistantSchemas, type Run, type StreamMode, type Thread, type ThreadState,
} from './types';
import { isRecord, splitEventName, type RunEvent } from '../shared/events';

export type ConnectionState =
  | { state: 'connected'; threadId: string | null; runId: string | null }
  | { state: 'reconnecting'; attempt: number; delayMs: number; lastEventId: string | null; reason: string }
  | { state: 'resumed'; lastEventId: string | null }
  | { state: 'ended' };

export interface RunParams {
  assistantId: string;
  input?: unknown;
  command?: { resume?: unknown; update?: unknown; goto?: unknown };
  config?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  streamMode?: StreamMode[];
  streamSubgraphs?: boolean;
  interruptBefore?: string[] | '*';
  interruptAfter?: string[] | '*';
  checkpointId?: string;
  multitaskStrategy?: 'reject' | 'interrupt' | 'rollback' | 'enqueue';
  ifNotExists?: 'create' | 'reject';
  /** Default true: the run can be rejoined with Last-Event-ID after a dropped connection. */
  resumable?: boolean;
  /** Default 'continue' (so a reload of the client does not cancel the run). */
  onDisconnect?: 'continue' | 'cancel';
}

export interface StreamControl {
  signal?: AbortSignal;
  /** Reconnect attempts in a row before giving up (default 6). */
  maxReconnects?: number;
  /** Base backoff delay (default 250 ms), doubled per attempt up to 5 s, with jitter. */
  backoffMs?: number;
  /** No bytes for this long → ask the server whether the run is still going (default 30 s). */
  idleTimeoutMs?: number;
  maxEventBytes?: number;
  onConnection?: (s: ConnectionState) => void;
}

export interface RunStream extends AsyncIterable<RunEvent> {
  readonly threadId: string | null;
  readonly runId: string | null;
  readonly lastEventId: string | null;
}

export interface ClientOptions extends TransportOptions {}

const enc = encodeURIComponent;

export class LangGraphClient {
  readonly http: HttpTransport;
  constructor(opts: ClientOptions) {
    this.http = new HttpTransport(opts);
  }
  get baseUrl(): string {
    return this.http.baseUrl;
  }
  close(): Promise<void> {
    return this.http.close();
  }

  // ---- server -------------------------------------------------------------------------------
  async ok(signal?: AbortSignal): Promise<boolean> {
    const r = await this.http.json<unknown>('GET', '/ok', 'Health check', { signal });
    return isRecord(r) && r.ok === true;
  }
  info(signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.http.json('GET', '/info', 'Server info', { signal });
  }

  // ---- assistants ---------------------------------------------------------------------------
  async searchAssistants(q: { graphId?: string; limit?: number; offset?: number; metadata?: unknown } = {}, signal?: AbortSignal): Promise<Assistant[]> {
    const r = await this.http.json<unknown>('POST', '/assistants/search', 'Assistant search', {
      json: { graph_id: q.graphId, limit: q.limit ?? 100, offset: q.offset ?? 0, metadata: q.metadata },
      signal,
    });
    if (!Array.isArray(r)) throw unexpected('Assistant search', r);
    return r.filter(isAssistant);
  }
  getAssistant(id: string, signal?: AbortSignal): Promise<Assistant> {
    return this.http.json('GET', `/assistants/${enc(id)}`, `Assistant ${id}`, { signal });
  }
  getAssistantGraph(id: string, opts: { xray?: boolean | number } = {}, signal?: AbortSignal): Promise<AssistantGraph> {
    const q = opts.xray ? `?xray=${opts.xray === true ? 'true' : opts.xray}` : '';
    return this.http.json('GET', `/assistants/${enc(id)}/graph${q}`, `Graph of assistant ${id}`, { signal });
  }
  getAssistantSchemas(id: string, signal?: AbortSignal): Promise<AssistantSchemas> {
    return this.http.json('GET', `/assistants/${enc(id)}/schemas`, `Schemas of assistant ${id}`, { signal });
  }
  getAssistantSubgraphs(id: string, opts: { recurse?: boolean } = {}, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.http.json('GET', `/assistants/${enc(id)}/subgraphs${opts.recurse ? '?recurse=true' : ''}`, `Subgraphs of assistant ${id}`, { signal });
  }

  // ---- threads ------------------------------------------------------------------------------
  createThread(body: { metadata?: Record<string, unknown>; threadId?: string } = {}, signal?: AbortSignal): Promise<Thread> {
    return this.http.json('POST', '/threads', 'Create thread', { json: { metadata: body.metadata, thread_id: body.threadId }, signal });
  }
  async searchThreads(q: { metadata?: Record<string, unknown>; status?: string; limit?: number; offset?: number } = {}, signal?: AbortSignal): Promise<Thread[]> {
    const r = await this.http.json<unknown>('POST', '/threads/search', 'Thread search', {
      json: { metadata: q.metadata, status: q.status, limit: q.limit ?? 50, offset: q.offset ?? 0 },
      signal,
    });
    if (!Array.isArray(r)) throw unexpected('Thread search', r);
    return r.filter(isThread);
  }
  getThread(threadId: string, signal?: AbortSignal): Promise<Thread> {
    return this.http.json('GET', `/threads/${enc(threadId)}`, `Thread ${threadId}`, { signal });
  }
  getThreadState(threadId: string, opts: { subgraphs?: boolean } = {}, signal?: AbortSignal): Promise<ThreadState> {
    return this.http.json('GET', `/threads/${enc(threadId)}/state${opts.subgraphs ? '?subgraphs=true' : ''}`, `State of thread ${threadId}`, { signal });
  }
  getThreadHistory(threadId: string, opts: { limit?: number; before?: string } = {}, signal?: AbortSignal): Promise<ThreadState[]> {
    return this.http.json('POST', `/threads/${enc(threadId)}/history`, `History of thread ${threadId}`, {
      json: { limit: opts.limit ?? 100, before: opts.before ? { configurable: { checkpoint_id: opts.before } } : undefined },
      signal,
    });
  }
  deleteThread(threadId: string, signal?: AbortSignal): Promise<void> {
    return this.http.json('DELETE', `/threads/${enc(threadId)}`, `Thread ${threadId}`, { signal });
  }

  // ---- runs ---------------------------------------------------------------------------------
  async listRuns(threadId: string, opts: { limit?: number; offset?: number; status?: string } = {}, signal?: AbortSignal): Promise<Run[]> {
    const q = new URLSearchParams({ limit: String(opts.limit ?? 20), offset: String(opts.offset ?? 0) });
    if (opts.status) q.set('status', opts.status);
    const r = await this.http.json<unknown>('GET', `/threads/${enc(threadId)}/runs?${q}`, `Runs of thread ${threadId}`, { signal });
    if (!Array.isArray(r)) throw unexpected('Run list', r);
    return r.filter(isRun);
  }
  getRun(threadId: string, runId: string, signal?: AbortSignal): Promise<Run> {
    return this.http.json('GET', `/threads/${enc(threadId)}/runs/${enc(runId)}`, `Run ${runId}`, { signal });
  }
  /** Start a background run (no stream). */
  createRun(threadId: string, params: RunParams, signal?: AbortSignal): Promise<Run> {
    return this.http.json('POST', `/threads/${enc(threadId)}/runs`, 'Create run', { json: runBody(params), signal });
  }
  cancelRun(threadId: string, runId: string, opts: { action?: 'interrupt' | 'rollback'; wait?: boolean } = {}, signal?: AbortSignal): Promise<void> {
    const q = new URLSearchParams({ action: opts.action ?? 'interrupt', wait: opts.wait ? 'true' : 'false' });
    return this.http.json('POST', `/threads/${enc(threadId)}/runs/${enc(runId)}/cancel?${q}`, `Cancel run ${runId}`, { signal });
  }
  /** Wait for a run to finish; returns the thread's final values. */
  waitRun(threadId: string, runId: string, signal?: AbortSignal): Promise<unknown> {
    return this.http.json('GET', `/threads/${enc(threadId)}/runs/${enc(runId)}/join`, `Run ${runId}`, { signal });
  }

  /**
   * Start a run and stream its events. `threadId: null` runs stateless (`/runs/stream`, no ids,
   * not resumable). Events arrive exactly once and in order, across reconnects.
   */
  streamRun(threadId: string | null, params: RunParams, control: StreamControl = {}): RunStream {
    const resumable = threadId !== null && params.resumable !== false;
    const path = threadId ? `/threads/${enc(threadId)}/runs/stream` : '/runs/stream';
    return new RunStreamImpl(this, { threadId, resumable, control, connect: (signal) =>
      this.http.send('POST', path, { json: runBody(params), signal, headers: { accept: 'text/event-stream' } }) });
  }

  /** Join a run's stream: `lastEventId` replays after that id ('-1' replays all, resumable runs only). */
  joinRun(threadId: string, runId: string, control: StreamControl & { lastEventId?: string; resumable?: boolean } = {}): RunStream {
    return new RunStreamImpl(this, {
      threadId, runId, resumable: control.resumable !== false, control, lastEventId: control.lastEventId ?? null,
      connect: (signal, last) => this.openJoin(threadId, runId, last ?? control.lastEventId ?? null, signal),
    });
  }

  /** @internal */
  openJoin(threadId: string, runId: string, lastEventId: string | null, signal: AbortSignal): Promise<RawResponse> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== null) headers['last-event-id'] = lastEventId;
    return this.http.send('GET', `/threads/${enc(threadId)}/runs/${enc(runId)}/stream`, { headers, signal });
  }
}

function unexpected(what: string, v: unknown): LangGraphError {
  return new LangGraphError('http', `${what}: unexpected response ${summarizeBody(JSON.stringify(v) ?? '')}`);
}

/** camelCase in, snake_case on the wire. */
export function runBody(p: RunParams): Record<string, unknown> {
  const body: Record<string, unknown> = {
    assistant_id: p.assistantId,
    stream_mode: p.streamMode ?? ['updates'],
  };
  if (p.input !== undefined) body.input = p.input;
  if (p.command !== undefined) body.command = p.command;
  if (p.config !== undefined) body.config = p.config;
  if (p.metadata !== undefined) body.metadata = p.metadata;
  if (p.streamSubgraphs) body.stream_subgraphs = true;
  if (p.interruptBefore) body.interrupt_before = p.interruptBefore;
  if (p.interruptAfter) body.interrupt_after = p.interruptAfter;
  if (p.checkpointId) body.checkpoint_id = p.checkpointId;
  if (p.multitaskStrategy) body.multitask_strategy = p.multitaskStrategy;
  if (p.ifNotExists) body.if_not_exists = p.ifNotExists;
  if (p.resumable !== false) body.stream_resumable = true;
  body.on_disconnect = p.onDisconnect ?? 'continue';
  return body;
}

/** `/threads/{t}/runs/{r}` → ids. */
export function parseContentLocation(loc: string | undefined): { threadId: string | null; runId: string | null } {
  const m = loc ? /\/threads\/([^/]+)\/runs\/([^/?#]+)/.exec(loc) : null;
  if (m) return { threadId: decodeURIComponent(m[1]), runId: decodeURIComponent(m[2]) };
  const s = loc ? /\/runs\/([^/?#]+)/.exec(loc) : null;
  return { threadId: null, runId: s ? decodeURIComponent(s[1]) : null };
}

/** Check a stream response: 2xx and text/event-stream, or a typed error with the body's gist. */
export async function checkStream(res: RawResponse, what: string): Promise<void> {
  const ct = header(res.headers, 'content-type') ?? '';
  if (res.status >= 200 && res.status < 300 && ct.includes('text/event-stream')) return;
  let text = '';
  try {
    text = await res.body.text();
  } catch {
    /* body unreadable; the status says enough */
  }
  if (res.status < 200 || res.status >= 300) throw httpError(res.status, text, res.url, what);
  throw new LangGraphError(
    'not-sse',
    `${what}: expected an event stream from ${res.url} but got ${ct || 'no content type'}${/^\s*</.test(text) ? ' (an HTML page)' : ''}. Is this URL a LangGraph deployment?`,
    { url: res.url, status: res.status, body: text.slice(0, 500) },
  );
}

export function toRunEvent(msg: SseMessage, url?: string): RunEvent {
  const { mode, ns } = splitEventName(msg.event);
  let data: unknown;
  try {
    data = msg.data === '' ? null : JSON.parse(msg.data);
  } catch (e) {
    throw new LangGraphError(
      'malformed-event',
      `The server sent a malformed \`${msg.event}\` event (id ${msg.id ?? 'none'}): its data is not JSON (${(e as Error).message}).`,
      { url, body: msg.data.slice(0, 200) },
    );
  }
  return { id: msg.id, event: mode, ns, data, t: Date.now() };
}

/** The typed error carried by an `error` event (`{error, message}` or a bare string). */
export function runErrorOf(ev: RunEvent): RunError | null {
  if (ev.event !== 'error') return null;
  const d = ev.data;
  if (typeof d === 'string') return new RunError('Error', d);
  if (isRecord(d)) return new RunError(String(d.error ?? 'Error'), String(d.message ?? ''));
  return new RunError('Error', JSON.stringify(d));
}

interface StreamSetup {
  threadId: string | null;
  runId?: string | null;
  resumable: boolean;
  lastEventId?: string | null;
  control: StreamControl;
  connect: (signal: AbortSignal, lastEventId: string | null) => Promise<RawResponse>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LangGraphError('aborted', 'Cancelled.'));
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(new LangGraphError('aborted', 'Cancelled.')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function idNum(id: string | null): number | null {
  if (id === null) return null;
  const n = Number(id);
  return Number.isFinite(n) ? n : null;
}

class RunStreamImpl implements RunStream {
  threadId: string | null;
  runId: string | null;
  lastEventId: string | null;
  constructor(private readonly client: LangGraphClient, private readonly s: StreamSetup) {
    this.threadId = s.threadId;
    this.runId = s.runId ?? null;
    this.lastEventId = s.lastEventId ?? null;
  }

  [Symbol.asyncIterator](): AsyncIterator<RunEvent> {
    return this.run();
  }

  private async *run(): AsyncGenerator<RunEvent> {
    const { control } = this.s;
    const user = control.signal;
    const maxReconnects = control.maxReconnects ?? 6;
    const idleMs = control.idleTimeoutMs ?? 30_000;
    let failures = 0;
    let first = true;
    let lastReason = '';
    for (;;) {
      if (user?.aborted) throw new LangGraphError('aborted', 'Cancelled.');
      // One connection: the initial POST, or a rejoin with Last-Event-ID.
      const conn = new AbortController();
      const onUserAbort = () => conn.abort();
      user?.addEventListener('abort', onUserAbort, { once: true });
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      let finishedWhileIdle = false;
      let sawError = false;
      try {
        const res = first ? await this.s.connect(conn.signal, null) : await this.client.openJoin(this.threadId!, this.runId!, this.lastEventId ?? '-1', conn.signal);
        await checkStream(res, first ? 'Start run' : 'Rejoin run');
        if (first) {
          const ids = parseContentLocation(header(res.headers, 'content-location'));
          this.threadId = ids.threadId ?? this.threadId;
          this.runId = ids.runId ?? this.runId;
          control.onConnection?.({ state: 'connected', threadId: this.threadId, runId: this.runId });
        } else {
          control.onConnection?.({ state: 'resumed', lastEventId: this.lastEventId });
        }
        first = false;
        const armIdle = () => {
          if (idleTimer) clearTimeout(idleTimer);
          if (idleMs <= 0) return;
          idleTimer = setTimeout(() => void this.probeIdle(conn).then((done) => { finishedWhileIdle = done; if (!done) armIdle(); }), idleMs);
        };
        armIdle();
        for await (const msg of parseSse(res.body, { maxEventBytes: control.maxEventBytes, url: res.url, onBytes: armIdle })) {
          const ev = toRunEvent(msg, res.url);
          const n = idNum(ev.id);
          const last = idNum(this.lastEventId);
          // A replay after a rejoin may repeat what we already delivered.
          if (n !== null && last !== null && n <= last) continue;
          if (ev.id !== null) this.lastEventId = ev.id;
          if (ev.event === 'metadata' && isRecord(ev.data) && typeof ev.data.run_id === 'string') this.runId ??= ev.data.run_id;
          failures = 0;
          if (ev.event === 'error') sawError = true;
          yield ev;
        }
        if (sawError || !this.canRejoin()) break;
        // The connection closed cleanly. That is how a run ends — or how a proxy cut looks. Ask.
        const run = await this.client.getRun(this.threadId!, this.runId!, user).catch((e) => {
          if (isAbortError(e)) throw e;
          return null;
        });
        if (run && isTerminalStatus(run.status) && !finishedWhileIdle) break;
        if (run && isTerminalStatus(run.status) && finishedWhileIdle) {
          // Fall through: rejoin once to collect what the quiet connection did not deliver.
        }
        lastReason = run ? `the connection closed while the run was ${run.status}` : 'the connection closed early';
      } catch (e) {
        if (user?.aborted) throw new LangGraphError('aborted', 'Cancelled.', { cause: e });
        const err = e instanceof LangGraphError ? e : networkError(e, this.client.baseUrl);
        // Protocol faults and HTTP refusals are not cured by reconnecting.
        const transient = ['network', 'timeout', 'stalled', 'connection-refused', 'server'].includes(err.kind) || (conn.signal.aborted && !user?.aborted);
        if (!transient || first) throw err;
        if (!this.canRejoin()) {
          yield* this.fallback(err);
          return;
        }
        lastReason = conn.signal.aborted ? 'the stream went quiet after the run ended' : err.message;
      } finally {
        if (idleTimer) clearTimeout(idleTimer);
        user?.removeEventListener('abort', onUserAbort);
        conn.abort();
      }
      failures++;
      if (failures > maxReconnects) {
        throw new LangGraphError('network', `Lost the connection to the run and could not rejoin after ${maxReconnects} attempts (${lastReason}). The run may still be going on the server.`);
      }
      const base = control.backoffMs ?? 250;
      const delayMs = Math.round(Math.min(5000, base * 2 ** (failures - 1)) * (0.5 + Math.random() * 0.5));
      control.onConnection?.({ state: 'reconnecting', attempt: failures, delayMs, lastEventId: this.lastEventId, reason: lastReason });
      await sleep(delayMs, user);
    }
    control.onConnection?.({ state: 'ended' });
  }

  private canRejoin(): boolean {
    return this.s.resumable && this.threadId !== null && this.runId !== null;
  }

  /** The stream went quiet: is the run still going? If it finished, end this connection to rejoin. */
  private async probeIdle(conn: AbortController): Promise<boolean> {
    if (!this.threadId || !this.runId) return false;
    try {
      const run = await this.client.getRun(this.threadId, this.runId, this.s.control.signal);
      if (isTerminalStatus(run.status)) {
        conn.abort();
        return true;
      }
    } catch {
      /* probe failed: keep waiting, the stream itself will error if the link is dead */
    }
    return false;
  }

  /** A non-resumable run lost its stream: report what was missed, then the run's outcome. */
  private async *fallback(cause: LangGraphError): AsyncGenerator<RunEvent> {
    const { threadId, runId } = this;
    const data: Record<string, unknown> = {
      reason: cause.message,
      afterEventId: this.lastEventId,
      message: `The connection dropped${this.lastEventId !== null ? ` after event ${this.lastEventId}` : ''} and this run was not created resumable, so later events were lost.`,
    };
    if (threadId && runId) {
      try {
        await this.client.waitRun(threadId, runId, this.s.control.signal);
        const run = await this.client.getRun(threadId, runId, this.s.control.signal);
        const state = await this.client.getThreadState(threadId, {}, this.s.control.signal);
        data.status = run.status;
        data.values = state.values;
        data.message += ` The run ended as "${run.status}"; its final state is shown instead.`;
      } catch (e) {
        data.message += ` Its outcome could not be fetched either: ${(e as Error).message}`;
      }
    }
    yield { id: null, event: 'lgt/gap', ns: [], data, t: Date.now() };
    this.s.control.onConnection?.({ state: 'ended' });
  }
}
