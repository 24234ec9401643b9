// `npm run bench:webview`: the timeline panel in headless Chromium, through the standalone preview.
//   1. Load a 100,000-execution run (updates + tasks: 3 events per execution): time to first paint.
//   2. Stream 2,000 events/s for 10 s into the open (live) panel, in ~30 ms batches as the host
//      sends them: frame intervals (p50/p95), dropped frames, event-to-paint latency (p95), and the
//      JS heap at the end (after a GC).
// Targets: first paint < 1.5 s; p95 frame < 16 ms; p95 event-to-paint < 100 ms; heap < 300 MB.
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, pageUrl, repoRoot, startPreview } from '../webview/harness';
import { generate } from '../support/bigRun';
import { printCpuProfile, startCpuProfile } from './cpuProfile';
import { pct } from './stats';
import type { TraceEvent } from './frameTrace';

const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BATCH_MS = 30;

/**
 * Main-thread work of the page by kind, in thread time: what the frames spend on script (and
 * which part), style, layout, paint. Top-level slices only (nested ones are in their parent).
 */
function printTrace(evs: TraceEvent[]): void {
  const main = evs.find((e) => e.name === 'thread_name' && (e.args as { name?: string })?.name === 'CrRendererMain');
  if (!main) return console.log('trace: no renderer main thread');
  const mine = evs.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const by = new Map<string, { wall: number; cpu: number; n: number; max: number }>();
  const add = (k: string, e: TraceEvent) => {
    const x = by.get(k) ?? { wall: 0, cpu: 0, n: 0, max: 0 };
    x.wall += (e.dur ?? 0) / 1000;
    x.cpu += (e.tdur ?? e.dur ?? 0) / 1000;
    x.n++;
    x.max = Math.max(x.max, (e.tdur ?? e.dur ?? 0) / 1000);
    by.set(k, x);
  };
  // Second level under each task: what the task did. A task that fires animation frames is a
  // frame: its thread time is the frame's cost (script, style, layout, paint, commit).
  let taskEnd = -1;
  let task: TraceEvent | null = null;
  interface Frame {
    cpu: number;
    dom: boolean;
    parts: Map<string, number>;
  }
  const frames: Frame[] = [];
  let frame: Frame | null = null;
  for (const e of mine) {
    if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') {
      taskEnd = e.ts + (e.dur ?? 0);
      task = e;
      frame = null;
      add('(task)', e);
      continue;
    }
    if (e.ts >= taskEnd) continue;
    if (e.name === 'FireAnimationFrame' && task && !frame) frames.push((frame = { cpu: (task.tdur ?? task.dur ?? 0) / 1000, dom: false, parts: new Map() }));
    if (frame && e.name === 'Layout') frame.dom = true;
    if (frame && ['FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'MinorGC', 'MajorGC'].includes(e.name)) frame.parts.set(e.name, (frame.parts.get(e.name) ?? 0) + (e.tdur ?? e.dur ?? 0) / 1000);
    if (['FunctionCall', 'FireAnimationFrame', 'EventDispatch', 'TimerFire', 'UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'UpdateLayer', 'Commit', 'MajorGC', 'MinorGC', 'V8.GC_SCAVENGER', 'ParseHTML', 'HitTest'].includes(e.name)) add(e.name, e);
  }
  const show = (what: string, list: number[]) => list.length && console.log(`  ${what.padEnd(34)} n=${String(list.length).padStart(4)}  p50 ${pct(list, 50).toFixed(1)} ms  p95 ${pct(list, 95).toFixed(1)} ms  max ${Math.max(...list).toFixed(1)} ms`);
  console.log('frame cost in thread CPU time (the task that runs the animation frame: script, style, layout, paint):');
  show('all frames', frames.map((f) => f.cpu));
  show('frames that laid out the DOM', frames.filter((f) => f.dom).map((f) => f.cpu));
  show('canvas-only frames', frames.filter((f) => !f.dom).map((f) => f.cpu));
  for (const [what, list] of [['DOM', frames.filter((f) => f.dom)], ['canvas-only', frames.filter((f) => !f.dom)]] as const) {
    const sum = new Map<string, number>();
    for (const f of list) for (const [k, v] of f.parts) sum.set(k, (sum.get(k) ?? 0) + v);
    console.log(`  ${what} frames, mean per frame: ${[...sum].map(([k, v]) => `${k} ${(v / Math.max(1, list.length)).toFixed(1)}`).join(', ')}`);
  }
  console.log('renderer main thread while streaming (thread time; nested slices overlap):');
  for (const [k, v] of [...by].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, 16)) console.log(`  ${k.padEnd(22)} ${v.cpu.toFixed(0).padStart(6)} ms cpu ${v.wall.toFixed(0).padStart(6)} ms wall  ${String(v.n).padStart(6)}×  max ${v.max.toFixed(1)} ms`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lgt-bench-webview-'));
  const file = join(dir, 'run-100k.jsonl');
  const g0 = Date.now();
  writeFileSync(file, generate(EXECUTIONS));
  console.log(`generated ${EXECUTIONS.toLocaleString()} executions (${(EXECUTIONS * 3).toLocaleString()} events) in ${Date.now() - g0} ms`);

  const preview = await startPreview([file]);
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    const cdp = await page.context().newCDPSession(page);

    // ---- 1. first paint ------------------------------------------------------------------
    // Default: the host's slices (src/shared/panelFeed.ts: first 2,000 events, then 20,000 a
    // message, paced by what the panel has drawn), as the extension sends a big run.
    // BENCH_CHUNK=0: the whole run in one snapshot message (how the host sent it before).
    await page.goto(pageUrl(preview, file, { theme: 'dark', status: 'streaming', chrome: '0', chunk: process.env.BENCH_CHUNK ?? '20000' }));
    await page.waitForFunction(() => window.lgtPreview?.timings?.firstPaint !== undefined, null, { timeout: 60_000 });
    const total = EXECUTIONS * 3;
    // Everything taken in (the panel paints as it loads; streaming starts once all is in).
    await page.waitForFunction((n) => (window.lgtPreview?.rendered?.events ?? 0) >= n, total, { timeout: 180_000, polling: 100 });
    const t = (await page.evaluate(() => window.lgtPreview.timings)) as Record<string, number>;
    const rendered = (await page.evaluate(() => window.lgtPreview.rendered))!;
    const loadedMs = rendered.at;
    const firstPaint = t.firstPaint;
    const webviewPart = t.firstPaint - t.snapshotPosted;

    // ---- 2. stream -------------------------------------------------------------------------
    await page.waitForTimeout(500);
    // BENCH_PROFILE=1: sample the page's CPU while streaming and print where the time went.
    const profiling = !!process.env.BENCH_PROFILE;
    // BENCH_TRACE=1: trace the renderer while streaming and print where each frame's time went,
    // in thread CPU time (not wall time, so other processes on the machine do not count).
    const tracing = !!process.env.BENCH_TRACE;
    const traceEvents: TraceEvent[] = [];
    if (tracing) {
      cdp.on('Tracing.dataCollected', (d) => traceEvents.push(...(d.value as unknown as TraceEvent[])));
      await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink', options: 'sampling-frequency=10000' } as never);
    }
    const metrics = async () => {
      const { metrics: m } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return Object.fromEntries(m.map((x) => [x.name, x.value]));
    };
    await cdp.send('Performance.enable');
    const m0 = await metrics();
    if (profiling) await startCpuProfile(cdp);
    const stream = await page.evaluate(
      async ({ rate, seconds, batchMs }) => {
        const pv = window.lgtPreview;
        const frames: number[] = [];
        const work: number[] = [];
        let last = 0;
        let running = true;
        const tick = (ts: number) => {
          if (last) frames.push(ts - last);
          last = ts;
          // Frame time: from the frame's start (the rAF timestamp) until it has been rendered —
          // every rAF callback (the panel's draw), the Preact render, style, layout and paint.
          pv.afterPaint(() => work.push(performance.now() - ts));
          if (running) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        // Each batch: the index after its last event, when its events reached the host, when sent.
        const batches: { end: number; created: number[]; sent: number }[] = [];
        const latencies: number[] = [];
        const batchLatencies: number[] = [];
        pv.onBatch = (b: { end: number; created: number[]; sent: number }) => batches.push(b);
        pv.onRendered = (r: { events: number }) => {
          const done = batches.filter((b) => b.end <= r.events);
          if (!done.length) return;
          for (const b of done) batches.splice(batches.indexOf(b), 1);
          pv.afterPaint(() => {
            const now = performance.now();
            for (const b of done) {
              batchLatencies.push(now - b.sent);
              for (const c of b.created) latencies.push(now - c);
            }
          });
        };
        const before: number = pv.sent;
        const sentEvents = (await pv.stream({ rate, seconds, batchMs })) - before;
        // Let the last batches paint.
        await new Promise((r) => setTimeout(r, 300));
        running = false;
        pv.onRendered = null;
        pv.onBatch = null;
        return { frames, work, latencies, batchLatencies, sentEvents, pending: batches.length, rendered: pv.rendered };
      },
      { rate: RATE, seconds: SECONDS, batchMs: BATCH_MS },
    );

    const m1 = await metrics();
    const per = (k: string) => +(((m1[k] ?? 0) - (m0[k] ?? 0)) * 1000).toFixed(0);
    const mainThread = { scriptMs: per('ScriptDuration'), layoutMs: per('LayoutDuration'), styleMs: per('RecalcStyleDuration'), taskMs: per('TaskDuration'), layouts: (m1.LayoutCount ?? 0) - (m0.LayoutCount ?? 0), styleRecalcs: (m1.RecalcStyleCount ?? 0) - (m0.RecalcStyleCount ?? 0) };
    if (profiling) await printCpuProfile(cdp, 'CPU while streaming (self time):', 25);
    if (tracing) {
      const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
      await cdp.send('Tracing.end');
      await done;
      printTrace(traceEvents);
    }
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };

    // ---- 3. baseline, in the same run: the whole run in one snapshot message -------------------
    // What slicing buys: first paint of the same file when the host posts it all at once.
    let baselineFirstPaint: number | null = null;
    if (process.env.BENCH_CHUNK !== '0' && process.env.BENCH_BASELINE !== '0') {
      const base = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await base.goto(pageUrl(preview, file, { theme: 'dark', status: 'streaming', chrome: '0', chunk: '0' }));
      await base.waitForFunction(() => window.lgtPreview?.timings?.firstPaint !== undefined, null, { timeout: 180_000 });
      baselineFirstPaint = (await base.evaluate(() => window.lgtPreview.timings.firstPaint)) as number;
      await base.close();
    }

    const frames = stream.frames;
    const frameP50 = pct(frames, 50);
    const frameP95 = pct(frames, 95);
    const workP50 = pct(stream.work, 50);
    const workP95 = pct(stream.work, 95);
    const interval = 1000 / 60;
    const dropped = frames.reduce((n, d) => n + Math.max(0, Math.round(d / interval) - 1), 0);
    const e2p95 = pct(stream.latencies, 95);
    const b2p95 = pct(stream.batchLatencies, 95);
    const heapMB = heap.usedSize / 1024 / 1024;
    const results = {
      executions: rendered.executions,
      events: rendered.events,
      firstPaintMs: Math.round(firstPaint),
      firstPaintWebviewMs: Math.round(webviewPart),
      fullyLoadedMs: Math.round(loadedMs),
      readMs: Math.round(t.parsed - t.start),
      streamedEvents: stream.sentEvents,
      endExecutions: stream.rendered?.executions ?? 0,
      frames: frames.length,
      frameP50: +frameP50.toFixed(1),
      frameP95: +frameP95.toFixed(1),
      frameWorkP50: +workP50.toFixed(1),
      frameWorkP95: +workP95.toFixed(1),
      droppedFrames: dropped,
      eventToPaintP95: Math.round(e2p95),
      batchToPaintP95: Math.round(b2p95),
      heapMB: Math.round(heapMB),
      baselineFirstPaintMs: baselineFirstPaint === null ? null : Math.round(baselineFirstPaint),
      mainThread,
    };
    const row = (name: string, value: string, target: string, ok: boolean) => console.log(`${ok ? 'PASS' : 'MISS'}  ${name.padEnd(34)} ${value.padStart(12)}   target ${target}`);
    console.log(`\nwebview benchmark, ${process.env.BENCH_CHUNK === '0' ? 'one snapshot message' : 'snapshot in slices'} (${results.executions.toLocaleString()} executions, ${results.events.toLocaleString()} events loaded; ${results.streamedEvents.toLocaleString()} streamed in ${SECONDS} s)`);
    row('first paint (navigation → painted)', `${results.firstPaintMs} ms`, '< 1000 ms', results.firstPaintMs < 1000);
    console.log(`      first slice posted at ${Math.round(t.snapshotPosted)} ms, painted ${results.firstPaintWebviewMs} ms later`);
    if (baselineFirstPaint !== null) console.log(`      baseline, same run: the whole run in one snapshot message paints at ${Math.round(baselineFirstPaint)} ms → slices take ${(firstPaint / baselineFirstPaint).toFixed(2)}× its time`);
    row('whole run in (navigation → all drawn)', `${results.fullyLoadedMs} ms`, '≤ 3000 ms', results.fullyLoadedMs <= 3000);
    row('frame time p50 (frame start → painted)', `${results.frameWorkP50} ms`, '', true);
    row('frame time p95 (frame start → painted)', `${results.frameWorkP95} ms`, '< 16 ms', results.frameWorkP95 < 16);
    row('frame interval p50 / p95', `${results.frameP50} / ${results.frameP95} ms`, '16.7 ms = every vsync', results.frameP95 < 17.5);
    row('dropped frames (10 s)', `${results.droppedFrames}`, `of ~${Math.round(SECONDS * 60)}`, true);
    row('event-to-paint p95 (incl. 30 ms batching)', `${results.eventToPaintP95} ms`, '< 100 ms', results.eventToPaintP95 < 100);
    row('batch-to-paint p95 (webview only)', `${results.batchToPaintP95} ms`, '', true);
    console.log(`      main thread while streaming: tasks ${mainThread.taskMs} ms, script ${mainThread.scriptMs} ms, layout ${mainThread.layoutMs} ms (${mainThread.layouts}×), style ${mainThread.styleMs} ms (${mainThread.styleRecalcs}×) over ${SECONDS * 1000 + 300} ms`);
    row('JS heap at the end (after GC)', `${results.heapMB} MB`, '< 300 MB', results.heapMB < 300);
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    writeFileSync(join(repoRoot, 'test-results', 'bench-webview.json'), JSON.stringify(results, null, 2));
  } finally {
    await browser.close();
    await preview.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
