// Small helpers shared by the example graphs. No network, no LLM.
import type { BaseMessage } from "@langchain/core/messages";

/** Sleep `ms`, ending early (with an AbortError) when the run is cancelled. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Text of the last human message, or "" when there is none. */
export function lastHumanText(messages: BaseMessage[] | undefined): string {
  for (const m of [...(messages ?? [])].reverse()) {
    if (m.getType() === "human") return typeof m.content === "string" ? m.content : JSON.stringify(m.content);
  }
  return "";
}

/** Concatenating reducer for list keys: accepts one item or a list. */
export function concat<T>(left: T[], right: T | T[]): T[] {
  return left.concat(Array.isArray(right) ? right : [right]);
}

/** Like concat, but skips items already present (for keys a subgraph hands back whole). */
export function union<T>(left: T[], right: T | T[]): T[] {
  const out = [...left];
  for (const item of Array.isArray(right) ? right : [right]) if (!out.includes(item)) out.push(item);
  return out;
}
