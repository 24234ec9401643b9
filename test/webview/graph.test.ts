// The graph pane in headless Chromium, through the preview, on a recording of the example
// `research` graph (a parallel branch, a conditional loop, a two-level subgraph) whose first line
// keeps the graph the server drew: every node with its accessible name and run count, the edges
// the run took, selection shared with the timeline both ways, keyboard use, three themes looked
// at; then what the pane does with a recording that has no graph, and with hostile graphs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parseRecording, serializeRecording, type Recording } from '../../src/shared/recording';
import { RunModel, type Execution } from '../../src/shared/runModel';
import { BADGE } from '../../src/webview/graph/graphLight';
import { ensureDir, fixture, launch, pageUrl, repoRoot, screenshotDir, settle, startPreview, waitRendered, type Preview } from './harness';

let preview: Preview;
let browser: Browser;
const scratch = mkdtempSync(join(tmpdir(), 'lgt-graph-'));


const research = parseRecording(readFileSync(fixture('research.jsonl'), 'utf8'));
const model = RunModel.from(research.events, { input: research.header.input, extras: research.header.extras });
model.end();
const graph = research.header.graph!.graph!;

function writeRecording(name: string, rec: Recording): string {
  const file = join(scratch, `${name}.jsonl`);
  writeFileSync(file, serializeRecording(rec));
  return file;
}

