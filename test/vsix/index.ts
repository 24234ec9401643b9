// Runs inside a clean VS Code where the packaged .vsix was installed (not loaded from the repo):
// the installed extension activates, lists assistants and streams a run into its panel.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { RunSession } from '../../src/host/runSession';

const ID = 'langgraph-timeline.langgraph-timeline';

export async function run(): Promise<void> {
  const url = process.env.LGT_TEST_SERVER_URL;
  assert.ok(url, 'LGT_TEST_SERVER_URL is not set');
  const ext = vscode.extensions.getExtension<ExtensionApi>(ID);
  assert.ok(ext, `${ID} is not installed`);
  const where = ext.extensionUri.path;
  assert.ok(!where.startsWith(process.env.LGT_REPO_ROOT ?? '\0'), `the extension was loaded from the repo (${where}), not from the installed vsix`);
  const api = await ext.activate();
  await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Example', url });
  const dep = (await api.tree.getChildren()).find((n) => n.kind === 'deployment');
  assert.ok(dep);
  const kids = await api.tree.getChildren(dep);
  assert.ok(kids.some((k) => k.kind === 'assistant' && k.assistant.graph_id === 'simple'), 'no assistants listed');
  const session = await vscode.commands.executeCommand<RunSession>('langgraph.startRun', { url, assistantId: 'simple', graphId: 'simple', input: { topic: 'vsix' } });
  assert.ok(session);
  await session.done;
  assert.strictEqual(session.status.phase, 'done', session.status.message);
  const deadline = Date.now() + 30_000;
  while (!(api.timeline.lastRendered?.sessionId === session.info.id && api.timeline.lastRendered.events === session.events.length)) {
    if (Date.now() > deadline) throw new Error('the installed extension\'s panel did not draw the run');
    await new Promise((r) => setTimeout(r, 100));
  }
  // The launcher prints extension-host lines that carry this mark (see test/vscode/index.ts).
  console.log('\u2063lgt-test\u2063' + `    ✔ installed vsix at ${where}: ${session.events.length} events drawn (${api.timeline.lastRendered.executions} executions)`);
}
