// Graph state as the run model keeps it: immutable snapshots with structural sharing, and the
// reducers a LangGraph graph applies to what its nodes return. Pure (no vscode, no DOM).
//
// A snapshot is a frozen-by-convention record of the graph's top-level keys. List channels that
// grow (messages, and keys hinted as `append`) hold a persistent vector, so appending one message
// copies at most 32 slots and a path of a few nodes, never the whole list: a snapshot per node
// execution costs what that node wrote, not the size of the state. `materialize` turns a
// snapshot into plain JSON for views and diffs.
import { deepEqual, isPlainObject } from './diff';

// ---- persistent vector (a 32-way trie with a tail, as in Clojure) ----------------------------

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
type Trie = unknown[];

export class PVec<T = unknown> {
  private constructor(
    readonly size: number,
    private readonly shift: number,
    private readonly root: Trie,
    private readonly tail: T[],
  ) {}

  static readonly EMPTY = new PVec<never>(0, BITS, [], []);

  static empty<T>(): PVec<T> {
    return PVec.EMPTY as PVec<T>;
  }

  static from<T>(items: readonly T[]): PVec<T> {
    let v = PVec.empty<T>();
    for (const x of items) v = v.push(x);
    return v;
  }

  private tailOffset(): number {
    return this.size < WIDTH ? 0 : ((this.size - 1) >>> BITS) << BITS;
  }

  /** The leaf array holding index i (shared between vectors that share it). */
  private leafFor(i: number): T[] {
    if (i >= this.tailOffset()) return this.tail;
    let node = this.root;
    for (let level = this.shift; level > 0; level -= BITS) node = node[(i >>> level) & MASK] as Trie;
    return node as T[];
  }

  get(i: number): T | undefined {
    if (i < 0 || i >= this.size) return undefined;
    return this.leafFor(i)[i & MASK];
  }

  push(v: T): PVec<T> {
    if (this.size - this.tailOffset() < WIDTH) {
      const tail = this.tail.slice();
      tail.push(v);
      return new PVec(this.size + 1, this.shift, this.root, tail);
    }
    let root: Trie;
    let shift = this.shift;
    if (this.size >>> BITS > 1 << this.shift) {
      root = [this.root, newPath(this.shift, this.tail)];
      shift += BITS;
    } else {
      root = this.pushTail(this.shift, this.root, this.tail);
    }
    return new PVec(this.size + 1, shift, root, [v]);
  }

  private pushTail(level: number, parent: Trie, tailNode: T[]): Trie {
    const ret = parent.slice();
    const sub = ((this.size - 1) >>> level) & MASK;
    if (level === BITS) ret[sub] = tailNode;
    else {
      const child = parent[sub] as Trie | undefined;
      ret[sub] = child ? this.pushTail(level - BITS, child, tailNode) : newPath(level - BITS, tailNode);
    }
    return ret;
  }

  set(i: number, v: T): PVec<T> {
    if (i < 0 || i >= this.size) throw new RangeError(`index ${i} out of range 0..${this.size - 1}`);
    if (i >= this.tailOffset()) {
      const tail = this.tail.slice();
      tail[i & MASK] = v;
      return new PVec(this.size, this.shift, this.root, tail);
    }
    return new PVec(this.size, this.shift, assoc(this.shift, this.root, i, v), this.tail);
  }

  toArray(): T[] {
    const out = new Array<T>(this.size);
    for (let i = 0; i < this.size; i += WIDTH) {
      const leaf = this.leafFor(i);
      for (let k = 0; k < leaf.length && i + k < this.size; k++) out[i + k] = leaf[k];
    }
    return out;
  }

  /**
   * First index where the two vectors hold different elements (by reference), or the shorter
   * size. The tries are walked from the root and shared subtrees skipped whole, so comparing a
   * vector with its own extension costs O(log size) (a run's transcript is compared with itself
   * after every node), and nothing is materialized.
   */
  static commonPrefix<T>(a: PVec<T>, b: PVec<T>): number {
    const n = Math.min(a.size, b.size);
    if (a === b) return n;
    // The part both tries hold; a taller trie's leftmost subtree spans the whole shorter one.
    const common = Math.min(a.tailOffset(), b.tailOffset(), n);
    let from = 0;
    if (common > 0) {
      let ra = a.root;
      let rb = b.root;
      let sa = a.shift;
      let sb = b.shift;
      for (; sa > sb; sa -= BITS) ra = ra[0] as Trie;
      for (; sb > sa; sb -= BITS) rb = rb[0] as Trie;
      const p = triePrefix(ra, rb, sa, 0, common);
      if (p < common) return p;
      from = common;
    }
    // What is left is in one vector's tail: at most a leaf's worth.
    for (let i = from; i < n; i++) if (a.get(i) !== b.get(i)) return i;
    return n;
  }
}

