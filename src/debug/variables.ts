// The Variables view's tree over a stopped run: scopes State, Next tasks, Interrupt, Checkpoint.
// Children are made on demand (a 10,000-message state costs only the page the view asks for), and
// previews are short text (`human: "hello"`). Values are shown as text, never evaluated.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { oneLine } from '../shared/text';
import { isRecord } from '../shared/events';
import { show, type Segment } from '../shared/valuePath';

export type ScopeKind = 'state' | 'tasks' | 'interrupt' | 'checkpoint' | 'eval';

export interface Ref {
  value: unknown;
  /** Path from the scope's root value. */
  path: Segment[];
  scope: ScopeKind;
  /** Set Value applies (State scope, root graph). */
  editable: boolean;
}

/** Arrays longer than this are shown in pages (the view asks for start/count). */
export const PAGE = 100;

/** A LangChain message as it comes over the wire: `{type, content}` (or a serialised constructor). */
function messageOf(v: unknown): { role: string; text: string } | undefined {
  if (!isRecord(v)) return undefined;
  const kw = isRecord(v.kwargs) && v.lc === 1 ? v.kwargs : v;
  const role = typeof kw.type === 'string' ? kw.type : typeof kw.role === 'string' ? kw.role : undefined;
  if (!role || !('content' in kw)) return undefined;
  const c = kw.content;
  let text = typeof c === 'string' ? c : Array.isArray(c) ? c.map((p) => (typeof p === 'string' ? p : isRecord(p) && typeof p.text === 'string' ? p.text : '')).join(' ') : JSON.stringify(c) ?? '';
  const calls = Array.isArray(kw.tool_calls) ? kw.tool_calls.length : 0;
  if (!text && calls) text = `${calls} tool call${calls === 1 ? '' : 's'}`;
  return { role: role === 'ai' && typeof kw.name === 'string' && kw.name ? `ai (${kw.name})` : role, text };
}

/** One line that says what a value is. */
export function preview(v: unknown, max = 120): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(oneLine(v, max));
  if (typeof v !== 'object') return String(v);
  const m = messageOf(v);
  if (m) return `${m.role}: ${JSON.stringify(oneLine(m.text, max))}`;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const msgs = v.every((x) => messageOf(x));
    const last = messageOf(v[v.length - 1]);
    if (msgs && last) return `${v.length} message${v.length === 1 ? '' : 's'}, last ${last.role}: ${JSON.stringify(oneLine(last.text, 60))}`;
    const head = v.slice(0, 5).map((x) => (typeof x === 'object' && x !== null ? (Array.isArray(x) ? `[${x.length}]` : '{…}') : preview(x, 30))).join(', ');
    return `(${v.length}) [${head}${v.length > 5 ? ', …' : ''}]`;
  }
  const keys = Object.keys(v);
  return `{${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}}`;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return messageOf(v[0]) ? 'messages' : 'list';
  if (messageOf(v)) return 'message';
  return typeof v === 'object' ? 'object' : typeof v;
}

export class VariableStore {
  private refs = new Map<number, Ref>();
  private next = 1;

  /** Every reference dies when the run moves on (DAP: references are valid while stopped). */
  reset(): void {
    this.refs.clear();
  }

  get(ref: number): Ref | undefined {
    return this.refs.get(ref);
  }

  private add(r: Ref): number {
    const id = this.next++;
    this.refs.set(id, r);
    return id;
  }

  /** A reference for a value that has children (0 for a leaf). */
  refFor(r: Ref): number {
    return typeof r.value === 'object' && r.value !== null && (Array.isArray(r.value) ? r.value.length > 0 : Object.keys(r.value).length > 0) ? this.add(r) : 0;
  }

  scope(name: string, r: Ref, presentationHint?: DebugProtocol.Scope['presentationHint']): DebugProtocol.Scope {
    const ref = this.add(r);
    return { name, variablesReference: ref, expensive: false, presentationHint, ...counts(r.value) };
  }

  variable(name: string, r: Ref): DebugProtocol.Variable {
    const v = r.value;
    return {
      name,
      value: preview(v),
      type: typeOf(v),
      evaluateName: r.scope === 'state' ? show(r.path) : undefined,
      variablesReference: this.refFor(r),
      ...counts(v),
      presentationHint: r.editable ? undefined : { attributes: ['readOnly'] },
    };
  }

  /** The children of `ref`, paged for long lists. */
  children(ref: number, start = 0, count = 0): DebugProtocol.Variable[] {
    const r = this.refs.get(ref);
    if (!r) return [];
    const v = r.value;
    const child = (name: string, key: Segment, value: unknown) => this.variable(name, { value, path: [...r.path, key], scope: r.scope, editable: r.editable });
    if (Array.isArray(v)) {
      const end = count > 0 ? Math.min(v.length, start + count) : v.length > PAGE && start === 0 && count === 0 ? Math.min(v.length, PAGE) : v.length;
      const out: DebugProtocol.Variable[] = [];
      for (let i = start; i < end; i++) out.push(child(String(i), i, v[i]));
      return out;
    }
    if (isRecord(v)) return Object.entries(v).map(([k, x]) => child(k, k, x));
    return [];
  }
}

function counts(v: unknown): { indexedVariables?: number; namedVariables?: number } {
  if (Array.isArray(v)) return { indexedVariables: v.length };
  if (isRecord(v)) return { namedVariables: Object.keys(v).length };
  return {};
}

/** Set Value's text → a JSON value, or a message that says how to write one. */
export function parseValue(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: `Set Value wants JSON: ${JSON.stringify(oneLine(text, 60))} is not. Write strings in double quotes ("done"), numbers bare (3), lists [ … ] and objects { "key": … }.` };
  }
}

/** `root` with the value at `path` replaced (copies along the path; the original is not changed). */
export function withValue(root: unknown, path: Segment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = root.slice();
    const i = typeof head === 'number' ? (head < 0 ? copy.length + head : head) : Number(head);
    copy[i] = withValue(copy[i], rest, value);
    return copy;
  }
  const obj = isRecord(root) ? { ...root } : {};
  obj[String(head)] = withValue(obj[String(head)], rest, value);
  return obj;
}
