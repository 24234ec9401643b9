// A private copy of the built CLI (dist/cli.js and the bundle of its other commands,
// dist/cli-commands.js, with their source maps): a build elsewhere in this checkout empties dist/
// meanwhile, which would pull the files from under a test that runs them.
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './server';

export const CLI_FILES = ['cli.js', 'cli-commands.js'];

/** Copies the built CLI into `dir` (a fresh temp folder when not given); returns the bin's path. */
export async function copyBuiltCli(dir = mkdtempSync(join(tmpdir(), 'lgt-cli-'))): Promise<string> {
  const dist = join(repoRoot, 'dist');
  for (let i = 0; !CLI_FILES.every((f) => existsSync(join(dist, f))) && i < 600; i++) await new Promise((r) => setTimeout(r, 100));
  for (const f of CLI_FILES) {
    copyFileSync(join(dist, f), join(dir, f));
    if (existsSync(join(dist, `${f}.map`))) copyFileSync(join(dist, `${f}.map`), join(dir, `${f}.map`));
  }
  return join(dir, 'cli.js');
}
