// Wire types of the LangGraph Agent Server API (the parts this extension reads), with guards
// at the boundary instead of casts.
import { isRecord, runStartOf, type RunStart } from '../shared/events';

export interface Assistant {
  assistant_id: string;
  graph_id: string;
  name?: string;
  description?: string | null;
  config?: unknown;
  metadata?: Record<string, unknown>;
  created_at?: string;
  updated_at?: string;
  version?: number;
}

export type ThreadStatus = 'idle' | 'busy' | 'interrupted' | 'error';
export interface Thread {
  thread_id: string;
  created_at?: string;
  updated_at?: string;
  metadata?: Record<string, unknown>;
  status?: ThreadStatus;
  values?: unknown;
  interrupts?: Record<string, unknown>;
  /** The config the server keeps for the thread (JS: a fork's checkpoint_id stays here). */
  config?: unknown;
}

export type RunStatus = 'pending' | 'running' | 'error' | 'success' | 'timeout' | 'interrupted';

/** The run is over (whatever its outcome): nothing more will stream for it. Unknown is not over. */
export function runEnded(status: string | undefined): boolean {
  return status !== undefined && status !== 'pending' && status !== 'running';
}

/**
 * The `lgt/run` that opens a joined run: how it began (its `kwargs`, unless the one who started it
 * says better: a debugger's Continue names its checkpoint, which is no fork), whether it is a
 * replay (it had ended), and when the server created it.
 */
export function joinedRunStart(runId: string, status: string | undefined, kwargs: unknown, createdAt: string | undefined, kind?: RunStart['kind']): RunStart {
  const start: RunStart = kwargs !== undefined ? runStartOf(kwargs) : { kind: 'join' };
  if (kind && kind !== start.kind) Object.assign(start, { kind, fork: undefined });
  const created = createdAt ? Date.parse(createdAt) : NaN;
  return { ...start, runId, ...(runEnded(status) ? { replay: true } : {}), ...(Number.isFinite(created) ? { serverStart: created } : {}) };
}
export interface Run {
  run_id: string;
  thread_id: string;
  assistant_id: string;
  created_at?: string;
  updated_at?: string;
  status: RunStatus;
  metadata?: Record<string, unknown>;
  kwargs?: Record<string, unknown>;
  multitask_strategy?: string;
}

export interface ThreadState {
  values: unknown;
  next: string[];
  tasks?: unknown[];
  metadata?: Record<string, unknown>;
  created_at?: string;
  checkpoint?: { thread_id?: string; checkpoint_ns?: string; checkpoint_id?: string };
  parent_checkpoint?: { checkpoint_id?: string } | null;
}

export interface GraphNode { id: string; type?: string; data?: unknown; metadata?: unknown }
export interface GraphEdge { source: string; target: string; conditional?: boolean; data?: unknown }
export interface AssistantGraph { nodes: GraphNode[]; edges: GraphEdge[] }

export interface AssistantSchemas {
  graph_id: string;
  input_schema?: unknown;
  output_schema?: unknown;
  state_schema?: unknown;
  config_schema?: unknown;
}

export const STREAM_MODES = ['values', 'updates', 'messages', 'messages-tuple', 'tasks', 'checkpoints', 'debug', 'custom', 'events'] as const;
export type StreamMode = (typeof STREAM_MODES)[number];

export function isStreamMode(s: string): s is StreamMode {
  return (STREAM_MODES as readonly string[]).includes(s);
}

export function isAssistant(v: unknown): v is Assistant {
  return isRecord(v) && typeof v.assistant_id === 'string' && typeof v.graph_id === 'string';
}
export function isThread(v: unknown): v is Thread {
  return isRecord(v) && typeof v.thread_id === 'string';
}
export function isRun(v: unknown): v is Run {
  return isRecord(v) && typeof v.run_id === 'string' && typeof v.status === 'string';
}

export function isTerminalStatus(s: string | undefined): boolean {
  return s === 'success' || s === 'error' || s === 'timeout' || s === 'interrupted';
}
