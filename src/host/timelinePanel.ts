// The timeline webview panel. The host owns the events; the panel gets a snapshot on `ready`
// and batched appends afterwards (one message per ~30 ms, not one per event). A big run goes out
// in slices paced by what the panel has drawn (src/shared/panelFeed.ts). A hidden webview cannot
// receive messages, so on becoming visible it is re-sent what it missed.
import * as vscode from 'vscode';
import type { ComparisonShown, FromWebview, ToWebview } from '../shared/protocol';
import { isFromWebview } from '../shared/protocol';
import { PanelFeed } from '../shared/panelFeed';
import { pricesFrom } from '../shared/model/llm';
import type { RunSession } from './runSession';
import { log } from './log';
import { rerunLost } from './rerun';
import { followBreakpoints, nodeBreakpoints, toggleNodeBreakpoint } from './graphBreakpoints';

export const VIEW_TYPE = 'langgraph.timeline';
const BATCH_MS = 30;

export interface RenderedStats {
  sessionId: string;
  events: number;
  executions: number;
}

export class TimelinePanel implements vscode.Disposable {
  private static current: TimelinePanel | undefined;
  private static readonly renderedEmitter = new vscode.EventEmitter<RenderedStats>();
  /** Fired when the webview reports what it has drawn (tests, status bar). */
  static readonly onDidRender = TimelinePanel.renderedEmitter.event;
  static lastRendered: RenderedStats | undefined;
  private static readonly compareClosedEmitter = new vscode.EventEmitter<void>();
  /** The comparison shown over the timeline was closed (by the person, or another session came). */
  static readonly onCompareClosed = TimelinePanel.compareClosedEmitter.event;
  /** The comparison shown, sent again after a snapshot (a reload of the webview, shown again). */
  private comparison: { sessionId: string; shown: ComparisonShown } | undefined;

  private session: RunSession | undefined;
  private sessionSubs: vscode.Disposable[] = [];
  private readonly subs: vscode.Disposable[] = [];
  private ready = false;
  /** What the webview has been sent; big runs go out in slices paced by what it has drawn. */
  private readonly feed = new PanelFeed((m) => this.post(m));
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly messageHandlers: ((m: FromWebview) => void)[] = [];
  /** The execution's node the person selected in the panel, if any. */
  selected: { node: string; ns: string[] } | undefined;

  static get active(): TimelinePanel | undefined {
    return TimelinePanel.current;
  }

  static createOrShow(extensionUri: vscode.Uri, session?: RunSession): TimelinePanel {
    const column = vscode.ViewColumn.Beside;
    if (TimelinePanel.current) {
      TimelinePanel.current.panel.reveal(undefined, true);
      if (session) TimelinePanel.current.show(session);
      return TimelinePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'LangGraph Timeline', { viewColumn: column, preserveFocus: true }, webviewOptions(extensionUri));
    TimelinePanel.current = new TimelinePanel(panel, extensionUri);
    if (session) TimelinePanel.current.show(session);
    return TimelinePanel.current;
  }

  /** After a window reload: the serializer hands back the panel; the caller reattaches a session. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): TimelinePanel {
    panel.webview.options = webviewOptions(extensionUri);
    TimelinePanel.current = new TimelinePanel(panel, extensionUri);
    return TimelinePanel.current;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly extensionUri: vscode.Uri) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'timeline.svg');
    panel.webview.html = html(panel.webview, extensionUri);
    this.subs.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidChangeViewState(() => {
        // Back in view: push what it missed while it could not receive (events, status, extras;
        // the model merges extras, so resending them is safe).
        if (panel.visible && this.ready) this.feed.shown();
      }),
      followBreakpoints((m) => {
        if (this.ready) void this.post(m);
      }),
    );
  }

  get currentSession(): RunSession | undefined {
    return this.session;
  }

  onMessageFromWebview(h: (m: FromWebview) => void): vscode.Disposable {
    this.messageHandlers.push(h);
    return new vscode.Disposable(() => this.messageHandlers.splice(this.messageHandlers.indexOf(h), 1));
  }

  /** The nodes whose code changed since the session's runs, for the panel (set by the wiring). */
  static codeChanged: (sessionId: string) => { changed: string[]; runs: string[] } = () => ({ changed: [], runs: [] });

  /** Tell the panel the session's nodes whose code changed, and its runs made before (when it shows that session). */
  postCode(sessionId: string, changed: string[], runs: string[]): void {
    if (this.ready && this.session?.info.id === sessionId) void this.post({ type: 'session/code', sessionId, changed, runs });
  }

  /** Show a comparison of the session in view with another run; false when there is no session to show it over. */
  showComparison(shown: ComparisonShown): boolean {
    if (!this.session) return false;
    this.comparison = { sessionId: this.session.info.id, shown };
    if (this.ready) void this.post({ type: 'compare/show', compare: shown });
    return true;
  }

  private dropComparison(): void {
    if (!this.comparison) return;
    this.comparison = undefined;
    TimelinePanel.compareClosedEmitter.fire();
  }

