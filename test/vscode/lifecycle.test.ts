// Issue #14 inside the real VS Code: a run whose dev server restarts under it (killed and started
// again; reloaded by a save of its graph file) ends with the plain message in the panel and a
// re-run offer that works; Watch Deployment opens each run a script starts behind the extension's
// back, once, live. The restarts use a dev server of the test's own (the shared one must live on).
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi, read, screenshot, serverUrl, ui, until } from './harness';
import { startOwnServer, type OwnServer } from '../support/ownServer';
import { fromServer, isRecord, type RunEvent } from '../../src/shared/events';
import type { RunSession } from '../../src/host/runSession';

const updates = (events: RunEvent[]) => fromServer(events).filter((e) => e.event === 'updates');

/** A dev server of the test's own (it is killed or reloaded), removed from the tree and stopped after `body`. */
async function withOwnServer(opts: Parameters<typeof startOwnServer>[1], body: (srv: OwnServer) => Promise<void>): Promise<void> {
  const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const srv = await startOwnServer(root, opts);
  try {
    await body(srv);
  } finally {
    await vscode.commands.executeCommand('langgraph.removeDeployment', { kind: 'deployment', deployment: { name: 'Restarting', url: srv.url } });
    await srv.stop();
  }
}

async function runThroughRestart(srv: OwnServer, hit: () => Promise<void>, shot: string): Promise<RunSession> {
  const api = await extensionApi();
  await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Restarting', url: srv.url });
  const session = await vscode.commands.executeCommand<RunSession>('langgraph.startRun', { url: srv.url, assistantId: 'slow', graphId: 'slow', input: {}, streamMode: ['updates'] });
  assert.ok(session);
  await until('two nodes streamed', () => updates(session.events).length >= 2, 90_000);
  await hit();
  await until('the panel to say the server is not answering', () => /not answering/.test(session.status.message ?? '') || session.status.phase === 'error', 90_000);
  await session.done;
  assert.strictEqual(session.status.phase, 'error');
  assert.match(session.status.message ?? '', /^The server restarted \(it did not answer for [\d.]+ s\); run \S+ was lost after /);
  assert.ok(updates(session.events).length >= 2, 'the events received before the restart are kept');
  await ui({ action: 'waitFor', frame: 'webview', selector: '.banner.lost:has-text("The server restarted")', timeoutMs: 30_000 });
  await ui({ action: 'waitFor', frame: 'webview', selector: '.banner.lost button', timeoutMs: 10_000 });
  await screenshot(shot, 'workbench');
  assert.ok(api.recentLog.some((l) => l.includes('lost: The server restarted')), 'the log says it too');
  return session;
}

