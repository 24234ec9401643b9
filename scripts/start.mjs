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
//                test-results/screenshots/start-smoke.png, go to a node's source from the palette,
//                stop everything, exit 0 (1 on failure).
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

/**
 * .cache/langgraph-timeline.code-workspace: two folders, the playground (.cache/workspace, where
 * exports go) and the example graphs (examples/, whose langgraph.json Go to Node Source reads), and
 * the example deployment in the workspace's settings (other settings and deployments kept).
 */
function writeWorkspace(url) {
  const playground = join(cacheDir(), 'workspace');
  const file = join(cacheDir(), 'langgraph-timeline.code-workspace');
  mkdirSync(playground, { recursive: true });
  let ws = {};
  try { ws = JSON.parse(readFileSync(file, 'utf8')); } catch { /* new or not plain JSON */ }
  const settings = ws && typeof ws.settings === 'object' && ws.settings ? ws.settings : {};
  // Before the workspace file, the deployment lived in the playground's .vscode/settings.json.
  let legacy = {};
  try { legacy = JSON.parse(readFileSync(join(playground, '.vscode', 'settings.json'), 'utf8')); } catch { /* none */ }
  const listed = [settings['langgraph.deployments'], legacy['langgraph.deployments']].flatMap((l) => (Array.isArray(l) ? l : []));
  const others = listed.filter((d, i) => d && d.name !== 'Example (local)' && listed.findIndex((x) => x?.url === d.url) === i);
  settings['langgraph.deployments'] = [{ name: 'Example (local)', url }, ...others];
  const out = {
    folders: [
      { name: 'playground', path: playground },
      { name: 'examples (the example graphs)', path: join(REPO_ROOT, 'examples') },
    ],
    settings,
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  const readme = join(playground, 'README.md');
  if (!existsSync(readme)) {
    writeFileSync(readme, '# LangGraph Timeline playground\n\nOpen the LangGraph view in the activity bar: the deployment "Example (local)" is the\nexample server started by `npm start`. Start a run on one of its assistants to watch the timeline.\nThe other folder of this workspace holds the example graphs: Go to Node Source opens them.\n');
  }
  return file;
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

  // Go to Node Source from the palette, in this very workspace: the pick lists the example graphs'
  // nodes, and `research` opens examples/src/simple.ts on its function's line.
  const src = readFileSync(join(REPO_ROOT, 'examples', 'src', 'simple.ts'), 'utf8').split('\n');
  const want = src.findIndex((l) => l.startsWith('const research = ')) + 1;
  await page.keyboard.press('F1');
  const box = page.locator('.quick-input-widget .quick-input-box input').first();
  await box.waitFor({ state: 'visible', timeout: 30_000 });
  await box.fill('>LangGraph: Go to Node Source');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Go to Node Source' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget input[placeholder="Node"]').waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.type('research');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'research' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: 'simple.ts' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const at = page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
  await at.waitFor({ state: 'visible', timeout: 30_000 });
  const text = (await at.textContent())?.trim() ?? '';
  if (!text.startsWith(`Ln ${want},`)) throw new Error(`Go to Node Source opened simple.ts at "${text}", not on line ${want} (const research = …)`);
  log(`smoke: Go to Node Source opened examples/src/simple.ts at ${text} (the research function)`);
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
  const url = workbenchUrl({ base: server.url, workspace, extensionDevelopmentPath: REPO_ROOT });
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
