// Step Into and Step Out of the `langgraph` debugger in the real workbench, pressed the way a
// person does (the debug toolbar's buttons), checked where a person looks: the stop, the Call
// Stack, the editor at the stop's line, the Variables view, the Debug Console, and the server.
// What the server allows (README "Debugging"): a run pauses only between steps of the root graph,
// so Step Into on `subgraph`'s `child` runs the subgraph's step (its inner steps said in the Debug
// Console) and stops before `finalize`; in `review_team` the subgraph calls interrupt(), so Step
// Into on `team` stops inside it (`team:approve (interrupt)` above `team (interrupt)`), and Step
// Out answers it and stops before the parent's next step, `send`.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { extensionApi, read, screenshot, serverUrl, ui, until } from './harness';
import { copyExamples, endOf, nextStop, stops, threads, trackDebugTraffic, untrackDebugTraffic, type StopBody } from './debugTraffic';

async function start(config: { name: string } & Record<string, unknown>): Promise<vscode.DebugSession> {
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const sub = vscode.debug.onDidStartDebugSession((s) => {
      sub.dispose();
      resolve(s);
    });
  });
  const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], { type: 'langgraph', request: 'launch', deployment: 'Example', ...config });
  assert.ok(ok, 'the debug session started');
  return started;
}

/** The debug toolbar's button, clicked: `Step Into (F11)`, `Step Out (Shift+F11)`. */
async function toolbar(button: 'step-into' | 'step-out' | 'continue'): Promise<void> {
  await ui({ action: 'click', selector: `.debug-toolbar .action-label.codicon-debug-${button}`, timeoutMs: 30_000 });
}

/** The Call Stack's frames as listed (their names, innermost first), once they show `first` on top. */
async function callStack(first: string): Promise<string[]> {
  // A frame's row reads "Stack Frame <name>, line <n>, <file>"; a session or thread row reads otherwise.
  const rows = () => read('.debug-call-stack .monaco-list-row', { attr: 'aria-label' });
  const frames = async () => (await rows()).flatMap((s) => /^Stack Frame (.*), line \d+/.exec(s)?.[1] ?? []);
  await until(`the Call Stack to show ${first} on top`, async () => (await frames())[0] === first, 30_000).catch(async (e: Error) => {
    await screenshot(`debug-step-callstack-${Date.now()}`, 'workbench');
    throw new Error(`${e.message}; it shows: ${(await rows()).join(' | ')}`);
  });
  return frames();
}

/** The editor showing `file` with the cursor on one-based `line`, as the debugger opens a stop. */
async function editorAt(file: vscode.Uri, line: number): Promise<void> {
  await until(`${file.path.split('/').pop()}:${line} open at the stop`, () =>
    vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === file.fsPath && e.selection.active.line === line - 1), 30_000).catch((e: Error) => {
    const now = vscode.window.visibleTextEditors.map((x) => `${x.document.uri.path.split('/').pop()}:${x.selection.active.line + 1}`);
    throw new Error(`${e.message}; visible: ${now.join(', ')}`);
  });
  // The line a person sees marked as the stop: the editor's top-stack-frame decoration.
  await ui({ action: 'waitFor', selector: '.monaco-editor .debug-top-stack-frame-line', timeoutMs: 30_000 });
}

/** The timeline and the stop's source side by side: each the active tab of its own editor group. */
async function sideBySide(source: string): Promise<void> {
  const shown = () => vscode.window.tabGroups.all.map((g) => g.activeTab?.label ?? '');
  const ok = () => {
    const tl = shown().findIndex((l) => l.startsWith('Timeline'));
    const code = shown().indexOf(source);
    return tl >= 0 && code >= 0 && tl !== code;
  };
  await until(`the timeline beside ${source}`, ok, 20_000).catch((e: Error) => {
    throw new Error(`${e.message}: the groups show ${JSON.stringify(shown())}`);
  });
}

/** The Variables view's rows (aria-labels), once one of them matches `want`. */
async function variables(want: RegExp): Promise<string[]> {
  const rows = () => read('.debug-variables .monaco-list-row', { attr: 'aria-label' });
  await until(`the Variables view to show ${want}`, async () => (await rows()).some((r) => want.test(r)), 30_000).catch(async (e: Error) => {
    throw new Error(`${e.message}; it shows: ${(await rows()).join(' | ')}`);
  });
  return rows();
}

