// VS Code's side of the `langgraph` debugger: the adapter (src/debug, no vscode) runs inline with
// hooks that only the editor has — deployments by name with their keys from SecretStorage, a
// prompt for an interrupt()'s resume value, and the timeline panel following every run.
import * as vscode from 'vscode';
import { LangGraphClient, normalizeBaseUrl, type StreamMode, isStreamMode } from '../client';
import { LangGraphDebugSession } from '../debug/session';
import type { DebugHooks } from '../debug/launch';
import { interruptText } from '../shared/threadText';
import { oneLine } from '../shared/text';
import type { DebugStopNote, RunStart } from '../shared/events';
import { withLlmOutput, type Commands } from './commands';
import type { Deployments } from './deployments';
import { log } from './log';
import { RunSession } from './runSession';
import { TimelinePanel, VIEW_TYPE as TIMELINE_VIEW } from './timelinePanel';

export const DEBUG_TYPE = 'langgraph';

interface Deps {
  extensionUri: vscode.Uri;
  deployments: Deployments;
  commands: Commands;
}

/** The session each debug session's runs are shown in (one thread, one timeline). */
const shown = new Map<string, RunSession>();
/** Stops said before the debug session's timeline was made (its first run's). */
const early = new Map<string, DebugStopNote[]>();

/** The timeline session of a debug session (for the tests). */
export function timelineOf(debugSessionId: string): RunSession | undefined {
  return shown.get(debugSessionId);
}

function hooksFor(session: vscode.DebugSession, d: Deps): DebugHooks {
  return {
    resolveDeployment: async (nameOrUrl) => {
      let url: string | undefined;
      try {
        url = normalizeBaseUrl(nameOrUrl);
      } catch { /* a name */ }
      const dep = d.deployments.list().find((x) => x.name === nameOrUrl || x.url === url);
      if (!dep) return undefined;
      return { url: dep.url, name: dep.name, ...(await d.deployments.connection(dep.url)) };
    },
    askResumeValue: (i) => askResume(i.value, [...i.ns, i.node].join(':')),
    stopped: (s) => {
      const known = shown.get(session.id);
      if (known) known.noteStop(s);
      else early.set(session.id, [...(early.get(session.id) ?? []), s]);
    },
    runStarted: (r) => {
      const known = shown.get(session.id);
      if (known) {
        known.follow(r.runId, r.kind as RunStart['kind']);
        TimelinePanel.createOrShow(d.extensionUri, known);
        return;
      }
      void (async () => {
        const dep = d.deployments.list().find((x) => x.url === r.url);
        const client = dep ? await d.deployments.client(dep.url) : new LangGraphClient({ url: r.url });
        const s = RunSession.join({ client, deploymentName: r.deploymentName, assistantId: r.assistantId, graphId: r.graphId, threadId: r.threadId, runId: r.runId });
        s.info.debugSession = session.name;
        shown.set(session.id, s);
        for (const st of early.get(session.id) ?? []) s.noteStop(st);
        early.delete(session.id);
        d.commands.adopt(s);
        // Beside the editor (createOrShow), so the code the debugger shows stays in view.
        TimelinePanel.createOrShow(d.extensionUri, s);
      })().catch((e) => log.warn(`debug: could not open the timeline: ${(e as Error).message}`));
    },
  };
}

/** Continue at an interrupt() stop: its options to pick from, or a JSON value typed in. */
async function askResume(value: unknown, where: string): Promise<{ value: unknown } | undefined> {
  const t = interruptText(value);
  const title = `Resume ${where}: ${oneLine(t.question, 80)}`;
  if (t.options.length) {
    const other = '$(edit) Another value (JSON)…';
    const pick = await vscode.window.showQuickPick([...t.options.map((o) => ({ label: o, value: o as unknown })), { label: other, value: undefined as unknown }], {
      title,
      placeHolder: 'The value interrupt() returns to the node',
    });
    if (!pick) return undefined;
    if (pick.label !== other) return { value: pick.value };
  }
  const text = await vscode.window.showInputBox({
    title,
    prompt: 'A JSON value: "approve", {"decision": "edit", "text": "…"}, 42',
    value: t.options.length ? JSON.stringify(t.options[0]) : '""',
    validateInput: (s) => {
      try {
        JSON.parse(s);
        return undefined;
      } catch (e) {
        return `Not JSON: ${(e as Error).message}. Strings need double quotes.`;
      }
    },
  });
  return text === undefined ? undefined : { value: JSON.parse(text) };
}

interface LangGraphDebugConfig extends vscode.DebugConfiguration {
  url?: string;
  deployment?: string;
  assistant?: string;
  input?: unknown;
  cwd?: string;
  streamMode?: string[];
}

class ConfigProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly d: Deps) {}

  /** A configuration per assistant of every deployment (launch.json's "Add Configuration", F5's dropdown). */
  async provideDebugConfigurations(): Promise<vscode.DebugConfiguration[]> {
    const out: vscode.DebugConfiguration[] = [];
    for (const dep of this.d.deployments.list()) {
      try {
        const client = await this.d.deployments.client(dep.url);
        const list = await client.searchAssistants({ limit: 50 });
        const graphs = [...new Set(list.map((a) => a.graph_id))];
        for (const g of graphs) out.push({ type: DEBUG_TYPE, request: 'launch', name: `LangGraph: debug ${g} on ${dep.name}`, deployment: dep.name, assistant: g, input: {} });
      } catch (e) {
        log.warn(`debug: cannot list the assistants of ${dep.url}: ${(e as Error).message}`);
      }
    }
    if (out.length === 0) out.push({ type: DEBUG_TYPE, request: 'launch', name: 'LangGraph: debug a run', url: 'http://127.0.0.1:2024', assistant: 'agent', input: {} });
    return out;
  }

  /** F5 with no launch.json: pick an assistant. Fills cwd and streamMode from the workspace. */
  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: LangGraphDebugConfig): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      const all = await this.provideDebugConfigurations();
      if (all.length === 1 && !this.d.deployments.list().length) {
        const add = await vscode.window.showInformationMessage('No LangGraph deployment yet: add one (e.g. your `langgraph dev` at http://127.0.0.1:2024) to debug its runs.', 'Add Deployment');
        if (add) await vscode.commands.executeCommand('langgraph.addDeployment');
        return undefined;
      }
      const pick = all.length === 1 ? { config: all[0] } : await vscode.window.showQuickPick(all.map((c) => ({ label: String(c.assistant), description: String(c.deployment ?? c.url), config: c })), { title: 'Debug which graph?' });
      if (!pick) return undefined;
      config = pick.config as LangGraphDebugConfig;
    }
    config.cwd ??= folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!config.streamMode) {
      // As Start Run does: the configured modes, and the LLM's text as it streams unless turned off.
      const cfg = vscode.workspace.getConfiguration('langgraph');
      const modes = cfg.get<string[]>('streamMode', ['updates', 'tasks']).filter(isStreamMode) as StreamMode[];
      config.streamMode = withLlmOutput(modes.length ? modes : ['updates'], cfg.get<boolean>('streamLlmOutput', true));
    }
    return config;
  }
}

/**
 * A stop's source opens in the active editor group. When that is the timeline's group (no editor
 * was open when the session started, or the timeline was alone in its group), the code covers the
 * timeline: move the timeline beside it, so both stay in view. Only for the focused frame's own
 * source, once it is shown (the editor comes up after the stop is focused), not on the tab changes
 * a person makes.
 */
function keepTimelineBeside(): vscode.Disposable {
  /** The focused frame's file, until the editor showing it has been seen. */
  let awaited: string | undefined;
  const check = () => {
    if (!awaited) return;
    const file = awaited;
    const code = vscode.window.tabGroups.all.find((g) => g.activeTab?.input instanceof vscode.TabInputText && g.activeTab.input.uri.path === file);
    if (!code) return;
    awaited = undefined;
    const panel = TimelinePanel.active?.panel;
    const tl = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(TIMELINE_VIEW)))?.viewColumn ?? panel?.viewColumn;
    log.info(`debug: the stop's source ${file} is in column ${code.viewColumn}, the timeline in ${tl}`);
    if (panel && tl === code.viewColumn) panel.reveal(vscode.ViewColumn.Beside, true);
  };
  return vscode.Disposable.from(
    vscode.debug.onDidChangeActiveStackItem(async (item) => {
      awaited = undefined;
      if (!(item instanceof vscode.DebugStackFrame) || item.session.type !== DEBUG_TYPE) return;
      const r = (await Promise.resolve(item.session.customRequest('stackTrace', { threadId: item.threadId })).catch(() => undefined)) as { stackFrames?: { id: number; source?: { path?: string } }[] } | undefined;
      const now = vscode.debug.activeStackItem; // a new object on each read: compare what it names
      if (!(now instanceof vscode.DebugStackFrame) || now.session.id !== item.session.id || now.frameId !== item.frameId) return; // another stop (or frame) since
      // VS Code hands the path on as a URI where the workspace is remote (code-server: vscode-remote://…).
      const path = r?.stackFrames?.find((f) => f.id === item.frameId)?.source?.path;
      awaited = path ? (/^[a-z][\w+.-]+:\/\//i.test(path) ? vscode.Uri.parse(path) : vscode.Uri.file(path)).path : undefined;
      check();
    }),
    vscode.window.tabGroups.onDidChangeTabs(check),
    vscode.window.tabGroups.onDidChangeTabGroups(check),
  );
}

export function registerDebugger(d: Deps): vscode.Disposable[] {
  const provider = new ConfigProvider(d);
  return [
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: (session) => new vscode.DebugAdapterInlineImplementation(new LangGraphDebugSession(hooksFor(session, d))),
    }),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { provideDebugConfigurations: () => provider.provideDebugConfigurations() }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.onDidTerminateDebugSession((s) => {
      shown.delete(s.id);
      early.delete(s.id);
    }),
    keepTimelineBeside(),
  ];
}
