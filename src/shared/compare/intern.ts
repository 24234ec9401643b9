// Values of state keys as small numbers: equal under the ignore patterns ⇔ the same number, across
// both runs of a comparison. Pure.
//
// Comparing the whole state after every node would cost the state's size per node (a transcript
// of thousands of messages, thousands of times). Here a list is a chain: its number is made from
// the number of the list without its last element and the number of that element, so a list
// that grew by one message costs that message's text, and two lists are equal when their numbers
// are. Any other value is numbered by its canonical text (ignore.ts), which the table keeps: a
// difference can still be shown in full (`value`), and the runs' own objects can be let go.
import { IGNORED, IgnoreMatcher, canonical, type ElementText } from './ignore';

const LINK_BASE = 2 ** 26;

export class ValueTable {
  /** id 0: the empty list. */
  static readonly EMPTY_LIST = 0;
  private readonly byText = new Map<string, number>();
  /** List ids by (shorter list, last element): a number while ids fit in 26 bits, else text. */
  private readonly byLink = new Map<number | string, number>();
  /** For a list id: the list one shorter (−1 for the empty list); for a value id: −2. */
  private readonly prev: number[] = [-1];
  /** For a list id: its last element's id. */
  private readonly last: number[] = [-1];
  /** For a list id: its length. */
  private readonly len: number[] = [0];
  /** For a value id: its canonical text. */
  private readonly texts: (string | undefined)[] = [undefined];
  /** Ids of objects by matcher state: one object met again (a message written, then in the state) is read once. */
  private readonly seen = new Map<number, WeakMap<object, number>>();
  private readonly elementText: ElementText = (el, state) => this.texts[this.whole(el, state)]!;

  constructor(readonly matcher: IgnoreMatcher) {}

  get size(): number {
    return this.prev.length;
  }

  /** The id of a state key's value at matcher `state`: an array as a chain of its elements. */
  of(v: unknown, state: number): number {
    if (state === IgnoreMatcher.IGNORED_KEY) return this.ignored();
    if (!Array.isArray(v)) return this.whole(v, state);
    let id = ValueTable.EMPTY_LIST;
    for (let i = 0; i < v.length; i++) id = this.append(id, v[i], this.matcher.step(state, i));
    return id;
  }

  /** The id of the list `list` with `el` (at matcher state `elState`) appended. */
  append(list: number, el: unknown, elState: number): number {
    const e = elState === IgnoreMatcher.IGNORED_KEY ? this.ignored() : this.whole(el, elState);
    const link = list < LINK_BASE && e < LINK_BASE ? list * LINK_BASE + e : `${list},${e}`;
    let id = this.byLink.get(link);
    if (id === undefined) {
      id = this.prev.length;
      this.prev.push(list);
      this.last.push(e);
      this.len.push(this.len[list] + 1);
      this.texts.push(undefined);
      this.byLink.set(link, id);
    }
    return id;
  }

  /** A value's canonical text, its objects in arrays read through the table (each read once). */
  textOf(v: unknown, state: number): string {
    return canonical(v, this.matcher, state, this.elementText);
  }

  /** The id of any value by its canonical text (an array too: not as a chain). */
  whole(v: unknown, state: number): number {
    const obj = typeof v === 'object' && v !== null;
    let cache: WeakMap<object, number> | undefined;
    if (obj) {
      cache = this.seen.get(state);
      if (!cache) this.seen.set(state, (cache = new WeakMap()));
      const hit = cache.get(v);
      if (hit !== undefined) return hit;
    }
    const id = this.text(this.textOf(v, state));
    if (cache) cache.set(v as object, id);
    return id;
  }

  isList(id: number): boolean {
    return this.prev[id] !== -2;
  }

  /** A list's element ids, in order. */
  elements(id: number): number[] {
    const out = new Array<number>(this.len[id]);
    for (let at = id, i = out.length - 1; at > 0; at = this.prev[at], i--) out[i] = this.last[at];
    return out;
  }

  /** The value (without what is ignored) of a value id or a list id. */
  value(id: number): unknown {
    if (this.isList(id)) return this.elements(id).map((e) => this.value(e));
    return JSON.parse(this.texts[id]!);
  }

  private ignored(): number {
    return this.text(JSON.stringify(IGNORED));
  }

  private text(t: string): number {
    let id = this.byText.get(t);
    if (id === undefined) {
      id = this.prev.length;
      this.prev.push(-2);
      this.last.push(-1);
      this.len.push(0);
      this.texts.push(t);
      this.byText.set(t, id);
    }
    return id;
  }
}
