import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeRuleSequence } from '../../../src/core/match/sequence.ts';
import type { Rule } from '../../../src/core/model/rules.ts';
import { sampleFeatures } from './fixtures.ts';

test('labels then vars of each rule feed rule.matched for later rules', () => {
  const features = sampleFeatures();
  const rules: Rule[] = [
    { name: 'a', labels: { k: 'label', kernel: 'true' }, vars: { k: 'var' } },
    {
      name: 'b',
      labels: { saw: 'yes' },
      matchFeatures: [
        {
          feature: 'rule.matched',
          matchExpressions: { k: { op: 'In', value: ['var'] }, kernel: { op: 'IsTrue' } },
        },
      ],
    },
  ];
  const out = executeRuleSequence(rules, features);
  assert.deepEqual(
    out.steps.map((s) => s.output?.matchStatus.isMatch),
    [true, true],
  );
  assert.deepEqual(out.labels, { k: 'label', kernel: 'true', saw: 'yes' });
  assert.deepEqual(features.attributes?.['rule.matched']?.elements, { k: 'var', kernel: 'true', saw: 'yes' });
});

test('an erroring rule is skipped and creates nothing; a non-matching one still creates rule.matched', () => {
  const features = sampleFeatures();
  const bad: Rule = {
    name: 'bad',
    labels: { x: '1' },
    matchFeatures: [{ feature: 'cpu.cpuid', matchName: { op: 'In' } }],
  };
  const dne: Rule = {
    name: 'dne',
    labels: { nox: 'true' },
    matchFeatures: [{ feature: 'rule.matched', matchExpressions: { x: { op: 'DoesNotExist' } } }],
  };
  const out = executeRuleSequence([bad, dne], features);
  assert.ok(out.steps[0]?.error);
  assert.equal(out.steps[1]?.output?.matchStatus.isMatch, false, 'rule.matched did not exist yet');
  assert.deepEqual(features.attributes?.['rule.matched']?.elements, {});
  // Now that the feature exists, the same rule matches.
  assert.equal(executeRuleSequence([dne], features).steps[0]?.output?.matchStatus.isMatch, true);
});
