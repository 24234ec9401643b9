// What the LLM did: an execution's LLM calls in the detail pane (its text streaming in while the
// node runs), and the run's totals with a per-node table sortable by each column. Run data is
// shown as text, never as HTML.
import { useState } from 'preact/hooks';
import { callTimes, costText, type LlmCall, type LlmTotals, type NodeLlmRow, type RunModel } from '../../shared/runModel';
import type { Store } from '../store';
import { formatDuration, formatNumber } from '../layout';
import { STREAM_STEP, STREAM_TAIL, tailStart } from '../textTail';

export function LlmCallsSection({ model, execution }: { model: RunModel; execution: number }) {
  const calls = model.llmCalls(execution);
  if (!calls.length) return null;
  return (
    <section class="llm-calls" aria-label="LLM calls">
      {calls.map((c, k) => <CallView key={k} call={c} n={k + 1} of={calls.length} />)}
    </section>
  );
}

function CallView({ call: c, n, of }: { call: LlmCall; n: number; of: number }) {
  const [all, setAll] = useState(false);
  const { firstTokenMs, durationMs } = callTimes(c);
  const facts: string[] = [];
  if (c.inputTokens !== null || c.outputTokens !== null) facts.push(`${c.inputTokens ?? '?'} in → ${c.outputTokens ?? '?'} out tokens`);
  else facts.push('tokens not reported');
  if (firstTokenMs !== null) facts.push(`first token ${formatDuration(firstTokenMs)}`);
  if (durationMs !== null) facts.push(`${c.streaming ? 'streaming for' : 'streamed'} ${formatDuration(durationMs)}`);
  if (c.finishReason) facts.push(`finish: ${c.finishReason}`);
  const from = all ? 0 : c.streaming ? tailStart(c.text, STREAM_TAIL, STREAM_STEP) : tailStart(c.text);
  const cut = from > 0;
  const shown = cut ? c.text.slice(from) : c.text;
  return (
    <div class={`llm-call${c.streaming ? ' streaming' : ''}`}>
      <div class="llm-head">
        <span class="codicon codicon-sparkle" aria-hidden="true" />
        <b>{of > 1 ? `LLM call ${n} of ${of}` : 'LLM call'}</b>
        <span class="llm-model" title={c.provider ? `provider ${c.provider}` : undefined}>
          {[c.provider, c.model].filter(Boolean).join(' / ') || 'model unknown'}
        </span>
        {c.streaming && <span class="tag llm-live">streaming</span>}
      </div>
      <p class="muted llm-facts">{facts.join(' · ')}</p>
      {c.note && <p class="muted llm-note">{c.note}</p>}
      {c.toolCalls.length > 0 && (
        <ul class="llm-tools" aria-label="Tool calls it asked for">
          {c.toolCalls.map((t, k) => (
            <li key={k}>
              <span class="mono">{t.name ?? '?'}</span> <span class="muted mono">{typeof t.args === 'string' ? t.args : JSON.stringify(t.args)}</span>
            </li>
          ))}
        </ul>
      )}
      {cut && (
        <button class="btn secondary" onClick={() => setAll(true)}>
          Show all {formatNumber(c.text.length)} characters
        </button>
      )}
      {(shown || c.streaming) && (
        <pre class="llm-text" aria-live={c.streaming ? 'off' : undefined} data-chars={c.text.length}>
          {cut ? '…' : ''}
          {shown}
          {c.streaming && <span class="llm-caret" aria-hidden="true">▍</span>}
        </pre>
      )}
    </div>
  );
}

export function totalsLine(t: LlmTotals): string {
  const time = t.timed ? formatDuration(t.llmMs) : 'time unknown';
  const cost = t.cost !== null ? ` · cost ${costText(t.cost)}` : '';
  return `${t.calls} LLM call${t.calls === 1 ? '' : 's'} · ${formatNumber(t.inputTokens)} in / ${formatNumber(t.outputTokens)} out tokens · ${time}${cost}`;
}

