// The text of a comparison of two runs, for terminals and CI logs: the two runs, what was left
// out, the input, one row per aligned execution (its differences under it), the final state, how
// the runs ended, time per node, and a last line that says equivalent or what differs.
import { formatPath, type Change, type TextPart } from '../shared/diff';
import type { Comparison, CompareRow, NodeTiming, RunFacts } from '../shared/compare';

export interface TextOptions {
  a: { file: string; graph: string | null };
  b: { file: string; graph: string | null };
  /** Every row, even in a long run (otherwise long stretches of equal rows are folded). */
  all?: boolean;
}

/** Rows beyond which stretches of equal rows are folded into one line. */
const FOLD_OVER = 60;
const MAX_CHANGES = 20;
const VALUE_CHARS = 160;

const MARK: Record<string, string> = { same: '=', differs: '≠', onlyA: '-', onlyB: '+' };

export function renderComparisonText(c: Comparison, o: TextOptions): string {
  const out: string[] = [];
  out.push(`A  ${describe(o.a.file, o.a.graph, c.a)}`);
  out.push(`B  ${describe(o.b.file, o.b.graph, c.b)}`);
  if (o.a.graph && o.b.graph && o.a.graph !== o.b.graph) out.push(`Note: the runs are of different graphs (${o.a.graph}, ${o.b.graph}).`);
  if (c.ignored.defaults.length) {
    const of = (kind: string) => c.ignored.defaults.filter((r) => r.kind === kind).map((r) => r.pattern).join(', ');
    out.push(`Ignored by default: ids (${of('ids')}) and timestamps (${of('timestamps')}); --no-default-ignores compares them.`);
  } else out.push('Ignored by default: nothing (--no-default-ignores).');
  if (c.ignored.extra.length) out.push(`Ignored (--ignore): ${c.ignored.extra.join(', ')}`);
  out.push('Node times are shown, never compared.');
  if (c.input.differs.length) {
    out.push('', `Input differs at ${c.input.differs.join(', ')}:`);
    changeLines(c.input.changes, '  ', out);
  }
  out.push('', ...rowsText(c, o.all === true));
  for (const f of c.finalState) {
    const where = f.path ? `Final state of ${f.path}` : 'Final state';
    if (!f.differs.length) continue;
    out.push('', `${where} differs at ${f.differs.join(', ')}:`);
    changeLines(f.changes, '  ', out);
  }
  if (c.outcome) {
    out.push('');
    if (c.outcome.phase) out.push(`Outcome: A ${c.outcome.phase.a}, B ${c.outcome.phase.b}`);
    if (c.outcome.error) out.push(`Error: A ${c.outcome.error.a ?? '(none)'}; B ${c.outcome.error.b ?? '(none)'}`);
    if (c.outcome.interrupts) {
      out.push('Interrupts differ:');
      changeLines(c.outcome.interrupts, '  ', out);
    }
  }
  out.push('', ...timingText(c.timing));
  out.push('', verdict(c));
  return out.join('\n') + '\n';
}

function describe(file: string, graph: string | null, f: RunFacts): string {
  const runs = f.runs > 1 ? ` in ${f.runs} runs` : '';
  return `${file}: run ${f.runId ?? '?'}${graph ? ` of ${graph}` : ''}, ${f.phase}, ${f.executions} node executions${runs}, ${f.events} events`;
}

