// Which part of a long streamed text the detail pane draws. Pure.

/** Past this many characters only the end of a text is drawn, until asked for all of it. */
export const TEXT_TAIL = 20_000;
/**
 * Where the drawn end starts moves in steps of this many characters, not with every chunk: text
 * that only grows at its end keeps its laid-out start, and the browser reshapes only what was
 * added (a start that moved with each chunk made it reshape all 20,000 characters every frame).
 */
export const TAIL_STEP = 4_000;
/**
 * While a call streams, the pane follows its end: the last ~4,000 characters are drawn (a person
 * reads what is being written; laying out 20,000 characters of one paragraph again for every
 * chunk cost the panel's frames ~10 ms). All of it once it is done, or when asked.
 */
export const STREAM_TAIL = 4_000;
export const STREAM_STEP = 1_000;

/** Where the drawn part of a text starts: 0, or a step boundary moved on past the next space or line end. */
export function tailStart(text: string, tail = TEXT_TAIL, step = TAIL_STEP): number {
  if (text.length <= tail) return 0;
  const at = Math.ceil((text.length - tail) / step) * step;
  // Not in the middle of a word where a break is near (the text before `at` + 200 never changes).
  const m = /\s/.exec(text.slice(at, at + 200));
  return m ? at + m.index + 1 : at;
}
