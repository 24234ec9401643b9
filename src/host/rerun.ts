// Run a thread again after its run was lost to a server restart, from the last checkpoint the
// server kept. The JS dev server keeps such a run `running` for ever after a reload, and its
// thread busy: a new run there is refused (422) or queued behind it for good, and a cancel does
// not move it. Then the re-run goes on a copy of the thread (same checkpoints, idle).
import * as vscode from 'vscode';
import { isTerminalStatus } from '../client';
import type { RunSession } from './runSession';
import { log } from './log';
import { shortId } from '../shared/ids';

export async function rerunLost(session: RunSession, m: { checkpointId?: string; threadGone?: boolean }): Promise<void> {
  const i = session.info;
  const client = session.api;
  if (!client || !i.url || !i.assistantId) return;
  const base = { url: i.url, assistantId: i.assistantId, graphId: i.graphId };
  try {
    if (m.threadGone || !i.threadId) {
      log.info(`re-run: thread ${i.threadId} is gone; the same input on a new thread`);
      await vscode.commands.executeCommand('langgraph.startRun', { ...base, input: i.input ?? {} });
      return;
    }
    let threadId = i.threadId;
    const lost = i.runId ? await client.getRun(threadId, i.runId).catch(() => undefined) : undefined;
    if (lost && !isTerminalStatus(lost.status)) {
      const copy = await client.copyThread(threadId);
      log.info(`re-run: run ${lost.run_id} still holds thread ${threadId} (${lost.status}); re-running on its copy ${copy.thread_id}`);
      void vscode.window.showInformationMessage(`The lost run still holds thread ${shortId(threadId)} (the server lists it as ${lost.status}), so it is re-run on a copy of the thread: ${shortId(copy.thread_id)}.`);
      threadId = copy.thread_id;
    }
    if (m.checkpointId) await vscode.commands.executeCommand('langgraph.startRun', { ...base, threadId, checkpointId: m.checkpointId, input: null, how: 'continue' });
    else await vscode.commands.executeCommand('langgraph.startRun', { ...base, threadId, input: i.input ?? {} });
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not re-run thread ${shortId(i.threadId ?? '')}: ${(e as Error).message}`);
  }
}
