// The Send fan-out in lanes, the toolbar at two widths in three themes, and the selection across
// a theme switch: the real webview bundle in headless Chromium through the preview, on the
// fan-out recorded from the example deployment (examples/src/fanout.ts). What the canvas drew is
// read back from its pixels (pageProbes.ts); clicks go where the bars were drawn.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parseRecording } from '../../src/shared/recording';
import { RunModel } from '../../src/shared/runModel';
import type { SessionInfo, SessionStatus } from '../../src/shared/protocol';
import { pageUrl, repoRoot, screenshotDir, settle, usePreviewBrowser, waitRendered } from './harness';
import { barBands, boxes, canvasCorner, canvasPixels, savedUi, type Band } from './pageProbes';

const FANOUT = 'test/fixtures/recordings/fanout-updates-tasks.jsonl';
const THEMES = ['light', 'dark', 'hc'] as const;
const BG: Record<string, number[]> = { light: [255, 255, 255], dark: [31, 31, 31], hc: [0, 0, 0] };

const env = usePreviewBrowser();

async function open(file: string, q: Record<string, string> = {}, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const ctx = await env.browser.newContext({ viewport });
  // These tests measure the timeline's pixels at the width they were written for: the graph
  // pane (test/webview/graph.test.ts) is hidden, as a person can hide it.
  await ctx.addInitScript(() => localStorage.setItem('lgt.graphPane', JSON.stringify({ width: null, hidden: true })));
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as unknown as { errors: string[] }).errors = errors;
  await page.goto(pageUrl(env.preview, file, { theme: 'dark', chrome: '0', ...q }));
  return page;
}
const pageErrors = (p: Page) => (p as unknown as { errors: string[] }).errors;
const shot = (page: Page, file: string) => page.screenshot({ path: join(screenshotDir, file) });

/** The fan-out as the panel's own model sees it (the same recording, its extras included). */
function fanout() {
  const rec = parseRecording(readFileSync(join(repoRoot, FANOUT), 'utf8'));
  const model = RunModel.from(rec.events, { input: rec.header.input, extras: rec.header.extras as Record<string, unknown> });
  model.end();
  const fan = model.executions.filter((e) => e.node === 'retrieve_documents');
  // The most of them running at once: at each one's start, those begun and not yet over.
  const atOnce = Math.max(...fan.map((a) => fan.filter((b) => b.start <= a.start && (b.end! > a.start || b.start === a.start)).length));
  return { rec, model, fan, atOnce };
}

async function rowBands(page: Page, node: string): Promise<Band[]> {
  const box = (await page.locator('.tl-label', { hasText: node }).boundingBox())!;
  return barBands(page, '--lgt-ok', box.y, box.y + box.height);
}

async function selectedAfter(page: Page, previous: number | null): Promise<number | null> {
  await page.waitForFunction((prev) => JSON.parse(sessionStorage.getItem('lgt-preview-webview-state') ?? '{}').ui?.selected !== prev, previous, { timeout: 10_000 }).catch(() => undefined);
  return (await savedUi(page)).selected;
}

