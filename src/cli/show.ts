// Text rendering of a recorded run for terminals and CI logs.
import type { Recording } from '../shared/recording';
import type { RunModel } from '../shared/runModel';

export function renderTimelineText(rec: Recording, model: RunModel): string {
  const ex = model.executions;
  const t0 = model.summary.startedAt ?? rec.header.startedAt;
  const lines: string[] = [];
  const h = rec.header;
  lines.push(`run ${h.runId ?? model.summary.runId ?? '?'} on ${h.assistantId ?? '?'} (${model.summary.phase}), ${model.summary.events} events, ${ex.length} node executions`);
  const rows = ex.map((e) => [
    e.path || '(root)',
    e.node,
    e.step >= 0 ? String(e.step) : '?',
    `+${ms(e.start - t0)}`,
    e.end !== null && e.timeSource !== 'arrival' ? ms(e.end - e.start) : '-',
    keys(e.writes),
    e.status === 'error' ? `ERROR ${e.error?.name ?? ''}: ${e.error?.message ?? ''}` : e.status === 'interrupted' ? 'INTERRUPT' : '',
  ]);
  const head = ['namespace', 'node', 'step', 'start', 'duration', 'wrote', ''];
  const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  lines.push(fmt(head));
  for (const r of rows) lines.push(fmt(r));
  for (const i of model.summary.interrupts) lines.push(`INTERRUPT${i.ns.length ? ` in ${i.ns.join(' › ')}` : ''}: ${i.value === null ? '(static breakpoint)' : JSON.stringify(i.value)}`);
  if (model.summary.error) lines.push(`ERROR ${model.summary.error.name}: ${model.summary.error.message}`);
  for (const g of model.summary.gaps) lines.push(`GAP: ${g.message}`);
  return lines.join('\n') + '\n';
}

export function modelJson(rec: Recording, model: RunModel): Record<string, unknown> {
  return {
    run: { ...rec.header, phase: model.summary.phase, runId: rec.header.runId ?? model.summary.runId },
    executions: model.executions.map((e) => ({ node: e.node, ns: e.ns, step: e.step, start: e.start, end: e.end, timeSource: e.timeSource, status: e.status, writes: e.writes, error: e.error, interrupts: e.interrupts, taskId: e.taskId })),
    interrupts: model.summary.interrupts,
    error: model.summary.error ?? null,
    gaps: model.summary.gaps,
  };
}

function ms(v: number): string {
  return v < 1000 ? `${Math.round(v)}ms` : `${(v / 1000).toFixed(2)}s`;
}
function keys(w: unknown): string {
  return w && typeof w === 'object' && !Array.isArray(w) ? Object.keys(w).join(',') : w === undefined ? '' : typeof w;
}
