import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeScopes, scopesCover } from '../../../src/registry/auth/scope.ts';
import { TokenCache } from '../../../src/registry/auth/token-cache.ts';

test('scopes: actions united per resource, sorted, deduplicated', () => {
  assert.deepEqual(mergeScopes(['repository:a:pull'], ['repository:a:push', 'repository:b:pull']), [
    'repository:a:pull,push',
    'repository:b:pull',
  ]);
  assert.deepEqual(mergeScopes(['repository:a:push,pull', 'repository:a:pull']), ['repository:a:pull,push']);
  assert.deepEqual(mergeScopes(['repository:a:*', 'repository:a:pull']), ['repository:a:*']);
  assert.deepEqual(mergeScopes(['registry:catalog:*']), ['registry:catalog:*']);
  assert.deepEqual(mergeScopes(['repository:a:pull repository:b:push']), [
    'repository:a:pull',
    'repository:b:push',
  ]);
  assert.equal(scopesCover(['repository:a:pull,push'], ['repository:a:pull']), true);
  assert.equal(scopesCover(['repository:a:pull'], ['repository:a:push']), false);
});

test('token cache: per host and scope set, order-insensitive, expiring early', () => {
  let now = 1_000_000;
  const c = new TokenCache(() => now);
  c.set('r:5000', ['repository:a:pull', 'repository:b:pull'], 'T1', 300);
  assert.equal(c.get('r:5000', ['repository:b:pull', 'repository:a:pull']), 'T1');
  assert.equal(c.get('r:5000', ['repository:a:pull']), undefined);
  assert.equal(c.get('other:5000', ['repository:a:pull', 'repository:b:pull']), undefined);
  now += 289_000; // 300 s lifetime minus the 10 s margin
  assert.equal(c.get('r:5000', ['repository:a:pull', 'repository:b:pull']), 'T1');
  now += 2_000;
  assert.equal(c.get('r:5000', ['repository:a:pull', 'repository:b:pull']), undefined);
  // Without expires_in the distribution default of 60 s applies.
  c.set('r', ['s'], 'T2');
  now += 53_000;
  assert.equal(c.get('r', ['s']), 'T2');
  now += 2_000;
  assert.equal(c.get('r', ['s']), undefined);
});
