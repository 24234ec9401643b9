// Every message between the extension host and the timeline webview. Both sides switch on `type`
// with an exhaustive default; an unknown message is logged, never thrown.
import type { RunEvent } from './events';
import type { SessionGraph } from './assistantGraph';
import type { Comparison } from './compare/types';

/**
 * `loading`: the panel has the first part of a run that has already ended; the rest is on its way
 * (big runs are sent in slices) and the real final phase follows the last slice.
 */
export type SessionPhase = 'connecting' | 'streaming' | 'reconnecting' | 'loading' | 'done' | 'error' | 'interrupted' | 'cancelled' | 'recorded';

export interface SessionInfo {
  id: string;
  title: string;
  deploymentName?: string;
  url?: string;
  assistantId?: string;
  graphId?: string;
  threadId?: string | null;
  runId?: string | null;
  streamMode?: string[];
  startedAt: number;
  input?: unknown;
  /** The run the person opened the thread for: the panel brings it into view. */
  focusRunId?: string;
  /** Bumped when the session's events were replaced rather than appended to (older runs came in). */
  revision?: number;
  /** Runs stream from inside subgraphs (`stream_subgraphs`). */
  streamSubgraphs?: boolean;
  /** Nodes of the graph that run a subgraph (GET /assistants/{id}/subgraphs), when known. */
  subgraphs?: string[];
  /** The debug session that drives this thread's runs (its name): the debugger, not the panel, moves it on. */
  debugSession?: string;
  /** `langgraph.modelPrices` (per million input/output tokens, by model name): the only source of a cost. */
  modelPrices?: Record<string, { input?: number; output?: number }>;
}

export interface SessionStatus {
  phase: SessionPhase;
  /** Human-readable, e.g. the error message or "reconnecting (attempt 2)…". */
  message?: string;
}

/** The run is under way: events may still arrive (the stream is open or being rejoined). */
export function isLivePhase(p: SessionPhase): boolean {
  return p === 'connecting' || p === 'streaming' || p === 'reconnecting';
}

/** The run is over: nothing more will arrive for it. */
export function isFinalPhase(p: SessionPhase): boolean {
  return p === 'done' || p === 'error' || p === 'interrupted' || p === 'cancelled' || p === 'recorded';
}

/** Host → webview. */
export type ToWebview =
  | {
      type: 'session/snapshot';
      session: SessionInfo;
      status: SessionStatus;
      events: RunEvent[];
      /** What was fetched besides the stream (a recording's `extras`: thread history, final state, schema). */
      extras?: Record<string, unknown>;
    }
  | { type: 'session/events'; sessionId: string; from: number; events: RunEvent[] }
  /** A big slice of events as UTF-8 JSON bytes (see packedEvents.ts): `count` events from `from`. */
  | { type: 'session/packed'; sessionId: string; from: number; count: number; json: Uint8Array }
  /** `info`: the session as it stands now (its thread and current run, known once a run starts). */
  | { type: 'session/status'; sessionId: string; status: SessionStatus; info?: SessionInfo }
  /** Extras fetched after the snapshot (e.g. the thread's history once the run ended). */
  | { type: 'session/extras'; sessionId: string; extras: Record<string, unknown> }
  /** The assistant's graph (or why it could not be had), after each snapshot once the host knows it. */
  | { type: 'session/graph'; sessionId: string; graph: SessionGraph }
  /** Node breakpoints set in the editor (function breakpoints by node id), for the graph pane. */
  | { type: 'breakpoints'; nodes: string[] }
  /** Two runs compared (Compare with…): shown over the timeline; sent again as a live side streams. */
  | { type: 'compare/show'; compare: ComparisonShown }
  | { type: 'compare/close' }
  /** The nodes whose code changed (and was saved) since the session's runs `runs` ran; [] when none. */
  | { type: 'session/code'; sessionId: string; changed: string[]; runs: string[] }
  | { type: 'session/none' };

/** One side of a comparison, as the panel names it. */
export interface CompareSide {
  label: string;
  /** Still streaming: the comparison is redone as it goes. */
  live: boolean;
}

export interface ComparisonShown {
  a: CompareSide;
  b: CompareSide;
  comparison: Comparison;
  /** Bumped each time it is redone (a live side): the panel keeps its place in the rows. */
  seq: number;
}

/** Webview → host. */
export type FromWebview =
  | { type: 'ready' }
  /** The webview saw a gap (or was hidden): send everything from index `from`. */
  /** `unpacked`: a packed slice could not be read; send the rest as objects. */
  | { type: 'resync'; sessionId: string; from: number; unpacked?: boolean }
  /** After a render: what the panel now shows (tests and the status bar read it). */
  | { type: 'rendered'; sessionId: string; events: number; executions: number }
  | { type: 'openSource'; node: string; ns: string[] }
  /** Time travel: start a new run on the thread from the checkpoint before this execution. */
  | { type: 'fork'; node: string; ns: string[]; step: number; runId?: string | null }
  /** Answer the thread's pending interrupt: with `value`, or (none given) ask the person for one. */
  | { type: 'resume'; value?: unknown }
  /** Continue a cancelled run from its last checkpoint. */
  | { type: 'continue' }
  /** Compare the run in view (that execution's run; null: the session's last run) with another the person picks. */
  | { type: 'compare'; runId: string | null }
  /** The person closed the comparison: stop redoing it. */
  | { type: 'compareClosed' }
  /** Run the thread again after its run was lost to a server restart: from this checkpoint (none: from the start). */
  | { type: 'rerun'; checkpointId?: string; threadGone?: boolean }
  /** Re-run the run (null: the last) from before its first node whose code changed, on a fork, and compare. */
  | { type: 'rerunChanged'; runId: string | null }
  /** The person selected an execution (null: cleared): commands from the palette act on its node. */
  | { type: 'selected'; node: string | null; ns: string[] }
  /** Open the extension's setting that the panel names. */
  | { type: 'openSetting'; id: 'langgraph.streamSubgraphs' }
  /** Set a breakpoint on a node of the graph, or remove it (a function breakpoint by node id). */
  | { type: 'toggleBreakpoint'; node: string }
  /** After the graph pane changed: what it shows (tests read it, as they read `rendered`). */
  | { type: 'graphRendered'; sessionId: string; source: 'server' | 'run'; nodes: { id: string; runs: number; status: string }[]; selected: string | null }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export function isFromWebview(v: unknown): v is FromWebview {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}
export function isToWebview(v: unknown): v is ToWebview {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}
