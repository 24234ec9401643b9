// The timeline panel. Run data is untrusted: it is only ever rendered as text nodes.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Store } from './store';
import type { Execution } from '../shared/runModel';
import { barGeometry, formatDuration, layoutRows, writtenKeys } from './layout';

export function App({ store }: { store: Store }) {
  const [, setTick] = useState(0);
  useEffect(() => store.subscribe(() => setTick((t) => t + 1)), [store]);
  const { session, status, model, ui } = store;

  if (!session) {
    return (
      <div class="empty">
        <h2>No run yet</h2>
        <p>Start a run with <b>LangGraph: Start Run</b>, or pick a run in the LangGraph view.</p>
      </div>
    );
  }
  const now = Date.now();
  const live = status.phase === 'connecting' || status.phase === 'streaming' || status.phase === 'reconnecting';
  const layout = layoutRows(model.executions, live ? now : undefined);
  const selected = ui.selected !== null ? model.executions[ui.selected] : undefined;

  const select = (i: number | null) => store.setUi({ selected: i, follow: i === null });
  const onKey = (e: KeyboardEvent) => {
    const n = model.executions.length;
    if (!n) return;
    const cur = ui.selected ?? (e.key === 'ArrowUp' || e.key === 'k' ? n : -1);
    if (e.key === 'ArrowDown' || e.key === 'j') select(Math.min(n - 1, cur + 1));
    else if (e.key === 'ArrowUp' || e.key === 'k') select(Math.max(0, cur - 1));
    else if (e.key === 'Home') select(0);
    else if (e.key === 'End') select(n - 1);
    else if (e.key === 'Escape') select(null);
    else return;
    e.preventDefault();
  };

  return (
    <div class="app" onKeyDown={onKey}>
      <header class="toolbar">
        <span class="title">{session.title}</span>
        <span class={`pill phase-${status.phase}`} role="status" aria-live="polite">
          {status.phase}
          {status.message ? ` — ${status.message}` : ''}
        </span>
        <span class="muted">
          {model.executions.length} node runs · {model.summary.events} events
          {session.threadId ? ` · thread ${session.threadId.slice(0, 8)}` : ''}
          {session.runId ? ` · run ${session.runId.slice(0, 8)}` : ''}
        </span>
      </header>
      {model.summary.error && (
        <div class="banner error" role="alert">
          <span class="codicon-ish">✖</span> {model.summary.error.name}: {model.summary.error.message}
        </div>
      )}
      {model.summary.interrupts.length > 0 && (
        <div class="banner interrupt" role="alert">
          ⏸ Interrupted: {model.summary.interrupts.map((i) => (i.value === null ? 'static breakpoint' : preview(i.value, 160))).join('; ')}
        </div>
      )}
      {model.summary.gaps.map((g) => (
        <div class="banner warn" role="alert">{g.message}</div>
      ))}
      <div class="split">
        <div class="timeline" role="tree" aria-label="Node executions by node" tabIndex={0}>
          {layout.rows.map((row) => (
            <div class="row" role="treeitem" aria-label={`${row.path ? row.path + ' › ' : ''}${row.node}, ${row.executions.length} runs`} key={row.key}>
              <div class="label" style={{ paddingLeft: `${6 + row.depth * 12}px` }} title={row.path ? `${row.path} › ${row.node}` : row.node}>
                {row.path && <span class="ns">{row.path} › </span>}
                {row.node}
              </div>
              <div class="track">
                {row.executions.map((i) => {
                  const ex = model.executions[i];
                  const g = barGeometry(ex, layout.t0, layout.t1, now);
                  return (
                    <button
                      key={i}
                      class={`bar ${ex.status}${g.mark ? ' mark' : ''}${ui.selected === i ? ' selected' : ''}`}
                      style={{ left: `${g.left}%`, width: g.mark ? undefined : `max(3px, ${g.width}%)` }}
                      title={tooltip(ex)}
                      aria-label={tooltip(ex)}
                      onClick={() => select(i)}
                    />
                  );
                })}
              </div>
            </div>
          ))}
          <ExecutionList executions={model.executions} selected={ui.selected} follow={ui.follow} onSelect={select} t0={layout.t0} />
        </div>
        <Detail ex={selected} t0={layout.t0} />
      </div>
    </div>
  );
}

function ExecutionList(props: { executions: Execution[]; selected: number | null; follow: boolean; onSelect: (i: number) => void; t0: number }) {
  const ref = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (props.follow && ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  });
  return (
    <ol class="list" ref={ref} aria-label="Node executions in order">
      {props.executions.map((ex) => (
        <li key={ex.index} class={`item ${ex.status}${props.selected === ex.index ? ' selected' : ''}`} onClick={() => props.onSelect(ex.index)} aria-selected={props.selected === ex.index}>
          <span class="seq">#{ex.index + 1}</span>
          <span class="step">step {ex.step >= 0 ? ex.step : '?'}</span>
          <span class="node">{ex.path ? `${ex.path} › ` : ''}{ex.node}</span>
          <span class="time">+{formatDuration(ex.start - props.t0)}</span>
          <span class="keys">{writtenKeys(ex.writes).join(', ')}</span>
          {ex.status === 'error' && <span class="tag error">error</span>}
          {ex.status === 'interrupted' && <span class="tag interrupt">interrupt</span>}
        </li>
      ))}
    </ol>
  );
}

function Detail({ ex, t0 }: { ex: Execution | undefined; t0: number }) {
  if (!ex) return <aside class="detail muted">Select a node execution to see what it wrote. ↑/↓ to step.</aside>;
  const dur = ex.end !== null ? ex.end - ex.start : null;
  return (
    <aside class="detail" aria-label={`Details of ${ex.node}`}>
      <h3>{ex.path ? `${ex.path} › ` : ''}{ex.node}</h3>
      <dl>
        <dt>step</dt><dd>{ex.step >= 0 ? ex.step : 'unknown'}</dd>
        <dt>started</dt><dd>+{formatDuration(ex.start - t0)} ({ex.timeSource === 'arrival' ? 'arrival time' : `from ${ex.timeSource}`})</dd>
        {dur !== null && ex.timeSource !== 'arrival' && (<><dt>duration</dt><dd>{formatDuration(dur)}</dd></>)}
        {ex.taskId && (<><dt>task</dt><dd class="mono">{ex.taskId}</dd></>)}
        <dt>status</dt><dd>{ex.status}</dd>
      </dl>
      {ex.error && <div class="banner error">{ex.error.name}: {ex.error.message}</div>}
      <h4>Wrote</h4>
      <pre class="json">{ex.writes === undefined ? '(nothing yet)' : JSON.stringify(ex.writes, null, 2)}</pre>
    </aside>
  );
}

function tooltip(ex: Execution): string {
  const dur = ex.end !== null && ex.timeSource !== 'arrival' ? `, ${formatDuration(ex.end - ex.start)}` : '';
  return `${ex.path ? ex.path + ' › ' : ''}${ex.node} — step ${ex.step >= 0 ? ex.step : '?'}${dur}, ${ex.status}`;
}

function preview(v: unknown, max: number): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
