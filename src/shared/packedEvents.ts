// Big slices of events travel to the panel as UTF-8 JSON bytes instead of as objects.
//
// Why: VS Code serialises a webview message as JSON in the extension host, parses it in the
// workbench, then structured-clones it twice on the way into the webview's frame, all of it on the
// workbench's main thread (the webview shares it). A 300,000-event recording took 7 s to arrive in
// code-server that way. Typed arrays are passed beside the JSON as binary and transferred into the
// frame without a copy; the panel then parses them off its main thread (../webview/inbox.ts).
import type { RunEvent } from './events';

/** Slices of at least this many events go packed; live batches (a few dozen) stay objects. */
export const PACK_MIN = 1000;

export function packEvents(events: readonly RunEvent[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(events));
}

/**
 * The events of a packed slice. Throws an Error saying what is wrong when the bytes are not the
 * JSON array of `count` events the host packed (a message cut or damaged on the way).
 *
 * Self-contained on purpose (no imports, no module state): the panel's unpacking worker is built
 * from this function's source text.
 */
export function unpackEvents(json: Uint8Array, count: number): RunEvent[] {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(json));
  } catch (e) {
    throw new Error(`a packed slice is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(v)) throw new Error('a packed slice is not a JSON array');
  if (v.length !== count) throw new Error(`a packed slice holds ${v.length} events, not the ${count} announced`);
  for (const ev of v as unknown[]) {
    if (typeof ev !== 'object' || ev === null || typeof (ev as { event?: unknown }).event !== 'string') throw new Error('a packed slice holds something that is not an event');
  }
  return v as RunEvent[];
}
