// Step Into and Step Out over subgraphs, within what an Agent Server can do. A run pauses only
// between steps of the ROOT graph: `interrupt_before` (and `"*"`) is handed to the root graph
// alone, so no request can pause a run before a node inside a subgraph (checked on the JS dev
// server 1.5.1: `["child_step"]`, `["child:child_step"]` and `"*"` all run straight through
// `child`; LangGraph Python passes them to the graph it runs the same way, unchecked on a live
// server). A subgraph stops only where its own code calls interrupt(), where a node in it fails, or
// where it was compiled with interrupt_before/after.
// So Step Into runs the subgraph's step with its inner steps streamed (each one said in the Debug
// Console and drawn in the timeline) and stops before the parent's next step, or inside the
// subgraph when it stops there; Step Out from a frame inside a subgraph runs the rest of it and
// stops before the parent graph's next step. Nothing here pretends to have paused where it did not.
import type { Frame } from './frames';

export type StepPlan =
  | { run: 'step'; subgraphs: boolean; note?: string }
  | { run: 'continue'; note: string };

/** The nodes about to run at the root that are subgraphs (by the graph's xray names, `child:…`). */
export function subgraphsAhead(frames: Frame[], nested: string[]): string[] {
  const roots = new Set(nested.map((id) => id.split(':')[0]));
  return [...new Set(frames.filter((f) => f.ns.length === 0 && roots.has(f.node)).map((f) => f.node))];
}

export function planStepIn(frames: Frame[], nested: string[]): StepPlan {
  const subs = subgraphsAhead(frames, nested);
  if (!subs.length) return { run: 'step', subgraphs: false };
  const list = subs.join(', ');
  return {
    run: 'step',
    subgraphs: true,
    note: `Step Into ${list}: the Agent Server cannot pause before a node inside a subgraph (interrupt_before applies to the root graph only), `
      + `so ${list} runs its whole step; its inner steps are listed here as they finish, and the run stops before the parent graph's next step `
      + '(or inside the subgraph, if it calls interrupt() or fails there).',
  };
}

export function planStepOut(frames: Frame[]): StepPlan {
  const inner = frames[0]?.ns ?? [];
  if (inner.length) {
    return { run: 'step', subgraphs: true, note: `Step Out of ${inner.join(':')}: the rest of the subgraph runs, and the run stops before the parent graph's next step.` };
  }
  return { run: 'continue', note: 'Step Out: this frame is in the root graph, which has no parent graph; the run goes on to the next breakpoint, as Continue.' };
}

/** `child:<task id>` → `child`: the node names of a subgraph event's namespace. */
export function nsNames(ns: string[]): string[] {
  return ns.map((s) => s.split(':')[0]);
}
