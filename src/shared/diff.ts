// Readable diffs between two JSON-like values: added / removed / changed paths, arrays of
// messages matched by id (not by index), long strings as word or line diffs. Pure.
//
// jsdiff does the sequence work it is good at: word/line diffs of text and the LCS of plain
// arrays (`diffArrays` with a deep-equality comparator). Objects and id-keyed arrays are walked
// here: jsdiff's own `diffJson` is a line diff of serialized JSON, which cannot say "messages[id=x]
// .content changed" and breaks on key order, so it does not fit the shapes a state diff needs.
import { diffArrays, diffLines, diffWords } from 'diff';

/** A step into a value: an object key, an array index, or an array element by its `id`. */
export type PathSeg = string | number | { id: string };

export interface TextPart {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

/**
 * One difference. Array positions, so that `applyChanges` can replay a diff exactly:
 * - `removed` with a number segment: index in the old array; with `{id}`: the old element with that id.
 * - `added` with a number segment: index in the new array; with `{id}`: `index` is its new position.
 * - `changed` (and deeper paths through an element): number = index in the new array, `{id}` = the
 *   element with that id in both.
 * - `moved`: the surviving elements of the array at `path` changed their relative order; `order`
 *   lists their old indices in their new order.
 */
export interface Change {
  kind: 'added' | 'removed' | 'changed' | 'moved';
  path: PathSeg[];
  before?: unknown;
  after?: unknown;
  index?: number;
  order?: number[];
  /** A word diff (or line diff for multi-line text) of a long string change. */
  text?: TextPart[];
}

export interface DiffOptions {
  /** Strings at least this long (or containing a newline) also get a text diff. Default 80. */
  textThreshold?: number;
  /** Give up on a text diff beyond this many edits (the change still lists before/after). */
  maxTextEdits?: number;
  /** …or when the edited middle of the two strings is longer than this. */
  maxTextChars?: number;
  /**
   * Match array elements by their `id` (default). Off, arrays are compared by position: what two
   * runs need, whose messages have different ids (or none once ids are left out).
   */
  matchById?: boolean;
}

const DEFAULTS: Required<DiffOptions> = { textThreshold: 80, maxTextEdits: 64, maxTextChars: 40_000, matchById: true };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON-like values (key order ignored; `undefined` keys count as absent). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    na++;
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  let nb = 0;
  for (const k in bo) if (bo[k] !== undefined) nb++;
  return na === nb;
}

/** The differences that turn `before` into `after`, in a stable order. */
export function diffValues(before: unknown, after: unknown, options: DiffOptions = {}, path: PathSeg[] = []): Change[] {
  const out: Change[] = [];
  walk(before, after, path, out, { ...DEFAULTS, ...options });
  return out;
}

function walk(a: unknown, b: unknown, path: PathSeg[], out: Change[], o: Required<DiffOptions>): void {
  if (a === b) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of Object.keys(a)) {
      if (a[k] === undefined) continue;
      if (b[k] === undefined) out.push({ kind: 'removed', path: [...path, k], before: a[k] });
      else walk(a[k], b[k], [...path, k], out, o);
    }
    for (const k of Object.keys(b)) {
      if (b[k] !== undefined && a[k] === undefined) out.push({ kind: 'added', path: [...path, k], after: b[k] });
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (o.matchById && isIdKeyed(a) && isIdKeyed(b) && (a.length > 0 || b.length > 0)) diffById(a, b, path, out, o);
    else diffSeq(a, b, path, out, o);
    return;
  }
  if (deepEqual(a, b)) return;
  const c: Change = { kind: 'changed', path, before: a, after: b };
  if (typeof a === 'string' && typeof b === 'string') {
    const t = textDiff(a, b, o);
    if (t) c.text = t;
  }
  out.push(c);
}

function idOf(v: unknown): string | undefined {
  return isPlainObject(v) && typeof v.id === 'string' ? v.id : undefined;
}

/**
 * Arrays whose elements are records and where those with an id have unique ids (messages, tool
 * calls, documents…). Id-less records are allowed: a parallel branch's messages have no id until
 * its superstep ends. At least one id is needed for the array to count as keyed.
 */
function isIdKeyed(arr: unknown[]): boolean {
  if (arr.length === 0) return true;
  const seen = new Set<string>();
  for (const v of arr) {
    if (!isPlainObject(v)) return false;
    const id = idOf(v);
    if (id === undefined) continue;
    if (seen.has(id)) return false;
    seen.add(id);
  }
  return seen.size > 0 || arr.every((v) => isPlainObject(v) && 'type' in v && 'content' in v);
}

/** Equal apart from `id` (how an id-less message looks next to the same message once it got one). */
function equalIgnoringId(a: unknown, b: unknown): boolean {
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const { id: _a, ...ra } = a;
  const { id: _b, ...rb } = b;
  return deepEqual(ra, rb);
}

