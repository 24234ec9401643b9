// Driven like a person in the real workbench: command palette, quick picks, typing. Screenshots of
// the sidebar and the panel mid-run are written to test-results/screenshots/ (and looked at).
import * as assert from 'node:assert';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { extensionApi, screenshot, serverUrl, ui, until } from './harness';

const input = (placeholder: string) => `.quick-input-widget input[placeholder="${placeholder}"]`;

suite('end to end, like a person', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    const api = await extensionApi();
    // One deployment, so Start Run asks for the assistant straight away.
    for (const d of api.deployments.list()) if (d.url !== serverUrl()) await api.deployments.remove(d.url);
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Example', url: serverUrl() });
    // A thread exists for `slow`, so Start Run offers "New thread" or an existing one.
    const client = await api.deployments.client(serverUrl());
    await client.createThread({ metadata: { graph_id: 'slow' } });
    await vscode.commands.executeCommand('workbench.view.extension.langgraph');
  });

  test('Start Run from the command palette, pick assistant and thread, type a message, watch it live', async function () {
    this.timeout(180_000);
    const api = await extensionApi();
    const before = api.commands.sessions.length;
    await ui({ action: 'command', title: 'LangGraph: Start Run' });
    await ui({ action: 'waitFor', selector: input('Assistant'), timeoutMs: 30_000 });
    await ui({ action: 'type', text: 'slow' });
    // Enter picks the focused row: wait until the filter has made it `slow` (a loaded machine
    // can otherwise press Enter on the unfiltered first row).
    await ui({ action: 'waitFor', selector: '.quick-input-list .monaco-list-row.focused:has-text("slow")', timeoutMs: 30_000 });
    await ui({ action: 'press', key: 'Enter' });
    await ui({ action: 'waitFor', selector: input('Thread'), timeoutMs: 30_000 });
    await ui({ action: 'waitFor', selector: '.quick-input-list .monaco-list-row.focused:has-text("New thread")', timeoutMs: 30_000 });
    await ui({ action: 'press', key: 'Enter' });
    // The input schema is read first (the server type-checks the graph on first use: slow).
    await ui({ action: 'waitFor', selector: input('Hello!'), timeoutMs: 90_000 });
    await ui({ action: 'type', text: 'hi from a person' });
    await ui({ action: 'press', key: 'Enter' });

    const session = await until('a new session', () => api.commands.sessions.length > before && api.commands.sessions[api.commands.sessions.length - 1], 30_000);
    assert.strictEqual(session.info.graphId, 'slow');
    assert.deepStrictEqual(session.info.input, { messages: [{ role: 'human', content: 'hi from a person' }] });
    await until('two executions drawn while the run streams', () => {
      const r = api.timeline.lastRendered;
      return r && r.sessionId === session.info.id && r.executions >= 2 && session.active;
    }, 60_000);
    const shots = [await screenshot('e2e-panel-live', 'webview'), await screenshot('e2e-workbench-live', 'workbench')];
    for (const f of shots) assert.ok(statSync(f).size > 10_000, `${f} looks empty`);
    await session.done;
    assert.strictEqual(session.status.phase, 'done', session.status.message);
    // Default stream modes: updates + tasks, so bars have real durations.
    assert.deepStrictEqual(session.info.streamMode, ['updates', 'tasks']);
    assert.ok(session.events.some((e) => e.event === 'tasks'), 'no tasks events');
  });
});
