// The CLI's argument helpers, shared by its commands (small on purpose: `record` loads only this,
// the client and the recording format — see main.ts).
import { readFileSync } from 'node:fs';

export class UsageError extends Error {
  /** Known by this mark, not by `instanceof`: show, diff and dap throw it from their own bundle (cli-commands.js), whose copy of the class is another. */
  readonly usage = true;
}

export function isUsageError(e: unknown): e is UsageError {
  return e instanceof Error && (e as { usage?: unknown }).usage === true;
}

/** diff's line of the usage (here so the usage does not load diff's module). */
export const DIFF_USAGE = `  langgraph-timeline diff A.jsonl B.jsonl [--json] [--ignore PATHS]... [--no-default-ignores] [--all]`;

export function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string | true> } {
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

export function str(flags: Map<string, string | true>, name: string, required = false): string | undefined {
  const v = flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  if (required && v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

/** A JSON value given inline or as @file. */
export function parseJsonArg(name: string, v: string | undefined): unknown {
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

export function intFlag(flags: Map<string, string | true>, name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  return n;
}
