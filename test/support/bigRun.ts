// A big synthetic run as a recording (JSON Lines): supersteps of 1–3 parallel nodes, some in a
// subgraph, each execution a task start, an update and a task result (3 events). Used by the
// webview benchmark (100,000 executions) and the VS Code test of a big recording (sliced loading).
const NODES = ['plan', 'retrieve', 'rerank', 'draft', 'critique', 'tool_call', 'summarize', 'route'];
const SUB = ['child:bench-sub', 'inner'];

/**
 * A synthetic run: supersteps of 1–3 parallel nodes, a few of them in a subgraph, each with a
 * task start, an update and a task result. Times end about now.
 */
export function generate(n: number): string {
  const lines: string[] = [];
  // Times are laid out from 0 and shifted at the end, so the run really ends now: a stream that
  // follows it (the benchmark's live part) comes after it, as a live run's events would.
  const tEnd = Date.now();
  let t = 0;
  let id = 0;
  let made = 0;
  let step = 0;
  const ev = (event: string, ns: string[], data: unknown, at: number) => lines.push(JSON.stringify({ id: String(id++), event, ns, data, t: Math.round(at) }));
  while (made < n) {
    const width = 1 + (step % 3);
    const starts: { name: string; ns: string[]; task: string; end: number }[] = [];
    for (let k = 0; k < width && made < n; k++, made++) {
      const name = NODES[(step * 3 + k) % NODES.length];
      const ns = made % 10 === 9 ? [SUB[0]] : [];
      const task = `t${made}`;
      ev('tasks', ns, { id: task, name, input: { i: made }, triggers: [`branch:to:${name}`] }, t);
      starts.push({ name, ns, task, end: t + 1 + ((made * 7) % 5) });
    }
    for (const s of starts) {
      const writes = { [s.name === 'draft' ? 'draft' : 'notes']: `${s.name} #${s.task}`, count: Number(s.task.slice(1)) };
      ev('updates', s.ns, { [s.name]: writes }, s.end);
      ev('tasks', s.ns, { id: s.task, name: s.name, result: writes, interrupts: [], error: null }, s.end);
    }
    t = Math.max(...starts.map((s) => s.end)) + 1;
    step++;
  }
  const shift = tEnd - t;
  const header = JSON.stringify({ type: 'run', version: 1, assistantId: 'bench', threadId: 'bench-thread', runId: 'bench-run', streamMode: ['updates', 'tasks'], startedAt: shift });
  return `${header}\n${lines.map((l) => l.replace(/"t":(\d+)\}$/, (_, v: string) => `"t":${Number(v) + shift}}`)).join('\n')}\n`;
}
