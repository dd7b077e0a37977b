/**
 * A small HTTP proxy in front of a REAL registry. It forwards everything unchanged (rewriting only
 * `Location` headers that point at the registry, so uploads keep going through the proxy), counts
 * requests by method and path class (for the benchmark), and, on demand, injects the faults real
 * registries do not produce when asked: 5xx bursts, 429 with Retry-After, truncated bodies, altered
 * bytes (digest mismatch), oversized manifests, slow or hanging responses, HTML answers, a referrers
 * response that is not an index, connection resets. This is the only hand-made server in the e2e suite:
 * registry semantics always come from the real registry behind it.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type PathClass = 'ping' | 'manifest' | 'blob' | 'upload' | 'referrers' | 'tags' | 'token' | 'other';

/** The request's path class per the distribution-spec endpoint table (OCI distribution-spec v1.1 "Endpoints"). */
export function classifyPath(path: string): PathClass {
  const p = path.split('?')[0] ?? '';
  if (p === '/v2/' || p === '/v2') return 'ping';
  if (p === '/token') return 'token';
  if (/^\/v2\/.+\/manifests\/[^/]+$/.test(p)) return 'manifest';
  if (/^\/v2\/.+\/blobs\/uploads(\/[^/]*)?$/.test(p)) return 'upload';
  if (/^\/v2\/.+\/blobs\/[^/]+$/.test(p)) return 'blob';
  if (/^\/v2\/.+\/referrers\/[^/]+$/.test(p)) return 'referrers';
  if (/^\/v2\/.+\/tags\/list$/.test(p)) return 'tags';
  return 'other';
}

export type Fault =
  /** Answer with this status (and headers/body) without asking the registry: 5xx, 429, 404, ... */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Answer 200 with an HTML page, as a captive portal or a web server in the way would. */
  | { kind: 'html' }
  /** Answer with a replacement body (e.g. a referrers response that is not an index). */
  | { kind: 'replace'; status?: number; contentType: string; body: string }
  /** Forward, but send only the first `keepBytes` of the body (headers unchanged), then drop the connection. */
  | { kind: 'truncate'; keepBytes?: number }
  /** Forward with one body byte altered; headers (Docker-Content-Digest, Content-Length) unchanged. */
  | { kind: 'corrupt' }
  /** Forward with the body padded to `bytes` (a syntactically valid JSON document when it was JSON). */
  | { kind: 'oversize'; bytes: number }
  /** Wait `ms` before forwarding. */
  | { kind: 'delay'; ms: number }
  /** Never answer (until the client gives up or the proxy closes). */
  | { kind: 'hang' }
  /** Close the connection without an answer. */
  | { kind: 'reset' };

export interface FaultRule {
  method?: string;
  pathClass?: PathClass;
  /** A substring the request path (with query) must contain. */
  pathIncludes?: string;
  /** How many matching requests get the fault (default: all). */
  times?: number;
  fault: Fault;
}

export interface ProxyRequestRecord {
  method: string;
  path: string;
  pathClass: PathClass;
  status: number;
  fault?: Fault['kind'];
}

