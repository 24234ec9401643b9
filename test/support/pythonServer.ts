// A loopback server that speaks the Python Agent Server's dialect (../shared/notes/python-server.md),
// for the tests the real one cannot be had for (no PyPI here). Runs are scripted
// (pythonScripts.ts, executed by pythonRun.ts); the wire is Python's: CRLF framing, `: heartbeat`
// comments while idle, `id: <ms>-<seq>` only on resumable runs, Location + Content-Location,
// `{"detail": …}` errors, 409 for a busy thread, history `limit` defaulting to 1, UUID-only
// assistant endpoints except /graph, microsecond `+00:00` datetimes, `GET /threads/{t}/stream`.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SCRIPTS } from './pythonScripts';
import { RunCancelled, executeRun, updateThreadState, type Checkpoint, type DialectClock, type ThreadRec } from './pythonRun';
import { runStream, sseWriter, type RunRec, type SseEv } from './pythonStream';

export interface PythonServerOptions {
  /** Idle time before a `: heartbeat` comment (Python: ~5 s). */
  heartbeatMs?: number;
  /** The server's clock minus the client's, for `debug` timestamps and `created_at`. */
  clockOffsetMs?: number;
  interruptShape?: 'modern' | 'legacy';
  /** Appended to the `Location` header (so a test can see the client follow it). */
  locationSuffix?: string;
}

