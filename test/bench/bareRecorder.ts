// The bare limit of a recorder, as a whole process (`bench:client` spawns it beside the real
// `langgraph-timeline record`): undici + eventsource-parser + JSON.parse, writing the same JSON Lines
// (a first line, then {id, event, ns, data, t} per event with the data as it came) to a file,
// one buffered write per network chunk. Nothing else: no reconnects, no watchdog, no checks.
// Usage: node bareRecorder.js URL OUT
import { createWriteStream } from 'node:fs';
import { Agent, request } from 'undici';
import { createParser } from 'eventsource-parser';
import { BARE_REQUEST } from './syntheticRun';

async function main(url: string, out: string): Promise<void> {
  const sink = createWriteStream(out);
  const dispatcher = new Agent({ bodyTimeout: 0 });
  let lines = JSON.stringify({ type: 'run', version: 1, url, assistantId: 'bench', threadId: 'bench-thread', startedAt: Date.now() }) + '\n';
  let t = 0;
  const parser = createParser({
    onEvent(ev) {
      JSON.parse(ev.data);
      lines += `{"id":${JSON.stringify(ev.id ?? null)},"event":${JSON.stringify(ev.event ?? 'message')},"ns":[],"data":${ev.data},"t":${t}}\n`;
    },
  });
  const res = await request(`${url}${BARE_REQUEST.path}`, { ...BARE_REQUEST.init, dispatcher });
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    t = Date.now();
    parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    if (lines && !sink.write(lines)) await new Promise<void>((r) => sink.once('drain', () => r()));
    lines = '';
  }
  await new Promise<void>((r) => sink.end(r));
  await dispatcher.close();
}

if (require.main === module) void main(process.argv[2], process.argv[3]);
