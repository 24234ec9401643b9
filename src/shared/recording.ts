// The recorded-run format: JSON Lines. Line 1 describes the run; each further line is one event.
// Written by the recorder CLI and by "Export Run"; read by `show`, the preview and "Open Recorded Run".
import { isRecord, type RunEvent } from './events';

export const RECORDING_VERSION = 1;

export interface RecordingHeader {
  type: 'run';
  version: number;
  url?: string;
  assistantId?: string;
  threadId?: string | null;
  runId?: string | null;
  streamMode?: string[];
  streamSubgraphs?: boolean;
  input?: unknown;
  startedAt: number;
  /** What the recorder fetched to make the file self-contained (thread history, final state). */
  extras?: Record<string, unknown>;
}

export interface Recording {
  header: RecordingHeader;
  events: RunEvent[];
}

export function eventLine(ev: RunEvent): string {
  return JSON.stringify({ id: ev.id, event: ev.event, ns: ev.ns, data: ev.data, t: ev.t });
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
  const lines = text.split(/\r?\n/);
  let header: RecordingHeader | null = null;
  const events: RunEvent[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new RecordingParseError(i + 1, `not JSON (${(e as Error).message})`);
    }
    if (!isRecord(v)) throw new RecordingParseError(i + 1, 'expected a JSON object');
    if (header === null) {
      if (v.type !== 'run') throw new RecordingParseError(i + 1, 'the first line must describe the run ({"type":"run",…}). Is this a LangGraph Timeline recording?');
      header = { ...(v as unknown as RecordingHeader), startedAt: typeof v.startedAt === 'number' ? v.startedAt : 0 };
      return;
    }
    if (typeof v.event !== 'string') throw new RecordingParseError(i + 1, 'an event line needs a string "event"');
    events.push({
      id: typeof v.id === 'string' ? v.id : v.id === null || v.id === undefined ? null : String(v.id),
      event: v.event,
      ns: Array.isArray(v.ns) ? v.ns.map(String) : [],
      data: v.data,
      t: typeof v.t === 'number' ? v.t : 0,
    });
  });
  if (!header) throw new RecordingParseError(1, 'the file is empty');
  return { header, events };
}
