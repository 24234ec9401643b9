// Node breakpoints from the graph pane: the same breakpoints as VS Code's Breakpoints view —
// function breakpoints named after the node (its xray id, `write:draft` inside a subgraph), which
// the LangGraph debugger (debug type `langgraph`) stops before. The pane toggles them and is told
// which are set, whoever set them.
import * as vscode from 'vscode';
import type { ToWebview } from '../shared/protocol';

/** Names of the enabled function breakpoints. */
export function nodeBreakpoints(): string[] {
  return vscode.debug.breakpoints.filter((b): b is vscode.FunctionBreakpoint => b instanceof vscode.FunctionBreakpoint && b.enabled).map((b) => b.functionName);
}

/** Set a breakpoint on the node, or remove the ones there are. */
export function toggleNodeBreakpoint(node: string): void {
  const there = vscode.debug.breakpoints.filter((b): b is vscode.FunctionBreakpoint => b instanceof vscode.FunctionBreakpoint && b.functionName === node);
  if (there.length) vscode.debug.removeBreakpoints(there);
  else vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint(node)]);
}

/** Tell the panel the breakpoints now and whenever they change. */
export function followBreakpoints(post: (m: ToWebview) => void): vscode.Disposable {
  return vscode.debug.onDidChangeBreakpoints(() => post({ type: 'breakpoints', nodes: nodeBreakpoints() }));
}
