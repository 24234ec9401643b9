// Values of state keys as small numbers: equal under the ignore patterns ⇔ the same number, across
// both runs of a comparison. Pure.
//
// Comparing the whole state after every node would cost the state's size per node (a transcript
// of thousands of messages, thousands of times). Here a list is a chain: its number is made from
// the number of the list without its last element and the number of that element, so a list
// that grew by one message costs that message's text, and two lists are equal when their numbers
// are. Any other value is numbered by its canonical text. The table keeps one representative of
// each value, so a difference can still be shown in full (`value(id)`).
import { IGNORED, IgnoreMatcher, canonical } from './ignore';

export class ValueTable {
  /** id 0: the empty list. */
  static readonly EMPTY_LIST = 0;
  private readonly byText = new Map<string, number>();
  private readonly byLink = new Map<string, number>();
  /** For a list id: the list one shorter (−1 for the empty list); for a value id: −2. */
  private readonly prev: number[] = [-1];
  /** For a list id: its last element's id; for a value id: unused. */
  private readonly last: number[] = [-1];
  /** A representative (as first seen, ignored parts included) of each value id. */
  private readonly rep: unknown[] = [[]];
  /** Element ids by object and matcher state: one object met again (a shared message) is not re-read. */
  private readonly seen = new Map<number, WeakMap<object, number>>();

  constructor(readonly matcher: IgnoreMatcher) {}

  get size(): number {
    return this.prev.length;
  }

  /** The id of a plain value at matcher `state`: an array as a chain of its elements. */
  of(v: unknown, state: number): number {
    if (state === IgnoreMatcher.IGNORED_KEY) return this.text(JSON.stringify(IGNORED), IGNORED);
    if (!Array.isArray(v)) return this.scalar(v, state);
    let id = ValueTable.EMPTY_LIST;
    for (let i = 0; i < v.length; i++) id = this.append(id, v[i], this.matcher.step(state, i));
    return id;
  }

  /** The id of the list `list` with `el` (at matcher state `elState`) appended. */
  append(list: number, el: unknown, elState: number): number {
    const e = elState === IgnoreMatcher.IGNORED_KEY ? this.text(JSON.stringify(IGNORED), IGNORED) : this.scalar(el, elState);
    const link = `${list},${e}`;
    let id = this.byLink.get(link);
    if (id === undefined) {
      id = this.prev.length;
      this.prev.push(list);
      this.last.push(e);
      this.rep.push(undefined);
      this.byLink.set(link, id);
    }
    return id;
  }

  isList(id: number): boolean {
    return this.prev[id] !== -2;
  }

  /** A value equal (under the patterns) to every value with this id. */
  value(id: number): unknown {
    if (!this.isList(id)) return this.rep[id];
    const out: unknown[] = [];
    for (let at = id; at > 0; at = this.prev[at]) out.push(this.rep[this.last[at]]);
    return out.reverse();
  }

  /** A value that is not looked into as a list (an element, an object, a string…). */
  private scalar(v: unknown, state: number): number {
    const obj = typeof v === 'object' && v !== null;
    let cache: WeakMap<object, number> | undefined;
    if (obj) {
      cache = this.seen.get(state);
      if (!cache) this.seen.set(state, (cache = new WeakMap()));
      const hit = cache.get(v);
      if (hit !== undefined) return hit;
    }
    const id = this.text(canonical(v, this.matcher, state), v);
    if (cache) cache.set(v as object, id);
    return id;
  }

  private text(t: string, v: unknown): number {
    let id = this.byText.get(t);
    if (id === undefined) {
      id = this.prev.length;
      this.prev.push(-2);
      this.last.push(-1);
      this.rep.push(v);
      this.byText.set(t, id);
    }
    return id;
  }
}
