// Runs started elsewhere (a user's app, a script) on a deployment, found as they start. The JS
// dev server has no stream of a deployment's runs, so this polls: the threads most recently
// updated (POST /threads/search sorted by updated_at), then the runs of those that changed. Runs
// created before the watch began (by the server's clock: the newest thread's updated_at at the
// first poll) are not new. Bounded: one search and a few run lists per poll, the interval grows
// while nothing changes, and the watch stops, saying why, after errors in a row. Plain Node.
import type { Run, Thread } from './types';
import { isAbortError } from './errors';

export interface WatchApi {
  searchThreads(q: { limit?: number; sortBy?: 'updated_at'; sortOrder?: 'desc' }, signal?: AbortSignal): Promise<Thread[]>;
  listRuns(threadId: string, opts: { limit?: number }, signal?: AbortSignal): Promise<Run[]>;
  getRun?(threadId: string, runId: string, signal?: AbortSignal): Promise<Run>;
  /** Python's `GET /threads/{t}/stream` (JS: 404, and the watch polls only). */
  watchThread?(threadId: string, signal: AbortSignal, onOpen?: () => void): AsyncIterable<{ event: string; data: unknown }>;
}

export interface WatchOptions {
  /** Between polls while runs come and go (default 1000 ms). */
  intervalMs?: number;
  /** The most the interval grows to while nothing changes (default 10 s). */
  maxIntervalMs?: number;
  /** Threads looked at per poll (default 20). */
  threads?: number;
  /**
   * Threads followed through the server's thread stream, where it has one (Python): a new run on
   * one of them is reported as it starts, not at the next poll (default 5, the most recently
   * changed; 0: poll only).
   */
  threadStreams?: number;
  /** Failed polls in a row before the watch stops (default 3). */
  maxErrors?: number;
  /** Runs already shown elsewhere (the extension started them): never reported. */
  known?: (run: Run) => boolean;
  onRun: (run: Run) => void;
  /** The watch stopped on its own (errors): why, in words. */
  onStop?: (reason: string) => void;
  onPoll?: (p: { intervalMs: number; changed: number }) => void;
}

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

export class DeploymentWatcher {
  private readonly seen = new Set<string>();
  /** Server time of the newest change seen; runs created at or before the first one are old. */
  private since: number | null = null;
  private baseline: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly abort = new AbortController();
  private errors = 0;
  private interval: number;
  private started = false;
  polls = 0;
  stopped = false;
  /** Runs reported, in order. */
  readonly found: Run[] = [];
  /** Thread streams open, oldest first; null once the server has shown it has none. */
  private streams: Map<string, AbortController> | null = new Map();
  /** How runs were found (tests, the log). */
  readonly via = { poll: 0, threadStream: 0 };

  constructor(private readonly api: WatchApi, private readonly o: WatchOptions) {
    this.interval = o.intervalMs ?? 1000;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    for (const ac of this.streams?.values() ?? []) ac.abort();
  }

  /** Whether thread streams are in use: null until the server has answered one. */
  get threadStreamsWork(): boolean | null {
    return this.streams === null ? false : this.streamsAnswered ? true : null;
  }
  private streamsAnswered = false;

  /** A new run, reported once, if it is new and not the extension's own. */
  private report(r: Run, via: 'poll' | 'threadStream'): void {
    if (this.seen.has(r.run_id)) return;
    this.seen.add(r.run_id);
    if (!(ms(r.created_at) > this.baseline!) || this.o.known?.(r)) return;
    this.via[via]++;
    this.found.push(r);
    this.o.onRun(r);
  }

  /** Follow a thread through its stream (Python): runs on it are reported as they begin. Bounded. */
  private follow(threadId: string): void {
    const api = this.api;
    const max = this.o.threadStreams ?? 5;
    if (!this.streams || !api.watchThread || !api.getRun || max <= 0 || this.stopped) return;
    const open = this.streams;
    if (open.has(threadId)) {
      // Most recently changed last: it is the last to be let go.
      const ac = open.get(threadId)!;
      open.delete(threadId);
      open.set(threadId, ac);
      return;
    }
    const ac = new AbortController();
    open.set(threadId, ac);
    while (open.size > max) {
      const [oldest, oac] = open.entries().next().value as [string, AbortController];
      open.delete(oldest);
      oac.abort();
    }
    void (async () => {
      try {
        for await (const ev of api.watchThread!(threadId, ac.signal, () => (this.streamsAnswered = true))) {
          if (ev.event !== 'metadata' || typeof ev.data !== 'object' || ev.data === null) continue;
          const runId = (ev.data as { run_id?: unknown }).run_id;
          // A run's own `metadata` as it begins (or, missed that, its `run_done` at the end).
          if (typeof runId !== 'string' || this.seen.has(runId)) continue;
          const run = await api.getRun!(threadId, runId, ac.signal);
          if (!this.stopped) this.report(run, 'threadStream');
        }
      } catch (e) {
        if (ac.signal.aborted || isAbortError(e)) return;
        // No such endpoint (the JS dev server): poll only, from now on.
        if ((e as { kind?: string }).kind === 'not-found' && !this.streamsAnswered) {
          for (const x of open.values()) x.abort();
          this.streams = null;
          return;
        }
      } finally {
        if (this.streams?.get(threadId) === ac) this.streams.delete(threadId);
      }
    })();
  }

  /** One poll: threads changed since the last, their new runs reported. Returns how many threads changed. */
  async poll(): Promise<number> {
    const signal = this.abort.signal;
    const threads = await this.api.searchThreads({ limit: this.o.threads ?? 20, sortBy: 'updated_at', sortOrder: 'desc' }, signal);
    this.polls++;
    const newest = Math.max(-Infinity, ...threads.map((t) => ms(t.updated_at)).filter(Number.isFinite));
    if (this.baseline === null) {
      // The first poll only says where "now" is on the server's clock.
      this.baseline = this.since = Number.isFinite(newest) ? newest : 0;
      return 0;
    }
    const since = this.since!;
    const changed = threads.filter((t) => t.status === 'busy' || !(ms(t.updated_at) <= since));
    for (const t of changed) {
      const runs = await this.api.listRuns(t.thread_id, { limit: 10 }, signal);
      // Oldest first, so two runs of one thread open in the order they started.
      for (const r of runs.slice().reverse()) this.report(r, 'poll');
      this.follow(t.thread_id);
    }
    if (Number.isFinite(newest)) this.since = Math.max(since, newest);
    return changed.length;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const changed = await this.poll();
      this.errors = 0;
      const base = this.o.intervalMs ?? 1000;
      // Quiet: back off (×1.5 to the cap); a change: poll at the base rate again.
      this.interval = changed ? base : Math.min(this.o.maxIntervalMs ?? 10_000, Math.round(this.interval * 1.5));
      this.o.onPoll?.({ intervalMs: this.interval, changed });
    } catch (e) {
      if (this.stopped || isAbortError(e)) return;
      if (++this.errors >= (this.o.maxErrors ?? 3)) {
        this.stop();
        this.o.onStop?.(`stopped after ${this.errors} failed polls in a row: ${(e as Error).message}`);
        return;
      }
      this.interval = Math.min(this.o.maxIntervalMs ?? 10_000, this.interval * 2);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.interval);
  }
}
