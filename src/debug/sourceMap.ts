// Nodes ↔ lines of the graph's source, for source breakpoints and stack frames. Reads the text
// with the same parser as Go to Node Source (src/shared/nodeSourceParse.ts); no `vscode`.
// A line belongs to a node when it is in one of its spans (src/shared/nodeSpans.ts).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { graphFiles, langOf, lineCol, locateNode, type SourceLang } from '../shared/nodeSourceParse';
import { nodeSpans, type NodeSpan } from '../shared/nodeSpans';

export { nodeSpans, type NodeSpan };

/**
 * The nodes a breakpoint on zero-based `line` stops before: the innermost span holding it (an
 * inline function's lines are inside its call, so the call wins only when nothing narrower does).
 * Several nodes when one function serves several nodes.
 */
export function nodesAtLine(text: string, line: number, lang: SourceLang): string[] {
  const spans = nodeSpans(text, lang).filter((s) => s.fromLine <= line && line <= s.toLine);
  if (spans.length === 0) return [];
  const width = (s: NodeSpan) => s.toLine - s.fromLine;
  const narrowest = Math.min(...spans.map(width));
  return [...new Set(spans.filter((s) => width(s) === narrowest).map((s) => s.node))];
}

export interface GraphSourceFile {
  graphId: string;
  /** Absolute path of the graph's file. */
  file: string;
}

/** The graph files of every langgraph.json under `root` (depth ≤ 4, node_modules and dot-folders skipped). */
export function findGraphSources(root: string, explicitConfig?: string): GraphSourceFile[] {
  const configs: string[] = [];
  if (explicitConfig) configs.push(resolve(root, explicitConfig));
  else {
    const walk = (dir: string, depth: number) => {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      if (names.includes('langgraph.json')) configs.push(join(dir, 'langgraph.json'));
      if (depth >= 4) return;
      for (const n of names) {
        if (n === 'node_modules' || n.startsWith('.') || n === 'dist') continue;
        const p = join(dir, n);
        try {
          if (statSync(p).isDirectory()) walk(p, depth + 1);
        } catch { /* unreadable: skip */ }
      }
    };
    walk(root, 0);
  }
  const out: GraphSourceFile[] = [];
  for (const c of configs) {
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(c, 'utf8'));
    } catch {
      continue;
    }
    for (const g of graphFiles(config)) out.push({ graphId: g.graphId, file: resolve(dirname(c), g.file) });
  }
  return out;
}

export interface NodeSourceLine {
  file: string;
  /** One-based, for DAP. */
  line: number;
  column: number;
}

/** Reads files once per session (the debugger asks often; a save during a session is re-read on the next stop). */
export class SourceIndex {
  private texts = new Map<string, string | null>();

  constructor(private readonly files: GraphSourceFile[], private readonly graphId: string | undefined) {}

  text(file: string): string | undefined {
    if (!this.texts.has(file)) {
      try {
        this.texts.set(file, readFileSync(file, 'utf8'));
      } catch {
        this.texts.set(file, null);
      }
    }
    return this.texts.get(file) ?? undefined;
  }

  forget(): void {
    this.texts.clear();
  }

  /** The files to search for a node: the graph's own first, then the other graphs' (subgraphs are often imported). */
  private order(): string[] {
    const own = this.files.filter((f) => f.graphId === this.graphId).map((f) => f.file);
    const rest = this.files.map((f) => f.file).filter((f) => !own.includes(f));
    return [...new Set([...own, ...rest])];
  }

  /** Where the node's function is (else its addNode call, else where its name is written). */
  locate(node: string): NodeSourceLine | undefined {
    let mention: NodeSourceLine | undefined;
    for (const file of this.order()) {
      const text = this.text(file);
      if (text === undefined) continue;
      const loc = locateNode(text, node, langOf(file));
      if (!loc) continue;
      const lc = lineCol(text, loc.offset);
      const at = { file, line: lc.line + 1, column: lc.character + 1 };
      if (loc.kind !== 'mention') return at;
      mention ??= at;
    }
    return mention;
  }

  /** Whether `file` is one of the session's graph files. */
  knows(file: string): boolean {
    return this.files.some((f) => resolve(f.file) === resolve(file));
  }
}
