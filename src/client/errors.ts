// Typed errors for every failure a user meets talking to a deployment. Each carries a message a
// person can act on; `kind` lets callers (tree placeholders, CLI exit codes) branch without
// parsing text.

export type LangGraphErrorKind =
  | 'connection-refused'
  | 'dns'
  | 'tls'
  | 'timeout'
  | 'network'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'bad-request'
  | 'server'
  | 'http'
  | 'not-sse'
  | 'malformed-event'
  | 'event-too-large'
  | 'stalled'
  | 'run-error'
  | 'aborted'
  | 'invalid-url';

export class LangGraphError extends Error {
  override readonly name = 'LangGraphError';
  constructor(
    readonly kind: LangGraphErrorKind,
    message: string,
    readonly details: { url?: string; status?: number; body?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
  }
  get status(): number | undefined {
    return this.details.status;
  }
}

/** A node raised, or the server ended the run with an `error` event. */
export class RunError extends LangGraphError {
  constructor(
    readonly errorName: string,
    readonly errorMessage: string,
  ) {
    super('run-error', `The run failed: ${errorName}${errorMessage ? `: ${errorMessage}` : ''}`);
  }
}

export function isAbortError(e: unknown): boolean {
  return (
    (e instanceof LangGraphError && e.kind === 'aborted') ||
    (e instanceof Error && (e.name === 'AbortError' || (e as { code?: string }).code === 'ABORT_ERR'))
  );
}

function errCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Turn a low-level network failure into a LangGraphError with a message that says what to do. */
export function networkError(e: unknown, url: string, signal?: AbortSignal): LangGraphError {
  if (e instanceof LangGraphError) return e;
  if (signal?.aborted) return new LangGraphError('aborted', 'Cancelled.', { url, cause: e });
  const code = errCode(e) ?? '';
  const origin = safeOrigin(url);
  const detail = (e as Error)?.message ?? String(e);
  // undici reports a refused CONNECT as an AbortError ("Proxy response (407) !== 200 when HTTP
  // Tunneling"), and a refused forwarded request as "Proxy Authentication Required (407)".
  const proxy = /Proxy response \((\d+)\)|Proxy Authentication Required \((\d+)\)/.exec(detail);
  if (proxy) {
    const status = Number(proxy[1] ?? proxy[2]);
    return status === 407
      ? new LangGraphError('forbidden', `The proxy refused the request to ${origin} (407 Proxy Authentication Required). Check the proxy setting and its credentials.`, { url, status, cause: e })
      : new LangGraphError('network', `The proxy refused to connect to ${origin} (HTTP ${status}). Check the proxy setting.`, { url, status, cause: e });
  }
  if (isAbortError(e)) return new LangGraphError('aborted', 'Cancelled.', { url, cause: e });
  switch (code) {
    case 'ECONNREFUSED':
      return new LangGraphError(
        'connection-refused',
        `No LangGraph server at ${origin} — is \`langgraph dev\` running there?`,
        { url, cause: e },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new LangGraphError('dns', `Cannot resolve the host of ${origin} (${code}). Check the deployment URL.`, { url, cause: e });
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new LangGraphError('timeout', `Timed out connecting to ${origin}. Is the server reachable from here?`, { url, cause: e });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new LangGraphError('timeout', `${origin} accepted the connection but sent no response in time.`, { url, cause: e });
    case 'UND_ERR_BODY_TIMEOUT':
      return new LangGraphError('stalled', `The stream from ${origin} stalled (no data in time).`, { url, cause: e });
    // How a connection cut mid-response shows up: undici's SocketError "other side closed" (FIN),
    // or a raw ECONNRESET (RST before any response byte).
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_CLOSED':
      return new LangGraphError('network', `The connection to ${origin} dropped (${detail}).`, { url, cause: e });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new LangGraphError('network', `Cannot reach ${origin} (${code}): no route to the host from here.`, { url, cause: e });
    default: {
      if (/CERT|SSL|TLS|ERR_TLS|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME_MISMATCH|ALTNAME/i.test(code)) {
        return new LangGraphError('tls', `TLS failure talking to ${origin} (${code}): ${tlsAdvice(code)}`, { url, cause: e });
      }
      return new LangGraphError('network', `Network error talking to ${origin}${code ? ` (${code})` : ''}: ${detail}`, { url, cause: e });
    }
  }
}

function tlsAdvice(code: string): string {
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/i.test(code)) return 'the server does not speak TLS here; try http:// instead of https://.';
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/i.test(code)) return 'its certificate is not trusted (self-signed or an unknown issuer).';
  if (/EXPIRED/i.test(code)) return 'its certificate has expired.';
  if (/HOSTNAME|ALTNAME/i.test(code)) return 'its certificate is for a different host name.';
  return 'check the certificate, or the scheme (http/https).';
}

