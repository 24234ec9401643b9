// The `langgraph` debugger in the real workbench, driven as a person: a breakpoint toggled on a
// node's line (F9), F5 with no launch.json (pick the graph), the stop shown at that line with the
// state in the Variables view, the timeline beside, then Continue (F5) to the end.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { extensionApi, read, screenshot, serverUrl, ui, until } from './harness';
import { copyExamples, endOf, nextStop, trackDebugTraffic, untrackDebugTraffic } from './debugTraffic';

const WRITE_LINE = 37; // examples/src/simple.ts: inside write's body

suite('debugging a run like a program', () => {
  let file: vscode.Uri;

  suiteSetup(async function () {
    this.timeout(120_000);
    await extensionApi();
    trackDebugTraffic();
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Example', url: serverUrl() });
    // A clean editor area, as after opening a project: the timeline then opens beside the code.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The example project in the workspace: langgraph.json and the graph file the server runs.
    const dir = await copyExamples(['langgraph.json', 'src/simple.ts']);
    file = vscode.Uri.joinPath(dir, 'src', 'simple.ts');
  });

  suiteTeardown(async () => {
    untrackDebugTraffic();
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
    // F5 streams what Start Run does, the LLM's text included (langgraph.streamLlmOutput).
    assert.ok((session.configuration.streamMode as string[]).includes('messages-tuple'), JSON.stringify(session.configuration.streamMode));

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

    // Step Over (F10): one superstep, to the next node.
    const stepped = nextStop(session, 60_000);
    await ui({ action: 'press', key: 'F10' });
    assert.strictEqual((await stepped).reason, 'step');
    await ui({ action: 'waitFor', selector: '.debug-call-stack .monaco-list-row:has-text("review")', timeoutMs: 30_000 });

    const ended = endOf(session);
    await ui({ action: 'press', key: 'F5' });
    await ended;
    await until('the timeline to show the three runs', async () => {
      await tl.done;
      return tl.events.filter((e) => e.event === 'lgt/run').length === 3 && !tl.active;
    }, 60_000);
    assert.deepStrictEqual(tl.events.filter((e) => e.event === 'lgt/run').map((e) => (e.data as { kind: string }).kind), ['input', 'continue', 'continue']);
    assert.strictEqual(tl.status.phase, 'done', tl.status.message);
    const nodes = new Set(tl.events.filter((e) => e.event === 'updates' && e.ns.length === 0).flatMap((e) => Object.keys(e.data as object)));
    assert.deepStrictEqual([...nodes].filter((n) => !n.startsWith('__')).sort(), ['plan', 'research', 'review', 'write']);
    // The story says the later runs went on past the breakpoints (they answered no question).
    await until('the story to tell the three runs', async () => (await read('.story .seg', { frame: 'webview', attr: 'aria-label' })).length === 3, 30_000);
    const segs = await read('.story .seg', { frame: 'webview', attr: 'aria-label' });
    // …and what each stop was (the debugger's own words: a breakpoint, then a step).
    assert.match(segs[1], /^Run 2: went on from run 1's stop \(Breakpoint: before write\), interrupted/, segs.join(' | '));
    assert.match(segs[2], /^Run 3: went on from run 2's stop \(Stepped: before review\), success/, segs.join(' | '));
    await screenshot('debug-finished', 'workbench');
  });
});

suite('debugging: an interrupt() stop answered from the editor', () => {
  test('Continue at an interrupt() offers its options; the pick resumes the run', async function () {
    this.timeout(180_000);
    const folder = vscode.workspace.workspaceFolders![0];
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => {
        sub.dispose();
        resolve(s);
      });
    });
    // What the adapter says, to tell why if it does not stop.
    const said: string[] = [];
    let stopped = false;
    const tap = vscode.debug.registerDebugAdapterTrackerFactory('langgraph', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: { output?: string } }) => {
          if (m.type === 'event' && m.event === 'output' && m.body?.output) said.push(m.body.output);
          if (m.type === 'event' && m.event === 'stopped') stopped = true;
        },
      }),
    });
    const ok = await vscode.debug.startDebugging(folder, { type: 'langgraph', request: 'launch', name: 'interrupt', deployment: 'Example', assistant: 'interrupt', input: { request: 'refund for order 7' } });
    assert.ok(ok, 'the debug session started');
    const session = await started;
    await until('the run to stop', () => stopped || undefined, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; the adapter said: ${said.join('')}`);
    }).finally(() => tap.dispose());
    await ui({ action: 'waitFor', selector: '.debug-call-stack .monaco-list-row:has-text("human_review (interrupt)")', timeoutMs: 30_000 });
    await screenshot('debug-interrupt', 'workbench');
    const ended = endOf(session);
    await ui({ action: 'press', key: 'F5' });
    // The interrupt's options, as a pick.
    await ui({ action: 'waitFor', selector: '.quick-input-widget .monaco-list-row[aria-label^="reject"]', timeoutMs: 30_000 });
    const options = await read('.quick-input-widget .monaco-list-row', { attr: 'aria-label' });
    assert.ok(['approve', 'edit', 'reject'].every((o) => options.some((x) => x.startsWith(o))), options.join(' | '));
    await screenshot('debug-resume-pick', 'workbench');
    await ui({ action: 'type', text: 'reject' });
    await ui({ action: 'press', key: 'Enter' });
    await ended;
    const api = await extensionApi();
    const tl = await until('the timeline of the session', () => api.debugTimeline(session.id) ?? [...api.commands.sessions].reverse().find((x) => x.info.graphId === 'interrupt'), 30_000);
    await until('the resume drawn', async () => {
      await tl.done;
      return tl.events.some((e) => e.event === 'updates' && e.ns.length === 0 && 'finish' in (e.data as object)) && !tl.active;
    }, 60_000);
    const finish = tl.events.find((e) => e.event === 'updates' && 'finish' in (e.data as object))!.data as { finish: { outcome: string } };
    assert.strictEqual(finish.finish.outcome, 'rejected');
  });
});
