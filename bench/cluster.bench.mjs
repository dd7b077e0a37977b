// `cluster validate` at scale (README "Cluster"; the command streams NodeFeature pages, src/k8s/node-stream.ts).
//
// End to end against the real kube-apiserver of the e2e harness: 10,000 nodes' NodeFeature objects
//     (bench/lib/cluster-objects.mjs: nfd-worker's realistic ~13 KB object per node, plus a small vendor
//     object in another namespace for every 10th node, 11,000 objects) are created, then
//     `imgcompat cluster validate --image oci:LAYOUT -o json` runs as its own process, 3 times. Reported:
//     wall time (target <= 25 s) and the peak RSS of that process (target <= 400 MB), read by an --import
//     hook at its exit. For context, in this process: one streamed read without evaluation (the list
//     cost) and one paginated list of all objects into memory (what the command did before streaming).
//     Before the runs, the bench waits until a list answers within 2 s: under load the API server's
//     cache lags behind the writes and lists time out (504). BENCH_CLUSTER_KUBECONFIG=FILE runs against an
//     API server that already holds such objects instead of starting one.
// The 100,000-node sweep from a generator is cluster-sweep.bench.mjs.
// Needs the API server launcher (scripts/install-test-deps.sh) and a build (npx tsc -p tsconfig.json).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  hasVendorObject,
  MASTER_NAMESPACE,
  VENDOR_NAMESPACE,
  vendorObject,
  workerObject,
} from './lib/cluster-objects.mjs';
import { root } from './lib/seed-spec.mjs';

const NODES = 10_000;
const RUNS = 3;
const exec = promisify(execFile);

const load = (rel) => import(pathToFileURL(join(root, 'build', rel)).href);
const r1 = (n) => Math.round(n * 10) / 10;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function pool(n, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function createObjects(api) {
  const ns = await api('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: VENDOR_NAMESPACE },
  });
  if (ns.status !== 201) throw new Error(`namespace: ${ns.status}`);
  const create = async (obj) => {
    const res = await api(
      'POST',
      `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${obj.metadata.namespace}/nodefeatures`,
      obj,
    );
    if (res.status !== 201)
      throw new Error(`create ${obj.metadata.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  };
  let objects = 0;
  let bytes = 0;
  await pool(NODES, 16, async (i) => {
    const w = workerObject(i);
    bytes += JSON.stringify(w).length;
    await create(w);
    objects++;
    if (hasVendorObject(i)) {
      await create(vendorObject(i));
      objects++;
    }
  });
  return { objects, averageWorkerObjectKB: r1(bytes / NODES / 1024) };
}

/** Waits until a NodeFeature list answers within 2 s (under load the API server's cache lags behind writes). */
async function settle(port) {
  const t0 = performance.now();
  for (;;) {
    const s = performance.now();
    try {
      for await (const _ of port.nodeFeaturePages({ pageSize: 1, metadataOnly: true })) break;
      if (performance.now() - s < 2000) return r1((performance.now() - t0) / 1000);
    } catch {
      // 504 while the cache catches up
    }
    if (performance.now() - t0 > 900_000) throw new Error('the API server did not settle in 15 minutes');
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function endToEnd(h, kube) {
  let created;
  let createObjectsSeconds;
  if (kube.api) {
    const t0 = performance.now();
    created = await createObjects(kube.api);
    createObjectsSeconds = r1((performance.now() - t0) / 1000);
  }
  const { connectKube } = await load('src/k8s/kube-client.js');
  const { streamNodes } = await load('src/k8s/node-stream.js');
  const port = await connectKube({
    kubeconfig: kube.kubeconfig,
    context: 'admin',
    timeoutMs: 120_000,
    env: {},
    cwd: root,
  });
  const settleSeconds = await settle(port);

  const layout = h.buildLayout([h.LINUX_AMD64], 'app', 'cluster-bench');
  const ref = `oci:${layout.dir}:app`;
  const att = await h.imgcompat(['attach', ref, join(root, 'examples', 'spec.yaml')]);
  if (att.code !== 0) throw new Error(`attach: ${att.err}`);

  // The CLI process reports its own peak RSS when it exits.
  const dir = h.tempDir('imgcompat-bench-cluster-');
  const rssFile = join(dir, 'maxrss');
  const hook = join(dir, 'maxrss.mjs');
  writeFileSync(
    hook,
    `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
  );
  const bin = join(root, 'build', 'src', 'cli', 'bin.js');
  const args = ['--import', hook, bin, 'cluster', 'validate', '--image', ref];
  args.push('--kubeconfig', kube.kubeconfig, '--context', 'admin', '-o', 'json', '--timeout', '120s');
  const wall = [];
  const rss = [];
  let result;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    const { stdout } = await exec(process.execPath, args, {
      maxBuffer: 256 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '' },
    }).catch((e) => (e.code === 1 ? e : Promise.reject(e)));
    wall.push((performance.now() - s) / 1000);
    rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
    result = JSON.parse(stdout);
  }
  if (kube.api && result.totals.nodes !== NODES) throw new Error(`validated ${result.totals.nodes} nodes`);

  // Context, in this process: the streamed read alone, and the whole list read into memory at once.
  let s = performance.now();
  const stats = await streamNodes(
    (o) => port.nodeFeaturePages(o),
    { pageSize: 500, masterNamespace: MASTER_NAMESPACE },
    () => {},
  );
  const streamedReadSeconds = (performance.now() - s) / 1000;
  s = performance.now();
  const all = await port.listNodeFeatures(500);
  const wholeListSeconds = (performance.now() - s) / 1000;
  created ??= { objects: all.length };
  if (all.length !== created.objects || stats.objects !== created.objects)
    throw new Error(`listed ${all.length} and streamed ${stats.objects} objects`);

  return {
    nodes: result.totals.nodes,
    nodeFeatureObjects: created.objects,
    ...(created.averageWorkerObjectKB ? { averageWorkerObjectKB: created.averageWorkerObjectKB } : {}),
    ...(createObjectsSeconds !== undefined ? { createObjectsSeconds } : {}),
    apiServerSettleSeconds: settleSeconds,
    wallSecondsMedian: r1(median(wall)),
    wallSecondsRuns: wall.map(r1),
    peakRssMBMax: r1(Math.max(...rss)),
    peakRssMBRuns: rss.map(r1),
    compatibleNodes: result.totals.compatible,
    incompatibleNodes: result.totals.incompatible,
    skippedNodes: result.totals.skipped,
    streamedReadWithoutEvaluationSeconds: r1(streamedReadSeconds),
    streamSnapshots: stats.snapshots,
    streamPeakHeldObjects: stats.peakHeldObjects,
    wholeListIntoMemorySeconds: r1(wholeListSeconds),
    targets: { wallSeconds: 25, peakRssMB: 400 },
  };
}

export async function run() {
  const h = await load('test/e2e/harness/index.js');
  let apiServer;
  const reuse = process.env.BENCH_CLUSTER_KUBECONFIG;
  if (reuse) {
    // An API server already holding objects of cluster-objects.mjs for nodes 0..N-1 (context `admin`).
    apiServer = await endToEnd(h, { kubeconfig: reuse });
  } else {
    const { startKubeApiServer } = await load('test/e2e/harness/kube.js');
    const kube = await startKubeApiServer();
    try {
      apiServer = await endToEnd(h, kube);
    } finally {
      await kube.stop();
    }
  }
  return apiServer;
}
