// `interrupt`: draft_reply -> human_review (interrupt()) -> finish.
// Resume with a new run on the same thread: {"command":{"resume":{"decision":"approve"}}}
// (a plain string such as "approve" works too; "reject" or {"decision":"reject"} rejects,
// {"decision":"edit","text":"..."} replaces the reply).
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph, interrupt } from "@langchain/langgraph";
import { lastHumanText } from "./util.js";

type Review = string | { decision?: string; text?: string };

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  request: Annotation<string>(),
  reply: Annotation<string>(),
  review: Annotation<Review>(),
  outcome: Annotation<string>(),
});
type S = typeof State.State;

const draft_reply = async (state: S) => {
  const request = state.request || lastHumanText(state.messages) || "refund for order 42";
  return { request, reply: `Dear customer, about "${request}": we will process it today.` };
};

const human_review = async (state: S) => {
  const answer = interrupt<Record<string, unknown>, Review>({
    question: "Send this reply?",
    reply: state.reply,
    options: ["approve", "edit", "reject"],
  });
  return { review: answer };
};

const finish = async (state: S) => {
  const r = state.review;
  const decision = typeof r === "string" ? r : r?.decision ?? "approve";
  const text = typeof r === "object" && r?.text ? r.text : state.reply;
  const outcome = decision === "reject" ? "rejected" : decision === "edit" ? "sent (edited)" : "sent";
  return {
    outcome,
    reply: text,
    messages: [new AIMessage({ id: `finish-${crypto.randomUUID()}`, name: "finish", content: `${outcome}: ${text}` })],
  };
};

export const graph = new StateGraph(State)
  .addNode("draft_reply", draft_reply)
  .addNode("human_review", human_review)
  .addNode("finish", finish)
  .addEdge(START, "draft_reply")
  .addEdge("draft_reply", "human_review")
  .addEdge("human_review", "finish")
  .addEdge("finish", END)
  .compile();
graph.name = "interrupt";
