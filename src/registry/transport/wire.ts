/**
 * One HTTP/1.1 exchange (h1.ts) on a connection of node:net / node:tls: no redirects, retries or size
 * policy (http-client.ts has those), just the request on the wire, the status and headers, and the body
 * as a stream.
 * - node:net and node:tls are loaded when the first request needs them (node:net alone for plain http),
 *   so a command that makes no request (help, OCI layouts) does not load them;
 * - keep-alive connections per client and origin (h1.ts), TLS verified per tls.ts;
 * - any port is allowed (fetch refuses the ports of fetch.spec.whatwg.org "port blocking"; a registry
 *   may listen on them and the user named it);
 * - proxies per proxy.ts: https through an HTTP CONNECT tunnel (TLS to the registry inside it, its
 *   certificate verified against the registry's host name), http as absolute-form requests to the
 *   proxy (RFC 9112 §3.2.2); the proxy URL's user-info becomes Proxy-Authorization (Basic) sent to the
 *   proxy only, as Go's net/http Transport does (`Transport.connectMethodForRequest`, `dialConn`).
 * The request's signal cancels everything, including the body stream; the promise and the stream then
 * reject with the signal's reason.
 */
import type * as Net from 'node:net';
import type * as Tls from 'node:tls';
import { type Connect, type H1Response, Http1Pool } from './h1.ts';
import { runHandshake } from './handshake.ts';
import { type ProxyConfig, parseIp, proxyFor, showProxy } from './proxy.ts';
import { SocksError, socksConnect } from './socks.ts';
import type { TlsSettings } from './tls.ts';

export interface WireRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Uint8Array | undefined;
  signal: AbortSignal;
}

export interface WireResponse {
  status: number;
  headers: ResponseHeaders;
  /** The body, chunk by chunk. */
  body: AsyncIterable<Uint8Array>;
  /** Ends the exchange without reading (the rest of) the body. */
  discard(): void;
}

export type Send = (req: WireRequest) => Promise<WireResponse>;

/** Response headers by lower-case name; repeated fields joined with ", " (RFC 9110 §5.3), as fetch does. */
export class ResponseHeaders {
  private readonly map = new Map<string, string>();

  constructor(fields: Record<string, string> | readonly string[] = {}) {
    if (Array.isArray(fields)) {
      for (let i = 0; i + 1 < fields.length; i += 2) this.append(fields[i]!, fields[i + 1]!);
    } else {
      for (const [k, v] of Object.entries(fields)) this.append(k, v);
    }
  }

