// Compare with…, in the real webview bundle in headless Chromium (the preview): a comparison of
// two runs recorded from the real dev server (the agent answering two inputs: one takes its tool
// branch, one does not), computed by the same code the extension host runs, shown over the
// timeline. Rows say what each is; n / Shift+N jump between differences; Esc closes and tells the
// host; run data (here a node name with markup) is text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parseRecording } from '../../src/shared/recording';
import { modelFromRecording } from '../../src/cli/show';
import { compareRuns, type Comparison } from '../../src/shared/compare';
import type { ComparisonShown } from '../../src/shared/protocol';
import { pageUrl, repoRoot, screenshotDir, settle, usePreviewBrowser, waitRendered } from './harness';

const env = usePreviewBrowser();
const rec = (name: string) => parseRecording(readFileSync(join(repoRoot, 'test', 'fixtures', 'recordings', `${name}.jsonl`), 'utf8'));

function comparison(): Comparison {
  return compareRuns(modelFromRecording(rec('agent-hi-updates-values')), modelFromRecording(rec('agent-updates-values')));
}

async function open(theme = 'dark'): Promise<Page> {
  const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as unknown as { errors: string[] }).errors = errors;
  await page.goto(pageUrl(env.preview, 'test/fixtures/webview/agent.jsonl', { theme, chrome: '0' }));
  await waitRendered(page, 1);
  return page;
}

async function show(page: Page, shown: ComparisonShown): Promise<void> {
  await page.evaluate((c) => window.lgtPreview.send({ type: 'compare/show', compare: c }), shown);
  await page.locator('.compare').waitFor();
  await settle(page);
}

const selectedRow = (page: Page) => page.locator('.cmp-row[aria-selected="true"]').getAttribute('data-row').then(Number);

