// Frame cost in thread CPU time, from a Chrome trace of the page: the task that runs an animation
// frame (script, style, layout, paint, commit) measured by the renderer's own thread clock, so
// other processes on a busy 2-core machine do not count in it the way they do in wall time.
import type { CDPSession } from 'playwright-core';

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: Record<string, unknown>;
}

export async function startTrace(cdp: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink' } as never);
  return async () => {
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.end');
    await done;
    return events;
  };
}

/** Each animation frame's task, in thread CPU ms. */
export function frameCpu(evs: readonly TraceEvent[]): number[] {
  const main = evs.find((e) => e.name === 'thread_name' && (e.args as { name?: string })?.name === 'CrRendererMain');
  if (!main) return [];
  const mine = evs.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const frames: number[] = [];
  let task: TraceEvent | null = null;
  let taskEnd = -1;
  let counted = false;
  for (const e of mine) {
    if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') {
      task = e;
      taskEnd = e.ts + (e.dur ?? 0);
      counted = false;
      continue;
    }
    if (e.ts >= taskEnd || counted || !task) continue;
    if (e.name === 'FireAnimationFrame') {
      frames.push((task.tdur ?? task.dur ?? 0) / 1000);
      counted = true;
    }
  }
  return frames;
}