/** First index below `limit` where two tries' elements differ (`off`: the first index under `na`). */
function triePrefix(na: Trie, nb: Trie, level: number, off: number, limit: number): number {
  if (na === nb) return limit;
  if (level === 0) {
    for (let k = 0; k < WIDTH && off + k < limit; k++) if (na[k] !== nb[k]) return off + k;
    return Math.min(off + WIDTH, limit);
  }
  const span = 1 << level;
  for (let i = 0; i < WIDTH; i++) {
    const start = off + i * span;
    if (start >= limit) return limit;
    const ca = na[i];
    const cb = nb[i];
    if (ca === cb) continue;
    if (ca === undefined || cb === undefined) return start;
    const p = triePrefix(ca as Trie, cb as Trie, level - BITS, start, limit);
    if (p < Math.min(start + span, limit)) return p;
  }
  return limit;
}

function newPath(level: number, node: unknown[]): Trie {
  return level === 0 ? node : [newPath(level - BITS, node)];
}

function assoc(level: number, node: Trie, i: number, v: unknown): Trie {
  const ret = node.slice();
  if (level === 0) ret[i & MASK] = v;
  else {
    const sub = (i >>> level) & MASK;
    ret[sub] = assoc(level - BITS, node[sub] as Trie, i, v);
  }
  return ret;
}

// ---- reducers -------------------------------------------------------------------------------

/**
 * How a key merges a node's write. `messages` is LangGraph's messages reducer (append, replace by
 * id, RemoveMessage). `append` (concat), `union` (concat skipping items already there, what a key
 * needs when a subgraph hands its whole state back) and `sum` stand for the common custom
 * reducers, from a hint or learned from the server's values; everything else overwrites. Custom reducers are invisible in a graph's schema: the server's
 * values at step boundaries settle what these rules get wrong.
 */
export type ReducerKind = 'messages' | 'append' | 'union' | 'sum' | 'overwrite';

export type State = Readonly<Record<string, unknown>>;

export const REMOVE_ALL_MESSAGES = '__remove_all__';

/** Reducer kinds from `GET /assistants/{id}/schemas`: lists of BaseMessage are message channels. */
export function reducersFromSchema(schemas: unknown): Record<string, ReducerKind> {
  const out: Record<string, ReducerKind> = {};
  const root = isPlainObject(schemas) && isPlainObject(schemas.state_schema) ? schemas.state_schema : schemas;
  const props = isPlainObject(root) && isPlainObject(root.properties) ? root.properties : null;
  if (!props) return out;
  for (const [k, p] of Object.entries(props)) {
    if (!isPlainObject(p)) continue;
    const hint = p['x-reducer'] ?? p['reducer'];
    if (hint === 'messages' || hint === 'append' || hint === 'union' || hint === 'sum' || hint === 'overwrite') {
      out[k] = hint;
      continue;
    }
    const items = p.items;
    const ref = isPlainObject(items) ? (items.$ref ?? (Array.isArray(items.anyOf) ? JSON.stringify(items.anyOf) : '')) : '';
    // Anything else may still have a custom reducer: leave it undeclared, so it can be learned.
    if (p.type === 'array' && typeof ref === 'string' && /Message/.test(ref)) out[k] = 'messages';
  }
  return out;
}

export class Reducers {
  private readonly kinds: Map<string, ReducerKind>;
  /** Kinds inferred from the server's values (a custom concat or sum the schema cannot show). */
  readonly learned = new Map<string, ReducerKind>();
  constructor(hints: Record<string, ReducerKind> = {}) {
    this.kinds = new Map(Object.entries(hints));
  }
  kindOf(key: string): ReducerKind {
    // MessagesAnnotation's `messages` is the one convention every JS and Python graph shares.
    return this.kinds.get(key) ?? this.learned.get(key) ?? (key === 'messages' ? 'messages' : 'overwrite');
  }
  declared(key: string): boolean {
    return this.kinds.has(key) || key === 'messages';
  }
  isList(key: string): boolean {
    const k = this.kindOf(key);
    return k === 'messages' || k === 'append' || k === 'union';
  }
}

