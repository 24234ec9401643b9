// The extension inside the real VS Code extension host, against the real LangGraph dev server.
import * as assert from 'node:assert';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { extensionApi, screenshot, serverUrl, until } from './harness';
import type { Node } from '../../src/host/deploymentsTree';

suite('LangGraph Timeline extension', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    await extensionApi();
  });

  test('registers its commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['langgraph.addDeployment', 'langgraph.removeDeployment', 'langgraph.startRun', 'langgraph.openTimeline', 'langgraph.cancelRun', 'langgraph.setApiKey', 'langgraph.clearApiKey']) {
      assert.ok(all.includes(id), `${id} is not registered`);
    }
  });

  test('adding a deployment fills the tree with its assistants', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Example', url: serverUrl() });
    const roots = await api.tree.getChildren();
    const dep = roots.find((n): n is Extract<Node, { kind: 'deployment' }> => n.kind === 'deployment' && n.deployment.url === serverUrl());
    assert.ok(dep, `deployment not in tree: ${JSON.stringify(roots)}`);
    assert.strictEqual(dep.deployment.name, 'Example');
    const children = await api.tree.getChildren(dep);
    const graphs = children.flatMap((c) => (c.kind === 'assistant' ? [c.assistant.graph_id] : []));
    for (const g of ['simple', 'parallel', 'subgraph', 'interrupt', 'failing', 'agent']) assert.ok(graphs.includes(g), `assistant ${g} missing: ${graphs}`);
    // The setting holds name + URL only.
    const setting = vscode.workspace.getConfiguration('langgraph').get<unknown[]>('deployments');
    assert.deepStrictEqual(setting?.find((d) => (d as { url: string }).url === serverUrl()), { name: 'Example', url: serverUrl() });
    // Show the sidebar the way a person would see it.
    await vscode.commands.executeCommand('workbench.view.extension.langgraph');
  });

  test('starting a run opens the panel and the panel draws every node event', async function () {
    this.timeout(90_000);
    const api = await extensionApi();
    const session = await vscode.commands.executeCommand<import('../../src/host/runSession').RunSession>('langgraph.startRun', {
      url: serverUrl(), assistantId: 'simple', graphId: 'simple', input: { topic: 'otters' },
    });
    assert.ok(session, 'startRun returned no session');
    await session.done;
    assert.strictEqual(session.status.phase, 'done', `run ended ${session.status.phase}: ${session.status.message}`);
    assert.ok(session.info.runId, 'no run id captured');
    const nodeEvents = session.events.filter((e) => e.event === 'updates');
    assert.ok(nodeEvents.length >= 4, `expected ≥4 node events, got ${nodeEvents.length}`);
    // The webview reports what it has drawn: every event, one execution per node update.
    const rendered = await until('the panel to draw every event', () => {
      const r = api.timeline.lastRendered;
      return r && r.sessionId === session.info.id && r.events === session.events.length ? r : undefined;
    });
    assert.strictEqual(rendered.executions, nodeEvents.length);
    // The server's truth for the model (history, final state) is fetched when the run ends.
    await until('the thread history', () => Array.isArray(session.extras?.history) && (session.extras!.history as unknown[]).length > 0);
    assert.deepStrictEqual(Object.keys((session.extras!.finalState as { values: object }).values).sort().includes('draft'), true);
    assert.ok(api.timeline.active?.panel.visible, 'timeline panel is not visible');
  });

  test('a live run in the panel, in the real workbench (screenshot)', async function () {
    this.timeout(120_000);
    const api = await extensionApi();
    const session = await vscode.commands.executeCommand<import('../../src/host/runSession').RunSession>('langgraph.startRun', {
      url: serverUrl(), assistantId: 'slow', graphId: 'slow', input: {}, streamMode: ['updates', 'tasks'],
    });
    assert.ok(session);
    // Mid-run: some executions drawn, the run still streaming.
    await until('the panel to draw a node while the run streams', () => {
      const r = api.timeline.lastRendered;
      return r && r.sessionId === session.info.id && r.executions >= 2 && session.active;
    }, 60_000);
    const panel = await screenshot('panel-live-webview', 'webview');
    const workbench = await screenshot('panel-live-workbench', 'workbench');
    for (const f of [panel, workbench]) assert.ok(statSync(f).size > 10_000, `${f} looks empty`);
    await session.done;
    assert.strictEqual(session.status.phase, 'done');
  });

  test('a failing node is reported with its error', async function () {
    this.timeout(60_000);
    const session = await vscode.commands.executeCommand<import('../../src/host/runSession').RunSession>('langgraph.startRun', {
      url: serverUrl(), assistantId: 'failing', graphId: 'failing', input: {},
    });
    assert.ok(session);
    await session.done;
    assert.strictEqual(session.status.phase, 'error');
    assert.match(session.status.message ?? '', /simulated failure/);
  });

  test('an unreachable deployment shows a placeholder with the reason', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Nowhere', url: 'http://127.0.0.1:9' });
    const dep = (await api.tree.getChildren()).find((n) => n.kind === 'deployment' && n.deployment.url === 'http://127.0.0.1:9');
    assert.ok(dep);
    const kids = await api.tree.getChildren(dep);
    assert.strictEqual(kids.length, 1);
    const msg = kids[0];
    assert.ok(msg.kind === 'message');
    assert.match(msg.text, /Unreachable/);
    assert.match(msg.detail ?? '', /No LangGraph server at http:\/\/127\.0\.0\.1:9/);
    await vscode.commands.executeCommand('langgraph.removeDeployment', dep);
  });
});
