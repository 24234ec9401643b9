// The standalone debug adapter (`langgraph-timeline dap`, dist/cli.js) driven over stdio by
// @vscode/debugadapter-testsupport's DebugClient, as Neovim or Emacs would drive it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { repoRoot } from './server';
import { copyBuiltCli } from './cli';

let cliCopy: string | undefined;

/** A private copy of the built bin (a build elsewhere in this checkout empties dist/ meanwhile). */
async function cli(): Promise<string> {
  cliCopy ??= await copyBuiltCli(mkdtempSync(join(tmpdir(), 'lgt-dap-')));
  return cliCopy;
}

export interface Dap {
  dc: DebugClient;
  child: ChildProcess;
  output: string[];
  /** `langgraph/run` events: every run the session started. */
  runs: { runId: string; threadId: string; kind: string }[];
  stop(): Promise<void>;
}

export async function startDap(): Promise<Dap> {
  const child = spawn(process.execPath, [await cli(), 'dap'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LANGGRAPH_API_KEY: '' } });
  const dc = new DebugClient(process.execPath, '', 'langgraph');
  dc.defaultTimeout = 60_000;
  // DebugClient spawns `runtime executable` with no arguments; the bin needs `dap`, so it is spawned here.
  (dc as unknown as { connect(r: NodeJS.ReadableStream, w: NodeJS.WritableStream): void }).connect(child.stdout!, child.stdin!);
  const output: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
  const runs: Dap['runs'] = [];
  dc.on('langgraph/run', (e: DebugProtocol.Event) => runs.push(e.body));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.on('exit', (code) => {
    if (code && stderr) process.stderr.write(`[dap] exit ${code}: ${stderr}\n`);
  });
  await dc.initializeRequest({ adapterID: 'langgraph', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsVariablePaging: true });
  return {
    dc,
    child,
    output,
    runs,
    stop: async () => {
      await dc.disconnectRequest({ terminateDebuggee: true }).catch(() => undefined);
      child.kill();
    },
  };
}

/** Launch with breakpoints set between `initialized` and `configurationDone`, as an editor does. */
export async function launch(d: Dap, args: Record<string, unknown>, setup: (dc: DebugClient) => Promise<unknown> = async () => undefined): Promise<void> {
  const configured = nextEvent(d.dc, 'initialized').then(async () => {
    await setup(d.dc);
    await d.dc.configurationDoneRequest();
  });
  await Promise.all([configured, d.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments)]);
}

export const examplesDir = join(repoRoot, 'examples');

/** The scopes and the State's variables by name, at the top frame. */
export async function topState(dc: DebugClient): Promise<{ frames: DebugProtocol.StackFrame[]; scopes: DebugProtocol.Scope[]; state: Map<string, DebugProtocol.Variable> }> {
  const st = await dc.stackTraceRequest({ threadId: 1 });
  const frames = st.body.stackFrames;
  const sc = await dc.scopesRequest({ frameId: frames[0].id });
  const scopes = sc.body.scopes;
  const stateScope = scopes.find((s) => s.name === 'State')!;
  const vars = await dc.variablesRequest({ variablesReference: stateScope.variablesReference });
  return { frames, scopes, state: new Map(vars.body.variables.map((v) => [v.name, v])) };
}

/**
 * The next of these events. Unlike DebugClient.waitForEvent it sets no timer (a wait that is never
 * answered would keep the test process alive for its whole timeout); HANG_GUARD bounds the test.
 */
export function nextEvent(dc: DebugClient, ...names: string[]): Promise<DebugProtocol.Event> {
  return new Promise((resolve) => {
    const handlers = names.map((n) => {
      const h = (e: DebugProtocol.Event) => {
        names.forEach((m, i) => dc.removeListener(m, handlers[i]));
        resolve(e);
      };
      dc.on(n, h);
      return h;
    });
  });
}

/**
 * One adapter process per test. A test that waits for ever is failed here, before node:test's own
 * timeout, so that `finally` still ends the adapter (and says what it printed).
 */
export async function withDap(fn: (d: Dap) => Promise<void>): Promise<void> {
  const d = await startDap();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(d),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no end in 100 s; the adapter said:\n${d.output.join('')}`)), 100_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await d.stop();
  }
}

/** The thread the adapter created: every run it starts is announced with a `langgraph/run` event. */
export function threadOfRuns(d: Dap): string {
  assert.ok(d.runs.length > 0, 'the adapter announced its runs');
  assert.equal(new Set(d.runs.map((r) => r.threadId)).size, 1, 'a debug session is one thread');
  return d.runs[0].threadId;
}
