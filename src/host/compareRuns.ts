// Compare with…: the run in view against another the person picks — another run of the same
// thread (a fork's origin first), a run of another open session, or a recording — shown over the
// timeline, row by row. While a side still streams, the comparison is redone as events arrive
// (a new run against a golden recording, as it runs).
import * as vscode from 'vscode';
import { compareRuns, runSegments, segmentHow, segmentModel, type RunSegment } from '../shared/compare';
import type { RunModel } from '../shared/runModel';
import type { CompareOptions } from '../shared/compare';
import type { RunEvent } from '../shared/events';
import { isRecord } from '../shared/events';
import type { ComparisonShown } from '../shared/protocol';
import { RecordingParseError, RecordingReader } from '../shared/recording';
import { shortId } from '../shared/ids';
import { plural } from '../shared/text';
import type { RunSession } from './runSession';
import { log } from './log';

/** How often a live comparison is redone, at most. */
const REDO_MS = 500;

/** One side: a run of an open session, or a recording read once. */
type Side =
  | { kind: 'session'; session: RunSession; runId: string | null; label: string }
  | { kind: 'fixed'; model: RunModel; label: string };

export interface CompareHost {
  sessions(): readonly RunSession[];
  /** The session the timeline shows. */
  current(): RunSession | undefined;
  /** Show it over the timeline (false: no panel to show it in). */
  show(c: ComparisonShown): boolean;
}

export class CompareRuns implements vscode.Disposable {
  private current?: { a: Side; b: Side; seq: number; subs: vscode.Disposable[]; timer?: NodeJS.Timeout; options: CompareOptions };

  constructor(private readonly host: CompareHost) {}

  /** The command: the run in view (or the one the panel names) against one the person picks, or `with` (tests). */
  async command(arg?: { runId?: string | null; with?: { file: vscode.Uri } | { session: RunSession; runId: string | null } }): Promise<ComparisonShown | undefined> {
    const session = this.host.current();
    if (!session) {
      void vscode.window.showInformationMessage('Open a run in the timeline first, then compare it with another (Compare with… in its toolbar).');
      return undefined;
    }
    return this.compareWith({ session, runId: arg?.runId ?? null }, arg?.with);
  }

  /**
   * Ask for the other run and show the comparison. `a`: the session in view and the run of it
   * (null: its last run). `b` given (tests, a recording path): no question asked. `options`: a
   * re-run after a code change compares from its fork point on.
   */
  async compareWith(a: { session: RunSession; runId: string | null }, b?: { file: vscode.Uri } | { session: RunSession; runId: string | null }, options: CompareOptions = {}): Promise<ComparisonShown | undefined> {
    const segs = runSegments(a.session.events);
    if (!segs.length) {
      void vscode.window.showInformationMessage('Nothing to compare yet: the run has no events.');
      return undefined;
    }
    const segA = segs.find((s) => s.runId !== null && s.runId === a.runId) ?? segs[segs.length - 1];
    const sideA: Side = { kind: 'session', session: a.session, runId: segA.runId, label: labelOf(a.session, segA, segs.length) };
    const sideB = b ? await this.sideFrom(b) : await this.pick(a.session, segA, segs);
    if (!sideB) return undefined;
    this.stop();
    this.current = { a: sideA, b: sideB, seq: 0, subs: [], options };
    for (const side of [sideA, sideB]) {
      if (side.kind !== 'session' || !side.session.active) continue;
      this.current.subs.push(side.session.onEvents(() => this.redoSoon()), side.session.onStatus(() => this.redoSoon()));
    }
    return this.redo();
  }

  /** The person closed it (or the panel moved to another session). */
  stop(): void {
    if (!this.current) return;
    clearTimeout(this.current.timer);
    for (const s of this.current.subs) s.dispose();
    this.current = undefined;
  }

  dispose(): void {
    this.stop();
  }

  private redoSoon(): void {
    const c = this.current;
    if (!c || c.timer) return;
    c.timer = setTimeout(() => {
      c.timer = undefined;
      if (this.current === c) this.redo();
    }, REDO_MS);
  }

  private redo(): ComparisonShown | undefined {
    const c = this.current;
    if (!c) return undefined;
    const ra = readSide(c.a);
    const rb = readSide(c.b);
    if (!ra || !rb) {
      void vscode.window.showWarningMessage('A run being compared is no longer in its session (the thread was reloaded): compare again.');
      this.stop();
      return undefined;
    }
    const t0 = Date.now();
    const shown: ComparisonShown = {
      a: { label: c.a.label, live: ra.live },
      b: { label: c.b.label, live: rb.live },
      comparison: compareRuns(ra.model, rb.model, c.options),
      seq: ++c.seq,
    };
    log.info(`compare: ${c.a.label} ↔ ${c.b.label}: ${shown.comparison.equivalent ? 'equivalent' : 'different'} (${shown.comparison.rows.length} rows, ${Date.now() - t0} ms)`);
    if (!this.host.show(shown)) this.stop();
    if (!shown.a.live && !shown.b.live) {
      // Both ended: nothing more will change it.
      for (const s of c.subs) s.dispose();
      c.subs = [];
    }
    return shown;
  }