/** 300 nodes: markup, RTL and astral names, a cycle of two, a long loop, a node without edges. */
function hostileGraph() {
  const nodes = [{ id: '__start__' }, { id: '<img src=x onerror="window.pwned=1">' }, { id: 'مرحبا_עולם' }, { id: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀' }, { id: 'lonely' }, { id: '__end__' }];
  for (let i = 0; i < 296; i++) nodes.push({ id: `n${i}` });
  const edges = [
    { source: '__start__', target: nodes[1].id, conditional: false },
    { source: nodes[1].id, target: nodes[2].id, conditional: true },
    { source: nodes[2].id, target: nodes[1].id, conditional: true },
    { source: nodes[2].id, target: nodes[3].id, conditional: false },
    { source: nodes[3].id, target: '__end__', conditional: false },
    ...Array.from({ length: 295 }, (_, i) => ({ source: `n${i}`, target: `n${i + 1}`, conditional: i % 7 === 0 })),
    { source: 'n295', target: 'n0', conditional: true },
  ];
  return { nodes, edges };
}

/** The example `interrupt` graph: run 1 waits at human_review, run 2 answers it (recorded from the real server). */
const RESUMED = join(repoRoot, 'test', 'fixtures', 'recordings', 'interrupt-resume-updates.jsonl');

const { graph: _kept, ...headerWithout } = research.header;
/** Recordings made from the research one (the preview serves only files it was given). */
const made = {
  nograph: writeRecording('nograph', { header: headerWithout, events: research.events }),
  hostile: writeRecording('hostile', { header: { ...research.header, graph: { graph: hostileGraph(), xray: true, fetchedAt: 0 } }, events: [] }),
  /** Cut while research_a and research_b run (opened as a live session). */
  running: writeRecording('running', { header: research.header, events: research.events.filter((e) => Number(e.id) <= 5) }),
  /** Streamed without subgraph events: `write` is one execution, its nodes inside are not seen. */
  flat: writeRecording('flat', { header: { ...research.header, streamSubgraphs: false }, events: research.events.filter((e) => !e.ns.length) }),
  empty: writeRecording('empty', { header: { ...research.header, graph: { graph: { nodes: [], edges: [] }, xray: true, fetchedAt: 0 } }, events: [] }),
};

before(async () => {
  preview = await startPreview([fixture('research.jsonl'), fixture('interrupt.jsonl'), RESUMED, ...Object.values(made)]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await preview?.stop();
});

/** The server's xray id of an execution: its namespace's node names, then its own. */
const idOf = (ex: Execution) => [...ex.ns.map((s) => s.split(':')[0]), ex.node].join(':');
const runsOf = (id: string) => model.executions.filter((e) => idOf(e) === id).length;
const clusters = [...new Set(graph.nodes.flatMap((n) => n.id.split(':').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join(':'))))];

/**
 * What each edge should count, from the model's supersteps (an execution of one step leads to
 * every execution of the next in the same graph; a subgraph is entered at its first step's nodes
 * and left from its last's), kept where the graph has that edge.
 */
function expectedEdgeCounts(): Map<string, number> {
  const has = new Set(graph.edges.map((e) => `${e.source}>${e.target}`));
  const counts = new Map<string, number>();
  const steps = (ns: string[]) => model.steps(ns).map((s) => s.executions.map((i) => model.executions[i]));
  const inner = (ex: Execution) => model.executions.filter((e) => e.parent === ex.index);
  const ends = (ex: Execution, first: boolean): Execution[] => {
    const kids = inner(ex);
    if (!kids.length) return [ex];
    const st = steps(kids[0].ns);
    return (first ? st[0] : st[st.length - 1]).flatMap((e) => ends(e, first));
  };
  const add = (a: string, b: string) => {
    if (has.has(`${a}>${b}`)) counts.set(`${a}>${b}`, (counts.get(`${a}>${b}`) ?? 0) + 1);
  };
  const walk = (ns: string[], root: boolean) => {
    const st = steps(ns);
    if (root) for (const t of st[0]) for (const b of ends(t, true)) add('__start__', idOf(b));
    for (let k = 1; k < st.length; k++) for (const s of st[k - 1]) for (const t of st[k]) for (const a of ends(s, false)) for (const b of ends(t, true)) add(idOf(a), idOf(b));
    if (root) for (const s of st[st.length - 1]) for (const a of ends(s, false)) add(idOf(a), '__end__');
    for (const row of st) {
      for (const ex of row) {
        const kids = inner(ex);
        if (kids.length) walk(kids[0].ns, false);
      }
    }
  };
  walk([], true);
  return counts;
}

async function open(file: string, q: Record<string, string> = {}, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as unknown as { errors: string[] }).errors = errors;
  await page.goto(pageUrl(preview, file, { theme: 'dark', chrome: '0', ...q }));
  return page;
}
const pageErrors = (p: Page) => (p as unknown as { errors: string[] }).errors;
const node = (page: Page, id: string) => page.locator(`.graph-svg [data-id="${id}"]`);
const edge = (page: Page, source: string, target: string) => page.locator(`.g-edge[data-source="${source}"][data-target="${target}"]`);

async function openResearch(q: Record<string, string> = {}): Promise<Page> {
  const page = await open('test/fixtures/webview/research.jsonl', q);
  await waitRendered(page, model.executions.length);
  await page.waitForSelector('.graph-svg .g-node');
  await settle(page);
  return page;
}

describe('the graph pane on a recording of the research graph', () => {
  test('every node and subgraph is there, named first, with how often it ran', async () => {
    const page = await openResearch();
    for (const n of graph.nodes) {
      const el = node(page, n.id);
      assert.equal(await el.count(), 1, `node ${n.id}`);
      const label = (await el.getAttribute('aria-label'))!;
      const name = n.id.split(':').pop()!;
      assert.ok(label.startsWith(`${name}, `), `${n.id}: "${label}"`);
      if (n.id.startsWith('__')) continue;
      const runs = runsOf(n.id);
      assert.ok(runs > 0, `${n.id} ran in the recording`);
      assert.ok(label.startsWith(`${name}, ran ${runs} time${runs === 1 ? '' : 's'}, done`), `${n.id}: "${label}"`);
      assert.equal(await el.getAttribute('data-runs'), String(runs));
    }
    // The loop ran research_a twice, research_b once: the example's design, seen through the pane.
    assert.match((await node(page, 'research_a').getAttribute('aria-label'))!, /^research_a, ran 2 times, done/);
    assert.match((await node(page, 'research_b').getAttribute('aria-label'))!, /^research_b, ran 1 time, done/);
    // Two levels of subgraph: write, and edit inside it, as clusters that say how often they ran.
    assert.deepEqual(clusters.sort(), ['write', 'write:edit']);
    for (const c of clusters) {
      const label = (await node(page, c).getAttribute('aria-label'))!;
      assert.match(label, new RegExp(`^${c.split(':').pop()}, ran ${runsOf(c)} time`));
      assert.match(label, /subgraph/);
    }
    assert.match((await node(page, 'write:edit:polish').getAttribute('aria-label'))!, /in subgraph write › edit/);
    assert.equal(await page.locator('.graph-source').count(), 0, 'the server’s graph, not one drawn from the run');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  test('the edges the run took are highlighted with how often; plain and conditional edges differ', async () => {
    const page = await openResearch();
    const want = expectedEdgeCounts();
    assert.ok(want.size >= 8, `the run takes most edges (${want.size})`);
    for (const e of graph.edges) {
      const path = edge(page, e.source, e.target);
      assert.equal(await path.count(), 1, `edge ${e.source} → ${e.target}`);
      const n = want.get(`${e.source}>${e.target}`) ?? 0;
      assert.equal(await path.getAttribute('data-count'), String(n), `${e.source} → ${e.target} taken ${n}×`);
      const cls = (await path.getAttribute('class'))!;
      assert.equal(cls.includes('taken'), n > 0, `${e.source} → ${e.target}: ${cls}`);
      assert.equal(cls.includes('conditional'), e.conditional, `${e.source} → ${e.target} conditional`);
      const dash = await path.evaluate((p) => getComputedStyle(p).strokeDasharray);
      assert.equal(dash !== 'none', e.conditional, `${e.source} → ${e.target} dashed: ${dash}`);
    }
    assert.equal(want.get('research_a>review'), 2);
    assert.equal(await page.locator('.g-edge-label.shown').count(), want.size, 'a count on every taken edge');
    await page.context().close();
  });

  test('selection is shared with the timeline both ways, and the way in is traced', async () => {
    const page = await openResearch();
    const firstA = model.executions.find((e) => e.node === 'research_a')!;
    const secondA = model.executions.filter((e) => e.node === 'research_a')[1];
    // Graph → timeline: a click selects the node's first execution, the next click its second.
    await node(page, 'research_a').click();
    await page.waitForFunction((i) => document.querySelector('.execlist [aria-selected="true"]')?.getAttribute('id')?.endsWith(`-${i}`) ?? false, firstA.index).catch(() => undefined);
    assert.match((await page.locator('.detail-title h2').textContent())!, /research_a/);
    const pos = async () => (await page.locator('.detail-nav .muted').first().textContent())!.trim();
    assert.equal(await pos(), `${firstA.index + 1} / ${model.executions.length}`);
    await node(page, 'research_a').click();
    await page.waitForFunction((t) => document.querySelector('.detail-nav .muted')?.textContent?.trim() === t, `${secondA.index + 1} / ${model.executions.length}`);
    await page.waitForFunction(() => document.querySelector('.graph-svg [data-id="research_a"]')?.getAttribute('aria-current') === 'true');
    // Timeline → graph: pick the last review in the list; its node lights, the path to it is traced.
    const lastReview = model.executions.filter((e) => e.node === 'review').at(-1)!;
    await page.locator('.execlist [role="option"]').nth(lastReview.index).click();
    await page.waitForFunction(() => document.querySelector('.graph-svg [data-id="review"]')?.classList.contains('selected'));
    assert.equal(await node(page, 'research_a').getAttribute('aria-current'), null);
    const onPath = await page.$$eval('.g-edge.on-path', (els) => els.map((e) => `${e.getAttribute('data-source')}>${e.getAttribute('data-target')}`).sort());
    // The second review came from research_a's second run, which came from the first review…
    for (const e of ['research_a>review', 'review>research_a', 'research_b>review', 'plan>research_a', 'plan>research_b', '__start__>plan']) assert.ok(onPath.includes(e), `${e} on the path (${onPath.join(', ')})`);
    for (const e of ['review>write:draft', 'write:edit:polish>__end__']) assert.ok(!onPath.includes(e), `${e} is after it`);
    // Escape in the graph clears the selection everywhere.
    await node(page, 'plan').focus();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.graph-svg .selected'));
    assert.equal(await page.locator('.execlist [aria-selected="true"]').count(), 0);
    await page.context().close();
  });

  test('keyboard: g focuses the graph, arrows move between nodes, Enter selects, c collapses a subgraph', async () => {
    const page = await openResearch();
    await page.locator('.tl-scroll').focus();
    await page.keyboard.press('g');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-id') ?? null);
    assert.equal(await focused(), '__start__');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'plan');
    await page.keyboard.press('ArrowDown');
    const branch = (await focused())!;
    assert.ok(['research_a', 'research_b'].includes(branch), branch);
    await page.keyboard.press(branch === 'research_a' ? 'ArrowLeft' : 'ArrowRight');
    const other = branch === 'research_a' ? 'research_b' : 'research_a';
    assert.equal(await focused(), other);
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelector('.detail-title h2')?.textContent?.includes(n) ?? false, other);
    // The graph lights it after the panel's render (an effect): waited for, not raced.
    await page.waitForFunction((n) => document.querySelector(`.graph-svg [data-id="${n}"]`)?.getAttribute('aria-current') === 'true', other);
    // Down through review into the subgraph, then collapse the subgraph from inside it.
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'review', await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200) ?? ''));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const inside = (await focused())!;
    assert.ok(inside === 'write' || inside.startsWith('write:'), inside);
    await page.keyboard.press('c');
    await page.waitForFunction(() => document.querySelector('.graph-svg .g-node[data-id="write:edit"], .graph-svg .g-node[data-id="write"]'));
    const collapsed = await page.$$eval('.graph-svg .g-node.kind-collapsed', (els) => els.map((e) => [e.getAttribute('data-id'), e.getAttribute('aria-label')]));
    assert.equal(collapsed.length, 1, JSON.stringify(collapsed));
    assert.match(collapsed[0][1]!, /subgraph, collapsed/);
    assert.match(collapsed[0][1]!, /ran 1 time/);
    // The keys the graph used did not reach the timeline (its + and − zoom there).
    const before = await page.evaluate(() => window.lgtPreview.rendered?.executions);
    await page.keyboard.press('+');
    assert.equal(await page.evaluate(() => window.lgtPreview.rendered?.executions), before);
    // Collapsed stays collapsed across a reload of the webview (kept with the panel's UI state).
    await page.reload();
    await waitRendered(page, model.executions.length);
    await page.waitForSelector('.graph-svg .g-node');
    assert.deepEqual(await page.$$eval('.graph-svg .g-node.kind-collapsed', (els) => els.map((e) => e.getAttribute('data-id'))), [collapsed[0][0]]);
    // And opens again with c.
    await page.locator('.graph-svg .g-node.kind-collapsed').focus();
    await page.keyboard.press('c');
    await page.waitForFunction(() => !document.querySelector('.graph-svg .g-node.kind-collapsed'));
    assert.equal(await node(page, 'write:draft').count(), 1);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  test('a click beside a subgraph’s chevron (not on its thin line) collapses it; one beside the collapsed box’s opens it', async () => {
    const page = await openResearch();
    await page.waitForSelector('.graph-svg .g-cluster .g-chevron');
    const line = (await page.locator('.graph-svg .g-cluster .g-chevron').first().boundingBox())!;
    // 3 px left of the chevron's stroke: where a person aiming at a small arrow often lands.
    await page.mouse.click(line.x - 3, line.y + line.height / 2);
    await page.waitForSelector('.graph-svg .g-node.kind-collapsed');
    assert.equal(await page.locator('.execlist [aria-selected="true"]').count(), 0, 'the click toggled, it did not select');
    const closed = (await page.locator('.graph-svg .g-node.kind-collapsed .g-chevron').boundingBox())!;
    await page.mouse.click(closed.x - 3, closed.y + closed.height / 2);
    await page.waitForFunction(() => !document.querySelector('.graph-svg .g-node.kind-collapsed'));
    assert.equal(await node(page, 'write:draft').count(), 1);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  test('breakpoints: b on a node, or a click on its dot, toggles one; the name says so', async () => {
    const page = await openResearch();
    await node(page, 'review').focus();
    await page.keyboard.press('b');
    await page.waitForFunction(() => document.querySelector('.graph-svg [data-id="review"]')?.classList.contains('has-bp'));
    assert.match((await node(page, 'review').getAttribute('aria-label'))!, /^review, ran 2 times, .*, breakpoint$/);
    // Inside a subgraph too (the debugger stops before the root node that runs it).
    await page.locator('.graph-svg [data-bp="write:draft"]').click({ force: true });
    await page.waitForFunction(() => document.querySelector('.graph-svg [data-id="write:draft"]')?.classList.contains('has-bp'));
    const dot = await page.locator('.graph-svg [data-id="review"] .g-bp').evaluate((e) => getComputedStyle(e).opacity);
    assert.equal(dot, '1');
    await page.keyboard.press('b');
    await page.waitForFunction(() => !document.querySelector('.graph-svg [data-id="write:draft"]')?.classList.contains('has-bp'));
    assert.equal(await page.locator('.graph-svg .has-bp').count(), 1);
    assert.doesNotMatch((await node(page, 'plan').getAttribute('aria-label'))!, /breakpoint/);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  for (const theme of ['dark', 'light', 'hc']) {
    test(`${theme}: beside the timeline at 1280×800, nothing covered, in the theme's colours`, async () => {
      const page = await openResearch({ theme });
      await node(page, 'review').click();
      await page.waitForFunction(() => document.querySelector('.graph-svg .selected'));
      await settle(page);
      const pane = (await page.locator('.graph-pane').boundingBox())!;
      const timeline = (await page.locator('.timeline').boundingBox())!;
      assert.ok(pane.width >= 180 && pane.height > 500, `pane ${JSON.stringify(pane)}`);
      assert.ok(pane.x + pane.width <= timeline.x + 1, `the pane (${pane.x + pane.width}) ends where the timeline (${timeline.x}) begins`);
      assert.ok(timeline.width >= 400, `timeline keeps ${timeline.width}px`);
      // Fitted: every node inside the pane.
      const host = (await page.locator('.graph-host').boundingBox())!;
      for (const n of graph.nodes) {
        const b = (await node(page, n.id).boundingBox())!;
        assert.ok(b.x >= host.x - 1 && b.y >= host.y - 1 && b.x + b.width <= host.x + host.width + 1 && b.y + b.height <= host.y + host.height + 1, `${n.id} in view`);
      }
      // Theme colours: a taken edge is the theme's chart blue, the node text its foreground.
      const [edge, ok, text, fg] = await page.evaluate(() => {
        const probe = (v: string) => {
          const s = document.createElement('span');
          s.style.color = `var(${v})`;
          document.body.append(s);
          const c = getComputedStyle(s).color;
          s.remove();
          return c;
        };
        return [getComputedStyle(document.querySelector('.g-edge.taken:not(.on-path)')!).stroke, probe('--lgt-ok'), getComputedStyle(document.querySelector('.g-node.kind-node .g-name')!).fill, probe('--lgt-fg')];
      });
      assert.equal(edge, ok);
      assert.equal(text, fg);
      await page.screenshot({ path: join(ensureDir(screenshotDir), `graph-${theme}.png`) });
      assert.deepEqual(pageErrors(page), []);
      await page.context().close();
    });
  }

  test('running nodes pulse in a layer the compositor animates (opacity only), over their boxes', async () => {
    const page = await open(made.running, { status: 'streaming' });
    await page.waitForFunction(() => document.querySelectorAll('.graph-svg .g-node.running').length === 2);
    await settle(page);
    const running = await page.$$eval('.graph-svg .g-node.running', (els) => els.map((e) => e.getAttribute('data-id')).sort());
    assert.deepEqual(running, ['research_a', 'research_b']);
    const pulses = await page.$$eval('.graph-pulse:not([hidden])', (els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        const props = e.getAnimations().flatMap((a) => ((a.effect as KeyframeEffect | null)?.getKeyframes() ?? []).flatMap((k) => Object.keys(k).filter((p) => !['offset', 'easing', 'composite', 'computedOffset'].includes(p))));
        return { x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, props: [...new Set(props)] };
      }),
    );
    assert.equal(pulses.length, 2, JSON.stringify(pulses));
    for (const id of running) {
      const b = (await node(page, id!).locator('.g-box').boundingBox())!;
      const p = pulses.find((q) => Math.abs(q.x - (b.x + b.width / 2)) < 3 && Math.abs(q.y - (b.y + b.height / 2)) < 3);
      assert.ok(p, `a pulse over ${id} ${JSON.stringify(b)} ${JSON.stringify(pulses)}`);
      assert.ok(Math.abs(p.w - b.width) < 4, `as wide as its box: ${p.w} vs ${b.width}`);
      assert.deepEqual(p.props, ['opacity']);
    }
    // Nothing in the SVG itself is animated (it would be restyled and repainted every frame).
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('.graph-svg *')].filter((e) => e.getAnimations().length).length), 0);
    // Zoomed, the pulse follows its box.
    await page.locator('.graph-pane').getByRole('button', { name: 'Zoom in (+)' }).click();
    const b = (await node(page, 'research_a').locator('.g-box').boundingBox())!;
    const after = await page.$$eval('.graph-pulse:not([hidden])', (els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x + r.width / 2, w: r.width })));
    assert.ok(after.some((p) => Math.abs(p.x - (b.x + b.width / 2)) < 3 && Math.abs(p.w - b.width) < 5), `${JSON.stringify(b)} ${JSON.stringify(after)}`);
    await page.locator('.graph-pane').screenshot({ path: join(ensureDir(screenshotDir), 'graph-running.png') });
    // The rest of the run comes: once nothing runs, nothing pulses.
    const rest = research.events.filter((e) => Number(e.id) > 5);
    await page.evaluate(({ events, from }) => window.lgtPreview.send({ type: 'session/events', sessionId: window.lgtPreview.sessionId!, from, events }), { events: rest, from: research.events.length - rest.length });
    await page.waitForFunction(() => document.querySelectorAll('.graph-svg .g-node.running').length === 0 && [...document.querySelectorAll('.graph-svg .g-node')].some((e) => e.getAttribute('aria-label')?.startsWith('polish, ran 1 time')));
    await settle(page);
    assert.equal(await page.$$eval('.graph-pulse:not([hidden])', (els) => els.length), 0);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  test('hide and show the split; drag it wider', async () => {
    const page = await openResearch();
    const w0 = (await page.locator('.graph-pane').boundingBox())!.width;
    const handle = (await page.locator('.graph-resizer').boundingBox())!;
    await page.mouse.move(handle.x + 2, handle.y + 200);
    await page.mouse.down();
    await page.mouse.move(handle.x + 82, handle.y + 200, { steps: 4 });
    await page.mouse.up();
    const w1 = (await page.locator('.graph-pane').boundingBox())!.width;
    assert.ok(w1 > w0 + 40, `${w0} → ${w1}`);
    const toggle = page.getByRole('button', { name: 'Show the graph beside the timeline' });
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: 'Hide the graph' }).click();
    assert.equal(await page.locator('.graph-pane').count(), 0);
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    const tl = (await page.locator('.timeline').boundingBox())!;
    assert.ok(tl.x < 2, `the timeline takes the room (${tl.x})`);
    // Hidden stays hidden across a reload (a preference, not a run's state).
    await page.reload();
    await waitRendered(page, model.executions.length);
    await settle(page);
    assert.equal(await page.locator('.graph-pane').count(), 0);
    await toggle.click();
    await page.waitForSelector('.graph-svg .g-node');
    assert.equal(await node(page, 'plan').count(), 1);
    await page.context().close();
  });
});

