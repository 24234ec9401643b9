// `langgraph-timeline show`: text and JSON rendering of a recorded run, for terminals and CI logs.
import { readFileSync } from 'node:fs';
import { parseRecording, type Recording } from '../shared/recording';
import { UsageError, parseJsonArg } from './args';
import { RunModel, type Execution } from '../shared/runModel';
import { formatPath, type Change } from '../shared/diff';
import { isRecord } from '../shared/events';
import { reducedLines } from '../shared/model/reduced';
import { threadStory } from '../shared/model/story';
import { pricesFrom, type ModelPrices } from '../shared/runModel';
import { isMark } from '../shared/model/types';
import { llmJson, llmLines, tokensCell } from './showLlm';

/** The model of a recording, with what the recorder fetched besides the stream (history, state). */
export function modelFromRecording(rec: Recording): RunModel {
  const extras = isRecord(rec.header.extras) ? rec.header.extras : undefined;
  // A recording of a resume has the command that started it in its header (`record --resume`).
  const command = (rec.header as { command?: unknown }).command;
  const model = RunModel.from(rec.events, { input: rec.header.input, extras, command });
  model.end();
  return model;
}

/** `show FILE [--json] [--prices JSON|@file]`. */
export function showCommand(positional: string[], flags: Map<string, string | true>): number {
  const file = positional[0];
  if (!file) throw new UsageError('show needs a FILE');
  const rec = parseRecording(readFileSync(file, 'utf8'));
  // The recorder's extras (thread history, final state, schema) make the model exact offline.
  const model = modelFromRecording(rec);
  // Prices per model (per million input/output tokens), the shape of the langgraph.modelPrices setting.
  const p = flags.get('prices');
  const prices = typeof p === 'string' ? pricesFrom(parseJsonArg('prices', p)) : undefined;
  process.stdout.write(flags.get('json') ? JSON.stringify(modelJson(rec, model, prices), null, 2) + '\n' : renderTimelineText(rec, model, prices));
  return 0;
}

export function renderTimelineText(rec: Recording, model: RunModel, prices?: ModelPrices): string {
  const ex = model.executions;
  // The axis starts at the first thing known on it: the first event, or an execution the server's
  // clock put before it (never a negative start).
  let t0 = model.summary.clock === 'server' ? Infinity : (model.summary.startedAt ?? rec.header.startedAt ?? Infinity);
  for (const e of ex) if (e.start < t0) t0 = e.start;
  if (!Number.isFinite(t0)) t0 = 0;
  const lines: string[] = [];
  const h = rec.header;
  const runs = model.summary.runs.length > 1 ? ` in ${model.summary.runs.length} runs` : '';
  lines.push(`run ${h.runId ?? model.summary.runId ?? '?'} on ${h.assistantId ?? '?'} (${model.summary.phase}), ${model.summary.events} events, ${ex.length} node executions${runs}`);
  const withLlm = model.llm.calls.length > 0;
  const rows = ex.map((e) => [
    e.path || '(root)',
    e.node,
    `${e.step}${e.stepSource === 'estimated' ? '?' : ''}`,
    `+${ms(e.start - t0)}`,
    e.end !== null && !isMark(e) ? ms(e.end - e.start) : '-',
    keys(e.writes),
    ...(withLlm ? [tokensCell(model, e.index)] : []),
    marks(e),
  ]);
  const head = ['namespace', 'node', 'step', 'start', 'duration', 'wrote', ...(withLlm ? ['tokens in→out'] : []), ''];
  const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  lines.push(fmt(head));
  for (const r of rows) lines.push(fmt(r));
  if (ex.some((e) => e.stepSource === 'estimated')) lines.push('step?: estimated from arrival order (no tasks, values, checkpoints or history)');
  lines.push(clockLine(model));
  lines.push(...llmLines(model, prices));
  const story = threadStory(model);
  if (story.length > 1 || story.some((g) => g.kind !== 'input')) {
    for (const g of story) lines.push(`Run ${g.n} (${g.runId}): ${g.began} → ${g.outcome}${g.replay ? ' (replayed: server times)' : ''}`);
  }
  for (const i of model.summary.interrupts) {
    const where = `${i.ns.length ? ` in ${i.ns.join(' › ')}` : ''}${i.node ? ` at ${i.node}` : ''}`;
    const resumed = i.resume ? `; resumed by run ${i.resume.runId}${i.resume.value !== undefined ? ` with ${JSON.stringify(i.resume.value)}` : ''}` : '';
    lines.push(`INTERRUPT${where}: ${i.value === null ? '(static breakpoint)' : JSON.stringify(i.value)}${resumed}`);
  }
  const err = model.summary.error;
  if (err) lines.push(`ERROR${err.node ? ` in ${err.node}` : ''} ${err.name}: ${err.message}`);
  // One note per step and key: parallel writers of one key share it.
  const notes = new Map<string, { nodes: string[]; text: string }>();
  for (const e of ex) {
    const at = `${e.path ? `${e.path} › ` : ''}`;
    for (const l of reducedLines(e)) {
      const k = `${e.runId}|${e.path}|${e.step}|${l}`;
      const n = notes.get(k) ?? { nodes: [], text: `(step ${e.step}): ${l}` };
      n.nodes.push(`${at}${e.node}`);
      notes.set(k, n);
    }
  }
  for (const n of notes.values()) {
    // A fan-out's writers share a name: "retrieve_documents ×3".
    const counts = new Map<string, number>();
    for (const x of n.nodes) counts.set(x, (counts.get(x) ?? 0) + 1);
    const who = [...counts].map(([x, k]) => (k > 1 ? `${x} ×${k}` : x)).join(', ');
    lines.push(`Reduced by the graph after ${who} ${n.text}`);
  }
  for (const e of ex.filter((x) => x.disagreed)) {
    lines.push(`SERVER DISAGREED after ${e.path ? `${e.path} › ` : ''}${e.node} (step ${e.step}) on ${(e.server?.keys ?? []).join(', ')}: its known reducer does not explain the server's state; the state shown is the server's`);
  }
  for (const g of model.summary.gaps) lines.push(`GAP: ${g.message}`);
  return lines.join('\n') + '\n';
}

