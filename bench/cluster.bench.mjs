// `cluster validate` at scale (README "Cluster"; the command streams NodeFeature pages, src/k8s/node-stream.ts).
//
// (a) End to end against the real kube-apiserver of the e2e harness: 10,000 nodes' NodeFeature objects
//     (bench/lib/cluster-objects.mjs: nfd-worker's realistic ~13 KB object per node, plus a small vendor
//     object in another namespace for every 10th node, 11,000 objects) are created, then
//     `imgcompat cluster validate --image oci:LAYOUT -o json` runs as its own process, 3 times. Reported:
//     wall time (target <= 25 s) and the peak RSS of that process (target <= 400 MB), read by an --import
//     hook at its exit. For context, in this process: one streamed read without evaluation (the list
//     cost) and one plain paginated HTTPS list of all objects (the API server's own cost).
// (b) The same streaming evaluation fed by a generator instead of the API server
//     (bench/lib/cluster-sweep.mjs, one process per run), 10,000 and 100,000 nodes, keeping every node's
//     result row as the command does (`rows`), and keeping only totals with the live heap sampled
//     (`totalsLiveHeap`, the stream alone).
//     Targets: linear time (100k ~ 10x the 10k time) and peak RSS flat (within 10% of the 10k run).
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
const SWEEP_NODES = [10_000, 100_000];
const RUNS = 3;
const exec = promisify(execFile);

const load = (rel) => import(pathToFileURL(join(root, 'build', rel)).href);
const r1 = (n) => Math.round(n * 10) / 10;
const r2 = (n) => Math.round(n * 100) / 100;
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

async function endToEnd(h, kube) {
  const { api } = kube;
  const t0 = performance.now();
  const created = await createObjects(api);
  const createObjectsSeconds = r1((performance.now() - t0) / 1000);

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
  args.push('--kubeconfig', kube.kubeconfig, '--context', 'admin', '-o', 'json');
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
  if (result.totals.nodes !== NODES) throw new Error(`validated ${result.totals.nodes} nodes`);

  // Context, in this process: the streamed read alone, and a plain paginated list.
  const { connectKube } = await load('src/k8s/kube-client.js');
  const { streamNodes } = await load('src/k8s/node-stream.js');
  const port = await connectKube({
    kubeconfig: kube.kubeconfig,
    context: 'admin',
    timeoutMs: 120_000,
    env: {},
    cwd: root,
  });
  let s = performance.now();
  const stats = await streamNodes(
    (o) => port.nodeFeaturePages(o),
    {
      pageSize: 500,
      masterNamespace: MASTER_NAMESPACE,
    },
    () => {},
  );
  const streamedReadSeconds = (performance.now() - s) / 1000;
  s = performance.now();
  let cont = '';
  let listed = 0;
  do {
    const q = `labelSelector=${encodeURIComponent('nfd.node.kubernetes.io/node-name')}&limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
    const page = await api('GET', `/apis/nfd.k8s-sigs.io/v1alpha1/nodefeatures?${q}`);
    listed += page.body.items.length;
    cont = page.body.metadata.continue ?? '';
  } while (cont);
  const plainListSeconds = (performance.now() - s) / 1000;
  if (listed !== created.objects) throw new Error(`plain list saw ${listed} objects`);

  return {
    nodes: NODES,
    nodeFeatureObjects: created.objects,
    averageWorkerObjectKB: created.averageWorkerObjectKB,
    createObjectsSeconds,
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
    plainPaginatedListSeconds: r1(plainListSeconds),
    targets: { wallSeconds: 25, peakRssMB: 400 },
  };
}

async function sweep(nodes, kept, liveHeap) {
  const { stdout } = await exec(
    process.execPath,
    [
      ...(liveHeap ? ['--expose-gc'] : []),
      join(root, 'bench', 'lib', 'cluster-sweep.mjs'),
      String(nodes),
      kept,
    ],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout);
}

// `rows`: the command's own work and memory (default heap settings). `totalsLiveHeap`: the stream alone,
// with the live heap sampled (forced collections, so its peak RSS is not comparable with `rows`).
async function sweeps() {
  const out = {};
  for (const [name, kept, liveHeap] of [
    ['rows', 'rows', false],
    ['totalsLiveHeap', 'totals', true],
  ]) {
    const runs = [];
    for (const n of SWEEP_NODES) runs.push(await sweep(n, kept, liveHeap));
    const [small, big] = runs;
    out[name] = {
      runs,
      wallRatio100kTo10k: r2(big.wallSeconds / small.wallSeconds),
      cpuRatio100kTo10k: r2(big.cpuSeconds / small.cpuSeconds),
      peakRssRatio100kTo10k: r2(big.peakRssMB / small.peakRssMB),
      ...(liveHeap ? { peakLiveHeapRatio100kTo10k: r2(big.peakLiveHeapMB / small.peakLiveHeapMB) } : {}),
    };
  }
  out.targets = { timeRatio: 10, peakRssRatioMax: 1.1 };
  return out;
}

export async function run() {
  const h = await load('test/e2e/harness/index.js');
  const { startKubeApiServer } = await load('test/e2e/harness/kube.js');
  const kube = await startKubeApiServer();
  let apiServer;
  try {
    apiServer = await endToEnd(h, kube);
  } finally {
    await kube.stop();
  }
  // Checks that the generator and the API server describe the same cluster.
  const generated = await sweeps();
  const same = generated.rows.runs[0].compatibleNodes === apiServer.compatibleNodes;
  return { apiServer, generator: generated, generatorAgreesWithApiServer: same };
}
