// What the real server will not do on demand, from a small loopback fake: auth failures, 5xx,
// HTML instead of SSE, malformed and huge events, stalls, replays that ignore Last-Event-ID, and
// the x-api-key header on every request. Each test asserts the message a user sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { LangGraphClient, LangGraphError, type ConnectionState, type RunEvent } from '../../src/client';
import { json, numberedEvents, runJson, sseFrame, sseHead, startFakeServer, type FakeHandler, type FakeServer } from '../support/fakeServer';
import { HANG_GUARD, collect } from '../support/runs';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from '../support/selfSigned';


async function withFake<T>(handler: FakeHandler, fn: (fake: FakeServer, client: LangGraphClient) => Promise<T>, opts: { apiKey?: string; headersTimeoutMs?: number } = {}): Promise<T> {
  const fake = await startFakeServer(handler);
  const client = new LangGraphClient({ url: fake.url, ...opts });
  try {
    return await fn(fake, client);
  } finally {
    await client.close();
    await fake.close();
  }
}

const isErr = (kind: string, message: string | RegExp) => (e: unknown) => {
  assert.ok(e instanceof LangGraphError, `a LangGraphError, got ${String(e)}`);
  assert.equal(e.kind, kind, e.message);
  if (typeof message === 'string') assert.equal(e.message, message);
  else assert.match(e.message, message);
  return true;
};

const isStream = (path: string) => /\/stream$/.test(path);
const runPath = /^\/threads\/t1\/runs\/r1$/;

test('401 and 403: say to set or check the API key, with the server\'s words', HANG_GUARD, async () => {
  await withFake((req, res) => {
    res.writeHead(req.headers['x-api-key'] ? 403 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ detail: req.headers['x-api-key'] ? 'Key lacks access to this deployment' : 'Missing API key' }));
  }, async (fake, client) => {
    const origin = fake.url;
    await assert.rejects(client.searchAssistants(), isErr('unauthorized', `${origin} rejected the request (401 Unauthorized). Set the deployment's API key. — Missing API key`));
    await assert.rejects(collect(client.streamRun('t1', { assistantId: 'a' })), isErr('unauthorized', /401 Unauthorized\). Set the deployment's API key/));
    const keyed = new LangGraphClient({ url: origin, apiKey: 'wrong' });
    try {
      await assert.rejects(keyed.getThread('t1'), isErr('forbidden', `${origin} refused access (403 Forbidden). Check that the API key is valid for this deployment. — Key lacks access to this deployment`));
    } finally {
      await keyed.close();
    }
  });
});

test('5xx with an HTML error page: an internal-error message that names the page, not its markup', HANG_GUARD, async () => {
  await withFake((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>');
  }, async (fake, client) => {
    await assert.rejects(client.info(), isErr('server', `${fake.url} had an internal error (HTTP 502) — an HTML page ("502 Bad Gateway")`));
    await assert.rejects(collect(client.streamRun('t1', { assistantId: 'a' })), isErr('server', /internal error \(HTTP 502\) — an HTML page/));
  });
});

test('an HTML page with 200 instead of an event stream (wrong URL, captive portal): not-sse, asks whether it is a deployment', HANG_GUARD, async () => {
  await withFake((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><head><title>Welcome</title></head><body>Sign in to the Wi-Fi</body></html>');
  }, async (fake, client) => {
    await assert.rejects(
      collect(client.streamRun('t1', { assistantId: 'a' })),
      isErr('not-sse', `Start run on thread t1: expected an event stream from ${fake.url}/threads/t1/runs/stream but got text/html; charset=utf-8 (an HTML page). Is this URL a LangGraph deployment?`),
    );
    await assert.rejects(client.searchThreads(), isErr('not-sse', `Thread search: expected JSON from ${fake.url}/threads/search but got an HTML page. Is this URL a LangGraph deployment?`));
  });
});

test('malformed JSON in a data: line becomes a typed lgt/malformed event; the stream goes on', HANG_GUARD, async () => {
  await withFake((req, res) => {
    if (!isStream(req.path)) return json(res, 200, runJson('success'));
    sseHead(res);
    res.write(sseFrame({ id: 0, event: 'metadata', data: { run_id: 'r1' } }));
    res.write('event: updates\ndata: {"plan": {"topic": "ott\nid: 1\n\n');
    res.end(sseFrame({ id: 2, event: 'updates', data: { write: { draft: 'ok' } } }));
  }, async (_fake, client) => {
    const events = await collect(client.streamRun('t1', { assistantId: 'a' }));
    assert.deepEqual(events.map((e) => [e.id, e.event]), [['0', 'metadata'], ['1', 'lgt/malformed'], ['2', 'updates']]);
    const bad = events[1].data as { event: string; message: string; raw: string };
    assert.equal(bad.event, 'updates');
    assert.match(bad.message, /^The server sent a malformed `updates` event \(id 1\): its data is not JSON \(.+\)\.$/);
    assert.equal(bad.raw, '{"plan": {"topic": "ott');
  });
});

