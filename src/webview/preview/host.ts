// The preview's stand-in for the extension host, in a Web Worker: like the real host it runs off
// the panel's thread, holds the run's events, answers `ready` with a snapshot, sends batched
// `session/events` and answers `resync`. Its messages reach the panel as window 'message' events
// (forwarded by standIn.ts), the path VS Code uses. Preview only; never part of the extension.
/// <reference lib="webworker" />
import { RecordingReader, parseRecording, type Recording } from '../../shared/recording';
import type { RunEvent } from '../../shared/events';
import { FIRST_SLICE, PanelFeed, type FeedSource } from '../../shared/panelFeed';
import type { FromWebview, SessionInfo, SessionStatus, ToWebview } from '../../shared/protocol';
import { sessionGraphOf } from '../../shared/assistantGraph';
import { PreviewCompare } from './compareHost';
import { benchStream, type BenchHost } from './benchStream';

export type FromPage =
  | { type: 'init'; params: Record<string, string>; replayStart: number | null }
  | { type: 'webview'; m: FromWebview }
  | { type: 'file'; name: string; file: Blob }
  | { type: 'stream'; rate: number; seconds: number; batchMs: number; llmRate?: number };

export type ToPage =
  | { type: 'toWebview'; m: ToWebview }
  | { type: 'status'; text: string }
  /** `at`: ms since the epoch (timeOrigin + now), comparable across threads. */
  | { type: 'timing'; name: string; at: number }
  | { type: 'session'; id: string; sent: number }
  | { type: 'replayStart'; at: number }
  | { type: 'error'; message: string }
  /** Benchmark stream: a batch was posted; its events were "created" at these times. */
  | { type: 'batch'; end: number; created: number[]; sent: number; llmCreated?: number[] }
  | { type: 'streamDone'; sent: number }
  /** A comparison was redone and posted (compare=PATH): its time in this worker, its rows, its size as JSON (VS Code's webview messages are JSON). */
  | { type: 'compared'; ms: number; rows: number; bytes: number };

declare const self: DedicatedWorkerGlobalScope;

const BATCH_MS = 30;
let params: Record<string, string> = {};
let replayStart: number | null = null;
let session: SessionInfo | null = null;
/** Every event of the session so far (the host keeps them all). */
let events: RunEvent[] = [];
let sent = 0;
let recording: Recording | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
/** The panel said `ready`: until then nothing is sent (a download may already be under way). */
let panelReady = false;
/** A recording being read in slices (started at init, before the panel is ready). */
let streaming: { deliver: (final: boolean) => void; done: boolean } | null = null;
let streamStarted = false;
/** Paces a recording read in slices, as the extension's panel does. */
let feed: PanelFeed | null = null;

const abs = () => performance.timeOrigin + performance.now();
// A packed slice's bytes are transferred, not copied, as VS Code passes them into the webview.
const toPage = (m: ToPage) => self.postMessage(m, m.type === 'toWebview' && m.m.type === 'session/packed' ? [m.m.json.buffer as ArrayBuffer] : []);
const send = (m: ToWebview) => toPage({ type: 'toWebview', m });
const status = (text: string) => toPage({ type: 'status', text });
const timing = (name: string) => toPage({ type: 'timing', name, at: abs() });
const setSent = (n: number) => {
  sent = n;
  if (session) toPage({ type: 'session', id: session.id, sent });
  compare?.changed();
};
/** The benchmark's stream is under way (the session is live). */
let benchLive = false;
/** Compare with… (compare=PATH), once params are known. */
let compare: PreviewCompare | null = null;

self.onmessage = (e: MessageEvent<FromPage>) => {
  const m = e.data;
  switch (m.type) {
    case 'init':
      params = m.params;
      replayStart = m.replayStart;
      compare = new PreviewCompare(params.compare, {
        session: () => session,
        events: () => events.slice(0, sent),
        extras: () => extrasOf(recording),
        live: () => benchLive || timer !== null,
        send: (x) => {
          send(x);
          if (x.type === 'compare/show') toPage({ type: 'compared', ms: compare!.redoMs[compare!.redoMs.length - 1], rows: x.compare.comparison.rows.length, bytes: JSON.stringify(x).length });
        },
        status,
      });
      // Start reading the recording while the panel's script loads; send once it is ready.
      if (params.file && params.mode !== 'live' && Number(params.chunk ?? '20000') > 0) void start();
      return;
    case 'webview':
      return onWebview(m.m);
    case 'file':
      void m.file.text().then(
        (text) => {
          recording = parseRecording(text);
          openRecording(recording, `${m.name} (local)`, false);
        },
        (err: Error) => status(`could not read ${m.name}: ${err.message}`),
      );
      return;
    case 'stream':
      void benchStream(benchHost, m.rate, m.seconds, m.batchMs, m.llmRate ?? 0);
      return;
  }
};

