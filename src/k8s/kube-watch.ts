/**
 * What the webhook asks of the API server: list pages and watch streams of Nodes and NodeFeatureRules,
 * and creating Events. Requests go over node:https with the kubeconfig's credentials: read by
 * kube-light-config.ts for in-cluster service accounts, tokens and client certificates (the client library
 * costs ~80 MB of resident memory), else applied by the client library (`KubeConfig.applyToHTTPSOptions`:
 * exec plugins, auth providers), loaded through kube-client.ts. Plain HTTP requests are used (not the
 * generated API classes) because a watch is a stream of JSON lines that must be read one line at a time,
 * with a cap on each line and on each list page, and never held as whole typed objects.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeApiError } from '../errors.ts';
import { type KubeConnectOptions, loadKubeConfig, NFD_GROUP, NFD_VERSION } from './kube-client.ts';
import { lightConnection } from './kube-light-config.ts';
import type { ListPage, WatchEvent, WatchSource } from './webhook/informer.ts';

/** Largest list page and watch line we read (a Node object is a few kB; 500 of them fit easily). */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;
const MAX_LINE_BYTES = 4 * 1024 * 1024;

export interface KubeWatchClient {
  readonly server: string;
  readonly nodes: WatchSource;
  readonly rules: WatchSource;
  /** POSTs a core/v1 Event in `namespace`. */
  createEvent(namespace: string, event: Record<string, unknown>, signal: AbortSignal): Promise<void>;
}

/** A non-success HTTP answer; `status` 410 (Gone) makes the informer list again. */
function httpStatusError(message: string, status: number): KubeApiError {
  return new KubeApiError(message, status === 403 ? 'E_KUBE_FORBIDDEN' : 'E_KUBE_API', status);
}

function statusText(body: string): string {
  try {
    const j = JSON.parse(body) as { message?: unknown };
    if (typeof j.message === 'string') return j.message;
  } catch {}
  return body.slice(0, 300);
}

/** Applies the connection's credentials to one request's options. */
type Authorize = (o: RequestOptions & { headers: Record<string, string | number> }) => Promise<void>;

async function connection(opts: KubeConnectOptions): Promise<{ server: string; authorize: Authorize }> {
  const light = lightConnection(opts);
  if (light) {
    return {
      server: light.server,
      authorize: async (o) => {
        const t = light.token();
        if (t) o.headers.authorization = `Bearer ${t}`;
        Object.assign(o, {
          ...(light.ca ? { ca: light.ca } : {}),
          ...(light.cert ? { cert: light.cert } : {}),
          ...(light.key ? { key: light.key } : {}),
          rejectUnauthorized: light.verify,
        });
      },
    };
  }
  // Exec plugins, auth providers and the rest: the client library (kubectl's behaviour).
  const { kc, server } = await loadKubeConfig(opts);
  return { server, authorize: (o) => kc.applyToHTTPSOptions(o as never) };
}

