/**
 * Helpers for installing and running the webhook against the test API server (harness/kube.ts):
 * server-side apply of any object we emit, a kubeconfig holding a real ServiceAccount token (from the
 * TokenRequest API, so RBAC of the emitted manifests is what authorises the webhook), the webhook process
 * itself, and a TCP proxy that can cut the webhook off from the API server (fault injection: a Node
 * watch that fails).
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { INSTALLED_CLI } from './cli.ts';
import type { KubeApiServer } from './kube.ts';
import { type Service, startService, tempDir, waitFor } from './proc.ts';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are arbitrary JSON
export type KubeObj = any;

const RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
  ClusterRole: { plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { plural: 'clusterrolebindings', namespaced: false },
  Deployment: { plural: 'deployments', namespaced: true },
  PodDisruptionBudget: { plural: 'poddisruptionbudgets', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  Secret: { plural: 'secrets', namespaced: true },
  MutatingWebhookConfiguration: { plural: 'mutatingwebhookconfigurations', namespaced: false },
  Node: { plural: 'nodes', namespaced: false },
  NodeFeatureRule: { plural: 'nodefeaturerules', namespaced: false },
  Event: { plural: 'events', namespaced: true },
};

/** The REST path of `obj` (collection path when `name` is false). */
export function objectPath(obj: KubeObj, name = true): string {
  const r = RESOURCES[obj.kind as string];
  if (!r) throw new Error(`no REST path known for kind ${obj.kind}`);
  const [group, version] = (obj.apiVersion as string).includes('/')
    ? (obj.apiVersion as string).split('/')
    : ['', obj.apiVersion as string];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const ns = r.namespaced ? `/namespaces/${obj.metadata.namespace ?? 'default'}` : '';
  return `${base}${ns}/${r.plural}${name ? `/${obj.metadata.name}` : ''}`;
}

/** Server-side apply (field manager `imgcompat-e2e`, forced), as `kubectl apply --server-side` does. */
export async function serverSideApply(kube: KubeApiServer, obj: KubeObj): Promise<KubeObj> {
  const res = await kube.api(
    'PATCH',
    `${objectPath(obj)}?fieldManager=imgcompat-e2e&force=true`,
    obj,
    undefined,
    'application/apply-patch+yaml',
  );
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(
      `server-side apply of ${obj.kind}/${obj.metadata.name}: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  return res.body;
}

/** A kubeconfig for `server` authenticating with a fresh token of ServiceAccount `ns/name`. */
export async function serviceAccountKubeconfig(
  kube: KubeApiServer,
  ns: string,
  name: string,
  server = kube.server,
): Promise<string> {
  const res = await kube.api('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  if (res.status !== 201) throw new Error(`TokenRequest: ${res.status} ${JSON.stringify(res.body)}`);
  const token = res.body.status.token as string;
  const dir = tempDir('imgcompat-sa-kubeconfig-');
  const file = join(dir, 'kubeconfig');
  const ca = Buffer.from(kube.ca).toString('base64');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${server}
    certificate-authority-data: ${ca}
users:
- name: ${name}
  user:
    token: ${token}
contexts:
- name: sa
  context:
    cluster: test
    user: ${name}
current-context: sa
`,
  );
  return file;
}

export interface RunningWebhookProcess {
  svc: Service;
  url: string;
  port: number;
}

/** `imgcompat webhook serve` as its own process on 127.0.0.1 (the compiled CLI). */
export async function startWebhookProcess(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningWebhookProcess> {
  const svc = startService(
    process.execPath,
    [INSTALLED_CLI, 'webhook', 'serve', '--address', '127.0.0.1', '--port', '0', ...args],
    { env },
  );
  let url = '';
  await waitFor(
    async () => {
      if (svc.child.exitCode !== null) throw new Error(svc.output());
      const m = /listening on (https:\/\/\S+)/.exec(svc.output());
      if (m?.[1]) url = m[1];
      return url !== '';
    },
    () => `webhook to listen: ${svc.output()}`,
  );
  return { svc, url, port: Number(new URL(url).port) };
}

/** A TCP proxy to `target` (host:port) that can cut every connection and refuse new ones. */
export interface TcpProxy {
  port: number;
  /** Destroys open connections; while cut, new connections are closed at once. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A Node object as the tests need it (no kubelet: the API server stores what we give). */
export function nodeObject(
  name: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): KubeObj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels }, annotations },
  };
}
