// The thread's story above the timeline: one entry per run (how it began, how it ended, which run
// answered its interrupt), the pending interrupt with its question and answers, and what can be
// done next (resume, continue after a cancel). Run data is shown as text only.
import { useEffect } from 'preact/hooks';
import type { Store } from '../store';
import { pauseText, threadStory, type StorySegment } from '../../shared/model/story';
import type { InterruptInfo } from '../../shared/runModel';
import { interruptText } from '../../shared/threadText';
import { shortId } from '../../shared/ids';
import { preview } from '../values';
import { post } from '../vscodeApi';

const OUTCOME_ICON: Record<string, string> = { running: 'loading codicon-modifier-spin', success: 'pass', interrupted: 'debug-pause', error: 'error', cancelled: 'circle-slash' };
const KIND_ICON: Record<string, string> = { input: 'play', resume: 'debug-continue', fork: 'repo-forked', continue: 'debug-restart', join: 'play' };

/** Bring one run's executions into view, and select its first. */
export function focusRun(store: Store, runId: string): boolean {
  let start = Infinity;
  let end = -Infinity;
  let first = -1;
  for (const x of store.model.executions) {
    if (x.runId !== runId) continue;
    if (first < 0) first = x.index;
    start = Math.min(start, x.start);
    end = Math.max(end, x.end ?? x.start);
  }
  if (first < 0) return false;
  const pad = Math.max((end - start) * 0.05, 5);
  store.setUi({ view: { start: start - pad, end: end + pad }, zoomed: true, follow: false, selected: first });
  return true;
}

const focused = new Set<string>();

export function Story({ store }: { store: Store; seq?: number }) {
  const { session, model } = store;
  const segs = threadStory(model);
  const focusId = session?.focusRunId;
  // Opened for one run of a thread: bring that run into view once its events are in.
  useEffect(() => {
    if (!session || !focusId || focused.has(session.id) || store.live) return;
    if (store.loading === 0 && focusRun(store, focusId)) focused.add(session.id);
  });
  const pending = model.summary.interrupts.filter((i) => !i.resume);
  const cancelled = model.summary.phase === 'cancelled' && !store.live;
  // A recording is the past: answering or continuing from it would act on a live deployment.
  // A thread the debugger drives is moved on from the debug toolbar: a run started here would race it.
  const debugged = session?.debugSession;
  const canAct = !!session?.threadId && !store.live && store.status.phase !== 'recorded' && !debugged;
  const showRuns = segs.length > 1 || segs.some((g) => g.kind !== 'input');
  return (
    <>
      {showRuns && (
        <nav class="story" aria-label="Runs of this thread">
          <ol>
            {segs.map((g) => (
              <li key={g.runId}>
                <button class={`seg outcome-${g.outcome}`} title={`run ${g.runId}`} aria-label={segLabel(g)} onClick={() => focusRun(store, g.runId)}>
                  <span class={`codicon codicon-${KIND_ICON[g.kind] ?? 'play'}`} aria-hidden="true" />
                  <span class="seg-n">Run {g.n}</span>
                  <span class="seg-began">{g.began}</span>
                  <span class={`codicon codicon-${OUTCOME_ICON[g.outcome]}`} aria-hidden="true" />
                  <span class="seg-outcome">{g.outcome}</span>
                  {g.replay && <span class="seg-clock" title="Replayed after it ended: drawn from the server's checkpoint times">server times</span>}
                  {g.fromHistory && <span class="seg-clock" title="Told from the thread's checkpoint history: what each node wrote at the root graph. Subgraph, custom and token events are not kept there.">from history</span>}
                </button>
                {g.interrupts.map((it, k) => (
                  <span class="seg-note" key={k}>
                    {it.value === null ? pauseText(model, it) : `asked ${questionOf(it)}`}
                    {it.resume ? ` → ${it.value === null ? 'went on in' : 'answered by'} run ${segs.find((x) => x.runId === it.resume!.runId)?.n ?? shortId(it.resume.runId)}${'value' in it.resume && it.value !== null ? ` with ${preview(it.resume.value, 60)}` : ''}` : ''}
                  </span>
                ))}
              </li>
            ))}
          </ol>
        </nav>
      )}
      {pending.length > 0 && (
        <div class="banner interrupt" role="alert">
          <span class="codicon codicon-debug-pause" aria-hidden="true" /> {pending[0].value === null && pending.length === 1
            ? <b>{pauseText(model, pending[0])}</b>
            : <><b>Waiting{pending[0].node ? ` at ${pending[0].node}` : ''}</b>: {pending.map((it) => (it.value === null ? pauseText(model, it) : questionOf(it))).join('; ')}</>}
          {debugged && <span class="debug-note"> · stopped by the debugger ({debugged}): Continue (F5) or Step Over (F10) from the debug toolbar</span>}
          {canAct && (
            <span class="answers">
              {choicesOf(pending[0]).map((c) => (
                <button class="btn" key={String(c)} title={`Resume with ${JSON.stringify(c)}`} onClick={() => post({ type: 'resume', value: c })}>
                  {String(c)}
                </button>
              ))}
              <button class="btn secondary" title="Resume with a JSON value you type" onClick={() => post({ type: 'resume' })}>
                Resume…
              </button>
            </span>
          )}
        </div>
      )}
      {session?.subgraphs?.length && store.withoutSubgraphEvents ? (
        <div class="banner note" role="note">
          <span class="codicon codicon-type-hierarchy-sub" aria-hidden="true" /> {session.subgraphs.join(', ')} {session.subgraphs.length === 1 ? 'runs a subgraph' : 'run subgraphs'}: this run was streamed without
          them, so {session.subgraphs.length === 1 ? 'it shows' : 'they show'} as one bar. Stream subgraphs to see the nodes inside.
          <span class="answers">
            <button class="btn secondary" onClick={() => post({ type: 'openSetting', id: 'langgraph.streamSubgraphs' })}>Open setting</button>
          </span>
        </div>
      ) : null}
      {cancelled && (
        <div class="banner cancelled" role="status">
          <span class="codicon codicon-circle-slash" aria-hidden="true" /> <b>Cancelled</b>: what was running stopped at the cancel; the thread keeps its last checkpoint.
          {canAct && (
            <span class="answers">
              <button class="btn" onClick={() => post({ type: 'continue' })}>Continue from the last checkpoint</button>
            </span>
          )}
        </div>
      )}
    </>
  );
}

function segLabel(g: StorySegment): string {
  return `Run ${g.n}: ${g.began}, ${g.outcome}${g.replay ? ', drawn from server times' : ''}`;
}

/** The interrupt's question as text (its question-like field, a plain string, or the value as JSON). */
export function questionOf(it: InterruptInfo): string {
  return it.value === null ? 'paused at a breakpoint' : interruptText(it.value).question;
}

/** Answers the interrupt offers as a list (`options`, `choices`…): each becomes a button. */
export function choicesOf(it: InterruptInfo): string[] {
  return it.value === null ? [] : interruptText(it.value).options.slice(0, 8);
}
