// What the host sends the timeline webview, and when. Pure (no vscode): the extension's panel and
// the standalone preview's stand-in host both feed the panel through it, and it is unit-tested.
//
// - A snapshot carries at most FIRST_SLICE events, so the panel paints soon even when it opens
//   on a run of 300,000 events; the rest follows in slices of SLICE events.
// - Back-pressure: at most IN_FLIGHT × SLICE events beyond what the panel reported drawn (its
//   `rendered`) are in flight, so a queue of big messages never stands between the panel and its
//   next paint for long.
//   A live stream (a few dozen events per batch) is never held back by this.
// - A status follows the events it describes: a final phase reaches the panel only after its last
//   event, so the panel's model closes the run at the right place. Until then a finished session
//   whose snapshot was cut short shows as `loading`.
// - Slices of PACK_MIN events or more travel as JSON bytes (`session/packed`): see packedEvents.ts.
// - Hidden panels drop messages: whatever `post` reports undelivered is sent again on `flush`.
import type { SessionInfo, SessionStatus, ToWebview } from './protocol';
import { isFinalPhase } from './protocol';
import type { RunEvent } from './events';
import { PACK_MIN, packEvents } from './packedEvents';

export const FIRST_SLICE = 2000;
export const SLICE = 20_000;
/**
 * Slices in flight beyond what the panel reported drawn. More than one, so the next slice crosses
 * to the panel (and is parsed there off its main thread) while the panel applies the one before.
 */
export const IN_FLIGHT = 3;

export interface FeedSource {
  info: SessionInfo;
  /** Every event so far; the feed only reads it (appending is the source's business). */
  events: readonly RunEvent[];
  status: SessionStatus;
  extras?: Record<string, unknown>;
}

/** Delivers a message; resolves false when it was dropped (a hidden webview). */
export type Post = (m: ToWebview) => boolean | PromiseLike<boolean>;

export interface FeedOptions {
  firstSlice?: number;
  slice?: number;
  /** Slices in flight beyond what the panel drew (default IN_FLIGHT). */
  inFlight?: number;
}

export class PanelFeed {
  private source: FeedSource | null = null;
  /** Index of the first event the panel does not have yet. */
  private sent = 0;
  /** Events the panel reported drawn (taken into its model). */
  private drawn = 0;
  /** The status the panel was last sent (undefined: not yet, or it was dropped). */
  private statusSent: SessionStatus | undefined;
  /** The session info it travelled with (a run's thread, the graph's subgraphs: learnt on the way). */
  private infoSent: string | undefined;
  private readonly firstSlice: number;
  private readonly slice: number;
  private readonly inFlight: number;
  /** The panel could not read a packed slice of this session: the rest goes as objects. */
  private unpacked = false;

  constructor(private readonly post: Post, opts: FeedOptions = {}) {
    this.firstSlice = Math.max(1, opts.firstSlice ?? FIRST_SLICE);
    this.slice = Math.max(1, opts.slice ?? SLICE);
    this.inFlight = Math.max(1, opts.inFlight ?? IN_FLIGHT);
  }

  get session(): FeedSource | null {
    return this.source;
  }

  /** Events handed to the panel so far (for tests and progress). */
  get sentCount(): number {
    return this.sent;
  }

  /** Start over with this session (or none): a snapshot with the first slice. */
  snapshot(source: FeedSource | null): void {
    this.source = source;
    this.drawn = 0;
    this.unpacked = false;
    this.statusSent = undefined;
    if (!source) {
      this.sent = 0;
      void this.post({ type: 'session/none' });
      return;
    }
    const all = source.events;
    const first = Math.min(all.length, this.firstSlice);
    const complete = first === all.length;
    const status = complete ? source.status : cutShort(source.status, all.length);
    this.sent = first;
    this.statusSent = status;
    this.deliver({ type: 'session/snapshot', session: source.info, status, events: all.slice(0, first), extras: source.extras }, () => {
      // Lost (hidden panel): the panel asks again with `ready` when it is back.
      this.sent = 0;
      this.statusSent = undefined;
    });
    if (!complete) this.flush();
  }

