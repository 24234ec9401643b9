// The detail pane's view of the run model's state layer: the state before/after an execution and
// the diff between them. Read defensively: a model without a state layer (or a run streamed
// without what it needs) yields "not available", never an exception in the view.
import type { RunModel } from '../shared/runModel';
import type { Change } from '../shared/diff';

export type Maybe<T> = { ok: true; value: T } | { ok: false; reason: string };

interface StateLayer {
  stateBefore?(i: number): unknown;
  stateAfter?(i: number): unknown;
  diff?(i: number): unknown;
}

const NO_LAYER = 'This version of the run model does not reconstruct state.';

function call(model: RunModel, name: keyof StateLayer, i: number): Maybe<unknown> {
  const fn = (model as unknown as StateLayer)[name];
  if (typeof fn !== 'function') return { ok: false, reason: NO_LAYER };
  try {
    const v = fn.call(model, i);
    if (v === undefined) return { ok: false, reason: 'The state at this point is not known (the run was not streamed with enough detail).' };
    return { ok: true, value: v };
  } catch (e) {
    return { ok: false, reason: `Could not reconstruct the state: ${(e as Error).message}` };
  }
}

export function stateAfter(model: RunModel, i: number): Maybe<unknown> {
  return call(model, 'stateAfter', i);
}

export function stateBefore(model: RunModel, i: number): Maybe<unknown> {
  return call(model, 'stateBefore', i);
}

function isChange(v: unknown): v is Change {
  return typeof v === 'object' && v !== null && typeof (v as Change).kind === 'string' && Array.isArray((v as Change).path);
}

/** The changes an execution made, as a list of `Change`s (shared/diff.ts). */
export function changesOf(model: RunModel, i: number): Maybe<Change[]> {
  const r = call(model, 'diff', i);
  if (!r.ok) return r;
  const v = r.value;
  const list = Array.isArray(v) ? v : typeof v === 'object' && v !== null && Array.isArray((v as { changes?: unknown }).changes) ? (v as { changes: unknown[] }).changes : null;
  if (!list) return { ok: false, reason: 'The model returned a diff in a shape this view does not know.' };
  return { ok: true, value: list.filter(isChange) };
}
