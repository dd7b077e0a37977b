/**
 * The one place registry HTTP requests are made: a timeout on every attempt, retries per the policy in
 * retry.ts, redirects followed by hand per redirect.ts, response bodies read under a size cap, and a
 * verbose trace of method, URL and status (never headers, so never credentials or tokens).
 */
import type { RegistryErrorDetails } from '../../errors.ts';
import { REGISTRY_CODES, registryError, safeRemoteText } from '../registry-errors.ts';
import { abortableSleep, raceAbort, throwIfAborted } from './abort.ts';
import { proxyConfigFromEnv } from './proxy.ts';
import { decideRedirect, REDIRECT_STATUSES } from './redirect.ts';
import { DEFAULT_RETRY_POLICY, networkErrorCode, type RetryPolicy, retryDelay } from './retry.ts';
import { tlsSettings } from './tls.ts';
import {
  createSender,
  ProxyConnectError,
  type ResponseHeaders,
  type Send,
  type WireResponse,
} from './wire.ts';

export interface TransportOptions {
  /** Per-attempt timeout (connect, headers and body), milliseconds. Default 30 s. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  insecure?: boolean;
  caFile?: string;
  /** Receives one line per request/response for `--verbose`. */
  trace?: (line: string) => void;
  /**
   * The environment HTTPS_PROXY, HTTP_PROXY, NO_PROXY and REQUEST_METHOD are read from (proxy.ts);
   * without it no proxy is used.
   */
  proxyEnv?: Record<string, string | undefined>;
  /** Injected wire function (tests); default: HTTP/1.1 over node:net/node:tls per wire.ts. */
  send?: Send;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  userAgent?: string;
  /** Counts requests actually sent (benchmarks). */
  stats?: { requests: number };
  /**
   * Cancels every request and retry wait of this client: an aborted signal rejects the pending call with
   * the signal's reason (an `AbortError` unless the aborter gave another) and closes the connection.
   */
  signal?: AbortSignal;
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Value of the Authorization header; sent to the request's own origin only. */
  authorization?: string;
  /** Cap on the response body; exceeding it is E_SIZE_LIMIT (error statuses are truncated instead). */
  maxBytes: number;
  /** Names registry/repository/reference in error messages. */
  context: RegistryErrorDetails;
  /** What is being fetched, for messages ("manifest", "blob", ...). */
  what?: string;
  /** The body holds a secret (an OAuth2 refresh token): never replayed to another origin on a redirect. */
  confidentialBody?: boolean;
  /** Cancels this request (besides the client's own `signal`). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: Uint8Array;
  /** The final URL after redirects. */
  url: URL;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const ERROR_BODY_CAP = 8 * 1024;

export class HttpClient {
  private readonly opts: TransportOptions;
  private sendImpl: Send | undefined;
  private readonly warnings = new Set<string>();

  constructor(opts: TransportOptions = {}) {
    this.opts = opts;
  }

  private getSend(): Send {
    if (this.opts.send) return this.opts.send;
    this.sendImpl ??= createSender({
      tls: () => tlsSettings({ insecure: this.opts.insecure, caFile: this.opts.caFile }),
      proxy: this.opts.proxyEnv ? proxyConfigFromEnv(this.opts.proxyEnv) : undefined,
      trace: this.opts.trace,
    });
    return this.sendImpl;
  }

  /** The client's cancellation signal (credential helpers it starts listen to it too). */
  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  trace(line: string): void {
    this.opts.trace?.(line);
  }

