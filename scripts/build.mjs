// One esbuild script for every bundle: extension host (node/cjs, vscode external), CLI,
// webview (browser, Preact JSX, CSS to a file) and the test bundles. `tsc --noEmit` is the type gate.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, rmSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Test files directly under a folder (`*.test.ts`). */
function testsIn(dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f));
}

/**
 * `import source from 'lgt-worker:./x'`: the file bundled on its own (browser, iife) and imported
 * as its source text, for a Web Worker the webview makes from a blob (its CSP allows `blob:`
 * workers; a webview cannot start one from its resource URLs).
 */
const workerSource = {
  name: 'lgt-worker',
  setup(b) {
    b.onResolve({ filter: /^lgt-worker:/ }, (args) => ({ path: join(args.resolveDir, args.path.slice('lgt-worker:'.length)), namespace: 'lgt-worker' }));
    b.onLoad({ filter: /.*/, namespace: 'lgt-worker' }, async (args) => {
      const file = ['', '.ts', '.js'].map((x) => args.path + x).find((f) => existsSync(f));
      if (!file) return { errors: [{ text: `worker entry ${args.path} not found` }] };
      const r = await esbuild.build({ entryPoints: [file], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', minify: true, metafile: true, logLevel: 'silent' });
      return { contents: `export default ${JSON.stringify(r.outputFiles[0].text)};`, loader: 'js', watchFiles: Object.keys(r.metafile.inputs).map((f) => join(root, f)) };
    });
  },
};

const node = {
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  plugins: [workerSource],
};

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], minify: production },
  // The CLI: `record` (the hot path) and the client in the bin; the other commands in a bundle
  // of their own that the bin loads only for them (src/cli/commands.ts).
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['src/cli/commands.ts'], outfile: 'dist/cli-commands.js' },
  {
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    bundle: true,
    sourcemap: true,
    minify: production,
    logLevel: 'warning',
    entryPoints: { main: 'src/webview/main.tsx' },
    outdir: 'dist/webview',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.ttf': 'file' },
    plugins: [workerSource],
  },
  // Plain-Node tests, one bundle per file, run by node's test runner.
  ...['test/unit', 'test/client', 'test/webview'].map((dir) => ({
    ...node,
    entryPoints: testsIn(dir),
    outdir: join('dist', dir),
    external: ['playwright-core', 'fast-check'],
  })),
  // The suite that runs inside the real VS Code extension host (mocha is loaded from node_modules).
  { ...node, entryPoints: ['test/vscode/index.ts'], outfile: 'dist/test/vscode/index.js', external: ['vscode', 'mocha'] },
  // Runs inside a clean VS Code where the packaged .vsix was installed.
  { ...node, entryPoints: ['test/vsix/index.ts'], outfile: 'dist/test/vsix/index.js', external: ['vscode'] },
  { ...node, entryPoints: ['test/bench/client.ts', 'test/bench/bareRecorder.ts', 'test/bench/sdkRecorder.ts', 'test/bench/model.ts', 'test/bench/webview.ts', 'test/bench/thread.ts', 'test/bench/debug.ts', 'test/bench/diff.ts', 'test/bench/graph.ts', 'test/bench/llm.ts', 'test/bench/llmPanel.ts', 'test/bench/compare.ts'].filter((f) => existsSync(join(root, f))), outdir: 'dist/test/bench', external: ['@langchain/langgraph-sdk', 'playwright-core'] },
].filter((b) => {
  // Skip bundles whose entry files do not exist (yet): an empty test folder is not an error.
  const entries = Array.isArray(b.entryPoints) ? b.entryPoints : Object.values(b.entryPoints);
  return entries.length > 0 && entries.every((e) => existsSync(join(root, e)));
});

if (!watch) rmSync(join(root, 'dist'), { recursive: true, force: true });

if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context({ ...b, absWorkingDir: root })));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log(`watching ${ctxs.length} bundles…`);
} else {
  const t0 = Date.now();
  await Promise.all(builds.map((b) => esbuild.build({ ...b, absWorkingDir: root })));
  console.log(`built ${builds.length} bundles in ${Date.now() - t0} ms → ${relative(process.cwd(), join(root, 'dist')) || 'dist'}`);
}
