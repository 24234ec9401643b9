#!/usr/bin/env node
// `npm start`: build the extension, start the example LangGraph deployment, and open VS Code with
// the extension under development and a workspace that already lists the example deployment.
//
//   node scripts/start.mjs [--web] [--keep] [--smoke] [--no-build]
//     (default)  desktop VS Code when `code` is on PATH, else code-server: prints `VS Code: <url>`
//                to open in a browser on this machine. Runs until Ctrl-C / SIGTERM.
//     --web      use code-server even when `code` is on PATH
//     --keep     keep the example server's threads/runs across restarts (examples/.langgraph_api)
//     --smoke    CI proof of the main job: start everything, open the workbench once in headless
//                Chromium, check that the LangGraph view lists the example deployment, save
//                test-results/screenshots/start-smoke.png, stop everything, exit 0 (1 on failure).
//     --no-build skip `npm run build` (dist/ already built)
// Env: LGT_EXAMPLE_PORT (default 2024, else a free port), LGT_VSCODE_PORT (default a free port),
//      LGT_CACHE_DIR (code-server cache, default .cache/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, isPortFree } from './lib/ports.mjs';
import {
  REPO_ROOT, cacheDir, ensureCodeServer, startCodeServer, workbenchUrl, openWorkbench,
} from './vscode/codeServer.mjs';
import { takeScreenshot } from './vscode/testService.mjs';

const argv = new Set(process.argv.slice(2));
for (const a of argv) {
  if (!['--web', '--keep', '--smoke', '--no-build'].includes(a)) {
    console.error(`unknown argument ${a}\nusage: node scripts/start.mjs [--web] [--keep] [--smoke] [--no-build]`);
    process.exit(2);
  }
}
const smoke = argv.has('--smoke');
const t0 = Date.now();
const log = (msg) => console.log(`[start +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

const cleanups = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const fn of cleanups.reverse()) await fn().catch((e) => log(`cleanup: ${e?.message ?? e}`));
  log(`stopped (exit ${code})`);
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { log(`${sig}: stopping…`); stopAll(sig === 'SIGINT' ? 0 : 143); });
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function runBuild() {
  const script = join(REPO_ROOT, 'scripts', 'build.mjs');
  if (!existsSync(script)) {
    log('WARNING: scripts/build.mjs not found, skipping the build');
    return;
  }
  log('building (npm run build)…');
  const r = spawnSync(process.execPath, [script], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status ?? r.signal})`);
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('build did not produce dist/extension.js');
}

/** .cache/workspace with .vscode/settings.json listing the example deployment (other settings kept). */
function writeWorkspace(url) {
  const ws = join(cacheDir(), 'workspace');
  const settingsFile = join(ws, '.vscode', 'settings.json');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  let settings = {};
  try { settings = JSON.parse(readFileSync(settingsFile, 'utf8')); } catch { /* new or not plain JSON */ }
  const others = (Array.isArray(settings['langgraph.deployments']) ? settings['langgraph.deployments'] : [])
    .filter((d) => d && d.name !== 'Example (local)');
  settings['langgraph.deployments'] = [{ name: 'Example (local)', url }, ...others];
  writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  const readme = join(ws, 'README.md');
  if (!existsSync(readme)) {
    writeFileSync(readme, '# LangGraph Timeline playground\n\nOpen the LangGraph view in the activity bar: the deployment "Example (local)" is the\nexample server started by `npm start`. Start a run on one of its assistants to watch the timeline.\n');
  }
  return ws;
}

async function smokeCheck({ url }) {
  const wb = await openWorkbench({ url, log });
  cleanups.push(() => wb.close());
  const { page } = wb;
  log('smoke: waiting for the workbench…');
  await page.locator('.monaco-workbench .part.activitybar').first().waitFor({ state: 'visible', timeout: 120_000 });
  const item = page.locator('.part.activitybar .action-item a[aria-label^="LangGraph"]').first();
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  log('smoke: LangGraph view container present; opening it');
  // Show the view (a click would toggle it closed if it is already the active one).
  const expanded = await item.evaluate((a) => a.closest('.action-item')?.classList.contains('checked')).catch(() => false);
  if (!expanded) await item.click();
  await page.locator('.pane-body .monaco-list-row', { hasText: 'Example (local)' }).first().waitFor({ state: 'visible', timeout: 60_000 });
  log('smoke: the Deployments view lists "Example (local)"');
  await page.mouse.move(900, 600); // no hover tooltip in the picture
  await new Promise((r) => setTimeout(r, 2000)); // let the tree load its children
  const path = await takeScreenshot(page, { name: 'start-smoke', target: 'workbench' });
  const size = statSync(path).size;
  if (size < 10 * 1024) throw new Error(`screenshot ${path} is only ${size} bytes`);
  log(`smoke: screenshot ${path} (${Math.round(size / 1024)} KB)`);
}

async function main() {
  if (argv.has('--no-build')) log('--no-build: using dist/ as it is');
  else runBuild();

  const { ensureExampleDeps, startExampleServer } = await import('./exampleServer.mjs');
  log('example deployment: installing its dependencies if needed…');
  await ensureExampleDeps({ log });
  const wantPort = Number(process.env.LGT_EXAMPLE_PORT) || 2024;
  const examplePort = (await isPortFree(wantPort)) ? wantPort : await freePort();
  if (examplePort !== wantPort) log(`port ${wantPort} is busy, using ${examplePort} for the example deployment`);
  log('example deployment: starting langgraphjs dev…');
  const example = await startExampleServer({ port: examplePort, fresh: !argv.has('--keep'), log });
  cleanups.push(() => example.stop());
  log(`LangGraph example deployment: ${example.url}`);

  const workspace = writeWorkspace(example.url);
  log(`workspace: ${workspace}`);

  if (!smoke && !argv.has('--web') && onPath('code')) {
    log('opening desktop VS Code (code --extensionDevelopmentPath)…');
    const r = spawnSync('code', [`--extensionDevelopmentPath=${REPO_ROOT}`, workspace], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`code exited with ${r.status ?? r.signal}`);
    log('VS Code: desktop window opened. Ctrl-C here stops the example deployment.');
    return;
  }

  const { entry } = await ensureCodeServer({ log });
  const vsPort = Number(process.env.LGT_VSCODE_PORT) || await freePort();
  const server = await startCodeServer({
    port: vsPort,
    entry,
    workspace,
    // Persistent profile for people (layout, opened editors); a throwaway one for --smoke.
    ...(smoke ? {} : { userDataDir: join(cacheDir(), 'code-server-user-data'), extensionsDir: join(cacheDir(), 'code-server-extensions') }),
    log,
  });
  cleanups.push(() => server.stop());
  server.exited.then(({ code, signal }) => {
    if (!stopping) { log(`code-server stopped unexpectedly (${code ?? signal})`); stopAll(1); }
  });
  const url = workbenchUrl({ base: server.url, folder: workspace, extensionDevelopmentPath: REPO_ROOT });
  console.log(`\nVS Code: ${url}\n`);

  if (smoke) {
    await smokeCheck({ url });
    log('smoke: OK');
    await stopAll(0);
    return;
  }
  log('open the URL above in a browser on this machine. Ctrl-C stops everything.');
}

main().then(() => {
  if (!smoke) setInterval(() => {}, 1 << 30); // keep running until a signal
}).catch(async (e) => {
  console.error(`[start] FAILED: ${e?.stack ?? e}`);
  await stopAll(1);
});
