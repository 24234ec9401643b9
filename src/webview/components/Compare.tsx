// Two runs compared, over the timeline: the runs' executions aligned (namespace, node,
// occurrence), each row saying same / differs / only in one; the selected row's differences
// (what each wrote, how each ended, the state after); the input, the final state and the time
// per node side by side. n / Shift+N (or Alt+F5 / Shift+Alt+F5, as in VS Code's diff editor)
// jump between differences; ↑ ↓ move; Esc closes. Everything is text: run data never becomes markup.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { Store } from '../store';
import type { CompareRow, Comparison, NodeTiming, RowKind } from '../../shared/compare/types';
import type { ComparisonShown } from '../../shared/protocol';
import { Changes } from './Changes';
import { IconButton } from './ValueTree';
import { formatDuration } from '../format';

const GLYPH: Record<RowKind, string> = { same: '=', differs: '≠', onlyA: '−', onlyB: '+' };
const KIND_TEXT: Record<RowKind, string> = { same: 'same', differs: 'differs', onlyA: 'only in A', onlyB: 'only in B' };

export function CompareView({ store, shown }: { store: Store; shown: ComparisonShown }) {
  const c = shown.comparison;
  const [sel, setSel] = useState<number>(() => firstDifference(c.rows));
  const list = useRef<HTMLDivElement>(null);
  // A live side redoes the comparison: keep the place, within the rows there now are.
  const selected = Math.min(sel, c.rows.length - 1);
  useEffect(() => {
    list.current?.focus();
  }, []);
  // Keys move from the selection as it is now: a key pressed before the last one's render (or a
  // redo's) must not act on the row selected before it.
  const rowsNow = useRef(c.rows);
  rowsNow.current = c.rows;
  const move = useRef((to: (cur: number, rows: CompareRow[]) => number | null) =>
    setSel((s) => {
      const rows = rowsNow.current;
      const k = to(Math.min(s, rows.length - 1), rows);
      return k === null ? s : k;
    }),
  ).current;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')) return;
      const next = e.key === 'n' || e.key === 'N' || (e.key === 'F5' && e.altKey) ? (e.shiftKey ? -1 : 1) : 0;
      if (next) move((cur, rows) => nextDifference(rows, cur, next));
      else if (e.key === 'Escape') store.closeCompare();
      else if (e.key === 'ArrowDown' || e.key === 'j') move((cur, rows) => Math.min(rows.length - 1, cur + 1));
      else if (e.key === 'ArrowUp' || e.key === 'k') move((cur) => Math.max(0, cur - 1));
      else if (e.key === 'Home') move(() => 0);
      else if (e.key === 'End') move((_, rows) => rows.length - 1);
      else return;
      // The timeline's own keys must not act behind the comparison.
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [move, store]);

  const row = c.rows[selected];
  const diffs = c.rows.filter((r) => r.kind !== 'same').length;
  return (
    <section class="compare" aria-label={`Comparison of ${shown.a.label} with ${shown.b.label}`}>
      <header class="cmp-head">
        <div class="cmp-sides">
          <span class="cmp-side">
            <b>A</b> {shown.a.label}
            {shown.a.live && <span class="cmp-live"> · streaming</span>}
          </span>
          <span class="cmp-side">
            <b>B</b> {shown.b.label}
            {shown.b.live && <span class="cmp-live"> · streaming</span>}
          </span>
        </div>
        <div class="cmp-verdict" role="status">
          <span class={`codicon codicon-${c.equivalent ? 'pass' : 'diff'}`} aria-hidden="true" /> {verdict(c, shown)}
        </div>
        <div class="cmp-actions">
          <IconButton icon="arrow-up" label="Previous difference (Shift+N)" tabIndex={0} disabled={!diffs} onClick={() => jump(-1)} />
          <IconButton icon="arrow-down" label="Next difference (n)" tabIndex={0} disabled={!diffs} onClick={() => jump(1)} />
          <IconButton icon="close" label="Close the comparison (Esc)" tabIndex={0} onClick={() => store.closeCompare()} />
        </div>
      </header>
      <p class="cmp-note muted">{ignoredNote(c)}</p>
      <div class="cmp-scroll">
        {c.input.differs.length > 0 && (
          // Open when it is short: a later run of a thread starts from all the thread had.
          <details class="cmp-block" open={c.input.changes.length <= 6}>
            <summary>Input differs at {c.input.differs.join(', ')}</summary>
            <Changes changes={c.input.changes} />
          </details>
        )}
        <div class="cmp-body">
          <CompareRows rows={c.rows} selected={selected} seq={shown.seq} onSelect={setSel} listRef={list} label={`${c.rows.length} aligned executions, ${diffs} with differences`} />
          <div class="cmp-detail" aria-label="The selected row">{row ? <RowDetail row={row} /> : null}</div>
        </div>
        <details class="cmp-block">
          <summary>Time per node (A → B)</summary>
          <Timing timing={c.timing} />
        </details>
        {c.finalState.some((f) => f.differs.length) && (
          <details class="cmp-block">
            <summary>Final state differs at {c.finalState.filter((f) => f.differs.length).map((f) => `${f.path || 'root'}: ${f.differs.join(', ')}`).join('; ')}</summary>
            {c.finalState.filter((f) => f.changes.length).map((f) => (
              <div key={f.path}>
                {f.path && <h4>{f.path}</h4>}
                <Changes changes={f.changes} />
              </div>
            ))}
          </details>
        )}
      </div>
    </section>
  );

  function jump(dir: 1 | -1) {
    move((cur, rows) => nextDifference(rows, cur, dir));
  }
}

