// Child process of core.bench.mjs (b): evaluates the seed spec against N distinct node feature sets
// and prints one JSON object. Run in its own process so the peak RSS is this work's alone.
//
// Feature sets are generated in batches of 250, each batch evaluated and dropped, as a
// cluster-wide check would page through NodeFeature objects. Only evaluation is timed: wall-clock
// time, and the process's CPU time over the same spans (robust when other work shares the machine).
// Started with --expose-gc so the generator's garbage is collected before each timed batch.
import { performance } from 'node:perf_hooks';
import { realisticFeatures } from './features-gen.mjs';
import { buildModule, loadSeedSpec } from './seed-spec.mjs';

const count = Number(process.argv[2] ?? 10000);
const batch = 250;
const { validateNode, compatibleSets } = await buildModule('core/report/node-validator.js');
const spec = await loadSeedSpec();

let wallMs = 0;
let cpuMicros = 0;
let compatible = 0;
let rows = 0;
for (let done = 0; done < count; done += batch) {
  const nodes = [];
  for (let i = done; i < Math.min(count, done + batch); i++) nodes.push(realisticFeatures(1000 + i));
  // Collect the generator's garbage now so it is not charged to the evaluation (needs --expose-gc).
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const features of nodes) {
    const report = validateNode(spec, features);
    if (compatibleSets(report).length > 0) compatible++;
    for (const set of report)
      for (const r of set.rules ?? []) rows += (r.matchedExpressions?.length ?? 0) + 1;
  }
  wallMs += performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  cpuMicros += cpu.user + cpu.system;
}
const peakRssKB = process.resourceUsage().maxRSS; // kilobytes on Linux
process.stdout.write(
  JSON.stringify({
    nodes: count,
    compatibleNodes: compatible,
    reportRows: rows,
    evaluationWallMs: Number(wallMs.toFixed(1)),
    evaluationCpuMs: Number((cpuMicros / 1000).toFixed(1)),
    peakRssMB: Number((peakRssKB / 1024).toFixed(1)),
  }),
);
