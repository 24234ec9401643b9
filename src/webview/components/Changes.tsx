// The state diff of one execution: added / removed / changed paths, grouped by state key.
// Messages appear as chat; long strings as word or line diffs; big values cut with a way to expand.
import { useState } from 'preact/hooks';
import type { Change } from '../../shared/diff';
import { asMessage, copyText, describeChange, pathString, preview, shortPath, type ChatMessage, type ToolCall } from '../values';
import { copyToClipboard } from '../copy';
import { ChatMessageView, LongText } from './Chat';
import { IconButton, ValueTree } from './ValueTree';

const PAGE = 200;

export function Changes(p: { changes: Change[]; results?: Map<string, ChatMessage>; calls?: Map<string, ToolCall> }) {
  const [shown, setShown] = useState(PAGE);
  if (!p.changes.length) return <p class="muted empty-note">This node changed nothing in the state.</p>;
  const groups = new Map<string, Change[]>();
  for (const c of p.changes.slice(0, shown)) {
    const top = c.path.length ? String(typeof c.path[0] === 'object' ? pathString([c.path[0]]) : c.path[0]) : '(root)';
    let g = groups.get(top);
    if (!g) groups.set(top, (g = []));
    g.push(c);
  }
  return (
    <div class="changes">
      {[...groups].map(([key, list]) => (
        <section class="chg-group" key={key} aria-label={`Changes to ${key}`}>
          <h4 class="chg-key">
            <span class="codicon codicon-symbol-field" aria-hidden="true" />
            <span>{key}</span>
            <span class="chg-counts muted">{counts(list)}</span>
          </h4>
          <ul class="chg-list" aria-label={`Changes to ${key}`}>
            {list.map((c, n) => (
              <ChangeItem key={n} change={c} results={p.results} calls={p.calls} />
            ))}
          </ul>
        </section>
      ))}
      {p.changes.length > shown && (
        <button class="link" onClick={() => setShown(shown + PAGE)}>
          show {Math.min(PAGE, p.changes.length - shown)} more of {p.changes.length - shown} changes
        </button>
      )}
    </div>
  );
}

function counts(list: Change[]): string {
  let a = 0;
  let r = 0;
  let c = 0;
  for (const x of list) {
    if (x.kind === 'added') a++;
    else if (x.kind === 'removed') r++;
    else c++;
  }
  return [a && `+${a}`, r && `−${r}`, c && `~${c}`].filter(Boolean).join(' ');
}

const SIGIL: Record<Change['kind'], string> = { added: '+', removed: '−', changed: '~', moved: '⇅' };

function ChangeItem({ change: c, results, calls }: { change: Change; results?: Map<string, ChatMessage>; calls?: Map<string, ToolCall> }) {
  const where = pathString(c.path);
  const shown = shortPath(c.path);
  const value = c.kind === 'removed' ? c.before : c.after;
  return (
    <li class={`chg ${c.kind}`} aria-label={describeChange(c)} tabIndex={-1}>
      <div class="chg-head">
        <span class="chg-sigil" aria-hidden="true">{SIGIL[c.kind]}</span>
        <span class="chg-path mono" title={where}>{shown}</span>
        <span class="chg-kind">{c.kind}</span>
        <span class="chg-actions">
          {c.kind !== 'moved' && <IconButton icon="copy" label={`Copy ${c.kind === 'removed' ? 'old' : 'new'} value of ${shown}`} onClick={() => void copyToClipboard(copyText(value), 'value')} />}
          <IconButton icon="symbol-key" label={`Copy path ${shown}`} onClick={() => void copyToClipboard(where, 'path')} />
        </span>
      </div>
      <div class="chg-body">
        <ChangeBody change={c} results={results} calls={calls} />
      </div>
    </li>
  );
}

function ChangeBody({ change: c, results, calls }: { change: Change; results?: Map<string, ChatMessage>; calls?: Map<string, ToolCall> }) {
  if (c.kind === 'moved') return <div class="muted">order changed{c.order ? ` (old positions ${preview(c.order, 80)})` : ''}</div>;
  if (c.kind === 'added' || c.kind === 'removed') {
    const v = c.kind === 'added' ? c.after : c.before;
    const tone = c.kind === 'added' ? 'added' : 'removed';
    if (asMessage(v)) return <ChatMessageView value={v} results={results} calls={calls} path={c.path} tone={tone} />;
    return <Value value={v} tone={tone} path={c.path} />;
  }
  // changed
  if (c.text) {
    return (
      <div class="textdiff mono" role="group" aria-label="Text difference">
        {c.text.map((t, n) =>
          t.op === 'equal' ? <span key={n}>{t.text}</span> : t.op === 'insert' ? <ins key={n}>{t.text}</ins> : <del key={n}>{t.text}</del>,
        )}
      </div>
    );
  }
  return (
    <div class="beforeafter">
      <Value value={c.before} tone="removed" path={c.path} label="before" />
      <span class="codicon codicon-arrow-right arrow" aria-label="became" />
      <Value value={c.after} tone="added" path={c.path} label="after" />
    </div>
  );
}

function Value({ value, tone, path, label }: { value: unknown; tone: 'added' | 'removed'; path: Change['path']; label?: string }) {
  if (typeof value === 'object' && value !== null) {
    return (
      <div class={`val ${tone}`}>
        <ValueTree value={value} label={label ?? 'value'} path={path} openDepth={0} />
      </div>
    );
  }
  if (typeof value === 'string') return <LongText text={JSON.stringify(value)} class={`val ${tone} mono`} />;
  return <span class={`val ${tone} mono`}>{value === undefined ? 'undefined' : String(value)}</span>;
}
