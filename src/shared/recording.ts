// The recorded-run format: JSON Lines. Line 1 describes the run; each further line is one event.
// Written by the recorder CLI and by "Export Run"; read by `show`, the preview and "Open Recorded Run".
import { isRecord, type RunEvent } from './events';
import type { SessionGraph } from './assistantGraph';

export const RECORDING_VERSION = 1;

export interface RecordingHeader {
  type: 'run';
  version: number;
  url?: string;
  /** As the run was started: a graph id (`simple`) or an assistant's UUID. */
  assistantId?: string;
  /** The graph's name when known (titles and toasts show it rather than a UUID). */
  graphId?: string;
  threadId?: string | null;
  runId?: string | null;
  streamMode?: string[];
  streamSubgraphs?: boolean;
  input?: unknown;
  startedAt: number;
  /** What the recorder fetched to make the file self-contained (thread history, final state). */
  extras?: Record<string, unknown>;
  /**
   * The assistant's graph as fetched (read it with sessionGraphOf). A field of the first line
   * rather than a line of its own: older readers keep unknown header fields and skip them, while
   * a line without `event` would stop them.
   */
  graph?: SessionGraph;
  /** Node → fingerprint of its code when the run was made (src/shared/nodeSpans.ts): a later save says which nodes changed since. */
  code?: Record<string, string>;
}

export interface Recording {
  header: RecordingHeader;
  events: RunEvent[];
}

/**
 * One event's line. `raw`, when given, is the JSON text `ev.data` was parsed from (the client's
 * `WireEvent.raw`): written as it came rather than stringified again — the same line to every
 * reader, at a fraction of the cost on a big stream. Text that spans lines (an SSE event of several
 * `data:` lines) cannot sit in one line of JSON Lines and is stringified from `data` instead.
 */
export function eventLine(ev: RunEvent & { raw?: string }): string {
  const raw = ev.raw;
  if (raw === undefined || raw === '' || raw.indexOf('\n') >= 0) return JSON.stringify({ id: ev.id, event: ev.event, ns: ev.ns, data: ev.data, t: ev.t });
  return `{"id":${ev.id === null ? 'null' : JSON.stringify(ev.id)},"event":${JSON.stringify(ev.event)},"ns":${ev.ns.length ? JSON.stringify(ev.ns) : '[]'},"data":${raw},"t":${JSON.stringify(ev.t)}}`;
}

export function headerLine(h: Omit<RecordingHeader, 'type' | 'version'>): string {
  return JSON.stringify({ type: 'run', version: RECORDING_VERSION, ...h });
}

export function serializeRecording(r: Recording): string {
  return [headerLine(r.header), ...r.events.map(eventLine)].join('\n') + '\n';
}

export class RecordingParseError extends Error {
  constructor(readonly line: number, message: string) {
    super(`Line ${line}: ${message}`);
  }
}

export function parseRecording(text: string): Recording {
  const r = new RecordingReader(text);
  const events: RunEvent[] = [];
  for (let more = r.read(Infinity); more.length; more = r.read(Infinity)) for (const e of more) events.push(e);
  return { header: r.header, events };
}

/** A recording's first line (trimmed, not blank). Throws a RecordingParseError naming the line. */
export function parseHeaderLine(line: string, lineNo: number): RecordingHeader {
  const v = lineObject(line, lineNo);
  if (v.type !== 'run') throw new RecordingParseError(lineNo, 'the first line must describe the run ({"type":"run",…}). Is this a LangGraph Timeline recording?');
  return { ...(v as unknown as RecordingHeader), startedAt: typeof v.startedAt === 'number' ? v.startedAt : 0 };
}

/** An event line of a recording (trimmed, not blank). Throws a RecordingParseError naming the line. */
export function parseEventLine(line: string, lineNo: number): RunEvent {
  const v = lineObject(line, lineNo);
  if (typeof v.event !== 'string') throw new RecordingParseError(lineNo, 'an event line needs a string "event"');
  return {
    id: typeof v.id === 'string' ? v.id : v.id === null || v.id === undefined ? null : String(v.id),
    event: v.event,
    ns: Array.isArray(v.ns) ? v.ns.map(String) : [],
    data: v.data,
    t: typeof v.t === 'number' ? v.t : 0,
  };
}

function lineObject(line: string, lineNo: number): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new RecordingParseError(lineNo, `not JSON (${(e as Error).message})`);
  }
  if (!isRecord(v)) throw new RecordingParseError(lineNo, 'expected a JSON object');
  return v;
}

/**
 * Reads a recording a few lines at a time, so a big one can be shown while the rest is read (and
 * the reader never blocks for long). The header is read by the constructor; `read` returns the next
 * events (none at the end) and throws a RecordingParseError naming the bad line.
 */
export class RecordingReader {
  readonly header: RecordingHeader;
  private pos = 0;
  private lineNo = 0;

  constructor(private readonly text: string) {
    let header: RecordingHeader | null = null;
    while (!header) {
      const line = this.nextLine();
      if (line === null) break;
      if (line) header = parseHeaderLine(line, this.lineNo);
    }
    if (!header) throw new RecordingParseError(1, 'the file is empty');
    this.header = header;
  }

  get done(): boolean {
    return this.pos >= this.text.length && !this.failed;
  }

  /** Share of the text read so far (0–1), for progress. */
  get progress(): number {
    return this.text.length ? Math.min(1, this.pos / this.text.length) : 1;
  }

  /** Up to `max` further events. A bad line ends the slice before it; the next read throws. */
  read(max: number): RunEvent[] {
    if (this.failed) throw this.failed;
    const events: RunEvent[] = [];
    try {
      this.readInto(events, max);
    } catch (e) {
      if (!events.length) throw e;
      this.failed = e as Error;
    }
    return events;
  }

  private failed: Error | null = null;

  private readInto(events: RunEvent[], max: number): void {
    while (events.length < max) {
      const line = this.nextLine();
      if (line === null) break;
      if (line) events.push(parseEventLine(line, this.lineNo));
    }
  }

  /** The next line, trimmed (null at the end). */
  private nextLine(): string | null {
    const text = this.text;
    if (this.pos >= text.length) return null;
    let end = text.indexOf('\n', this.pos);
    if (end < 0) end = text.length;
    const line = text.slice(this.pos, end).trim();
    this.pos = end + 1;
    this.lineNo++;
    return line;
  }
}
