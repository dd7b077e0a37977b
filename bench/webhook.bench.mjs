// Issue 9 benchmarks of the admission webhook, against the real test API server:
//
// - added latency: 500 pod creations through the API server in a namespace the webhook serves, and 500 in
//   one it does not serve (same API server, same pod), while the webhook watches 5,000 Nodes; the figure is
//   the difference of the percentiles (target: p99 added ≤ 10 ms). The image's artifact is in the
//   webhook's cache after the first pod (a warm cache is the steady state; a cold lookup is a registry
//   round trip, measured in registry.bench.mjs).
// - memory: the webhook process's RSS (VmRSS, and its peak VmHWM) with the 5,000 Nodes' label keys cached,
//   after the 1,000 pods (target ≤ 150 MB).
//
// Nodes look like real ones: ~25 ordinary labels, 10 compat labels out of 40 keys, NFD's annotations, a
// status with capacity, conditions and 20 image entries (~6 kB of JSON each), so the list pages the webhook
// reads are realistic even though it keeps only the compat keys.
// Needs the e2e tools (scripts/install-test-deps.sh) and a build (npx tsc -p tsconfig.json).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { root } from './lib/seed-spec.mjs';

const NODES = 5000;
const WEBHOOK_NODE_OPTIONS = process.env.WEBHOOK_NODE_OPTIONS ?? '--max-semi-space-size=4';
const PODS = 500;

async function load(rel) {
  return import(pathToFileURL(join(root, 'build', rel)).href);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s.at(-1) };
}

const round = (n) => Math.round(n * 100) / 100;

function node(i, appLabels) {
  const labels = {
    'kubernetes.io/hostname': `node-${i}`,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'topology.kubernetes.io/zone': `zone-${i % 3}`,
    'node.kubernetes.io/instance-type': 'm5.xlarge',
  };
  for (let k = 0; k < 20; k++) labels[`feature.node.kubernetes.io/cpu-cpuid.F${k}`] = 'true';
  // 40 compat keys (20 specs × 2 sets); each node carries 10 of them.
  for (let k = 0; k < 10; k++) {
    const key = (i + k * 4) % 40;
    labels[`compat.feature.node.kubernetes.io/${String(key >> 1).padStart(12, '0')}.set${(key & 1) + 1}`] =
      'true';
  }
  // Half of the nodes pass the benchmark image's first set, all its second (required terms are added).
  if (i % 2 === 0) labels[appLabels[0]] = 'true';
  labels[appLabels[1]] = 'true';
  const images = Array.from({ length: 20 }, (_, k) => ({
    names: [`registry.example/team/service-${k}@sha256:${String(k).padStart(64, '0')}`],
    sizeBytes: 100_000_000 + k,
  }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `node-${i}`,
      labels,
      annotations: { 'nfd.node.kubernetes.io/feature-labels': Object.keys(labels).join(',').slice(0, 2000) },
    },
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
      images,
    },
  };
}

