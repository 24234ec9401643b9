// `fanout`: plan_queries picks three queries, and a conditional edge sends each to its own
// `retrieve_documents` with `Send` (map-reduce): three concurrent executions of ONE node in one
// superstep. They sleep 120 / 1 / 250 ms (in that order), so they overlap and finish in the order
// 1 ms, 120 ms, 250 ms; `documents` concatenates what each found, and synthesize joins them.
// Input {"topic": "..."} names what to look for; {"delays_ms": [..]} changes the fan-out.
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, Send, StateGraph } from "@langchain/langgraph";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { concat, lastHumanText, sleep } from "./util.js";

const DEFAULT_DELAYS = [120, 1, 250];
const ASPECTS = ["habitat", "diet", "social life", "conservation", "tool use"];

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  topic: Annotation<string>(),
  delays_ms: Annotation<number[] | undefined>(),
  queries: Annotation<Array<{ query: string; delay_ms: number }>>(),
  documents: Annotation<string[]>({ reducer: concat, default: () => [] }),
  answer: Annotation<string>(),
});
type S = typeof State.State;

/** What each `Send` carries: the one query a retrieve_documents execution works on. */
interface RetrieveInput {
  query: string;
  delay_ms: number;
}

const planQueries = async (state: S) => {
  const topic = state.topic || lastHumanText(state.messages) || "otters";
  const delays = Array.isArray(state.delays_ms) && state.delays_ms.length ? state.delays_ms : DEFAULT_DELAYS;
  const queries = delays.map((ms, i) => ({ query: `${topic} ${ASPECTS[i % ASPECTS.length]}`, delay_ms: Math.max(0, Number(ms) || 0) }));
  return { topic, queries };
};

// The fan-out: one Send per query, all to the same node, all in the next superstep.
const fanOut = (state: S) => state.queries.map((q) => new Send("retrieve_documents", q));

const retrieveDocuments = async (input: RetrieveInput, config: LangGraphRunnableConfig) => {
  await sleep(input.delay_ms, config.signal);
  return { documents: [`${input.query}: 2 documents after ${input.delay_ms} ms`] };
};

const synthesize = async (state: S) => ({
  answer: `${state.documents.length} results for ${state.topic}`,
  messages: [new AIMessage({ id: `synthesize-${crypto.randomUUID()}`, name: "synthesize", content: state.documents.join(" | ") })],
});

export const graph = new StateGraph(State)
  .addNode("plan_queries", planQueries)
  .addNode("retrieve_documents", retrieveDocuments)
  .addNode("synthesize", synthesize)
  .addEdge(START, "plan_queries")
  .addConditionalEdges("plan_queries", fanOut, ["retrieve_documents"])
  .addEdge("retrieve_documents", "synthesize")
  .addEdge("synthesize", END)
  .compile();
graph.name = "fanout";
