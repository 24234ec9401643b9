// A cancelled execution is drawn as cancelled, not like a finished one: on a run of the example
// `slow` graph cancelled while `crunch` slept (recorded from the real deployment by
// scripts/recordFixtures.mjs), crunch's bar is hollow and hatched in the cancel colour with a stop
// mark at its end, and its row, list item and tooltip say "cancelled" — in every theme.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { pageUrl, screenshotDir, settle, usePreviewBrowser, waitRendered } from './harness';
import { barBands, longestRun, stripes } from './pageProbes';

const FILE = 'test/fixtures/recordings/slow-cancelled.jsonl';

const env = usePreviewBrowser();

async function open(theme: string, width = 1100, height = 420): Promise<Page> {
  const ctx = await env.browser.newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as unknown as { errors: string[] }).errors = errors;
  await page.goto(pageUrl(env.preview, FILE, { theme, chrome: '0' }));
  await waitRendered(page, 2);
  await settle(page);
  return page;
}

/** Page extent of a node's row in the timeline (its label beside the canvas). */
async function rowBox(page: Page, node: string): Promise<{ top: number; bottom: number }> {
  const b = (await page.locator('.tl-label', { has: page.locator('.tl-name', { hasText: new RegExp(`^${node}$`) }) }).boundingBox())!;
  return { top: b.y, bottom: b.y + b.height };
}

describe('a cancelled execution', () => {
  for (const theme of ['dark', 'light', 'hc']) {
    test(`${theme}: hollow, hatched, a stop mark; row, list and tooltip say cancelled`, async () => {
      const page = await open(theme);
      // The row and the list say it, in words and with the cancel icon.
      const label = page.locator('.tl-label', { has: page.locator('.tl-name', { hasText: /^crunch$/ }) });
      assert.match((await label.getAttribute('aria-label'))!, /^crunch: 1 execution, 1 cancelled$/);
      assert.equal(await label.locator('.codicon-circle-slash').count(), 1);
      const item = page.locator('.execlist [role="option"]', { hasText: 'crunch' });
      assert.match((await item.getAttribute('aria-label'))!, /^crunch, step 2, cancelled after \d+ ms$/);
      assert.equal(await item.locator('.tag.cancelled').count(), 1);
      // warm_up finished: its row is drawn in the done colour, and says nothing of a cancel.
      assert.doesNotMatch((await page.locator('.tl-label', { hasText: 'warm_up' }).getAttribute('aria-label'))!, /cancelled/);
      const warm = await rowBox(page, 'warm_up');
      const warmBar = await longestRun(page, '--lgt-ok', warm.top, warm.bottom);
      assert.ok(warmBar && warmBar.x1 - warmBar.x0 > 40, 'warm_up: a done bar');

      // crunch: nothing in the done colour; a frame in the cancel colour as wide as its time.
      const crunch = await rowBox(page, 'crunch');
      assert.deepEqual(await barBands(page, '--lgt-ok', crunch.top, crunch.bottom), [], 'crunch is not drawn like a done execution');
      const frame = await longestRun(page, '--lgt-cancel', crunch.top, crunch.bottom);
      assert.ok(frame, 'crunch has cancel-coloured pixels');
      assert.ok(frame.x0 >= warmBar!.x1 - 1, `crunch starts where warm_up ended (${frame.x0} vs ${warmBar!.x1})`);
      assert.ok(frame.x1 - frame.x0 > 40, `the frame's edge spans the bar (${frame.x1 - frame.x0} px)`);
      // Hollow and hatched: halfway down the bar, stripes of the cancel colour cross it (a solid
      // bar would be one run covering all of it). Past the duration label, before the stop mark.
      const middle = await stripes(page, '--lgt-cancel', '--lgt-bg', frame.y + 7, frame.x0 + 60, frame.x1 - 10);
      assert.ok(middle.runs >= 4 && middle.covered < 0.6, `hatched, not filled: ${JSON.stringify(middle)}`);

      // The tooltip over it says so.
      await page.mouse.move((frame.x0 + frame.x1) / 2 - 10, (crunch.top + crunch.bottom) / 2);
      await page.locator('.tip').waitFor({ state: 'visible' });
      assert.match((await page.locator('.tip').textContent())!, /step 2, cancelled after \d+ ms/);
      await settle(page);
      await page.screenshot({ path: join(screenshotDir, `cancelled-${theme}.png`) });
      assert.deepEqual((page as unknown as { errors: string[] }).errors, []);
      await page.context().close();
    });
  }
});
