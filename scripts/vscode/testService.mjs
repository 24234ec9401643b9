// A loopback HTTP service that lets code inside the extension host (tests) look at and drive the
// workbench page in headless Chromium. Started by launcher.mjs (tests) and start.mjs (--smoke).
//
// All endpoints: POST, JSON body, JSON answer; one browser operation at a time (queued).
//
//   POST /screenshot  {"name":"panel-live","target":"workbench"|"webview","timeoutMs"?:20000}
//       -> 200 {"path":"/abs/test-results/screenshots/panel-live.png"}   (after the file is written)
//       workbench: the whole browser viewport (the VS Code window).
//       webview:   the visible webview panel's content (iframe.webview.ready -> #active-frame),
//                  waiting up to timeoutMs for one to be shown.
//       Files go to $LGT_SCREENSHOT_DIR or <repo>/test-results/screenshots/.
//
//   POST /ui  one action, the way a person would do it:
//       {"action":"press","key":"F1"}                    Playwright key names ("Enter", "Control+P")
//       {"action":"type","text":"LangGraph: Open Timeline"}
//       {"action":"click","selector":"text=Run"}         Playwright selector; first match
//       {"action":"waitFor","selector":"#app","state":"visible"}   state: visible|attached|hidden|detached
//       {"action":"command","title":"LangGraph: Open Timeline"}    F1, type the title, Enter
//       read:    {selector, attr?} -> {values: [attribute or text of each match]}
//       {"action":"hover","selector":".monaco-list-row"}      move the mouse over it (tooltips, inline actions)
//       {"action":"inspect","selector":".quick-input-box input"} the first match, as a person sees it:
//           -> {"ok":true,"value":<input value or null>,"text":<textContent>,"focused":<has the keyboard focus>,
//               "attributes":{name: value}}
//       optional on every action: "frame":"webview" (act inside the visible webview's content),
//       "timeoutMs" (default 20000)
//       -> 200 {"ok":true} | 400 bad request | 500/503 {"error":"..."}
//
// Either path accepts either body: a body with "action" is a UI action, otherwise a screenshot.
// Inside the extension host the URLs are process.env.LGT_SCREENSHOT_URL and LGT_UI_URL.
import http from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../lib/ports.mjs';
import { REPO_ROOT } from './codeServer.mjs';

export function screenshotDir() {
  return resolve(process.env.LGT_SCREENSHOT_DIR || join(REPO_ROOT, 'test-results', 'screenshots'));
}

const badRequest = (msg) => Object.assign(new Error(msg), { status: 400 });

/** The visible webview panel: { outer, inner, frame } (frame = its content), or null. */
export async function visibleWebviewFrame(page) {
  for (const outer of await page.$$('iframe.webview.ready')) {
    const box = await outer.boundingBox().catch(() => null);
    if (!box || box.width < 2 || box.height < 2) continue;
    if (!(await outer.isVisible().catch(() => false))) continue;
    const outerFrame = await outer.contentFrame();
    const inner = await outerFrame?.$('#active-frame');
    const frame = await inner?.contentFrame();
    if (frame) return { outer, inner, frame };
  }
  return null;
}

