// `npm run package` output, installed into a clean code-server profile, must work there:
// package → code-server --install-extension → run test/vsix inside that VS Code.
// Needs LGT_TEST_SERVER_URL (npm test provides it) and a built dist/test/vsix/index.js.
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './vscode/codeServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s) => console.log(`[vsix] ${s}`);
const tmp = mkdtempSync(join(os.tmpdir(), 'lgt-vsix-'));
let code = 1;
try {
  const vsix = join(tmp, 'langgraph-timeline.vsix');
  // Package what is built (npm test built it); vsce must not warn.
  const pack = spawnSync('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--out', vsix], { cwd: root, encoding: 'utf8' });
  const out = `${pack.stdout}\n${pack.stderr}`;
  if (pack.status !== 0) throw new Error(`vsce package failed:\n${out}`);
  if (/\bWARNING\b/i.test(out)) throw new Error(`vsce package warned:\n${out}`);
  log(out.split('\n').find((l) => l.includes('Packaged')) ?? 'packaged');
  const { entry } = await ensureCodeServer({ log });
  const extensionsDir = join(tmp, 'extensions');
  const xdg = join(tmp, 'xdg');
  mkdirSync(extensionsDir, { recursive: true });
  const inst = spawnSync(process.execPath, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', join(tmp, 'user-data'), '--install-extension', vsix], {
    encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data') },
  });
  if (inst.status !== 0) throw new Error(`install failed: ${inst.stdout}${inst.stderr}`);
  log(inst.stdout.trim().split('\n').pop());
  // runTests needs a development extension: an empty probe, so only the installed copy is ours.
  const probe = join(tmp, 'probe');
  mkdirSync(probe);
  writeFileSync(join(probe, 'package.json'), JSON.stringify({ name: 'lgt-vsix-probe', publisher: 'test', version: '0.0.0', engines: { vscode: '^1.100.0' } }));
  const ws = join(tmp, 'workspace');
  mkdirSync(ws);
  const launcher = join(root, 'scripts', 'vscode', 'launcher.mjs');
  chmodSync(launcher, 0o755);
  code = await runTests({
    vscodeExecutablePath: launcher,
    extensionDevelopmentPath: probe,
    extensionTestsPath: join(root, 'dist', 'test', 'vsix', 'index.js'),
    launchArgs: [ws, `--user-data-dir=${join(tmp, 'user-data')}`, `--extensions-dir=${extensionsDir}`],
    extensionTestsEnv: { LGT_TEST_SERVER_URL: process.env.LGT_TEST_SERVER_URL, LGT_REPO_ROOT: root },
  }).catch((e) => (typeof e?.code === 'number' ? e.code : 1));
  log(code === 0 ? 'the installed vsix works' : `the installed vsix failed (exit ${code})`);
} catch (e) {
  console.error(`[vsix] ${e.message}`);
  code = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
// A plain closing line for the totals of npm test.
console.log(code === 0 ? 'ℹ pass 1' : 'ℹ fail 1');
process.exit(code);