function onWebview(m: FromWebview): void {
  switch (m.type) {
    case 'ready':
      panelReady = true;
      // The panel (re)started: the snapshot carries everything read so far, the rest follows.
      if (streaming) {
        sent = 0;
        return streaming.deliver(streaming.done);
      }
      // A reload of the panel (hidden and shown again): the snapshot carries everything so far.
      if (session && recording) return snapshotAgain();
      void start();
      return;
    case 'rendered':
      if (streaming && feed) {
        feed.rendered(m.sessionId, m.events);
        setSent(feed.sentCount);
      }
      return;
    case 'resync':
      if (streaming && feed) {
        feed.resync(m.sessionId, m.from, m.unpacked);
        setSent(feed.sentCount);
      } else if (session && m.sessionId === session.id) send({ type: 'session/events', sessionId: m.sessionId, from: m.from, events: events.slice(m.from, sent) });
      return;
    case 'compare':
      void compare?.start();
      return;
    case 'compareClosed':
      compare?.stop();
      return;
    case 'toggleBreakpoint':
      // The preview's stand-in for VS Code's Breakpoints view: a set of node ids.
      if (!breakpoints.delete(m.node)) breakpoints.add(m.node);
      send({ type: 'breakpoints', nodes: [...breakpoints] });
      return;
    default:
      return;
  }
}

const breakpoints = new Set<string>();

function snapshotAgain(): void {
  if (!session) return;
  const phase: SessionStatus['phase'] = timer ? 'streaming' : ((params.status as SessionStatus['phase']) ?? (params.mode === 'live' ? finalPhase(events) : 'recorded'));
  send({ type: 'session/snapshot', session, status: { phase }, events: events.slice(0, sent), extras: extrasOf(recording) });
  sendGraph(recording?.header);
}

/** After a snapshot, as the extension's host does: the graph the recording kept, if any. */
function sendGraph(h: Recording['header'] | null | undefined): void {
  const graph = h ? sessionGraphOf(h.graph) : null;
  if (session && graph) send({ type: 'session/graph', sessionId: session.id, graph });
}

async function start(): Promise<void> {
  const file = params.file;
  if (!file) {
    send({ type: 'session/none' });
    status('Pick a recording (JSON Lines) to load it.');
    return;
  }
  const live = params.mode === 'live';
  const chunk = Number(params.chunk ?? '20000');
  try {
    if (!live && chunk > 0) {
      // `init` starts the download; a `ready` that comes while it is still connecting must not
      // start a second one (two readers would each feed the panel half of what it needs).
      if (streamStarted) return;
      streamStarted = true;
      return await stream(file, chunk);
    }
    status(`loading ${file}…`);
    const res = await fetch(`/recording?file=${encodeURIComponent(file)}`);
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    const text = await res.text();
    recording = parseRecording(text);
    timing('parsed');
    openRecording(recording, file, live);
  } catch (e) {
    toPage({ type: 'error', message: (e as Error).message });
    status(`could not load ${file}: ${(e as Error).message}`);
    send({ type: 'session/none' });
  }
}

function extrasOf(rec: Recording | null): Record<string, unknown> | undefined {
  const x = rec?.header.extras;
  return x && typeof x === 'object' ? (x as Record<string, unknown>) : undefined;
}

function sessionFor(h: Recording['header'], name: string): SessionInfo {
  return {
    id: `preview:${name}`,
    title: `${h.assistantId ?? 'run'} — ${name.split('/').pop()}`,
    url: h.url,
    assistantId: h.assistantId,
    graphId: h.assistantId,
    threadId: h.threadId ?? null,
    runId: h.runId ?? null,
    streamMode: h.streamMode,
    startedAt: h.startedAt,
    input: h.input,
  };
}


/**
 * Read the recording and hand it to the panel in slices, as the extension's host does: the
 * snapshot carries the first events (phase `loading`: more is coming), each further slice is a
 * `session/events` (big ones packed), and `session/status` gives the final phase at the end. The
 * panel paints after the first slice.
 */
