// The graph view's geometry: edges as smooth SVG paths through dagre's points, and which node an
// arrow key moves to. Pure.

export function round(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}

export function pathOf(points: { x: number; y: number }[]): string {
  if (!points.length) return '';
  if (points.length < 3) return `M${points.map((p) => `${round(p.x)},${round(p.y)}`).join(' L')}`;
  // A smooth curve through dagre's points (midpoints as anchors, the points as controls).
  let d = `M${round(points[0].x)},${round(points[0].y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const q = points[i + 1];
    const mx = i === points.length - 2 ? q.x : (p.x + q.x) / 2;
    const my = i === points.length - 2 ? q.y : (p.y + q.y) / 2;
    d += ` Q${round(p.x)},${round(p.y)} ${round(mx)},${round(my)}`;
  }
  return d;
}

/**
 * The next node in a direction: the nearest within a cone about it (so Down from a node goes to
 * the next rank, its branches before what comes after them), else the straightest of the rest.
 */
export function neighbour(nodes: ReadonlyMap<string, { cx: number; cy: number }>, from: string, dx: number, dy: number): string | null {
  const a = nodes.get(from);
  if (!a) return null;
  let best: string | null = null;
  let score = Infinity;
  for (const [id, b] of nodes) {
    if (id === from) continue;
    const along = (b.cx - a.cx) * dx + (b.cy - a.cy) * dy;
    if (along <= 1) continue;
    const across = Math.abs((b.cx - a.cx) * dy - (b.cy - a.cy) * dx);
    const s = across <= along ? along + across / 2 : 1e6 + along + 2 * across;
    if (s < score) {
      score = s;
      best = id;
    }
  }
  return best;
}