export async function run() {
  const h = await load('test/e2e/harness/index.js');
  const kubeH = await load('test/e2e/harness/kube.js');
  const inst = await load('test/e2e/harness/kube-install.js');
  const missing = ['docker-registry', 'skopeo', 'openssl'].filter((t) => !h.toolPath(t));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run scripts/install-test-deps.sh`);

  const [kube, reg] = await Promise.all([kubeH.startKubeApiServer(), h.startDockerRegistry()]);
  let hook;
  try {
    const { SPEC } = await load('test/k8s/cluster-fixtures.js');
    const app = await h.pushImage(reg, 'app', '1');
    const specFile = join(h.tempDir('imgcompat-bench-spec-'), 'spec.yaml');
    writeFileSync(specFile, SPEC);
    const d12 = createHash('sha256').update(SPEC).digest('hex').slice(0, 12);
    const appLabels = ['fast', 'baseline'].map((s) => `compat.feature.node.kubernetes.io/${d12}.${s}`);
    const attached = await h.imgcompat(['attach', '--plain-http', app.ref, specFile]);
    if (attached.code !== 0) throw new Error(`attach: ${attached.err}`);

    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < NODES) {
          const i = next++;
          const res = await kube.api('POST', '/api/v1/nodes', node(i, appLabels));
          if (res.status !== 201) throw new Error(`node ${i}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }),
    );
    const createNodesSeconds = (performance.now() - t0) / 1000;

    const tls = await h.makeTlsMaterial(h.tempDir('imgcompat-bench-tls-'));
    const t1 = performance.now();
    // The Deployment's NODE_OPTIONS (k8s/webhook/manifests.ts): a smaller young generation.
    hook = await inst.startWebhookProcess(
      [
        '--tls-cert',
        tls.serverCert,
        '--tls-key',
        tls.serverKey,
        '--kubeconfig',
        kube.kubeconfig,
        '--timeout',
        '8s',
        '--plain-http',
      ],
      { ...process.env, NODE_OPTIONS: WEBHOOK_NODE_OPTIONS },
    );
    const startToListenSeconds = (performance.now() - t1) / 1000;
    const pid = hook.svc.child.pid;
    const mem = () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      return { rssMB: round(kb('VmRSS') / 1024), peakRssMB: round(kb('VmHWM') / 1024) };
    };
    const afterSync = mem();

    const caFile = join(h.tempDir('imgcompat-bench-ca-'), 'ca.crt');
    writeFileSync(caFile, tls.caPem);
    const m = await h.imgcompat([
      'webhook',
      'manifests',
      '--url',
      hook.url,
      '--ca-bundle',
      caFile,
      '-o',
      'json',
    ]);
    if (m.code !== 0) throw new Error(`webhook manifests: ${m.err}`);
    for (const o of JSON.parse(m.out).items) await inst.serverSideApply(kube, o);
    for (const [name, labels] of [
      ['served', { 'imgcompat.io/webhook': 'enabled' }],
      ['unserved', {}],
    ]) {
      await inst.serverSideApply(kube, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    }

    const url = new URL(kube.server);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: kube.ca });
    let n = 0;
    const create = (ns) =>
      new Promise((resolve, reject) => {
        const payload = JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `p${++n}` },
          spec: { containers: [{ name: 'c', image: app.ref }] },
        });
        const started = performance.now();
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: `/api/v1/namespaces/${ns}/pods`,
            headers: {
              authorization: `Bearer ${kube.adminToken}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => {
              const ms = performance.now() - started;
              if (res.statusCode !== 201) return reject(new Error(`pod: ${res.statusCode} ${text}`));
              resolve({ ms, body: JSON.parse(text) });
            });
          },
        );
        req.on('error', reject);
        req.end(payload);
      });

    // Wait until the API server calls the webhook (and the image is in its cache).
    await h.waitFor(
      async () =>
        (await create('served')).body.metadata.annotations?.['imgcompat.io/artifacts'] !== undefined,
      () => `the API server to call the webhook: ${hook.svc.output()}`,
      60_000,
    );
    // Warm-up of both paths, then interleaved measurement (same conditions for both).
    for (let i = 0; i < 20; i++) {
      await create('served');
      await create('unserved');
    }
    const served = [];
    const unserved = [];
    let required = 0;
    for (let i = 0; i < PODS; i++) {
      const a = await create('served');
      served.push(a.ms);
      if (a.body.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) required++;
      unserved.push((await create('unserved')).ms);
    }
    agent.destroy();
    const withHook = stats(served);
    const without = stats(unserved);
    const afterPods = mem();
    return {
      nodes: NODES,
      pods: PODS,
      createNodesSeconds: round(createNodesSeconds),
      webhookStartToListenSeconds: round(startToListenSeconds),
      podsWithRequiredTerms: required,
      withWebhookMs: Object.fromEntries(Object.entries(withHook).map(([k, v]) => [k, round(v)])),
      withoutWebhookMs: Object.fromEntries(Object.entries(without).map(([k, v]) => [k, round(v)])),
      addedLatencyMs: {
        p50: round(withHook.p50 - without.p50),
        p90: round(withHook.p90 - without.p90),
        p99: round(withHook.p99 - without.p99),
      },
      addedLatencyTargetP99Ms: 10,
      webhookMemoryAfterSync: afterSync,
      webhookMemoryAfterPods: afterPods,
      rssTargetMB: 150,
    };
  } finally {
    await hook?.svc.stop();
    await Promise.all([kube.stop(), reg.stop()]);
  }
}
