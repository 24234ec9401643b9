// SSE framing: the same stream split at every byte boundary, CRLF, BOM, multibyte UTF-8,
// multi-line data, comments. Asserts what the client yields, not how.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSse, parseSseBatches, type SseMessage } from '../../src/client/sse';
import { repoRoot } from '../support/server';
import { toRunEvent } from '../../src/client/decode';
import { LangGraphError } from '../../src/client/errors';

const enc = new TextEncoder();

async function collect(chunks: Uint8Array[], opts = {}): Promise<SseMessage[]> {
  async function* gen() {
    for (const c of chunks) yield c;
  }
  const out: SseMessage[] = [];
  for await (const m of parseSse(gen(), opts)) out.push(m);
  return out;
}

const STREAM = [
  'event: metadata\ndata: {"run_id":"r1","attempt":1}\nid: 0\n\n',
  ': heartbeat comment\n\n',
  'event: updates\ndata: {"writer":{"draft":"héllo — 世界 🦜"}}\nid: 1\n\n',
  'event: updates|child:abc|grandchild:def\ndata: {"leaf":{"x":1}}\nid: 2\n\n',
  'event: custom\ndata: {"multi":\ndata: "line"}\nid: 3\n\n',
].join('');

const EXPECTED: SseMessage[] = [
  { id: '0', event: 'metadata', data: '{"run_id":"r1","attempt":1}' },
  { id: '1', event: 'updates', data: '{"writer":{"draft":"héllo — 世界 🦜"}}' },
  { id: '2', event: 'updates|child:abc|grandchild:def', data: '{"leaf":{"x":1}}' },
  { id: '3', event: 'custom', data: '{"multi":\n"line"}' },
];

test('whole stream in one chunk', async () => {
  assert.deepEqual(await collect([enc.encode(STREAM)]), EXPECTED);
});

test('split at every byte boundary (two chunks), including inside multibyte characters', async () => {
  const bytes = enc.encode(STREAM);
  for (let i = 1; i < bytes.length; i++) {
    const got = await collect([bytes.slice(0, i), bytes.slice(i)]);
    assert.deepEqual(got, EXPECTED, `split at byte ${i}`);
  }
});

test('one byte per chunk', async () => {
  const bytes = enc.encode(STREAM);
  const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
  assert.deepEqual(await collect(chunks), EXPECTED);
});

test('CRLF and CR line endings', async () => {
  assert.deepEqual(await collect([enc.encode(STREAM.replace(/\n/g, '\r\n'))]), EXPECTED);
  assert.deepEqual(await collect([enc.encode(STREAM.replace(/\n/g, '\r'))]), EXPECTED);
});

test('a UTF-8 BOM at the start is ignored', async () => {
  const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
  const body = enc.encode(STREAM);
  assert.deepEqual(await collect([bom, body]), EXPECTED);
  assert.deepEqual(await collect([bom.slice(0, 2), Uint8Array.of(0xbf, ...body)]), EXPECTED);
});

test('an event larger than the bound stops the stream with a typed error', async () => {
  const big = `event: updates\ndata: {"x":"${'a'.repeat(5000)}"}\n\n`;
  await assert.rejects(
    collect([enc.encode(big.slice(0, 3000)), enc.encode(big.slice(3000))], { maxEventBytes: 2048 }),
    (e: unknown) => e instanceof LangGraphError && e.kind === 'event-too-large' && /exceeded 2\.0 KB/.test(e.message),
  );
  // The same event fits under a larger bound.
  assert.equal((await collect([enc.encode(big)], { maxEventBytes: 10_000 })).length, 1);
});

test('an unterminated last event is not delivered (as EventSource does)', async () => {
  const got = await collect([enc.encode('event: updates\ndata: {"a":1}\n\nevent: updates\ndata: {"b":2}\n')]);
  assert.deepEqual(got.map((m) => m.data), ['{"a":1}']);
});

test('namespaced event names become mode + ns; bad JSON becomes a typed error', () => {
  const ev = toRunEvent({ id: '2', event: 'updates|child:abc|grandchild:def', data: '{"leaf":{"x":1}}' });
  assert.equal(ev.event, 'updates');
  assert.deepEqual(ev.ns, ['child:abc', 'grandchild:def']);
  assert.deepEqual(ev.data, { leaf: { x: 1 } });
  assert.throws(
    () => toRunEvent({ id: '7', event: 'updates', data: '{"broken":' }),
    (e: unknown) => e instanceof LangGraphError && e.kind === 'malformed-event' && /malformed `updates` event \(id 7\)/.test(e.message),
  );
});

// ---- more framing cases ------------------------------------------------------------------------

async function collectMessages(text: string | string[], opts = {}): Promise<SseMessage[]> {
  return collect((Array.isArray(text) ? text : [text]).map((t) => enc.encode(t)), opts);
}

