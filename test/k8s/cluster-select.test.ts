import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpec } from '../../src/core/load/load-spec.ts';
import { selectForCluster } from '../../src/k8s/cluster-select.ts';
import type { NodeFeatureObject } from '../../src/k8s/kube-client.ts';
import { groupByNode } from '../../src/k8s/nodefeatures.ts';
import { CLUSTER, NFD_NS, nodeFeature, SPEC } from './cluster-fixtures.ts';

const AVX512 = `version: v1alpha1
compatibilities:
  - tag: avx512
    weight: 100
    rules:
      - name: avx512
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              AVX512F: {op: Exists}
`;
const GENERIC = `version: v1alpha1
compatibilities:
  - tag: avx
    weight: 10
    rules:
      - name: avx
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              AVX: {op: Exists}
`;

const nodes = groupByNode(
  CLUSTER.map((c) => nodeFeature(c) as unknown as NodeFeatureObject),
  NFD_NS,
);

test('each node gets its best variant; merged third-party objects count; a node with no fit gets none', () => {
  const variants = [
    { image: 'generic', spec: loadSpec(GENERIC).spec },
    { image: 'avx512', spec: loadSpec(AVX512).spec },
  ];
  const got = Object.fromEntries(
    selectForCluster(nodes, variants, []).map((n) => [n.node, n.selection.chosen?.image ?? null]),
  );
  assert.deepEqual(got, {
    'node-a': 'avx512',
    'node-b': 'generic',
    'node-c': 'avx512',
    'node-d': 'generic',
    'node-e': null,
  });
});

test('a variant whose rule cannot be evaluated on a node does not fit there, with the reason', () => {
  // SPEC's baseline set compares kernel major "six" with Gt: an evaluation error on node-d only.
  const variants = [
    { image: 'spec', spec: loadSpec(SPEC).spec },
    { image: 'generic', spec: loadSpec(GENERIC).spec },
  ];
  const d = selectForCluster(nodes, variants, []).find((n) => n.node === 'node-d')!;
  assert.equal(d.selection.chosen?.image, 'generic');
  assert.equal(d.selection.variants[0]!.fits, false);
  assert.match(d.selection.variants[0]!.error ?? '', /cannot be evaluated/);
});
