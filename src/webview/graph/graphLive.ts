// What the pane shows, brought up to date as the run moves, within a budget: the shape (the
// server's graph, or one drawn from the run's transitions, kept the same object while its nodes
// and edges do not change, so it is not laid out again) and the run on it, kept by a RunTracker
// (graphTrack.ts: a pass costs what changed, not the whole run). Should passes still cost, they
// are spaced so the pane takes a small share of the main thread; the last one always lands. Pure.
import type { Execution } from '../../shared/runModel';
import type { RunInfo } from '../../shared/model/types';
import type { SessionGraph } from '../../shared/assistantGraph';
import { shapeFromGraph, shapeFromRun, type GraphShape } from './graphShape';
import type { GraphRun } from './graphRun';
import { RunTracker } from './graphTrack';
import { elementIn, matcherFor, oneEdgeEach } from './graphMatch';

/** The pane may take this share of the time while a run streams. */
const SHARE = 0.05;
const MAX_WAIT_MS = 1000;

export interface LiveInput {
  sessionId: string;
  sent: SessionGraph | null;
  executions: readonly Execution[];
  runs: readonly RunInfo[];
  finished: boolean;
  /** Bumped by the model on every change. */
  version: number;
  /** More is coming (a live run, or a big snapshot still being taken in): passes may be spaced. */
  live: boolean;
  note: () => string;
}

export class GraphLive {
  private shape: GraphShape | null = null;
  private shapeKey = '';
  private run: GraphRun | null = null;
  private runKey = '';
  private nextAt = 0;
  private lastLength = -1;
  private tracker: { t: RunTracker; session: string; shape: GraphShape | null } | null = null;
  private drawnOf: { t: RunTracker; v: number; k: string } | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * The shape and run for this input. `wait` > 0: the pass was put off to keep within the
   * budget; ask again in `wait` ms (what is returned is the last pass's).
   */
  update(i: LiveInput): { shape: GraphShape | null; run: GraphRun | null; wait: number } {
    const key = `${i.sessionId}|${i.executions.length}|${i.version}|${i.finished}|${i.sent ? i.sent.fetchedAt : ''}|${!!i.sent?.graph}|${i.live}`;
    if (key === this.runKey) return { shape: this.shape, run: this.run, wait: 0 };
    const t0 = this.now();
    // A live run whose passes cost: spaced. A run that has ended gets its pass now.
    if (i.live && this.run && t0 < this.nextAt && this.shape && this.runKey.startsWith(`${i.sessionId}|`)) return { shape: this.shape, run: this.run, wait: this.nextAt - t0 };
    const server = i.sent?.graph ? this.serverShape(i) : null;
    const tr = this.trackerFor(i, server);
    const run = tr.update(i.runs, i.finished, i.live);
    let shape: GraphShape;
    if (server) shape = server;
    else {
      const note = i.note();
      // What was drawn, said in full only when the tracker says it changed (a sort of every pair
      // on every pass cost more than the rest of a pass's shape), and compared in full, so a
      // tracker started again on the same run keeps the drawing.
      if (this.drawnOf?.t !== tr || this.drawnOf.v !== tr.shapeVersion) this.drawnOf = { t: tr, v: tr.shapeVersion, k: `${[...tr.ids].sort().join('\u0001')}|${[...tr.pairs.keys()].sort().join('\u0001')}` };
      const k = `run|${i.sessionId}|${this.drawnOf.k}|${note}`;
      shape = k === this.shapeKey && this.shape ? this.shape : shapeFromRun(i.executions, tr.pairs.values(), note);
      this.shapeKey = k;
    }
    this.shape = shape;
    this.run = run;
    this.runKey = key;
    // A catch-up pass (a big snapshot taken in) does not hold the small ones after it for long.
    const cost = this.now() - t0;
    this.nextAt = t0 + Math.min(MAX_WAIT_MS, cost / SHARE);
    return { shape, run, wait: 0 };
  }

  private serverShape(i: LiveInput): GraphShape {
    const k = `server|${i.sessionId}|${i.sent!.fetchedAt}`;
    if (k !== this.shapeKey || !this.shape) this.shape = shapeFromGraph(i.sent!.graph!);
    this.shapeKey = k;
    return this.shape;
  }

  /** The incremental tracker, started again when the session, the graph or the model changed. */
  private trackerFor(i: LiveInput, server: GraphShape | null): RunTracker {
    const cur = this.tracker;
    // Nothing more coming and the model changed without new executions (the thread's history
    // came in when the run ended): it may have regrouped them, so every step is checked;
    // otherwise (a live pass must stay cheap) the last thousand are.
    const inPlace = !i.live && i.executions.length === this.lastLength;
    this.lastLength = i.executions.length;
    const ok = cur && cur.session === i.sessionId && cur.shape === server && (inPlace ? cur.t.fitsFully(i.executions) : cur.t.fits(i.executions));
    if (ok) return cur.t;
    const t = server
      ? new RunTracker(i.executions, elementIn(server), matcherFor(server))
      : new RunTracker(i.executions, (gid) => gid, oneEdgeEach(), true);
    this.tracker = { t, session: i.sessionId, shape: server };
    return t;
  }
}
