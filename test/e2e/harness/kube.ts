/**
 * A real Kubernetes API server for the cluster tests: `imgcompat-kube-testenv` (tools/kube-testenv: an
 * embedded etcd plus kube-apiserver, built by scripts/install-test-deps.sh into .cache/go-bin) started on
 * 127.0.0.1 with ephemeral ports, NFD's CRDs from deploy/crds installed and the `node-feature-discovery`
 * namespace created. Optionally with kube-scheduler in the same process (`{ scheduler: true }`).
 *
 * The cluster's other real peers: Node objects without a kubelet (`createNodes`: status with capacity,
 * allocatable and a Ready condition, which is all the scheduler looks at), NFD's nfd-master (built from NFD's
 * Go module by tools/nfd into .cache/go-bin; `startNfdMaster`), and waits for what they do
 * (`waitForNodeLabels`, `waitForPodBound`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { freePort, type Service, startService, tempDir, waitFor } from './proc.ts';
import { GO_BIN, REPO_ROOT } from './tools.ts';

export const KUBE_TESTENV = join(GO_BIN, 'imgcompat-kube-testenv');
export const NFD_MASTER = join(GO_BIN, 'nfd-master');
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
  /** As `api`, with `body` sent as it is (YAML for server-side apply, say) instead of JSON-encoded. */
  apiRaw(method: string, path: string, contentType: string, body: string): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: API objects are arbitrary JSON
  body: any;
  /** The texts of the `Warning` headers (admission warnings), decoded. */
  warnings: string[];
}

