// One worst case of issue 11 (templates and scale), run in this process through the CLI's `run`
// (build/src/cli/main.js) on files generated into a temporary directory. Prints one JSON line:
// { name, command, exitCode, ms, peakRssMB, stderrHead }. Used by bench/limits.bench.mjs, which runs
// each case in a fresh child process so that its peak RSS is its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { root } from './seed-spec.mjs';

const { memoryIo } = await import(pathToFileURL(join(root, 'build/src/cli/io.js')).href);
const { run } = await import(pathToFileURL(join(root, 'build/src/cli/main.js')).href);

function templateSpec(template) {
  return `version: v1alpha1
compatibilities:
- rules:
  - name: hostile
    varsTemplate: ${JSON.stringify(template)}
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX: {op: Exists}
`;
}

const CPU_FEATURES = JSON.stringify({ flags: { 'cpu.cpuid': { elements: { AVX: {} } } } });

/** 85,000 PCI device instances, as a large host's features might hold. */
function pciFeatures(n) {
  const elements = [];
  for (let i = 0; i < n; i++) {
    elements.push({
      attributes: { vendor: (0x1000 + (i % 4096)).toString(16), class: i % 7 === 0 ? '0300' : '0200' },
    });
  }
  return JSON.stringify({ instances: { 'pci.device': { elements } } });
}

/** `rules` rules, each with regexps, version-free integer ops and set ops over pci.device. */
function pciRulesSpec(rules) {
  let s = 'version: v1alpha1\ncompatibilities:\n- rules:\n';
  for (let i = 0; i < rules; i++) {
    s += `  - name: rule-${i}
    matchFeatures:
    - feature: pci.device
      matchExpressions:
        vendor: {op: InRegexp, value: ["^1${(i % 16).toString(16)}[0-9a-f]{2}$"]}
        class: {op: In, value: ["0300", "0302"]}
`;
  }
  return s;
}

/** A spec of about 4 MB holding `n` expressions (one compatibility set, many rules). */
function bigSpec(n) {
  let s = 'version: v1alpha1\ncompatibilities:\n- rules:\n';
  const perRule = 100;
  for (let r = 0; r * perRule < n; r++) {
    s += `  - name: rule-${r}\n    matchFeatures:\n    - feature: cpu.cpuid\n      matchExpressions:\n`;
    for (let e = 0; e < perRule && r * perRule + e < n; e++) {
      s += `        x${e}: {op: In, value: [a${e}, b${e}]}\n`;
    }
  }
  return s;
}

/** One In expression whose value is a flat flow list of `n` two-letter scalars (about 4n bytes). */
function flatListSpec(n) {
  return `version: v1alpha1
compatibilities:
- rules:
  - name: flat
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX: {op: In, value: [${'ab, '.repeat(n - 1)}ab]}
`;
}

/** A NodeFeatureRule of `rules` rules, the shape of bench/lint.bench.mjs. */
function ruleFile(rules) {
  let out =
    'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata:\n  name: bench\nspec:\n  rules:\n';
  for (let i = 0; i < rules; i++) {
    out += `  - name: rule-${i}
    labels:
      feature-${i}: "true"
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX2: {op: Exists}
    - feature: pci.device
      matchExpressions:
        vendor: {op: In, value: ["10de"]}
        class: {op: In, value: ["0300", "0302"]}
`;
  }
  return out;
}

