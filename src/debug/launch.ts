// launch.json → a connected debug target: the server, the assistant, its graph's node names, the
// thread. Every problem is one sentence that says what to change.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LangGraphClient, LangGraphError, isStreamMode, runEnded, type Assistant, type StreamMode } from '../client';
import { shortId } from '../shared/ids';
import type { DebugStopNote } from '../shared/events';
import type { GraphNames } from './breakpoints';

export class LaunchError extends Error {}

interface Common {
  /** Server URL (http://127.0.0.1:2024), or… */
  url?: string;
  /** …a deployment's name from the LangGraph view (inline in VS Code only). */
  deployment?: string;
  /** Where langgraph.json is looked for (default: the workspace folder / process cwd). */
  cwd?: string;
  langgraphJson?: string;
  streamMode?: string[];
}

export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments, Common {
  assistant: string;
  input?: unknown;
  thread?: string;
  stopOnEntry?: boolean;
}

export interface AttachArgs extends DebugProtocol.AttachRequestArguments, Common {
  thread: string;
  run?: string;
  assistant?: string;
}

/** What the editor adds when the adapter runs inside it. */
export interface DebugHooks {
  /** A deployment's URL and API key by name or URL (keys come from SecretStorage, never launch.json). */
  resolveDeployment?(nameOrUrl: string): Promise<{ url: string; apiKey?: string; proxy?: string; name: string } | undefined>;
  /** Ask the person for an interrupt()'s resume value; undefined when they cancel. */
  askResumeValue?(i: { node: string; ns: string[]; value: unknown }): Promise<{ value: unknown } | undefined>;
  /** A run of the session started (the timeline panel follows it). */
  runStarted?(r: { runId: string; threadId: string; kind: string; url: string; assistantId: string; graphId: string; deploymentName: string }): void;
  /** The session stopped (the timeline says why: a step, a breakpoint, before which node). */
  stopped?(s: DebugStopNote): void;
}

