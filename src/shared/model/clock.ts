// One clock per axis. Live runs are drawn on this client's clock (arrival times, `tasks` starts);
// server times (debug timestamps, checkpoint `created_at`) join them only moved by an offset the
// run itself shows. A replayed run — its events came in one burst after it ended — is drawn from
// the server's checkpoint times instead of its meaningless arrival times. Pure.
import type { Execution, RunSummary } from './types';
import type { ThreadHistory } from './history';

/** Server times of replayed executions, by index, kept so a better offset can move them again. */
export type ServerTimes = Map<number, { start: number; end: number | null; startUnknown?: boolean }>;

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
 * step n (an interrupted or failed one wrote no checkpoint: it is an instant at its start), when
 * the run wrote both: a step that began from another run's checkpoint (a resume, a debugger's
 * Step or Continue, a fork) is a mark at its own checkpoint, never a bar across the wait. With
 * a live run beside the replays the axis stays the client's and server times move by the offset;
 * with no offset known they keep their arrival marks. A replay's subgraph executions have no
 * time of their own: a mark at their parent's start. Returns whether anything moved.
 */
export function retimeReplays(executions: Execution[], summary: RunSummary, history: ThreadHistory, kept: ServerTimes): boolean {
  const replayed = new Set(summary.runs.filter((r) => r.replay).map((r) => r.runId));
  const runStart = new Map(summary.runs.flatMap((r) => (r.serverStart !== undefined ? [[r.runId, r.serverStart] as const] : [])));
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
      const end = x.status === 'done' && to && Number.isFinite(to.createdAt) ? to.createdAt : null;
      if (from.runId === x.runId) st = { start: from.createdAt, end };
      else {
        // The step began in this run, from a checkpoint another run (or a state edit) wrote: the
        // time between the two is the wait between the runs (a debugger's stop, a person reading
        // an interrupt), not the node's. Its checkpoint is all the history backs: a mark there.
        // Without one (interrupted, failed) it happened after this run began, when that is known.
        const began = runStart.get(x.runId);
        const at = end ?? (began !== undefined ? Math.max(from.createdAt, began) : from.createdAt);
        st = { start: at, end: at, startUnknown: true };
      }
      kept.set(x.index, st);
    }
    x.start = st.start + shift;
    x.end = st.end === null ? x.start : st.end + shift;
    x.timeSource = 'server';
    if (st.startUnknown) x.startUnknown = true;
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
