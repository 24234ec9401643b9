// langgraph-timeline: record a run to JSON Lines, show or diff recordings, or serve DAP.
// Uses the same client as the extension. Exit non-zero with one clear line on failure.
// `record` is the hot path: this bundle (dist/cli.js) holds it with the client and little else;
// the other commands come from dist/cli-commands.js, loaded only when asked for.
import { join } from 'node:path';
import { LangGraphError } from '../client';
import { DIFF_USAGE, UsageError, isUsageError, parseArgs } from './args';
import { record } from './record';

/** The other commands' bundle (built beside this one, see commands.ts). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle of its own, loaded on demand
const commands = () => require(join(__dirname, 'cli-commands.js')) as typeof import('./commands');

const USAGE = `Usage:
  langgraph-timeline record --url URL --assistant ID [--thread ID] [--input JSON|@file]
                            [--stream-mode updates,tasks,...] [--subgraphs] [--out FILE]
                            [--join RUN_ID] [--resume JSON|@file] [--api-key KEY]
                            [--max-reconnects N] [--idle-timeout-ms MS] [--restart-wait-ms MS] [--no-extras]
  langgraph-timeline show FILE [--json] [--prices JSON|@file]
  langgraph-timeline dap    (a Debug Adapter Protocol server on stdin/stdout, debug type "langgraph")
${DIFF_USAGE}

record writes JSON Lines: a first line describing the run, then one line per event
({id, event, ns, data, t}). Exit 0 when the run ended (or stopped at an interrupt),
3 when it ended with an error event, 4 when the server restarted or went away and the run
was lost (--restart-wait-ms: how long to wait for it, default 60000), 1 on any other failure, 2 on bad arguments,
130 when interrupted (Ctrl-C). With --out, the first line also gets the thread's final
state and history and the assistant's graph (unless --no-extras). The API key may also come from LANGGRAPH_API_KEY;
a proxy from HTTPS_PROXY / HTTP_PROXY (NO_PROXY honoured).`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { positional, flags } = parseArgs(rest);
  try {
    if (cmd === 'diff') return commands().diffCommand(rest);
    if (!cmd || cmd === '--help' || cmd === 'help' || flags.get('help')) {
      process.stdout.write(USAGE + '\n');
      return cmd ? 0 : 2;
    }
    if (cmd === 'record') return await record(flags);
    if (cmd === 'show') return commands().showCommand(positional, flags);
    if (cmd === 'dap') return commands().dap();
    throw new UsageError(`unknown command "${cmd}"`);
  } catch (e) {
    if (isUsageError(e)) {
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
