// A finished run told from the thread's history alone (runEventsFromHistory) against the same run
// as it streamed, on the recordings of the real dev server: the same root executions in the same
// steps, the same statuses, and the same state after each; times from the server's checkpoints.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRecording } from '../../src/shared/recording';
import { RunModel, type ModelExtras } from '../../src/shared/runModel';
import { runEventsFromHistory } from '../../src/shared/historyRuns';
import { threadStory } from '../../src/shared/model/story';

const DIR = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recordings');
const load = (name: string) => parseRecording(readFileSync(join(DIR, `${name}.jsonl`), 'utf8'));

const key = (m: RunModel) => m.executions.filter((x) => x.ns.length === 0).map((x) => `${x.node} s${x.step} ${x.status}`).sort();

describe('a run told from the history', () => {
  for (const name of ['simple-updates', 'parallel-updates-tasks', 'failing-updates', 'agent-updates-values', 'interrupt-resume-updates', 'trimmed-updates']) {
    test(name, () => {
      const rec = load(name);
      const extras = rec.header.extras as ModelExtras;
      const streamed = RunModel.from(rec.events, { input: rec.header.input, extras });
      streamed.end();
      const runs = streamed.summary.runs.map((r) => r.runId);
      const events = runs.flatMap((r, i) => runEventsFromHistory(extras.history!, r, i === 0 ? { kind: 'input' } : { kind: 'resume' }));
      const told = RunModel.from(events, { input: rec.header.input, extras });
      told.end();
      assert.deepEqual(key(told), key(streamed));
      assert.deepEqual(told.finalState(), streamed.finalState());
      for (const i of told.stateChain()) {
        const x = told.executions[i];
        const twin = streamed.executions.find((y) => y.node === x.node && y.step === x.step && y.runId === x.runId && y.status === x.status)!;
        assert.deepEqual(told.stateAfter(i), streamed.stateAfter(twin.index), `${x.node} s${x.step}`);
      }
      assert.equal(told.summary.phase, streamed.summary.phase);
      assert.equal(told.summary.clock, 'server');
      for (const x of told.executions) if (x.status === 'done') assert.equal(x.timeSource, 'server', x.node);
      assert.deepEqual(told.executions.filter((x) => x.disagreed).map((x) => x.node), streamed.executions.filter((x) => x.disagreed).map((x) => x.node));
    });
  }

  test('the interrupt and its answer are told too', () => {
    const rec = load('interrupt-resume-updates');
    const extras = rec.header.extras as ModelExtras;
    const runs = RunModel.from(rec.events, { extras }).summary.runs.map((r) => r.runId);
    const events = runs.flatMap((r, i) => runEventsFromHistory(extras.history!, r, i === 0 ? { kind: 'input' } : { kind: 'resume', command: { resume: { decision: 'approve' } } }));
    const m = RunModel.from(events, { input: rec.header.input, extras });
    m.end();
    assert.equal((m.summary.interrupts[0].value as { question: string }).question, 'Send this reply?');
    assert.deepEqual(threadStory(m).map((g) => `${g.kind} ${g.outcome}`), ['input interrupted', 'resume success']);
  });

  test('a run the history does not know tells nothing', () => {
    const rec = load('simple-updates');
    assert.deepEqual(runEventsFromHistory((rec.header.extras as ModelExtras).history!, 'not-a-run', { kind: 'input' }), []);
  });
});
