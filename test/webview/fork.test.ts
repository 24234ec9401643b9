// Fork from the detail pane: a root execution forks from the checkpoint before it; inside a
// subgraph (whose checkpoints are not the thread's) the fork is from before the root node that ran
// the subgraph, and the button says so. On the real `subgraph` example's recording.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pageUrl, settle, usePreviewBrowser, waitRendered } from './harness';

const FILE = 'test/fixtures/recordings/subgraph-updates-subgraphs.jsonl';
const env = usePreviewBrowser();

describe('Fork from the detail pane', () => {
  test('a subgraph execution forks from before the root node that ran its subgraph', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(pageUrl(env.preview, FILE, { chrome: '0' }));
    await waitRendered(page, 7);
    await settle(page);
    const fork = page.locator('.detail button[aria-label^="Fork"]');
    const forks = () => page.evaluate(() => window.lgtPreview.fromWebview.filter((m) => m.type === 'fork'));

    // A root node: from the checkpoint before itself.
    await page.locator('.execlist [role="option"][aria-label^="finalize,"]').click();
    await page.locator('.detail h2', { hasText: /^finalize$/ }).waitFor();
    assert.equal(await fork.getAttribute('aria-label'), 'Fork: run again from the checkpoint before this node');

    // Two levels down (child › grandchild › deep_step): from before the root's `child`.
    await page.locator('.execlist [role="option"]', { hasText: 'deep_step' }).click();
    await page.locator('.detail h2', { hasText: 'deep_step' }).waitFor();
    assert.equal(await fork.getAttribute('aria-label'), 'Fork: run again from the checkpoint before child (its subgraph runs again)');
    await fork.click();
    await page.waitForFunction(() => window.lgtPreview.fromWebview.some((m) => m.type === 'fork'));
    const [asked] = (await forks()) as { node: string; ns: string[]; step: number }[];
    assert.deepEqual([asked.node, asked.ns, asked.step], ['child', [], 2]);
    await page.close();
  });
});
