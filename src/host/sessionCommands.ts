// Commands on runs and threads beyond starting one: export / open recordings, resume an
// interrupt, copy ids, delete a thread, go to a node's source.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { ForkStateEditor } from './forkStateEditor';
import { RecordingReader, serializeRecording } from '../shared/recording';
import { sessionGraphOf } from '../shared/assistantGraph';
import { isRecord } from '../shared/events';
import { deepEqual } from '../shared/diff';
import { interruptText, pendingInterruptValues } from '../shared/threadText';
import type { Commands } from './commands';
import type { Deployments } from './deployments';
import type { DeploymentsTree, Node } from './deploymentsTree';
import { findNodeSource, isMiss, sourceNodes, type SourceNode } from './nodeSource';
import { RunSession } from './runSession';
import { TimelinePanel } from './timelinePanel';
import { log } from './log';
import { isUuid, shortId } from '../shared/ids';
import { plural } from '../shared/text';

export class SessionCommands {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly commands: Commands,
    private readonly deployments: Deployments,
    private readonly tree: DeploymentsTree,
  ) {}

  /** Where Fork From Here lets the person edit the state (set by the wiring). */
  forkEditor?: ForkStateEditor;

  /** Runs vs code: the fingerprints of the session's nodes to write into its recording (set by the wiring). */
  codeOf?: (s: RunSession) => Record<string, string> | undefined;
  private readonly recorded = new WeakMap<RunSession, Record<string, string>>();

  /** The code fingerprints a recording was made with, read when it was opened. */
  recordedCode(s: RunSession): Record<string, string> | undefined {
    return this.recorded.get(s);
  }

  /** Write the shown run as the recorder's JSON Lines. No API key is ever part of a session. */
  async exportRun(arg?: { file?: vscode.Uri }): Promise<vscode.Uri | undefined> {
    const s = this.commands.activeSession;
    if (!s) {
      void vscode.window.showInformationMessage('No run to export: open a run in the timeline first.');
      return undefined;
    }
    const name = runName(s.info.graphId, s.info.assistantId);
    const file = arg?.file ?? (await vscode.window.showSaveDialog({
      title: 'Export LangGraph Run',
      filters: { 'LangGraph run (JSON Lines)': ['jsonl'] },
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), `${name ?? 'run'}-${shortId(s.info.runId ?? 'unknown')}.jsonl`),
    }));
    if (!file) return undefined;
    const text = serializeRecording({
      header: {
        type: 'run', version: 1, url: s.info.url, assistantId: s.info.assistantId, graphId: s.info.graphId, threadId: s.info.threadId ?? null,
        runId: s.info.runId ?? null, streamMode: s.info.streamMode, input: s.info.input, startedAt: s.info.startedAt,
        extras: s.extras,
        ...(s.graph ? { graph: s.graph } : {}),
        ...(this.codeOf?.(s) ? { code: this.codeOf(s) } : {}),
      },
      events: s.events,
    });
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
    log.info(`exported ${plural(s.events.length, 'event')} to ${file.fsPath}`);
    if (!arg?.file) void offerOpenReveal(`Exported the ${name ?? 'LangGraph'} run (${plural(s.events.length, 'event')}) to ${vscode.workspace.asRelativePath(file)}.`, file);
    return file;
  }

  async openRecording(arg?: { file?: vscode.Uri } | vscode.Uri): Promise<RunSession | undefined> {
    let file = arg instanceof vscode.Uri ? arg : arg?.file;
    if (!file) {
      const picked = await vscode.window.showOpenDialog({ title: 'Open Recorded LangGraph Run', filters: { 'LangGraph run (JSON Lines)': ['jsonl', 'json'] }, canSelectMany: false });
      file = picked?.[0];
    }
    if (!file) return undefined;
    try {
      const reader = new RecordingReader(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
      // The first events are read now: a file that is not a recording fails here, before a panel opens.
      const h = reader.header;
      // Older recordings have no graphId; their assistantId is the graph's name unless it is a UUID.
      const graphId = typeof h.graphId === 'string' ? h.graphId : isUuid(h.assistantId) ? undefined : h.assistantId;
      const session = RunSession.readRecording(
        { title: `${graphId ?? 'run'} (recorded)`, url: h.url, assistantId: h.assistantId, graphId, threadId: h.threadId, runId: h.runId, streamMode: h.streamMode, startedAt: h.startedAt, input: h.input },
        reader,
        h.extras,
      );
      session.graph = sessionGraphOf(h.graph) ?? undefined;
      if (isRecord(h.code)) this.recorded.set(session, Object.fromEntries(Object.entries(h.code).filter(([, v]) => typeof v === 'string')) as Record<string, string>);
      this.commands.adopt(session);
      TimelinePanel.createOrShow(this.extensionUri, session);
      return session;
    } catch (e) {
      void vscode.window.showErrorMessage(`Cannot open ${vscode.workspace.asRelativePath(file)}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Resume an interrupted thread: show what the interrupt asks, take the resume value as JSON. */
  async resumeInterrupt(arg?: Node | { url: string; threadId: string; assistantId: string; graphId?: string; resume?: unknown }): Promise<RunSession | undefined> {
    let url: string | undefined;
    let threadId: string | undefined;
    let assistantId: string | undefined;
    let graphId: string | undefined;
    let resume: unknown;
    let hasResume = false;
    if (arg && 'kind' in arg) {
      if (arg.kind !== 'thread' && arg.kind !== 'run') return undefined;
      ({ url } = arg.deployment);
      threadId = arg.thread.thread_id;
      assistantId = arg.assistant.assistant_id;
      graphId = arg.assistant.graph_id;
    } else if (arg) {
      ({ url, threadId, assistantId, graphId } = arg);
      if ('resume' in arg) {
        resume = arg.resume;
        hasResume = true;
      }
    } else {
      const s = this.commands.activeSession;
      if (!s?.info.url || !s.info.threadId || !s.info.assistantId) {
        void vscode.window.showInformationMessage('Pick an interrupted thread in the LangGraph view to resume it.');
        return undefined;
      }
      ({ url, threadId, assistantId, graphId } = { url: s.info.url, threadId: s.info.threadId, assistantId: s.info.assistantId, graphId: s.info.graphId });
    }
    const client = await this.deployments.client(url!);
    if (!hasResume) {
      const state = await client.getThreadState(threadId!);
      const values = pendingInterruptValues(state) ?? [];
      const said = values.map(interruptText);
      const asks = said.length
        ? said.map((t) => `${t.question}${t.options.length ? ` (${t.options.join(' / ')})` : ''}`).join('; ')
        : state.next.length ? `paused before ${state.next.join(', ')} (breakpoint)` : 'nothing is pending on this thread';
      const first = said[0]?.options[0];
      const text = await vscode.window.showInputBox({
        title: `Resume thread ${shortId(threadId!)}`,
        prompt: `The interrupt asks: ${asks.slice(0, 300)} — resume value as JSON`,
        value: JSON.stringify(first ?? 'yes'),
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            JSON.parse(v);
            return undefined;
          } catch (e) {
            return `Not valid JSON: ${(e as Error).message}`;
          }
        },
      });
      if (text === undefined) return undefined;
      resume = JSON.parse(text);
    }
    return this.commands.startRun({ url, assistantId, graphId, threadId, command: { resume } });
  }

  /**
   * Fork From Here: a new run on the same thread from the checkpoint taken just before `node`
   * ran (LangGraph's time travel), so the node runs again (e.g. after you changed its code). The
   * person may first edit the state at that checkpoint: the changed keys go to the server as that
   * checkpoint's writer's update (its reducers apply), and the run starts from what the server made
   * of it. `values` (tests, other commands) skips the question.
   */
  async forkFromHere(arg?: { node: string; step?: number; runId?: string; values?: Record<string, unknown> | null }): Promise<RunSession | undefined> {
    const s = this.commands.activeSession;
    if (!arg?.node || !s?.info.url || !s.info.threadId || !s.info.assistantId) {
      void vscode.window.showInformationMessage('Select a node execution of a run in the timeline to fork from it.');
      return undefined;
    }
    const threadId = s.info.threadId;
    const client = await this.deployments.client(s.info.url);
    const history = await client.getThreadHistory(threadId, { limit: 500 });
    const byId = new Map(history.map((h) => [h.checkpoint?.checkpoint_id, h]));
    // Checkpoints whose next step runs this node, oldest first; the execution's own run first.
    const before = history
      .filter((h) => Array.isArray(h.next) && h.next.includes(arg.node))
      .sort((a, b) => stepOf(a) - stepOf(b));
    const atStep = before.filter((h) => arg.step !== undefined && arg.step >= 0 && stepOf(h) === arg.step - 1);
    const childOfRun = (h: (typeof history)[number]) => history.some((c) => c.parent_checkpoint?.checkpoint_id === h.checkpoint?.checkpoint_id && c.metadata?.run_id === arg.runId);
    const pick = atStep.find((h) => h.metadata?.run_id === arg.runId || childOfRun(h)) ?? atStep[0] ?? before[0];
    const checkpointId = pick?.checkpoint?.checkpoint_id;
    if (!pick || !checkpointId) {
      void vscode.window.showWarningMessage(`No checkpoint of thread ${shortId(threadId)} runs "${arg.node}" next; cannot fork from it.`);
      return undefined;
    }
    const step = stepOf(pick);
    const values = isRecord(pick.values) ? pick.values : {};
    let edited: Record<string, unknown> | null = arg.values === undefined ? null : arg.values;
    if (arg.values === undefined) {
      if (!this.forkEditor) return undefined;
      const next = await this.forkEditor.edit(
        `State before ${arg.node} (step ${step + 1}) of thread ${shortId(threadId)}`,
        values,
        "Keys you change are written as the previous node's update (its reducers apply); unchanged, the run starts again as it was.",
      );
      if (next === undefined) return undefined;
      const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => !deepEqual(values[k], v)));
      edited = Object.keys(changed).length ? changed : null;
    }
    let from = checkpointId;
    let forkValues = values;
    if (edited) {
      // The node that wrote this checkpoint: the tasks of its parent (the thread's input: __start__).
      const parent = pick.parent_checkpoint?.checkpoint_id ? byId.get(pick.parent_checkpoint.checkpoint_id) : undefined;
      const asNode = (parent?.tasks ?? []).map((t) => (isRecord(t) && typeof t.name === 'string' ? t.name : '')).find(Boolean);
      try {
        const res = await client.updateThreadState(threadId, { values: edited, checkpointId, asNode });
        const id = res.checkpoint?.checkpoint_id;
        if (!id) throw new Error('the server did not say which checkpoint it wrote');
        from = id;
        const state = await client.getThreadState(threadId);
        forkValues = isRecord(state.values) ? state.values : {};
        log.info(`fork: thread ${threadId}: state updated at ${checkpointId} as ${asNode ?? '(default)'} (keys ${Object.keys(edited).join(', ')}) → checkpoint ${id}`);
      } catch (e) {
        void vscode.window.showErrorMessage(`Could not change the state of thread ${shortId(threadId)}: ${(e as Error).message}`);
        return undefined;
      }
    }
    log.info(`fork: thread ${threadId} from checkpoint ${from} (before ${arg.node})`);
    const fork = { checkpointId: from, step: edited ? step + 1 : step, node: arg.node, ...(typeof pick.metadata?.run_id === 'string' ? { fromRunId: pick.metadata.run_id } : arg.runId ? { fromRunId: arg.runId } : {}), ...(edited ? { edited: true } : {}), values: forkValues };
    return this.commands.startRun({ url: s.info.url, assistantId: s.info.assistantId, graphId: s.info.graphId, threadId, checkpointId: from, input: null, how: 'fork', fork });
  }

  async copyId(node?: Node): Promise<string | undefined> {
    const id = node?.kind === 'run' ? node.run.run_id : node?.kind === 'thread' ? node.thread.thread_id : node?.kind === 'assistant' ? node.assistant.assistant_id : node?.kind === 'deployment' ? node.deployment.url : this.commands.activeSession?.info.runId ?? undefined;
    if (!id) return undefined;
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(`Copied ${id}`, 3000);
    return id;
  }

  async deleteThread(node?: Node, opts?: { confirm?: boolean }): Promise<boolean> {
    if (node?.kind !== 'thread') return false;
    if (opts?.confirm !== false) {
      const ok = await vscode.window.showWarningMessage(`Delete thread ${node.thread.thread_id}? Its runs and checkpoints are removed from ${node.deployment.name}.`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return false;
    }
    const client = await this.deployments.client(node.deployment.url);
    await client.deleteThread(node.thread.thread_id);
    log.info(`deleted thread ${node.thread.thread_id} on ${node.deployment.url}`);
    this.tree.refresh();
    return true;
  }

  /**
   * The node the timeline has selected, put first in Go to Node Source's pick from the palette.
   * A seam for the panel to fill (`sessionCommands.selectedNode = () => …`); unset, the pick
   * starts with the shown run's graph.
   */
  selectedNode?: () => { node: string; graphId?: string } | undefined;

  /** Open the node's function: the panel passes the node; from the palette, pick one of the graph's. */
  async goToNodeSource(arg?: { node?: string; graphId?: string }): Promise<vscode.TextEditor | undefined> {
    let node = arg?.node;
    let graphId = arg?.graphId ?? this.commands.activeSession?.info.graphId;
    if (!node) {
      const selected = this.selectedNode?.();
      const nodes = await sourceNodes(selected?.graphId ?? graphId);
      if (!nodes.length) {
        void vscode.window.showInformationMessage('Go to Node Source: no langgraph.json in this workspace names a graph file that adds nodes. Open the folder of your LangGraph project (the one with langgraph.json).');
        return undefined;
      }
      const first = (n: SourceNode) => (selected && n.node === selected.node ? 0 : n.graphId === (selected?.graphId ?? graphId) ? 1 : 2);
      const items = nodes
        .map((n, i) => ({ n, i }))
        .sort((a, b) => first(a.n) - first(b.n) || a.i - b.i)
        .map(({ n }) => ({ label: n.node, description: n.graphId, detail: `${vscode.workspace.asRelativePath(n.uri)}:${n.line + 1}`, n }));
      const pick = await vscode.window.showQuickPick(items, { title: 'Go to Node Source', placeHolder: 'Node', matchOnDescription: true });
      if (!pick) return undefined;
      node = pick.n.node;
      graphId = pick.n.graphId;
    }
    const found = await findNodeSource(graphId, node);
    if (isMiss(found)) {
      const why = found.missing === 'config'
        ? 'no langgraph.json in this workspace. Open the folder of your LangGraph project (the one with langgraph.json).'
        : found.missing === 'graph'
          ? `no langgraph.json in this workspace names graph "${graphId}" (they name ${found.graphIds.map((g) => `"${g}"`).join(', ')}), and no other graph file adds it.`
          : `none of ${found.files.map((f) => vscode.workspace.asRelativePath(f)).join(', ')} adds it with addNode("${node}", …) or add_node.`;
      void vscode.window.showInformationMessage(`Go to Node Source: cannot find node "${node}": ${why}`);
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(found.uri);
    const pos = new vscode.Position(found.line, found.character);
    const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }
}

/** A run's graph name for titles and file names: the graph id, or the assistant id when it is a name. */
function runName(graphId: string | undefined, assistantId: string | undefined): string | undefined {
  return graphId ?? (isUuid(assistantId) ? undefined : assistantId);
}

/** A toast with Open and Reveal for a file just written. */
async function offerOpenReveal(message: string, file: vscode.Uri): Promise<void> {
  // The OS file manager is there only when the extension runs on the desktop, next to the files.
  const os = vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName && file.scheme === 'file';
  const inWorkspace = !!vscode.workspace.getWorkspaceFolder(file);
  const reveal = os ? (process.platform === 'darwin' ? 'Reveal in Finder' : process.platform === 'win32' ? 'Reveal in File Explorer' : 'Open Containing Folder') : inWorkspace ? 'Reveal in Explorer' : undefined;
  const choice = await vscode.window.showInformationMessage(message, 'Open', ...(reveal ? [reveal] : []));
  if (choice === 'Open') await vscode.window.showTextDocument(file, { preview: false });
  else if (choice && choice === reveal) await vscode.commands.executeCommand(os ? 'revealFileInOS' : 'revealInExplorer', file);
}

function stepOf(h: { metadata?: Record<string, unknown> }): number {
  const st = h.metadata?.step;
  return typeof st === 'number' ? st : -2;
}
