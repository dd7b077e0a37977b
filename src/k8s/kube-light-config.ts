/**
 * Connection settings for the webhook's long-running watch without loading `@kubernetes/client-node`:
 * the library's KubeConfig pulls in its whole generated API (about 80 MB of resident memory in a process
 * whose budget is 150 MB, bench/webhook.bench.mjs). The common cases are read here: in-cluster service
 * account (token file re-read, as kubelet rotates it), and a kubeconfig file whose user has a token, a
 * token file or a client certificate. Anything else (exec plugins, auth providers, basic auth, several
 * KUBECONFIG files to merge, a missing context...) returns undefined and the caller falls back to the
 * client library (kube-client.ts `loadKubeConfig`), which also produces the error messages.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { type KubeConnectOptions, locateKubeconfig, SA_DIR } from './kube-client.ts';

export interface LightConnection {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Verify the server's certificate (false only with insecure-skip-tls-verify). */
  verify: boolean;
  /** The bearer token for the next request, if any. */
  token(): string | undefined;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function tokenFile(file: string): () => string {
  let cached = '';
  let readAt = 0;
  return () => {
    // Bound service-account tokens are rotated on disk: read again at most once a minute.
    if (Date.now() - readAt > 60_000) {
      cached = readFileSync(file, 'utf8').trim();
      readAt = Date.now();
    }
    return cached;
  };
}

function named(list: unknown, name: string, field: string): Record<string, unknown> | undefined {
  if (!Array.isArray(list)) return undefined;
  const e = list.find((x) => isMap(x) && x.name === name);
  return isMap(e) && isMap(e[field]) ? (e[field] as Record<string, unknown>) : undefined;
}

export function lightConnection(opts: KubeConnectOptions): LightConnection | undefined {
  let located: ReturnType<typeof locateKubeconfig>;
  try {
    located = locateKubeconfig(opts);
  } catch {
    return undefined;
  }
  if (located.kind === 'in-cluster') {
    const host = opts.env.KUBERNETES_SERVICE_HOST ?? '';
    const port = opts.env.KUBERNETES_SERVICE_PORT ?? '443';
    const token = tokenFile(join(SA_DIR, 'token'));
    return {
      server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
      ca: readFileSync(join(SA_DIR, 'ca.crt')),
      verify: true,
      token,
    };
  }
  if (located.files.length !== 1) return undefined;
  const file = located.files[0] as string;
  try {
    const doc = parse(readFileSync(file, 'utf8')) as unknown;
    if (!isMap(doc)) return undefined;
    const contextName = opts.context ?? (doc['current-context'] as string | undefined);
    if (!contextName) return undefined;
    const context = named(doc.contexts, contextName, 'context');
    if (!context) return undefined;
    const cluster = named(doc.clusters, String(context.cluster ?? ''), 'cluster');
    const user = named(doc.users, String(context.user ?? ''), 'user') ?? {};
    if (!cluster || typeof cluster.server !== 'string') return undefined;
    const known = new Set([
      'token',
      'tokenFile',
      'client-certificate',
      'client-certificate-data',
      'client-key',
      'client-key-data',
    ]);
    if (Object.keys(user).some((k) => !known.has(k))) return undefined;
    const base = dirname(file);
    const bytes = (dataKey: string, fileKey: string, from: Record<string, unknown>): Buffer | undefined => {
      if (typeof from[dataKey] === 'string') return Buffer.from(from[dataKey] as string, 'base64');
      if (typeof from[fileKey] === 'string') return readFileSync(resolve(base, from[fileKey] as string));
      return undefined;
    };
    const ca = bytes('certificate-authority-data', 'certificate-authority', cluster);
    const cert = bytes('client-certificate-data', 'client-certificate', user);
    const key = bytes('client-key-data', 'client-key', user);
    const token =
      typeof user.token === 'string'
        ? () => user.token as string
        : typeof user.tokenFile === 'string'
          ? tokenFile(resolve(base, user.tokenFile))
          : () => undefined;
    return {
      server: cluster.server,
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      verify: cluster['insecure-skip-tls-verify'] !== true,
      token,
    };
  } catch {
    return undefined;
  }
}
