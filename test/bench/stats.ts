// Small statistics the benchmarks share.

/** The `p`th percentile of `a` (nearest rank); NaN when empty. */
export function pct(a: number[], p: number): number {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
