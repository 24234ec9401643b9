// Read-only paths and conditions over a run's state, for the debugger's Watch, Debug Console and
// conditional breakpoints: `messages[-1].content`, `documents.length`, `ticks >= 3 && last_step == "crunch"`.
// Run data is never evaluated: this is a small parser of its own, no `eval`, no `Function`.

export type Segment = string | number;

export class PathError extends Error {}

const IDENT = /^[A-Za-z_$][\w$]*/;

/**
 * `a.b[0]["c d"][-1].length` → ['a', 'b', 0, 'c d', -1, 'length']. A leading `$` alone or an
 * empty text is the whole value. Negative indexes count from the end.
 */
export function parsePath(text: string): Segment[] {
  const s = text.trim();
  const out: Segment[] = [];
  let i = 0;
  if (s === '' || s === '$') return out;
  if (s.startsWith('$.') || s.startsWith('$[')) i = 1;
  let first = i === 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) throw new PathError(`missing "]" after position ${i} in ${JSON.stringify(text)}`);
      const inner = s.slice(i + 1, close).trim();
      if (/^-?\d+$/.test(inner)) out.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner) || /^'[^']*'$/.test(inner)) out.push(inner[0] === '"' ? (JSON.parse(inner) as string) : inner.slice(1, -1));
      else throw new PathError(`[${inner}] is not an index or a quoted key (write [0], [-1] or ["key"])`);
      i = close + 1;
    } else {
      if (c === '.') i++;
      else if (!first) throw new PathError(`unexpected ${JSON.stringify(c)} at position ${i} in ${JSON.stringify(text)}`);
      const m = IDENT.exec(s.slice(i));
      if (!m) throw new PathError(`a name is expected at position ${i} in ${JSON.stringify(text)}`);
      out.push(m[0]);
      i += m[0].length;
    }
    first = false;
  }
  return out;
}

export type Read = { ok: true; value: unknown } | { ok: false; reason: string };

/** The value at `path`: `length` of an array or a string is its length. */
export function readPath(root: unknown, path: Segment[]): Read {
  let v = root;
  const done: Segment[] = [];
  for (const seg of path) {
    if (Array.isArray(v) || typeof v === 'string') {
      if (seg === 'length') {
        v = v.length;
      } else if (typeof seg === 'number') {
        const k = seg < 0 ? v.length + seg : seg;
        if (k < 0 || k >= v.length) return { ok: false, reason: `${show(done)} has ${v.length} item${v.length === 1 ? '' : 's'}: no index ${seg}` };
        v = v[k];
      } else return { ok: false, reason: `${show(done)} is a list: no key "${seg}"` };
    } else if (typeof v === 'object' && v !== null) {
      const key = String(seg);
      if (!Object.prototype.hasOwnProperty.call(v, key)) return { ok: false, reason: `${show(done)} has no key "${key}"` };
      v = (v as Record<string, unknown>)[key];
    } else {
      return { ok: false, reason: `${show(done)} is ${v === null ? 'null' : typeof v}: no ${typeof seg === 'number' ? `index ${seg}` : `key "${seg}"`}` };
    }
    done.push(seg);
  }
  return { ok: true, value: v };
}

/** A path written back the way it parses. */
export function show(path: Segment[]): string {
  if (path.length === 0) return 'the state';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? (i ? `.${p}` : p) : `[${JSON.stringify(p)}]`)).join('');
}

// ---- conditions ------------------------------------------------------------------------------
// expr   := or
// or     := and ('||' and)*
// and    := unary ('&&' unary)*
// unary  := '!' unary | cmp
// cmp    := operand (('=='|'!='|'<'|'<='|'>'|'>=') operand)?
// operand:= JSON literal (number, "string", true, false, null) | path | '(' expr ')'

type Tok = { k: 'op'; v: string } | { k: 'lit'; v: unknown } | { k: 'path'; v: string } | { k: 'end' };

function tokens(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    const three = text.slice(i, i + 3);
    if (three === '===' || three === '!==') { out.push({ k: 'op', v: three.slice(0, 2) }); i += 3; continue; }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) { out.push({ k: 'op', v: two }); i += 2; continue; }
    if ('<>!()'.includes(c)) { out.push({ k: 'op', v: c }); i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new PathError(`unclosed string starting at position ${i}`);
      const raw = text.slice(i, j + 1);
      out.push({ k: 'lit', v: c === '"' ? JSON.parse(raw) : raw.slice(1, -1) });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) { out.push({ k: 'lit', v: Number(num[0]) }); i += num[0].length; continue; }
    // A path runs until whitespace or an operator outside brackets.
    let j = i;
    let depth = 0;
    while (j < text.length) {
      const d = text[j];
      if (d === '[') depth++;
      else if (d === ']') depth--;
      else if (depth === 0 && (/\s/.test(d) || '<>!=&|()'.includes(d))) break;
      j++;
    }
    if (j === i) throw new PathError(`unexpected ${JSON.stringify(c)} at position ${i}`);
    const word = text.slice(i, j);
    if (word === 'true' || word === 'false' || word === 'null') out.push({ k: 'lit', v: JSON.parse(word) });
    else { parsePath(word); out.push({ k: 'path', v: word }); }
    i = j;
  }
  out.push({ k: 'end' });
  return out;
}