export function modelJson(rec: Recording, model: RunModel, prices?: ModelPrices): Record<string, unknown> {
  const { extras: _extras, ...header } = rec.header;
  const llm = llmJson(model, prices);
  return {
    run: { ...header, phase: model.summary.phase, runId: rec.header.runId ?? model.summary.runId },
    runs: model.summary.runs,
    phases: model.summary.phases,
    executions: model.executions.map((e) => ({
      index: e.index,
      node: e.node,
      ns: e.ns,
      parent: e.parent,
      taskId: e.taskId,
      step: e.step,
      stepSource: e.stepSource,
      start: e.start,
      end: e.end,
      timeSource: e.timeSource,
      ...(e.startUnknown ? { startUnknown: true } : {}),
      status: e.status,
      writes: e.writes,
      diff: model.diff(e.index).map(jsonChange),
      disagreed: e.disagreed,
      ...(e.server ? { server: e.server } : {}),
      ...(e.reduced ? { reduced: e.reduced } : {}),
      ...(e.error ? { error: e.error } : {}),
      ...(e.interrupts ? { interrupts: e.interrupts } : {}),
      ...(e.resumeOf !== undefined ? { resumeOf: e.resumeOf } : {}),
      llm: llm.perExecution(e.index),
    })),
    llm: llm.totals,
    finalState: model.finalState(),
    interrupts: model.summary.interrupts,
    error: model.summary.error ?? null,
    gaps: model.summary.gaps,
  };
}

function jsonChange(c: Change): Record<string, unknown> {
  return { ...c, at: formatPath(c.path) };
}

function clockLine(model: RunModel): string {
  const s = model.summary;
  if (s.clock === 'server') return "Times: the server's clock (a replay: each step from its checkpoint times)";
  const moved = model.executions.some((e) => e.timeSource === 'debug' || e.timeSource === 'server');
  return moved && s.clockOffset !== null
    ? `Times: this client's clock (server times moved by ${Math.round(s.clockOffset)} ms, the offset this run shows)`
    : "Times: this client's clock (when events arrived)";
}

function marks(e: Execution): string {
  const out: string[] = [];
  if (e.status === 'error') out.push(`ERROR ${e.error?.name ?? ''}: ${e.error?.message ?? ''}`);
  if (e.status === 'interrupted') out.push('INTERRUPT');
  if (e.status === 'running') out.push('(no end)');
  if (e.status === 'cancelled') out.push('CANCELLED');
  if (e.resumeOf !== undefined) out.push(`resumes #${e.resumeOf + 1}`);
  if (e.disagreed) out.push(`≠server: ${e.server?.keys.join(',')}`);
  return out.join('  ');
}

function ms(v: number): string {
  return v < 1000 ? `${Math.round(v)}ms` : `${(v / 1000).toFixed(2)}s`;
}
function keys(w: unknown): string {
  return w && typeof w === 'object' && !Array.isArray(w) ? Object.keys(w).join(',') : w === undefined ? '' : typeof w;
}
