// What a comparison of two runs leaves out: paths into the state (and into what nodes wrote) that
// differ between two runs of the same graph for reasons that are not the graph's behaviour — ids
// the server or the model made up, timestamps. Pure.
//
// A path is dot-separated keys from the state's top level: `draft`, `messages.*.content`,
// `**.id`. `*` is any one key or array index, `**` any number of them (none included), and
// `notes[0]` / `notes[*]` are the same as `notes.0` / `notes.*`. Patterns are matched by a small
// automaton whose state sets are interned and whose steps are memoized, so walking a value costs
// a map lookup per key, however many patterns there are.

export interface IgnoreRule {
  pattern: string;
  /** What it is for, in words (the CLI prints it). */
  why: string;
  /** `ids` or `timestamps`, for a short summary. */
  kind: 'ids' | 'timestamps';
}

/** Ignored unless `defaultIgnores: false`: ids and timestamps, which differ in every run. */
export const DEFAULT_IGNORES: readonly IgnoreRule[] = [
  { pattern: '**.id', why: 'ids of messages, tool calls and documents', kind: 'ids' },
  { pattern: '**.tool_call_id', why: "a tool message's link to its call", kind: 'ids' },
  { pattern: '**.run_id', why: 'run ids', kind: 'ids' },
  { pattern: '**.thread_id', why: 'thread ids', kind: 'ids' },
  { pattern: '**.checkpoint_id', why: 'checkpoint ids', kind: 'ids' },
  { pattern: '**.checkpoint_ns', why: 'checkpoint namespaces (they hold task ids)', kind: 'ids' },
  { pattern: '**.created_at', why: 'timestamps', kind: 'timestamps' },
  { pattern: '**.updated_at', why: 'timestamps', kind: 'timestamps' },
  { pattern: '**.timestamp', why: 'timestamps', kind: 'timestamps' },
];

/** What an ignored array element is replaced by (an element cannot just vanish: indices would shift). */
export const IGNORED = '(ignored)';

export class IgnorePatternError extends Error {}

/** Stands for every array index when no pattern names one (no key of a JSON object can be it). */
const ANY_INDEX = '\u0000#';

/** `a.b[0].c` → ['a', 'b', '0', 'c']; `x[*]` and `x[]` → ['x', '*']. */
export function parsePattern(pattern: string): string[] {
  const p = pattern.trim();
  if (!p) throw new IgnorePatternError('an empty path');
  const segs = p.replace(/\[(\*|\d*)\]/g, (_, inner: string) => `.${inner || '*'}`).split('.');
  if (segs.some((s) => s === '')) throw new IgnorePatternError(`"${pattern}": a path is keys separated by single dots (e.g. messages.*.content or **.id)`);
  if (segs.length > 200) throw new IgnorePatternError(`"${pattern.slice(0, 40)}…": too deep`);
  if (segs.some((s) => /[[\]]/.test(s))) throw new IgnorePatternError(`"${pattern}": brackets hold an index or * (notes[0], notes[*])`);
  return segs;
}

/**
 * A compiled set of patterns. A *state* is an interned set of partial matches (a number); `root`
 * is the state at the state's top level, `step` moves into a key (or array index) and answers
 * IGNORED_KEY when the key is ignored, `done(s)` is true when nothing below can be ignored.
 */
export class IgnoreMatcher {
  static readonly IGNORED_KEY = -1;
  readonly patterns: readonly string[];
  readonly root: number;
  private readonly segs: string[][];
  private readonly sets: number[][] = [];
  private readonly setIds = new Map<string, number>();
  private readonly steps: Map<string, number>[] = [];
  /** Numeric keys behave alike unless a pattern names an index. */
  private readonly numericLiterals: boolean;

  constructor(patterns: readonly string[]) {
    this.patterns = [...new Set(patterns)];
    this.segs = this.patterns.map(parsePattern);
    this.numericLiterals = this.segs.some((s) => s.some((x) => /^\d+$/.test(x)));
    this.intern([]); // state 0: nothing can match any more
    const start: number[] = [];
    this.segs.forEach((_, p) => start.push(p << 8));
    this.root = this.intern(this.closure(start));
  }

  done(state: number): boolean {
    return state === 0;
  }

