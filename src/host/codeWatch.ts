// Runs vs code: when a session is tracked, the fingerprint of each node's code in the workspace's
// graph files (src/shared/nodeSpans.ts) is kept with it; when a graph file is saved, the sessions
// whose nodes' code changed since are marked (the panel's banner and execution list, the tree's
// runs), and one action re-runs the thread from the checkpoint before the first changed node on a
// fork and opens the comparison with the run as it was.
import * as vscode from 'vscode';
import { changedNodes, nodeFingerprints, type NodeFingerprints } from '../shared/nodeSpans';
import { langOf } from '../shared/nodeSourceParse';
import { runSegments, segmentModel } from '../shared/compare';
import type { ComparisonShown } from '../shared/protocol';
import { graphSources } from './nodeSource';
import type { RunSession } from './runSession';
import { log } from './log';


export interface CodeWatchHost {
  sessions(): readonly RunSession[];
  /** Fork the session's thread before `node` at `step` (no prompt), as Fork from Here does. */
  fork(arg: { node: string; step: number; runId?: string; values: null }): Promise<RunSession | undefined>;
  compare(a: { session: RunSession; runId: string | null }, b: { session: RunSession; runId: string | null }, fromStep: { a: number }): Promise<ComparisonShown | undefined>;
  /** The sessions' marks changed: redraw the tree, tell the panel. */
  changed(sessionId: string, nodes: string[], runs: string[]): void;
}

interface Kept {
  fingerprints: NodeFingerprints;
  changed: string[];
  /** The session's runs made before the save that changed them (a re-run after it is not stale). */
  staleRuns: Set<string>;
}

