// The graph pane in the real workbench: a live run of the example `research` graph lights its
// nodes in the order they ran, as the webview itself reports (`graphRendered`), from the graph
// the host fetched from the real server with xray (subgraphs opened).
import * as assert from 'node:assert';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { extensionApi, screenshot, serverUrl, ui, until } from './harness';
import type { FromWebview } from '../../src/shared/protocol';
import type { RunSession } from '../../src/host/runSession';

type GraphReport = Extract<FromWebview, { type: 'graphRendered' }>;

suite('the graph pane, live', () => {
  test('a live run of research lights its nodes in order, from the server’s graph', async function () {
    this.timeout(120_000);
    const api = await extensionApi();
    await vscode.commands.executeCommand('langgraph.openTimeline');
    const panel = await until('the timeline panel', () => api.timeline.active, 30_000);
    const reports: GraphReport[] = [];
    const sub = panel.onMessageFromWebview((m) => {
      if (m.type === 'graphRendered') reports.push(m);
    });
    try {
      const session = await vscode.commands.executeCommand<RunSession>('langgraph.startRun', {
        url: serverUrl(), assistantId: 'research', graphId: 'research', input: { topic: 'otters', delay_ms: 1500 }, streamMode: ['updates', 'tasks'], streamSubgraphs: true,
      });
      assert.ok(session, 'startRun returned no session');
      await session.done;
      assert.strictEqual(session.status.phase, 'done', session.status.message);
      const mine = () => reports.filter((r) => r.sessionId === session.info.id);
      const last = await until('the pane to show the finished run', () => {
        const r = mine().at(-1);
        return r && r.source === 'server' && r.nodes.every((n) => n.runs > 0 && n.status === 'done') ? r : undefined;
      }, 60_000);
      // The host's graph, opened two levels deep: every node and both subgraphs are in it.
      const ids = last.nodes.map((n) => n.id).sort();
      for (const id of ['plan', 'research_a', 'research_b', 'review', 'write', 'write:draft', 'write:edit', 'write:edit:proofread', 'write:edit:polish']) assert.ok(ids.includes(id), `${id} in ${ids}`);
      assert.ok(session.graph?.graph && session.graph.xray === true, 'the session holds the graph it fetched with xray');
      // How often each ran, as the run model counts its executions.
      const runs = (id: string) => last.nodes.find((n) => n.id === id)!.runs;
      assert.strictEqual(runs('research_a'), 2);
      assert.strictEqual(runs('review'), 2);
      assert.strictEqual(runs('research_b'), 1);
      // In order: the first report in which each node had run never comes before its
      // predecessor's, and the pane lit them over several reports, not all at once (the
      // researchers sleep 1.5 s each, three rounds of them: 4.5 s between plan and polish).
      const litAt = (id: string) => mine().findIndex((r) => (r.nodes.find((n) => n.id === id)?.runs ?? 0) > 0);
      const order = ['plan', 'research_b', 'review', 'write:draft', 'write:edit:proofread', 'write:edit:polish'];
      for (let k = 1; k < order.length; k++) assert.ok(litAt(order[k - 1]) <= litAt(order[k]), `${order[k - 1]} (report ${litAt(order[k - 1])}) before ${order[k]} (report ${litAt(order[k])})`);
      assert.ok(litAt('plan') < litAt('write:edit:polish'), `plan lit (report ${litAt('plan')}) before polish (report ${litAt('write:edit:polish')}), of ${mine().length}`);
      // research_a's second run came after review's first: its count went 1 → 2 after review lit.
      // (Reports from before the graph arrived draw only what has run: a node may be missing.)
      const twice = mine().findIndex((r) => r.nodes.find((n) => n.id === 'research_a')?.runs === 2);
      assert.ok(twice >= litAt('review'), `research_a ran again (report ${twice}) after review (report ${litAt('review')})`);
      assert.ok(statSync(await screenshot('graph-live-panel', 'webview')).size > 10_000);
    } finally {
      sub.dispose();
    }
  });

  test('a breakpoint set on a node in the graph is a function breakpoint of VS Code’s, and back', async function () {
    this.timeout(60_000);
    const fnBps = () => vscode.debug.breakpoints.filter((b): b is vscode.FunctionBreakpoint => b instanceof vscode.FunctionBreakpoint);
    vscode.debug.removeBreakpoints(fnBps());
    // A click on the node's breakpoint dot, in the real webview.
    await ui({ action: 'click', frame: 'webview', selector: '.graph-svg [data-bp="review"]', timeoutMs: 30_000 });
    const set = await until('a function breakpoint on review', () => fnBps().find((b) => b.functionName === 'review'), 30_000);
    await ui({ action: 'waitFor', frame: 'webview', selector: '.graph-svg .g-node.has-bp[data-id="review"]', timeoutMs: 30_000 });
    // Removed in VS Code (as from the Breakpoints view): the pane follows.
    vscode.debug.removeBreakpoints([set]);
    await ui({ action: 'waitFor', frame: 'webview', selector: '.graph-svg .g-node[data-id="review"]:not(.has-bp)', timeoutMs: 30_000 });
    // Added in VS Code: shown on the node.
    vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint('write:draft')]);
    await ui({ action: 'waitFor', frame: 'webview', selector: '.graph-svg .g-node.has-bp[data-id="write:draft"]', timeoutMs: 30_000 });
    vscode.debug.removeBreakpoints(fnBps());
  });
});
