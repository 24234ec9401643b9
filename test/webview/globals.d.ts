// What tests plant on the preview page's window (the preview's own API, window.lgtPreview, is
// declared by src/webview/preview/standIn.ts).
declare global {
  interface Window {
    /** CSP violations the page reported (xss.test). */
    __csp?: string[];
    /** Set only if an injected payload ran. */
    __xss?: unknown;
    pwned?: unknown;
  }
}
export {};
