#!/usr/bin/env node
// Stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// Runs the extension tests in the real VS Code workbench served by code-server, opened in headless
// Debian Chromium (playwright-core), and exits with the test run's exit code (0 pass, 1 fail).
//
// Arguments (what runTests passes; anything else is ignored, e.g. --no-sandbox, --disable-extensions):
//   <folder>                           workspace folder to open (first positional argument)
//   --extensionDevelopmentPath=<dir>   may repeat
//   --extensionTestsPath=<file>        the bundled mocha entry exporting run()
//   --user-data-dir=<dir> --extensions-dir=<dir>   honoured (fresh temp dirs when absent)
//
// Environment: the launcher's whole env (runTests merges `extensionTestsEnv` into it) is passed to
// code-server and so to the extension host, except VSCODE_*, npm_* and PORT. Plus:
//   LGT_SCREENSHOT_URL, LGT_UI_URL   the test service (see testService.mjs), set by the launcher
//   LGT_VSCODE_TIMEOUT_MS   overall timeout (default 900000 = 15 min) -> exit 1 with a message
//   LGT_SCREENSHOT_DIR      where PNGs go (default <repo>/test-results/screenshots)
//   LGT_VSCODE_HEADFUL=1    show the browser (needs a display)
//   LGT_VSCODE_DEBUG=1      also print (to stderr) code-server's output, the workbench log and
//                           extension-host console output outside the test run
//
// Output: the extension host's console output reaches the workbench, which hands it to
// window.codeAutomationLog (exposed here); code-server's stdout does NOT carry it. test/vscode/index.ts
// tags every console line written during the mocha run with TEST_OUTPUT_MARK; exactly those lines
// are printed to stdout (once, untagged). The launcher's own progress lines go to stderr.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../lib/ports.mjs';
import {
  ensureCodeServer, ensureChromium, startCodeServer, workbenchUrl, openWorkbench,
} from './codeServer.mjs';
import { startTestService } from './testService.mjs';

/** Must equal TEST_OUTPUT_MARK in test/vscode/index.ts. */
const TEST_OUTPUT_MARK = '\u2063lgt-test\u2063';

const t0 = Date.now();
const debug = process.env.LGT_VSCODE_DEBUG === '1';
const log = (msg) => process.stderr.write(`[vscode-launcher +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);

export function parseArgs(argv) {
  const out = { devPaths: [], testsPath: undefined, folder: undefined, userDataDir: undefined, extensionsDir: undefined, ignored: [] };
  const valued = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(a);
    if (!m) {
      if (!out.folder) out.folder = resolve(a);
      else out.ignored.push(a);
      continue;
    }
    const [, key, inline] = m;
    const value = valued.has(key) ? (inline ?? argv[++i]) : inline;
    switch (key) {
      case 'extensionDevelopmentPath': out.devPaths.push(resolve(value)); break;
      case 'extensionTestsPath': out.testsPath = resolve(value); break;
      case 'user-data-dir': out.userDataDir = resolve(value); break;
      case 'extensions-dir': out.extensionsDir = resolve(value); break;
      default: out.ignored.push(a);
    }
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.testsPath) throw new Error('--extensionTestsPath is required');
  if (!args.devPaths.length) throw new Error('--extensionDevelopmentPath is required');
  const timeoutMs = Number(process.env.LGT_VSCODE_TIMEOUT_MS) || 15 * 60_000;
  const tmp = mkdtempSync(join(os.tmpdir(), 'lgt-launcher-'));
  const folder = args.folder ?? join(tmp, 'workspace');
  mkdirSync(folder, { recursive: true });
  if (debug) log(`args: ${JSON.stringify(args)}`);

  let page = null;
  let server;
  let wb;
  let service;
  let finished = false;
  let resolveExit;
  const exit = new Promise((r) => { resolveExit = r; });
  const finish = (code, why) => {
    if (finished) return;
    finished = true;
    if (why) log(why);
    resolveExit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => finish(130, `received ${sig}, stopping`));
  const timer = setTimeout(() => finish(1, `TIMEOUT: the VS Code test run did not finish within ${timeoutMs} ms (LGT_VSCODE_TIMEOUT_MS)`), timeoutMs);

  const onAutomationLog = (type, text) => {
    const at = text.indexOf(TEST_OUTPUT_MARK);
    if (at >= 0) {
      process.stdout.write(`${text.slice(0, at)}${text.slice(at + TEST_OUTPUT_MARK.length)}\n`);
    } else if (debug) {
      process.stderr.write(`[workbench ${type}] ${text}\n`);
    }
  };

  const run = async () => {
    service = await startTestService({ getPage: () => page, log });
    const { entry } = await ensureCodeServer({ log });
    await ensureChromium({ log });
    if (finished) return;
    const port = await freePort();
    server = await startCodeServer({
      port,
      entry,
      workspace: folder,
      userDataDir: args.userDataDir ?? join(tmp, 'user-data'),
      extensionsDir: args.extensionsDir ?? join(tmp, 'extensions'),
      // EXTENSIONS_GALLERY={} : no marketplace (Open VSX) queries, which fail offline and only add noise.
      env: { EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}', ...service.env },
      log,
      onOutput: (line, stream) => { if (debug) process.stderr.write(`[code-server ${stream}] ${line}\n`); },
    });
    if (finished) return;
    log(`code-server ${server.url} (pid ${server.pid}); running the tests in headless Chromium`);
    const url = workbenchUrl({ base: server.url, folder, extensionDevelopmentPath: args.devPaths, extensionTestsPath: args.testsPath });
    if (debug) log(`workbench URL: ${url}`);
    wb = await openWorkbench({
      url,
      headless: process.env.LGT_VSCODE_HEADFUL !== '1',
      log,
      onExit: (code) => finish(code, `tests finished, exit code ${code}`),
      onLog: onAutomationLog,
    });
    if (finished) return;
    page = wb.page;
    page.on('crash', () => finish(1, 'the workbench page crashed'));
    page.on('close', () => finish(1, 'the workbench page closed before the tests finished'));
  };
  const running = run().catch((e) => finish(1, `launcher failed: ${e?.stack ?? e}`));

  const code = await exit;
  clearTimeout(timer);
  page = null;
  // If we stop while code-server / the browser are still starting, let that finish (max 30 s) so
  // they can be stopped below instead of lingering.
  await Promise.race([running, new Promise((r) => setTimeout(r, 30_000).unref())]);
  await wb?.close().catch(() => {});
  await server?.stop().catch(() => {});
  await service?.close().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s, exit code ${code}`);
  // runTests stops reading our pipes at the 'exit' event: flush, and give it a moment to read.
  await new Promise((r) => process.stdout.write('', () => process.stderr.write('', r)));
  await new Promise((r) => setTimeout(r, 200));
  process.exit(code);
}

main().catch((e) => {
  log(`fatal: ${e?.stack ?? e}`);
  process.exit(1);
});
