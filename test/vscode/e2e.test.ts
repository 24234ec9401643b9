// Driven like a person in the real workbench: command palette, quick picks, typing. Screenshots of
// the sidebar and the panel mid-run are written to test-results/screenshots/ (and looked at).
import * as assert from 'node:assert';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { extensionApi, inspect, screenshot, serverUrl, ui, until } from './harness';
import { DEFAULT_INPUT_TEXT } from '../../src/shared/runInputParse';
import { shortId } from '../../src/shared/ids';
import { plural } from '../../src/shared/text';

const input = (placeholder: string) => `.quick-input-widget input[placeholder="${placeholder}"]`;
const INPUT_BOX = '.quick-input-widget .quick-input-box input';

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
    const before = new Set(api.commands.sessions); // (the list is capped at 20: count by identity)
    const traced = api.commands.inputTrace.length;
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
    // The input box opens at once with the example, the keyboard focus in it; the input schema
    // (slow on the server's first use of a graph: it type-checks it) is read meanwhile.
    await ui({ action: 'waitFor', selector: '.quick-input-widget .quick-input-title:has-text("Start run on slow")', timeoutMs: 30_000 });
    const shown = await inspect(INPUT_BOX);
    assert.strictEqual(shown.value, DEFAULT_INPUT_TEXT, 'the box did not open with the example');
    assert.ok(shown.focused, 'the keyboard focus is not in the input box');
    const events = () => api.commands.inputTrace.slice(traced);
    assert.deepStrictEqual(events()[0], { kind: 'shown', value: DEFAULT_INPUT_TEXT, schemaPending: true }, `the box was shown after: ${JSON.stringify(events())}`);
    // `slow`'s schema has no properties: when it arrives the example stays, and so does the focus.
    const schema = await until('the input schema', () => events().find((e) => e.kind === 'schema'), 90_000);
    assert.deepStrictEqual(schema, { kind: 'schema', refined: false, value: DEFAULT_INPUT_TEXT });
    const after = await inspect(INPUT_BOX);
    assert.deepStrictEqual([after.value, after.focused], [DEFAULT_INPUT_TEXT, true]);
    await screenshot('e2e-start-run-input', 'workbench');
    // The example is selected: typing replaces it, and plain text goes as a human message.
    await ui({ action: 'type', text: 'hi from a person' });
    await ui({ action: 'press', key: 'Enter' });

    const session = await until('a new session', () => api.commands.sessions.find((s) => !before.has(s)), 30_000);
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
    // Default stream modes: updates + tasks, so bars have real durations, and messages-tuple for
    // what an LLM streams (langgraph.streamLlmOutput).
    assert.deepStrictEqual(session.info.streamMode, ['updates', 'tasks', 'messages-tuple']);
    assert.ok(session.events.some((e) => e.event === 'tasks'), 'no tasks events');

    // Export Run from the palette: the save dialog offers a file named after the graph; the toast
    // says what was written and opens it.
    await ui({ action: 'command', title: 'LangGraph: Export Run' });
    await ui({ action: 'waitFor', selector: '.quick-input-widget .quick-input-title:has-text("Export LangGraph Run")', timeoutMs: 30_000 });
    // (The simple file dialog fills in the folder first, then the name.)
    const target = await until('the file name in the save dialog', async () => {
      const v = (await inspect(INPUT_BOX)).value;
      return v?.endsWith('.jsonl') ? v : undefined;
    });
    assert.match(target, new RegExp(`/slow-${shortId(session.info.runId!)}\\.jsonl$`), `save dialog: ${target}`);
    await ui({ action: 'press', key: 'Enter' });
    const toast = `.notifications-toasts .notification-list-item:has-text("Exported the slow run (${plural(session.events.length, 'event')})")`;
    await ui({ action: 'waitFor', selector: toast, timeoutMs: 30_000 });
    await ui({ action: 'waitFor', selector: `${toast} .monaco-button:has-text("Reveal in Explorer")` });
    await new Promise((r) => setTimeout(r, 800)); // the toast slides in: a picture, not an assertion
    assert.ok(statSync(await screenshot('e2e-export-toast', 'workbench')).size > 10_000);
    await ui({ action: 'click', selector: `${toast} .monaco-button:has-text("Open")` });
    const opened = await until('the exported file to open', () => {
      const e = vscode.window.activeTextEditor;
      return e && target.endsWith(e.document.uri.path) ? e : undefined;
    });
    assert.strictEqual(JSON.parse(opened.document.lineAt(0).text).graphId, 'slow');
    assert.strictEqual(opened.document.getText().trim().split('\n').length, session.events.length + 1, 'a header line and one line per event');
  });
});
