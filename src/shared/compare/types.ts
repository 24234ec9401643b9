// What a comparison of two runs says. Plain JSON (the CLI's --json prints it as it is). Pure.
import type { Change } from '../diff';
import type { ExecStatus, RunPhase } from '../model/types';
import type { IgnoreRule } from './ignore';

/** One side of a row. */
export interface RowSide {
  /** Position in that run model's executions. */
  index: number;
  step: number;
  stepEstimated: boolean;
  durationMs: number | null;
  status: ExecStatus;
  error?: { name: string; message: string };
}

/**
 * `same`: both ran it, and it wrote the same, ended the same and left the same state (or a state
 * that differs only where it already did before). `differs`: something of that is new.
 * `onlyA` / `onlyB`: one run has no execution to face it.
 */
export type RowKind = 'same' | 'differs' | 'onlyA' | 'onlyB';

export interface CompareRow {
  kind: RowKind;
  /** The namespace by node names ('' at the root), `child#2 › …` for a subgraph's second run. */
  path: string;
  node: string;
  /** Which execution of the node in its namespace (1-based). */
  occurrence: number;
  a?: RowSide;
  b?: RowSide;
  /** What A's execution wrote → what B's wrote, when they differ (ignored paths left out). */
  writes?: Change[];
  /** The two ended differently (status, error, interrupt). */
  outcome?: { a: string; b: string };
  /** The namespace's state right after the two executions. */
  state?: {
    /** Top-level keys whose values differ. */
    differs: string[];
    /** …of which these did not differ at the previous row of this namespace. */
    newly: string[];
    /** A's value → B's value of the newly differing keys (left out past `maxDetails` rows). */
    changes?: Change[];
  };
}

export interface NodeTiming {
  path: string;
  node: string;
  a: { runs: number; timed: number; totalMs: number };
  b: { runs: number; timed: number; totalMs: number };
}

export interface RunFacts {
  runId: string | null;
  phase: RunPhase;
  executions: number;
  events: number;
  runs: number;
  error: { name: string; message: string; node?: string } | null;
}

export interface Comparison {
  /** Nothing differs but what the ignore patterns leave out (and times, which are never compared). */
  equivalent: boolean;
  a: RunFacts;
  b: RunFacts;
  ignored: { defaults: IgnoreRule[]; extra: string[] };
  /** The root state before the first node (the input): A's → B's top-level keys that differ. */
  input: { differs: string[]; changes: Change[] };
  rows: CompareRow[];
  counts: { same: number; differs: number; onlyA: number; onlyB: number };
  /** The root graph's state at the end, and each subgraph run's (by namespace key). */
  finalState: { path: string; differs: string[]; changes: Change[] }[];
  /** How the runs ended, when that differs. */
  outcome?: { phase?: { a: RunPhase; b: RunPhase }; error?: { a: string | null; b: string | null }; interrupts?: Change[] };
  timing: NodeTiming[];
}

export interface CompareOptions {
  /** More paths to leave out (see ignore.ts for the syntax). */
  ignore?: readonly string[];
  /** Leave out ids and timestamps (DEFAULT_IGNORES). Default true. */
  defaultIgnores?: boolean;
  /** Rows whose newly differing state is shown in full, at most (the keys are always listed). Default 200. */
  maxDetails?: number;
  /**
   * Compare from this step on (a fork against its origin: the rows before the fork point are
   * the same run's, not a difference). Per side: every execution before that side's first root
   * execution at or past the step is left out, and the state after the last root one left out is
   * the initial state.
   */
  fromStep?: { a?: number; b?: number };
}
