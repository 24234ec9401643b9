// A JSON-like value as a collapsible tree (ARIA tree, roving focus). Long strings and big
// containers are cut with a way to see more; every node can copy its value or its path.
// Run data is only ever rendered as text.
import { plural } from '../../shared/text';
import { useState } from 'preact/hooks';
import { formatNumber } from '../layout';
import type { ComponentChildren } from 'preact';
import { copyToClipboard } from '../copy';
import { asMessage, copyText, isMessageList, pathString, preview, shortPath, toolResults, TRUNCATE_AT, type PathSeg } from '../values';
import { ChatMessageView } from './Chat';

/** Children shown before "show more". */
const PAGE = 100;

export interface ValueTreeProps {
  value: unknown;
  /** Path of `value` itself (for "copy path"). */
  path?: PathSeg[];
  label: string;
  /** Levels open at first (the root is level 0). */
  openDepth?: number;
  /** Tool results to show under tool calls when a message list is drawn as chat. */
  results?: ReturnType<typeof toolResults>;
}

export function ValueTree(props: ValueTreeProps) {
  const entries = childrenOf(props.value);
  const path = props.path ?? [];
  return (
    <ul class="vt" role="tree" aria-label={props.label} onKeyDown={treeKeys}>
      {entries
        ? entries.slice(0, 500).map(([k, v], n) => (
            <Node key={String(k)} name={k} value={v} path={[...path, k]} level={1} openDepth={props.openDepth ?? 1} first={n === 0} results={props.results} />
          ))
        : <Node name={null} value={props.value} path={path} level={1} openDepth={props.openDepth ?? 1} first results={props.results} />}
      {entries && entries.length > 500 && <li class="vt-more muted">{entries.length - 500} more keys (copy the value to see them)</li>}
    </ul>
  );
}

interface NodeProps {
  name: string | number | null;
  value: unknown;
  path: PathSeg[];
  level: number;
  openDepth: number;
  first?: boolean;
  results?: ReturnType<typeof toolResults>;
}

