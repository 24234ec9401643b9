// The `langgraph` debugger in the real workbench, driven as a person: a breakpoint toggled on a
// node's line (F9), F5 with no launch.json (pick the graph), the stop shown at that line with the
// state in the Variables view, the timeline beside, then Continue (F5) to the end.
import * as assert from 'node:assert';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { extensionApi, read, screenshot, serverUrl, ui, until } from './harness';

const WRITE_LINE = 37; // examples/src/simple.ts: inside write's body

suite('debugging a run like a program', () => {
  let file: vscode.Uri;

  suiteSetup(async function () {
    this.timeout(120_000);
    await extensionApi();
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Example', url: serverUrl() });
    // A clean editor area, as after opening a project: the timeline then opens beside the code.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The example project in the workspace: langgraph.json and the graph file the server runs.
    const ws = vscode.workspace.workspaceFolders![0].uri;
    const dir = vscode.Uri.joinPath(ws, 'agent');
    // This bundle is dist/test/vscode/index.js: the repository is three folders up.
    const src = (p: string) => vscode.Uri.file(join(__dirname, '..', '..', '..', 'examples', p));
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(dir, 'src'));
    await vscode.workspace.fs.copy(src('langgraph.json'), vscode.Uri.joinPath(dir, 'langgraph.json'), { overwrite: true });
    file = vscode.Uri.joinPath(dir, 'src', 'simple.ts');
    await vscode.workspace.fs.copy(src('src/simple.ts'), file, { overwrite: true });
  });

  suiteTeardown(async () => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await vscode.debug.stopDebugging();
  });

  test('F9 on a node line, F5: stops there with the state in Variables; Continue finishes; the timeline follows', async function () {
    this.timeout(180_000);
    const editor = await vscode.window.showTextDocument(file, { viewColumn: vscode.ViewColumn.One });
    const at = new vscode.Position(WRITE_LINE - 1, 2);
    editor.selection = new vscode.Selection(at, at);
    // F9's command (the key itself is the browser's in code-server's headless Chromium).
    await vscode.commands.executeCommand('editor.debug.action.toggleBreakpoint');
    await until('the breakpoint set', () => vscode.debug.breakpoints.some((b) => b instanceof vscode.SourceBreakpoint && b.location.range.start.line === WRITE_LINE - 1), 20_000);

    const started = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => {
        sub.dispose();
        resolve(s);
      });
    });
    await ui({ action: 'press', key: 'F5' });
    // No launch.json: VS Code lists the debuggers, then ours asks which graph.
    await ui({ action: 'waitFor', selector: '.quick-input-widget .quick-input-box input', timeoutMs: 30_000 });
    const rowsShown = await read('.quick-input-widget .monaco-list-row', { attr: 'aria-label' });
    if (rowsShown.some((r) => /^LangGraph/.test(r)) && !rowsShown.some((r) => /^simple/.test(r))) {
      await ui({ action: 'type', text: 'LangGraph' });
      await ui({ action: 'press', key: 'Enter' });
      await ui({ action: 'waitFor', selector: '.quick-input-widget .monaco-list-row[aria-label^="simple"]', timeoutMs: 30_000 });
    }
    await ui({ action: 'type', text: 'simple' });
    await ui({ action: 'press', key: 'Enter' });
    const session = await started;
    assert.strictEqual(session.type, 'langgraph');

    await until('the run to stop', () => vscode.debug.activeStackItem instanceof vscode.DebugStackFrame, 60_000);
    const ed = await until('the editor at the stop', () => {
      const e = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors.find((x) => x.document.uri.fsPath === file.fsPath);
      return e && e.document.uri.fsPath === file.fsPath && e.selection.active.line === WRITE_LINE - 1 ? e : undefined;
    }, 30_000);
    assert.ok(ed);
    // The Call Stack and Variables as the person sees them.
    await ui({ action: 'waitFor', selector: '.debug-call-stack .monaco-list-row:has-text("write")', timeoutMs: 30_000 });
    await ui({ action: 'waitFor', selector: '.debug-variables .monaco-list-row:has-text("topic")', timeoutMs: 30_000 });
    const vars = await read('.debug-variables .monaco-list-row', { attr: 'aria-label' });
    assert.ok(vars.some((v) => /topic/.test(v) && /otters|"/.test(v)), vars.join(' | '));
    assert.ok(vars.some((v) => /^notes/.test(v)), vars.join(' | '));
    // The timeline beside says who moves the thread on, and offers no Resume that would race the debugger.
    await ui({ action: 'waitFor', selector: '.banner.interrupt:has-text("stopped by the debugger")', frame: 'webview', timeoutMs: 30_000 });
    assert.deepStrictEqual(await read('.banner.interrupt button', { frame: 'webview' }), []);
    const api = await extensionApi();
    const tl = await until('the timeline to follow the run', () => api.debugTimeline(session.id), 30_000);
    await screenshot('debug-stopped', 'workbench');

    const ended = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.id === session.id) {
          sub.dispose();
          resolve();
        }
      });
    });
    await ui({ action: 'press', key: 'F5' });
    await ended;
    await until('the timeline to show both runs', async () => {
      await tl.done;
      return tl.events.filter((e) => e.event === 'lgt/run').length === 2 && !tl.active;
    }, 60_000);
    assert.strictEqual(tl.status.phase, 'done', tl.status.message);
    const nodes = new Set(tl.events.filter((e) => e.event === 'updates' && e.ns.length === 0).flatMap((e) => Object.keys(e.data as object)));
    assert.deepStrictEqual([...nodes].filter((n) => !n.startsWith('__')).sort(), ['plan', 'research', 'review', 'write']);
    await screenshot('debug-finished', 'workbench');
  });
});