async function stream(file: string, chunk: number): Promise<void> {
  status(`loading ${file}…`);
  const res = await fetch(`/recording?file=${encodeURIComponent(file)}`);
  if (!res.ok || !res.body) throw new Error(`${res.status} ${await res.text()}`);
  const text = await res.text();
  timing('fetched');
  const all: RunEvent[] = [];
  events = all;
  const reader = new RecordingReader(text);
  const header = reader.header;
  session = sessionFor(header, file);
  const endPhase = (params.status ?? 'recorded') as SessionStatus['phase'];
  // Everything read so far goes out as the extension's panel sends it (src/shared/panelFeed.ts):
  // a small snapshot (paints soon), then `chunk`s paced by what the panel has drawn.
  let source: FeedSource | null = null;
  const deliver = (final: boolean) => {
    if (!session || !panelReady) return;
    if (!source) source = { info: session, events: all, status: { phase: 'loading' }, extras: extrasOf({ header, events: [] }) };
    if (final) source.status = { phase: endPhase };
    if (sent === 0) {
      timing('snapshotPosted');
      feed = new PanelFeed((m) => (send(m), true), { firstSlice: FIRST_SLICE, slice: chunk });
      feed.snapshot(source);
      sendGraph(header);
    } else feed?.flush();
    setSent(feed?.sentCount ?? 0);
  };
  streaming = { deliver, done: false };
  // As the extension's host reads a recording (RunSession.readRecording): the first slice at once,
  // then a slice per turn of the event loop.
  let max = FIRST_SLICE;
  while (!reader.done) {
    for (const ev of reader.read(max)) all.push(ev);
    if (all.length - sent >= (sent ? chunk : Math.min(chunk, FIRST_SLICE))) deliver(false);
    max = 5000;
    await nextTurn();
  }
  timing('parsed');
  streaming.done = true;
  recording = { header, events: all };
  deliver(true);
  status(`${all.length} events`);
}

/** A turn of the event loop (no timer clamping). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

function finalPhase(list: readonly RunEvent[]): SessionStatus['phase'] {
  let phase: SessionStatus['phase'] = 'done';
  for (const ev of list) {
    if (ev.event === 'error') phase = 'error';
    else if (ev.event === 'updates' && typeof ev.data === 'object' && ev.data !== null && '__interrupt__' in ev.data) phase = 'interrupted';
  }
  return phase;
}

function openRecording(rec: Recording, name: string, live: boolean): void {
  streaming = null;
  if (timer) clearInterval(timer);
  timer = null;
  session = sessionFor(rec.header, name);
  const id = session.id;
  const extras = extrasOf(rec);
  if (!live) {
    events = rec.events;
    timing('snapshotPosted');
    const phase = (params.status ?? 'recorded') as SessionStatus['phase'];
    send({ type: 'session/snapshot', session, status: { phase }, events: rec.events, extras });
    sendGraph(rec.header);
    setSent(rec.events.length);
    status(`${rec.events.length} events`);
    return;
  }
  // Live: replay at the recorded pace from a start time that survives a reload of the page, so a
  // reload in the middle behaves like a panel that was hidden: the snapshot has everything so far.
  const speed = Math.max(0.01, Number(params.speed ?? '1') || 1);
  const startedAt = replayStart ?? Date.now();
  toPage({ type: 'replayStart', at: startedAt });
  const t0 = rec.events.length ? rec.events[0].t : 0;
  events = rec.events.map((e) => ({ ...e, t: startedAt + (e.t - t0) / speed }));
  const due = () => {
    const now = Date.now();
    let n = sent;
    while (n < events.length && events[n].t <= now) n++;
    return n;
  };
  const dropAt = Number(params.drop ?? '0');
  let batchNo = 0;
  const first = due();
  send({ type: 'session/snapshot', session, status: { phase: first >= events.length ? finalPhase(events) : 'streaming' }, events: events.slice(0, first), extras });
  sendGraph(rec.header);
  setSent(first);
  if (first >= events.length) return;
  timer = setInterval(() => {
    const n = due();
    if (n > sent) {
      const from = sent;
      setSent(n);
      batchNo++;
      // A lost batch: the next one arrives with a `from` beyond what the panel has.
      if (batchNo !== dropAt) send({ type: 'session/events', sessionId: id, from, events: events.slice(from, n) });
    }
    if (sent >= events.length) {
      clearInterval(timer!);
      timer = null;
      send({ type: 'session/status', sessionId: id, status: { phase: finalPhase(events) } });
      status(`replayed ${events.length} events`);
    }
  }, BATCH_MS);
  status(`replaying ${events.length} events…`);
}

/** What the benchmark's stream needs of this host. */
const benchHost: BenchHost = {
  sessionId: () => session?.id ?? null,
  events: () => events,
  sent: () => sent,
  setSent,
  send,
  toPage,
  flush: () => {
    // A recording read in slices: the feed sends, as the extension's panel does for a live run.
    if (!streaming || !feed) return false;
    feed.flush();
    setSent(feed.sentCount);
    return true;
  },
  live: (on) => {
    benchLive = on;
    if (!on) compare?.changed();
  },
};
