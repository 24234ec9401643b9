// Runs vs code, in the real workbench: a dev server of its own serves a copy of the example graph
// that lives in the workspace (and reloads when it is saved). A run of it; then a node's code is
// edited and saved in the editor, like a person: the run shows that node as changed (banner,
// execution list, tree); Re-run from before it forks the thread there, runs the new code, and the
// comparison with the old run opens, from the fork point, showing what the node now writes.
import * as assert from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { closeSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { extensionApi, read, screenshot, ui, until } from './harness';
import type { RunSession } from '../../src/host/runSession';
import { runSegments } from '../../src/shared/compare';

const wv = { frame: 'webview' as const };
/** This bundle is dist/test/vscode/index.js: the repository is three folders up. */
const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const OLD = 'const found = state.outline.map((s, i) => `fact ${i + 1} on ${s}`);';
const NEW = 'const found = state.outline.map((s, i) => `FACT ${i + 1} on ${s}`);';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

suite('runs vs code', () => {
  let server: ChildProcess | undefined;
  let url = '';
  let logFile = '';
  let file: vscode.Uri;
  const started = () => (readFileSync(logFile, 'utf8').match(/Server running at/g) ?? []).length;

  suiteSetup(async function () {
    this.timeout(180_000);
    await extensionApi();
    // The project: the graph file and its helper, a langgraph.json naming only it, the example's packages.
    const dir = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'codechange');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(dir, 'src'));
    for (const f of ['src/simple.ts', 'src/util.ts', 'tsconfig.json', 'package.json']) await vscode.workspace.fs.copy(vscode.Uri.file(join(EXAMPLES, f)), vscode.Uri.joinPath(dir, f), { overwrite: true });
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'langgraph.json'), new TextEncoder().encode(JSON.stringify({ node_version: '20', graphs: { simple: './src/simple.ts:graph' }, env: {} })));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, '.gitignore'), new TextEncoder().encode('.langgraph_api\n'));
    symlinkSync(join(EXAMPLES, 'node_modules'), join(dir.fsPath, 'node_modules'), 'dir');
    file = vscode.Uri.joinPath(dir, 'src', 'simple.ts');
    // Its own dev server, reloading on save (the suite's shared one serves examples/ without reload).
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    logFile = join(tmpdir(), `lgt-codechange-${port}.log`);
    const fd = openSync(logFile, 'w');
    server = spawn('node', [join(EXAMPLES, 'node_modules', '@langchain', 'langgraph-cli', 'dist', 'cli', 'cli.mjs'), 'dev', '--port', String(port), '--host', '127.0.0.1', '--no-browser', '--config', join(dir.fsPath, 'langgraph.json')], { cwd: dir.fsPath, stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    await until('the code-change dev server up', () => started() >= 1, 150_000).catch(() => {
      throw new Error(`the dev server did not start:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    });
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Code change', url });
  });

  suiteTeardown(() => {
    // Its own process group: the CLI and the server it starts.
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch { /* already gone */ }
    }
  });

  test('save a change to a node → the run shows it changed; re-run from before it → the comparison shows the new write', async function () {
    this.timeout(240_000);
    const api = await extensionApi();
    const s = await vscode.commands.executeCommand<RunSession>('langgraph.startRun', { url, assistantId: 'simple', graphId: 'simple', streamMode: ['updates', 'tasks'], input: { topic: 'otters' } });
    await s.done;
    assert.strictEqual(s.status.phase, 'done', s.status.message);
    await until('the code kept with the run', () => api.codeWatch.fingerprintsOf(s.info.id)?.research, 20_000);
    assert.deepStrictEqual(api.codeWatch.changed(s.info.id), []);

    // Edit research's function in the editor and save, like a person.
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
    const at = doc.getText().indexOf(OLD);
    assert.ok(at >= 0, 'the example changed: its research line is not there');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(file, new vscode.Range(doc.positionAt(at), doc.positionAt(at + OLD.length)), NEW);
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
    assert.ok(doc.isDirty && doc.getText().includes(NEW), 'the document does not hold the edit');
    const before = started();
    assert.ok(await doc.save(), `the save failed (dirty: ${doc.isDirty})`);
    await until('research marked changed', () => api.codeWatch.changed(s.info.id).includes('research'), 20_000);
    assert.deepStrictEqual(api.codeWatch.changed(s.info.id), ['research'], 'only the edited node changed');
    const first = s.info.runId!;
    assert.deepStrictEqual(api.codeWatch.staleRun(first), ['research'], 'the tree marks the run stale');
    // The tree's run item, as the tree makes it: deployment → assistant → thread → run.
    const runItem = async (runId: string) => {
      await vscode.commands.executeCommand('langgraph.refresh'); // children read before now are stale
      const dep = (await api.tree.getChildren()).find((n) => n.kind === 'deployment' && n.deployment.url === url);
      assert.ok(dep, 'the deployment is not in the tree');
      const assistant = (await api.tree.getChildren(dep)).find((n) => n.kind === 'assistant' && n.assistant.graph_id === 'simple');
      assert.ok(assistant, 'the assistant is not in the tree');
      const threads = await api.tree.getChildren(assistant);
      const thread = threads.find((n) => n.kind === 'thread' && n.thread.thread_id === s.info.threadId);
      assert.ok(thread, `thread ${s.info.threadId} is not in the tree: ${threads.map((n) => n.kind).join(', ')}`);
      const run = (await api.tree.getChildren(thread)).find((n) => n.kind === 'run' && n.run.run_id === runId);
      assert.ok(run, `run ${runId} is not in the tree`);
      return api.tree.getTreeItem(run);
    };

    // The panel: the banner names it; research's execution is flagged, and says so to a screen reader.
    await vscode.commands.executeCommand('langgraph.openTimeline');
    await ui({ action: 'waitFor', ...wv, selector: '.banner.code', timeoutMs: 30_000 });
    const [banner] = await read('.banner.code', wv);
    assert.match(banner, /Code changed since this run: research/);
    assert.match(banner, /Re-run from before research/);
    const flagged = await read('.execlist .item.stale', { ...wv, attr: 'aria-label' });
    assert.strictEqual(flagged.length, 1, flagged.join('\n'));
    assert.match(flagged[0], /research.*code changed since this run/);
    await screenshot('code-changed-banner', 'webview');

    // The server reloads the saved file; then re-run from before research, from the banner.
    await until('the dev server reloaded the saved graph', () => started() > before, 120_000);
    // The tree (it asks the server, which is back now): the run says its code changed.
    let item: vscode.TreeItem | undefined;
    await until('the run item in the tree', async () => (item = await runItem(first).catch(() => undefined)), 30_000);
    assert.match(String(item!.description), /code changed since this run$/);
    assert.match((item!.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /Code changed since this run: research/);
    await ui({ action: 'click', ...wv, selector: '.banner.code .rerun', timeoutMs: 30_000 });
    // The fork runs to its end; then the comparison opens: the old run (A, in view) → the re-run (B).
    await until('the comparison of the old run with the re-run', async () => {
      const sides = await read('.compare .cmp-side', wv);
      return sides.length === 2 && /fork from step \d+ before research/.test(sides[1]) && !sides[1].includes('streaming');
    }, 120_000);
    const sides = await read('.compare .cmp-side', wv);
    assert.match(sides[0], /run 1 of 2 \(input\)/, sides.join(' | '));
    // From the fork point on (plan ran before it on both: not a row); research wrote differently.
    const rows = await read('.compare .cmp-row', { ...wv, attr: 'aria-label' });
    assert.deepStrictEqual(rows.map((r) => r.split(',')[0]), ['research', 'write', 'review'], rows.join('\n'));
    assert.match(rows[0], /^research, differs: .*wrote differently/, rows.join('\n'));
    // The old run stays as it was, and the fork is a run of its thread.
    assert.strictEqual(api.codeWatch.changed(s.info.id).join(), 'research');
    await ui({ action: 'click', ...wv, selector: '.compare .cmp-row >> nth=0' });
    await until('the research row’s detail', async () => ((await read('.compare .cmp-detail', wv))[0] ?? '').includes('FACT 1 on'), 20_000);
    // Old → new: what the run wrote, then what the new code writes.
    const [detail] = await read('.compare .cmp-detail', wv);
    assert.ok(detail.indexOf('fact 1 on') < detail.indexOf('FACT 1 on'), detail);
    // The re-run was made with the new code: not stale in the tree; the old run still is.
    assert.deepStrictEqual(api.codeWatch.staleRun(first), ['research']);
    const rerun = runSegments(s.events).at(-1)!.runId!;
    assert.notStrictEqual(rerun, first);
    assert.strictEqual(api.codeWatch.staleRun(rerun), undefined);
    assert.doesNotMatch(String((await runItem(rerun)).description), /code changed/);
    await screenshot('code-changed-rerun-compare', 'webview');
    await ui({ action: 'press', key: 'Escape' });
  });
});
