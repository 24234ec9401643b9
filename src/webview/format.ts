// How the panel says times, counts and executions in words: durations, offsets on the axis,
// "1 node run" / "2 node runs", the keys a node wrote, one line per execution.
import type { Execution } from '../shared/runModel';

export function formatDuration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m ${Math.round((ms % 60_000) / 1000)}s`;
}

/**
 * One formatter for the panel, made once: `n.toLocaleString()` builds a new one on every call,
 * which showed up in the streaming benchmark's CPU profile (the LLM totals line is redrawn with
 * each frame of a streamed answer). Same output: both take the user's locale and no options.
 */
const NUMBER = new Intl.NumberFormat();

/** A number the way the user's locale writes it: "1,204". */
export function formatNumber(n: number): string {
  return NUMBER.format(n);
}

/** A count and its noun, singular or plural: "1 event", "2 node runs", "1,204 events". */
export function formatCount(n: number, noun: string): string {
  return `${NUMBER.format(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** A moment after the run's start, for lists: "0 ms", "72 ms", "1.25 s". */
export function formatAt(ms: number): string {
  return ms < 1 ? '0 ms' : formatDuration(ms);
}

/** Offset on the time axis: "+1.25 s". Precision follows the visible span. */
export function formatOffset(ms: number, span: number): string {
  const sign = ms < 0 ? '−' : '+';
  const a = Math.abs(ms);
  if (span < 20) return `${sign}${a.toFixed(2)} ms`;
  if (span < 2000) return `${sign}${Math.round(a)} ms`;
  if (span < 120_000) return `${sign}${(a / 1000).toFixed(span < 20_000 ? 2 : 1)} s`;
  const m = Math.floor(a / 60_000);
  return `${sign}${m}m${String(Math.round((a % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** Keys an update wrote, for labels: `{a:…, b:…}` → ["a", "b"]. */
export function writtenKeys(writes: unknown): string[] {
  if (writes && typeof writes === 'object' && !Array.isArray(writes)) return Object.keys(writes);
  return [];
}

/** One line describing an execution, for tooltips and screen readers. */
export function describeExecution(ex: Execution, t0: number, now: number): string {
  const where = ex.path ? `${ex.path} › ${ex.node}` : ex.node;
  const step = ex.step >= 0 ? `step ${ex.step}` : 'step unknown';
  let time: string;
  let status = ex.status === 'done' ? '' : `, ${ex.status}`;
  if (ex.timeSource === 'arrival') time = `at +${formatDuration(ex.start - t0)} (arrival)`;
  else if (ex.startUnknown) time = `ended at +${formatDuration(ex.start - t0)} (its start is not known)`;
  else if (ex.status === 'running') time = `running for ${formatDuration(now - ex.start)}`;
  else if (ex.status === 'cancelled') {
    time = `cancelled after ${formatDuration((ex.end ?? ex.start) - ex.start)}`;
    status = '';
  } else time = `took ${formatDuration((ex.end ?? ex.start) - ex.start)}`;
  return `${where}, ${step}, ${time}${status}`;
}
