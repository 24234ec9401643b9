#!/usr/bin/env node
// The embedded example deployment: the graphs under examples/src served by the real LangGraph.js
// dev server (`langgraphjs dev` from examples/node_modules). Plain ESM, no build step.
//
//   import { ensureExampleDeps, startExampleServer } from './scripts/exampleServer.mjs';
//   await ensureExampleDeps();
//   const srv = await startExampleServer();          // { url, port, pid, dir, logFile, stop() }
//   ... fetch(`${srv.url}/assistants/search`, ...) ...
//   await srv.stop();
//
// CLI: node scripts/exampleServer.mjs [--port N] [--keep]
//   prints `LangGraph example deployment: http://127.0.0.1:N` and runs until SIGINT/SIGTERM.
//   --keep: keep threads/runs across restarts (state in examples/.langgraph_api).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, isPortFree } from './lib/ports.mjs';
import { descendants, killTree } from './lib/procTree.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');
const NODE_MODULES = path.join(EXAMPLES_DIR, 'node_modules');
const STAMP = path.join(NODE_MODULES, '.example-deps-stamp');
const READY_TIMEOUT_MS = 120_000;

/** Graph ids served by the example deployment (keys of examples/langgraph.json). */
export const EXAMPLE_GRAPHS = Object.freeze(
  Object.keys(JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, 'langgraph.json'), 'utf8')).graphs),
);

function depsHash() {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) {
    const p = path.join(EXAMPLES_DIR, f);
    h.update(f).update('\0').update(fs.existsSync(p) ? fs.readFileSync(p) : '').update('\0');
  }
  h.update(process.version.split('.')[0]); // a different Node major may need a fresh install
  return h.digest('hex');
}

function cliBin() {
  return path.join(NODE_MODULES, '@langchain', 'langgraph-cli', 'dist', 'cli', 'cli.mjs');
}

/** True when examples/node_modules matches examples/package.json + package-lock.json. */
export function exampleDepsReady() {
  try {
    return fs.readFileSync(STAMP, 'utf8').trim() === depsHash() && fs.existsSync(cliBin());
  } catch {
    return false;
  }
}

function npmCommand() {
  // Prefer the npm that belongs to the running node (npm_execpath is set under `npm run`).
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.js$/.test(execPath)) return { cmd: process.execPath, pre: [execPath] };
  return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', pre: [] };
}

/**
 * Install examples/node_modules when it is missing or stale (stamp = hash of package.json,
 * package-lock.json and the Node major). Uses `npm install` (npm ci cannot use this lock).
 * Resolves to { installed: boolean, ms: number }.
 */
