// The selected execution: what it wrote, what it changed in the state, the whole state after it.
import { useMemo } from 'preact/hooks';
import type { Execution, RunModel } from '../../shared/runModel';
import { isMark } from '../../shared/model/types';
import type { DetailTab, Store } from '../store';
import { describeExecution, formatAt, formatDuration, writtenKeys } from '../layout';
import { changesOf, stateAfter, stateBefore, type Maybe } from '../stateAccess';
import { isMessageList, toolCalls, toolResults } from '../values';
import { post } from '../vscodeApi';
import { Changes } from './Changes';
import { IconButton, ValueTree } from './ValueTree';
import { isRecord } from '../../shared/events';
import { reducedLines } from '../../shared/model/reduced';
import { choicesOf, questionOf } from './Story';
import { shortId } from '../../shared/ids';
import { LlmCallsSection } from './LlmCalls';

const TABS: { id: DetailTab; label: string; key: string }[] = [
  { id: 'wrote', label: 'Wrote', key: '1' },
  { id: 'changed', label: 'Changed', key: '2' },
  { id: 'state', label: 'State', key: '3' },
];

export function Detail({ store }: { store: Store; seq?: number }) {
  const { model, ui } = store;
  const i = ui.selected;
  const ex = i !== null ? model.executions[i] : undefined;
  if (!ex) {
    return (
      <aside class="detail empty-detail" aria-label="Execution details">
        <p class="muted">Select a node execution to see what it wrote and what it changed.</p>
        <p class="muted">
          <kbd>j</kbd>/<kbd>k</kbd> step through executions · <kbd>?</kbd> all keys
        </p>
      </aside>
    );
  }
  const t0 = Number.isFinite(store.index.t0) ? store.index.t0 : ex.start;
  // Everything below depends only on the execution and its mutable fields.
  // A node's state settles once its superstep closes, i.e. within the next few executions; after
  // that there is no reason to recompute its diff as more of the run streams in.
  const recent = model.executions.length - ex.index < 64;
  const sig = `${ex.status}|${ex.end}|${ex.writes === undefined ? 0 : 1}|${recent ? model.executions.length : 'settled'}|${model.summary.phase}`;
  return <DetailBody store={store} model={model} ex={ex} t0={t0} tab={ui.tab} sig={sig} />;
}

/** The root execution a fork from `ex` starts before: itself, or the root node whose subgraph ran it (null: unknown). */
function forkPoint(model: RunModel, ex: Execution): Execution | null {
  let x: Execution | undefined = ex;
  for (let hops = 0; x && x.ns.length > 0 && hops < 64; hops++) x = x.parent !== null ? model.executions[x.parent] : undefined;
  return x ?? null;
}

