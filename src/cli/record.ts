// `langgraph-timeline record`: a run's events to JSON Lines as they arrive. The hot path of the
// CLI: each event's data is written as the server sent it (WireEvent.raw, no second stringify),
// lines go out in buffered bursts (LineSink), and this module loads only the client and the
// recording format (main.ts loads the rest of the CLI only for the other commands).
import { createWriteStream, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { LangGraphClient, STREAM_MODES, fetchRunExtras, fetchSessionGraph, isRecord, isStreamMode, lostRunOf, runEnded, runErrorOf, runStartOf, type RunEvent, type RunStart, type RunExtras, type RunStream, type StreamControl, type StreamMode } from '../client';
import { eventLine, headerLine, type RecordingHeader } from '../shared/recording';
import type { SessionGraph } from '../shared/assistantGraph';
import { UsageError, intFlag, parseJsonArg, str } from './args';
import { LineSink } from './lineSink';

/** One line for a person: what the client synthesized (lost events, a bad payload). */
function notice(ev: RunEvent): string | null {
  if (ev.event !== 'lgt/gap' && ev.event !== 'lgt/malformed') return null;
  return isRecord(ev.data) && typeof ev.data.message === 'string' ? ev.data.message : ev.event;
}

export async function record(flags: Map<string, string | true>): Promise<number> {
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
  const lines = new LineSink(sink);
  let closed: Promise<void> | undefined;
  const closeSink = () => (closed ??= lines.flush().then(() => new Promise<void>((r) => (sink as WriteStream).end(() => r()))));
  const startedAt = Date.now();
  try {
    const control: StreamControl = {
      signal: ac.signal,
      maxReconnects,
      idleTimeoutMs,
      restartWaitMs,
      keepRaw: true,
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
      lines.line(headerLine(header()));
      if (mark) lines.line(eventLine(mark));
    };
    let n = 0;
    let failed: string | undefined;
    let lost: string | undefined;
    for await (const ev of stream) {
      if (!described) await describe();
      const full = lines.line(eventLine(ev));
      if (full) await full;
      n++;
      if (ev.event === 'error') {
        // A cancel (Python's UserInterrupt) is an error event too, and not a failure.
        const err = runErrorOf(ev);
        if (err) failed = err.message;
      } else if (ev.event.startsWith('lgt/')) {
        const note = notice(ev);
        if (note && lostRunOf(ev)) lost = note;
        else if (note) process.stderr.write(`warning: ${note}\n`);
      }
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
    // What arrived before a failure is kept.
    if (out) await closeSink();
    else await lines.flush();
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
