// SSE framing over an async iterable of bytes, with eventsource-parser doing the parsing. Bytes are
// decoded with a streaming TextDecoder so a multibyte UTF-8 character split across chunks survives.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
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
}

export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024;

export async function* parseSse(body: AsyncIterable<Uint8Array | string>, opts: SseOptions = {}): AsyncGenerator<SseMessage> {
  const max = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const queue: SseMessage[] = [];
  // Bytes fed since the last complete event: a bound on what the parser is holding for one event.
  let pending = 0;
  const parser = createParser({
    onEvent(ev: EventSourceMessage) {
      pending = 0;
      queue.push({ id: ev.id ?? null, event: ev.event ?? 'message', data: ev.data });
    },
  });
  const decoder = new TextDecoder('utf-8');
  let endsWithCr = false;
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    opts.onBytes?.(typeof chunk === 'string' ? chunk.length : chunk.byteLength);
    if (text.length > max * 4 && queue.length === 0) {
      // A single enormous chunk: feed it in slices so the bound below still applies.
      for (let i = 0; i < text.length; i += max) {
        pending += Math.min(max, text.length - i);
        endsWithCr = text.endsWith('\r');
        parser.feed(text.slice(i, i + max));
        yield* drain(queue);
        checkBound();
      }
      continue;
    }
    pending += text.length;
    if (text) endsWithCr = text.endsWith('\r');
    parser.feed(text);
    yield* drain(queue);
    checkBound();
  }
  const tail = decoder.decode();
  if (tail) parser.feed(tail);
  // A stream ending in a bare CR leaves the parser waiting to see whether LF follows (CRLF).
  // Nothing follows: feed the LF, which cannot complete an event that lacked its blank line.
  if (endsWithCr) parser.feed('\n');
  // A final event without its blank line is incomplete per the SSE spec; eventsource-parser
  // drops it on reset({consume:false}) which matches browsers' EventSource.
  yield* drain(queue);

  function checkBound() {
    if (pending > max) {
      throw new LangGraphError(
        'event-too-large',
        `An event from the server exceeded ${formatBytes(max)} without ending; stopped reading the stream.`,
        { url: opts.url },
      );
    }
  }
}

function* drain(queue: SseMessage[]): Generator<SseMessage> {
  while (queue.length) yield queue.shift()!;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
