// One run's event stream, kept whole across a hostile network. The first connection starts the
// run (POST …/runs/stream) or joins it; after a dropped or stalled connection the stream rejoins
// with Last-Event-ID (the server replays from the next id), drops anything it already delivered,
// and so hands the caller every event exactly once, in order. When a run cannot be rejoined it
// falls back to the run's status and the thread's state and says what was lost (`lgt/gap`).
import { LangGraphError, isAbortError, networkError, safeOrigin } from './errors';
import { header, type RawResponse } from './http';
import { checkStream, compareEventIds, decodeEvent, isRunNotFound, parseContentLocation } from './decode';
import { parseSseBatches } from './sse';
import { Watchdog } from './watchdog';
import { isTerminalStatus, type Run, type ThreadState } from './types';
import { lostRunEvent, stateAfterRestart, type LostReason } from './restart';
import { isRecord, type RunEvent } from '../shared/events';

export type ConnectionState =
  | { state: 'connected'; threadId: string | null; runId: string | null }
  | { state: 'reconnecting'; attempt: number; delayMs: number; lastEventId: string | null; reason: string }
  | { state: 'resumed'; lastEventId: string | null }
  | { state: 'ended' };

export interface StreamControl {
  signal?: AbortSignal;
  /** Reconnect attempts in a row (without a new event in between) before giving up (default 6). */
  maxReconnects?: number;
  /** Base backoff delay (default 250 ms), doubled per attempt up to 5 s, with jitter. */
  backoffMs?: number;
  /** No bytes for this long → ask the server whether the run is still going (default 30 s). */
  idleTimeoutMs?: number;
  maxEventBytes?: number;
  /** Events keep the JSON text of their data as it came (`WireEvent.raw`), for a recorder. */
  keepRaw?: boolean;
  /**
   * The server stopped answering mid-run (refused, 5xx: a restart, a reload on save, a deploy):
   * wait this long for it to come back before the run is reported lost (default 60 s). Attempts
   * while it is down do not count against maxReconnects.
   */
  restartWaitMs?: number;
  /** Back after a restart, the run still listed as going: how long without an event before it is reported lost (default 15 s). */
  restartGraceMs?: number;
  onConnection?: (s: ConnectionState) => void;
}

export interface RunStream extends AsyncIterable<RunEvent> {
  readonly threadId: string | null;
  readonly runId: string | null;
  readonly lastEventId: string | null;
}

/** What a stream needs from the client (narrow, so this file does not import client.ts). */
export interface RunApi {
  readonly baseUrl: string;
  getRun(threadId: string, runId: string, signal?: AbortSignal): Promise<Run>;
  listRuns(threadId: string, opts: { limit?: number }, signal?: AbortSignal): Promise<Run[]>;
  getThreadState(threadId: string, opts: { subgraphs?: boolean }, signal?: AbortSignal): Promise<ThreadState>;
  /** `location`: the path the server named for rejoining (Python's `Location` header). */
  openJoin(threadId: string, runId: string, lastEventId: string | null, signal: AbortSignal, location?: string): Promise<RawResponse>;
}

export interface StreamSetup {
  kind: 'start' | 'join';
  threadId: string | null;
  runId?: string | null;
  /** Whether the run was created resumable; null = not known (a join): the run is asked. */
  resumable: boolean | null;
  lastEventId?: string | null;
  /** A tag in the run's metadata that finds the run when the answer to the POST is lost. */
  streamKey?: string;
  control: StreamControl;
  /** The first connection (later ones rejoin). */
  connect: (signal: AbortSignal) => Promise<RawResponse>;
}

/** The metadata key of `StreamSetup.streamKey`. */
export const STREAM_KEY = 'lgt_stream_key';

type Outcome =
  | { type: 'done' }
  | { type: 'lost'; error: LangGraphError }
  /** The stream was quiet but the run is alive: reconnect at once, not counted as a failure. */
  | { type: 'refresh' }
  | { type: 'gap'; error: LangGraphError }
  /** The server restarted (or never came back) and the run did not survive it. */
  | { type: 'restart'; reason: LostReason };

const cancelled = (cause?: unknown) => new LangGraphError('aborted', 'Cancelled.', { cause });

