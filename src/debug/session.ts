// The `langgraph` debug adapter (Debug Adapter Protocol, @vscode/debugadapter). No `vscode`: VS Code
// runs it inline (DebugAdapterInlineImplementation) with hooks of its own; `langgraph-timeline dap`
// runs it on stdio for Neovim, Emacs and the tests.
import { readFileSync } from 'node:fs';
import {
  BreakpointEvent, ExitedEvent, InitializedEvent, InvalidatedEvent, LoggingDebugSession, OutputEvent, Source,
  StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LangGraphError } from '../client';
import { shortId } from '../shared/ids';
import { interruptText } from '../shared/threadText';
import { parsePath, PathError, readPath } from '../shared/valuePath';
import { Breakpoints, type BreakpointReport } from './breakpoints';
import { RunControl, type PendingInterrupt, type Stop } from './control';
import { dapFrames, dapScopes } from './callStack';
import { framesOf, type Frame } from './frames';
import { findGraphSources, SourceIndex } from './sourceMap';
import { parseReplCommand } from './replCommands';
import { planStepIn, planStepOut, type StepPlan } from './stepping';
import { parseValue, preview, VariableStore, withValue } from './variables';
import { connect, describeAttach, LaunchError, readInput, type AttachArgs, type LaunchArgs, type DebugHooks, type Connected } from './launch';

const THREAD_ID = 1;

export class LangGraphDebugSession extends LoggingDebugSession {
  private readonly bps = new Breakpoints();
  private readonly vars = new VariableStore();
  private control?: RunControl;
  private conn?: Connected;
  private sources = new SourceIndex([], undefined);
  private frames: Frame[] = [];
  private filters = { errors: true, interrupts: true };
  private configured!: Promise<void>;
  private markConfigured!: () => void;
  private attached = false;
  private ended = false;

