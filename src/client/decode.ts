// From wire to typed events: SSE message → RunEvent, the typed views callers need of some events
// (a run error, an interrupt), and the response checks of a stream. Pure apart from `checkStream`.
import { LangGraphError, RunError, httpError } from './errors';
import { header, type RawResponse } from './http';
import type { SseMessage } from './sse';
import { isRecord, splitEventName, type RunEvent } from '../shared/events';

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

/** One SSE message as a RunEvent; throws a typed `malformed-event` error when its data is not JSON. */
export function toRunEvent(msg: SseMessage, url?: string, t = Date.now()): RunEvent {
  const ev = decodeEvent(msg, t);
  if (ev.event === MALFORMED) throw new LangGraphError('malformed-event', (ev.data as { message: string }).message, { url, body: msg.data.slice(0, 200) });
  return ev;
}

const MALFORMED = 'lgt/malformed';

/**
 * A RunEvent that also carries its data as the server sent it (`StreamControl.keepRaw`): the JSON
 * text `data` was parsed from, so a recorder writes it as it came instead of stringifying `data`
 * again. Absent on events the client made (`lgt/malformed`, `lgt/gap`).
 */
export interface WireEvent extends RunEvent {
  raw?: string;
}

/**
 * One SSE message as a RunEvent, never throwing: data that is not JSON becomes an `lgt/malformed`
 * event that says so (a stream keeps going past one bad payload). With `keepRaw`, the event also
 * holds the data's text (WireEvent).
 */
export function decodeEvent(msg: SseMessage, t: number, keepRaw = false): WireEvent {
  const name = msg.event;
  let mode = name;
  let ns: string[] = [];
  if (name.indexOf('|') >= 0) ({ mode, ns } = splitEventName(name));
  try {
    const data: unknown = msg.data === '' ? null : JSON.parse(msg.data);
    return keepRaw ? { id: msg.id, event: mode, ns, data, t, raw: msg.data } : { id: msg.id, event: mode, ns, data, t };
  } catch (e) {
    const message = `The server sent a malformed \`${name}\` event (id ${msg.id ?? 'none'}): its data is not JSON (${(e as Error).message}).`;
    return { id: msg.id, event: MALFORMED, ns, data: { event: mode, message, raw: msg.data.length > 500 ? `${msg.data.slice(0, 499)}…` : msg.data }, t };
  }
}

/**
 * A cancel, as the Python server publishes it: `event: error` with `{"error": "UserInterrupt"}`
 * (`action=interrupt`) or `"UserRollback"`. A cancellation, not a failure. (JS ends the stream
 * silently instead.)
 */
export function isCancelEvent(ev: RunEvent): boolean {
  return ev.event === 'error' && isRecord(ev.data) && (ev.data.error === 'UserInterrupt' || ev.data.error === 'UserRollback');
}

/**
 * The server's "no such run" on a join: JS sends the bare string `"Run not found"`, Python
 * `{"error":"HTTPException","message":"404: Run not found"}`.
 */
export function isRunNotFound(ev: RunEvent): boolean {
  if (ev.event !== 'error') return false;
  const d = ev.data;
  return d === 'Run not found' || (isRecord(d) && d.error === 'HTTPException' && typeof d.message === 'string' && /^404\b.*run not found/i.test(d.message));
}

/** The typed error carried by an `error` event (`{error, message}` or a bare string); null for a cancel. */
export function runErrorOf(ev: RunEvent): RunError | null {
  if (ev.event !== 'error' || isCancelEvent(ev)) return null;
  const d = ev.data;
  if (typeof d === 'string') return new RunError('Error', d);
  if (isRecord(d)) return new RunError(String(d.error ?? 'Error'), String(d.message ?? ''));
  return new RunError('Error', JSON.stringify(d));
}

export interface InterruptInfo {
  /** Where it happened: `[]` at the root graph, else the subgraph path. */
  ns: string[];
  /** `interrupt(value)` calls; empty at a static breakpoint (`interrupt_before/after`). */
  interrupts: { id?: string; value: unknown }[];
  /** A static breakpoint rather than an `interrupt()` call. */
  breakpoint: boolean;
}

/** The interrupt an `updates`/`values` event announces (`{"__interrupt__": [...]}`), or null. */
export function interruptOf(ev: RunEvent): InterruptInfo | null {
  if ((ev.event !== 'updates' && ev.event !== 'values') || !isRecord(ev.data)) return null;
  const list = ev.data.__interrupt__;
  if (!Array.isArray(list)) return null;
  const interrupts = list.map((i) => (isRecord(i) ? { id: typeof i.id === 'string' ? i.id : undefined, value: i.value } : { value: i }));
  return { ns: ev.ns, interrupts, breakpoint: interrupts.length === 0 };
}

/**
 * Order of two SSE ids: negative if a < b, 0 if equal, positive if a > b; null when they are not
 * comparable. Understands the dev server's `0,1,2…` and Redis-stream ids (`1718…-0`) that hosted
 * deployments use.
 */
export function compareEventIds(a: string, b: string): number | null {
  if (a === b) return 0;
  const na = idParts(a);
  const nb = idParts(b);
  if (!na || !nb || na.length !== nb.length) return null;
  for (let i = 0; i < na.length; i++) if (na[i] !== nb[i]) return na[i] < nb[i] ? -1 : 1;
  return 0;
}

function idParts(id: string): number[] | null {
  if (/^-?\d+$/.test(id)) return [Number(id)];
  const m = /^(\d+)-(\d+)$/.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : null;
}
