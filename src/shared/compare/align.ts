// Two runs side by side, execution by execution. Pure.
//
// An execution is known across runs by its namespace (node names, not task ids), its node and its
// occurrence: the 2nd `agent` of one run faces the 2nd `agent` of the other, whatever step each
// ran in (a repeated node upstream shifts every step after it). Occurrences are counted in
// batches: the executions of a node in one superstep (a `Send` fan-out) face the other run's batch
// of that node, paired by equal writes first, since parallel branches finish in any order.
// What is left over runs in one side only.
import type { DigestExec } from './digest';

export interface Pair {
  a: DigestExec | null;
  b: DigestExec | null;
  /** The occurrence of its node in its namespace (1-based), on the side(s) it ran. */
  occurrence: number;
}

type Batch = DigestExec[];

function batches(list: DigestExec[]): Batch[] {
  const out: Batch[] = [];
  for (const e of list) {
    const last = out[out.length - 1];
    // Estimated steps are one update each: they say nothing about a fan-out.
    if (last && !e.stepEstimated && last[0].step === e.step && last[0].run === e.run) last.push(e);
    else out.push([e]);
  }
  return out;
}

function groups(execs: DigestExec[]): Map<string, DigestExec[]> {
  const out = new Map<string, DigestExec[]>();
  for (const e of execs) {
    const k = `${e.nsKey}\u0000${e.node}`;
    const g = out.get(k);
    if (g) g.push(e);
    else out.set(k, [e]);
  }
  return out;
}

/** Pairs of one batch each: equal writes (and status) first, then in order. */
function pairBatch(ba: Batch, bb: Batch, emit: (a: DigestExec | null, b: DigestExec | null) => void): void {
  if (ba.length === 1 && bb.length === 1) return emit(ba[0], bb[0]);
  const usedB = new Uint8Array(bb.length);
  const partner = new Array<number>(ba.length).fill(-1);
  ba.forEach((a, i) => {
    const j = bb.findIndex((b, k) => !usedB[k] && b.writes === a.writes && b.status === a.status);
    if (j >= 0) {
      usedB[j] = 1;
      partner[i] = j;
    }
  });
  let next = 0;
  ba.forEach((_, i) => {
    if (partner[i] >= 0) return;
    while (next < bb.length && usedB[next]) next++;
    if (next < bb.length) {
      usedB[next] = 1;
      partner[i] = next;
    }
  });
  ba.forEach((a, i) => emit(a, partner[i] >= 0 ? bb[partner[i]] : null));
  bb.forEach((b, j) => {
    if (!usedB[j]) emit(null, b);
  });
}

/**
 * The two runs' executions as rows: every execution of A in its order, each with the execution
 * of B it faces (or none), and B's executions that face none placed after the row of the B
 * execution before them (after A's own unmatched rows there: "A did this where B did that").
 */
export function align(a: readonly DigestExec[], b: readonly DigestExec[]): Pair[] {
  const partnerOfA = new Map<DigestExec, DigestExec | null>();
  const partnerOfB = new Map<DigestExec, DigestExec>();
  const occ = new Map<DigestExec, number>();
  const ga = groups([...a]);
  const gb = groups([...b]);
  for (const k of new Set([...ga.keys(), ...gb.keys()])) {
    const ba = batches(ga.get(k) ?? []);
    const bb = batches(gb.get(k) ?? []);
    let n = 0;
    for (let i = 0; i < Math.max(ba.length, bb.length); i++) {
      pairBatch(ba[i] ?? [], bb[i] ?? [], (x, y) => {
        n++;
        if (x) {
          partnerOfA.set(x, y);
          occ.set(x, n);
        }
        if (y) {
          occ.set(y, n);
          if (x) partnerOfB.set(y, x);
        }
      });
    }
  }
  // B's unmatched executions, each anchored to the A execution its predecessor in B faces.
  const pending: { anchor: number; e: DigestExec }[] = [];
  let anchor = -1;
  for (const e of b) {
    const p = partnerOfB.get(e);
    if (p) anchor = p.index;
    else pending.push({ anchor, e });
  }
  const posOfA = new Map<number, number>();
  a.forEach((e, i) => posOfA.set(e.index, i));
  const pos = (anchorIndex: number) => (anchorIndex < 0 ? -1 : posOfA.get(anchorIndex)!);
  pending.sort((x, y) => pos(x.anchor) - pos(y.anchor) || x.e.index - y.e.index);
  const rows: Pair[] = [];
  let k = 0;
  const flushBefore = (p: number) => {
    while (k < pending.length && pos(pending[k].anchor) < p) {
      const e = pending[k++].e;
      rows.push({ a: null, b: e, occurrence: occ.get(e)! });
    }
  };
  a.forEach((e, i) => {
    const partner = partnerOfA.get(e) ?? null;
    if (partner) flushBefore(i);
    rows.push({ a: e, b: partner, occurrence: occ.get(e)! });
  });
  flushBefore(Infinity);
  return rows;
}
