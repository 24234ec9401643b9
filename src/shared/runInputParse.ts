// Start Run's input box, the part without `vscode`: the example it opens with, what the assistant's
// input schema makes of it, and what the person typed (JSON, or a chat message) turned into input.
import { isRecord } from './events';

/** Shown at once: most graphs take messages, and the schema (slow on the JS server) may refine it. */
export const DEFAULT_INPUT: Readonly<Record<string, unknown>> = Object.freeze({ messages: [{ role: 'user', content: 'hi' }] });
export const DEFAULT_INPUT_TEXT = JSON.stringify(DEFAULT_INPUT);

export interface Prefill {
  text: string;
  /** Whether plain text is taken as a chat message (the input has `messages`, or nobody knows). */
  acceptsChat: boolean;
}

/** An example value for a JSON schema (first-level properties only; enough to edit). */
export function exampleFor(schema: unknown): Record<string, unknown> {
  const props = isRecord(schema) && isRecord(schema.properties) ? schema.properties : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k === 'messages') {
      out.messages = DEFAULT_INPUT.messages;
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
  return Object.keys(out).length ? out : { ...DEFAULT_INPUT };
}

/**
 * The box's example once the input schema is known. A state with `messages` keeps the chat
 * example (its other keys are the graph's own, not questions for the person); a state without
 * gets one built from its keys; no schema, or one without properties (the JS server reports none
 * for some Annotation states), keeps the default.
 */
export function prefillFor(inputSchema: unknown): Prefill {
  const props = isRecord(inputSchema) && isRecord(inputSchema.properties) ? inputSchema.properties : undefined;
  if (!props || Object.keys(props).length === 0 || 'messages' in props) return { text: DEFAULT_INPUT_TEXT, acceptsChat: true };
  return { text: JSON.stringify(exampleFor(inputSchema)), acceptsChat: false };
}

export type ParsedInput = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/**
 * What the person typed as run input: a JSON object, or, when the graph takes messages, any text
 * that does not start with `{` or `[` as one human message.
 */
export function parseRunInput(raw: string, prefill: Prefill): ParsedInput {
  const text = raw.trim();
  const like = `like ${prefill.text}`;
  if (!text) return { ok: false, message: prefill.acceptsChat ? `Type a chat message, or the input as a JSON object ${like}` : `Give the input as a JSON object, ${like}` };
  const json = text.startsWith('{') || text.startsWith('[');
  if (prefill.acceptsChat && !json) return { ok: true, value: { messages: [{ role: 'human', content: text }] } };
  if (!json) return { ok: false, message: `This graph's input has no "messages" to send text to: give it as a JSON object, ${like}` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `Not valid JSON: ${(e as Error).message}` };
  }
  if (!isRecord(value)) return { ok: false, message: `The input must be a JSON object (its keys are the graph's state keys), not a list: ${like}` };
  return { ok: true, value };
}
