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
