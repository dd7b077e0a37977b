import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'imgcompat-eval-'));

const SPEC = `version: v1alpha1
compatibilities:
- tag: fast
  weight: 10
  description: "needs <AVX512>"
  rules:
  - name: avx512
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX512F: {op: Exists}
- tag: slow
  rules:
  - name: sse
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        SSE42: {op: Exists}
`;
const FEATURES = JSON.stringify({ flags: { 'cpu.cpuid': { elements: { SSE42: {} } } } });
writeFileSync(join(dir, 'spec.yaml'), SPEC);
writeFileSync(join(dir, 'features.json'), FEATURES);

async function evalCli(args: string[], env: Record<string, string> = {}) {
  const io = memoryIo({ cwd: dir, env });
  const code = await run(['eval', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const base = ['--spec', 'spec.yaml', '--features', 'features.json'];

test('--output json prints NFD json.Marshal bytes and a newline; exit 0 when a set passes', async () => {
  const r = await evalCli([...base, '--output', 'json']);
  assert.equal(r.code, 0);
  assert.equal(
    r.out,
    '[{"rules":[{"name":"avx512","isMatch":false,"matchedExpressions":[{"feature":"cpu.cpuid","name":"AVX512F",' +
      '"expression":{"op":"Exists"},"matcherType":"matchExpression","isMatch":false}]}],' +
      '"description":"needs \\u003cAVX512\\u003e","weight":10,"tag":"fast"},' +
      '{"rules":[{"name":"sse","isMatch":true,"matchedExpressions":[{"feature":"cpu.cpuid","name":"SSE42",' +
      '"expression":{"op":"Exists"},"matcherType":"matchExpression","isMatch":true}]}],"tag":"slow"}]\n',
  );
});

test('table output: NFD tables, then the verdict naming the sets that passed; no colour off a TTY', async () => {
  const r = await evalCli(base);
  assert.equal(r.code, 0);
  assert.ok(!r.out.includes('\x1b'), 'no escape codes when stdout is not a terminal');
  assert.ok(r.out.startsWith('COMPATIBILITY SET #1 Weight: 10; Tag: fast\nDescription: needs <AVX512>\n'));
  assert.match(r.out, /│ RULE: AVX512 - {2}FAIL +│/);
  assert.match(r.out, /│ 1 │ cpu\.cpuid\.SSE42 │ \{op: "Exists"\} │ matchExpression │ OK {5}│/);
  assert.ok(r.out.endsWith('\n\nVerdict: compatible - 1 of 2 sets passed: #2 (tag slow)\n'));
});

test('colour: FORCE_COLOR turns it on in a pipe, NO_COLOR alone keeps it off', async () => {
  const forced = await evalCli(base, { FORCE_COLOR: '1' });
  assert.ok(forced.out.startsWith('\x1b[36;1mCOMPATIBILITY SET #1 \x1b[0m\x1b[36mWeight: 10\x1b[0m'));
  const dumb = await evalCli(base, { FORCE_COLOR: '1', TERM: 'dumb' });
  assert.ok(!dumb.out.includes('\x1b'));
});

test('--tags keeps only sets with those tags (comma-separated and repeatable)', async () => {
  const fast = await evalCli([...base, '--tags', 'fast', '--output', 'json']);
  assert.equal(fast.code, 1, 'the only kept set fails');
  assert.deepEqual(
    (JSON.parse(fast.out) as { tag?: string }[]).map((s) => s.tag),
    ['fast'],
  );
  const both = await evalCli([...base, '--tags', 'slow,other', '--tags', 'fast', '--output', 'json']);
  assert.equal(both.code, 0);
  assert.deepEqual(
    (JSON.parse(both.out) as { tag?: string }[]).map((s) => s.tag),
    ['fast', 'slow'],
  );
});

test('an unknown tag is a usage error naming --tags and the known tags: exit 2, nothing on stdout', async () => {
  for (const output of ['table', 'json', 'yaml']) {
    const r = await evalCli([...base, '--tags', 'gpu', '-o', output]);
    assert.equal(r.code, 2, output);
    assert.equal(r.out, '');
    assert.match(r.err, /--tags: no compatibility set has tag "gpu" \(tags in spec\.yaml: fast, slow\)/);
  }
});

test('exit 1 and an incompatible verdict when no set passes', async () => {
  writeFileSync(join(dir, 'none.json'), JSON.stringify({ flags: { 'cpu.cpuid': { elements: {} } } }));
  const r = await evalCli(['--spec', 'spec.yaml', '--features', 'none.json']);
  assert.equal(r.code, 1);
  assert.ok(r.out.endsWith('Verdict: incompatible - no compatibility set passed (2 evaluated)\n'));
});

test('invalid input files exit 3 with file:line:column, no stack trace', async () => {
  writeFileSync(
    join(dir, 'bad.yaml'),
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: x\n    matchFeatures:\n    - feature: a.b\n      matchExpressions:\n        k: {op: Bogus}\n',
  );
  const bad = await evalCli(['--spec', 'bad.yaml', '--features', 'features.json']);
  assert.equal(bad.code, 3);
  assert.match(bad.err, /bad\.yaml:\d+:\d+/);
  assert.ok(!bad.err.includes('    at '), 'no stack trace');

  const missing = await evalCli(['--spec', 'spec.yaml', '--features', 'nope.json']);
  assert.equal(missing.code, 3);
  assert.match(missing.err, /cannot use --features: nope\.json: cannot read file: no such file/);
});

test('a rule that errors during evaluation (non-integer under Gt) exits 3', async () => {
  writeFileSync(
    join(dir, 'gt.yaml'),
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: n\n    matchFeatures:\n    - feature: cpu.model\n      matchExpressions:\n        family: {op: Gt, value: ["5"]}\n',
  );
  writeFileSync(
    join(dir, 'gt.json'),
    JSON.stringify({ attributes: { 'cpu.model': { elements: { family: 'six' } } } }),
  );
  const r = await evalCli(['--spec', 'gt.yaml', '--features', 'gt.json']);
  assert.equal(r.code, 3);
  assert.match(r.err, /not a number/);
  assert.equal(r.out, '');
});

test('a missing required flag is a usage error (exit 2)', async () => {
  const r = await evalCli(['--spec', 'spec.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--features/);
});

test('the bundled example: the seed spec against examples/features.json', async () => {
  const io = memoryIo({ cwd: repo });
  const code = await run(
    ['eval', '--spec', 'examples/spec.yaml', '--features', 'examples/features.json'],
    io,
  );
  const out = io.out();
  // vfio-pci is loaded and the CPU is Intel, but the only NICs are 15b3 and 8086, not 0eee/0fff.
  assert.match(out, /RULE: KERNEL AND CPU - {2}OK/);
  assert.match(out, /│ \d │ kernel\.loadedmodule\.vfio-pci │ \{op: "Exists"\} +│ matchExpression │ OK/);
  assert.match(out, /RULE: ONE OF AVAILABLE NICS - {2}FAIL/);
  assert.match(out, /│ \d │ pci\.device\.class +│ \{op: "In", value: \["0200"\]\} │ matchExpression │ OK/);
  assert.match(out, /│ \d │ pci\.device\.vendor +│ \{op: "In", value: \["0eee"\]\} │ matchExpression │ FAIL/);
  assert.equal(code, 1);
  assert.ok(out.endsWith('Verdict: incompatible - no compatibility set passed (1 evaluated)\n'));
});

test('eval takes the output flags validate-node takes: -o yaml, --output-json, --summary in each format', async () => {
  const json = await evalCli([...base, '-o', 'json']);
  // NFD's flag: NFD's exact bytes, without the newline `-o json` ends with.
  assert.equal(`${(await evalCli([...base, '--output-json'])).out}\n`, json.out);
  const yaml = await evalCli([...base, '-o', 'yaml']);
  assert.equal(yaml.code, json.code);
  assert.deepEqual(parseYaml(yaml.out), JSON.parse(json.out));
  const summary = await evalCli([...base, '--summary', '-o', 'json']);
  assert.ok(summary.out.endsWith('}\n'));
  const s = JSON.parse(summary.out) as { compatible: boolean; sets: { tag: string; compatible: boolean }[] };
  assert.deepEqual(
    s.sets.map((x) => [x.tag, x.compatible]),
    [
      ['fast', false],
      ['slow', true],
    ],
  );
  assert.deepEqual(parseYaml((await evalCli([...base, '--summary', '-o', 'yaml'])).out), s);
  const text = await evalCli([...base, '--summary']);
  assert.equal(text.code, 0);
  assert.equal(
    text.out,
    'spec.yaml: compatible\n' +
      '  set #1 (tag fast): incompatible - rule avx512: cpu.cpuid.AVX512F Exists\n' +
      '  set #2 (tag slow): compatible\n',
  );
});

test('--explain: the default output unchanged, then each expression with the host value and the reason', async () => {
  const plain = await evalCli(base);
  const r = await evalCli([...base, '--explain']);
  assert.equal(r.code, 0);
  assert.ok(r.out.startsWith(plain.out));
  assert.equal(
    r.out.slice(plain.out.length),
    [
      '',
      'Explanation:',
      'Set #1 (tag fast): incompatible',
      '  Rule "avx512": FAIL',
      '    matchFeatures:',
      '      FAIL cpu.cpuid AVX512F {op: "Exists"}',
      '           host: absent',
      '           why: "AVX512F" is not in cpu.cpuid (1 element)',
      'Set #2 (tag slow): compatible',
      '  Rule "sse": OK',
      '    matchFeatures:',
      '      OK   cpu.cpuid SSE42 {op: "Exists"}',
      '           host: present',
      '',
    ].join('\n'),
  );
});

test('--explain -o json: NFD fields unchanged, an explain object per set', async () => {
  const plain = JSON.parse((await evalCli([...base, '-o', 'json'])).out);
  const r = await evalCli([...base, '-o', 'json', '--explain']);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.out);
  assert.deepEqual(
    doc.map(({ explain: _, ...rest }: Record<string, unknown>) => rest),
    plain,
  );
  assert.deepEqual(doc[0].explain, {
    verdict: 'incompatible',
    rules: [
      {
        name: 'avx512',
        isMatch: false,
        matchFeatures: {
          isMatch: false,
          held: 0,
          total: 1,
          terms: [
            {
              feature: 'cpu.cpuid',
              isMatch: false,
              expressions: [
                {
                  name: 'AVX512F',
                  matcherType: 'matchExpression',
                  expression: { op: 'Exists' },
                  isMatch: false,
                  actual: { present: false },
                  reason: '"AVX512F" is not in cpu.cpuid (1 element)',
                },
              ],
            },
          ],
        },
      },
    ],
  });
  assert.equal(doc[1].explain.verdict, 'compatible');
});
