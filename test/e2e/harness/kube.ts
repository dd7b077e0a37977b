/**
 * A real Kubernetes API server for the cluster tests: `imgcompat-kube-testenv` (tools/kube-testenv: an
 * embedded etcd plus kube-apiserver, built by scripts/install-test-deps.sh into .cache/go-bin) started on
 * 127.0.0.1 with ephemeral ports, NFD's CRDs from deploy/crds installed and the `node-feature-discovery`
 * namespace created.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startService, tempDir, waitFor } from './proc.ts';
import { GO_BIN, REPO_ROOT } from './tools.ts';

export const KUBE_TESTENV = join(GO_BIN, 'imgcompat-kube-testenv');
export const NFD_NAMESPACE = 'node-feature-discovery';

export interface KubeApiServer {
  server: string;
  kubeconfig: string;
  /** PEM of the serving certificate chain (the kubeconfig's CA). */
  ca: string;
  /** Bearer token of the admin user (group system:masters). */
  adminToken: string;
  /** Bearer token of a user with no RBAC permissions. */
  unprivilegedToken: string;
  /** A JSON request as the admin user; rejects on a transport error, resolves with status and body. */
  api(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    contentType?: string,
  ): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: API objects are arbitrary JSON
  body: any;
}

function tokensFrom(kubeconfig: string): { admin: string; unprivileged: string } {
  const text = readFileSync(kubeconfig, 'utf8');
  const token = (user: string) => {
    const m = new RegExp(`- name: ${user}\\n  user:\\n    token: (\\S+)`).exec(text);
    if (!m?.[1]) throw new Error(`no token for ${user} in ${kubeconfig}`);
    return m[1];
  };
  return { admin: token('admin'), unprivileged: token('unprivileged') };
}

export async function startKubeApiServer(opts: { apiserverArgs?: string[] } = {}): Promise<KubeApiServer> {
  const dir = tempDir('imgcompat-kube-');
  const args = ['-dir', dir];
  if (opts.apiserverArgs?.length) args.push('-apiserver-args', JSON.stringify(opts.apiserverArgs));
  const svc = startService(KUBE_TESTENV, args);
  let ready: { kubeconfig: string; server: string; caFile: string } | undefined;
  await waitFor(
    async () => {
      if (svc.child.exitCode !== null) throw new Error(`kube-testenv exited: ${svc.output().slice(-2000)}`);
      const m = /^READY (\{.*\})$/m.exec(svc.output());
      if (m?.[1]) ready = JSON.parse(m[1]);
      return ready !== undefined;
    },
    () => `kube-apiserver to start; output:\n${svc.output().slice(-2000)}`,
    240_000,
  );
  if (!ready) throw new Error('unreachable');
  const ca = readFileSync(ready.caFile, 'utf8');
  const tokens = tokensFrom(ready.kubeconfig);
  const url = new URL(ready.server);

  const api: KubeApiServer['api'] = (
    method,
    path,
    body,
    token = tokens.admin,
    contentType = 'application/json',
  ) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          ca,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {}
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  await installCrds(api);
  const ns = await api('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NFD_NAMESPACE },
  });
  if (ns.status !== 201 && ns.status !== 409)
    throw new Error(`creating namespace: ${ns.status} ${JSON.stringify(ns.body)}`);

  return {
    server: ready.server,
    kubeconfig: ready.kubeconfig,
    ca,
    adminToken: tokens.admin,
    unprivilegedToken: tokens.unprivileged,
    api,
    stop: () => svc.stop(),
  };
}

/** Creates NFD's CRDs from deploy/crds and waits until each is Established. */
async function installCrds(api: KubeApiServer['api']): Promise<void> {
  const text = readFileSync(join(REPO_ROOT, 'deploy', 'crds', 'nfd-api-crds.yaml'), 'utf8');
  const crds = parseAllDocuments(text).map((d) => d.toJSON());
  for (const crd of crds) {
    const res = await api('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(`creating CRD ${crd.metadata.name}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  for (const crd of crds) {
    await waitFor(
      async () => {
        const res = await api(
          'GET',
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
        );
        const conditions: { type: string; status: string }[] = res.body?.status?.conditions ?? [];
        return conditions.some((c) => c.type === 'Established' && c.status === 'True');
      },
      () => `CRD ${crd.metadata.name} to be established`,
      60_000,
    );
  }
}
