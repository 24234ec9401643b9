import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpError, networkError, summarizeBody } from '../../src/client/errors';
import { normalizeBaseUrl } from '../../src/client/http';
import { runBody } from '../../src/client/client';
import { compareEventIds, decodeEvent, interruptOf, parseContentLocation, runErrorOf } from '../../src/client/decode';

test('HTTP statuses map to actionable messages', () => {
  const u = 'http://h:1/threads/x';
  assert.match(httpError(401, '', u, 'Thread x').message, /401 Unauthorized\). Set the deployment's API key/);
  assert.equal(httpError(403, '', u, 'x').kind, 'forbidden');
  assert.match(httpError(404, 'Thread with ID x not found', u, 'Thread x').message, /^Thread x not found \(404\) — Thread with ID x not found$/);
  assert.equal(httpError(422, 'Thread is busy', u, 'Start run').kind, 'conflict');
  assert.match(httpError(502, '<html><title>Bad Gateway</title></html>', u, 'x').message, /internal error \(HTTP 502\) — an HTML page \("Bad Gateway"\)/);
});

test('error bodies are summarized: JSON detail, bare string, HTML, long text', () => {
  assert.equal(summarizeBody('{"detail":"Invalid stream_mode"}'), 'Invalid stream_mode');
  assert.equal(summarizeBody('"Run not found"'), 'Run not found');
  assert.equal(summarizeBody('<!DOCTYPE html><html><head><title>Oops</title>'), 'an HTML page ("Oops")');
  assert.equal(summarizeBody('x'.repeat(500)).length, 200);
});

test('connection refused names the server and what to do', () => {
  const e = networkError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'http://127.0.0.1:9/ok');
  assert.equal(e.kind, 'connection-refused');
  assert.equal(e.message, 'No LangGraph server at http://127.0.0.1:9 — is `langgraph dev` running there?');
  const d = networkError({ cause: { code: 'ENOTFOUND' } }, 'https://nope.invalid/ok');
  assert.equal(d.kind, 'dns');
});

test('URLs are validated and normalized', () => {
  assert.equal(normalizeBaseUrl(' http://127.0.0.1:2024/ '), 'http://127.0.0.1:2024');
  assert.throws(() => normalizeBaseUrl('127.0.0.1:2024'), /must start with http|not a valid URL/);
  assert.throws(() => normalizeBaseUrl('ftp://x'), /must start with http/);
});

test('Content-Location gives thread and run ids; run bodies are snake_case', () => {
  assert.deepEqual(parseContentLocation('/threads/t-1/runs/r-2'), { threadId: 't-1', runId: 'r-2' });
  assert.deepEqual(parseContentLocation('/runs/r-3'), { threadId: null, runId: 'r-3' });
  assert.deepEqual(parseContentLocation(undefined), { threadId: null, runId: null });
  assert.deepEqual(runBody({ assistantId: 'a', input: { x: 1 }, streamMode: ['updates', 'tasks'], streamSubgraphs: true }), {
    assistant_id: 'a', input: { x: 1 }, stream_mode: ['updates', 'tasks'], stream_subgraphs: true, stream_resumable: true, on_disconnect: 'continue',
  });
  assert.equal(runBody({ assistantId: 'a', resumable: false }).stream_resumable, undefined);
});

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

