// The webview store's core: the session, the run model built from its events, the timeline index,
// the filter/search verdicts and the UI state, and the frame that brings them up to date. Incoming
// events mutate the model; one scheduled frame coalesces any number of them into one render and
// one draw. What the person does with it (select, step, zoom, pan, fold rows) is the Store on top
// of it (../store.ts).
import { RunModel } from '../../shared/runModel';
import type { ComparisonShown, FromWebview, SessionInfo, SessionStatus, ToWebview } from '../../shared/protocol';
import type { SessionGraph } from '../../shared/assistantGraph';
import { isFinalPhase, isLivePhase } from '../../shared/protocol';
import type { RunEvent } from '../../shared/events';
import { unpackEvents } from '../../shared/packedEvents';
import { TimelineIndex, type Bounds, type Row } from '../layout';
import { Matcher, filterPredicate, searchPredicate } from '../filter';
import { fit, followView, type View } from '../viewport';
import type { WebviewApi } from '../vscodeApi';
import { DEFAULT_UI, UiPersister, readPersisted, type Persisted, type UiState } from './ui';
import { codeMarks, type CodeChanged, type CodeMarks } from './code';

export interface StoreDeps {
  api: WebviewApi;
  /** Run a callback before the next paint (requestAnimationFrame in the browser). */
  schedule?: (cb: () => void) => void;
  now?: () => number;
}

/** Time spent judging a new search per frame, so typing stays smooth on huge runs. */
const SEARCH_BUDGET_MS = 4;
/**
 * Time spent applying queued events per frame. A live stream's few dozen events per frame fit
 * easily; a 300,000-event snapshot is taken in over many frames, painting as it goes, instead of
 * freezing the panel until all of it is in.
 */
const APPLY_BUDGET_MS = 10;
/** How often the panel paints while it takes in a big backlog (the frames between only apply events). */
const LOADING_PAINT_MS = 150;
/** The DOM's refresh interval while a run streams (the timeline canvas keeps every frame). */
const SLOW_MS = 120;

export class StoreCore {
  session: SessionInfo | null = null;
  status: SessionStatus = { phase: 'connecting' };
  /** How many of the session's events we received (the `from` of the next batch). */
  eventCount = 0;
  /** How many of them the model has taken in (the rest wait in the backlog). */
  applied = 0;
  model = new RunModel();
  index = new TimelineIndex();
  ui: UiState = { ...DEFAULT_UI };
  /** The assistant's graph, as the host last sent it (`session/graph`). */
  graph: { sessionId: string; graph: SessionGraph } | null = null;
  /** Two runs compared (`compare/show`), shown over the timeline of the session it was made for. */
  compare: { sessionId: string; shown: ComparisonShown } | null = null;
  /** Runs vs code (`session/code`): the session's nodes whose code changed since its runs. */
  codeChanged: CodeChanged | null = null;
  /** Node breakpoints set in the editor (`breakpoints`), by node id. */
  breakpoints: ReadonlySet<string> = new Set();
  filter: Matcher | null = null;
  search: Matcher | null = null;
  /** Bumped when something should be scrolled into view (selection moved by keys, follow). */
  revealSeq = 0;
  /** Executions added or changed in the last frame (the canvas adds just these when it can). */
  lastChanged: readonly number[] = [];
  /** Bumped on every processed frame. */
  frameSeq = 0;
  /**
   * Bumped when the DOM parts (lists, labels, counts, detail) should re-render: at once after a
   * UI change, at most every SLOW_MS while data streams in. The canvas still redraws every frame.
   */
  slowSeq = 0;
  /** Like slowSeq, for the execution list: streamed data alternates the two, so one frame never
   * carries both DOM updates. */
  listSeq = 0;
  /**
   * Like slowSeq, for the graph pane: every SLOW_MS too, but on a frame of its own between the
   * other two (unless it is overdue), so its pass takes in fewer executions and no frame carries
   * it with another DOM update.
   */
  graphSeq = 0;
  private lastGraph = -Infinity;
  private slowTurn = 0;
  private lastSlow = -Infinity;
  private uiDirty = true;
  private slowTimer: ReturnType<typeof setTimeout> | null = null;
  protected collapsedSet = new Set<string>();
  protected rowsCache: { key: string; rows: Row[] } | null = null;
  private listeners = new Set<() => void>();
  private drawers = new Set<() => void>();
  private pending = false;
  private reported = '';
  private readonly persister = new UiPersister();
  private restored: Persisted | null;
  private backlog: RunEvent[][] = [];
  private backlogPos = 0;
  private endPending = false;
  private extrasPending: Record<string, unknown> | null = null;
  protected readonly api: WebviewApi;
  private readonly scheduleFn: (cb: () => void) => void;
  readonly now: () => number;

