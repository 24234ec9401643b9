// What the LLM did: the calls of a chat model inside each node execution — model, provider, tokens,
// time to first token, streaming time, tool calls, finish reason and text — read from the stream.
// Pure (no vscode, no DOM); the run model (./llmReader.ts) feeds it and says which execution a
// message belongs to.
//
// Sources, both dialects:
// - `messages-tuple` (event `messages`, `[chunk, metadata]`): one chunk each. Chunks of one message
//   share its id and are coalesced here into one call (text appended, token counts added — the way
//   LangChain concatenates chunks — tool-call argument pieces joined by index).
// - the Python server's `messages` mode: `messages/metadata` (`{<id>: {metadata}}`, the model's name
//   and node), then `messages/partial` (`[<the message so far>]`): each replaces the call's text and
//   counts, never adds.
// - AI messages in `updates` (or a task's result): `usage_metadata` and `response_metadata.model_name`
//   are there even when nothing was streamed. A streamed call's final message completes it.
// Times are arrival times (this computer's clock), never the server's.

import { isRecord } from '../events';

export interface LlmToolCall {
  name: string | null;
  id: string | null;
  /** Parsed arguments when they are complete JSON, else the text received so far. */
  args: unknown;
}

export type LlmSource = 'messages-tuple' | 'messages' | 'updates';

export interface LlmCall {
  /** The AI message's id (null when the server sent none). */
  id: string | null;
  node: string;
  ns: string[];
  /** The execution it ran in (null: the node is unknown, see `note`). */
  execution: number | null;
  runId: string | null;
  model: string | null;
  provider: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  /** Arrival times (ms since the epoch, this computer's clock); null when only the update told of it. */
  start: number | null;
  firstTokenAt: number | null;
  lastAt: number | null;
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: string | null;
  /** Chunks (or partial messages) received. */
  chunks: number;
  source: LlmSource;
  /** Still receiving (its node has not reported yet). */
  streaming: boolean;
  /** Something the stream did not say, in words (chunks without ids, an unknown node…). */
  note?: string;
}

export interface LlmTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Calls whose token counts nobody reported. */
  unknownTokens: number;
  /** Sum of the calls' streaming times (ms), where known. */
  llmMs: number;
  /** Calls whose streaming time is known (those in llmMs). */
  timed: number;
  /** Cost from the prices given (per million tokens); null without a price for every call's model. */
  cost: number | null;
}

/** Prices per model name: per million input and output tokens (from `langgraph.modelPrices`). */
export type ModelPrices = Record<string, { input?: number; output?: number }>;

/** One call as `show --json` and other tools read it (null where unknown). */
export interface LlmCallJson {
  model: string | null;
  provider: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  firstTokenMs: number | null;
  durationMs: number | null;
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: string | null;
}

/** Where a message belongs: the model finds (or opens) the execution. */
export interface LlmPlace {
  node: string;
  ns: string[];
  execution: number | null;
  runId: string | null;
  /** The execution's start when it came from a `tasks` start (arrival clock): the first call's baseline. */
  execStart: number | null;
  /** The run's times are not real arrival times (a replay in one burst). */
  untimed: boolean;
}

interface ToolPiece {
  name: string | null;
  id: string | null;
  args: string;
  parsed?: unknown;
}

interface Live extends LlmCall {
  pieces: Map<number, ToolPiece>;
  /** The start was known before the first chunk (a task start, the call before it). */
  baseline: boolean;
}

export function isAiMessage(m: unknown): m is Record<string, unknown> {
  if (!isRecord(m)) return false;
  const t = m.type;
  return t === 'ai' || t === 'AIMessageChunk' || t === 'AIMessage' || t === 'assistant';
}

/** An AI message an LLM produced (rather than one a node wrote by hand): it says so in its metadata. */
export function looksLikeLlmOutput(m: Record<string, unknown>): boolean {
  const rm = isRecord(m.response_metadata) ? m.response_metadata : {};
  return isRecord(m.usage_metadata) || typeof rm.model_name === 'string' || typeof rm.model === 'string';
}