function diffById(a: unknown[], b: unknown[], path: PathSeg[], out: Change[], o: Required<DiffOptions>): void {
  const oldById = new Map<string, number>();
  a.forEach((v, i) => {
    const id = idOf(v);
    if (id !== undefined) oldById.set(id, i);
  });
  const matchOfNew = new Array<number>(b.length).fill(-1);
  const matchedOld = new Uint8Array(a.length);
  b.forEach((v, j) => {
    const id = idOf(v);
    const i = id === undefined ? undefined : oldById.get(id);
    if (i !== undefined) {
      matchOfNew[j] = i;
      matchedOld[i] = 1;
    }
  });
  // Id-less old elements: pair, in order, with unmatched new elements that equal them but for the id.
  let scan = 0;
  for (let i = 0; i < a.length; i++) {
    if (matchedOld[i] || idOf(a[i]) !== undefined) continue;
    for (let j = scan; j < b.length; j++) {
      if (matchOfNew[j] === -1 && equalIgnoringId(a[i], b[j])) {
        matchOfNew[j] = i;
        matchedOld[i] = 1;
        scan = j + 1;
        break;
      }
    }
  }
  const seg = (i: number, j: number): PathSeg => {
    const ia = idOf(a[i]);
    return ia !== undefined && ia === idOf(b[j]) ? { id: ia } : j;
  };
  for (let i = 0; i < a.length; i++) {
    if (matchedOld[i]) continue;
    const id = idOf(a[i]);
    out.push({ kind: 'removed', path: [...path, id !== undefined ? { id } : i], before: a[i] });
  }
  const kept: number[] = [];
  for (let j = 0; j < b.length; j++) if (matchOfNew[j] >= 0) kept.push(matchOfNew[j]);
  for (let k = 1; k < kept.length; k++) {
    if (kept[k] < kept[k - 1]) {
      out.push({ kind: 'moved', path, order: kept });
      break;
    }
  }
  for (let j = 0; j < b.length; j++) {
    const i = matchOfNew[j];
    if (i >= 0) {
      walk(a[i], b[j], [...path, seg(i, j)], out, o);
    } else {
      const id = idOf(b[j]);
      out.push(id !== undefined ? { kind: 'added', path: [...path, { id }], index: j, after: b[j] } : { kind: 'added', path: [...path, j], after: b[j] });
    }
  }
}

function diffSeq(a: unknown[], b: unknown[], path: PathSeg[], out: Change[], o: Required<DiffOptions>): void {
  // Common prefix and suffix first: the usual change is an append, which then costs nothing.
  let pre = 0;
  while (pre < a.length && pre < b.length && deepEqual(a[pre], b[pre])) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && deepEqual(a[a.length - 1 - suf], b[b.length - 1 - suf])) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  if (am.length === 0 && bm.length === 0) return;
  const parts = am.length && bm.length ? diffArrays(am, bm, { comparator: deepEqual }) : [{ added: bm.length > 0, removed: am.length > 0, value: am.length ? am : bm, count: 0 }];
  let i = pre;
  let j = pre;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (!part.added && !part.removed) {
      i += part.value.length;
      j += part.value.length;
      continue;
    }
    if (part.removed) {
      const next = parts[p + 1];
      const added = next && next.added ? next.value : [];
      // A removed run followed by an added run: pair elements of the same shape as in-place changes.
      let k = 0;
      const removedIdx: number[] = [];
      const addedIdx: number[] = [];
      for (; k < part.value.length; k++) {
        if (k < added.length && sameShape(part.value[k], added[k])) continue;
        removedIdx.push(i + k);
      }
      for (let m = 0; m < added.length; m++) if (!(m < part.value.length && sameShape(part.value[m], added[m]))) addedIdx.push(j + m);
      for (const r of removedIdx) out.push({ kind: 'removed', path: [...path, r], before: a[r] });
      for (let m = 0; m < Math.min(part.value.length, added.length); m++) {
        if (sameShape(part.value[m], added[m])) walk(part.value[m], added[m], [...path, j + m], out, o);
      }
      for (const ad of addedIdx) out.push({ kind: 'added', path: [...path, ad], after: b[ad] });
      i += part.value.length;
      j += added.length;
      if (next && next.added) p++;
      continue;
    }
    for (let m = 0; m < part.value.length; m++) out.push({ kind: 'added', path: [...path, j + m], after: b[j + m] });
    j += part.value.length;
  }
}

function sameShape(x: unknown, y: unknown): boolean {
  if (Array.isArray(x)) return Array.isArray(y);
  if (isPlainObject(x)) return isPlainObject(y);
  return typeof x === 'string' && typeof y === 'string';
}

/**
 * A word diff (line diff for multi-line text) of an edited string, or undefined when the strings
 * are short or one replaced the other (more than `maxTextEdits` edits: a before/after says more).
 * The common head and tail are cut first, at a word or line boundary, so a small edit in a large
 * document costs a scan of it, not a tokenization.
 */