export async function waitForWebview(page, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const wv = await visibleWebviewFrame(page).catch(() => null);
    if (wv) {
      await wv.frame.waitForLoadState('load', { timeout: Math.max(1000, deadline - Date.now()) }).catch(() => {});
      return wv;
    }
    if (Date.now() > deadline) throw new Error(`no visible webview panel within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function takeScreenshot(page, { name, target = 'workbench', timeoutMs = 20_000 } = {}) {
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) throw badRequest('"name" must match [A-Za-z0-9_.-]+');
  const dir = screenshotDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name.endsWith('.png') ? name : `${name}.png`);
  if (target === 'workbench') {
    await page.screenshot({ path, timeout: timeoutMs });
  } else if (target === 'webview') {
    const wv = await waitForWebview(page, timeoutMs);
    await wv.inner.screenshot({ path, timeout: timeoutMs });
  } else {
    throw badRequest('"target" must be "workbench" or "webview"');
  }
  return path;
}

export async function uiAction(page, body) {
  const timeout = body.timeoutMs ?? 20_000;
  const scope = async () => (body.frame === 'webview' ? (await waitForWebview(page, timeout)).frame : page);
  const need = (k) => { if (typeof body[k] !== 'string' || !body[k]) throw badRequest(`"${k}" is required for ${body.action}`); };
  switch (body.action) {
    case 'press':
      need('key');
      if (body.frame === 'webview') await (await scope()).locator('body').press(body.key, { timeout });
      else await page.keyboard.press(body.key);
      break;
    case 'type':
      if (typeof body.text !== 'string') throw badRequest('"text" is required for type');
      await page.keyboard.type(body.text, { delay: body.delay ?? 10 });
      break;
    case 'click':
      need('selector');
      await (await scope()).locator(body.selector).first().click({ timeout });
      break;
    case 'waitFor':
      need('selector');
      await (await scope()).locator(body.selector).first().waitFor({ state: body.state ?? 'visible', timeout });
      break;
    case 'hover': {
      need('selector');
      // A real mouse arrives in several moves: hovers that start on mousemove need more than one.
      const el = (await scope()).locator(body.selector).first();
      const box = await el.boundingBox({ timeout });
      if (!box) throw new Error(`${body.selector} has no box to hover`);
      const x = box.x + Math.min(box.width / 3, 80);
      const y = box.y + box.height / 2;
      await page.mouse.move(x - 20, y, { steps: 1 });
      await page.mouse.move(x, y, { steps: 5 });
      break;
    }
    case 'inspect': {
      need('selector');
      const el = (await scope()).locator(body.selector).first();
      await el.waitFor({ state: 'attached', timeout });
      return el.evaluate((e) => ({
        value: 'value' in e && typeof e.value === 'string' ? e.value : null,
        text: e.textContent,
        focused: e === document.activeElement || e.contains(document.activeElement),
        attributes: Object.fromEntries([...e.attributes].map((a) => [a.name, a.value])),
      }));
    }
    case 'command': {
      need('title');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget .quick-input-box input').first();
      await input.waitFor({ state: 'visible', timeout });
      await input.fill(`>${body.title}`);
      // Wait until the first row is the command asked for (the list filters asynchronously).
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: body.title }).first();
      await row.waitFor({ state: 'visible', timeout });
      await page.keyboard.press('Enter');
      break;
    }
    case 'read': {
      // What a person would read: each match's attribute (or text), for assertions on the page.
      need('selector');
      const attr = typeof body.attr === 'string' ? body.attr : null;
      return (await scope()).locator(body.selector).evaluateAll((els, a) => els.map((e) => (a ? e.getAttribute(a) : e.textContent) ?? ''), attr);
    }
    default:
      throw badRequest(`unknown action ${JSON.stringify(body.action)} (press|type|click|hover|waitFor|command|read|inspect)`);
  }
  return undefined;
}

/**
 * Start the service on a free loopback port. getPage() returns the current playwright Page or null.
 * -> { port, screenshotUrl, uiUrl, env, close() }   (env: the variables to hand to code-server)
 */
export async function startTestService({ getPage, log = () => {} }) {
  let queue = Promise.resolve();
  const server = http.createServer((req, res) => {
    const reply = (status, obj) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    if (req.method !== 'POST') return reply(405, { error: 'POST a JSON body' });
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { data += d; });
    req.on('end', () => {
      let body;
      try { body = JSON.parse(data || '{}'); } catch { return reply(400, { error: 'invalid JSON' }); }
      const job = queue.then(async () => {
        const page = getPage();
        if (!page) throw Object.assign(new Error('no workbench page (yet)'), { status: 503 });
        if (body.action !== undefined) {
          const r = await uiAction(page, body);
          return r === undefined ? { ok: true } : Array.isArray(r) ? { ok: true, values: r } : { ok: true, ...r };
        }
        return { path: await takeScreenshot(page, body) };
      });
      queue = job.catch(() => {});
      job.then((r) => {
        log(r.path ? `screenshot ${r.path}` : `ui ${data.slice(0, 200)}`);
        reply(200, r);
      }, (e) => {
        log(`test service ${req.url} ${data.slice(0, 200)} failed: ${e?.message ?? e}`);
        reply(e?.status ?? 500, { error: String(e?.message ?? e) });
      });
    });
  });
  const port = await freePort();
  await new Promise((r, j) => server.once('error', j).listen(port, '127.0.0.1', r));
  const screenshotUrl = `http://127.0.0.1:${port}/screenshot`;
  const uiUrl = `http://127.0.0.1:${port}/ui`;
  return {
    port,
    screenshotUrl,
    uiUrl,
    env: { LGT_SCREENSHOT_URL: screenshotUrl, LGT_UI_URL: uiUrl },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}
