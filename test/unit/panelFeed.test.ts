// The host's feed into the timeline webview (src/shared/panelFeed.ts), wired to the webview's real
// Store in plain Node: big runs go out in slices paced by the panel's `rendered`, a final status
// waits for the last event, dropped messages are sent again, and the panel ends with the same
// model as one that got everything at once. Slices are made small so real recordings span many.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRecording, type Recording } from '../../src/shared/recording';
import type { FromWebview, SessionInfo, SessionStatus, ToWebview } from '../../src/shared/protocol';
import { IN_FLIGHT, PanelFeed, type FeedSource } from '../../src/shared/panelFeed';
import { PACK_MIN } from '../../src/shared/packedEvents';
import { generate } from '../support/bigRun';
import { RunModel } from '../../src/shared/runModel';
import { Store } from '../../src/webview/store';

const ROOT = resolve(__dirname, '..', '..', '..');
const rec = (name: string): Recording => parseRecording(readFileSync(join(ROOT, 'test', 'fixtures', 'webview', `${name}.jsonl`), 'utf8'));

/** A host feed and a webview store joined by the protocol, with frames and delivery run by hand. */
function wire(source: FeedSource, opts: { firstSlice: number; slice: number; inFlight?: number; drop?: (m: ToWebview, n: number) => boolean; async?: boolean; damage?: (m: ToWebview) => ToWebview }) {
  const logs: string[] = [];
  const toPanel: ToWebview[] = [];
  let n = 0;
  let queued: (() => void) | null = null;
  // The store posts to the feed, made just below (the two point at each other).
  const feedRef: { current?: PanelFeed } = {};
  const store = new Store({
    api: {
      postMessage: (m: FromWebview) => {
        if (m.type === 'rendered') feedRef.current?.rendered(m.sessionId, m.events);
        if (m.type === 'resync') feedRef.current?.resync(m.sessionId, m.from, m.unpacked);
        if (m.type === 'log') logs.push(m.message);
      },
      getState: () => undefined,
      setState: () => {},
    },
    schedule: (cb) => (queued = cb),
  });
  /** Messages in flight to the panel: delivered one at a time by `deliver`. */
  const inbox: ToWebview[] = [];
  let settling: Promise<unknown>[] = [];
  const feed = new PanelFeed((m) => {
    toPanel.push(m);
    const dropped = !!opts.drop?.(m, n++);
    if (!dropped) inbox.push(opts.damage ? opts.damage(m) : m);
    if (!opts.async) return !dropped;
    // Like postMessage: the verdict comes later.
    const p = Promise.resolve(!dropped);
    settling.push(p);
    return p;
  }, opts);
  feedRef.current = feed;
  /** Let refusals reported later reach the feed; true when there were any. */
  const pending = async () => {
    if (!settling.length) return false;
    await Promise.all(settling);
    settling = [];
    await new Promise((r) => setImmediate(r));
    return true;
  };
  const frame = () => {
    const cb = queued;
    queued = null;
    cb?.();
  };
  /**
   * Deliver one message, or run one frame when none is waiting. False when both are idle (a live
   * run with a running node asks for frames forever: a few in a row with no message is idle, once
   * the store's backlog is taken in — it takes a time budget per frame, so a slow machine needs more).
   */
  let idle = 0;
  const turn = () => {
    const m = inbox.shift();
    if (m) {
      store.handle(m);
      idle = 0;
    } else if (queued && (idle++ < 5 || store.loading > 0)) frame();
    else return false;
    return true;
  };
  const settle = (max = 100_000) => {
    for (let i = 0; i < max && turn(); i++);
  };
  return { feed, store, toPanel, inbox, turn, settle, frame, pending, logs };
}

const info = (r: Recording, id = 's1'): SessionInfo => ({ id, title: 't', startedAt: r.header.startedAt, input: r.header.input });

function oneShot(r: Recording): RunModel {
  const m = new RunModel({ input: r.header.input });
  for (const e of r.events) m.apply(e);
  m.end();
  return m;
}

const eventsIn = (ms: ToWebview[]) => ms.reduce((k, m) => k + (m.type === 'session/snapshot' || m.type === 'session/events' ? m.events.length : m.type === 'session/packed' ? m.count : 0), 0);