function DetailBody({ store, model, ex, t0, tab, sig }: { store: Store; model: RunModel; ex: Execution; t0: number; tab: DetailTab; sig: string }) {
  const now = store.now();
  const dur = ex.end !== null ? ex.end - ex.start : ex.status === 'running' ? now - ex.start : null;
  const where = ex.path ? `${ex.path} › ${ex.node}` : ex.node;
  // Every root execution of a threaded run has a checkpoint before it (the session may have
  // learnt its thread only after the panel opened: the run id says it is threaded). Checkpoints
  // are the root graph's: inside a subgraph, the fork is from before the root node that ran it.
  const at = forkPoint(model, ex);
  const canFork = !!at && at.step >= 0 && at.status !== 'running' && (!!store.session?.threadId || at.runId !== null) && !store.live;
  const forkLabel = at === ex ? 'Fork: run again from the checkpoint before this node' : `Fork: run again from the checkpoint before ${at?.node} (its subgraph runs again)`;
  const pos = store.listPosition(ex.index);
  const n = store.listLength();
  return (
    <aside class="detail" aria-label={`Details: ${describeExecution(ex, t0, now)}`}>
      <header class="detail-head">
        <div class="detail-title">
          <span class={`status-dot ${ex.status}`} aria-hidden="true" />
          <h2 title={where}>
            {ex.path && <span class="ns">{ex.path} › </span>}
            {ex.node}
          </h2>
          <span class="detail-nav">
            <span class="muted">{pos < n && store.listAt(pos) === ex.index ? `${pos + 1} / ${n}` : `#${ex.index + 1}`}</span>
            <IconButton icon="arrow-up" label="Previous execution (k)" tabIndex={0} onClick={() => store.step(-1)} disabled={pos <= 0} />
            <IconButton icon="arrow-down" label="Next execution (j)" tabIndex={0} onClick={() => store.step(1)} disabled={pos >= n - 1} />
            <IconButton icon="go-to-file" label="Go to node source" tabIndex={0} onClick={() => post({ type: 'openSource', node: ex.node, ns: ex.ns })} />
            {canFork && at && <IconButton icon="debug-restart" label={forkLabel} tabIndex={0} onClick={() => post({ type: 'fork', node: at.node, ns: at.ns, step: at.step, runId: at.runId })} />}
          </span>
        </div>
        <dl class="facts">
          <dt>step</dt>
          <dd title={ex.stepSource ? `superstep from ${ex.stepSource}` : undefined}>
            {ex.step >= 0 ? ex.step : 'unknown'}
            {ex.stepSource === 'estimated' ? ' (estimated)' : ''}
          </dd>
          <dt>{ex.timeSource === 'arrival' ? 'arrived' : ex.startUnknown ? 'ended' : 'started'}</dt>
          <dd>+{formatAt(ex.start - t0)}</dd>
          {dur !== null && !isMark(ex) && (
            <>
              <dt>{ex.status === 'running' ? 'running for' : 'took'}</dt>
              <dd>{formatDuration(dur)}</dd>
            </>
          )}
          <dt>status</dt>
          <dd class={`status ${ex.status}`}>{ex.status}</dd>
          {ex.taskId && (
            <>
              <dt>task</dt>
              <dd class="mono task-id" title={ex.taskId}>
                {ex.taskId}
              </dd>
            </>
          )}
        </dl>
        {ex.startUnknown && <p class="note muted">Its run went on from another run's checkpoint (after a debugger's stop, an interrupt, a fork): the server's history keeps when this node ended, not when it began, so it has no duration here.</p>}
        {ex.timeSource === 'arrival' && <p class="note muted">Only the arrival of this node's update is known; stream with <code>tasks</code> or <code>debug</code> for start and end times.</p>}
        {ex.error && (
          <div class="banner error" role="note">
            <span class="codicon codicon-error" aria-hidden="true" /> {ex.error.name}: {ex.error.message}
          </div>
        )}
        {ex.interrupts && ex.interrupts.length > 0 && <InterruptNote store={store} ex={ex} />}
      </header>
      <LlmCallsSection model={model} execution={ex.index} />
      <div class="tabs" role="tablist" aria-label="Execution details">
        {TABS.map((t) => (
          <button
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="detail-panel"
            tabIndex={tab === t.id ? 0 : -1}
            class={`tab${tab === t.id ? ' active' : ''}`}
            title={`${t.label} (${t.key})`}
            onClick={() => store.setUi({ tab: t.id })}
            onKeyDown={(e) => {
              const k = TABS.findIndex((x) => x.id === tab);
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                const next = TABS[(k + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
                store.setUi({ tab: next.id });
                (e.currentTarget.parentElement?.querySelector(`#tab-${next.id}`) as HTMLElement | null)?.focus();
                e.preventDefault();
              }
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div class="tab-panel" id="detail-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'wrote' && <Wrote ex={ex} />}
        {tab === 'changed' && <Changed model={model} ex={ex} sig={sig} />}
        {tab === 'state' && <State model={model} ex={ex} sig={sig} />}
      </div>
    </aside>
  );
}

function Wrote({ ex }: { ex: Execution }) {
  if (ex.writes === undefined) return <p class="muted empty-note">{ex.status === 'running' ? 'Still running: nothing written yet.' : 'This node reported no update.'}</p>;
  if (ex.writes === null || (isRecord(ex.writes) && Object.keys(ex.writes).length === 0)) return <p class="muted empty-note">The node returned an empty update.</p>;
  const keys = writtenKeys(ex.writes);
  return (
    <div>
      {keys.length > 0 && <p class="muted keys-line">Wrote {keys.join(', ')}</p>}
      <ValueTree key={ex.index} value={ex.writes} label={`Update written by ${ex.node}`} openDepth={2} results={toolResults(isRecord(ex.writes) ? ex.writes.messages : undefined)} />
    </div>
  );
}

function NotAvailable({ reason }: { reason: string }) {
  return (
    <div class="na" role="note">
      <span class="codicon codicon-info" aria-hidden="true" /> Not available. <span class="muted">{reason}</span>
    </div>
  );
}

function Changed({ model, ex, sig }: { model: RunModel; ex: Execution; sig: string }) {
  const data = useMemo(() => {
    const changes = changesOf(model, ex.index);
    const before = stateBefore(model, ex.index);
    const after = stateAfter(model, ex.index);
    const msgs = (m: Maybe<unknown>) => (m.ok && isRecord(m.value) ? m.value.messages : undefined);
    return { changes, results: toolResults(msgs(after), msgs(before)), calls: toolCalls(msgs(before), msgs(after)) };
  }, [model, ex.index, sig]);
  if (!data.changes.ok) return <NotAvailable reason={data.changes.reason} />;
  return (
    <>
      {ex.disagreed && (
        <div class="banner warn" role="note">
          <span class="codicon codicon-warning" aria-hidden="true" /> The server's state disagrees with this node's writes under their known reducer
          {ex.server?.keys.length ? ` on ${ex.server.keys.join(', ')}` : ''}; the server's values are shown.
        </div>
      )}
      {ex.reduced && (
        <div class="banner info" role="note">
          <span class="codicon codicon-info" aria-hidden="true" /> Reduced by the graph:
          <ul class="reduced">{reducedLines(ex).map((l) => <li key={l}>{l}</li>)}</ul>
        </div>
      )}
      <Changes key={ex.index} changes={data.changes.value} results={data.results} calls={data.calls} />
    </>
  );
}

function State({ model, ex, sig }: { model: RunModel; ex: Execution; sig: string }) {
  const st = useMemo(() => stateAfter(model, ex.index), [model, ex.index, sig]);
  if (!st.ok) return <NotAvailable reason={st.reason} />;
  const v = st.value;
  const messages = isRecord(v) && isMessageList(v.messages) ? v.messages : null;
  return (
    <div>
      <p class="muted keys-line">State after {ex.node} (step {ex.step >= 0 ? ex.step : '?'})</p>
      <ValueTree key={ex.index} value={v} label={`State after ${ex.node}`} openDepth={1} results={toolResults(messages)} />
    </div>
  );
}

/** What the node asked, as text; its answers as buttons while it waits; the raw value on demand. */
function InterruptNote({ store, ex }: { store: Store; ex: Execution }) {
  const infos = store.model.summary.interrupts.filter((i) => i.execution === ex.index);
  const raw = (ex.interrupts ?? []).map((it) => (isRecord(it) && 'value' in it ? it.value : it));
  const waiting = infos.find((i) => !i.resume);
  const answered = infos.find((i) => i.resume);
  const asks = infos.length ? infos.map(questionOf).join('; ') : raw.map((v) => questionOf({ value: v, ns: [], t: 0, runId: null })).join('; ');
  return (
    <div class="banner interrupt" role="note">
      <span class="codicon codicon-debug-pause" aria-hidden="true" /> Interrupted: {asks}
      {answered?.resume && (
        <div class="muted">answered by run {shortId(answered.resume.runId)}{'value' in answered.resume ? ` with ${JSON.stringify(answered.resume.value)}` : ''}</div>
      )}
      {waiting && !store.live && store.status.phase !== 'recorded' && (
        <span class="answers">
          {choicesOf(waiting).map((c) => (
            <button class="btn" key={String(c)} onClick={() => post({ type: 'resume', value: c })}>
              {String(c)}
            </button>
          ))}
          <button class="btn secondary" onClick={() => post({ type: 'resume' })}>Resume…</button>
        </span>
      )}
      <details>
        <summary>value</summary>
        <ValueTree value={raw} label="interrupt values" openDepth={2} />
      </details>
    </div>
  );
}
