// Entry of the mocha run inside the real VS Code extension host (extensionTestsPath).
// esbuild bundles this file and the suites into dist/test/vscode/index.js (CommonJS; `vscode` and
// `mocha` external: mocha is required at run time from the repo's node_modules).
//
// UI: mocha 'tdd' — suites use the globals suite() / test() / setup() / teardown() /
// suiteSetup() / suiteTeardown(). The suites are loaded with require() AFTER 'pre-require', so those
// globals exist when their top level runs (static ES imports would be evaluated before run()).
//
// Output: in code-server the extension host's console reaches the launcher only through the
// workbench's automation log, mixed with the workbench's own log lines. While the run lasts, every
// console line of the extension host is tagged with TEST_OUTPUT_MARK, and scripts/vscode/launcher.mjs
// prints exactly the tagged lines (untagged) on its stdout. Log strings: the workbench drops console
// calls whose first argument is not a string — the wrapper below formats them into one string.
import Mocha from 'mocha';
import { format } from 'node:util';
import * as vscode from 'vscode';
import { reloadRequested, takeReloadMarker, writeReloadMarker } from './reloadPhase';

/** Must equal TEST_OUTPUT_MARK in scripts/vscode/launcher.mjs. */
const TEST_OUTPUT_MARK = '\u2063lgt-test\u2063';

function tagConsole(): () => void {
  // VS Code's extension host installs console.log & co. as accessors whose setter ignores writes,
  // so plain assignment would silently do nothing: redefine the properties, restore them after.
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => Object.getOwnPropertyDescriptor(console, m));
  methods.forEach((m) => {
    const original = console[m];
    const tagged = (...args: unknown[]) => original.call(console, TEST_OUTPUT_MARK + format(...args));
    Object.defineProperty(console, m, { configurable: true, enumerable: true, get: () => tagged, set: () => {} });
  });
  return () => methods.forEach((m, i) => {
    const d = saved[i];
    if (d) Object.defineProperty(console, m, d);
  });
}

/** The suites, in order: each registers its tests with mocha's globals when it loads (static paths, so esbuild bundles them). */
async function loadSuites(resumed: boolean): Promise<void> {
  if (!resumed) {
    await import('./smoke.test');
    await import('./extension.test');
    await import('./sessions.test');
    await import('./tree.test');
    await import('./bigRun.test');
    await import('./graph.test');
    await import('./e2e.test');
    await import('./resilience.test');
    await import('./thread.test');
    await import('./debug.test');
    await import('./debugStep.test');
    await import('./compare.test');
    await import('./lifecycle.test');
    await import('./codeChange.test');
  }
  await import('./reload.test'); // last: phase 1 ends this host by reloading the window
}

export async function run(): Promise<void> {
  // After a window reload (see reloadPhase.ts) this host runs phase 2 of the reload test only.
  const resumed = takeReloadMarker();
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000 });
  if (process.env.LGT_TEST_GREP && !resumed) mocha.grep(process.env.LGT_TEST_GREP);
  // The spec reporter captured console.log when mocha was loaded: route it through the tagged console.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(...args);

  const restore = tagConsole();
  let reloading = false;
  mocha.suite.emit('pre-require', globalThis, 'dist/test/vscode/index.js', mocha);
  try {
    await loadSuites(!!resumed);
  } catch (e) {
    restore();
    throw e;
  }
  return new Promise<void>((resolve, reject) => {
    try {
      if (resumed) console.log(`\n  after the window reload (phase 1: ${resumed.phase1.passes} passing, ${resumed.phase1.failures} failing):`);
      const runner = mocha.run((failures) => {
        const reload = resumed ? undefined : reloadRequested();
        if (reload) {
          // Phase 1 has reported; the reloaded window runs phase 2 and settles the run.
          reloading = true;
          writeReloadMarker(reload, { passes: runner.stats?.passes ?? 0, failures });
          console.log('  reloading the window for phase 2 of the reload test…');
          void vscode.commands.executeCommand('workbench.action.reloadWindow');
          // The reload ends this extension host. Should it not, fail rather than hang.
          setTimeout(() => reject(new Error('the window did not reload within 120 s')), 120_000).unref?.();
          return;
        }
        const total = failures + (resumed?.phase1.failures ?? 0);
        if (total > 0) reject(new Error(`${total} test(s) failed${resumed?.phase1.failures ? ` (${resumed.phase1.failures} before the window reload)` : ''}.`));
        else resolve();
      });
    } catch (err) {
      console.error(err instanceof Error ? err.stack ?? err.message : String(err));
      reject(err);
    }
  }).finally(() => {
    if (!reloading) restore();
  });
}