  private append(name: string, value: string): void {
    const k = name.toLowerCase();
    const old = this.map.get(k);
    this.map.set(k, old === undefined ? value : `${old}, ${value}`);
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

export interface SenderOptions {
  /** TLS settings, resolved on the first https request (reading --ca-file may fail with a UsageError). */
  tls: () => Promise<TlsSettings>;
  proxy?: ProxyConfig | undefined;
  trace?: ((line: string) => void) | undefined;
}

/** A failure reaching or using the proxy: `proxy` names it for messages (scheme, host and port only). */
export class ProxyConnectError extends Error {
  readonly code: string;
  readonly proxy: string;
  readonly status: number | undefined;

  constructor(message: string, code: string, proxy: string, status?: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ProxyConnectError';
    this.code = code;
    this.proxy = proxy;
    this.status = status;
  }
}

const CONNECT_RESPONSE_CAP = 16 * 1024;

interface Modules {
  net: typeof Net;
  tls: typeof Tls;
}

/**
 * The built-in modules, loaded on first use. process.getBuiltinModule (Node >= 20.16) rather than
 * `import()`: synchronous, and it works the same in the ESM bundle and in the single executable's
 * CommonJS bundles.
 */
function modules(): Modules {
  return { net: process.getBuiltinModule('node:net'), tls: process.getBuiltinModule('node:tls') };
}

/** What a TLS connection of one sender needs. */
interface Secure extends Modules {
  settings: TlsSettings;
  /** The trusted CAs as one secure context, made once rather than for every connection. */
  context: Tls.SecureContext;
  /** TLS sessions by server (`host:port`), resumed by the next connection to it, as https.Agent does. */
  sessions: Map<string, Buffer>;
}

/** A `Send` with its own connection pools. */
export function createSender(opts: SenderOptions): Send {
  let secure: Promise<TlsSettings> | undefined;
  let loaded: Secure | undefined;
  const pool = new Http1Pool();
  const loadSecure = async (): Promise<Secure> => {
    // A failed read (an unreadable --ca-file) is not kept: every request reports it.
    secure ??= opts.tls().catch((e) => {
      secure = undefined;
      throw e;
    });
    const settings = await secure;
    if (loaded) return loaded;
    const m = modules();
    // Without `ca`, the context trusts Node's roots and NODE_EXTRA_CA_CERTS (tls.createSecureContext).
    const context = m.tls.createSecureContext(settings.ca ? { ca: settings.ca } : {});
    loaded = { ...m, settings, context, sessions: new Map() };
    return loaded;
  };

  return async (req) => {
    const { url } = req;
    const choice = opts.proxy ? proxyFor(opts.proxy, url) : { proxy: undefined };
    if ('note' in choice && choice.note) opts.trace?.(`  ${choice.note}`);
    const proxy = choice.proxy;
    const headers: Record<string, string> = { ...req.headers, host: url.host };
    if (req.body || (req.method !== 'GET' && req.method !== 'HEAD')) {
      headers['content-length'] = String(req.body?.byteLength ?? 0);
    }
    const hostname = unbracket(url.hostname);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const path = `${url.pathname}${url.search}`;
    const origin = `${url.protocol}//${url.host}`;
    const send = (key: string, connect: Connect, target: string, h: Record<string, string>) =>
      wireResponse(
        pool.send(key, connect, {
          method: req.method,
          target,
          headers: h,
          body: req.body,
          signal: req.signal,
        }),
      );

    if (proxy) {
      if (!PROXY_SCHEMES.has(proxy.protocol)) {
        throw new ProxyConnectError(
          `proxy ${showProxy(proxy)}: unsupported proxy scheme ${proxy.protocol} (http, https, socks5 and socks5h proxies are supported)`,
          'E_PROXY_SCHEME',
          showProxy(proxy),
        );
      }
      opts.trace?.(`  via proxy ${showProxy(proxy)}`);
    }

    if (url.protocol === 'http:' && !proxy) {
      const net = process.getBuiltinModule('node:net');
      return send(
        origin,
        (signal) => connected(net.connect({ host: hostname, port }), signal),
        path,
        headers,
      );
    }

    const m = await loadSecure();
    if (url.protocol === 'https:' && !proxy) {
      return send(origin, (signal) => connected(tlsTo(m, hostname, port), signal), path, headers);
    }

    const p = proxy!;
    const tlsInside = url.protocol === 'https:';
    /** A connection through a tunnel the proxy opened to the registry, with TLS to the registry inside. */
    const viaTunnel =
      (open: (signal: AbortSignal) => Promise<Net.Socket>): Connect =>
      async (signal) => {
        const tunnel = await open(signal);
        return tlsInside ? connected(tlsTo(m, hostname, port, tunnel), signal) : tunnel;
      };
    // Tunnels are kept alive per proxy and origin, as Go's Transport keeps its proxied connections.
    const tunnelKey = `${p.href} ${origin}`;
    if (p.protocol === 'socks5:' || p.protocol === 'socks5h:') {
      const connect = viaTunnel((signal) => openSocksTunnel(m, p, hostname, port, signal));
      return send(tunnelKey, connect, path, headers);
    }
    const auth = proxyAuthorization(p);
    if (url.protocol === 'http:') {
      // Absolute-form request to the proxy; only the proxy reads Proxy-Authorization (hop-by-hop).
      const h = auth ? { ...headers, 'proxy-authorization': auth } : headers;
      const connect: Connect = (signal) => connected(connectToProxy(m, p), signal);
      return withProxyErrors(p, send(`${p.href} absolute-form`, connect, `${origin}${path}`, h));
    }
    // https through a CONNECT tunnel, TLS to the registry inside it.
    const connect = viaTunnel((signal) => openTunnel(m, p, auth, hostname, port, signal));
    return send(tunnelKey, connect, path, headers);
  };
}

async function wireResponse(pending: Promise<H1Response>): Promise<WireResponse> {
  const r = await pending;
  return { status: r.status, headers: new ResponseHeaders(r.fields), body: r.body, discard: r.discard };
}

/**
 * A TLS connection to host:port (over `socket`, a tunnel, when given), verified per tls.ts, resuming the
 * server's last session when there is one (a failed connection forgets it, as https.Agent does).
 */
function tlsTo(m: Secure, host: string, port: number, socket?: Net.Socket): Tls.TLSSocket {
  const server = `${host}:${port}`;
  const session = m.sessions.get(server);
  const tls = m.tls.connect({
    // With a socket, `host` is still the name the certificate is checked against (tls.connect).
    ...(socket ? { socket, host } : { host, port }),
    // SNI names a host, never an address (RFC 6066 §3).
    ...(parseIp(host) ? {} : { servername: host }),
    rejectUnauthorized: m.settings.rejectUnauthorized,
    secureContext: m.context,
    ...(session ? { session } : {}),
  });
  tls.on('session', (s: Buffer) => m.sessions.set(server, s));
  tls.on('error', () => m.sessions.delete(server));
  return tls;
}

/**
 * The connection to a proxy: TCP, or TLS for an https:// proxy. Without a port in its URL, a proxy is
 * on its scheme's port (1080 for SOCKS5, as Go's net/http).
 */
function connectToProxy(m: Secure, proxy: URL): Net.Socket {
  const host = unbracket(proxy.hostname);
  const defaultPort = proxy.protocol === 'https:' ? 443 : proxy.protocol === 'http:' ? 80 : 1080;
  const port = Number(proxy.port || defaultPort);
  return proxy.protocol === 'https:' ? tlsTo(m, host, port) : m.net.connect({ host, port });
}

/**
 * Resolves with `socket` once it is connected (a TLS socket: once its handshake is done and the peer
 * verified); its error, its closing and the signal reject, and destroy it.
 */
function connected(socket: Net.Socket, signal: AbortSignal): Promise<Net.Socket> {
  const event = 'encrypted' in socket ? 'secureConnect' : 'connect';
  return new Promise<Net.Socket>((resolve, reject) => {
    const done = (err?: unknown) => {
      signal.removeEventListener('abort', onAbort);
      socket.off(event, onConnect).off('error', onError).off('close', onClose);
      if (err === undefined) {
        // Until the exchange (h1.ts) listens, an error must not be an uncaught 'error' event: the
        // exchange finds the socket destroyed and reports it.
        socket.on('error', ignore);
        resolve(socket);
      } else {
        socket.destroy();
        reject(err);
      }
    };
    const onConnect = () => done();
    const onError = (e: Error) => done(e);
    const onClose = () => done(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const onAbort = () => done(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once(event, onConnect).once('error', onError).once('close', onClose);
  });
}

function ignore(): void {}

function unbracket(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(user, 'utf8').toString('base64')}`;
}

/** Errors of a request sent to a proxy name the proxy. */
async function withProxyErrors<T>(proxy: URL, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    throw proxyFailure(proxy, e);
  }
}

function proxyFailure(proxy: URL, e: unknown): unknown {
  if (
    e instanceof ProxyConnectError ||
    !(e instanceof Error) ||
    e.name === 'TimeoutError' ||
    e.name === 'AbortError'
  ) {
    return e;
  }
  const code = (e as NodeJS.ErrnoException).code;
  if (!code || !/^E[A-Z]+$/.test(code)) return e;
  return new ProxyConnectError(
    `proxy ${showProxy(proxy)}: ${code === 'ECONNREFUSED' ? 'connection refused' : e.message}`,
    code,
    showProxy(proxy),
    undefined,
    e,
  );
}

/** The proxy schemes Go's net/http takes from HTTPS_PROXY/HTTP_PROXY (net/http transport.go). */
const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks5:', 'socks5h:']);

/**
 * Connects to a SOCKS5 proxy (default port 1080, as Go's) and has it connect to host:port (socks.ts);
 * the proxy URL's user-info is the RFC 1929 username and password, sent to the proxy only.
 */
async function openSocksTunnel(
  m: Secure,
  proxy: URL,
  host: string,
  port: number,
  signal: AbortSignal,
): Promise<Net.Socket> {
  const shown = showProxy(proxy);
  const socket = connectToProxy(m, proxy);
  try {
    await socksConnect(
      socket,
      {
        host,
        port,
        ...(proxy.username || proxy.password
          ? { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) }
          : {}),
      },
      signal,
    );
    return socket;
  } catch (e) {
    socket.destroy();
    if (e instanceof SocksError) {
      throw new ProxyConnectError(
        `proxy ${shown}: ${e.message} (${host}:${port})`,
        e.code,
        shown,
        undefined,
        e,
      );
    }
    throw proxyFailure(proxy, e);
  }
}

/** Connects to the proxy and asks it for a tunnel to host:port (RFC 9110 §9.3.6 CONNECT). */
async function openTunnel(
  m: Secure,
  proxy: URL,
  auth: string | undefined,
  host: string,
  port: number,
  signal: AbortSignal,
): Promise<Net.Socket> {
  const shown = showProxy(proxy);
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  signal.throwIfAborted();
  const socket = connectToProxy(m, proxy);
  const failure = (message: string, code: string, status?: number) =>
    new ProxyConnectError(`proxy ${shown}${message}`, code, shown, status);
  const answered = (pending: Uint8Array) => {
    const text = Buffer.from(pending.buffer, pending.byteOffset, pending.byteLength);
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return { used: 0, complete: false };
    const statusLine = text.subarray(0, text.indexOf('\r\n')).toString('latin1');
    const m2 = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m2) throw failure(': not an HTTP answer to CONNECT', 'E_PROXY_RESPONSE');
    const status = Number(m2[1]);
    if (status < 200 || status > 299) {
      const reason = (m2[2] ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, 100);
      throw failure(
        ` refused CONNECT to ${authority}: HTTP ${status}${reason ? ` ${reason}` : ''}`,
        'E_PROXY_REFUSED',
        status,
      );
    }
    return { used: end + 4, complete: true };
  };
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (auth) lines.push(`Proxy-Authorization: ${auth}`);
  await runHandshake(socket, `${lines.join('\r\n')}\r\n\r\n`, answered, {
    signal,
    maxBytes: CONNECT_RESPONSE_CAP,
    errors: {
      tooLarge: () => failure(': CONNECT response headers too large', 'E_PROXY_RESPONSE'),
      closed: () => failure(' closed the connection before answering CONNECT', 'ECONNRESET'),
      // Neither HTTP nor TLS lets the registry speak first: bytes after the answer are the proxy's.
      early: () => failure(': sent data after its answer to CONNECT', 'E_PROXY_RESPONSE'),
      socket: (e) => proxyFailure(proxy, e),
    },
  });
  return socket;
}
