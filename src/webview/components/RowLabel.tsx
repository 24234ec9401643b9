// One row label of the timeline's tree (a node, its count, its marks) and what Enter on it does.
import type { Store } from '../store';
import { rowExecutions, type Row } from '../layout';
import { LABEL_W } from '../lanes';

export function rowId(row: Row): string {
  // Row keys hold arbitrary node names: make an id out of a hash, never out of the text itself.
  let h = 0;
  for (let i = 0; i < row.key.length; i++) h = (Math.imul(h, 31) + row.key.charCodeAt(i)) | 0;
  return `row-${(h >>> 0).toString(36)}-${row.depth}`;
}

export function RowLabel({ store, row, index, count, top, height, active, onActivate }: { store: Store; row: Row; index: number; count: number; top: number; height: number; active: boolean; onActivate: () => void }) {
  const parent = row.children.length > 0;
  const collapsed = parent && store.isCollapsed(row.key);
  const n = row.n;
  const issues = [row.errors && `${row.errors} failed`, row.interrupts && `${row.interrupts} interrupted`, row.cancels && `${row.cancels} cancelled`, row.running.size && `${row.running.size} running`].filter(Boolean).join(', ');
  // Lanes are the most executions that ran at once: say so, the canvas shows it only to the eye.
  const lanes = row.laneCount > 1 ? `, up to ${row.laneCount} at once` : '';
  const label = `${row.path ? `${row.path} › ` : ''}${row.node}: ${n} execution${n === 1 ? '' : 's'}${lanes}${issues ? `, ${issues}` : ''}${parent ? `, subgraph with ${row.children.length} node${row.children.length === 1 ? '' : 's'}` : ''}`;
  return (
    <div
      id={rowId(row)}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-setsize={count}
      aria-posinset={index + 1}
      aria-expanded={parent ? !collapsed : undefined}
      aria-selected={active}
      aria-label={label}
      class={`tl-label${active ? ' active' : ''}`}
      style={{ top: `${top}px`, height: `${height}px`, width: `${LABEL_W}px`, paddingLeft: `${4 + row.depth * 14}px` }}
      title={label}
      onMouseDown={(e) => {
        e.stopPropagation();
        onActivate();
      }}
    >
      <span
        class={`twisty codicon ${parent ? (collapsed ? 'codicon-chevron-right' : 'codicon-chevron-down') : 'codicon-blank'}`}
        aria-hidden="true"
        onClick={() => parent && store.toggleRow(row.key)}
      />
      <span class="tl-name">{row.node}</span>
      {row.errors > 0 && <span class="codicon codicon-error row-err" aria-hidden="true" />}
      {row.interrupts > 0 && <span class="codicon codicon-debug-pause row-int" aria-hidden="true" />}
      {row.cancels > 0 && <span class="codicon codicon-circle-slash row-cancel" aria-hidden="true" />}
      {row.running.size > 0 && <span class="codicon codicon-debug-start row-run" aria-hidden="true" />}
      <span class="tl-count muted">{n || ''}</span>
    </div>
  );
}

/** Enter on a row: its next execution after the selection (Shift: previous), wrapping. */
export function selectInRow(store: Store, row: Row, dir: 1 | -1): void {
  const list = rowExecutions(row);
  if (!list.length) return;
  const f = store.filter;
  const ok = (i: number) => !f || f.has(i);
  const sel = store.ui.selected;
  const at = sel !== null ? list.indexOf(sel) : -1;
  for (let k = 1; k <= list.length; k++) {
    const j = at < 0 ? (dir > 0 ? k - 1 : list.length - k) : (at + dir * k + list.length * 2) % list.length;
    if (ok(list[j])) return store.select(list[j]);
  }
}
