/**
 * nfd-master's output filtering (src/core/validate/nfd-master.ts). Expected values are read from NFD
 * v0.19.0: pkg/nfd-master/nfd-master.go `addNsToMapKeys` (unprefixed keys get the namespace; the
 * prefixed key wins when both are set), `processNodeFeatureRule` (labels, extended resources and
 * annotations prefixed with feature.node.kubernetes.io, taints not), `filterFeatureLabel` (denied
 * namespace: "namespace %q is not allowed" unless extraLabelNs), and pkg/apis/nfd/validate `Label`,
 * `Annotation`, `ExtendedResource`, `Taint` (which namespaces are denied for which output).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addNsToMapKeys, filterOutputs, filterTaint } from '../../../src/core/validate/nfd-master.ts';

test('addNsToMapKeys: unprefixed keys get feature.node.kubernetes.io/, a prefixed twin wins', () => {
  const r = addNsToMapKeys({
    plain: '1',
    'vendor.io/x': '2',
    twin: 'unprefixed',
    'feature.node.kubernetes.io/twin': 'prefixed',
  });
  assert.deepEqual(r.out, {
    'feature.node.kubernetes.io/plain': '1',
    'vendor.io/x': '2',
    'feature.node.kubernetes.io/twin': 'prefixed',
  });
  assert.deepEqual(r.ignored, ['twin']);
  assert.equal(r.from.get('feature.node.kubernetes.io/plain'), 'plain');
});

test('labels: the unprefixed key of NFD docs/usage/custom-resources.md is kept, prefixed', () => {
  const r = filterOutputs('label', { 'example-custom-feature': 'true' });
  assert.deepEqual(r.kept, { 'feature.node.kubernetes.io/example-custom-feature': 'true' });
  assert.deepEqual(r.rejected, []);
});

test('labels: kubernetes.io namespaces other than feature/profile ones are dropped as denied', () => {
  const r = filterOutputs('label', {
    'kubernetes.io/a': 'x',
    'node-role.kubernetes.io/worker': '',
    'feature.node.kubernetes.io/b': 'x',
    'sub.feature.node.kubernetes.io/c': 'x',
    'profile.node.kubernetes.io/d': 'x',
    'sub.profile.node.kubernetes.io/e': 'x',
    'example.com/f': 'x',
  });
  assert.deepEqual(Object.keys(r.kept).sort(), [
    'example.com/f',
    'feature.node.kubernetes.io/b',
    'profile.node.kubernetes.io/d',
    'sub.feature.node.kubernetes.io/c',
    'sub.profile.node.kubernetes.io/e',
  ]);
  assert.deepEqual(
    r.rejected.map((x) => [x.key, x.denied, x.message]),
    [
      [
        'kubernetes.io/a',
        true,
        'label "kubernetes.io/a" is dropped by nfd-master: namespace "kubernetes.io" is not allowed',
      ],
      [
        'node-role.kubernetes.io/worker',
        true,
        'label "node-role.kubernetes.io/worker" is dropped by nfd-master: namespace "node-role.kubernetes.io" is not allowed',
      ],
    ],
  );
});

test('labels: a bad value or key is an error (dropped too, but not a namespace matter)', () => {
  const r = filterOutputs('label', { 'example.com/v': 'a b', 'bad key': 'x' });
  assert.deepEqual(
    r.rejected.map((x) => [x.ruleKey, x.denied]),
    [
      ['example.com/v', false],
      ['bad key', false],
    ],
  );
  assert.match(r.rejected[0]!.message, /^invalid label "example.com\/v":"a b" invalid value "a b": /);
  // The rule's own key is kept for positions; nfd-master's key is the prefixed one.
  assert.equal(r.rejected[1]!.key, 'feature.node.kubernetes.io/bad key');
});

test('annotations and extended resources: prefixed; only the feature namespace is allowed under kubernetes.io', () => {
  const a = filterOutputs('annotation', {
    note: 'x',
    'profile.node.kubernetes.io/p': 'x',
    'custom.vendor.io/feature': 'baz',
  });
  assert.deepEqual(a.kept, { 'feature.node.kubernetes.io/note': 'x', 'custom.vendor.io/feature': 'baz' });
  assert.deepEqual(
    a.rejected.map((x) => [x.key, x.denied]),
    [['profile.node.kubernetes.io/p', true]],
  );
  const e = filterOutputs('extended resource', {
    'my-er': '2',
    'kubernetes.io/er': '1',
    'vendor.io/bad': 'lots',
  });
  assert.deepEqual(e.kept, { 'feature.node.kubernetes.io/my-er': '2' });
  assert.deepEqual(
    e.rejected.map((x) => [x.key, x.denied]),
    [
      ['kubernetes.io/er', true],
      ['vendor.io/bad', false],
    ],
  );
});

test('taints: never prefixed, so an unprefixed key is an error; a denied namespace is dropped', () => {
  assert.deepEqual(filterTaint({ key: 'dedicated', effect: 'NoSchedule' }), {
    denied: false,
    message: 'invalid taint dedicated=:NoSchedule: unprefixed keys are not allowed',
  });
  assert.equal(filterTaint({ key: 'kubernetes.io/t', effect: 'NoSchedule' })?.denied, true);
  assert.equal(filterTaint({ key: 'feature.node.kubernetes.io/t', effect: 'NoSchedule' }), null);
});
