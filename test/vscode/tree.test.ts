// The Deployments tree tells a thread's state, in the real workbench against the real example
// server: an interrupted thread says what it asks (tooltip) and offers Resume inline; the run that
// stopped there waits, the one that answered it says so; a cancelled run reads cancelled; ages are
// redrawn only while the view is visible. Screenshots in the dark and the light theme.
import * as assert from 'node:assert';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi, inspect, screenshot, serverUrl, ui, until } from './harness';
import type { Node } from '../../src/host/deploymentsTree';
import type { RunSession } from '../../src/host/runSession';

type Of<K extends Node['kind']> = Extract<Node, { kind: K }>;
const ROWS = '.part.sidebar .monaco-list-row';
const REQUEST = 'refund for order 42, please';

async function nodes() {
  const api = await extensionApi();
  const dep = (await api.tree.getChildren()).find((n): n is Of<'deployment'> => n.kind === 'deployment' && n.deployment.url === serverUrl());
  assert.ok(dep, 'the example deployment is not in the tree');
  const assistants = (await api.tree.getChildren(dep)).filter((n): n is Of<'assistant'> => n.kind === 'assistant');
  const threadOf = async (graph: string, threadId: string) => {
    const a = assistants.find((x) => x.assistant.graph_id === graph);
    assert.ok(a, `no assistant ${graph}`);
    const t = (await api.tree.getChildren(a)).find((n): n is Of<'thread'> => n.kind === 'thread' && n.thread.thread_id === threadId);
    assert.ok(t, `thread ${threadId} is not listed under ${graph}`);
    return t;
  };
  const runsOf = async (t: Of<'thread'>) => (await api.tree.getChildren(t)).filter((n): n is Of<'run'> => n.kind === 'run');
  return { api, threadOf, runsOf };
}

/** A `when` clause of package.json's menus against a context value (only the forms package.json uses). */
function shownFor(when: string, contextValue: string): boolean {
  return when.split('&&').map((c) => c.trim()).every((c) => {
    if (c === 'view == langgraph.deployments') return true;
    const eq = /^viewItem == (.+)$/.exec(c);
    if (eq) return contextValue === eq[1];
    const re = /^viewItem =~ \/(.+)\/$/.exec(c);
    if (re) return new RegExp(re[1]).test(contextValue);
    return false;
  });
}

/** A tooltip's text as it reads (appendText escapes punctuation and turns spaces into &nbsp;). */
function shown(tooltip: string | vscode.MarkdownString | undefined): string {
  const md = typeof tooltip === 'string' ? tooltip : tooltip?.value ?? '';
  return md.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1');
}

/**
 * Hover `target` until `shows` appears, as a person moves the mouse again when no tooltip comes:
 * a redraw of the tree under a resting mouse (a poll, a theme change) cancels the pending hover.
 */
async function hoverUntil(target: string, shows: string, shot: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await ui({ action: 'hover', selector: target });
    try {
      await ui({ action: 'waitFor', selector: shows, timeoutMs: 8_000 });
      return;
    } catch (e) {
      if (attempt === 4) {
        await screenshot(`${shot}-failed`, 'workbench');
        throw e;
      }
      await ui({ action: 'hover', selector: '.part.statusbar' });
    }
  }
}

async function theme(name: string, cls: 'vs' | 'vs-dark'): Promise<void> {
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', name, vscode.ConfigurationTarget.Global);
  await ui({ action: 'waitFor', selector: `.monaco-workbench.${cls}`, timeoutMs: 30_000 });
}

