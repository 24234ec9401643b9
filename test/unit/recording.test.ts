// Reading recordings a slice at a time (Open Recorded Run shows a big file while reading the rest):
// the slices add up to the whole, and a bad line is named wherever it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RecordingParseError, RecordingReader, parseRecording, serializeRecording } from '../../src/shared/recording';

const ROOT = resolve(__dirname, '..', '..', '..');
const text = readFileSync(join(ROOT, 'test', 'fixtures', 'webview', 'agent.jsonl'), 'utf8');

test('slices of any size add up to the whole recording', () => {
  const whole = parseRecording(text);
  assert.ok(whole.events.length > 10);
  for (const size of [1, 3, 7, 1000]) {
    const r = new RecordingReader(text);
    assert.deepEqual(r.header, whole.header);
    const got = [];
    let reads = 0;
    for (let b = r.read(size); b.length; b = r.read(size), reads++) {
      assert.ok(b.length <= size);
      got.push(...b);
    }
    assert.ok(r.done);
    assert.equal(r.progress, 1);
    assert.deepEqual(got, whole.events, `slices of ${size}`);
    assert.equal(reads, Math.ceil(whole.events.length / size));
  }
});

test('CRLF line ends and blank lines are fine', () => {
  const crlf = text.split('\n').join('\r\n\r\n');
  assert.deepEqual(parseRecording(crlf), parseRecording(text));
});

test('a bad line is named by its number, in the first slice or later', () => {
  const lines = text.trim().split('\n');
  const bad = [...lines.slice(0, 9), '{"event": "updates", "data": {', ...lines.slice(9)].join('\n');
  const r = new RecordingReader(bad);
  assert.equal(r.read(5).length, 5); // lines 2–6 are fine
  // A slice that reaches the bad line ends before it, with what came first; the next read throws.
  assert.equal(r.read(100).length, 3); // lines 7–9
  assert.equal(r.done, false);
  assert.throws(() => r.read(100), (e: unknown) => e instanceof RecordingParseError && e.line === 10 && /^Line 10: not JSON/.test(e.message));
  assert.throws(() => r.read(100), /Line 10/);
  assert.throws(() => new RecordingReader('{"type":"nope"}\n'), /Line 1: the first line must describe the run/);
  assert.throws(() => new RecordingReader('\n\n'), /the file is empty/);
  assert.throws(() => parseRecording(`${lines[0]}\n[1,2]\n`), /Line 2: expected a JSON object/);
  assert.throws(() => parseRecording(`${lines[0]}\n{"data":1}\n`), /Line 2: an event line needs a string "event"/);
});

test('the code a run was made with (node fingerprints) comes back from the header', () => {
  const code = { plan: '0a1b2c3d', research: 'ffee0011' };
  const text = serializeRecording({ header: { type: 'run', version: 1, startedAt: 1, code }, events: [{ id: null, event: 'metadata', ns: [], data: { run_id: 'r' }, t: 2 }] });
  const r = new RecordingReader(text);
  assert.deepEqual(r.header.code, code);
  assert.equal(r.read(10).length, 1);
});
