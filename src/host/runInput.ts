// Asking for a run's input: which thread, then the input, in a box that opens at once with an
// example (a chat message or JSON for graphs whose input has `messages`, else JSON built from the
// assistant's input schema once that arrives).
import * as vscode from 'vscode';
import type { LangGraphClient, Thread } from '../client';
import { isRecord } from '../shared/events';
import { DEFAULT_INPUT_TEXT, parseRunInput, prefillFor, type Prefill } from '../shared/runInputParse';
import { log } from './log';
import { shortId } from '../shared/ids';
import { relTime } from '../shared/text';
import { threadTitle } from '../shared/threadText';

const NEW_THREAD = '$(add) New thread';

/** Which thread: a new one (undefined) or one of the graph's recent threads. null = cancelled. */
export async function pickThread(client: LangGraphClient, graphId: string): Promise<string | undefined | null> {
  let threads: Thread[] = [];
  try {
    threads = await client.searchThreads({ metadata: { graph_id: graphId }, limit: 10 });
  } catch {
    /* offer a new thread only */
  }
  if (!threads.length) return undefined;
  const pick = await vscode.window.showQuickPick(
    [{ label: NEW_THREAD, id: undefined as string | undefined }, ...threads.map((t) => ({ ...threadPickItem(t), id: t.thread_id as string | undefined }))],
    { title: `Start run on ${graphId}`, placeHolder: 'Thread', matchOnDetail: true },
  );
  return pick ? pick.id : null;
}

/** A thread in a picker: its first message (or first text value) as the name, status and age, the id below. */
export function threadPickItem(t: Thread, graph?: string): { label: string; description: string; detail: string } {
  const title = threadTitle(t.values);
  return {
    label: `${t.status === 'interrupted' ? '$(debug-pause) ' : t.status === 'busy' ? '$(sync) ' : ''}${title ?? `Thread ${shortId(t.thread_id)}`}`,
    description: [graph, t.status, relTime(t.updated_at)].filter(Boolean).join(' · '),
    detail: `thread ${t.thread_id}`,
  };
}

/** What the input box showed and when (read by the tests through Commands.inputTrace). */
export type InputTraceEvent =
  | { kind: 'shown'; value: string; schemaPending: boolean }
  | { kind: 'schema'; refined: boolean; value: string }
  | { kind: 'closed'; accepted: boolean };

/** Schemas are fetched once per assistant: the first fetch on the JS server type-checks the graph (5–14 s). */
const SCHEMA_TIMEOUT_MS = 30_000;

/**
 * Ask for the input. The box opens at once with an example, keyboard focus in it; the assistant's
 * input schema is read meanwhile and refines the example, unless the person has typed already.
 * undefined = cancelled.
 */
export function askInput(client: LangGraphClient, assistantId: string, title: string, trace?: (e: InputTraceEvent) => void): Promise<Record<string, unknown> | undefined> {
  const box = vscode.window.createInputBox();
  let prefill: Prefill = { text: DEFAULT_INPUT_TEXT, acceptsChat: true };
  const ac = new AbortController();
  const subs: vscode.Disposable[] = [];
  box.title = title;
  box.ignoreFocusOut = true;
  box.value = prefill.text;
  box.valueSelection = [0, prefill.text.length]; // typing replaces the example
  box.prompt = 'Input as a JSON object, or type a chat message to send it as a human message. Reading the input schema…';
  box.busy = true;
  const validate = () => {
    const r = parseRunInput(box.value, prefill);
    box.validationMessage = r.ok ? undefined : { message: r.message, severity: vscode.InputBoxValidationSeverity.Error };
    return r;
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (v: Record<string, unknown> | undefined) => {
      if (settled) return;
      settled = true;
      ac.abort();
      trace?.({ kind: 'closed', accepted: v !== undefined });
      resolve(v);
      for (const d of subs) d.dispose();
      box.dispose();
    };
    subs.push(
      box.onDidChangeValue(() => {
        // Say what is wrong while typing, but not before there is anything to judge.
        if (box.value.trim()) validate();
        else box.validationMessage = undefined;
      }),
      box.onDidAccept(() => {
        const r = validate();
        if (r.ok) finish(r.value);
      }),
      box.onDidHide(() => finish(undefined)),
    );
    box.show();
    trace?.({ kind: 'shown', value: box.value, schemaPending: true });
    const timer = setTimeout(() => ac.abort(), SCHEMA_TIMEOUT_MS);
    client.getAssistantSchemas(assistantId, ac.signal).then(
      (s) => (isRecord(s.input_schema) ? s.input_schema : undefined),
      (e) => {
        if (!settled) log.info(`input schema of ${assistantId}: ${(e as Error).message} (keeping the example)`);
        return undefined;
      },
    ).then((schema) => {
      clearTimeout(timer);
      if (settled) return;
      const before = prefill.text;
      prefill = prefillFor(schema);
      box.busy = false;
      box.prompt = prefill.acceptsChat
        ? 'Input as a JSON object, or type a chat message to send it as a human message.'
        : 'Input as a JSON object (this graph takes no chat messages).';
      // Only while the box still holds the untouched example: never overwrite what was typed.
      const untouched = box.value === before;
      if (untouched && prefill.text !== before) {
        box.value = prefill.text;
        box.valueSelection = [0, prefill.text.length];
      }
      if (box.value.trim()) validate();
      trace?.({ kind: 'schema', refined: untouched && prefill.text !== before, value: box.value });
    });
  });
}