export interface FaultProxy {
  /** `127.0.0.1:PORT`, to use instead of the registry's host in references. */
  host: string;
  readonly requests: ProxyRequestRecord[];
  /** Request counts keyed `METHOD class`, e.g. `HEAD manifest`. */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  /** Adds a fault rule; rules are tried in the order added, the first live match applies. */
  inject(rule: FaultRule): void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface LiveRule extends FaultRule {
  left: number;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

function pad(body: Buffer, contentType: string | undefined, bytes: number): Buffer {
  if (body.length >= bytes) return body;
  const text = body.toString('utf8').trimEnd();
  if (/json/.test(contentType ?? '') && text.endsWith('}')) {
    // Keep it parseable: add a large annotation-like field before the closing brace.
    const filler = 'x'.repeat(Math.max(0, bytes - text.length - 16));
    return Buffer.from(`${text.slice(0, -1)},"padding":"${filler}"}`);
  }
  return Buffer.concat([body, Buffer.alloc(bytes - body.length, 0x20)]);
}

/** Starts a proxy on 127.0.0.1:<ephemeral> forwarding to `upstream` (`http://127.0.0.1:PORT`). */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const up = new URL(upstream);
  if (up.protocol !== 'http:') throw new Error('fault proxy: only plain-http upstreams are supported');
  const requests: ProxyRequestRecord[] = [];
  let rules: LiveRule[] = [];
  const sockets = new Set<Socket>();
  let selfOrigin = '';

  const pickFault = (req: IncomingMessage, pathClass: PathClass): Fault | undefined => {
    for (const r of rules) {
      if (r.left <= 0) continue;
      if (r.method && r.method !== req.method) continue;
      if (r.pathClass && r.pathClass !== pathClass) continue;
      if (r.pathIncludes && !(req.url ?? '').includes(r.pathIncludes)) continue;
      r.left--;
      return r.fault;
    }
    return undefined;
  };

  const rewriteLocation = (value: string): string =>
    value.startsWith(up.origin) ? selfOrigin + value.slice(up.origin.length) : value;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const pathClass = classifyPath(path);
    const fault = pickFault(req, pathClass);
    const record: ProxyRequestRecord = {
      method: req.method ?? '',
      path,
      pathClass,
      status: 0,
      fault: fault?.kind,
    };
    requests.push(record);

    const body: Buffer[] = [];
    for await (const c of req) body.push(c as Buffer);
    const reqBody = Buffer.concat(body);

    switch (fault?.kind) {
      case 'status':
        record.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? '');
        return;
      case 'html':
        record.status = 200;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          '<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Welcome</h1></body></html>',
        );
        return;
      case 'replace':
        record.status = fault.status ?? 200;
        res.writeHead(record.status, { 'content-type': fault.contentType });
        res.end(fault.body);
        return;
      case 'hang':
        return; // the socket stays open until the client aborts or the proxy closes
      case 'reset':
        req.socket.destroy();
        return;
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.ms));
        break;
      default:
        break;
    }

    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      headers[k] = v;
    }
    headers.host = up.host;
    headers['content-length'] = String(reqBody.length);

    const upstreamRes = await new Promise<IncomingMessage>((resolveRes, reject) => {
      const upReq = request(
        { host: up.hostname, port: up.port, method: req.method, path, headers },
        resolveRes,
      );
      upReq.on('error', reject);
      upReq.end(reqBody);
    });
    const chunks: Buffer[] = [];
    for await (const c of upstreamRes) chunks.push(c as Buffer);
    let resBody: Buffer = Buffer.concat(chunks);
    const outHeaders: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(upstreamRes.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      outHeaders[k] = k === 'location' && typeof v === 'string' ? rewriteLocation(v) : v;
    }
    const status = upstreamRes.statusCode ?? 502;
    record.status = status;
    const isHead = req.method === 'HEAD';

    if (fault?.kind === 'corrupt' && resBody.length > 0) {
      resBody = Buffer.from(resBody);
      const i = Math.floor(resBody.length / 2);
      // Swap a character for another printable one so JSON bodies usually stay parseable.
      resBody[i] = resBody[i] === 0x61 ? 0x62 : 0x61;
    } else if (fault?.kind === 'oversize' && !isHead) {
      resBody = pad(resBody, upstreamRes.headers['content-type'], fault.bytes);
      outHeaders['content-length'] = String(resBody.length);
    } else if (fault?.kind === 'truncate' && !isHead) {
      const keep = Math.min(fault.keepBytes ?? Math.floor(resBody.length / 2), resBody.length - 1);
      outHeaders['content-length'] = String(resBody.length);
      res.writeHead(status, outHeaders);
      res.write(resBody.subarray(0, Math.max(0, keep)));
      // Let the partial body reach the client, then drop the connection mid-body.
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (!isHead && outHeaders['content-length'] === undefined)
      outHeaders['content-length'] = String(resBody.length);
    res.writeHead(status, outHeaders);
    res.end(isHead ? undefined : resBody);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: ${e instanceof Error ? e.message : String(e)}`);
      } else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  selfOrigin = `http://127.0.0.1:${port}`;

  return {
    host: `127.0.0.1:${port}`,
    requests,
    counts: () => {
      const c: Record<string, number> = {};
      for (const r of requests) {
        const k = `${r.method} ${r.pathClass}`;
        c[k] = (c[k] ?? 0) + 1;
      }
      return c;
    },
    total: () => requests.length,
    reset: () => {
      requests.length = 0;
    },
    inject: (rule) => {
      rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults: () => {
      rules = [];
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
