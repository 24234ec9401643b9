// Pure layout: the run model's executions → rows and bar geometry. No DOM; tested in Node.
import type { Execution } from '../shared/runModel';

export interface Row {
  key: string;
  node: string;
  path: string;
  depth: number;
  executions: number[];
}

export interface Layout {
  rows: Row[];
  rowOf: Map<number, number>;
  t0: number;
  t1: number;
}

/** One row per (namespace path, node), in order of first appearance; subgraph rows indent. */
export function layoutRows(executions: readonly Execution[], now?: number): Layout {
  const rows: Row[] = [];
  const byKey = new Map<string, number>();
  const rowOf = new Map<number, number>();
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const ex of executions) {
    const key = `${ex.path}\u0000${ex.node}`;
    let r = byKey.get(key);
    if (r === undefined) {
      r = rows.length;
      byKey.set(key, r);
      rows.push({ key, node: ex.node, path: ex.path, depth: ex.ns.length, executions: [] });
    }
    rows[r].executions.push(ex.index);
    rowOf.set(ex.index, r);
    t0 = Math.min(t0, ex.start);
    t1 = Math.max(t1, ex.end ?? now ?? ex.start);
  }
  if (!Number.isFinite(t0)) {
    t0 = now ?? 0;
    t1 = t0 + 1000;
  }
  if (t1 - t0 < 1) t1 = t0 + 1;
  return { rows, rowOf, t0, t1 };
}

/** Bar geometry in percent of the track: a mark (min width) when only arrival is known. */
export function barGeometry(ex: Execution, t0: number, t1: number, now: number): { left: number; width: number; mark: boolean } {
  const span = t1 - t0;
  const end = ex.end ?? now;
  const left = ((ex.start - t0) / span) * 100;
  const mark = ex.timeSource === 'arrival';
  const width = mark ? 0 : Math.max(0, ((end - ex.start) / span) * 100);
  return { left: clamp(left, 0, 100), width: clamp(width, 0, 100 - clamp(left, 0, 100)), mark };
}

export function formatDuration(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m ${Math.round((ms % 60_000) / 1000)}s`;
}

/** Keys an update wrote, for labels: `{a:…, b:…}` → "a, b". */
export function writtenKeys(writes: unknown): string[] {
  if (writes && typeof writes === 'object' && !Array.isArray(writes)) return Object.keys(writes);
  return [];
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
