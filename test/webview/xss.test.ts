// Run data is untrusted: node names, state keys and values, messages, tool calls, errors and
// interrupts full of <script>, <img onerror>, <svg onload>, javascript: links and </style> must
// show as text and run nothing — no dialog, no request, no script, no CSP violation — wherever the
// panel shows them (rows, list, tooltip, banners, every detail tab).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { fixture, launch, pageUrl, settle, startPreview, waitRendered, type Preview } from './harness';

let preview: Preview;
let browser: Browser;
before(async () => {
  preview = await startPreview([fixture('xss.jsonl')]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await preview?.stop();
});

test('payloads in every field stay inert text', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const dialogs: string[] = [];
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  // Count CSP violations from the start (an injected inline handler would be reported).
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp?.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(pageUrl(preview, 'test/fixtures/webview/xss.jsonl', { theme: 'dark' }));
  await waitRendered(page, 2);
  await settle(page);

  // Visit everything that shows run data: both executions, all three tabs, the tooltip, help.
  const box = (await page.locator('.tl-base').boundingBox())!;
  for (const row of [0, 1]) {
    await page.mouse.move(box.x + box.width * 0.5, box.y + 22 + row * 22 + 11);
    await page.mouse.move(box.x + box.width * 0.9, box.y + 22 + row * 22 + 11);
  }
  for (const step of ['j', 'j']) {
    await page.keyboard.press(step);
    for (const tab of ['1', '2', '3']) {
      await page.keyboard.press(tab);
      await settle(page);
      // Open every collapsed node and long text the pane offers.
      for (const b of await page.locator('.tab-panel [aria-expanded="false"] > .vt-row').all()) await b.click({ timeout: 1000 }).catch(() => undefined);
      for (const b of await page.locator('.tab-panel button.link').all()) await b.click({ timeout: 1000 }).catch(() => undefined);
      for (const b of await page.locator('.tab-panel button[aria-label="Show raw value"]').all()) await b.click({ timeout: 1000 }).catch(() => undefined);
      await settle(page);
    }
  }
  await page.keyboard.press('?');
  await page.keyboard.press('Control+f');
  await page.keyboard.type('<script>');
  await page.keyboard.press('Enter');
  await settle(page);

  const text = await page.evaluate(() => document.body.innerText);
  // The payloads are on screen, as text.
  for (const shown of ['draft<img src=/xss-probe-img', '<script>window.__xss', 'javascript:window.__xss', '</style><script>', 'tool<svg onload=', '<iframe src="javascript:']) {
    assert.ok(text.includes(shown), `shows ${shown}`);
  }
  // …and nothing ran, loaded or was even attempted.
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no payload script ran');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation (nothing tried to run inline)');
  const origin = preview.base;
  const unexpected = requests.filter((u) => {
    // The panel's own workers load from blobs it made (only script makes blobs, and no payload
    // script ran: checked above).
    if (u.startsWith(`blob:${origin}/`)) return false;
    const url = new URL(u);
    if (url.origin !== origin) return true;
    return !(url.pathname === '/' || url.pathname === '/recording' || url.pathname.startsWith('/dist/webview/') || url.pathname.startsWith('/preview/'));
  });
  assert.deepEqual(unexpected, [], 'no request made by run data');
  assert.ok(!requests.some((u) => u.includes('xss-probe')));
  // No element came out of the data: no images, frames, SVG (but the graph pane's own) or links; scripts only our own.
  const counts = await page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    iframe: document.querySelectorAll('iframe').length,
    // The graph pane's own drawing is the one SVG, made of shapes and text only.
    svg: document.querySelectorAll('svg:not(.graph-svg)').length + [...document.querySelectorAll('.graph-svg *')].filter((e) => !['defs', 'marker', 'g', 'rect', 'path', 'text', 'circle'].includes(e.tagName)).length,
    a: document.querySelectorAll('a').length,
    inlineScripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
    styles: document.querySelectorAll('style').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
  }));
  assert.deepEqual(counts, { img: 0, iframe: 0, svg: 0, a: 0, inlineScripts: 0, styles: 0, handlers: 0 });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the preview page itself is served with a strict CSP', async () => {
  const res = await fetch(preview.url);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const html = await res.text();
  assert.doesNotMatch(html, /<script>(?!<\/script>)|<script [^>]*>[^<]+<\/script>/, 'no inline script');
  assert.doesNotMatch(html, /xss|draft/, 'no run data in the page');
  // Only recordings named on the command line or under test/fixtures are served.
  assert.equal((await fetch(new URL('/recording?file=/etc/passwd', preview.base))).status, 404);
  assert.equal((await fetch(new URL('/recording?file=../../package.json', preview.base))).status, 404);
  assert.equal((await fetch(new URL('/dist/webview/..%2f..%2fpackage.json', preview.base))).status, 404);
});
