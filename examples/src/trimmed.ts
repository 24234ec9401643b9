// `trimmed`: a chat that keeps only its last two messages — a custom reducer on `messages`, the
// key every tool (this one too) assumes merges by id. The timeline's model cannot explain the
// server's state here, and says so: this graph is the proof that its "disagreed" flag still fires
// when a known reducer really is wrong (issue: only real disagreements).
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph, messagesStateReducer } from "@langchain/langgraph";
import { sleep } from "./util.js";

const KEEP = 2;

const State = Annotation.Root({
  messages: Annotation<BaseMessage[]>({
    reducer: (left, right) => messagesStateReducer(left, right).slice(-KEEP),
    default: () => [],
  }),
});
type S = typeof State.State;

const say = (name: string) => async (_state: S) => {
  await sleep(20);
  return { messages: [new AIMessage({ id: `${name}-${crypto.randomUUID()}`, name, content: `${name} spoke` })] };
};

export const graph = new StateGraph(State)
  .addNode("first", say("first"))
  .addNode("second", say("second"))
  .addNode("third", say("third"))
  .addEdge(START, "first")
  .addEdge("first", "second")
  .addEdge("second", "third")
  .addEdge("third", END)
  .compile();
graph.name = "trimmed";