export class RunStreamImpl implements RunStream {
  threadId: string | null;
  runId: string | null;
  /** The id of the last event handed to the caller. */
  lastEventId: string | null;
  /** The id of the last event read (ahead of lastEventId by at most one batch): rejoins ask after it. */
  private seen: string | null;
  private seenNum: number | null;
  private resumable: boolean | null;
  /** Where to rejoin, when the server said (`Location`). */
  private location: string | undefined;
  private failures = 0;
  /** Events read in all (ids or not). */
  private read = 0;
  /** When the server stopped answering (null: it answers), and for how long it did, once back. */
  private downSince: number | null = null;
  private downMs: number | null = null;
  private downAttempts = 0;
  /** The server was seen down during this stream: a rejoin asks after the run first. */
  private restarted = false;

  constructor(private readonly api: RunApi, private readonly s: StreamSetup) {
    this.threadId = s.threadId;
    this.runId = s.runId ?? null;
    this.lastEventId = s.lastEventId ?? null;
    this.seen = this.lastEventId;
    this.seenNum = intId(this.seen);
    this.resumable = s.threadId === null ? false : s.resumable;
  }

  private see(id: string): void {
    this.seen = id;
    this.seenNum = intId(id);
  }

  /** After the last id read? Integer ids (the dev server's) compare fast; others by their parts. */
  private isNew(id: string): boolean {
    const n = this.seenNum !== null ? intId(id) : null;
    if (n !== null) return n > this.seenNum!;
    return (compareEventIds(id, this.seen!) ?? 1) > 0;
  }

  /**
   * Events one at a time, served from per-chunk batches: a promise round trip per batch rather
   * than an async-generator step per event (which costs more than parsing a small event).
   */
  [Symbol.asyncIterator](): AsyncIterator<RunEvent> {
    const batches = this.run();
    const signal = this.s.control.signal;
    let buf: RunEvent[] = [];
    let i = 0;
    const serve = (): Promise<IteratorResult<RunEvent>> => {
      if (signal?.aborted) return batches.return(undefined).then(() => Promise.reject(cancelled()));
      if (i < buf.length) {
        const ev = buf[i++];
        if (ev.id !== null) this.lastEventId = ev.id;
        return Promise.resolve({ value: ev, done: false });
      }
      return batches.next().then((r) => {
        if (r.done) return { value: undefined, done: true };
        buf = r.value;
        i = 0;
        return serve();
      });
    };
    return {
      next: serve,
      return: (value?: unknown) => batches.return(undefined).then(() => ({ value: value as RunEvent, done: true })),
    };
  }

  private async *run(): AsyncGenerator<RunEvent[]> {
    const { control } = this.s;
    const maxReconnects = control.maxReconnects ?? 6;
    let first = true;
    for (;;) {
      if (control.signal?.aborted) throw cancelled();
      const outcome: Outcome = yield* this.connection(first);
      first = false;
      if (outcome.type === 'done') break;
      if (outcome.type === 'gap') {
        yield [await this.gap(outcome.error)];
        break;
      }
      if (outcome.type === 'restart') {
        yield [await this.lost(outcome.reason)];
        break;
      }
      if (outcome.type === 'refresh') continue;
      const err = outcome.error;
      if (SERVER_DOWN.has(err.kind)) {
        this.downSince ??= Date.now();
        this.restarted = true;
      }
      let n: number;
      if (this.downSince !== null) {
        // Down is not a flaky link: time, not attempts, bounds the wait for it to come back.
        if (Date.now() - this.downSince > (control.restartWaitMs ?? 60_000)) {
          yield [await this.lost('down')];
          break;
        }
        n = ++this.downAttempts;
      } else if ((n = ++this.failures) > maxReconnects) throw this.exhausted(err, maxReconnects);
      const base = control.backoffMs ?? 250;
      const delayMs = Math.round(Math.min(this.downSince !== null ? 2000 : 5000, base * 2 ** (n - 1)) * (0.5 + Math.random() * 0.5));
      control.onConnection?.({ state: 'reconnecting', attempt: n, delayMs, lastEventId: this.seen, reason: this.downSince !== null ? `${err.message} (the server is not answering: restarting?)` : err.message });
      await sleep(delayMs, control.signal);
    }
    control.onConnection?.({ state: 'ended' });
  }

