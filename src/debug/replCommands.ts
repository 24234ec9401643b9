// The Debug Console's commands (`:resume <JSON>`, …). An editor without VS Code's input box (Neovim,
// Emacs, the tests) answers an interrupt() stop here, and says how to go on from it: Continue,
// Step Over or Step Out. Anything not starting with `:` is a path over the state (session.ts).
import { parseValue } from './variables';

export type ReplMove = 'continue' | 'step' | 'stepOut';

export type ReplCommand =
  | { kind: 'answer'; move: ReplMove; value: unknown }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

const MOVES: Record<string, ReplMove> = { resume: 'continue', step: 'step', stepout: 'stepOut' };

export const REPL_HELP = 'Commands: :resume <JSON> answers the pending interrupt() and continues; :step <JSON> answers it and stops before the next step; '
  + ':stepout <JSON> answers it and, inside a subgraph, stops before the parent graph\'s next step. '
  + 'Anything else is read as a path over the state: messages[-1].content, documents.length.';

export function parseReplCommand(text: string): ReplCommand {
  const cmd = text.slice(1).split(/\s+/)[0] ?? '';
  const move = MOVES[cmd.toLowerCase()];
  if (!move) return { kind: 'help', text: REPL_HELP };
  const v = parseValue(text.slice(1 + cmd.length).trim() || 'null');
  if (!v.ok) return { kind: 'error', message: v.message.replace('Set Value', `:${cmd}`) };
  return { kind: 'answer', move, value: v.value };
}