const CASES = {
  'class1-parentheses-1700': () => ({
    files: { 's.yaml': templateSpec(`{{${'('.repeat(1700)}1${')'.repeat(1700)}}}`) },
    args: ['validate-spec', 's.yaml'],
  }),
  'class1-if-2000': () => ({
    files: { 's.yaml': templateSpec(`${'{{if true}}'.repeat(2000)}x${'{{end}}'.repeat(2000)}`) },
    args: ['validate-spec', 's.yaml'],
  }),
  'class1-print-3000': () => ({
    files: { 's.yaml': templateSpec(`{{${'print ('.repeat(3000)}1${')'.repeat(3000)}}}`) },
    args: ['validate-spec', 's.yaml'],
  }),
  'class2-printf-precision': () => ({
    files: { 's.yaml': templateSpec('{{printf "x=%.999999999f" 1.0}}'), 'f.json': CPU_FEATURES },
    args: ['eval', '--spec', 's.yaml', '--features', 'f.json', '--output', 'json'],
  }),
  'class2-replace-over-repeat': () => ({
    files: {
      's.yaml': templateSpec('{{$s := repeat 1000000 "a"}}{{replace "a" (repeat 1000 "b") $s}}'),
      'f.json': CPU_FEATURES,
    },
    args: ['eval', '--spec', 's.yaml', '--features', 'f.json'],
  }),
  'class2-nested-range-until-1000': () => ({
    files: {
      's.yaml': templateSpec(
        '{{range until 1000}}{{range until 1000}}{{range until 1000}}x{{end}}{{end}}{{end}}',
      ),
      'f.json': CPU_FEATURES,
    },
    args: ['eval', '--spec', 's.yaml', '--features', 'f.json'],
  }),
  'class12-2000-rules-85000-pci': () => ({
    files: { 's.yaml': pciRulesSpec(2000), 'f.json': pciFeatures(85000) },
    args: ['eval', '--spec', 's.yaml', '--features', 'f.json', '--output', 'json'],
  }),
  'class12-4MB-spec-95000-expressions': () => ({
    files: { 's.yaml': bigSpec(95000), 'f.json': CPU_FEATURES },
    args: ['eval', '--spec', 's.yaml', '--features', 'f.json', '--output', 'json'],
  }),
  // Class 3, the YAML reader at its limits: each input is just under the 4 MiB size cap.
  'class3-4MB-spec-95000-expressions-validate': () => ({
    files: { 's.yaml': bigSpec(95000) },
    args: ['validate-spec', 's.yaml'],
  }),
  'class3-flat-flow-list-999000-scalars': () => ({
    files: { 's.yaml': flatListSpec(999_000) },
    args: ['validate-spec', 's.yaml'],
  }),
  'class3-flat-flow-list-over-node-limit': () => ({
    files: { 's.yaml': `[${'a, '.repeat(1_398_000)}a]\n` },
    args: ['validate-spec', 's.yaml'],
  }),
  // One tab sends the file to the general YAML reader (outside the fast subset), which has its own
  // node limit (go-yaml.ts MAX_NODES_OUTSIDE_SUBSET).
  'class3-flat-flow-list-with-a-tab': () => ({
    files: { 's.yaml': flatListSpec(999_000).replace('AVX:', 'AVX:\t') },
    args: ['validate-spec', 's.yaml'],
  }),
  'class3-deep-flow-nesting-4MiB': () => ({
    files: { 's.yaml': '['.repeat(4 * 1024 * 1024 - 1) },
    args: ['validate-spec', 's.yaml'],
  }),
  'class3-1000000-documents': () => ({
    files: { 's.yaml': '---\n'.repeat(1_000_000) },
    args: ['validate-spec', 's.yaml'],
  }),
  'class3-lint-1000-rules': () => ({
    files: { 'r.yaml': ruleFile(1000) },
    args: ['lint', 'r.yaml'],
  }),
};

export const CASE_NAMES = Object.keys(CASES);

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const name = process.argv[2];
  const make = CASES[name];
  if (!make) throw new Error(`unknown case ${name}`);
  const dir = mkdtempSync(join(tmpdir(), 'imgcompat-bench-limits-'));
  try {
    const { files, args } = make();
    let inputBytes = 0;
    for (const [f, text] of Object.entries(files)) {
      writeFileSync(join(dir, f), text);
      inputBytes += Buffer.byteLength(text);
    }
    const io = memoryIo({ cwd: dir });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const exitCode = await run(args, io);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const err = io.err();
    process.stdout.write(
      `${JSON.stringify({
        name,
        command: `imgcompat ${args.join(' ')}`,
        inputBytes,
        exitCode,
        ms: Math.round(ms),
        // CPU time (user + system) of the run: steadier than wall time on a shared machine.
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        stderrBytes: Buffer.byteLength(err),
        stderrHead: err.slice(0, 200),
      })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
