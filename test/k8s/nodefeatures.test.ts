import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeFeatureObject } from '../../src/k8s/kube-client.ts';
import { groupByNode, MalformedFeaturesError, mergeNodeFeatures } from '../../src/k8s/nodefeatures.ts';

const LABEL = 'nfd.node.kubernetes.io/node-name';

function nf(name: string, namespace: string, node: string | undefined, features: unknown): NodeFeatureObject {
  return {
    metadata: { name, namespace, ...(node ? { labels: { [LABEL]: node } } : {}) },
    spec: { features },
  };
}

test("groups by the node-name label in nfd-master's order: its namespace first, then name, then namespace", () => {
  const objs = [
    nf('z-extra', 'alpha', 'n1', {}),
    nf('n1', 'zeta', 'n1', {}),
    nf('a-extra', 'zeta', 'n1', {}),
    nf('n1', 'nfd', 'n1', {}),
    nf('a-extra', 'beta', 'n1', {}),
    nf('n2', 'nfd', 'n2', {}),
    nf('unlabelled', 'nfd', undefined, {}),
  ];
  const groups = groupByNode(objs, 'nfd');
  assert.deepEqual(
    groups.map((g) => [g.node, g.objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)]),
    [
      ['n1', ['nfd/n1', 'beta/a-extra', 'zeta/a-extra', 'zeta/n1', 'alpha/z-extra']],
      ['n2', ['nfd/n2']],
    ],
  );
});

test('merge: later objects overwrite flag and attribute elements, instances are appended', () => {
  const first = nf('n1', 'nfd', 'n1', {
    flags: { 'cpu.cpuid': { elements: { AVX: {} } } },
    attributes: { 'kernel.version': { elements: { major: '5', minor: '10' } } },
    instances: { 'pci.device': { elements: [{ attributes: { vendor: '8086' } }] } },
  });
  const second = nf('vendor', 'other', 'n1', {
    flags: { 'cpu.cpuid': { elements: { AVX512F: {} } }, 'vendor.flag': { elements: {} } },
    attributes: { 'kernel.version': { elements: { major: '6' } } },
    instances: { 'pci.device': { elements: [{ attributes: { vendor: '10de' } }] } },
  });
  const merged = mergeNodeFeatures([first, second]);
  assert.deepEqual(merged.flags?.['cpu.cpuid']?.elements, { AVX: {}, AVX512F: {} });
  assert.deepEqual(merged.flags?.['vendor.flag']?.elements, {});
  assert.deepEqual(merged.attributes?.['kernel.version']?.elements, { major: '6', minor: '10' });
  assert.deepEqual(
    merged.instances?.['pci.device']?.elements?.map((e) => e.attributes.vendor),
    ['8086', '10de'],
  );
  // The inputs are not modified (nfd-master deep-copies the first object).
  assert.deepEqual(
    (first.spec!.features as { flags: Record<string, { elements: object }> }).flags['cpu.cpuid']!.elements,
    {
      AVX: {},
    },
  );
});

test('malformed features name the object and the path', () => {
  const bad = nf('n1', 'nfd', 'n1', { attributes: { 'kernel.version': { elements: { major: 6 } } } });
  assert.throws(
    () => mergeNodeFeatures([bad]),
    (e: unknown) =>
      e instanceof MalformedFeaturesError &&
      /NodeFeature nfd\/n1: spec\.features\.attributes\["kernel\.version"\]\.elements\["major"\] is number, not a string/.test(
        e.message,
      ),
  );
  const badInstances = nf('x', 'nfd', 'n1', { instances: { 'pci.device': { elements: {} } } });
  assert.throws(
    () => mergeNodeFeatures([badInstances]),
    /instances\["pci\.device"\]\.elements is not a list/,
  );
});