/**
 * id → position of a message, for the newest vectors of one channel. Entries are validated on
 * use (the message at that position must still carry the id), so replaying a superstep from an
 * older snapshot needs no undo log; only removals and reorders, which move messages, force a
 * rebuild.
 */
export class IdIndex {
  private map = new Map<string, number>();
  /** Positions that held a message without an id (input messages, parallel branches' messages). */
  private idless = new Set<number>();
  stale = false;

  /**
   * An id-less message equal to `m` but for the id: the same message, before the server gave it
   * the id a later write carries (a subgraph handing back its whole state does that).
   */
  findIdless(vec: PVec, m: unknown): number {
    // Positions are checked, not trusted: replays of other snapshots share this index.
    for (const i of this.idless) {
      const cur = vec.get(i);
      if (cur !== undefined && idOf(cur) === undefined && equalIgnoringId(cur, m)) return i;
    }
    return -1;
  }
  noteIdless(i: number): void {
    this.idless.add(i);
  }

  find(vec: PVec, id: string): number {
    const i = this.map.get(id);
    if (i === undefined || i >= vec.size) return -1;
    return idOf(vec.get(i)) === id ? i : -1;
  }
  note(id: string, i: number): void {
    this.map.set(id, i);
  }
  rebuild(vec: PVec): void {
    this.map.clear();
    this.idless.clear();
    const arr = vec.toArray();
    for (let i = 0; i < arr.length; i++) {
      const id = idOf(arr[i]);
      if (id !== undefined) this.map.set(id, i);
      else this.idless.add(i);
    }
    this.stale = false;
  }
}

export function idOf(v: unknown): string | undefined {
  return isPlainObject(v) && typeof v.id === 'string' ? v.id : undefined;
}

const ROLE_TO_TYPE: Record<string, string> = { user: 'human', human: 'human', assistant: 'ai', ai: 'ai', system: 'system', tool: 'tool', developer: 'system', function: 'function' };

/**
 * Input-style message likes (`{role, content}`, `["human", "hi"]`, a bare string) in the shape
 * the server stores them, minus the id it assigns. Serialized messages pass through untouched.
 */
export function coerceMessage(m: unknown): unknown {
  if (typeof m === 'string') return { content: m, additional_kwargs: {}, response_metadata: {}, type: 'human' };
  if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string') {
    return { content: m[1], additional_kwargs: {}, response_metadata: {}, type: ROLE_TO_TYPE[m[0]] ?? m[0] };
  }
  if (isPlainObject(m) && typeof m.type !== 'string' && typeof m.role === 'string') {
    const { role, ...rest } = m;
    const type = ROLE_TO_TYPE[role] ?? role;
    const base: Record<string, unknown> = { additional_kwargs: {}, response_metadata: {} };
    if (type === 'ai') Object.assign(base, { tool_calls: [], invalid_tool_calls: [] });
    return { ...base, ...rest, type };
  }
  // A streamed model call returns a chunk; the reducer stores it as a plain message (the JS one
  // serializes as type "ai" plus `tool_call_chunks`, the Python one as type "AIMessageChunk").
  if (isPlainObject(m) && ('tool_call_chunks' in m || (typeof m.type === 'string' && m.type.endsWith('MessageChunk')))) {
    const { tool_call_chunks: _chunks, ...rest } = m;
    const t = typeof m.type === 'string' ? m.type.replace(/MessageChunk$/, '') : m.type;
    return { ...rest, type: typeof t === 'string' ? (ROLE_TO_TYPE[t.toLowerCase()] ?? t.toLowerCase()) : t };
  }
  return m;
}

export interface ApplyContext {
  reducers: Reducers;
  index(key: string): IdIndex;
  /** Written message object → the server's copy of it (same message, with the id it was given). */
  subst?: Map<unknown, unknown>;
}

function asVec(v: unknown): PVec {
  if (v instanceof PVec) return v;
  if (Array.isArray(v)) return PVec.from(v);
  return v === undefined || v === null ? PVec.empty() : PVec.from([v]);
}