export function textDiff(a: string, b: string, options: DiffOptions = {}): TextPart[] | undefined {
  const o = { ...DEFAULTS, ...options };
  const multiline = a.includes('\n') || b.includes('\n');
  if (Math.max(a.length, b.length) < o.textThreshold && !multiline) return undefined;
  const boundary = multiline ? /\n/ : /\s/;
  let pre = 0;
  const max = Math.min(a.length, b.length);
  while (pre < max && a.charCodeAt(pre) === b.charCodeAt(pre)) pre++;
  while (pre > 0 && !boundary.test(a[pre - 1])) pre--;
  let suf = 0;
  while (suf < max - pre && a.charCodeAt(a.length - 1 - suf) === b.charCodeAt(b.length - 1 - suf)) suf++;
  while (suf > 0 && !boundary.test(a[a.length - suf - 1] ?? '\n')) suf--;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  // Edits all over a very large text: tokenizing it all would stall a view; before/after it is.
  if (am.length + bm.length > o.maxTextChars) return undefined;
  const mid = multiline ? diffLines(am, bm, { maxEditLength: o.maxTextEdits }) : diffWords(am, bm, { maxEditLength: o.maxTextEdits });
  if (!mid) return undefined;
  const parts: TextPart[] = [];
  if (pre) parts.push({ op: 'equal', text: a.slice(0, pre) });
  for (const p of mid) parts.push({ op: p.added ? 'insert' : p.removed ? 'delete' : 'equal', text: p.value });
  if (suf) parts.push({ op: 'equal', text: a.slice(a.length - suf) });
  return parts;
}

/** `messages[id=abc].content`, `notes[2]`, `(root)`. */
export function formatPath(path: PathSeg[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (typeof seg === 'string') s += /^[A-Za-z_$][\w$]*$/.test(seg) ? (s ? `.${seg}` : seg) : `[${JSON.stringify(seg)}]`;
    else s += `[id=${seg.id}]`;
  }
  return s || '(root)';
}

// ---- replay ---------------------------------------------------------------------------------

interface Node {
  self: Change[];
  kids: Map<string, { seg: PathSeg; node: Node }>;
}

function segKey(s: PathSeg): string {
  return typeof s === 'number' ? `#${s}` : typeof s === 'string' ? `.${s}` : `@${s.id}`;
}

/** Apply a diff made by `diffValues`: `applyChanges(a, diffValues(a, b))` deep-equals `b`. */
export function applyChanges(value: unknown, changes: readonly Change[]): unknown {
  const root: Node = { self: [], kids: new Map() };
  for (const c of changes) {
    let n = root;
    for (const s of c.path) {
      const k = segKey(s);
      let kid = n.kids.get(k);
      if (!kid) {
        kid = { seg: s, node: { self: [], kids: new Map() } };
        n.kids.set(k, kid);
      }
      n = kid.node;
    }
    n.self.push(c);
  }
  return applyNode(value, root);
}

function applyNode(value: unknown, n: Node): unknown {
  const whole = n.self.find((c) => c.kind === 'changed' || c.kind === 'added');
  if (whole && n.kids.size === 0) return whole.after;
  if (n.kids.size === 0 && !n.self.some((c) => c.kind === 'moved')) return value;
  if (Array.isArray(value)) return applyArray(value, n);
  const obj: Record<string, unknown> = isPlainObject(value) ? { ...value } : {};
  for (const { seg, node } of n.kids.values()) {
    const key = String(seg);
    const removed = node.self.find((c) => c.kind === 'removed');
    if (removed && node.kids.size === 0) {
      delete obj[key];
      continue;
    }
    obj[key] = applyNode(obj[key], node);
  }
  return obj;
}

function applyArray(old: unknown[], n: Node): unknown[] {
  const removed = new Set<number>();
  const adds = new Map<number, unknown>();
  const edits: { seg: PathSeg; node: Node }[] = [];
  const oldIdx = new Map<string, number>();
  old.forEach((v, i) => {
    const id = idOf(v);
    if (id !== undefined) oldIdx.set(id, i);
  });
  for (const kid of n.kids.values()) {
    const { seg, node } = kid;
    const rm = node.self.find((c) => c.kind === 'removed');
    const ad = node.self.find((c) => c.kind === 'added');
    if (rm) {
      const i = typeof seg === 'number' ? seg : typeof seg === 'object' ? oldIdx.get(seg.id) : undefined;
      if (i !== undefined) removed.add(i);
    }
    if (ad) adds.set(typeof seg === 'number' ? seg : (ad.index ?? old.length), ad.after);
    else if (!rm || node.kids.size > 0 || node.self.some((c) => c.kind === 'changed')) edits.push(kid);
  }
  const moved = n.self.find((c) => c.kind === 'moved');
  const kept = moved?.order ?? old.map((_, i) => i).filter((i) => !removed.has(i));
  const out: unknown[] = [];
  const len = kept.length + adds.size;
  for (let j = 0, k = 0; j < len; j++) out.push(adds.has(j) ? adds.get(j) : old[kept[k++]]);
  if (edits.length) {
    const newIdx = new Map<string, number>();
    out.forEach((v, j) => {
      const id = idOf(v);
      if (id !== undefined) newIdx.set(id, j);
    });
    for (const { seg, node } of edits) {
      const j = typeof seg === 'number' ? seg : typeof seg === 'object' ? newIdx.get(seg.id) : undefined;
      if (j !== undefined && j < out.length) out[j] = applyNode(out[j], node);
    }
  }
  return out;
}
