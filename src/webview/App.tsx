// The timeline panel. Run data is untrusted: it is only ever rendered as text (text nodes,
// attribute values set through the DOM, canvas fillText), never as markup.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Store } from './store';
import { setCopyAnnouncer } from './copy';
import { post } from './vscodeApi';
import { Toolbar as ToolbarView } from './components/Toolbar';
import { Timeline as TimelineView } from './components/Timeline';
import { ExecList as ExecListView } from './components/ExecList';
import { Detail as DetailView } from './components/Detail';
import { Story as StoryView } from './components/Story';
import { LlmSummary } from './components/LlmCalls';
import { GraphPane as GraphPaneView } from './components/GraphPane';
import { CompareView as CompareViewView } from './components/Compare';
import { pure } from './components/pure';
import { CODE_CHANGED } from '../shared/nodeSpans';

const Toolbar = pure(ToolbarView);
const Timeline = pure(TimelineView);
const ExecList = pure(ExecListView);
const Detail = pure(DetailView);
const Story = pure(StoryView);
const GraphPane = pure(GraphPaneView);
// Re-rendered when the host sends the comparison again, not for every batch of the run behind it.
const CompareView = pure(CompareViewView);

export const KEYMAP: [string, string][] = [
  ['j / k', 'next / previous execution (↓ / ↑ in the list)'],
  ['Home / End', 'first / last execution (in the list)'],
  ['+ / − (or w / s)', 'zoom in / out'],
  ['a / d', 'pan left / right (Shift: further)'],
  ['Ctrl + wheel', 'zoom about the pointer; Shift + wheel or drag: pan'],
  ['0', 'fit the whole run'],
  ['f', 'follow the latest again'],
  ['/', 'filter by node name or state key'],
  ['Ctrl+F', 'search what nodes wrote (Enter / Shift+Enter: next / previous)'],
  ['1 / 2 / 3', 'Wrote / Changed / State tab'],
  ['t / l / p / o / g', 'focus the timeline rows / the execution list / the detail pane / the overview / the graph'],
  ['graph: ← → ↑ ↓, Enter, c, b, + / − / 0', 'move between nodes, select the node’s next execution, collapse / expand its subgraph, toggle a breakpoint, zoom, fit'],
  ['overview: ← → (Shift), PageUp / PageDown, Home / End', 'move the visible window (End on a live run: follow)'],
  ['rows: ↑ ↓ ← →, Enter', 'move, collapse / expand subgraphs, select the row’s next execution'],
  ['trees: Ctrl+C / Ctrl+Shift+C', 'copy the focused value / its path'],
  ['Esc (in the timeline, the list or the details)', 'clear the selection'],
];

