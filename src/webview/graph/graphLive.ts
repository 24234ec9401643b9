// What the pane shows, brought up to date as the run moves, within a budget: the shape (the
// server's graph, or one drawn from the run's transitions, kept the same object while its nodes
// and edges do not change, so it is not laid out again) and the run on it. Each pass reads every
// execution once; on a huge run the passes are spaced so the pane takes at most a small share of
// the main thread (the timeline's frames come first), and the last one always lands. Pure.
import type { Execution } from '../../shared/runModel';
import type { RunInfo } from '../../shared/model/types';
import type { SessionGraph } from '../../shared/assistantGraph';
import { END, START, graphIdOf, shapeFromGraph, shapeFromRun, type GraphShape } from './graphShape';
import { graphRun, leafTransitions, type GraphRun } from './graphRun';

/** The pane may take this share of the time while a run streams. */
const SHARE = 0.05;

export interface LiveInput {
  sessionId: string;
  sent: SessionGraph | null;
  executions: readonly Execution[];
  runs: readonly RunInfo[];
  finished: boolean;
  /** Bumped by the model on every change. */
  version: number;
  live: boolean;
  note: () => string;
}

export class GraphLive {
  private shape: GraphShape | null = null;
  private shapeKey = '';
  private run: GraphRun | null = null;
  private runKey = '';
  private nextAt = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * The shape and run for this input. `wait` > 0: the pass was put off to keep within the
   * budget; ask again in `wait` ms (what is returned is the last pass's).
   */
  update(i: LiveInput): { shape: GraphShape | null; run: GraphRun | null; wait: number } {
    const key = `${i.sessionId}|${i.executions.length}|${i.version}|${i.finished}|${i.sent ? i.sent.fetchedAt : ''}|${!!i.sent?.graph}`;
    if (key === this.runKey) return { shape: this.shape, run: this.run, wait: 0 };
    const t0 = this.now();
    // A live run on a big graph of work: spaced passes. A run that has ended gets its pass now.
    if (i.live && this.run && t0 < this.nextAt && this.shape && this.runKey.startsWith(`${i.sessionId}|`)) return { shape: this.shape, run: this.run, wait: this.nextAt - t0 };
    let shape: GraphShape;
    if (i.sent?.graph) {
      const k = `server|${i.sessionId}|${i.sent.fetchedAt}`;
      shape = k === this.shapeKey && this.shape ? this.shape : shapeFromGraph(i.sent.graph);
      this.shapeKey = k;
    } else {
      const pairs = new Map<string, [string, string]>();
      for (const t of leafTransitions(i.executions, i.runs, i.finished)) {
        const a = t.from === 'start' ? START : graphIdOf(i.executions[t.from]);
        const b = t.to === 'end' ? END : graphIdOf(i.executions[t.to]);
        pairs.set(`${a}\u0000${b}`, [a, b]);
      }
      const ids = new Set<string>();
      for (const ex of i.executions) ids.add(graphIdOf(ex));
      const note = i.note();
      const k = `run|${i.sessionId}|${[...ids].sort().join('\u0001')}|${[...pairs.keys()].sort().join('\u0001')}|${note}`;
      shape = k === this.shapeKey && this.shape ? this.shape : shapeFromRun(i.executions, pairs.values(), note);
      this.shapeKey = k;
    }
    this.shape = shape;
    this.run = graphRun(shape, i.executions, i.runs, i.finished);
    this.runKey = key;
    const cost = this.now() - t0;
    this.nextAt = t0 + cost / SHARE;
    return { shape, run: this.run, wait: 0 };
  }
}