function Node(p: NodeProps) {
  const kids = childrenOf(p.value);
  const expandable = kids !== null && kids.length > 0;
  const [open, setOpen] = useState(p.level <= p.openDepth && (kids?.length ?? 0) <= 50);
  const [shown, setShown] = useState(PAGE);
  const [full, setFull] = useState(false);
  const pathText = pathString(p.path);
  const pathShown = shortPath(p.path);
  const isLong = typeof p.value === 'string' && p.value.length > TRUNCATE_AT;
  const chat = expandable && isMessageList(p.value);
  const msg = !chat && expandable ? asMessage(p.value) : null;

  const onKey = (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'ArrowRight' && expandable && !open) {
      setOpen(true);
      e.preventDefault();
      e.stopPropagation();
    } else if (e.key === 'ArrowLeft' && expandable && open) {
      setOpen(false);
      e.preventDefault();
      e.stopPropagation();
    } else if (e.key === 'Enter' || e.key === ' ') {
      if (expandable) setOpen(!open);
      else if (isLong) setFull(!full);
      e.preventDefault();
      e.stopPropagation();
    } else if ((e.key === 'c' || e.key === 'C') && (e.ctrlKey || e.metaKey) && !e.altKey) {
      void copyToClipboard(e.shiftKey ? pathText : copyText(p.value), e.shiftKey ? 'path' : 'value');
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const label = p.name === null ? null : typeof p.name === 'number' ? `[${p.name}]` : p.name;
  return (
    <li
      role="treeitem"
      aria-level={p.level}
      aria-expanded={expandable ? open : undefined}
      aria-label={`${label ?? 'value'}: ${preview(p.value, 100)}`}
      tabIndex={p.first && p.level === 1 ? 0 : -1}
      onKeyDown={onKey}
      onFocus={rove}
      class="vt-node"
    >
      <div class="vt-row" style={{ paddingLeft: `${(p.level - 1) * 14}px` }} onClick={() => expandable && setOpen(!open)}>
        <span class={`vt-twisty codicon ${expandable ? (open ? 'codicon-chevron-down' : 'codicon-chevron-right') : 'codicon-blank'}`} aria-hidden="true" />
        {label !== null && <span class="vt-key">{label}</span>}
        {label !== null && <span class="vt-colon">: </span>}
        <Leaf value={p.value} open={open} full={full} />
        {isLong && (
          <button class="link" tabIndex={-1} onClick={(e) => { e.stopPropagation(); setFull(!full); }}>
            {full ? 'show less' : `show all ${formatNumber((p.value as string).length)} chars`}
          </button>
        )}
        <span class="vt-actions">
          <IconButton icon="copy" label={`Copy value of ${pathShown}`} onClick={() => void copyToClipboard(copyText(p.value), 'value')} />
          <IconButton icon="symbol-key" label={`Copy path ${pathShown}`} onClick={() => void copyToClipboard(pathText, 'path')} />
        </span>
      </div>
      {expandable && open && (
        <ul role="group" class={chat ? 'vt-chat' : undefined}>
          {chat
            ? (p.value as unknown[]).slice(0, shown).map((m, n) => (
                <li role="treeitem" aria-level={p.level + 1} tabIndex={-1} onFocus={rove} class="vt-node vt-chatitem" key={n} aria-label={preview(m, 160)} onKeyDown={treeItemCopyKeys(m, [...p.path, n])}>
                  <ChatMessageView value={m} results={p.results} path={[...p.path, n]} />
                </li>
              ))
            : msg
              ? (
                  <li role="treeitem" aria-level={p.level + 1} tabIndex={-1} onFocus={rove} class="vt-node vt-chatitem" aria-label={preview(p.value, 160)}>
                    <ChatMessageView value={p.value} results={p.results} path={p.path} raw />
                  </li>
                )
              : kids!.slice(0, shown).map(([k, v]) => (
                  <Node key={String(k)} name={k} value={v} path={[...p.path, k]} level={p.level + 1} openDepth={p.openDepth} results={p.results} />
                ))}
          {kids!.length > shown && (
            <li class="vt-more" role="none" style={{ paddingLeft: `${p.level * 14 + 16}px` }}>
              <button class="link" onClick={() => setShown(shown + PAGE)}>
                show {Math.min(PAGE, kids!.length - shown)} more of {kids!.length - shown}
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

function Leaf({ value, open, full }: { value: unknown; open: boolean; full: boolean }) {
  if (value === null) return <span class="vt-v t-null">null</span>;
  switch (typeof value) {
    case 'string': {
      const s = full || value.length <= TRUNCATE_AT ? value : `${value.slice(0, TRUNCATE_AT)}…`;
      return <span class={`vt-v t-string${full ? ' full' : ''}`}>"{s}"</span>;
    }
    case 'number':
    case 'bigint':
      return <span class="vt-v t-number">{String(value)}</span>;
    case 'boolean':
      return <span class="vt-v t-boolean">{String(value)}</span>;
    case 'undefined':
      return <span class="vt-v t-null">undefined</span>;
    case 'object': {
      const msg = asMessage(value);
      if (Array.isArray(value)) {
        if (!value.length) return <span class="vt-v t-meta">[]</span>;
        return <span class="vt-v t-meta">{open ? plural(value.length, 'item') : `[${value.length}] ${preview(value, 80)}`}</span>;
      }
      if (msg) return <span class="vt-v t-meta">{`${msg.role} message${open ? '' : ` ${preview(value, 80)}`}`}</span>;
      const n = Object.keys(value as object).length;
      if (!n) return <span class="vt-v t-meta">{'{}'}</span>;
      return <span class="vt-v t-meta">{open ? `${n} keys` : preview(value, 80)}</span>;
    }
    default:
      return <span class="vt-v">{String(value)}</span>;
  }
}

export function IconButton(p: { icon: string; label: string; onClick: (e: MouseEvent) => void; pressed?: boolean; disabled?: boolean; tabIndex?: number; children?: ComponentChildren; class?: string }) {
  return (
    <button
      class={`icon-btn${p.class ? ` ${p.class}` : ''}`}
      title={p.label}
      aria-label={p.label}
      aria-pressed={p.pressed}
      disabled={p.disabled}
      tabIndex={p.tabIndex ?? -1}
      onClick={(e) => {
        e.stopPropagation();
        p.onClick(e);
      }}
    >
      <span class={`codicon codicon-${p.icon}`} aria-hidden="true" />
      {p.children}
    </button>
  );
}

function childrenOf(v: unknown): [string | number, unknown][] | null {
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (typeof v === 'object' && v !== null) return Object.entries(v as Record<string, unknown>);
  return null;
}

function treeItemCopyKeys(value: unknown, path: PathSeg[]) {
  return (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    if ((e.key === 'c' || e.key === 'C') && (e.ctrlKey || e.metaKey)) {
      const p = pathString(path);
      void copyToClipboard(e.shiftKey ? p : copyText(value), e.shiftKey ? 'path' : 'value');
      e.preventDefault();
      e.stopPropagation();
    }
  };
}

/** Roving tabindex: the focused item is the tree's one tab stop. */
function rove(e: FocusEvent) {
  const item = e.currentTarget as HTMLElement;
  if (e.target !== item) return;
  const tree = item.closest('[role="tree"]');
  tree?.querySelectorAll<HTMLElement>('[role="treeitem"][tabindex="0"]').forEach((el) => {
    if (el !== item) el.tabIndex = -1;
  });
  item.tabIndex = 0;
}

/** Up/Down/Home/End move between visible items; Left on a closed item goes to its parent. */
function treeKeys(e: KeyboardEvent) {
  const tree = e.currentTarget as HTMLElement;
  const items = [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')];
  const cur = (e.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
  if (!cur) return;
  const at = items.indexOf(cur);
  let next: HTMLElement | undefined;
  if (e.key === 'ArrowDown') next = items[at + 1];
  else if (e.key === 'ArrowUp') next = items[at - 1];
  else if (e.key === 'Home') next = items[0];
  else if (e.key === 'End') next = items[items.length - 1];
  else if (e.key === 'ArrowLeft') next = cur.parentElement?.closest<HTMLElement>('[role="treeitem"]') ?? undefined;
  else if (e.key === 'ArrowRight' && cur.getAttribute('aria-expanded') === 'true') next = cur.querySelector<HTMLElement>('[role="treeitem"]') ?? undefined;
  else return;
  e.preventDefault();
  e.stopPropagation();
  next?.focus();
}
