// Wiring only: build the services, register everything into context.subscriptions.
import * as vscode from 'vscode';
import { Deployments } from './host/deployments';
import { DeploymentsTree } from './host/deploymentsTree';
import { Commands } from './host/commands';
import { CompareRuns } from './host/compareRuns';
import { CodeWatch } from './host/codeWatch';
import { TimelinePanel, VIEW_TYPE } from './host/timelinePanel';
import { initLog, recentLog } from './host/log';
import { SessionCommands } from './host/sessionCommands';
import { ForkStateEditor } from './host/forkStateEditor';
import { RunStatusBar } from './host/statusBar';
import { DeploymentWatch } from './host/watch';
import { registerDebugger, timelineOf } from './host/debug';
import type { RunSession } from './host/runSession';

/** What activate() returns: used by the integration tests (and by nothing secret). */
export interface ExtensionApi {
  commands: Commands;
  sessionCommands: SessionCommands;
  deployments: Deployments;
  tree: DeploymentsTree;
  timeline: typeof TimelinePanel;
  statusBar: RunStatusBar;
  watch: DeploymentWatch;
  recentLog: readonly string[];
  /** The timeline session a debug session's runs are shown in. */
  debugTimeline(debugSessionId: string): RunSession | undefined;
  /** Runs vs code: which nodes' code changed since a session's runs. */
  codeWatch: CodeWatch;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const channel = initLog();
  const deployments = new Deployments(context.secrets);
  const tree = new DeploymentsTree(deployments);
  const commands = new Commands(context.extensionUri, deployments, tree, context.workspaceState);
  const more = new SessionCommands(context.extensionUri, commands, deployments, tree);
  more.forkEditor = ForkStateEditor.register(context);
  // Go to Node Source from the palette offers the node selected in the panel first.
  more.selectedNode = () => {
    const p = TimelinePanel.active;
    return p?.selected && p.selected.ns.length === 0 ? { node: p.selected.node, graphId: p.currentSession?.info.graphId } : undefined;
  };
  const statusBar = new RunStatusBar();
  const compare = new CompareRuns({
    sessions: () => commands.sessions,
    current: () => TimelinePanel.active?.currentSession,
    show: (c) => TimelinePanel.active?.showComparison(c) ?? false,
  });
  const watch = new DeploymentWatch(context.extensionUri, commands, deployments);
  const code = new CodeWatch({
    sessions: () => commands.sessions,
    fork: (a) => more.forkFromHere(a),
    compare: (a, b, fromStep) => compare.compareWith(a, b, { fromStep }),
    changed: (sessionId, nodes, runs) => {
      tree.refresh();
      TimelinePanel.active?.postCode(sessionId, nodes, runs);
    },
  });
  TimelinePanel.codeChanged = (id) => ({ changed: code.changed(id), runs: code.staleRuns(id) });
  tree.staleRun = (runId) => code.staleRun(runId);
  commands.onTrack = (s) => {
    statusBar.track(s);
    void code.track(s, more.recordedCode(s));
  };
  const view = vscode.window.createTreeView('langgraph.deployments', { treeDataProvider: tree, showCollapseAll: true });

  const reg = (id: string, fn: Parameters<typeof vscode.commands.registerCommand>[1]) => vscode.commands.registerCommand(id, fn);
  context.subscriptions.push(
    channel,
    deployments,
    tree,
    view,
    tree.watch(view),
    reg('langgraph.addDeployment', (a) => commands.addDeployment(a)),
    reg('langgraph.removeDeployment', (n) => commands.removeDeployment(n)),
    reg('langgraph.setApiKey', (n) => commands.setApiKey(n)),
    reg('langgraph.clearApiKey', (n) => commands.clearApiKey(n)),
    reg('langgraph.refresh', () => tree.refresh()),
    reg('langgraph.startRun', (a) => commands.startRun(a)),
    reg('langgraph.openRun', (n) => commands.openRun(n)),
    reg('langgraph.openTimeline', () => commands.openTimeline()),
    reg('langgraph.cancelRun', (n) => commands.cancelRun(n)),
    reg('langgraph.showLog', () => channel.show()),
    reg('langgraph.joinRun', (n) => commands.openRun(n)),
    reg('langgraph.exportRun', (a) => more.exportRun(a)),
    reg('langgraph.openRecording', (a) => more.openRecording(a)),
    reg('langgraph.resumeInterrupt', (a) => more.resumeInterrupt(a)),
    reg('langgraph.copyId', (n) => more.copyId(n)),
    reg('langgraph.forkFromHere', (a) => more.forkFromHere(a)),
    reg('langgraph.deleteThread', (n, o) => more.deleteThread(n, o)),
    reg('langgraph.goToNodeSource', (a) => more.goToNodeSource(a)),
    reg('langgraph.watchDeployment', (n) => watch.watch(n)),
    reg('langgraph.stopWatching', () => watch.stop()),
    statusBar,
    compare,
    TimelinePanel.onCompareClosed(() => compare.stop()),
    reg('langgraph.compareWith', (a) => compare.command(a)),
    watch,
    code,
    reg('langgraph.rerunChangedCode', (a?: { runId?: string | null }) => code.rerun(TimelinePanel.active?.currentSession, a?.runId)),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        const p = TimelinePanel.revive(panel, context.extensionUri);
        // After a window reload the host is new and holds no events: rejoin the run it showed.
        const s = commands.activeSession ?? (await commands.rejoinRemembered());
        if (s) p.show(s);
      },
    }),
    { dispose: () => TimelinePanel.active?.dispose() },
    ...registerDebugger({ extensionUri: context.extensionUri, deployments, commands }),
  );
  more.codeOf = (s) => code.fingerprintsOf(s.info.id);
  return { commands, sessionCommands: more, deployments, tree, timeline: TimelinePanel, statusBar, watch, recentLog, debugTimeline: timelineOf, codeWatch: code };
}

export function deactivate(): void {}
