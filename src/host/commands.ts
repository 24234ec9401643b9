// Command implementations. Each takes its arguments from the tree item it was invoked on, from an
// explicit argument object (tests, other commands), or asks the person.
import * as vscode from 'vscode';
import { LangGraphError, normalizeBaseUrl, isStreamMode, type Assistant, type StreamMode, type Thread } from '../client';
import type { Deployments, Deployment } from './deployments';
import type { DeploymentsTree, Node } from './deploymentsTree';
import { RunSession } from './runSession';
import { TimelinePanel } from './timelinePanel';
import { log } from './log';
import { askInput, pickThread, threadPickItem, type InputTraceEvent } from './runInput';
import { shortId } from '../shared/ids';
import type { RunStart } from '../shared/events';
import { duration, relTime } from '../shared/text';
import { RUN_STATE_TEXT, chronological, runLabel, runStates } from '../shared/threadText';

export interface StartRunArgs {
  url?: string;
  assistantId?: string;
  graphId?: string;
  threadId?: string;
  input?: unknown;
  streamMode?: StreamMode[];
  streamSubgraphs?: boolean;
  command?: { resume?: unknown };
  /** Start from this checkpoint of the thread (time travel). */
  checkpointId?: string;
  /** How the run begins, for the thread's story (default: from command / checkpointId). */
  how?: RunStart['kind'];
  fork?: RunStart['fork'];
}

const REMEMBER_KEY = 'langgraph.timeline.lastRun';
interface RememberedRun {
  url: string;
  threadId: string;
  runId: string;
  assistantId: string;
  graphId?: string;
  deploymentName?: string;
}

