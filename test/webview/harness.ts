// Shared by the browser tests and the webview benchmark: the preview server (scripts/preview.mjs)
// as a child process, and Debian's Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

/** dist/test/webview → the repository. */
export const repoRoot = resolve(__dirname, '..', '..', '..');
export const fixture = (name: string) => join(repoRoot, 'test', 'fixtures', 'webview', name);
export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

export interface Preview {
  /** The page URL the server printed (first file preselected). */
  url: string;
  base: string;
  pid: number;
  stop(): Promise<void>;
}

async function killTree(pid: number): Promise<void> {
  // Plain ESM helper, loaded at run time (not bundled).
  const mod = (await import(pathToFileURL(join(repoRoot, 'scripts', 'lib', 'procTree.mjs')).href)) as { killTree(pid: number): Promise<void> };
  await mod.killTree(pid);
}

/** Start `node scripts/preview.mjs FILES…` and wait for the URL on its first line. */
export function startPreview(files: string[], args: string[] = []): Promise<Preview> {
  return new Promise((resolveP, reject) => {
    const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'scripts', 'preview.mjs'), ...files, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`preview did not print its URL in 30 s\n${err}`)), 30_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      if (child.pid) void killTree(child.pid);
      reject(e);
    };
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => fail(new Error(`preview exited (${code}) before serving\n${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const url = out.slice(0, nl).trim();
      resolveP({
        url,
        base: new URL(url).origin,
        pid: child.pid!,
        stop: async () => {
          if (child.exitCode === null) await killTree(child.pid!);
        },
      });
    });
  });
}

export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return p;
}

export function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Keep timers and frames running at full rate even though nothing is on screen.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      ...extraArgs,
    ],
  });
}

/** Page URL for a fixture in the running preview. */
export function pageUrl(p: Preview, file: string | null, q: Record<string, string> = {}): string {
  const u = new URL('/', p.base);
  if (file) u.searchParams.set('file', file);
  for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
  return u.toString();
}

/** Wait until the panel reported drawing at least `executions` node executions. */
export async function waitRendered(page: Page, executions = 1, timeout = 60_000): Promise<{ events: number; executions: number; sessionId: string }> {
  await page.waitForFunction((n) => (window.lgtPreview?.rendered?.executions ?? 0) >= n, executions, { timeout });
  return (await page.evaluate(() => window.lgtPreview.rendered))!;
}

/** Fonts (codicons) loaded and two frames painted: the page is still. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

export function ensureDir(d: string): string {
  mkdirSync(d, { recursive: true });
  return d;
}

/**
 * A preview server and a headless Chromium for a test file: started before its tests, closed
 * after them. Read `preview` and `browser` from the returned object inside the tests.
 */
export function usePreviewBrowser(): { readonly preview: Preview; readonly browser: Browser } {
  const env = {} as { preview: Preview; browser: Browser };
  before(async () => {
    ensureDir(screenshotDir);
    env.preview = await startPreview([]);
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.preview?.stop();
  });
  return env;
}