  show(session: RunSession): void {
    if (session !== this.session) this.dropComparison();
    for (const s of this.sessionSubs) s.dispose();
    this.session = session;
    this.panel.title = `Timeline: ${session.info.title}`;
    const prices = pricesFrom(vscode.workspace.getConfiguration('langgraph').get('modelPrices'));
    if (Object.keys(prices).length) session.info.modelPrices = prices;
    else delete session.info.modelPrices;
    this.sessionSubs = [
      session.onEvents(() => this.schedule()),
      // A status follows the events it describes: flush them first.
      session.onStatus(() => this.flush()),
      session.onExtras((extras) => {
        if (this.ready) this.feed.extras(extras);
      }),
      session.onReset(() => {
        if (this.ready) this.sendSnapshot();
      }),
    ];
    if (this.ready) this.sendSnapshot();
    else void session.loadGraph();
  }

  private onMessage(m: unknown): void {
    if (!isFromWebview(m)) {
      log.warn(`timeline: ignored a malformed message from the webview`);
      return;
    }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendSnapshot();
        break;
      case 'resync':
        this.feed.resync(m.sessionId, m.from, m.unpacked);
        break;
      case 'rendered':
        this.feed.rendered(m.sessionId, m.events);
        TimelinePanel.lastRendered = { sessionId: m.sessionId, events: m.events, executions: m.executions };
        TimelinePanel.renderedEmitter.fire(TimelinePanel.lastRendered);
        break;
      case 'openSource':
        void vscode.commands.executeCommand('langgraph.goToNodeSource', { node: m.node, graphId: this.session?.info.graphId });
        break;
      case 'fork':
        void vscode.commands.executeCommand('langgraph.forkFromHere', { node: m.node, step: m.step, runId: m.runId ?? undefined });
        break;
      case 'resume': {
        const i = this.session?.info;
        if (!i?.url || !i.threadId || !i.assistantId) break;
        void vscode.commands.executeCommand('langgraph.resumeInterrupt', { url: i.url, threadId: i.threadId, assistantId: i.assistantId, graphId: i.graphId, ...('value' in m ? { resume: m.value } : {}) });
        break;
      }
      case 'continue': {
        const i = this.session?.info;
        if (!i?.url || !i.threadId || !i.assistantId) break;
        void vscode.commands.executeCommand('langgraph.startRun', { url: i.url, threadId: i.threadId, assistantId: i.assistantId, graphId: i.graphId, input: null, how: 'continue' });
        break;
      }
      case 'compare':
        void vscode.commands.executeCommand('langgraph.compareWith', { runId: m.runId });
        break;
      case 'compareClosed':
        this.dropComparison();
        break;
      case 'rerun':
        if (this.session) void rerunLost(this.session, m);
        break;
      case 'rerunChanged':
        void vscode.commands.executeCommand('langgraph.rerunChangedCode', { runId: m.runId });
        break;
      case 'selected':
        this.selected = m.node === null ? undefined : { node: m.node, ns: m.ns };
        break;
      case 'toggleBreakpoint':
        toggleNodeBreakpoint(m.node);
        break;
      case 'graphRendered':
        // Read by tests through onMessageFromWebview.
        break;
      case 'openSetting':
        void vscode.commands.executeCommand('workbench.action.openSettings', m.id);
        break;
      case 'log':
        log[m.level](`webview: ${m.message}`);
        break;
      default: {
        const never: never = m;
        log.warn(`timeline: unknown message ${JSON.stringify(never).slice(0, 100)}`);
      }
    }
    for (const h of this.messageHandlers) h(m);
  }

  private sendSnapshot(): void {
    this.feed.snapshot(this.session ?? null);
    void this.post({ type: 'breakpoints', nodes: nodeBreakpoints() });
    if (this.session) void this.sendGraph(this.session);
    if (this.session) {
      const code = TimelinePanel.codeChanged(this.session.info.id);
      if (code.changed.length) void this.post({ type: 'session/code', sessionId: this.session.info.id, ...code });
    }
    if (this.comparison && this.comparison.sessionId === this.session?.info.id) void this.post({ type: 'compare/show', compare: this.comparison.shown });
  }

  /** After each snapshot: the graph pane needs it again (a reload, a panel shown again). */
  private async sendGraph(session: RunSession): Promise<void> {
    const graph = await session.loadGraph();
    if (graph && this.session === session && this.ready) void this.post({ type: 'session/graph', sessionId: session.info.id, graph });
  }

  private schedule(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.ready || !this.panel.visible || this.feed.session !== this.session) return;
    this.feed.flush();
  }

  /** Resolves false when the webview did not take the message (hidden); the feed sends it again. */
  private post(m: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(m).then(
      (ok) => ok,
      () => false,
    );
  }

  dispose(): void {
    if (TimelinePanel.current === this) TimelinePanel.current = undefined;
    this.dropComparison();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const s of [...this.subs, ...this.sessionSubs]) s.dispose();
    this.panel.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = crypto.randomUUID().replace(/-/g, '');
  const asset = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', f));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    // Big slices of events are parsed in a worker made from the panel's own code (src/webview/inbox.ts).
    'worker-src blob:',
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('main.css')}">
<title>LangGraph Timeline</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${asset('main.js')}"></script>
</body>
</html>`;
}
