// A big recorded run opened in the real panel: the host sends it in slices paced by what the
// webview has drawn (src/shared/panelFeed.ts), so the panel paints long before all of it is in,
// and it still ends with every event and execution drawn.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { extensionApi, until } from './harness';
import { generate } from '../support/bigRun';
import { FIRST_SLICE, SLICE } from '../../src/shared/panelFeed';
import type { RunSession } from '../../src/host/runSession';

suite('big runs', () => {
  test('a 300,000-event recording paints from its first slice and ends complete', async function () {
    this.timeout(180_000);
    const api = await extensionApi();
    // The webview benchmark's size: 100,000 executions, 300,000 events (~45 MB). Big enough to
    // matter: a `push(...events)` of this many overflowed the host's stack.
    const executions = Number(process.env.LGT_BIG_EXECUTIONS ?? 100_000);
    const dir = vscode.workspace.workspaceFolders![0].uri;
    const file = vscode.Uri.joinPath(dir, 'big-run.jsonl');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(generate(executions)));
    const reports: { sessionId: string; events: number; executions: number; at: number }[] = [];
    const sub = api.timeline.onDidRender((r) => reports.push({ ...r, at: Date.now() }));
    // What the host posts to the webview: the snapshot and each slice, by size.
    const posted: { type: string; events: number; phase?: string }[] = [];
    const tap = () => {
      const w = api.timeline.active!.panel.webview as vscode.Webview & { tapped?: boolean };
      if (w.tapped) return;
      w.tapped = true;
      const post = w.postMessage.bind(w);
      w.postMessage = (m: { type: string; events?: unknown[]; count?: number; json?: Uint8Array; status?: { phase: string } }) => {
        // A packed slice (src/shared/packedEvents.ts) must really carry bytes.
        if (m.type === 'session/packed') assert.ok(m.json instanceof Uint8Array && m.json.byteLength > 0, 'a packed slice without bytes');
        posted.push({ type: m.type, events: m.events?.length ?? m.count ?? 0, phase: m.status?.phase });
        return post(m);
      };
    };
    try {
      if (api.timeline.active) tap();
      const t0 = Date.now();
      const s = await vscode.commands.executeCommand<RunSession>('langgraph.openRecording', { file });
      const opened = Date.now();
      tap(); // a panel made by the command has not been sent anything yet: it waits for `ready`
      assert.ok(s, 'no session');
      const id = s.info.id;
      // The host reads a big file a slice at a time after the first events (the panel is already
      // showing those); the session is done when all of it is read.
      assert.ok(s.events.length < executions * 3, `the command returned only after reading all ${s.events.length} events`);
      await s.done;
      assert.strictEqual(s.status.phase, 'recorded', s.status.message);
      const total = s.events.length;
      assert.strictEqual(total, executions * 3);
      assert.ok(total > FIRST_SLICE + SLICE, 'the recording must need several slices');
      await until('the panel to draw the whole run', () => reports.some((r) => r.sessionId === id && r.events === total), 150_000);
      const mine = reports.filter((r) => r.sessionId === id && r.events > 0);
      // Figures, not assertions (this machine's load varies): from the command to the panel's first
      // report of something drawn, and to all of it.
      console.log(`      ${total.toLocaleString('en-US')} events: the command returned in ${opened - t0} ms; ${mine[0].at - t0} ms to the first drawn report (${mine[0].events} events), ${mine[mine.length - 1].at - t0} ms to all`);
      assert.ok(mine.length >= 2, `the panel reported ${mine.length} times`);
      assert.ok(mine[0].events <= FIRST_SLICE, `first paint already had ${mine[0].events} events: the snapshot was not sliced`);
      assert.strictEqual(mine[mine.length - 1].executions, executions);
      // Reports only grow: nothing was applied twice or out of order.
      for (let i = 1; i < mine.length; i++) assert.ok(mine[i].events >= mine[i - 1].events, `report ${i} went back: ${mine[i - 1].events} → ${mine[i].events}`);
      // The host's side: a small snapshot marked loading, slices no bigger than SLICE, every event
      // sent once, and the final phase only after the last slice.
      const snaps = posted.filter((m) => m.type === 'session/snapshot');
      assert.strictEqual(snaps.length, 1, JSON.stringify(posted));
      assert.ok(snaps[0].events <= FIRST_SLICE, `the snapshot carried ${snaps[0].events} events`);
      assert.strictEqual(snaps[0].phase, 'loading');
      // Big slices go as JSON bytes (session/packed): VS Code passes those into the webview as binary.
      assert.ok(posted.some((m) => m.type === 'session/packed' && m.events > 0), 'no packed slice was sent');
      const slices = posted.filter((m) => m.type === 'session/events' || m.type === 'session/packed');
      assert.ok(slices.every((m) => m.events <= SLICE), JSON.stringify(slices));
      assert.strictEqual(snaps[0].events + slices.reduce((n, m) => n + m.events, 0), total);
      const last = posted.at(-1)!;
      assert.deepStrictEqual([last.type, last.phase], ['session/status', 'recorded']);
    } finally {
      sub.dispose();
      await vscode.workspace.fs.delete(file);
    }
  });

  test('a recording damaged past its first slice: the events before the bad line are shown, and it is named', async function () {
    this.timeout(120_000);
    const api = await extensionApi();
    const lines = generate(10_000).trim().split('\n');
    const badLine = 25_000; // 1-based, in the file (line 1 is the header)
    lines[badLine - 1] = '{"id":"x","event":"updates","data":{'; // cut off mid-object
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'damaged-run.jsonl');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(lines.join('\n') + '\n'));
    try {
      const s = await vscode.commands.executeCommand<RunSession>('langgraph.openRecording', { file });
      assert.ok(s, 'the panel did not open: the damage is past the first slice');
      await s.done;
      assert.strictEqual(s.status.phase, 'error');
      assert.match(s.status.message ?? '', new RegExp(`^Line ${badLine}: not JSON`));
      assert.strictEqual(s.events.length, badLine - 2, 'the events before the bad line are kept');
      await until('the panel to draw what was read', () => api.timeline.lastRendered?.sessionId === s.info.id && api.timeline.lastRendered.events === badLine - 2, 60_000);
      assert.ok(api.recentLog.some((l) => l.includes(`Line ${badLine}`)), 'the log does not name the bad line');
    } finally {
      await vscode.workspace.fs.delete(file);
    }
  });
});
