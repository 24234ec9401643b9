// `parallel`: dispatch fans out to three branches in one superstep, merge joins them.
// Declared order: fetch_web, fetch_docs, fetch_cache. Sleeps 600/50/250 ms, so they FINISH
// in the order fetch_docs, fetch_cache, fetch_web. `results` concatenates, `total` sums.
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { concat, lastHumanText, sleep } from "./util.js";

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  query: Annotation<string>(),
  results: Annotation<string[]>({ reducer: concat, default: () => [] }),
  total: Annotation<number>({ reducer: (a: number, b: number) => (a ?? 0) + (b ?? 0), default: () => 0 }),
  summary: Annotation<string>(),
});
type S = typeof State.State;

const dispatch = async (state: S) => {
  const query = state.query || lastHumanText(state.messages) || "otters";
  return { query, total: 1, results: [`dispatch: ${query}`] };
};

function branch(name: string, delayMs: number, hits: number) {
  return async (state: S, config: LangGraphRunnableConfig) => {
    await sleep(delayMs, config.signal);
    return {
      results: [`${name}: ${hits} hits for ${state.query} after ${delayMs}ms`],
      total: hits,
      // No id on purpose: messages written by parallel branches get theirs when the step ends.
      messages: [new AIMessage({ name, content: `${name} found ${hits}` })],
    };
  };
}

const merge = async (state: S) => ({
  summary: `${state.results.length - 1} branches, total=${state.total}`,
  messages: [new AIMessage({ id: `merge-${crypto.randomUUID()}`, name: "merge", content: `merged: ${state.results.join(" | ")}` })],
});

export const graph = new StateGraph(State)
  .addNode("dispatch", dispatch)
  .addNode("fetch_web", branch("fetch_web", 600, 3))
  .addNode("fetch_docs", branch("fetch_docs", 50, 5))
  .addNode("fetch_cache", branch("fetch_cache", 250, 7))
  .addNode("merge", merge)
  .addEdge(START, "dispatch")
  .addEdge("dispatch", "fetch_web")
  .addEdge("dispatch", "fetch_docs")
  .addEdge("dispatch", "fetch_cache")
  .addEdge(["fetch_web", "fetch_docs", "fetch_cache"], "merge")
  .addEdge("merge", END)
  .compile();
graph.name = "parallel";
