// Runs vs code, as the panel shows it: the nodes whose code changed (and was saved) since the
// session's runs `runs` ran, from the host's `session/code`. Pure.
import type { Execution } from '../../shared/model/types';

export interface CodeChanged {
  sessionId: string;
  nodes: ReadonlySet<string>;
  /** The runs made with the code as it was (a re-run after the save is not among them). */
  runs: ReadonlySet<string>;
}

export interface CodeMarks {
  /** The changed nodes (empty: none, or about another session). */
  nodes: ReadonlySet<string>;
  /** The execution (root graph) ran code that has changed since: its node's, in a run made before the save. */
  isStale(ex: { node: string; ns: readonly string[]; runId?: string | null }): boolean;
  /** The first such execution (what Re-run starts before), if any. */
  firstStale(): Execution | undefined;
}

const NONE: CodeMarks = { nodes: new Set(), isStale: () => false, firstStale: () => undefined };

export function codeMarks(c: CodeChanged | null, sessionId: string | undefined, executions: readonly Execution[]): CodeMarks {
  if (!c || c.sessionId !== sessionId || !c.nodes.size) return NONE;
  const isStale = (ex: { node: string; ns: readonly string[]; runId?: string | null }) => ex.ns.length === 0 && c.nodes.has(ex.node) && (!ex.runId || c.runs.has(ex.runId));
  return { nodes: c.nodes, isStale, firstStale: () => executions.find(isStale) };
}
