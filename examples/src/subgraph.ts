// `subgraph`: parent (prepare -> child -> finalize), where `child` is a compiled graph
// (child_step -> grandchild -> child_done) and `grandchild` is a compiled graph (deep_step).
// With stream_subgraphs the events are named `updates|child:<task>|grandchild:<task>`.
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { union } from "./util.js";

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  // A subgraph node returns its whole state, so a plain concat would repeat the parent's entries.
  trail: Annotation<string[]>({ reducer: union, default: () => [] }),
  depth: Annotation<number>({ reducer: (a: number, b: number) => Math.max(a ?? 0, b ?? 0), default: () => 0 }),
});

const grandchild = new StateGraph(State)
  .addNode("deep_step", async () => ({
    trail: ["grandchild.deep_step"],
    depth: 2,
    messages: [new AIMessage({ id: `deep-${crypto.randomUUID()}`, content: "deep_step done" })],
  }))
  .addEdge(START, "deep_step")
  .addEdge("deep_step", END)
  .compile();
grandchild.name = "grandchild";

const child = new StateGraph(State)
  .addNode("child_step", async () => ({
    trail: ["child.child_step"],
    depth: 1,
    messages: [new AIMessage({ id: `child-${crypto.randomUUID()}`, content: "child_step done" })],
  }))
  .addNode("grandchild", grandchild)
  .addNode("child_done", async () => ({ trail: ["child.child_done"] }))
  .addEdge(START, "child_step")
  .addEdge("child_step", "grandchild")
  .addEdge("grandchild", "child_done")
  .addEdge("child_done", END)
  .compile();
child.name = "child";

export const graph = new StateGraph(State)
  .addNode("prepare", async () => ({
    trail: ["parent.prepare"],
    messages: [new AIMessage({ id: `prepare-${crypto.randomUUID()}`, content: "prepare done" })],
  }))
  .addNode("child", child)
  .addNode("finalize", async (state: typeof State.State) => ({
    trail: ["parent.finalize"],
    messages: [new AIMessage({ id: `finalize-${crypto.randomUUID()}`, content: `finalize: depth=${state.depth} trail=${state.trail.join(",")}` })],
  }))
  .addEdge(START, "prepare")
  .addEdge("prepare", "child")
  .addEdge("child", "finalize")
  .addEdge("finalize", END)
  .compile();
graph.name = "subgraph";
