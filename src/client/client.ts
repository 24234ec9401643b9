// A typed client of the LangGraph Agent Server. Plain Node: no vscode import (the CLI and the
// tests use it as-is).
import { randomUUID } from 'node:crypto';
import { HttpTransport, type RawResponse, type TransportOptions } from './http';
import { LangGraphError, httpError, summarizeBody } from './errors';
import { RunStreamImpl, STREAM_KEY, type RunApi, type RunStream, type StreamControl } from './runStream';
import {
  isAssistant, isRun, isThread,
  type Assistant, type AssistantGraph, type AssistantSchemas, type Run, type StreamMode, type Thread, type ThreadState,
} from './types';
import { isRecord } from '../shared/events';
import { checkStream, decodeEvent } from './decode';
import { parseSseBatches } from './sse';

export { parseContentLocation, checkStream, toRunEvent, decodeEvent, runErrorOf, isCancelEvent, isRunNotFound, interruptOf, compareEventIds, type InterruptInfo, type WireEvent } from './decode';
export { STREAM_KEY, type ConnectionState, type StreamControl, type RunStream } from './runStream';

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

export type ClientOptions = TransportOptions;

const enc = encodeURIComponent;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export class LangGraphClient implements RunApi {
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
    return this.byAssistant(id, signal, (a) => this.http.json('GET', `/assistants/${enc(a)}`, `Assistant ${id}`, { signal }));
  }
  getAssistantGraph(id: string, opts: { xray?: boolean | number } = {}, signal?: AbortSignal): Promise<AssistantGraph> {
    const q = opts.xray ? `?xray=${opts.xray === true ? 'true' : opts.xray}` : '';
    return this.http.json('GET', `/assistants/${enc(id)}/graph${q}`, `Graph of assistant ${id}`, { signal });
  }
  getAssistantSchemas(id: string, signal?: AbortSignal): Promise<AssistantSchemas> {
    return this.byAssistant(id, signal, (a) => this.http.json('GET', `/assistants/${enc(a)}/schemas`, `Schemas of assistant ${id}`, { signal }));
  }
  getAssistantSubgraphs(id: string, opts: { recurse?: boolean } = {}, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.byAssistant(id, signal, (a) => this.http.json('GET', `/assistants/${enc(a)}/subgraphs${opts.recurse ? '?recurse=true' : ''}`, `Subgraphs of assistant ${id}`, { signal }));
  }

  /**
   * JS takes a graph name wherever an assistant id goes; Python wants the UUID on these endpoints
   * (a name gets 422). On that 422, ask once which assistant the graph has and try again with it.
   */
  private async byAssistant<T>(id: string, signal: AbortSignal | undefined, call: (assistantId: string) => Promise<T>): Promise<T> {
    try {
      return await call(id);
    } catch (e) {
      if (!(e instanceof LangGraphError) || e.status !== 422 || UUID.test(id)) throw e;
      const found = (await this.searchAssistants({ graphId: id, limit: 1 }, signal).catch(() => []))[0];
      if (!found) throw e;
      return call(found.assistant_id);
    }
  }

  // ---- threads ------------------------------------------------------------------------------
  createThread(body: { metadata?: Record<string, unknown>; threadId?: string } = {}, signal?: AbortSignal): Promise<Thread> {
    return this.http.json('POST', '/threads', 'Create thread', { json: { metadata: body.metadata, thread_id: body.threadId }, signal });
  }
  async searchThreads(q: { metadata?: Record<string, unknown>; status?: string; limit?: number; offset?: number; sortBy?: 'updated_at' | 'created_at'; sortOrder?: 'asc' | 'desc' } = {}, signal?: AbortSignal): Promise<Thread[]> {
    const r = await this.http.json<unknown>('POST', '/threads/search', 'Thread search', {
      json: { metadata: q.metadata, status: q.status, limit: q.limit ?? 50, offset: q.offset ?? 0, ...(q.sortBy ? { sort_by: q.sortBy, sort_order: q.sortOrder ?? 'desc' } : {}) },
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
  /**
   * The checkpoint a run "from where the thread is" must name, or undefined when none is needed.
   * The JS dev server keeps a fork's `checkpoint_id` in the thread's config and starts every later
   * run without one from there again (each a new fork of the old checkpoint, not a continuation).
   * When the thread is pinned like that, this is the thread's latest checkpoint.
   */
  async headCheckpoint(threadId: string, signal?: AbortSignal): Promise<string | undefined> {
    const t = await this.getThread(threadId, signal);
    const conf = isRecord(t.config) && isRecord(t.config.configurable) ? t.config.configurable : {};
    if (typeof conf.checkpoint_id !== 'string') return undefined;
    const head = (await this.getThreadState(threadId, {}, signal)).checkpoint?.checkpoint_id;
    return head && head !== conf.checkpoint_id ? head : undefined;
  }
  getThreadHistory(threadId: string, opts: { limit?: number; before?: string } = {}, signal?: AbortSignal): Promise<ThreadState[]> {
    return this.http.json('POST', `/threads/${enc(threadId)}/history`, `History of thread ${threadId}`, {
      // `before` as a checkpoint id: the JS server takes only that (a config object gets a 400),
      // the Python server takes it too.
      json: { limit: opts.limit ?? 100, before: opts.before || undefined },
      signal,
    });
  }
  /**
   * Write to the thread's state as if `asNode` had returned `values` (its reducers apply), from
   * `checkpointId` when given: a new checkpoint, and a branch when that is not the latest. Returns
   * the new checkpoint's config.
   */
  updateThreadState(threadId: string, body: { values: unknown; checkpointId?: string; asNode?: string }, signal?: AbortSignal): Promise<{ checkpoint?: { checkpoint_id?: string } }> {
    return this.http.json('POST', `/threads/${enc(threadId)}/state`, `Update the state of thread ${threadId}`, {
      json: { values: body.values, ...(body.checkpointId ? { checkpoint_id: body.checkpointId } : {}), ...(body.asNode ? { as_node: body.asNode } : {}) },
      signal,
    });
  }
  /** A new thread with the thread's checkpoints (same ids), idle: a run the old one is stuck with does not come along. */
  copyThread(threadId: string, signal?: AbortSignal): Promise<Thread> {
    return this.http.json('POST', `/threads/${enc(threadId)}/copy`, `Copy thread ${threadId}`, { json: {}, signal });
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
  async createRun(threadId: string, params: RunParams, signal?: AbortSignal): Promise<Run> {
    const res = await this.http.send('POST', `/threads/${enc(threadId)}/runs`, { json: runBody(params), signal });
    if (res.status === 404 || res.status === 409 || res.status === 422) await this.explainConflict(threadId, res, `Create run on thread ${threadId}`, signal);
    const r = await this.http.read<unknown>(res, 'Create run', signal);
    if (!isRun(r)) throw unexpected('Create run', r);
    return r;
  }
  cancelRun(threadId: string, runId: string, opts: { action?: 'interrupt' | 'rollback'; wait?: boolean } = {}, signal?: AbortSignal): Promise<void> {
    const q = new URLSearchParams({ action: opts.action ?? 'interrupt', wait: opts.wait ? 'true' : 'false' });
    return this.http.json('POST', `/threads/${enc(threadId)}/runs/${enc(runId)}/cancel?${q}`, `Cancel run ${runId}`, { signal });
  }
  /** Wait for a run to finish; returns the thread's final values. */
  waitRun(threadId: string, runId: string, signal?: AbortSignal): Promise<unknown> {
    // The server answers only when the run ends: no header timeout (the signal bounds the wait).
    return this.http.json('GET', `/threads/${enc(threadId)}/runs/${enc(runId)}/join`, `Run ${runId}`, { signal, headersTimeoutMs: 0 });
  }

  /**
   * Start a run and stream its events. `threadId: null` runs stateless (`/runs/stream`, no ids,
   * not resumable). Events arrive exactly once and in order, across reconnects.
   */
  streamRun(threadId: string | null, params: RunParams, control: StreamControl = {}): RunStream {
    const resumable = threadId !== null && params.resumable !== false;
    const path = threadId ? `/threads/${enc(threadId)}/runs/stream` : '/runs/stream';
    // Tags the run so that, if the answer to this POST is lost, the stream can still find it.
    const streamKey = resumable ? randomUUID() : undefined;
    const body = runBody(params, streamKey ? { [STREAM_KEY]: streamKey } : undefined);
    return new RunStreamImpl(this, {
      kind: 'start', threadId, resumable, streamKey, control,
      connect: async (signal) => {
        const res = await this.http.send('POST', path, { json: body, signal, headers: { accept: 'text/event-stream' } });
        if ((res.status === 404 || res.status === 409 || res.status === 422) && threadId) await this.explainConflict(threadId, res, `Start run on thread ${threadId}`, signal);
        return res;
      },
    });
  }

  /** Join a run's stream: `lastEventId` replays after that id ('-1' replays all, resumable runs only). */
  joinRun(threadId: string, runId: string, control: StreamControl & { lastEventId?: string; resumable?: boolean } = {}): RunStream {
    return new RunStreamImpl(this, {
      kind: 'join', threadId, runId, resumable: control.resumable ?? null, control, lastEventId: control.lastEventId ?? null,
      connect: (signal) => this.openJoin(threadId, runId, control.lastEventId ?? null, signal),
    });
  }

  /**
   * Every run of a thread as it happens: the Python server's `GET /threads/{t}/stream` (a stream
   * that never ends on its own; each run's events, then `metadata {status: "run_done"}`). The JS
   * dev server has no such endpoint and answers 404 (a LangGraphError of kind `not-found`). Ends
   * when `signal` aborts.
   */
  async *watchThread(threadId: string, signal: AbortSignal, onOpen?: () => void): AsyncGenerator<{ event: string; data: unknown }> {
    const what = `Watch thread ${threadId}`;
    const res = await this.http.send('GET', `/threads/${enc(threadId)}/stream`, { headers: { accept: 'text/event-stream' }, signal });
    await checkStream(res, what);
    onOpen?.();
    for await (const batch of parseSseBatches(res.body, { url: res.url })) {
      for (const m of batch) yield decodeEvent(m, Date.now());
    }
  }

  /** @internal GET the run's stream, replaying after `lastEventId`. */
  openJoin(threadId: string, runId: string, lastEventId: string | null, signal: AbortSignal, location?: string): Promise<RawResponse> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== null) headers['last-event-id'] = lastEventId;
    return this.http.send('GET', joinPath(this.baseUrl, location) ?? `/threads/${enc(threadId)}/runs/${enc(runId)}/stream`, { headers, signal });
  }

  /**
   * A run the server refused: the dev server answers a run on an unknown thread with 422 "Thread
   * is already running a task", Python with 404 (and a busy thread with 409): say which. Always throws.
   */
  private async explainConflict(threadId: string, res: RawResponse, what: string, signal?: AbortSignal): Promise<never> {
    const text = await res.body.text().catch(() => '');
    const missing = await this.getThread(threadId, signal).then(
      () => false,
      (e: unknown) => e instanceof LangGraphError && e.kind === 'not-found',
    );
    if (missing) throw new LangGraphError('not-found', `${what.replace(/ on thread \S+$/, '')}: thread ${threadId} not found (404).`, { url: res.url, status: 404, body: text });
    // The thread is there: the 404 is about something else the run names (its assistant).
    if (res.status === 404) throw new LangGraphError('not-found', `${what}: not found (404)${summarizeBody(text) ? ` — ${summarizeBody(text)}` : ''}`, { url: res.url, status: 404, body: text });
    throw httpError(res.status, text, res.url, what);
  }
}

/**
 * A `Location` header as a path under the base URL, as the official SDKs read it: a path is
 * relative to the deployment's URL (a hosted deployment may sit under a path prefix), an absolute
 * URL must be under the base URL. Anything else is ignored (undefined).
 */
export function joinPath(baseUrl: string, location: string | undefined): string | undefined {
  if (!location) return undefined;
  if (location.startsWith('/') && !location.startsWith('//')) return location;
  if (location.startsWith(`${baseUrl}/`)) return location.slice(baseUrl.length);
  return undefined;
}

function unexpected(what: string, v: unknown): LangGraphError {
  return new LangGraphError('http', `${what}: unexpected response ${summarizeBody(JSON.stringify(v) ?? '')}`);
}

/** camelCase in, snake_case on the wire. */
export function runBody(p: RunParams, extraMetadata?: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    assistant_id: p.assistantId,
    stream_mode: p.streamMode ?? ['updates'],
  };
  if (p.input !== undefined) body.input = p.input;
  if (p.command !== undefined) body.command = p.command;
  if (p.config !== undefined) body.config = p.config;
  if (p.metadata !== undefined || extraMetadata) body.metadata = { ...p.metadata, ...extraMetadata };
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

