// The run model's public types: an execution of a node, the run's summary, and what the model is
// given besides the stream. Pure (no vscode, no DOM).
import type { ReducerKind } from '../state';

export type TimeSource = 'arrival' | 'tasks' | 'debug';
export type ExecStatus = 'running' | 'done' | 'error' | 'interrupted';
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
  /** The state computed from the writes disagreed with the server's after this node's superstep. */
  disagreed: boolean;
  /** The keys that disagreed and the server's values for them. */
  server?: { keys: string[]; values: Record<string, unknown>; learned?: Record<string, ReducerKind> };
  /** This run of the node is the resume of that interrupted execution. */
  resumeOf?: number;
}

export type RunPhase = 'pending' | 'running' | 'success' | 'error' | 'interrupted';

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
  gaps: { message: string; t: number }[];
  /** Runs seen in this stream (a resume continues the thread with a new run). */
  runs: { runId: string; startedAt: number; command?: unknown }[];
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
