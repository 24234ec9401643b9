// What the timeline says beside its canvas: the hover tooltip of an execution (as text: run data
// is never HTML) and the tag naming the clock its axis shows.
import type { Store } from '../store';
import { describeExecution, writtenKeys } from '../layout';
import { llmPreview } from './LlmCalls';

/** Fill the tooltip with execution `hit`: its name, when and how long, what it wrote, its LLM text. */
export function fillTip(tip: HTMLElement, store: Store, hit: number): void {
  const ex = store.model.executions[hit];
  const t0 = Number.isFinite(store.index.t0) ? store.index.t0 : ex.start;
  const keys = writtenKeys(ex.writes);
  tip.textContent = '';
  const line1 = document.createElement('div');
  line1.className = 'tip-title';
  line1.textContent = ex.path ? `${ex.path} › ${ex.node}` : ex.node;
  const line2 = document.createElement('div');
  line2.textContent = describeExecution(ex, t0, store.now()).slice(line1.textContent.length + 2);
  tip.append(line1, line2);
  if (keys.length) {
    const line3 = document.createElement('div');
    line3.className = 'muted';
    line3.textContent = `wrote ${keys.join(', ')}`;
    tip.append(line3);
  }
  const llm = llmPreview(store.model.llmCalls(hit));
  if (llm) {
    const line4 = document.createElement('div');
    line4.className = 'tip-llm';
    line4.textContent = llm;
    tip.append(line4);
  }
}

/** Which clock the time axis shows: one per axis, said where the times are read. */
export function ClockTag({ store }: { store: Store }) {
  const s = store.model.summary;
  const server = s.clock === 'server';
  const moved = !server && s.clockOffset !== null && store.model.executions.some((x) => x.timeSource === 'debug' || x.timeSource === 'server');
  const title = server
    ? "Times on the server's clock: a run replayed after it ended is drawn from its checkpoint times"
    : moved
      ? `Times on this computer's clock; server times moved by ${Math.round(s.clockOffset!)} ms, the offset this run shows`
      : "Times on this computer's clock: when each event arrived (tasks: when each node started)";
  return (
    <span class={`clock-tag${server ? ' server' : ''}`} title={title} aria-label={title}>
      {server ? 'server clock' : 'local clock'}
    </span>
  );
}
