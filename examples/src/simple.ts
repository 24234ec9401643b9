// `simple`: four sequential nodes, plan -> research -> write -> review.
// Each node writes different keys; every node appends an AIMessage with a fixed-prefix id.
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { concat, lastHumanText, sleep } from "./util.js";

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  topic: Annotation<string>(),
  outline: Annotation<string[]>(),
  notes: Annotation<string[]>({ reducer: concat, default: () => [] }),
  draft: Annotation<string>(),
  approved: Annotation<boolean>(),
});
type S = typeof State.State;

const plan = async (state: S) => {
  const topic = state.topic || lastHumanText(state.messages) || "otters";
  await sleep(50);
  const outline = [`what ${topic} are`, `why ${topic} matter`, `open questions about ${topic}`];
  return {
    topic,
    outline,
    notes: [`plan: ${outline.length} sections`],
    messages: [new AIMessage({ id: `plan-${crypto.randomUUID()}`, name: "plan", content: `Plan for "${topic}": ${outline.join("; ")}` })],
  };
};

const research = async (state: S) => {
  await sleep(100);
  const found = state.outline.map((s, i) => `fact ${i + 1} on ${s}`);
  return { notes: found };
};

const write = async (state: S) => {
  await sleep(100);
  const draft = `# ${state.topic}\n\n${state.notes.filter((n) => n.startsWith("fact")).join(".\n")}.`;
  return {
    draft,
    messages: [new AIMessage({ id: `write-${crypto.randomUUID()}`, name: "write", content: `Draft ready (${draft.length} chars)` })],
  };
};

const review = async (state: S) => {
  await sleep(50);
  const approved = state.draft.length > 20;
  return {
    approved,
    notes: [`review: ${approved ? "approved" : "rejected"}`],
    messages: [new AIMessage({ id: `review-${crypto.randomUUID()}`, name: "review", content: approved ? "Looks good." : "Too short." })],
  };
};

export const graph = new StateGraph(State)
  .addNode("plan", plan)
  .addNode("research", research)
  .addNode("write", write)
  .addNode("review", review)
  .addEdge(START, "plan")
  .addEdge("plan", "research")
  .addEdge("research", "write")
  .addEdge("write", "review")
  .addEdge("review", END)
  .compile();
graph.name = "simple";
