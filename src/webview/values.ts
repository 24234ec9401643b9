// Helpers for showing run values: one-line previews, paths, chat messages. Pure; tested in Node.
// Values come from agents and may hold anything: everything here returns plain strings that the
// views put into text nodes.
import { formatPath, type Change, type PathSeg } from '../shared/diff';
import { isRecord } from '../shared/events';

export { formatPath };
export type { Change, PathSeg };

/** Strings longer than this are cut, with a way to see the rest. */
export const TRUNCATE_AT = 400;

export function typeLabel(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object') return `object(${Object.keys(v as object).length})`;
  return typeof v;
}

/** One line, at most `max` characters: strings quoted, containers summarized. */
export function preview(v: unknown, max = 120): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (v === undefined) s = 'undefined';
  else if (typeof v === 'object' && v !== null) {
    const msg = asMessage(v);
    if (msg) s = `${msg.role}: ${JSON.stringify(messageText(msg))}`;
    else {
      try {
        s = JSON.stringify(v) ?? String(v);
      } catch {
        s = String(v);
      }
    }
  } else s = String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Pretty JSON for copying (strings copy as themselves, not quoted). */
export function copyText(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    return String(v);
  }
}

export function pathString(path: readonly PathSeg[]): string {
  return formatPath(path as PathSeg[]);
}

/** A UUID in an element's id (a message's): shown by its last 8 characters. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}([0-9a-f]{8})/gi;

/**
 * A path to read: as pathString, with each UUID in an element's id cut to its last 8 characters
 * (`messages[id=run-…f1698b87-tool-call_calc_1]`): a UUID per message made every path a line of
 * hex. Its end, not its start: a UUIDv7 begins with the time, the same for every message of a
 * run. The full path is what is copied, and in the tooltip.
 */
export function shortPath(path: readonly PathSeg[]): string {
  return formatPath(path.map((s) => (typeof s === 'object' ? { id: s.id.replace(UUID, '…$1') } : s)));
}

// ---- chat messages --------------------------------------------------------------------------

export interface ToolCall {
  id: string | null;
  name: string;
  args: unknown;
}

export interface ChatMessage {
  role: 'human' | 'ai' | 'tool' | 'system' | string;
  id: string | null;
  name: string | null;
  content: unknown;
  toolCalls: ToolCall[];
  /** For tool results: the call they answer. */
  toolCallId: string | null;
  /** For tool results: 'error' when the tool failed. */
  status: string | null;
}

const ROLE_ALIASES: Record<string, string> = {
  user: 'human',
  human: 'human',
  HumanMessage: 'human',
  HumanMessageChunk: 'human',
  assistant: 'ai',
  ai: 'ai',
  AIMessage: 'ai',
  AIMessageChunk: 'ai',
  tool: 'tool',
  ToolMessage: 'tool',
  ToolMessageChunk: 'tool',
  system: 'system',
  SystemMessage: 'system',
  developer: 'system',
  function: 'tool',
};

/**
 * A LangChain / OpenAI style message in any of its serialized forms, or null:
 * `{type:'ai', content, tool_calls}`, `{role:'assistant', content}`, `{lc:1, id:[…,'AIMessage'], kwargs:{…}}`.
 */
export function asMessage(v: unknown): ChatMessage | null {
  if (!isRecord(v)) return null;
  let m: Record<string, unknown> = v;
  let roleHint: string | undefined;
  if (v.lc === 1 && isRecord(v.kwargs) && Array.isArray(v.id)) {
    m = v.kwargs;
    roleHint = String(v.id[v.id.length - 1]);
  }
  if (!('content' in m)) return null;
  const raw = roleHint ?? (typeof m.type === 'string' ? m.type : typeof m.role === 'string' ? m.role : undefined);
  if (raw === undefined) return null;
  const role = ROLE_ALIASES[raw] ?? (typeof m.role === 'string' ? m.role : raw);
  if (!ROLE_ALIASES[raw] && typeof m.role !== 'string') return null;
  const calls: ToolCall[] = [];
  if (Array.isArray(m.tool_calls)) {
    for (const c of m.tool_calls) {
      if (!isRecord(c)) continue;
      // OpenAI shape: {id, function: {name, arguments: "json"}}.
      const fn = isRecord(c.function) ? c.function : null;
      const name = typeof c.name === 'string' ? c.name : fn && typeof fn.name === 'string' ? fn.name : '(tool)';
      let args: unknown = 'args' in c ? c.args : fn ? fn.arguments : undefined;
      if (typeof args === 'string') {
        try {
          args = JSON.parse(args);
        } catch {
          /* keep the text */
        }
      }
      calls.push({ id: typeof c.id === 'string' ? c.id : null, name, args });
    }
  }
  return {
    role,
    id: typeof m.id === 'string' ? m.id : null,
    name: typeof m.name === 'string' && m.name ? m.name : null,
    content: m.content,
    toolCalls: calls,
    toolCallId: typeof m.tool_call_id === 'string' ? m.tool_call_id : null,
    status: typeof m.status === 'string' ? m.status : null,
  };
}

/** Whether an array looks like a conversation (worth showing as chat). */
export function isMessageList(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => asMessage(x) !== null);
}

/** The text of a message's content: a string, or the text blocks of a content array. */
export function messageText(m: ChatMessage): string {
  const c = m.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    return c
      .map((b) => (typeof b === 'string' ? b : isRecord(b) && typeof b.text === 'string' ? b.text : ''))
      .filter(Boolean)
      .join('\n');
  }
  return c === null || c === undefined ? '' : preview(c, 400);
}

/** Content blocks that are not text (images, tool_use…), shown as values. */
export function nonTextBlocks(m: ChatMessage): unknown[] {
  return Array.isArray(m.content) ? m.content.filter((b) => !(typeof b === 'string' || (isRecord(b) && b.type === 'text' && typeof b.text === 'string'))) : [];
}

/** Tool results by the id of the call they answer, from any number of message lists. */
export function toolResults(...lists: unknown[]): Map<string, ChatMessage> {
  const out = new Map<string, ChatMessage>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const v of list) {
      const m = asMessage(v);
      if (m && m.role === 'tool' && m.toolCallId) out.set(m.toolCallId, m);
    }
  }
  return out;
}

/** Tool calls by id (to name the call a tool result answers). */
export function toolCalls(...lists: unknown[]): Map<string, ToolCall> {
  const out = new Map<string, ToolCall>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const v of list) {
      const m = asMessage(v);
      if (m) for (const c of m.toolCalls) if (c.id) out.set(c.id, c);
    }
  }
  return out;
}

/** Short label of a call: `calculator(a: 6, op: "*", b: 7)`. */
export function callLabel(c: ToolCall, max = 160): string {
  let args: string;
  if (isRecord(c.args)) args = Object.entries(c.args).map(([k, v]) => `${k}: ${preview(v, 60)}`).join(', ');
  else args = c.args === undefined ? '' : preview(c.args, 100);
  const s = `${c.name}(${args})`;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A spoken summary of a change, for screen readers. */
export function describeChange(c: Change): string {
  const where = shortPath(c.path);
  switch (c.kind) {
    case 'added':
      return `added ${where}: ${preview(c.after, 160)}`;
    case 'removed':
      return `removed ${where}: ${preview(c.before, 160)}`;
    case 'changed':
      return `changed ${where} from ${preview(c.before, 80)} to ${preview(c.after, 80)}`;
    default:
      return `reordered ${where}`;
  }
}
