// The one place the webview touches the VS Code webview API. In the standalone preview a small
// stand-in is installed on window before this bundle runs; in plain-Node tests there is no window.
import type { FromWebview } from '../shared/protocol';

export interface WebviewApi {
  postMessage(m: FromWebview): void;
  getState(): unknown;
  setState(s: unknown): void;
}

declare global {
  interface Window {
    acquireVsCodeApi?: () => WebviewApi;
  }
}

const noop: WebviewApi = { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };

let api: WebviewApi | undefined;

/** acquireVsCodeApi may be called only once per webview: keep the handle. */
export function webviewApi(): WebviewApi {
  if (!api) {
    const acquire = typeof window !== 'undefined' ? window.acquireVsCodeApi : undefined;
    api = acquire ? acquire() : noop;
  }
  return api;
}

export function post(m: FromWebview): void {
  webviewApi().postMessage(m);
}
