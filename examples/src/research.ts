// `research`: the graph view's example — a parallel branch, a conditional edge (a loop) and a
// two-level subgraph in one graph.
//   plan -> research_a, research_b (one superstep, in parallel) -> review
//   review --(conditional)--> research_a (once more, until two rounds are in) | write
//   write is a compiled graph (draft -> edit), and edit is one too (proofread -> polish); then END.
// (A subgraph of one node is drawn as a plain node even with xray: edit needs two.)
// research_a runs twice, research_b once, review twice. No LLM, no network.
// Input {"delay_ms": N} makes the researchers sleep N ms instead of 120/40 (tests watching it live).
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { lastHumanText, sleep, union } from "./util.js";

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  topic: Annotation<string>(),
  // A subgraph hands back its whole state: a plain concat (or sum) would count it twice.
  notes: Annotation<string[]>({ reducer: union, default: () => [] }),
  rounds: Annotation<number>({ reducer: (a: number, b: number) => Math.max(a ?? 0, b ?? 0), default: () => 0 }),
  report: Annotation<string>(),
  delay_ms: Annotation<number | undefined>(),
});
type S = typeof State.State;

const edit = new StateGraph(State)
  .addNode("proofread", async (s: S) => ({ report: `${s.report ?? ""} (proofread)`.trim() }))
  .addNode("polish", async (s: S) => ({ report: `${s.report} (polished)` }))
  .addEdge(START, "proofread")
  .addEdge("proofread", "polish")
  .addEdge("polish", END)
  .compile();
edit.name = "edit";

const write = new StateGraph(State)
  .addNode("draft", async (s: S) => ({ report: `Report on ${s.topic}: ${s.notes.length} notes` }))
  .addNode("edit", edit)
  .addEdge(START, "draft")
  .addEdge("draft", "edit")
  .addEdge("edit", END)
  .compile();
write.name = "write";

function researcher(name: string, delayMs: number) {
  return async (s: S, config: LangGraphRunnableConfig) => {
    await sleep(typeof s.delay_ms === "number" && s.delay_ms >= 0 ? s.delay_ms : delayMs, config.signal);
    return { notes: [`${name}: ${s.topic} #${s.rounds + 1}`] };
  };
}

export const graph = new StateGraph(State)
  .addNode("plan", async (s: S) => ({ topic: s.topic || lastHumanText(s.messages) || "otters" }))
  .addNode("research_a", researcher("research_a", 120))
  .addNode("research_b", researcher("research_b", 40))
  .addNode("review", async (s: S) => ({ rounds: s.rounds + 1 }))
  .addNode("write", write)
  .addEdge(START, "plan")
  .addEdge("plan", "research_a")
  .addEdge("plan", "research_b")
  .addEdge("research_a", "review")
  .addEdge("research_b", "review")
  .addConditionalEdges("review", (s: S) => (s.rounds < 2 ? "research_a" : "write"), ["research_a", "write"])
  .addEdge("write", END)
  .compile();
graph.name = "research";

