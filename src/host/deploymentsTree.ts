// The "Deployments" tree: deployments → assistants → threads → runs. Failures become placeholder
// items with the reason (and a retry), never an empty or broken tree.
import * as vscode from 'vscode';
import { LangGraphClient, LangGraphError, runEnded, type Assistant, type Run, type Thread } from '../client';
import type { Deployment, Deployments } from './deployments';
import { log } from './log';
import { shortId } from '../shared/ids';
import { duration, relTime, relTimeChangesIn } from '../shared/text';
import { RUN_STATE_TEXT, chronological, runLabel, runStates, threadTitle, type Pending, type RunState } from '../shared/threadText';
import { CODE_CHANGED } from '../shared/nodeSpans';
import { escapeMd, pendingOf, runIcon, runTooltip, threadIcon, threadTooltip } from './treeItems';

export type Node =
  | { kind: 'deployment'; deployment: Deployment }
  | { kind: 'assistant'; deployment: Deployment; assistant: Assistant }
  /** `pending`: what an interrupted thread waits for (read when the thread was listed). */
  | { kind: 'thread'; deployment: Deployment; assistant: Assistant; thread: Thread; pending?: Pending }
  /** `state`: what became of the run, read against the thread's other runs (see runStates). */
  | { kind: 'run'; deployment: Deployment; assistant: Assistant; thread: Thread; run: Run; state?: RunState; pending?: Pending }
  | { kind: 'message'; text: string; detail?: string; icon: string; retry?: Deployment }
  | { kind: 'detected'; url: string; reason: string };

const POLL_MS = 2000;
const LOCAL_DEFAULT = 'http://127.0.0.1:2024';
/** An age refresh re-uses the children it just listed (no request) when they were listed this recently. */
const AGE_REUSE_MS = 5000;

