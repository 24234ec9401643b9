// What the LLM did, for `show`: tokens per execution, and the run's (and thread's) totals per node.
import { callJson, costText, type LlmTotals, type ModelPrices, type RunModel } from '../shared/runModel';

/** The `tokens` cell of an execution: `in→out` summed over its calls, `-` without any. */
export function tokensCell(model: RunModel, i: number): string {
  const calls = model.llmCalls(i);
  if (!calls.length) return '-';
  const known = calls.filter((c) => c.inputTokens !== null || c.outputTokens !== null);
  if (!known.length) return `${calls.length} call${calls.length > 1 ? 's' : ''}, tokens ?`;
  const sum = (k: 'inputTokens' | 'outputTokens') => known.reduce((n, c) => n + (c[k] ?? 0), 0);
  return `${sum('inputTokens')}→${sum('outputTokens')}${known.length < calls.length ? ' +?' : ''}`;
}

export function llmLines(model: RunModel, prices?: ModelPrices): string[] {
  const all = model.llmTotals(undefined, prices);
  if (!all.calls) return [];
  const lines = [`LLM: ${totalsText(all)}`];
  const runs = model.summary.runs;
  if (runs.length > 1) for (const [k, r] of runs.entries()) lines.push(`  run ${k + 1} (${r.runId}): ${totalsText(model.llmTotals(r.runId, prices))}`);
  for (const n of model.llmByNode(undefined, prices)) lines.push(`  ${n.node}: ${totalsText(n)}, ${Math.round(n.share * 100)}% of the tokens`);
  const models = [...new Set(model.llm.calls.map((c) => [c.provider, c.model].filter(Boolean).join('/') || '?'))];
  lines.push(`  models: ${models.join(', ')}`);
  for (const c of model.llm.unplaced()) lines.push(`  NOTE: ${c.note ?? 'a call without a node'} (${c.id ?? 'no id'})`);
  return lines;
}

export function totalsText(t: LlmTotals): string {
  const unknown = t.unknownTokens ? ` (${t.unknownTokens} without counts)` : '';
  const cost = t.cost !== null ? `, cost ${costText(t.cost)}` : '';
  const time = t.timed ? `${Math.round(t.llmMs)} ms${t.timed < t.calls ? ` (${t.timed} of ${t.calls} timed)` : ''}` : 'unknown (not streamed)';
  return `${t.calls} call${t.calls === 1 ? '' : 's'}, tokens ${t.inputTokens} in / ${t.outputTokens} out / ${t.totalTokens} total${unknown}, LLM time ${time}${cost}`;
}

/** `show --json`: each execution's `llm` array, and the totals per run, node and thread. */
export function llmJson(model: RunModel, prices?: ModelPrices): { perExecution: (i: number) => ReturnType<typeof callJson>[]; totals: Record<string, unknown> } {
  return {
    perExecution: (i) => model.llmCalls(i).map(callJson),
    totals: {
      thread: model.llmTotals(undefined, prices),
      runs: model.summary.runs.map((r) => ({ runId: r.runId, ...model.llmTotals(r.runId, prices) })),
      byNode: model.llmByNode(undefined, prices),
      unplaced: model.llm.unplaced().map((c) => ({ node: c.node, id: c.id, note: c.note ?? null, ...callJson(c) })),
    },
  };
}
