// The real VS Code on machines that only reach the npm registry and Debian's packages:
// code-server (VS Code's workbench + a real Node extension host) from npm, driven by headless
// Debian Chromium through playwright-core.
//
//   ensureCodeServer({ log })   -> { entry, version, dir }   install once, cached by version
//   ensureChromium({ log })     -> '/usr/bin/chromium'         apt-get chromium fonts-liberation if missing
//   startCodeServer({ port, workspace?, userDataDir?, extensionsDir?, env?, log?, onOutput? })
//                               -> { url, port, pid, stop(), exited }   auth off, 127.0.0.1 only
//   workbenchUrl({ base, folder | workspace, extensionDevelopmentPath, extensionTestsPath? }) -> string
//   openWorkbench({ url, headless?, onExit?, onLog?, log? }) -> { browser, context, page, close() }
//
// Cache: `${LGT_CACHE_DIR || <repo>/.cache}/code-server-<version>`; a stamp file is written only
// after a verified install, so a warm ensureCodeServer() is two stat calls. Cold: ~90 s on 2 cores
// (npm download + node-gyp builds), plus apt-get of the build tools on a fresh machine.
import { spawn, execFileSync } from 'node:child_process';
import {
  existsSync, mkdirSync, rmSync, writeFileSync, readFileSync, renameSync, copyFileSync,
  mkdtempSync, openSync, closeSync, readdirSync, statSync,
} from 'node:fs';
import os from 'node:os';
import { format } from 'node:util';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForHttp } from '../lib/ports.mjs';
import { killTree } from '../lib/procTree.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// @vscode/ripgrep's postinstall downloads rg from GitHub unless a tarball is already in its cache
// (`$TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<rg version>-<target>.tar.gz`).
// Versions pinned by code-server's lib/vscode/npm-shrinkwrap.json and that package's postinstall.
const RIPGREP = { '4.100.3': { pkg: '1.15.11', rg: 'v13.0.0-10' } };

// Chromium flags from the notes; playwright adds --headless and its own fresh --user-data-dir.
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-crash-reporter', '--disable-breakpad', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

const defaultLog = (msg) => console.log(`[vscode] ${msg}`);

export function cacheDir() {
  return resolve(process.env.LGT_CACHE_DIR || join(REPO_ROOT, '.cache'));
}

// ---------------------------------------------------------------- apt

function dpkgInstalled(pkg) {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.includes('install ok installed');
  } catch {
    return false;
  }
}

