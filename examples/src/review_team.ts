// `review_team`: intake -> team -> send, where `team` is a compiled graph
// (write_draft -> approve (interrupt()) -> polish): an interrupt() inside a subgraph. The debugger stops
// there with the subgraph's namespace as a frame; Step Out runs the rest of `team` and stops
// before `send`. Resume with {"command":{"resume":"approve"}} (or any text: the approver's note).
import { Annotation, END, START, StateGraph, interrupt } from "@langchain/langgraph";
import { union } from "./util.js";

const State = Annotation.Root({
  topic: Annotation<string>(),
  draft: Annotation<string>(),
  approval: Annotation<string>(),
  // A subgraph node returns its whole state, so a plain concat would repeat the parent's entries.
  trail: Annotation<string[]>({ reducer: union, default: () => [] }),
});
type S = typeof State.State;

const team = new StateGraph(State)
  .addNode("write_draft", async (state: S) => ({ draft: `A note on ${state.topic || "otters"}`, trail: ["team.write_draft"] }))
  .addNode("approve", async (state: S) => {
    const answer = interrupt<Record<string, unknown>, string>({ question: "Approve this draft?", draft: state.draft, options: ["approve", "reject"] });
    return { approval: String(answer), trail: ["team.approve"] };
  })
  .addNode("polish", async (state: S) => ({ draft: `${state.draft} (${state.approval})`, trail: ["team.polish"] }))
  .addEdge(START, "write_draft")
  .addEdge("write_draft", "approve")
  .addEdge("approve", "polish")
  .addEdge("polish", END)
  .compile();
team.name = "team";

export const graph = new StateGraph(State)
  .addNode("intake", async (state: S) => ({ topic: state.topic || "otters", trail: ["parent.intake"] }))
  .addNode("team", team)
  .addNode("send", async (state: S) => ({ trail: [`parent.send: ${state.draft}`] }))
  .addEdge(START, "intake")
  .addEdge("intake", "team")
  .addEdge("team", "send")
  .addEdge("send", END)
  .compile();
graph.name = "review_team";
