import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type KubeApiServer, NFD_NAMESPACE, startKubeApiServer } from './harness/kube.ts';

let kube: KubeApiServer;
before(async () => {
  kube = await startKubeApiServer();
});
after(async () => {
  await kube?.stop();
});

const NF_PATH = `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${NFD_NAMESPACE}/nodefeatures`;

test('the test API server is a real kube-apiserver with NFD CRDs installed', async () => {
  const version = await kube.api('GET', '/version');
  assert.equal(version.status, 200);
  assert.equal(version.body.major, '1');
  const crds = await kube.api('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  const names = crds.body.items.map((c: { metadata: { name: string } }) => c.metadata.name).sort();
  assert.deepEqual(names, [
    'nodefeaturegroups.nfd.k8s-sigs.io',
    'nodefeaturerules.nfd.k8s-sigs.io',
    'nodefeatures.nfd.k8s-sigs.io',
  ]);
});

test('NodeFeature objects round-trip and the schema rejects a bad op in a NodeFeatureRule', async () => {
  const nf = {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: { name: 'node-a', labels: { 'nfd.node.kubernetes.io/node-name': 'node-a' } },
    spec: { features: { flags: { 'kernel.loadedmodule': { elements: { 'vfio-pci': {} } } } } },
  };
  const created = await kube.api('POST', NF_PATH, nf);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const list = await kube.api('GET', `${NF_PATH}?labelSelector=nfd.node.kubernetes.io%2Fnode-name%3Dnode-a`);
  assert.deepEqual(list.body.items[0].spec.features.flags['kernel.loadedmodule'].elements, {
    'vfio-pci': {},
  });

  const bad = await kube.api('POST', '/apis/nfd.k8s-sigs.io/v1alpha1/nodefeaturerules', {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeatureRule',
    metadata: { name: 'bad' },
    spec: {
      rules: [
        { name: 'r', matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { AVX: { op: 'Bogus' } } }] },
      ],
    },
  });
  assert.equal(bad.status, 422);
  assert.match(bad.body.message, /Unsupported value: "Bogus"/);
});

test('RBAC is enforced: a user without permissions is forbidden', async () => {
  const res = await kube.api('GET', NF_PATH, undefined, kube.unprivilegedToken);
  assert.equal(res.status, 403);
});
