// Where a graph's node lives in its source, found by reading the text (no `vscode`: the host adds
// the editor's symbols on top, and this part is tested in plain Node). It understands the calls
// LangGraph graphs are built with:
//   TS/JS   .addNode("name", fn)   .addNode("name", async (s) => …)   .addNode("name", factory(…))
//   Python  .add_node("name", fn)  .add_node(fn)  (named after the function)  add_node("name", action=fn)
// across lines, with comments and strings (Python docstrings too) ignored.

export type SourceLang = 'python' | 'js';

export function langOf(path: string): SourceLang {
  return /\.pyi?$/i.test(path) ? 'python' : 'js';
}

/** What the node's function argument is. `offset` is where that argument starts. */
export type NodeTarget =
  | { kind: 'ref'; name: string; offset: number; nameOffset: number } // fn, module.fn
  | { kind: 'call'; name: string; offset: number; nameOffset: number } // factory(…), new ToolNode(…): the callee
  | { kind: 'inline'; offset: number } // async (state) => …, function (…) {…}, lambda s: …
  | { kind: 'other'; offset: number }
  | { kind: 'none' };

export interface NodeCall {
  /** The node's name as the graph knows it. */
  name: string;
  /** Offset of `addNode` / `add_node`. */
  offset: number;
  target: NodeTarget;
}

/**
 * Masks comments and the insides of strings with spaces (offsets and newlines kept), so a regular
 * expression over the result only sees code. String delimiters stay, so a literal's extent is
 * still visible.
 */
export function maskCode(text: string, lang: SourceLang): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (lang === 'js' && c === '/' && text[i + 1] === '/') {
      const end = lineEnd(text, i);
      blank(i, end);
      i = end;
    } else if (lang === 'js' && c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      blank(i, end);
      i = end;
    } else if (lang === 'python' && c === '#') {
      const end = lineEnd(text, i);
      blank(i, end);
      i = end;
    } else if (c === '"' || c === "'" || (lang === 'js' && c === '`')) {
      const triple = lang === 'python' && text.startsWith(c.repeat(3), i);
      const end = stringEnd(text, i, triple ? c.repeat(3) : c, lang);
      const q = triple ? 3 : 1;
      blank(i + q, Math.max(i + q, end - q));
      i = end;
    } else {
      i++;
    }
  }
  return out.join('');
}

function lineEnd(text: string, i: number): number {
  const e = text.indexOf('\n', i);
  return e < 0 ? text.length : e;
}

/** Offset just past the string literal opened at `i` with `quote`. */
function stringEnd(text: string, i: number, quote: string, lang: SourceLang): number {
  let k = i + quote.length;
  while (k < text.length) {
    const c = text[k];
    if (c === '\\') {
      k += 2;
      continue;
    }
    if (text.startsWith(quote, k)) return k + quote.length;
    // An unterminated one-line string ends at the line (a template literal or a triple quote spans lines).
    if (c === '\n' && quote.length === 1 && !(lang === 'js' && quote === '`')) return k;
    k++;
  }
  return text.length;
}

interface Arg {
  text: string;
  offset: number;
}

/** The top-level arguments of the call whose `(` is at `open` (in the masked text). */
function callArgs(masked: string, text: string, open: number): Arg[] {
  const args: Arg[] = [];
  let depth = 0;
  let start = open + 1;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim()) args.push({ text: raw.trim(), offset: start + lead });
  };
  for (let k = open; k < masked.length; k++) {
    const c = masked[k];
    if (c === '"' || c === "'" || c === '`') {
      // The mask left the delimiters: skip to the closing one.
      const close = masked.indexOf(c, k + 1);
      if (close < 0) break;
      k = close;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        push(k);
        return args;
      }
    } else if (c === ',' && depth === 1) {
      push(k);
      start = k + 1;
    }
  }
  return args;
}