test('an event larger than the bound stops the stream with a typed error, after the events before it', HANG_GUARD, async () => {
  await withFake(async (req, res) => {
    if (!isStream(req.path)) return json(res, 200, runJson('running'));
    sseHead(res);
    res.write(sseFrame({ id: 0, event: 'metadata', data: { run_id: 'r1' } }));
    res.write('event: values\nid: 1\ndata: {"blob":"');
    // 1 MB of one event, in pieces, never finished: the bound must stop it, not memory.
    for (let i = 0; i < 16; i++) res.write('x'.repeat(64 * 1024));
  }, async (_fake, client) => {
    const got: RunEvent[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of client.streamRun('t1', { assistantId: 'a' }, { maxEventBytes: 256 * 1024 })) got.push(e);
      })(),
      isErr('event-too-large', 'An event from the server exceeded 256.0 KB; stopped reading the stream. Raise the event size limit if such large states are expected.'),
    );
    assert.deepEqual(got.map((e) => e.event), ['metadata']);
  });
});

test('a stream that stalls for good: the watchdog gives up after the allowed rejoins, saying it stalled', HANG_GUARD, async () => {
  await withFake((req, res) => {
    if (!isStream(req.path)) return json(res, 200, runJson('success')); // the run ended; the stream never closes
    sseHead(res);
    const last = req.headers['last-event-id'];
    res.write(numberedEvents(0, 2).filter((e) => last === undefined || Number(e.id) > Number(last)).map(sseFrame).join(''));
  }, async (fake, client) => {
    const got: RunEvent[] = [];
    const states: ConnectionState[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of client.streamRun('t1', { assistantId: 'a' }, { idleTimeoutMs: 150, backoffMs: 1, maxReconnects: 2, onConnection: (s) => states.push(s) })) got.push(e);
      })(),
      isErr('stalled', new RegExp(`^Lost the stream of run r1 and could not rejoin it after 2 attempts \\(last: The stream from ${fake.url.replace(/\./g, '\\.')} stalled: no data for 150 ms\\)\\. The run may still be going on the server\\.$`)),
    );
    assert.deepEqual(got.map((e) => e.id), ['0', '1', '2'], 'each event once');
    assert.deepEqual(fake.requests.filter((r) => isStream(r.path)).map((r) => r.headers['last-event-id']), [undefined, '2', '2']);
    assert.equal(states.filter((s) => s.state === 'reconnecting').length, 2);
  });
});

test('a stall while the run is still going: the watchdog refreshes the connection and the rest arrives once', HANG_GUARD, async () => {
  let ended = false;
  await withFake((req, res, i) => {
    if (runPath.test(req.path)) return json(res, 200, runJson(ended ? 'success' : 'running'));
    sseHead(res);
    if (i === 0) {
      res.write(numberedEvents(0, 2).map(sseFrame).join('')); // then silence, connection open
      return;
    }
    assert.equal(req.headers['last-event-id'], '2');
    ended = true;
    res.end(numberedEvents(3, 5).map(sseFrame).join(''));
  }, async (fake, client) => {
    const events = await collect(client.streamRun('t1', { assistantId: 'a' }, { idleTimeoutMs: 150, backoffMs: 1 }));
    assert.deepEqual(events.map((e) => e.id), ['0', '1', '2', '3', '4', '5']);
    assert.equal(fake.requests.filter((r) => isStream(r.path)).length, 2);
  });
});

test('a server that replays from the start on every rejoin: each event is still delivered once', HANG_GUARD, async () => {
  // Connection n sends ids 0..3n+2 (ignoring Last-Event-ID), then drops; the last one ends cleanly.
  let conns = 0;
  await withFake((req, res) => {
    if (runPath.test(req.path)) return json(res, 200, runJson(conns >= 4 ? 'success' : 'running'));
    const n = conns++;
    sseHead(res);
    const upTo = Math.min(3 * n + 2, 11);
    res.write(numberedEvents(0, upTo).map(sseFrame).join(''));
    if (upTo === 11) res.end();
    else setImmediate(() => res.socket?.destroy());
  }, async (fake, client) => {
    const events = await collect(client.streamRun('t1', { assistantId: 'a' }, { backoffMs: 1 }));
    assert.deepEqual(events.map((e) => e.id), Array.from({ length: 12 }, (_, i) => String(i)));
    assert.deepEqual(fake.requests.filter((r) => isStream(r.path)).map((r) => r.headers['last-event-id']), [undefined, '2', '5', '8']);
  });
});

