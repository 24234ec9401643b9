// What the run model needs besides the stream to reconcile with the server's truth: the thread's
// checkpoint history and final state, trimmed to the fields the model reads. Fetched by the host
// when a run ends and stored by the recorder, so a recording is self-contained offline.
import type { LangGraphClient } from './client';
import type { ThreadState } from './types';
import { isRecord } from '../shared/events';

export interface RunExtras {
  history?: unknown[];
  finalState?: unknown;
}

function pick(o: unknown, keys: string[]): Record<string, unknown> {
  if (!isRecord(o)) return {};
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

export function trimCheckpoint(e: ThreadState | Record<string, unknown>): Record<string, unknown> {
  const r = e as Record<string, unknown>;
  return {
    ...pick(r, ['values', 'next', 'created_at']),
    tasks: (Array.isArray(r.tasks) ? r.tasks : []).map((t) => pick(t, ['id', 'name', 'path', 'error', 'interrupts', 'result'])),
    metadata: pick(r.metadata, ['source', 'step', 'parents', 'run_id']),
    checkpoint: pick(r.checkpoint, ['checkpoint_id', 'checkpoint_ns']),
    parent_checkpoint: r.parent_checkpoint ? pick(r.parent_checkpoint, ['checkpoint_id', 'checkpoint_ns']) : null,
  };
}

/** The thread's final state and (newest-first) history, trimmed. */
export async function fetchRunExtras(client: LangGraphClient, threadId: string, signal?: AbortSignal, limit = 100): Promise<RunExtras> {
  const [state, history] = await Promise.all([
    client.getThreadState(threadId, {}, signal),
    client.getThreadHistory(threadId, { limit }, signal),
  ]);
  return { finalState: trimCheckpoint(state), history: history.map(trimCheckpoint) };
}
