// A thread's story, run by run: how each run began (new input, the answer to an interrupt, a
// fork, continuing after a cancel), how it ended, and how the runs link (the run that answered an
// interrupt, the run a fork branched from). For the panel's run strip and the CLI. Pure.
import type { RunModel } from '../runModel';
import type { InterruptInfo, RunInfo } from './types';
import { shortId } from '../ids';

export type RunOutcome = 'running' | 'success' | 'interrupted' | 'error' | 'cancelled';

export interface StorySegment {
  runId: string;
  /** 1-based place in the thread as shown. */
  n: number;
  kind: NonNullable<RunInfo['kind']> | 'input';
  /** How it began, as a person reads it. */
  began: string;
  outcome: RunOutcome;
  replay: boolean;
  /** Told from the thread's history: root writes only. */
  fromHistory: boolean;
  start: number | null;
  end: number | null;
  executions: number;
  /** Interrupts this run raised; `resume` says which run answered each. */
  interrupts: InterruptInfo[];
  /** The run whose interrupt this one answered, and with what. */
  answers?: { n: number; runId: string; node?: string; value?: unknown };
  /** The run whose static breakpoint this one went on past (a continue, not an answer). */
  past?: { n: number; runId: string; stop?: string };
  /** Where a fork branched off: the run it left, the step and node it re-runs from. */
  forkOf?: { n?: number; runId?: string; step?: number; node?: string; edited: boolean };
  error?: { name: string; message: string };
}

const MAX = 60;

function short(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'undefined';
  return s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s;
}

/**
 * What a static breakpoint (an interrupt with no value) was: where the debugger stopped the run
 * and why, as its Call Stack says it ("Stepped: before finalize"), or, without the debugger's
 * word, a breakpoint.
 */
export function pauseText(model: RunModel, it: Pick<InterruptInfo, 'runId'>): string {
  const stop = model.summary.runs.find((r) => r.runId === it.runId)?.stop;
  return stop ? stop.description : 'paused at a breakpoint';
}

export function threadStory(model: RunModel): StorySegment[] {
  const s = model.summary;
  const nOf = new Map(s.runs.map((r, i) => [r.runId, i + 1]));
  const span = new Map<string, { start: number; end: number; count: number }>();
  for (const x of model.executions) {
    if (x.runId === null) continue;
    const sp = span.get(x.runId) ?? { start: Infinity, end: -Infinity, count: 0 };
    sp.start = Math.min(sp.start, x.start);
    sp.end = Math.max(sp.end, x.end ?? x.start);
    sp.count++;
    span.set(x.runId, sp);
  }
  return s.runs.map((r, i): StorySegment => {
    const last = i === s.runs.length - 1;
    const mine = s.interrupts.filter((it) => it.runId === r.runId);
    const outcome: RunOutcome = r.cancelled
      ? 'cancelled'
      : r.error
        ? 'error'
        : mine.length
          ? 'interrupted'
          : last
            ? s.phase === 'pending' || s.phase === 'running'
              ? 'running'
              : s.phase === 'cancelled' || s.phase === 'error' || s.phase === 'interrupted'
                ? s.phase
                : 'success'
            : 'success';
    const sp = span.get(r.runId);
    const seg: StorySegment = {
      runId: r.runId,
      n: i + 1,
      kind: r.kind === 'join' || r.kind === undefined ? (r.command !== undefined && typeof r.command === 'object' && r.command !== null && 'resume' in r.command ? 'resume' : 'input') : r.kind,
      began: '',
      outcome,
      replay: !!r.replay,
      fromHistory: !!r.fromHistory,
      start: sp ? sp.start : null,
      end: sp ? sp.end : null,
      executions: sp?.count ?? 0,
      interrupts: mine,
      ...(r.error ? { error: r.error } : {}),
    };
    const answered = s.interrupts.find((it) => it.resume?.runId === r.runId);
    if (answered && answered.runId && answered.value === null && !(answered.resume && 'value' in answered.resume && answered.resume.value !== null && answered.resume.value !== undefined)) {
      // A static breakpoint (interrupt_before/after, the debugger's stops) asks nothing: the next
      // run goes on past it rather than answering it.
      seg.kind = 'continue';
      const stop = s.runs.find((x) => x.runId === answered.runId)?.stop;
      seg.past = { n: nOf.get(answered.runId) ?? 0, runId: answered.runId, ...(stop ? { stop: stop.description } : {}) };
    } else if (answered && answered.runId) {
      seg.kind = 'resume';
      seg.answers = { n: nOf.get(answered.runId) ?? 0, runId: answered.runId, ...(answered.node ? { node: answered.node } : {}), ...(answered.resume && 'value' in answered.resume ? { value: answered.resume.value } : {}) };
    }
    if (seg.kind === 'fork') {
      const o = model.runOrigin(r.runId);
      const from = r.fork?.fromRunId ?? o?.runId ?? undefined;
      seg.forkOf = {
        ...(from ? { runId: from, n: nOf.get(from) } : {}),
        step: r.fork?.step ?? o?.step,
        node: r.fork?.node ?? o?.next[0],
        edited: !!r.fork?.edited || o?.source === 'update',
      };
    }
    seg.began = describeStart(seg, r);
    return seg;
  });
}

function describeStart(seg: StorySegment, r: RunInfo): string {
  switch (seg.kind) {
    case 'resume': {
      const a = seg.answers;
      const value = a && 'value' in a ? ` with ${short(a.value)}` : '';
      return a ? `answer to run ${a.n}'s interrupt${a.node ? ` at ${a.node}` : ''}${value}` : `resume${value}`;
    }
    case 'fork': {
      const f = seg.forkOf!;
      const where = [f.step !== undefined ? `step ${f.step}` : null, f.node ? `before ${f.node}` : null].filter(Boolean).join(', ');
      const of = f.n ? ` of run ${f.n}` : f.runId ? ` of run ${shortId(f.runId)}` : '';
      return `fork${of} from ${where || 'a checkpoint'}${f.edited ? ' (state edited)' : ''}`;
    }
    case 'continue':
      if (seg.past?.stop) return `went on from run ${seg.past.n}'s stop (${seg.past.stop})`;
      return seg.past ? `continued past run ${seg.past.n}'s breakpoint` : 'continued from its last checkpoint';
    default:
      return r.input !== undefined ? `input ${short(r.input)}` : 'new input';
  }
}
