// A live run: events replayed from a recording at its own pace through the host stand-in (batched
// every ~30 ms, as the extension's host does). New events appear as they arrive, follow mode keeps
// the latest in view, a lost batch is recovered by resync, and a reload in the middle (what VS
// Code does to a hidden panel) catches up and keeps the person's selection and filter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { parseRecording } from '../../src/shared/recording';
import { fixture, launch, pageUrl, settle, startPreview, type Preview } from './harness';
import { savedUi } from './pageProbes';

let preview: Preview;
let browser: Browser;
before(async () => {
  preview = await startPreview([fixture('slow.jsonl')]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await preview?.stop();
});

const total = parseRecording(readFileSync(fixture('slow.jsonl'), 'utf8')).events.length;
const rendered = (p: Page) => p.evaluate(() => window.lgtPreview.rendered as { events: number; executions: number } | null);

async function live(q: Record<string, string> = {}): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 700 } })).newPage();
  // The slow graph takes ~1 s recorded: replay it at a third of the speed so it is seen live.
  await page.goto(pageUrl(preview, 'test/fixtures/webview/slow.jsonl', { mode: 'live', speed: '0.3', theme: 'dark', ...q }));
  return page;
}

describe('live', () => {
  test('events appear as they arrive; the running node is shown running; follow holds the latest', async () => {
    const page = await live();
    // Part-way: some but not all events drawn, a node running, following.
    await page.waitForFunction(() => (window.lgtPreview.rendered?.executions ?? 0) >= 2);
    const mid = (await rendered(page))!;
    assert.ok(mid.events < total, `mid-run: ${mid.events} of ${total}`);
    await page.waitForFunction(() => document.querySelector('.tl-label[aria-label*="running"]') !== null);
    assert.match((await page.locator('.pill').textContent())!, /streaming/);
    assert.equal(await page.locator('button.follow').getAttribute('aria-pressed'), 'true');
    // Following: the list keeps the newest execution in view.
    await page.waitForFunction(() => {
      const opts = [...document.querySelectorAll('.execlist [role="option"]')];
      const list = document.querySelector('.execlist')!;
      const last = opts.find((o) => Number(o.getAttribute('aria-posinset')) === window.lgtPreview.rendered?.executions) as HTMLElement | undefined;
      if (!last) return false;
      const a = last.getBoundingClientRect();
      const b = list.getBoundingClientRect();
      return a.top >= b.top && a.bottom <= b.bottom + 1;
    });
    const ui = await savedUi(page);
    assert.equal(ui.follow, true);
    // To the end: every event, the final phase, nothing running.
    await page.waitForFunction((n) => window.lgtPreview.rendered?.events === n, total, { timeout: 30_000 });
    await page.waitForFunction(() => /done/.test(document.querySelector('.pill')?.textContent ?? ''));
    await settle(page);
    assert.equal(await page.locator('.tl-label[aria-label*="running"]').count(), 0);
    assert.equal((await rendered(page))!.executions, 5);
    await page.context().close();
  });

  test('panning stops following; the follow control brings the latest back', async () => {
    const page = await live();
    await page.waitForFunction(() => (window.lgtPreview.rendered?.executions ?? 0) >= 1);
    await page.locator('.tl-scroll').focus();
    await page.keyboard.press('+');
    await page.keyboard.press('a');
    await settle(page);
    assert.equal((await savedUi(page)).follow, false);
    assert.equal(await page.locator('button.follow').getAttribute('aria-pressed'), 'false');
    await page.keyboard.press('f');
    await settle(page);
    assert.equal((await savedUi(page)).follow, true);
    assert.equal(await page.locator('button.follow').getAttribute('aria-pressed'), 'true');
    // Selecting stops it too.
    await page.keyboard.press('j');
    await settle(page);
    assert.equal((await savedUi(page)).follow, false);
    await page.context().close();
  });

  test('a lost batch is asked for again (resync) and nothing is missing', async () => {
    const page = await live({ drop: '2' });
    await page.waitForFunction((n) => window.lgtPreview.rendered?.events === n, total, { timeout: 30_000 });
    const asked = await page.evaluate(() => window.lgtPreview.fromWebview.filter((m: { type: string }) => m.type === 'resync'));
    assert.equal(asked.length, 1, JSON.stringify(asked));
    assert.equal((await rendered(page))!.executions, 5);
    await page.context().close();
  });

  test('reloaded mid-run (a hidden panel shown again): catches up, keeps selection and filter', async () => {
    const page = await live();
    await page.waitForFunction(() => (window.lgtPreview.rendered?.executions ?? 0) >= 2);
    await page.keyboard.press('j');
    await page.keyboard.press('3');
    await page.keyboard.press('/');
    await page.keyboard.type('a'); // warm_up, crunch, … all contain "a" or a written key with one
    await page.keyboard.press('Tab');
    await settle(page);
    const before = await savedUi(page);
    assert.equal(before.selected, 0);
    const seen = (await rendered(page))!.events;
    await page.reload();
    // The snapshot after the reload has at least everything seen before, then the rest arrives.
    await page.waitForFunction((n) => (window.lgtPreview.rendered?.events ?? 0) >= n, seen);
    await page.waitForFunction((n) => window.lgtPreview.rendered?.events === n, total, { timeout: 30_000 });
    await settle(page);
    const after = await savedUi(page);
    assert.equal(after.selected, 0);
    assert.equal(after.tab, 'state');
    assert.equal(after.filter, 'a');
    assert.equal(await page.locator('#filter').inputValue(), 'a');
    assert.match((await page.locator('.detail h2').textContent())!, /warm_up/);
    assert.equal(await page.locator('[role="tab"][aria-selected="true"]').textContent(), 'State');
    await page.context().close();
  });
});