type SortKey = 'node' | 'calls' | 'inputTokens' | 'outputTokens' | 'totalTokens' | 'llmMs' | 'share' | 'cost';
const COLUMNS: { key: SortKey; label: string; num: boolean }[] = [
  { key: 'node', label: 'Node', num: false },
  { key: 'calls', label: 'Calls', num: true },
  { key: 'inputTokens', label: 'Tokens in', num: true },
  { key: 'outputTokens', label: 'Tokens out', num: true },
  { key: 'totalTokens', label: 'Total', num: true },
  { key: 'llmMs', label: 'LLM time', num: true },
  { key: 'share', label: 'Share of tokens', num: true },
];

/** The run header's LLM totals (the latest run, and the thread's when it has several), and the per-node table. */
export function LlmSummary({ store }: { store: Store; seq?: number }) {
  const model = store.model;
  const [open, setOpen] = useState(false);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'totalTokens', desc: true });
  if (!model.llm.calls.length) return null;
  const runs = model.summary.runs;
  const last = runs.at(-1)?.runId ?? null;
  const prices = store.session?.modelPrices;
  const run = model.llmTotals(runs.length ? last : undefined, prices);
  const thread = runs.length > 1 ? model.llmTotals(undefined, prices) : null;
  const rows: NodeLlmRow[] = model.llmByNode(undefined, prices);
  const dir = sort.desc ? -1 : 1;
  const priced = rows.some((r) => r.cost !== null);
  const columns = priced ? [...COLUMNS, { key: 'cost' as const, label: 'Cost', num: true }] : COLUMNS;
  rows.sort((a, b) => {
    const x = a[sort.key] ?? -1;
    const y = b[sort.key] ?? -1;
    return (typeof x === 'string' ? x.localeCompare(String(y)) : (x as number) - (y as number)) * dir;
  });
  return (
    <section class="llm-summary" aria-label="What the LLM did">
      <button class="llm-totals" aria-expanded={open} aria-controls="llm-table" onClick={() => setOpen(!open)} title="LLM calls per node">
        <span class={`codicon codicon-chevron-${open ? 'down' : 'right'}`} aria-hidden="true" />
        <span class="codicon codicon-sparkle" aria-hidden="true" />
        <span>{runs.length > 1 ? 'This run: ' : ''}{totalsLine(run)}</span>
        {thread && <span class="muted"> · thread: {totalsLine(thread)}</span>}
      </button>
      {open && (
        <table class="llm-table" id="llm-table" aria-label="LLM calls per node (thread)">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} class={c.num ? 'num' : undefined} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                  <button class="sort" onClick={() => setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : c.num })}>
                    {c.label}
                    {sort.key === c.key && <span class={`codicon codicon-arrow-${sort.desc ? 'down' : 'up'}`} aria-hidden="true" />}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.node}>
                <td>{r.node}</td>
                <td class="num">{r.calls}</td>
                <td class="num">{formatNumber(r.inputTokens)}{r.unknownTokens ? ' +?' : ''}</td>
                <td class="num">{formatNumber(r.outputTokens)}</td>
                <td class="num">{formatNumber(r.totalTokens)}</td>
                <td class="num">{r.timed ? formatDuration(r.llmMs) : '?'}</td>
                <td class="num">{Math.round(r.share * 100)}%</td>
                {priced && <td class="num">{r.cost !== null ? costText(r.cost) : '?'}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One line for the timeline's tooltip: the last call's model, tokens and the end of its text (or its tool calls). */
export function llmPreview(calls: readonly LlmCall[]): string {
  const c = calls.at(-1);
  if (!c) return '';
  const who = c.model ?? 'LLM';
  const tokens = c.inputTokens !== null || c.outputTokens !== null ? ` · ${c.inputTokens ?? '?'}→${c.outputTokens ?? '?'} tokens` : '';
  const flat = c.text.replace(/\s+/g, ' ').trim();
  const said = flat ? ` · “${flat.length > 80 ? `…${flat.slice(-80)}` : flat}”` : c.toolCalls.length ? ` · calls ${c.toolCalls.map((t) => t.name ?? '?').join(', ')}` : '';
  return `${calls.length > 1 ? `${calls.length} LLM calls, last: ` : ''}${who}${tokens}${said}${c.streaming ? ' ▍' : ''}`;
}
