// Child process of core.bench.mjs (b) and many-nodes.bench.mjs: evaluates the seed spec against N
// distinct node feature sets and prints one JSON object. Run in its own process so the peak RSS is
// this work's alone.
//
// Usage: many-nodes.mjs [COUNT [FEATURES_JSONL]]. Feature sets are generated (seeds 1000..), or read
// from FEATURES_JSONL (one Features object per line, as many-nodes.bench.mjs writes them for NFD's
// side too), in batches of 250, each batch evaluated and dropped, as a cluster-wide check would page
// through NodeFeature objects. Only evaluation is timed: wall-clock time, and the process's CPU time
// over the same spans (robust when other work shares the machine). Started with --expose-gc so the
// generator's or parser's garbage is collected before each timed batch.
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { realisticFeatures } from './features-gen.mjs';
import { buildModule, loadSeedSpec } from './seed-spec.mjs';

const count = Number(process.argv[2] ?? 10000);
const file = process.argv[3];
const batch = 250;
const { validateNode, compatibleSets } = await buildModule('core/report/node-validator.js');
const spec = await loadSeedSpec();

/** Batches of feature sets: generated, or parsed from the file's lines. */
async function* batches() {
  if (file === undefined) {
    for (let done = 0; done < count; done += batch) {
      const nodes = [];
      for (let i = done; i < Math.min(count, done + batch); i++) nodes.push(realisticFeatures(1000 + i));
      yield nodes;
    }
    return;
  }
  let nodes = [];
  let read = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (read === count) break;
    nodes.push(JSON.parse(line));
    read++;
    if (nodes.length === batch) {
      yield nodes;
      nodes = [];
    }
  }
  if (nodes.length > 0) yield nodes;
}

let wallMs = 0;
let cpuMicros = 0;
let compatible = 0;
let rows = 0;
let evaluated = 0;
for await (const nodes of batches()) {
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
  evaluated += nodes.length;
}
const peakRssKB = process.resourceUsage().maxRSS; // kilobytes on Linux
process.stdout.write(
  JSON.stringify({
    nodes: evaluated,
    compatibleNodes: compatible,
    reportRows: rows,
    evaluationWallMs: Number(wallMs.toFixed(1)),
    evaluationCpuMs: Number((cpuMicros / 1000).toFixed(1)),
    peakRssMB: Number((peakRssKB / 1024).toFixed(1)),
  }),
);
