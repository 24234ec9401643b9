// Every node execution in order, as a virtual list (fixed row height, only visible rows in the
// DOM): the keyboard and screen-reader way through the run. Follows the latest while following.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Store } from '../store';
import { describeExecution, formatAt, formatDuration, writtenKeys } from '../layout';
import { CODE_CHANGED } from '../../shared/nodeSpans';
import { isMark } from '../../shared/model/types';

export const ITEM_H = 22;
const OVERSCAN = 8;

export function ExecList({ store }: { store: Store; seq?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(200);
  const ours = useRef(-1);
  const lastReveal = useRef(store.revealSeq);
  const n = store.listLength();
  const { ui } = store;
  const exs = store.model.executions;
  const t0 = Number.isFinite(store.index.t0) ? store.index.t0 : 0;
  const now = store.now();

  useEffect(() => {
    const el = ref.current!;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Following: the newest at the bottom, computed here rather than read back from the DOM (reading
  // scroll positions after a render forces a layout every frame while a run streams in).
  const following = ui.follow && store.live;
  const wasFollowing = useRef(false);
  // While following, the scroll position lives in `ours` only (no state update per frame).
  const top = following ? Math.max(0, n * ITEM_H - height) : wasFollowing.current && ours.current >= 0 ? ours.current : scrollTop;
  const innerRef = useRef<HTMLDivElement>(null);
  // Following: scroll to the bottom now, before this render changes the rows. Done after the
  // render (in an effect), the write would force a layout of everything just patched, every update.
  if (following && ref.current && innerRef.current && Math.abs(ours.current - top) > 1) {
    innerRef.current.style.height = `${n * ITEM_H}px`;
    ours.current = top;
    ref.current.scrollTop = top;
  }

  // Reveal: bring the selection into view after keys/clicks elsewhere.
  useLayoutEffect(() => {
    const el = ref.current!;
    if (following) {
      // First render, or the render above could not scroll yet.
      if (Math.abs(ours.current - top) > 1) {
        ours.current = top;
        el.scrollTop = top;
      }
    } else if (lastReveal.current !== store.revealSeq && ui.selected !== null) {
      const pos = store.listPosition(ui.selected);
      const y = pos * ITEM_H;
      if (y < top || y + ITEM_H > top + height) {
        const target = Math.max(0, y - height / 2);
        ours.current = target;
        el.scrollTop = target;
        setScrollTop(target);
      }
    }
    lastReveal.current = store.revealSeq;
    if (!following && wasFollowing.current && ours.current >= 0) setScrollTop(ours.current);
    wasFollowing.current = following;
  });

  const onScroll = () => {
    const el = ref.current!;
    const st = el.scrollTop;
    const mine = Math.abs(st - ours.current) <= 1;
    if (!mine || !(store.ui.follow && store.live)) setScrollTop(st);
    if (mine) return;
    ours.current = -1;
    // Scrolling back through the list is looking at something: stop following.
    const atBottom = st + el.clientHeight >= el.scrollHeight - ITEM_H;
    if (store.ui.follow && store.live && !atBottom) store.setUi({ follow: false });
  };

  const onKey = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(height / ITEM_H) - 1);
    const pos = ui.selected !== null ? store.listPosition(ui.selected) : -1;
    let target: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
        store.step(1);
        break;
      case 'ArrowUp':
        store.step(-1);
        break;
      case 'PageDown':
        target = Math.min(n - 1, Math.max(0, pos) + page);
        break;
      case 'PageUp':
        target = Math.max(0, pos - page);
        break;
      case 'Home':
        store.selectFirst();
        break;
      case 'End':
        store.selectLast();
        break;
      case 'Enter':
        (document.querySelector('.detail [role="tab"][aria-selected="true"]') as HTMLElement | null)?.focus();
        break;
      default:
        return;
    }
    if (target !== null && n) store.select(store.listAt(target));
    e.preventDefault();
    e.stopPropagation();
  };

  const first = Math.max(0, Math.floor(top / ITEM_H) - OVERSCAN);
  const last = Math.min(n, Math.ceil((top + height) / ITEM_H) + OVERSCAN);
  const items = [];
  const code = store.code;
  for (let k = first; k < last; k++) {
    const i = store.listAt(k);
    const ex = exs[i];
    if (!ex) continue;
    const sel = ui.selected === i;
    const match = store.search ? store.search.has(i) : false;
    const stale = code.isStale(ex);
    const dur = isMark(ex) ? '' : ex.end !== null ? formatDuration(ex.end - ex.start) : ex.status === 'running' ? `${formatDuration(now - ex.start)}…` : '';
    items.push(
      <div
        // Keyed by place in the window, not by execution: while a run streams in, the rows shown
        // turn over every update, and patching the text of rows already in the DOM is far cheaper
        // than removing them all and building new ones.
        key={k - first}
        id={`ex-${i}`}
        role="option"
        aria-selected={sel}
        aria-setsize={n}
        aria-posinset={k + 1}
        aria-label={stale ? `${describeExecution(ex, t0, now)}, ${CODE_CHANGED}` : describeExecution(ex, t0, now)}
        class={`item ${ex.status}${sel ? ' selected' : ''}${match ? ' match' : ''}${stale ? ' stale' : ''}`}
        style={{ top: `${k * ITEM_H}px` }}
        onClick={() => store.select(i)}
      >
        <span class="seq">{i + 1}</span>
        <span class="step">{ex.step >= 0 ? `s${ex.step}` : '—'}</span>
        {/* The status tag sits in the name's column, so the columns stay aligned and a narrow
            list cuts the name (with an ellipsis), never the tag. */}
        <span class="node">
          <span class="name">
            {ex.path && <span class="ns">{ex.path} › </span>}
            {ex.node}
          </span>
          {ex.status === 'error' && <span class="tag error"><span class="codicon codicon-error" aria-hidden="true" /> error</span>}
          {ex.status === 'interrupted' && <span class="tag interrupt"><span class="codicon codicon-debug-pause" aria-hidden="true" /> interrupt</span>}
          {ex.status === 'running' && <span class="tag running"><span class="codicon codicon-debug-start" aria-hidden="true" /> running</span>}
          {stale && <span class="tag stale" title={CODE_CHANGED}><span class="codicon codicon-edit" aria-hidden="true" /><span class="tag-text"> code changed</span></span>}
          {ex.status === 'cancelled' && <span class="tag cancelled"><span class="codicon codicon-circle-slash" aria-hidden="true" /> cancelled</span>}
        </span>
        <span class="time">+{formatAt(ex.start - t0)}</span>
        <span class="dur">{dur}</span>
        <span class="keys">{writtenKeys(ex.writes).join(', ')}</span>
      </div>,
    );
  }
  const label = store.filter ? `Node executions matching "${store.ui.filter}" (${n})` : `Node executions (${n})`;
  return (
    <div
      ref={ref}
      class="execlist"
      role="listbox"
      tabIndex={0}
      aria-label={label}
      aria-activedescendant={ui.selected !== null && store.listAt(store.listPosition(ui.selected)) === ui.selected ? `ex-${ui.selected}` : undefined}
      onScroll={onScroll}
      onKeyDown={onKey}
    >
      <div class="execlist-inner" ref={innerRef} style={{ height: `${n * ITEM_H}px` }}>
        {items}
      </div>
      {n === 0 && <div class="muted empty-note">{store.filter ? 'No execution matches the filter.' : 'No node has run yet.'}</div>}
    </div>
  );
}