  /** One connection: yields its new events (a batch per network chunk), then says how it ended. */
  private async *connection(first: boolean): AsyncGenerator<RunEvent[], Outcome> {
    const { control } = this.s;
    const user = control.signal;
    const conn = new AbortController();
    const onUserAbort = () => conn.abort();
    user?.addEventListener('abort', onUserAbort, { once: true });
    const dog = new Watchdog(control.idleTimeoutMs ?? 30_000, () => this.probe(conn.signal), () => conn.abort());
    dog.setResumable(this.resumable !== false);
    let gotHeaders = false;
    let sawError = false;
    let delivered = 0;
    let stale: ReturnType<typeof setTimeout> | undefined;
    let wentStale = false;
    try {
      if (!first && this.restarted) {
        // Back after a restart? Ask after the run before waiting on a stream that may never move.
        const run = await this.api.getRun(this.threadId!, this.runId!, conn.signal).catch((e: unknown) => {
          if (e instanceof LangGraphError && e.kind === 'not-found') return null;
          throw e;
        });
        this.serverBack();
        if (!run) return { type: 'restart', reason: 'vanished' };
        if (!isTerminalStatus(run.status)) {
          this.lostStatus = run.status;
          stale = setTimeout(() => {
            wentStale = true;
            conn.abort();
          }, control.restartGraceMs ?? 15_000);
        }
      }
      const res = first ? await this.s.connect(conn.signal) : await this.api.openJoin(this.threadId!, this.runId!, this.seen ?? '-1', conn.signal, this.location);
      await checkStream(res, first ? (this.s.kind === 'start' ? `Start run on thread ${this.threadId ?? '(stateless)'}` : `Join run ${this.runId} on thread ${this.threadId}`) : `Rejoin run ${this.runId} on thread ${this.threadId}`);
      gotHeaders = true;
      if (first) {
        // Python also sends `Location: /threads/{t}/runs/{r}/stream`, where its stream is rejoined
        // (the official SDKs reconnect only when it is there); JS sends Content-Location alone.
        const location = header(res.headers, 'location');
        const ids = parseContentLocation(header(res.headers, 'content-location') ?? location);
        this.threadId = ids.threadId ?? this.threadId;
        this.runId = ids.runId ?? this.runId;
        this.location = location && this.runId && location.includes(`/runs/${encodeURIComponent(this.runId)}/stream`) ? location : undefined;
        control.onConnection?.({ state: 'connected', threadId: this.threadId, runId: this.runId });
      } else {
        control.onConnection?.({ state: 'resumed', lastEventId: this.seen });
      }
      dog.start();
      const keepRaw = control.keepRaw === true;
      for await (const batch of parseSseBatches(res.body, { maxEventBytes: control.maxEventBytes, url: res.url, onBytes: dog.onBytes, onComment: dog.onComment })) {
        const t = Date.now();
        const out: RunEvent[] = [];
        for (const msg of batch) {
          // A rejoin replays from Last-Event-ID + 1; anything at or before it was delivered already.
          if (msg.id !== null && this.seen !== null && !this.isNew(msg.id)) continue;
          const ev = decodeEvent(msg, t, keepRaw);
          if (msg.id !== null) this.see(msg.id);
          if (ev.event === 'metadata' && isRecord(ev.data) && typeof ev.data.run_id === 'string') this.runId ??= ev.data.run_id;
          if (ev.event === 'error') {
            // A join of a run the server does not know: HTTP 200 and an error event saying so.
            if (delivered === 0 && this.runId && isRunNotFound(ev)) {
              // It streamed before: the server lost it (a restart that kept nothing, a deleted thread).
              if (!first) {
                this.serverBack();
                return { type: 'restart', reason: 'vanished' };
              }
              throw new LangGraphError('not-found', `Run ${this.runId} not found on thread ${this.threadId} (the server no longer knows it).`, { url: res.url });
            }
            sawError = true;
          }
          delivered++;
          this.read++;
          out.push(ev);
        }
        if (out.length) {
          this.failures = 0;
          // Events again after a restart: the server resumed the run (the Python server can).
          clearTimeout(stale);
          yield out;
        }
      }
      dog.stop();
      // The connection closed cleanly: how a run ends, but also how some proxies end a stream.
      if (sawError || !this.threadId || !this.runId) return { type: 'done' };
      const run = await this.api.getRun(this.threadId, this.runId, user).catch((e: unknown) => {
        if (isAbortError(e) || user?.aborted) throw cancelled(e);
        return null;
      });
      if (run && isTerminalStatus(run.status)) return { type: 'done' };
      const error = new LangGraphError('network', run ? `the stream closed while the run was still ${run.status}` : 'the stream closed and the run could not be checked');
      return (await this.canRejoin(run)) ? { type: 'lost', error } : { type: 'gap', error };
    } catch (e) {
      if (user?.aborted) throw cancelled(e);
      if (wentStale) return { type: 'restart', reason: 'stale' };
      if (dog.verdict === 'refresh') return { type: 'refresh' };
      const err = dog.verdict ? this.stalledError(dog) : e instanceof LangGraphError ? e : networkError(e, this.api.baseUrl);
      if (dog.verdict === 'ended') return { type: 'gap', error: err };
      if (!TRANSIENT.has(err.kind)) throw err;
      if (first && !gotHeaders) {
        // Nothing reached us. Wrong address, DNS, TLS: say so now rather than retry.
        if (err.kind === 'connection-refused' || err.kind === 'dns' || err.kind === 'tls' || err.kind === 'server') throw err;
        if (this.s.kind === 'start' && !(await this.recoverRun(err))) throw err;
      }
      return (await this.canRejoin(null)) ? { type: 'lost', error: err } : { type: 'gap', error: err };
    } finally {
      clearTimeout(stale);
      dog.stop();
      user?.removeEventListener('abort', onUserAbort);
      conn.abort();
    }
  }

