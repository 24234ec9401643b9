// The layout worker: dagre on a plan's input, off the panel's thread, so a big graph (or a graph
// drawn from a run that keeps growing) never holds up the timeline's frames. Bundled on its own
// and made into a blob worker by graphLayoutClient.ts. Pure: no DOM.
import { runLayout, type LayoutInput } from './graphLayout';

const scope = self as unknown as { onmessage: ((e: MessageEvent<{ id: number; input: LayoutInput }>) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e) => {
  const { id, input } = e.data;
  try {
    scope.postMessage({ id, out: runLayout(input) });
  } catch (err) {
    scope.postMessage({ id, error: String((err as Error)?.message ?? err) });
  }
};