function run(cmd, args, { env = process.env, cwd, logFile, quiet } = {}) {
  return new Promise((resolvePromise, reject) => {
    let fd;
    if (logFile) fd = openSync(logFile, 'a');
    const child = spawn(cmd, args, {
      cwd, env,
      stdio: ['ignore', fd ?? (quiet ? 'ignore' : 'inherit'), fd ?? (quiet ? 'ignore' : 'inherit')],
    });
    child.on('error', (e) => { if (fd) closeSync(fd); reject(e); });
    child.on('exit', (code, signal) => {
      if (fd) closeSync(fd);
      if (code === 0) resolvePromise();
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}${logFile ? ` (log: ${logFile})` : ''}`));
    });
  });
}

/** apt-get install the Debian packages that are not installed yet (root, or sudo when available). */
export async function ensureAptPackages(pkgs, { log = defaultLog } = {}) {
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  if (!existsSync('/usr/bin/apt-get')) throw new Error(`missing system packages (${missing.join(', ')}) and no apt-get to install them`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  log(`apt-get install ${missing.join(' ')} (missing on this machine)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const t0 = Date.now();
  const exec = (args) => (sudo.length ? run(sudo[0], [...sudo.slice(1), ...args], { env }) : run(args[0], args.slice(1), { env }));
  // Recommends included: that is the configuration proven here (chromium pulls fonts, mesa, udev).
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  await exec(['apt-get', ...lock, 'update', '-qq']);
  await exec(['apt-get', ...lock, 'install', '-y', '-qq', ...missing]);
  log(`apt-get install done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** Debian chromium + fonts; returns the executable path. */
export async function ensureChromium({ log = defaultLog } = {}) {
  const need = [];
  if (!existsSync(CHROMIUM_PATH)) need.push('chromium');
  if (!dpkgInstalled('fonts-liberation')) need.push('fonts-liberation');
  if (need.length) await ensureAptPackages(need, { log });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} still missing after apt-get install chromium`);
  return CHROMIUM_PATH;
}

// ---------------------------------------------------------------- install

/**
 * process.env without what `npm run`/`npm test` adds for its scripts (lifecycle, package and prefix
 * variables: a nested npm would install into the wrong project). Real npm settings given as
 * npm_config_* (registry, cache, proxy, …) stay.
 */
export function withoutNpmRunContext(env) {
  const out = { ...env };
  for (const k of Object.keys(out)) {
    if (/^npm_(lifecycle_|package_|command$|execpath$|node_execpath$|config_(local_prefix|global_prefix|prefix|user_agent|node_gyp|argv)$)/i.test(k) || k === 'INIT_CWD') delete out[k];
  }
  return out;
}

function codeServerPaths(version = CODE_SERVER_VERSION) {
  const dir = join(cacheDir(), `code-server-${version}`);
  return {
    dir,
    stamp: join(dir, '.lgt-complete.json'),
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

/** A folder holding include/node/common.gypi for this exact Node, so node-gyp never downloads headers. */
async function nodeHeadersDir({ log }) {
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'common.gypi'))) return prefix;
  // No headers next to the node binary: the npm package node-linux-<arch>@<version> carries them.
  const version = process.version.slice(1);
  const dir = join(cacheDir(), `node-headers-${version}`);
  const pkgDir = join(dir, 'node_modules', `node-linux-${process.arch}`);
  if (!existsSync(join(pkgDir, 'include', 'node', 'common.gypi'))) {
    log(`installing Node ${version} headers from npm (node-linux-${process.arch}@${version})…`);
    mkdirSync(dir, { recursive: true });
    await run('npm', ['install', '--prefix', dir, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `node-linux-${process.arch}@${version}`], { env: withoutNpmRunContext(process.env) });
  }
  return pkgDir;
}

function ripgrepTarget() {
  switch (process.arch) {
    case 'x64': return 'x86_64-unknown-linux-musl';
    case 'arm64': return 'aarch64-unknown-linux-musl';
    default: throw new Error(`unsupported arch for the ripgrep cache: ${process.arch}`);
  }
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** mkdir-based lock so two concurrent runs do not install into the same folder. */
async function withLock(lockDir, { log }, fn) {
  mkdirSync(dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let holder = 0;
      try { holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8')); } catch { /* being written */ }
      if (holder && !pidAlive(holder)) { rmSync(lockDir, { recursive: true, force: true }); continue; }
      if (!announced) { log(`waiting for another install (pid ${holder || '?'}) to finish…`); announced = true; }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function findFiles(dir, pred, out = [], depth = 0) {
  if (depth > 8 || !existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (st.isDirectory()) findFiles(p, pred, out, depth + 1);
    else if (pred(p)) out.push(p);
  }
  return out;
}

/** Checks that the install is complete; throws with what is missing. */
function verifyInstall(root) {
  const cs = join(root, 'node_modules', 'code-server');
  const vs = join(cs, 'lib', 'vscode');
  const must = [
    join(cs, 'out', 'node', 'entry.js'),
    join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    join(vs, 'node_modules.asar'),
    join(vs, 'extensions', 'node_modules', 'typescript', 'lib', 'typescript.js'),
  ];
  for (const p of must) if (!existsSync(p)) throw new Error(`code-server install incomplete: ${p} missing`);
  // Native modules that must have been compiled (node-gyp) by the postinstall.
  for (const mod of ['node-pty', '@vscode/spdlog', 'kerberos', 'native-watchdog']) {
    const nodes = findFiles(join(vs, 'node_modules', mod), (p) => p.endsWith('.node'));
    if (nodes.length === 0) throw new Error(`code-server install incomplete: native module ${mod} was not built`);
  }
  // --version writes a default config under XDG_CONFIG_HOME: keep that out of the home folder.
  const xdg = mkdtempSync(join(os.tmpdir(), 'lgt-cs-version-'));
  try {
    const out = execFileSync(process.execPath, [join(cs, 'out', 'node', 'entry.js'), '--version'], {
      encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data'), XDG_CACHE_HOME: join(xdg, 'cache') },
    });
    const lines = out.trim().split('\n').filter((l) => /^\d+\.\d+\.\d+/.test(l));
    if (!lines.length) throw new Error(`code-server --version printed no version:\n${out}`);
    return lines[0];
  } finally {
    rmSync(xdg, { recursive: true, force: true });
  }
}

/**
 * Install code-server once into the cache (idempotent; the warm path only stats two files).
 * Cold: apt build deps, npm install with native builds (~2-3 min on 2 cores).
 */
export async function ensureCodeServer({ log = defaultLog, version = CODE_SERVER_VERSION } = {}) {
  const paths = codeServerPaths(version);
  if (existsSync(paths.stamp) && existsSync(paths.entry)) return { entry: paths.entry, version, dir: paths.dir };

  return withLock(`${paths.dir}.lock`, { log }, async () => {
    if (existsSync(paths.stamp) && existsSync(paths.entry)) return { entry: paths.entry, version, dir: paths.dir };
    const t0 = Date.now();
    log(`installing code-server@${version} into ${paths.dir} (one time, takes a few minutes)…`);
    await ensureAptPackages(['build-essential', 'python3', 'pkg-config', 'libkrb5-dev', 'ripgrep'], { log });
    const nodedir = await nodeHeadersDir({ log });

    const staging = `${paths.dir}.staging`;
    rmSync(staging, { recursive: true, force: true });
    rmSync(paths.dir, { recursive: true, force: true });
    const tmp = join(staging, '.tmp');
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'lgt-code-server-cache', private: true, version: '0.0.0' }, null, 2));

    // ripgrep tarball from Debian's rg, where @vscode/ripgrep's postinstall looks first.
    const rgv = RIPGREP[version];
    if (!rgv) throw new Error(`no ripgrep cache versions known for code-server ${version}`);
    const rgBin = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
    const rgStage = join(tmp, 'rg-stage');
    mkdirSync(rgStage);
    copyFileSync(rgBin, join(rgStage, 'rg'));
    const rgCache = join(tmp, `vscode-ripgrep-cache-${rgv.pkg}`);
    mkdirSync(rgCache);
    execFileSync('tar', ['czf', join(rgCache, `ripgrep-${rgv.rg}-${ripgrepTarget()}.tar.gz`), '-C', rgStage, 'rg']);

    const logFile = join(cacheDir(), `code-server-${version}.install.log`);
    writeFileSync(logFile, '');
    const env = withoutNpmRunContext(process.env);
    Object.assign(env, {
      TMPDIR: tmp,
      npm_config_yes: 'true',                     // postinstalls call npx; machine config says yes=false
      npm_config_unsafe_perm: 'true',             // code-server's postinstall.sh insists on it as root
      npm_config_nodedir: nodedir,                // headers for node-gyp without a nodejs.org download
      npm_config_dangerously_allow_all_scripts: 'true', // npm 11 allowScripts policy: run native builds
      npm_config_strict_allow_scripts: 'false',
      npm_config_ignore_scripts: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_foreground_scripts: 'true',      // postinstall output goes to the log as it happens
      CI: 'true',
    });
    delete env.PORT;
    log(`npm install code-server@${version} (log: ${logFile})`);
    const ticker = setInterval(() => {
      let last = '';
      try {
        const lines = readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean);
        last = (lines[lines.length - 1] ?? '').slice(0, 120);
      } catch { /* ignore */ }
      log(`  … ${((Date.now() - t0) / 1000).toFixed(0)} s  ${last}`);
    }, 20_000);
    try {
      await run('npm', ['install', '--no-save', '--omit=dev', `code-server@${version}`], { cwd: staging, env, logFile });
    } catch (e) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      throw new Error(`${e.message}\n--- last lines of ${logFile} ---\n${tail}`);
    } finally {
      clearInterval(ticker);
    }
    const reported = verifyInstall(staging);
    rmSync(tmp, { recursive: true, force: true });
    renameSync(staging, paths.dir);
    writeFileSync(paths.stamp, JSON.stringify({ version, reported, node: process.version, installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - t0) / 1000) }, null, 2));
    log(`code-server ${reported} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return { entry: paths.entry, version, dir: paths.dir };
  });
}

// ---------------------------------------------------------------- run

/**
 * Start code-server on 127.0.0.1:port with auth off. `env` is added to code-server's environment,
 * which the extension host inherits (process.env inside the extension).
 * -> { url, port, pid, stop(), exited: Promise<{code, signal}>, userDataDir, extensionsDir }
 */
export async function startCodeServer({
  port, workspace, userDataDir, extensionsDir, env = {}, log = defaultLog, entry, onOutput, timeoutMs = 120_000,
} = {}) {
  if (!port) throw new Error('startCodeServer: port is required (use scripts/lib/ports.mjs freePort)');
  entry ??= (await ensureCodeServer({ log })).entry;
  const tmp = mkdtempSync(join(os.tmpdir(), 'lgt-code-server-'));
  userDataDir ??= join(tmp, 'user-data');
  extensionsDir ??= join(tmp, 'extensions');
  for (const d of [userDataDir, extensionsDir, join(tmp, 'xdg-config'), join(tmp, 'xdg-data'), join(tmp, 'xdg-cache')]) mkdirSync(d, { recursive: true });
  const config = join(tmp, 'config.yaml');
  writeFileSync(config, [
    `bind-addr: 127.0.0.1:${port}`,
    'auth: none',
    'cert: false',
    'disable-telemetry: true',
    'disable-update-check: true',
    'disable-workspace-trust: true',
    'disable-getting-started-override: true',
    // (reconnection-grace-time is not an option before code-server 4.101; stop() kills the tree.)
    '',
  ].join('\n'));
  // A quiet first start: no welcome page, no tips, no trust prompts.
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    mkdirSync(dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'security.workspace.trust.enabled': false,
      'git.enabled': false,
    }, null, 2));
  }

  const childEnv = withoutNpmRunContext(process.env);
  for (const k of Object.keys(childEnv)) {
    if (/^(VSCODE_|ELECTRON_RUN_AS_NODE$)/.test(k)) delete childEnv[k]; // when started from a VS Code terminal
  }
  delete childEnv.PORT; // overrides bind-addr
  Object.assign(childEnv, {
    XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
    XDG_DATA_HOME: join(tmp, 'xdg-data'),
    XDG_CACHE_HOME: join(tmp, 'xdg-cache'),
  }, env);

  const args = [entry, '--config', config, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  if (workspace) args.push(workspace);
  // A process group of its own: stop() can then also reach extension hosts / watchers that were
  // being spawned while the tree was killed (they get re-parented to init but keep the group).
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* group gone */ } };
  const onParentExit = () => killGroup('SIGKILL'); // last resort if our process dies without stop()
  process.once('exit', onParentExit);
  let exited = false;
  const exitedPromise = new Promise((r) => child.on('exit', (code, signal) => {
    exited = true;
    log(`code-server exited (${code ?? signal})`);
    r({ code, signal });
  }));
  const forward = (stream, name) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (onOutput) onOutput(line, name);
      }
    });
  };
  forward(child.stdout, 'stdout');
  forward(child.stderr, 'stderr');

  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onParentExit);
    if (!exited) await killTree(child.pid);
    killGroup('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}/healthz`, { timeoutMs, isAlive: () => !exited });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, pid: child.pid, stop, exited: exitedPromise, userDataDir, extensionsDir };
}

