import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDynamicValue } from '../../../src/core/match/dynamic-value.ts';
import type { Features } from '../../../src/core/model/features.ts';
import { RuleEvaluationError } from '../../../src/errors.ts';

test('getDynamicValue resolves @domain.feature.element, the element may contain dots', () => {
  const f: Features = { attributes: { 'kernel.config': { elements: { 'a.b': 'y', LSM: 'apparmor' } } } };
  assert.equal(getDynamicValue('@kernel.config.LSM', f), 'apparmor');
  assert.equal(getDynamicValue('@kernel.config.a.b', f), 'y');
  assert.throws(
    () => getDynamicValue('@kernel.config', f),
    /is not in the form of '@domain.feature.element'/,
  );
  assert.throws(() => getDynamicValue('@kernel.nope.x', f), { message: 'feature kernel.nope not found' });
  assert.throws(() => getDynamicValue('@kernel.config.x', f), RuleEvaluationError);
});
