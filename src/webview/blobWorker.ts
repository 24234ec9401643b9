// The panel's Web Workers: made from source text as blobs (a webview cannot start a worker from
// its resource URLs; its CSP allows `blob:` workers). Used by the inbox (packed slices) and the
// graph pane (layouts).

/** A worker running `source`, or null where none can be had (no Worker, no blobs). */
export function blobWorker(source: string): Worker | null {
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') return null;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return new Worker(url);
  } finally {
    // The worker has fetched it (or will from the blob it holds): the URL is no longer needed.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** `make()` once, wired to its handlers; null (for good) when it throws or gives none. */
export function startWorker<R>(make: () => Worker | null, onMessage: (r: R) => void, onError: (e: ErrorEvent) => void): Worker | null {
  let w: Worker | null;
  try {
    w = make();
  } catch {
    w = null;
  }
  if (w) {
    w.onmessage = (e: MessageEvent<R>) => onMessage(e.data);
    w.onerror = onError;
  }
  return w;
}
