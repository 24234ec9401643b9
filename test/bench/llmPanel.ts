// `npm run bench:llmPanel`: the panel while an LLM answer streams, in headless Chromium through
// the preview. 2,000 node events/s for 10 s, with and without one node's answer streamed beside
// them as `messages-tuple` chunks at 500/s (a 5,000-word answer), its execution selected so the
// detail pane draws the growing text. Alternating rounds, side by side: frame time p95 (frame
// start → painted), event-to-paint p95, and chunk-to-paint p95 (a chunk's arrival at the host →
// the panel painted it). Targets (issue 13): frames p95 < 16 ms, chunk-to-paint p95 < 100 ms.
// Model memory per streamed call is measured by bench:llm. BENCH_PROFILE=1 prints where the page's
// CPU went; BENCH_HIDE=selector hides a part of the panel (e.g. .graph-pane) to see what it costs;
// BENCH_SELECT=0 leaves the answering node unselected. BENCH_TRACE=1 also prints each frame's
// cost in the renderer's thread CPU time, which a busy machine does not inflate as it does wall time.
import { launch, pageUrl, startPreview } from '../webview/harness';
import { printCpuProfile, startCpuProfile } from './cpuProfile';
import { pct } from './stats';
import { frameCpu, startTrace } from './frameTrace';

const RATE = Number(process.env.BENCH_RATE ?? 2000);
const LLM_RATE = Number(process.env.BENCH_LLM_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BATCH_MS = 30;

interface Round {
  work: number[];
  latencies: number[];
  llmLatencies: number[];
  /** Frame tasks in thread CPU ms (BENCH_TRACE=1). */
  cpu: number[];
  sent: number;
  drawnChars: number;
  picked: boolean;
  selected: string | null;
}

async function main(): Promise<void> {
  const preview = await startPreview([]);
  const browser = await launch();
  const results: Record<'plain' | 'llm', Round[]> = { plain: [], llm: [] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const kind of ['plain', 'llm'] as const) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
        await page.goto(pageUrl(preview, 'test/fixtures/webview/agent.jsonl', { theme: 'dark', status: 'streaming', chrome: '0' }));
        await page.waitForFunction(() => (window.lgtPreview?.rendered?.executions ?? 0) >= 1, null, { timeout: 60_000 });
        if (process.env.BENCH_HIDE) await page.evaluate((sel) => setInterval(() => document.querySelectorAll<HTMLElement>(sel).forEach((e) => e.style.setProperty('display', 'none', 'important')), 100), process.env.BENCH_HIDE);
        // BENCH_PROFILE=1: where the page's CPU went in the rounds with chunks (self time, top 15).
        const cdp = process.env.BENCH_PROFILE && kind === 'llm' ? await page.context().newCDPSession(page) : null;
        if (cdp) await startCpuProfile(cdp);
        const stopTrace = process.env.BENCH_TRACE ? await startTrace(await page.context().newCDPSession(page)) : null;
        const round = await page.evaluate(
          async ({ rate, llmRate, seconds, batchMs, select }) => {
            const pv = window.lgtPreview;
            const frames = pv.meterFrames();
            const batches: { end: number; created: number[]; llmCreated?: number[] }[] = [];
            const latencies: number[] = [];
            const llmLatencies: number[] = [];
            pv.onBatch = (b) => batches.push(b);
            pv.onRendered = (rd) => {
              const done = batches.filter((b) => b.end <= rd.events);
              if (!done.length) return;
              for (const b of done) batches.splice(batches.indexOf(b), 1);
              pv.afterPaint(() => {
                const now = performance.now();
                for (const b of done) {
                  for (const c of b.created) latencies.push(now - c);
                  for (const c of b.llmCreated ?? []) llmLatencies.push(now - c);
                }
              });
            };
            // The answering node selected, as a person watching it: its detail pane draws the text.
            // (It starts first, so it is at the top of the list until the list follows the run.)
            let picked = false;
            if (llmRate > 0 && select) {
              const t = performance.now();
              const pick = setInterval(() => {
                if (performance.now() - t > 3000) clearInterval(pick);
                const item = [...document.querySelectorAll<HTMLElement>('.execlist [role="option"]')].find((e) => (e.getAttribute('aria-label') ?? '').startsWith('draft_answer'));
                if (!item) return;
                item.click();
                picked = true;
                clearInterval(pick);
              }, 5);
            }
            const before = pv.sent;
            const sent = (await pv.stream({ rate, seconds, batchMs, llmRate })) - before;
            await new Promise((res) => setTimeout(res, 300));
            const work = frames();
            pv.onRendered = null;
            pv.onBatch = null;
            const drawn = document.querySelector('.llm-text');
            const selected = document.querySelector('.execlist [aria-selected="true"]')?.getAttribute('aria-label') ?? null;
            return { work, latencies, llmLatencies, sent, drawnChars: Number(drawn?.getAttribute('data-chars') ?? 0), picked, selected };
          },
          { rate: RATE, llmRate: kind === 'llm' ? LLM_RATE : 0, seconds: SECONDS, batchMs: BATCH_MS, select: process.env.BENCH_SELECT !== '0' },
        );
        const cpu = stopTrace ? frameCpu(await stopTrace()) : [];
        results[kind].push({ ...round, cpu });
        if (cdp) await printCpuProfile(cdp, `  CPU of round ${r + 1} with the answer (self time):`, 15, '    ');
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await preview.stop();
  }
  const all = (k: 'plain' | 'llm', f: (r: Round) => number[]) => results[k].flatMap(f);
  const fmt = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : '—');
  console.log(`panel while an LLM answer streams: ${RATE} events/s for ${SECONDS} s, ${ROUNDS} alternating rounds each, in Chromium`);
  console.log(`  ${'measure'.padEnd(34)} ${'events only'.padStart(12)} ${`+ ${LLM_RATE} chunks/s`.padStart(18)}   ratio   target`);
  const line = (name: string, a: number, b: number, target: string) => console.log(`  ${name.padEnd(34)} ${fmt(a).padStart(12)} ${fmt(b).padStart(18)}   ${(b / a).toFixed(2)}×   ${target}`);
  line('frame time p95 (start → painted)', pct(all('plain', (r) => r.work), 95), pct(all('llm', (r) => r.work), 95), '< 16 ms');
  line('event-to-paint p95', pct(all('plain', (r) => r.latencies), 95), pct(all('llm', (r) => r.latencies), 95), '< 100 ms');
  if (process.env.BENCH_TRACE) line('frame CPU p95 (thread time)', pct(all('plain', (r) => r.cpu), 95), pct(all('llm', (r) => r.cpu), 95), '< 16 ms');
  console.log(`  ${'chunk-to-paint p95'.padEnd(34)} ${'—'.padStart(12)} ${fmt(pct(all('llm', (r) => r.llmLatencies), 95)).padStart(18)}           < 100 ms`);
  const chars = results.llm.map((r) => r.drawnChars);
  for (const r of results.llm) if (!r.picked || !r.drawnChars) console.log(`  (a round ${r.picked ? 'selected' : 'did not select'} the answering node; selected at the end: ${r.selected ?? 'nothing'})`);
  console.log(`  the answer drawn in the detail pane at the end: ${chars.join(' / ')} characters; events sent per round: ${results.llm.map((r) => r.sent).join(' / ')}`);
  console.log('  (2 cores shared with other work: compare the columns of one run, not runs of different days)');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
