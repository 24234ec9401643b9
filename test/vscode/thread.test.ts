// A thread's whole story in the real workbench, driven as a person: the interrupt answered from the
// panel, a fork with an edited state, Cancel Run from the palette mid-node, and a finished run
// reopened from the tree. Screenshots go to test-results/screenshots/ (and are looked at).
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { extensionApi, read, screenshot, showAssistantInTree, serverUrl, ui, until } from './harness';
import type { RunSession } from '../../src/host/runSession';
import { isRecord, type RunStart } from '../../src/shared/events';

const wv = { frame: 'webview' as const };
const starts = (s: RunSession) => s.events.filter((e) => e.event === 'lgt/run').map((e) => e.data as RunStart);

async function startRun(args: Record<string, unknown>): Promise<RunSession> {
  const s = await vscode.commands.executeCommand<RunSession>('langgraph.startRun', { url: serverUrl(), ...args });
  assert.ok(s, 'startRun returned no session');
  return s;
}

/** The execution list's accessible names, as the panel shows them (one row per execution). */
async function rows(): Promise<string[]> {
  return read('.execlist [role="option"]', { ...wv, attr: 'aria-label' });
}

suite('a thread’s story, like a person', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    await extensionApi();
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Example', url: serverUrl() });
  });

  test('interrupt → Resume from the panel: one timeline with both runs, the question and the answer', async function () {
    this.timeout(120_000);
    const s = await startRun({ assistantId: 'interrupt', graphId: 'interrupt', input: { request: 'refund for order 42' } });
    await s.done;
    assert.strictEqual(s.status.phase, 'interrupted');
    // The question as text, its options as buttons.
    await ui({ action: 'waitFor', selector: '.banner.interrupt:has-text("Send this reply?")', ...wv, timeoutMs: 30_000 });
    await screenshot('thread-interrupted', 'webview');
    await ui({ action: 'click', selector: '.banner.interrupt button:has-text("approve")', ...wv });
    await until('the resume to start in the same session', () => starts(s).length === 2, 30_000);
    await s.done;
    assert.strictEqual(s.status.phase, 'done', s.status.message);
    assert.deepStrictEqual(starts(s).map((r) => r.kind), ['input', 'resume']);
    await ui({ action: 'waitFor', selector: '.story .seg:has-text("answer to run 1\'s interrupt at human_review")', ...wv, timeoutMs: 30_000 });
    const segs = await read('.story .seg', { ...wv, attr: 'aria-label' });
    assert.deepStrictEqual(segs.map((x) => x.replace(/:.*, (\w+)$/, ' $1')), ['Run 1 interrupted', 'Run 2 success'], segs.join(' | '));
    const notes = await read('.story .seg-note', wv);
    assert.ok(notes.some((n) => /asked Send this reply\? → answered by run 2 with "approve"/.test(n)), notes.join(' | '));
    // Both runs' executions are in the one timeline, the interrupted one kept.
    await until('both runs drawn', async () => (await rows()).length === 4);
    const names = await rows();
    assert.ok(names.some((n) => /^human_review, .*interrupted/.test(n)), names.join(' | '));
    assert.ok(names.some((n) => /^finish, /.test(n)), names.join(' | '));
    assert.strictEqual((await read('.banner.interrupt', wv)).length, 0, 'no pending interrupt is shown once answered');
    await screenshot('thread-resumed', 'webview');
  });

  test('Fork from the panel with an edited state: a labelled branch from what the server made of the edit', async function () {
    this.timeout(120_000);
    const api = await extensionApi();
    const s = await startRun({ assistantId: 'simple', graphId: 'simple', input: { topic: 'otters' } });
    await s.done;
    assert.strictEqual(s.status.phase, 'done');
    await until('the run drawn', async () => (await rows()).length === 4);
    await ui({ action: 'click', selector: '.execlist [role="option"][aria-label^="research,"]', ...wv });
    await ui({ action: 'click', selector: '.detail button[aria-label^="Fork"]', ...wv });
    // The state at the checkpoint opens in an editor tab, pretty-printed: change the outline there.
    await until('the state to open in an editor', () => vscode.window.activeTextEditor?.document.uri.scheme === 'langgraph-fork', 30_000);
    const ed = vscode.window.activeTextEditor!;
    assert.strictEqual(ed.document.languageId, 'json');
    const before = JSON.parse(ed.document.getText()) as Record<string, unknown>;
    assert.ok(Array.isArray(before.outline) && before.topic === 'otters', ed.document.getText());
    assert.ok(ed.document.lineCount > 3, 'the state is pretty-printed');
    const whole = new vscode.Range(0, 0, ed.document.lineCount, 0);
    // First a broken edit: Fork says what is wrong and keeps the editor open.
    await ed.edit((e) => e.replace(whole, '{"outline": ['));
    const toast = '.notifications-toasts .notification-list-item';
    await ui({ action: 'click', selector: `${toast}:has-text("State before research") .monaco-button:has-text("Fork")`, timeoutMs: 30_000 });
    await ui({ action: 'waitFor', selector: `${toast}:has-text("not valid JSON")`, timeoutMs: 30_000 });
    assert.strictEqual(starts(s).length, 1, 'a broken state started a fork');
    await ed.edit((e) => e.replace(new vscode.Range(0, 0, ed.document.lineCount, 0), JSON.stringify({ ...before, outline: ['only seals'] }, null, 2)));
    await screenshot('thread-fork-editor', 'workbench');
    await ui({ action: 'click', selector: `${toast}:has-text("State before research") .monaco-button:has-text("Fork")`, timeoutMs: 30_000 });
    await until('the fork to start in the same session', () => starts(s).length === 2, 30_000);
    await s.done;
    assert.strictEqual(s.status.phase, 'done', s.status.message);
    const fork = starts(s)[1];
    assert.strictEqual(fork.kind, 'fork');
    assert.strictEqual(fork.fork?.edited, true);
    assert.strictEqual(fork.fork?.node, 'research');
    // The server's state at the fork is the edit as the server reduced it.
    const client = await api.deployments.client(serverUrl());
    const history = await client.getThreadHistory(s.info.threadId!, { limit: 50 });
    const at = history.find((h) => h.checkpoint?.checkpoint_id === fork.fork?.checkpointId);
    assert.ok(at, 'the fork checkpoint is in the history');
    assert.strictEqual(at.metadata?.source, 'update');
    assert.deepStrictEqual((at.values as { outline: string[] }).outline, ['only seals']);
    assert.deepStrictEqual(fork.fork?.values, at.values);
    // The fork re-ran research on the edit.
    const notes = (isRecord((await client.getThreadState(s.info.threadId!)).values) ? ((await client.getThreadState(s.info.threadId!)).values as { notes: string[] }).notes : []);
    assert.ok(notes.includes('fact 1 on only seals'), notes.join(' | '));
    await ui({ action: 'waitFor', selector: '.story .seg:has-text("fork of run 1 from step 2, before research (state edited)")', ...wv, timeoutMs: 30_000 });
    await until('both runs drawn', async () => (await rows()).length === 7);
    // The story's entry brings the fork into view and selects its first execution.
    await ui({ action: 'click', selector: '.story .seg:has-text("fork of run 1")', ...wv });
    const selected = await read('.execlist [role="option"][aria-selected="true"]', { ...wv, attr: 'aria-label' });
    assert.match(selected[0] ?? '', /^research, step 3,/);
    await screenshot('thread-forked', 'webview');
    // The whole thread: the fork's branch leaves run 1's plan for its research.
    await ui({ action: 'press', key: '0', ...wv });
    await screenshot('thread-forked-fit', 'webview');
  });

  test('Cancel Run from the palette mid-node: the run is cancelled and nothing is left running', async function () {
    this.timeout(120_000);
    const s = await startRun({ assistantId: 'slow', graphId: 'slow', input: { delay_ms: 2500 }, streamMode: ['updates', 'tasks'] });
    await until('crunch to be running', () => s.events.some((e) => e.event === 'tasks' && isRecord(e.data) && e.data.name === 'crunch' && !('result' in e.data)), 60_000);
    await ui({ action: 'command', title: 'LangGraph: Cancel Run' });
    await s.done;
    assert.strictEqual(s.status.phase, 'cancelled', s.status.message);
    await ui({ action: 'waitFor', selector: '.pill.phase-cancelled', ...wv, timeoutMs: 30_000 });
    await ui({ action: 'waitFor', selector: '.banner.cancelled button:has-text("Continue")', ...wv });
    const names = await rows();
    assert.ok(names.some((n) => /^crunch, step \d+, cancelled after \d/.test(n)), names.join(' | '));
    assert.ok(!names.some((n) => /running/.test(n)), `still running: ${names.join(' | ')}`);
    await screenshot('thread-cancelled', 'webview');
    // Continue from the last checkpoint: the cancelled node runs again, and the run goes to the end.
    await ui({ action: 'click', selector: '.banner.cancelled button:has-text("Continue")', ...wv });
    await until('the continued run to start in the same session', () => starts(s).length === 2, 30_000);
    await s.done;
    assert.strictEqual(s.status.phase, 'done', s.status.message);
    assert.strictEqual(starts(s)[1].kind, 'continue');
    await ui({ action: 'waitFor', selector: '.story .seg:has-text("continued from its last checkpoint")', ...wv, timeoutMs: 30_000 });
    const after = await rows();
    assert.deepStrictEqual(after.map((n) => n.split(',')[0]), ['warm_up', 'crunch', 'crunch', 'refine', 'polish', 'publish'], after.join(' | '));
  });

  test('a subgraph streamed without stream_subgraphs: the panel says there is more inside', async function () {
    this.timeout(90_000);
    const s = await startRun({ assistantId: 'subgraph', graphId: 'subgraph', input: { messages: [{ role: 'human', content: 'go deep' }] }, streamSubgraphs: false });
    await s.done;
    await ui({ action: 'waitFor', selector: '.banner.note:has-text("child runs a subgraph")', ...wv, timeoutMs: 30_000 });
    assert.deepStrictEqual(s.info.subgraphs, ['child']);
    await screenshot('thread-subgraph-hint', 'webview');
  });

  test('a finished slow run reopened from the tree: its durations are the real ones', async function () {
    this.timeout(180_000);
    const api = await extensionApi();
    const client = await api.deployments.client(serverUrl());
    const thread = await client.createThread({ metadata: { graph_id: 'slow' } });
    const run = await client.createRun(thread.thread_id, { assistantId: 'slow', input: {} });
    await client.waitRun(thread.thread_id, run.run_id);
    await vscode.commands.executeCommand('workbench.view.extension.langgraph');
    const rowSel = '.part.sidebar .monaco-list-row';
    try {
      // Open the deployment's `slow` assistant, the thread and the run the way a person does.
      await showAssistantInTree('slow');
      await ui({ action: 'click', selector: `${rowSel}[aria-label^="Thread ${thread.thread_id},"][aria-expanded="false"]`, timeoutMs: 30_000 });
      await ui({ action: 'click', selector: `${rowSel}[aria-label^="Run ${run.run_id},"]`, timeoutMs: 30_000 });
    } catch (e) {
      await screenshot('thread-reopen-tree-failed', 'workbench');
      throw e;
    }
    const s = await until('the reopened session', () => api.commands.sessions.find((x) => x.info.threadId === thread.thread_id), 30_000);
    await s.done;
    await until('five executions drawn with durations', async () => (await rows()).filter((n) => / took /.test(n)).length === 5, 30_000);
    // The graph's known sleeps: warm_up 600, crunch 1000, refine 900, polish 800, publish 700 ms.
    const SLEEPS: Record<string, number> = { warm_up: 600, crunch: 1000, refine: 900, polish: 800, publish: 700 };
    const took = (await rows()).map((n) => {
      const m = /^(\w+), step \d+, took ([\d.]+) (ms|s)/.exec(n);
      assert.ok(m, n);
      return { node: m[1], ms: Number(m[2]) * (m[3] === 's' ? 1000 : 1) };
    });
    console.log(`      reopened durations: ${took.map((t) => `${t.node} ${t.ms} ms (${(t.ms / SLEEPS[t.node]).toFixed(2)}×)`).join(', ')}`);
    for (const t of took) {
      assert.ok(t.ms >= SLEEPS[t.node] * 0.98, `${t.node} took ${t.ms} ms, less than its ${SLEEPS[t.node]} ms sleep`);
      assert.ok(t.ms <= SLEEPS[t.node] * 1.2, `${t.node} took ${t.ms} ms, over 20% above its ${SLEEPS[t.node]} ms sleep`);
    }
    await ui({ action: 'waitFor', selector: '.clock-tag.server', ...wv });
    await screenshot('thread-reopened', 'webview');
  });
});
