// Issue 2 item 8: the rule engine and report on the seed spec (examples/spec.yaml).
// (a) one realistic host, evaluated repeatedly in this process: evaluations/s and median µs;
// (b) 10,000 distinct node feature sets in a child process: total time and peak RSS.
// Targets on one core: (a) <= 50 µs per evaluation, (b) <= 1 s and <= 300 MB.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { realisticFeatures } from './lib/features-gen.mjs';
import { buildModule, loadSeedSpec, root } from './lib/seed-spec.mjs';

function median(sorted) {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

export async function run() {
  const { validateNode } = await buildModule('core/report/node-validator.js');
  const { marshalReport } = await buildModule('core/report/go-json.js');
  const { renderReport } = await buildModule('core/report/table.js');
  const spec = await loadSeedSpec();
  const features = realisticFeatures(42);
  const counts = {
    cpuidFlags: Object.keys(features.flags['cpu.cpuid'].elements).length,
    loadedModules: Object.keys(features.flags['kernel.loadedmodule'].elements).length,
    pciDevices: features.instances['pci.device'].elements.length,
    networkDevices: features.instances['network.device'].elements.length,
  };

  // (a) Warm up (JIT), then time each evaluation; the median is robust to GC pauses.
  for (let i = 0; i < 5000; i++) validateNode(spec, features);
  const samples = 50000;
  const times = new Float64Array(samples);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    validateNode(spec, features);
    times[i] = performance.now() - t;
  }
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  times.sort();
  const report = validateNode(spec, features);
  // Output formatting, for reference (not part of the target).
  const fmtSamples = 5000;
  let f = performance.now();
  for (let i = 0; i < fmtSamples; i++) marshalReport(report);
  const jsonMicros = ((performance.now() - f) * 1000) / fmtSamples;
  f = performance.now();
  for (let i = 0; i < fmtSamples; i++) renderReport(report, { color: true });
  const tableMicros = ((performance.now() - f) * 1000) / fmtSamples;

  // (b) In a child process so its peak RSS is not this process's.
  const child = execFileSync(
    process.execPath,
    ['--expose-gc', join(root, 'bench', 'lib', 'many-nodes.mjs'), '10000'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  const many = JSON.parse(child);

  return {
    singleHost: {
      features: counts,
      evaluations: samples,
      evaluationsPerSecond: Math.round(samples / (elapsedMs / 1000)),
      medianMicros: Number((median(times) * 1000).toFixed(2)),
      // Process CPU time per evaluation (includes the sampling overhead): steadier than wall-clock
      // figures when other work shares the machine.
      cpuMicrosPerEvaluation: Number(((cpu.user + cpu.system) / samples).toFixed(2)),
      p99Micros: Number((times[Math.floor(samples * 0.99)] * 1000).toFixed(2)),
      targetMedianMicros: 50,
      reportJsonMicros: Number(jsonMicros.toFixed(2)),
      reportTableMicros: Number(tableMicros.toFixed(2)),
    },
    tenThousandNodes: { ...many, targetTotalMs: 1000, targetPeakRssMB: 300 },
  };
}
