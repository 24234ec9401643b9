// A thread's checkpoint history read newest first, page by page, so the latest run can be shown
// before a long thread's older checkpoints (a chat's states grow with every turn) have arrived.
import type { LangGraphClient } from './client';
import { trimCheckpoint } from './extras';
import { isRecord } from '../shared/events';

const FIRST_PAGE = 20;
const MAX_PAGE = 1000;

function idOf(e: unknown): string | undefined {
  return isRecord(e) && isRecord(e.checkpoint) && typeof e.checkpoint.checkpoint_id === 'string' ? e.checkpoint.checkpoint_id : undefined;
}
function runOf(e: unknown): unknown {
  return isRecord(e) && isRecord(e.metadata) ? e.metadata.run_id : undefined;
}

/**
 * Newest first, trimmed. `until` is asked after each page with everything so far: once it says
 * enough, `onFirst` gets that part, and the rest is read behind it. Resolves to the whole history
 * (at most `limit` checkpoints).
 */
export async function readHistory(
  client: LangGraphClient,
  threadId: string,
  opts: { limit?: number; signal?: AbortSignal; covers?: (history: unknown[]) => boolean; onFirst?: (history: unknown[]) => void } = {},
): Promise<unknown[]> {
  const limit = opts.limit ?? MAX_PAGE;
  const out: unknown[] = [];
  let size = Math.min(FIRST_PAGE, limit);
  let before: string | undefined;
  let told = !opts.onFirst;
  for (;;) {
    const page = (await client.getThreadHistory(threadId, { limit: size, before }, opts.signal)).map(trimCheckpoint);
    for (const e of page) out.push(e);
    const done = page.length < size || out.length >= limit;
    if (!told && (done || opts.covers?.(out))) {
      told = true;
      if (!done) opts.onFirst!(out.slice());
    }
    if (done) return out;
    before = idOf(page[page.length - 1]);
    if (!before) return out;
    size = Math.min(size * 5, MAX_PAGE, limit - out.length);
  }
}

/** The history reaches back past the start of this run (its first checkpoint's parent is in it, or it has none). */
export function historyCovers(history: unknown[], runId: string): boolean {
  const ids = new Set(history.map(idOf));
  const own = history.filter((e) => runOf(e) === runId);
  if (!own.length) return false;
  const oldest = own[own.length - 1];
  const parent = isRecord(oldest) && isRecord(oldest.parent_checkpoint) ? oldest.parent_checkpoint.checkpoint_id : null;
  return !parent || ids.has(parent as string);
}