/** LangGraph's messagesStateReducer, on a persistent vector. */
export function mergeMessages(left: unknown, right: unknown, idx: IdIndex, subst?: Map<unknown, unknown>): PVec {
  let vec = asVec(left);
  const list = (Array.isArray(right) ? right : [right]).map((m) => subst?.get(m) ?? coerceMessage(m));
  let removeAll = -1;
  list.forEach((m, i) => {
    if (isPlainObject(m) && m.type === 'remove' && m.id === REMOVE_ALL_MESSAGES) removeAll = i;
  });
  if (removeAll >= 0) {
    // As the server does: what follows REMOVE_ALL is the new list, taken as it is.
    vec = PVec.from(list.slice(removeAll + 1));
    idx.rebuild(vec);
    idx.stale = true;
    return vec;
  }
  if (idx.stale) idx.rebuild(vec);
  let toRemove: Set<string> | null = null;
  for (const m of list) {
    const id = idOf(m);
    const at = id === undefined ? -1 : idx.find(vec, id);
    const isRemove = isPlainObject(m) && m.type === 'remove';
    if (at >= 0) {
      if (isRemove) (toRemove ??= new Set()).add(id!);
      else {
        toRemove?.delete(id!);
        vec = vec.set(at, m);
      }
    } else if (!isRemove) {
      const same = id !== undefined ? idx.findIdless(vec, m) : -1;
      if (same >= 0) {
        vec = vec.set(same, m);
        idx.note(id!, same);
        continue;
      }
      // The server gives id-less messages a fresh uuid here; until its values arrive they stay id-less.
      if (id !== undefined) idx.note(id, vec.size);
      else idx.noteIdless(vec.size);
      vec = vec.push(m);
    }
    // Removing an id that is not there is an error on the server; the run's error event says so.
  }
  if (toRemove?.size) {
    vec = PVec.from(vec.toArray().filter((m) => !toRemove!.has(idOf(m) ?? '\u0000')));
    idx.rebuild(vec);
    idx.stale = true; // later replays start from other snapshots, where positions differ
  }
  return vec;
}

/**
 * Which of the common custom reducers, applied to `start` and the writes in order, gives exactly
 * the server's value — or null. Cheap: the step's writes plus one comparison.
 */
export function inferReducer(start: unknown, writes: unknown[], truth: unknown, except?: ReducerKind): 'append' | 'union' | 'sum' | null {
  if (Array.isArray(truth)) {
    const base: unknown[] = Array.isArray(start) ? start : start instanceof PVec ? start.toArray() : [];
    // union first: it equals append until an item repeats, and then it is what a subgraph's
    // whole-state return needs; a true concat shows itself at the first repeat (and is relearned).
    for (const kind of ['union', 'append'] as const) {
      if (kind === except) continue;
      const out = [...base];
      for (const w of writes) for (const x of Array.isArray(w) ? w : [w]) if (kind === 'append' || !out.some((y) => deepEqual(x, y))) out.push(x);
      if (deepEqual(out, truth)) return kind;
    }
    return null;
  }
  if (typeof truth === 'number' && except !== 'sum') {
    let v = typeof start === 'number' ? start : 0;
    for (const w of writes) v += typeof w === 'number' ? w : NaN;
    return v === truth ? 'sum' : null;
  }
  return null;
}

/** One node's write applied to a snapshot: a new snapshot sharing every untouched key. */
export function applyWrites(state: State, writes: unknown, ctx: ApplyContext): State {
  if (!isPlainObject(writes)) return state;
  let next: Record<string, unknown> | null = null;
  for (const k of Object.keys(writes)) {
    if (k === '__interrupt__') continue;
    const v = writes[k];
    const cur = state[k];
    let nv: unknown;
    switch (ctx.reducers.kindOf(k)) {
      case 'messages':
        nv = mergeMessages(cur, v, ctx.index(k), ctx.subst);
        break;
      case 'append': {
        let vec = asVec(cur);
        for (const x of Array.isArray(v) ? v : [v]) vec = vec.push(x);
        nv = vec;
        break;
      }
      case 'union': {
        // Costs the list's length per write: union keys are short (trails, tags), not transcripts.
        let vec = asVec(cur);
        const have = vec.toArray();
        for (const x of Array.isArray(v) ? v : [v]) {
          if (have.some((y) => y === x || deepEqual(x, y))) continue;
          have.push(x);
          vec = vec.push(x);
        }
        nv = vec;
        break;
      }
      case 'sum':
        nv = (typeof cur === 'number' ? cur : 0) + (typeof v === 'number' ? v : 0);
        break;
      default:
        nv = v;
    }
    next ??= { ...state };
    next[k] = nv;
  }
  return next ?? state;
}

