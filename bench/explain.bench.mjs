// Issue 13: what `--explain` adds to evaluation. The seed spec (examples/spec.yaml) on one realistic
// host, evaluated repeatedly in this process, once as validate-node does without `--explain`
// (`validateNode`) and once with the traces (`validateNodeExplained`), interleaved in rounds so that
// load on the machine hits both alike. Target: the traces add <= 20% to the median evaluation time.
// A second case uses a spec of many rules over instance features (PCI), the costliest to explain.
import { performance } from 'node:perf_hooks';
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
  // Cold: every evaluation on a features object never seen before (as for the nodes of a cluster),
  // so neither the engine's caches nor the explanations' apply.
  const coldCount = 1500;
  const hostsA = Array.from({ length: coldCount }, (_, i) => realisticFeatures(1000 + i));
  const hostsB = Array.from({ length: coldCount }, (_, i) => realisticFeatures(1000 + i));
  const warm = Array.from({ length: 200 }, (_, i) => realisticFeatures(9000 + i));
  for (const h of warm) {
    validateNode(spec, h);
    validateNodeExplained(spec, h);
  }
  // Interleaved host by host, so that load and garbage collection fall on both sides alike.
  let coldPlain = 0;
  let coldExplained = 0;
  for (let i = 0; i < coldCount; i++) {
    let t = performance.now();
    validateNode(spec, hostsA[i]);
    coldPlain += performance.now() - t;
    t = performance.now();
    validateNodeExplained(spec, hostsB[i]);
    coldExplained += performance.now() - t;
  }
  coldPlain = (coldPlain * 1000) / coldCount;
  coldExplained = (coldExplained * 1000) / coldCount;
  return {
    seedSpec: { ...seed, targetOverheadPercent: 20 },
    // Not held to the target: each host's explanation is computed in full, its cost near the engine's.
    seedSpecColdHosts: {
      hosts: coldCount,
      plainMeanMicros: Math.round(coldPlain * 100) / 100,
      explainMeanMicros: Math.round(coldExplained * 100) / 100,
      explainOverheadPercent: Math.round(((coldExplained - coldPlain) / coldPlain) * 1000) / 10,
    },
    pci50Rules: {
      pciDevices: features.instances['pci.device'].elements.length,
      ...pciCase,
      targetOverheadPercent: 20,
    },
  };
}
