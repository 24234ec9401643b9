// `langgraph-timeline diff A.jsonl B.jsonl`: two recorded runs compared execution by execution,
// for terminals and CI. Exit 0 when they are equivalent, 1 when they differ, 2 on bad arguments
// or a file that cannot be read (named, with the line of a damaged one).
import { readFileSync } from 'node:fs';
import { RecordingParseError, RecordingReader } from '../shared/recording';
import { RunModel } from '../shared/runModel';
import { isRecord } from '../shared/events';
import { IgnorePatternError, compareDigests, contextFor, digestRun, type CompareOptions, type RunDigest } from '../shared/compare';
import type { CompareContext } from '../shared/compare';
import { renderComparisonText } from './diffText';
import { DIFF_USAGE } from './args';


const HELP = `Usage:
${DIFF_USAGE}

Compares two recordings (record --out, or Export Run) execution by execution: executions
only in one run, what nodes wrote, how they ended and the state after them; the input and
the final state; time per node side by side (shown, never compared).
Ids and timestamps are ignored by default (--no-default-ignores compares them too).
--ignore leaves out more: comma-separated paths from the state's top level, repeatable:
  draft   messages.*.content   **.response_metadata   notes[0]
(* is one key or index, ** any number of them.) --all prints every row, also in long runs.
Exit 0 when equivalent, 1 when they differ, 2 on bad arguments or an unreadable file.`;

class DiffUsageError extends Error {}

interface DiffArgs {
  files: [string, string];
  json: boolean;
  all: boolean;
  options: CompareOptions;
}

function parseDiffArgs(argv: string[]): DiffArgs | 'help' {
  const files: string[] = [];
  const ignore: string[] = [];
  let json = false;
  let all = false;
  let defaults = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--help') return 'help';
    else if (flag === '--json') json = true;
    else if (flag === '--all') all = true;
    else if (flag === '--no-default-ignores') defaults = false;
    else if (flag === '--ignore') {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new DiffUsageError('--ignore needs PATHS (e.g. --ignore draft,messages.*.content)');
      ignore.push(...v.split(',').map((s) => s.trim()).filter(Boolean));
    } else if (a.startsWith('--')) throw new DiffUsageError(`unknown option ${flag} for diff`);
    else files.push(a);
  }
  if (files.length !== 2) throw new DiffUsageError(`diff needs two recordings (A.jsonl B.jsonl), got ${files.length}`);
  return { files: [files[0], files[1]], json, all, options: { ignore, defaultIgnores: defaults } };
}

/** A recording's digest; the model and the file's text are let go before the next is read. */
function digestFile(file: string, ctx: CompareContext): { digest: RunDigest; header: { assistantId?: string; graphId?: string } } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DiffUsageError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    // Events go into the model as they are read: the file's events are not all kept besides it.
    const reader = new RecordingReader(text);
    const h = reader.header;
    const extras = isRecord(h.extras) ? h.extras : undefined;
    const model = new RunModel({ input: h.input, extras, command: (h as { command?: unknown }).command });
    for (let evs = reader.read(4096); evs.length; evs = reader.read(4096)) for (const ev of evs) model.apply(ev);
    model.end();
    return { digest: digestRun(model, ctx), header: { assistantId: h.assistantId, graphId: h.graphId } };
  } catch (e) {
    if (e instanceof RecordingParseError) {
      const why = e.message.replace(/^Line \d+: /, '');
      throw new DiffUsageError(`${file}: line ${e.line}: ${why}${e.line > 1 ? ' (a damaged or truncated recording?)' : ''}`);
    }
    throw e;
  }
}

export function diffCommand(argv: string[]): number {
  let args: DiffArgs | 'help';
  try {
    args = parseDiffArgs(argv);
    if (args === 'help') {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    const ctx = contextFor(args.options);
    const a = digestFile(args.files[0], ctx);
    const b = digestFile(args.files[1], ctx);
    const c = compareDigests(a.digest, b.digest, ctx, args.options);
    const named = (f: string, h: { assistantId?: string; graphId?: string }) => ({ file: f, graph: h.graphId ?? h.assistantId ?? null });
    if (args.json) {
      const out = { ...c, a: { ...named(args.files[0], a.header), ...c.a }, b: { ...named(args.files[1], b.header), ...c.b } };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      process.stdout.write(renderComparisonText(c, { a: named(args.files[0], a.header), b: named(args.files[1], b.header), all: args.all }));
    }
    return c.equivalent ? 0 : 1;
  } catch (e) {
    if (e instanceof DiffUsageError || e instanceof IgnorePatternError) {
      const bad = e instanceof IgnorePatternError ? `--ignore ${e.message}` : e.message;
      process.stderr.write(`langgraph-timeline: ${bad}\n`);
      if (/^diff needs|^unknown option/.test(bad)) process.stderr.write(`Usage:\n${DIFF_USAGE}\n`);
      return 2;
    }
    throw e;
  }
}