test('network failures, table: what undici throws → kind and the sentence a user reads', () => {
  const u = 'http://10.0.0.5:2024/threads/x/runs/stream';
  const rows: Array<[unknown, string, RegExp]> = [
    // A connection cut mid-response (FIN) and a reset before any byte (RST): what the fault proxy produces.
    [withCode('UND_ERR_SOCKET', 'other side closed'), 'network', /^The connection to http:\/\/10\.0\.0\.5:2024 dropped \(other side closed\)\.$/],
    [withCode('ECONNRESET', 'read ECONNRESET'), 'network', /^The connection to http:\/\/10\.0\.0\.5:2024 dropped \(read ECONNRESET\)\.$/],
    [{ cause: withCode('EAI_AGAIN') }, 'dns', /^Cannot resolve the host of http:\/\/10\.0\.0\.5:2024 \(EAI_AGAIN\)\. Check the deployment URL\.$/],
    [withCode('UND_ERR_CONNECT_TIMEOUT'), 'timeout', /^Timed out connecting to http:\/\/10\.0\.0\.5:2024\. Is the server reachable from here\?$/],
    [withCode('UND_ERR_HEADERS_TIMEOUT'), 'timeout', /accepted the connection but sent no response in time\.$/],
    [withCode('EHOSTUNREACH'), 'network', /^Cannot reach http:\/\/10\.0\.0\.5:2024 \(EHOSTUNREACH\): no route to the host from here\.$/],
    [withCode('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls', /the server does not speak TLS here; try http:\/\/ instead of https:\/\/\.$/],
    [withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls', /its certificate is not trusted \(self-signed or an unknown issuer\)\.$/],
    [withCode('CERT_HAS_EXPIRED'), 'tls', /its certificate has expired\.$/],
    [withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls', /its certificate is for a different host name\.$/],
    [withCode('UND_ERR_INVALID_ARG', 'Proxy Authentication Required (407)'), 'forbidden', /^The proxy refused the request to http:\/\/10\.0\.0\.5:2024 \(407 Proxy Authentication Required\)\. Check the proxy setting and its credentials\.$/],
    [Object.assign(withCode('UND_ERR_ABORTED', 'Proxy response (502) !== 200 when HTTP Tunneling'), { name: 'AbortError' }), 'network', /^The proxy refused to connect to http:\/\/10\.0\.0\.5:2024 \(HTTP 502\)\. Check the proxy setting\.$/],
    [Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }), 'aborted', /^Cancelled\.$/],
  ];
  for (const [err, kind, message] of rows) {
    const e = networkError(err, u);
    assert.equal(e.kind, kind, `${JSON.stringify(err)} → ${e.message}`);
    assert.match(e.message, message);
  }
});

test('HTTP statuses, more: 407 from a proxy, a busy thread, validation errors', () => {
  const u = 'http://h:1/threads/t/runs/stream';
  assert.equal(httpError(407, '', u, 'Start run').kind, 'forbidden');
  const busy = httpError(422, 'Thread is already running a task. Wait for it to finish or choose a different multitask strategy.', u, 'Start run');
  assert.equal(busy.kind, 'conflict');
  assert.equal(busy.message, 'Start run: the thread is busy (HTTP 422) — Thread is already running a task. Wait for it to finish or choose a different multitask strategy.');
  assert.match(httpError(409, 'nope', u, 'Start run').message, /^Start run: the server refused \(HTTP 409\) — nope\. A run may already be active on this thread\.$/);
  const zod = '{"success":false,"error":{"issues":[{"code":"invalid_union","message":"Invalid input","path":["stream_mode",0]}],"name":"ZodError"}}';
  assert.equal(httpError(400, zod, u, 'Start run').message, 'Start run: bad request (HTTP 400) — invalid request: stream_mode.0: Invalid input');
  assert.equal(httpError(404, 'Run not found', u, 'Run r').message, 'Run r not found (404) — Run not found');
});

test('event ids compare as the servers number them', () => {
  const rows: Array<[string, string, number | null]> = [
    ['9', '10', -1], ['10', '9', 1], ['3', '3', 0], ['0', '-1', 1],
    ['1718892741343-0', '1718892741343-1', -1], ['1718892741344-0', '1718892741343-9', 1],
    ['abc', 'abd', null], ['5', '1718892741343-0', null],
  ];
  for (const [a, b, want] of rows) {
    const got = compareEventIds(a, b);
    assert.equal(got === null ? null : Math.sign(got), want, `${a} vs ${b}`);
  }
});

test('typed views of events: interrupts (incl. a static breakpoint) and run errors', () => {
  const ev = (event: string, data: unknown, ns: string[] = []) => ({ id: '1', event, ns, data, t: 0 });
  const i = interruptOf(ev('updates', { __interrupt__: [{ id: 'i1', value: { question: 'ok?' } }] }));
  assert.deepEqual(i, { ns: [], interrupts: [{ id: 'i1', value: { question: 'ok?' } }], breakpoint: false });
  assert.deepEqual(interruptOf(ev('updates', { __interrupt__: [] }, ['child:1'])), { ns: ['child:1'], interrupts: [], breakpoint: true });
  assert.equal(interruptOf(ev('updates', { plan: {} })), null);
  assert.equal(interruptOf(ev('custom', { __interrupt__: [] })), null);
  assert.equal(runErrorOf(ev('error', { error: 'ValueError', message: 'bad' }))?.message, 'The run failed: ValueError: bad');
  assert.equal(runErrorOf(ev('error', 'Run not found'))?.message, 'The run failed: Error: Run not found');
  assert.equal(runErrorOf(ev('updates', {})), null);
  const bad = decodeEvent({ id: '7', event: 'values|child:2', data: '{"x":' }, 5);
  assert.equal(bad.event, 'lgt/malformed');
  assert.deepEqual(bad.ns, ['child:2']);
  assert.match((bad.data as { message: string }).message, /^The server sent a malformed `values\|child:2` event \(id 7\): its data is not JSON/);
});

test('run bodies: the stream key goes into metadata beside the caller\'s', () => {
  assert.deepEqual(runBody({ assistantId: 'a', metadata: { who: 'me' } }, { lgt_stream_key: 'k' }).metadata, { who: 'me', lgt_stream_key: 'k' });
  assert.equal(runBody({ assistantId: 'a', input: null }).input, null, 'input: null (resume a breakpoint) is sent');
  assert.equal(runBody({ assistantId: 'a', onDisconnect: 'cancel' }).on_disconnect, 'cancel');
});

test('the Python dialect: 409 and 422 {"detail"} bodies, cancel and run-not-found events, Location paths', async () => {
  const { isCancelEvent, isRunNotFound } = await import('../../src/client/decode');
  const { joinPath } = await import('../../src/client/client');
  const u = 'http://h:1/threads/t/runs/stream';
  const busy = httpError(409, '{"detail":"Thread is already running a task. Wait for it to finish or choose a different multitask strategy."}', u, 'Start run on thread t');
  assert.equal(busy.kind, 'conflict');
  assert.match(busy.message, /^Start run on thread t: the thread is busy \(HTTP 409\) — Thread is already running a task\./);
  const invalid = httpError(422, '{"detail":"Invalid assistant ID: must be a UUID"}', u, 'Assistant simple');
  assert.equal(invalid.kind, 'bad-request');
  assert.equal(invalid.message, 'Assistant simple: the server could not process the request (HTTP 422) — Invalid assistant ID: must be a UUID');
  assert.equal(summarizeBody('{"detail":[{"type":"uuid_parsing","loc":["body","checkpoint_id"],"msg":"Input should be a valid UUID"}]}'), 'invalid request: checkpoint_id: Input should be a valid UUID');
  const ev = (data: unknown) => ({ id: null, event: 'error', ns: [], data, t: 0 });
  assert.ok(isCancelEvent(ev({ error: 'UserInterrupt', message: '' })));
  assert.ok(isCancelEvent(ev({ error: 'UserRollback' })));
  assert.equal(runErrorOf(ev({ error: 'UserInterrupt' })), null, 'a cancel is not a failure');
  assert.equal(runErrorOf(ev({ error: 'ValueError', message: 'boom' }))?.errorName, 'ValueError');
  assert.ok(isRunNotFound(ev('Run not found')));
  assert.ok(isRunNotFound(ev({ error: 'HTTPException', message: '404: Run not found' })));
  assert.ok(!isRunNotFound(ev({ error: 'ValueError', message: 'Run not found in the cache' })));
  assert.equal(joinPath('https://h/api', '/threads/t/runs/r/stream'), '/threads/t/runs/r/stream');
  assert.equal(joinPath('https://h/api', 'https://h/api/threads/t/runs/r/stream'), '/threads/t/runs/r/stream');
  assert.equal(joinPath('https://h/api', 'https://evil.example/threads/t/runs/r/stream'), undefined, 'never another host');
  assert.equal(joinPath('https://h/api', '//evil.example/x'), undefined);
  assert.ok((compareEventIds('1718000000000-9', '1718000000001-0') ?? 0) < 0);
});
