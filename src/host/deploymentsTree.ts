// The "Deployments" tree: deployments → assistants → threads → runs. Failures become placeholder
// items with the reason (and a retry), never an empty or broken tree.
import * as vscode from 'vscode';
import { LangGraphClient, LangGraphError, type Assistant, type Run, type Thread } from '../client';
import type { Deployment, Deployments } from './deployments';
import { log } from './log';
import { shortId } from '../shared/ids';

export type Node =
  | { kind: 'deployment'; deployment: Deployment }
  | { kind: 'assistant'; deployment: Deployment; assistant: Assistant }
  | { kind: 'thread'; deployment: Deployment; assistant: Assistant; thread: Thread }
  | { kind: 'run'; deployment: Deployment; assistant: Assistant; thread: Thread; run: Run }
  | { kind: 'message'; text: string; detail?: string; icon: string; retry?: Deployment }
  | { kind: 'detected'; url: string; reason: string };

const POLL_MS = 2000;
const LOCAL_DEFAULT = 'http://127.0.0.1:2024';

export class DeploymentsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  /** Connection state per deployment URL, shown on the deployment item. */
  private readonly health = new Map<string, { ok: boolean; reason?: string; kind?: string }>();
  /** Set while a listed thread or run is busy: the tree refreshes itself until nothing runs. */
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private sawActive = false;

  constructor(private readonly deployments: Deployments) {
    this.subs.push(deployments.onDidChange(() => this.refresh()));
  }

  /** Whether a refresh is scheduled because something listed is busy (read-only; tests). */
  get isPolling(): boolean {
    return this.pollTimer !== undefined;
  }

  refresh(node?: Node): void {
    if (!node) this.health.clear();
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
        const item = new vscode.TreeItem(shortId(t.thread_id), vscode.TreeItemCollapsibleState.Collapsed);
        item.description = [t.status, relTime(t.updated_at)].filter(Boolean).join(' · ');
        // The label is a short prefix, and the server's ids are time-ordered (UUIDv7): threads made
        // within a minute share it. Screen readers (and tests) get the whole id.
        item.accessibilityInformation = { label: `Thread ${t.thread_id}, ${item.description}` };
        item.tooltip = `thread ${t.thread_id}\nstatus ${t.status ?? '?'}\nupdated ${t.updated_at ?? '?'}`;
        item.iconPath = new vscode.ThemeIcon(t.status === 'interrupted' ? 'debug-pause' : t.status === 'error' ? 'error' : t.status === 'busy' ? 'sync~spin' : 'comment-discussion');
        item.contextValue = `thread.${t.status ?? 'idle'}`;
        item.id = `t:${n.deployment.url}:${t.thread_id}`;
        return item;
      }
      case 'run': {
        const r = n.run;
        const item = new vscode.TreeItem(shortId(r.run_id), vscode.TreeItemCollapsibleState.None);
        const took = r.status !== 'running' && r.status !== 'pending' ? duration(r.created_at, r.updated_at) : undefined;
        item.description = [r.status, took, relTime(r.created_at)].filter(Boolean).join(' · ');
        item.accessibilityInformation = { label: `Run ${r.run_id}, ${item.description}` };
        item.tooltip = `run ${r.run_id}\nthread ${r.thread_id}\nstatus ${r.status}\ncreated ${r.created_at ?? '?'}`;
        item.iconPath = runIcon(r.status);
        item.contextValue = `run.${r.status}`;
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
          const client = await this.deployments.client(n.deployment.url);
          const threads = await client.searchThreads({ metadata: { graph_id: n.assistant.graph_id }, limit: 20 });
          if (!threads.length) return [{ kind: 'message', text: 'No threads yet — Start Run to create one', icon: 'info' }];
          this.notePolling(threads.some((t) => t.status === 'busy'));
          return threads.map((thread) => ({ kind: 'thread', deployment: n.deployment, assistant: n.assistant, thread }));
        }
        case 'thread': {
          const client = await this.deployments.client(n.deployment.url);
          const runs = await client.listRuns(n.thread.thread_id, { limit: 20 });
          if (!runs.length) return [{ kind: 'message', text: 'No runs on this thread', icon: 'info' }];
          this.notePolling(runs.some((r) => r.status === 'running' || r.status === 'pending'));
          return runs.map((run) => ({ kind: 'run', deployment: n.deployment, assistant: n.assistant, thread: n.thread, run }));
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
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}

function runIcon(status: string): vscode.ThemeIcon {
  switch (status) {
    case 'running':
    case 'pending':
      return new vscode.ThemeIcon('sync~spin');
    case 'success':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'error':
    case 'timeout':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'interrupted':
      return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('debugIcon.pauseForeground'));
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}

export function duration(from: string | undefined, to: string | undefined): string | undefined {
  const a = from ? Date.parse(from) : NaN;
  const b = to ? Date.parse(to) : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) return undefined;
  const ms = b - a;
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}

export function relTime(iso: string | undefined, now = Date.now()): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return undefined;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>]/g, '\\$&');
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