export class CodeWatch implements vscode.Disposable {
  private readonly kept = new Map<string, Kept>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly host: CodeWatchHost) {
    this.subs.push(vscode.workspace.onDidSaveTextDocument((doc) => void this.saved(doc)));
  }

  /** Keep the code as it is now (a recording's own, when it has one: the code it was recorded with). */
  async track(s: RunSession, recorded?: NodeFingerprints): Promise<void> {
    this.prune(s.info.id);
    if (recorded) {
      this.kept.set(s.info.id, { fingerprints: recorded, changed: [], staleRuns: new Set() });
      // The code may have changed since the recording was made.
      const now = await this.fingerprints(s.info.graphId);
      this.mark(s.info.id, now, this.host.sessions().find((x) => x.info.id === s.info.id));
      return;
    }
    this.kept.set(s.info.id, { fingerprints: await this.fingerprints(s.info.graphId), changed: [], staleRuns: new Set() });
  }

  /** The nodes of the session whose code changed since it was tracked. */
  changed(sessionId: string): string[] {
    return this.kept.get(sessionId)?.changed ?? [];
  }

  /** The session's runs made with the code as it was (ids). */
  staleRuns(sessionId: string): string[] {
    return [...(this.kept.get(sessionId)?.staleRuns ?? [])];
  }

  /** What to write into a recording of the session. */
  fingerprintsOf(sessionId: string): NodeFingerprints | undefined {
    return this.kept.get(sessionId)?.fingerprints;
  }

  /** Why a run in the tree is stale (a session of it was recorded with other code), if it is. */
  staleRun(runId: string): string[] | undefined {
    for (const s of this.host.sessions()) {
      const k = this.kept.get(s.info.id);
      if (k?.changed.length && k.staleRuns.has(runId)) return k.changed;
    }
    return undefined;
  }

  /**
   * Re-run from the checkpoint before the first changed node the run executed (root graph), on a
   * fork of its thread; when the fork ends, compare the run with it.
   */
  async rerun(session: RunSession | undefined, runId?: string | null): Promise<ComparisonShown | undefined> {
    const changed = session ? this.changed(session.info.id) : [];
    if (!session || !changed.length) {
      void vscode.window.showInformationMessage('No node of this run has changed code since it ran.');
      return undefined;
    }
    if (!session.info.threadId || !session.info.url) {
      void vscode.window.showInformationMessage('This run has no thread on a deployment to re-run (a recording): start a new run and compare it with the recording.');
      return undefined;
    }
    const segs = runSegments(session.events);
    const seg = segs.find((x) => x.runId !== null && x.runId === runId) ?? segs[segs.length - 1];
    if (!seg) return undefined;
    const model = segmentModel(session.events, seg, { input: session.info.input, extras: session.extras, ended: true });
    const first = model.executions.find((e) => e.ns.length === 0 && changed.includes(e.node));
    if (!first) {
      void vscode.window.showInformationMessage(`This run did not run ${changed.join(', ')}: nothing of it would change.`);
      return undefined;
    }
    log.info(`code: re-running thread ${session.info.threadId} from before ${first.node} (step ${first.step})`);
    const fork = await this.host.fork({ node: first.node, step: first.step, runId: seg.runId ?? undefined, values: null });
    if (!fork) return undefined;
    await fork.done;
    // The run as it was (A, the one in view) → the re-run with the new code (B): the diff reads
    // old → new. The old run's rows before the fork point are the fork's history, not a difference.
    return this.host.compare({ session, runId: seg.runId }, { session: fork, runId: fork.info.runId ?? null }, { a: first.step });
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.kept.clear();
  }

  /** Forget the sessions the extension no longer holds (it keeps the last 20). */
  private prune(keep: string): void {
    const live = new Set(this.host.sessions().map((x) => x.info.id));
    for (const id of this.kept.keys()) if (id !== keep && !live.has(id)) this.kept.delete(id);
  }

  private async saved(doc: vscode.TextDocument): Promise<void> {
    const sources = await graphSources();
    if (!sources.some((s) => s.uri.toString() === doc.uri.toString())) return;
    const byGraph = new Map<string | undefined, NodeFingerprints>();
    for (const s of this.host.sessions()) {
      if (!this.kept.has(s.info.id)) continue;
      let now = byGraph.get(s.info.graphId);
      if (!now) byGraph.set(s.info.graphId, (now = await this.fingerprints(s.info.graphId)));
      this.mark(s.info.id, now, s);
    }
  }

  private mark(sessionId: string, now: NodeFingerprints, s: RunSession | undefined): void {
    const k = this.kept.get(sessionId);
    if (!k) return;
    const changed = changedNodes(k.fingerprints, now).filter((n) => n in k.fingerprints);
    const runs = changed.length && s ? new Set(runSegments(s.events).map((x) => x.runId ?? s.info.runId).filter((x): x is string => !!x)) : new Set<string>();
    if (changed.join('\u0000') === k.changed.join('\u0000') && [...runs].join() === [...k.staleRuns].join()) return;
    k.changed = changed;
    k.staleRuns = runs;
    log.info(`code: session ${sessionId}: ${changed.length ? `changed since the run: ${changed.join(', ')}` : 'the code is as it ran again'}`);
    this.host.changed(sessionId, changed, [...runs]);
  }

  /**
   * The nodes' fingerprints in every graph file (the graph's own first, then the others: subgraphs
   * live there). A node written in several files (copies of a project) is all of them: which one
   * the server runs cannot be told, and an edit to any says its code changed.
   */
  private async fingerprints(graphId: string | undefined): Promise<NodeFingerprints> {
    const sources = await graphSources();
    const order = [...sources.filter((s) => s.graphId === graphId), ...sources.filter((s) => s.graphId !== graphId)];
    const out: NodeFingerprints = {};
    const read = new Set<string>();
    for (const src of order) {
      const key = src.uri.toString();
      if (read.has(key)) continue;
      read.add(key);
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(src.uri)); // as saved: the server runs the saved file
      } catch {
        continue;
      }
      for (const [node, fp] of Object.entries(nodeFingerprints(text, langOf(src.uri.path)))) out[node] = node in out ? `${out[node]}+${fp}` : fp;
    }
    return out;
  }
}
