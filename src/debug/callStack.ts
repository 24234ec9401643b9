// A stop as the Call Stack and the Variables view see it: DAP frames (each at its node's source,
// or at the line breakpoint that stopped it) and the scopes of a frame. session.ts answers the
// requests with these.
import { Source, StackFrame } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ThreadState } from '../client';
import type { Breakpoints } from './breakpoints';
import type { Stop } from './control';
import { checkpointOf, frameName, taskView, type Frame } from './frames';
import type { SourceIndex } from './sourceMap';
import type { VariableStore } from './variables';

export function dapFrames(frames: Frame[], stop: Stop, bps: Breakpoints, sources: SourceIndex): DebugProtocol.StackFrame[] {
  const hitSource = bps.sourceOf(stop.hitBreakpointIds);
  return frames.map((f, i) => {
    const frame = new StackFrame(f.id, frameName(f)) as DebugProtocol.StackFrame;
    const bp = i === 0 || f.ns.length === 0 ? hitSource.get(f.node) : undefined;
    const loc = bp ?? sources.locate(f.node);
    if (loc) {
      frame.source = new Source(loc.file.split(/[\\/]/).pop() ?? loc.file, loc.file);
      frame.line = loc.line;
      frame.column = 'column' in loc ? loc.column : 1;
    } else {
      frame.line = 0;
      frame.column = 0;
      frame.presentationHint = 'label';
    }
    // Restart Frame: a fork from the step before this one, stopping before this node again (root tasks).
    frame.canRestart = Boolean(f.state.parent_checkpoint?.checkpoint_id) && f.ns.length === 0;
    return frame;
  });
}

/** State (the frame's graph's: a subgraph's own inside one), Next tasks, Interrupt, Error, Checkpoint. */
export function dapScopes(stop: Stop, state: ThreadState, f: Frame | undefined, vars: VariableStore): DebugProtocol.Scope[] {
  const scopes: DebugProtocol.Scope[] = [];
  const root = !f || f.ns.length === 0;
  scopes.push(vars.scope(root ? 'State' : `State of ${f.ns.join(':')}`, { value: state.values ?? {}, path: [], scope: 'state', editable: root }, 'locals'));
  const tasks: Record<string, unknown> = {};
  for (const t of (state.tasks ?? []) as Record<string, unknown>[]) tasks[String(t.name ?? t.id)] = taskView(t);
  scopes.push(vars.scope('Next tasks', { value: tasks, path: [], scope: 'tasks', editable: false }));
  if (stop.interrupts.length) {
    const v = stop.interrupts.length === 1 ? stop.interrupts[0].value : stop.interrupts.map((i) => i.value);
    scopes.push(vars.scope('Interrupt', { value: { value: v, node: stop.interrupts[0].node, ns: stop.interrupts[0].ns }, path: [], scope: 'interrupt', editable: false }));
  }
  if (stop.error) scopes.push(vars.scope('Error', { value: stop.error, path: [], scope: 'interrupt', editable: false }));
  scopes.push(vars.scope('Checkpoint', { value: checkpointOf(state), path: [], scope: 'checkpoint', editable: false }));
  return scopes;
}
