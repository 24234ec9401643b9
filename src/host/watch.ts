// LangGraph: Watch Deployment — each new run on a deployment (started by the user's app, a
// script, a colleague) opens in the timeline as it starts, joined live. The polling is the
// client's DeploymentWatcher; this file wires it to sessions, the panel and a status bar item.
import * as vscode from 'vscode';
import { DeploymentWatcher, type Run } from '../client';
import type { Commands } from './commands';
import type { Deployments, Deployment } from './deployments';
import type { Node } from './deploymentsTree';
import { RunSession } from './runSession';
import { TimelinePanel } from './timelinePanel';
import { log } from './log';
import { plural } from '../shared/text';
import { shortId } from '../shared/ids';

export class DeploymentWatch implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('langgraph.watch', vscode.StatusBarAlignment.Left, 49);
  private watcher: DeploymentWatcher | undefined;
  private deployment: Deployment | undefined;
  /** Sessions opened by this watch, in order (tests read it). */
  readonly opened: RunSession[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly commands: Commands,
    private readonly deployments: Deployments,
  ) {
    this.item.name = 'LangGraph Watch';
    this.item.command = 'langgraph.stopWatching';
  }

  get watching(): string | undefined {
    return this.deployment?.name;
  }

  /** What the status bar item shows (tests read it). */
  get shown(): { visible: boolean; text: string } {
    return { visible: !!this.watcher, text: this.item.text };
  }

  get polls(): number {
    return this.watcher?.polls ?? 0;
  }

  async watch(arg?: Node | { url: string }): Promise<DeploymentWatch | undefined> {
    const d = arg && 'kind' in arg ? (arg.kind === 'deployment' ? arg.deployment : undefined) : arg?.url ? this.deployments.find(arg.url) ?? { name: arg.url, url: arg.url } : undefined;
    const target = d ?? (await this.commands.pickDeployment('Watch which deployment for new runs?'));
    if (!target) return undefined;
    this.stop(true);
    const client = await this.deployments.client(target.url);
    const cfg = vscode.workspace.getConfiguration('langgraph');
    this.deployment = target;
    const watcher = new DeploymentWatcher(client, {
      intervalMs: cfg.get<number>('watchIntervalMs', 1000),
      maxIntervalMs: cfg.get<number>('watchMaxIntervalMs', 10_000),
      known: (r) => this.commands.sessions.some((s) => s.info.url === client.baseUrl && (s.info.runId === r.run_id || (s.active && s.info.threadId === r.thread_id))),
      onRun: (r) => this.open(target, r),
      onStop: (reason) => {
        log.warn(`watch ${target.url}: ${reason}`);
        void vscode.window.showErrorMessage(`Stopped watching ${target.name} for new runs: ${reason}`);
        this.stop(true);
      },
    });
    this.watcher = watcher;
    watcher.start();
    log.info(`watch: polling ${target.url} for new runs`);
    this.update();
    return this;
  }

  stop(quiet = false): void {
    if (!this.watcher) return;
    this.watcher.stop();
    log.info(`watch: stopped watching ${this.deployment?.url} (${plural(this.opened.length, 'run')} opened)`);
    if (!quiet) vscode.window.setStatusBarMessage(`Stopped watching ${this.deployment?.name} for new runs`, 3000);
    this.watcher = undefined;
    this.deployment = undefined;
    this.opened.length = 0;
    this.update();
  }

  private async open(d: Deployment, run: Run): Promise<void> {
    const client = await this.deployments.client(d.url);
    const graphId = typeof run.metadata?.graph_id === 'string' ? run.metadata.graph_id : undefined;
    log.info(`watch: new run ${run.run_id} on thread ${run.thread_id} (${run.status}); joining it`);
    const s = RunSession.join({ client, deploymentName: d.name, assistantId: run.assistant_id, graphId, threadId: run.thread_id, runId: run.run_id, status: run.status });
    this.opened.push(s);
    this.commands.adopt(s);
    TimelinePanel.createOrShow(this.extensionUri, s);
    this.update();
  }

  private update(): void {
    if (!this.watcher || !this.deployment) {
      this.item.hide();
      return;
    }
    this.item.text = `$(eye) Watching ${this.deployment.name} · ${plural(this.opened.length, 'run')}`;
    this.item.tooltip = `New runs on ${this.deployment.url} open in the timeline as they start${this.opened.length ? ` (last: ${shortId(this.opened.at(-1)!.info.runId ?? '')})` : ''}. Click to stop watching.`;
    this.item.show();
  }

  dispose(): void {
    this.watcher?.stop();
    this.item.dispose();
  }
}
