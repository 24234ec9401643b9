// What the Deployments tree and the pickers say about threads and runs, from what the server
// returns (`POST /threads/search`, `GET /threads/{t}/runs`, `GET /threads/{t}/state`): a name
// instead of a UUID, what an interrupt asks, and what became of each run. Values are untrusted:
// everything here is plain text for the caller to place as text.
import { isRecord, runStartOf } from './events';
import { oneLine } from './text';

/** The first human message of a thread (or of a run's input), as one line. */
export function firstHumanText(values: unknown, max = 40): string | undefined {
  const messages = isRecord(values) && Array.isArray(values.messages) ? values.messages : [];
  for (const m of messages) {
    if (!isRecord(m)) continue;
    const role = m.type ?? m.role;
    if (role !== 'human' && role !== 'user') continue;
    const text = contentText(m.content);
    if (text?.trim()) return oneLine(text, max);
  }
  return undefined;
}

function contentText(c: unknown): string | undefined {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    const parts = c.map((p) => (typeof p === 'string' ? p : isRecord(p) && typeof p.text === 'string' ? p.text : '')).filter(Boolean);
    return parts.length ? parts.join(' ') : undefined;
  }
  return undefined;
}

/** A name for a thread: its first human message, else its first short text value ("topic: otters"). */
export function threadTitle(values: unknown): string | undefined {
  const human = firstHumanText(values);
  if (human) return human;
  if (!isRecord(values)) return undefined;
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string' && v.trim() && v.length <= 200) return oneLine(`${k}: ${v}`, 40);
  }
  return undefined;
}

export interface InterruptText {
  /** What it asks, as text: the value itself when it is a string, else its question-like field. */
  question: string;
  /** Choices the value offers (`options` / `choices` of strings). */
  options: string[];
  /** The value's other short fields, one line each ("reply: Dear customer…"). */
  details: string[];
}

const QUESTION_KEYS = ['question', 'message', 'prompt', 'text', 'description', 'title'];
const OPTION_KEYS = ['options', 'choices', 'allowed_decisions', 'actions'];

/** An interrupt's value, readable: `interrupt({question, options, …})`, a string, or anything else as JSON. */
export function interruptText(value: unknown): InterruptText {
  if (typeof value === 'string') return { question: oneLine(value, 300), options: [], details: [] };
  if (!isRecord(value)) return { question: oneLine(JSON.stringify(value) ?? String(value), 300), options: [], details: [] };
  const qKey = QUESTION_KEYS.find((k) => typeof value[k] === 'string' && (value[k] as string).trim());
  const oKey = OPTION_KEYS.find((k) => Array.isArray(value[k]) && (value[k] as unknown[]).length > 0 && (value[k] as unknown[]).every((o) => typeof o === 'string'));
  const details: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (k === qKey || k === oKey) continue;
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    if (s !== undefined) details.push(oneLine(`${k}: ${s}`, 160));
    if (details.length === 6) break;
  }
  return {
    question: qKey ? oneLine(value[qKey] as string, 300) : oneLine(JSON.stringify(value), 300),
    options: oKey ? (value[oKey] as string[]).map((o) => oneLine(o, 40)) : [],
    details: qKey ? details : [],
  };
}

/** The values of pending interrupts, from a thread (`interrupts: {task: [..]}`) or a state (`tasks[].interrupts`). */
export function pendingInterruptValues(source: { interrupts?: unknown; tasks?: unknown }): unknown[] | undefined {
  let list: unknown[];
  if (isRecord(source.interrupts)) list = Object.values(source.interrupts).flatMap((l) => (Array.isArray(l) ? l : []));
  else if (Array.isArray(source.tasks)) list = source.tasks.flatMap((t) => (isRecord(t) && Array.isArray(t.interrupts) ? t.interrupts : []));
  else return undefined; // the server did not say
  return list.map((i) => (isRecord(i) && 'value' in i ? i.value : i));
}

/** What a thread that is interrupted waits for: the interrupts' questions, or the node a breakpoint stopped before. */
export interface Pending {
  questions: InterruptText[];
  /** `next` of the thread's state: a static breakpoint when no interrupt asks anything. */
  next: string[];
}