  constructor(private readonly hooks: DebugHooks = {}) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.configured = new Promise((r) => (this.markConfigured = r));
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsSetVariable: true,
      supportsTerminateRequest: true,
      supportsExceptionInfoRequest: true,
      supportsRestartFrame: true,
      supportsEvaluateForHovers: false,
      exceptionBreakpointFilters: [
        { filter: 'errors', label: 'Node errors', description: 'Stop where a node raised, with the state before it', default: true },
        { filter: 'interrupts', label: 'interrupt() calls', description: 'Stop where a node called interrupt(), to answer it', default: true },
      ],
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.markConfigured();
  }

  private say(text: string, category: 'console' | 'stdout' | 'stderr' | 'important' = 'console'): void {
    this.sendEvent(new OutputEvent(`${text}\n`, category));
  }

  private fail(response: DebugProtocol.Response, message: string): void {
    this.say(message, 'stderr');
    this.sendErrorResponse(response, { id: 1, format: message.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')), showUser: true });
  }

  private async prepare(args: LaunchArgs | AttachArgs): Promise<Connected> {
    const conn = await connect(args, this.hooks);
    this.conn = conn;
    this.bps.graph = conn.graph;
    this.sources = new SourceIndex(findGraphSources(conn.cwd, args.langgraphJson), conn.graphId);
    if (!conn.graph) this.say(`Could not read the graph of ${conn.graphId} (${conn.graphProblem}): breakpoint names are not checked.`, 'stderr');
    for (const b of this.bps.recheck()) this.sendEvent(new BreakpointEvent('changed', toDap(b)));
    return conn;
  }

  private makeControl(conn: Connected): RunControl {
    return new RunControl({
      client: conn.client,
      assistantId: conn.assistantId,
      threadId: conn.threadId,
      streamMode: conn.streamMode,
      breakpoints: this.bps,
      filters: () => this.filters,
    }, {
      runStarted: (r) => {
        this.say(`Run ${shortId(r.runId)} (${r.kind}) on thread ${shortId(r.threadId)}`);
        this.hooks.runStarted?.({ ...r, url: conn.client.baseUrl, assistantId: conn.assistantId, graphId: conn.graphId, deploymentName: conn.deploymentName });
        this.sendEvent({ seq: 0, type: 'event', event: 'langgraph/run', body: { ...r, url: conn.client.baseUrl, assistantId: conn.assistantId } } as DebugProtocol.Event);
      },
      output: (t, c) => this.say(t, c),
      stopped: (s) => this.onStopped(s),
      ended: (how) => this.finish(how.message, how.status === 'error' ? 'stderr' : 'console', how.status === 'success' ? 0 : 1),
    });
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArgs): Promise<void> {
    let conn: Connected;
    let input: unknown;
    try {
      conn = await this.prepare(args);
      input = readInput(args.input, conn.cwd);
    } catch (e) {
      return this.fail(response, messageOf(e));
    }
    this.control = this.makeControl(conn);
    this.say(`Debugging ${conn.graphId} on ${conn.client.baseUrl}, thread ${shortId(conn.threadId)}${args.thread ? '' : ' (new)'}`);
    this.sendEvent(new InitializedEvent());
    await this.configured;
    this.sendResponse(response);
    void this.control.start(input, args.stopOnEntry === true);
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: AttachArgs): Promise<void> {
    let conn: Connected;
    try {
      if (!args.thread) throw new LaunchError('Attach needs `thread`: the id of the thread whose run to follow.');
      conn = await this.prepare(args);
    } catch (e) {
      return this.fail(response, messageOf(e));
    }
    this.attached = true;
    this.control = this.makeControl(conn);
    this.sendEvent(new InitializedEvent());
    await this.configured;
    this.sendResponse(response);
    try {
      const plan = await describeAttach(conn, args.run);
      this.say(plan.text);
      void this.control.attach(plan.runId);
    } catch (e) {
      this.finish(messageOf(e), 'stderr', 1);
    }
  }

  private onStopped(s: Stop): void {
    this.vars.reset();
    this.sources.forget();
    this.frames = framesOf(s.state);
    if (s.text) this.say(s.kind === 'interrupt' ? `interrupt(): ${s.text}` : s.text, s.kind === 'error' ? 'stderr' : 'console');
    if (s.kind === 'interrupt') {
      const opts = interruptText(s.interrupts[0].value).options;
      this.say(`Continue asks for the resume value${opts.length ? ` (options: ${opts.join(', ')})` : ''}; or type :resume <JSON> here.`);
    }
    // Not shown to the person (VS Code keeps telemetry output out of the Debug Console): for the benchmark.
    this.sendEvent(new OutputEvent('stop', 'telemetry', { readMs: s.readMs ?? null, reason: s.reason }));
    this.hooks.stopped?.({ ...(s.runId ? { runId: s.runId } : {}), reason: s.reason, description: s.description });
    const ev = new StoppedEvent(s.reason, THREAD_ID, s.text) as DebugProtocol.StoppedEvent;
    ev.body.description = s.description;
    ev.body.allThreadsStopped = true;
    if (s.hitBreakpointIds.length) ev.body.hitBreakpointIds = s.hitBreakpointIds;
    this.sendEvent(ev);
  }

  private finish(message: string, category: 'console' | 'stderr', code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.say(message, category);
    this.sendEvent(new ExitedEvent(code));
    this.sendEvent(new TerminatedEvent());
  }

  // ---- breakpoints ---------------------------------------------------------------------------
  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const out = this.bps.setFunctionBreakpoints(args.breakpoints.map((b) => ({ name: b.name, condition: b.condition, hitCondition: b.hitCondition })));
    for (const b of out) if (!b.verified && b.message) this.say(`Breakpoint ${args.breakpoints[out.indexOf(b)].name}: ${b.message}`, 'stderr');
    response.body = { breakpoints: out.map(toDap) };
    this.sendResponse(response);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const path = args.source.path ?? '';
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch { /* reported per breakpoint */ }
    const out = this.bps.setSourceBreakpoints(path, text, (args.breakpoints ?? []).map((b) => ({ line: b.line, condition: b.condition, hitCondition: b.hitCondition })));
    response.body = { breakpoints: out.map(toDap) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.filters = { errors: args.filters.includes('errors'), interrupts: args.filters.includes('interrupts') };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const e = this.control?.stop?.error;
    response.body = e
      ? { exceptionId: e.name, description: `${e.node}: ${e.message}`, breakMode: 'always' }
      : { exceptionId: 'interrupt', description: this.control?.stop?.text ?? '', breakMode: 'always' };
    this.sendResponse(response);
  }

  // ---- threads, frames, variables ------------------------------------------------------------
  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const c = this.conn;
    response.body = { threads: [new Thread(THREAD_ID, c ? `${c.graphId} · thread ${shortId(c.threadId)}` : 'LangGraph thread')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const stop = this.control?.stop;
    if (!stop) {
      response.body = { stackFrames: [], totalFrames: 0 };
      return this.sendResponse(response);
    }
    const all = dapFrames(this.frames, stop, this.bps, this.sources);
    const start = args.startFrame ?? 0;
    const frames = args.levels ? all.slice(start, start + args.levels) : all.slice(start);
    response.body = { stackFrames: frames, totalFrames: all.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const stop = this.control?.stop;
    const f = this.frames.find((x) => x.id === args.frameId) ?? this.frames[0];
    const state = f?.state ?? stop?.state;
    const scopes = state && stop ? dapScopes(stop, state, f, this.vars) : [];
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.vars.children(args.variablesReference, args.start ?? 0, args.count ?? 0) };
    this.sendResponse(response);
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    const ref = this.vars.get(args.variablesReference);
    const stop = this.control?.stop;
    if (!ref || !stop || !this.conn) return this.fail(response, 'The run is not stopped here any more: nothing to set.');
    if (!ref.editable) return this.fail(response, 'Only the root graph\'s State can be changed (tasks, interrupts, checkpoints and subgraph states are what the server recorded).');
    const parsed = parseValue(args.value);
    if (!parsed.ok) return this.fail(response, parsed.message);
    const key: string | number = Array.isArray(ref.value) ? Number(args.name) : args.name;
    const path = [...ref.path, key];
    const top = String(path[0]);
    const values = (stop.state.values ?? {}) as Record<string, unknown>;
    const newTop = withValue(values[top], path.slice(1), parsed.value);
    try {
      await this.conn.client.updateThreadState(this.conn.threadId, { values: { [top]: newTop } });
      stop.state = await this.conn.client.getThreadState(this.conn.threadId, { subgraphs: true });
    } catch (e) {
      return this.fail(response, `The server refused the new value of ${top}: ${messageOf(e)}`);
    }
    this.frames = framesOf(stop.state);
    const now = readPath(stop.state.values, path);
    const shown = now.ok ? now.value : undefined;
    response.body = { value: preview(shown), variablesReference: this.vars.refFor({ value: shown, path, scope: 'state', editable: true }) };
    this.sendResponse(response);
    this.say(`${top} updated on the server (its reducer applied): now ${preview((stop.state.values as Record<string, unknown>)[top])}`);
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    const text = args.expression.trim();
    if (text.startsWith(':')) return this.command(response, text);
    const stop = this.control?.stop;
    if (!stop) return this.fail(response, 'The run is going: the state can be read when it stops.');
    const f = this.frames.find((x) => x.id === args.frameId) ?? this.frames[0];
    const values = (f?.state ?? stop.state).values;
    let path;
    try {
      path = parsePath(text);
    } catch (e) {
      if (!(e instanceof PathError)) throw e;
      return this.fail(response, `${e.message}. The Debug Console reads paths over the state (messages[-1].content, documents.length); :help lists its commands.`);
    }
    const r = readPath(values, path);
    if (!r.ok) return this.fail(response, r.reason);
    response.body = { result: preview(r.value, 400), variablesReference: this.vars.refFor({ value: r.value, path, scope: 'eval', editable: false }) };
    this.sendResponse(response);
  }

  private async command(response: DebugProtocol.EvaluateResponse, text: string): Promise<void> {
    const c = parseReplCommand(text);
    if (c.kind === 'help') {
      response.body = { result: c.text, variablesReference: 0 };
      return this.sendResponse(response);
    }
    if (c.kind === 'error') return this.fail(response, c.message);
    const stop = this.control?.stop;
    if (!stop || stop.kind !== 'interrupt') return this.fail(response, `${text.split(/\s/)[0]} answers an interrupt() stop; the run is not stopped at one.`);
    response.body = { result: `resuming with ${preview(c.value)}`, variablesReference: 0 };
    this.sendResponse(response);
    this.sendEvent({ seq: 0, type: 'event', event: 'continued', body: { threadId: THREAD_ID, allThreadsContinued: true } } as DebugProtocol.ContinuedEvent);
    const plan = this.plan(c.move);
    void this.control!.resume(c.value, plan.run === 'step', plan.run === 'step' && plan.subgraphs);
  }

  // ---- controls ------------------------------------------------------------------------------
  /** The value to answer an interrupt() stop with: the editor asks the person (inline), else :resume. */
  private async resumeValue(i: PendingInterrupt): Promise<{ value: unknown } | undefined | 'no-prompt'> {
    if (!this.hooks.askResumeValue) return 'no-prompt';
    return this.hooks.askResumeValue(i);
  }

  /** What a control does from this stop (stepping.ts: Step Into / Out over subgraphs), said first. */
  private plan(how: 'continue' | 'step' | 'stepIn' | 'stepOut'): StepPlan {
    const plan: StepPlan = how === 'stepIn' ? planStepIn(this.frames, this.bps.graph?.nested ?? [])
      : how === 'stepOut' ? planStepOut(this.frames)
        : how === 'step' ? { run: 'step', subgraphs: false } : { run: 'continue', note: '' };
    if (plan.note) this.say(plan.note);
    return plan;
  }

  private async move(response: DebugProtocol.Response, how: 'continue' | 'step' | 'stepIn' | 'stepOut'): Promise<void> {
    const c = this.control;
    const stop = c?.stop;
    if (!c || !stop) return this.fail(response, 'The run is not stopped.');
    const plan = this.plan(how);
    const step = plan.run === 'step';
    const subgraphs = plan.run === 'step' && plan.subgraphs;
    if (stop.kind === 'interrupt') {
      const v = await this.resumeValue(stop.interrupts[0]);
      if (v === 'no-prompt') return this.fail(response, 'This stop is an interrupt() call: answer it in the Debug Console with :resume <JSON> (or :step <JSON>, :stepout <JSON>).');
      if (v === undefined) return this.fail(response, 'Not resumed: no value was given. Continue again to answer the interrupt().');
      this.sendResponse(response);
      return void c.resume(v.value, step, subgraphs);
    }
    this.sendResponse(response);
    void (step ? c.step(subgraphs) : c.continue());
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    void this.move(response, 'continue');
  }
  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    void this.move(response, 'step');
  }
  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    void this.move(response, 'stepIn');
  }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    void this.move(response, 'stepOut');
  }

  protected override async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    if (!this.control?.running) return this.fail(response, 'Nothing to pause: the run is stopped.');
    this.sendResponse(response);
    try {
      await this.control.pause();
    } catch (e) {
      this.say(`Pause failed: ${messageOf(e)}`, 'stderr');
    }
  }

  protected override async restartFrameRequest(response: DebugProtocol.RestartFrameResponse, args: DebugProtocol.RestartFrameArguments): Promise<void> {
    const f = this.frames.find((x) => x.id === args.frameId);
    const cp = f?.state.parent_checkpoint?.checkpoint_id;
    if (!f || !cp || !this.control || f.ns.length) return this.fail(response, 'This frame cannot be restarted: it has no step before it on the root graph.');
    if (this.control.running) return this.fail(response, 'The run is going: pause it first.');
    this.sendResponse(response);
    this.say(`Restart Frame: a fork of the thread from checkpoint ${shortId(cp)} (the step before), stopping before ${f.node} again.`);
    void this.control.restartFrom(cp, f.node);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.stopAll(true);
    this.sendResponse(response);
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): Promise<void> {
    // Attach leaves the run alone unless asked; launch cancels what it started.
    await this.stopAll(args.terminateDebuggee ?? !this.attached);
    this.sendResponse(response);
    await this.conn?.client.close().catch(() => undefined);
    this.shutdown(); // standalone: the process exits; inline: nothing
  }

  private async stopAll(cancel: boolean): Promise<void> {
    if (cancel && this.control?.running) await this.control.terminate().catch(() => undefined);
    this.finish(cancel ? 'Debug session stopped.' : 'Detached.', 'console', 0);
  }
}

function messageOf(e: unknown): string {
  if (e instanceof LaunchError || e instanceof LangGraphError) return e.message;
  return (e as Error)?.message ?? String(e);
}

function toDap(b: BreakpointReport): DebugProtocol.Breakpoint {
  return { id: b.id, verified: b.verified, message: b.message, line: b.line, source: b.source ? new Source(b.source.path.split(/[\\/]/).pop() ?? '', b.source.path) : undefined };
}
