// The timeline webview panel. The host owns the events; the panel gets a snapshot on `ready`
// and batched appends afterwards (one message per ~30 ms, not one per event). A hidden webview
// cannot receive messages, so on becoming visible it is re-sent what it missed.
import * as vscode from 'vscode';
import type { FromWebview, ToWebview } from '../shared/protocol';
import { isFromWebview } from '../shared/protocol';
import type { RunSession } from './runSession';
import { log } from './log';

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

  private session: RunSession | undefined;
  private sessionSubs: vscode.Disposable[] = [];
  private readonly subs: vscode.Disposable[] = [];
  private ready = false;
  /** Index of the first event the webview does not have yet. */
  private sent = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly messageHandlers: ((m: FromWebview) => void)[] = [];

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
        // Back in view: push what it missed while it could not receive.
        if (panel.visible && this.ready) {
          this.flush();
          // Extras posted while hidden were dropped; the model merges them, so resending is safe.
          const s = this.session;
          if (s?.extras) void this.post({ type: 'session/extras', sessionId: s.info.id, extras: s.extras });
        }
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

  show(session: RunSession): void {
    for (const s of this.sessionSubs) s.dispose();
    this.session = session;
    this.panel.title = `Timeline: ${session.info.title}`;
    this.sessionSubs = [
      session.onEvents(() => this.schedule()),
      session.onStatus((status) => this.post({ type: 'session/status', sessionId: session.info.id, status })),
      session.onExtras((extras) => {
        if (this.ready) void this.post({ type: 'session/extras', sessionId: session.info.id, extras });
      }),
    ];
    if (this.ready) this.sendSnapshot();
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
        if (this.session?.info.id === m.sessionId) {
          this.sent = Math.min(this.sent, m.from);
          this.flush();
        }
        break;
      case 'rendered':
        TimelinePanel.lastRendered = { sessionId: m.sessionId, events: m.events, executions: m.executions };
        TimelinePanel.renderedEmitter.fire(TimelinePanel.lastRendered);
        break;
      case 'openSource':
        void vscode.commands.executeCommand('langgraph.goToNodeSource', { node: m.node, graphId: this.session?.info.graphId });
        break;
      case 'fork':
        void vscode.commands.executeCommand('langgraph.forkFromHere', { node: m.node, step: m.step });
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
    const s = this.session;
    if (!s) {
      void this.post({ type: 'session/none' });
      return;
    }
    this.sent = s.events.length;
    void this.post({ type: 'session/snapshot', session: s.info, status: s.status, events: s.events.slice(), extras: s.extras });
  }

  private schedule(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, BATCH_MS);
  }

  private flush(): void {
    const s = this.session;
    if (!s || !this.ready || !this.panel.visible) return;
    if (this.sent >= s.events.length) return;
    const from = this.sent;
    const events = s.events.slice(from);
    this.sent = s.events.length;
    void this.post({ type: 'session/events', sessionId: s.info.id, from, events });
  }

  private post(m: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(m).then(
      (ok) => {
        // A message to a hidden webview is dropped: mark it unsent so the next flush repeats it.
        if (!ok && m.type === 'session/events') this.sent = Math.min(this.sent, m.from);
        return ok;
      },
      () => false,
    );
  }

  dispose(): void {
    if (TimelinePanel.current === this) TimelinePanel.current = undefined;
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