/** Map an HTTP error status (and a short body excerpt) to a typed error. */
export function httpError(status: number, body: string, url: string, what: string): LangGraphError {
  const excerpt = summarizeBody(body);
  const origin = safeOrigin(url);
  const tail = excerpt ? ` — ${excerpt}` : '';
  if (status === 401) return new LangGraphError('unauthorized', `${origin} rejected the request (401 Unauthorized). Set the deployment's API key.${tail}`, { url, status, body });
  if (status === 403) return new LangGraphError('forbidden', `${origin} refused access (403 Forbidden). Check that the API key is valid for this deployment.${tail}`, { url, status, body });
  if (status === 407) return new LangGraphError('forbidden', `The proxy refused the request to ${origin} (407 Proxy Authentication Required). Check the proxy setting and its credentials.`, { url, status, body });
  if (status === 404) return new LangGraphError('not-found', `${what} not found (404)${tail}`, { url, status, body });
  // A busy thread: JS answers 422 (text), Python 409 ({"detail": …}). Python's other 422s are
  // validation errors (a graph name where a UUID is wanted, a bad checkpoint id).
  const busy = /already running|busy|inflight|in progress/i.test(body);
  if (status === 422 && !busy && /^\s*\{\s*"detail"/.test(body)) {
    return new LangGraphError('bad-request', `${what}: the server could not process the request (HTTP 422)${tail}`, { url, status, body });
  }
  if (status === 409 || status === 422) {
    return new LangGraphError(
      'conflict',
      busy ? `${what}: the thread is busy (HTTP ${status})${tail}` : `${what}: the server refused (HTTP ${status})${tail}. A run may already be active on this thread.`,
      { url, status, body },
    );
  }
  if (status >= 400 && status < 500) return new LangGraphError('bad-request', `${what}: bad request (HTTP ${status})${tail}`, { url, status, body });
  if (status >= 500) return new LangGraphError('server', `${origin} had an internal error (HTTP ${status})${tail}`, { url, status, body });
  return new LangGraphError('http', `${what}: unexpected HTTP ${status}${tail}`, { url, status, body });
}

/** First meaningful line of an error body: JSON `detail`/`message`, else text with HTML stripped. */
export function summarizeBody(body: string, max = 200): string {
  const trimmed = body.trim();
  if (!trimmed) return '';
  try {
    const j: unknown = JSON.parse(trimmed);
    if (j && typeof j === 'object') {
      const o = j as Record<string, unknown>;
      const issues = isIssueList(o.error) ?? isIssueList(o) ?? isDetailList(o.detail);
      if (issues) return clip(issues, max);
      const m = o.detail ?? o.message ?? o.error;
      if (typeof m === 'string') return clip(m, max);
      if (m !== undefined) return clip(JSON.stringify(m), max);
    }
    if (typeof j === 'string') return clip(j, max);
  } catch {
    /* not JSON */
  }
  if (/^<(!doctype|html)/i.test(trimmed)) {
    const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    return title ? `an HTML page ("${clip(title, 80)}")` : 'an HTML page';
  }
  return clip(trimmed.split('\n')[0] ?? '', max);
}

/** A validation error body (`{"error":{"issues":[{path,message}]}}`, zod's shape): its first issues. */
function isIssueList(v: unknown): string | null {
  if (!v || typeof v !== 'object' || !Array.isArray((v as { issues?: unknown }).issues)) return null;
  const issues = (v as { issues: Array<{ path?: unknown; message?: unknown; received?: unknown }> }).issues;
  const parts = issues.slice(0, 3).map((i) => {
    const path = Array.isArray(i.path) && i.path.length ? `${i.path.join('.')}: ` : '';
    const got = i.received !== undefined ? ` (got ${JSON.stringify(i.received)})` : '';
    return `${path}${String(i.message ?? 'invalid')}${got}`;
  });
  return parts.length ? `invalid request: ${parts.join('; ')}` : null;
}

/** FastAPI/pydantic's 422 body (`{"detail":[{loc, msg}]}`, the Python server's): its first issues. */
function isDetailList(v: unknown): string | null {
  if (!Array.isArray(v) || !v.length || !v.every((i) => i && typeof i === 'object' && 'msg' in i)) return null;
  const parts = (v as Array<{ loc?: unknown; msg?: unknown }>).slice(0, 3).map((i) => {
    const loc = Array.isArray(i.loc) ? i.loc.filter((p) => p !== 'body') : [];
    return `${loc.length ? `${loc.join('.')}: ` : ''}${String(i.msg)}`;
  });
  return `invalid request: ${parts.join('; ')}`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
