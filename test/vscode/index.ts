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

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000 });
  if (process.env.LGT_TEST_GREP) mocha.grep(process.env.LGT_TEST_GREP);
  // The spec reporter captured console.log when mocha was loaded: route it through the tagged console.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(...args);

  const restore = tagConsole();
  return new Promise<void>((resolve, reject) => {
    try {
      mocha.suite.emit('pre-require', globalThis, 'dist/test/vscode/index.js', mocha);

      // ---- suites: one require() per suite file (static paths, so esbuild bundles them) ----
      require('./smoke.test');
      require('./extension.test');
      require('./sessions.test');
      require('./e2e.test');
      require('./resilience.test');
      // ---------------------------------------------------------------------------------------

      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      console.error(err instanceof Error ? err.stack ?? err.message : String(err));
      reject(err);
    }
  }).finally(restore);
}
