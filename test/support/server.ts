// The real LangGraph dev server for tests. `npm test` starts one and passes its URL in
// LGT_TEST_SERVER_URL; a test file run alone starts its own.
import { before, after } from 'node:test';
import { join, resolve } from 'node:path';
import { LangGraphClient } from '../../src/client';
import { pathToFileURL } from 'node:url';

export const repoRoot = resolve(__dirname, '..', '..', '..');

interface Started {
  url: string;
  stop(): Promise<void>;
}

let shared: Promise<Started> | undefined;

export function exampleServer(): Promise<Started> {
  const fromEnv = process.env.LGT_TEST_SERVER_URL;
  if (fromEnv) return Promise.resolve({ url: fromEnv, stop: async () => undefined });
  shared ??= (async () => {
    // Not bundled: the helper is plain ESM that manages child processes.
    const modPath = pathToFileURL(join(repoRoot, 'scripts', 'exampleServer.mjs')).href;
    const mod = (await import(modPath)) as {
      ensureExampleDeps(o: { log: (s: string) => void }): Promise<void>;
      startExampleServer(o: { fresh: boolean; log: (s: string) => void }): Promise<Started>;
    };
    const log = (s: string) => process.stderr.write(`[example-server] ${s}\n`);
    await mod.ensureExampleDeps({ log });
    return mod.startExampleServer({ fresh: true, log });
  })();
  return shared;
}

/**
 * Hooks for a test file that talks to the example server: starts it (or reuses npm test's) before
 * the tests, hands over a client, and closes both after.
 */
export function useExampleServer(onReady: (s: { url: string; client: LangGraphClient }) => void): void {
  let stop: () => Promise<void> = async () => undefined;
  let client: LangGraphClient | undefined;
  before(async () => {
    const s = await exampleServer();
    stop = s.stop;
    client = new LangGraphClient({ url: s.url });
    onReady({ url: s.url, client });
  });
  after(async () => {
    await client?.close();
    await stop();
  });
}