/** Plain values (from the server) as a snapshot: list channels become vectors. */
export function fromPlain(values: unknown, ctx: ApplyContext): State {
  if (!isPlainObject(values)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === '__interrupt__') continue;
    if (ctx.reducers.isList(k) && Array.isArray(v)) {
      const vec = PVec.from(v);
      if (ctx.reducers.kindOf(k) === 'messages') ctx.index(k).rebuild(vec);
      out[k] = vec;
    } else out[k] = v;
  }
  return out;
}

/** A snapshot as plain JSON. */
export function materialize(state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(state)) {
    const v = state[k];
    if (v === undefined) continue;
    out[k] = v instanceof PVec ? v.toArray() : v;
  }
  return out;
}

export function materializeValue(v: unknown): unknown {
  return v instanceof PVec ? v.toArray() : v;
}

export interface Reconciliation {
  /** Keys whose computed value disagreed with the server's. */
  differing: string[];
  /** Id-less messages we hold → the server's copy with its id (not a disagreement). */
  adopt: Map<unknown, unknown>;
  /** The server's values as a snapshot, sharing every part that agreed with the computed one. */
  state: State;
}

function equalIgnoringId(a: unknown, b: unknown): boolean {
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const { id: _a, ...ra } = a;
  const { id: _b, ...rb } = b;
  return deepEqual(ra, rb);
}

/**
 * Compare a computed snapshot with the server's values. `partial`: the truth covers only the keys
 * it has (a subgraph's output as its parent node returned it); otherwise a key the server does not
 * have is a disagreement too. Costs the size of the server's values.
 */
export function reconcile(computed: State, truth: Record<string, unknown>, ctx: ApplyContext, partial = false): Reconciliation {
  const differing: string[] = [];
  const adopt = new Map<unknown, unknown>();
  const state: Record<string, unknown> = { ...computed };
  for (const k of Object.keys(truth)) {
    if (k === '__interrupt__') continue;
    const t = truth[k];
    const c = computed[k];
    if (c instanceof PVec && Array.isArray(t)) {
      const isMsg = ctx.reducers.kindOf(k) === 'messages';
      let vec: PVec = c;
      let moved = false;
      let bad = false;
      const n = Math.min(c.size, t.length);
      for (let i = 0; i < n; i++) {
        const ci = c.get(i);
        const ti = t[i];
        if (ci === ti || deepEqual(ci, ti)) continue;
        if (isMsg && idOf(ci) === undefined && idOf(ti) !== undefined && equalIgnoringId(ci, ti)) adopt.set(ci, ti);
        else bad = true;
        if (idOf(ci) !== undefined && idOf(ci) !== idOf(ti)) moved = true;
        vec = vec.set(i, ti);
        if (isMsg && idOf(ti) !== undefined) ctx.index(k).note(idOf(ti)!, i);
      }
      if (t.length > c.size) {
        bad = true;
        for (let i = c.size; i < t.length; i++) {
          if (isMsg && idOf(t[i]) !== undefined) ctx.index(k).note(idOf(t[i])!, i);
          vec = vec.push(t[i]);
        }
      } else if (t.length < c.size) {
        bad = true;
        vec = PVec.from(t);
        moved = true;
      }
      if (moved && isMsg) ctx.index(k).stale = true;
      if (bad) differing.push(k);
      state[k] = vec;
      continue;
    }
    const plainC = materializeValue(c);
    if (deepEqual(plainC, t)) continue;
    differing.push(k);
    state[k] = ctx.reducers.isList(k) && Array.isArray(t) ? PVec.from(t) : t;
    if (ctx.reducers.kindOf(k) === 'messages' && Array.isArray(t)) ctx.index(k).stale = true;
  }
  if (!partial) {
    for (const k of Object.keys(computed)) {
      if (computed[k] !== undefined && !(k in truth)) {
        differing.push(k);
        delete state[k];
      }
    }
  }
  return { differing, adopt, state };
}