suite('server restarts and runs started elsewhere', () => {
  suiteSetup(async function () {
    this.timeout(120_000);
    await extensionApi();
  });

  test('restart: the dev server killed and started again mid-run — the panel says the run was lost and offers a re-run', async function () {
    this.timeout(300_000);
    await withOwnServer(undefined, async (srv) => {
      await runThroughRestart(srv, async () => {
        await srv.crash();
        await srv.restart();
      }, 'restart-killed');
      // SIGKILL keeps nothing the server had not flushed: the offer is to run again, or from what it kept.
      const text = (await read('.banner.lost button', { frame: 'webview' })).join(' ');
      assert.match(text, /Run again|Re-run from step/, text);
    });
  });

  test('restart: a save of the graph file reloads the dev server mid-run — lost after its kept step, and Re-run goes on from that checkpoint', async function () {
    this.timeout(300_000);
    const api = await extensionApi();
    await withOwnServer({ reload: true }, async (srv) => {
      const session = await runThroughRestart(srv, async () => srv.touchGraph('slow'), 'restart-reload-on-save');
      assert.match(session.status.message ?? '', /lost after step \d+: the server still lists it as running/);
      const lost = session.events.at(-1)!;
      const checkpointId = isRecord(lost.data) && isRecord(lost.data.lost) ? lost.data.lost.checkpointId : undefined;
      assert.ok(typeof checkpointId === 'string', 'the kept checkpoint is named');
      const before = new Set(api.commands.sessions); // (the list is capped at 20: count by identity)
      await ui({ action: 'click', frame: 'webview', selector: '.banner.lost button:has-text("Re-run from step")' });
      // The dead run still holds the thread (busy): the re-run goes on a copy, from the same checkpoint.
      const rerun = await until('the re-run session', () => api.commands.sessions.find((s) => !before.has(s) && s !== session), 60_000);
      await rerun.done;
      assert.strictEqual(rerun.status.phase, 'done', rerun.status.message);
      const nodes = updates(rerun.events).map((e) => Object.keys(e.data as object)[0]);
      assert.ok(!nodes.includes('warm_up') && nodes.includes('publish'), `the re-run goes on after the kept step: ${nodes}`);
      await screenshot('restart-rerun-done', 'workbench');
    });
  });

  test('Watch Deployment: three runs started by a script behind the extension\'s back each open once, live; Stop Watching stops polling', async function () {
    this.timeout(240_000);
    const api = await extensionApi();
    await vscode.commands.executeCommand('langgraph.addDeployment', { name: 'Watched', url: serverUrl() });
    const watch = api.watch;
    try {
      await vscode.commands.executeCommand('langgraph.watchDeployment', { url: serverUrl() });
      assert.ok(watch.shown.visible);
      await until('the first poll', () => watch.polls >= 1, 30_000);
      // The "script": the test's own client, not the extension's commands.
      const { LangGraphClient } = await import('../../src/client');
      const script = new LangGraphClient({ url: serverUrl() });
      const started: string[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const t = await script.createThread();
          started.push((await script.createRun(t.thread_id, { assistantId: 'slow', input: { delay_ms: 700 } })).run_id);
        }
        await until('three runs opened', () => watch.opened.length >= 3, 90_000);
        await ui({ action: 'waitFor', selector: '.statusbar-item:has-text("Watching Watched · 3 runs")', timeoutMs: 30_000 });
        await screenshot('watch-deployment', 'workbench');
        const opened = watch.opened.slice();
        const runIds = opened.map((s) => s.info.runId);
        assert.deepStrictEqual([...runIds].sort(), [...started].sort(), 'exactly the three runs, each once');
        await Promise.all(opened.map((s) => s.done));
        // Live: each session had a node's update before its run ended (the server's end time; one machine, one clock).
        for (const s of opened) {
          assert.strictEqual(s.status.phase, 'done', s.status.message);
          assert.ok(!s.events.some((e) => e.event === 'lgt/run' && isRecord(e.data) && e.data.replay === true), `run ${s.info.runId} was opened as a replay`);
          const run = await script.getRun(s.info.threadId!, s.info.runId!);
          const first = updates(s.events)[0];
          assert.ok(first && first.t < Date.parse(run.updated_at!), `run ${s.info.runId}: first update at ${first?.t}, run ended at ${run.updated_at}`);
        }
        // A run the extension starts itself is shown by its own session, not opened again by the watch.
        const own = await vscode.commands.executeCommand<RunSession>('langgraph.startRun', { url: serverUrl(), assistantId: 'slow', graphId: 'slow', input: { delay_ms: 300 }, streamMode: ['updates'] });
        await own.done;
        // More polls: still nothing twice, and not the extension's own run.
        const p = watch.polls;
        await until('more polls', () => watch.polls >= p + 2, 60_000);
        assert.strictEqual(watch.opened.length, 3);
        assert.ok(!watch.opened.some((s) => s.info.runId === own.info.runId), 'the extension\'s own run was opened by the watch');
      } finally {
        await script.close();
      }
      await vscode.commands.executeCommand('langgraph.stopWatching');
      assert.ok(!watch.shown.visible, 'the status bar item is hidden');
      assert.strictEqual(watch.watching, undefined);
      assert.strictEqual(watch.polls, 0, 'no watcher polls any more');
    } finally {
      await vscode.commands.executeCommand('langgraph.stopWatching');
      await vscode.commands.executeCommand('langgraph.removeDeployment', { kind: 'deployment', deployment: { name: 'Watched', url: serverUrl() } });
    }
  });
});
