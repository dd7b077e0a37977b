/**
 * generate-nfr's shape: names in spec order, the companion rule for a rule whose matchAny failed, the
 * spec's first rule reading rule.matched, and the warning for a key no earlier rule sets. (Equivalence
 * with validate-node: generate-equivalence.test.ts and test/e2e/nfd-master-equivalence.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Spec } from '../../src/core/model/spec.ts';
import { generateNodeFeatureRules } from '../../src/k8s/generate-nfr.ts';

const DIGEST = `sha256:${'0123456789ab'.repeat(5)}0123`;

const spec = (compatibilities: Spec['compatibilities']): Spec => ({ version: 'v1alpha1', compatibilities });

test('objects are named in spec order, zero-padded to the number of sets', () => {
  const sets = Array.from({ length: 11 }, (_, i) => ({ tag: i === 1 ? 'zeta' : `t${i}`, rules: [] }));
  const names = generateNodeFeatureRules(spec(sets), { digest: DIGEST }).objects.map((o) => o.metadata.name);
  assert.equal(names[0], 'imgcompat-0123456789ab-01-t0');
  assert.equal(names[1], 'imgcompat-0123456789ab-02-zeta');
  assert.equal(names[10], 'imgcompat-0123456789ab-11-t10');
  assert.deepEqual([...names].sort(), names);
});

test('a rule with matchAny and vars read later gets a companion that feeds its vars when it did not match', () => {
  const g = generateNodeFeatureRules(
    spec([
      {
        rules: [
          {
            name: 'gpu',
            vars: { gpu: 'true' },
            matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { AVX: { op: 'Exists' } } }],
            matchAny: [
              {
                matchFeatures: [
                  { feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: ['10de'] } } },
                ],
              },
            ],
          },
        ],
      },
      {
        rules: [
          {
            name: 'reads',
            matchFeatures: [{ feature: 'rule.matched', matchExpressions: { gpu: { op: 'IsTrue' } } }],
          },
        ],
      },
    ]),
    { digest: DIGEST },
  );
  const rules = g.objects[0]!.spec.rules;
  assert.deepEqual(
    rules.map((r) => r.name),
    ['set1/gpu', 'set1/gpu: vars when matchAny fails', 'set1: all rules matched'],
  );
  assert.deepEqual(rules[1]!.vars, { gpu: 'true' });
  assert.equal(rules[1]!.matchAny, undefined);
  assert.deepEqual(rules[1]!.matchFeatures!.at(-1), {
    feature: 'rule.matched',
    matchExpressions: { 'imgcompat.0123456789ab.set1.1': { op: 'DoesNotExist' } },
  });
  assert.deepEqual(g.warnings, []);
  assert.deepEqual(g.inexpressible, []);
});

test('without a later reader there is no companion', () => {
  const g = generateNodeFeatureRules(
    spec([
      {
        rules: [
          {
            name: 'gpu',
            vars: { gpu: 'true' },
            matchAny: [
              { matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { AVX: { op: 'Exists' } } }] },
            ],
          },
        ],
      },
    ]),
    { digest: DIGEST },
  );
  assert.equal(g.objects[0]!.spec.rules.length, 2);
});

test("the spec's first rule: its rule.matched terms become one that cannot match, and the read is warned about", () => {
  const g = generateNodeFeatureRules(
    spec([
      {
        rules: [
          {
            name: 'first',
            matchFeatures: [{ feature: 'rule.matched', matchExpressions: { x: { op: 'DoesNotExist' } } }],
          },
        ],
      },
    ]),
    { digest: DIGEST },
  );
  assert.deepEqual(g.objects[0]!.spec.rules[0]!.matchFeatures, [
    { feature: 'rule.matched', matchExpressions: { 'imgcompat.0123456789ab.set1.1': { op: 'IsTrue' } } },
  ]);
  assert.equal(g.warnings.length, 1);
  assert.match(
    g.warnings[0]!,
    /set #1 \(set1\) rule "first" reads rule\.matched "x", which no earlier rule of the spec sets/,
  );
});
