// The event stream of the Python-dialect server: CRLF framing, `: heartbeat` comments while the
// stream is idle, and the join's replay after Last-Event-ID (ids `<ms>-<seq>`, compared as such).
import type http from 'node:http';

export interface SseEv {
  id: string | null;
  event: string;
  data: unknown;
}

export interface RunRec {
  run_id: string;
  thread_id: string;
  assistant_id: string;
  created_at: string;
  updated_at: string;
  status: string;
  metadata: Record<string, unknown>;
  kwargs: Record<string, unknown>;
  multitask_strategy: string;
  /** Live readers; `null` = the run ended. */
  subs: Set<(ev: SseEv | null) => void>;
  /** What a resumable run stored for replays. */
  log: SseEv[];
  abort: AbortController;
  done: Promise<void>;
  ended: boolean;
}

export interface SseWriter {
  send(ev: SseEv): void;
  end(): void;
}

/** An SSE response that says `: heartbeat` after `heartbeatMs` without a write (0 = never). */
export function sseWriter(res: http.ServerResponse, heartbeatMs: number): SseWriter {
  if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  let last = Date.now();
  const timer = heartbeatMs > 0 ? setInterval(() => {
    if (Date.now() - last >= heartbeatMs && !res.writableEnded) {
      res.write(': heartbeat\r\n\r\n');
      last = Date.now();
    }
  }, Math.max(5, Math.floor(heartbeatMs / 4))) : undefined;
  return {
    send(ev) {
      if (res.writableEnded) return;
      last = Date.now();
      res.write(`event: ${ev.event}\r\ndata: ${JSON.stringify(ev.data)}\r\n${ev.id !== null ? `id: ${ev.id}\r\n` : ''}\r\n`);
    },
    end() {
      clearInterval(timer);
      if (!res.writableEnded) res.end();
    },
  };
}

/** `<ms>-<seq>` ids in order; `-1` (or anything unreadable) comes before every id. */
export function idAfter(id: string, last: string): boolean {
  const p = (s: string) => (/^\d+-\d+$/.test(s) ? s.split('-').map(Number) : null);
  const a = p(id);
  const b = p(last);
  if (!a) return false;
  if (!b) return true;
  return a[0] !== b[0] ? a[0] > b[0] : a[1] > b[1];
}

/**
 * A run's stream: a replay of what it stored after `lastEventId` (ids always on a replay), then
 * its live events until it ends. `modes` narrows a join to those modes (plus metadata).
 */
export function runStream(
  req: http.IncomingMessage, res: http.ServerResponse, run: RunRec,
  o: { heartbeatMs: number; lastEventId: string | null; modes: string[] | null; cancelOnDisconnect: boolean; cancel: () => void },
): Promise<void> {
  const w = sseWriter(res, o.heartbeatMs);
  const wanted = (ev: SseEv) => {
    if (!o.modes) return true;
    const mode = ev.event.split('|')[0];
    return mode === 'metadata' || mode === 'error' || o.modes.includes(mode === 'messages' ? 'messages-tuple' : mode) || o.modes.includes(mode);
  };
  return new Promise<void>((resolve) => {
    const sub = (ev: SseEv | null) => {
      if (ev === null) return finish();
      if (wanted(ev)) w.send(ev);
    };
    const finish = () => {
      run.subs.delete(sub);
      w.end();
      resolve();
    };
    if (o.lastEventId !== null) for (const ev of run.log) if (idAfter(ev.id!, o.lastEventId) && wanted(ev)) w.send(ev);
    if (run.ended) return finish();
    run.subs.add(sub);
    res.on('close', () => {
      if (!res.writableFinished && o.cancelOnDisconnect) o.cancel();
      finish();
    });
  });
}
