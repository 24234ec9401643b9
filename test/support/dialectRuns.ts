// Scenario helpers shared by the dialect tests (test/client/dialects.test.ts runs them on the real
// JS dev server and the Python-dialect server; pythonDialect.test.ts on the dialect server alone).
import assert from 'node:assert/strict';
import { compareEventIds, fetchRunExtras, isRecord, LangGraphClient as Client, type LangGraphClient, type RunEvent, type RunParams } from '../../src/client';
import { before, after } from 'node:test';
import { RunModel } from '../../src/shared/runModel';
import { collect } from './runs';
import { startPythonServer, type PythonServerOptions } from './pythonServer';

export interface Dialect {
  name: 'js' | 'python';
  url: string;
  client: LangGraphClient;
}

/** The Python-dialect server for this test file: started before its tests, closed after them. */
export function usePythonDialect(opts: PythonServerOptions = {}): Dialect {
  const py = { name: 'python' } as Dialect;
  let close: () => Promise<void> = async () => undefined;
  before(async () => {
    const server = await startPythonServer({ heartbeatMs: 100, ...opts });
    close = () => server.close();
    Object.assign(py, { url: server.url, client: new Client({ url: server.url }) });
  });
  after(async () => {
    await py.client?.close();
    await close();
  });
  return py;
}

export const of = (events: RunEvent[], mode: string) => events.filter((e) => e.event === mode);
export const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : assert.fail(`not an object: ${JSON.stringify(v)}`));
export const nodesOf = (events: RunEvent[], ns = 0) => of(events, 'updates').filter((e) => e.ns.length === ns).flatMap((e) => Object.keys(rec(e.data)));

export async function run(d: Dialect, params: RunParams, threadId?: string) {
  const thread = threadId ?? (await d.client.createThread()).thread_id;
  const stream = d.client.streamRun(thread, params);
  const events = await collect(stream);
  return { events, threadId: thread, runId: stream.runId! };
}

/** The run model as the panel builds it: the stream, then the thread's history and final state. */
export async function modelOf(d: Dialect, threadId: string, events: RunEvent[]): Promise<RunModel> {
  const m = RunModel.from(events);
  m.end();
  m.attachExtras({ ...(await fetchRunExtras(d.client, threadId)) });
  return m;
}

/** Ids present, each after the one before: `0,1,2…` (JS) or `<ms>-<seq>` (Python). */
export function assertOrderedIds(d: Dialect, events: RunEvent[]): void {
  const ids = events.map((e) => e.id);
  assert.ok(ids.every((id) => id !== null), 'every event of a resumable run has an id');
  for (const id of ids) assert.match(id!, d.name === 'python' ? /^\d+-\d+$/ : /^\d+$/);
  for (let i = 1; i < ids.length; i++) assert.ok(compareEventIds(ids[i - 1]!, ids[i]!)! < 0, `id ${ids[i]} after ${ids[i - 1]}`);
}
