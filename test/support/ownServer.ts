// A real example dev server of the test's own (never the shared one): it can be crashed
// (SIGKILL of its whole process tree), restarted on the same port from the same working dir (so
// it reads back what it persisted), or reloaded by saving a graph file of its own copy of the
// sources. Nothing here imports vscode: the VS Code suite uses it too.
import fs from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Started {
  url: string;
  port: number;
  dir: string;
  logFile: string;
  stop(): Promise<void>;
  crash(): Promise<void>;
}
interface Mod {
  ensureExampleDeps(o: { log: (s: string) => void }): Promise<void>;
  startExampleServer(o: { port?: number; dir?: string; copySources?: boolean; reload?: boolean; log: (s: string) => void }): Promise<Started>;
}

export interface OwnServer {
  readonly url: string;
  readonly dir: string;
  /** SIGKILL the whole tree, as a crash would (nothing flushed). */
  crash(): Promise<void>;
  /** Start again on the same port from the same dir. */
  restart(): Promise<void>;
  /** Save the `slow` graph's file (a comment appended): the dev server's watcher reloads it. */
  touchGraph(name?: string): void;
  stop(): Promise<void>;
}

export async function startOwnServer(repoRoot: string, opts: { reload?: boolean } = {}): Promise<OwnServer> {
  const mod = (await import(pathToFileURL(join(repoRoot, 'scripts', 'exampleServer.mjs')).href)) as Mod;
  const log = (s: string) => process.stderr.write(`[own-server] ${s}\n`);
  await mod.ensureExampleDeps({ log });
  let cur: Started | null = await mod.startExampleServer({ copySources: true, reload: !!opts.reload, log });
  const { url, port, dir } = cur;
  return {
    url,
    dir,
    async crash() {
      await cur?.crash();
      cur = null;
    },
    async restart() {
      cur = await mod.startExampleServer({ port, dir, reload: !!opts.reload, log });
    },
    touchGraph(name = 'slow') {
      fs.appendFileSync(join(dir, 'src', `${name}.ts`), `\n// saved by a test at ${new Date().toISOString()}\n`);
    },
    async stop() {
      await cur?.stop();
      cur = null;
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
    },
  };
}