const STRING = /^(?:[rRuUbBfF]{0,2})(["'`])([\s\S]*)\1$/;
const DOTTED = /^[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*$/;
const CALL = /^(?:new\s+)?([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*(?:<[^()]*>)?\s*\(/;
const INLINE = /^(?:async\b|function\b|lambda\b|\(|[A-Za-z_$][\w$]*\s*=>)/;
const KEYWORD = /^([A-Za-z_]\w*)\s*=(?!=)\s*/;

function lastSegment(dotted: string): string {
  const parts = dotted.split('.');
  return parts[parts.length - 1].trim();
}

function stringValue(a: Arg): string | undefined {
  const m = STRING.exec(a.text);
  if (!m || m[2].includes(m[1])) return undefined;
  return m[2].replace(/\\(.)/g, '$1');
}

function targetOf(a: Arg | undefined): NodeTarget {
  if (!a) return { kind: 'none' };
  const t = a.text;
  if (INLINE.test(t)) return { kind: 'inline', offset: a.offset };
  if (DOTTED.test(t)) {
    const name = lastSegment(t);
    return { kind: 'ref', name, offset: a.offset, nameOffset: a.offset + t.lastIndexOf(name) };
  }
  const call = CALL.exec(t);
  if (call) {
    const name = lastSegment(call[1]);
    return { kind: 'call', name, offset: a.offset, nameOffset: a.offset + call[0].lastIndexOf(name) };
  }
  return { kind: 'other', offset: a.offset };
}

/** Every `addNode` / `add_node` call with a node name that can be read from the text. */
export function nodeCalls(text: string, lang: SourceLang): NodeCall[] {
  const masked = maskCode(text, lang);
  const out: NodeCall[] = [];
  const re = /\b(addNode|add_node)\s*\(/g;
  for (let m = re.exec(masked); m; m = re.exec(masked)) {
    const open = m.index + m[0].length - 1;
    const raw = callArgs(masked, text, open);
    // Python keywords: add_node(node="x", action=fn); positional ones come first.
    const positional: Arg[] = [];
    const kw = new Map<string, Arg>();
    for (const a of raw) {
      const k = lang === 'python' ? KEYWORD.exec(a.text) : null;
      if (k) kw.set(k[1], { text: a.text.slice(k[0].length).trim(), offset: a.offset + k[0].length });
      else positional.push(a);
    }
    const first = positional[0] ?? kw.get('node');
    if (!first) continue;
    const name = stringValue(first);
    if (name !== undefined) {
      out.push({ name, offset: m.index, target: targetOf(positional[1] ?? kw.get('action')) });
    } else if (lang === 'python' && DOTTED.test(first.text)) {
      // add_node(fn): the node takes the function's name.
      const fn = lastSegment(first.text);
      out.push({ name: fn, offset: m.index, target: { kind: 'ref', name: fn, offset: first.offset, nameOffset: first.offset + first.text.lastIndexOf(fn) } });
    }
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Offset of `name` where it is defined: `function name`, `const|let|var name =`, `class name`,
 * `def name(`, a module-level `name = …` in Python. The least indented definition wins (a
 * module-level function over a same-named local), then the first.
 */
export function definitionOffset(text: string, name: string, lang: SourceLang): number | undefined {
  const masked = maskCode(text, lang);
  const id = escapeRe(name);
  const patterns = lang === 'python'
    ? [`^([ \\t]*)(?:async[ \\t]+)?def[ \\t]+(${id})[ \\t]*\\(`, `^([ \\t]*)class[ \\t]+(${id})\\b`, `^()(${id})[ \\t]*(?::[^=\\n]*)?=(?!=)`]
    : [
      `^([ \\t]*)(?:export[ \\t]+)?(?:default[ \\t]+)?(?:async[ \\t]+)?function[ \\t]*\\*?[ \\t]*(${id})\\b`,
      `^([ \\t]*)(?:export[ \\t]+)?(?:const|let|var)[ \\t]+(${id})\\b[^=\\n]*=(?!=)`,
      `^([ \\t]*)(?:export[ \\t]+)?(?:default[ \\t]+)?(?:abstract[ \\t]+)?class[ \\t]+(${id})\\b`,
    ];
  let best: { indent: number; offset: number } | undefined;
  for (const p of patterns) {
    const re = new RegExp(p, 'gmd');
    for (let m = re.exec(masked); m; m = re.exec(masked)) {
      const offset = m.indices![2][0];
      const indent = m[1].length;
      if (!best || indent < best.indent || (indent === best.indent && offset < best.offset)) best = { indent, offset };
    }
  }
  return best?.offset;
}

export type NodeLocationKind = 'definition' | 'inline' | 'call' | 'mention';

export interface NodeLocation {
  offset: number;
  /**
   * definition: the node's function (or the factory that makes it); inline: the function written
   * in the call; call: the `addNode` call (the function is not defined in this file);
   * mention: only the node's name as a string (nodes added in a loop, say).
   */
  kind: NodeLocationKind;
  /** The function's name, when the call names one: the host asks the editor's symbols for it. */
  symbol?: string;
  /** Where that name is written in the call (where a definition provider can resolve an import). */
  symbolOffset?: number;
  /** Where `addNode` / `add_node` is, when there is such a call. */
  callOffset?: number;
}

/** Where node `node` is in `text`, best first: its function, else its addNode call, else its name. */
export function locateNode(text: string, node: string, lang: SourceLang): NodeLocation | undefined {
  const call = nodeCalls(text, lang).find((c) => c.name === node);
  if (call) {
    const t = call.target;
    if (t.kind === 'ref' || t.kind === 'call') {
      const def = definitionOffset(text, t.name, lang);
      const named = { symbol: t.name, symbolOffset: t.nameOffset, callOffset: call.offset };
      return def !== undefined ? { offset: def, kind: 'definition', ...named } : { offset: call.offset, kind: 'call', ...named };
    }
    if (t.kind === 'inline') return { offset: t.offset, kind: 'inline', callOffset: call.offset };
    return { offset: call.offset, kind: 'call', callOffset: call.offset };
  }
  // Not added with a literal name (e.g. `for (const [name, fn] of STEPS) g.addNode(name, fn)`): the
  // first place the name is written as a string is the best guess left.
  const masked = maskCode(text, lang);
  const re = new RegExp(`(["'\`])${escapeRe(node)}\\1`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // The mask keeps delimiters and blanks contents: a real literal is `"` + spaces + `"` there.
    if (masked[m.index] === m[1] && masked.slice(m.index + 1, m.index + 1 + node.length).trim() === '') return { offset: m.index, kind: 'mention' };
  }
  return undefined;
}

/** Zero-based line and character of `offset`. */
export function lineCol(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

/** The graph files a langgraph.json names: `{"graphs": {"id": "./path.ts:graph" | {"path": …}}}`. */
export function graphFiles(config: unknown, graphId?: string): { graphId: string; file: string }[] {
  const graphs = isObject(config) && isObject(config.graphs) ? config.graphs : {};
  const out: { graphId: string; file: string }[] = [];
  for (const [id, spec] of Object.entries(graphs)) {
    if (graphId && id !== graphId) continue;
    const path = typeof spec === 'string' ? spec : isObject(spec) && typeof spec.path === 'string' ? spec.path : undefined;
    if (!path) continue;
    // "./src/agent.py:graph" — the part before the last colon (a Windows drive letter has one too).
    const colon = path.lastIndexOf(':');
    const file = colon > 1 ? path.slice(0, colon) : path;
    out.push({ graphId: id, file });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