  private async pick(session: RunSession, segA: RunSegment, segs: RunSegment[]): Promise<Side | undefined> {
    type Item = vscode.QuickPickItem & { side?: () => Promise<Side | undefined> };
    const items: Item[] = [];
    const originId = segA.start?.kind === 'fork' ? segA.start.fork?.fromRunId : undefined;
    const ofThis = segs.filter((s) => s !== segA);
    // A fork's origin first: that is the comparison a fork asks for.
    ofThis.sort((x, y) => Number(y.runId === originId) - Number(x.runId === originId));
    if (ofThis.length) items.push({ label: 'This thread', kind: vscode.QuickPickItemKind.Separator });
    for (const s of ofThis) {
      items.push({
        label: `$(debug-alt) ${labelOf(session, s, segs.length)}`,
        description: s.runId && s.runId === originId ? 'the run this fork branched from' : statusOf(session, s, segs),
        side: async () => ({ kind: 'session', session, runId: s.runId, label: labelOf(session, s, segs.length) }),
      });
    }
    // A recording next: a golden run is what a person keeps comparing with, and the list of open
    // runs below can be long.
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: '$(file) Open a Recording…', description: 'a .jsonl from record --out or Export Run (a golden run)', side: () => this.pickFile() });
    const others = this.host.sessions().filter((x) => x !== session && x.events.length);
    if (others.length) items.push({ label: 'Other open runs', kind: vscode.QuickPickItemKind.Separator });
    for (const o of others.slice().reverse()) {
      const os = runSegments(o.events);
      for (const s of os.slice().reverse()) {
        items.push({
          label: `$(pulse) ${labelOf(o, s, os.length)}`,
          description: [o.info.deploymentName, statusOf(o, s, os)].filter(Boolean).join(' · '),
          side: async () => ({ kind: 'session', session: o, runId: s.runId, label: labelOf(o, s, os.length) }),
        });
      }
    }
    const picked = await vscode.window.showQuickPick(items, { title: `Compare ${labelOf(session, segA, segs.length)} with…`, placeHolder: 'Another run of this thread, an open run, or a recording', matchOnDescription: true });
    return picked?.side?.();
  }

  private async pickFile(): Promise<Side | undefined> {
    const picked = await vscode.window.showOpenDialog({ title: 'Compare with a Recorded LangGraph Run', filters: { 'LangGraph run (JSON Lines)': ['jsonl', 'json'] }, canSelectMany: false });
    return picked?.[0] ? this.sideFrom({ file: picked[0] }) : undefined;
  }

  private async sideFrom(b: { file: vscode.Uri } | { session: RunSession; runId: string | null }): Promise<Side | undefined> {
    if ('session' in b) {
      const segs = runSegments(b.session.events);
      const seg = segs.find((s) => s.runId !== null && s.runId === b.runId) ?? segs[segs.length - 1];
      return seg ? { kind: 'session', session: b.session, runId: seg.runId, label: labelOf(b.session, seg, segs.length) } : undefined;
    }
    const name = vscode.workspace.asRelativePath(b.file);
    try {
      const reader = new RecordingReader(new TextDecoder().decode(await vscode.workspace.fs.readFile(b.file)));
      const h = reader.header;
      const events: RunEvent[] = [];
      for (let evs = reader.read(4096); evs.length; evs = reader.read(4096)) for (const e of evs) events.push(e);
      const segs = runSegments(events);
      // A recording of a thread compares as its last run (the one it was exported for).
      const seg = segs.find((s) => s.runId !== null && s.runId === h.runId) ?? segs[segs.length - 1];
      if (!seg) throw new Error('it holds no events');
      const model = segmentModel(events, seg, { input: h.input, extras: isRecord(h.extras) ? h.extras : undefined, ended: true });
      return { kind: 'fixed', model, label: `${name} (recorded${h.runId ? ` run ${shortId(h.runId)}` : ''})` };
    } catch (e) {
      const why = e instanceof RecordingParseError ? `line ${e.line}: ${e.message.replace(/^Line \d+: /, '')}` : (e as Error).message;
      void vscode.window.showErrorMessage(`Cannot compare with ${name}: ${why}`);
      return undefined;
    }
  }
}

/** A side's run as a model, and whether it still streams (its session's last run, going). One pass over its session's events. */
function readSide(s: Side): { model: RunModel; live: boolean } | undefined {
  if (s.kind === 'fixed') return { model: s.model, live: false };
  const events = s.session.events;
  const segs = runSegments(events);
  const last = segs[segs.length - 1];
  const seg = s.runId === null ? last : segs.find((x) => x.runId === s.runId);
  if (!seg) return undefined;
  const live = s.session.active && (s.runId === null || last?.runId === s.runId);
  return { model: segmentModel(events, seg, { input: s.session.info.input, extras: s.session.extras, ended: !live }), live };
}

/** `research · run 2 of 3 (fork from step 3 before review)`; a single run: `research (run 1a2b3c4d)`. */
function labelOf(session: RunSession, seg: RunSegment, of: number): string {
  const id = seg.runId ? ` ${shortId(seg.runId)}` : '';
  // The graph's name (a joined run's title already names its run).
  const name = session.info.graphId ? `${session.info.graphId}${session.status.phase === 'recorded' ? ' (recorded)' : ''}` : session.info.title;
  if (of > 1) return `${name} · run ${seg.index + 1} of ${of} (${segmentHow(seg)})${id}`;
  return id ? `${name} (run${id})` : session.active ? `${name} (run starting)` : name;
}

function statusOf(session: RunSession, seg: RunSegment, segs: RunSegment[]): string {
  const last = seg === segs[segs.length - 1];
  const n = seg.to - seg.from;
  return `${plural(n, 'event')}${last && session.active ? ' · running' : ''}`;
}
