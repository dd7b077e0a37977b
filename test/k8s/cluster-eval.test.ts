import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type NodeVerdict, verdictInterner } from '../../src/k8s/cluster-eval.ts';

test('verdictInterner shares equal set lists and keeps different ones apart', () => {
  const v = (node: string, firstFailure?: string): NodeVerdict => ({
    node,
    objects: [`nfd/${node}`],
    compatible: firstFailure === undefined,
    sets: [{ index: 1, compatible: firstFailure === undefined, ...(firstFailure ? { firstFailure } : {}) }],
  });
  const compact = verdictInterner();
  const a = compact(v('a', 'r: x Exists'));
  const b = compact(v('b', 'r: x Exists'));
  const c = compact(v('c'));
  assert.equal(a.sets, b.sets);
  assert.notEqual(a.sets, c.sets);
  assert.deepEqual(c.sets, [{ index: 1, compatible: true }]);
  assert.equal(b.node, 'b');
});
