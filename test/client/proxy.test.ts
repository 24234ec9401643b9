// Through an HTTP proxy (undici's ProxyAgent): a loopback forward proxy in front of the real
// server, with and without credentials; CONNECT for https; the proxy the environment names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { LangGraphClient, LangGraphError, proxyFromEnv } from '../../src/client';
import { useExampleServer } from '../support/server';
import { startHttpProxy } from '../support/httpProxy';
import { HANG_GUARD, collect } from '../support/runs';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from '../support/selfSigned';


let serverUrl = '';
useExampleServer((s) => (serverUrl = s.url));

test('requests and a whole run stream go through the configured proxy', HANG_GUARD, async () => {
  const proxy = await startHttpProxy();
  const client = new LangGraphClient({ url: serverUrl, proxy: proxy.url });
  try {
    assert.equal(await client.ok(), true);
    const thread = await client.createThread();
    const events = await collect(client.streamRun(thread.thread_id, { assistantId: 'simple', input: { topic: 'newts' } }));
    assert.equal(events.filter((e) => e.event === 'updates').length, 4);
    // Plain http targets are forwarded in absolute form (no CONNECT), every one of them.
    assert.deepEqual(proxy.seen.slice(0, 3).map((s) => `${s.method} ${s.target}`), [
      `GET ${serverUrl}/ok`,
      `POST ${serverUrl}/threads`,
      `POST ${serverUrl}/threads/${thread.thread_id}/runs/stream`,
    ]);
  } finally {
    await client.close();
    await proxy.close();
  }
});

test('a proxy that wants credentials: user:pass in the proxy URL works; without them, a clear 407 error', HANG_GUARD, async () => {
  const proxy = await startHttpProxy({ credentials: 'alice:s3cret' });
  const withCreds = new LangGraphClient({ url: serverUrl, proxy: proxy.url.replace('http://', 'http://alice:s3cret@') });
  const without = new LangGraphClient({ url: serverUrl, proxy: proxy.url });
  try {
    assert.equal(await withCreds.ok(), true);
    assert.equal(proxy.seen[0].auth, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    await assert.rejects(without.ok(), (e: unknown) =>
      e instanceof LangGraphError && e.kind === 'forbidden' &&
      e.message === `The proxy refused the request to ${serverUrl} (407 Proxy Authentication Required). Check the proxy setting and its credentials.`);
  } finally {
    await withCreds.close();
    await without.close();
    await proxy.close();
  }
});

test('https targets are tunnelled with CONNECT (and TLS is still checked end to end)', HANG_GUARD, async () => {
  const proxy = await startHttpProxy();
  const server = https.createServer({ cert: SELF_SIGNED_CERT, key: SELF_SIGNED_KEY }, (_req, res) => res.end('{"ok":true}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = new LangGraphClient({ url: `https://127.0.0.1:${port}`, proxy: proxy.url });
  const strictProxy = await startHttpProxy({ credentials: 'bob:pw' });
  const strict = new LangGraphClient({ url: `https://127.0.0.1:${port}`, proxy: strictProxy.url });
  try {
    await assert.rejects(client.ok(), (e: unknown) => e instanceof LangGraphError && e.kind === 'tls' && /self-signed/.test(e.message));
    assert.deepEqual(proxy.seen.map((s) => `${s.method} ${s.target}`), [`CONNECT 127.0.0.1:${port}`]);
    // A tunnel the proxy refuses (no credentials) is a proxy error, not a "Cancelled.".
    await assert.rejects(strict.ok(), (e: unknown) =>
      e instanceof LangGraphError && e.kind === 'forbidden' && e.message === `The proxy refused the request to https://127.0.0.1:${port} (407 Proxy Authentication Required). Check the proxy setting and its credentials.`);
  } finally {
    await client.close();
    await strict.close();
    await strictProxy.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await proxy.close();
  }
});

test('the proxy from the environment: HTTPS_PROXY for https, HTTP_PROXY for http, NO_PROXY and loopback bypass it', () => {
  const saved = { ...process.env };
  try {
    for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) delete process.env[k];
    assert.equal(proxyFromEnv('https://api.example.com'), undefined);
    process.env.HTTPS_PROXY = 'http://corp:3128';
    assert.equal(proxyFromEnv('https://api.example.com'), 'http://corp:3128');
    assert.equal(proxyFromEnv('http://api.example.com'), undefined, 'HTTPS_PROXY is for https targets');
    process.env.HTTP_PROXY = 'http://plain:8080';
    assert.equal(proxyFromEnv('http://api.example.com'), 'http://plain:8080');
    assert.equal(proxyFromEnv('http://127.0.0.1:2024'), undefined, 'loopback never goes through a proxy');
    assert.equal(proxyFromEnv('http://localhost:2024'), undefined);
    process.env.NO_PROXY = 'internal.example.com,.corp';
    assert.equal(proxyFromEnv('https://internal.example.com'), undefined);
    assert.equal(proxyFromEnv('https://x.corp'), undefined);
    assert.equal(proxyFromEnv('https://api.example.com'), 'http://corp:3128');
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});
