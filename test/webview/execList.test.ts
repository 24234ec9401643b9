// The execution list in a narrow panel: at 800 px (and at 1280) every row's parts stay inside the
// row and the list, a status tag (interrupt, error, cancelled) is never cut, and where room is
// short the node's name gives way with an ellipsis. The columns stay aligned row to row.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { SessionInfo } from '../../src/shared/protocol';
import { pageUrl, screenshotDir, settle, usePreviewBrowser, waitRendered } from './harness';
import { boxes } from './pageProbes';

const env = usePreviewBrowser();

const RUNS: [string, number, string][] = [
  ['test/fixtures/webview/interrupt.jsonl', 2, 'interrupt'],
  ['test/fixtures/webview/failing.jsonl', 2, 'error'],
  ['test/fixtures/recordings/slow-cancelled.jsonl', 2, 'cancelled'],
];

/** Every row of the list: its parts inside it and apart, its tag whole, and the columns aligned. */
async function assertRowsFit(page: Page, where: string): Promise<void> {
  const list = (await boxes(page, '.execlist'))[0];
  assert.ok(await page.locator('.execlist').evaluate((e) => e.scrollWidth <= e.clientWidth), `${where}: the list does not scroll sideways`);
  const rows = await page.locator('.execlist .item').evaluateAll((items) =>
    items.map((item) => {
      const box = (e: Element) => {
        const r = e.getBoundingClientRect();
        return { what: e.className, x: r.x, w: r.width };
      };
      const tag = item.querySelector('.tag');
      const name = item.querySelector('.node .name') ?? item.querySelector('.node')!;
      return {
        item: box(item),
        overflows: item.scrollWidth > item.clientWidth,
        parts: [...item.querySelectorAll(':scope > span, .node > span')].filter((e) => e.getClientRects().length > 0).map(box),
        tag: tag && { ...box(tag), cut: tag.scrollWidth > tag.clientWidth },
        name: { ...box(name), cut: name.scrollWidth > name.clientWidth, ellipsis: getComputedStyle(name).textOverflow === 'ellipsis' },
        time: box(item.querySelector('.time')!),
      };
    }),
  );
  assert.ok(rows.length >= 2, `${where}: rows listed`);
  for (const r of rows) {
    assert.ok(!r.overflows, `${where}: a row overflows`);
    assert.ok(r.item.x >= list.x - 0.5 && r.item.x + r.item.w <= list.x + list.w + 0.5, `${where}: a row inside the list`);
    for (const p of r.parts) assert.ok(p.x >= r.item.x - 0.5 && p.x + p.w <= r.item.x + r.item.w + 0.5, `${where}: ${p.what} inside its row`);
    const top = r.parts.filter((p) => p.what !== 'name' && !p.what.startsWith('tag') && p.what !== 'ns');
    for (let i = 1; i < top.length; i++) assert.ok(top[i].x >= top[i - 1].x + top[i - 1].w - 0.5, `${where}: ${top[i - 1].what} runs into ${top[i].what}`);
    if (r.tag) {
      assert.ok(!r.tag.cut && r.tag.w > 0, `${where}: the tag is whole`);
      assert.ok(r.tag.x >= r.name.x + r.name.w - 0.5, `${where}: the tag follows the name`);
    }
    assert.ok(r.name.ellipsis, `${where}: a long name ends in an ellipsis`);
  }
  assert.equal(new Set(rows.map((r) => Math.round(r.time.x))).size, 1, `${where}: the time column is aligned (${rows.map((r) => r.time.x).join(', ')})`);
}