/** The Debug Console's text, once it holds `want`. */
async function debugConsole(want: RegExp): Promise<string> {
  await vscode.commands.executeCommand('workbench.debug.action.focusRepl');
  const text = async () => (await read('.repl .monaco-list-row')).join('\n');
  await until(`the Debug Console to say ${want}`, async () => want.test(await text()), 30_000).catch(async (e: Error) => {
    throw new Error(`${e.message}; it says: ${await text()}`);
  });
  return text();
}

async function serverJson<T>(path: string): Promise<T> {
  const res = await fetch(new URL(path, serverUrl()));
  assert.ok(res.ok, `GET ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The thread's runs on the server, oldest first, and its values. */
async function onServer(threadId: string): Promise<{ runs: string[]; values: Record<string, unknown> }> {
  const runs = await serverJson<{ status: string; created_at: string }[]>(`/threads/${threadId}/runs?limit=50`);
  const state = await serverJson<{ values: Record<string, unknown> }>(`/threads/${threadId}/state`);
  return { runs: runs.sort((a, b) => a.created_at.localeCompare(b.created_at)).map((r) => r.status), values: state.values };
}

suite('debugging: Step Into and Step Out in the UI', () => {
  let dir: vscode.Uri;

  suiteSetup(async function () {
    this.timeout(120_000);
    await extensionApi();
    trackDebugTraffic();
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Example', url: serverUrl() });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    // The example project in the workspace, so the frames open at their graph's source.
    dir = await copyExamples(['langgraph.json', 'src/subgraph.ts', 'src/review_team.ts', 'src/util.ts']);
  });

  // A test that failed with its session stopped would leave its frames in the next one's Call Stack.
  teardown(() => vscode.debug.stopDebugging());

  suiteTeardown(async () => {
    untrackDebugTraffic();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await vscode.debug.stopDebugging();
  });

  test('Step Into on a subgraph node (toolbar): its inner steps in the Debug Console, stopped before the parent\'s next step; Continue finishes', async function () {
    this.timeout(240_000);
    const file = vscode.Uri.joinPath(dir, 'src', 'subgraph.ts');
    vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint('child')]);
    let stopped: Promise<StopBody> | undefined;
    const session = await start({ name: 'step into child', assistant: 'subgraph', input: { messages: [] } });
    stopped = until('the first stop', () => stops.get(session.id)?.[0], 90_000);
    const first = await stopped;
    assert.strictEqual(first.reason, 'breakpoint');
    assert.strictEqual(first.description, 'Breakpoint: before child');
    assert.deepStrictEqual(await callStack('child'), ['child']);
    await editorAt(file, 26); // `const child = new StateGraph(State)`: the subgraph `child` runs
    await sideBySide('subgraph.ts');

    stopped = nextStop(session);
    await toolbar('step-into');
    const inner = await stopped;
    assert.strictEqual(inner.reason, 'step');
    assert.strictEqual(inner.description, 'Stepped: before finalize');
    // Stopped before the parent's next step: the subgraph has run, so no frame of it is left.
    assert.deepStrictEqual(await callStack('finalize'), ['finalize']);
    await editorAt(file, 47);
    await sideBySide('subgraph.ts');
    // The root's State after the subgraph: the grandchild ran (depth 2), the trail holds the inner steps.
    const vars = await variables(/^depth, value 2$/);
    assert.ok(vars.some((v) => /^trail, value \(4\) \["parent\.prepare", "child\.child_step"/.test(v)), vars.join(' | '));
    const text = await debugConsole(/child:child_done ran/);
    assert.match(text, /Step Into child: the Agent Server cannot pause before a node inside a subgraph/);
    // Each inner step, in order; `child:grandchild` is the grandchild subgraph's own node in child, done after its step.
    const ran = [...text.matchAll(/(child:[\w:]+) ran \(inside the subgraph\)/g)].map((m) => m[1]);
    assert.deepStrictEqual(ran, ['child:child_step', 'child:grandchild:deep_step', 'child:grandchild', 'child:child_done'], text);
    // The timeline beside draws the subgraph's steps the Step Into streamed.
    const api = await extensionApi();
    const tl = await until('the timeline of the session', () => api.debugTimeline(session.id), 30_000);
    await until('the inner steps in the timeline', () => tl.events.some((e) => e.event === 'updates' && e.ns.length === 2 && 'deep_step' in (e.data as object)), 30_000);
    // ...and shows it, beside the code: the stop's banner (what the stop was, as the Call Stack
    // says it, not "paused at a breakpoint") and the inner step in its node list.
    await ui({ action: 'waitFor', selector: '.banner.interrupt:has-text("Stepped: before finalize"):has-text("stopped by the debugger")', frame: 'webview', timeoutMs: 30_000 });
    await screenshot('debug-step-into-subgraph', 'workbench');

    const ended = endOf(session);
    await toolbar('continue');
    await ended;
    const server = await onServer(threads.get(session.id)!);
    assert.deepStrictEqual(server.runs, ['success', 'success', 'success'], 'the run to the breakpoint, the Step Into, the Continue');
    assert.deepStrictEqual(server.values.trail, ['parent.prepare', 'child.child_step', 'grandchild.deep_step', 'child.child_done', 'parent.finalize']);
  });

  test('Step Into stops inside a subgraph at interrupt(); Step Out answers it and stops before the parent\'s next step', async function () {
    this.timeout(240_000);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const file = vscode.Uri.joinPath(dir, 'src', 'review_team.ts');
    const session = await start({ name: 'step into team', assistant: 'review_team', input: { topic: 'otters' }, stopOnEntry: true });
    let stopped = until('the entry stop', () => stops.get(session.id)?.[0], 90_000);
    assert.strictEqual((await stopped).reason, 'entry');
    await callStack('intake');
    stopped = nextStop(session);
    await ui({ action: 'press', key: 'F10' });
    assert.strictEqual((await stopped).description, 'Stepped: before team');
    assert.deepStrictEqual(await callStack('team'), ['team']);

    stopped = nextStop(session);
    await toolbar('step-into');
    const inside = await stopped;
    assert.strictEqual(inside.reason, 'pause');
    assert.strictEqual(inside.description, 'Paused at interrupt() in team:approve');
    // The subgraph's task above the root task that runs it, the editor at the inner node.
    assert.deepStrictEqual(await callStack('team:approve (interrupt)'), ['team:approve (interrupt)', 'team (interrupt)']);
    await editorAt(file, 19);
    await sideBySide('review_team.ts');
    const vars = await variables(/^Scope State of team/);
    assert.ok(vars.some((v) => /^draft\b.*A note on otters/.test(v)), `the subgraph's own state: ${vars.join(' | ')}`);
    assert.ok(vars.some((v) => /^Scope Interrupt/.test(v)), vars.join(' | '));
    await debugConsole(/team:write_draft ran \(inside the subgraph\)/);
    await ui({ action: 'waitFor', selector: '.banner.interrupt', frame: 'webview', timeoutMs: 30_000 });
    await screenshot('debug-step-into-interrupt', 'workbench');

    stopped = nextStop(session);
    await toolbar('step-out');
    // Step Out at an interrupt() asks for its answer first, offering its options.
    await ui({ action: 'waitFor', selector: '.quick-input-widget .monaco-list-row[aria-label^="approve"]', timeoutMs: 30_000 });
    await ui({ action: 'type', text: 'approve' });
    await ui({ action: 'press', key: 'Enter' });
    const out = await stopped;
    assert.strictEqual(out.reason, 'step');
    assert.strictEqual(out.description, 'Stepped: before send');
    assert.deepStrictEqual(await callStack('send'), ['send']);
    await editorAt(file, 34);
    // The root graph's State again (not the subgraph's), polish's draft in it.
    const after = await variables(/^draft, value "A note on otters \(approve\)"/);
    assert.ok(after.includes('Scope State') && !after.some((v) => /State of team/.test(v)), after.join(' | '));
    const text = await debugConsole(/team:polish ran/);
    assert.match(text, /Step Out of team: the rest of the subgraph runs/);
    await screenshot('debug-step-out', 'workbench');

    const ended = endOf(session);
    await ui({ action: 'press', key: 'F5' });
    await ended;
    const server = await onServer(threads.get(session.id)!);
    assert.strictEqual(server.runs.at(-1), 'success');
    assert.strictEqual((server.values.trail as string[]).at(-1), 'parent.send: A note on otters (approve)');
  });
});