  constructor(deps: StoreDeps) {
    this.api = deps.api;
    this.scheduleFn = deps.schedule ?? ((cb) => requestAnimationFrame(() => cb()));
    this.now = deps.now ?? Date.now;
    this.restored = readPersisted(this.api.getState());
  }

  /** Preact re-renders. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Canvas draws: run in the same frame, after the model is brought up to date. */
  onDraw(fn: () => void): () => void {
    this.drawers.add(fn);
    return () => this.drawers.delete(fn);
  }

  /** Coalesce any number of changes into one frame. */
  changed(): void {
    if (this.pending) return;
    this.pending = true;
    this.scheduleFn(() => {
      this.pending = false;
      this.frame();
    });
  }

  private nested = { session: '', n: 0, seen: false };
  /**
   * The run was streamed without subgraph events, and none came: the nodes inside a subgraph are
   * not seen even when it ran. Not said by `streamSubgraphs` alone: a recording may not say how it
   * was streamed (then events from inside a subgraph tell). The banner above the timeline and the
   * graph pane both read it. Checks each execution once.
   */
  get withoutSubgraphEvents(): boolean {
    const s = this.session;
    if (!s || s.streamSubgraphs === true) return false;
    const exs = this.model.executions;
    let n = this.nested;
    if (n.session !== s.id || exs.length < n.n) n = this.nested = { session: s.id, n: 0, seen: false };
    for (let i = n.n; i < exs.length && !n.seen; i++) if (exs[i].ns.length) n.seen = true;
    n.n = exs.length;
    return !n.seen;
  }

  get live(): boolean {
    return this.session !== null && isLivePhase(this.status.phase);
  }

  /** Bounds of the run; a live run with running nodes reaches to now. */
  bounds(): Bounds {
    return this.index.bounds(this.live ? this.now() : undefined);
  }

  /** The window actually shown. */
  view(): View {
    return this.ui.view ?? fit(this.bounds());
  }

  handle(m: ToWebview): void {
    switch (m.type) {
      case 'session/snapshot': {
        const same = this.session?.id === m.session.id;
        // Another session in the panel: a comparison of the one before goes with it.
        if (this.compare && this.compare.sessionId !== m.session.id) this.closeCompare();
        // The same session with its events replaced (a thread's older runs came in): keep the
        // view, but a selection by index may now name another execution.
        const previous = same ? (this.session?.revision === m.session.revision ? this.ui : { ...this.ui, selected: null }) : null;
        this.session = m.session;
        this.status = m.status;
        this.eventCount = m.events.length;
        this.reset(new RunModel({ input: m.session.input, extras: m.extras }));
        this.backlog = m.events.length ? [m.events] : [];
        this.endPending = isFinalPhase(m.status.phase);
        const restored = this.restored?.sessionId === m.session.id ? this.restored.ui : null;
        this.restored = null;
        this.setUiAll(previous ?? restored ?? { ...DEFAULT_UI });
        break;
      }
      case 'session/events':
        if (!this.take(m.sessionId, m.from, m.events)) return;
        break;
      case 'session/packed': {
        if (!this.isCurrent(m.sessionId)) return;
        // Parsed here only when the inbox (../inbox.ts) had no worker to parse it.
        let events: RunEvent[];
        try {
          events = unpackEvents(m.json, m.count);
        } catch (e) {
          return this.packedUnreadable(m, (e as Error).message);
        }
        if (!this.take(m.sessionId, m.from, events)) return;
        break;
      }
      case 'session/status':
        if (!this.isCurrent(m.sessionId)) return;
        this.status = m.status;
        if (m.info && m.info.id === m.sessionId) this.session = m.info;
        // The model closes its last superstep once everything received has been taken in.
        if (isFinalPhase(m.status.phase)) this.endPending = true;
        break;
      case 'session/extras':
        if (!this.isCurrent(m.sessionId)) return;
        this.extrasPending = { ...(this.extrasPending ?? {}), ...m.extras };
        break;
      case 'session/graph':
        // Kept by session: the pane shows it only beside the session it belongs to.
        this.graph = { sessionId: m.sessionId, graph: m.graph };
        this.uiDirty = true;
        this.changed();
        return;
      case 'compare/show':
        if (!this.session) return;
        this.compare = { sessionId: this.session.id, shown: m.compare };
        this.uiDirty = true;
        this.changed();
        return;
      case 'compare/close':
        this.compare = null;
        this.uiDirty = true;
        this.changed();
        return;
      case 'session/code':
        this.codeChanged = m.changed.length ? { sessionId: m.sessionId, nodes: new Set(m.changed), runs: new Set(m.runs) } : null;
        this.uiDirty = true;
        this.changed();
        return;
      case 'breakpoints':
        this.breakpoints = new Set(m.nodes);
        this.uiDirty = true;
        this.changed();
        return;
      case 'session/none':
        this.closeCompare();
        this.session = null;
        this.eventCount = 0;
        this.reset(new RunModel());
        this.setUiAll({ ...DEFAULT_UI });
        break;
      default: {
        const never: never = m;
        this.api.postMessage({ type: 'log', level: 'warn', message: `unknown message ${JSON.stringify(never).slice(0, 80)}` });
        return;
      }
    }
    if (m.type !== 'session/events' && m.type !== 'session/packed') this.uiDirty = true;
    this.changed();
  }

