// A run lost to a server restart, told plainly. `langgraph dev` restarts on every save of a graph
// file (and a crash, an OOM kill, a rolling deploy restart it too); the runs in flight die with it.
// What the server says afterwards is all we can back: the run is gone (404), or it is still listed
// as running but nothing moves (the JS dev server persists the run as `running` and never resumes
// it), or the server never came back. The checkpoint it kept is what a re-run can start from.
import { LangGraphError } from './errors';
import type { ThreadState } from './types';
import { isRecord, type RunEvent } from '../shared/events';

/** How the run was lost. */
export type LostReason =
  /** The server no longer knows the run (404, or a join answered "Run not found"). */
  | 'vanished'
  /** The server came back and lists the run as pending/running, but nothing arrived for a while. */
  | 'stale'
  /** The server did not come back within the time allowed. */
  | 'down';

/** `data.lost` of the `lgt/gap` event that ends a stream lost this way. */
export interface LostRun {
  reason: LostReason;
  runId: string | null;
  threadId: string | null;
  /** How long the server did not answer, when that was seen. */
  downMs: number | null;
  /** The last checkpoint the server kept for the thread (what a re-run starts from), if any. */
  checkpointId?: string;
  /** That checkpoint's step. */
  step?: number;
  /** The server does not know the thread either (a restart that kept nothing). */
  threadGone?: boolean;
  /** The run's status as the server gives it after the restart, when it gives one. */
  runStatus?: string;
}

export function isLostRun(v: unknown): v is LostRun {
  return isRecord(v) && (v.reason === 'vanished' || v.reason === 'stale' || v.reason === 'down');
}

export interface LostInput {
  reason: LostReason;
  threadId: string | null;
  runId: string | null;
  downMs: number | null;
  /** The id of the last event received, and how many were received in all. */
  afterEventId: string | null;
  received: number;
  graceMs: number;
  waitedMs: number;
  origin: string;
  runStatus?: string;
  /** The thread's state after the restart (null: none could be read; 'gone': 404). */
  state: ThreadState | null | 'gone';
}

const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** The `lgt/gap` event that ends a lost run's stream: what happened, what was kept, where to go on from. */
export function lostRunEvent(p: LostInput): RunEvent {
  const run = p.runId ? `run ${p.runId}` : 'the run';
  const down = p.downMs !== null ? ` (it did not answer for ${secs(p.downMs)})` : '';
  const got = p.received === 0 ? 'no event had arrived' : `all ${p.received} event${p.received === 1 ? '' : 's'} received are kept`;
  const lost: LostRun = { reason: p.reason, runId: p.runId, threadId: p.threadId, downMs: p.downMs };
  if (p.runStatus) lost.runStatus = p.runStatus;
  let where = p.afterEventId !== null ? `after event ${p.afterEventId}` : p.received ? `after ${p.received} events` : 'before any event arrived';
  let kept = '';
  if (p.state === 'gone') {
    lost.threadGone = true;
    kept = ` The server kept nothing of thread ${p.threadId} (it is gone too).`;
  } else if (p.state) {
    const id = p.state.checkpoint?.checkpoint_id;
    const step = isRecord(p.state.metadata) && typeof p.state.metadata.step === 'number' ? p.state.metadata.step : undefined;
    if (id) {
      lost.checkpointId = id;
      if (step !== undefined) {
        lost.step = step;
        where = `after step ${step}`;
      }
      const next = p.state.next.length ? `, before ${p.state.next.join(', ')}` : '';
      kept = ` The server kept the thread's checkpoint at step ${step ?? '?'}${next}: it can be re-run from there.`;
    } else {
      kept = ' The server kept no checkpoint of this thread: it can only be run again from the start.';
    }
  }
  let message: string;
  if (p.reason === 'down') {
    message = `The server at ${p.origin} went away and did not come back within ${secs(p.waitedMs)}: ${run} was lost ${where} as far as this client can tell; ${got}.`;
  } else if (p.reason === 'vanished') {
    message = p.downMs !== null
      ? `The server restarted${down}; ${run} was lost ${where} (the server no longer knows it). ${cap(got)}.`
      : `The server no longer knows ${run} (it restarted, or the thread was deleted): the run was lost ${where}. ${cap(got)}.`;
  } else {
    message = `The server restarted${down}; ${run} was lost ${where}: the server still lists it as ${p.runStatus ?? 'running'}, but nothing came in the ${secs(p.graceMs)} since it came back. ${cap(got)}.`;
  }
  message += kept;
  return { id: null, event: 'lgt/gap', ns: [], data: { message, reason: 'restart', status: 'error', afterEventId: p.afterEventId, lost }, t: Date.now() };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The thread's state after a restart: 'gone' on a 404, null when it cannot be read. */
export async function stateAfterRestart(read: () => Promise<ThreadState>): Promise<ThreadState | null | 'gone'> {
  try {
    return await read();
  } catch (e) {
    return e instanceof LangGraphError && e.kind === 'not-found' ? 'gone' : null;
  }
}

/** The `data.lost` of an event, when it ends a run lost to a restart. */
export function lostRunOf(ev: RunEvent): LostRun | null {
  return ev.event === 'lgt/gap' && isRecord(ev.data) && isLostRun(ev.data.lost) ? ev.data.lost : null;
}