  /** The state inside `key` of a value at `state`, or IGNORED_KEY. */
  step(state: number, key: string | number): number {
    if (state === 0) return 0;
    const c0 = typeof key === 'number' ? 48 : key.charCodeAt(0);
    const numeric = typeof key === 'number' || (c0 >= 48 && c0 <= 57 && /^\d+$/.test(key));
    const k = numeric ? (this.numericLiterals ? String(key) : ANY_INDEX) : key;
    const memo = this.steps[state];
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    const next: number[] = [];
    let ignored = false;
    for (const st of this.sets[state]) {
      const p = st >> 8;
      const i = st & 0xff;
      const segs = this.segs[p];
      if (i >= segs.length) continue;
      const seg = segs[i];
      if (seg === '**') next.push(st);
      if (seg === '**' || seg === '*' || seg === k) next.push(st + 1);
    }
    const closed = this.closure(next);
    for (const st of closed) if ((st & 0xff) === this.segs[st >> 8].length) ignored = true;
    const out = ignored ? IgnoreMatcher.IGNORED_KEY : this.intern(closed);
    memo.set(k, out);
    return out;
  }

  private closure(states: number[]): number[] {
    const out = new Set<number>();
    const todo = [...states];
    while (todo.length) {
      const st = todo.pop()!;
      if (out.has(st)) continue;
      out.add(st);
      const segs = this.segs[st >> 8];
      if (segs[st & 0xff] === '**') todo.push(st + 1);
    }
    return [...out].sort((a, b) => a - b);
  }

  private intern(set: number[]): number {
    // A state from which no pattern can reach its end is state 0.
    const live = set.filter((st) => (st & 0xff) < this.segs[st >> 8].length);
    const key = live.join(',');
    let id = this.setIds.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(live);
      this.steps.push(new Map());
      this.setIds.set(key, id);
    }
    return id;
  }
}

/** The patterns in force: the defaults (unless turned off) and the extra ones, and a matcher. */
export function ignoreMatcher(extra: readonly string[] = [], defaults = true): IgnoreMatcher {
  return new IgnoreMatcher([...(defaults ? DEFAULT_IGNORES.map((r) => r.pattern) : []), ...extra]);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A copy of `value` without what is ignored (the value itself when nothing below can be). */
export function normalize(value: unknown, m: IgnoreMatcher, state = m.root): unknown {
  if (m.done(state) || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      const s = m.step(state, i);
      return s === IgnoreMatcher.IGNORED_KEY ? IGNORED : normalize(v, m, s);
    });
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    const s = m.step(state, k);
    if (s !== IgnoreMatcher.IGNORED_KEY) out[k] = normalize(v, m, s);
  }
  return out;
}

/** Text of an array element that is an object, when the caller keeps such texts (see ValueTable). */
export type ElementText = (el: object, state: number) => string;

/**
 * A stable text of `value` without what is ignored: keys sorted, `undefined` keys left out (as
 * `deepEqual` counts them). Two values are equal under the patterns iff their texts are; the text
 * parses back (JSON) to the value without what is ignored.
 */
export function canonical(value: unknown, m: IgnoreMatcher, state = m.root, element?: ElementText): string {
  const parts: string[] = [];
  write(value, m, state, parts, element);
  return parts.join('');
}

/** `"key":`, for the keys met again and again (content, type, id…). */
const QUOTED = new Map<string, string>();
function quoted(k: string): string {
  let q = QUOTED.get(k);
  if (q === undefined) {
    q = `${JSON.stringify(k)}:`;
    if (QUOTED.size < 10_000) QUOTED.set(k, q);
  }
  return q;
}

function write(v: unknown, m: IgnoreMatcher, state: number, out: string[], element: ElementText | undefined): void {
  if (v === undefined) {
    out.push('null');
    return;
  }
  if (typeof v !== 'object' || v === null) {
    out.push(typeof v === 'number' && !Number.isFinite(v) ? `"${String(v)}"` : JSON.stringify(v));
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i) out.push(',');
      const s = m.done(state) ? 0 : m.step(state, i);
      const x = v[i];
      if (s === IgnoreMatcher.IGNORED_KEY) out.push(JSON.stringify(IGNORED));
      else if (element && typeof x === 'object' && x !== null) out.push(element(x, s));
      else write(x, m, s, out, element);
    }
    out.push(']');
    return;
  }
  if (!isObj(v)) {
    out.push(JSON.stringify(v) ?? 'null');
    return;
  }
  out.push('{');
  let first = true;
  for (const k of Object.keys(v).sort()) {
    const x = v[k];
    if (x === undefined) continue;
    const s = m.done(state) ? 0 : m.step(state, k);
    if (s === IgnoreMatcher.IGNORED_KEY) continue;
    out.push(first ? quoted(k) : `,${quoted(k)}`);
    first = false;
    write(x, m, s, out, element);
  }
  out.push('}');
}
