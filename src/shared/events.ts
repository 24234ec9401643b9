// The event shape shared by the client, the recorder, the run model and the webview.
// Pure: no vscode, no DOM, no Node imports.

/** One event of a run, as received (or synthesized by the client, see `ClientEventName`). */
export interface RunEvent {
  /** SSE id (numbers as strings on threaded runs), or null (stateless runs, synthetic events). */
  id: string | null;
  /** Stream mode or event kind: `updates`, `values`, `tasks`, `debug`, `metadata`, `error`, … */
  event: string;
  /** Namespace path from `updates|child:<id>|grandchild:<id>`; `[]` at the root graph. */
  ns: string[];
  data: unknown;
  /** Receive time, ms since the epoch. */
  t: number;
}

/**
 * Events the client itself adds to a stream (never sent by a server): `lgt/gap` — events were
 * lost and could not be recovered (data.message says which); `lgt/malformed` — an event whose
 * data was not JSON (data: {event, message, raw}).
 */
export type ClientEventName = 'lgt/gap' | 'lgt/malformed';

/**
 * Events the extension adds to a thread session, so what a person did is part of the story (and
 * of a recording): `lgt/run` — a run of the thread begins (data: RunStart), before its stream;
 * `lgt/cancelled` — the person cancelled the run; `lgt/clock` — one reading of the server's clock
 * against this client's (data: {server: ms since the epoch}, at the event's `t`).
 */
export type HostEventName = 'lgt/run' | 'lgt/cancelled' | 'lgt/clock' | 'lgt/stop';

/** Where the debugger stopped a run, as its Call Stack says it (`Stepped: before finalize`). */
export interface DebugStopNote {
  runId?: string;
  /** The DAP stop reason: entry, breakpoint, step, pause, exception, restart. */
  reason: string;
  description: string;
}

const HOST_EVENTS: ReadonlySet<string> = new Set<HostEventName>(['lgt/run', 'lgt/cancelled', 'lgt/clock', 'lgt/stop']);

/** The events the server sent (and the client's own `lgt/gap`/`lgt/malformed`), without the session's. */
export function fromServer<E extends { event: string }>(events: readonly E[]): E[] {
  return events.filter((e) => !HOST_EVENTS.has(e.event));
}

export interface RunStart {
  /** How the run began: new input, the answer to an interrupt, a fork from a checkpoint, continuing after a stop. */
  kind: 'input' | 'resume' | 'fork' | 'continue' | 'join';
  /** Known before the stream starts when joining. */
  runId?: string;
  /**
   * Replayed after the fact (joined after it ended, after a reload): its events arrive in one
   * burst, so their arrival times say nothing; the server's checkpoint times are used instead.
   */
  replay?: boolean;
  /** `history`: told from the thread's checkpoint history (root writes only), not its stream. */
  from?: 'history';
  input?: unknown;
  command?: unknown;
  /** When the server created the run (`created_at`, ms on the server's clock), when known. */
  serverStart?: number;
  /**
   * Where a fork starts: the checkpoint (after the person's edit, if any), its step, the node that
   * runs next, the run it branched from, and the server's state there.
   */
  fork?: { checkpointId: string; step?: number; node?: string; fromRunId?: string; edited?: boolean; values?: Record<string, unknown> };
}

/** How a run began, read from the server's record of it (`kwargs` of GET /threads/{t}/runs). */
export function runStartOf(kwargs: unknown): Pick<RunStart, 'kind' | 'input' | 'command' | 'fork'> {
  const k = isRecord(kwargs) ? kwargs : {};
  const command = isRecord(k.command) ? k.command : undefined;
  const conf = isRecord(k.config) && isRecord(k.config.configurable) ? k.config.configurable : {};
  if (command && 'resume' in command) return { kind: 'resume', command };
  if (typeof conf.checkpoint_id === 'string' || typeof k.checkpoint_id === 'string') {
    return { kind: 'fork', fork: { checkpointId: String(conf.checkpoint_id ?? k.checkpoint_id) } };
  }
  if (k.input === null || k.input === undefined) return { kind: 'continue', ...(command ? { command } : {}) };
  return { kind: 'input', input: k.input };
}

export function isRunStart(v: unknown): v is RunStart {
  return isRecord(v) && typeof v.kind === 'string';
}

/** `updates|child:1|grandchild:2` → { mode: 'updates', ns: ['child:1', 'grandchild:2'] }. */
export function splitEventName(name: string): { mode: string; ns: string[] } {
  const i = name.indexOf('|');
  if (i < 0) return { mode: name, ns: [] };
  return { mode: name.slice(0, i), ns: name.slice(i + 1).split('|') };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Node name of a namespace segment `child:<task-id>` → `child`. */
export function nsNode(segment: string): string {
  const i = segment.indexOf(':');
  return i < 0 ? segment : segment.slice(0, i);
}
