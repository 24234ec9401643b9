// Layouts done in a Web Worker made from the layout worker's bundled source (a blob: the
// webview's CSP allows blob workers). Where no worker can be had (no Worker, a CSP that refuses
// it, a worker that died), the layout is done on the panel's thread, as before.
import source from 'lgt-worker:./graphLayoutWorker';
import { blobWorker, startWorker } from '../blobWorker';
import { runLayout, type LayoutInput, type LayoutOutput } from './graphLayout';

type Reply = { id: number; out: LayoutOutput } | { id: number; error: string };

/**
 * Up to this many boxes and edges a layout is done here at once: it costs a few ms, less than the
 * round trip to the worker (measured: the research graph 67 ms here against 141–186 ms through the
 * worker on a busy machine, most of it the answer waiting for the panel's thread).
 */
const HERE_MAX = 60;

/** Laid out at once on the panel's thread (see HERE_MAX), not in the worker. */
export function layoutIsSmall(input: LayoutInput): boolean {
  return input.clusters.length + input.boxes.length + input.edges.length <= HERE_MAX;
}

export class LayoutClient {
  private worker: Worker | null | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (o: LayoutOutput) => void; reject: (e: Error) => void; input: LayoutInput }>();

  constructor(private readonly makeWorker: () => Worker | null = layoutWorker) {}

  /** Lay out off the panel's thread when it can. */
  layout(input: LayoutInput): Promise<LayoutOutput> {
    if (layoutIsSmall(input)) return new Promise((resolve, reject) => this.here(input, resolve, reject));
    const w = this.ensure();
    if (!w) return new Promise((resolve, reject) => setTimeout(() => this.here(input, resolve, reject), 0));
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, input });
      w.postMessage({ id, input });
    });
  }

  /** Start the worker now (its script is compiled while the panel takes in its first data). */
  warm(): void {
    this.ensure();
  }

  private here(input: LayoutInput, resolve: (o: LayoutOutput) => void, reject: (e: Error) => void): void {
    try {
      resolve(runLayout(input));
    } catch (e) {
      reject(e as Error);
    }
  }

  private ensure(): Worker | null {
    if (this.worker === undefined) this.worker = startWorker<Reply>(this.makeWorker, (r) => this.answered(r), () => this.failed());
    return this.worker;
  }

  private answered(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if ('out' in r) p.resolve(r.out);
    else p.reject(new Error(r.error));
  }

  /** The worker died (or never started): what it held is laid out here, and so is what follows. */
  private failed(): void {
    this.worker?.terminate();
    this.worker = null;
    const held = [...this.pending.values()];
    this.pending.clear();
    for (const p of held) this.here(p.input, p.resolve, p.reject);
  }
}

function layoutWorker(): Worker | null {
  return blobWorker(source);
}

let shared: LayoutClient | null = null;
/** The panel's layout worker (one for the panel). */
export function layoutClient(): LayoutClient {
  return (shared ??= new LayoutClient());
}
