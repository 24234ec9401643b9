// Where each fork of the thread branched off: from the execution that wrote the checkpoint the
// fork started from (in the run it left) to the fork's first execution. The timeline draws a link
// between the two, so a fork reads as a branch of its origin. Pure; tested in Node.
import type { RunModel } from '../shared/runModel';

export interface ForkLink {
  /** Execution indices: the origin's writer of the fork checkpoint, and the fork's first. */
  from: number;
  to: number;
}

const memo = new WeakMap<RunModel, { version: number; links: ForkLink[] }>();

export function forkLinks(model: RunModel): ForkLink[] {
  const hit = memo.get(model);
  if (hit && hit.version === model.version) return hit.links;
  const links = compute(model);
  memo.set(model, { version: model.version, links });
  return links;
}

function compute(model: RunModel): ForkLink[] {
  const runs = model.summary.runs;
  if (runs.length < 2) return [];
  const exs = model.executions;
  const out: ForkLink[] = [];
  for (const r of runs) {
    if (r.kind !== 'fork' || r.firstExecution === undefined) continue;
    // The checkpoint's step: the origin's execution of that step wrote it. An edited state is
    // one more checkpoint (the update), on top of the one its writer left.
    const origin = model.runOrigin(r.runId);
    const fromRun = r.fork?.fromRunId ?? origin?.runId ?? undefined;
    let step = r.fork?.step ?? origin?.step;
    if (step === undefined || !fromRun) continue;
    if (r.fork?.edited || (!r.fork?.step && origin?.source === 'update')) step -= 1;
    let from = -1;
    for (const x of exs) if (x.runId === fromRun && x.ns.length === 0 && x.step === step && x.status === 'done') from = x.index;
    if (from >= 0) out.push({ from, to: r.firstExecution });
  }
  return out;
}
