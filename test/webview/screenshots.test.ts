// Screenshots in light, dark and high contrast (saved under test-results/screenshots/ to be looked
// at), and checks that each theme really reached both the DOM and the canvas: the canvas is
// painted with the theme's editor background, bars with its chart colours, and a theme switch
// while the panel is open repaints the canvas.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureDir, fixture, launch, pageUrl, screenshotDir, settle, startPreview, waitRendered, type Preview } from './harness';
import { canvasCorner, canvasPixels } from './pageProbes';

let preview: Preview;
let browser: Browser;
before(async () => {
  ensureDir(screenshotDir);
  preview = await startPreview([fixture('agent.jsonl')]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await preview?.stop();
});

/** Editor backgrounds of the stand-in themes (media/preview/themes). */
const BG: Record<string, number[]> = { light: [255, 255, 255], dark: [31, 31, 31], hc: [0, 0, 0] };

async function open(name: string, theme: string, width = 1280, height = 760): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  await page.goto(pageUrl(preview, `test/fixtures/webview/${name}.jsonl`, { theme, chrome: '0' }));
  return page;
}

const shot = (page: Page, file: string) => page.screenshot({ path: join(screenshotDir, file) });

describe('themes', () => {
  for (const theme of ['light', 'dark', 'hc']) {
    test(`${theme}: panel, canvas and detail pane follow the theme`, async () => {
      // agent: a loop with tool calls, the Changed tab showing messages as chat.
      let page = await open('agent', theme);
      await waitRendered(page, 3);
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('2');
      await page.locator('.chg').first().waitFor();
      await settle(page);
      const cls = { light: 'vscode-light', dark: 'vscode-dark', hc: 'vscode-high-contrast' }[theme]!;
      assert.ok(await page.evaluate((c) => document.body.classList.contains(c), cls));
      assert.deepEqual(await canvasCorner(page), BG[theme], 'canvas background = editor background');
      const bodyBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bodyBg, `rgb(${BG[theme].join(', ')})`);
      assert.ok((await canvasPixels(page, '--vscode-charts-blue')) > 40, 'bars in the theme chart colour');
      if (theme === 'hc') {
        // High contrast: bars carry the contrast border, selection is outlined.
        assert.ok((await canvasPixels(page, '--vscode-contrastBorder')) > 20, 'contrast outlines on the canvas');
        const outline = await page.locator('.execlist .item.selected').evaluate((e) => getComputedStyle(e).outlineStyle);
        assert.equal(outline, 'solid');
      }
      await shot(page, `agent-changed-${theme}.png`);
      await page.context().close();

      // failing: the error banner, badge and tag; the row tree; hover tooltip.
      page = await open('failing', theme, 1100, 560);
      await waitRendered(page, 2);
      await settle(page);
      const box = (await page.locator('.tl-base').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.7, box.y + 22 + 22 + 11);
      await page.locator('.tip').waitFor({ state: 'visible' });
      await settle(page);
      await shot(page, `failing-${theme}.png`);
      await page.context().close();

      // subgraph: nested rows; the State tab as a tree.
      page = await open('subgraph', theme, 1100, 620);
      await waitRendered(page, 7);
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('3');
      await page.locator('.tab-panel [role="tree"]').waitFor();
      await settle(page);
      await shot(page, `subgraph-state-${theme}.png`);
      await page.context().close();
    });
  }

  test('switching the theme while open repaints the canvas', async () => {
    const page = await open('parallel', 'dark');
    await waitRendered(page, 5);
    await settle(page);
    assert.deepEqual(await canvasCorner(page), BG.dark);
    await page.evaluate(() => window.lgtPreview.setTheme('light'));
    await page.waitForFunction(() => {
      const c = document.querySelector('.tl-base') as HTMLCanvasElement;
      return c.getContext('2d')!.getImageData(c.width - 2, c.height - 2, 1, 1).data[0] === 255;
    });
    assert.deepEqual(await canvasCorner(page), BG.light);
    await page.context().close();
  });

  test('a narrow panel stacks the detail pane under the timeline', async () => {
    const page = await open('agent', 'dark', 560, 800);
    await waitRendered(page, 3);
    await page.keyboard.press('j');
    await page.locator('.detail h2').waitFor();
    await settle(page);
    const tl = (await page.locator('.timeline').boundingBox())!;
    const detail = (await page.locator('.detail').boundingBox())!;
    assert.ok(detail.y >= tl.y + tl.height - 1, 'detail below the timeline');
    assert.ok(detail.width > 500);
    await shot(page, 'agent-narrow-dark.png');
    await page.context().close();
  });
});
