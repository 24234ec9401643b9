// Short ids in labels: the Agent Server's UUID v7 ids share their first characters for a minute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortId } from '../../src/shared/ids';

test('UUID v7 ids made a moment apart get different short forms', () => {
  // Shaped like the dev server's run ids: v7, created about a second apart (same first 8 characters).
  const a = '019ab3f2-6c1d-7e41-9a0b-3f5e2c7d81a4';
  const b = '019ab3f2-70d9-7b22-8c4f-b21e90a6d5f3';
  assert.equal(a.slice(0, 8), b.slice(0, 8));
  assert.notEqual(shortId(a), shortId(b));
  assert.equal(shortId(a), '2c7d81a4');
});

test('other ids (v4, custom) keep their first 8 characters', () => {
  assert.equal(shortId('3f2b9c1e-1d2a-4b7c-9e8f-0a1b2c3d4e5f'), '3f2b9c1e');
  assert.equal(shortId('my-thread-42'), 'my-threa');
});