  /** Enter / F3 pressed before the search was judged in full (it is judged a budget per frame). */
  protected pendingJump: 1 | -1 | 0 = 0;

  /** The next (or previous) match: the Store's. */
  protected jumpToMatch(_delta: 1 | -1): void {}

  /** Close the comparison and tell the host to stop redoing it. */
  closeCompare(): void {
    if (!this.compare) return;
    this.compare = null;
    this.api.postMessage({ type: 'compareClosed' });
    this.uiDirty = true;
    this.changed();
  }

  /** Ask the host to compare the run of the selected execution (or the last run) with another. */
  compareWith(): void {
    const ex = this.ui.selected !== null ? this.model.executions[this.ui.selected] : undefined;
    this.api.postMessage({ type: 'compare', runId: ex?.runId ?? null });
  }

  /** Runs vs code: what changed for the session in view (see code.ts). */
  get code(): CodeMarks {
    return codeMarks(this.codeChanged, this.session?.id, this.model.executions);
  }

  /** Re-run the first stale execution's run from before its changed node on a fork, and compare (the host does it). */
  rerunChanged(): void {
    this.api.postMessage({ type: 'rerunChanged', runId: this.code.firstStale()?.runId ?? null });
  }

  /** A packed slice could not be read (damaged on the way): say so, and ask for the events again as objects. */
  packedUnreadable(m: Extract<ToWebview, { type: 'session/packed' }>, reason: string): void {
    if (!this.isCurrent(m.sessionId)) return;
    this.api.postMessage({ type: 'log', level: 'warn', message: `${reason}; asking the host again` });
    this.api.postMessage({ type: 'resync', sessionId: m.sessionId, from: this.eventCount, unpacked: true });
  }

  /** Queue a batch of the session's events from index `from`; false when nothing new came. */
  private take(sessionId: string, from: number, events: RunEvent[]): boolean {
    if (!this.isCurrent(sessionId)) return false;
    if (from > this.eventCount) {
      // A batch was lost (the panel was hidden): ask for everything from what we have.
      this.api.postMessage({ type: 'resync', sessionId, from: this.eventCount });
      return false;
    }
    const skip = this.eventCount - from;
    if (events.length <= skip) return false;
    this.backlog.push(skip ? events.slice(skip) : events);
    this.eventCount = from + events.length;
    return true;
  }

  /** A message about the session shown (a late one about an earlier session is ignored). */
  private isCurrent(sessionId: string): boolean {
    return this.session !== null && sessionId === this.session.id;
  }

  private reset(model: RunModel): void {
    this.model = model;
    this.index = new TimelineIndex();
    this.rowsCache = null;
    this.applied = 0;
    this.backlog = [];
    this.backlogPos = 0;
    this.endPending = false;
    this.extrasPending = null;
  }

  /** Events received but not yet taken in by the model. */
  get loading(): number {
    return this.eventCount - this.applied;
  }

  /** Feed queued events to the model for up to `budget` ms. */
  private drain(budget: number): void {
    const deadline = clockNow() + budget;
    let n = 0;
    while (this.backlog.length) {
      const chunk = this.backlog[0];
      const model = this.model;
      while (this.backlogPos < chunk.length) {
        model.apply(chunk[this.backlogPos++]);
        this.applied++;
        // Reading the clock is not free: every 64 events.
        if ((++n & 63) === 0 && clockNow() > deadline) return;
      }
      this.backlog.shift();
      this.backlogPos = 0;
    }
    if (this.extrasPending) {
      this.model.attachExtras(this.extrasPending);
      this.extrasPending = null;
    }
    if (this.endPending) {
      this.endPending = false;
      this.model.end();
    }
  }

