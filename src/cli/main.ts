// langgraph-timeline: record a run to JSON Lines, or show a recording as a text timeline.
// Uses the same client as the extension. Exit non-zero with one clear line on failure.
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { LangGraphClient, LangGraphError, STREAM_MODES, isStreamMode, type StreamMode, type RunStream } from '../client';
import { eventLine, headerLine, parseRecording } from '../shared/recording';
import { RunModel } from '../shared/runModel';
import { renderTimelineText, modelJson } from './show';

const USAGE = `Usage:
  langgraph-timeline record --url URL --assistant ID [--thread ID] [--input JSON|@file]
                            [--stream-mode updates,tasks,...] [--subgraphs] [--join RUN_ID]
                            [--api-key KEY] [--out FILE]
  langgraph-timeline show FILE [--json]`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--') && !['subgraphs', 'json', 'help'].includes(a.slice(2))) flags.set(a.slice(2), argv[++i]);
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

function parseInput(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  const text = v.startsWith('@') ? readFileSync(v.slice(1), 'utf8') : v;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--input is not valid JSON: ${(e as Error).message}`);
  }
}

async function record(flags: Map<string, string | true>): Promise<number> {
  const url = str(flags, 'url', true)!;
  const assistantId = str(flags, 'assistant', true)!;
  const modesRaw = (str(flags, 'stream-mode') ?? 'updates').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = modesRaw.filter((m) => !isStreamMode(m));
  if (bad.length) throw new UsageError(`unknown stream mode ${bad.join(', ')} (known: ${STREAM_MODES.join(', ')})`);
  const streamMode = modesRaw as StreamMode[];
  const streamSubgraphs = flags.get('subgraphs') === true;
  const input = parseInput(str(flags, 'input'));
  const out = str(flags, 'out');
  const joinId = str(flags, 'join');
  const client = new LangGraphClient({ url, apiKey: str(flags, 'api-key') ?? process.env.LANGGRAPH_API_KEY });
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const sink: WriteStream | NodeJS.WriteStream = out ? createWriteStream(out) : process.stdout;
  const write = (line: string) => new Promise<void>((res) => (sink.write(line + '\n') ? res() : sink.once('drain', () => res())));
  try {
    let threadId = str(flags, 'thread');
    let stream: RunStream;
    if (joinId) {
      if (!threadId) throw new UsageError('--join needs --thread');
      stream = client.joinRun(threadId, joinId, { signal: ac.signal, lastEventId: '-1' });
    } else {
      threadId ??= (await client.createThread({ metadata: { graph_id: assistantId, created_by: 'langgraph-timeline record' } }, ac.signal)).thread_id;
      stream = client.streamRun(threadId, { assistantId, input, streamMode, streamSubgraphs }, {
        signal: ac.signal,
        onConnection: (c) => {
          if (c.state === 'reconnecting') process.stderr.write(`reconnecting (attempt ${c.attempt}) after event ${c.lastEventId}: ${c.reason}\n`);
        },
      });
    }
    await write(headerLine({ url: client.baseUrl, assistantId, threadId, runId: joinId ?? null, streamMode, streamSubgraphs, input, startedAt: Date.now() }));
    let n = 0;
    let failed: string | undefined;
    for await (const ev of stream) {
      await write(eventLine(ev));
      n++;
      if (ev.event === 'error') failed = typeof ev.data === 'string' ? ev.data : JSON.stringify(ev.data);
    }
    process.stderr.write(`recorded ${n} events (thread ${stream.threadId}, run ${stream.runId})${out ? ` to ${out}` : ''}\n`);
    if (failed) {
      process.stderr.write(`the run ended with an error event: ${failed}\n`);
      return 3;
    }
    return 0;
  } finally {
    if (out) await new Promise<void>((r) => (sink as WriteStream).end(() => r()));
    await client.close();
  }
}

function show(positional: string[], flags: Map<string, string | true>): number {
  const file = positional[0];
  if (!file) throw new UsageError('show needs a FILE');
  const rec = parseRecording(readFileSync(file, 'utf8'));
  const model = RunModel.from(rec.events);
  model.end();
  process.stdout.write(flags.get('json') ? JSON.stringify(modelJson(rec, model), null, 2) + '\n' : renderTimelineText(rec, model));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { positional, flags } = parseArgs(rest);
  try {
    if (!cmd || cmd === '--help' || cmd === 'help' || flags.get('help')) {
      process.stdout.write(USAGE + '\n');
      return cmd ? 0 : 2;
    }
    if (cmd === 'record') return await record(flags);
    if (cmd === 'show') return show(positional, flags);
    throw new UsageError(`unknown command "${cmd}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`langgraph-timeline: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    const msg = e instanceof LangGraphError ? e.message : e instanceof Error ? e.message : String(e);
    process.stderr.write(`langgraph-timeline: ${msg}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
