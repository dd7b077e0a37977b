import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabelIndex, nodeExtractor, ruleExtractor } from '../../../src/k8s/webhook/label-index.ts';

const K1 = 'compat.feature.node.kubernetes.io/aaaaaaaaaaaa.fast';
const K2 = 'compat.feature.node.kubernetes.io/aaaaaaaaaaaa.baseline';

function node(name: string, labels: Record<string, string>, annotations: Record<string, string> = {}) {
  return { metadata: { name, labels, annotations }, status: { images: [{ names: ['x'.repeat(1000)] }] } };
}

test('counts compat keys per node; ignores other labels; updates and deletes move the counts', () => {
  const ix = new LabelIndex(nodeExtractor);
  ix.upsert(node('a', { [K1]: 'true', [K2]: 'true', 'kubernetes.io/os': 'linux' }));
  ix.upsert(node('b', { [K2]: 'true' }, { 'nfd.node.kubernetes.io/feature-labels': 'x' }));
  ix.upsert(node('c', {}, { 'prod.nfd.node.kubernetes.io/feature-labels': 'x' }));
  assert.deepEqual([ix.count(K1), ix.count(K2), ix.count('kubernetes.io/os')], [1, 2, 0]);
  assert.deepEqual([ix.size, ix.keys, ix.flagged, ix.withKeys], [3, 2, 2, 2]);
  ix.upsert(node('a', { [K2]: 'true' }));
  assert.deepEqual([ix.count(K1), ix.count(K2), ix.keys], [0, 2, 1]);
  ix.remove(node('b', {}));
  assert.deepEqual([ix.count(K2), ix.flagged, ix.size, ix.withKeys], [1, 1, 2, 1]);
  ix.remove(node('zz', {}));
  ix.replaceAll([node('x', { [K1]: 'true' })]);
  assert.deepEqual([ix.count(K1), ix.count(K2), ix.size, ix.flagged], [1, 0, 1, 0]);
});

test('NodeFeatureRules: the compat keys their rules set', () => {
  const ix = new LabelIndex(ruleExtractor);
  ix.upsert({
    metadata: { name: 'r' },
    spec: {
      rules: [
        { name: 'm', vars: { 'imgcompat.x': 'true' } },
        { name: 'last', labels: { [K1]: 'true', other: 'x' } },
        { name: 'bad', labels: 'nope' },
      ],
    },
  });
  ix.upsert({ metadata: { name: 'broken' }, spec: 'x' });
  ix.upsert({ spec: {} });
  assert.deepEqual([ix.count(K1), ix.count('other'), ix.size], [1, 0, 2]);
});
