// The preview's stand-in for Compare with… (src/host/compareRuns.ts): the panel's `compare` is
// answered with the session in view (its last run) against the recording named by `compare=PATH`,
// computed here in the host's worker — off the panel's thread, as the extension host does — and
// redone at most every REDO_MS while the session streams. Preview only; never part of the extension.
import { compareRuns, runSegments, segmentModel } from '../../shared/compare';
import type { RunEvent } from '../../shared/events';
import type { ComparisonShown, SessionInfo, ToWebview } from '../../shared/protocol';
import { parseRecording } from '../../shared/recording';
import type { RunModel } from '../../shared/runModel';

/** As src/host/compareRuns.ts. */
const REDO_MS = 500;

export interface CompareSource {
  session(): SessionInfo | null;
  /** The session's events the panel has been sent. */
  events(): readonly RunEvent[];
  extras(): Record<string, unknown> | undefined;
  /** Still streaming. */
  live(): boolean;
  send(m: ToWebview): void;
  status(text: string): void;
}

export class PreviewCompare {
  private golden: { model: RunModel; label: string } | null = null;
  private open = false;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The last comparison shown had a live side: one more redo once it ends. */
  private shownLive = false;
  /** Each redo's time in this worker (the host's share of a live comparison), for the benchmark. */
  readonly redoMs: number[] = [];

  constructor(
    private readonly file: string | undefined,
    private readonly src: CompareSource,
  ) {}

  /** The panel asked to compare (its toolbar's Compare with…). */
  async start(): Promise<void> {
    if (!this.file) return this.src.status('Compare with…: give the preview a recording to compare with (compare=PATH).');
    try {
      if (!this.golden) {
        const res = await fetch(`/recording?file=${encodeURIComponent(this.file)}`);
        if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
        const rec = parseRecording(await res.text());
        const segs = runSegments(rec.events);
        const seg = segs[segs.length - 1];
        if (!seg) throw new Error('it holds no events');
        const extras = rec.header.extras && typeof rec.header.extras === 'object' ? rec.header.extras : undefined;
        this.golden = { model: segmentModel(rec.events, seg, { input: rec.header.input, extras, ended: true }), label: `${this.file.split('/').pop()} (recorded)` };
      }
      this.open = true;
      this.redo();
    } catch (e) {
      this.src.status(`cannot compare with ${this.file}: ${(e as Error).message}`);
    }
  }

  /** The person closed it. */
  stop(): void {
    this.open = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** More of the session was sent, or it ended: redo soon, while it streams. */
  changed(): void {
    if (!this.open || this.timer || !(this.src.live() || this.shownLive)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.open) this.redo();
    }, REDO_MS);
  }

  private redo(): void {
    const session = this.src.session();
    if (!session || !this.golden) return;
    const t0 = performance.now();
    const events = this.src.events();
    const segs = runSegments(events);
    const seg = segs[segs.length - 1];
    if (!seg) return;
    const live = this.src.live();
    const model = segmentModel(events, seg, { input: session.input, extras: this.src.extras(), ended: !live });
    const shown: ComparisonShown = {
      a: { label: `${session.title}${seg.runId ? ` (run ${seg.runId.slice(0, 8)})` : ''}`, live },
      b: { label: this.golden.label, live: false },
      comparison: compareRuns(model, this.golden.model),
      seq: ++this.seq,
    };
    this.redoMs.push(performance.now() - t0);
    this.shownLive = live;
    this.src.send({ type: 'compare/show', compare: shown });
  }
}
