// Lines to a file or stdout, buffered: one write per burst of events rather than one per event
// (a 20,000-event stream was 20,000 writes and as many promises), with the stream's backpressure
// honoured. A line is on its way at the latest when the event loop next turns (setImmediate), so
// a live `record | jq` still sees each event as it arrives.
import type { Writable } from 'node:stream';

/** Bytes of text held before a write is forced within a burst. */
const HIGH_WATER = 1 << 20;

export class LineSink {
  private buf = '';
  private scheduled = false;
  private drained: Promise<void> | null = null;

  constructor(private readonly out: Writable) {}

  /**
   * Queue one line (without its newline). Returns a promise only when the caller should wait
   * (the stream is full), so the common case costs no await.
   */
  line(text: string): Promise<void> | null {
    this.buf += text + '\n';
    if (this.buf.length >= HIGH_WATER) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return this.drained;
  }

  /** Hand what is queued to the stream; resolves when the stream can take more. */
  flush(): Promise<void> {
    if (this.buf) {
      const ok = this.out.write(this.buf);
      this.buf = '';
      if (!ok && !this.drained) {
        this.drained = new Promise<void>((resolve) =>
          this.out.once('drain', () => {
            this.drained = null;
            resolve();
          }),
        );
      }
    }
    return this.drained ?? Promise.resolve();
  }
}
