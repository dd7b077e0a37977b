/**
 * Resource-budget suite (issue 11): generated hostile templates (deep nesting, huge counts and
 * widths, nested loops, value doubling) and ordinary generated ones, each put in a spec and run
 * through `validate-spec` and `eval` in-process. Every run must end with a documented exit code
 * (0, 1 or 3), never 70, never an uncaught error or a stack trace, within a generous time budget
 * per run (a stall, not a speed measure: speed is in bench/limits.bench.mjs). On failure fast-check
 * prints the seed and path to replay; IMGCOMPAT_LIMITS_RUNS sets the number of cases.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import fc from 'fast-check';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { labelsTemplateArb } from '../template/arbitraries.ts';

const RUNS = Number(process.env.IMGCOMPAT_LIMITS_RUNS ?? 40);
/** Per command run: far above the limits' worst case (about 1 s), far below a stall. */
const TIME_BUDGET_MS = 30_000;

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-limits-budget-'));
writeFileSync(
  join(dir, 'f.json'),
  JSON.stringify({
    flags: { 'cpu.cpuid': { elements: { AVX: {}, AVX2: {} } } },
    attributes: { 'kernel.version': { elements: { major: '6', full: '6.1.0' } } },
  }),
);

const big = fc.constantFrom(0, 1, 7, 1000, 100_000, 1_000_000, 999_999_999, 2 ** 31, -5);
const depth = fc.integer({ min: 0, max: 4000 });

const hostile: fc.Arbitrary<string> = fc.oneof(
  depth.map((n) => `{{${'('.repeat(n)}1${')'.repeat(n)}}}`),
  depth.map((n) => `{{${'print ('.repeat(n)}1${')'.repeat(n)}}}`),
  depth.map((n) => `${'{{if true}}'.repeat(n)}x${'{{end}}'.repeat(n)}`),
  depth.map((n) => `${'{{range $i := until 2}}'.repeat(n % 400)}x${'{{end}}'.repeat(n % 400)}`),
  depth.map(
    (n) => `{{define "r"}}{{if .}}{{template "r" (sub . 1)}}{{end}}{{end}}{{template "r" ${n * 10}}}`,
  ),
  fc
    .tuple(big, fc.constantFrom('repeat', 'until', 'indent', 'nindent'))
    .map(([n, f]) => (f === 'until' ? `{{until ${n}}}` : `{{${f} ${n} "ab\\ncd"}}`)),
  fc.tuple(big, big).map(([a, b]) => `{{printf "%${a}.${b}f|%*d" 1.5 ${a} 2}}`),
  fc
    .tuple(big, big)
    .map(([a, b]) => `{{$s := repeat ${a % 2_000_000} "a"}}{{replace "a" (repeat ${b % 5000} "b") $s}}`),
  fc.integer({ min: 1, max: 4 }).map((k) => `${'{{range until 1000}}'.repeat(k)}x${'{{end}}'.repeat(k)}`),
  fc
    .integer({ min: 1, max: 80 })
    .map((k) => `{{$a := list 1}}{{range until ${k}}}{{$a = list $a $a}}{{end}}{{$a}}`),
  fc
    .integer({ min: 1, max: 80 })
    .map((k) => `{{$s := "ab"}}{{range until ${k}}}{{$s = printf "%s%s" $s $s}}{{end}}{{len $s}}`),
  fc.constant('{{$d := dict}}{{$_ := set $d "x" $d}}{{$d}}'),
);

function spec(template: string): string {
  return `version: v1alpha1
compatibilities:
- rules:
  - name: generated
    varsTemplate: ${JSON.stringify(template)}
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX: {op: Exists}
`;
}

async function cli(args: string[]): Promise<{ code: number; text: string; ms: number }> {
  const io = memoryIo({ cwd: dir });
  const t0 = performance.now();
  const code = await run(args, io);
  return { code, text: io.err() + io.out(), ms: performance.now() - t0 };
}

let n = 0;
async function check(template: string): Promise<void> {
  const file = `s${n++}.yaml`;
  writeFileSync(join(dir, file), spec(template));
  for (const args of [
    ['validate-spec', file],
    ['eval', '--spec', file, '--features', 'f.json'],
  ]) {
    const r = await cli(args);
    assert.ok([0, 1, 3].includes(r.code), `${args[0]}: exit ${r.code}\n${r.text.slice(0, 500)}`);
    assert.doesNotMatch(r.text, /^\s+at |internal error|RangeError|heap/m, args[0]);
    assert.ok(r.ms < TIME_BUDGET_MS, `${args[0]} took ${Math.round(r.ms)} ms`);
  }
}

test('hostile templates end with a documented exit code, bounded', async () => {
  await fc.assert(fc.asyncProperty(hostile, check), { numRuns: RUNS });
});

test('ordinary generated templates end with a documented exit code', async () => {
  await fc.assert(fc.asyncProperty(labelsTemplateArb, check), { numRuns: RUNS });
});