export function pendingText(p: Pending): string {
  if (p.questions.length) return p.questions.map((q) => q.question).join(' · ');
  if (p.next.length) return `paused before ${p.next.join(', ')}`;
  return 'waiting';
}

/** Fields of a run that tell how it began (`GET /threads/{t}/runs` has them in `kwargs`). */
export interface RunLike {
  run_id: string;
  status: string;
  created_at?: string;
  kwargs?: Record<string, unknown>;
}

export type RunOrigin = 'input' | 'resume' | 'fork' | 'continue';

/** How the run began (events.runStartOf); a server that keeps no kwargs started it from input. */
export function runOrigin(r: RunLike): RunOrigin {
  if (!r.kwargs) return 'input';
  const kind = runStartOf(r.kwargs).kind;
  return kind === 'join' ? 'input' : kind;
}

/** A run's name: how it began ("“refund for order 42”", "Resume: "approve"", "Fork", "Continue"). */
export function runLabel(r: RunLike): string {
  const k = r.kwargs;
  switch (runOrigin(r)) {
    case 'resume':
      return `Resume: ${oneLine(JSON.stringify((k!.command as Record<string, unknown>).resume) ?? 'null', 50)}`;
    case 'fork':
      return 'Fork from a checkpoint';
    case 'continue':
      return 'Continue';
    case 'input': {
      const human = firstHumanText(k?.input, 32);
      if (human) return `“${human}”`;
      const input = k?.input;
      if (isRecord(input) && Object.keys(input).length) return `Input ${oneLine(JSON.stringify(input), 50)}`;
      return 'Run';
    }
  }
}

/** A run's state as a person reads it, which the bare status does not say. */
export type RunState = 'pending' | 'running' | 'success' | 'error' | 'timeout' | 'waiting' | 'answered' | 'cancelled';

/**
 * What became of each run of a thread (in the order given; the JS server lists runs oldest first,
 * Python newest first, so time decides which came after which). The JS dev server marks a run
 * that stopped at `interrupt()` `success` and a cancelled one (action=interrupt) `interrupted`;
 * Python marks interrupts `interrupted`. So: the newest run of an interrupted thread waits for
 * input; a run followed by a resume had its interrupt answered; any other `interrupted` run was
 * cancelled.
 */
export function runStates(runs: readonly RunLike[], threadStatus: string | undefined): RunState[] {
  const byTime = runs.map((r, i) => ({ i, t: r.created_at ? Date.parse(r.created_at) : NaN }))
    .sort((a, b) => (Number.isFinite(a.t) && Number.isFinite(b.t) ? a.t - b.t : 0) || a.i - b.i)
    .map((x) => x.i);
  const states: RunState[] = new Array(runs.length);
  byTime.forEach((idx, k) => {
    const r = runs[idx];
    const s = r.status;
    const next = k + 1 < byTime.length ? runs[byTime[k + 1]] : undefined;
    if (s === 'pending' || s === 'running' || s === 'error' || s === 'timeout') states[idx] = s;
    else if (s !== 'success' && s !== 'interrupted') states[idx] = 'success';
    else if (!next && threadStatus === 'interrupted') states[idx] = 'waiting';
    else if (next && runOrigin(next) === 'resume') states[idx] = 'answered';
    else states[idx] = s === 'interrupted' ? 'cancelled' : 'success';
  });
  return states;
}

/** Runs oldest first (a thread's story in order), whatever order the server listed them in. */
export function chronological<R extends RunLike>(runs: readonly R[]): R[] {
  const t = (r: RunLike) => (r.created_at ? Date.parse(r.created_at) : NaN);
  return runs.map((r, i) => ({ r, i })).sort((a, b) => (Number.isFinite(t(a.r)) && Number.isFinite(t(b.r)) ? t(a.r) - t(b.r) : 0) || a.i - b.i).map((x) => x.r);
}

export const RUN_STATE_TEXT: Record<RunState, string> = {
  pending: 'pending',
  running: 'running',
  success: 'success',
  error: 'error',
  timeout: 'timed out',
  waiting: 'waiting for input',
  answered: 'interrupt answered',
  cancelled: 'cancelled',
};
