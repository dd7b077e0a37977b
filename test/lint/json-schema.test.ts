import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { nfrSchema, specSchema } from '../../src/lint/json-schema.ts';
import { validate } from './json-schema-validator.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const spec = specSchema();
const nfr = nfrSchema();

describe('the validator used here', () => {
  test('rejects what a schema forbids and accepts what it allows', () => {
    const s = {
      type: 'object',
      properties: { a: { enum: ['x'] } },
      required: ['a'],
      additionalProperties: false,
    };
    assert.deepEqual(validate(s, { a: 'x' }), []);
    assert.equal(validate(s, {}).length, 1);
    assert.equal(validate(s, { a: 'y' }).length, 1);
    assert.equal(validate(s, { a: 'x', b: 1 }).length, 1);
  });
});

describe('spec schema', () => {
  const examples = readdirSync(join(repo, 'examples')).filter((f) => f.endsWith('.yaml'));
  test('there are examples to check', () => assert.ok(examples.length >= 2));
  for (const f of examples) {
    test(`accepts examples/${f}`, () => {
      const doc = parse(readFileSync(join(repo, 'examples', f), 'utf8'));
      assert.deepEqual(validate(spec, doc), []);
    });
  }
  test('accepts every spec of the NFD conformance vectors (node-validator tests)', () => {
    const vectors = JSON.parse(readFileSync(join(repo, 'test/conformance/vectors.json'), 'utf8')) as {
      kind: string;
      id: string;
      input: unknown;
    }[];
    const specs = vectors.filter((v) => v.kind === 'node-validator');
    assert.ok(specs.length > 10);
    for (const v of specs) assert.deepEqual(validate(spec, v.input), [], v.id);
  });
  test('accepts the rules of the NFD rule-sequence vectors, rejects the erroring ones', () => {
    const vectors = JSON.parse(readFileSync(join(repo, 'test/conformance/vectors.json'), 'utf8')) as {
      kind: string;
      id: string;
      input: unknown[];
    }[];
    const seqs = vectors.filter((v) => v.kind === 'rule-sequence');
    assert.ok(seqs.length > 0);
    const ruleSchema = { ...nfr, oneOf: undefined, $ref: '#/definitions/rule' };
    for (const v of seqs) {
      const errors = v.input.flatMap((r) => validate(ruleSchema, r));
      // The sequences named "error" hold a rule NFD fails with an evaluation error: the schema rejects it.
      if (v.id.includes('error')) assert.ok(errors.length > 0, v.id);
      else assert.deepEqual(errors, [], v.id);
    }
  });

  const bad: [string, string, RegExp][] = [
    ['no version', 'compatibilities: []', /must have required property 'version'/],
    ['unknown op', expr('{op: Foo}'), /\/op: must be equal to one of the allowed values/],
    ['In without values', expr('{op: In}'), /must have required property 'value'/],
    ['In []', expr('{op: In, value: []}'), /must NOT have fewer than 1 items/],
    ['Exists with a value', expr('{op: Exists, value: ["a"]}'), /must NOT have more than 0 items/],
    ['Gt with two values', expr('{op: Gt, value: ["1", "2"]}'), /must NOT have more than 1 items/],
    ['Gt on a non-integer', expr('{op: Gt, value: ["4.18"]}'), /must match pattern/],
    ['GtLt with one value', expr('{op: GtLt, value: ["1"]}'), /must NOT have fewer than 2 items/],
    [
      'an unknown type',
      expr('{op: Gt, value: ["1"], type: semver}'),
      /\/type: must be equal to one of the allowed values/,
    ],
    [
      'a misspelt field',
      expr('{op: Exists, values: ["a"]}'),
      /must NOT have additional properties {"additionalProperty":"values"}/,
    ],
    [
      'a rule without a name',
      'version: v1alpha1\ncompatibilities:\n- rules:\n  - matchFeatures: []\n',
      /must have required property 'name'/,
    ],
  ];
  for (const [what, text, why] of bad) {
    test(`rejects ${what}`, () => {
      const errors = validate(spec, parse(text));
      assert.ok(errors.length > 0, what);
      assert.match(errors.join('\n'), why);
    });
  }
  test('Gt on a non-integer is fine as a version', () => {
    assert.deepEqual(validate(spec, parse(expr('{op: Gt, value: ["4.18"], type: version}'))), []);
  });
});

function expr(e: string): string {
  return `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: kernel.version
      matchExpressions:
        full: ${e}
`;
}

describe('nfr schema', () => {
  const rule = `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: x
spec:
  rules:
  - name: a
    labels:
      avx2: "true"
    taints:
    - {key: k, effect: NoSchedule}
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX2: {op: Exists}
`;
  const group = `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureGroup
metadata:
  name: g
spec:
  featureGroupRules:
  - name: a
    matchAny:
    - matchFeatures:
      - feature: kernel.loadedmodule
        matchName: {op: In, value: ["vfio_pci"]}
`;
  test('accepts a NodeFeatureRule and a NodeFeatureGroup', () => {
    assert.deepEqual(validate(nfr, parse(rule)), []);
    assert.deepEqual(validate(nfr, parse(group)), []);
  });
  test('rejects labels on a group rule, a bad taint effect, an unknown kind', () => {
    assert.ok(
      validate(nfr, parse(group.replace('  - name: a\n', '  - name: a\n    labels: {x: "y"}\n'))).length > 0,
    );
    assert.ok(validate(nfr, parse(rule.replace('NoSchedule', 'Never'))).length > 0);
    assert.ok(validate(nfr, parse(rule.replace('kind: NodeFeatureRule', 'kind: NodeFeature'))).length > 0);
  });
});

test('imgcompat schema spec|nfr prints the schemas', async () => {
  for (const [kind, want] of [
    ['spec', spec],
    ['nfr', nfr],
  ] as const) {
    const io = memoryIo({ cwd: repo });
    assert.equal(await run(['schema', kind], io), 0);
    assert.deepEqual(JSON.parse(io.out()), want);
  }
  const io = memoryIo({ cwd: repo });
  assert.equal(await run(['schema', 'features'], io), 2);
  assert.match(io.err(), /spec, nfr/);
});

test('feature names are offered with their type and description', () => {
  const names = (spec.definitions as Record<string, { anyOf: { const?: string; description?: string }[] }>)
    .featureName!.anyOf;
  const cpuid = names.find((n) => n.const === 'cpu.cpuid');
  assert.match(cpuid?.description ?? '', /^flag: /);
  assert.match(names.find((n) => n.const === 'pci.device')?.description ?? '', /^instance: /);
});
