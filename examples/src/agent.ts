// `agent`: a tool-calling loop, agent -> tools -> agent -> END, with a scripted fake chat model
// (deterministic, no network) and two real tools: `calculator` and `lookup`.
// The model reads the last human message: an arithmetic expression ("6 * 7") makes it call
// `calculator`, "capital of <country>" makes it call `lookup`; once tool results are in, it
// answers with them. With nothing to look up it answers straight away (no tool call).
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseChatModelParams } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { tool } from "@langchain/core/tools";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { z } from "zod";
import { sleep } from "./util.js";

// ---- tools ---------------------------------------------------------------------------------
const calculator = tool(
  async ({ a, op, b }: { a: number; op: string; b: number }) => {
    const r = op === "+" ? a + b : op === "-" ? a - b : op === "*" || op === "x" ? a * b : op === "/" ? a / b : NaN;
    return `${a} ${op} ${b} = ${r}`;
  },
  {
    name: "calculator",
    description: "Apply a binary arithmetic operator to two numbers.",
    schema: z.object({ a: z.number(), op: z.enum(["+", "-", "*", "x", "/"]), b: z.number() }),
  },
);

const CAPITALS: Record<string, string> = {
  france: "Paris", germany: "Berlin", japan: "Tokyo", italy: "Rome", spain: "Madrid", kenya: "Nairobi",
};
const lookup = tool(
  async ({ country }: { country: string }) => {
    const cap = CAPITALS[country.toLowerCase()];
    return cap ? `The capital of ${country} is ${cap}.` : `No capital on record for ${country}.`;
  },
  {
    name: "lookup",
    description: "Look up the capital city of a country.",
    schema: z.object({ country: z.string() }),
  },
);
const tools = [calculator, lookup];

// ---- scripted model ------------------------------------------------------------------------
type Call = { name: string; args: Record<string, unknown>; id: string };

function plan(messages: BaseMessage[]): { text: string; calls: Call[] } {
  let lastHuman = -1;
  messages.forEach((m, i) => { if (m.getType() === "human") lastHuman = i; });
  const human = lastHuman >= 0 ? String(messages[lastHuman].content) : "";
  const toolResults = messages.slice(lastHuman + 1).filter((m): m is ToolMessage => m.getType() === "tool");
  if (toolResults.length > 0) {
    return { text: `Here is what I found: ${toolResults.map((t) => String(t.content)).join(" ")}`, calls: [] };
  }
  const calls: Call[] = [];
  const turn = messages.length; // stable per position in the thread, so ids are deterministic
  const math = human.match(/(-?\d+(?:\.\d+)?)\s*([-+*x/])\s*(-?\d+(?:\.\d+)?)/);
  if (math) calls.push({ name: "calculator", args: { a: Number(math[1]), op: math[2], b: Number(math[3]) }, id: `call_calc_${turn}` });
  const cap = human.match(/capital of ([A-Za-z]+)/i);
  if (cap) calls.push({ name: "lookup", args: { country: cap[1] }, id: `call_lookup_${turn}` });
  if (calls.length === 0) return { text: `I can do arithmetic and capitals. You said: "${human}"`, calls };
  return { text: "", calls };
}

class ScriptedToolCallingModel extends BaseChatModel {
  constructor(fields: BaseChatModelParams = {}) { super(fields); }
  _llmType() { return "scripted-fake"; }
  // Tools are executed by ToolNode; the script decides which to call, so binding is a no-op.
  bindTools(_tools: unknown[]) { return this as any; }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const { text, calls } = plan(messages);
    const message = new AIMessage({ content: text, tool_calls: calls.map((c) => ({ ...c, type: "tool_call" as const })) });
    return { generations: [{ text, message }] };
  }

  // Streams the answer word by word (for the `messages` stream mode); tool calls in one chunk.
  async *_streamResponseChunks(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const { text, calls } = plan(messages);
    if (calls.length > 0) {
      const chunk = new ChatGenerationChunk({
        text: "",
        message: new AIMessageChunk({
          content: "",
          tool_call_chunks: calls.map((c, index) => ({ name: c.name, args: JSON.stringify(c.args), id: c.id, index, type: "tool_call_chunk" as const })),
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken("", undefined, undefined, undefined, undefined, { chunk });
      return;
    }
    const words = text.split(/(?<= )/);
    for (const w of words) {
      await sleep(10, options.signal);
      const chunk = new ChatGenerationChunk({ text: w, message: new AIMessageChunk({ content: w }) });
      yield chunk;
      await runManager?.handleLLMNewToken(w, undefined, undefined, undefined, undefined, { chunk });
    }
  }
}

const model = new ScriptedToolCallingModel().bindTools(tools);

// ---- graph ---------------------------------------------------------------------------------
const callModel = async (state: typeof MessagesAnnotation.State) => {
  const response = await model.invoke(state.messages);
  return { messages: [response] };
};

const route = (state: typeof MessagesAnnotation.State) => {
  const last = state.messages[state.messages.length - 1] as AIMessage;
  return last?.tool_calls?.length ? "tools" : END;
};

export const graph = new StateGraph(MessagesAnnotation)
  .addNode("agent", callModel)
  .addNode("tools", new ToolNode(tools))
  .addEdge(START, "agent")
  .addConditionalEdges("agent", route, ["tools", END])
  .addEdge("tools", "agent")
  .compile();
graph.name = "agent";