describe('panel feed', () => {
  test('a small run goes out whole, in one snapshot with its real status', () => {
    const r = rec('parallel');
    const w = wire({ info: info(r), events: r.events, status: { phase: 'done' } }, { firstSlice: 1000, slice: 1000 });
    w.feed.snapshot(w.feed.session ?? { info: info(r), events: r.events, status: { phase: 'done' } });
    assert.equal(w.toPanel.length, 1);
    const m = w.toPanel[0];
    assert.ok(m.type === 'session/snapshot');
    assert.equal(m.events.length, r.events.length);
    assert.deepEqual(m.status, { phase: 'done' });
  });

  for (const name of ['agent', 'subgraph', 'parallel']) {
    test(`${name}: a finished run in slices — paced, "loading" until the last event, same model as all at once`, () => {
      const r = rec(name);
      const source: FeedSource = { info: info(r), events: r.events, status: { phase: 'done' } };
      const slice = 4;
      const w = wire(source, { firstSlice: 3, slice });
      w.feed.snapshot(source);
      const snap = w.toPanel[0];
      assert.ok(snap.type === 'session/snapshot');
      assert.equal(snap.events.length, 3, 'the snapshot carries the first slice only');
      assert.equal(snap.status.phase, 'loading');
      assert.match(snap.status.message ?? '', new RegExp(`${r.events.length} events`));
      // Back-pressure: never more than IN_FLIGHT slices beyond what the panel has drawn.
      let maxAhead = 0;
      let finalAt = -1;
      let i = 0;
      while (w.turn()) {
        maxAhead = Math.max(maxAhead, w.feed.sentCount - w.store.applied);
        if (finalAt < 0 && w.store.status.phase === 'done') finalAt = w.store.eventCount;
        if (++i > 100_000) assert.fail('the feed and the panel never settled');
      }
      assert.ok(maxAhead <= IN_FLIGHT * slice + 3, `in flight beyond drawn: ${maxAhead}`);
      assert.equal(finalAt, r.events.length, 'the final status arrived only after the last event');
      const slices = w.toPanel.filter((m) => m.type === 'session/events').length;
      assert.ok(slices >= Math.ceil((r.events.length - 3) / slice), `${slices} slices for ${r.events.length} events`);
      assert.equal(eventsIn(w.toPanel), r.events.length, 'every event sent exactly once');
      const want = oneShot(r);
      assert.equal(w.store.applied, r.events.length);
      assert.equal(w.store.model.executions.length, want.executions.length);
      assert.deepEqual(
        w.store.model.executions.map((e) => [e.node, e.step, e.status, e.start, e.end]),
        want.executions.map((e) => [e.node, e.step, e.status, e.start, e.end]),
      );
      assert.equal(w.store.model.summary.phase, want.summary.phase);
    });
  }

  test('a live run: batches flow, the status follows its events, a live phase is never held back', () => {
    const r = rec('slow');
    const events = r.events.slice(0, 2);
    const source: FeedSource = { info: info(r), events, status: { phase: 'streaming' } };
    const w = wire(source, { firstSlice: 1, slice: 3 });
    w.feed.snapshot(source);
    w.settle();
    assert.equal(w.store.status.phase, 'streaming', 'a live phase goes out with the first slice');
    for (const e of r.events.slice(2)) {
      events.push(e);
      w.feed.flush();
      w.settle();
    }
    source.status = { phase: 'done' };
    w.feed.statusChanged();
    w.settle();
    assert.equal(w.store.status.phase, 'done');
    assert.equal(w.store.applied, r.events.length);
    assert.equal(eventsIn(w.toPanel), r.events.length);
  });

  test('messages dropped by a hidden panel are sent again when it is shown', () => {
    const r = rec('agent');
    const source: FeedSource = { info: info(r), events: r.events, status: { phase: 'done' } };
    let hidden = false;
    const w = wire(source, { firstSlice: 2, slice: 3, drop: (m) => hidden && m.type !== 'session/snapshot' });
    w.feed.snapshot(source);
    hidden = true;
    w.settle(); // the panel draws the first slices; what the feed sends meanwhile is lost
    const got = w.store.eventCount;
    assert.ok(got < r.events.length, `everything arrived although the panel was hidden (${got})`);
    assert.notEqual(w.store.status.phase, 'done');
    hidden = false;
    w.feed.shown();
    w.settle();
    assert.equal(w.store.applied, r.events.length);
    assert.equal(w.store.status.phase, 'done');
    assert.equal(w.store.model.executions.length, oneShot(r).executions.length);
  });

  test('a slice refused later (the webview was hidden when it arrived): resent, the panel ends complete', async () => {
    const r = rec('subgraph');
    const source: FeedSource = { info: info(r), events: r.events, status: { phase: 'error', message: 'boom' } as SessionStatus };
    // postMessage resolves false for a hidden webview: the second slice is refused that way.
    let k = 0;
    // One slice in flight: nothing after the refused one reaches the panel to show it a gap.
    const w = wire(source, { firstSlice: 2, slice: 3, inFlight: 1, drop: (m) => m.type === 'session/events' && ++k === 2, async: true });
    w.feed.snapshot(source);
    for (let i = 0; i < 10_000 && (w.turn() || (await w.pending())); i++);
    assert.ok(w.store.applied < r.events.length, 'the refused slice arrived anyway');
    w.feed.shown(); // the panel is visible again
    for (let i = 0; i < 10_000 && (w.turn() || (await w.pending())); i++);
    const froms = w.toPanel.flatMap((m) => (m.type === 'session/events' ? [m.from] : []));
    assert.equal(new Set(froms).size, froms.length - 1, `the refused slice was not sent again: ${froms}`);
    assert.equal(w.store.applied, r.events.length);
    assert.deepEqual(w.store.status, { phase: 'error', message: 'boom' });
    assert.equal(w.store.model.executions.length, oneShot(r).executions.length);
  });

  test('a slice refused with later ones in flight: the panel sees the gap, asks again, and ends complete', async () => {
    const r = rec('subgraph');
    const source: FeedSource = { info: info(r), events: r.events, status: { phase: 'done' } };
    let k = 0;
    const w = wire(source, { firstSlice: 2, slice: 3, drop: (m) => m.type === 'session/events' && ++k === 2, async: true });
    w.feed.snapshot(source);
    for (let i = 0; i < 10_000 && (w.turn() || (await w.pending())); i++);
    assert.equal(w.store.applied, r.events.length);
    assert.equal(w.store.model.executions.length, oneShot(r).executions.length);
  });

  const big = (executions: number): Recording => parseRecording(generate(executions));

  test('big slices travel packed (JSON bytes) and give the same model as all at once', () => {
    const r = big(1000);
    const source: FeedSource = { info: info(r), events: r.events, status: { phase: 'recorded' } };
    const w = wire(source, { firstSlice: 100, slice: PACK_MIN });
    w.feed.snapshot(source);
    w.settle();
    const packed = w.toPanel.filter((m) => m.type === 'session/packed');
    assert.ok(packed.length >= 2, `${packed.length} packed slices`);
    assert.ok(packed.every((m) => m.type === 'session/packed' && m.json instanceof Uint8Array && m.count >= PACK_MIN - 0), 'packed slices carry bytes');
    assert.equal(w.toPanel.filter((m) => m.type === 'session/events' && m.events.length >= PACK_MIN).length, 0, 'a big slice went as objects');
    assert.equal(eventsIn(w.toPanel), r.events.length, 'every event sent exactly once');
    assert.equal(w.store.applied, r.events.length);
    const want = oneShot(r);
    assert.deepEqual(
      w.store.model.executions.map((e) => [e.node, e.step, e.status, e.start, e.end]),
      want.executions.map((e) => [e.node, e.step, e.status, e.start, e.end]),
    );
  });

  test('a packed slice damaged on the way: the panel says so, asks again, and the rest comes as objects', () => {
    const r = big(1000);
    const source: FeedSource = { info: info(r), events: r.events, status: { phase: 'recorded' } };
    let k = 0;
    // The second packed slice loses its last bytes.
    const damage = (m: ToWebview): ToWebview => (m.type === 'session/packed' && ++k === 2 ? { ...m, json: m.json.subarray(0, m.json.byteLength - 10) } : m);
    const w = wire(source, { firstSlice: 100, slice: PACK_MIN, damage });
    w.feed.snapshot(source);
    w.settle();
    assert.ok(w.logs.some((l) => /packed slice is not JSON/.test(l)), w.logs.join(' | '));
    assert.equal(w.store.applied, r.events.length);
    assert.equal(w.store.model.executions.length, oneShot(r).executions.length);
    const afterDamage = w.toPanel.slice(w.toPanel.findIndex((m, i) => m.type === 'session/packed' && w.toPanel.slice(0, i).filter((x) => x.type === 'session/packed').length === 1) + 1);
    assert.ok(afterDamage.some((m) => m.type === 'session/events' && m.events.length >= PACK_MIN), 'the slices asked for again came as objects');
  });

  test('a new session starts over; reports about the old one are ignored', () => {
    const a = rec('parallel');
    const b = rec('slow');
    const sa: FeedSource = { info: info(a, 'a'), events: a.events, status: { phase: 'done' } };
    const sb: FeedSource = { info: info(b, 'b'), events: b.events, status: { phase: 'done' } };
    const w = wire(sa, { firstSlice: 2, slice: 2 });
    w.feed.snapshot(sa);
    w.turn();
    w.feed.snapshot(sb);
    const before = w.feed.sentCount;
    w.feed.rendered('a', 1_000); // stale: must not open the window for b
    assert.equal(w.feed.sentCount, before);
    w.settle();
    assert.equal(w.store.session?.id, 'b');
    assert.equal(w.store.applied, b.events.length);
    assert.equal(w.store.status.phase, 'done');
  });
});