export async function connectKubeWatch(opts: KubeConnectOptions): Promise<KubeWatchClient> {
  const { server, authorize } = await connection(opts);
  const base = new URL(server);
  const send = base.protocol === 'http:' ? httpRequest : httpsRequest;

  async function open(
    method: string,
    path: string,
    signal: AbortSignal,
    body?: string,
  ): Promise<IncomingMessage> {
    const o: RequestOptions & { headers: Record<string, string | number> } = {
      method,
      host: base.hostname,
      port: base.port,
      path: `${base.pathname.replace(/\/$/, '')}${path}`,
      headers: { accept: 'application/json' },
    };
    if (body !== undefined) {
      o.headers['content-type'] = 'application/json';
      o.headers['content-length'] = Buffer.byteLength(body);
    }
    await authorize(o);
    return new Promise((resolve, reject) => {
      const req = send({ ...o, signal }, resolve);
      req.on('error', (e) =>
        reject(
          (e as { name?: string }).name === 'AbortError'
            ? e
            : new KubeApiError(
                `cannot reach the Kubernetes API server ${server}: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
                'E_KUBE_UNREACHABLE',
              ),
        ),
      );
      req.end(body);
    });
  }

  async function readAll(res: IncomingMessage, what: string): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_PAGE_BYTES) {
        res.destroy();
        throw new KubeApiError(`${what}: the answer is larger than ${MAX_PAGE_BYTES} bytes`, 'E_KUBE_API');
      }
      chunks.push(c);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function getJson(path: string, what: string, signal: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(opts.timeoutMs)]);
    const res = await open('GET', path, timeout);
    const text = await readAll(res, what);
    if (res.statusCode !== 200) {
      throw httpStatusError(
        `the API server ${server} answered ${res.statusCode} to ${what}: ${statusText(text)}`,
        res.statusCode ?? 0,
      );
    }
    return JSON.parse(text);
  }

  function source(resource: string, path: string): WatchSource {
    return {
      resource,
      async list({ limit, continue: cont, signal }): Promise<ListPage> {
        const q = new URLSearchParams({ limit: String(limit) });
        if (cont) q.set('continue', cont);
        const page = (await getJson(`${path}?${q}`, `list ${resource}`, signal)) as {
          items?: unknown[];
          metadata?: { continue?: string; resourceVersion?: string };
        };
        return {
          items: page.items ?? [],
          ...(page.metadata?.continue ? { continue: page.metadata.continue } : {}),
          resourceVersion: page.metadata?.resourceVersion ?? '',
        };
      },
      async watch({ resourceVersion, timeoutSeconds, signal }, onEvent): Promise<void> {
        const q = new URLSearchParams({
          watch: '1',
          allowWatchBookmarks: 'true',
          resourceVersion,
          timeoutSeconds: String(timeoutSeconds),
        });
        const inner = new AbortController();
        const both = AbortSignal.any([signal, inner.signal]);
        const res = await open('GET', `${path}?${q}`, both);
        if (res.statusCode !== 200) {
          const text = await readAll(res, `watch ${resource}`);
          throw httpStatusError(
            `the API server ${server} answered ${res.statusCode} to watch ${resource}: ${statusText(text)}`,
            res.statusCode ?? 0,
          );
        }
        let pending = '';
        try {
          for await (const c of res as AsyncIterable<Buffer>) {
            pending += c.toString('utf8');
            let nl = pending.indexOf('\n');
            while (nl >= 0) {
              const line = pending.slice(0, nl).trim();
              pending = pending.slice(nl + 1);
              if (line !== '') onEvent(JSON.parse(line) as WatchEvent);
              nl = pending.indexOf('\n');
            }
            if (pending.length > MAX_LINE_BYTES) {
              throw new KubeApiError(
                `watch ${resource}: an event is larger than ${MAX_LINE_BYTES} bytes`,
                'E_KUBE_API',
              );
            }
          }
        } catch (e) {
          inner.abort();
          res.destroy();
          throw e;
        }
        // The stream ended without an error: the server's timeout, or the connection dropped. Both are
        // answered by watching again from the last version seen.
      },
    };
  }

  return {
    server,
    nodes: source('nodes', '/api/v1/nodes'),
    rules: source(`nodefeaturerules.${NFD_GROUP}`, `/apis/${NFD_GROUP}/${NFD_VERSION}/nodefeaturerules`),
    async createEvent(namespace, event, signal) {
      const timeout = AbortSignal.any([signal, AbortSignal.timeout(opts.timeoutMs)]);
      const res = await open(
        'POST',
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
        timeout,
        JSON.stringify(event),
      );
      const text = await readAll(res, 'create events');
      if (res.statusCode !== 201 && res.statusCode !== 200) {
        throw httpStatusError(
          `the API server ${server} answered ${res.statusCode} to create events in ${namespace}: ${statusText(text)}`,
          res.statusCode ?? 0,
        );
      }
    },
  };
}