describe('interrupts', () => {
  test('a node waiting at an interrupt is marked (a pause badge, dashed); once the interrupt is answered it is drawn as it stands, its name still saying so', async () => {
    const page = await open('test/fixtures/webview/interrupt.jsonl');
    await waitRendered(page, 2);
    await page.waitForFunction(() => document.querySelector('.graph-svg [data-id="human_review"]')?.getAttribute('data-status') === 'interrupted');
    const waiting = node(page, 'human_review');
    assert.match((await waiting.getAttribute('aria-label'))!, /^human_review, ran 1 time, interrupted/);
    assert.ok(await waiting.evaluate((e) => e.classList.contains('interrupted')));
    assert.equal(await waiting.locator('.g-badge').textContent(), BADGE.interrupted);
    // Drawn in VS Code's icon font, which the panel has loaded (as text, "⏸" was a box in fonts without it).
    assert.match(await waiting.locator('.g-badge').evaluate((e) => getComputedStyle(e).fontFamily), /codicon/);
    assert.ok(await page.evaluate(async () => (await document.fonts.load('11px codicon', '\uead1')).length > 0), 'the codicon font is loaded');
    await page.context().close();

    const after = await open(RESUMED);
    await waitRendered(after, 4);
    await after.waitForFunction(() => document.querySelector('.graph-svg [data-id="finish"]')?.getAttribute('data-runs') === '1');
    const answered = node(after, 'human_review');
    assert.match((await answered.getAttribute('aria-label'))!, /^human_review, ran 2 times, done, 1 interrupted/);
    assert.equal(await answered.getAttribute('data-status'), 'done');
    assert.ok(!(await answered.evaluate((e) => e.classList.contains('interrupted'))), 'still drawn as waiting at the interrupt');
    assert.equal(await answered.locator('.g-badge').textContent(), '');
    await after.locator('.graph-pane').screenshot({ path: join(ensureDir(screenshotDir), 'graph-interrupt-answered-dark.png') });
    await after.context().close();
  });
});

