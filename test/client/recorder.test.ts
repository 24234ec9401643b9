// `record`'s fast path (each event's data written as the server sent it, buffered writes) against
// what the recorder wrote before it (JSON.stringify of every parsed event), on one scripted stream
// of the awkward kinds: escapes and number forms a re-stringify would change, a namespaced event,
// a malformed event, an event of several `data:` lines, empty data, a 3 MB event, and a connection
// cut mid-event then resumed with Last-Event-ID (replaying one event already received).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LangGraphClient, type RunEvent } from '../../src/client';
import { headerLine, parseRecording } from '../../src/shared/recording';
import { json, runJson, sseHead } from '../support/fakeServer';
import { startFakeServer, type FakeServer } from '../support/fakeServer';
import { HANG_GUARD } from '../support/runs';
import { copyBuiltCli } from '../support/cli';

const huge = 'otters '.repeat(3 * 1024 * 1024 / 7);
/** Whole SSE frames, by id, as the wire carries them. */
const FRAMES: string[] = [
  'event: metadata\ndata: {"run_id":"r1","attempt":1}\nid: 0\n\n',
  'event: updates\ndata: { "plan" : {"text":"d\\u00e9j\\u00e0 vu \\ud83e\\udd9c \\"q\\"", "n": 1.50, "e": 1E2, "list": [ 1 , 2 ] } }\nid: 1\n\n',
  'event: updates|child:abc\ndata: {"inner":{"step":2}}\nid: 2\n\n',
  'event: updates\ndata: {"broken":\nid: 3\n\n',
  'event: values\ndata: {"multi":\ndata:   [1,\ndata: 2]}\nid: 4\n\n',
  'event: custom\ndata: \nid: 5\n\n',
  `event: updates\ndata: {"write":{"draft":"${huge}"}}\nid: 6\n\n`,
  'event: values\ndata: "just a string"\nid: 7\n\n',
  'event: updates\ndata: {"review":{"approved":true,"note":null}}\nid: 8\n\n',
];
const CUT_AFTER = 6; // frames 0–5 whole, then half of frame 6, then the connection drops

let server: FakeServer;
let CLI = '';
let dir = '';

before(async () => {
  server = await startFakeServer(async (req, res) => {
    if (req.method === 'POST' && req.path === '/threads/t1/runs/stream') {
      sseHead(res);
      res.write(FRAMES.slice(0, CUT_AFTER).join(''));
      res.write(FRAMES[CUT_AFTER].slice(0, FRAMES[CUT_AFTER].length >> 1));
      await new Promise((r) => setTimeout(r, 50));
      res.destroy();
      return;
    }
    if (req.method === 'GET' && req.path.startsWith('/threads/t1/runs/r1/stream')) {
      // A replay from one before Last-Event-ID: the recorder must drop the event it has.
      const after = Number(req.headers['last-event-id']);
      sseHead(res);
      res.end(FRAMES.slice(Math.max(0, after)).join(''));
      return;
    }
    if (req.method === 'GET' && req.path === '/threads/t1/runs/r1') return json(res, 200, runJson('success'));
    json(res, 404, { detail: 'not found' });
  });
  dir = mkdtempSync(join(tmpdir(), 'lgt-recorder-'));
  CLI = await copyBuiltCli(dir);
});
after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function record(): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['record', '--url', server.url, '--assistant', 'a1', '--thread', 't1', '--no-extras', '--stream-mode', 'updates,values,custom'];
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** What the recorder wrote before the fast path: every event parsed, then stringified again. */
async function oldPath(): Promise<string> {
  const client = new LangGraphClient({ url: server.url });
  const lines = [headerLine({ threadId: 't1', startedAt: 0 })];
  try {
    for await (const ev of client.streamRun('t1', { assistantId: 'a1', input: {}, streamMode: ['updates', 'values', 'custom'] }, { backoffMs: 1 })) {
      lines.push(JSON.stringify({ id: ev.id, event: ev.event, ns: ev.ns, data: ev.data, t: ev.t }));
    }
  } finally {
    await client.close();
  }
  return lines.join('\n') + '\n';
}

const untimed = (events: RunEvent[]) => events.map(({ t, ...rest }) => (assert.equal(typeof t, 'number'), rest));

test('the fast path writes, event by event, what re-stringifying wrote, across a cut and a resume', HANG_GUARD, async () => {
  const r = await record();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^reconnecting \(attempt 1\) after event 5: /m);
  assert.match(r.stderr, /^warning: The server sent a malformed `updates` event \(id 3\)/m);
  const fast = parseRecording(r.stdout);
  const old = parseRecording(await oldPath());
  assert.deepEqual(untimed(fast.events), untimed(old.events));
  assert.deepEqual(fast.events.map((e) => e.id), ['0', '1', '2', '3', '4', '5', '6', '7', '8'], 'every event once, in order');
  assert.equal(fast.header.runId, 'r1');

  const lines = r.stdout.split('\n');
  assert.equal(lines.length, 1 + FRAMES.length + 1, 'one line per event (the multi-line event too), and a final newline');
  // The data as the server sent it: escapes and number forms that a re-stringify would rewrite.
  assert.equal(lines[2], '{"id":"1","event":"updates","ns":[],"data":{ "plan" : {"text":"d\\u00e9j\\u00e0 vu \\ud83e\\udd9c \\"q\\"", "n": 1.50, "e": 1E2, "list": [ 1 , 2 ] } },"t":' + fast.events[1].t + '}');
  assert.equal(lines[3].slice(0, 50), '{"id":"2","event":"updates","ns":["child:abc"],"da');
  assert.equal(fast.events[3].event, 'lgt/malformed');
  assert.deepEqual(fast.events[4].data, { multi: [1, 2] });
  assert.equal(fast.events[5].data, null);
  assert.equal((fast.events[6].data as { write: { draft: string } }).write.draft, huge);
  assert.equal(fast.events[7].data, 'just a string');
});
