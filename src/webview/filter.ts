// Filter (node name or state key) and search (text in what nodes wrote). Both keep one verdict per
// execution and work incrementally: new executions and the few that changed are re-judged each
// frame; a new query is judged in slices so typing never blocks a frame on a 100,000-node run.
import type { Execution } from '../shared/runModel';
import { lowerBound, writtenKeys } from './layout';

const UNSEEN = 0;
const YES = 1;
const NO = 2;

/** A predicate's verdict: `undefined` = cannot tell yet (the node has not written anything). */
export type Verdict = boolean | undefined;

export class Matcher {
  private verdicts = new Uint8Array(1024);
  /** Matching indices, ascending. */
  readonly matches: number[] = [];
  /** Everything below this index has been judged once. */
  private cursor = 0;

  constructor(readonly query: string, private readonly pred: (ex: Execution) => Verdict) {}

  get done(): boolean {
    return this.cursor >= this.total;
  }
  /** Executions to judge, known from the first `advance`: a new query is not done before it. */
  private total = Infinity;

  /** Judge up to `budgetMs` worth of not-yet-judged executions (Infinity: all of them). */
  advance(executions: readonly Execution[], budgetMs = Infinity, clock: () => number = now): boolean {
    this.total = executions.length;
    this.grow(executions.length);
    const deadline = budgetMs === Infinity ? Infinity : clock() + budgetMs;
    let i = this.cursor;
    while (i < executions.length) {
      this.judge(executions[i]);
      i++;
      // Checking the clock is not free: only every 256 executions.
      if ((i & 255) === 0 && clock() > deadline) break;
    }
    this.cursor = i;
    return this.done;
  }

  /** Re-judge executions that changed (their writes arrived). */
  recheck(executions: readonly Execution[], indices: readonly number[]): void {
    for (const i of indices) if (i < this.cursor) this.judge(executions[i]);
  }

  /** One verdict per execution index: 1 = matches (read directly by the drawing loop). */
  get table(): Uint8Array {
    return this.verdicts;
  }

  has(i: number): boolean {
    return this.verdicts[i] === YES;
  }

  /** False only for executions known not to match (unjudged ones count as matching). */
  maybe(i: number): boolean {
    return this.verdicts[i] !== NO;
  }

  private judge(ex: Execution): void {
    const v = this.pred(ex);
    const before = this.verdicts[ex.index];
    const after = v === true ? YES : v === false ? NO : UNSEEN;
    if (before === after) return;
    this.verdicts[ex.index] = after === UNSEEN ? NO : after;
    if (after === YES) insert(this.matches, ex.index);
    else if (before === YES) remove(this.matches, ex.index);
  }

  private grow(n: number): void {
    if (n <= this.verdicts.length) return;
    let size = this.verdicts.length;
    while (size < n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.verdicts);
    this.verdicts = next;
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function insert(list: number[], i: number): void {
  if (!list.length || list[list.length - 1] < i) list.push(i);
  else {
    const at = lowerBound(list, i);
    if (list[at] !== i) list.splice(at, 0, i);
  }
}

function remove(list: number[], i: number): void {
  const at = lowerBound(list, i);
  if (list[at] === i) list.splice(at, 1);
}

export interface FilterQuery {
  /** Lower-cased text to find in node names (and their subgraph path). */
  node: string | null;
  /** Lower-cased text to find in the state keys a node wrote. */
  key: string | null;
}

/**
 * `agent` matches node names or written keys containing "agent"; `node:agent` only node names;
 * `key:messages` only state keys. Several words must all match.
 */
export function parseFilter(text: string): FilterQuery[] {
  return text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => {
      if (w.startsWith('node:')) return { node: w.slice(5), key: null };
      if (w.startsWith('key:')) return { node: null, key: w.slice(4) };
      return { node: w, key: w };
    });
}

export function filterPredicate(text: string): ((ex: Execution) => Verdict) | null {
  const words = parseFilter(text);
  if (!words.length) return null;
  return (ex) => {
    let unknown = false;
    for (const w of words) {
      const name = `${ex.path} ${ex.node}`.toLowerCase();
      if (w.node !== null && name.includes(w.node)) continue;
      if (w.key !== null) {
        if (ex.writes === undefined) {
          unknown = true;
          continue;
        }
        if (writtenKeys(ex.writes).some((k) => k.toLowerCase().includes(w.key!))) continue;
      }
      return false;
    }
    return unknown ? undefined : true;
  };
}

/** Case-insensitive text search in what a node wrote: its keys and every value in it. */
export function searchPredicate(text: string): ((ex: Execution) => Verdict) | null {
  const q = text.trim().toLowerCase();
  if (!q) return null;
  return (ex) => (ex.writes === undefined ? undefined : containsText(ex.writes, q, 0));
}

/** Whether a key or primitive inside `v` contains `q` (already lower-cased). */
export function containsText(v: unknown, q: string, depth: number): boolean {
  if (v === null || v === undefined) return 'null'.includes(q) && v === null;
  switch (typeof v) {
    case 'string':
      return v.toLowerCase().includes(q);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v).toLowerCase().includes(q);
    case 'object': {
      if (depth > 64) return false;
      if (Array.isArray(v)) {
        for (const x of v) if (containsText(x, q, depth + 1)) return true;
        return false;
      }
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k.toLowerCase().includes(q) || containsText(x, q, depth + 1)) return true;
      }
      return false;
    }
    default:
      return false;
  }
}