describe('the execution list in a narrow panel', () => {
  for (const [file, n, tag] of RUNS) {
    test(`${tag}: at 800 and 1280 px, in every theme, the tag is whole and the columns aligned`, async () => {
      const page = await (await env.browser.newContext({ viewport: { width: 800, height: 520 } })).newPage();
      await page.goto(pageUrl(env.preview, file, { theme: 'dark', chrome: '0' }));
      await waitRendered(page, n);
      for (const theme of ['dark', 'light', 'hc']) {
        await page.evaluate((t) => window.lgtPreview.setTheme(t), theme);
        for (const width of [800, 1280]) {
          await page.setViewportSize({ width, height: 520 });
          await settle(page);
          assert.equal(await page.locator(`.execlist .tag.${tag}`).count(), 1);
          await assertRowsFit(page, `${tag} ${theme} ${width} px`);
        }
      }
      await page.setViewportSize({ width: 800, height: 520 });
      await page.evaluate(() => window.lgtPreview.setTheme('dark'));
      await settle(page);
      await page.screenshot({ path: join(screenshotDir, `execlist-800-${tag}.png`) });
      await page.context().close();
    });
  }

  test('a long node name at an interrupt is cut with an ellipsis, the tag kept whole', async () => {
    const page = await (await env.browser.newContext({ viewport: { width: 800, height: 520 } })).newPage();
    await page.goto(pageUrl(env.preview, null, { theme: 'dark', chrome: '0' }));
    await page.waitForFunction(() => window.lgtPreview?.send);
    const node = 'review_the_drafted_customer_reply_before_sending';
    const t = Date.now();
    const session: SessionInfo = { id: 'long', title: 'long names', url: 'http://127.0.0.1:1', assistantId: 'long', graphId: 'long', threadId: null, runId: null, streamMode: ['updates', 'tasks'], startedAt: t, input: {} };
    // A task starts and the run stops at an interrupt while it runs: that task is the interrupted one.
    const events = [
      { id: '0', event: 'metadata', ns: [], data: { run_id: 'r1' }, t },
      { id: '1', event: 'tasks', ns: [], data: { id: 't1', name: 'draft', input: {}, triggers: [] }, t: t + 1 },
      { id: '2', event: 'updates', ns: [], data: { draft: { draft: 'hello' } }, t: t + 5 },
      { id: '3', event: 'tasks', ns: [], data: { id: 't1', name: 'draft', result: { draft: 'hello' } }, t: t + 5 },
      { id: '4', event: 'tasks', ns: [], data: { id: 't2', name: node, input: {}, triggers: [] }, t: t + 6 },
      { id: '5', event: 'updates', ns: [], data: { __interrupt__: [{ value: 'Send it?', id: 'i1' }] }, t: t + 9 },
    ];
    await page.evaluate(({ s, events }) => window.lgtPreview.send({ type: 'session/snapshot', session: s, status: { phase: 'interrupted' }, events }), { s: session, events });
    await page.waitForFunction(() => document.querySelectorAll('.execlist .tag.interrupt').length === 1);
    assert.equal(await page.locator('.execlist [role="option"]').count(), 2, 'draft, then the interrupted node');
    await settle(page);
    await assertRowsFit(page, 'long name 800 px');
    const cut = await page.locator('.execlist .item.interrupted .name').evaluate((e) => ({ cut: e.scrollWidth > e.clientWidth, text: e.textContent }));
    assert.deepEqual(cut, { cut: true, text: node }, 'the whole name is in the DOM, cut on screen');
    await page.screenshot({ path: join(screenshotDir, 'execlist-800-long-name.png') });
    await page.context().close();
  });
});

describe('the detail pane in a narrow panel', () => {
  test('its facts fit: the task id takes one line inside the pane, cut with an ellipsis, whole in its tooltip', async () => {
    const page = await (await env.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(pageUrl(env.preview, 'test/fixtures/webview/agent.jsonl', { theme: 'dark', chrome: '0' }));
    await waitRendered(page, 3);
    await page.locator('.execlist [role="option"]').nth(1).click();
    await page.locator('.facts dd.task-id').waitFor();
    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: 800 });
      await settle(page);
      const r = await page.locator('.facts dd.task-id').evaluate((e) => {
        const box = e.getBoundingClientRect();
        const pane = e.closest('.detail')!.getBoundingClientRect();
        return { h: box.height, font: parseFloat(getComputedStyle(e).fontSize), right: box.right, paneRight: pane.right, title: e.getAttribute('title'), text: e.textContent, cut: e.scrollWidth > e.clientWidth, ellipsis: getComputedStyle(e).textOverflow };
      });
      assert.ok(r.h < 2 * r.font, `${width} px: the task id takes ${r.h} px (font ${r.font} px), more than a line`);
      assert.ok(r.right <= r.paneRight + 0.5, `${width} px: the task id runs out of the pane`);
      assert.match(r.text!, /^[0-9a-f-]{36}$/, 'the whole id is in the DOM');
      assert.equal(r.title, r.text, 'and in its tooltip');
      if (r.cut) assert.equal(r.ellipsis, 'ellipsis', `${width} px: cut without an ellipsis`);
    }
    await page.screenshot({ path: join(screenshotDir, 'detail-facts-800.png') });
    // The first agent step's AI message asks for two tools: in the narrow pane each call's label
    // breaks between words, never inside one.
    await page.locator('.execlist [role="option"]').nth(0).click();
    await page.locator('.tab', { hasText: 'Changed' }).click();
    await page.locator('.call-label').first().waitFor();
    const split = await page.locator('.call-label').evaluateAll((els) =>
      els.flatMap((e) => {
        const text = e.textContent ?? '';
        const node = [...e.childNodes].find((n) => n.nodeType === Node.TEXT_NODE) ?? e.firstChild!;
        const out: string[] = [];
        for (const m of text.matchAll(/[A-Za-z_]+/g)) {
          const r = document.createRange();
          r.setStart(node, m.index!);
          r.setEnd(node, m.index! + m[0].length);
          if (r.getClientRects().length > 1) out.push(m[0]);
        }
        return out;
      }),
    );
    assert.deepEqual(split, [], 'words of a tool call broken across lines');
    await page.screenshot({ path: join(screenshotDir, 'detail-calls-800.png') });
    await page.context().close();
  });
});
