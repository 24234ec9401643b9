// Scripted graphs for the Python-dialect server (pythonServer.ts): the same graph names, nodes and
// shapes as the example deployment (examples/src), written as data so a test server can "run"
// them without Python. A graph is a list of supersteps; a superstep is the tasks that run in it
// (several of one node = a `Send` fan-out); a task says what its node writes, how long it takes,
// what it streams (`custom`), and whether it raises, calls interrupt(), or runs a subgraph.

export type Reducer = 'replace' | 'concat' | 'union' | 'max' | 'sum' | 'messages';

export interface ScriptCtx {
  state: Record<string, unknown>;
  input: Record<string, unknown>;
  /** The value a resume command gave an interrupted task. */
  resume?: unknown;
}

export interface ScriptTask {
  node: string;
  /** What the node returns (a subgraph node: ignored, it returns the subgraph's final state). */
  writes?: Record<string, unknown> | ((ctx: ScriptCtx) => Record<string, unknown>);
  delayMs?: number | ((ctx: ScriptCtx) => number);
  /** `config.writer` calls, in order, just before the node returns. */
  custom?: unknown[];
  /** interrupt(value) unless the run resumes this task. */
  interrupt?: unknown | ((ctx: ScriptCtx) => unknown);
  /** The node raises this (Python exception class name + message). */
  error?: { name: string; message: string };
  /** A compiled graph as the node: its steps run under the namespace `<node>:<task id>`. */
  subgraph?: ScriptTask[][];
  /** This task was started by a `Send` carrying this argument. */
  send?: unknown;
}

export interface ScriptGraph {
  steps: ScriptTask[][];
  reducers: Record<string, Reducer>;
  /** Edges for /graph, as LangGraph draws them. */
  edges: Array<[string, string, boolean?]>;
}

let msgSeq = 0;
/** An AI message as pydantic dumps it: every field, nulls included. */
export function aiMessage(name: string | null, content: string): Record<string, unknown> {
  return {
    content, additional_kwargs: {}, response_metadata: {}, type: 'ai', name, id: `${name ?? 'ai'}-${++msgSeq}`,
    example: false, tool_calls: [], invalid_tool_calls: [], usage_metadata: null,
  };
}

const chain = (...nodes: string[]): Array<[string, string]> => nodes.slice(1).map((n, i) => [nodes[i], n]);
const topicOf = (c: ScriptCtx) => String(c.input.topic ?? c.state.topic ?? 'otters');

const simple: ScriptGraph = {
  reducers: { messages: 'messages', notes: 'concat' },
  edges: chain('__start__', 'plan', 'research', 'write', 'review', '__end__'),
  steps: [
    [{ node: 'plan', delayMs: 50, writes: (c) => {
      const topic = topicOf(c);
      const outline = [`what ${topic} are`, `why ${topic} matter`, `open questions about ${topic}`];
      return { topic, outline, notes: [`plan: ${outline.length} sections`], messages: [aiMessage('plan', `Plan for "${topic}": ${outline.join('; ')}`)] };
    } }],
    [{ node: 'research', delayMs: 100, writes: (c) => ({ notes: (c.state.outline as string[]).map((s, i) => `fact ${i + 1} on ${s}`) }) }],
    [{ node: 'write', delayMs: 100, writes: (c) => {
      const draft = `# ${String(c.state.topic)}\n\n${(c.state.notes as string[]).filter((n) => n.startsWith('fact')).join('.\n')}.`;
      return { draft, messages: [aiMessage('write', `Draft ready (${draft.length} chars)`)] };
    } }],
    [{ node: 'review', delayMs: 50, writes: (c) => {
      const approved = String(c.state.draft).length > 20;
      return { approved, notes: [`review: ${approved ? 'approved' : 'rejected'}`], messages: [aiMessage('review', approved ? 'Looks good.' : 'Too short.')] };
    } }],
  ],
};

const interrupt: ScriptGraph = {
  reducers: { messages: 'messages' },
  edges: chain('__start__', 'draft_reply', 'human_review', 'finish', '__end__'),
  steps: [
    [{ node: 'draft_reply', writes: (c) => {
      const request = String(c.input.request ?? 'refund for order 42');
      return { request, reply: `Dear customer, about "${request}": we will process it today.` };
    } }],
    [{
      node: 'human_review',
      interrupt: (c: ScriptCtx) => ({ question: 'Send this reply?', reply: c.state.reply, options: ['approve', 'edit', 'reject'] }),
      writes: (c) => ({ review: c.resume }),
    }],
    [{ node: 'finish', writes: (c) => {
      const r = c.state.review as string | { decision?: string; text?: string } | undefined;
      const decision = typeof r === 'string' ? r : r?.decision ?? 'approve';
      const text = typeof r === 'object' && r?.text ? r.text : String(c.state.reply);
      const outcome = decision === 'reject' ? 'rejected' : decision === 'edit' ? 'sent (edited)' : 'sent';
      return { outcome, reply: text, messages: [aiMessage('finish', `${outcome}: ${text}`)] };
    } }],
  ],
};

