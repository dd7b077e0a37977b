import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Features } from '../../../src/core/model/features.ts';
import type { Spec } from '../../../src/core/model/spec.ts';
import { compatibleSets, isSetCompatible, validateNode } from '../../../src/core/report/node-validator.ts';

const features = (): Features => ({
  flags: { 'cpu.cpuid': { elements: { AVX2: {}, SSE42: {} } } },
  attributes: { 'kernel.version': { elements: { major: '6', minor: '8' } } },
  instances: {
    'pci.device': {
      elements: [
        { attributes: { vendor: '15b3', class: '0200' } },
        { attributes: { vendor: '8086', class: '0300' } },
      ],
    },
  },
});

test('rows are sorted by feature, name, expression; OK means "held on some element"', () => {
  const spec: Spec = {
    version: 'v1alpha1',
    compatibilities: [
      {
        rules: [
          {
            name: 'nic',
            matchFeatures: [
              // No single device is an 8086 network controller, but each expression held on one.
              {
                feature: 'pci.device',
                matchExpressions: {
                  vendor: { op: 'In', value: ['8086'] },
                  class: { op: 'In', value: ['0200'] },
                },
              },
              {
                feature: 'cpu.cpuid',
                matchExpressions: { AVX512F: { op: 'Exists' }, AVX2: { op: 'Exists' } },
              },
            ],
          },
        ],
      },
    ],
  };
  const [set] = validateNode(spec, features());
  const rule = set!.rules![0]!;
  assert.equal(rule.isMatch, false);
  assert.deepEqual(
    rule.matchedExpressions!.map((m) => [m.feature, m.name, m.isMatch]),
    [
      ['cpu.cpuid', 'AVX2', true],
      ['cpu.cpuid', 'AVX512F', false],
      ['pci.device', 'class', true],
      ['pci.device', 'vendor', true],
    ],
  );
  assert.equal(isSetCompatible(set!), false);
});

test('a feature name with upper-case letters always shows FAIL, even when the rule matched', () => {
  const spec: Spec = {
    version: 'v1alpha1',
    compatibilities: [
      {
        rules: [
          {
            name: 'r',
            matchFeatures: [{ feature: 'CPU.cpuid', matchExpressions: { AVX2: { op: 'Exists' } } }],
          },
        ],
      },
    ],
  };
  const rule = validateNode(spec, features())[0]!.rules![0]!;
  assert.equal(rule.isMatch, true);
  assert.equal(rule.matchedExpressions![0]!.isMatch, false);
  assert.equal(rule.matchedExpressions![0]!.feature, 'CPU.cpuid');
});

test('vars feed rule.matched for later rules and later sets; the caller features are untouched', () => {
  const input = features();
  input.attributes!['rule.matched'] = { elements: { pre: 'existing' } };
  const before = JSON.stringify(input);
  const spec: Spec = {
    version: 'v1alpha1',
    compatibilities: [
      { tag: 'a', rules: [{ name: 'setter', vars: { avx: 'yes' }, matchFeatures: [] }] },
      {
        tag: 'b',
        rules: [
          {
            name: 'reader',
            matchFeatures: [
              {
                feature: 'rule.matched',
                matchExpressions: { avx: { op: 'In', value: ['yes'] }, pre: { op: 'Exists' } },
              },
            ],
          },
        ],
      },
    ],
  };
  const report = validateNode(spec, input);
  assert.equal(report[1]!.rules![0]!.isMatch, true);
  assert.equal(JSON.stringify(input), before);
  assert.deepEqual(
    compatibleSets(report).map((p) => [p.index, p.set.tag]),
    [
      [0, 'a'],
      [1, 'b'],
    ],
  );
});

test('an attribute feature named __proto__ is kept as a feature of the copy rule.matched is added to', () => {
  // As JSON.parse builds it: an own property, not the prototype.
  const input = JSON.parse(
    '{"attributes": {"__proto__": {"elements": {"a": "b"}}, "cpu.model": {"elements": {"vendor_id": "Intel"}}}}',
  ) as Features;
  const before = JSON.stringify(input);
  const spec: Spec = {
    version: 'v1alpha1',
    compatibilities: [
      {
        rules: [
          {
            name: 'first',
            matchFeatures: [{ feature: '__proto__', matchExpressions: { a: { op: 'In', value: ['b'] } } }],
          },
          {
            name: 'second',
            matchFeatures: [{ feature: '__proto__', matchExpressions: { a: { op: 'Exists' } } }],
          },
        ],
      },
    ],
  };
  const report = validateNode(spec, input);
  assert.deepEqual(
    report[0]!.rules!.map((r) => r.isMatch),
    [true, true],
  );
  assert.equal(JSON.stringify(input), before);
});

test('tags keep only exactly matching sets; untagged sets are dropped when tags are given', () => {
  const spec: Spec = {
    version: 'v1alpha1',
    compatibilities: [
      { tag: 'x', weight: 5, description: 'd', rules: [] },
      { rules: [] },
      { tag: 'X', rules: [] },
    ],
  };
  assert.deepEqual(validateNode(spec, features(), { tags: ['x'] }), [
    { rules: null, tag: 'x', weight: 5, description: 'd' },
  ]);
  assert.equal(validateNode(spec, features()).length, 3);
  assert.deepEqual(validateNode(spec, features(), { tags: ['nope'] }), []);
});

test('matchAny: one status per element; an element without rows is null', () => {
  const spec: Spec = {
    version: 'v1alpha1',
    compatibilities: [
      {
        rules: [
          {
            name: 'any',
            matchAny: [
              { matchFeatures: [] },
              { matchFeatures: [{ feature: 'pci.device', matchName: { op: 'In', value: ['vendor'] } }] },
            ],
          },
        ],
      },
    ],
  };
  const rule = validateNode(spec, features())[0]!.rules![0]!;
  assert.equal(rule.isMatch, true);
  assert.equal(rule.matchedExpressions, undefined);
  assert.equal(rule.matchedAny![0]!.matchedExpressions, null);
  assert.deepEqual(rule.matchedAny![1]!.matchedExpressions, [
    {
      feature: 'pci.device',
      name: '',
      expression: { op: 'In', value: ['vendor'] },
      matcherType: 'matchName',
      isMatch: true,
    },
  ]);
});

test('an evaluation error aborts the whole report', () => {
  const spec: Spec = {
    version: 'v1alpha1',
    compatibilities: [
      {
        rules: [
          {
            name: 'bad',
            matchFeatures: [
              { feature: 'kernel.version', matchExpressions: { major: { op: 'Gt', value: ['x'] } } },
            ],
          },
        ],
      },
    ],
  };
  assert.throws(() => validateNode(spec, features()), /not a number/);
});
