// Stand-in for VS Code around the timeline webview, for the standalone preview page only (served by
// scripts/preview.mjs, never part of the extension). It installs acquireVsCodeApi (getState/setState
// kept in sessionStorage, so a reload behaves like VS Code re-creating a hidden panel), applies a
// theme the way VS Code does (--vscode-* variables + body class), and starts the host stand-in in a
// Web Worker (host.ts). Host messages reach the panel as window 'message' events — the path VS Code
// uses — and the panel's messages go back to the worker.
//
// Query parameters:
//   file=PATH        recording to load (as known to the preview server)
//   theme=light|dark|hc
//   mode=snapshot|live   live: replay the events at their recorded pace (speed=N to hurry)
//   drop=N           live: lose the Nth batch, as a hidden panel would (exercises resync)
//   chunk=N          snapshot mode: read the file as a stream and send the first events as the
//                    snapshot, the rest as `session/events` of N (default 20000; 0 = parse all,
//                    then one snapshot, as the extension's host does today)
//   status=PHASE     snapshot mode: the phase to report at the end (default `recorded`;
//                    `streaming` leaves it live, for the benchmark's stream)
//   chrome=0         hide the preview's own control bar (screenshots)
//   compare=PATH     the recording Compare with… compares the session with (compareHost.ts)
import type { FromWebview, ToWebview } from '../../shared/protocol';
import type { FromPage, ToPage } from './host';

interface Rendered {
  sessionId: string;
  events: number;
  executions: number;
  at: number;
}

interface Batch {
  end: number;
  /** performance.now() times (this page's clock). */
  created: number[];
  sent: number;
  /** Of those, the LLM chunks' (a stream with `llmRate`). */
  llmCreated?: number[];
}

interface PreviewApi {
  /** Last `rendered` report from the panel. */
  rendered: Rendered | null;
  /** Messages the panel posted (most recent last, capped). */
  fromWebview: FromWebview[];
  /** Called on every `rendered` report (benchmark, tests). */
  onRendered: ((r: Rendered) => void) | null;
  /** Called for every batch of the benchmark stream. */
  onBatch: ((b: Batch) => void) | null;
  /** Comparisons the host posted (compare=PATH): its time for each, the rows, the JSON size, when (this page's clock). */
  compared: { ms: number; rows: number; bytes: number; at: number }[];
  /** Deliver a host message to the panel directly (tests). */
  send(m: ToWebview): void;
  /** Have the host stream synthetic events (benchmark); resolves when done. */
  stream(o: { rate: number; seconds: number; batchMs: number; llmRate?: number }): Promise<number>;
  sessionId: string | null;
  /** Events the host has sent in total. */
  sent: number;
  /** performance.now() times of load milestones. */
  timings: Record<string, number>;
  error: string | null;
  theme: string;
  setTheme(name: string): Promise<void>;
  afterPaint(fn: () => void): void;
  /** Start measuring frame times (the frame's start → painted, per frame); call the result to stop and have them (benchmarks). */
  meterFrames(): () => number[];
}

declare global {
  interface Window {
    lgtPreview: PreviewApi;
  }
}

const params = new URLSearchParams(location.search);
const STATE_KEY = 'lgt-preview-webview-state';
const REPLAY_KEY = `lgt-preview-replay:${params.get('file') ?? ''}`;
const THEMES: Record<string, string> = { light: 'vscode-light', dark: 'vscode-dark', hc: 'vscode-high-contrast' };

const worker = new Worker('/preview/host.js');
const toHost = (m: FromPage) => worker.postMessage(m);
const local = (at: number) => at - performance.timeOrigin;
let streamDone: ((n: number) => void) | null = null;

/** Hand a host message to the panel as VS Code does: a 'message' event on the window. */
function deliver(m: ToWebview): void {
  window.dispatchEvent(new MessageEvent('message', { data: m, origin: location.origin }));
}

const preview: PreviewApi = {
  rendered: null,
  fromWebview: [],
  onRendered: null,
  onBatch: null,
  compared: [],
  send: deliver,
  stream: (o) =>
    new Promise((resolve) => {
      streamDone = resolve;
      toHost({ type: 'stream', ...o });
    }),
  sessionId: null,
  sent: 0,
  timings: { start: performance.now() },
  error: null,
  theme: 'dark',
  setTheme,
  afterPaint,
  meterFrames,
};
window.lgtPreview = preview;

function status(text: string): void {
  const el = document.getElementById('pv-status');
  if (el) el.textContent = text;
}

