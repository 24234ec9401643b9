// The assistant's graph for a session, against the real dev server: xray opens subgraphs two
// levels deep; a refusal is said, not thrown; and the CLI keeps the graph in a recording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LangGraphClient, fetchSessionGraph } from '../../src/client';
import { parseRecording } from '../../src/shared/recording';
import { sessionGraphOf } from '../../src/shared/assistantGraph';
import { repoRoot, useExampleServer } from '../support/server';
import { HANG_GUARD, freePort } from '../support/runs';

let client: LangGraphClient;
let url = '';
useExampleServer((s) => {
  client = s.client;
  url = s.url;
});

test('research with xray: both subgraph levels opened, conditional edges marked', HANG_GUARD, async () => {
  const g = await fetchSessionGraph(client, 'research');
  assert.equal(g.error, undefined);
  assert.equal(g.xray, true);
  const ids = g.graph!.nodes.map((n) => n.id);
  for (const id of ['__start__', 'plan', 'research_a', 'research_b', 'review', 'write:draft', 'write:edit:proofread', 'write:edit:polish', '__end__']) assert.ok(ids.includes(id), `${id} in ${ids}`);
  const conditional = g.graph!.edges.filter((e) => e.conditional).map((e) => `${e.source}>${e.target}`).sort();
  assert.deepEqual(conditional, ['review>research_a', 'review>write:draft']);
});

test('an unknown assistant: no graph, and why', HANG_GUARD, async () => {
  const g = await fetchSessionGraph(client, 'no-such-graph');
  assert.equal(g.graph, null);
  assert.match(g.error!, /no-such-graph/);
});

test('a server that is not there: no graph, and why (never a throw)', HANG_GUARD, async () => {
  const gone = new LangGraphClient({ url: `http://127.0.0.1:${await freePort()}` });
  try {
    const g = await fetchSessionGraph(gone, 'research');
    assert.equal(g.graph, null);
    assert.ok(g.error && g.error.length > 10, g.error);
  } finally {
    await gone.close();
  }
});

test('record --out keeps the graph in the first line; a reader gets it back', HANG_GUARD, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'lgt-graph-rec-')), 'run.jsonl');
  const cli = join(repoRoot, 'dist', 'cli.js');
  await promisify(execFile)(process.execPath, [cli, 'record', '--url', url, '--assistant', 'research', '--input', '{"topic":"otters"}', '--stream-mode', 'updates', '--out', out]);
  const rec = parseRecording(readFileSync(out, 'utf8'));
  const g = sessionGraphOf(rec.header.graph);
  assert.ok(g?.graph, 'a graph in the header');
  assert.ok(g.graph.nodes.some((n) => n.id === 'write:edit:polish'));
  assert.ok(rec.events.length > 5);
});