export interface PythonServer {
  url: string;
  /** Every request, in order. */
  requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>;
  /** The assistant UUID of a graph (the only id /assistants/{id} accepts). */
  assistantId(graphId: string): string;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BUSY = 'Thread is already running a task. Wait for it to finish or choose a different multitask strategy.';

class HttpError extends Error {
  constructor(readonly status: number, readonly detail: unknown) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
}

export async function startPythonServer(opts: PythonServerOptions = {}): Promise<PythonServer> {
  const offset = opts.clockOffsetMs ?? 0;
  const clock: DialectClock = {
    now: () => Date.now() + offset,
    iso: (ms = Date.now() + offset) => `${new Date(ms).toISOString().slice(0, -1)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}+00:00`,
    interruptShape: opts.interruptShape ?? 'modern',
  };
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const assistants = Object.keys(SCRIPTS).map((graph_id) => ({
    assistant_id: randomUUID(), graph_id, name: graph_id, description: null, config: {}, context: {},
    metadata: { created_by: 'system' }, version: 1, created_at: clock.iso(), updated_at: clock.iso(),
  }));
  const threads = new Map<string, ThreadRec>();
  const runs = new Map<string, RunRec>();
  /** Subscribers of `GET /threads/{t}/stream`, by thread. */
  const watchers = new Map<string, Set<(ev: SseEv) => void>>();
  const requests: PythonServer['requests'] = [];
  let lastMs = 0;
  let seq = 0;
  /** Redis-stream style ids: `<ms>-<seq>`, strictly increasing. */
  const nextId = () => {
    const ms = Math.max(Date.now(), lastMs);
    seq = ms === lastMs ? seq + 1 : 0;
    lastMs = ms;
    return `${ms}-${seq}`;
  };

  const assistantOf = (id: string, byName: boolean) => {
    if (!UUID.test(id)) {
      // Python maps graph names to assistants only on /graph (and in run bodies).
      const a = byName ? assistants.find((x) => x.graph_id === id) : undefined;
      if (a) return a;
      throw new HttpError(422, 'Invalid assistant ID: must be a UUID');
    }
    const a = assistants.find((x) => x.assistant_id === id);
    if (!a) throw new HttpError(404, `Assistant ${id} not found`);
    return a;
  };
  const threadOf = (id: string) => {
    const t = threads.get(id);
    if (!t) throw new HttpError(404, `Thread with ID ${id} not found`);
    return t;
  };
  const runOf = (t: string, r: string) => {
    const run = runs.get(r);
    if (!run || run.thread_id !== t) throw new HttpError(404, 'Run not found');
    return run;
  };
  const newThread = (id: string = randomUUID(), metadata: Record<string, unknown> = {}): ThreadRec => {
    const t: ThreadRec = { thread_id: id, created_at: clock.iso(), updated_at: clock.iso(), metadata, status: 'idle', checkpoints: [], pending: null };
    threads.set(id, t);
    return t;
  };
  const stateOf = (t: ThreadRec, cp: Checkpoint | undefined) => ({
    values: cp?.values ?? {}, next: cp?.next ?? [], tasks: cp?.tasks ?? [], metadata: cp?.metadata ?? {}, created_at: cp?.created_at ?? null,
    checkpoint: { thread_id: t.thread_id, checkpoint_ns: '', checkpoint_id: cp?.checkpoint_id ?? null, checkpoint_map: null },
    parent_checkpoint: cp?.parent ? { thread_id: t.thread_id, checkpoint_ns: '', checkpoint_id: cp.parent, checkpoint_map: null } : null,
    interrupts: (cp?.tasks ?? []).flatMap((x) => (Array.isArray(x.interrupts) ? x.interrupts : [])),
  });
  const threadJson = (t: ThreadRec) => {
    const cp = t.checkpoints.at(-1);
    return { thread_id: t.thread_id, created_at: t.created_at, updated_at: t.updated_at, metadata: t.metadata, status: t.status, config: {}, values: cp?.values ?? null, interrupts: {}, error: null };
  };
  const runJson = (r: RunRec) => {
    const { subs: _s, log: _l, abort: _a, done: _d, ended: _e, ...rest } = r;
    return rest;
  };

  const createRun = (threadId: string | null, body: Record<string, unknown>): RunRec => {
    const graphId = typeof body.assistant_id === 'string' ? (UUID.test(body.assistant_id) ? assistantOf(body.assistant_id, false).graph_id : body.assistant_id) : '';
    if (!SCRIPTS[graphId]) throw new HttpError(404, `Assistant ${String(body.assistant_id)} not found`);
    let thread: ThreadRec;
    if (threadId === null) thread = newThread();
    else if (threads.has(threadId)) thread = threads.get(threadId)!;
    else if (body.if_not_exists === 'create') thread = newThread(threadId);
    else throw new HttpError(404, `Thread with ID ${threadId} not found`);
    if (body.checkpoint_id !== undefined && (typeof body.checkpoint_id !== 'string' || !UUID.test(body.checkpoint_id))) {
      throw new HttpError(422, [{ type: 'uuid_parsing', loc: ['body', 'checkpoint_id'], msg: 'Input should be a valid UUID', input: body.checkpoint_id }]);
    }
    const strategy = typeof body.multitask_strategy === 'string' ? body.multitask_strategy : 'enqueue'; // Python's default
    const active = [...runs.values()].filter((r) => r.thread_id === thread.thread_id && !r.ended);
    if (active.length && strategy === 'reject') throw new HttpError(409, BUSY);
    const modes = Array.isArray(body.stream_mode) ? body.stream_mode.map(String) : typeof body.stream_mode === 'string' ? [body.stream_mode] : ['values'];
    const resumable = body.stream_resumable === true;
    const run: RunRec = {
      run_id: randomUUID(), thread_id: thread.thread_id, assistant_id: assistants.find((a) => a.graph_id === graphId)!.assistant_id,
      created_at: clock.iso(), updated_at: clock.iso(), status: 'pending',
      metadata: { ...(body.metadata as object), graph_id: graphId, assistant_id: body.assistant_id }, multitask_strategy: strategy,
      kwargs: { input: body.input ?? null, command: body.command ?? null, config: body.config ?? {}, stream_mode: modes, subgraphs: body.stream_subgraphs === true, resumable, on_disconnect: body.on_disconnect ?? 'cancel' },
      subs: new Set(), log: [], abort: new AbortController(), done: Promise.resolve(), ended: false,
    };
    runs.set(run.run_id, run);
    const before = Promise.all(active.map((a) => (strategy === 'interrupt' || strategy === 'rollback' ? (cancel(a, strategy), a.done) : a.done)));
    run.done = before.then(() => execute(run, thread, graphId, body, modes, resumable));
    return run;
  };

  const publish = (run: RunRec, resumable: boolean, modes: string[], ev: { event: string; data: unknown }) => {
    const mode = ev.event.split('|')[0];
    if (mode !== 'metadata' && mode !== 'error' && !modes.includes(mode === 'messages' ? 'messages-tuple' : mode)) return;
    const out: SseEv = { id: resumable ? nextId() : null, event: ev.event, data: ev.data };
    if (resumable) run.log.push(out);
    for (const s of run.subs) s(out);
    for (const w of watchers.get(run.thread_id) ?? []) w({ ...out, id: nextId() });
  };

  const execute = async (run: RunRec, thread: ThreadRec, graphId: string, body: Record<string, unknown>, modes: string[], resumable: boolean) => {
    run.status = 'running';
    thread.status = 'busy';
    const emit = (mode: string, ns: string[], data: unknown) => {
      if (ns.length && body.stream_subgraphs !== true) return;
      publish(run, resumable, modes, { event: ns.length ? `${mode}|${ns.join('|')}` : mode, data });
    };
    try {
      const how = await executeRun(graphId, thread, run.run_id, {
        modes, subgraphs: body.stream_subgraphs === true, input: (body.input ?? null) as Record<string, unknown> | null,
        command: (body.command ?? null) as { resume?: unknown } | null, checkpointId: typeof body.checkpoint_id === 'string' ? body.checkpoint_id : null,
        interruptBefore: body.interrupt_before === '*' ? '*' : Array.isArray(body.interrupt_before) ? body.interrupt_before.map(String) : undefined,
      }, clock, emit, run.abort.signal);
      run.status = how;
      thread.status = how === 'interrupted' ? 'interrupted' : how === 'error' ? 'error' : 'idle';
    } catch (e) {
      const action = e instanceof RunCancelled ? e.action : 'interrupt';
      // Python publishes a cancel as an error event: UserInterrupt, or UserRollback (the run is deleted).
      publish(run, resumable, modes, { event: 'error', data: { error: action === 'rollback' ? 'UserRollback' : 'UserInterrupt', message: '' } });
      run.status = 'interrupted';
      thread.status = 'idle';
      if (action === 'rollback') {
        thread.checkpoints = thread.checkpoints.filter((c) => c.metadata.run_id !== run.run_id);
        runs.delete(run.run_id);
      }
    }
    run.updated_at = thread.updated_at = clock.iso();
    run.ended = true;
    for (const s of run.subs) s(null);
    for (const w of watchers.get(run.thread_id) ?? []) w({ id: nextId(), event: 'metadata', data: { status: 'run_done', run_id: run.run_id } });
  };

  const cancel = (run: RunRec, action: string) => {
    if (!run.ended) run.abort.abort(new RunCancelled(action === 'rollback' ? 'rollback' : 'interrupt'));
  };

  const routes: Array<[string, RegExp, (m: string[], q: URLSearchParams, body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse) => unknown]> = [
    ['GET', /^\/ok$/, () => ({ ok: true })],
    ['GET', /^\/info$/, () => ({ version: '0.5.12', langgraph_py_version: '0.6.7', flags: { assistants: true, crons: true, langsmith: false }, host: { kind: 'self-hosted' } })],
    ['POST', /^\/assistants\/search$/, (_m, _q, b) => assistants.filter((a) => !b.graph_id || a.graph_id === b.graph_id).slice(Number(b.offset ?? 0), Number(b.offset ?? 0) + Number(b.limit ?? 10))],
    ['GET', /^\/assistants\/([^/]+)$/, (m) => assistantOf(m[1], false)],
    ['GET', /^\/assistants\/([^/]+)\/graph$/, (m, q) => {
      const a = assistantOf(m[1], true);
      const g = SCRIPTS[a.graph_id];
      // xray (true or a depth): a subgraph's nodes too, one level down, as `child:child_step`.
      const xray = q.get('xray') !== null && q.get('xray') !== 'false' && q.get('xray') !== '0';
      const inner = xray ? g.steps.flat().flatMap((t) => (t.subgraph ?? []).flat().map((x) => `${t.node}:${x.node}`)) : [];
      const names = [...new Set(g.edges.flat().filter((x): x is string => typeof x === 'string')), ...inner];
      return { nodes: names.map((id) => ({ id, type: id.startsWith('__') ? 'schema' : 'runnable', data: id.startsWith('__') ? id : { id: ['langgraph', 'utils', 'runnable', 'RunnableCallable'], name: id }, metadata: null })), edges: g.edges.map(([source, target, c]) => ({ source, target, ...(c ? { conditional: true } : {}) })) };
    }],
    ['GET', /^\/assistants\/([^/]+)\/schemas$/, (m) => ({ graph_id: assistantOf(m[1], false).graph_id, input_schema: null, output_schema: null, state_schema: { type: 'object', properties: {} }, config_schema: null, context_schema: null })],
    ['GET', /^\/assistants\/([^/]+)\/subgraphs$/, (m) => (assistantOf(m[1], false).graph_id === 'subgraph' ? { child: {} } : {})],
    ['POST', /^\/threads$/, (_m, _q, b) => threadJson(newThread(typeof b.thread_id === 'string' ? b.thread_id : undefined, (b.metadata ?? {}) as Record<string, unknown>))],
    ['POST', /^\/threads\/search$/, (_m, _q, b) => [...threads.values()].reverse().slice(Number(b.offset ?? 0), Number(b.offset ?? 0) + Number(b.limit ?? 10)).map(threadJson)],
    ['GET', /^\/threads\/([^/]+)$/, (m) => threadJson(threadOf(m[1]))],
    ['DELETE', /^\/threads\/([^/]+)$/, (m) => void threads.delete(threadOf(m[1]).thread_id)],
    ['GET', /^\/threads\/([^/]+)\/state$/, (m) => {
      const t = threadOf(m[1]);
      return stateOf(t, t.checkpoints.at(-1));
    }],
    ['POST', /^\/threads\/([^/]+)\/state$/, (m, _q, b) => updateThreadState(threadOf(m[1]), b, clock)],
    ['POST', /^\/threads\/([^/]+)\/history$/, (m, _q, b) => history(threadOf(m[1]), b)],
    ['GET', /^\/threads\/([^/]+)\/history$/, (m, q) => history(threadOf(m[1]), { limit: q.get('limit') ?? undefined, before: q.get('before') ?? undefined })],
    ['GET', /^\/threads\/([^/]+)\/runs$/, (m, q) => {
      threadOf(m[1]);
      const list = [...runs.values()].filter((r) => r.thread_id === m[1]).reverse();
      return list.slice(Number(q.get('offset') ?? 0), Number(q.get('offset') ?? 0) + Number(q.get('limit') ?? 10)).map(runJson);
    }],
    ['GET', /^\/threads\/([^/]+)\/runs\/([^/]+)$/, (m) => runJson(runOf(m[1], m[2]))],
    ['POST', /^\/threads\/([^/]+)\/runs$/, (m, _q, b) => runJson(createRun(threadOf(m[1]).thread_id, b))],
    ['POST', /^\/threads\/([^/]+)\/runs\/([^/]+)\/cancel$/, async (m, q) => {
      const run = runOf(m[1], m[2]);
      cancel(run, q.get('action') ?? 'interrupt');
      if (q.get('wait') === 'true') await run.done;
      return null;
    }],
    ['GET', /^\/threads\/([^/]+)\/runs\/([^/]+)\/join$/, async (m) => {
      const run = runOf(m[1], m[2]);
      await run.done;
      return threads.get(m[1])?.checkpoints.at(-1)?.values ?? {};
    }],
    ['POST', /^\/threads\/([^/]+)\/runs\/stream$/, (m, _q, b, req, res) => {
      const run = createRun(m[1], b);
      res.setHeader('location', `/threads/${run.thread_id}/runs/${run.run_id}/stream${opts.locationSuffix ?? ''}`);
      res.setHeader('content-location', `/threads/${run.thread_id}/runs/${run.run_id}`);
      return runStream(req, res, run, { heartbeatMs, lastEventId: null, modes: null, cancelOnDisconnect: b.on_disconnect !== 'continue', cancel: () => cancel(run, 'interrupt') });
    }],
    ['POST', /^\/runs\/stream$/, (_m, _q, b, req, res) => {
      const run = createRun(null, { ...b, stream_resumable: false });
      res.setHeader('content-location', `/runs/${run.run_id}`);
      return runStream(req, res, run, { heartbeatMs, lastEventId: null, modes: null, cancelOnDisconnect: false, cancel: () => undefined });
    }],
    ['GET', /^\/threads\/([^/]+)\/runs\/([^/]+)\/stream$/, (m, q, _b, req, res) => {
      const run = runs.get(m[2]);
      if (!run || run.thread_id !== m[1]) {
        const w = sseWriter(res, 0);
        w.send({ id: null, event: 'error', data: { error: 'HTTPException', message: '404: Run not found' } });
        return w.end();
      }
      const modes = parseModes(q.getAll('stream_mode'));
      const last = req.headers['last-event-id'];
      return runStream(req, res, run, { heartbeatMs, lastEventId: typeof last === 'string' ? last : null, modes, cancelOnDisconnect: q.get('cancel_on_disconnect') === 'true', cancel: () => cancel(run, 'interrupt') });
    }],
    ['GET', /^\/threads\/([^/]+)\/stream$/, (m, _q, _b, req, res) => {
      threadOf(m[1]);
      const w = sseWriter(res, heartbeatMs);
      const set = watchers.get(m[1]) ?? new Set();
      watchers.set(m[1], set);
      const sub = (ev: SseEv) => w.send(ev);
      set.add(sub);
      // Never ends on its own: until the client goes (the request's own 'close' comes too early).
      return new Promise<void>((resolve) => res.on('close', () => {
        set.delete(sub);
        w.end();
        resolve();
      }));
    }],
  ];

  const history = (t: ThreadRec, b: Record<string, unknown>) => {
    // Python's default is ONE checkpoint.
    const limit = b.limit === undefined ? 1 : Number(b.limit);
    const before = typeof b.before === 'string' ? b.before : (b.before as { configurable?: { checkpoint_id?: string } } | undefined)?.configurable?.checkpoint_id;
    let list = [...t.checkpoints].reverse();
    if (before) list = list.slice(list.findIndex((c) => c.checkpoint_id === before) + 1);
    return list.slice(0, limit).map((cp) => stateOf(t, cp));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
      const route = routes.map(([method, re, fn]) => ({ method, m: re.exec(url.pathname), fn })).find((r) => r.m && r.method === req.method);
      void (async () => {
        try {
          if (!route) throw new HttpError(404, 'Not Found');
          let body: Record<string, unknown> = {};
          const text = Buffer.concat(chunks).toString('utf8');
          if (text) {
            try {
              body = JSON.parse(text) as Record<string, unknown>;
            } catch {
              throw new HttpError(422, [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }]);
            }
          }
          const out = await route.fn([...route.m!].map((x) => decodeURIComponent(x)), url.searchParams, body, req, res);
          if (res.headersSent) return;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(out ?? null));
        } catch (e) {
          if (res.headersSent) return void res.destroy();
          const status = e instanceof HttpError ? e.status : 500;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail: e instanceof HttpError ? e.detail : 'Internal Server Error' }));
        }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    assistantId: (g) => assistants.find((a) => a.graph_id === g)!.assistant_id,
    close: async () => {
      for (const r of runs.values()) cancel(r, 'interrupt');
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** `stream_mode` as one value, repeated, or a JSON array. */
function parseModes(raw: string[]): string[] | null {
  const out: string[] = [];
  for (const v of raw) {
    if (v.startsWith('[')) {
      try {
        out.push(...(JSON.parse(v) as string[]));
      } catch {
        /* not JSON: a mode name */
      }
    } else out.push(v);
  }
  return out.length ? out : null;
}