const subgraph: ScriptGraph = {
  reducers: { messages: 'messages', trail: 'union', depth: 'max' },
  edges: chain('__start__', 'prepare', 'child', 'finalize', '__end__'),
  steps: [
    [{ node: 'prepare', writes: { trail: ['parent.prepare'], messages: [aiMessage(null, 'prepare done')] } }],
    [{ node: 'child', subgraph: [
      [{ node: 'child_step', writes: { trail: ['child.child_step'], depth: 1, messages: [aiMessage(null, 'child_step done')] } }],
      [{ node: 'grandchild', subgraph: [
        [{ node: 'deep_step', writes: { trail: ['grandchild.deep_step'], depth: 2, messages: [aiMessage(null, 'deep_step done')] } }],
      ] }],
      [{ node: 'child_done', writes: { trail: ['child.child_done'] } }],
    ] }],
    [{ node: 'finalize', writes: (c) => ({ trail: ['parent.finalize'], messages: [aiMessage(null, `finalize: depth=${String(c.state.depth)} trail=${(c.state.trail as string[]).join(',')}`)] }) }],
  ],
};

const DELAYS = [120, 1, 250];
const fanout: ScriptGraph = {
  reducers: { messages: 'messages', documents: 'concat' },
  edges: [['__start__', 'plan_queries'], ['plan_queries', 'retrieve_documents', true], ['retrieve_documents', 'synthesize'], ['synthesize', '__end__']],
  steps: [
    [{ node: 'plan_queries', writes: (c) => ({ topic: topicOf(c), queries: DELAYS.map((ms, i) => ({ query: `${topicOf(c)} ${['habitat', 'diet', 'social life'][i]}`, delay_ms: ms })) }) }],
    DELAYS.map((ms, i) => ({
      node: 'retrieve_documents', delayMs: ms, send: { index: i },
      writes: (c: ScriptCtx) => {
        const q = (c.state.queries as Array<{ query: string }>)[i];
        return { documents: [`${q.query}: 2 documents after ${ms} ms`] };
      },
    })),
    [{ node: 'synthesize', writes: (c) => ({ answer: `${(c.state.documents as string[]).length} results for ${String(c.state.topic)}`, messages: [aiMessage('synthesize', (c.state.documents as string[]).join(' | '))] }) }],
  ],
};

const failing: ScriptGraph = {
  reducers: { messages: 'messages' },
  edges: chain('__start__', 'fetch_context', 'call_tool', 'report', '__end__'),
  steps: [
    [{ node: 'fetch_context', delayMs: 50, writes: { context: 'context for "nothing"', messages: [aiMessage(null, 'fetch_context ok, calling tool')] } }],
    [{ node: 'call_tool', delayMs: 50, error: { name: 'ValueError', message: 'tool backend unavailable: simulated failure' } }],
    [{ node: 'report', writes: { result: 'never reached' } }],
  ],
};

const SLOW = ['warm_up', 'crunch', 'refine', 'polish', 'publish'];
const slow: ScriptGraph = {
  reducers: { messages: 'messages', progress: 'concat', ticks: 'sum' },
  edges: chain('__start__', ...SLOW, '__end__'),
  steps: SLOW.map((name, i) => [{
    node: name,
    delayMs: (c: ScriptCtx) => (typeof c.input.delay_ms === 'number' ? c.input.delay_ms : 600 + 100 * i),
    custom: [{ step: name, index: i + 1, of: SLOW.length }],
    writes: (c: ScriptCtx) => ({ progress: [`${name} (${String(c.input.delay_ms ?? '')} ms)`], ticks: 1, last_step: name, messages: [aiMessage(name, `${name} done`)] }),
  }]),
};

export const SCRIPTS: Record<string, ScriptGraph> = { simple, interrupt, subgraph, fanout, failing, slow };

/** LangGraph's reducers as the scripts name them. */
export function reduce(kind: Reducer | undefined, left: unknown, right: unknown): unknown {
  const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
  switch (kind) {
    case 'concat':
      return [...list(left), ...list(right)];
    case 'union':
      return [...new Set([...list(left), ...list(right)])];
    case 'max':
      return Math.max(Number(left ?? 0), Number(right ?? 0));
    case 'sum':
      return Number(left ?? 0) + Number(right ?? 0);
    case 'messages': {
      const out = [...list(left)] as Array<Record<string, unknown>>;
      for (const m of list(right) as Array<Record<string, unknown>>) {
        const i = out.findIndex((o) => o.id === m.id);
        if (i >= 0) out[i] = m;
        else out.push(m);
      }
      return out;
    }
    default:
      return right;
  }
}

export function applyWrites(g: ScriptGraph, state: Record<string, unknown>, writes: Record<string, unknown>): Record<string, unknown> {
  const next = { ...state };
  for (const [k, v] of Object.entries(writes)) next[k] = reduce(g.reducers[k], next[k], v);
  return next;
}
