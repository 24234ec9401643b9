// Go to Node Source: every langgraph.json in the workspace (at any depth) → the graph's file → the
// node's function. The text is read by shared/nodeSourceParse; the editor's own knowledge (document
// symbols, and go-to-definition for a function imported from another file) refines it where a
// language extension provides it.
import * as vscode from 'vscode';
import { graphFiles, langOf, lineCol, locateNode, nodeCalls, type NodeLocationKind } from '../shared/nodeSourceParse';

export interface SourceLocation {
  uri: vscode.Uri;
  line: number;
  character: number;
  kind: NodeLocationKind;
  /** Which graph's file it is in (a node of a subgraph may live in another graph's file). */
  graphId: string;
}

export interface GraphSource {
  graphId: string;
  uri: vscode.Uri;
  /** The langgraph.json that names it. */
  config: vscode.Uri;
}

/** Why nothing was found, for a message that says what to do. */
export type SourceMiss =
  | { missing: 'config' }
  | { missing: 'graph'; graphIds: string[] }
  | { missing: 'node'; files: vscode.Uri[] };

/** A language extension that is still starting must not hold the jump up: the text has an answer. */
const PROVIDER_TIMEOUT_MS = 2500;

/** The graphs of every langgraph.json in the workspace. */
export async function graphSources(): Promise<GraphSource[]> {
  const configs = await vscode.workspace.findFiles('**/langgraph.json', '**/node_modules/**', 50);
  const out: GraphSource[] = [];
  for (const config of configs) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(config)));
    } catch {
      continue; // not JSON (yet): skip it, the others may do
    }
    for (const g of graphFiles(json)) out.push({ graphId: g.graphId, uri: vscode.Uri.joinPath(config, '..', g.file), config });
  }
  return out;
}

/** The graph's own file first; then every other graph file (subgraphs, an unknown graph id). */
function searchOrder(sources: GraphSource[], graphId: string | undefined): GraphSource[] {
  const own = sources.filter((s) => s.graphId === graphId);
  const seen = new Set(own.map((s) => s.uri.toString()));
  const rest = sources.filter((s) => !seen.has(s.uri.toString()) && (seen.add(s.uri.toString()), true));
  return [...own, ...rest];
}

async function readDoc(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  try {
    return await vscode.workspace.openTextDocument(uri); // unsaved edits count
  } catch {
    return undefined;
  }
}

export async function findNodeSource(graphId: string | undefined, node: string): Promise<SourceLocation | SourceMiss> {
  const sources = await graphSources();
  if (!sources.length) return { missing: 'config' };
  const order = searchOrder(sources, graphId);
  let best: SourceLocation | undefined;
  for (const src of order) {
    const doc = await readDoc(src.uri);
    if (!doc) continue;
    const text = doc.getText();
    const loc = locateNode(text, node, langOf(src.uri.path));
    if (!loc) continue;
    let pos = lineCol(text, loc.offset);
    let uri = src.uri;
    let kind = loc.kind;
    if (loc.symbol) {
      const refined = (await symbolPosition(doc, loc.symbol)) ?? (loc.kind === 'call' && loc.symbolOffset !== undefined ? await definitionOf(doc, lineCol(text, loc.symbolOffset)) : undefined);
      if (refined) {
        uri = refined.uri;
        pos = { line: refined.range.start.line, character: refined.range.start.character };
        kind = 'definition';
      }
    }
    const found: SourceLocation = { uri, ...pos, kind, graphId: src.graphId };
    // A real call beats a name written somewhere in another file.
    if (found.kind !== 'mention') return found;
    best ??= found;
  }
  if (best) return best;
  if (graphId && !sources.some((s) => s.graphId === graphId)) return { missing: 'graph', graphIds: [...new Set(sources.map((s) => s.graphId))] };
  return { missing: 'node', files: order.map((s) => s.uri) };
}

export function isMiss(r: SourceLocation | SourceMiss): r is SourceMiss {
  return 'missing' in r;
}

export interface SourceNode {
  node: string;
  graphId: string;
  uri: vscode.Uri;
  line: number;
}

/** The nodes the graph files add by name, in source order; the given graph's first. */
export async function sourceNodes(graphId?: string): Promise<SourceNode[]> {
  const out: SourceNode[] = [];
  for (const src of searchOrder(await graphSources(), graphId)) {
    const doc = await readDoc(src.uri);
    if (!doc) continue;
    const text = doc.getText();
    for (const c of nodeCalls(text, langOf(src.uri.path))) {
      if (!out.some((n) => n.node === c.name && n.uri.toString() === src.uri.toString())) out.push({ node: c.name, graphId: src.graphId, uri: src.uri, line: lineCol(text, c.offset).line });
    }
  }
  return out;
}

function withTimeout<T>(p: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

const DEFINED = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Variable, vscode.SymbolKind.Constant, vscode.SymbolKind.Class, vscode.SymbolKind.Property]);

/** `name` among the document's symbols (a language extension's), outermost first. */
async function symbolPosition(doc: vscode.TextDocument, name: string): Promise<vscode.Location | undefined> {
  const symbols = await withTimeout(vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri), PROVIDER_TIMEOUT_MS);
  if (!Array.isArray(symbols) || !symbols.length) return undefined;
  // Breadth-first: a module-level function wins over a local or a method of the same name.
  let level: (vscode.DocumentSymbol | vscode.SymbolInformation)[] = symbols;
  while (level.length) {
    const hit = level.find((s) => s.name === name && DEFINED.has(s.kind));
    if (hit) return 'selectionRange' in hit ? new vscode.Location(doc.uri, hit.selectionRange) : hit.location;
    level = level.flatMap((s) => ('children' in s ? s.children : []));
  }
  return undefined;
}

/** Go to Definition on the function's name in the call: follows an import to its file. */
async function definitionOf(doc: vscode.TextDocument, at: { line: number; character: number }): Promise<vscode.Location | undefined> {
  const defs = await withTimeout(vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[] | undefined>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(at.line, at.character)), PROVIDER_TIMEOUT_MS);
  const d = Array.isArray(defs) ? defs[0] : undefined;
  if (!d) return undefined;
  const loc = 'targetUri' in d ? new vscode.Location(d.targetUri, d.targetSelectionRange ?? d.targetRange) : d;
  // An import statement in the same file is no better than the call.
  if (loc.uri.toString() === doc.uri.toString() || /[\\/]node_modules[\\/]|\.d\.ts$/.test(loc.uri.path)) return undefined;
  return loc;
}
