// Issue 11: the worst case of each template, YAML and scale class, each run once in a fresh child process
// (bench/lib/limits-case.mjs) through the CLI's in-process `run`, so the peak RSS is the case's own.
// Reports wall time, peak RSS and exit code per case against the targets (<= 2 s, <= 300 MB), and the
// exit code the case must end with (3 for a hostile template refused as an invalid input file; 0 or 1
// for the scale cases, which must be evaluated). Needs `npx tsc -p tsconfig.json` (build/).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './lib/seed-spec.mjs';

const TARGET_MS = 2000;
const TARGET_RSS_MB = 300;

/** [case, exit codes it may end with]. */
const CASES = [
  ['class1-parentheses-1700', [3]],
  ['class1-if-2000', [3]],
  ['class1-print-3000', [3]],
  ['class2-printf-precision', [0, 1]],
  ['class2-replace-over-repeat', [3]],
  ['class2-nested-range-until-1000', [3]],
  ['class12-2000-rules-85000-pci', [0, 1]],
  ['class12-4MB-spec-95000-expressions', [0, 1]],
  // Class 3: the YAML reader on its worst inputs (valid ones load; hostile ones are refused, exit 3).
  ['class3-4MB-spec-95000-expressions-validate', [0]],
  ['class3-flat-flow-list-999000-scalars', [0]],
  ['class3-flat-flow-list-over-node-limit', [3]],
  ['class3-flat-flow-list-with-a-tab', [3]],
  ['class3-deep-flow-nesting-4MiB', [3]],
  ['class3-1000000-documents', [3]],
  ['class3-lint-1000-rules', [0, 1]],
];

export async function run() {
  const results = {};
  for (const [name, exits] of CASES) {
    const out = execFileSync(process.execPath, [join(root, 'bench', 'lib', 'limits-case.mjs'), name], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      timeout: 600_000,
    });
    const r = JSON.parse(out);
    results[name] = {
      command: r.command,
      inputBytes: r.inputBytes,
      exitCode: r.exitCode,
      expectedExitCodes: exits,
      ms: r.ms,
      cpuMs: r.cpuMs,
      peakRssMB: r.peakRssMB,
      stderrBytes: r.stderrBytes,
      stderrHead: r.stderrHead,
      withinTargets: exits.includes(r.exitCode) && r.ms <= TARGET_MS && r.peakRssMB <= TARGET_RSS_MB,
    };
  }
  return { targetMs: TARGET_MS, targetPeakRssMB: TARGET_RSS_MB, cases: results };
}
