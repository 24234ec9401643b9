// The run model's public types: an execution of a node, the run's summary, and what the model is
// given besides the stream. Pure (no vscode, no DOM).
import type { ReducerKind } from '../state';
import type { RunStart } from '../events';

export interface RunInfo {
  runId: string;
  startedAt: number;
  command?: unknown;
  /** How it began, when the session said (an `lgt/run` event). */
  kind?: RunStart['kind'];
  replay?: boolean;
  /** Told from the thread's history (root writes only), not from its stream. */
  fromHistory?: boolean;
  input?: unknown;
  fork?: RunStart['fork'];
  /** Cancelled by the person (or the server said so). */
  cancelled?: boolean;
  /** The error it ended with. */
  error?: { name: string; message: string };
  /** Where the debugger stopped it, as its Call Stack says (`Stepped: before finalize`). */
  stop?: { reason: string; description: string };
  /** When the server created it (`created_at`, the server's clock), when the session said. */
  serverStart?: number;
  /** Its first execution (the timeline marks where each run of a thread begins). */
  firstExecution?: number;
}

/** `server`: from the server's checkpoint times (a replayed run), on the axis's clock. */
export type TimeSource = 'arrival' | 'tasks' | 'debug' | 'server';
/** `cancelled`: it was running when the run was cancelled (its end is the cancel). */
export type ExecStatus = 'running' | 'done' | 'error' | 'interrupted' | 'cancelled';
/** Where an execution's superstep came from, most to least certain. */
export type StepSource = 'checkpoint' | 'history' | 'tasks' | 'values' | 'estimated';

export interface Execution {
  /** Position in the model's executions array. */
  index: number;
  node: string;
  /** Namespace path of the graph the node ran in (`[]` = root), e.g. ['child:<task-id>']. */
  ns: string[];
  /** ns rendered as `child › grandchild`, '' at the root. */
  path: string;
  taskId: string | null;
  /** Superstep in the server's numbering (the first node of a fresh run is step 1), per namespace. */
  step: number;
  stepSource: StepSource;
  start: number;
  end: number | null;
  timeSource: TimeSource;
  /** What the node returned (the `updates` payload), before reducers. */
  writes: unknown;
  status: ExecStatus;
  error?: { name: string; message: string };
  interrupts?: unknown[];
  /** SSE ids of the events that built this execution. */
  eventIds: string[];
  /** The execution (in the parent graph) of the node that ran this subgraph, when known. */
  parent: number | null;
  runId: string | null;
  /**
   * A reducer the model knows (messages by id, or declared by the graph's schema) does not explain
   * the server's state after this node's superstep: a real disagreement, worth a warning.
   */
  disagreed: boolean;
  /** The keys that disagreed and the server's values for them. */
  server?: { keys: string[]; values: Record<string, unknown> };
  /**
   * Keys whose reducer the model does not know (the schema does not say), where the server's state
   * is not what an overwrite gives: information, not a warning. `kind` is the reducer the values
   * show (a sum, a concat…) when one explains them exactly.
   */
  reduced?: {
    keys: string[];
    /** The key's value when the superstep began, and every write of it in the step (graph order). */
    before: Record<string, unknown>;
    stepWrites: Record<string, unknown[]>;
    became: Record<string, unknown>;
    kind?: Record<string, ReducerKind>;
  };
  /**
   * Only its end is known (a replayed step that began from another run's checkpoint: the history
   * keeps when it ended, not when it began): drawn as a mark, with no duration.
   */
  startUnknown?: boolean;
  /** This run of the node is the resume of that interrupted execution. */
  resumeOf?: number;
}

/** `cancelled`: stopped by a cancel (`action=interrupt`); it can be continued from its last checkpoint. */
export type RunPhase = 'pending' | 'running' | 'success' | 'error' | 'interrupted' | 'cancelled';

export interface InterruptInfo {
  value: unknown;
  id?: string;
  ns: string[];
  t: number;
  runId: string | null;
  node?: string;
  execution?: number;
  /** The run that resumed it, and the resume value when the model was told (extras.runs). */
  resume?: { runId: string; t: number; value?: unknown };
}

export interface RunSummary {
  runId: string | null;
  phase: RunPhase;
  error?: { name: string; message: string; node?: string; execution?: number };
  interrupts: InterruptInfo[];
  startedAt: number | null;
  lastEventAt: number | null;
  events: number;
  /**
   * Events lost. `rerun`: the run itself was lost to a server restart; the thread can be run
   * again from `checkpointId` (the last checkpoint the server kept; none: from the start).
   */
  gaps: { message: string; t: number; rerun?: { checkpointId?: string; step?: number; threadGone?: boolean } }[];
  /** Runs seen in this stream (a resume continues the thread with a new run). */
  runs: RunInfo[];
  /**
   * The clock of the time axis: `client` (arrival times; server times moved onto it by an offset
   * estimated from this run) or `server` (every time is the server's: a replay).
   */
  clock: 'client' | 'server';
  /** client − server, ms, when estimated (from `lgt/clock` readings, debug timestamps or the history). */
  clockOffset: number | null;
  /** The run's status over time. */
  phases: { phase: RunPhase; t: number }[];
}

/** What a recording (or the host) fetched besides the stream. Every field is optional. */
export interface ModelExtras {
  /** `POST /threads/{t}/history` (newest first, as the server returns it). */
  history?: unknown[];
  /** `GET /threads/{t}/state` (or just its `values`). */
  finalState?: unknown;
  /** `GET /assistants/{id}/schemas` (only `state_schema` is read). */
  schemas?: unknown;
  /** The runs of the stream in order, with what started each (`command.resume` for a resume). */
  runs?: { runId?: string; input?: unknown; command?: unknown }[];
}

export interface ModelOptions {
  /** The run's input: the initial state when no server values say better. */
  input?: unknown;
  extras?: ModelExtras | Record<string, unknown>;
  /** Reducer hints by key (beyond what the schema says). */
  reducers?: Record<string, ReducerKind>;
  /** What started the stream's first run, when it was a command (`{resume: …}` for a resume). */
  command?: unknown;
}

/** Drawn as a mark, with no duration: only its arrival, or only its end, is known. */
export function isMark(ex: Pick<Execution, 'timeSource' | 'startUnknown'>): boolean {
  return ex.timeSource === 'arrival' || ex.startUnknown === true;
}
