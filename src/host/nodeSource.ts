// Go to Node Source: langgraph.json → the graph's file → where the node is added.
import * as vscode from 'vscode';
import { isRecord } from '../shared/events';

export interface SourceLocation {
  uri: vscode.Uri;
  line: number;
  character: number;
}

/** Where `addNode("node", …)` / `add_node("node", …)` is in the graph file of `graphId`. */
export async function findNodeSource(graphId: string | undefined, node: string): Promise<SourceLocation | undefined> {
  const configs = await vscode.workspace.findFiles('**/langgraph.json', '**/node_modules/**', 20);
  const files: vscode.Uri[] = [];
  for (const cfg of configs) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(cfg)));
    } catch {
      continue;
    }
    const graphs = isRecord(json) && isRecord(json.graphs) ? json.graphs : {};
    for (const [id, spec] of Object.entries(graphs)) {
      if (graphId && id !== graphId) continue;
      const path = typeof spec === 'string' ? spec : isRecord(spec) && typeof spec.path === 'string' ? spec.path : undefined;
      if (!path) continue;
      const file = path.split(':')[0];
      files.push(vscode.Uri.joinPath(cfg, '..', file));
    }
  }
  const esc = node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`\\b(addNode|add_node)\\s*\\(\\s*["'\`]${esc}["'\`]`);
  for (const f of files) {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(f));
    } catch {
      continue;
    }
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = re.exec(lines[i]);
      if (m) return { uri: f, line: i, character: m.index };
    }
  }
  return undefined;
}
