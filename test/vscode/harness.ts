// Helpers for suites inside the real VS Code extension host: the extension's API, the example
// deployment's URL, and the launcher's screenshot/UI service.
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';

export const EXTENSION_ID = 'langgraph-timeline.langgraph-timeline';

export async function extensionApi(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

export function serverUrl(): string {
  const url = process.env.LGT_TEST_SERVER_URL;
  if (!url) throw new Error('LGT_TEST_SERVER_URL is not set: run through `npm test` / `npm run test:vscode`');
  return url;
}

async function service<T>(envVar: string, body: unknown): Promise<T> {
  const url = process.env[envVar];
  if (!url) throw new Error(`${envVar} is not set (the launcher provides it)`);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`${envVar}: HTTP ${res.status} ${json.error ?? ''}`);
  return json;
}

/** Ask the launcher for a PNG of the workbench or of the visible webview; returns its path. */
export async function screenshot(name: string, target: 'workbench' | 'webview'): Promise<string> {
  const r = await service<{ path?: string }>('LGT_SCREENSHOT_URL', { name, target });
  if (!r.path) throw new Error('screenshot service returned no path');
  return r.path;
}

/** Drive the workbench like a person (see scripts/vscode/testService.mjs for actions). */
export async function ui(action: Record<string, unknown>): Promise<void> {
  await service('LGT_UI_URL', action);
}

/** Read the page like a person: each match's attribute (or text content). */
export async function read(selector: string, opts: { attr?: string; frame?: 'webview' } = {}): Promise<string[]> {
  const r = await service<{ values?: string[] }>('LGT_UI_URL', { action: 'read', selector, ...opts });
  return r.values ?? [];
}

/** What a person sees in the first element matching `selector`: an input's value, its text, whether it has the keyboard focus (and its attributes). */
export async function inspect(selector: string, opts: { frame?: 'webview'; timeoutMs?: number } = {}): Promise<{ value: string | null; text: string | null; focused: boolean; attributes: Record<string, string> }> {
  return service('LGT_UI_URL', { action: 'inspect', selector, ...opts });
}

export { until } from '../support/runs';

/** The sidebar tree's rows. */
export const TREE_ROWS = '.part.sidebar .monaco-list-row';

/**
 * Show the example deployment's assistant `graph` expanded and everything else collapsed, the way
 * a person tidies the tree before looking: the tree is virtualised, so a row scrolled out of
 * view by what earlier suites left expanded is not in the page at all.
 */
export async function showAssistantInTree(graph: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.extension.langgraph');
  await vscode.commands.executeCommand('langgraph.refresh'); // children read before now are stale
  await vscode.commands.executeCommand('workbench.actions.treeView.langgraph.deployments.collapseAll');
  const deployment = `${TREE_ROWS}[aria-level="1"]:has-text("${new URL(serverUrl()).host}")`;
  await ui({ action: 'waitFor', selector: `${deployment}[aria-expanded="false"]`, timeoutMs: 30_000 });
  await ui({ action: 'click', selector: deployment });
  const assistant = `${TREE_ROWS}[aria-level="2"][aria-label^="${graph}"]`;
  await ui({ action: 'click', selector: `${assistant}[aria-expanded="false"]`, timeoutMs: 30_000 });
  await ui({ action: 'waitFor', selector: `${assistant}[aria-expanded="true"]`, timeoutMs: 30_000 });
}