export class DeploymentsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | Node[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  /** Runs vs code: the nodes whose code changed since the run, when it is stale (set by the wiring). */
  staleRun: (runId: string) => string[] | undefined = () => undefined;
  /** Connection state per deployment URL, shown on the deployment item. */
  private readonly health = new Map<string, { ok: boolean; reason?: string; kind?: string }>();
  /** Set while a listed thread or run is busy: the tree refreshes itself until nothing runs. */
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private sawActive = false;
  /** Thread and run items last listed, by parent: what an age refresh redraws. */
  private readonly listed = new Map<string, Node[]>();
  /** Parents whose items the age refresh redrew: their children come from `listed`, not the server. */
  private readonly ageRedraw = new Map<string, number>();
  private ageTimer: ReturnType<typeof setTimeout> | undefined;
  private visible = false;

  constructor(private readonly deployments: Deployments) {
    this.subs.push(deployments.onDidChange(() => this.refresh()));
  }

  /** Whether a refresh is scheduled because something listed is busy (read-only; tests). */
  get isPolling(): boolean {
    return this.pollTimer !== undefined;
  }

  /** Whether the ages ("2 min ago") are scheduled to be redrawn: only while the view is visible (tests). */
  get isAgeing(): boolean {
    return this.ageTimer !== undefined;
  }

  /** Redraw ages while the view is visible, and only then. */
  watch(view: vscode.TreeView<Node>): vscode.Disposable {
    this.visible = view.visible;
    this.scheduleAges();
    return view.onDidChangeVisibility((e) => {
      this.visible = e.visible;
      this.scheduleAges();
    });
  }

  private scheduleAges(): void {
    if (this.ageTimer) clearTimeout(this.ageTimer);
    this.ageTimer = undefined;
    if (!this.visible) return;
    const items = [...this.listed.values()].flat();
    const now = Date.now();
    const waits = items.map((n) => relTimeChangesIn(n.kind === 'thread' ? n.thread.updated_at : n.kind === 'run' ? n.run.created_at : undefined, now)).filter((w): w is number => w !== undefined);
    if (!waits.length) return;
    // At the next minute (hour…) boundary of the youngest item; a little after, so the text has changed.
    this.ageTimer = setTimeout(() => {
      this.ageTimer = undefined;
      const at = Date.now();
      // Redrawing a thread item re-asks for its runs if it is expanded: those come from `listed`.
      for (const key of this.listed.keys()) if (key.startsWith('t:')) this.ageRedraw.set(key, at);
      this.changed.fire(items);
      this.scheduleAges();
    }, Math.max(1000, Math.min(...waits) + 250));
  }

  private remember(key: string, nodes: Node[]): Node[] {
    this.listed.set(key, nodes);
    this.scheduleAges();
    return nodes;
  }

  /** The children the age refresh just redrew, if that is why they are asked for. */
  private reuse(key: string): Node[] | undefined {
    const at = this.ageRedraw.get(key);
    this.ageRedraw.delete(key);
    return at !== undefined && Date.now() - at < AGE_REUSE_MS ? this.listed.get(key) : undefined;
  }

  refresh(node?: Node): void {
    if (!node) {
      this.health.clear();
      this.listed.clear(); // what is still shown is listed again now
    }
    this.ageRedraw.clear();
    this.changed.fire(node);
  }

  private notePolling(active: boolean): void {
    if (!active) return;
    this.sawActive = true;
    if (this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (!this.sawActive) return;
      this.sawActive = false;
      this.ageRedraw.clear();
      this.listed.clear();
      this.changed.fire(undefined); // re-read what is expanded; stops when nothing is busy
    }, POLL_MS);
  }

  getTreeItem(n: Node): vscode.TreeItem {
    switch (n.kind) {
      case 'deployment': {
        const h = this.health.get(n.deployment.url);
        const item = new vscode.TreeItem(n.deployment.name, vscode.TreeItemCollapsibleState.Expanded);
        const state = !h ? '' : h.ok ? '' : h.kind === 'unauthorized' || h.kind === 'forbidden' ? ' — unauthorized' : h.kind === 'connection-refused' || h.kind === 'dns' || h.kind === 'timeout' ? ' — unreachable' : ' — error';
        item.description = `${n.deployment.url}${state}`;
        item.tooltip = h?.reason ? `${n.deployment.url}\n${h.reason}` : n.deployment.url;
        item.iconPath = new vscode.ThemeIcon(h && !h.ok ? 'debug-disconnect' : 'server-environment', h && !h.ok ? new vscode.ThemeColor('problemsErrorIcon.foreground') : undefined);
        item.contextValue = 'deployment';
        item.id = `d:${n.deployment.url}`;
        return item;
      }
      case 'assistant': {
        const a = n.assistant;
        const item = new vscode.TreeItem(a.name && a.name !== a.graph_id ? a.name : a.graph_id, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = a.name && a.name !== a.graph_id ? a.graph_id : undefined;
        item.tooltip = new vscode.MarkdownString(`**${escapeMd(a.graph_id)}**\n\nassistant \`${a.assistant_id}\``);
        item.iconPath = new vscode.ThemeIcon('type-hierarchy');
        item.contextValue = 'assistant';
        item.id = `a:${n.deployment.url}:${a.assistant_id}`;
        return item;
      }
      case 'thread': {
        const t = n.thread;
        const status = t.status ?? 'idle';
        const title = threadTitle(t.values);
        const item = new vscode.TreeItem(title ?? `Thread ${shortId(t.thread_id)}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = [status, relTime(t.updated_at)].filter(Boolean).join(' · ');
        // Screen readers (and tests) get the whole id: labels made within a minute can look alike.
        item.accessibilityInformation = { label: `Thread ${t.thread_id}, ${item.description}${title ? `: ${title}` : ''}` };
        item.tooltip = threadTooltip(n.thread, title, n.pending);
        item.iconPath = threadIcon(status);
        // `thread.interrupted` shows the inline Resume (package.json view/item/context).
        item.contextValue = `thread.${status}`;
        item.id = `t:${n.deployment.url}:${t.thread_id}`;
        return item;
      }
      case 'run': {
        const r = n.run;
        const state = n.state ?? runStates([r], undefined)[0];
        const label = runLabel(r);
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
        const took = runEnded(r.status) ? duration(r.created_at, r.updated_at) : undefined;
        const stale = this.staleRun(r.run_id);
        item.description = [RUN_STATE_TEXT[state], took, relTime(r.created_at), stale ? CODE_CHANGED : undefined].filter(Boolean).join(' · ');
        item.accessibilityInformation = { label: `Run ${r.run_id}, ${item.description}: ${label}` };
        const tip = runTooltip(r, label, state, took, n.pending);
        if (stale) tip.appendMarkdown('\n\n').appendText(`Code changed since this run: ${stale.join(', ')} (saved after it ran).`);
        item.tooltip = tip;
        item.iconPath = runIcon(state);
        item.contextValue = `run.${r.status}${state === 'waiting' ? '.waiting' : state === 'cancelled' ? '.cancelled' : ''}`;
        item.id = `r:${n.deployment.url}:${r.run_id}`;
        item.command = { command: 'langgraph.openRun', title: 'Open Timeline', arguments: [n] };
        return item;
      }
      case 'detected': {
        const item = new vscode.TreeItem(`Add ${n.url}`, vscode.TreeItemCollapsibleState.None);
        item.description = n.reason;
        item.tooltip = `${n.reason}. Click to add it as a deployment.`;
        item.iconPath = new vscode.ThemeIcon('add');
        item.contextValue = 'detected';
        item.command = { command: 'langgraph.addDeployment', title: 'Add Deployment', arguments: [{ url: n.url, name: 'Local (langgraph dev)' }] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(n.text, vscode.TreeItemCollapsibleState.None);
        item.tooltip = n.detail ?? n.text;
        item.description = n.detail;
        item.iconPath = new vscode.ThemeIcon(n.icon);
        item.contextValue = n.retry ? 'placeholder.retry' : 'placeholder';
        if (n.retry) item.command = { command: 'langgraph.refresh', title: 'Retry', arguments: [] };
        return item;
      }
    }
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) {
      const list = this.deployments.list();
      if (list.length) return list.map((deployment) => ({ kind: 'deployment', deployment }));
      const found = await detectLocal();
      return found ? [found] : []; // [] shows the welcome view
    }
    try {
      switch (n.kind) {
        case 'deployment': {
          const client = await this.deployments.client(n.deployment.url);
          const assistants = await client.searchAssistants();
          this.setHealth(n.deployment, { ok: true });
          if (!assistants.length) return [{ kind: 'message', text: 'No assistants on this deployment', icon: 'info' }];
          return assistants
            .sort((a, b) => a.graph_id.localeCompare(b.graph_id))
            .map((assistant) => ({ kind: 'assistant', deployment: n.deployment, assistant }));
        }
        case 'assistant': {
          const key = `a:${n.deployment.url}:${n.assistant.assistant_id}`;
          const client = await this.deployments.client(n.deployment.url);
          const threads = await client.searchThreads({ metadata: { graph_id: n.assistant.graph_id }, limit: 20 });
          if (!threads.length) return this.remember(key, [{ kind: 'message', text: 'No threads yet — Start Run to create one', icon: 'info' }]);
          this.notePolling(threads.some((t) => t.status === 'busy'));
          const nodes = await Promise.all(threads.map(async (thread): Promise<Node> => ({
            kind: 'thread', deployment: n.deployment, assistant: n.assistant, thread,
            pending: thread.status === 'interrupted' ? await pendingOf(client, thread) : undefined,
          })));
          return this.remember(key, nodes);
        }
        case 'thread': {
          const key = `t:${n.deployment.url}:${n.thread.thread_id}`;
          const again = this.reuse(key);
          if (again) return again;
          const client = await this.deployments.client(n.deployment.url);
          // Oldest first: a thread's runs read as its story (input, the interrupt, the resume).
          const runs = chronological(await client.listRuns(n.thread.thread_id, { limit: 20 }));
          if (!runs.length) return this.remember(key, [{ kind: 'message', text: 'No runs on this thread', icon: 'info' }]);
          this.notePolling(runs.some((r) => !runEnded(r.status)));
          const states = runStates(runs, n.thread.status);
          return this.remember(key, runs.map((run, i): Node => ({
            kind: 'run', deployment: n.deployment, assistant: n.assistant, thread: n.thread, run, state: states[i],
            pending: states[i] === 'waiting' ? n.pending : undefined,
          })));
        }
        default:
          return [];
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log.warn(`tree: ${msg}`);
      const kind = e instanceof LangGraphError ? e.kind : 'network';
      if (n.kind === 'deployment') this.setHealth(n.deployment, { ok: false, reason: msg, kind });
      const text = kind === 'unauthorized' || kind === 'forbidden' ? 'Not authorized — set the API key' : kind === 'connection-refused' ? 'Unreachable — is the server running?' : 'Could not load';
      return [{ kind: 'message', text, detail: msg, icon: 'warning', retry: n.kind === 'deployment' ? n.deployment : undefined }];
    }
  }

  private setHealth(d: Deployment, h: { ok: boolean; reason?: string; kind?: string }): void {
    const prev = this.health.get(d.url);
    this.health.set(d.url, h);
    if (!prev || prev.ok !== h.ok) this.changed.fire({ kind: 'deployment', deployment: d });
  }

  dispose(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.ageTimer) clearTimeout(this.ageTimer);
    this.ageTimer = undefined;
    this.visible = false;
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}

/** Zero-config: a langgraph.json in the workspace, or a server answering /ok on the usual port. */
async function detectLocal(): Promise<Node | undefined> {
  const client = new LangGraphClient({ url: LOCAL_DEFAULT, connectTimeoutMs: 800, headersTimeoutMs: 1500 });
  try {
    if (await client.ok(AbortSignal.timeout(2000))) return { kind: 'detected', url: LOCAL_DEFAULT, reason: 'a LangGraph server answers here' };
  } catch {
    /* nothing listening */
  } finally {
    void client.close();
  }
  const cfg = await vscode.workspace.findFiles('**/langgraph.json', '**/node_modules/**', 1);
  if (cfg.length) return { kind: 'detected', url: LOCAL_DEFAULT, reason: `${vscode.workspace.asRelativePath(cfg[0])} found — run \`langgraph dev\`` };
  return undefined;
}
