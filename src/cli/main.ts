// langgraph-timeline: record a run to JSON Lines, or show a recording as a text timeline.
// Uses the same client as the extension. Exit non-zero with one clear line on failure.
import { createWriteStream, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { LangGraphClient, LangGraphError, STREAM_MODES, fetchRunExtras, fetchSessionGraph, isRecord, isStreamMode, lostRunOf, runEnded, runErrorOf, runStartOf, type RunEvent, type RunStart, type RunExtras, type RunStream, type StreamControl, type StreamMode } from '../client';
import { eventLine, headerLine, parseRecording, type RecordingHeader } from '../shared/recording';
import { RunModel } from '../shared/runModel';
import type { SessionGraph } from '../shared/assistantGraph';
import { renderTimelineText, modelJson } from './show';
import { LangGraphDebugSession } from '../debug/session';
import { DIFF_USAGE, diffCommand } from './diff';

const USAGE = `Usage:
  langgraph-timeline record --url URL --assistant ID [--thread ID] [--input JSON|@file]
                            [--stream-mode updates,tasks,...] [--subgraphs] [--out FILE]
                            [--join RUN_ID] [--resume JSON|@file] [--api-key KEY]
                            [--max-reconnects N] [--idle-timeout-ms MS] [--restart-wait-ms MS] [--no-extras]
  langgraph-timeline show FILE [--json]
  langgraph-timeline dap    (a Debug Adapter Protocol server on stdin/stdout, debug type "langgraph")
${DIFF_USAGE}

record writes JSON Lines: a first line describing the run, then one line per event
({id, event, ns, data, t}). Exit 0 when the run ended (or stopped at an interrupt),
3 when it ended with an error event, 4 when the server restarted or went away and the run
was lost (--restart-wait-ms: how long to wait for it, default 60000), 1 on any other failure, 2 on bad arguments,
130 when interrupted (Ctrl-C). With --out, the first line also gets the thread's final
state and history and the assistant's graph (unless --no-extras). The API key may also come from LANGGRAPH_API_KEY;
a proxy from HTTPS_PROXY / HTTP_PROXY (NO_PROXY honoured).`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--') && !['subgraphs', 'json', 'help', 'no-extras'].includes(a.slice(2))) flags.set(a.slice(2), argv[++i]);
      else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

function str(flags: Map<string, string | true>, name: string, required = false): string | undefined {
  const v = flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  if (required && v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

/** A JSON value given inline or as @file. */
function parseJsonArg(name: string, v: string | undefined): unknown {
  if (v === undefined) return undefined;
  let text = v;
  if (v.startsWith('@')) {
    try {
      text = readFileSync(v.slice(1), 'utf8');
    } catch (e) {
      throw new UsageError(`--${name} ${v}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--${name} is not valid JSON: ${(e as Error).message}`);
  }
}

function intFlag(flags: Map<string, string | true>, name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  return n;
}

/** One line for a person: what the client synthesized (lost events, a bad payload). */
function notice(ev: RunEvent): string | null {
  if (ev.event !== 'lgt/gap' && ev.event !== 'lgt/malformed') return null;
  return isRecord(ev.data) && typeof ev.data.message === 'string' ? ev.data.message : ev.event;
}

async function record(flags: Map<string, string | true>): Promise<number> {
  const url = str(flags, 'url', true)!;
  const assistantId = str(flags, 'assistant', true)!;
  const modesRaw = (str(flags, 'stream-mode') ?? 'updates').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = modesRaw.filter((m) => !isStreamMode(m));
  if (bad.length) throw new UsageError(`unknown stream mode ${bad.join(', ')} (known: ${STREAM_MODES.join(', ')})`);
  const streamMode = modesRaw as StreamMode[];
  const streamSubgraphs = flags.get('subgraphs') === true;
  const resume = parseJsonArg('resume', str(flags, 'resume'));
  // No input at all fails on the server ("Received no input writes"); `--input null` is how a
  // static breakpoint is resumed.
  const given = parseJsonArg('input', str(flags, 'input'));
  const input = given !== undefined || resume !== undefined ? given : {};
  const command = resume !== undefined ? { resume } : undefined;
  const out = str(flags, 'out');
  const joinId = str(flags, 'join');
  const maxReconnects = intFlag(flags, 'max-reconnects');
  const idleTimeoutMs = intFlag(flags, 'idle-timeout-ms');
  const restartWaitMs = intFlag(flags, 'restart-wait-ms');
  let threadId = str(flags, 'thread');
  if (joinId && !threadId) throw new UsageError('--join needs --thread');
  if (resume !== undefined && !threadId) throw new UsageError('--resume needs --thread (the interrupted thread)');
  const client = new LangGraphClient({ url, apiKey: str(flags, 'api-key') ?? process.env.LANGGRAPH_API_KEY });
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const sink: WriteStream | NodeJS.WriteStream = out ? createWriteStream(out) : process.stdout;
  const write = (line: string) => new Promise<void>((res) => (sink.write(line + '\n') ? res() : sink.once('drain', () => res())));
  let closed: Promise<void> | undefined;
  const closeSink = () => (closed ??= new Promise<void>((r) => (sink as WriteStream).end(() => r())));
  const startedAt = Date.now();
  try {
    const control: StreamControl = {
      signal: ac.signal,
      maxReconnects,
      idleTimeoutMs,
      restartWaitMs,
      onConnection: (c) => {
        if (c.state === 'reconnecting') process.stderr.write(`reconnecting (attempt ${c.attempt}) after event ${c.lastEventId ?? '(none)'}: ${c.reason}\n`);
      },
    };
    let stream: RunStream;
    // Joined after it ended, a run replays in one burst: say so in the recording, so its reader
    // draws it from the server's checkpoint times rather than from the burst's arrival times.
    let mark: RunEvent | null = null;
    if (joinId) {
      const run = await client.getRun(threadId!, joinId, ac.signal).catch(() => undefined);
      if (run && runEnded(run.status)) {
        mark = { id: null, event: 'lgt/run', ns: [], data: { ...runStartOf(run.kwargs), runId: joinId, replay: true } satisfies RunStart, t: Date.now() };
      }
      stream = client.joinRun(threadId!, joinId, { ...control, lastEventId: '-1' });
    } else {
      threadId ??= (await client.createThread({ metadata: { graph_id: assistantId, created_by: 'langgraph-timeline record' } }, ac.signal)).thread_id;
      stream = client.streamRun(threadId, { assistantId, input, command, streamMode, streamSubgraphs }, control);
    }
    // The assistant's graph, so the recording shows it offline (best effort: it never throws).
    let graph: SessionGraph | undefined;
    const graphFetched = flags.get('no-extras') === true ? Promise.resolve() : fetchSessionGraph(client, assistantId, ac.signal).then((g) => void (graph = g));
    // The first line describes the run: written once the stream has said which run it is.
    let described = false;
    const header = () => ({
      url: client.baseUrl, assistantId, threadId: stream.threadId ?? threadId ?? null, runId: stream.runId ?? joinId ?? null,
      streamMode, streamSubgraphs, input, ...(command ? { command } : {}), startedAt, ...(graph ? { graph } : {}),
    });
    const describe = async () => {
      described = true;
      await write(headerLine(header()));
      if (mark) await write(eventLine(mark));
    };
    let n = 0;
    let failed: string | undefined;
    let lost: string | undefined;
    for await (const ev of stream) {
      if (!described) await describe();
      await write(eventLine(ev));
      n++;
      const err = runErrorOf(ev);
      if (err) failed = err.message;
      const note = notice(ev);
      if (note && lostRunOf(ev)) lost = note;
      else if (note) process.stderr.write(`warning: ${note}\n`);
    }
    if (!described) await describe();
    if (out) {
      await closeSink();
      await graphFetched;
      // A file can be made self-contained: the thread's final state and history go into its first
      // line (stdout cannot be rewritten, so a piped recording goes without).
      if (flags.get('no-extras') !== true && stream.threadId) await embedExtras(out, header(), client, stream.threadId, ac.signal);
    }
    process.stderr.write(`recorded ${n} events (thread ${stream.threadId}, run ${stream.runId})${out ? ` to ${out}` : ''}\n`);
    if (lost) {
      // Said last, after the count: the line a person (or a CI log) reads first.
      process.stderr.write(`lost: ${lost}\n`);
      return 4;
    }
    if (failed) {
      process.stderr.write(`${failed}\n`);
      return 3;
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
    if (out) await closeSink();
    await client.close();
  }
}

/** Put the thread's final state and history (trimmed) into the recording's first line. */
async function embedExtras(file: string, header: Omit<RecordingHeader, 'type' | 'version'>, client: LangGraphClient, threadId: string, signal: AbortSignal): Promise<void> {
  let extras: RunExtras;
  try {
    extras = await fetchRunExtras(client, threadId, signal);
  } catch (e) {
    process.stderr.write(`warning: the recording has no final state/history (${e instanceof Error ? e.message : String(e)})\n`);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const nl = text.indexOf('\n');
  writeFileSync(file, headerLine({ ...header, extras: { ...extras } }) + (nl >= 0 ? text.slice(nl) : '\n'));
}

function show(positional: string[], flags: Map<string, string | true>): number {
  const file = positional[0];
  if (!file) throw new UsageError('show needs a FILE');
  const rec = parseRecording(readFileSync(file, 'utf8'));
  // The recorder's extras (thread history, final state, schema) make the model exact offline.
  const extras = rec.header.extras && typeof rec.header.extras === 'object' ? rec.header.extras : undefined;
  const command = (rec.header as { command?: unknown }).command;
  const model = RunModel.from(rec.events, { input: rec.header.input, extras, command });
  model.end();
  process.stdout.write(flags.get('json') ? JSON.stringify(modelJson(rec, model), null, 2) + '\n' : renderTimelineText(rec, model));
  return 0;
}

/** The debug adapter on stdio, for editors other than VS Code (nvim-dap, dap-mode) and the tests. */
function dap(): Promise<number> {
  const session = new LangGraphDebugSession();
  session.start(process.stdin, process.stdout);
  // Runs until the client disconnects (the adapter exits then) or closes stdin.
  return new Promise((resolve) => process.stdin.on('close', () => resolve(0)));
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { positional, flags } = parseArgs(rest);
  try {
    if (cmd === 'diff') return diffCommand(rest);
    if (!cmd || cmd === '--help' || cmd === 'help' || flags.get('help')) {
      process.stdout.write(USAGE + '\n');
      return cmd ? 0 : 2;
    }
    if (cmd === 'record') return await record(flags);
    if (cmd === 'show') return show(positional, flags);
    if (cmd === 'dap') return dap();
    throw new UsageError(`unknown command "${cmd}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`langgraph-timeline: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof LangGraphError && e.kind === 'aborted') {
      process.stderr.write('langgraph-timeline: cancelled\n');
      return 130;
    }
    const msg = e instanceof Error ? e.message : String(e);
    // One line: a failure is something to read at a glance (and to grep in CI logs).
    process.stderr.write(`langgraph-timeline: ${msg.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