describe('compare two runs in the panel', () => {
  test('rows, verdict, keys between differences, Esc back to the timeline', async () => {
    const c = comparison();
    assert.equal(c.equivalent, false);
    const diffRows = c.rows.map((r, i) => (r.kind === 'same' ? -1 : i)).filter((i) => i >= 0);
    assert.ok(diffRows.length >= 2, `${diffRows.length} differing rows`);
    const page = await open();
    // The toolbar's button asks the host, naming no run (nothing selected: the last run).
    await page.locator('.icon-btn[aria-label^="Compare with"]').click();
    const asked = await page.evaluate(() => window.lgtPreview.fromWebview.filter((m) => m.type === 'compare'));
    assert.deepEqual(asked, [{ type: 'compare', runId: null }]);

    await show(page, { a: { label: 'agent “hi”', live: false }, b: { label: 'agent (tool question)', live: false }, comparison: c, seq: 1 });
    assert.equal(await page.locator('.main').isVisible(), false, 'the timeline is behind the comparison');
    // One row per aligned execution, each named for its node and what it is.
    const labels = await page.locator('.cmp-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-kind'), e.getAttribute('aria-label')]));
    assert.equal(labels.length, c.rows.length);
    c.rows.forEach((r, i) => {
      assert.equal(labels[i][0], r.kind);
      assert.ok(labels[i][1]!.startsWith(`${r.path ? `${r.path} › ` : ''}${r.node}`), labels[i][1]!);
    });
    assert.match((await page.locator('.cmp-verdict').textContent())!, /^\s*Different: /);
    assert.match((await page.locator('.cmp-note').textContent())!, /Ignored: ids of messages/);
    // The first difference is selected; n and Shift+N walk the differences only.
    assert.equal(await selectedRow(page), diffRows[0]);
    await page.keyboard.press('n');
    assert.equal(await selectedRow(page), diffRows[1]);
    await page.keyboard.press('Shift+N');
    assert.equal(await selectedRow(page), diffRows[0]);
    await page.keyboard.press('Alt+F5');
    assert.equal(await selectedRow(page), diffRows[1]);
    // The selected row's details: a row only in one run says so.
    const only = c.rows.findIndex((r) => r.kind === 'onlyB');
    if (only >= 0) {
      await page.locator(`.cmp-row[data-row="${only}"]`).click();
      assert.match((await page.locator('.cmp-detail').textContent())!, /ran only in B/);
    }
    await page.screenshot({ path: join(screenshotDir, 'compare-dark.png') });
    // The timeline's keys do not act behind it ('j' moves in the comparison, not the timeline).
    const before = await page.evaluate(() => JSON.parse(JSON.stringify(window.lgtPreview.rendered)));
    await page.keyboard.press('Escape');
    await page.locator('.compare').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.main').isVisible(), true);
    const closed = await page.evaluate(() => window.lgtPreview.fromWebview.filter((m) => m.type === 'compareClosed').length);
    assert.equal(closed, 1, 'the host is told, so it stops redoing the comparison');
    assert.ok(before);
    assert.deepEqual((page as unknown as { errors: string[] }).errors, []);
    await page.context().close();
  });

  test('run data is text: a node named with markup, in the light and high-contrast themes', async () => {
    const c = comparison();
    const evil = '<img src=x onerror="window.__xss=1">';
    c.rows[0] = { ...c.rows[0], kind: 'differs', node: evil, writes: [{ kind: 'changed', path: ['messages'], before: evil, after: '<b>bold</b>' }] };
    for (const theme of ['light', 'hc']) {
      const page = await open(theme);
      await show(page, { a: { label: `A ${evil}`, live: true }, b: { label: 'B', live: false }, comparison: c, seq: 1 });
      assert.equal(await page.locator('.compare img, .compare b:has-text("bold")').count(), 0, 'no markup from run data');
      assert.ok((await page.locator('.cmp-row[data-row="0"]').textContent())!.includes(evil));
      assert.match((await page.locator('.cmp-verdict').textContent())!, /so far/, 'a live side: the verdict says it may change');
      assert.ok((await page.locator('.cmp-side').first().textContent())!.includes('streaming'));
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      await page.screenshot({ path: join(screenshotDir, `compare-${theme}.png`) });
      await page.context().close();
    }
  });

  test('a long comparison: only the rows in view are in the DOM; keys, scrolling and a live redo keep the place', async () => {
    const base = comparison();
    // 3,000 rows, as a long run against a golden one: the small comparison's rows over and over.
    const rows = Array.from({ length: 3000 }, (_, i) => ({ ...base.rows[i % base.rows.length], occurrence: Math.floor(i / base.rows.length) + 1 }));
    const c = { ...base, rows };
    const page = await open();
    await show(page, { a: { label: 'A', live: true }, b: { label: 'B', live: false }, comparison: c, seq: 1 });
    const drawn = () => page.locator('.cmp-row').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row'))));
    const inView = (row: number) =>
      page.evaluate((r) => {
        const list = document.querySelector('.cmp-rows')!.getBoundingClientRect();
        const el = document.querySelector(`.cmp-row[data-row="${r}"]`)?.getBoundingClientRect();
        return !!el && el.top >= list.top - 1 && el.bottom <= list.bottom + 1;
      }, row);
    let shownRows = await drawn();
    assert.ok(shownRows.length > 10 && shownRows.length < 100, `${shownRows.length} rows in the DOM`);
    assert.equal(await page.locator('.cmp-row').first().getAttribute('aria-setsize'), '3000');
    assert.equal(await page.locator('.cmp-rows').getAttribute('aria-label'), `3000 aligned executions, ${rows.filter((r) => r.kind !== 'same').length} with differences`);
    // End: the last row selected, scrolled to and drawn (the listbox's active descendant exists).
    await page.keyboard.press('End');
    await settle(page);
    assert.equal(await selectedRow(page), 2999);
    assert.ok(await inView(2999), 'the last row is in view');
    assert.equal(await page.locator('.cmp-rows').getAttribute('aria-activedescendant'), 'cmp-row-2999');
    assert.ok(!(await drawn()).includes(0), 'the first rows left the DOM');
    // Home, then n: the first difference after the top, drawn and in view.
    await page.keyboard.press('Home');
    await settle(page);
    assert.equal(await selectedRow(page), 0);
    assert.ok(await inView(0));
    const firstDiff = rows.findIndex((r, i) => i > 0 && r.kind !== 'same');
    await page.keyboard.press('n');
    await settle(page);
    assert.equal(await selectedRow(page), firstDiff);
    assert.ok(await inView(firstDiff));
    // Scrolling by hand draws the rows there.
    await page.locator('.cmp-rows').evaluate((el) => (el.scrollTop = 20 * 1500));
    await page.waitForFunction(() => !!document.querySelector('.cmp-row[data-row="1500"]'));
    shownRows = await drawn();
    assert.ok(shownRows.length < 100 && Math.min(...shownRows) > 1400, `rows ${Math.min(...shownRows)}–${Math.max(...shownRows)} drawn`);
    // A live redo (more rows, seq 2) keeps the selection and the rows virtual.
    await page.locator('.cmp-row[data-row="1505"]').click();
    await show(page, { a: { label: 'A', live: true }, b: { label: 'B', live: false }, comparison: { ...c, rows: [...rows, ...rows.slice(0, 500)] }, seq: 2 });
    assert.equal(await selectedRow(page), 1505);
    assert.ok(await inView(1505));
    await page.screenshot({ path: join(screenshotDir, 'compare-long-dark.png') });
    assert.equal(await page.locator('.cmp-row').first().getAttribute('aria-setsize'), '3500');
    assert.deepEqual((page as unknown as { errors: string[] }).errors, []);
    await page.context().close();
  });
});
