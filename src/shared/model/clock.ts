// One clock per axis. Live runs are drawn on this client's clock (arrival times, `tasks` starts);
// server times (debug timestamps, checkpoint `created_at`) join them only moved by an offset the
// run itself shows. A replayed run — its events came in one burst after it ended — is drawn from
// the server's checkpoint times instead of its meaningless arrival times. Pure.
import type { Execution, RunSummary } from './types';
import type { ThreadHistory } from './history';

/** Server times of replayed executions, by index, kept so a better offset can move them again. */
export type ServerTimes = Map<number, { start: number; end: number | null }>;

/**
 * One reading of both clocks: the server's time `server` was seen here at `client`. The offset is
 * the smallest client − server seen: the clock skew plus the least latency.
 */
export function readClock(summary: RunSummary, client: number, server: number): void {
  const o = client - server;
  if (summary.clockOffset === null || o < summary.clockOffset) summary.clockOffset = o;
}

/**
 * A root execution of step n of a replayed run ran from the checkpoint of step n − 1 to that of
 * step n (an interrupted or failed one wrote no checkpoint: it is an instant at its start). With
 * a live run beside the replays the axis stays the client's and server times move by the offset;
 * with no offset known they keep their arrival marks. A replay's subgraph executions have no
 * time of their own: a mark at their parent's start. Returns whether anything moved.
 */
export function retimeReplays(executions: Execution[], summary: RunSummary, history: ThreadHistory, kept: ServerTimes): boolean {
  const replayed = new Set(summary.runs.filter((r) => r.replay).map((r) => r.runId));
  if (!replayed.size || !history.all.length) return false;
  const live = summary.runs.some((r) => !r.replay);
  if (live) {
    // The live runs' own steps read the server's clock against ours.
    for (const x of executions) {
      if (x.ns.length || x.runId === null || replayed.has(x.runId) || x.end === null || x.timeSource === 'server') continue;
      const h = history.at(x.step, x.runId);
      if (h && h.runId === x.runId && Number.isFinite(h.createdAt)) readClock(summary, x.end, h.createdAt);
    }
  }
  summary.clock = live ? 'client' : 'server';
  const shift = live ? summary.clockOffset : 0;
  if (shift === null) return false;
  for (const x of executions) {
    if (x.ns.length || x.runId === null || !replayed.has(x.runId)) continue;
    let st = kept.get(x.index);
    if (!st) {
      const from = history.at(x.step - 1, x.runId);
      const to = history.at(x.step, x.runId);
      if (!from || !Number.isFinite(from.createdAt)) continue;
      st = { start: from.createdAt, end: x.status === 'done' && to && Number.isFinite(to.createdAt) ? to.createdAt : null };
      kept.set(x.index, st);
    }
    x.start = st.start + shift;
    x.end = st.end === null ? x.start : st.end + shift;
    x.timeSource = 'server';
  }
  // Parents first: a subgraph's node may have reported after the subgraph's own nodes.
  const nested = executions.filter((x) => x.ns.length).sort((a, b) => a.ns.length - b.ns.length);
  for (const x of nested) {
    if (x.runId === null || !replayed.has(x.runId) || x.parent === null) continue;
    const p = executions[x.parent];
    x.start = p.start;
    x.end = p.start;
    x.timeSource = 'arrival';
  }
  return true;
}
