// Reading recordings a slice at a time (Open Recorded Run shows a big file while reading the rest):
// the slices add up to the whole, and a bad line is named wherever it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { RecordingParseError, RecordingReader, eventLine, parseEventLine, parseRecording, serializeRecording } from '../../src/shared/recording';
import { decodeEvent } from '../../src/client/decode';
import { LineSink } from '../../src/cli/lineSink';

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

test('an event line from the data as it came reads back as the line stringified from the parsed data', () => {
  const wire = [
    '{"a":1}', ' { "a" : [ 1 , 2.50, 1E3 ] } ', '"text with \\u00e9 and \\n"', 'null', 'true', '-12', '[]', '{"__proto__":{"x":1}}', '{"k":"\u2028 line sep"}',
    '{"multi":\n1}', '',
  ];
  for (const [i, data] of wire.entries()) {
    for (const event of ['updates', 'values|child:1|grand:2', 'odd "name"']) {
      const id = i % 2 ? String(i) : null;
      const fast = decodeEvent({ id, event, data }, 1_700_000_000_123, true);
      const slow = decodeEvent({ id, event, data }, 1_700_000_000_123);
      assert.equal(fast.raw, data);
      assert.equal(slow.raw, undefined, 'raw only when asked for');
      const line = eventLine(fast);
      assert.ok(!line.includes('\n'), 'one line');
      assert.deepEqual(parseEventLine(line, 2), parseEventLine(eventLine(slow), 2), `${event} ${JSON.stringify(data)}`);
      assert.deepEqual(JSON.parse(line), JSON.parse(eventLine(slow)));
    }
  }
  // Written as it came where it fits on a line; stringified where it does not.
  assert.equal(eventLine(decodeEvent({ id: '3', event: 'updates', data: '{ "a" : 1.50 }' }, 5, true)), '{"id":"3","event":"updates","ns":[],"data":{ "a" : 1.50 },"t":5}');
  assert.equal(eventLine(decodeEvent({ id: '3', event: 'updates', data: '{"a":\n1.50}' }, 5, true)), '{"id":"3","event":"updates","ns":[],"data":{"a":1.5},"t":5}');
  // A payload that is not JSON is the client's own event (no raw), stringified like any other.
  const bad = decodeEvent({ id: '4', event: 'updates', data: '{"a":' }, 5, true);
  assert.equal(bad.event, 'lgt/malformed');
  assert.equal(bad.raw, undefined);
  assert.deepEqual(JSON.parse(eventLine(bad)).data, bad.data);
});

test('LineSink: every line once, in order, through a slow stream that pushes back', async () => {
  const chunks: string[] = [];
  const slow = new Writable({
    highWaterMark: 1024,
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      chunks.push(chunk);
      setTimeout(done, 1);
    },
  });
  const sink = new LineSink(slow);
  let waited = 0;
  const want: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const line = `{"n":${i},"pad":"${'x'.repeat(i % 700)}"}`;
    want.push(line);
    const full = sink.line(line);
    if (full) {
      waited++;
      await full;
    }
    if (i % 100 === 0) await new Promise((r) => setImmediate(r)); // bursts, as events arrive
  }
  await sink.flush();
  await new Promise<void>((r) => slow.end(r));
  assert.equal(chunks.join(''), want.join('\n') + '\n');
  assert.ok(waited > 0, 'the writer was told to wait when the stream was full');
  assert.ok(chunks.length < want.length / 10, `writes in bursts, not one per line (${chunks.length})`);
});

test('the code a run was made with (node fingerprints) comes back from the header', () => {
  const code = { plan: '0a1b2c3d', research: 'ffee0011' };
  const text = serializeRecording({ header: { type: 'run', version: 1, startedAt: 1, code }, events: [{ id: null, event: 'metadata', ns: [], data: { run_id: 'r' }, t: 2 }] });
  const r = new RecordingReader(text);
  assert.deepEqual(r.header.code, code);
  assert.equal(r.read(10).length, 1);
});
