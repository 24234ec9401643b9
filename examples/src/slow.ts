// `slow`: five sequential nodes that each sleep 600-1000 ms (about 4 s in all), for cancel,
// reconnect and live-update tests. Each node writes `progress` (concat), `ticks` (sum),
// `last_step`, and a `custom` event ({"step":..,"of":5}) through config.writer.
// Input {"delay_ms": N} makes every node sleep N ms instead.
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { concat, sleep } from "./util.js";

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  delay_ms: Annotation<number | undefined>(),
  progress: Annotation<string[]>({ reducer: concat, default: () => [] }),
  ticks: Annotation<number>({ reducer: (a: number, b: number) => (a ?? 0) + (b ?? 0), default: () => 0 }),
  last_step: Annotation<string>(),
});
type S = typeof State.State;

const STEPS: Array<[string, number]> = [
  ["warm_up", 600],
  ["crunch", 1000],
  ["refine", 900],
  ["polish", 800],
  ["publish", 700],
];

function step(name: string, index: number, defaultMs: number) {
  return async (state: S, config: LangGraphRunnableConfig) => {
    const ms = typeof state.delay_ms === "number" && state.delay_ms >= 0 ? state.delay_ms : defaultMs;
    const started = new Date().toISOString();
    await sleep(ms, config.signal);
    config.writer?.({ step: name, index: index + 1, of: STEPS.length });
    return {
      progress: [`${name} (${ms} ms, started ${started})`],
      ticks: 1,
      last_step: name,
      messages: [new AIMessage({ id: `${name}-${crypto.randomUUID()}`, name, content: `${name} done` })],
    };
  };
}

let builder: any = new StateGraph(State);
STEPS.forEach(([name, ms], i) => { builder = builder.addNode(name, step(name, i, ms)); });
builder = builder.addEdge(START, STEPS[0][0]);
for (let i = 1; i < STEPS.length; i++) builder = builder.addEdge(STEPS[i - 1][0], STEPS[i][0]);
builder = builder.addEdge(STEPS[STEPS.length - 1][0], END);

export const graph = builder.compile();
graph.name = "slow";