export interface Connected {
  client: LangGraphClient;
  deploymentName: string;
  assistantId: string;
  graphId: string;
  threadId: string;
  graph?: GraphNames;
  graphProblem?: string;
  cwd: string;
  streamMode: StreamMode[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function connect(args: LaunchArgs | AttachArgs, hooks: DebugHooks): Promise<Connected> {
  let url = typeof args.url === 'string' ? args.url.trim() : '';
  let apiKey = process.env.LANGGRAPH_API_KEY || process.env.LANGSMITH_API_KEY || undefined;
  let name = url;
  let proxy: string | undefined;
  if (args.deployment || (url && hooks.resolveDeployment)) {
    const d = await hooks.resolveDeployment?.(String(args.deployment ?? url));
    if (d) {
      ({ url, name, proxy } = d);
      apiKey = d.apiKey ?? apiKey;
    } else if (args.deployment && !url) {
      throw new LaunchError(hooks.resolveDeployment
        ? `No deployment named "${args.deployment}" in the LangGraph view: add it there, or give "url" in launch.json.`
        : `"deployment" names a deployment of the VS Code LangGraph view; outside VS Code give "url" (e.g. http://127.0.0.1:2024).`);
    }
  }
  if (!url) throw new LaunchError('launch.json: give "url" (e.g. http://127.0.0.1:2024) or "deployment" (a name from the LangGraph view).');
  let client: LangGraphClient;
  try {
    client = new LangGraphClient({ url, apiKey, proxy });
  } catch (e) {
    throw new LaunchError(`"url" ${JSON.stringify(url)} is not a server URL: ${(e as Error).message}`);
  }
  try {
    await client.ok();
  } catch (e) {
    await client.close().catch(() => undefined);
    throw new LaunchError(`Cannot reach the LangGraph server at ${url}: ${(e as Error).message} Is \`langgraph dev\` running?`);
  }
  const wanted = 'assistant' in args && typeof args.assistant === 'string' ? args.assistant.trim() : '';
  let assistant: Assistant | undefined;
  let threadId = typeof args.thread === 'string' ? args.thread.trim() : '';
  if (threadId) {
    try {
      await client.getThread(threadId);
    } catch (e) {
      await client.close().catch(() => undefined);
      throw new LaunchError(e instanceof LangGraphError && e.kind === 'not-found' ? `Thread ${threadId} does not exist on ${url}.` : (e as Error).message);
    }
  }
  try {
    assistant = await findAssistant(client, wanted, threadId);
  } catch (e) {
    await client.close().catch(() => undefined);
    throw e;
  }
  if (!threadId) threadId = (await client.createThread({ metadata: { created_by: 'langgraph-timeline debugger' } })).thread_id;
  const graphId = assistant.graph_id;
  let graph: GraphNames | undefined;
  let graphProblem: string | undefined;
  try {
    const [plain, xray] = await Promise.all([
      client.getAssistantGraph(assistant.assistant_id),
      // xray: JS takes a boolean, Python a depth (it refuses `true` on some versions).
      client.getAssistantGraph(assistant.assistant_id, { xray: true }).catch(() => client.getAssistantGraph(assistant!.assistant_id, { xray: 1 })).catch(() => undefined),
    ]);
    const root = plain.nodes.map((n) => n.id).filter((n) => n !== '__start__' && n !== '__end__');
    const nested = (xray?.nodes ?? []).map((n) => n.id).filter((n) => n.includes(':'));
    graph = { root, nested, graphId };
  } catch (e) {
    graphProblem = (e as Error).message;
  }
  const modes = Array.isArray(args.streamMode) ? args.streamMode.filter((m): m is StreamMode => typeof m === 'string' && isStreamMode(m)) : [];
  if (Array.isArray(args.streamMode) && modes.length !== args.streamMode.length) {
    throw new LaunchError(`"streamMode": ${JSON.stringify(args.streamMode)} has modes the server does not know; use some of updates, values, tasks, debug, messages-tuple, custom.`);
  }
  return {
    client,
    deploymentName: name,
    assistantId: assistant.assistant_id,
    graphId,
    threadId,
    graph,
    graphProblem,
    cwd: args.cwd || process.cwd(),
    streamMode: modes.length ? modes : ['updates', 'tasks'],
  };
}

async function findAssistant(client: LangGraphClient, wanted: string, threadId: string): Promise<Assistant> {
  const all = await client.searchAssistants({ limit: 100 });
  if (!wanted && threadId) {
    // Attach without "assistant": the thread's metadata names it.
    const t = await client.getThread(threadId);
    const md = (t.metadata ?? {}) as Record<string, unknown>;
    const hit = all.find((a) => a.assistant_id === md.assistant_id) ?? all.find((a) => a.graph_id === md.graph_id);
    if (hit) return hit;
  }
  if (!wanted) throw new LaunchError(`launch.json: give "assistant" (a graph id or an assistant id). This server has: ${names(all)}.`);
  const hit = all.find((a) => a.assistant_id === wanted) ?? all.find((a) => a.graph_id === wanted) ?? all.find((a) => a.name === wanted);
  if (hit) return hit;
  if (UUID.test(wanted)) {
    try {
      return await client.getAssistant(wanted);
    } catch { /* fall through to the message */ }
  }
  throw new LaunchError(`No assistant "${wanted}" on ${client.baseUrl}. It has: ${names(all)}.`);
}

function names(all: Assistant[]): string {
  const ids = [...new Set(all.map((a) => a.graph_id))];
  return ids.length ? ids.join(', ') : '(no assistants)';
}

/** Attach: which run to follow (the given one, else the thread's running one), said in a sentence. */
export async function describeAttach(conn: Connected, runId?: string): Promise<{ runId?: string; text: string }> {
  const t = shortId(conn.threadId);
  if (runId) {
    const run = await conn.client.getRun(conn.threadId, runId);
    if (runEnded(run.status)) return { text: `Run ${shortId(runId)} has already ended (${run.status}): showing where thread ${t} is now.` };
    return { runId, text: following(runId, t) };
  }
  const runs = await conn.client.listRuns(conn.threadId, { limit: 10 });
  const live = runs.find((r) => !runEnded(r.status));
  if (live) return { runId: live.run_id, text: following(live.run_id, t) };
  return { text: `No run is going on thread ${t}: showing where it is now.` };
}

function following(runId: string, thread: string): string {
  return `Following run ${shortId(runId)} on thread ${thread} to its end (Pause stops it at its last checkpoint). Breakpoints apply from the next run this session starts: the server cannot add them to a run already going.`;
}

/** `input`: a JSON value, or a path to a .json file (relative to cwd). */
export function readInput(input: unknown, cwd: string): unknown {
  if (typeof input === 'string' && /\.json$/i.test(input.trim())) {
    const p = resolve(cwd, input.trim());
    if (!existsSync(p)) throw new LaunchError(`input names a file that does not exist: ${p}`);
    try {
      return JSON.parse(readFileSync(p, 'utf8'));
    } catch (e) {
      throw new LaunchError(`input file ${p} is not JSON: ${(e as Error).message}`);
    }
  }
  return input ?? {};
}