const CASES: Array<[string, string, Array<Partial<SseMessage>>]> = [
  ['no event: field → "message"', 'data: 1\n\n', [{ event: 'message', data: '1', id: null }]],
  ['no space after the colon', 'event:updates\ndata:{"a":1}\nid:9\n\n', [{ event: 'updates', data: '{"a":1}', id: '9' }]],
  ['fields in any order', 'id: 4\ndata: {}\nevent: values\n\n', [{ event: 'values', data: '{}', id: '4' }]],
  ['retry: and unknown fields are ignored', 'retry: 1000\nfoo: bar\nevent: updates\ndata: 2\n\n', [{ event: 'updates', data: '2' }]],
  ['a comment between fields', 'event: updates\n: keep-alive\ndata: 3\n\n', [{ event: 'updates', data: '3' }]],
  ['an id with no data dispatches nothing', 'id: 5\n\nevent: updates\ndata: 6\nid: 6\n\n', [{ event: 'updates', data: '6', id: '6' }]],
  ['an empty data line is an empty string', 'event: updates\ndata:\n\n', [{ event: 'updates', data: '' }]],
  ['blank lines between events are harmless', '\n\n\nevent: a\ndata: 1\n\n\n\nevent: b\ndata: 2\n\n', [{ event: 'a' }, { event: 'b' }]],
  ['a stream that ends in a bare CR after a complete event', 'event: a\r\ndata: 1\r\n\r', [{ event: 'a', data: '1' }]],
];

for (const [name, text, want] of CASES) {
  test(`framing: ${name}`, async () => {
    for (let i = 0; i <= text.length; i++) {
      const got = await collectMessages([text.slice(0, i), text.slice(i)].filter((s) => s !== ''));
      assert.equal(got.length, want.length, `split at ${i}`);
      got.forEach((m, k) => {
        for (const [key, v] of Object.entries(want[k])) assert.deepEqual(m[key as keyof SseMessage], v, `${name}, split at ${i}, ${key}`);
      });
    }
  });
}

test('batches: one array per network chunk, holding the events that chunk completed', async () => {
  async function* gen() {
    yield enc.encode('event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: c\nda');
    yield enc.encode('ta: 3\n');
    yield enc.encode('\n');
  }
  const batches: string[][] = [];
  for await (const b of parseSseBatches(gen())) batches.push(b.map((m) => m.event));
  assert.deepEqual(batches, [['a', 'b'], ['c']]);
});

test('the size bound does not depend on chunking: an oversized event in one chunk is refused too', async () => {
  const big = `event: values\ndata: "${'y'.repeat(3000)}"\n\n`;
  const before = 'event: metadata\ndata: {}\n\n';
  for (const chunks of [[before + big], [before, big], [before + big.slice(0, 100), big.slice(100)]]) {
    const got: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const m of parseSse((async function* () { for (const c of chunks) yield enc.encode(c); })(), { maxEventBytes: 2048 })) got.push(m.event);
      })(),
      (e: unknown) => e instanceof LangGraphError && e.kind === 'event-too-large',
    );
    assert.deepEqual(got, ['metadata'], 'the events before the oversized one are delivered');
  }
});

// ---- real streams recorded from the dev server (test/fixtures/raw) ------------------------------

const RAW = join(repoRoot, 'test', 'fixtures', 'raw');
const rawFiles = readdirSync(RAW).filter((f) => f.endsWith('.sse'));

test('recorded streams: every file frames into events with ids 0..n-1 and JSON data', async () => {
  assert.ok(rawFiles.length >= 5, `fixtures found: ${rawFiles}`);
  for (const f of rawFiles) {
    const text = readFileSync(join(RAW, f), 'utf8');
    const msgs = await collectMessages(text);
    assert.equal(msgs.length, text.split('\n\n').filter((s) => s.trim()).length, f);
    assert.deepEqual(msgs.map((m) => m.id), msgs.map((_, i) => String(i)), f);
    assert.equal(msgs[0].event, 'metadata', f);
    for (const m of msgs) {
      const ev = toRunEvent(m);
      assert.ok(!ev.event.includes('|'), `${f}: the mode has no namespace`);
      assert.deepEqual(ev.ns, m.event.split('|').slice(1), f);
    }
  }
});

test('recorded streams: any split point, CRLF, and one byte at a time give the same events', async () => {
  for (const f of rawFiles) {
    const text = readFileSync(join(RAW, f), 'utf8');
    const want = await collectMessages(text);
    const bytes = enc.encode(text);
    const step = Math.max(1, Math.floor(bytes.length / 400)); // ~400 split points per file
    for (let i = 1; i < bytes.length; i += step) {
      assert.deepEqual(await collect([bytes.slice(0, i), bytes.slice(i)]), want, `${f} split at byte ${i}`);
    }
    assert.deepEqual(await collectMessages(text.replace(/\n/g, '\r\n')), want, `${f} with CRLF`);
    assert.deepEqual(await collect(Array.from(bytes, (b) => Uint8Array.of(b))), want, `${f} byte by byte`);
  }
});

test('the subgraph recording splits into two-level namespaces', async () => {
  const msgs = await collectMessages(readFileSync(join(RAW, 'subgraph-updates-subgraphs.sse'), 'utf8'));
  const deep = msgs.map((m) => toRunEvent(m)).filter((e) => e.ns.length === 2);
  assert.ok(deep.length >= 1);
  assert.match(deep[0].ns[0], /^child:/);
  assert.match(deep[0].ns[1], /^grandchild:/);
});
