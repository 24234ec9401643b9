// The visible time window: zoom about a point, pan, keep part of the run in view, follow the latest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SPAN, clampView, fit, followView, pan, reveal, span, tickStep, ticks, timeToX, xToTime, zoomAt } from '../../src/webview/viewport';

const b = { t0: 1000, t1: 11_000 };

test('fit shows the whole run with a margin', () => {
  const v = fit(b);
  assert.ok(v.start < b.t0 && v.end > b.t1);
  assert.ok(span(v) < (b.t1 - b.t0) * 1.1);
});

test('zooming keeps the time under the pointer where it is', () => {
  const v = { start: 1000, end: 11_000 };
  for (const anchor of [0, 0.25, 0.5, 0.9]) {
    const at = xToTime(anchor * 800, v, 800);
    const z = zoomAt(v, 0.5, anchor, b);
    assert.equal(span(z), 5000);
    assert.ok(Math.abs(xToTime(anchor * 800, z, 800) - at) < 1e-6, `anchor ${anchor}`);
  }
});

test('zoom stops at the narrowest and widest sensible windows', () => {
  let v = { start: 1000, end: 11_000 };
  for (let i = 0; i < 100; i++) v = zoomAt(v, 0.5, 0.5, b);
  assert.equal(span(v), MIN_SPAN);
  for (let i = 0; i < 100; i++) v = zoomAt(v, 2, 0.5, b);
  assert.equal(span(v), 40_000);
});

test('panning moves the window but never off the run entirely', () => {
  const v = { start: 1000, end: 2000 };
  assert.deepEqual(pan(v, 500, b), { start: 1500, end: 2500 });
  const far = pan(v, 1e9, b);
  assert.equal(span(far), 1000);
  assert.ok(far.start < b.t1, 'some of the run is still in view');
  const back = pan(v, -1e9, b);
  assert.ok(back.end > b.t0);
  assert.deepEqual(clampView({ start: 1500, end: 2500 }, b), { start: 1500, end: 2500 });
});

test('following fits the run until the person zooms, then slides the chosen width', () => {
  assert.deepEqual(followView(null, b, false), fit(b));
  assert.deepEqual(followView({ start: 0, end: 1 }, b, false), fit(b));
  const z = followView({ start: 3000, end: 5000 }, b, true);
  assert.equal(span(z), 2000);
  assert.ok(z.start < b.t1 && z.end > b.t1, 'the latest moment is in view');
  assert.ok(b.t1 - z.start > z.end - b.t1, 'near the right edge');
  // A young run that fits in the chosen width is shown from its start.
  const young = followView({ start: 0, end: 60_000 }, { t0: 1000, t1: 2000 }, true);
  assert.ok(young.start <= 1000 && young.end >= 2000);
});

test('reveal slides just enough to show an execution, or zooms out for a long one', () => {
  const v = { start: 1000, end: 2000 };
  assert.equal(reveal(v, 1500, 1600, b), v, 'already visible: unchanged');
  const r = reveal(v, 5000, 5100, b);
  assert.equal(span(r), 1000);
  assert.ok(r.start <= 5000 && r.end >= 5100);
  const long = reveal(v, 3000, 9000, b);
  assert.ok(long.start <= 3000 && long.end >= 9000);
});

test('axis ticks are round numbers, inside the view, far enough apart', () => {
  const v = { start: 1000, end: 11_000 };
  assert.equal(tickStep(v, 1000, 80), 1000);
  const t = ticks(v, 1000, 1000);
  assert.deepEqual(t.slice(0, 3), [0, 1000, 2000]);
  for (const r of t) {
    const x = timeToX(1000 + r, v, 1000);
    assert.ok(x >= 0 && x <= 1000);
  }
  for (let i = 1; i < t.length; i++) assert.ok(timeToX(1000 + t[i], v, 1000) - timeToX(1000 + t[i - 1], v, 1000) >= 80);
});