  /** The run's status as the server gave it after a restart (for the message). */
  private lostStatus: string | undefined;

  /** The server answered again after being down. */
  private serverBack(): void {
    if (this.downSince !== null) {
      this.downMs = Date.now() - this.downSince;
      this.downSince = null;
    }
  }

  /** The event that ends a stream lost to a restart: what happened, what was kept, where a re-run can start. */
  private async lost(reason: LostReason): Promise<RunEvent> {
    const { threadId, runId } = this;
    const signal = this.s.control.signal;
    const waited = this.downSince !== null ? Date.now() - this.downSince : 0;
    const state = reason === 'down' || !threadId ? null : await stateAfterRestart(() => this.api.getThreadState(threadId, {}, signal));
    if (signal?.aborted) throw cancelled();
    return lostRunEvent({
      reason, threadId, runId, downMs: reason === 'down' ? waited : this.downMs, afterEventId: this.seen, received: this.read,
      graceMs: this.s.control.restartGraceMs ?? 15_000, waitedMs: waited, origin: safeOrigin(this.api.baseUrl),
      runStatus: reason === 'stale' ? this.lostStatus : undefined, state,
    });
  }

  /** Ask the server about the run (for the watchdog): null when it cannot be asked or did not answer. */
  private async probe(connSignal: AbortSignal): Promise<Run | null> {
    if (!this.threadId || !this.runId) return null;
    const signal = AbortSignal.any([connSignal, AbortSignal.timeout(10_000)]);
    return this.api.getRun(this.threadId, this.runId, signal).catch(() => null);
  }

  private async canRejoin(run: Run | null): Promise<boolean> {
    if (!this.threadId || !this.runId) return false;
    if (this.resumable === null) {
      // A join: only a run created with stream_resumable replays (else a dead reader swallows events).
      run ??= await this.api.getRun(this.threadId, this.runId, this.s.control.signal).catch((e: unknown) => {
        if (this.s.control.signal?.aborted) throw cancelled(e);
        return null;
      });
      const flag = run && isRecord(run.kwargs) ? run.kwargs.resumable : undefined;
      if (typeof flag === 'boolean') this.resumable = flag;
      else if (run) this.resumable = true; // the field is absent on some servers: trust the caller
      else return true; // cannot tell yet; a rejoin attempt will
    }
    return this.resumable;
  }