/** Rows are this tall (styles.css), so only those in view need be in the DOM. */
const ROW_H = 20;
const OVERSCAN = 10;

/**
 * The aligned executions as a virtual list: a long run's thousands of rows, redone twice a second
 * while a side streams, cost only the rows in view. Keyed by place in the window (as ExecList).
 */
function CompareRows({ rows, selected, seq, onSelect, listRef, label }: { rows: CompareRow[]; selected: number; seq: number; onSelect: (i: number) => void; listRef: RefObject<HTMLDivElement>; label: string }) {
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  useEffect(() => {
    const el = listRef.current!;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [listRef]);
  // The selected row in view (from what this component knows, not read back from the DOM).
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el || selected < 0) return;
    const y = selected * ROW_H;
    const top = y < scrollTop ? y : y + ROW_H > scrollTop + height ? y + ROW_H - height : scrollTop;
    if (top === scrollTop) return;
    el.scrollTop = top;
    setScrollTop(top);
  }, [selected, seq]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_H) + OVERSCAN);
  const items = [];
  for (let i = first; i < last; i++) {
    const r = rows[i];
    items.push(
      <div
        key={i - first}
        id={`cmp-row-${i}`}
        data-row={i}
        data-kind={r.kind}
        role="option"
        aria-selected={i === selected}
        aria-setsize={rows.length}
        aria-posinset={i + 1}
        aria-label={rowLabel(r)}
        class={`cmp-row kind-${r.kind}${i === selected ? ' selected' : ''}`}
        style={{ top: `${i * ROW_H}px` }}
        onClick={() => onSelect(i)}
      >
        <span class="cmp-glyph" aria-hidden="true">
          {GLYPH[r.kind]}
        </span>
        <span class="cmp-node">
          {r.path ? <span class="muted">{r.path} › </span> : null}
          {r.node}
          {r.occurrence > 1 ? <span class="muted"> #{r.occurrence}</span> : null}
        </span>
        <span class="cmp-steps muted">{steps(r)}</span>
        <span class="cmp-times">{times(r)}</span>
      </div>,
    );
  }
  return (
    <div class="cmp-rows" role="listbox" tabIndex={0} ref={listRef} aria-label={label} aria-activedescendant={rows[selected] ? `cmp-row-${selected}` : undefined} onScroll={() => setScrollTop(listRef.current!.scrollTop)}>
      <div class="cmp-rows-inner" style={{ height: `${rows.length * ROW_H}px` }}>
        {items}
      </div>
      {!rows.length && <p class="muted empty-note">Neither run has executed a node yet.</p>}
    </div>
  );
}

function RowDetail({ row }: { row: CompareRow }) {
  if (row.kind === 'onlyA' || row.kind === 'onlyB') {
    const s = row.kind === 'onlyA' ? row.a : row.b;
    return (
      <p>
        <b>{row.node}</b> ran only in {row.kind === 'onlyA' ? 'A' : 'B'}
        {s ? ` (step ${s.step}${s.stepEstimated ? '?' : ''}, ${s.status}${s.durationMs !== null ? `, ${formatDuration(s.durationMs)}` : ''})` : ''}: the other run did not get there, or took another way.
      </p>
    );
  }
  if (row.kind === 'same') return <p class="muted">{row.node} wrote the same and left the same state in both runs.</p>;
  return (
    <div>
      {row.outcome && (
        <p>
          Ended differently: A {row.outcome.a}, B {row.outcome.b}.
        </p>
      )}
      {row.writes && (
        <section>
          <h4>Wrote differently (A → B)</h4>
          <Changes changes={row.writes} />
        </section>
      )}
      {row.state && row.state.newly.length > 0 && (
        <section>
          <h4>State after it differs newly at {row.state.newly.join(', ')}</h4>
          {row.state.changes && <Changes changes={row.state.changes} />}
        </section>
      )}
    </div>
  );
}

