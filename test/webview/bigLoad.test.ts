// A big recording loaded as the extension sends it (a small snapshot, then slices): the slices
// travel packed (JSON bytes, src/shared/packedEvents.ts) and are parsed in the panel's worker
// (src/webview/inbox.ts), made from a blob under the panel's CSP. The panel ends with exactly
// what it draws when the same file comes in one message of objects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, pageUrl, settle, startPreview, type Preview } from './harness';
import { generate } from '../support/bigRun';

const EXECUTIONS = 10_000;

describe('a big recording in slices', () => {
  let dir: string;
  let file: string;
  let preview: Preview;
  let browser: Browser;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lgt-bigload-'));
    file = join(dir, 'big.jsonl');
    writeFileSync(file, generate(EXECUTIONS));
    preview = await startPreview([file]);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await preview?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function load(chunk: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    // Count the workers the panel makes, and the slices posted to them.
    await page.addInitScript(() => {
      const W = window.Worker;
      const seen = { workers: 0, blob: 0, posted: 0, unpackers: 0 };
      (window as unknown as { lgtWorkers: typeof seen }).lgtWorkers = seen;
      window.Worker = class extends W {
        private readonly fromBlob: boolean;
        private unpacks = false;
        constructor(url: string | URL, o?: WorkerOptions) {
          super(url, o);
          seen.workers++;
          this.fromBlob = String(url).startsWith('blob:');
          if (this.fromBlob) seen.blob++;
        }
        override postMessage(m: unknown, t?: Transferable[] | StructuredSerializeOptions): void {
          // The inbox's worker gets slices ({ json }); the graph's layout worker gets layouts.
          if (this.fromBlob && m && typeof m === 'object' && 'json' in m) {
            seen.posted++;
            if (!this.unpacks) seen.unpackers++;
            this.unpacks = true;
          }
          super.postMessage(m, t as Transferable[]);
        }
      } as typeof Worker;
    });
    await page.goto(pageUrl(preview, file, { chrome: '0', chunk }));
    await page.waitForFunction((n) => (window.lgtPreview?.rendered?.events ?? 0) >= n, EXECUTIONS * 3, { timeout: 120_000, polling: 100 });
    // The rows' DOM refreshes a little after the data settles (SLOW_MS later): until their counts
    // add up to every execution, they may be the last refresh's while the run was taken in.
    await page.waitForFunction(() => !document.querySelector('.tl-label[aria-label*="running"]'), null, { timeout: 30_000 });
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('.tl-label')].reduce((a, e) => a + Number(/: ([\d,.\s]+) executions?/.exec(e.getAttribute('aria-label') ?? '')?.[1].replace(/\D/g, '') ?? 0), 0) === n,
      EXECUTIONS,
      { timeout: 30_000 },
    );
    await settle(page);
    return { page, errors };
  }

  test('packed slices are parsed in a worker; the panel ends as with one message of objects', async () => {
    const { page, errors } = await load('5000');
    const seen = (await page.evaluate(() => (window as unknown as { lgtWorkers: { workers: number; blob: number; posted: number; unpackers: number } }).lgtWorkers))!;
    // The preview's host stand-in is a worker too (not from a blob); the panel's are made from
    // blobs: one takes every slice (the graph pane's layout worker is the other).
    assert.equal(seen.unpackers, 1, JSON.stringify(seen));
    // Every slice after the 2,000-event snapshot went to it: 28,000 events in slices of 5,000.
    assert.equal(seen.posted, Math.ceil((EXECUTIONS * 3 - 2000) / 5000), JSON.stringify(seen));
    const packed = (await page.evaluate(() => window.lgtPreview.fromWebview.filter((m) => m.type === 'log').map((m) => (m as { message: string }).message)));
    assert.ok(!packed.some((l) => /packed slice/.test(l)), packed.join(' | '));
    const sliced = (await page.evaluate(() => window.lgtPreview.rendered))!;
    const rows = await page.locator('.tl-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    await page.close();

    const whole = await load('0');
    const once = (await whole.page.evaluate(() => window.lgtPreview.rendered))!;
    const onceRows = await whole.page.locator('.tl-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    await whole.page.close();
    assert.deepEqual([sliced.events, sliced.executions], [once.events, once.executions]);
    assert.equal(sliced.executions, EXECUTIONS);
    assert.deepEqual(rows, onceRows);
    assert.deepEqual([...errors, ...whole.errors], []);
  });
});
