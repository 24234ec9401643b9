// A layered graph of n nodes for the layout's benchmark (bench:graph) and its unit test: 1–2 edges
// forward from each node (spans of 1–4, a fifth conditional), an 8 % chance of a back edge, and
// three in ten nodes in subgraph clusters (`sub{i/30}:`). Seeded: the same graph every time.
export function generatedGraph(n: number, seed = 7): { nodes: { id: string }[]; edges: { source: string; target: string; conditional: boolean }[] } {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const ids = ['__start__', ...Array.from({ length: n }, (_, i) => (i % 10 < 3 ? `sub${Math.floor(i / 30)}:node_${i}` : `node_${i}`)), '__end__'];
  const edges: { source: string; target: string; conditional: boolean }[] = [{ source: ids[0], target: ids[1], conditional: false }];
  for (let i = 1; i <= n; i++) {
    for (let j = 0, k = 1 + Math.floor(rnd() * 2); j < k; j++) edges.push({ source: ids[i], target: ids[Math.min(n + 1, i + 1 + Math.floor(rnd() * 4))], conditional: rnd() < 0.2 });
    if (rnd() < 0.08 && i > 3) edges.push({ source: ids[i], target: ids[i - 3], conditional: true });
  }
  return { nodes: ids.map((id) => ({ id })), edges };
}
