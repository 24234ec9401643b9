// How an execution's "reduced by the graph" note reads, for the CLI and the detail pane alike:
// what the superstep wrote to a key and what the key became on the server, and the reducer when
// the values show one. Information, never a warning: the model does not know this key's reducer.
// Pure.
import type { Execution } from './types';

const MAX = 80;

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s;
}

const KIND_NAME: Record<string, string> = { union: 'concat without repeats', append: 'concat', sum: 'sum' };

/** One line per key, e.g. `total (sum): 1 + 7 + 5 + 3 → 16`, `documents: wrote "delete", became []`. */
export function reducedLines(ex: Execution): string[] {
  const r = ex.reduced;
  if (!r) return [];
  return r.keys.map((k) => {
    const kind = r.kind?.[k];
    const writes = r.stepWrites[k] ?? [];
    const before = r.before[k];
    const became = r.became[k];
    if (kind === 'sum' && writes.every((w) => typeof w === 'number') && typeof became === 'number') {
      return `${k} (sum): ${[typeof before === 'number' ? before : 0, ...writes].join(' + ')} → ${became}`;
    }
    const how = kind ? ` (${KIND_NAME[kind] ?? kind})` : '';
    const wrote = writes.length === 1 ? short(writes[0]) : writes.length ? `${writes.length} writes: ${writes.map(short).join(', ')}` : 'nothing';
    return `${k}${how}: wrote ${wrote}, became ${short(became)}`;
  });
}
