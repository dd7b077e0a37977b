// `cluster validate`'s streaming evaluation fed by a generator instead of the API server
// (bench/lib/cluster-sweep.mjs, one process per run; the objects of bench/lib/cluster-objects.mjs, as in
// cluster.bench.mjs): 10,000 and 100,000 nodes, keeping every node's result row as the command does
// (`rows`), and keeping only totals with the live heap sampled (`totalsLiveHeap`: the stream alone).
// Targets: linear time (100k ~ 10x the 10k time) and peak RSS flat (within 10% of the 10k run).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './lib/seed-spec.mjs';

const SWEEP_NODES = [10_000, 100_000];
const exec = promisify(execFile);
const r2 = (n) => Math.round(n * 100) / 100;

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
export async function run() {
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