describe('a Send fan-out in lanes', () => {
  test('retrieve_documents gets a lane per execution running at once; the row says so', async () => {
    const { model, fan, atOnce } = fanout();
    assert.equal(fan.length, 3);
    assert.equal(atOnce, 3, 'the three Sends overlap in the recording');
    for (const theme of THEMES) {
      const page = await open(FANOUT, { theme });
      await waitRendered(page, model.executions.length);
      await settle(page);
      const label = page.locator('.tl-label', { hasText: 'retrieve_documents' });
      assert.match((await label.getAttribute('aria-label'))!, /^retrieve_documents: 3 executions, up to 3 at once$/);
      assert.doesNotMatch((await page.locator('.tl-label', { hasText: 'plan_queries' }).getAttribute('aria-label'))!, /at once/);
      const bands = await rowBands(page, 'retrieve_documents');
      assert.equal(bands.length, atOnce, `lanes drawn: ${JSON.stringify(bands)}`);
      for (const [k, b] of bands.entries()) {
        assert.equal(b.bars.length, 1, `lane ${k}: one bar`);
        assert.ok(b.bars[0].x1 - b.bars[0].x0 >= 3, `lane ${k}: at least 3 px wide`);
        if (k) assert.ok(b.top >= bands[k - 1].bottom + 2, 'lanes apart');
      }
      // Widest bar, longest execution: each lane holds a different one.
      const byWidth = bands.map((b) => b.bars[0].x1 - b.bars[0].x0).sort((a, b) => a - b);
      const byTime = fan.map((e) => e.end! - e.start).sort((a, b) => a - b);
      assert.ok(byWidth[0] < byWidth[1] && byWidth[1] < byWidth[2], `widths ${byWidth}`);
      assert.ok(Math.abs(byWidth[2] / byWidth[1] - byTime[2] / byTime[1]) < 0.1, `widths ${byWidth} vs durations ${byTime}`);
      for (const node of ['plan_queries', 'synthesize']) assert.equal((await rowBands(page, node)).length, 1, `${node}: one lane`);
      assert.ok((await canvasPixels(page, '--lgt-muted')) > 50, 'fan-in connectors drawn');
      await shot(page, `fanout-lanes-${theme}.png`);
      assert.deepEqual(pageErrors(page), []);
      await page.context().close();
    }
  });

  test('each execution is selected by a click where it is drawn, the 1 ms one too, and a near miss still reaches it', async () => {
    const { model, fan } = fanout();
    const page = await open(FANOUT);
    await waitRendered(page, model.executions.length);
    await settle(page);
    const bands = await rowBands(page, 'retrieve_documents');
    assert.equal(bands.length, 3);
    const picked: number[] = [];
    let sel: number | null = null;
    for (const b of bands) {
      const bar = b.bars[0];
      await page.mouse.click((bar.x0 + bar.x1) / 2, (b.top + b.bottom) / 2);
      sel = await selectedAfter(page, sel);
      assert.notEqual(sel, null);
      picked.push(sel!);
    }
    assert.deepEqual([...picked].sort(), fan.map((e) => e.index).sort(), 'every lane selects its own execution');
    // The narrowest bar is the shortest execution (a few ms, drawn 3 px wide).
    const narrow = bands.reduce((a, b) => (b.bars[0].x1 - b.bars[0].x0 < a.bars[0].x1 - a.bars[0].x0 ? b : a));
    const shortest = fan.reduce((a, b) => (b.end! - b.start < a.end! - a.start ? b : a));
    assert.ok(shortest.end! - shortest.start < 10, `${shortest.end! - shortest.start} ms`);
    assert.equal(picked[bands.indexOf(narrow)], shortest.index);
    await page.locator('.detail h2').waitFor();
    assert.match((await page.locator('.detail h2').textContent())!, /retrieve_documents/);
    // Select something else, then click 4 px past the sliver's end: the nearest bar is the sliver.
    const other = picked.find((i) => i !== shortest.index)!;
    const otherBand = bands[picked.indexOf(other)];
    await page.mouse.click((otherBand.bars[0].x0 + otherBand.bars[0].x1) / 2, (otherBand.top + otherBand.bottom) / 2);
    sel = await selectedAfter(page, sel);
    assert.equal(sel, other);
    const y = (narrow.top + narrow.bottom) / 2;
    await page.mouse.click(narrow.bars[0].x1 + 4, y);
    sel = await selectedAfter(page, sel);
    assert.equal(sel, shortest.index, 'a click 4 px off the 3 px bar selects it');
    await page.mouse.move(narrow.bars[0].x1 + 2, y);
    await page.locator('.tip').waitFor({ state: 'visible' });
    assert.match((await page.locator('.tip').textContent())!, /retrieve_documents.*step 2.*took \d ms/);
    // Far from any bar, a click selects nothing new.
    await page.mouse.click(narrow.bars[0].x1 + 60, y);
    await settle(page);
    assert.equal((await savedUi(page)).selected, shortest.index);
    await page.context().close();
  });
});

/** The host's status message, as the extension sends it. */
async function setStatus(page: Page, status: SessionStatus): Promise<void> {
  await page.evaluate((s) => {
    const l = window.lgtPreview;
    l.send({ type: 'session/status', sessionId: l.sessionId!, status: s });
  }, status);
  await settle(page);
}

