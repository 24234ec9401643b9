// The one place the webview touches the VS Code webview API. In the standalone preview a small
// stand-in is installed on window before this bundle runs.
import type { FromWebview } from '../shared/protocol';

interface WebviewApi {
  postMessage(m: FromWebview): void;
  getState(): unknown;
  setState(s: unknown): void;
}

declare global {
  interface Window {
    acquireVsCodeApi?: () => WebviewApi;
  }
}

const api: WebviewApi = window.acquireVsCodeApi?.() ?? {
  postMessage: () => undefined,
  getState: () => undefined,
  setState: () => undefined,
};

export function post(m: FromWebview): void {
  api.postMessage(m);
}

export function getUiState<T>(): Partial<T> {
  const s = api.getState();
  return typeof s === 'object' && s !== null ? (s as Partial<T>) : {};
}

export function setUiState<T>(s: T): void {
  api.setState(s);
}
