// `npm test`: build, type-check, lint, then every suite against the real example deployment:
//   unit   — plain Node (node:test): SSE framing, run model, client against the real server, CLI
//   webview — the panel in headless Chromium (playwright-core + Debian chromium)
//   vscode — the extension inside the real VS Code (code-server) extension host
// `node scripts/test.mjs <suite…>` runs some of them. One LangGraph dev server serves all suites.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureExampleDeps, startExampleServer } from './exampleServer.mjs';
import { ensureChromium } from './vscode/codeServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['unit', 'webview', 'vscode'];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = asked.length ? asked : ALL;
for (const s of suites) if (!ALL.includes(s)) { console.error(`unknown suite "${s}" (known: ${ALL.join(', ')})`); process.exit(2); }

const log = (s) => console.log(`[test] ${s}`);

// Totals across runners (node:test's "ℹ pass N", mocha's "N passing"), for one closing line.
const totals = { passed: 0, failed: 0, skipped: 0 };
function count(line) {
  const clean = stripVTControlCharacters(line);
  let m;
  if ((m = /^\s*ℹ (pass|fail|skipped|todo) (\d+)\s*$/.exec(clean))) {
    const k = m[1] === 'pass' ? 'passed' : m[1] === 'fail' ? 'failed' : 'skipped';
    totals[k] += Number(m[2]);
  } else if ((m = /^\s*(\d+) (passing|failing|pending)\b/.exec(clean))) {
    const k = m[2] === 'passing' ? 'passed' : m[2] === 'failing' ? 'failed' : 'skipped';
    totals[k] += Number(m[1]);
  }
}

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let buf = '';
    p.stdout.on('data', (d) => {
      process.stdout.write(d);
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop();
      lines.forEach(count);
    });
    p.on('exit', (code, sig) => {
      if (buf) count(buf);
      resolve(code ?? (sig ? 1 : 0));
    });
  });
}

function testFiles(dir) {
  const abs = join(root, dir);
  return existsSync(abs) ? readdirSync(abs).filter((f) => f.endsWith('.test.js')).map((f) => join(dir, f)) : [];
}

const t0 = Date.now();
const results = [];
let server;
const stop = async () => { if (server) { const s = server; server = undefined; await s.stop(); } };
process.on('SIGINT', () => void stop().then(() => process.exit(130)));
process.on('SIGTERM', () => void stop().then(() => process.exit(143)));

try {
  if ((await run('node', ['scripts/build.mjs'])) !== 0) throw new Error('build failed');
  if ((await run('npx', ['--no-install', 'tsc', '--noEmit', '-p', '.'])) !== 0) throw new Error('type check failed');
  // The house rules (eslint.config.mjs): typescript-eslint's recommended set, and the architecture.
  if ((await run('npx', ['--no-install', 'eslint', '--max-warnings', '0', '.'])) !== 0) throw new Error('lint failed: fix what `npx eslint .` reports (zero warnings)');
  log('starting the example LangGraph deployment…');
  await ensureExampleDeps({ log });
  server = await startExampleServer({ fresh: true, log });
  log(`example deployment at ${server.url}`);
  const env = { LGT_TEST_SERVER_URL: server.url };
  for (const suite of suites) {
    const s0 = Date.now();
    let code;
    if (suite === 'unit') {
      code = await run('node', ['--test', '--test-reporter=spec', '--test-concurrency=2', ...testFiles('dist/test/unit'), ...testFiles('dist/test/client')], env);
    } else if (suite === 'webview') {
      const files = testFiles('dist/test/webview');
      if (files.length) await ensureChromium({ log });
      code = files.length ? await run('node', ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files], env) : 0;
    } else {
      code = await run('node', ['test/vscode/runTest.mjs'], env);
      // The packaged extension, installed into a clean VS Code, works too.
      code = (await run('node', ['scripts/vsixTest.mjs'], env)) || code;
    }
    results.push({ suite, ok: code === 0, secs: ((Date.now() - s0) / 1000).toFixed(1) });
  }
} catch (e) {
  console.error(`[test] ${e.message}`);
  results.push({ suite: 'setup', ok: false, secs: '0' });
} finally {
  await stop();
}
for (const r of results) log(`${r.ok ? 'PASS' : 'FAIL'} ${r.suite} (${r.secs} s)`);
log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const failed = totals.failed + results.filter((r) => !r.ok && totals.failed === 0).length;
console.log(`${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
