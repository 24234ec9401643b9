// The idle watchdog of a run stream. The JS dev server sends no heartbeats, so a quiet connection
// may be a slow node or a dead link (a proxy that black-holes bytes, a laptop that slept). The
// Python server sends `: heartbeat` every ~5 s while idle: once two have come, silence for three
// of their intervals means the link is gone, however slow the node.
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
  private lastBeat = 0;
  /** The server's heartbeat interval, once seen (two heartbeats in a row). */
  private beatMs: number | null = null;

  constructor(
    readonly idleMs: number,
    private readonly ask: () => Promise<Run | null>,
    private readonly abort: () => void,
  ) {}

  start(): void {
    if (this.idleMs <= 0) return;
    this.last = Date.now();
    this.timer = setTimeout(this.fire, this.limitMs);
  }

  /** Per chunk: cheap (no timer churn); the timer checks the time of the last byte when it fires. */
  readonly onBytes = (): void => {
    this.last = Date.now();
    this.seq++;
  };

  /** Per `:` comment: a heartbeat. Their interval arms a tighter limit than idleMs. */
  readonly onComment = (): void => {
    const now = Date.now();
    if (this.lastBeat) {
      const gap = now - this.lastBeat;
      const before = this.limitMs;
      this.beatMs = this.beatMs === null ? gap : Math.max(this.beatMs, gap);
      // The timer was set for the longer limit: bring it in.
      if (this.limitMs < before && this.timer !== undefined && !this.stopped && this.verdict === null) {
        clearTimeout(this.timer);
        this.timer = setTimeout(this.fire, this.limitMs);
      }
    }
    this.lastBeat = now;
  };

  /** How long silence may last: idleMs, or three heartbeat intervals (at least 1 s) once known. */
  get limitMs(): number {
    return this.beatMs === null ? this.idleMs : Math.min(this.idleMs, Math.max(1000, 3 * this.beatMs));
  }

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
    if (quiet < this.limitMs) {
      this.timer = setTimeout(this.fire, this.limitMs - quiet);
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
