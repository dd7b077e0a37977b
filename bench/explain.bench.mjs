// Issue 13: what `--explain` adds to evaluation. The seed spec (examples/spec.yaml) on one realistic
// host, evaluated repeatedly in this process, once as validate-node does without `--explain`
// (`validateNode`) and once with the traces (`validateNodeExplained`), interleaved in rounds so that
// load on the machine hits both alike. Target: the traces add <= 20% to the median evaluation time.
// A second case uses a spec of many rules over instance features (PCI), the costliest to explain.
// A third evaluates every host once, each on a host never seen before, as `cluster validate` does per
// node: the hosts are JSON round-tripped (a node's features are parsed from its NodeFeature object),
// generated in small batches outside the timed part, each batch evaluated plainly and with the traces
// (two identical copies of it), the order alternating between rounds, a minor GC before each.
// Reported: the medians, the median of the per-round ratios with its quartiles, and the load average
// during that case.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { realisticFeatures } from './lib/features-gen.mjs';
import { buildModule, loadSeedSpec } from './lib/seed-spec.mjs';

function median(sorted) {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

function measure(fn, rounds, perRound) {
  const times = new Float64Array(rounds);
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < perRound; i++) fn();
    times[r] = ((performance.now() - t) * 1000) / perRound;
  }
  return times;
}

function compare(plain, explained, rounds, perRound) {
  for (let i = 0; i < 2000; i++) {
    plain();
    explained();
  }
  const a = new Float64Array(rounds);
  const b = new Float64Array(rounds);
  const ratio = new Float64Array(rounds);
  // Interleaved rounds, alternating which side goes first: a load spike slows both sides of a pair,
  // and the median of the per-pair ratios ignores the pairs it hit unevenly.
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      a[r] = measure(plain, 1, perRound)[0];
      b[r] = measure(explained, 1, perRound)[0];
    } else {
      b[r] = measure(explained, 1, perRound)[0];
      a[r] = measure(plain, 1, perRound)[0];
    }
    ratio[r] = b[r] / a[r];
  }
  a.sort();
  b.sort();
  ratio.sort();
  return {
    plainMedianMicros: Math.round(median(a) * 100) / 100,
    explainMedianMicros: Math.round(median(b) * 100) / 100,
    explainOverheadPercent: Math.round((median(ratio) - 1) * 1000) / 10,
  };
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Each host evaluated once, on features never seen before (no cache of the engine or of the
 * explanations applies): `rounds` batches of `batch` hosts, each batch twice (identical copies), once
 * plain and once explained, the side that goes first alternating.
 */
function coldHosts(spec, plain, explained, rounds, batch) {
  const load = [os.loadavg()[0]];
  let seed = 100000;
  const makeBatch = (from) =>
    Array.from({ length: batch }, (_, i) => JSON.parse(JSON.stringify(realisticFeatures(from + i))));
  // Warm-up on hosts of their own.
  for (let r = 0; r < 10; r++) {
    for (const h of makeBatch(seed)) plain(spec, h);
    for (const h of makeBatch(seed)) explained(spec, h);
    seed += batch;
  }
  // A young-generation collection before each timed batch: the batch just made (and the other
  // side's garbage) is not collected on the clock of whichever side happens to fill the nursery.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const time = (fn, hosts) => {
    gc({ type: 'minor' });
    const t = performance.now();
    for (const h of hosts) fn(spec, h);
    return ((performance.now() - t) * 1000) / hosts.length;
  };
  const a = new Float64Array(rounds);
  const b = new Float64Array(rounds);
  const ratio = new Float64Array(rounds);
  for (let r = 0; r < rounds; r++) {
    const forPlain = makeBatch(seed);
    const forExplained = makeBatch(seed);
    seed += batch;
    if (r % 2 === 0) {
      a[r] = time(plain, forPlain);
      b[r] = time(explained, forExplained);
    } else {
      b[r] = time(explained, forExplained);
      a[r] = time(plain, forPlain);
    }
    ratio[r] = b[r] / a[r];
  }
  load.push(os.loadavg()[0]);
  a.sort();
  b.sort();
  ratio.sort();
  const pct = (x) => Math.round((x - 1) * 1000) / 10;
  return {
    hosts: rounds * batch,
    batch,
    plainMedianMicros: Math.round(median(a) * 100) / 100,
    explainMedianMicros: Math.round(median(b) * 100) / 100,
    explainOverheadPercent: pct(median(ratio)),
    overheadQuartilesPercent: [pct(quantile(ratio, 0.25)), pct(quantile(ratio, 0.75))],
    loadAverage1m: { before: Math.round(load[0] * 100) / 100, after: Math.round(load[1] * 100) / 100 },
  };
}

/** Many rules on instance features: `count` rules, each a vendor/class pair over pci.device. */
function pciSpec(count) {
  const rules = [];
  for (let i = 0; i < count; i++) {
    rules.push({
      name: `pci-${i}`,
      matchFeatures: [
        {
          feature: 'pci.device',
          matchExpressions: {
            vendor: { op: 'In', value: [(0x8000 + i).toString(16)] },
            class: { op: 'In', value: ['0200', '0300'] },
          },
        },
      ],
    });
  }
  return { version: 'v1alpha1', compatibilities: [{ description: 'pci', rules }] };
}

export async function run() {
  const { validateNode } = await buildModule('core/report/node-validator.js');
  const { validateNodeExplained } = await buildModule('core/report/explain.js');
  const spec = await loadSeedSpec();
  const features = realisticFeatures(42);
  const seed = compare(
    () => validateNode(spec, features),
    () => validateNodeExplained(spec, features),
    600,
    100,
  );
  const pci = pciSpec(50);
  const pciCase = compare(
    () => validateNode(pci, features),
    () => validateNodeExplained(pci, features),
    100,
    20,
  );
  const cold = coldHosts(spec, validateNode, validateNodeExplained, 80, 100);
  return {
    seedSpec: { ...seed, targetOverheadPercent: 20 },
    seedSpecNewHosts: { ...cold, targetOverheadPercent: 20 },
    pci50Rules: {
      pciDevices: features.instances['pci.device'].elements.length,
      ...pciCase,
      targetOverheadPercent: 20,
    },
  };
}