test('a 503 on a rejoin is retried; the x-api-key header goes with every request', HANG_GUARD, async () => {
  let streams = 0;
  await withFake((req, res) => {
    if (runPath.test(req.path)) return json(res, 200, runJson(streams >= 3 ? 'success' : 'running'));
    const n = streams++;
    if (n === 1) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('Service Unavailable');
      return;
    }
    sseHead(res);
    if (n === 0) {
      res.write(numberedEvents(0, 3).map(sseFrame).join(''));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    res.end(numberedEvents(4, 6).map(sseFrame).join(''));
  }, async (fake, client) => {
    const states: ConnectionState[] = [];
    const events = await collect(client.streamRun('t1', { assistantId: 'a' }, { backoffMs: 1, onConnection: (s) => states.push(s) }));
    assert.deepEqual(events.map((e) => e.id), ['0', '1', '2', '3', '4', '5', '6']);
    const reasons = states.flatMap((s) => (s.state === 'reconnecting' ? [s.reason] : []));
    assert.equal(reasons.length, 2);
    assert.match(reasons[0], /^The connection to http:\/\/127\.0\.0\.1:\d+ dropped \(other side closed\)\.$/);
    assert.match(reasons[1], /had an internal error \(HTTP 503\) — Service Unavailable$/);
    assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path}`), [
      'POST /threads/t1/runs/stream', 'GET /threads/t1/runs/r1/stream', 'GET /threads/t1/runs/r1/stream', 'GET /threads/t1/runs/r1',
    ]);
    for (const r of fake.requests) assert.equal(r.headers['x-api-key'], 'lgt-secret', `${r.method} ${r.path}`);
  }, { apiKey: 'lgt-secret' });
});

test('no API key configured: no x-api-key header at all', HANG_GUARD, async () => {
  await withFake((req, res) => json(res, 200, { ok: true }), async (fake, client) => {
    assert.equal(await client.ok(), true);
    assert.equal(fake.requests[0].headers['x-api-key'], undefined);
  });
});

test('a server that accepts but never answers: a header timeout, not a hang', HANG_GUARD, async () => {
  await withFake(() => undefined, async (fake, client) => {
    await assert.rejects(client.getThread('t1'), isErr('timeout', `${fake.url} accepted the connection but sent no response in time.`));
    // Starting a run: the lost answer may hide a started run; the client looks, then says so.
    await assert.rejects(collect(client.streamRun('t1', { assistantId: 'a' })), isErr('timeout', `${fake.url} accepted the connection but sent no response in time. Whether the run started could not be checked.`));
  }, { headersTimeoutMs: 200 });
});

test('DNS failure: the host cannot be resolved', HANG_GUARD, async () => {
  const client = new LangGraphClient({ url: 'http://lgt-no-such-host.invalid:2024' });
  try {
    await assert.rejects(client.ok(), isErr('dns', /^Cannot resolve the host of http:\/\/lgt-no-such-host\.invalid:2024 \((ENOTFOUND|EAI_AGAIN)\)\. Check the deployment URL\.$/));
  } finally {
    await client.close();
  }
});

test('TLS failures: https to a plain-http server, and an untrusted (self-signed) certificate', HANG_GUARD, async () => {
  await withFake((_req, res) => json(res, 200, { ok: true }), async (fake) => {
    const wrong = new LangGraphClient({ url: fake.url.replace('http:', 'https:') });
    try {
      await assert.rejects(wrong.ok(), isErr('tls', /^TLS failure talking to https:\/\/127\.0\.0\.1:\d+ \(ERR_SSL_WRONG_VERSION_NUMBER\): the server does not speak TLS here; try http:\/\/ instead of https:\/\/\.$/));
    } finally {
      await wrong.close();
    }
  });
  const server = https.createServer({ cert: SELF_SIGNED_CERT, key: SELF_SIGNED_KEY }, (_req, res) => res.end('{"ok":true}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new LangGraphClient({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` });
  try {
    await assert.rejects(client.ok(), isErr('tls', /^TLS failure talking to https:\/\/127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT\): its certificate is not trusted \(self-signed or an unknown issuer\)\.$/));
  } finally {
    await client.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('cancelling a stream that is waiting for data ends it promptly with "Cancelled."', HANG_GUARD, async () => {
  await withFake((req, res) => {
    sseHead(res);
    res.write(sseFrame({ id: 0, event: 'metadata', data: { run_id: 'r1' } }));
  }, async (fake, client) => {
    const ac = new AbortController();
    const stream = client.streamRun('t1', { assistantId: 'a' }, { signal: ac.signal });
    const got: RunEvent[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of stream) {
          got.push(e);
          ac.abort();
        }
      })(),
      isErr('aborted', 'Cancelled.'),
    );
    assert.equal(got.length, 1);
    assert.equal(fake.requests.length, 1, 'no rejoin after a cancel');
  });
});
