// How the Deployments tree draws threads and runs: icons by state, and tooltips that say what an
// interrupt asks. Run data is untrusted: it enters Markdown only through appendText (escaped).
import * as vscode from 'vscode';
import type { LangGraphClient, Run, Thread } from '../client';
import { log } from './log';
import { oneLine, relTime } from '../shared/text';
import { RUN_STATE_TEXT, interruptText, pendingInterruptValues, pendingText, type Pending, type RunState } from '../shared/threadText';

export function runIcon(state: RunState): vscode.ThemeIcon {
  switch (state) {
    case 'running':
    case 'pending':
      return new vscode.ThemeIcon('sync~spin');
    case 'success':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'error':
    case 'timeout':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'waiting':
      return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('debugIcon.pauseForeground'));
    case 'answered':
      return new vscode.ThemeIcon('reply', new vscode.ThemeColor('testing.iconPassed'));
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
  }
}

export function threadIcon(status: string): vscode.ThemeIcon {
  switch (status) {
    case 'interrupted':
      return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('debugIcon.pauseForeground'));
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'busy':
      return new vscode.ThemeIcon('sync~spin');
    default:
      return new vscode.ThemeIcon('comment-discussion');
  }
}

const THREAD_STATUS_TEXT: Record<string, string> = {
  idle: 'Idle: ready for the next run',
  busy: 'Busy: a run is in progress',
  interrupted: 'Interrupted: waiting for input',
  error: 'Error: the last run failed',
};

/** When, in the reader's own clock and words ("2 min ago · 01/12/2026, 21:12:29"). */
function when(iso: string | undefined): string | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? `${relTime(iso)} · ${new Date(t).toLocaleString()}` : undefined;
}

/** Run data is untrusted: every value goes in through appendText (escaped), never as Markdown. */
function appendPending(md: vscode.MarkdownString, p: Pending | undefined): void {
  if (!p) return;
  if (!p.questions.length) {
    md.appendMarkdown('\n\n');
    md.appendText(pendingText(p) + (p.next.length ? ' (breakpoint)' : ''));
  }
  for (const q of p.questions) {
    md.appendMarkdown('\n\n**Asks:** ');
    md.appendText(q.question);
    if (q.options.length) {
      md.appendMarkdown('\n\n**Options:** ');
      md.appendText(q.options.join(' · '));
    }
    for (const d of q.details) {
      md.appendMarkdown('\n\n');
      md.appendText(d);
    }
  }
  md.appendMarkdown('\n\n*Resume it with the Resume button on this row.*');
}

export function threadTooltip(t: Thread, title: string | undefined, pending: Pending | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**');
  md.appendText(title ?? 'Thread');
  md.appendMarkdown('**\n\n');
  md.appendText(THREAD_STATUS_TEXT[t.status ?? 'idle'] ?? t.status ?? 'idle');
  appendPending(md, pending);
  const updated = when(t.updated_at);
  if (updated) {
    md.appendMarkdown('\n\n');
    md.appendText(`updated ${updated}`);
  }
  md.appendMarkdown('\n\n');
  md.appendText(`thread ${t.thread_id}`);
  return md;
}

export function runTooltip(r: Run, label: string, state: RunState, took: string | undefined, pending: Pending | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**');
  md.appendText(label);
  md.appendMarkdown('**\n\n');
  md.appendText([RUN_STATE_TEXT[state], took].filter(Boolean).join(' · '));
  if (state === 'cancelled') md.appendText(' (stopped before it finished; nothing waits for input)');
  if (state === 'answered') md.appendText(' (it stopped at an interrupt; the next run answered it)');
  if (state === 'waiting') appendPending(md, pending);
  const started = when(r.created_at);
  if (started) {
    md.appendMarkdown('\n\n');
    md.appendText(`started ${started}`);
  }
  md.appendMarkdown('\n\n');
  md.appendText(`run ${r.run_id}`);
  return md;
}

/** What an interrupted thread waits for: its interrupts (in the thread itself on recent servers), else its state. */
export async function pendingOf(client: LangGraphClient, thread: Thread): Promise<Pending | undefined> {
  const values = pendingInterruptValues(thread);
  if (values?.length) return { questions: values.map(interruptText), next: [] };
  try {
    const state = await client.getThreadState(thread.thread_id);
    return { questions: (pendingInterruptValues(state) ?? []).map(interruptText), next: Array.isArray(state.next) ? state.next.map((x) => oneLine(String(x), 60)) : [] };
  } catch (e) {
    log.warn(`tree: state of thread ${thread.thread_id}: ${(e as Error).message}`);
    return undefined;
  }
}

export function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>]/g, '\\$&');
}