  /** Sends the request with retries; returns the final response whatever its status. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const policy = this.opts.retry ?? DEFAULT_RETRY_POLICY;
    const signal = combineSignals(this.opts.signal, req.signal);
    const injected = this.opts.sleep;
    const sleep = (ms: number) => (injected ? raceAbort(injected(ms), signal) : abortableSleep(ms, signal));
    if (signal !== req.signal) req = { ...req, signal };
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      let res: HttpResponse;
      try {
        res = await this.followRedirects(req);
      } catch (error) {
        // A cancelled call ends with the canceller's reason, never retried or reworded.
        throwIfAborted(signal);
        if (isOwnError(error)) throw error;
        const wait = retryDelay(policy, attempt, { error }, this.opts.random);
        if (wait === undefined) throw this.networkError(req, error);
        this.trace(`  retrying in ${wait} ms after ${describeNetworkError(error)}`);
        await sleep(wait);
        continue;
      }
      const wait = retryDelay(
        policy,
        attempt,
        { status: res.status, retryAfter: res.headers.get('retry-after') },
        this.opts.random,
      );
      if (wait === undefined) return res;
      this.trace(`  retrying in ${wait} ms after HTTP ${res.status}`);
      await sleep(wait);
    }
  }

  private async followRedirects(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let method = req.method;
    let body = req.body;
    let authorization = req.authorization;
    for (let hops = 0; ; hops++) {
      const res = await this.once(req, url, method, body, authorization);
      if (!REDIRECT_STATUSES.has(res.status)) return res;
      const d = decideRedirect(url, res.status, res.headers.get('location'), method, hops);
      if (!d.follow) {
        throw registryError(
          `${req.what ?? 'request'} ${redactUrl(url)}: ${d.reason}`,
          { ...req.context, status: res.status },
          REGISTRY_CODES.redirect,
        );
      }
      if (!d.keepAuthorization && d.keepBody && body && req.confidentialBody) {
        // Credentials are never forwarded across hosts (distribution docs/spec/auth/token.md, oras-go v2 registry/remote/auth/client.go): a 307/308 would resend the body.
        throw registryError(
          `${req.what ?? 'request'} ${redactUrl(url)}: refused a redirect to ${d.url.origin}: it would resend credentials to another host`,
          { ...req.context, status: res.status },
          REGISTRY_CODES.redirect,
        );
      }
      if (!d.keepAuthorization && authorization) {
        this.trace(`  redirected to another origin: credentials not forwarded`);
        authorization = undefined;
      }
      url = d.url;
      method = d.method;
      if (!d.keepBody) body = undefined;
    }
  }

  private async once(
    req: HttpRequest,
    url: URL,
    method: string,
    body: Uint8Array | undefined,
    authorization: string | undefined,
  ): Promise<HttpResponse> {
    const send = this.getSend();
    if (url.username || url.password) {
      // User-info in a URL a server sent (Location, Link, a token realm) is never used — credentials go
      // in Authorization only — and never shown.
      url = new URL(url.href);
      url.username = '';
      url.password = '';
      this.trace('  ignoring user-info in a URL sent by the server');
    }
    const headers: Record<string, string> = {
      'user-agent': this.opts.userAgent ?? 'imgcompat',
      ...req.headers,
    };
    if (authorization) headers.authorization = authorization;
    // The per-attempt deadline is our own timer (cleared below), not AbortSignal.timeout, whose timer
    // outlives the request.
    const ms = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const attempt = new AbortController();
    const timer = setTimeout(
      () => attempt.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')),
      ms,
    );
    const signal = req.signal ? AbortSignal.any([attempt.signal, req.signal]) : attempt.signal;
    try {
      return await this.exchange(req, url, method, body, headers, signal, send);
    } finally {
      clearTimeout(timer);
    }
  }

  private async exchange(
    req: HttpRequest,
    url: URL,
    method: string,
    body: Uint8Array | undefined,
    headers: Record<string, string>,
    signal: AbortSignal,
    send: Send,
  ): Promise<HttpResponse> {
    this.trace(`> ${method} ${redactUrl(url)}`);
    if (this.opts.stats) this.opts.stats.requests++;
    const res = await send({ method, url, headers, body, signal });
    const isError = res.status >= 400;
    let bytes: Uint8Array;
    if (method === 'HEAD' || REDIRECT_STATUSES.has(res.status)) {
      res.discard();
      bytes = new Uint8Array(0);
    } else {
      bytes = await readCapped(
        res,
        isError ? Math.min(ERROR_BODY_CAP, req.maxBytes) : req.maxBytes,
        isError,
        () =>
          registryError(
            `${req.what ?? 'response'} from ${redactUrl(url)} is larger than the ${formatBytes(req.maxBytes)} limit`,
            { ...req.context, status: res.status },
            REGISTRY_CODES.sizeLimit,
          ),
      );
    }
    this.trace(
      `< ${res.status} ${method} ${redactUrl(url)}${bytes.byteLength ? ` (${bytes.byteLength} bytes)` : ''}`,
    );
    this.noteWarnings(res.headers.get('warning'));
    return { status: res.status, headers: res.headers, body: bytes, url };
  }

  /** Registry `Warning: 299 - "text"` headers (distribution-spec): reported once each, never acted on. */
  private noteWarnings(header: string | null): void {
    if (!header) return;
    for (const m of header.matchAll(/299\s+\S+\s+"((?:[^"\\]|\\.)*)"/g)) {
      const text = safeRemoteText(m[1]!.replace(/\\(.)/g, '$1'));
      if (this.warnings.has(text)) continue;
      this.warnings.add(text);
      this.trace(`  registry warning: ${text}`);
    }
  }

  private networkError(req: HttpRequest, error: unknown) {
    const code = networkErrorCode(error);
    const timeout = code === 'ETIMEDOUT' && !(error instanceof ProxyConnectError);
    return registryError(
      `${req.what ?? 'request'} ${req.method} ${redactUrl(req.url)} failed: ${
        timeout
          ? `timed out after ${this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
          : describeNetworkError(error)
      }`,
      req.context,
      timeout ? REGISTRY_CODES.timeout : REGISTRY_CODES.network,
      error,
    );
  }
}

/** One signal that fires when either does (`undefined` when neither is given). */
export function combineSignals(
  a: AbortSignal | undefined,
  b: AbortSignal | undefined,
): AbortSignal | undefined {
  if (!a || a === b) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

function isOwnError(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    'kind' in e &&
    'code' in e &&
    (e as { kind: unknown }).kind === 'registry'
  );
}

const NETWORK_ERROR_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server while sending',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary)',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'timed out',
};

function describeNetworkError(error: unknown): string {
  // Its message names the proxy (never its credentials) and what it answered.
  if (error instanceof ProxyConnectError) return error.message;
  const code = networkErrorCode(error);
  if (code === 'ECONNRESET' && error instanceof Error && error.message === 'aborted') {
    return 'connection closed by the server before the response was complete';
  }
  if (code && NETWORK_ERROR_TEXT[code]) return NETWORK_ERROR_TEXT[code];
  if (code && /SSL|TLS/.test(code) && /VERSION|PROTOCOL|PACKET/.test(code)) {
    return `TLS handshake failed (${code}); if the registry speaks plain HTTP, use --plain-http`;
  }
  if (code && /CERT|SELF_SIGNED|ISSUER|VERIFY|ALTNAME/.test(code)) {
    return `the registry's TLS certificate is not trusted (${code}); pass its CA with --ca-file, or --insecure to skip verification`;
  }
  if (code) return `network error (${code})`;
  let e: unknown = error;
  // The real reason may be wrapped in `cause`.
  while (typeof e === 'object' && e !== null && (e as { cause?: unknown }).cause)
    e = (e as { cause: unknown }).cause;
  // Any URL quoted by a lower layer loses its user-info (credentials never in messages).
  return (e instanceof Error ? e.message : String(e)).replace(/(\/\/)[^/@\s]*@/g, '$1');
}

async function readCapped(
  res: WireResponse,
  cap: number,
  truncate: boolean,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (!truncate && Number.isFinite(declared) && declared > cap) {
    res.discard();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const value of res.body) {
    total += value.byteLength;
    if (total > cap) {
      // Leaving the loop ends the stream (and the connection): nothing more is read.
      if (truncate) {
        chunks.push(value.subarray(0, value.byteLength - (total - cap)));
        total = cap;
        break;
      }
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

const SECRET_PARAM = /sig|token|cred|secret|password|passwd|key|auth|state/i;

/** The URL as it may be shown: no user-info, and values of signature/token-like query parameters hidden. */
export function redactUrl(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  for (const k of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(k)) u.searchParams.set(k, 'REDACTED');
  }
  return u.href;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