export function App({ store }: { store: Store }) {
  const [, setTick] = useState(0);
  const [help, setHelp] = useState(false);
  const [said, setSaid] = useState('');
  const toggleHelp = useCallback(() => setHelp((h) => !h), []);
  useEffect(() => store.subscribe(() => setTick((t) => t + 1)), [store]);
  useEffect(() => setCopyAnnouncer(setSaid), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => globalKey(e, store, () => setHelp((h) => !h));
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const { session, model } = store;
  if (!session) {
    return (
      <div class="empty">
        <h2>No run yet</h2>
        <p>
          Start a run with <b>LangGraph: Start Run</b>, or pick a run in the LangGraph view.
        </p>
      </div>
    );
  }
  const s = model.summary;
  return (
    <div class="app">
      <Toolbar store={store} seq={store.slowSeq} onHelp={toggleHelp} />
      {s.error && (
        <div class="banner error" role="alert">
          <span class="codicon codicon-error" aria-hidden="true" /> <b>{s.error.name}</b>: {s.error.message}
        </div>
      )}
      <Story store={store} seq={store.slowSeq} />
      <LlmSummary store={store} seq={store.slowSeq} />
      <CodeBanner store={store} />
      {s.gaps.map((g, n) => (
        <div class={`banner warn${g.rerun ? ' lost' : ''}`} role="alert" key={n}>
          <span class="codicon codicon-warning" aria-hidden="true" /> {g.message}
          {g.rerun && n === s.gaps.length - 1 && !store.live && store.status.phase !== 'recorded' && (
            <span class="answers">
              <button class="btn" onClick={() => post({ type: 'rerun', checkpointId: g.rerun!.checkpointId, threadGone: g.rerun!.threadGone })}>
                {g.rerun.checkpointId ? `Re-run from step ${g.rerun.step ?? '?'} (the last checkpoint kept)` : g.rerun.threadGone ? 'Run again on a new thread' : 'Run again from the start'}
              </button>
            </span>
          )}
        </div>
      ))}
      {store.compare && store.compare.sessionId === session.id && <CompareView store={store} shown={store.compare.shown} key={`${store.compare.shown.a.label}|${store.compare.shown.b.label}`} />}
      <div class="main" hidden={!!store.compare}>
        <GraphPane store={store} seq={store.graphSeq} />
        <div class="left">
          <Timeline store={store} seq={store.slowSeq} />
          <ExecList store={store} seq={store.listSeq} />
        </div>
        <Detail store={store} seq={store.slowSeq} />
      </div>
      {help && <Help onClose={() => setHelp(false)} />}
      <div class="sr-only" role="status" aria-live="polite">
        {said}
      </div>
    </div>
  );
}

function Help({ onClose }: { onClose: () => void }) {
  return (
    <div class="help" role="dialog" aria-label="Keyboard shortcuts" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div class="help-head">
        <h2>Keyboard</h2>
        <button class="icon-btn" aria-label="Close" title="Close (Esc)" onClick={onClose} ref={(el) => el?.focus()}>
          <span class="codicon codicon-close" aria-hidden="true" />
        </button>
      </div>
      <table>
        <tbody>
          {KEYMAP.map(([k, what]) => (
            <tr key={k}>
              <th scope="row">
                <kbd>{k}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** The timeline, the execution list, the detail pane and the graph: where Escape clears the selection. */
function showsSelection(t: EventTarget | null): boolean {
  return t instanceof Element && t.closest('.timeline, .execlist, .detail, .graph-pane') !== null;
}

function focus(sel: string): void {
  (document.querySelector(sel) as HTMLElement | null)?.focus();
}

export function globalKey(e: KeyboardEvent, store: Store, toggleHelp: () => void): void {
  if (e.defaultPrevented) return;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') {
    focus('#search');
    (document.querySelector('#search') as HTMLInputElement | null)?.select();
    e.preventDefault();
    return;
  }
  if (e.key === 'F3') {
    store.nextMatch(e.shiftKey ? -1 : 1);
    e.preventDefault();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
  const s = store.view();
  const w = s.end - s.start;
  switch (e.key) {
    case 'j':
      store.step(1);
      break;
    case 'k':
      store.step(-1);
      break;
    case '+':
    case '=':
    case 'w':
      store.zoom(1 / 1.5);
      break;
    case '-':
    case '_':
    case 's':
      store.zoom(1.5);
      break;
    case 'a':
    case 'A':
      store.pan(-w * (e.shiftKey ? 0.5 : 0.15));
      break;
    case 'd':
    case 'D':
      store.pan(w * (e.shiftKey ? 0.5 : 0.15));
      break;
    case '0':
      store.fitRun();
      break;
    case 'f':
      store.followLatest();
      break;
    case '/':
      focus('#filter');
      break;
    case '1':
      store.setUi({ tab: 'wrote' });
      break;
    case '2':
      store.setUi({ tab: 'changed' });
      break;
    case '3':
      store.setUi({ tab: 'state' });
      break;
    case 't':
      focus('.tl-scroll');
      break;
    case 'l':
      focus('.execlist');
      break;
    case 'p':
      focus('.detail [role="tab"][aria-selected="true"]');
      break;
    case 'o':
      focus('.overview');
      break;
    case 'g':
      focus('.graph-svg [tabindex="0"]');
      break;
    case '?':
      toggleHelp();
      break;
    case 'Escape':
      // Only where the selection is shown. The bare page has the focus when it comes back from
      // outside the panel (VS Code's colour theme picker, closed with Escape, hands it back to
      // the body): an Escape there closes something else, it does not ask to lose the selection.
      if (store.ui.selected !== null && showsSelection(e.target)) store.select(null);
      else return;
      break;
    default:
      return;
  }
  e.preventDefault();
}

/** Runs vs code: the run's nodes whose code was changed and saved since it ran, and the re-run. */
function CodeBanner({ store }: { store: Store }) {
  const code = store.code;
  const changed = code.nodes;
  const ran = code.firstStale();
  if (!ran) return null; // only runs made after the save: their code is the code
  return (
    <div class="banner code" role="status" aria-label={`${CODE_CHANGED}: ${[...changed].join(', ')}`}>
      <span class="codicon codicon-edit" aria-hidden="true" /> Code changed since this run: <b>{[...changed].join(', ')}</b>{' '}
      <button class="link rerun" onClick={() => store.rerunChanged()}>
        Re-run from before {ran.node}
      </button>
    </div>
  );
}
