// CPU by function (self time): from Chrome's sampling profiler over CDP (the page, for the
// benchmarks' BENCH_PROFILE=1), or from a `node --cpu-prof` file (a child process).
import type { CDPSession } from 'playwright-core';

/** What both profilers write (the `.cpuprofile` format). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
}

export async function startCpuProfile(cdp: CDPSession): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
}

/** Stop and print the `top` functions by self time, as shares of all samples. */
export async function printCpuProfile(cdp: CDPSession, title: string, top: number, indent = '  '): Promise<void> {
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
  printProfile(profile, title, top, indent);
}

/** The `top` functions of a profile by self time, as shares of all samples. */
export function printProfile(profile: CpuProfile, title: string, top: number, indent = '  '): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of profile.samples) {
    const f = byId.get(id)!.callFrame;
    const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + 1);
  }
  const n = profile.samples.length;
  console.log(title);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${indent}${((100 * v) / n).toFixed(1).padStart(5)}%  ${k}`);
}
