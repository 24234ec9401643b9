// What the LLM did, in the panel (headless Chromium): a recording of the real example agent
// replayed live — its answer's text grows in the detail pane while the node runs — then the run
// header's totals, the per-node table sorted by each column, and the calls drawn in the bars.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { pageUrl, screenshotDir, settle, usePreviewBrowser, waitRendered } from './harness';

const env = usePreviewBrowser();

async function open(file: string, q: Record<string, string> = {}): Promise<Page> {
  const page = await (await env.browser.newContext({ viewport: { width: 1200, height: 720 } })).newPage();
  await page.goto(pageUrl(env.preview, file, { theme: 'dark', ...q }));
  return page;
}

describe('LLM calls in the panel', () => {
  test('live: the answer streams into the running node\'s detail pane before its update arrives', async () => {
    // The real agent's run (updates + tasks + messages-tuple), replayed at a fifth of its speed.
    const page = await open('test/fixtures/recordings/agent-llm-updates-tasks-messages.jsonl', { mode: 'live', speed: '0.2' });
    await page.locator('.execlist [role="option"]').first().waitFor();
    await page.locator('.execlist [role="option"]').first().click();
    const seen: number[] = [];
    // Sample the drawn text while the call is streaming (its node still running, nothing written).
    await page.waitForFunction(() => document.querySelector('.llm-call.streaming .llm-text') !== null, undefined, { timeout: 30_000 });
    for (;;) {
      const s = await page.evaluate(() => {
        const pre = document.querySelector('.llm-call.streaming .llm-text');
        const running = document.querySelector('.detail-head .status-dot.running') !== null;
        return pre ? { chars: Number(pre.getAttribute('data-chars')), running } : null;
      });
      if (!s) break;
      assert.ok(s.running, 'while the text streams, the node has written nothing yet');
      if (seen.at(-1) !== s.chars) seen.push(s.chars);
      await page.waitForTimeout(30);
    }
    assert.ok(seen.length >= 3, `the drawn text grew over several frames: ${seen.join(', ')}`);
    assert.ok(seen.every((c, k) => k === 0 || c > seen[k - 1]), 'and only grew');
    // Done: the whole answer, its model and its counts, and the node's update.
    await page.waitForFunction(() => /done/.test(document.querySelector('.pill')?.textContent ?? ''), undefined, { timeout: 30_000 });
    const text = await page.locator('.llm-text').textContent();
    assert.match(text!, /You said: "hi there"/);
    assert.match((await page.locator('.llm-model').textContent())!, /fake \/ scripted-fake-1/);
    assert.match((await page.locator('.llm-facts').textContent())!, /2 in → 10 out tokens · first token [\d.]+ m?s · streamed [\d.]+ m?s · finish: stop/);
    assert.equal(await page.locator('.detail-head .status-dot.done').count(), 1, 'the node is done');
    await settle(page);
    await page.screenshot({ path: join(screenshotDir, 'llm-detail.png') });
    await page.close();
  });

  test('run header totals, and the per-node table sortable by each column (keyboard too)', async () => {
    const page = await open('test/fixtures/webview/llm-two-nodes.jsonl');
    await waitRendered(page, 2);
    const totals = page.locator('button.llm-totals');
    assert.match((await totals.textContent())!, /2 LLM calls · 150 in \/ 12 out tokens · 560 ms/);
    assert.equal(await totals.getAttribute('aria-expanded'), 'false');
    await totals.focus();
    await page.keyboard.press('Enter');
    assert.equal(await totals.getAttribute('aria-expanded'), 'true');
    const nodes = () => page.locator('.llm-table tbody tr td:first-child').allTextContents();
    // Default: most tokens first.
    assert.deepEqual(await nodes(), ['writer', 'planner']);
    const header = (label: string) => page.locator('.llm-table th', { hasText: label });
    const orders: Record<string, [string[], string[]]> = {
      Node: [['planner', 'writer'], ['writer', 'planner']],
      Calls: [['planner', 'writer'], ['planner', 'writer']], // equal: the order stays
      'Tokens in': [['writer', 'planner'], ['planner', 'writer']],
      'Tokens out': [['writer', 'planner'], ['planner', 'writer']],
      'LLM time': [['writer', 'planner'], ['planner', 'writer']],
      'Share of tokens': [['writer', 'planner'], ['planner', 'writer']],
    };
    for (const [label, [first, second]] of Object.entries(orders)) {
      await header(label).locator('button').focus();
      await page.keyboard.press('Enter');
      assert.deepEqual(await nodes(), first, `${label}, first press`);
      assert.notEqual(await header(label).getAttribute('aria-sort'), 'none');
      await page.keyboard.press('Space');
      assert.deepEqual(await nodes(), second, `${label}, second press`);
    }
    const row = await page.locator('.llm-table tbody tr', { hasText: 'writer' }).locator('td').allTextContents();
    assert.deepEqual(row, ['writer', '1', '120', '8', '128', '360 ms', '79%']);
    await settle(page);
    await page.screenshot({ path: join(screenshotDir, 'llm-table.png') });
    await page.close();
  });

  test('the calls are drawn in the node bars: a band in the LLM colour with a first-token notch', async () => {
    const page = await open('test/fixtures/webview/llm-two-nodes.jsonl');
    await waitRendered(page, 2);
    await settle(page);
    // Count canvas pixels in the LLM colour (--lgt-llm) inside the timeline.
    const px = await page.evaluate(() => {
      const c = document.querySelector('canvas.tl-base') as HTMLCanvasElement;
      const probe = document.createElement('div');
      probe.style.color = getComputedStyle(document.body).getPropertyValue('--lgt-llm');
      document.body.append(probe);
      const [r, g, b] = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
      probe.remove();
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) < 8 && Math.abs(d[i + 1] - g) < 8 && Math.abs(d[i + 2] - b) < 8) n++;
      return n;
    });
    assert.ok(px > 100, `LLM bands drawn (${px} px)`);
    // The tooltip over the writer's bar: one line of what its model said.
    const cv = (await page.locator('canvas.tl-base').boundingBox())!;
    const label = (await page.locator('.tl-label', { hasText: 'writer' }).boundingBox())!;
    await page.mouse.move(cv.x + cv.width * 0.8, label.y + label.height / 2);
    await page.locator('.tip:not([hidden]) .tip-llm').waitFor();
    assert.equal(await page.locator('.tip-llm').textContent(), 'fake-large · 120→8 tokens · “Once upon a time there was a timeline.”');
    // Text from the run is text: a call's answer is never parsed as HTML.
    await page.locator('.execlist [role="option"]').nth(1).click();
    assert.match((await page.locator('.llm-text').textContent())!, /Once upon a time there was a timeline\./);
    await page.screenshot({ path: join(screenshotDir, 'llm-bars.png') });
    await page.close();
  });
});
