// Proves the harness: real VS Code API, the extension host environment, the screenshot service.
// Deliberately independent of the extension's own code.
import * as assert from 'node:assert';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { screenshot } from './harness';

suite('harness smoke', () => {
  test('runs inside a real VS Code', () => {
    assert.strictEqual(typeof vscode.version, 'string');
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
    assert.ok(vscode.extensions.all.length > 0, 'no extensions visible');
    console.log(`    VS Code ${vscode.version}, uiKind=${vscode.env.uiKind}, ${vscode.extensions.all.length} extensions`);
  });

  test('the launcher env reaches the extension host', () => {
    assert.ok(process.env.LGT_SCREENSHOT_URL, 'LGT_SCREENSHOT_URL missing from the extension host env');
    if (process.env.LGT_HARNESS_PROBE !== undefined) {
      assert.strictEqual(process.env.LGT_HARNESS_PROBE, 'extensionTestsEnv-ok');
    }
  });

  test('takes a workbench screenshot', async () => {
    // Let the workbench finish drawing (explorer, status bar) before the picture.
    await new Promise((r) => setTimeout(r, 1500));
    const file = await screenshot('smoke-workbench', 'workbench');
    const size = statSync(file).size;
    assert.ok(size > 10 * 1024, `screenshot ${file} is only ${size} bytes`);
  });
});
