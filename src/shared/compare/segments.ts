// A thread session's runs, one after another in one event list: where each begins (an `lgt/run`
// the session added before its stream) and ends, so one run of it can be compared with another
// (a fork with its origin, a re-run with the run before). Pure.
import { isRecord, isRunStart, type RunEvent, type RunStart } from '../events';
import { RunModel } from '../runModel';

export interface RunSegment {
  /** 0-based position among the session's runs. */
  index: number;
  /** The server's run id (from the `lgt/run` or the run's `metadata`), when known yet. */
  runId: string | null;
  /** How the run began, when the session said. */
  start: RunStart | null;
  /** Its events are `events.slice(from, to)`. */
  from: number;
  to: number;
}

/** The runs of a session's events, in order. A stream without `lgt/run` markers is one run. */
export function runSegments(events: readonly RunEvent[]): RunSegment[] {
  const out: RunSegment[] = [];
  let cur: RunSegment | null = null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.event === 'lgt/run' && !(cur && cur.from === i)) {
      if (cur) cur.to = i;
      const start = isRunStart(e.data) ? e.data : null;
      cur = { index: out.length, runId: start?.runId ?? null, start, from: i, to: events.length };
      out.push(cur);
      continue;
    }
    if (!cur) {
      cur = { index: 0, runId: null, start: null, from: 0, to: events.length };
      out.push(cur);
    }
    if (cur.runId === null && e.event === 'metadata' && isRecord(e.data) && typeof e.data.run_id === 'string') cur.runId = e.data.run_id;
  }
  return out;
}

/**
 * One run of the session as a model of its own. `ended`: the run is over (its last superstep
 * closes); a live run is modelled as far as it has come.
 */
export function segmentModel(events: readonly RunEvent[], seg: RunSegment, opts: { input?: unknown; extras?: Record<string, unknown>; ended: boolean }): RunModel {
  // The session's input is its first run's; later runs say theirs in their `lgt/run`.
  // A fork starts from the checkpoint's state (what the person forked from), not from an input.
  const forkValues = seg.start?.kind === 'fork' ? seg.start.fork?.values : undefined;
  const input = forkValues ?? (seg.index === 0 ? opts.input : seg.start?.input);
  const m = new RunModel({ input, extras: opts.extras, command: seg.start?.command });
  for (let i = seg.from; i < seg.to; i++) m.apply(events[i]);
  if (opts.ended) m.end();
  return m;
}

/** A few words on how a run began: `input`, `resume`, `fork from step 3 before review`, … */
export function segmentHow(seg: RunSegment): string {
  const s = seg.start;
  if (!s) return 'run';
  if (s.kind === 'fork') {
    const f = s.fork;
    return `fork${f?.step !== undefined ? ` from step ${f.step}` : ''}${f?.node ? ` before ${f.node}` : ''}${f?.edited ? ' (edited)' : ''}`;
  }
  return s.kind === 'resume' ? 'resume' : s.kind === 'continue' ? 'continued' : s.kind === 'join' ? 'joined' : 'input';
}
