// Issue 13: `imgcompat lint` in-process on one NodeFeatureRule of 1,000 rules (each with a cpuid term,
// a kernel.version range, a pci.device term and a rule.matched back-reference to the previous rule's
// label, every tenth with a labelsTemplate over the matched PCI devices, so every check runs), from
// text to findings (YAML decode and NFD validation included).
// Target: <= 200 ms per lint of the 1,000-rule file.
import { performance } from 'node:perf_hooks';
import { buildModule } from './lib/seed-spec.mjs';

const RULES = 1000;

function ruleFile() {
  let out =
    'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata:\n  name: bench\nspec:\n  rules:\n';
  for (let i = 0; i < RULES; i++) {
    out += `  - name: rule-${i}
    labels:
      feature-${i}: "true"
${
  i % 10 === 0
    ? `    labelsTemplate: |
      {{range .pci.device}}gpu-${i}-{{.vendor}}={{add .class 0}}
      {{end}}
`
    : ''
}    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX2: {op: Exists}
        ${i % 10 === 0 ? 'avx512f' : 'AVX512F'}: {op: Exists}
    - feature: kernel.version
      matchExpressions:
        major: {op: Gt, value: ["${i % 7}"]}
    - feature: pci.device
      matchExpressions:
        vendor: {op: In, value: ["10de"]}
        class: {op: In, value: ["0300", "0302"]}
${
  i > 0
    ? `    - feature: rule.matched
      matchExpressions:
        feature-${i - 1}: {op: IsTrue}
`
    : ''
}`;
  }
  return out;
}

export async function run() {
  const { lintText } = await buildModule('lint/lint.js');
  const text = ruleFile();
  let findings = 0;
  for (let i = 0; i < 3; i++) findings = lintText(text, 'bench.yaml').findings.length; // warm-up
  const runs = 15;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    lintText(text, 'bench.yaml');
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    rules: RULES,
    bytes: text.length,
    findings,
    runs,
    medianMs: Math.round(times[Math.floor(runs / 2)] * 10) / 10,
    maxMs: Math.round(times[runs - 1] * 10) / 10,
    targetMs: 200,
  };
}
