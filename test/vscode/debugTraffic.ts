// What the `langgraph` debug adapter sent each session, seen by a DAP tracker (its stops, its
// Debug Console lines, the threads of its runs), and the waits the debugger suites share.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { until } from './harness';

export interface StopBody {
  reason: string;
  description?: string;
}

export const stops = new Map<string, StopBody[]>();
export const said = new Map<string, string[]>();
export const threads = new Map<string, string>();
let tracker: vscode.Disposable | undefined;

/** Start watching the adapter's traffic (once for all suites). */
export function trackDebugTraffic(): void {
  tracker ??= vscode.debug.registerDebugAdapterTrackerFactory('langgraph', {
    createDebugAdapterTracker: (s) => ({
      onDidSendMessage: (m: { type: string; event?: string; body?: StopBody & { output?: string; category?: string; threadId?: string } }) => {
        if (m.type !== 'event') return;
        if (m.event === 'stopped') stops.set(s.id, [...(stops.get(s.id) ?? []), m.body!]);
        if (m.event === 'output' && m.body?.output && m.body.category !== 'telemetry') said.set(s.id, [...(said.get(s.id) ?? []), m.body.output]);
        if (m.event === 'langgraph/run' && typeof m.body?.threadId === 'string') threads.set(s.id, m.body.threadId);
      },
    }),
  });
}

export function untrackDebugTraffic(): void {
  tracker?.dispose();
  tracker = undefined;
}

/** The next stop of `session` after the ones seen so far (call before pressing the key). */
export function nextStop(session: vscode.DebugSession, timeoutMs = 90_000): Promise<StopBody> {
  const seen = stops.get(session.id)?.length ?? 0;
  return until('the next stop', () => stops.get(session.id)?.[seen], timeoutMs).catch((e: Error) => {
    throw new Error(`${e.message}; the adapter said: ${(said.get(session.id) ?? []).join('')}`);
  });
}

export function endOf(session: vscode.DebugSession): Promise<void> {
  return new Promise((resolve) => {
    const sub = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.id === session.id) {
        sub.dispose();
        resolve();
      }
    });
  });
}

/** The example project's files, copied into the workspace's `agent` folder (so frames open at their source). */
export async function copyExamples(files: string[]): Promise<vscode.Uri> {
  const dir = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'agent');
  // This bundle is dist/test/vscode/index.js: the repository is three folders up.
  const src = (p: string) => vscode.Uri.file(join(__dirname, '..', '..', '..', 'examples', p));
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(dir, 'src'));
  for (const p of files) await vscode.workspace.fs.copy(src(p), vscode.Uri.joinPath(dir, p), { overwrite: true });
  return dir;
}