export class LlmLedger {
  readonly calls: Live[] = [];
  private readonly byKey = new Map<string, Live>();
  private readonly byExec = new Map<number, Live[]>();
  /** Python `messages/metadata`, by message id, until its first partial. */
  private readonly metaById = new Map<string, Record<string, unknown>>();
  notes: string[] = [];

  /** Calls of one execution, in the order they began. */
  of(execution: number): readonly LlmCall[] {
    return this.byExec.get(execution) ?? [];
  }

  /** Calls not placed in any execution (their node was unknown). */
  unplaced(): LlmCall[] {
    return this.calls.filter((c) => c.execution === null);
  }

  /** Python `messages/metadata`: `{<message id>: {metadata: {...}}}` (or the metadata itself). */
  metadata(data: unknown): void {
    if (!isRecord(data)) return;
    for (const [id, v] of Object.entries(data)) {
      if (!isRecord(v)) continue;
      this.metaById.set(id, isRecord(v.metadata) ? v.metadata : v);
    }
  }

  metaFor(id: unknown): Record<string, unknown> | undefined {
    return typeof id === 'string' ? this.metaById.get(id) : undefined;
  }

  /** Is this `messages-tuple` pair an LLM's chunk (not a tool's or a node's whole message)? */
  static isLlmChunk(chunk: unknown, meta: Record<string, unknown>): chunk is Record<string, unknown> {
    if (!isAiMessage(chunk)) return false;
    return chunk.type === 'AIMessageChunk' || typeof meta.ls_model_name === 'string' || typeof meta.ls_provider === 'string' || meta.ls_integration === 'langchain_chat_model' || looksLikeLlmOutput(chunk);
  }

  /** One chunk (`accumulated` false) or one accumulated message (Python `messages/partial`). */
  chunk(place: LlmPlace, msg: Record<string, unknown>, meta: Record<string, unknown>, t: number, accumulated: boolean): LlmCall {
    const id = typeof msg.id === 'string' && msg.id ? msg.id : null;
    const key = id ?? `noid\u0000${place.execution ?? place.ns.join('|') + '\u0000' + place.node}`;
    let c = this.byKey.get(key);
    if (!c) {
      c = this.open(place, id, accumulated ? 'messages' : 'messages-tuple', t);
      if (!id) c.note = 'chunks without a message id: coalesced per node execution';
      if (place.execution === null) c.note = 'a message for a node this run has not shown: kept aside';
      this.byKey.set(key, c);
    }
    c.model ??= str(meta.ls_model_name);
    c.provider ??= str(meta.ls_provider);
    c.chunks++;
    c.lastAt = place.untimed ? null : t;
    c.streaming = true;
    const text = contentText(msg.content);
    if (accumulated) {
      c.text = text;
      this.toolsWhole(c, msg);
      this.usage(c, msg, false);
    } else {
      if (text) c.text += text;
      // `+=` builds a rope: one node (~32 bytes) per chunk, kept until the text is read. Reading a
      // character flattens it, so a call's memory follows its text, not its chunk count.
      if ((c.chunks & 255) === 0) c.text.charCodeAt(0);
      this.toolPieces(c, msg);
      this.usage(c, msg, true);
    }
    if (c.firstTokenAt === null && !place.untimed && (text || c.pieces.size || c.toolCalls.length)) c.firstTokenAt = t;
    this.finish(c, msg);
    return c;
  }

  /** An AI message a node wrote (its update, its task result): completes a streamed call or is one. */
  written(place: LlmPlace, msg: Record<string, unknown>, position: number): void {
    const id = typeof msg.id === 'string' && msg.id ? msg.id : null;
    let c = id ? this.byKey.get(id) : undefined;
    // Without an id (a parallel branch's message before its step ends) it is the execution's
    // k-th streamed call, when there is one.
    if (!c && !id && place.execution !== null) c = this.byExec.get(place.execution)?.filter((x) => x.source !== 'updates')[position];
    if (!c) {
      const k = `upd\u0000${place.execution}\u0000${id ?? position}`;
      c = this.byKey.get(k);
      if (!c) {
        if (!looksLikeLlmOutput(msg)) return;
        c = this.open(place, id, 'updates', null);
        this.byKey.set(k, c);
      }
      c.text = contentText(msg.content);
    }
    if (c.execution === null && place.execution !== null) this.place(c, place.execution, place.node, place.ns);
    c.streaming = false;
    this.usage(c, msg, false);
    this.toolsWhole(c, msg);
    this.finish(c, msg);
    const rm = isRecord(msg.response_metadata) ? msg.response_metadata : {};
    c.model ??= str(rm.model_name) ?? str(rm.model);
    c.provider ??= str(rm.model_provider) ?? str(rm.ls_provider);
  }

