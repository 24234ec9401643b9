#!/usr/bin/env node
// The timeline webview in a plain browser page, fed from a recorded run (JSON Lines).
//
//   npm run preview -- [FILE.jsonl …] [--theme light|dark|hc] [--live]
//
// Serves on a free loopback port and prints the page's URL (FILE preselected) on its first line,
// then serves until stopped. The page loads the real webview bundle (dist/webview) under a strict
// CSP (scripts only from this server, no inline code); a small stand-in for the VS Code API
// (src/webview/preview/standIn.ts) and for the extension host, in a worker (host.ts), both bundled
// here on start, fetch the recording and feed it through the same window 'message' protocol the
// extension uses. Screenshot tests and the
// benchmark drive this page.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist', 'webview');
const MEDIA = path.join(ROOT, 'media', 'preview');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const THEMES = ['light', 'dark', 'hc'];
const THEME_CLASS = { light: 'vscode-light', dark: 'vscode-dark', hc: 'vscode-high-contrast' };

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ttf': 'font/ttf',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
};

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node scripts/preview.mjs [FILE.jsonl …] [--theme light|dark|hc] [--live]');
  process.exit(2);
}

const args = process.argv.slice(2);
const files = [];
let theme = 'dark';
let live = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--theme') theme = args[++i];
  else if (a === '--live') live = true;
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else files.push(path.resolve(a));
}
if (!THEMES.includes(theme)) usage(`unknown theme ${theme}`);
for (const f of files) if (!fs.existsSync(f)) usage(`no such file: ${f}`);
if (!fs.existsSync(path.join(DIST, 'main.js'))) usage('dist/webview/main.js is missing: run `node scripts/build.mjs` first (npm run preview does).');

// The stand-ins for VS Code (page side) and for the extension host (a worker), bundled in memory:
// they are not part of the extension.
const bundles = Object.fromEntries(
  (
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: { standIn: 'src/webview/preview/standIn.ts', host: 'src/webview/preview/host.ts' },
      outdir: 'preview',
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'warning',
    })
  ).outputFiles.map((f) => [`/preview/${path.basename(f.path)}`, f.text]),
);

/** Recordings the page may fetch: those named on the command line, and any under test/fixtures. */
function resolveRecording(name) {
  if (typeof name !== 'string' || !name) return null;
  const abs = path.resolve(ROOT, name);
  if (files.includes(abs)) return abs;
  const rel = path.relative(FIXTURES, abs);
  if (!rel.startsWith('..') && !path.isAbsolute(rel) && /\.(jsonl|ndjson)$/.test(abs) && fs.existsSync(abs)) return abs;
  return null;
}

/** A served static file, only from inside `dir`. */
function inside(dir, rel) {
  const abs = path.resolve(dir, '.' + path.posix.normalize('/' + rel));
  return abs.startsWith(dir + path.sep) && fs.existsSync(abs) && fs.statSync(abs).isFile() ? abs : null;
}

function send(res, status, body, type, extra = {}) {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    ...extra,
  });
  res.end(body);
}

function sendFile(res, abs) {
  const type = TYPES[path.extname(abs)] ?? 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', 'Content-Security-Policy': CSP });
  fs.createReadStream(abs).pipe(res);
}

function page(url) {
  const t = THEMES.includes(url.searchParams.get('theme')) ? url.searchParams.get('theme') : theme;
  // Only a known theme name is put into the page; the run itself is never inlined.
  return fs
    .readFileSync(path.join(MEDIA, 'index.html'), 'utf8')
    .replace('/preview/themes/dark.css', `/preview/themes/${t}.css`)
    .replaceAll('"vscode-dark"', `"${THEME_CLASS[t]}"`);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const p = decodeURIComponent(url.pathname);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain');
  if (p === '/' || p === '/index.html') return send(res, 200, page(url), TYPES['.html']);
  if (bundles[p] !== undefined) return send(res, 200, bundles[p], TYPES['.js']);
  if (p === '/recording') {
    const abs = resolveRecording(url.searchParams.get('file'));
    if (!abs) return send(res, 404, 'unknown recording (name it on the command line, or put it under test/fixtures)', 'text/plain');
    return sendFile(res, abs);
  }
  if (p === '/favicon.ico') return send(res, 204, '', 'text/plain');
  let abs = null;
  if (p.startsWith('/dist/webview/')) abs = inside(DIST, p.slice('/dist/webview/'.length));
  else if (p.startsWith('/preview/')) abs = inside(MEDIA, p.slice('/preview/'.length));
  if (!abs) return send(res, 404, 'not found', 'text/plain');
  sendFile(res, abs);
});

// Port 0: the OS picks a free one, so parallel runs never collide.
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const q = new URLSearchParams();
  if (files[0]) q.set('file', path.relative(ROOT, files[0]).startsWith('..') ? files[0] : path.relative(ROOT, files[0]));
  q.set('theme', theme);
  if (live) q.set('mode', 'live');
  console.log(`http://127.0.0.1:${port}/?${q}`);
  for (const f of files.slice(1)) console.log(`also: http://127.0.0.1:${port}/?file=${encodeURIComponent(f)}&theme=${theme}`);
  console.log('serving the timeline preview; Ctrl+C stops');
});

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