  /** Bring derived state up to date, then render, draw, report and persist. */
  frame(): void {
    this.frameSeq++;
    const before = this.applied;
    this.drain(APPLY_BUDGET_MS);
    // Taking in a big backlog (a long recording): paint what is in every LOADING_PAINT_MS, and
    // spend the frames between on the backlog alone. Anything the person does paints at once.
    const t = clockNow();
    if (this.backlog.length && !this.uiDirty && t - this.lastPaint < LOADING_PAINT_MS) {
      this.report();
      return this.changed();
    }
    this.lastPaint = t;
    const changed = this.index.update(this.model.executions);
    this.lastChanged = changed;
    this.bumpSlow(this.applied !== before || changed.length > 0);
    const exs = this.model.executions;
    if (this.filter) {
      this.filter.recheck(exs, changed);
      this.filter.advance(exs);
    }
    let more = false;
    if (this.search) {
      this.search.recheck(exs, changed);
      more = !this.search.advance(exs, SEARCH_BUDGET_MS);
      // A jump asked for while the search was still being judged goes where the whole judgement says.
      if (!more && this.pendingJump) {
        const d = this.pendingJump;
        this.pendingJump = 0;
        this.jumpToMatch(d);
      }
    }
    if (this.ui.follow && this.live) {
      this.ui.view = followView(this.ui.view, this.bounds(), this.ui.zoomed);
    }
    for (const l of this.listeners) l();
    for (const d of this.drawers) d();
    this.report();
    this.persist();
    if (more || this.backlog.length || (this.live && this.index.hasRunning())) this.changed();
  }

  private bumpSlow(dataChanged: boolean): void {
    const t = clockNow();
    if (this.uiDirty) {
      this.uiDirty = false;
      this.slowSeq++;
      this.listSeq++;
      this.graphSeq++;
      this.lastSlow = t;
      this.lastGraph = t;
    } else if (dataChanged && t - this.lastSlow >= SLOW_MS) {
      if ((this.slowTurn ^= 1)) this.listSeq++;
      else this.slowSeq++;
      this.lastSlow = t;
      if (t - this.lastGraph >= 2 * SLOW_MS) {
        this.graphSeq++;
        this.lastGraph = t;
      }
    } else if (dataChanged && t - this.lastGraph >= SLOW_MS) {
      this.graphSeq++;
      this.lastGraph = t;
    }
    if (dataChanged) {
      this.lastData = t;
      this.settleLater();
    }
  }

  private lastData = -Infinity;
  /** When the last frame painted (rendered and drew). */
  private lastPaint = -Infinity;

  /** Once data stops arriving, refresh every part once so all show the final state. */
  private settleLater(): void {
    if (this.slowTimer) return;
    this.slowTimer = setTimeout(() => {
      this.slowTimer = null;
      if (clockNow() - this.lastData < SLOW_MS) return this.settleLater();
      this.uiDirty = true;
      this.changed();
    }, SLOW_MS);
  }

  setUi(patch: Partial<UiState>): void {
    this.setUiAll({ ...this.ui, ...patch });
  }

  private setUiAll(next: UiState): void {
    const prev = this.ui;
    this.ui = next;
    this.uiDirty = true;
    if (next.collapsed !== prev.collapsed || this.collapsedSet.size !== next.collapsed.length) this.collapsedSet = new Set(next.collapsed);
    if (next.filter !== prev.filter || (next.filter && !this.filter)) {
      const p = filterPredicate(next.filter);
      this.filter = p ? new Matcher(next.filter, p) : null;
      this.filter?.advance(this.model.executions);
    }
    if (next.search !== prev.search || (next.search && !this.search)) {
      const p = searchPredicate(next.search);
      this.search = p ? new Matcher(next.search, p) : null;
    }
    this.changed();
  }

  /** Identity of what the filter and search currently match (redraws when it changes). */
  matchKey(): string {
    const f = this.filter;
    const q = this.search;
    return `${f ? `${f.query}:${f.matches.length}:${f.done}` : ''}|${q ? `${q.query}:${q.matches.length}:${q.done}` : ''}`;
  }

  // ---- host -------------------------------------------------------------------------------

  /** A message to the host (the graph pane reports what it shows). */
  post(m: FromWebview): void {
    this.api.postMessage(m);
  }

  private report(): void {
    if (!this.session) return;
    // Counts what is drawn: events the model has taken in, not merely received.
    const key = `${this.session.id}:${this.applied}:${this.model.executions.length}`;
    if (key === this.reported) return;
    this.reported = key;
    this.api.postMessage({ type: 'rendered', sessionId: this.session.id, events: this.applied, executions: this.model.executions.length });
  }

  private persist(): void {
    if (this.session) this.persister.save(this.api, this.session.id, this.ui, this.live);
  }
}

function clockNow(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