type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'path'; p: Segment[] }
  | { t: 'not'; a: Node }
  | { t: 'bin'; op: string; a: Node; b: Node };

/** Parses a condition once (a syntax error is reported when the breakpoint is set). */
export function parseCondition(text: string): Node {
  const ts = tokens(text);
  let i = 0;
  const peek = () => ts[i];
  const isOp = (v: string) => { const t = peek(); return t.k === 'op' && t.v === v; };
  const or = (): Node => { let a = and(); while (isOp('||')) { i++; a = { t: 'bin', op: '||', a, b: and() }; } return a; };
  const and = (): Node => { let a = unary(); while (isOp('&&')) { i++; a = { t: 'bin', op: '&&', a, b: unary() }; } return a; };
  const unary = (): Node => { if (isOp('!')) { i++; return { t: 'not', a: unary() }; } return cmp(); };
  const cmp = (): Node => {
    const a = operand();
    const t = peek();
    if (t.k === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) { i++; return { t: 'bin', op: t.v, a, b: operand() }; }
    return a;
  };
  const operand = (): Node => {
    const t = ts[i++];
    if (t.k === 'lit') return { t: 'lit', v: t.v };
    if (t.k === 'path') return { t: 'path', p: parsePath(t.v) };
    if (t.k === 'op' && t.v === '(') {
      const e = or();
      if (!isOp(')')) throw new PathError('missing ")"');
      i++;
      return e;
    }
    throw new PathError(t.k === 'end' ? 'the condition ends too early' : `unexpected "${(t as { v: string }).v}"`);
  };
  const e = or();
  if (peek().k !== 'end') throw new PathError(`unexpected "${(peek() as { v: string }).v}" after a complete condition`);
  return e;
}

/** Evaluates a parsed condition on `state`. A missing path is `undefined` (so `x == null` is true). */
export function evalCondition(node: Node, state: unknown): unknown {
  switch (node.t) {
    case 'lit': return node.v;
    case 'path': { const r = readPath(state, node.p); return r.ok ? r.value : undefined; }
    case 'not': return !truthy(evalCondition(node.a, state));
    case 'bin': {
      if (node.op === '&&') return truthy(evalCondition(node.a, state)) && truthy(evalCondition(node.b, state));
      if (node.op === '||') return truthy(evalCondition(node.a, state)) || truthy(evalCondition(node.b, state));
      const a = evalCondition(node.a, state);
      const b = evalCondition(node.b, state);
      switch (node.op) {
        case '==': return same(a, b);
        case '!=': return !same(a, b);
        case '<': return comparable(a, b) && (a as number) < (b as number);
        case '<=': return comparable(a, b) && (a as number) <= (b as number);
        case '>': return comparable(a, b) && (a as number) > (b as number);
        case '>=': return comparable(a, b) && (a as number) >= (b as number);
      }
    }
  }
  return undefined;
}

export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object' && v !== null) return Object.keys(v).length > 0;
  return Boolean(v);
}

function same(a: unknown, b: unknown): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

function comparable(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

// ---- hit conditions --------------------------------------------------------------------------

export interface HitCondition {
  test(hits: number): boolean;
  text: string;
}

/** `3` or `== 3` (the third hit only), `>= 3`, `> 3`, `< 3`, `<= 3`, `% 3` (every third). */
export function parseHitCondition(text: string): HitCondition {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) throw new PathError(`hit count ${JSON.stringify(text)}: write a number (3), or ==, >=, >, <, <= or % and a number`);
  const op = m[1] ?? '==';
  const n = Number(m[2]);
  if (op === '%' && n === 0) throw new PathError('hit count "% 0": the divisor must be at least 1');
  const test = (h: number) => (op === '==' ? h === n : op === '>=' ? h >= n : op === '<=' ? h <= n : op === '>' ? h > n : op === '<' ? h < n : h % n === 0);
  return { test, text: `${op} ${n}` };
}