const STATUSES: SessionStatus[] = [
  { phase: 'interrupted', message: 'The run is waiting at an interrupt.' },
  { phase: 'error', message: 'tool backend unavailable: simulated failure (HTTP 500 from the tool server at https://tools.example.com/v1/search, after 3 attempts)' },
  { phase: 'recorded', message: '16 recorded events' },
];

function overlap(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

describe('toolbar', () => {
  test('at 1280 and 800 px, in light, dark and high contrast, on interrupted, failed and recorded runs: nothing overlaps', async () => {
    const page = await open('test/fixtures/webview/interrupt.jsonl');
    await waitRendered(page, 2);
    for (const theme of THEMES) {
      await page.evaluate((t) => window.lgtPreview.setTheme(t), theme);
      for (const width of [1280, 800]) {
        await page.setViewportSize({ width, height: 800 });
        for (const status of STATUSES) {
          await setStatus(page, status);
          const where = `${theme} ${width} px ${status.phase}`;
          const bar = (await boxes(page, 'header.toolbar'))[0];
          const parts = await boxes(page, '.toolbar .title, .toolbar .pill, .toolbar .counts, .toolbar .field, .toolbar .tb-view .icon-btn');
          assert.ok(parts.length >= 9, `${where}: ${parts.length} parts`);
          for (const p of parts) {
            assert.ok(p.x >= bar.x - 0.5 && p.x + p.w <= bar.x + bar.w + 0.5 && p.y >= bar.y - 0.5 && p.y + p.h <= bar.y + bar.h + 0.5, `${where}: ${p.what} inside the toolbar`);
            assert.ok(p.w > 0 && p.h > 0, `${where}: ${p.what} shown`);
          }
          for (let i = 0; i < parts.length; i++) {
            for (let j = i + 1; j < parts.length; j++) assert.ok(overlap(parts[i], parts[j]) < 0.5, `${where}: ${parts[i].what} overlaps ${parts[j].what}`);
          }
          assert.ok(await page.locator('header.toolbar').evaluate((e) => e.scrollWidth <= e.clientWidth), `${where}: no horizontal overflow`);
          // The whole status is in the tooltip (and the DOM text); what does not fit is cut.
          const said = `${status.phase} — ${status.message}`;
          assert.equal(await page.locator('.pill').getAttribute('title'), said);
          assert.equal(await page.locator('.pill .pill-text').textContent(), said);
          if (status.phase === 'error') assert.ok(await page.locator('.pill .pill-text').evaluate((e) => e.scrollWidth > e.clientWidth), `${where}: long status cut with an ellipsis`);
          if (status.phase === 'interrupted') await shot(page, `toolbar-interrupted-${theme}-${width}.png`);
        }
      }
    }
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  test('at the width VS Code gives the panel beside the sidebar (930 px), the toolbar keeps one row, and the overview its histogram, as the run goes from streaming to done', async () => {
    const page = await open('test/fixtures/webview/interrupt.jsonl', {}, { width: 930, height: 800 });
    await waitRendered(page, 2);
    // The example agent's run as the extension sends it: titled with the graph's name.
    const rec = parseRecording(readFileSync(join(repoRoot, 'test/fixtures/webview/agent.jsonl'), 'utf8'));
    const session: SessionInfo = { id: 'live', title: 'agent', url: 'http://127.0.0.1:1', assistantId: 'agent', graphId: 'agent', threadId: null, runId: null, streamMode: ['updates', 'tasks', 'messages-tuple'], startedAt: rec.header.startedAt, input: {} };
    await page.evaluate(({ s, events }) => window.lgtPreview.send({ type: 'session/snapshot', session: s, status: { phase: 'streaming' }, events }), { s: session, events: rec.events });
    await page.waitForFunction(() => document.querySelector('.toolbar .title')?.textContent === 'agent');
    const rows: Record<string, number> = {};
    for (const phase of ['streaming', 'done', 'cancelled', 'streaming'] as const) {
      await page.evaluate((p) => window.lgtPreview.send({ type: 'session/status', sessionId: 'live', status: { phase: p } }), phase);
      await page.waitForFunction((p) => document.querySelector('.toolbar .pill-text')?.textContent === p, phase);
      await settle(page);
      // Rows: the parts' middles, apart by more than half a row.
      const mids = (await boxes(page, '.toolbar .title, .toolbar .pill, .toolbar .field, .toolbar .tb-view .icon-btn')).map((b) => b.y + b.h / 2).sort((a, b) => a - b);
      rows[phase] = mids.filter((m, i) => i === 0 || m - mids[i - 1] > 12).length;
      if (phase === 'done') await shot(page, 'toolbar-930-done.png');
      // The overview keeps the run's histogram as its bounds change with the phase (it was left
      // with the last live moment's when the run ended within a rebin's wait).
      await page.waitForFunction(() => {
        const c = document.querySelector('.overview canvas') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let coloured = 0;
        for (let y = 4; y < c.height - 5; y++) {
          for (let x = 4; x < c.width - 4; x++) {
            const i = (y * c.width + x) * 4;
            if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) coloured++;
          }
        }
        return coloured > c.width;
      }, null, { timeout: 5000 }).catch(() => assert.fail(`${phase}: the overview has no histogram`));
    }
    assert.deepEqual(rows, { streaming: 1, done: 1, cancelled: 1 }, 'rows of the toolbar by phase (a change moves the whole panel)');
    await page.context().close();
  });

  test('counts are pluralised: "1 node run · 1 event", "5 node runs · 16 events"', async () => {
    const { model, rec } = fanout();
    const page = await open(FANOUT);
    await waitRendered(page, model.executions.length);
    await settle(page);
    assert.equal((await page.locator('.counts').textContent())!.trim(), `${model.executions.length} node runs · ${rec.events.length} events`);
    // A run of one node and one event, sent the way the host sends a session.
    const session: SessionInfo = { id: 'one', title: 'solo', url: 'http://127.0.0.1:1', assistantId: 'solo', graphId: 'solo', threadId: null, runId: null, streamMode: ['updates'], startedAt: Date.now(), input: {} };
    await page.evaluate((s) => window.lgtPreview.send({ type: 'session/snapshot', session: s, status: { phase: 'done' }, events: [{ id: '0', event: 'updates', ns: [], data: { solo: { n: 1 } }, t: Date.now() }] }), session);
    await page.waitForFunction(() => document.querySelector('.toolbar .title')?.textContent === 'solo');
    await settle(page);
    assert.equal((await page.locator('.counts').textContent())!.trim(), '1 node run · 1 event');
    await page.context().close();
  });
});

describe('the selection across a theme switch', () => {
  test('switching theme with the picker, then Escape as focus comes back, keeps the selected execution', async () => {
    const { model, fan } = fanout();
    // With the preview's own control bar: its theme picker stands for VS Code's.
    const page = await open(FANOUT, { chrome: '1' });
    await waitRendered(page, model.executions.length);
    await settle(page);
    const target = fan[1].index;
    await page.locator(`#ex-${target}`).click();
    assert.equal(await selectedAfter(page, null), target);
    let theme = 'dark';
    for (const next of ['light', 'hc', 'dark']) {
      await page.locator('#pv-theme').selectOption(next);
      await page.waitForFunction((bg) => {
        const c = document.querySelector('.tl-base') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(c.width - 2, c.height - 2, 1, 1).data;
        return d[0] === bg[0] && d[1] === bg[1] && d[2] === bg[2];
      }, BG[next]);
      assert.deepEqual(await canvasCorner(page), BG[next], `${theme} → ${next}: canvas repainted`);
      // VS Code hands the focus back to the page itself, not to the list it came from; a person
      // presses Escape to be sure the picker is gone.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('Escape');
      await settle(page);
      assert.equal((await savedUi(page)).selected, target, `${theme} → ${next}: selection kept`);
      assert.equal(await page.locator(`#ex-${target}`).getAttribute('aria-selected'), 'true');
      assert.match((await page.locator('.detail h2').textContent())!, /retrieve_documents/);
      assert.ok((await canvasPixels(page, '--lgt-focus', '.tl-overlay')) > 10, `${theme} → ${next}: the selection outline drawn`);
      theme = next;
    }
    // Escape where the selection is shown still clears it.
    await page.locator('.execlist').focus();
    await page.keyboard.press('Escape');
    assert.equal(await selectedAfter(page, target), null);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });
});
