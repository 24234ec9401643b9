// SSE framing over an async iterable of bytes, with eventsource-parser doing the parsing. Bytes are
// decoded with a streaming TextDecoder so a multibyte UTF-8 character split across chunks survives.
import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';
import { LangGraphError } from './errors';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

export interface SseOptions {
  /** Largest single event, in UTF-16 code units of buffered text. */
  maxEventBytes?: number;
  url?: string;
  /** Called with every chunk's size; used by the idle watchdog. */
  onBytes?: (n: number) => void;
  /** Called with each `:` comment line (Python's `: heartbeat`). */
  onComment?: (text: string) => void;
}

export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024;

/**
 * The messages of a stream, one array per network chunk (an async step per chunk, not per event:
 * a 30 MB stream of small events would otherwise pay thousands of promise round trips).
 */
export async function* parseSseBatches(body: AsyncIterable<Uint8Array | string>, opts: SseOptions = {}): AsyncGenerator<SseMessage[]> {
  const max = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  let batch: SseMessage[] = [];
  let tooLarge = false;
  const parser = createParser({
    onEvent(ev: EventSourceMessage) {
      // The buffer bound below sees a partial event; one that arrived whole in a big chunk is
      // measured here, so the limit does not depend on how the bytes were chunked.
      if (ev.data.length > max) tooLarge = true;
      else batch.push({ id: ev.id ?? null, event: ev.event ?? 'message', data: ev.data });
    },
    onError(err: ParseError) {
      if (err.type === 'max-buffer-size-exceeded') tooLarge = true;
    },
    onComment: opts.onComment,
    maxBufferSize: max,
  });
  const decoder = new TextDecoder('utf-8');
  let endsWithCr = false;
  // Text fed since an event last completed: a second guard (to within one chunk) for parsers
  // older than eventsource-parser 3.1, which ignore maxBufferSize.
  let pending = 0;
  const onBytes = opts.onBytes;
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    onBytes?.(chunk.length);
    if (text) {
      endsWithCr = text.charCodeAt(text.length - 1) === 13;
      const before = batch.length;
      parser.feed(text);
      pending = batch.length > before ? 0 : pending + text.length;
      if (pending > max) tooLarge = true;
    }
    if (tooLarge) {
      // Deliver the complete events that came before the oversized one, then stop.
      if (batch.length) yield batch;
      throw tooLargeError(max, opts.url);
    }
    if (batch.length) {
      const b = batch;
      batch = [];
      yield b;
    }
  }
  const tail = decoder.decode();
  if (tail) parser.feed(tail);
  // A stream ending in a bare CR leaves the parser waiting to see whether LF follows (CRLF).
  // Nothing follows: feed the LF, which cannot complete an event that lacked its blank line.
  if (endsWithCr) parser.feed('\n');
  if (tooLarge) throw tooLargeError(max, opts.url);
  // A final event without its blank line is incomplete per the SSE spec and is not delivered
  // (as browsers' EventSource does).
  if (batch.length) yield batch;
}

/** The messages of a stream, one at a time. */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>, opts: SseOptions = {}): AsyncGenerator<SseMessage> {
  for await (const batch of parseSseBatches(body, opts)) yield* batch;
}

function tooLargeError(max: number, url?: string): LangGraphError {
  return new LangGraphError(
    'event-too-large',
    `An event from the server exceeded ${formatBytes(max)}; stopped reading the stream. Raise the event size limit if such large states are expected.`,
    { url },
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
