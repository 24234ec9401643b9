// The idle watchdog of a run stream. The dev server sends no heartbeats, so a quiet connection
// may be a slow node or a dead link (a proxy that black-holes bytes, a laptop that slept).
import { isTerminalStatus, type Run } from './types';
import { isRecord } from '../shared/events';

/**
 * Notices a connection that has gone quiet. The server sends no heartbeats, so silence alone
 * cannot tell a slow node from a dead link: ask the run. Still running → refresh the connection
 * (a resumable rejoin loses nothing); finished → the stream should have closed: stalled.
 */
export class Watchdog {
  verdict: null | 'refresh' | 'stalled' | 'ended' = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;
  private seq = 0;
  private stopped = false;
  private resumable = true;

  constructor(
    readonly idleMs: number,
    private readonly ask: () => Promise<Run | null>,
    private readonly abort: () => void,
  ) {}

  start(): void {
    if (this.idleMs <= 0) return;
    this.last = Date.now();
    this.timer = setTimeout(this.fire, this.idleMs);
  }

  /** Per chunk: cheap (no timer churn); the timer checks the time of the last byte when it fires. */
  readonly onBytes = (): void => {
    this.last = Date.now();
    this.seq++;
  };

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  setResumable(r: boolean): void {
    this.resumable = r;
  }

  private readonly fire = async (): Promise<void> => {
    if (this.stopped) return;
    const quiet = Date.now() - this.last;
    if (quiet < this.idleMs) {
      this.timer = setTimeout(this.fire, this.idleMs - quiet);
      return;
    }
    const seq = this.seq;
    const run = await this.ask();
    if (this.stopped) return;
    if (this.seq !== seq) return this.start(); // bytes arrived while we asked
    const flag = run && isRecord(run.kwargs) ? run.kwargs.resumable : undefined;
    const resumable = this.resumable && flag !== false;
    if (run && !isTerminalStatus(run.status)) {
      if (!resumable) return this.start(); // nothing better to do than keep listening
      this.verdict = 'refresh';
    } else if (!resumable) {
      if (!run) return this.start();
      this.verdict = 'ended';
    } else {
      this.verdict = 'stalled';
    }
    this.abort();
  };
}
