// Nodes ↔ their text in a graph file: the `addNode(…)` / `add_node(…)` call and the body of the
// function it names (defined in the same file). Source breakpoints use the lines (src/debug); a
// run keeps a fingerprint of each node's text, so a later save can say which nodes' code changed
// since. Pure.
import { definitionOffset, lineCol, maskCode, nodeCalls, type SourceLang } from './nodeSourceParse';

export interface NodeSpan {
  node: string;
  /** Zero-based, inclusive. */
  fromLine: number;
  toLine: number;
  /** 'call': the addNode line(s); 'body': the function's body. */
  kind: 'call' | 'body';
  /** Offsets of the span's text: `text.slice(from, to)`. */
  from: number;
  to: number;
}

/** Offset just past the bracket that closes the one at `open` (masked text: strings/comments blank). */
function closing(masked: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < masked.length; i++) {
    const c = masked[i];
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return i + 1;
      if (stack.length === 0) return i + 1;
    }
  }
  return masked.length;
}

/** Where the function defined (or written) at `offset` ends. */
function functionEnd(masked: string, offset: number, lang: SourceLang): number {
  if (lang === 'python') {
    const lineStart = masked.lastIndexOf('\n', offset) + 1;
    const indent = /^[ \t]*/.exec(masked.slice(lineStart))![0].length;
    // The header may span lines (parameters): find its colon at bracket depth 0.
    let i = offset;
    let depth = 0;
    for (; i < masked.length; i++) {
      const c = masked[i];
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
      else if (c === ':' && depth === 0) break;
    }
    let end = masked.indexOf('\n', i);
    if (end < 0) return masked.length;
    for (let p = end + 1; p < masked.length;) {
      const nl = masked.indexOf('\n', p);
      const line = masked.slice(p, nl < 0 ? masked.length : nl);
      if (line.trim() !== '') {
        if (/^[ \t]*/.exec(line)![0].length <= indent) break;
        end = nl < 0 ? masked.length : nl;
      }
      if (nl < 0) break;
      p = nl + 1;
    }
    return end;
  }
  // JS/TS: `function f(…) {…}`, `const f = (…) => {…}` / `=> (…)` / `=> expr`, a class.
  let depth = 0;
  for (let i = offset; i < masked.length; i++) {
    const c = masked[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && c === '{') return closing(masked, i);
    else if (depth === 0 && c === '=' && masked[i + 1] === '>') {
      let j = i + 2;
      while (j < masked.length && /\s/.test(masked[j])) j++;
      if ('({['.includes(masked[j])) return closing(masked, j);
      const semi = masked.slice(j).search(/[;\n]/);
      return semi < 0 ? masked.length : j + semi;
    } else if (depth === 0 && c === ';') return i;
  }
  return masked.length;
}

/** Every node's lines in one file. */
export function nodeSpans(text: string, lang: SourceLang): NodeSpan[] {
  const masked = maskCode(text, lang);
  const line = (off: number) => lineCol(text, off).line;
  const out: NodeSpan[] = [];
  for (const call of nodeCalls(text, lang)) {
    const open = masked.indexOf('(', call.offset);
    const end = closing(masked, open);
    out.push({ node: call.name, fromLine: line(call.offset), toLine: line(Math.max(call.offset, end - 1)), kind: 'call', from: call.offset, to: end });
    const t = call.target;
    if (t.kind === 'ref' || t.kind === 'call') {
      const def = definitionOffset(text, t.name, lang);
      if (def !== undefined) {
        const to = functionEnd(masked, def, lang);
        out.push({ node: call.name, fromLine: line(def), toLine: line(Math.max(def, to - 1)), kind: 'body', from: def, to });
      }
    }
  }
  return out;
}

/** What the tree, the panel and their accessible names say of a run whose nodes' code changed since. */
export const CODE_CHANGED = 'code changed since this run';

/** Node → a short hash of its code; what two saves of a file are compared by. */
export type NodeFingerprints = Record<string, string>;

/**
 * Each node's fingerprint: its call and its function's body, with comments left out and
 * whitespace runs made one space (a reformat or a new comment changes nothing; string contents
 * count: a prompt is code). A node added twice hashes both.
 */
export function nodeFingerprints(text: string, lang: SourceLang): NodeFingerprints {
  const masked = maskCode(text, lang);
  const parts = new Map<string, string[]>();
  for (const s of nodeSpans(text, lang)) {
    let p = parts.get(s.node);
    if (!p) parts.set(s.node, (p = []));
    p.push(`${s.kind}:${normalized(text, masked, s.from, s.to)}`);
  }
  const out: NodeFingerprints = {};
  for (const [node, p] of parts) out[node] = fnv1a(p.join('\u0000'));
  return out;
}

/** The nodes whose fingerprint differs between two (a node only in one counts). */
export function changedNodes(before: NodeFingerprints, after: NodeFingerprints): string[] {
  const out: string[] = [];
  for (const n of Object.keys(before)) if (before[n] !== after[n]) out.push(n);
  for (const n of Object.keys(after)) if (!(n in before)) out.push(n);
  return out;
}

/** The text of `from…to`: comments out (masked blank outside strings), string contents kept, whitespace collapsed. */
function normalized(text: string, masked: string, from: number, to: number): string {
  let out = '';
  let inString = false;
  let quote = '';
  for (let i = from; i < to; i++) {
    const m = masked[i];
    const c = text[i];
    // A character masked blank is inside a comment or a string: keep it only inside a string.
    if (!inString && (m === '"' || m === "'" || m === '`')) {
      inString = true;
      quote = m;
      out += c;
      continue;
    }
    if (inString) {
      out += c;
      if (m === quote && c === quote) inString = false;
      continue;
    }
    out += m === c ? c : ' ';
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** 32-bit FNV-1a of the text's UTF-16 units, as 8 hex digits. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
