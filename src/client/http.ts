// HTTP transport over undici with an Agent of our own. Never touch undici's global dispatcher:
// inside the VS Code extension host that would change fetch for every other extension.
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { httpError, LangGraphError, networkError } from './errors';

export interface TransportOptions {
  /** Deployment base URL, e.g. http://127.0.0.1:2024 */
  url: string;
  apiKey?: string;
  /** Proxy URL; defaults to HTTPS_PROXY / HTTP_PROXY from the environment when not given. */
  proxy?: string | null;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Inject a dispatcher (tests, benchmarks). */
  dispatcher?: Dispatcher;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Uint8Array> & { text(): Promise<string>; destroy?(err?: Error): unknown };
  url: string;
}

export function normalizeBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new LangGraphError('invalid-url', `"${url}" is not a valid URL. Use something like http://127.0.0.1:2024`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new LangGraphError('invalid-url', `"${url}" must start with http:// or https://`);
  }
  return u.toString().replace(/\/+$/, '');
}

/** The proxy the environment asks for (HTTPS_PROXY/HTTP_PROXY minus NO_PROXY); loopback never. */
export function proxyFromEnv(target: string): string | undefined {
  const env = process.env;
  const isHttps = target.startsWith('https:');
  const p = (isHttps ? env.HTTPS_PROXY ?? env.https_proxy : undefined) ?? env.HTTP_PROXY ?? env.http_proxy;
  if (!p) return undefined;
  const host = new URL(target).hostname;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (host === '127.0.0.1' || host === 'localhost' || host === '::1') return undefined;
  if (noProxy.some((n) => n === '*' || host === n || host.endsWith(n.startsWith('.') ? n : `.${n}`))) return undefined;
  return p;
}

export class HttpTransport {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: TransportOptions) {
    this.baseUrl = normalizeBaseUrl(opts.url);
    const common = {
      connect: { timeout: opts.connectTimeoutMs ?? 10_000 },
      headersTimeout: opts.headersTimeoutMs ?? 60_000,
      // Streams may be quiet for a long time (a slow node): the stream layer has its own watchdog.
      bodyTimeout: 0,
      keepAliveTimeout: 10_000,
    };
    if (opts.dispatcher) {
      this.dispatcher = opts.dispatcher;
      this.ownsDispatcher = false;
    } else {
      const proxy = opts.proxy === null ? undefined : (opts.proxy ?? proxyFromEnv(this.baseUrl));
      // Plain-http targets go through the proxy as absolute-form requests (what every forward
      // proxy accepts); https targets are tunnelled with CONNECT.
      this.dispatcher = proxy
        ? new ProxyAgent({ uri: proxy, proxyTunnel: this.baseUrl.startsWith('https:'), ...common })
        : new Agent(common);
      this.ownsDispatcher = true;
    }
    this.headers = { ...(opts.headers ?? {}) };
    if (opts.apiKey) this.headers['x-api-key'] = opts.apiKey;
  }

  /** Send a request; resolves with the raw response for any status (callers check it). */
  async send(
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT',
    path: string,
    init: { json?: unknown; headers?: Record<string, string>; signal?: AbortSignal; headersTimeoutMs?: number } = {},
  ): Promise<RawResponse> {
    const url = this.baseUrl + path;
    const headers: Record<string, string> = { ...this.headers, ...(init.headers ?? {}) };
    let body: string | undefined;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] = 'application/json';
    }
    try {
      const res = await request(url, {
        method, headers, body, signal: init.signal, dispatcher: this.dispatcher,
        ...(init.headersTimeoutMs !== undefined ? { headersTimeout: init.headersTimeoutMs } : {}),
      });
      return { status: res.statusCode, headers: res.headers, body: res.body, url };
    } catch (e) {
      throw networkError(e, url, init.signal);
    }
  }

  /** JSON request: throws a typed error on non-2xx, non-JSON or network failure. */
  async json<T>(
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT',
    path: string,
    what: string,
    init: { json?: unknown; signal?: AbortSignal; headersTimeoutMs?: number } = {},
  ): Promise<T> {
    return this.read<T>(await this.send(method, path, init), what, init.signal);
  }

  /** Read a JSON response: throws a typed error on non-2xx or non-JSON. */
  async read<T>(res: RawResponse, what: string, signal?: AbortSignal): Promise<T> {
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      throw networkError(e, res.url, signal);
    }
    if (res.status < 200 || res.status >= 300) throw httpError(res.status, text, res.url, what);
    if (res.status === 204 || text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LangGraphError(
        'not-sse',
        `${what}: expected JSON from ${res.url} but got ${/^\s*</.test(text) ? 'an HTML page' : 'something else'}. Is this URL a LangGraph deployment?`,
        { url: res.url, status: res.status, body: text.slice(0, 500) },
      );
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close().catch(() => undefined);
  }
}

export function header(h: RawResponse['headers'], name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