suite('the Deployments tree tells the thread\'s state', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    await extensionApi();
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Example', url: serverUrl() });
    await vscode.commands.executeCommand('workbench.view.extension.langgraph');
  });

  test('an interrupted thread: the question in its tooltip, Resume inline, then the answered run', async function () {
    this.timeout(180_000);
    const { api, threadOf, runsOf } = await nodes();
    const client = await api.deployments.client(serverUrl());
    // Interrupted elsewhere (a background run the extension does not watch).
    const thread = await client.createThread({ metadata: { graph_id: 'interrupt' } });
    const first = await client.createRun(thread.thread_id, { assistantId: 'interrupt', input: { messages: [{ role: 'user', content: REQUEST }] } });
    await client.waitRun(thread.thread_id, first.run_id);
    api.tree.refresh();

    const t = await threadOf('interrupt', thread.thread_id);
    const item = api.tree.getTreeItem(t);
    assert.strictEqual(item.label, REQUEST, 'the thread is not named by its first message');
    assert.strictEqual(item.contextValue, 'thread.interrupted');
    assert.match(String(item.description), /^interrupted · /);
    const tip = shown(item.tooltip);
    // examples/src/interrupt.ts asks { question: "Send this reply?", options: [...] }
    assert.ok(tip.includes('Send this reply?'), `tooltip: ${tip}`);
    assert.ok(tip.includes('approve · edit · reject'), `tooltip: ${tip}`);
    // The inline Resume is contributed for exactly that context value.
    const menus = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.menus['view/item/context'] as { command: string; when: string; group?: string }[];
    const inline = (cv: string) => menus.filter((m) => m.group === 'inline' && shownFor(m.when, cv)).map((m) => m.command);
    assert.ok(inline('thread.interrupted').includes('langgraph.resumeInterrupt'), `inline on thread.interrupted: ${inline('thread.interrupted')}`);
    assert.ok(!inline('thread.idle').includes('langgraph.resumeInterrupt'), 'Resume is offered on an idle thread');
    const [waiting] = await runsOf(t);
    const runItem = api.tree.getTreeItem(waiting);
    assert.match(String(runItem.description), /^waiting for input · /);
    assert.strictEqual(runItem.label, `“${REQUEST}”`);
    assert.ok(inline(String(runItem.contextValue)).includes('langgraph.resumeInterrupt'), `inline on ${runItem.contextValue}`);
    assert.ok(shown(runItem.tooltip).includes('Send this reply?'));

    // In the workbench: open the assistant and the thread like a person, hover the thread.
    const threadRow = `${ROWS}[aria-label^="Thread ${thread.thread_id},"]`;
    const assistantRow = `${ROWS}[aria-level="2"]:has-text("interrupt")`; // the only assistant whose name holds it
    if ((await inspect(assistantRow, { timeoutMs: 30_000 })).attributes['aria-expanded'] === 'false') await ui({ action: 'click', selector: assistantRow });
    await ui({ action: 'click', selector: `${threadRow}[aria-expanded="false"]`, timeoutMs: 30_000 });
    await ui({ action: 'waitFor', selector: `${ROWS}[aria-label^="Run ${first.run_id}, waiting for input"]`, timeoutMs: 30_000 });
    const resumeButton = `${threadRow} .actions .action-label[aria-label^="Resume Interrupt"]`;
    const original = vscode.workspace.getConfiguration('workbench').inspect('colorTheme')?.globalValue;
    try {
      for (const [name, cls, shot] of [['Default Dark Modern', 'vs-dark', 'tree-interrupted-dark'], ['Default Light Modern', 'vs', 'tree-interrupted-light']] as const) {
        await theme(name, cls);
        await hoverUntil(threadRow, ':is(.monaco-hover, .workbench-hover):has-text("Send this reply?")', shot);
        await ui({ action: 'waitFor', selector: resumeButton });
        const f = await screenshot(shot, 'workbench');
        assert.ok(statSync(f).size > 10_000, `${f} looks empty`);
        await ui({ action: 'hover', selector: '.part.statusbar' }); // let the tooltip go
      }
    } finally {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', original, vscode.ConfigurationTarget.Global);
      await ui({ action: 'hover', selector: '.part.statusbar' });
    }

    // The inline Resume, clicked: the resume box, a value, Enter; the thread goes on.
    const before = new Set(api.commands.sessions); // (the list is capped at 20: count by identity)
    await ui({ action: 'click', selector: resumeButton });
    await ui({ action: 'waitFor', selector: '.quick-input-widget .quick-input-title:has-text("Resume thread")', timeoutMs: 30_000 });
    await ui({ action: 'type', text: '"approve"' });
    await ui({ action: 'press', key: 'Enter' });
    const resumed = await until('the resume run', () => api.commands.sessions.find((s) => !before.has(s)), 30_000) as RunSession;
    await resumed.done;
    assert.strictEqual(resumed.info.threadId, thread.thread_id);
    api.tree.refresh();
    const after = await threadOf('interrupt', thread.thread_id);
    assert.strictEqual(api.tree.getTreeItem(after).contextValue, 'thread.idle');
    const runs = await runsOf(after);
    assert.deepStrictEqual(runs.map((r) => r.run.run_id)[0], first.run_id, 'runs are not oldest first');
    assert.deepStrictEqual(runs.map((r) => String(api.tree.getTreeItem(r).description).split(' · ')[0]), ['interrupt answered', 'success']);
    assert.strictEqual(api.tree.getTreeItem(runs[1]).label, 'Resume: "approve"');
    // Leave the tree as the next tests expect it: the assistant closed again.
    if ((await inspect(assistantRow)).attributes['aria-expanded'] === 'true') await ui({ action: 'click', selector: assistantRow });
  });

  test('a cancelled run reads cancelled, not waiting for input', async function () {
    this.timeout(90_000);
    const { api, threadOf, runsOf } = await nodes();
    const client = await api.deployments.client(serverUrl());
    const thread = await client.createThread({ metadata: { graph_id: 'slow' } });
    const run = await client.createRun(thread.thread_id, { assistantId: 'slow', input: { delay_ms: 2000 } });
    await until('the run to be running', async () => (await client.getRun(thread.thread_id, run.run_id)).status === 'running');
    await client.cancelRun(thread.thread_id, run.run_id, { action: 'interrupt' });
    await until('the run to stop', async () => !['running', 'pending'].includes((await client.getRun(thread.thread_id, run.run_id)).status));
    api.tree.refresh();
    const t = await threadOf('slow', thread.thread_id);
    const [r] = await runsOf(t);
    const item = api.tree.getTreeItem(r);
    assert.strictEqual(r.run.status, 'interrupted', 'the server calls it interrupted');
    assert.match(String(item.description), /^cancelled · /);
    assert.strictEqual(item.contextValue, 'run.interrupted.cancelled');
    assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'circle-slash');
    assert.notStrictEqual(api.tree.getTreeItem(t).contextValue, 'thread.interrupted', 'Resume would be offered on a cancelled run');
  });

  test('ages are redrawn while the view is visible, and not while it is hidden', async function () {
    this.timeout(120_000);
    const { api, threadOf } = await nodes();
    const client = await api.deployments.client(serverUrl());
    const thread = await client.createThread({ metadata: { graph_id: 'simple' } });
    await vscode.commands.executeCommand('workbench.view.extension.langgraph');
    api.tree.refresh();
    const t = await threadOf('simple', thread.thread_id);
    assert.match(String(api.tree.getTreeItem(t).description), /just now$/);
    await until('the age timer while the view is visible', () => api.tree.isAgeing);
    await vscode.commands.executeCommand('workbench.view.explorer');
    await until('the age timer to stop when the view is hidden', () => !api.tree.isAgeing);
    await vscode.commands.executeCommand('workbench.view.extension.langgraph');
    await until('the age timer again', () => api.tree.isAgeing);
    // The redraw comes when the age reads differently ("1 min ago"), and names the items
    // themselves: no full re-read. (Other items' minutes may come first.)
    const redrawn = await new Promise<Of<'thread'>>((resolve) => {
      const sub = api.tree.onDidChangeTreeData((e) => {
        if (e === undefined) void threadOf('simple', thread.thread_id); // a full re-read: list it again
        const mine = Array.isArray(e) ? e.find((n): n is Of<'thread'> => n.kind === 'thread' && n.thread.thread_id === thread.thread_id) : undefined;
        if (mine && !String(api.tree.getTreeItem(mine).description).endsWith('just now')) {
          sub.dispose();
          resolve(mine);
        }
      });
    });
    assert.match(String(api.tree.getTreeItem(redrawn).description), /1 min ago$/);
  });
});
