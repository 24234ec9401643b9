// `custom`: one node, `emit`, that writes five progress events with config.writer (stream mode
// `custom`) 100 ms apart, then returns `count` and a message.
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { sleep } from "./util.js";

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  count: Annotation<number>(),
});

export const graph = new StateGraph(State)
  .addNode("emit", async (_state: typeof State.State, config: LangGraphRunnableConfig) => {
    const n = 5;
    for (let i = 1; i <= n; i++) {
      await sleep(100, config.signal);
      config.writer?.({ progress: i, of: n, label: `chunk ${i}/${n}` });
    }
    return { count: n, messages: [new AIMessage({ id: `emit-${crypto.randomUUID()}`, content: `emitted ${n} custom events` })] };
  })
  .addEdge(START, "emit")
  .addEdge("emit", END)
  .compile();
graph.name = "custom";
