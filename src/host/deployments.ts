// Deployments live in the `langgraph.deployments` setting (name + URL); API keys only in
// SecretStorage, keyed by URL, never in settings or logs.
import * as vscode from 'vscode';
import { LangGraphClient, normalizeBaseUrl } from '../client';

export interface Deployment {
  name: string;
  url: string;
}

const SECTION = 'langgraph';
const KEY = 'deployments';

export function isDeployment(v: unknown): v is Deployment {
  return typeof v === 'object' && v !== null && typeof (v as Deployment).name === 'string' && typeof (v as Deployment).url === 'string';
}

export class Deployments implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly clients = new Map<string, LangGraphClient>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.${KEY}`) || e.affectsConfiguration('http.proxy')) this.reset();
      }),
      secrets.onDidChange((e) => {
        if (e.key.startsWith('langgraph.apiKey:')) this.reset();
      }),
    );
  }

  list(): Deployment[] {
    const raw = vscode.workspace.getConfiguration(SECTION).get<unknown[]>(KEY, []);
    const out: Deployment[] = [];
    const seen = new Set<string>();
    for (const d of Array.isArray(raw) ? raw : []) {
      if (!isDeployment(d)) continue;
      let url: string;
      try {
        url = normalizeBaseUrl(d.url);
      } catch {
        url = d.url; // shown with its error in the tree
      }
      if (seen.has(url)) continue;
      seen.add(url);
      out.push({ name: d.name || url, url });
    }
    return out;
  }

  find(url: string): Deployment | undefined {
    return this.list().find((d) => d.url === url);
  }

  async add(d: Deployment): Promise<void> {
    const url = normalizeBaseUrl(d.url);
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const info = cfg.inspect<unknown[]>(KEY);
    // Keep it where the user keeps theirs: the workspace when it has the setting, else user settings.
    const target = info?.workspaceValue !== undefined && vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const current = ((target === vscode.ConfigurationTarget.Workspace ? info?.workspaceValue : info?.globalValue) ?? []).filter(isDeployment);
    const next = [...current.filter((x) => safeNormalize(x.url) !== url), { name: d.name || url, url }];
    await cfg.update(KEY, next, target);
  }

  async remove(url: string): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const info = cfg.inspect<unknown[]>(KEY);
    for (const [target, value] of [
      [vscode.ConfigurationTarget.Workspace, info?.workspaceValue],
      [vscode.ConfigurationTarget.Global, info?.globalValue],
    ] as const) {
      if (!Array.isArray(value)) continue;
      const next = value.filter((x) => !isDeployment(x) || safeNormalize(x.url) !== url);
      if (next.length !== value.length) await cfg.update(KEY, next, target);
    }
    await this.secrets.delete(secretKey(url));
  }

  async setApiKey(url: string, key: string): Promise<void> {
    await this.secrets.store(secretKey(url), key);
  }
  async clearApiKey(url: string): Promise<void> {
    await this.secrets.delete(secretKey(url));
  }
  async hasApiKey(url: string): Promise<boolean> {
    return (await this.secrets.get(secretKey(url))) !== undefined;
  }

  /** What a client of this deployment needs (the debugger makes its own client from it). */
  async connection(url: string): Promise<{ apiKey?: string; proxy?: string }> {
    return { apiKey: await this.secrets.get(secretKey(url)), proxy: vscode.workspace.getConfiguration('http').get<string>('proxy') || undefined };
  }

  /** A client per deployment, with its key from SecretStorage and the editor's proxy setting. */
  async client(url: string): Promise<LangGraphClient> {
    const existing = this.clients.get(url);
    if (existing) return existing;
    const apiKey = await this.secrets.get(secretKey(url));
    const proxy = vscode.workspace.getConfiguration('http').get<string>('proxy') || undefined;
    const c = new LangGraphClient({ url, apiKey, proxy });
    this.clients.set(url, c);
    return c;
  }

  private reset(): void {
    for (const c of this.clients.values()) void c.close();
    this.clients.clear();
    this.changed.fire();
  }

  dispose(): void {
    this.reset();
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}

function secretKey(url: string): string {
  return `langgraph.apiKey:${url}`;
}

function safeNormalize(url: string): string {
  try {
    return normalizeBaseUrl(url);
  } catch {
    return url;
  }
}
