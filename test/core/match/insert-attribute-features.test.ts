import assert from 'node:assert/strict';
import { test } from 'node:test';
import { insertAttributeFeatures } from '../../../src/core/match/insert-attribute-features.ts';
import type { Features } from '../../../src/core/model/features.ts';

test('insertAttributeFeatures creates the feature, then merges with later keys winning', () => {
  const f: Features = {};
  insertAttributeFeatures(f, 'rule', 'matched', null);
  assert.deepEqual(f.attributes, { 'rule.matched': { elements: {} } });
  const values = { a: '1', b: '2' };
  insertAttributeFeatures(f, 'rule', 'matched', values);
  insertAttributeFeatures(f, 'rule', 'matched', { b: '3' });
  assert.deepEqual(f.attributes?.['rule.matched']?.elements, { a: '1', b: '3' });
  assert.deepEqual(values, { a: '1', b: '2' }, 'the caller map is not modified');
});
