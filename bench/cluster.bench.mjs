// Issue 5 item 7: cluster scale against the real kube-apiserver of the e2e harness.
//
// (a) 5,000 varied NodeFeature objects (bench/lib/features-gen.mjs realistic hosts, ~13 KB each, plus a
//     third-party object in namespace `vendor` for every 10th node, so merging is exercised) are created in
//     the API server; then `imgcompat cluster validate --image oci:LAYOUT -o json` runs end to end as its
//     own process (median of 3; target <= 15 s), and the evaluation part alone (group + merge + validate
//     every node, in this process, on the objects as listed; target <= 0.5 s) is timed separately, as is
//     the paginated list.
// (b) webhook latency: 200 pods created one at a time through the API server with the webhook configured
//     (warm artifact cache after the first pod), against 200 pods the webhook's objectSelector skips.
//     Reported: the API create latency with and without the webhook (p50/p99) and the webhook's own
//     handling time per review (target: p99 added <= 50 ms).
// Needs the e2e tools (scripts/install-test-deps.sh: kube-testenv, docker-registry, skopeo, openssl) and a
// build (npm run build).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { realisticFeatures } from './lib/features-gen.mjs';
import { root } from './lib/seed-spec.mjs';

const NODES = 5000;
const PODS = 200;
const NS = 'node-feature-discovery';
const run3 = promisify(execFile);

const load = (rel) => import(pathToFileURL(join(root, 'build', rel)).href);

function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
const r1 = (n) => Math.round(n * 10) / 10;