  /** The execution reported (or ended): its calls are no longer streaming. */
  settle(execution: number): void {
    for (const c of this.byExec.get(execution) ?? []) c.streaming = false;
  }

  private open(place: LlmPlace, id: string | null, source: LlmSource, t: number | null): Live {
    const prev = place.execution !== null ? this.byExec.get(place.execution)?.at(-1) : undefined;
    const baseline = place.untimed || t === null ? null : prev?.lastAt ?? place.execStart;
    const c: Live = {
      id, node: place.node, ns: place.ns, execution: null, runId: place.runId,
      model: null, provider: null, inputTokens: null, outputTokens: null, totalTokens: null,
      start: baseline !== null && baseline !== undefined && baseline <= t! ? baseline : place.untimed ? null : t,
      firstTokenAt: null, lastAt: null, text: '', toolCalls: [], finishReason: null, chunks: 0, source,
      streaming: source !== 'updates', pieces: new Map(), baseline: baseline !== null && baseline !== undefined,
    };
    this.calls.push(c);
    if (place.execution !== null) this.place(c, place.execution, place.node, place.ns);
    return c;
  }

  private place(c: Live, execution: number, node: string, ns: string[]): void {
    c.execution = execution;
    c.node = node;
    c.ns = ns;
    if (c.note?.startsWith('a message for a node')) delete c.note;
    const list = this.byExec.get(execution);
    if (list) list.push(c);
    else this.byExec.set(execution, [c]);
  }

  private usage(c: Live, msg: Record<string, unknown>, add: boolean): void {
    const u = msg.usage_metadata;
    if (!isRecord(u)) return;
    const put = (k: 'inputTokens' | 'outputTokens' | 'totalTokens', v: unknown) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      c[k] = add && c[k] !== null ? c[k]! + v : v;
    };
    put('inputTokens', u.input_tokens);
    put('outputTokens', u.output_tokens);
    put('totalTokens', u.total_tokens);
    if (c.totalTokens === null && c.inputTokens !== null && c.outputTokens !== null) c.totalTokens = c.inputTokens + c.outputTokens;
  }

  private toolPieces(c: Live, msg: Record<string, unknown>): void {
    const chunks = Array.isArray(msg.tool_call_chunks) ? msg.tool_call_chunks : [];
    for (const [k, tc] of chunks.entries()) {
      if (!isRecord(tc)) continue;
      const index = typeof tc.index === 'number' ? tc.index : k;
      let p = c.pieces.get(index);
      if (!p) c.pieces.set(index, (p = { name: null, id: null, args: '' }));
      p.name ??= str(tc.name);
      p.id ??= str(tc.id);
      if (typeof tc.args === 'string') p.args += tc.args;
    }
    if (chunks.length) c.toolCalls = [...c.pieces.values()].map((p) => ({ name: p.name, id: p.id, args: parseArgs(p.args) }));
  }

  private toolsWhole(c: Live, msg: Record<string, unknown>): void {
    const calls = Array.isArray(msg.tool_calls) ? msg.tool_calls : [];
    if (!calls.length) return;
    c.toolCalls = calls.filter(isRecord).map((tc) => ({ name: str(tc.name), id: str(tc.id), args: tc.args ?? null }));
  }

  private finish(c: Live, msg: Record<string, unknown>): void {
    const rm = isRecord(msg.response_metadata) ? msg.response_metadata : {};
    c.finishReason = str(rm.finish_reason) ?? str(rm.stop_reason) ?? c.finishReason;
    c.model = str(rm.model_name) ?? c.model;
    c.provider ??= str(rm.model_provider);
  }
}

