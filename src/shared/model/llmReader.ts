// The run model's reader of LLM output (the ledger of calls is ./llm.ts): it says which execution a
// message belongs to, and opens one when a node's model streams before anything else told of the
// node (`updates` + `messages-tuple`, no `tasks`): that node is running, and its update completes
// it. Pure.
import { isRecord, type RunEvent } from '../events';
import { coerceMessage } from '../state';
import type { Execution } from './types';
import { StreamReader } from './stream';
import { awaitKey, pushTo } from './helpers';
import { LlmLedger, isAiMessage, type LlmPlace } from './llm';

/** byTask keys of executions opened by a model's first chunk (never a server task id). */
const OPENED = 'llm\u0000';

export class LlmReader extends StreamReader {
  readonly llm = new LlmLedger();
  private readonly opened = new WeakSet<Execution>();

  protected override dispatch(ev: RunEvent): void {
    switch (ev.event) {
      case 'messages':
        return this.onTuple(ev);
      case 'messages/metadata':
        return this.llm.metadata(ev.data);
      case 'messages/partial':
        return this.onPartial(ev);
      case 'messages/complete':
        return; // the same messages reach the model through `updates`/`values`
      default:
        return super.dispatch(ev);
    }
  }

  private onTuple(ev: RunEvent): void {
    if (!Array.isArray(ev.data) || ev.data.length < 1) return;
    const [chunk, m] = ev.data as unknown[];
    const meta = isRecord(m) ? m : {};
    if (!LlmLedger.isLlmChunk(chunk, meta)) return; // a tool's message, a node's whole message: `updates` has it
    this.llm.chunk(this.placeFor(ev, meta), chunk, meta, ev.t, false);
  }

  /** Python `messages` mode: `[<the message so far>]`, its node in the earlier `messages/metadata`. */
  private onPartial(ev: RunEvent): void {
    const list = Array.isArray(ev.data) ? ev.data : [ev.data];
    for (const msg of list) {
      if (!isAiMessage(msg)) continue;
      const meta = this.llm.metaFor(msg.id) ?? {};
      this.llm.chunk(this.placeFor(ev, meta), msg, meta, ev.t, true);
    }
  }

  /** The execution of the message's node: by task id, a running one, or one opened now. */
  private placeFor(ev: RunEvent, meta: Record<string, unknown>): LlmPlace {
    const untimed = !!this.summary.runs.at(-1)?.replay;
    const node = typeof meta.langgraph_node === 'string' ? meta.langgraph_node : null;
    if (node === null) return { node: '?', ns: ev.ns, execution: null, runId: this.currentRun, execStart: null, untimed };
    const cns = typeof meta.langgraph_checkpoint_ns === 'string' ? meta.langgraph_checkpoint_ns : typeof meta.checkpoint_ns === 'string' ? meta.checkpoint_ns : '';
    const last = cns.split('|').at(-1) ?? '';
    const taskId = last.startsWith(`${node}:`) ? last.slice(node.length + 1) : null;
    let ex: Execution | undefined = taskId ? this.byTask.get(taskId) : undefined;
    if (!ex) {
      const key = awaitKey(ev.ns, node);
      const opened = this.byTask.get(OPENED + key);
      // One that ended without its update (an error, a cancel, an earlier run) takes no more chunks.
      if (opened && (opened.status !== 'running' || opened.runId !== this.currentRun)) this.byTask.delete(OPENED + key);
      else ex = opened;
      ex ??= this.awaitingWrites.get(key)?.find((x) => x.status === 'running' && x.runId === this.currentRun);
    }
    if (!ex) ex = this.openFromModel(ev, node);
    // A task's start is before its model began; an execution opened by the first chunk says nothing of that.
    return { node, ns: ev.ns, execution: ex.index, runId: ex.runId, execStart: ex.timeSource === 'tasks' && ex.status === 'running' && !this.opened.has(ex) ? ex.start : null, untimed };
  }

  private openFromModel(ev: RunEvent, node: string): Execution {
    const g = this.graph(ev.ns);
    const { step, taskId } = this.stepForUpdate(g, node);
    // Its model's first chunk is a start on the arrival clock, like a `tasks` start (a little
    // late: the node ran before its model answered), and its update the end: a bar, not a mark.
    const ex = this.push(g, step, { node, ns: ev.ns, taskId, start: ev.t, end: null, timeSource: 'tasks', writes: undefined, status: 'running', eventIds: ev.id !== null ? [ev.id] : [] });
    this.opened.add(ex);
    const key = awaitKey(ev.ns, node);
    // In byTask, so an error, an interrupt or a cancel ends it like a task's execution.
    this.byTask.set(OPENED + key, ex);
    pushTo(this.awaitingWrites, key, ex);
    return ex;
  }

  protected override onUpdates(ev: RunEvent): void {
    super.onUpdates(ev);
    if (!isRecord(ev.data)) return;
    for (const node of Object.keys(ev.data)) {
      const key = OPENED + awaitKey(ev.ns, node);
      const ex = this.byTask.get(key);
      if (!ex || ex.writes === undefined) continue;
      this.byTask.delete(key);
      if (ex.status === 'running') ex.status = 'done';
      ex.end ??= ev.t;
      this.llm.settle(ex.index);
    }
  }

  protected override writesKnown(ex: Execution): void {
    super.writesKnown(ex);
    if (!isRecord(ex.writes)) return;
    const place: LlmPlace = { node: ex.node, ns: ex.ns, execution: ex.index, runId: ex.runId, execStart: null, untimed: true };
    let k = 0;
    for (const v of Object.values(ex.writes)) {
      for (const raw of Array.isArray(v) ? v : [v]) {
        const m = coerceMessage(raw);
        if (!isAiMessage(m)) continue;
        this.llm.written(place, m, k++);
      }
    }
  }

  protected override onTask(ev: RunEvent, d: unknown, t: number, source: Execution['timeSource'], stepNo?: number): void {
    const done = isRecord(d) && typeof d.id === 'string' && ('result' in d || 'error' in d) ? this.byTask.get(d.id) : undefined;
    super.onTask(ev, d, t, source, stepNo);
    if (done) this.llm.settle(done.index);
  }
}
