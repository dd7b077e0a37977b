import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Rule } from '../../../src/core/model/rules.ts';
import type { Spec } from '../../../src/core/model/spec.ts';
import { validateGroupRule, validateRule, validateSpec } from '../../../src/core/validate/rules.ts';

test('validateRule: @ dynamic values are replaced by a dummy quantity first, as kubectl nfd does', () => {
  const rule: Rule = {
    name: 'r',
    labels: { 'vendor.io/family': '@cpu.model.family', 'vendor.io/bad': 'a b' },
    extendedResources: { 'vendor.io/cores': '@cpu.topology.cores', 'vendor.io/x': '@' },
  };
  const issues = validateRule(rule, 'spec.rules[0]');
  assert.deepEqual(
    issues.map((i) => [i.path, i.at]),
    [['spec.rules[0].labels["vendor.io/bad"]', 'key']],
  );
  assert.match(issues[0]!.message, /^invalid label "vendor.io\/bad":"a b" invalid value "a b": /);
  // The input is not modified.
  assert.equal(rule.labels!['vendor.io/family'], '@cpu.model.family');
});

test('feature names: NFD rejects anything but one dot; a spec only warns about several', () => {
  const rule = { name: 'g', matchFeatures: [{ feature: 'a.b.c' }, { feature: 'nodot' }] };
  assert.deepEqual(
    validateGroupRule(rule, 'r', { featureNames: 'nfd' }).map((i) => i.severity),
    ['error', 'error'],
  );
  assert.deepEqual(
    validateGroupRule(rule, 'r', { featureNames: 'spec' }).map((i) => [i.severity, i.path]),
    [
      ['warning', 'r.matchFeatures[0].feature'],
      ['error', 'r.matchFeatures[1].feature'],
    ],
  );
});

test('matchAny terms and templates are checked with their paths', () => {
  const issues = validateGroupRule(
    {
      name: 'g',
      varsTemplate: '{{ .a }',
      matchAny: [{ matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { AVX: { op: 'In' } } }] }],
    },
    'r',
    { featureNames: 'nfd' },
  );
  assert.deepEqual(
    issues.map((i) => i.path),
    ['r.varsTemplate', 'r.matchAny[0].matchFeatures[0].matchExpressions.AVX.value'],
  );
});

test('validateSpec: version, empty sets, sets without rules', () => {
  const spec: Spec = { version: 'v1alpha1', compatibilities: [{ rules: [] }] };
  assert.deepEqual(
    validateSpec(spec).map((i) => [i.severity, i.path]),
    [['warning', 'compatibilities[0]']],
  );
  assert.deepEqual(
    validateSpec({ version: '', compatibilities: [] }).map((i) => i.message),
    [
      'missing "version": the supported version is "v1alpha1"',
      '"compatibilities" is empty: a spec needs at least one compatibility set',
    ],
  );
});