  /** Send what the panel is missing, as far as back-pressure allows; then the status if it is due. */
  flush(): void {
    const s = this.source;
    if (!s) return;
    const all = s.events;
    while (this.sent < all.length && this.sent - this.drawn < this.inFlight * this.slice) {
      const from = this.sent;
      const to = Math.min(all.length, from + this.slice);
      this.sent = to;
      const slice = all.slice(from, to);
      const m: ToWebview = !this.unpacked && slice.length >= PACK_MIN ? { type: 'session/packed', sessionId: s.info.id, from, count: slice.length, json: packEvents(slice) } : { type: 'session/events', sessionId: s.info.id, from, events: slice };
      const taken = this.deliver(m, () => {
        this.sent = Math.min(this.sent, from);
      });
      // Refused on the spot (hidden): the rest waits for `shown`.
      if (!taken) return;
    }
    this.syncStatus();
  }

  /** The panel's `rendered`: how many events it has drawn. Frees room for the next slice. */
  rendered(sessionId: string, events: number): void {
    if (!this.source || sessionId !== this.source.info.id) return;
    this.drawn = Math.max(this.drawn, Math.min(events, this.sent));
    this.flush();
  }

  /** The panel's `resync`: it lost a batch and has everything before `from` (`unpacked`: it could not read a packed one). */
  resync(sessionId: string, from: number, unpacked = false): void {
    if (!this.source || sessionId !== this.source.info.id) return;
    if (unpacked) this.unpacked = true;
    this.sent = Math.min(this.sent, Math.max(0, from));
    this.drawn = Math.min(this.drawn, this.sent);
    this.flush();
  }

  /** The session's status changed. */
  statusChanged(): void {
    this.syncStatus();
  }

  /** Back in view: repeat what may have been dropped while hidden. */
  shown(): void {
    this.statusSent = undefined;
    this.flush();
    if (this.source?.extras) this.extras(this.source.extras);
  }

  extras(extras: Record<string, unknown>): void {
    const s = this.source;
    if (s) void this.post({ type: 'session/extras', sessionId: s.info.id, extras });
  }

  private syncStatus(): void {
    const s = this.source;
    if (!s) return;
    // While slices are still owed, a finished session shows as loading.
    const status = this.sent < s.events.length ? cutShort(s.status, s.events.length) : s.status;
    // What the host learns of a session on the way (never its input: that is known at the start).
    const i = s.info;
    const info = `${i.threadId}|${i.runId}|${i.subgraphs?.join(',')}|${i.revision}`;
    if (sameStatus(status, this.statusSent) && info === this.infoSent) return;
    this.statusSent = status;
    this.infoSent = info;
    // The session's info travels with its status: a run's thread and id are known only once it starts.
    this.deliver({ type: 'session/status', sessionId: s.info.id, status, info: { ...s.info } }, () => {
      if (this.statusSent === status) this.statusSent = undefined;
    });
  }

  /** False when the message was refused at once; a later refusal calls `onDropped` then. */
  private deliver(m: ToWebview, onDropped: () => void): boolean {
    const r = this.post(m);
    if (r === true) return true;
    if (r === false) {
      onDropped();
      return false;
    }
    r.then(
      (ok) => {
        if (!ok) onDropped();
      },
      () => onDropped(),
    );
    return true;
  }
}

/** A session the panel has only part of: a final phase would close the run too early. */
function cutShort(s: SessionStatus, total: number): SessionStatus {
  return isFinalPhase(s.phase) ? { phase: 'loading', message: `${total.toLocaleString('en-US')} events` } : s;
}

function sameStatus(a: SessionStatus, b: SessionStatus | undefined): boolean {
  return !!b && a.phase === b.phase && a.message === b.message;
}
