// A window reload restarts the extension host, and this mocha run with it: the reload test has two
// phases in two extension hosts. Phase 1 (the whole suite, the reload test last) asks for a reload;
// when its mocha run has ended and reported, index.ts writes a marker into the test workspace and
// runs `workbench.action.reloadWindow`. The reloaded workbench starts the tests again (same URL,
// same extensionTestsPath); index.ts finds the marker and runs phase 2 only, whose result (plus
// phase 1's failures) is the run's exit code.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunEvent } from '../../src/shared/events';

/** What the phase-1 test hands to phase 2. */
export interface ReloadedRun {
  threadId: string;
  runId: string;
  /** The events the first extension host had when the window reloaded (without receive times). */
  events: Array<Omit<RunEvent, 't'>>;
}

interface Marker {
  /** This test run (runTest.mjs sets LGT_TEST_RUN_ID): a marker left by another run is ignored. */
  token: string;
  phase1: { passes: number; failures: number };
  run: ReloadedRun;
}

const token = () => process.env.LGT_TEST_RUN_ID ?? '';

function markerFile(): string {
  const ws = vscode.workspace.workspaceFolders?.[0];
  if (!ws) throw new Error('the reload test needs a workspace folder (it keeps its marker there)');
  return join(ws.uri.fsPath, '.lgt-reload-phase1.json');
}

let requested: ReloadedRun | undefined;
let resumed: Marker | undefined;

/** Phase 1: reload the window once this mocha run has ended. */
export function requestReload(run: ReloadedRun): void {
  requested = run;
}

export function reloadRequested(): ReloadedRun | undefined {
  return requested;
}

/** At start: whether this extension host runs phase 2 (the marker is consumed). */
export function takeReloadMarker(): Marker | undefined {
  const file = markerFile();
  if (!existsSync(file)) return undefined;
  const m = JSON.parse(readFileSync(file, 'utf8')) as Marker;
  rmSync(file, { force: true });
  if (m.token !== token()) return undefined; // left over from another run
  resumed = m;
  return m;
}

/** Phase 2: what phase 1 saw (undefined in phase 1). */
export function reloadedRun(): ReloadedRun | undefined {
  return resumed?.run;
}

export function writeReloadMarker(run: ReloadedRun, phase1: Marker['phase1']): void {
  writeFileSync(markerFile(), JSON.stringify({ token: token(), phase1, run } satisfies Marker));
}
