// Compare with…, in the real workbench against the real dev server: a thread's two runs compared
// from the panel's toolbar and the quick pick, like a person; then a run compared, while it
// streams, with a finished run of the same graph and input (a golden run), the comparison redone
// as it goes until the two are equivalent.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { read, screenshot, serverUrl, ui, until } from './harness';
import type { RunSession } from '../../src/host/runSession';
import type { ComparisonShown } from '../../src/shared/protocol';
import { runSegments } from '../../src/shared/compare';
import { shortId } from '../../src/shared/ids';

const wv = { frame: 'webview' as const };

suite('compare two runs in the panel', () => {
  test('a thread’s second run against its first, picked from the toolbar', async function () {
    this.timeout(120_000);
    const start = (a: Record<string, unknown>) => vscode.commands.executeCommand<RunSession>('langgraph.startRun', { url: serverUrl(), assistantId: 'simple', graphId: 'simple', streamMode: ['updates', 'tasks'], ...a });
    const s = await start({ input: { topic: 'otters' } });
    await s.done;
    assert.strictEqual(s.status.phase, 'done', s.status.message);
    // The same thread again, with another topic: the panel's session tells both runs.
    const again = await start({ threadId: s.info.threadId, input: { topic: 'hedgehogs' } });
    assert.strictEqual(again, s, 'the second run went on in the thread’s session');
    await s.done;
    const segs = runSegments(s.events);
    assert.strictEqual(segs.length, 2);
    // Other suites leave open runs of their own, also "run 1 of 2": pick this one by its id.
    const first = shortId(segs[0].runId!);

    await ui({ action: 'click', ...wv, selector: '.icon-btn[aria-label^="Compare with"]', timeoutMs: 30_000 });
    await ui({ action: 'waitFor', selector: `.quick-input-widget .monaco-list-row[aria-label*="run 1 of 2 (input) ${first}"]`, timeoutMs: 30_000 });
    const offered = await read('.quick-input-widget .monaco-list-row', { attr: 'aria-label' });
    assert.ok(offered.some((l) => /Open a Recording/.test(l)), `offered: ${offered.join(' | ')}`);
    await ui({ action: 'type', text: first });
    await ui({ action: 'waitFor', selector: `.quick-input-widget .monaco-list-row.focused[aria-label*="${first}"]`, timeoutMs: 30_000 });
    await ui({ action: 'press', key: 'Enter' });

    await ui({ action: 'waitFor', ...wv, selector: '.compare .cmp-row', timeoutMs: 30_000 });
    const sides = await read('.compare .cmp-side', { ...wv });
    assert.match(sides[0], /run 2 of 2 \(input\)/);
    assert.match(sides[1], /run 1 of 2 \(input\)/);
    const rows = await read('.compare .cmp-row', { ...wv, attr: 'aria-label' });
    assert.deepStrictEqual(rows.map((r) => r.split(',')[0]), ['plan', 'research', 'write', 'review'], rows.join('\n'));
    // Another topic: plan wrote another topic and outline.
    assert.match(rows[0], /^plan, differs: .*wrote differently/);
    const [verdict] = await read('.compare .cmp-verdict', { ...wv });
    assert.match(verdict, /Different: /);
    await screenshot('compare-thread-runs', 'webview');
    await ui({ action: 'press', key: 'Escape' });
    await ui({ action: 'waitFor', ...wv, selector: '.main:not([hidden])', timeoutMs: 30_000 });
  });

  test('a run compared with a golden run while it streams: redone as it goes, equivalent at the end', async function () {
    this.timeout(120_000);
    const args = { url: serverUrl(), assistantId: 'research', graphId: 'research', streamMode: ['updates', 'tasks'] };
    const golden = await vscode.commands.executeCommand<RunSession>('langgraph.startRun', { ...args, input: { topic: 'otters', delay_ms: 1500 } });
    await golden.done;
    assert.strictEqual(golden.status.phase, 'done', golden.status.message);
    // The new run, on a new thread (the same input: delay_ms is in the state, and written back by
    // the subgraph): it is still streaming when the comparison is made.
    const run = await vscode.commands.executeCommand<RunSession>('langgraph.startRun', { ...args, input: { topic: 'otters', delay_ms: 1500 } });
    const first = await vscode.commands.executeCommand<ComparisonShown>('langgraph.compareWith', { with: { session: golden, runId: null } });
    assert.ok(first, 'no comparison');
    assert.strictEqual(first.a.live, true, 'the run had ended before it was compared');
    await ui({ action: 'waitFor', ...wv, selector: '.compare .cmp-verdict:has-text("so far")', timeoutMs: 30_000 });
    await run.done;
    assert.strictEqual(run.status.phase, 'done', run.status.message);
    // Redone after the last events: the same graph and input end equivalent, and it says so.
    let verdict = '';
    await until('the comparison redone after the run ended', async () => {
      verdict = (await read('.compare .cmp-verdict', { ...wv }))[0] ?? '';
      return !verdict.includes('so far') && verdict;
    }, 30_000).catch(() => undefined);
    assert.match(verdict, /^\s*Equivalent: /, `${verdict}\n${(await read('.compare .cmp-row', { ...wv, attr: 'aria-label' })).join('\n')}`);
    const rows = await read('.compare .cmp-row', { ...wv, attr: 'data-kind' });
    assert.ok(rows.length >= 7 && rows.every((k) => k === 'same'), `rows: ${rows.join(' ')}`);
    await screenshot('compare-live-golden', 'webview');
    await ui({ action: 'press', key: 'Escape' });
  });
});
