import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpError, networkError, summarizeBody } from '../../src/client/errors';
import { normalizeBaseUrl } from '../../src/client/http';
import { parseContentLocation, runBody } from '../../src/client/client';

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
