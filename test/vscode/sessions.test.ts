// Debugging-session commands in the real extension host against the real LangGraph dev server:
// interrupt → resume, cancel, export → reopen, fork, go to node source, secrets stay secret.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi, inspect, serverUrl, ui, until } from './harness';
import type { RunSession } from '../../src/host/runSession';

async function startRun(args: Record<string, unknown>): Promise<RunSession> {
  const s = await vscode.commands.executeCommand<RunSession>('langgraph.startRun', { url: serverUrl(), ...args });
  assert.ok(s, 'startRun returned no session');
  return s;
}

suite('debugging sessions', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    await extensionApi();
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Example', url: serverUrl() });
  });

  test('interrupt, then Resume Interrupt continues the thread with the resume value', async function () {
    this.timeout(90_000);
    const first = await startRun({ assistantId: 'interrupt', graphId: 'interrupt', input: { request: 'refund for order 42' } });
    await first.done;
    assert.strictEqual(first.status.phase, 'interrupted');
    const resumed = await vscode.commands.executeCommand<RunSession>('langgraph.resumeInterrupt', {
      url: serverUrl(), threadId: first.info.threadId, assistantId: 'interrupt', graphId: 'interrupt', resume: { decision: 'approve' },
    });
    assert.ok(resumed);
    await resumed.done;
    assert.strictEqual(resumed.status.phase, 'done', resumed.status.message);
    assert.strictEqual(resumed.info.threadId, first.info.threadId);
    // The thread's story goes on in the same session: the interrupted run is still there.
    assert.strictEqual(resumed, first, 'the resume went on in the session the panel showed');
    const nodes = resumed.events.filter((e) => e.event === 'updates').map((e) => Object.keys(e.data as object)[0]);
    assert.ok(nodes.includes('draft_reply') && nodes.includes('__interrupt__') && nodes.includes('finish'), `the thread's story: ${nodes}`);
    assert.deepStrictEqual(resumed.events.filter((e) => e.event === 'lgt/run').map((e) => (e.data as { kind: string }).kind), ['input', 'resume']);
  });

  test('Cancel Run stops a run on the server', async function () {
    this.timeout(90_000);
    const api = await extensionApi();
    const s = await startRun({ assistantId: 'slow', graphId: 'slow', input: {} });
    await until('the first node of the slow run', () => s.events.some((e) => e.event === 'updates'), 60_000);
    await vscode.commands.executeCommand('langgraph.cancelRun');
    await s.done;
    assert.strictEqual(s.status.phase, 'cancelled', s.status.message);
    assert.ok(s.events.some((e) => e.event === 'lgt/cancelled'), 'the cancel is part of the story');
    const client = await api.deployments.client(serverUrl());
    const run = await until('the run to end on the server', async () => {
      const r = await client.getRun(s.info.threadId!, s.info.runId!);
      return r.status !== 'running' && r.status !== 'pending' ? r : undefined;
    });
    assert.strictEqual(run.status, 'interrupted');
  });

  test('Export Run writes JSON Lines that Open Recorded Run shows again', async function () {
    this.timeout(60_000);
    const api = await extensionApi();
    // Started by the assistant's UUID, as the tree does: the recording must still say "parallel".
    const client = await api.deployments.client(serverUrl());
    const assistant = (await client.searchAssistants()).find((a) => a.graph_id === 'parallel');
    assert.ok(assistant && /^[0-9a-f-]{36}$/.test(assistant.assistant_id), `assistant: ${JSON.stringify(assistant)}`);
    const s = await startRun({ assistantId: assistant.assistant_id, graphId: 'parallel', input: { query: 'otters' }, streamMode: ['updates', 'tasks'] });
    await s.done;
    const dir = vscode.workspace.workspaceFolders![0].uri;
    const file = vscode.Uri.joinPath(dir, 'exported.jsonl');
    await vscode.commands.executeCommand('langgraph.exportRun', { file });
    const lines = new TextDecoder().decode(await vscode.workspace.fs.readFile(file)).trim().split('\n');
    assert.strictEqual(lines.length, s.events.length + 1);
    assert.strictEqual(JSON.parse(lines[0]).type, 'run');
    // The session's own lgt/run comes first (how the run began), then the server's metadata.
    const events = lines.slice(1).map((l) => JSON.parse(l).event as string);
    assert.strictEqual(events[0], 'lgt/run');
    assert.strictEqual(events.find((e) => !e.startsWith('lgt/')), 'metadata');
    const reopened = await vscode.commands.executeCommand<RunSession>('langgraph.openRecording', { file });
    assert.ok(reopened);
    assert.strictEqual(reopened.events.length, s.events.length);
    assert.deepStrictEqual(reopened.events.map((e) => e.data), s.events.map((e) => e.data));
    assert.strictEqual(JSON.parse(lines[0]).graphId, 'parallel');
    assert.strictEqual(reopened.info.title, 'parallel (recorded)');
    const r = await until('the panel to draw the recording', () => {
      const x = api.timeline.lastRendered;
      return x && x.sessionId === reopened.info.id && x.events === s.events.length ? x : undefined;
    });
    assert.ok(r.executions >= 5, `parallel run drew ${r.executions} executions`);
  });

  test('Fork From Here reruns a node from the checkpoint before it', async function () {
    this.timeout(60_000);
    const s = await startRun({ assistantId: 'simple', graphId: 'simple', input: { topic: 'otters' } });
    await s.done;
    const fork = await vscode.commands.executeCommand<RunSession>('langgraph.forkFromHere', { node: 'write', values: null });
    assert.ok(fork, 'no fork session');
    await fork.done;
    assert.strictEqual(fork.status.phase, 'done', fork.status.message);
    assert.strictEqual(fork.info.threadId, s.info.threadId);
    const at = fork.events.map((e) => e.event).lastIndexOf('lgt/run');
    assert.strictEqual((fork.events[at].data as { kind: string }).kind, 'fork');
    const nodes = fork.events.slice(at).filter((e) => e.event === 'updates').map((e) => Object.keys(e.data as object)[0]);
    assert.deepStrictEqual(nodes, ['write', 'review'], `fork ran ${nodes}`);
  });

  test('Go to Node Source from a panel node opens its function in an example graph (nested langgraph.json)', async function () {
    this.timeout(90_000);
    const api = await extensionApi();
    // The example graphs, one folder down in the workspace, the way a project keeps them.
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const nested = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'project', 'examples');
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(ext.extensionUri, 'examples', 'src'), vscode.Uri.joinPath(nested, 'src'), { overwrite: true });
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(ext.extensionUri, 'examples', 'langgraph.json'), vscode.Uri.joinPath(nested, 'langgraph.json'), { overwrite: true });
    const source = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(nested, 'src', 'simple.ts'))).split('\n');
    const want = source.findIndex((l) => l.startsWith('const research = '));
    assert.ok(want > 0);

    const s = await startRun({ assistantId: 'simple', graphId: 'simple', input: { topic: 'otters' } });
    await s.done;
    await until('the panel to draw the run', () => {
      const r = api.timeline.lastRendered;
      return r && r.sessionId === s.info.id && r.events === s.events.length;
    });
    // In the panel, as a person: select research's execution, then its Go to node source button.
    await ui({ action: 'click', frame: 'webview', selector: '.execlist [role="option"][aria-label^="research,"]', timeoutMs: 30_000 });
    await ui({ action: 'click', frame: 'webview', selector: 'button[aria-label="Go to node source"]', timeoutMs: 30_000 });
    const editor = await until('simple.ts to open', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.path.endsWith('/project/examples/src/simple.ts') ? e : undefined;
    });
    assert.strictEqual(editor.selection.active.line, want, `landed on: ${editor.document.lineAt(editor.selection.active.line).text}`);
    assert.strictEqual(editor.document.getText(editor.document.getWordRangeAtPosition(editor.selection.active)), 'research');
  });

  test('Go to Node Source: Python add_node(fn) and add_node("x", fn) across lines; a function defined elsewhere', async () => {
    const dir = vscode.workspace.workspaceFolders![0].uri;
    const ts = 'import { StateGraph } from "@langchain/langgraph";\n\nexport const graph = new StateGraph(S)\n  .addNode("plan", plan)\n  .addNode("research", research)\n  .compile();\n';
    const py = [
      'from langgraph.graph import StateGraph',
      '',
      '',
      'def retrieve(state):',
      '    """add_node("retrieve", not_this)"""',
      '    return {}',
      '',
      '',
      'async def grade_docs(state):',
      '    return {}',
      '',
      '',
      'builder = StateGraph(State)',
      'builder.add_node(retrieve)',
      'builder.add_node(',
      '    "grade",',
      '    grade_docs,',
      ')',
      'graph = builder.compile()',
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'agent', 'graph.ts'), new TextEncoder().encode(ts));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'agent', 'graph.py'), new TextEncoder().encode(py));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'langgraph.json'), new TextEncoder().encode(JSON.stringify({ graphs: { mygraph: './agent/graph.ts:graph', pygraph: './agent/graph.py:graph' } })));
    const go = (node: string, graphId: string) => vscode.commands.executeCommand<vscode.TextEditor>('langgraph.goToNodeSource', { node, graphId });
    const retrieve = await go('retrieve', 'pygraph');
    assert.ok(retrieve?.document.uri.path.endsWith('/agent/graph.py'), retrieve?.document.uri.path);
    assert.strictEqual(retrieve.selection.active.line, 3, 'add_node(retrieve) → def retrieve');
    const grade = await go('grade', 'pygraph');
    assert.strictEqual(grade?.selection.active.line, 8, 'a multi-line add_node("grade", grade_docs) → async def grade_docs');
    // `research` is not defined in graph.ts: the addNode call is the best place there is.
    const research = await go('research', 'mygraph');
    assert.ok(research?.document.uri.path.endsWith('/agent/graph.ts'), research?.document.uri.path);
    assert.strictEqual(research.selection.active.line, 4);
    // A graph id no langgraph.json names, for a node no file adds: nothing opens.
    assert.strictEqual(await go('no_such_node', 'no_such_graph'), undefined);
  });

  test('Go to Node Source from the palette picks among the graph\'s nodes, the selected one first', async function () {
    this.timeout(60_000);
    const api = await extensionApi();
    api.sessionCommands.selectedNode = () => ({ node: 'write', graphId: 'simple' });
    try {
      await ui({ action: 'command', title: 'LangGraph: Go to Node Source' });
      await ui({ action: 'waitFor', selector: '.quick-input-widget input[placeholder="Node"]', timeoutMs: 30_000 });
      const first = await inspect('.quick-input-list .monaco-list-row[data-index="0"]');
      assert.match(first.text ?? '', /^write/, `first row: ${first.text}`);
      await ui({ action: 'press', key: 'Enter' });
      const editor = await until('simple.ts to open', () => {
        const e = vscode.window.activeTextEditor;
        return e && e.document.uri.path.endsWith('/examples/src/simple.ts') && e.document.lineAt(e.selection.active.line).text.startsWith('const write = ') ? e : undefined;
      });
      assert.ok(editor);
    } finally {
      api.sessionCommands.selectedNode = undefined;
    }
  });

  test('an API key lives in SecretStorage only: not in settings, not in the log', async function () {
    this.timeout(60_000);
    const api = await extensionApi();
    const secret = 'lgt-test-key-8f3a91c2';
    await api.deployments.setApiKey(serverUrl(), secret);
    try {
      assert.strictEqual(await api.deployments.hasApiKey(serverUrl()), true);
      const s = await startRun({ assistantId: 'simple', graphId: 'simple', input: { topic: 'keys' } });
      await s.done;
      assert.strictEqual(s.status.phase, 'done');
      const settings = JSON.stringify(vscode.workspace.getConfiguration('langgraph'));
      assert.ok(!settings.includes(secret), 'the key is in settings');
      assert.ok(api.recentLog.length > 0, 'nothing was logged');
      assert.ok(!api.recentLog.some((l) => l.includes(secret)), 'the key is in the log');
    } finally {
      await api.deployments.clearApiKey(serverUrl());
    }
    assert.strictEqual(await api.deployments.hasApiKey(serverUrl()), false);
  });

  test('tree actions: Cancel Run on a run item, Copy ID, Delete Thread', async function () {
    this.timeout(90_000);
    const api = await extensionApi();
    const client = await api.deployments.client(serverUrl());
    // A background run started elsewhere (not watched by the extension), found through the tree.
    const thread = await client.createThread({ metadata: { graph_id: 'slow' } });
    const run = await client.createRun(thread.thread_id, { assistantId: 'slow', input: {} });
    const dep = (await api.tree.getChildren()).find((n) => n.kind === 'deployment' && n.deployment.url === serverUrl())!;
    const slow = (await api.tree.getChildren(dep)).find((n) => n.kind === 'assistant' && n.assistant.graph_id === 'slow')!;
    const threadNode = (await api.tree.getChildren(slow)).find((n) => n.kind === 'thread' && n.thread.thread_id === thread.thread_id);
    assert.ok(threadNode, 'the new thread is not in the tree');
    const runNode = await until('the run in the tree', async () => (await api.tree.getChildren(threadNode)).find((n) => n.kind === 'run' && n.run.run_id === run.run_id));
    await until('the run to be running', async () => (await client.getRun(thread.thread_id, run.run_id)).status === 'running');
    await vscode.commands.executeCommand('langgraph.cancelRun', runNode);
    const ended = await until('the run to stop', async () => {
      const r = await client.getRun(thread.thread_id, run.run_id);
      return r.status !== 'running' && r.status !== 'pending' ? r : undefined;
    });
    assert.strictEqual(ended.status, 'interrupted');
    assert.strictEqual(await vscode.commands.executeCommand('langgraph.copyId', runNode), run.run_id);
    assert.strictEqual(await vscode.env.clipboard.readText(), run.run_id);
    assert.strictEqual(await vscode.commands.executeCommand('langgraph.deleteThread', threadNode, { confirm: false }), true);
    await assert.rejects(client.getThread(thread.thread_id), /not found/);
  });
});
