// A recorder on @langchain/langgraph-sdk, as a whole process (`bench:client` spawns it beside the
// real `langgraph-timeline record`): the official client's runs.stream, each chunk written as a
// recording line ({id, event, ns, data, t}) to a buffered file stream.
// Usage: node sdkRecorder.js URL OUT
import { createWriteStream } from 'node:fs';

async function main(url: string, out: string): Promise<void> {
  // require, not import(): the bundle leaves the SDK external, and only require honours NODE_PATH.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('@langchain/langgraph-sdk') as typeof import('@langchain/langgraph-sdk');
  const client = new Client({ apiUrl: url });
  const sink = createWriteStream(out);
  sink.write(JSON.stringify({ type: 'run', version: 1, url, assistantId: 'bench', threadId: 'bench-thread', startedAt: Date.now() }) + '\n');
  for await (const chunk of client.runs.stream('bench-thread', 'bench', { input: {}, streamMode: 'updates' })) {
    const id = (chunk as { id?: string }).id ?? null;
    if (!sink.write(JSON.stringify({ id, event: chunk.event, ns: [], data: chunk.data, t: Date.now() }) + '\n')) await new Promise<void>((r) => sink.once('drain', () => r()));
  }
  await new Promise<void>((r) => sink.end(r));
}

if (require.main === module) void main(process.argv[2], process.argv[3]);