export class Commands {
  readonly sessions: RunSession[] = [];
  /** What Start Run's input box showed and when (read-only, for the tests; the last 50 events). */
  readonly inputTrace: InputTraceEvent[] = [];
  /** Called for every new session (the status bar follows it). */
  onTrack?: (s: RunSession) => void;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deployments: Deployments,
    private readonly tree: DeploymentsTree,
    private readonly memento?: vscode.Memento,
  ) {}

  /** Rejoin the run the timeline showed before a window reload (replayed from its first event). */
  async rejoinRemembered(): Promise<RunSession | undefined> {
    const r = this.memento?.get<RememberedRun>(REMEMBER_KEY);
    if (!r?.url || !r.threadId || !r.runId || !r.assistantId) return undefined;
    try {
      const client = await this.deployments.client(r.url);
      const session = RunSession.join({ client, deploymentName: r.deploymentName ?? r.url, assistantId: r.assistantId, graphId: r.graphId, threadId: r.threadId, runId: r.runId });
      this.track(session);
      log.info(`reload: rejoined run ${r.runId} on ${r.url}`);
      return session;
    } catch (e) {
      log.warn(`reload: could not rejoin run ${r.runId}: ${(e as Error).message}`);
      return undefined;
    }
  }

  private remember(s: RunSession): void {
    const i = s.info;
    const write = () => {
      if (i.url && i.threadId && i.runId && i.assistantId) {
        void this.memento?.update(REMEMBER_KEY, { url: i.url, threadId: i.threadId, runId: i.runId, assistantId: i.assistantId, graphId: i.graphId, deploymentName: i.deploymentName } satisfies RememberedRun);
        return true;
      }
      return false;
    };
    // The run id is known once the stream has started.
    if (!write()) {
      const sub = s.onStatus(() => {
        if (write()) sub.dispose();
      });
    }
  }

  get activeSession(): RunSession | undefined {
    return TimelinePanel.active?.currentSession ?? this.sessions[this.sessions.length - 1];
  }

  async addDeployment(arg?: { name?: string; url?: string }): Promise<Deployment | undefined> {
    let url = arg?.url;
    if (!url) {
      url = await vscode.window.showInputBox({
        title: 'Add LangGraph Deployment',
        prompt: 'URL of a LangGraph Agent Server (local `langgraph dev` or hosted)',
        value: 'http://127.0.0.1:2024',
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            normalizeBaseUrl(v);
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
      });
      if (!url) return undefined;
    }
    url = normalizeBaseUrl(url);
    let name = arg?.name;
    if (!name && !arg?.url) {
      name = await vscode.window.showInputBox({ title: 'Add LangGraph Deployment', prompt: 'A name for it', value: defaultName(url), ignoreFocusOut: true });
      if (name === undefined) return undefined;
    }
    const d = { name: name || defaultName(url), url };
    await this.deployments.add(d);
    log.info(`deployment added: ${d.name} ${d.url}`);
    this.tree.refresh();
    return d;
  }

  async removeDeployment(node?: Node): Promise<void> {
    const d = node?.kind === 'deployment' ? node.deployment : await this.pickDeployment('Remove which deployment?');
    if (!d) return;
    await this.deployments.remove(d.url);
    this.tree.refresh();
  }

  async setApiKey(node?: Node): Promise<void> {
    const d = deploymentOf(node) ?? (await this.pickDeployment('Set the API key of which deployment?'));
    if (!d) return;
    const key = await vscode.window.showInputBox({ title: `API key for ${d.name}`, prompt: 'Sent as x-api-key. Stored in the OS keychain (SecretStorage), never in settings.', password: true, ignoreFocusOut: true });
    if (!key) return;
    await this.deployments.setApiKey(d.url, key);
    this.tree.refresh();
    void vscode.window.showInformationMessage(`API key saved for ${d.name}.`);
  }

  async clearApiKey(node?: Node): Promise<void> {
    const d = deploymentOf(node) ?? (await this.pickDeployment('Clear the API key of which deployment?'));
    if (!d) return;
    await this.deployments.clearApiKey(d.url);
    this.tree.refresh();
  }

  /** Start a run and open its timeline. Returns the session (tests await it). */
  async startRun(arg?: Node | StartRunArgs): Promise<RunSession | undefined> {
    const a: StartRunArgs = isNode(arg) ? fromNode(arg) : (arg ?? {});
    const d = a.url ? (this.deployments.find(normalizeBaseUrl(a.url)) ?? { name: defaultName(a.url), url: normalizeBaseUrl(a.url) }) : await this.pickDeployment('Start a run on which deployment?');
    if (!d) return undefined;
    const client = await this.deployments.client(d.url);
    let assistantId = a.assistantId;
    let graphId = a.graphId;
    if (!assistantId) {
      const picked = await this.pickAssistant(d);
      if (!picked) return undefined;
      assistantId = picked.assistant_id;
      graphId = picked.graph_id;
    }
    let threadId = a.threadId;
    let input = a.input;
    const interactive = input === undefined && !a.command && !a.checkpointId;
    if (interactive) {
      if (!threadId) {
        const t = await pickThread(client, graphId ?? assistantId);
        if (t === null) return undefined;
        threadId = t;
      }
      input = await askInput(client, assistantId, `Start run on ${graphId ?? assistantId}`, (e) => {
        this.inputTrace.push(e);
        if (this.inputTrace.length > 50) this.inputTrace.shift();
      });
      if (input === undefined) return undefined;
    }
    // The thread shown in the panel goes on there: its story gains a run instead of being replaced.
    const shown = TimelinePanel.active?.currentSession;
    if (threadId && shown && !shown.active && shown.info.threadId === threadId && shown.info.url === client.baseUrl && shown.canChain) {
      shown.chain({ input: a.command ? undefined : input, command: a.command, checkpointId: a.checkpointId, kind: a.how, fork: a.fork });
      TimelinePanel.createOrShow(this.extensionUri, shown);
      this.whenDone(shown);
      return shown;
    }
    const cfg = vscode.workspace.getConfiguration('langgraph');
    const modes = a.streamMode ?? withLlmOutput(cfg.get<string[]>('streamMode', ['updates', 'tasks']).filter(isStreamMode), cfg.get<boolean>('streamLlmOutput', true));
    const session = RunSession.start({
      client,
      deploymentName: d.name,
      assistantId,
      graphId,
      threadId,
      input: a.command ? undefined : input,
      command: a.command,
      checkpointId: a.checkpointId,
      streamMode: modes.length ? modes : ['updates'],
      streamSubgraphs: a.streamSubgraphs ?? cfg.get<boolean>('streamSubgraphs', false),
      kind: a.how,
      fork: a.fork,
    });
    this.track(session);
    TimelinePanel.createOrShow(this.extensionUri, session);
    this.whenDone(session);
    return session;
  }

  private whenDone(session: RunSession): void {
    void session.done.then(() => {
      this.tree.refresh();
      if (session.status.phase === 'error') {
        // The message already says what failed ("The run failed: …", "Cannot reach …"): name the run.
        void vscode.window.showErrorMessage(`LangGraph run "${session.info.title}": ${session.status.message ?? 'it failed for an unknown reason'}`, 'Show Log').then((c) => {
          if (c) void vscode.commands.executeCommand('langgraph.showLog');
        });
      }
    });
  }

  /** Open a past or running run (from the tree, or picked): rejoin its stream from the start. */
  async openRun(node?: Node): Promise<RunSession | undefined> {
    if (node?.kind !== 'run') {
      const picked = await this.pickRun();
      if (!picked) return undefined;
      node = picked;
    }
    const client = await this.deployments.client(node.deployment.url);
    // The thread is what a person debugs: its runs, oldest first, with the picked one in view.
    let runs: { runId: string; status?: string; kwargs?: unknown }[] = [{ runId: node.run.run_id, status: node.run.status, kwargs: node.run.kwargs }];
    try {
      const listed = await client.listRuns(node.thread.thread_id, { limit: 50 });
      if (listed.some((r) => r.run_id === node.run.run_id)) {
        runs = listed.map((r) => ({ runId: r.run_id, status: r.status, kwargs: r.kwargs, at: r.created_at ?? '' })).sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.runId < y.runId ? -1 : 1));
      }
    } catch (e) {
      log.warn(`open run: could not list the runs of thread ${node.thread.thread_id} (${(e as Error).message}); showing the one run`);
    }
    const session = RunSession.joinThread({ client, deploymentName: node.deployment.name, assistantId: node.assistant.assistant_id, graphId: node.assistant.graph_id, threadId: node.thread.thread_id, runs, focus: node.run.run_id });
    this.track(session);
    TimelinePanel.createOrShow(this.extensionUri, session);
    return session;
  }

  openTimeline(): void {
    TimelinePanel.createOrShow(this.extensionUri, TimelinePanel.active?.currentSession ? undefined : this.activeSession);
  }

  async cancelRun(node?: Node): Promise<void> {
    if (node?.kind === 'run') {
      // A run picked in the tree: cancel it on the server, watched here or not.
      const client = await this.deployments.client(node.deployment.url);
      try {
        const watching = this.sessions.find((x) => x.active && x.info.runId === node.run.run_id);
        if (watching) await watching.cancelOnServer();
        else await client.cancelRun(node.thread.thread_id, node.run.run_id, { action: 'interrupt' });
        void vscode.window.showInformationMessage(`Cancelled run ${shortId(node.run.run_id)} of ${node.assistant.graph_id ?? node.assistant.name ?? 'its assistant'}; it can be continued from its last checkpoint.`);
      } catch (e) {
        void vscode.window.showErrorMessage(`Could not cancel the run: ${(e as Error).message}`);
      }
      this.tree.refresh();
      return;
    }
    const s = this.sessions.slice().reverse().find((x) => x.active);
    if (!s) {
      void vscode.window.showInformationMessage('No LangGraph run is streaming.');
      return;
    }
    try {
      await s.cancelOnServer();
      void vscode.window.showInformationMessage(`Cancelled the ${s.info.graphId ?? s.info.assistantId ?? ''} run ${s.info.runId ? shortId(s.info.runId) : ''}; it can be continued from its last checkpoint.`.replace(/\s+/g, ' '));
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not cancel the run: ${(e as Error).message}`);
    } finally {
      this.tree.refresh();
    }
  }

  /** A session made elsewhere (a recording) joins the list the panel and status bar use. */
  adopt(s: RunSession): void {
    this.track(s);
  }

  private track(s: RunSession): void {
    this.onTrack?.(s);
    if (s.status.phase !== 'recorded') this.remember(s);
    this.sessions.push(s);
    // Keep memory bounded: drop finished sessions beyond the last 20.
    while (this.sessions.length > 20) {
      const i = this.sessions.findIndex((x) => !x.active && x !== TimelinePanel.active?.currentSession);
      if (i < 0) break;
      this.sessions.splice(i, 1)[0].dispose();
    }
  }

  /** Join Run from the palette: deployment → recent thread → run, by names and ages, not ids. */
  private async pickRun(): Promise<Extract<Node, { kind: 'run' }> | undefined> {
    const deployment = await this.pickDeployment('Join a run on which deployment?');
    if (!deployment) return undefined;
    const client = await this.deployments.client(deployment.url);
    try {
      const [threads, assistants] = await Promise.all([
        client.searchThreads({ limit: 30 }),
        client.searchAssistants().catch(() => [] as Assistant[]), // names only: the ids will do without
      ]);
      const graphOf = (t: Thread) => (typeof t.metadata?.graph_id === 'string' ? t.metadata.graph_id : undefined);
      const t = await vscode.window.showQuickPick(
        threads.map((thread) => ({ ...threadPickItem(thread, graphOf(thread)), thread })),
        { title: 'Join Run', placeHolder: threads.length ? 'Thread' : 'No threads on this deployment', matchOnDescription: true, matchOnDetail: true },
      );
      if (!t) return undefined;
      const runs = chronological(await client.listRuns(t.thread.thread_id, { limit: 20 })).reverse(); // newest first
      const states = runStates(runs, t.thread.status);
      const nameOf = (id: string) => {
        const a = assistants.find((x) => x.assistant_id === id);
        return a ? (a.name && a.name !== a.graph_id ? `${a.name} (${a.graph_id})` : a.graph_id) : undefined;
      };
      const r = await vscode.window.showQuickPick(
        runs.map((run, i) => ({
          label: runLabel(run),
          description: [RUN_STATE_TEXT[states[i]], duration(run.created_at, run.updated_at), relTime(run.created_at), nameOf(run.assistant_id)].filter(Boolean).join(' · '),
          detail: `run ${run.run_id}`,
          run,
        })),
        { title: `Join Run on ${t.label.replace(/^\$\([\w~-]+\) /, '')}`, placeHolder: runs.length ? 'Run' : 'No runs on this thread', matchOnDescription: true, matchOnDetail: true },
      );
      if (!r) return undefined;
      const assistantId = r.run.assistant_id;
      const assistant = assistants.find((a) => a.assistant_id === assistantId) ?? { assistant_id: assistantId, graph_id: graphOf(t.thread) ?? assistantId };
      return { kind: 'run', deployment, assistant, thread: t.thread, run: r.run };
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof LangGraphError ? e.message : String(e));
      return undefined;
    }
  }

  async pickDeployment(title: string): Promise<Deployment | undefined> {
    const list = this.deployments.list();
    if (!list.length) {
      const add = await vscode.window.showInformationMessage('No LangGraph deployments yet.', 'Add Deployment');
      return add ? this.addDeployment() : undefined;
    }
    if (list.length === 1) return list[0];
    const pick = await vscode.window.showQuickPick(list.map((d) => ({ label: d.name, description: d.url, d })), { title });
    return pick?.d;
  }

  private async pickAssistant(d: Deployment): Promise<Assistant | undefined> {
    const client = await this.deployments.client(d.url);
    let assistants: Assistant[];
    try {
      assistants = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Loading assistants of ${d.name}…` }, () => client.searchAssistants());
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof LangGraphError ? e.message : String(e));
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      assistants.map((a) => ({ label: a.name || a.graph_id, description: a.graph_id, detail: a.assistant_id, a })),
      { title: `Start run on ${d.name}`, placeHolder: 'Assistant' },
    );
    return pick?.a;
  }
}