/** Time to first token and streaming duration (ms) of a call, from arrival times; null where unknown. */
export function callTimes(c: LlmCall): { firstTokenMs: number | null; durationMs: number | null } {
  const base = (c as Partial<Live>).baseline;
  if (c.start === null) return { firstTokenMs: null, durationMs: null };
  // Time to first token needs a start known before the first chunk: a chunk that already carries
  // text says nothing about how long the model took to begin.
  const first = c.firstTokenAt !== null && (base || c.firstTokenAt > c.start) ? c.firstTokenAt - c.start : null;
  return { firstTokenMs: first, durationMs: c.lastAt !== null ? c.lastAt - c.start : null };
}

export function callJson(c: LlmCall): LlmCallJson {
  return {
    model: c.model, provider: c.provider, inputTokens: c.inputTokens, outputTokens: c.outputTokens, totalTokens: c.totalTokens,
    ...callTimes(c), text: c.text, toolCalls: c.toolCalls, finishReason: c.finishReason,
  };
}

/** Add up calls; cost only from the prices given, and only when every call's model has one. */
export function totalsOf(calls: readonly LlmCall[], prices?: ModelPrices): LlmTotals {
  const t: LlmTotals = { calls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, unknownTokens: 0, llmMs: 0, timed: 0, cost: null };
  let cost = 0;
  let priced = prices !== undefined && Object.keys(prices).length > 0;
  for (const c of calls) {
    t.calls++;
    if (c.inputTokens === null && c.outputTokens === null && c.totalTokens === null) t.unknownTokens++;
    t.inputTokens += c.inputTokens ?? 0;
    t.outputTokens += c.outputTokens ?? 0;
    t.totalTokens += c.totalTokens ?? (c.inputTokens ?? 0) + (c.outputTokens ?? 0);
    const d = callTimes(c).durationMs;
    if (d !== null) {
      t.llmMs += d;
      t.timed++;
    }
    const p = priced && c.model !== null ? prices![c.model] : undefined;
    if (!p) priced = false;
    else cost += ((c.inputTokens ?? 0) * (p.input ?? 0) + (c.outputTokens ?? 0) * (p.output ?? 0)) / 1e6;
  }
  if (priced && t.calls) t.cost = cost;
  return t;
}

export interface NodeLlmRow extends LlmTotals {
  /** `path › node` ('' path at the root). */
  node: string;
  /** This node's share of the tokens of all the calls given (0..1). */
  share: number;
}

/** Totals per node (namespace path and name), in order of first appearance. */
export function totalsByNode(calls: readonly LlmCall[], prices?: ModelPrices): NodeLlmRow[] {
  const groups = new Map<string, LlmCall[]>();
  for (const c of calls) {
    const k = [...c.ns.map((s) => s.split(':')[0]), c.node].join(' › ');
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  const all = totalsOf(calls).totalTokens;
  return [...groups].map(([node, cs]) => {
    const t = totalsOf(cs, prices);
    return { node, ...t, share: all > 0 ? t.totalTokens / all : 0 };
  });
}

/** A cost as text: small ones with two significant digits, no currency (the prices' own). */
export function costText(v: number): string {
  return v === 0 ? '0' : v < 0.01 ? v.toPrecision(2) : v.toFixed(4);
}

/** `langgraph.modelPrices` as given (anything else in it is ignored). */
export function pricesFrom(v: unknown): ModelPrices {
  const out: ModelPrices = {};
  if (!isRecord(v)) return out;
  for (const [model, p] of Object.entries(v)) {
    if (!isRecord(p)) continue;
    const input = typeof p.input === 'number' && p.input >= 0 ? p.input : undefined;
    const output = typeof p.output === 'number' && p.output >= 0 ? p.output : undefined;
    if (input !== undefined || output !== undefined) out[model] = { ...(input !== undefined ? { input } : {}), ...(output !== undefined ? { output } : {}) };
  }
  return out;
}

/** Text of a message's content: a string, or the text parts of a list of content blocks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let s = '';
  for (const b of content) {
    if (typeof b === 'string') s += b;
    else if (isRecord(b) && typeof b.text === 'string') s += b.text;
  }
  return s;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

function parseArgs(s: string): unknown {
  if (!s) return {};
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