export async function ensureExampleDeps({ log = console.error } = {}) {
  const t0 = Date.now();
  if (exampleDepsReady()) return { installed: false, ms: Date.now() - t0 };
  // One install at a time (parallel test processes): an atomic mkdir is the lock.
  const lock = path.join(EXAMPLES_DIR, '.deps-install.lock');
  for (let announced = false; ;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let age = 0;
      try { age = Date.now() - fs.statSync(lock).mtimeMs; } catch { continue; }
      if (age > 10 * 60_000) { fs.rmSync(lock, { recursive: true, force: true }); continue; } // stale
      if (!announced) { log('[examples] another process is installing the example deps; waiting...'); announced = true; }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (exampleDepsReady()) return { installed: false, ms: Date.now() - t0 };
    return await installDeps(log, t0);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

async function installDeps(log, t0) {
  log(`[examples] installing example deployment deps in ${EXAMPLES_DIR} (npm install)...`);
  const { cmd, pre } = npmCommand();
  const args = [
    ...pre, 'install',
    '--no-audit', '--no-fund', '--no-update-notifier',
    '--include=dev', '--include=optional', // NODE_ENV=production or omit=dev must not drop the CLI
    '--yes', // the machine's npm config may say yes=false; nothing here should prompt
    '--loglevel=warn',
  ];
  const env = { ...process.env, CI: process.env.CI ?? 'true', npm_config_yes: 'true' };
  // Inside `npm run`/`npm test` of the root package npm exports config for the root project
  // (prefix, omit, production...). Drop it so the nested install is judged on its own.
  for (const k of Object.keys(env)) {
    if (/^npm_config_(prefix|local_prefix|global|omit|production|only|dry_run|package_lock_only|workspaces?|include_workspace_root)$/i.test(k)) delete env[k];
    if (/^npm_(package|lifecycle)_/i.test(k)) delete env[k];
  }
  // `npm install` rewrites the lock it was given (npm 11 adds fields npm 10 left out, and the
  // reverse): put the tracked bytes back, so a test run never leaves the clone modified. The
  // install still follows the lock; only npm's re-serialisation of it is dropped.
  const lockPath = path.join(EXAMPLES_DIR, 'package-lock.json');
  const lockBytes = fs.existsSync(lockPath) ? fs.readFileSync(lockPath) : null;
  let out = '';
  const code = await new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: EXAMPLES_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (d) => {
      const s = d.toString();
      out = (out + s).slice(-20_000);
      for (const line of s.split('\n')) {
        if (line.trim() && !/Unknown (user|project|env) config/.test(line)) log(`[examples] ${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (lockBytes && !lockBytes.equals(fs.readFileSync(lockPath))) fs.writeFileSync(lockPath, lockBytes);
  if (code !== 0) throw new Error(`npm install in ${EXAMPLES_DIR} failed (exit ${code}):\n${out.slice(-4000)}`);
  if (!fs.existsSync(cliBin())) throw new Error(`npm install finished but ${cliBin()} is missing`);
  fs.writeFileSync(STAMP, depsHash() + '\n');
  const ms = Date.now() - t0;
  log(`[examples] deps ready in ${(ms / 1000).toFixed(1)} s`);
  return { installed: true, ms };
}

/**
 * A langgraph.json in `dir` whose graph paths point (relatively) at examples/src, or with
 * `copySources` at a copy of it in `dir/src` (its own files to save, so a test can make this
 * server's watcher reload without touching the repo's).
 */
function writeConfig(dir, copySources = false) {
  const cfg = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, 'langgraph.json'), 'utf8'));
  const srcRoot = copySources ? dir : EXAMPLES_DIR;
  if (copySources) {
    fs.cpSync(path.join(EXAMPLES_DIR, 'src'), path.join(dir, 'src'), { recursive: true });
    for (const f of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(EXAMPLES_DIR, f), path.join(dir, f));
    // The copied graphs import @langchain/* from here.
    fs.symlinkSync(NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  }
  for (const [id, spec] of Object.entries(cfg.graphs)) {
    const [file, exp] = String(spec).split(':');
    // Relative, not absolute: langgraph-api's preload joins (not resolves) cwd + graph path.
    let rel = path.relative(dir, path.resolve(srcRoot, file)).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    cfg.graphs[id] = exp ? `${rel}:${exp}` : rel;
  }
  cfg.env = { ...(typeof cfg.env === 'object' && cfg.env ? cfg.env : {}) };
  fs.writeFileSync(path.join(dir, 'langgraph.json'), JSON.stringify(cfg, null, 2) + '\n');
  // The CLI appends `.langgraph_api` to a .gitignore next to langgraph.json unless present.
  fs.writeFileSync(path.join(dir, '.gitignore'), '.langgraph_api\n');
}

function makeWorkDir() {
  // A per-start working copy: its own .langgraph_api, so two servers never share state.
  // Prefer the OS temp dir; fall back to examples/.langgraph_api/servers when the relative
  // path would not work (Windows, other drive).
  let dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'lgt-example-'));
  if (path.isAbsolute(path.relative(dir, EXAMPLES_DIR))) {
    fs.rmSync(dir, { recursive: true, force: true });
    const base = path.join(EXAMPLES_DIR, '.langgraph_api', 'servers');
    fs.mkdirSync(base, { recursive: true });
    dir = fs.mkdtempSync(path.join(base, 's-'));
  }
  return dir;
}

function tail(file, max = 4000) {
  try {
    // eslint-disable-next-line no-control-regex
    const s = fs.readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
    return s.length > max ? '…' + s.slice(-max) : s;
  } catch {
    return '(no server output)';
  }
}

// The CLI does not exit when the server child dies (import error, EADDRINUSE): spot it in the log.
const FATAL = /EADDRINUSE|^Node\.js v\d+|ERR_MODULE_NOT_FOUND|Failed to launch server|Failed to load graph|SyntaxError:/m;

/**
 * Start `langgraphjs dev` serving the example graphs on 127.0.0.1.
 * @param {{port?: number, fresh?: boolean, dir?: string, copySources?: boolean, reload?: boolean, log?: (msg: string) => void, timeoutMs?: number, env?: Record<string,string>}} [opts]
 *   port: default a free one. fresh (default true): a new temp working dir, so no leftover
 *   threads/runs and no sharing with other servers; fresh=false serves from examples/ itself and
 *   keeps state in examples/.langgraph_api across restarts (one such server at a time).
 *   dir: serve from this working dir of an earlier start (its .langgraph_api, so a restart keeps
 *   what the server persisted); it is then left in place on stop (the caller removes it).
 *   copySources: the working dir gets its own copy of examples/src (with `reload`, saving a file
 *   there reloads only this server). reload (default false): the CLI's file watcher on.
 * @returns {Promise<{url: string, port: number, pid: number, dir: string, logFile: string, stop: () => Promise<void>, crash: () => Promise<void>}>}
 */
export async function startExampleServer({ port, fresh = true, dir: reuseDir, copySources = false, reload = false, log = () => {}, timeoutMs = READY_TIMEOUT_MS, env: extraEnv } = {}) {
  if (!fs.existsSync(cliBin())) {
    throw new Error(`example deps are not installed (${cliBin()} missing): call ensureExampleDeps() first`);
  }
  if (port == null) port = await freePort();
  else if (!(await isPortFree(port))) throw new Error(`port ${port} on 127.0.0.1 is already in use`);

  const dir = reuseDir ?? (fresh ? makeWorkDir() : EXAMPLES_DIR);
  if (fresh && !reuseDir) writeConfig(dir, copySources);
  const logFile = fresh || reuseDir
    ? path.join(dir, 'server.log')
    : path.join(EXAMPLES_DIR, '.langgraph_api', `server-${port}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, reuseDir ? 'a' : 'w');

  const env = { ...process.env, ...extraEnv };
  delete env.PORT;
  Object.assign(env, {
    LANGGRAPH_CLI_NO_ANALYTICS: '1',
    BROWSER: 'none',
    LANGSMITH_TRACING: 'false',
    LANGCHAIN_TRACING_V2: 'false',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  });
  delete env.NODE_OPTIONS; // a debugger/--inspect from the parent must not leak into the server

  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [cliBin(), 'dev', '--port', String(port), '--host', '127.0.0.1', '--no-browser', ...(reload ? [] : ['--no-reload']),
      '--config', path.join(dir, 'langgraph.json')],
    { cwd: dir, env, stdio: ['ignore', fd, fd] },
  );
  fs.closeSync(fd);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  child.on('error', (err) => { exited = { code: null, signal: null, err }; });
  log(`[examples] langgraphjs dev pid ${child.pid} on ${url} (dir ${dir}, log ${logFile})`);

  let stopped = false;
  // Last resort if the caller never calls stop() (crashed test runner): kill the tree on exit.
  const onExit = () => {
    if (stopped || !child.pid) return;
    for (const p of [...descendants(child.pid), child.pid]) {
      try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
  };
  process.once('exit', onExit);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    if (child.pid) await killTree(child.pid);
    if (fresh && !reuseDir) {
      // give the server a moment to flush, then drop the working copy
      try { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 }); } catch { /* best effort */ }
    }
  };

  /** SIGKILL the whole tree at once, as a crash or an OOM kill would: no flush, no cleanup; the dir stays. */
  const crash = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    if (!child.pid) return;
    const pids = [...descendants(child.pid), child.pid];
    for (const p of pids) {
      try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
    if (!exited) await new Promise((r) => child.once('exit', r));
    // The listening socket belongs to a grandchild: wait for every pid, so the port is free.
    const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
  };

  const fail = async (why) => {
    await new Promise((r) => setTimeout(r, 300)); // let the dying process finish its output
    const text = tail(logFile);
    await stop().catch(() => {});
    throw new Error(`LangGraph example server ${why}\n--- server output (tail) ---\n${text}`);
  };

  const deadline = t0 + timeoutMs;
  for (;;) {
    if (exited) return fail(`exited before it was ready (code ${exited.code}, signal ${exited.signal}${exited.err ? `, ${exited.err.message}` : ''})`);
    let logText = '';
    try { logText = fs.readFileSync(logFile, 'utf8'); } catch { /* not yet */ }
    if (FATAL.test(logText)) return fail('failed to start');
    try {
      const res = await fetch(`${url}/ok`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) return fail(`did not answer GET /ok within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`[examples] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { url, port, pid: child.pid, dir, logFile, readyMs: Date.now() - t0, stop, crash };
}

// ---- CLI -----------------------------------------------------------------------------------
const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  let port;
  const i = args.indexOf('--port');
  if (i >= 0) port = Number(args[i + 1]);
  const eq = args.find((a) => a.startsWith('--port='));
  if (eq) port = Number(eq.slice('--port='.length));
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    console.error('usage: node scripts/exampleServer.mjs [--port N] [--keep]');
    process.exit(2);
  }
  const fresh = !args.includes('--keep');
  const log = (m) => console.error(m);
  let server;
  let stopping = false;
  const shutdown = async (sig) => {
    if (stopping) return;
    stopping = true;
    log(`[examples] ${sig}: stopping the server`);
    try { await server?.stop(); } finally { process.exit(0); }
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  try {
    await ensureExampleDeps({ log });
    server = await startExampleServer({ port, fresh, log });
    if (stopping) await server.stop();
    else console.log(`LangGraph example deployment: ${server.url}`);
    // keep the event loop alive until a signal arrives
    setInterval(() => {}, 1 << 30);
  } catch (err) {
    console.error(err?.stack ?? String(err));
    process.exit(1);
  }
}
