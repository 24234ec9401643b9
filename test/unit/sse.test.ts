// SSE framing: the same stream split at every byte boundary, CRLF, BOM, multibyte UTF-8,
// multi-line data, comments. Asserts what the client yields, not how.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSse, type SseMessage } from '../../src/client/sse';
import { toRunEvent } from '../../src/client/client';
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
