// Asking for a run's input the way the graph wants it: a one-line chat message for graphs whose
// input has `messages`, else JSON prefilled from the assistant's input schema.
import * as vscode from 'vscode';
import type { LangGraphClient, Thread } from '../client';
import { isRecord } from '../shared/events';

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
    [{ label: NEW_THREAD, id: undefined as string | undefined }, ...threads.map((t) => ({ label: t.thread_id, description: [t.status, t.updated_at].filter(Boolean).join(' · '), id: t.thread_id as string | undefined }))],
    { title: `Start run on ${graphId}`, placeHolder: 'Thread' },
  );
  return pick ? pick.id : null;
}

/** The assistant's input schema, with progress; the server type-checks on first call (slow). */
async function inputSchema(client: LangGraphClient, assistantId: string): Promise<Record<string, unknown> | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading the input schema of ${assistantId}…`, cancellable: true },
    async (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      const timer = setTimeout(() => ac.abort(), 20_000);
      try {
        const s = await client.getAssistantSchemas(assistantId, ac.signal);
        return isRecord(s.input_schema) ? s.input_schema : undefined;
      } catch {
        return undefined; // fall back to a generic example
      } finally {
        clearTimeout(timer);
      }
    },
  );
}

/** An example value for a JSON schema (first-level properties only; enough to edit). */
export function exampleFor(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const props = schema && isRecord(schema.properties) ? schema.properties : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k === 'messages') {
      out.messages = [{ role: 'human', content: 'Hello!' }];
      continue;
    }
    const t = isRecord(v) ? (Array.isArray(v.type) ? v.type[0] : v.type) : undefined;
    if (isRecord(v) && 'default' in v) out[k] = v.default;
    else if (t === 'string') out[k] = '';
    else if (t === 'number' || t === 'integer') out[k] = 0;
    else if (t === 'boolean') out[k] = false;
    else if (t === 'array') out[k] = [];
    else if (t === 'object') out[k] = {};
  }
  return Object.keys(out).length ? out : { messages: [{ role: 'human', content: 'Hello!' }] };
}

/** Ask for the input. undefined = cancelled. */
export async function askInput(client: LangGraphClient, assistantId: string, title: string): Promise<unknown> {
  const schema = await inputSchema(client, assistantId);
  const props = schema && isRecord(schema.properties) ? schema.properties : undefined;
  const example = exampleFor(schema);
  // The JS server often reports no properties at all (e.g. Annotation states): then offer the box
  // that takes either a chat message or JSON, instead of guessing a JSON shape.
  if (!props || Object.keys(props).length === 0 || 'messages' in props) {
    const text = await vscode.window.showInputBox({
      title,
      prompt: 'A chat message to send as a human message — or JSON input starting with {',
      placeHolder: 'Hello!',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().startsWith('{') ? jsonError(v) : undefined),
    });
    if (text === undefined) return undefined;
    return text.trim().startsWith('{') ? JSON.parse(text) : { messages: [{ role: 'human', content: text || 'Hello!' }] };
  }
  const text = await vscode.window.showInputBox({ title, prompt: 'Input as JSON', value: JSON.stringify(example), ignoreFocusOut: true, validateInput: jsonError });
  return text === undefined ? undefined : JSON.parse(text);
}

function jsonError(v: string): string | undefined {
  try {
    JSON.parse(v);
    return undefined;
  } catch (e) {
    return `Not valid JSON: ${(e as Error).message}`;
  }
}