async function pool(n, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

function nodeFeature(name, namespace, node, features) {
  return {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: { name, namespace, labels: { 'nfd.node.kubernetes.io/node-name': node } },
    spec: { features },
  };
}

async function clusterValidate(h, kube) {
  const { api } = kube;
  const ns0 = await api('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'vendor' },
  });
  if (ns0.status !== 201) throw new Error(`namespace: ${ns0.status}`);
  const t0 = performance.now();
  let bytes = 0;
  await pool(NODES, 16, async (i) => {
    const node = `node-${String(i).padStart(5, '0')}`;
    const f = realisticFeatures(1000 + i);
    const obj = nodeFeature(node, NS, node, f);
    bytes += JSON.stringify(obj).length;
    const res = await api('POST', `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${NS}/nodefeatures`, obj);
    if (res.status !== 201)
      throw new Error(`create ${node}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    if (i % 10 === 0) {
      const extra = nodeFeature(`${node}-accel`, 'vendor', node, {
        flags: { 'kernel.loadedmodule': { elements: { 'vfio-pci': {} } } },
        attributes: { 'vendor.accel': { elements: { model: `x${i % 7}` } } },
      });
      const r = await api('POST', '/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/vendor/nodefeatures', extra);
      if (r.status !== 201) throw new Error(`create extra: ${r.status}`);
    }
  });
  const createSeconds = (performance.now() - t0) / 1000;

  // The image: an OCI layout with the seed spec attached.
  const layout = h.buildLayout([h.LINUX_AMD64], 'app', 'cluster-bench');
  const ref = `oci:${layout.dir}:app`;
  const att = await h.imgcompat(['attach', ref, join(root, 'examples', 'spec.yaml')]);
  if (att.code !== 0) throw new Error(`attach: ${att.err}`);

  const bin = join(root, 'build', 'src', 'cli', 'bin.js');
  const e2e = [];
  let result;
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    const { stdout } = await run3(
      process.execPath,
      [
        bin,
        'cluster',
        'validate',
        '--image',
        ref,
        '--kubeconfig',
        kube.kubeconfig,
        '--context',
        'admin',
        '-o',
        'json',
      ],
      { maxBuffer: 256 * 1024 * 1024, env: { PATH: process.env.PATH ?? '' } },
    ).catch((e) => (e.code === 1 ? e : Promise.reject(e)));
    e2e.push(performance.now() - s);
    result = JSON.parse(stdout);
  }

  // The parts, in this process: paginated list, then group + merge + evaluate.
  const { connectKube } = await load('src/k8s/kube-client.js');
  const { groupByNode } = await load('src/k8s/nodefeatures.js');
  const { evaluateCluster } = await load('src/k8s/cluster-eval.js');
  const { loadSpec } = await load('src/core/load/load-spec.js');
  const spec = loadSpec(readFileSync(join(root, 'examples', 'spec.yaml'), 'utf8'), {
    file: 'spec.yaml',
  }).spec;
  const port = await connectKube({
    kubeconfig: kube.kubeconfig,
    context: 'admin',
    timeoutMs: 60_000,
    env: {},
    cwd: root,
  });
  const lists = [];
  let objects;
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    objects = await port.listNodeFeatures(500);
    lists.push(performance.now() - s);
  }
  // The same pages with a bare HTTPS client (no client library): what the API server itself costs.
  const raw = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    let cont = '';
    let n = 0;
    do {
      const q = `labelSelector=${encodeURIComponent('nfd.node.kubernetes.io/node-name')}&limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
      const page = await api('GET', `/apis/nfd.k8s-sigs.io/v1alpha1/nodefeatures?${q}`);
      n += page.body.items.length;
      cont = page.body.metadata.continue ?? '';
    } while (cont);
    if (n !== objects.length) throw new Error(`raw list saw ${n} objects`);
    raw.push(performance.now() - s);
  }
  const evals = [];
  const evalCpu = [];
  let evaluated;
  for (let i = 0; i < 5; i++) {
    globalThis.gc?.();
    const c = process.cpuUsage();
    const s = performance.now();
    evaluated = evaluateCluster(spec, groupByNode(objects, NS), []);
    evals.push(performance.now() - s);
    const d = process.cpuUsage(c);
    evalCpu.push((d.user + d.system) / 1000);
  }
  return {
    nodes: NODES,
    nodeFeatureObjects: objects.length,
    averageObjectKB: r1(bytes / NODES / 1024),
    createObjectsSeconds: r1(createSeconds),
    endToEndMedianSeconds: r1(quantile(e2e, 0.5) / 1000),
    endToEndRunsSeconds: e2e.map((ms) => r1(ms / 1000)),
    listMedianSeconds: r1(quantile(lists, 0.5) / 1000),
    rawHttpsListMedianSeconds: r1(quantile(raw, 0.5) / 1000),
    evaluationMedianMs: r1(quantile(evals, 0.5)),
    evaluationRunsMs: evals.map(r1),
    evaluationCpuMedianMs: r1(quantile(evalCpu, 0.5)),
    compatibleNodes: result.totals.compatible,
    skippedNodes: result.totals.skipped,
    sameAsInProcess: evaluated.totals.compatible === result.totals.compatible,
    targets: { endToEndSeconds: 15, evaluationMs: 500 },
  };
}

async function webhookLatency(h, kube) {
  const { api } = kube;
  const reg = await h.startDockerRegistry();
  try {
    const dir = h.tempDir('imgcompat-bench-webhook-');
    const tls = await h.makeTlsMaterial(dir);
    const app = await h.pushImage(reg, 'app', '1');
    const att = await h.imgcompat(['attach', '--plain-http', app.ref, join(root, 'examples', 'spec.yaml')]);
    if (att.code !== 0) throw new Error(`attach: ${att.err}`);
    const { startWebhook } = await load('src/k8s/webhook/server.js');
    const handled = [];
    const hook = await startWebhook({
      cert: readFileSync(tls.serverCert),
      key: readFileSync(tls.serverKey),
      host: '127.0.0.1',
      port: 0,
      deadlineMs: 8000,
      policy: 'Ignore',
      registry: { plainHttp: true, env: {}, cwd: root },
      cacheTtlMs: 300_000,
      negativeCacheTtlMs: 60_000,
      verbose: true,
      log: (line) => {
        const m = / ([\d.]+) ms$/.exec(line);
        if (m) handled.push(Number(m[1]));
      },
    });
    try {
      const caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, tls.caPem);
      const man = await h.imgcompat([
        'webhook',
        'manifests',
        '--url',
        hook.url,
        '--ca-bundle',
        caFile,
        '-o',
        'json',
      ]);
      const mwc = JSON.parse(man.out).items.find((o) => o.kind === 'MutatingWebhookConfiguration');
      mwc.webhooks[0].objectSelector = {
        matchExpressions: [{ key: 'bench', operator: 'NotIn', values: ['skip'] }],
      };
      const c = await api('POST', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', mwc);
      if (c.status !== 201) throw new Error(`mwc: ${c.status} ${JSON.stringify(c.body)}`);
      const pod = (name, labels) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels },
        spec: { containers: [{ name: 'app', image: app.ref }] },
      });
      // Wait for the configuration to be active (and warm the cache).
      for (let i = 0; ; i++) {
        const r = await api('POST', '/api/v1/namespaces/default/pods?dryRun=All', pod(`warm-${i}`, {}));
        if (r.body?.metadata?.annotations?.['imgcompat.io/artifacts']) break;
        if (i > 600) throw new Error('webhook never called');
        await new Promise((r2) => setTimeout(r2, 50));
      }
      handled.length = 0;
      const timeCreates = async (prefix, labels) => {
        const out = [];
        for (let i = 0; i < PODS; i++) {
          const s = performance.now();
          const r = await api('POST', '/api/v1/namespaces/default/pods', pod(`${prefix}-${i}`, labels));
          out.push(performance.now() - s);
          if (r.status !== 201) throw new Error(`pod: ${r.status}`);
          if (labels.bench !== 'skip' && !r.body.metadata.annotations?.['imgcompat.io/artifacts'])
            throw new Error('pod not mutated');
        }
        return out;
      };
      const without = await timeCreates('plain', { bench: 'skip' });
      const withHook = await timeCreates('hooked', {});
      return {
        pods: PODS,
        createWithoutWebhookMs: { p50: r1(quantile(without, 0.5)), p99: r1(quantile(without, 0.99)) },
        createWithWebhookMs: { p50: r1(quantile(withHook, 0.5)), p99: r1(quantile(withHook, 0.99)) },
        addedByWebhookMs: {
          p50: r1(quantile(withHook, 0.5) - quantile(without, 0.5)),
          p99: r1(quantile(withHook, 0.99) - quantile(without, 0.99)),
        },
        webhookHandlingMs: {
          p50: r1(quantile(handled, 0.5)),
          p99: r1(quantile(handled, 0.99)),
          count: handled.length,
        },
        cacheHits: hook.cache.hits,
        cacheMisses: hook.cache.misses,
        target: { p99AddedMs: 50 },
      };
    } finally {
      await hook.close();
    }
  } finally {
    await reg.stop();
  }
}

export async function run() {
  const h = await load('test/e2e/harness/index.js');
  const { startKubeApiServer } = await load('test/e2e/harness/kube.js');
  const missing = ['docker-registry', 'skopeo', 'openssl'].filter((t) => !h.toolPath(t));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run scripts/install-test-deps.sh`);
  const s = performance.now();
  const kube = await startKubeApiServer();
  const apiserverStartSeconds = r1((performance.now() - s) / 1000);
  try {
    const clusterValidate_ = await clusterValidate(h, kube);
    const webhook = await webhookLatency(h, kube);
    return { apiserverStartSeconds, clusterValidate: clusterValidate_, webhook };
  } finally {
    await kube.stop();
  }
}