function Timing({ timing }: { timing: NodeTiming[] }) {
  if (!timing.length) return <p class="muted">No timed executions.</p>;
  return (
    <table class="cmp-timing">
      <thead>
        <tr>
          <th scope="col">Node</th>
          <th scope="col">A</th>
          <th scope="col">B</th>
          <th scope="col">B vs A</th>
        </tr>
      </thead>
      <tbody>
        {timing.map((t) => (
          <tr key={`${t.path}/${t.node}`}>
            <th scope="row">{t.path ? `${t.path} › ${t.node}` : t.node}</th>
            <td>{total(t.a)}</td>
            <td>{total(t.b)}</td>
            <td>{ratio(t)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function total(s: NodeTiming['a']): string {
  if (!s.runs) return '—';
  return `${s.timed ? formatDuration(s.totalMs) : 'untimed'}${s.runs > 1 ? ` (${s.runs} runs)` : ''}`;
}

/** Slower / faster, only where both sides were timed. */
function ratio(t: NodeTiming): string {
  if (!t.a.timed || !t.b.timed || t.a.totalMs <= 0) return '';
  const r = t.b.totalMs / t.a.totalMs;
  if (Math.abs(r - 1) < 0.1) return 'about the same';
  return r > 1 ? `${r.toFixed(1)}× slower` : `${(1 / r).toFixed(1)}× faster`;
}

function steps(r: CompareRow): string {
  const s = (x?: { step: number; stepEstimated: boolean }) => (x ? `${x.step}${x.stepEstimated ? '?' : ''}` : '·');
  return `step ${s(r.a)} → ${s(r.b)}`;
}

function times(r: CompareRow): string {
  const d = (x?: { durationMs: number | null }) => (x?.durationMs != null ? formatDuration(x.durationMs) : '—');
  return `${d(r.a)} / ${d(r.b)}`;
}

function rowLabel(r: CompareRow): string {
  const what = [r.outcome ? 'ended differently' : '', r.writes ? 'wrote differently' : '', r.state?.newly.length ? `state differs at ${r.state.newly.join(', ')}` : ''].filter(Boolean).join(', ');
  return `${r.path ? `${r.path} › ` : ''}${r.node}${r.occurrence > 1 ? ` #${r.occurrence}` : ''}, ${KIND_TEXT[r.kind]}${what ? `: ${what}` : ''}, ${steps(r)}, ${times(r)}`;
}

function verdict(c: Comparison, shown: ComparisonShown): string {
  const live = shown.a.live || shown.b.live ? ' so far' : '';
  if (c.equivalent) return `Equivalent${live}: ${c.rows.length} executions, the same writes and states.`;
  const n = c.counts;
  const parts = [n.differs && `${n.differs} differ`, n.onlyA && `${n.onlyA} only in A`, n.onlyB && `${n.onlyB} only in B`, n.same && `${n.same} the same`].filter(Boolean);
  const ended = c.outcome?.phase ? `; A ${c.outcome.phase.a}, B ${c.outcome.phase.b}` : '';
  return `Different${live}: ${parts.join(', ')}${ended}.`;
}

function ignoredNote(c: Comparison): string {
  const extra = c.ignored.extra.length ? `, and ${c.ignored.extra.join(', ')}` : '';
  const defaults = [...new Set(c.ignored.defaults.map((r) => r.why))].join(', ');
  return `Ignored: ${defaults || 'nothing by default'}${extra}. Times are shown, never compared.`;
}

function firstDifference(rows: CompareRow[]): number {
  const k = rows.findIndex((r) => r.kind !== 'same');
  return k < 0 ? 0 : k;
}

function nextDifference(rows: CompareRow[], from: number, dir: 1 | -1): number | null {
  for (let k = from + dir; k >= 0 && k < rows.length; k += dir) if (rows[k].kind !== 'same') return k;
  return null;
}