function rowsText(c: Comparison, all: boolean): string[] {
  const head = ['', 'namespace', 'node', '#', 'step A→B', 'time A', 'time B', ''];
  const cells = c.rows.map((r) => [
    r.kind === 'same' && r.state?.differs.length ? '~' : MARK[r.kind],
    r.path,
    r.node,
    String(r.occurrence),
    `${r.a ? stepText(r.a) : '-'} → ${r.b ? stepText(r.b) : '-'}`,
    r.a ? ms(r.a.durationMs) : '',
    r.b ? ms(r.b.durationMs) : '',
    r.kind === 'onlyA' ? 'only in A' : r.kind === 'onlyB' ? 'only in B' : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  // The namespace column only when a subgraph ran.
  const shown = head.map((_, i) => i !== 1 || c.rows.some((r) => r.path));
  const fmt = (r: string[]) => r.filter((_, i) => shown[i]).map((x, i) => x.padEnd(widths.filter((_, k) => shown[k])[i])).join('  ').trimEnd();
  const out = [fmt(head)];
  const fold = !all && c.rows.length > FOLD_OVER;
  for (let i = 0; i < c.rows.length; i++) {
    if (fold && quiet(c.rows[i])) {
      let j = i;
      while (j < c.rows.length && quiet(c.rows[j])) j++;
      // Short stretches are shown; a long one keeps a row each side for context.
      if (j - i > 3) {
        out.push(fmt(cells[i]));
        out.push(`   … ${j - i - 2} equal executions${nodesIn(c.rows.slice(i + 1, j - 1))} (--all shows them)`);
        out.push(fmt(cells[j - 1]));
        i = j - 1;
        continue;
      }
    }
    out.push(fmt(cells[i]));
    detailLines(c.rows[i], out);
  }
  const estimated = c.rows.some((r) => r.a?.stepEstimated || r.b?.stepEstimated) ? '  step?: estimated from arrival order' : '';
  out.push(`= same  ≠ differs  ~ same, but the state still differs from earlier  - only in A  + only in B${estimated}`);
  return out;
}

/** A row with nothing new to say. */
function quiet(r: CompareRow): boolean {
  return r.kind === 'same';
}

function nodesIn(rows: CompareRow[]): string {
  const n = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.path ? r.path + ' › ' : ''}${r.node}`;
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  const parts = [...n].slice(0, 6).map(([k, v]) => `${k} ×${v}`);
  return parts.length ? `: ${parts.join(', ')}${n.size > 6 ? ', …' : ''}` : '';
}

function detailLines(r: CompareRow, out: string[]): void {
  const pad = '      ';
  if (r.outcome) out.push(`${pad}ended: A ${r.outcome.a}; B ${r.outcome.b}`);
  if (r.writes?.length) {
    out.push(`${pad}wrote differently:`);
    changeLines(r.writes, pad + '  ', out);
  }
  if (r.state?.newly.length) {
    out.push(`${pad}state after it now differs at ${r.state.newly.join(', ')}${r.state.changes ? ':' : ' (details left out: too many rows)'}`);
    if (r.state.changes) changeLines(r.state.changes, pad + '  ', out);
  }
}

function changeLines(cs: readonly Change[], pad: string, out: string[]): void {
  for (const ch of cs.slice(0, MAX_CHANGES)) out.push(pad + changeText(ch));
  if (cs.length > MAX_CHANGES) out.push(`${pad}… ${cs.length - MAX_CHANGES} more (--json has them all)`);
}

/** One change as A → B. */
function changeText(c: Change): string {
  const at = formatPath(c.path);
  if (c.kind === 'added') return `+ ${at}: only B has ${value(c.after)}`;
  if (c.kind === 'removed') return `- ${at}: only A has ${value(c.before)}`;
  if (c.kind === 'moved') return `~ ${at}: the same elements in another order`;
  if (c.text) return `≠ ${at}: ${wordDiff(c.text)}`;
  return `≠ ${at}: ${value(c.before)} → ${value(c.after)}`;
}

/** A word diff as text: [-only A-]{+only B+}, long equal stretches shortened. */
function wordDiff(parts: readonly TextPart[]): string {
  const s = parts
    .map((p) => {
      const t = p.text.replace(/\n/g, '⏎');
      if (p.op === 'insert') return `{+${t}+}`;
      if (p.op === 'delete') return `[-${t}-]`;
      return t.length > 40 ? `${t.slice(0, 18)}…${t.slice(-18)}` : t;
    })
    .join('');
  return s.length > VALUE_CHARS * 2 ? `${s.slice(0, VALUE_CHARS * 2)}… (--json has it all)` : s;
}

function value(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > VALUE_CHARS ? `${s.slice(0, VALUE_CHARS)}… (${s.length} chars)` : s;
}

function stepText(s: { step: number; stepEstimated: boolean }): string {
  return `${s.step}${s.stepEstimated ? '?' : ''}`;
}

function ms(v: number | null): string {
  if (v === null) return '-';
  return v < 1000 ? `${Math.round(v)}ms` : `${(v / 1000).toFixed(2)}s`;
}

function timingText(ts: readonly NodeTiming[]): string[] {
  if (!ts.some((t) => t.a.timed || t.b.timed)) return ['Time per node: neither recording has node times (record with --stream-mode updates,tasks).'];
  const rows = ts.map((t) => {
    const ratio = t.a.timed && t.b.timed && t.a.totalMs > 0 ? t.b.totalMs / t.b.timed / (t.a.totalMs / t.a.timed) : null;
    return [
      `${t.path ? t.path + ' › ' : ''}${t.node}`,
      side(t.a),
      side(t.b),
      ratio === null ? '' : ratio >= 1.1 ? `B ${ratio.toFixed(2)}× slower` : ratio <= 0.9 ? `B ${(1 / ratio).toFixed(2)}× faster` : '≈',
    ];
  });
  const head = ['node', 'A', 'B', 'per run'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => '  ' + r.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return ['Time per node (total of its runs):', fmt(head), ...rows.map(fmt)];
}

function side(s: NodeTiming['a']): string {
  if (!s.runs) return '-';
  const runs = `${s.runs} run${s.runs > 1 ? 's' : ''}`;
  return s.timed ? `${ms(s.totalMs)} (${runs})` : `- (${runs})`;
}

/** The last line: what CI logs show. */
function verdict(c: Comparison): string {
  if (c.equivalent) return `EQUIVALENT: ${c.counts.same} node executions face each other and nothing differs but what is ignored.`;
  const parts: string[] = [];
  if (c.input.differs.length) parts.push(`input at ${c.input.differs.join(', ')}`);
  const n = c.counts;
  if (n.onlyA) parts.push(`${n.onlyA} execution${n.onlyA > 1 ? 's' : ''} only in A`);
  if (n.onlyB) parts.push(`${n.onlyB} execution${n.onlyB > 1 ? 's' : ''} only in B`);
  const writes = new Set<string>();
  const state = new Set<string>();
  let ended = 0;
  for (const r of c.rows) {
    for (const ch of r.writes ?? []) writes.add(String(ch.path[0] ?? '(root)'));
    for (const k of r.state?.newly ?? []) state.add(k);
    if (r.outcome) ended++;
  }
  if (writes.size) parts.push(`writes at ${[...writes].sort().join(', ')}`);
  if (ended) parts.push(`${ended} execution${ended > 1 ? 's' : ''} ended differently`);
  if (state.size) parts.push(`state at ${[...state].sort().join(', ')}`);
  const fin = c.finalState.find((f) => f.path === '');
  if (fin?.differs.length) parts.push(`final state at ${fin.differs.join(', ')}`);
  if (c.outcome?.phase) parts.push(`outcome ${c.outcome.phase.a} vs ${c.outcome.phase.b}`);
  else if (c.outcome?.error) parts.push('the errors');
  if (c.outcome?.interrupts) parts.push('interrupts');
  return `DIFFERENT: ${parts.join('; ')}.`;
}
