// Runs the mocha suites of test/vscode inside the real VS Code (code-server + headless Chromium)
// through @vscode/test-electron's runTests, with scripts/vscode/launcher.mjs as the "VS Code".
// Builds nothing: expects dist/extension.js and dist/test/vscode/index.js (npm run build).
//
//   node test/vscode/runTest.mjs [--extension <dir>] [--tests <file>] [--grep <text>]
//
// Exit code = test result. Env passed on to the extension host (via runTests' extensionTestsEnv):
// LGT_* variables of this process, plus whatever a caller puts in `extraEnv` of runVSCodeTests().
import { runTests } from '@vscode/test-electron';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const launcher = join(repo, 'scripts', 'vscode', 'launcher.mjs');

/**
 * Run the suites; resolves to the exit code (0 = all passed).
 * extensionDevelopmentPath defaults to the repo, extensionTestsPath to dist/test/vscode/index.js.
 */
export async function runVSCodeTests({
  extensionDevelopmentPath = repo,
  extensionTestsPath = join(repo, 'dist', 'test', 'vscode', 'index.js'),
  extraEnv = {},
  workspace,
} = {}) {
  for (const [what, p] of [['extension tests bundle', extensionTestsPath], ['extension manifest', join(extensionDevelopmentPath, 'package.json')]]) {
    if (!existsSync(p)) {
      console.error(`missing ${what}: ${p} (run npm run build first)`);
      return 1;
    }
  }
  chmodSync(launcher, 0o755); // runTests spawns it directly; a checkout may have lost the x bit
  const tmp = mkdtempSync(join(os.tmpdir(), 'lgt-vscode-test-'));
  let ws = workspace;
  if (!ws) {
    ws = join(tmp, 'workspace');
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    writeFileSync(join(ws, 'README.md'), '# LangGraph Timeline test workspace\n');
    writeFileSync(join(ws, '.vscode', 'settings.json'), '{}\n');
  }
  const extensionTestsEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('LGT_'))),
    ...extraEnv,
    // Tells this run's markers from another's (the reload test's two phases, test/vscode/reloadPhase.ts).
    LGT_TEST_RUN_ID: randomUUID(),
  };
  try {
    return await runTests({
      vscodeExecutablePath: launcher,
      extensionDevelopmentPath,
      extensionTestsPath,
      // First positional = the folder to open; explicit profile dirs keep .vscode-test/ out of the repo.
      launchArgs: [ws, `--user-data-dir=${join(tmp, 'user-data')}`, `--extensions-dir=${join(tmp, 'extensions')}`],
      extensionTestsEnv,
    });
  } catch (err) {
    // runTests rejects with TestRunFailedError { code } when the launcher exits non-zero.
    return typeof err?.code === 'number' && err.code !== 0 ? err.code : 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function cliArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].split(/=(.*)/s);
    const v = () => inline ?? argv[++i];
    if (k === '--extension') o.extensionDevelopmentPath = resolve(v());
    else if (k === '--tests') o.extensionTestsPath = resolve(v());
    else if (k === '--workspace') o.workspace = resolve(v());
    else if (k === '--grep') o.extraEnv = { LGT_TEST_GREP: v() };
    else { console.error(`unknown argument ${argv[i]}`); process.exit(2); }
  }
  return o;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await runVSCodeTests(cliArgs(process.argv.slice(2)));
  process.exit(code);
}