/**
 * The workbench URL that opens `folder` (or the multi-root `workspace`, a .code-workspace file)
 * with the extension under development (and optionally the test runner) loaded from the server's
 * file system. Paths are absolute server paths.
 */
export function workbenchUrl({ base, folder, workspace, extensionDevelopmentPath, extensionTestsPath }) {
  const u = new URL(base);
  const remote = (p) => `vscode-remote://${u.host}${resolve(p)}`;
  const payload = [];
  for (const dev of [extensionDevelopmentPath].flat().filter(Boolean)) payload.push(['extensionDevelopmentPath', remote(dev)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const q = [];
  if (folder) q.push(`folder=${encodeURIComponent(resolve(folder))}`);
  else if (workspace) q.push(`workspace=${encodeURIComponent(resolve(workspace))}`);
  if (payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${u.origin}/${q.length ? `?${q.join('&')}` : ''}`;
}

// Console errors every code-server session shows in this offline sandbox: the closed-source vsda
// module is not shipped (404) and the Open VSX marketplace is unreachable; and, on a window reload
// (the reload test), the web workbench's note that it cannot wait for shutdown joiners.
// LGT_VSCODE_DEBUG=1 shows them.
const NOISE = [/\/vsda\//, /open-vsx\.org/, /\[lifecycle\] Long running operations during shutdown are unsupported in the web/];
export function isKnownNoise(text) {
  return process.env.LGT_VSCODE_DEBUG !== '1' && NOISE.some((re) => re.test(text));
}

/**
 * Open `url` in Debian Chromium via playwright-core. `onExit(code)` is called when the workbench
 * reports the end of an extension test run (window.codeAutomationExit). `onLog(type, text)` gets
 * the workbench's automation log (the extension host's console output during a test run).
 */
export async function openWorkbench({ url, headless = true, onExit, onLog, log = defaultLog, viewport = { width: 1600, height: 1000 } }) {
  const { chromium } = await import('playwright-core');
  const executablePath = await ensureChromium({ log });
  // Chromium's crashpad writes under $XDG_CONFIG_HOME/chromium whatever the user-data-dir: keep it in a temp dir.
  const home = mkdtempSync(join(os.tmpdir(), 'lgt-chromium-'));
  const browser = await chromium.launch({
    executablePath, headless, args: CHROMIUM_ARGS,
    // Playwright's own handlers would close the browser and process.exit(130) before our cleanup runs.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') },
  });
  browser.on('disconnected', () => rmSync(home, { recursive: true, force: true }));
  try {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.exposeFunction('codeAutomationExit', (code) => {
      if (onExit) onExit(typeof code === 'number' ? code : Number(code) || 0);
    });
    if (onLog) {
      await page.exposeFunction('codeAutomationLog', (type, args) => {
        try { onLog(String(type), Array.isArray(args) ? format(...args) : String(args)); } catch { /* never throw into the page */ }
      });
    }
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location()?.url;
      const text = `${msg.text().slice(0, 2000)}${where ? ` (${where})` : ''}`;
      if (!isKnownNoise(text)) log(`workbench console error: ${text}`);
    });
    page.on('pageerror', (err) => log(`workbench page error: ${err?.message ?? err}`));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => {});
    };
    return { browser, context, page, close };
  } catch (e) {
    await browser.close().catch(() => {});
    throw e;
  }
}
