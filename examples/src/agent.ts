// `agent`: a tool-calling loop, agent -> tools -> agent -> END, with a scripted fake chat model
// (deterministic, no network; it streams its answer with a model name and token counts, like a
// real provider) and two real tools: `calculator` and `lookup`.
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

// What the fake model reports, like a real provider does: a model name, token counts (words in,
// words out: deterministic, so tests can check them) and why it stopped.
export const FAKE_MODEL = { provider: "fake", name: "scripted-fake-1" };

function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function usageFor(messages: BaseMessage[], text: string, calls: Call[]) {
  const input_tokens = messages.reduce((n, m) => n + countTokens(typeof m.content === "string" ? m.content : JSON.stringify(m.content)), 0);
  const output_tokens = countTokens(text) + calls.reduce((n, c) => n + countTokens(c.name + " " + Object.values(c.args).join(" ")), 0);
  return { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens };
}

function endMetadata(calls: Call[]) {
  return { model_name: FAKE_MODEL.name, model_provider: FAKE_MODEL.provider, finish_reason: calls.length ? "tool_calls" : "stop" };
}

/** Delay before each streamed chunk (ms): long enough to watch the text arrive in `npm start`. */
const CHUNK_MS = Number(process.env.LGT_FAKE_CHUNK_MS ?? 40);

class ScriptedToolCallingModel extends BaseChatModel {
  constructor(fields: BaseChatModelParams = {}) { super(fields); }
  _llmType() { return "scripted-fake"; }
  // LangSmith's parameters: the server passes them on as `ls_provider` / `ls_model_name` in the
  // metadata of the `messages` stream modes.
  getLsParams(options: this["ParsedCallOptions"]) {
    return { ...super.getLsParams(options), ls_provider: FAKE_MODEL.provider, ls_model_name: FAKE_MODEL.name, ls_model_type: "chat" as const };
  }
  // Tools are executed by ToolNode; the script decides which to call, so binding is a no-op.
  bindTools(_tools: unknown[]) { return this as any; }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const { text, calls } = plan(messages);
    const message = new AIMessage({
      content: text,
      tool_calls: calls.map((c) => ({ ...c, type: "tool_call" as const })),
      usage_metadata: usageFor(messages, text, calls),
      response_metadata: endMetadata(calls),
    });
    return { generations: [{ text, message }] };
  }

  // Streams like a provider: an empty first chunk at once (the response began), then the answer
  // word by word (or the tool calls in one chunk) after a delay each, then a last empty chunk with
  // the token counts and the finish reason.
  async *_streamResponseChunks(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const { text, calls } = plan(messages);
    const emit = async function* (message: AIMessageChunk, token: string) {
      const chunk = new ChatGenerationChunk({ text: token, message });
      yield chunk;
      await runManager?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, { chunk });
    };
    yield* emit(new AIMessageChunk({ content: "" }), "");
    if (calls.length > 0) {
      await sleep(CHUNK_MS, options.signal);
      yield* emit(new AIMessageChunk({
        content: "",
        tool_call_chunks: calls.map((c, index) => ({ name: c.name, args: JSON.stringify(c.args), id: c.id, index, type: "tool_call_chunk" as const })),
      }), "");
    } else {
      for (const w of text.split(/(?<= )/)) {
        await sleep(CHUNK_MS, options.signal);
        yield* emit(new AIMessageChunk({ content: w }), w);
      }
    }
    yield* emit(new AIMessageChunk({ content: "", usage_metadata: usageFor(messages, text, calls), response_metadata: endMetadata(calls) }), "");
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