describe('a run streamed without subgraph events', () => {
  test('a subgraph that ran says so; the nodes inside it are "not seen", not "did not run", and drawn apart', async () => {
    const page = await open(made.flat);
    await page.waitForSelector('.graph-svg .g-node');
    await page.waitForFunction(() => document.querySelector('.graph-svg [data-id="write"]')?.getAttribute('aria-label')?.includes('ran 1 time'));
    await settle(page);
    assert.match((await node(page, 'write').getAttribute('aria-label'))!, /^write, ran 1 time, done/);
    for (const id of ['write:draft', 'write:edit:proofread', 'write:edit:polish']) {
      const label = (await node(page, id).getAttribute('aria-label'))!;
      assert.match(label, /^\w+, not seen: this run was streamed without subgraph events, in subgraph write/, `${id}: "${label}"`);
      assert.ok(await node(page, id).evaluate((e) => e.classList.contains('unseen')), `${id} drawn as not seen`);
    }
    // Nodes of the graph itself that ran are as before; none of them is "not seen".
    assert.match((await node(page, 'research_a').getAttribute('aria-label'))!, /^research_a, ran 2 times, done/);
    assert.equal(await page.locator('.graph-svg .g-node.unseen').count(), 3);
    await page.locator('.graph-pane').screenshot({ path: join(ensureDir(screenshotDir), 'graph-flat-dark.png') });
    await page.context().close();
    // Streamed with them, the same graph has nothing "not seen".
    const full = await openResearch();
    assert.equal(await full.locator('.graph-svg .g-node.unseen').count(), 0);
    await full.context().close();
  });

  test('the banner above the timeline and the pane say the same: a recording that does not say how it was streamed, with events from inside the subgraph, has neither', async () => {
    const page = await open(made.flat);
    await page.waitForSelector('.graph-svg .g-node');
    const show = (id: string, events: typeof research.events) =>
      page.evaluate(
        ({ id, events, h }) => {
          window.lgtPreview.send({ type: 'session/snapshot', session: { id, title: id, startedAt: h.startedAt, input: h.input, threadId: null, subgraphs: ['write'] }, status: { phase: 'recorded' }, events });
          window.lgtPreview.send({ type: 'session/graph', sessionId: id, graph: { graph: h.graph!.graph, xray: true, fetchedAt: 1 } });
        },
        { id, events, h: research.header },
      );
    const banner = page.locator('.banner.note', { hasText: 'runs a subgraph' });
    // Nested events came: both see the subgraph's nodes.
    await show('nested', research.events);
    await page.waitForFunction(() => document.querySelector('.graph-svg [data-id="write:edit:polish"]')?.getAttribute('aria-label')?.startsWith('polish, ran 1 time'));
    await settle(page);
    assert.equal(await banner.count(), 0, 'no banner: the events from inside the subgraph came');
    assert.equal(await page.locator('.graph-svg .g-node.unseen').count(), 0);
    // None came: both say so.
    await show('flat', research.events.filter((e) => !e.ns.length));
    await page.waitForFunction(() => document.querySelectorAll('.graph-svg .g-node.unseen').length === 3);
    await banner.waitFor();
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });
});