const NODE_KINDS: ReadonlySet<string> = new Set<Node['kind']>(['deployment', 'assistant', 'thread', 'run', 'message', 'detected']);

/** A tree item (commands run from the tree get one), not an argument object. */
function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && NODE_KINDS.has(String((v as { kind?: unknown }).kind));
}

function fromNode(n: Node): StartRunArgs {
  switch (n.kind) {
    case 'deployment':
      return { url: n.deployment.url };
    case 'assistant':
      return { url: n.deployment.url, assistantId: n.assistant.assistant_id, graphId: n.assistant.graph_id };
    case 'thread':
    case 'run':
      return { url: n.deployment.url, assistantId: n.assistant.assistant_id, graphId: n.assistant.graph_id, threadId: n.thread.thread_id };
    default:
      return {};
  }
}

function deploymentOf(n?: Node): Deployment | undefined {
  return n && 'deployment' in n ? n.deployment : undefined;
}

function defaultName(url: string): string {
  try {
    const u = new URL(url);
    return u.hostname === '127.0.0.1' || u.hostname === 'localhost' ? `Local (${u.port || '80'})` : u.hostname;
  } catch {
    return url;
  }
}

/** The configured modes, plus `messages-tuple` (the LLM's text as it streams) unless turned off. */
export function withLlmOutput(modes: StreamMode[], on: boolean): StreamMode[] {
  return on && modes.length && !modes.includes('messages-tuple') ? [...modes, 'messages-tuple'] : modes;
}
