// Top bar: run title and phase, counts, filter and search boxes, zoom/fit/follow controls.
import type { Store } from '../store';
import { formatCount, formatNumber } from '../layout';
import { IconButton } from './ValueTree';
import { GraphToggle } from './GraphToggle';

const PHASE_ICON: Record<string, string> = {
  connecting: 'plug',
  streaming: 'radio-tower',
  reconnecting: 'sync',
  loading: 'cloud-download',
  done: 'pass',
  recorded: 'history',
  error: 'error',
  interrupted: 'debug-pause',
  cancelled: 'circle-slash',
};

export function Toolbar({ store, onHelp }: { store: Store; seq?: number; onHelp: () => void }) {
  const { session, status, model, ui } = store;
  if (!session) return null;
  const q = store.search;
  const matchCount = q ? q.matches.length : 0;
  const selPos = q && ui.selected !== null ? q.matches.indexOf(ui.selected) : -1;
  // A long status (an error's message) is cut to fit, with all of it in the tooltip; the DOM text
  // stays whole for screen readers.
  const said = `${status.phase}${status.message ? ` — ${status.message}` : ''}`;
  return (
    <header class="toolbar" role="toolbar" aria-label="Timeline controls">
      <div class="tb-run">
        <span class="title" title={session.title}>{session.title}</span>
        <span class={`pill phase-${status.phase}`} role="status" aria-live="polite" title={said}>
          <span class={`codicon codicon-${PHASE_ICON[status.phase] ?? 'circle'}`} aria-hidden="true" />
          <span class="pill-text">{said}</span>
        </span>
        <span class="muted counts">
          {formatCount(model.executions.length, 'node run')} · {formatCount(store.eventCount, 'event')}
        </span>
      </div>
      <div class="tb-controls">
      <div class="tb-find">
        <label class="field" title="Filter by node name or state key (node:NAME, key:KEY) — /">
          <span class="codicon codicon-filter" aria-hidden="true" />
          <input
            id="filter"
            type="text"
            placeholder="Filter nodes or keys"
            aria-label="Filter by node name or state key"
            value={ui.filter}
            spellcheck={false}
            onInput={(e) => store.setUi({ filter: (e.currentTarget as HTMLInputElement).value })}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                store.setUi({ filter: '' });
                (e.currentTarget as HTMLInputElement).blur();
                e.preventDefault();
              }
            }}
          />
          {store.filter && <span class="muted field-count">{formatNumber(store.filter.matches.length)}</span>}
        </label>
        <label class="field" title="Search text in what nodes wrote — Ctrl+F; Enter / Shift+Enter: next / previous">
          <span class="codicon codicon-search" aria-hidden="true" />
          <input
            id="search"
            type="text"
            placeholder="Search what nodes wrote"
            aria-label="Search text in what nodes wrote"
            value={ui.search}
            spellcheck={false}
            onInput={(e) => store.setUi({ search: (e.currentTarget as HTMLInputElement).value })}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === 'F3') {
                store.nextMatch(e.shiftKey ? -1 : 1);
                e.preventDefault();
              } else if (e.key === 'Escape') {
                store.setUi({ search: '' });
                (e.currentTarget as HTMLInputElement).blur();
                e.preventDefault();
              }
            }}
          />
          {q && (
            <span class="muted field-count" aria-live="polite">
              {q.done ? '' : '…'}
              {matchCount ? `${selPos >= 0 ? `${selPos + 1} of ` : ''}${formatNumber(matchCount)}` : q.done ? 'no results' : ''}
            </span>
          )}
          {q && <IconButton icon="arrow-up" label="Previous match (Shift+Enter)" tabIndex={0} disabled={!matchCount} onClick={() => store.nextMatch(-1)} />}
          {q && <IconButton icon="arrow-down" label="Next match (Enter)" tabIndex={0} disabled={!matchCount} onClick={() => store.nextMatch(1)} />}
        </label>
      </div>
      <div class="tb-view">
        <GraphToggle />
        <IconButton icon="zoom-out" label="Zoom out (-)" tabIndex={0} onClick={() => store.zoom(1.6)} />
        <IconButton icon="zoom-in" label="Zoom in (+)" tabIndex={0} onClick={() => store.zoom(1 / 1.6)} />
        <IconButton icon="screen-full" label="Fit the whole run (0)" tabIndex={0} onClick={() => store.fitRun()} />
        <IconButton
          icon={ui.follow ? 'pinned' : 'pin'}
          label={ui.follow ? 'Following the latest (f)' : 'Follow the latest (f)'}
          tabIndex={0}
          pressed={ui.follow && store.live}
          disabled={!store.live}
          class="follow"
          onClick={() => store.followLatest()}
        >
          <span class="btn-text">Follow</span>
        </IconButton>
        <IconButton icon="diff" label="Compare with… another run of this thread, an open run or a recording" tabIndex={0} pressed={!!store.compare} onClick={() => store.compareWith()} />
        <IconButton icon="keyboard" label="Keyboard shortcuts (?)" tabIndex={0} onClick={onHelp} />
      </div>
      </div>
    </header>
  );
}