describe('without the server’s graph, and with hostile ones', () => {
  test('a recording without a graph is drawn from the run, and says so', async () => {
    const page = await open(made.nograph);
    await waitRendered(page, model.executions.length);
    await page.waitForSelector('.graph-svg .g-node');
    await settle(page);
    assert.match((await page.locator('.graph-note').textContent())!, /no graph.*drawn from the transitions this run showed/);
    assert.equal(await page.locator('.graph-source').count(), 1);
    for (const id of ['plan', 'research_a', 'research_b', 'review', 'write:draft', 'write:edit:proofread', 'write:edit:polish']) {
      assert.match((await node(page, id).getAttribute('aria-label'))!, new RegExp(`^${id.split(':').pop()}, ran ${runsOf(id)} time`));
    }
    assert.equal(await edge(page, 'research_a', 'review').getAttribute('data-count'), '2');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  for (const theme of ['dark', 'light', 'hc']) {
    test(`${theme}: the pane's head fits a narrow panel (800 px): cut with an ellipsis and a tooltip, nothing overlapping`, async () => {
      const page = await open(made.nograph, { theme }, { width: 800, height: 600 });
      await waitRendered(page, model.executions.length);
      await page.waitForSelector('.graph-svg .g-node');
      await settle(page);
      const pane = (await page.locator('.graph-pane').boundingBox())!;
      const parts = await page.$$eval('.graph-head .graph-title, .graph-head .graph-source, .graph-head .icon-btn', (els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          return { name: e.getAttribute('aria-label') ?? e.className, x: r.x, y: r.y, w: r.width, h: r.height, cut: e.scrollWidth > e.clientWidth, title: e.getAttribute('title') };
        }),
      );
      assert.equal(parts.length, 6, JSON.stringify(parts));
      for (const p of parts) assert.ok(p.w > 0 && p.x >= pane.x - 0.5 && p.x + p.w <= pane.x + pane.width + 0.5, `${p.name} inside the pane ${JSON.stringify(p)} ${JSON.stringify(pane)}`);
      for (let i = 0; i < parts.length; i++) {
        for (let j = i + 1; j < parts.length; j++) {
          const a = parts[i];
          const b = parts[j];
          const overlap = a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
          assert.ok(!overlap, `${a.name} and ${b.name} overlap: ${JSON.stringify([a, b])}`);
        }
      }
      assert.ok(!parts.find((p) => p.name === 'graph-title')!.cut, 'the title is whole');
      // What is cut says itself in full on hover.
      const source = parts.find((p) => p.name === 'graph-source')!;
      if (source.cut) assert.match(source.title ?? '', /drawn from the transitions/);
      await page.locator('.graph-pane').screenshot({ path: join(ensureDir(screenshotDir), `graph-narrow-${theme}.png`) });
      assert.deepEqual(pageErrors(page), []);
      await page.context().close();
    });
  }

  test('a narrow panel (the graph above the timeline, short and wide): fitted no smaller than readable, its start in view; Fit shows all of it', async () => {
    const page = await open(fixture('research.jsonl'), {}, { width: 400, height: 700 });
    await page.waitForSelector('.graph-svg .g-node');
    await settle(page);
    const host = (await page.locator('.graph-host').boundingBox())!;
    const nameHeight = (id: string) => node(page, id).locator('.g-name').evaluate((e) => e.getBoundingClientRect().height);
    assert.ok((await nameHeight('plan')) >= 8, `names readable: ${await nameHeight('plan')} px`);
    const inView = async (id: string) => {
      const b = (await node(page, id).locator('.g-box').boundingBox())!;
      return b.x >= host.x - 0.5 && b.x + b.width <= host.x + host.width + 0.5 && b.y >= host.y - 0.5 && b.y + b.height <= host.y + host.height + 0.5;
    };
    assert.ok(await inView('__start__'), 'where the graph begins is in view');
    assert.ok(!(await inView('__end__')), 'the rest is a pan away');
    await page.locator('.graph-pane').screenshot({ path: join(ensureDir(screenshotDir), 'graph-narrow-readable.png') });
    await page.locator('.graph-pane').getByRole('button', { name: 'Fit the whole graph (0)' }).click();
    await settle(page);
    for (const id of ['__start__', 'plan', 'write:edit:polish', '__end__']) assert.ok(await inView(id), `${id} in view once fitted whole`);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  test('a cancelled run: the node the cancel cut is marked cancelled, drawn and named so', async () => {
    // Recorded from the real server: `slow` cancelled while crunch ran (warm_up had finished).
    const page = await open('test/fixtures/recordings/slow-cancelled.jsonl');
    await waitRendered(page, 2);
    await page.waitForSelector('.graph-svg .g-node[data-id="crunch"]');
    await settle(page);
    const crunch = node(page, 'crunch');
    assert.equal(await crunch.getAttribute('data-status'), 'cancelled');
    assert.match((await crunch.getAttribute('class'))!, /\bcancelled\b/);
    assert.match((await crunch.getAttribute('aria-label'))!, /^crunch, ran 1 time, cancelled/);
    assert.equal(await crunch.locator('text.g-badge').textContent(), BADGE.cancelled);
    // The node before it finished: not marked.
    assert.doesNotMatch((await node(page, 'warm_up').getAttribute('class'))!, /\bcancelled\b/);
    await page.locator('.graph-pane').screenshot({ path: join(screenshotDir, 'graph-cancelled.png') });
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  test('300 nodes, markup and RTL/astral names, cycles, a lone node: drawn as text; an empty graph explained', async () => {
    const { nodes } = hostileGraph();
    const page = await open(made.hostile);
    // A graph this big is laid out in the worker: what the run showed may be drawn before it.
    await page.waitForFunction((n) => document.querySelectorAll('.graph-svg .g-node').length === n && !document.querySelector('.graph-pane[data-laying-out]'), nodes.length, { timeout: 60_000 });
    await settle(page);
    assert.equal(await page.locator('.graph-svg .g-node').count(), nodes.length);
    assert.equal(await page.locator('.graph-svg image, .graph-svg img, .graph-pane img').count(), 0, 'no markup made from a name');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    const texts = await page.$$eval('.graph-svg .g-name', (els) => els.map((e) => e.textContent));
    for (const n of nodes.slice(1, 5)) assert.ok(texts.includes(n.id), `${n.id} shown as text`);
    assert.match((await node(page, 'lonely').getAttribute('aria-label'))!, /^lonely, did not run/);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();

    const p2 = await open(made.empty);
    await p2.waitForSelector('.graph-note');
    assert.match((await p2.locator('.graph-pane').textContent())!, /no nodes to draw/);
    assert.deepEqual(pageErrors(p2), []);
    await p2.context().close();
  });
});