/** A `Warning` header's text: the API server writes RFC 7234 warn-values `299 - "text"` with `\"` escapes. */
function warningText(value: string): string {
  return value
    .replace(/^299 - "/, '')
    .replace(/"$/, '')
    .replaceAll('\\"', '"');
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

export interface KubeApiServerOptions {
  apiserverArgs?: string[];
  /** Also run kube-scheduler (leader election off, no serving port) against the API server. */
  scheduler?: boolean;
}

/** How often kube-testenv is started again when a port it picked was taken before it bound it. */
const PORT_RACE_ATTEMPTS = 3;

/**
 * kube-testenv (tools/kube-testenv) until it is READY. It picks free ports for etcd and the API server
 * and binds them moments later; another test process may take one in between ("address already in
 * use"): it is then started again on new ports. Any other exit fails at once, with its output.
 */
async function startTestenv(
  args: string[],
): Promise<{ svc: Service; ready: { kubeconfig: string; server: string; caFile: string } }> {
  for (let attempt = 1; ; attempt++) {
    const svc = startService(KUBE_TESTENV, [...args, '-dir', tempDir('imgcompat-kube-')]);
    let ready: { kubeconfig: string; server: string; caFile: string } | undefined;
    let exited = false;
    await waitFor(
      async () => {
        const m = /^READY (\{.*\})$/m.exec(svc.output());
        if (m?.[1]) ready = JSON.parse(m[1]);
        exited = ready === undefined && svc.child.exitCode !== null;
        return ready !== undefined || exited;
      },
      () => `kube-apiserver to start; output:\n${svc.output().slice(-2000)}`,
      240_000,
    );
    if (ready) return { svc, ready };
    const output = svc.output().slice(-2000);
    if (!/address already in use/.test(output) || attempt >= PORT_RACE_ATTEMPTS) {
      throw new Error(`kube-testenv exited (attempt ${attempt}): ${output}`);
    }
  }
}

export async function startKubeApiServer(opts: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const args: string[] = [];
  if (opts.scheduler) args.push('-scheduler');
  if (opts.apiserverArgs?.length) args.push('-apiserver-args', JSON.stringify(opts.apiserverArgs));
  const { svc, ready } = await startTestenv(args);
  const ca = readFileSync(ready.caFile, 'utf8');
  const tokens = tokensFrom(ready.kubeconfig);
  const url = new URL(ready.server);

  const send = (
    method: string,
    path: string,
    payload: string | undefined,
    token: string,
    contentType: string,
  ): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
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
            const warnings = (res.headersDistinct.warning ?? []).map(warningText);
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const api: KubeApiServer['api'] = (
    method,
    path,
    body,
    token = tokens.admin,
    contentType = 'application/json',
  ) => send(method, path, body === undefined ? undefined : JSON.stringify(body), token, contentType);
  const apiRaw: KubeApiServer['apiRaw'] = (method, path, contentType, body) =>
    send(method, path, body, tokens.admin, contentType);

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
    apiRaw,
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

// biome-ignore lint/suspicious/noExplicitAny: API objects are arbitrary JSON
export type KubeObjectJson = any;

export interface TestNode {
  name: string;
  labels?: Record<string, string>;
  /** Capacity and allocatable; defaults 4 CPUs, 8Gi, 110 pods. */
  cpu?: string;
  memory?: string;
  pods?: string;
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  /** spec.unschedulable (cordoned). */
  unschedulable?: boolean;
}

/**
 * Creates Node objects as a kubelet would register them: the hostname label, an annotation, capacity =
 * allocatable and a Ready condition in the status (Node's create accepts the status; no kubelet or node controller runs, so nothing changes
 * it later). Rejects when a node cannot be created.
 */
export async function createNodes(kube: KubeApiServer, nodes: readonly TestNode[]): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (const n of nodes) {
    const resources = { cpu: n.cpu ?? '4', memory: n.memory ?? '8Gi', pods: n.pods ?? '110' };
    const res = await kube.api('POST', '/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: n.name,
        labels: { 'kubernetes.io/hostname': n.name, ...(n.labels ?? {}) },
        // A kubelet always registers its node with annotations, and nfd-master relies on it: its JSON
        // patch adds keys under /metadata/annotations, which the API server rejects when the map is
        // missing (pkg/nfd-master/nfd-master.go `updateNodeObject`).
        annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: {
        ...(n.taints ? { taints: n.taints } : {}),
        ...(n.unschedulable ? { unschedulable: true } : {}),
      },
      status: {
        capacity: resources,
        allocatable: resources,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'test node',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
      },
    });
    if (res.status !== 201)
      throw new Error(`creating node ${n.name}: ${res.status} ${JSON.stringify(res.body)}`);
    // The TaintNodesByCondition admission plugin gives every new node node.kubernetes.io/not-ready
    // (plugin/pkg/admission/nodetaint); the node lifecycle controller, which does not run here, lifts it
    // once the node is Ready. Do what it would do.
    const patched = await kube.api(
      'PATCH',
      `/api/v1/nodes/${n.name}`,
      { spec: { taints: n.taints ?? null } },
      undefined,
      'application/merge-patch+json',
    );
    if (patched.status !== 200)
      throw new Error(`setting taints of node ${n.name}: ${patched.status} ${JSON.stringify(patched.body)}`);
  }
}

/** Every Node of the cluster (one list call). */
export async function listNodes(kube: KubeApiServer): Promise<KubeObjectJson[]> {
  const res = await kube.api('GET', '/api/v1/nodes');
  if (res.status !== 200) throw new Error(`listing nodes: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

/** Node name → its labels. */
export async function nodeLabels(kube: KubeApiServer): Promise<Map<string, Record<string, string>>> {
  return new Map((await listNodes(kube)).map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
}

/**
 * Polls the Nodes until `predicate` holds for their labels (node name → labels) and returns those labels;
 * fails after `timeoutMs` with the last labels seen that `describe` picks (default: all).
 */
export async function waitForNodeLabels(
  kube: KubeApiServer,
  predicate: (labels: Map<string, Record<string, string>>) => boolean,
  timeoutMs = 60_000,
  describe: (labels: Map<string, Record<string, string>>) => string = (l) =>
    JSON.stringify(Object.fromEntries(l)),
): Promise<Map<string, Record<string, string>>> {
  let last = new Map<string, Record<string, string>>();
  await waitFor(
    async () => {
      last = await nodeLabels(kube);
      return predicate(last);
    },
    () => `node labels; last seen: ${describe(last).slice(0, 4000)}`,
    timeoutMs,
  );
  return last;
}

/** Waits until the scheduler bound the pod (spec.nodeName set) and returns the node's name. */
export async function waitForPodBound(
  kube: KubeApiServer,
  namespace: string,
  name: string,
  timeoutMs = 60_000,
): Promise<string> {
  let pod: KubeObjectJson;
  await waitFor(
    async () => {
      const res = await kube.api('GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
      pod = res.body;
      return res.status === 200 && Boolean(pod?.spec?.nodeName);
    },
    () =>
      `pod ${namespace}/${name} to be bound; last status: ${JSON.stringify(pod?.status ?? pod).slice(0, 2000)}`,
    timeoutMs,
  );
  return pod.spec.nodeName;
}

export interface NfdMaster {
  /** nfd-master's metrics and /healthz port on 127.0.0.1. */
  port: number;
  /** Its log so far (klog on stderr), for failure messages. */
  output(): string;
  /** Value of one of its Prometheus counters (e.g. `nfd_master_node_update_requests_total`), or 0. */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

export interface NfdMasterOptions {
  /**
   * The node nfd-master "runs on" (NODE_NAME): it must exist, nfd-master reads it at start
   * (pkg/nfd-master/nfd-master.go `updateMasterNode`). Default: a cordoned node `nfd-master-host`,
   * created if missing.
   */
  nodeName?: string;
  /** Its namespace (KUBERNETES_NAMESPACE): NodeFeature objects there merge first. Default NFD_NAMESPACE. */
  namespace?: string;
  /** More nfd-master flags, e.g. `-feature-gates=NodeFeatureGroupAPI=true`. */
  args?: string[];
}

/**
 * Runs NFD's nfd-master binary against the test API server with the admin kubeconfig, no leader election
 * (the default), an empty configuration file (NFD's defaults) and its metrics/health port on a free port.
 * Resolves once /healthz answers, i.e. its informers are started and it has queued every node once.
 */
export async function startNfdMaster(kube: KubeApiServer, opts: NfdMasterOptions = {}): Promise<NfdMaster> {
  const nodeName = opts.nodeName ?? 'nfd-master-host';
  if (opts.nodeName === undefined) {
    const exists = await kube.api('GET', `/api/v1/nodes/${nodeName}`);
    if (exists.status === 404) await createNodes(kube, [{ name: nodeName, unschedulable: true }]);
  }
  const dir = tempDir('imgcompat-nfd-master-');
  const config = join(dir, 'nfd-master.conf');
  writeFileSync(config, '{}\n');
  const port = await freePort();
  const svc: Service = startService(
    NFD_MASTER,
    ['-kubeconfig', kube.kubeconfig, '-config', config, '-port', String(port), ...(opts.args ?? [])],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        NODE_NAME: nodeName,
        KUBERNETES_NAMESPACE: opts.namespace ?? NFD_NAMESPACE,
      },
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (svc.child.exitCode !== null) throw new Error(`nfd-master exited: ${svc.output().slice(-3000)}`);
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status === 200;
    },
    () => `nfd-master to answer /healthz; output:\n${svc.output().slice(-3000)}`,
    60_000,
  );
  return {
    port,
    output: () => svc.output(),
    metric: async (name) => {
      const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
      return m?.[1] ? Number(m[1]) : 0;
    },
    stop: () => svc.stop(),
  };
}
