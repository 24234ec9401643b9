// Free functions of the run model: diffs between snapshots, and small readers of what the server
// sends (errors, task results, `__interrupt__`). Pure (no vscode, no DOM).
import { isRecord } from '../events';
import { diffValues, type Change } from '../diff';
import { PVec, Reducers, materializeValue, type State } from '../state';

/** Diff of two snapshots; unchanged keys (same reference) cost nothing, appends cost their size. */
export function diffStates(a: State, b: State, reducers: Reducers = new Reducers()): Change[] {
  const out: Change[] = [];
  // Keys in a stable order: snapshots from different sources list them differently.
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const va = a[k];
    const vb = b[k];
    if (va === vb) continue;
    if (va === undefined) {
      out.push({ kind: 'added', path: [k], after: materializeValue(vb) });
      continue;
    }
    if (vb === undefined) {
      out.push({ kind: 'removed', path: [k], before: materializeValue(va) });
      continue;
    }
    if (va instanceof PVec && vb instanceof PVec && PVec.commonPrefix(va, vb) === va.size) {
      const byId = reducers.kindOf(k) === 'messages';
      for (let j = va.size; j < vb.size; j++) {
        const el = vb.get(j);
        const id = byId && isRecord(el) && typeof el.id === 'string' ? el.id : undefined;
        out.push(id !== undefined ? { kind: 'added', path: [k, { id }], index: j, after: el } : { kind: 'added', path: [k, j], after: el });
      }
      continue;
    }
    for (const c of diffValues(materializeValue(va), materializeValue(vb), {}, [k])) out.push(c);
  }
  return out;
}

/** The write holds this very message object (by reference, as written). */
export function writesContain(writes: Record<string, unknown>, obj: unknown): boolean {
  for (const v of Object.values(writes)) {
    if (v === obj) return true;
    if (Array.isArray(v) && v.includes(obj)) return true;
  }
  return false;
}

export function withKey(s: State, k: string, v: unknown): State {
  const out = { ...s };
  if (v === undefined) delete out[k];
  else out[k] = v;
  return out;
}

export function stripInterrupt(v: Record<string, unknown>): Record<string, unknown> {
  if (!('__interrupt__' in v)) return v;
  const { __interrupt__: _, ...rest } = v;
  return rest;
}

/** Add to the list kept under a key, starting it when there is none. */
export function pushTo<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

export function awaitKey(ns: string[], node: string): string {
  return `${ns.join('|')}\u0000${node}`;
}

/** `{error,message}`, `{name,message}`, or history's JSON string of one. */
export function parseError(e: unknown): unknown {
  if (typeof e === 'string') {
    try {
      return JSON.parse(e);
    } catch {
      return e;
    }
  }
  return e;
}

export function errorOf(err: unknown): { name: string; message: string } {
  const e = parseError(err);
  return isRecord(e) ? { name: String(e.error ?? e.name ?? 'Error'), message: String(e.message ?? '') } : { name: 'Error', message: String(e) };
}

/** A task result arrives as [[key, value], …] on some servers and as an object on others. */
export function resultToWrites(r: unknown): unknown {
  if (Array.isArray(r) && r.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')) {
    return Object.fromEntries(r as [string, unknown][]);
  }
  return r;
}
