// `failing`: fetch_context succeeds, then call_tool throws. The run ends with `event: error`.
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { lastHumanText, sleep } from "./util.js";

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  context: Annotation<string>(),
  result: Annotation<string>(),
});

export const graph = new StateGraph(State)
  .addNode("fetch_context", async (state: typeof State.State) => {
    await sleep(50);
    const context = `context for "${lastHumanText(state.messages) || "nothing"}"`;
    return { context, messages: [new AIMessage({ id: `fetch-${crypto.randomUUID()}`, content: "fetch_context ok, calling tool" })] };
  })
  .addNode("call_tool", async () => {
    await sleep(50);
    throw new Error("tool backend unavailable: simulated failure");
  })
  .addNode("report", async () => ({ result: "never reached" }))
  .addEdge(START, "fetch_context")
  .addEdge("fetch_context", "call_tool")
  .addEdge("call_tool", "report")
  .addEdge("report", END)
  .compile();
graph.name = "failing";