worker.onmessage = (e: MessageEvent<ToPage>) => {
  const m = e.data;
  switch (m.type) {
    case 'toWebview':
      deliver(m.m);
      return;
    case 'status':
      status(m.text);
      return;
    case 'timing':
      preview.timings[m.name] = local(m.at);
      return;
    case 'session':
      preview.sessionId = m.id;
      preview.sent = m.sent;
      return;
    case 'replayStart':
      sessionStorage.setItem(REPLAY_KEY, String(m.at));
      return;
    case 'error':
      preview.error = m.message;
      return;
    case 'batch':
      preview.onBatch?.({ end: m.end, created: m.created.map(local), sent: local(m.sent), ...(m.llmCreated ? { llmCreated: m.llmCreated.map(local) } : {}) });
      return;
    case 'compared':
      preview.compared.push({ ms: m.ms, rows: m.rows, bytes: m.bytes, at: performance.now() });
      return;
    case 'streamDone':
      streamDone?.(m.sent);
      streamDone = null;
      return;
  }
};
worker.onerror = (e) => {
  preview.error = e.message;
  status(`host stand-in failed: ${e.message}`);
};
toHost({ type: 'init', params: Object.fromEntries(params), replayStart: Number(sessionStorage.getItem(REPLAY_KEY)) || null });

// ---- the VS Code webview API ------------------------------------------------------------------

window.acquireVsCodeApi = () => ({
  postMessage(m: FromWebview) {
    preview.fromWebview.push(m);
    if (preview.fromWebview.length > 500) preview.fromWebview.splice(0, 250);
    if (m.type === 'rendered') {
      const r = { sessionId: m.sessionId, events: m.events, executions: m.executions, at: performance.now() };
      preview.rendered = r;
      if (preview.timings.firstRendered === undefined && m.executions > 0) {
        // `rendered` is posted from inside the animation frame; a task queued now runs once that
        // frame has been painted.
        preview.timings.firstRendered = r.at;
        afterPaint(() => (preview.timings.firstPaint = performance.now()));
      }
      preview.onRendered?.(r);
    } else if (m.type === 'log') {
      console[m.level === 'error' ? 'error' : m.level === 'warn' ? 'warn' : 'log'](`[webview] ${m.message}`);
    } else if (m.type === 'openSource' || m.type === 'fork') {
      status(`panel asked: ${m.type} ${m.node}`);
    }
    toHost({ type: 'webview', m });
  },
  getState() {
    const s = sessionStorage.getItem(STATE_KEY);
    return s ? (JSON.parse(s) as unknown) : undefined;
  },
  setState(s: unknown) {
    sessionStorage.setItem(STATE_KEY, JSON.stringify(s));
  },
});

/**
 * Run `fn` after the current frame's rendering (a task posted from a frame runs after its paint).
 * A user-blocking task where the browser has them, so queued messages do not delay it.
 */
export function afterPaint(fn: () => void): void {
  const sched = (globalThis as { scheduler?: { postTask?: (f: () => void, o: { priority: string }) => Promise<void> } }).scheduler;
  if (sched?.postTask) {
    void sched.postTask(fn, { priority: 'user-blocking' });
    return;
  }
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    ch.port1.close();
    fn();
  };
  ch.port2.postMessage(0);
}

/** Frame time, for each frame until stopped: from its start (the rAF timestamp) until it was painted. */
function meterFrames(): () => number[] {
  const work: number[] = [];
  let running = true;
  const tick = (ts: number) => {
    afterPaint(() => work.push(performance.now() - ts));
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return () => {
    running = false;
    return work;
  };
}

// ---- page controls -----------------------------------------------------------------------------

async function setTheme(name: string): Promise<void> {
  const key = name in THEMES ? name : 'dark';
  const link = document.getElementById('lgt-theme') as HTMLLinkElement | null;
  const href = `/preview/themes/${key}.css`;
  if (link && !link.href.endsWith(href)) {
    // Switch the body class only once the variables are there, as VS Code does.
    await new Promise<void>((resolve) => {
      link.addEventListener('load', () => resolve(), { once: true });
      link.addEventListener('error', () => resolve(), { once: true });
      link.href = href;
    });
  }
  document.body.classList.remove(...Object.values(THEMES));
  document.body.classList.add(THEMES[key]);
  document.body.dataset.vscodeThemeKind = THEMES[key];
  preview.theme = key;
  const sel = document.getElementById('pv-theme') as HTMLSelectElement | null;
  if (sel) sel.value = key;
}

function wirePage(): void {
  if (params.get('chrome') === '0') document.body.classList.add('pv-bare');
  void setTheme(params.get('theme') ?? 'dark');
  document.getElementById('pv-theme')?.addEventListener('change', (e) => {
    const name = (e.target as HTMLSelectElement).value;
    const u = new URL(location.href);
    u.searchParams.set('theme', name);
    history.replaceState(null, '', u);
    void setTheme(name);
  });
  document.getElementById('pv-file')?.addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) toHost({ type: 'file', name: f.name, file: f });
  });
}

// This script sits in <body> after the control bar, so the page is there to wire up already.
if (document.getElementById('pv-theme')) wirePage();
else document.addEventListener('DOMContentLoaded', wirePage, { once: true });