  /**
   * The POST's answer was lost before its headers: did the run start? The tag in its metadata
   * tells ours apart from any other run on the thread. Found → rejoin it from the start.
   */
  private async recoverRun(err: LangGraphError): Promise<boolean> {
    const { threadId } = this;
    const key = this.s.streamKey;
    if (!threadId || !key || !this.resumable) return false;
    let listed = false;
    for (let i = 0; i < 3; i++) {
      if (i > 0) await sleep(250 * i, this.s.control.signal);
      const runs = await this.api.listRuns(threadId, { limit: 20 }, this.s.control.signal).catch((e: unknown) => {
        if (this.s.control.signal?.aborted) throw cancelled(e);
        return null;
      });
      listed ||= runs !== null;
      const mine = runs?.find((r) => isRecord(r.metadata) && r.metadata[STREAM_KEY] === key);
      if (mine) {
        this.runId = mine.run_id;
        this.s.control.onConnection?.({ state: 'connected', threadId, runId: mine.run_id });
        return true;
      }
    }
    err.message += listed ? ` The run did not start (none on thread ${threadId}).` : ' Whether the run started could not be checked.';
    return false;
  }

  private stalledError(dog: Watchdog): LangGraphError {
    const ms = dog.limitMs;
    const secs = ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s` : `${ms} ms`;
    return new LangGraphError('stalled', `The stream from ${safeOrigin(this.api.baseUrl)} stalled: no data for ${secs}${dog.verdict === 'ended' ? ' after the run had ended' : ''}.`, { url: this.api.baseUrl });
  }

  private exhausted(err: LangGraphError, max: number): LangGraphError {
    return new LangGraphError(
      err.kind === 'stalled' ? 'stalled' : 'network',
      `Lost the stream of run ${this.runId ?? '(unknown)'} and could not rejoin it after ${max} attempt${max === 1 ? '' : 's'} (last: ${err.message.replace(/\.$/, '')}). The run may still be going on the server.`,
      { url: this.api.baseUrl, cause: err },
    );
  }

  /** A run that cannot be rejoined lost its stream: wait for its outcome and say what was missed. */
  private async gap(cause: LangGraphError): Promise<RunEvent> {
    const { threadId, runId, seen: after } = this;
    const signal = this.s.control.signal;
    const why = threadId ? 'it was not created with stream_resumable' : 'a stateless run has no thread to rejoin';
    const n = this.read;
    const where = after !== null ? `after event ${after}` : n > 0 ? `after ${n} event${n === 1 ? '' : 's'}` : 'before any event arrived';
    const lost = after !== null ? `every event after ${after} was lost` : n > 0 ? 'the events after those were lost' : 'its events were lost';
    let message = `The connection dropped (${cause.message.replace(/\.$/, '')}) ${where}, and this run cannot be rejoined (${why}), so ${lost}.`;
    const data: Record<string, unknown> = { reason: cause.message, afterEventId: after };
    if (threadId && runId) {
      try {
        let run = await this.api.getRun(threadId, runId, signal);
        // A run that never ends (a restart left it `running`) must not hold the stream for ever.
        const until = Date.now() + (this.s.control.restartGraceMs ?? 15_000) * 4;
        for (let wait = 250; !isTerminalStatus(run.status); wait = Math.min(wait * 2, 2000)) {
          if (Date.now() > until) return this.lost('stale');
          await sleep(wait, signal);
          run = await this.api.getRun(threadId, runId, signal);
        }
        const state = await this.api.getThreadState(threadId, {}, signal);
        Object.assign(data, { status: run.status, values: state.values, next: state.next });
        message += ` The run ended as "${run.status}"; its final state is shown instead.`;
      } catch (e) {
        if (signal?.aborted) throw cancelled(e);
        if (e instanceof LangGraphError && e.kind === 'not-found') return this.lost('vanished');
        message += ` Its outcome could not be read either: ${(e as Error).message}`;
      }
    } else {
      message += threadId ? ' The server did not say which run it was, so its outcome cannot be read.' : ' Nor is there a thread to read its outcome from.';
    }
    data.message = message;
    return { id: null, event: 'lgt/gap', ns: [], data, t: Date.now() };
  }
}

/** Errors a rejoin may cure (the rest — 4xx, protocol faults — would only repeat). */
const TRANSIENT = new Set(['network', 'timeout', 'stalled', 'connection-refused', 'dns', 'server']);
/**
 * Errors that say the server itself is not answering (restarting), rather than a link in between.
 * Not 5xx: a proxy's 503 may be one flaky hop, and attempts bound those.
 */
const SERVER_DOWN = new Set(['connection-refused']);

/** `"42"` → 42; anything else (Redis-style `"1718…-0"`, text) → null. */
function intId(id: string | null): number | null {
  if (id === null) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) && id.trim() !== '' ? n : null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelled());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
