/**
 * A small forward proxy for the proxy tests (HTTPS_PROXY / HTTP_PROXY), in front of a REAL registry:
 * - CONNECT host:port (RFC 9110 §9.3.6) opens a TCP tunnel; what goes through it (TLS to the registry) is
 *   never looked at;
 * - absolute-form requests (`GET http://host:port/path`, RFC 9112 §3.2.2) are forwarded, without the
 *   hop-by-hop Proxy-Authorization;
 * - names are resolved from its own `hosts` table only (a name nobody else resolves proves that a request
 *   went through the proxy); anything else gets 502;
 * - with `credentials`, requests without the right `Proxy-Authorization: Basic` get 407;
 * - with `refuse`, every request gets that status.
 * It records the method, target and headers of every request it receives, so tests can check what the
 * proxy saw. Also here: a plain TCP forwarder, to reach a loopback-only registry at another address.
 */
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from 'node:net';
import { freePort, startService, waitFor } from './proc.ts';
import { mustTool } from './tools.ts';

export interface ProxyRecord {
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
  headers: IncomingHttpHeaders;
}

export interface TestProxy {
  /** `http://127.0.0.1:PORT` (no credentials). */
  url: string;
  port: number;
  requests: ProxyRecord[];
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /** Host names (and addresses) this proxy connects to, mapped to the address it really uses. */
  hosts: Record<string, string>;
  credentials?: { username: string; password: string };
  refuse?: { status: number; reason: string };
}

export async function startTestProxy(opts: TestProxyOptions): Promise<TestProxy> {
  const requests: ProxyRecord[] = [];
  const sockets = new Set<Socket>();
  const expectedAuth = opts.credentials
    ? `Basic ${Buffer.from(`${opts.credentials.username}:${opts.credentials.password}`).toString('base64')}`
    : undefined;
  /** Why a request is turned away (status line), or undefined to serve it. */
  const turnAway = (headers: IncomingHttpHeaders): string | undefined => {
    if (opts.refuse) return `${opts.refuse.status} ${opts.refuse.reason}`;
    if (expectedAuth && headers['proxy-authorization'] !== expectedAuth) {
      return '407 Proxy Authentication Required';
    }
    return undefined;
  };
  const resolve = (host: string) => opts.hosts[host.replace(/^\[|\]$/g, '')];

  const server: Server = createServer((req, res) => {
    const target = req.url ?? '';
    requests.push({ method: req.method ?? '', target, headers: req.headers });
    const refused = turnAway(req.headers);
    if (refused) {
      const status = Number(refused.slice(0, 3));
      res.writeHead(
        status,
        refused.slice(4),
        status === 407 ? { 'proxy-authenticate': 'Basic realm="test proxy"' } : {},
      );
      res.end();
      return;
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      res.writeHead(400).end('absolute-form request expected');
      return;
    }
    const address = resolve(url.hostname);
    if (url.protocol !== 'http:' || !address) {
      res.writeHead(502).end(`cannot reach ${url.host}`);
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = request(
      {
        host: address,
        port: Number(url.port || 80),
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    requests.push({ method: 'CONNECT', target, headers: req.headers });
    const refused = turnAway(req.headers);
    const m = /^(.+):(\d+)$/.exec(target);
    const address = m ? resolve(m[1]!) : undefined;
    if (refused || !m || !address) {
      const line = refused ?? '502 Bad Gateway';
      const extra = line.startsWith('407') ? 'Proxy-Authenticate: Basic realm="test proxy"\r\n' : '';
      client.end(`HTTP/1.1 ${line}\r\n${extra}Content-Length: 0\r\n\r\n`);
      return;
    }
    const upstream = connect({ host: address, port: Number(m[2]) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface TcpForwarder {
  /** `ADDRESS:PORT` it listens on. */
  host: string;
  close(): Promise<void>;
}

/** Listens on `address` (ephemeral port) and forwards every connection to `target` (`host:port`). */
export async function startTcpForwarder(address: string, target: string): Promise<TcpForwarder> {
  const [tHost, tPort] = [
    target.slice(0, target.lastIndexOf(':')),
    Number(target.slice(target.lastIndexOf(':') + 1)),
  ];
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  };
  const server = createTcpServer((client) => {
    track(client);
    const upstream = connect({ host: tHost, port: tPort });
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  const { port } = server.address() as AddressInfo;
  return {
    host: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface SocksProxy {
  port: number;
  stop(): Promise<void>;
}

/**
 * microsocks (Debian package `microsocks`), a real SOCKS5 proxy, on 127.0.0.1: with `credentials` it
 * accepts only RFC 1929 username/password authentication with them.
 */
export async function startSocksProxy(credentials?: {
  username: string;
  password: string;
}): Promise<SocksProxy> {
  const port = await freePort();
  const args = ['-i', '127.0.0.1', '-p', String(port)];
  if (credentials) args.push('-u', credentials.username, '-P', credentials.password);
  const svc = startService(mustTool('microsocks'), args);
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        if (svc.child.exitCode !== null) throw new Error(`microsocks exited: ${svc.output()}`);
        const s = connect({ host: '127.0.0.1', port });
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      }),
    () => `microsocks on 127.0.0.1:${port}`,
  );
  return { port, stop: () => svc.stop() };
}
