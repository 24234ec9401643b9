// The CLI's commands other than `record`, in a bundle of their own (dist/cli-commands.js), loaded
// by main.ts only when one of them is asked for: `record` then starts without the model, compare
// and debug code (a third of the CLI's bundle, and its compile time, on every recording).
import { LangGraphDebugSession } from '../debug/session';

export { showCommand } from './show';
export { diffCommand } from './diff';

/** The debug adapter on stdio, for editors other than VS Code (nvim-dap, dap-mode) and the tests. */
export function dap(): Promise<number> {
  const session = new LangGraphDebugSession();
  session.start(process.stdin, process.stdout);
  // Runs until the client disconnects (the adapter exits then) or closes stdin.
  return new Promise((resolve) => process.stdin.on('close', () => resolve(0)));
}
