// Child process of cluster.bench.mjs (b): `cluster validate`'s streaming evaluation (src/k8s/node-stream.ts
// + evaluateNode, exactly as the command wires them) fed by a generator instead of the API server, for N
// nodes. Run in its own process so the peak RSS is this sweep's alone; prints one JSON object.
//
// The generator answers the lists the stream makes as the API server would: a metadata-only list of all
// namespaces, then one list per namespace, `limit` objects per page, in the API server's order (namespace,
// then name); the objects are those of cluster-objects.mjs. Features are generated page by page, so only
// the stream keeps anything across pages.
//
// argv: N [rows|totals]  — `rows` keeps every node's result row and sorts them, as the command does for
// its table/JSON output; `totals` keeps only the totals. Started with --expose-gc, it also reports the
// largest live heap seen (a full collection every 20 pages).
import { performance } from 'node:perf_hooks';
import { MASTER_NAMESPACE, VENDOR_NAMESPACE, vendorObject, workerObject } from './cluster-objects.mjs';
import { buildModule, loadSeedSpec } from './seed-spec.mjs';

const count = Number(process.argv[2] ?? 10000);
const keepRows = (process.argv[3] ?? 'rows') === 'rows';
const PAGE = Number(process.env.SWEEP_PAGE ?? 500);

const { streamNodes } = await buildModule('k8s/node-stream.js');
const { evaluateNode, featuresRead, selectedSets, summarizeCluster, byNodeName, verdictInterner } =
  await buildModule('k8s/cluster-eval.js');
const spec = await loadSeedSpec();

// Each namespace's objects in the API server's order (by name; zero-padded names sort by index).
const sources = {
  [MASTER_NAMESPACE]: { length: count, make: (k, full) => workerObject(k, full) },
  [VENDOR_NAMESPACE]: { length: Math.ceil(count / 10), make: (k, full) => vendorObject(k * 10, full) },
};

let generateMs = 0;
// Under --expose-gc: a full collection every 20 full pages, to read the live heap (what the stream and
// the caller really keep); its time is not counted.
let pages = 0;
let gcMs = 0;
let peakLiveHeap = 0;
function sampleLiveHeap() {
  const t = performance.now();
  globalThis.gc();
  peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
  gcMs += performance.now() - t;
}
async function* lister(opts) {
  const order = opts.namespace !== undefined ? [opts.namespace] : Object.keys(sources).sort();
  for (const ns of order) {
    const src = sources[ns];
    for (let start = 0; start < src.length; start += opts.pageSize) {
      const t = performance.now();
      const items = [];
      for (let k = start; k < Math.min(src.length, start + opts.pageSize); k++) {
        items.push(src.make(k, !opts.metadataOnly));
      }
      generateMs += performance.now() - t;
      if (globalThis.gc && !opts.metadataOnly && pages++ % 20 === 0) sampleLiveHeap();
      yield { items, resourceVersion: '1' };
    }
  }
}

const rows = [];
const compact = verdictInterner();
let compatible = 0;
let evaluated = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const stats = await streamNodes(
  lister,
  { pageSize: PAGE, masterNamespace: MASTER_NAMESPACE, keepFeatures: featuresRead(spec, []) },
  (n) => {
    const v = evaluateNode(spec, n, []);
    evaluated++;
    if (v.compatible) compatible++;
    if (keepRows) rows.push(compact(v));
  },
);
let summary;
if (keepRows) summary = summarizeCluster(selectedSets(spec, []), rows.sort(byNodeName)).totals;
if (globalThis.gc) sampleLiveHeap();
const wallMs = performance.now() - t0 - gcMs;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  JSON.stringify({
    nodes: count,
    objects: stats.objects,
    kept: keepRows ? 'rows' : 'totals',
    evaluatedNodes: evaluated,
    compatibleNodes: summary ? summary.compatible : compatible,
    wallSeconds: Number((wallMs / 1000).toFixed(2)),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    generatorSeconds: Number((generateMs / 1000).toFixed(2)),
    peakHeldObjects: stats.peakHeldObjects,
    peakRssMB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
    ...(globalThis.gc ? { peakLiveHeapMB: Number((peakLiveHeap / 2 ** 20).toFixed(1)) } : {}),
  }),
);
